//! `newsgraph dict`: import, lookup and check on small fixture dictionaries written here.

use std::path::Path;
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_newsgraph"))
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("run newsgraph")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

const ACTORS: &str = "\
FREEDONIA_  [FRD]
+FREEDONIAN_
+FREDVILLE

RUFUS_T._FIREFLY_
+FIREFLY_
\t[FRDGOV 330101-331231]
\t[FRDELI >340101]
";

const AGENTS: &str = "\
!PERSON! = MAN, MEN
CHAIR!PERSON! [~GOV]
";

#[test]
fn import_lookup_override_and_check() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("petr");
    std::fs::create_dir(&src).unwrap();
    write(&src, "Fixture.actors.txt", ACTORS);
    write(&src, "Fixture.agents.txt", AGENTS);
    let out = tmp.path().join("fx.toml.gz").display().to_string();

    let o = run(&[
        "dict",
        "import",
        "petrarch",
        src.to_str().unwrap(),
        "-o",
        &out,
    ]);
    assert!(o.status.success(), "{o:?}");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("2 actors, 1 agents"), "{err}");

    // Date-bounded lookup through an alias, with provenance.
    let base = ["--no-builtin", "--layer", &out];
    let o = run(&[
        &[
            "dict",
            "lookup",
            "FIREFLY",
            "--date",
            "1933-06-01",
            "--json",
        ],
        &base[..],
    ]
    .concat());
    assert!(o.status.success(), "{o:?}");
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let m = &v["matches"][0];
    assert_eq!(v["matches"].as_array().unwrap().len(), 1);
    assert_eq!(m["code"], "FRDGOV");
    assert_eq!(m["entry"], "Rufus T. Firefly");
    assert_eq!(m["src"], "Fixture.actors.txt:5");
    assert_eq!(m["to"], "1933-12-31");

    let o = run(&[&["dict", "lookup", "chairmen"], &base[..]].concat());
    assert!(stdout(&o).starts_with("agent\tGOV"), "{o:?}");

    // Known name, but no code holds on that date; unknown name: exit 1.
    let o = run(&[
        &["dict", "lookup", "Firefly", "--date", "1900-01-01"],
        &base[..],
    ]
    .concat());
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no code of it holds"));
    assert_eq!(
        run(&[&["dict", "lookup", "Sylvania"], &base[..]].concat())
            .status
            .code(),
        Some(1)
    );

    // A user layer overrides the name wholesale.
    let user = write(
        tmp.path(),
        "user.toml",
        "[[actor]]\nname = \"Firefly\"\ncode = \"FRDOPP\"\n",
    );
    let o = run(&[
        "dict",
        "lookup",
        "Firefly",
        "--no-builtin",
        "--layer",
        &out,
        "--layer",
        &user,
    ]);
    let text = stdout(&o);
    assert!(text.starts_with("actor\tFRDOPP"), "{text}");
    assert!(text.contains("(overrides layers: petrarch)"), "{text}");

    // check: clean layers pass; a malformed code fails with file and line.
    let o = run(&["dict", "check", "--no-builtin", &out, &user]);
    assert!(o.status.success(), "{o:?}");
    let bad = write(
        tmp.path(),
        "bad.toml",
        "[[actor]]\nname = \"X\"\ncode = \"FRD\"\n\n[[actor]]\nname = \"Y\"\ncode = \"frd-gov\"\n",
    );
    let o = run(&["dict", "check", "--no-builtin", &bad]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("bad.toml:6: malformed code \"frd-gov\""),
        "{o:?}"
    );
    // A TOML syntax error in a layer given to lookup is a failed run, not a panic.
    let broken = write(tmp.path(), "broken.toml", "[[actor]\nname = 1\n");
    let o = run(&["dict", "lookup", "X", "--no-builtin", "--layer", &broken]);
    assert_eq!(o.status.code(), Some(3));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("broken.toml:1:"),
        "{o:?}"
    );
}

#[test]
fn builtin_dictionary_answers_without_shared_data() {
    let o = run(&["dict", "lookup", "Nujaba", "--json"]);
    assert!(o.status.success(), "{o:?}");
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["matches"][0]["code"], "IRQREB");
    assert_eq!(v["matches"][0]["layer"], "curated");
    let o = run(&["dict", "lookup", "Hamid Karzai", "--date", "2005-06-01"]);
    assert!(stdout(&o).contains("AFGGOV"), "{o:?}");
    let o = run(&["dict", "check", "--max-warnings", "0"]);
    assert!(o.status.success(), "{o:?}");
}
