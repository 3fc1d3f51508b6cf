//! Golden tests for ingest: every file in `test_data/ingest/` (written for
//! this repo) is read and rendered as readable text; the rendering must equal
//! `<file>.expected`. `UPDATE_GOLDEN=1 cargo test -p newsgraph-ingest --test
//! golden` rewrites the expected files; review the diff before committing.

use newsgraph_core::Document;
use newsgraph_ingest::ReaderBuilder;
use std::fmt::Write;
use std::path::Path;

fn render(docs: &[Result<Document, newsgraph_ingest::IngestError>], file: &[u8]) -> String {
    let mut out = String::new();
    for (i, r) in docs.iter().enumerate() {
        let d = match r {
            Ok(d) => d,
            Err(e) => {
                let _ = writeln!(out, "## record {i}: error: {e}\n");
                continue;
            }
        };
        let m = &d.meta;
        let _ = writeln!(out, "## record {i}");
        let fields = [
            ("format", m.format.map(|f| f.name().to_string())),
            ("encoding", Some(m.encoding.clone())),
            ("language", Some(m.language.clone())),
            ("external_id", m.source.external_id.clone()),
            ("url", m.source.url.clone()),
            ("outlet", m.outlet.clone()),
            ("title", m.title.clone()),
            ("byline", m.byline.clone()),
            ("published", m.published.map(|p| p.to_string())),
            ("published_raw", m.published_raw.clone()),
            ("dateline_place", m.dateline_place.clone()),
        ];
        for (k, v) in fields {
            if let Some(v) = v {
                let _ = writeln!(out, "{k}: {v}");
            }
        }
        let l = &d.layout;
        for (k, span) in [
            ("title", l.title),
            ("byline", l.byline),
            ("dateline", l.dateline),
        ] {
            if let Some(s) = span {
                let (a, b) = d.source_span(s);
                let _ = writeln!(out, "layout.{k}: {:?} (source {a}..{b})", d.slice(s));
            }
        }
        let (a, b) = d.source_span(l.body);
        let _ = writeln!(out, "body (source {a}..{b}):");
        for line in d.slice(l.body).lines() {
            let _ = writeln!(out, "  | {line}");
        }
        for g in &d.diagnostics {
            let _ = writeln!(
                out,
                "diagnostic: {:?} {}: {}",
                g.severity, g.code, g.message
            );
        }
        // The source bytes of the body must contain its first word verbatim
        // when the encoding is UTF-8 (the offsets point at original bytes).
        if m.encoding == "UTF-8" {
            if let Some(w) = d.slice(l.body).split_whitespace().next() {
                let found = file
                    .get(a as usize..b as usize)
                    .is_some_and(|s| s.windows(w.len()).any(|x| x == w.as_bytes()));
                let _ = writeln!(out, "body source holds first word: {found}");
            }
        }
        out.push('\n');
    }
    out
}

#[test]
fn golden_ingest() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test_data/ingest");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let reader = ReaderBuilder::new().build().expect("reader");
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .expect("test_data/ingest")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_none_or(|e| e != "expected"))
        .collect();
    inputs.sort();
    assert!(
        inputs.len() >= 5,
        "golden inputs missing in {}",
        dir.display()
    );
    let mut failures = Vec::new();
    for input in inputs {
        let bytes = std::fs::read(&input).expect("read fixture");
        let name = input
            .file_name()
            .expect("name")
            .to_string_lossy()
            .to_string();
        let got = render(&reader.read_bytes_records(&name, &bytes), &bytes);
        let expected_path = dir.join(format!("{name}.expected"));
        if update {
            std::fs::write(&expected_path, &got).expect("write expected");
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if got != expected {
            failures.push(format!("--- {name}: expected\n{expected}\n+++ got\n{got}"));
        }
    }
    assert!(
        failures.is_empty(),
        "golden mismatches:\n{}",
        failures.join("\n")
    );
}
