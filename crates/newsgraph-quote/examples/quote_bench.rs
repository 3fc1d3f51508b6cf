//! Time of the quote stage against the stages before it, one thread:
//! `cargo run --release -p newsgraph-quote --example quote_bench -- DIR…`
//! (every file below the folders, read as plain text).

use newsgraph_core::{Annotator, Document};
use std::time::{Duration, Instant};

fn files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn main() {
    let mut paths = Vec::new();
    for a in std::env::args().skip(1) {
        files(std::path::Path::new(&a), &mut paths);
    }
    paths.sort();
    let seg = newsgraph_segment::SegmenterBuilder::new().build();
    let syntax = newsgraph_pipeline::syntax_stages();
    let quotes = newsgraph_quote::Quotes::embedded().expect("lexicon");
    let (mut t_before, mut t_quote) = (Duration::ZERO, Duration::ZERO);
    let (mut docs, mut n_quotes, mut bytes) = (0usize, 0usize, 0usize);
    for p in &paths {
        let Ok(text) = std::fs::read_to_string(p) else {
            continue;
        };
        bytes += text.len();
        let mut doc = Document::from_text(text);
        let t = Instant::now();
        seg.run(&mut doc);
        for s in &syntax {
            s.run(&mut doc);
        }
        t_before += t.elapsed();
        let t = Instant::now();
        quotes.run(&mut doc);
        t_quote += t.elapsed();
        docs += 1;
        n_quotes += doc.quotes.len();
    }
    let b = t_before.as_secs_f64();
    let q = t_quote.as_secs_f64();
    println!(
        "{docs} documents, {:.1} MB, {n_quotes} quotes; segment+tag+lemma+parse {b:.2} s, quote {q:.3} s (+{:.2} %)",
        bytes as f64 / 1e6,
        100.0 * q / b.max(1e-9)
    );
}
