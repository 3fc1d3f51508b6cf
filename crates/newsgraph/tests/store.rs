//! End-to-end tests of `ingest`, `query` and `export` on corpora written by
//! the tests themselves (no access to `../shared` needed).

#[path = "../../newsgraph-store/tests/fixture/mod.rs"]
mod fixture;

use newsgraph_store::Store;
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_newsgraph"))
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("newsgraph runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const WORDS: &[&str] = &[
    "government",
    "forces",
    "minister",
    "said",
    "on",
    "Thursday",
    "the",
    "a",
    "talks",
    "city",
    "police",
    "reported",
    "after",
    "attack",
    "election",
    "market",
    "prices",
    "rose",
    "fell",
    "company",
    "shares",
    "officials",
    "announced",
    "plan",
    "border",
    "troops",
    "week",
    "year",
    "spokesman",
    "told",
    "reporters",
    "that",
    "would",
    "not",
    "in",
    "of",
    "and",
    "with",
];

/// A deterministic article: a title line, a blank line, and paragraphs of
/// pseudo-random sentences seeded by `seed`.
fn article(seed: u64) -> String {
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let mut s = format!("Report number {seed} from the wire\n\n");
    for p in 0..3 {
        for _ in 0..4 {
            let n = 8 + next() % 10;
            let mut words: Vec<&str> = (0..n)
                .map(|_| WORDS[(next() % WORDS.len() as u64) as usize])
                .collect();
            let first = words[0].to_string();
            let cap = first[..1].to_uppercase() + &first[1..];
            words[0] = &cap;
            s.push_str(&words.join(" "));
            s.push_str(". ");
        }
        if p < 2 {
            s.push_str("\n\n");
        }
    }
    s.push('\n');
    s
}

#[test]
fn ingest_is_idempotent_and_reports_bad_files() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    for i in 0..5 {
        std::fs::write(corpus.join(format!("a{i}.txt")), article(i)).unwrap();
    }
    // An exact copy under another name, and a file that is not text.
    std::fs::write(corpus.join("copy.txt"), article(0)).unwrap();
    std::fs::write(
        corpus.join("bad.bin"),
        [0u8, 1, 2, 3, 0, 0, 0, 255, 254, 0, 0, 7].repeat(50),
    )
    .unwrap();
    let db = dir.path().join("t.db");
    let ingest = || {
        run(bin()
            .arg("ingest")
            .arg(&corpus)
            .arg("--db")
            .arg(&db)
            .arg("--quiet"))
    };
    let out = ingest();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert_eq!(
        err.lines().filter(|l| l.contains("bad.bin")).count(),
        1,
        "{err}"
    );
    assert!(err.contains("5 document(s) added"), "{err}");
    let store = Store::open_read_only(&db).unwrap();
    assert_eq!(store.count("documents").unwrap(), 5);
    assert_eq!(store.count("document_sources").unwrap(), 6);
    drop(store);

    // Again: nothing new; good files are skipped, the bad one is reported again.
    let out = ingest();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("0 document(s) added"), "{err}");
    assert!(err.contains("6 input(s) skipped"), "{err}");
    std::fs::remove_file(corpus.join("bad.bin")).unwrap();
    let out = ingest();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let store = Store::open_read_only(&db).unwrap();
    assert_eq!(store.count("documents").unwrap(), 5);
    assert_eq!(store.count("runs").unwrap(), 3);
    drop(store);

    // --force re-processes: same stage versions, so every document is unchanged.
    let out = run(bin()
        .arg("ingest")
        .arg(&corpus)
        .arg("--db")
        .arg(&db)
        .arg("--force"));
    assert_eq!(out.status.code(), Some(0));
    assert!(stderr(&out).contains("6 unchanged"), "{}", stderr(&out));

    // Query: table, JSONL, CSV, search, dates.
    let q = |args: &[&str]| {
        run(bin()
            .args(["query", "documents", "--db"])
            .arg(&db)
            .args(args))
    };
    let out = q(&["--format", "jsonl"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 5);
    let out = q(&["--search", "\"Report number 3\"", "--format", "jsonl"]);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(text.lines().count(), 1, "{text}");
    let v: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert!(v["title"].as_str().unwrap().contains("number 3"));
    let out = q(&["--format", "csv", "--limit", "2"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 3);
    let out = q(&["--search", "'; DROP TABLE documents; --"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = q(&["--from", "2021-13-01"]);
    assert_eq!(out.status.code(), Some(2));
    let out = run(bin()
        .args(["query", "documents", "--db"])
        .arg(dir.path().join("missing.db")));
    assert_eq!(out.status.code(), Some(3));

    // Export.
    let exp = dir.path().join("export");
    let out = run(bin()
        .args(["export", "--format", "csv", "--db"])
        .arg(&db)
        .arg("-o")
        .arg(&exp));
    assert!(out.status.success(), "{}", stderr(&out));
    for t in [
        "documents",
        "document_sources",
        "paragraphs",
        "sentences",
        "tokens",
        "runs",
    ] {
        assert!(exp.join(format!("{t}.csv")).exists(), "{t}");
    }
    let docs = std::fs::read(exp.join("documents.csv")).unwrap();
    let mut r = csv::Reader::from_reader(docs.as_slice());
    assert_eq!(r.records().count(), 5);
    let pq = dir.path().join("parquet");
    let out = run(bin()
        .args(["export", "--format", "parquet", "--db"])
        .arg(&db)
        .arg("-o")
        .arg(&pq));
    assert!(out.status.success(), "{}", stderr(&out));
    for t in [
        "documents",
        "document_sources",
        "paragraphs",
        "sentences",
        "tokens",
        "runs",
    ] {
        let bytes = std::fs::read(pq.join(format!("{t}.parquet"))).unwrap();
        assert!(
            bytes.starts_with(b"PAR1") && bytes.ends_with(b"PAR1"),
            "{t}"
        );
    }
}

/// A store of hand-built documents with entities and quotes.
fn records_store(dir: &Path) -> std::path::PathBuf {
    use newsgraph_store::{InputItem, PreparedDoc, RunCounts, RunInfo};
    let db = dir.join("records.db");
    let mut store = Store::open(&db).unwrap();
    let run = store.begin_run(&RunInfo::default()).unwrap();
    let copy = fixture::militia_copy();
    let docs = vec![
        fixture::militia(fixture::MILITIA, "wire.txt", (2021, 12, 9)),
        fixture::militia(&copy, "copy.txt", (2021, 12, 10)),
        fixture::hostile("hostile.txt", (2021, 12, 11)),
    ];
    let item = InputItem {
        docs: docs.into_iter().map(PreparedDoc::new).collect(),
        ..InputItem::default()
    };
    store
        .write(run, &[item], &mut RunCounts::default())
        .unwrap();
    db
}

#[test]
fn query_quotes_and_entities_filter_and_format() {
    let dir = tempfile::tempdir().unwrap();
    let db = records_store(dir.path());
    let q = |what: &str, args: &[&str]| {
        let out = run(bin().args(["query", what, "--db"]).arg(&db).args(args));
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr(&out),
        )
    };
    let (code, out, err) = q("quotes", &["--format", "jsonl"]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(out.lines().count(), 6, "one line per statement");
    let first: serde_json::Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    assert!(first["evidence"].as_u64().unwrap() >= 1);
    let (_, out, _) = q("quotes", &["--all", "--format", "jsonl"]);
    assert_eq!(out.lines().count(), 9);
    let (_, out, _) = q("quotes", &["--speaker", "shammari", "--format", "csv"]);
    let mut r = csv::Reader::from_reader(out.as_bytes());
    assert_eq!(r.headers().unwrap().get(0), Some("doc_id"));
    assert_eq!(r.records().count(), 3);
    let (code, out, err) = q("quotes", &["--sector", "GOV"]);
    assert_eq!(code, Some(0));
    assert_eq!(out.lines().count(), 3, "{out}");
    assert!(err.contains("2 of 2 statement(s)"), "{err}");
    let (_, out, _) = q(
        "quotes",
        &[
            "--code",
            "IRQ",
            "--from",
            "2021-12-10",
            "--to",
            "2021-12-10",
            "--format",
            "jsonl",
        ],
    );
    assert_eq!(out.lines().count(), 1, "{out}");
    let (_, out, _) = q("quotes", &["--search", "soldier", "--format", "jsonl"]);
    assert_eq!(out.lines().count(), 1, "{out}");
    let (code, _, _) = q("quotes", &["--search", "'; DROP TABLE quotes; --"]);
    assert_eq!(code, Some(0));
    let (code, _, _) = q("quotes", &["--search", "--"]);
    assert_eq!(code, Some(2), "nothing to search for");
    let (_, out, _) = q("entities", &["--actors", "--format", "jsonl"]);
    assert_eq!(out.lines().count(), 9);
    let (_, out, _) = q(
        "entities",
        &["--type", "person", "--country", "IRQ", "--format", "csv"],
    );
    let mut r = csv::Reader::from_reader(out.as_bytes());
    assert_eq!(r.records().count(), 4);
    let (code, out, err) = q("entities", &["--name", "Shammari"]);
    assert_eq!(code, Some(0));
    assert!(
        out.contains("IRQREB") && err.contains("2 of 2 entit"),
        "{out}{err}"
    );
    let (code, _, _) = q("entities", &["--from", "2021-13-01"]);
    assert_eq!(code, Some(2));

    let exp = dir.path().join("export");
    let out = run(bin()
        .args(["export", "--format", "csv", "--db"])
        .arg(&db)
        .arg("-o")
        .arg(&exp));
    assert!(out.status.success(), "{}", stderr(&out));
    for (t, n) in [("entities", 16), ("mentions", 22), ("quotes", 9)] {
        let bytes = std::fs::read(exp.join(format!("{t}.csv"))).unwrap();
        let mut r = csv::Reader::from_reader(bytes.as_slice());
        assert_eq!(r.records().count(), n, "{t}");
    }
}

fn count(db: &Path, sql: &str) -> i64 {
    let store = Store::open_read_only(db).unwrap();
    store.conn().query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn ingest_survives_sigkill_and_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    let n = 1200u64;
    let mut distinct = 0;
    for i in 0..n {
        // Every tenth file is an exact copy of the one before it.
        let seed = if i % 10 == 9 { i - 1 } else { i };
        distinct += u64::from(i % 10 != 9);
        std::fs::write(corpus.join(format!("{i:05}.txt")), article(seed)).unwrap();
    }
    let db = dir.path().join("crash.db");
    let mut child = bin()
        .arg("ingest")
        .arg(&corpus)
        .arg("--db")
        .arg(&db)
        .args(["--quiet", "--batch", "40", "-j", "2"])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until some inputs are committed, then kill it mid-run.
    let start = Instant::now();
    let mut committed = 0;
    while start.elapsed() < Duration::from_secs(120) {
        if db.exists() {
            if let Ok(store) = Store::open_read_only(&db) {
                committed = store.count("inputs").unwrap_or(0);
            }
        }
        if committed >= 100 {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL on Unix
    let status = child.wait().unwrap();
    assert!(committed >= 100, "ingest made no progress");
    assert!(
        !status.success(),
        "ingest finished before it could be killed"
    );

    let store = Store::open(&db).unwrap(); // a writer: also runs the FTS check
    assert_eq!(store.integrity_check().unwrap(), "ok");
    let after_kill = store.count("inputs").unwrap();
    assert!(after_kill < n, "the kill came too late to test anything");
    drop(store);
    // Every committed input is complete: its documents and their records.
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM documents WHERE id NOT IN (SELECT doc FROM doc_spans)"
        ),
        0
    );
    let spans = Store::open_read_only(&db).unwrap().count_spans().unwrap();
    assert_eq!(
        spans.sentences as i64,
        count(&db, "SELECT sum(n_sentences) FROM documents")
    );

    let out = run(bin()
        .arg("ingest")
        .arg(&corpus)
        .arg("--db")
        .arg(&db)
        .arg("--quiet"));
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("{after_kill} input(s) skipped")),
        "{err}"
    );

    let store = Store::open(&db).unwrap();
    assert_eq!(store.integrity_check().unwrap(), "ok");
    assert_eq!(store.count("inputs").unwrap(), n);
    assert_eq!(store.count("document_sources").unwrap(), n);
    assert_eq!(store.count("documents").unwrap(), distinct);
    assert_eq!(
        count(&db, "SELECT count(*) FROM (SELECT doc_id FROM documents GROUP BY doc_id HAVING count(*) > 1)"),
        0
    );
    assert_eq!(
        count(&db, "SELECT sum(n_sentences) FROM documents"),
        Store::open_read_only(&db)
            .unwrap()
            .count_spans()
            .unwrap()
            .sentences as i64
    );
    assert_eq!(
        count(&db, "SELECT count(*) FROM doc_tokens"),
        distinct as i64
    );
    // The killed run is recorded as unfinished, the re-run as finished.
    assert_eq!(
        count(&db, "SELECT count(*) FROM runs WHERE finished_at IS NULL"),
        1
    );
    assert_eq!(
        count(&db, "SELECT count(*) FROM runs WHERE status = 'finished'"),
        1
    );
}
