//! `newsgraph eval quotes` on an invented PolNeAR-style folder
//! (`test_data/quotes/brat`: code-point offsets over non-ASCII text).

use std::path::{Path, PathBuf};
use std::process::Command;

fn brat_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test_data/quotes/brat")
}

fn newsgraph(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_newsgraph"))
        .args(args)
        .output()
        .expect("newsgraph runs")
}

#[test]
fn eval_quotes_scores_a_brat_folder() {
    let dir = brat_dir();
    let out = newsgraph(&["eval", "quotes", dir.to_str().unwrap(), "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["documents"], 1);
    assert_eq!(v["gold"], 4);
    // The direct quote, the indirect `said that` and `according to` match.
    assert!(v["at_03"]["matched"].as_u64().unwrap() >= 3, "{v}");
    assert_eq!(v["direct"]["gold"], 1);
    assert_eq!(v["mixed"]["gold"], 1);
    assert_eq!(v["indirect"]["gold"], 2);
    assert_eq!(v["speaker_accuracy"], 1.0, "{v}");
}

#[test]
fn eval_quotes_table_and_floors() {
    let dir = brat_dir();
    let out = newsgraph(&["eval", "quotes", dir.to_str().unwrap()]);
    assert!(out.status.success());
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("overlap≥0.3"), "{table}");
    assert!(table.contains("indirect"), "{table}");
    let out = newsgraph(&[
        "eval",
        "quotes",
        dir.to_str().unwrap(),
        "--min",
        "F1@0.3=101",
    ]);
    assert_eq!(out.status.code(), Some(3));
    let out = newsgraph(&["eval", "quotes", dir.to_str().unwrap(), "--min", "bogus=1"]);
    assert!(!out.status.success());
}

#[test]
fn eval_quotes_unreadable_input_exits_3() {
    let out = newsgraph(&["eval", "quotes", "/nonexistent/polnear"]);
    assert_eq!(out.status.code(), Some(3));
}

#[test]
fn eval_quotes_seed_mode() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test_data/quotes/seed");
    let expected = dir.join("expected.json");
    let article = dir.join("article.txt");
    let out = newsgraph(&[
        "eval",
        "quotes",
        "--seed",
        expected.to_str().unwrap(),
        article.to_str().unwrap(),
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["expected"], 3);
    assert_eq!(v["found"], 3, "{v}");
    assert_eq!(v["kinds_right"], 3, "{v}");
    assert_eq!(v["speakers_right"], 3, "{v}");
    let out = newsgraph(&[
        "eval",
        "quotes",
        "--seed",
        expected.to_str().unwrap(),
        article.to_str().unwrap(),
        "--min",
        "found=4",
    ]);
    assert_eq!(out.status.code(), Some(3));
}
