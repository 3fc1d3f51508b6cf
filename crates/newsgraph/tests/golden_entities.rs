//! Golden tests of the entity stages (NER, chains, roles, codes): every
//! `test_data/entities/*.txt` (short articles written for these tests) run
//! through the whole pipeline must give exactly `<name>.entities`, one line
//! per entity. The expected files record what the shipped model, dictionary
//! and word lists say, so a change shows up as a reviewable diff: run with
//! `UPDATE_GOLDEN=1` to rewrite them, then read the diff.

use newsgraph_core::{Document, Entity};
use std::path::{Path, PathBuf};

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test_data/entities")
}

fn line(doc: &Document, e: &Entity) -> String {
    let mut parts = vec![
        e.canonical.clone(),
        format!("{:?}", e.entity_type).to_uppercase(),
    ];
    let opt = |o: &Option<String>| o.clone().unwrap_or_else(|| "-".into());
    parts.push(opt(&e.kind));
    parts.push(opt(&e.country));
    parts.push(match (&e.actor_code, &e.code_source) {
        (Some(c), Some(s)) => format!("{c} ({}: {})", s.layer, s.entry),
        (Some(c), None) => c.clone(),
        _ => "-".into(),
    });
    let affiliation = e
        .affiliation
        .and_then(|a| doc.entities.get(a as usize))
        .map(|a| a.canonical.clone());
    parts.push(format!(
        "role {} of {}",
        opt(&e.role),
        affiliation.as_deref().unwrap_or("-")
    ));
    let mentions: Vec<String> = e
        .mentions
        .iter()
        .map(|m| {
            format!(
                "{}:{}",
                doc.slice(m.span),
                format!("{:?}", m.kind).to_lowercase()
            )
        })
        .collect();
    parts.push(mentions.join(", "));
    parts.join(" | ")
}

#[test]
fn entities_golden_files() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let reader = newsgraph_ingest::ReaderBuilder::new()
        .build()
        .expect("reader");
    let pipeline = newsgraph_pipeline::standard(reader);
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(data_dir())
        .expect("test_data/entities exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "no golden inputs");
    let mut failures = Vec::new();
    for path in &inputs {
        let bytes = std::fs::read(path).expect("readable");
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .expect("file name");
        let docs = pipeline.reader().read_bytes(name, &bytes).expect("reads");
        let mut got = String::new();
        for mut doc in docs {
            pipeline.annotate(&mut doc);
            assert_eq!(doc.check(), Ok(()));
            for e in &doc.entities {
                got.push_str(&line(&doc, e));
                got.push('\n');
            }
        }
        let expected_path = path.with_extension("entities");
        if update {
            std::fs::write(&expected_path, &got).expect("writable");
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if got != expected {
            let first = got
                .lines()
                .zip(expected.lines())
                .position(|(a, b)| a != b)
                .map_or_else(|| "length".to_string(), |i| format!("line {}", i + 1));
            failures.push(format!(
                "{}: differs at {first}\n{got}",
                expected_path.display()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "golden mismatches (UPDATE_GOLDEN=1 to rewrite):\n{}",
        failures.join("\n")
    );
}
