#![no_main]
//! Arbitrary bytes behind a gzip header: no panic, every invariant kept.

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| common::check(data, None, true));
