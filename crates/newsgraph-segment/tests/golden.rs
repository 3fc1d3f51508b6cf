//! Data-driven golden tests: `test_data/segment/*.txt` → `*.expected`.
//!
//! Format: one sentence per line, tokens separated by ` | ` (` + ` when the
//! token is `joined_next` to the following one); a blank line between
//! paragraphs. Quote tokens carry their direction (`"⟨open⟩`), non-word
//! kinds their name (`https://…⟨url⟩`). Run with `UPDATE_GOLDEN=1` to
//! rewrite the expected files (then review the diff by eye).

use newsgraph_core::{Document, QuoteDir, Span, TokenKind};
use newsgraph_segment::Segmenter;
use std::path::{Path, PathBuf};

fn render(text: &str) -> String {
    let seg = Segmenter::new();
    let (s, _) = seg.segment(text, Span::new(0, text.len()));
    let mut out = String::new();
    let mut last_para = None;
    for sent in &s.sentences {
        if last_para.is_some_and(|p| p != sent.paragraph) {
            out.push('\n');
        }
        last_para = Some(sent.paragraph);
        let toks = &s.tokens[sent.token_range()];
        for (i, t) in toks.iter().enumerate() {
            out.push_str(t.span.slice(text));
            match (t.kind, t.quote) {
                (TokenKind::Quote, Some(QuoteDir::Open)) => out.push_str("⟨open⟩"),
                (TokenKind::Quote, Some(QuoteDir::Close)) => out.push_str("⟨close⟩"),
                (TokenKind::Quote, _) => out.push_str("⟨quote⟩"),
                (TokenKind::Url, _) => out.push_str("⟨url⟩"),
                (TokenKind::Email, _) => out.push_str("⟨email⟩"),
                (TokenKind::Hashtag, _) => out.push_str("⟨hashtag⟩"),
                (TokenKind::Mention, _) => out.push_str("⟨mention⟩"),
                (TokenKind::Emoji, _) => out.push_str("⟨emoji⟩"),
                _ => {}
            }
            if i + 1 < toks.len() {
                out.push_str(if t.joined_next { " + " } else { " | " });
            }
        }
        out.push('\n');
    }
    out
}

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test_data/segment")
}

#[test]
fn golden_files() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut files: Vec<PathBuf> = std::fs::read_dir(data_dir())
        .expect("test_data/segment exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no golden inputs");
    let mut failures = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).expect("readable input");
        // Invariants hold on every golden input too.
        let mut doc = Document::from_text(text.clone());
        newsgraph_core::Annotator::run(&Segmenter::new(), &mut doc);
        doc.check().expect("document invariants");
        let got = render(&text);
        let exp_path = path.with_extension("expected");
        if update {
            std::fs::write(&exp_path, &got).expect("writable expected file");
            continue;
        }
        let expected = std::fs::read_to_string(&exp_path).unwrap_or_default();
        if expected != got {
            let diff: Vec<String> = expected
                .lines()
                .zip(got.lines())
                .filter(|(a, b)| a != b)
                .map(|(a, b)| format!("  expected: {a}\n  got:      {b}"))
                .take(5)
                .collect();
            failures.push(format!("{}:\n{}", path.display(), diff.join("\n")));
        }
    }
    assert!(
        failures.is_empty(),
        "golden mismatches (UPDATE_GOLDEN=1 to rewrite):\n{}",
        failures.join("\n")
    );
}
