//! `newsgraph eval ner` and `newsgraph train ner` on invented fixtures
//! (`test_data/ner/`; no access to `../shared` needed).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_newsgraph"))
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../test_data/ner")
        .join(name)
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("newsgraph runs")
}

#[test]
fn eval_ner_scores_conll_and_wnut() {
    let out = run(bin()
        .args(["eval", "ner", "--json"])
        .arg(fixture("tiny.conll"))
        .arg(fixture("tiny-wnut.conll")));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let sets = v["sets"].as_array().unwrap();
    assert_eq!(sets.len(), 2);
    assert_eq!(sets[0]["format"], "conll");
    assert_eq!(sets[0]["micro"]["gold"], 6);
    assert!(sets[0]["micro_prf"]["f1"].as_f64().unwrap() >= 0.8, "{v}");
    assert_eq!(sets[1]["format"], "wnut");
    assert_eq!(sets[1]["micro"]["gold"], 2);
    // The table names every type and the stage.
    let out = run(bin().args(["eval", "ner"]).arg(fixture("tiny.conll")));
    let table = String::from_utf8_lossy(&out.stdout);
    for row in ["PER", "ORG", "LOC", "MISC", "micro", "ner-"] {
        assert!(table.contains(row), "{table}");
    }
}

#[test]
fn eval_ner_scores_the_entity_stages_on_request() {
    let out = run(bin()
        .args(["eval", "ner", "--stage", "entities"])
        .arg(fixture("tiny.conll")));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let table = String::from_utf8_lossy(&out.stdout);
    for row in ["micro", "ner ner-", "actors actors-", "parse parse-"] {
        assert!(table.contains(row), "{table}");
    }
}

#[test]
fn eval_ner_guards_floors_and_bad_input() {
    let f = fixture("tiny.conll");
    let ok = run(bin().args(["eval", "ner", "--min", "F1=10"]).arg(&f));
    assert!(ok.status.success());
    let strict = run(bin().args(["eval", "ner", "--min", "F1=100.5"]).arg(&f));
    assert_eq!(strict.status.code(), Some(3));
    let unknown = run(bin().args(["eval", "ner", "--min", "Speed=1"]).arg(&f));
    assert_eq!(unknown.status.code(), Some(3));
    let missing = run(bin().args(["eval", "ner", "/nonexistent/conllpp_dev.txt"]));
    assert_eq!(missing.status.code(), Some(3));
    let dir = std::env::temp_dir().join(format!("ng-ner-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.conll");
    std::fs::write(&bad, "Oslo X X B-LOC\nBergen X X Q-LOC\n").unwrap();
    let out = run(bin().args(["eval", "ner", "--format", "conll"]).arg(&bad));
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.conll:2"), "{err}");
    let xml = dir.join("x.xml");
    std::fs::write(&xml, "<html>nothing</html>").unwrap();
    let out = run(bin().args(["eval", "ner"]).arg(&xml));
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("x.xml"));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn train_ner_refuses_test_splits_and_trains_reproducibly() {
    let dir = std::env::temp_dir().join(format!("ng-ner-train-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let test = dir.join("conllpp_test.txt");
    std::fs::copy(fixture("tiny.conll"), &test).unwrap();
    let out = run(bin()
        .args(["train", "ner", "--train"])
        .arg(fixture("tiny.conll"))
        .arg("--dev")
        .arg(&test)
        .arg("-o")
        .arg(dir.join("m.bin")));
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("test split"));
    let mut models = Vec::new();
    for k in 0..2 {
        let m = dir.join(format!("m{k}.bin"));
        let out = run(bin()
            .args(["train", "ner", "--epochs", "2", "--train"])
            .arg(fixture("tiny.conll"))
            .arg("--dev")
            .arg(fixture("tiny.conll"))
            .arg("-o")
            .arg(&m));
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        models.push(std::fs::read(&m).unwrap());
    }
    assert_eq!(models[0], models[1]);
    let out = run(bin()
        .args(["eval", "ner", "--model"])
        .arg(dir.join("m0.bin"))
        .arg(fixture("tiny.conll")));
    assert!(out.status.success());
    std::fs::remove_dir_all(&dir).ok();
}
