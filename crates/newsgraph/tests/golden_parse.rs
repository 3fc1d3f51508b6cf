//! Golden tests of the syntax stages: `newsgraph parse` on each
//! `test_data/parse/*.txt` (short news texts written for these tests) must
//! print exactly `<name>.conllu`. The expected files record what the shipped
//! tagger, lemmatiser and parser say, so a retrained model shows up as a
//! reviewable diff: run with `UPDATE_GOLDEN=1` to rewrite them, then read
//! the diff.

use std::path::{Path, PathBuf};
use std::process::Command;

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test_data/parse")
}

#[test]
fn parse_golden_files() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(data_dir())
        .expect("test_data/parse exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "no golden inputs");
    let mut failures = Vec::new();
    for path in &inputs {
        let name = path.file_name().expect("file name");
        // Relative path and fixed directory: `# source` lines are stable.
        let out = Command::new(env!("CARGO_BIN_EXE_newsgraph"))
            .current_dir(data_dir())
            .arg("parse")
            .arg(name)
            .output()
            .expect("newsgraph runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let got = String::from_utf8(out.stdout).expect("CoNLL-U is UTF-8");
        let expected_path = path.with_extension("conllu");
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
            failures.push(format!("{}: differs at {first}", expected_path.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "golden mismatches (UPDATE_GOLDEN=1 to rewrite):\n{}",
        failures.join("\n")
    );
}

#[test]
fn parse_output_is_valid_conllu_with_offsets() {
    let out = Command::new(env!("CARGO_BIN_EXE_newsgraph"))
        .current_dir(data_dir())
        .args(["parse", "wire.txt"])
        .output()
        .expect("newsgraph runs");
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    let source = std::fs::read(data_dir().join("wire.txt")).expect("readable");
    let mut words = 0;
    for line in text
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 10, "{line}");
        let range = cols[9]
            .split('|')
            .find_map(|m| m.strip_prefix("SourceRange="))
            .expect("SourceRange in MISC");
        let (a, b) = range.split_once(':').expect("start:end");
        let (a, b): (usize, usize) = (a.parse().unwrap(), b.parse().unwrap());
        // The source bytes are the word's form: offsets point at the file.
        assert_eq!(&source[a..b], cols[1].as_bytes(), "{line}");
        words += 1;
    }
    assert!(words > 40, "{words} words");
}
