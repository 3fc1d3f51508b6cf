//! End-to-end tests of the `newsgraph` binary on fixtures written for these
//! tests (no access to `../shared` needed).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_newsgraph"))
}

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("newsgraph runs")
}

fn json_lines(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each stdout line is JSON"))
        .collect()
}

#[test]
fn demo_summarises_every_bundled_example() {
    let out = run(bin().arg("demo"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Iraqi Resistance Groups Vow Action"),
        "{text}"
    );
    assert!(text.contains("published 2021-12-10"), "{text}");
    assert!(text.contains("17 paragraphs"), "{text}");
    assert!(
        text.contains("At least 107 killed in Mecca crane collapse"),
        "{text}"
    );
    assert!(text.contains("Over 900 asylum seekers rescued"), "{text}");
    // Boilerplate around the HTML article must not leak into the summary.
    assert!(!text.contains("cookies"), "{text}");
}

#[test]
fn read_spans_point_at_the_original_bytes() {
    let out = run(bin()
        .arg("read")
        .arg(examples())
        .args(["--quiet", "--glob", "*.{txt,html}"]));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let docs = json_lines(&out);
    assert_eq!(docs.len(), 4);
    for doc in &docs {
        let path = doc["meta"]["source"]["path"].as_str().expect("path");
        let file = std::fs::read(path).expect("source file");
        let text = doc["text"].as_str().expect("text");
        let tokens = doc["tokens"].as_array().expect("tokens");
        assert!(tokens.len() > 100, "{path}: {} tokens", tokens.len());
        for t in tokens {
            let tok = t["text"].as_str().expect("token text");
            let span = &t["span"];
            let (s, e) = (
                span[0].as_u64().unwrap() as usize,
                span[1].as_u64().unwrap() as usize,
            );
            assert_eq!(&text[s..e], tok);
            let (cs, ce) = (
                t["chars"][0].as_u64().unwrap(),
                t["chars"][1].as_u64().unwrap(),
            );
            let by_chars: String = text
                .chars()
                .skip(cs as usize)
                .take((ce - cs) as usize)
                .collect();
            assert_eq!(by_chars, tok);
            let (ss, se) = (
                t["source"][0].as_u64().unwrap(),
                t["source"][1].as_u64().unwrap(),
            );
            let src = String::from_utf8_lossy(&file[ss as usize..se as usize]);
            if !src.contains('&') {
                assert_eq!(src, tok, "{path}: source bytes {ss}..{se}");
            }
        }
        assert!(doc["stages"].as_array().unwrap().len() >= 2);
    }
}

#[test]
fn read_goes_on_past_a_bad_file_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.txt");
    std::fs::write(
        &good,
        "A headline\n\nThe minister said on Monday that talks would resume.\n",
    )
    .unwrap();
    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, "").unwrap();
    let missing = dir.path().join("missing.txt");
    let out = run(bin().arg("read").arg(&empty).arg(&missing).arg(&good));
    assert_eq!(out.status.code(), Some(1));
    let docs = json_lines(&out);
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0]["meta"]["title"], "A headline");
    let err = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = err.lines().collect();
    assert!(lines.iter().any(|l| l.contains("empty.txt")), "{err}");
    assert!(lines.iter().any(|l| l.contains("missing.txt")), "{err}");
}

#[test]
fn read_from_stdin() {
    let mut child = bin()
        .args(["read", "-", "--quiet"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"Talks resume\n\nDelegates met in Geneva. They said little.\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let docs = json_lines(&out);
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0]["sentences"].as_array().unwrap().len(), 2);
}

#[test]
fn output_is_byte_identical_across_runs_and_thread_counts() {
    let a = run(bin().arg("read").arg(examples()).args(["-j", "1"]));
    let b = run(bin().arg("read").arg(examples()).args(["-j", "2"]));
    assert!(a.status.success() && b.status.success());
    assert_eq!(a.stdout, b.stdout);
}

const TINY_CONLLU: &str = "# newdoc id = doc1
# newpar
# sent_id = 1
# text = The talks didn't end.
1\tThe\tthe\tDET\tDT\t_\t2\tdet\t_\t_
2\ttalks\ttalk\tNOUN\tNNS\t_\t5\tnsubj\t_\t_
3-4\tdidn't\t_\t_\t_\t_\t_\t_\t_\t_
3\tdid\tdo\tAUX\tVBD\t_\t5\taux\t_\t_
4\tn't\tnot\tPART\tRB\t_\t5\tadvmod\t_\t_
5\tend\tend\tVERB\tVB\t_\t0\troot\t_\tSpaceAfter=No
6\t.\t.\tPUNCT\t.\t_\t5\tpunct\t_\t_

# sent_id = 2
# text = Both sides left.
1\tBoth\tboth\tDET\tDT\t_\t2\tdet\t_\t_
2\tsides\tside\tNOUN\tNNS\t_\t3\tnsubj\t_\t_
3\tleft\tleave\tVERB\tVBD\t_\t0\troot\t_\tSpaceAfter=No
4\t.\t.\tPUNCT\t.\t_\t3\tpunct\t_\t_

";

#[test]
fn eval_ud_scores_tags_and_trees_and_guards_thresholds() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("tiny.conllu");
    std::fs::write(&f, TINY_CONLLU).unwrap();
    let out = run(bin().args(["eval", "ud", "--json"]).arg(&f));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["words"].as_u64(), Some(10));
    let gold = &v["gold_tokens"];
    assert_eq!(gold["words"]["f1"].as_f64(), Some(1.0));
    // Plain sentences: the shipped models get nearly everything right.
    for metric in ["upos", "lemma", "uas"] {
        let f1 = gold[metric]["f1"].as_f64().unwrap();
        assert!(f1 >= 0.8, "{metric} {f1}");
    }
    assert!(v["raw_text"]["sentences"]["f1"].as_f64().is_some());
    let strict = run(bin().args(["eval", "ud", "--min", "UPOS=100.5"]).arg(&f));
    assert_eq!(strict.status.code(), Some(3));
    let unknown = run(bin().args(["eval", "ud", "--min", "Speed=1"]).arg(&f));
    assert_eq!(unknown.status.code(), Some(2));
    let missing = run(bin()
        .args(["eval", "ud"])
        .arg(dir.path().join("nope.conllu")));
    assert_eq!(missing.status.code(), Some(3));
}

#[test]
fn read_adds_words_unless_told_not_to() {
    let file = examples().join("wikinews-north-korea.txt");
    let full = json_lines(&run(bin().arg("read").arg(&file).arg("--quiet")));
    let fast = json_lines(&run(bin()
        .arg("read")
        .arg(&file)
        .args(["--quiet", "--no-syntax"])));
    let (full, fast) = (&full[0], &fast[0]);
    let tokens = full["tokens"].as_array().unwrap();
    let words = full["words"].as_array().expect("words");
    assert_eq!(words.len(), tokens.len());
    for s in full["sentences"].as_array().unwrap() {
        let (a, b) = (
            s["tokens"][0].as_u64().unwrap(),
            s["tokens"][1].as_u64().unwrap(),
        );
        let sentence = &words[a as usize..b as usize];
        let roots = sentence.iter().filter(|w| w["head"].is_null()).count();
        assert_eq!(roots, 1);
        for w in sentence {
            assert!(w["upos"].is_string() && w["deprel"].is_string(), "{w}");
            if let Some(h) = w["head"].as_u64() {
                assert!((a..b).contains(&h), "head {h} outside {a}..{b}");
            }
        }
    }
    assert!(fast.get("words").is_none());
    assert_eq!(fast["tokens"], full["tokens"]);
    assert_eq!(fast["stages"].as_array().unwrap().len(), 2);
}

#[test]
fn eval_segment_scores_and_guards_thresholds() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("tiny.conllu");
    std::fs::write(&f, TINY_CONLLU).unwrap();
    let out = run(bin().args(["eval", "segment", "--json"]).arg(&f));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["sentences"]["f1"].as_f64(), Some(1.0));
    assert_eq!(v["tokens"]["f1"].as_f64(), Some(1.0));
    let table = run(bin().args(["eval", "segment"]).arg(&f));
    assert!(String::from_utf8_lossy(&table.stdout).contains("Sentences"));
    let strict = run(bin()
        .args(["eval", "segment", "--min-tokens", "100.5"])
        .arg(&f));
    assert_eq!(strict.status.code(), Some(3));
    let missing = run(bin()
        .args(["eval", "segment"])
        .arg(dir.path().join("nope.conllu")));
    assert_eq!(missing.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("nope.conllu"));
}

#[test]
fn bench_reports_throughput_and_memory() {
    let out = run(bin().arg("bench").arg(examples()).args([
        "--json",
        "-j",
        "2",
        "--glob",
        "*.{txt,html}",
    ]));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let runs: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let runs = runs.as_array().unwrap();
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[0]["docs"], 4);
    assert!(runs[0]["tokens"].as_u64().unwrap() > 1000);
    assert!(runs[0]["mb_per_s"].as_f64().unwrap() > 0.0);
}

#[test]
fn train_sentences_writes_a_model_and_refuses_zero_epochs() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("tiny.conllu");
    std::fs::write(&f, TINY_CONLLU).unwrap();
    let out_file = dir.path().join("sentences.bin");
    let run_train = |epochs: &str| {
        run(bin()
            .args(["train", "sentences", "--train"])
            .arg(&f)
            .arg("--dev")
            .arg(&f)
            .arg("-o")
            .arg(&out_file)
            .args(["--epochs", epochs]))
    };
    let out = run_train("2");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let weights = std::fs::read(&out_file).unwrap();
    assert!(weights.starts_with(b"NGSB"));
    assert_eq!(weights.len(), 16 + 2 * (1 << 18));
    // Deterministic: a second run writes the same bytes.
    assert!(run_train("2").status.success());
    assert_eq!(std::fs::read(&out_file).unwrap(), weights);
    assert_eq!(run_train("0").status.code(), Some(3));
}

#[test]
fn train_tagger_lemmatizer_and_parser_write_models() {
    let dir = tempfile::tempdir().unwrap();
    let one = dir.path().join("tiny.conllu");
    std::fs::write(&one, TINY_CONLLU).unwrap();
    // Two documents, so that two jackknife folds exist.
    let two = dir.path().join("two.conllu");
    let second = TINY_CONLLU.replace("doc1", "doc2");
    std::fs::write(&two, format!("{TINY_CONLLU}{second}")).unwrap();
    let train = |what: &str, data: &Path, extra: &[&str]| {
        let out_file = dir.path().join(format!("{what}.bin"));
        let out = run(bin()
            .args(["train", what, "--train"])
            .arg(data)
            .arg("--dev")
            .arg(data)
            .arg("-o")
            .arg(&out_file)
            .args(extra));
        (out, out_file)
    };
    for (what, magic, extra) in [
        ("tagger", b"NGTG", &["--epochs", "2"][..]),
        ("lemmatizer", b"NGLM", &[][..]),
        ("parser", b"NGDP", &["--epochs", "2", "--gold-tags"][..]),
    ] {
        let (out, file) = train(what, &one, extra);
        assert!(
            out.status.success(),
            "{what}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(std::fs::read(&file).unwrap().starts_with(magic), "{what}");
    }
    // Jackknifing needs as many documents as folds, and says so.
    let (out, _) = train("parser", &one, &["--epochs", "1"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--folds"));
    let (out, file) = train("parser", &two, &["--epochs", "1", "--folds", "2"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(std::fs::read(&file).unwrap().starts_with(b"NGDP"));
    // Test splits are never used for training or model selection.
    let test_split = dir.path().join("en-ud-test.conllu");
    std::fs::write(&test_split, TINY_CONLLU).unwrap();
    for (what, extra) in [
        ("tagger", &[][..]),
        ("lemmatizer", &[][..]),
        ("parser", &["--gold-tags"][..]),
    ] {
        let (out, _) = train(what, &test_split, extra);
        assert_eq!(out.status.code(), Some(3), "{what}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("test split"));
    }
}

#[test]
fn read_gives_entities_with_offsets_codes_and_provenance() {
    let dir = tempfile::tempdir().expect("tempdir");
    let article = dir.path().join("a.txt");
    std::fs::write(
        &article,
        "Rebels clash near Aleppo\n\nThe Northern Hawks Brigade said on Monday that its \
         fighters had left Aleppo. Syria's army denied it.\n",
    )
    .expect("writable");
    let out = run(bin().arg("read").arg(&article));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = &json_lines(&out)[0];
    let text = doc["text"].as_str().expect("text");
    let entities = doc["entities"].as_array().expect("entities");
    // Every mention's text is what its offsets point at (bytes, and code points).
    for e in entities {
        for m in e["mentions"].as_array().expect("mentions") {
            let (a, b) = (
                m["span"][0].as_u64().unwrap_or(0),
                m["span"][1].as_u64().unwrap_or(0),
            );
            assert_eq!(
                &text[a as usize..b as usize],
                m["text"].as_str().expect("mention text")
            );
        }
    }
    let syria = entities
        .iter()
        .find(|e| e["canonical"] == "Syria")
        .expect("Syria is an entity");
    assert_eq!(syria["actor_code"], "SYR");
    assert_eq!(syria["code_source"]["layer"], "curated");

    // A user's layer names an armed group the shipped dictionaries do not know.
    let layer = dir.path().join("mine.toml");
    std::fs::write(
        &layer,
        "[layer]\nname = \"mine\"\n\n[[actor]]\nname = \"Northern Hawks Brigade\"\ncode = \"SYRREB\"\ncategory = \"armed group\"\n",
    )
    .expect("writable");
    let out = run(bin().arg("read").arg("--layer").arg(&layer).arg(&article));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = &json_lines(&out)[0];
    let hawks = doc["entities"]
        .as_array()
        .expect("entities")
        .iter()
        .find(|e| e["canonical"] == "Northern Hawks Brigade")
        .expect("the brigade is an entity");
    assert_eq!(hawks["actor_code"], "SYRREB");
    assert_eq!(hawks["kind"], "armed group");
    assert_eq!(hawks["code_source"]["layer"], "mine");

    // A layer that cannot be read is one clear error.
    let out = run(bin()
        .arg("read")
        .arg("--layer")
        .arg(dir.path().join("missing.toml"))
        .arg(&article));
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("missing.toml") && err.lines().count() == 1,
        "{err}"
    );
}

#[test]
fn eval_seed_rejects_unreadable_input() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("article.txt"), "Nothing here.\n").expect("writable");
    std::fs::write(dir.path().join("expected.json"), "{ not json").expect("writable");
    let out = run(bin().args(["eval", "seed"]).arg(dir.path()));
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("expected.json"));
}
