//! Scores the segmenter on CoNLL-U files.
//!
//! `cargo run --release -p newsgraph-eval --example eval_segment -- [--genre news] [--errors N] [--json] FILE…`
//!
//! `--errors N` prints up to N sentence-boundary and token errors per kind
//! (for tuning on dev/train splits only).

use newsgraph_eval::segment::{evaluate_doc, gold_docs, SegmentEvalOptions, SegmentReport};
use newsgraph_segment::Segmenter;
use std::path::PathBuf;

fn main() {
    let mut paths = Vec::new();
    let mut opts = SegmentEvalOptions::default();
    let mut errors = 0usize;
    let mut json = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--genre" => opts.genre = args.next(),
            "--errors" => errors = args.next().and_then(|n| n.parse().ok()).unwrap_or(20),
            "--json" => json = true,
            _ => paths.push(PathBuf::from(a)),
        }
    }
    let seg = Segmenter::new();
    let docs = match gold_docs(&paths, &opts) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    };
    let mut report = SegmentReport::default();
    let (mut n_tok, mut n_miss, mut n_extra) = (0, 0, 0);
    for d in &docs {
        let (score, sys) = evaluate_doc(d, &seg);
        report.add(&score);
        if errors == 0 {
            continue;
        }
        let ctx = |s: usize, e: usize| -> String {
            let a = floor(&d.text, s.saturating_sub(40));
            let z = floor(&d.text, (e + 40).min(d.text.len()));
            format!("{}[{}]{}", &d.text[a..s], &d.text[s..e], &d.text[e..z]).replace('\n', "¶")
        };
        // Token errors: gold tokens that the system does not have.
        let sys_tok: std::collections::HashSet<_> = sys.tokens.iter().collect();
        for t in &d.gold.tokens {
            if !sys_tok.contains(t) && n_tok < errors {
                n_tok += 1;
                println!("TOK  {}", ctx(t.start as usize, t.end as usize));
            }
        }
        // Sentence boundary errors.
        let gold_ends: std::collections::HashSet<u32> =
            d.gold.sentences.iter().map(|s| s.end).collect();
        let sys_ends: std::collections::HashSet<u32> =
            sys.sentences.iter().map(|s| s.end).collect();
        for s in &d.gold.sentences {
            if !sys_ends.contains(&s.end) && n_miss < errors {
                n_miss += 1;
                println!("MISS {}", ctx(s.end as usize, s.end as usize));
            }
        }
        for s in &sys.sentences {
            if !gold_ends.contains(&s.end) && n_extra < errors {
                n_extra += 1;
                println!("XTRA {}", ctx(s.end as usize, s.end as usize));
            }
        }
    }
    if json {
        match serde_json::to_string_pretty(&report) {
            Ok(s) => println!("{s}"),
            Err(e) => eprintln!("error: {e}"),
        }
    } else {
        print!("{}", report.table());
    }
}

fn floor(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}
