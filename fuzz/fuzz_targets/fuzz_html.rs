#![no_main]
//! Arbitrary bytes read as html: no panic, every invariant kept.

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| common::check(data, Some(newsgraph_core::Format::Html), false));
