//! Golden tests of the quote stage: each `test_data/quotes/*.txt` (short
//! news texts written for these tests) is read as plain text, segmented,
//! tagged, parsed and run through the quote stage; the quotes, rendered as
//! JSON with their texts, must equal `<name>.json`. Run with
//! `UPDATE_GOLDEN=1` to rewrite the expected files, then review the diff.

use newsgraph_core::{Annotator, Document, Span};
use std::path::{Path, PathBuf};

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test_data/quotes")
}

fn render(doc: &Document) -> String {
    let text = |s: Option<Span>| s.map(|s| doc.slice(s).to_string());
    let quotes: Vec<serde_json::Value> = doc
        .quotes
        .iter()
        .map(|q| {
            serde_json::json!({
                "kind": q.kind,
                "content": doc.slice(q.content),
                "speaker": text(q.speaker),
                "cue": text(q.cue),
                "addressee": text(q.addressee),
                "paragraphs": [q.paragraphs.0, q.paragraphs.1],
            })
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&quotes).expect("serialisable");
    s.push('\n');
    s
}

#[test]
fn quote_golden_files() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(data_dir())
        .expect("test_data/quotes exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "no golden inputs");
    let segmenter = newsgraph_segment::SegmenterBuilder::new().build();
    let syntax = newsgraph_pipeline::syntax_stages();
    let quotes = newsgraph_quote::Quotes::embedded().expect("embedded lexicon");
    let mut failures = Vec::new();
    for path in &inputs {
        let text = std::fs::read_to_string(path).expect("readable");
        let mut doc = Document::from_text(text);
        segmenter.run(&mut doc);
        for s in &syntax {
            s.run(&mut doc);
        }
        quotes.run(&mut doc);
        assert_eq!(doc.check(), Ok(()), "{}", path.display());
        let got = render(&doc);
        let expected_path = path.with_extension("json");
        if update {
            std::fs::write(&expected_path, &got).expect("writable");
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if got != expected {
            failures.push(format!("{}: differs; got:\n{got}", expected_path.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "golden mismatches (UPDATE_GOLDEN=1 to rewrite):\n{}",
        failures.join("\n")
    );
}
