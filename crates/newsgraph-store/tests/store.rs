//! Store behaviour on small fixtures written here.

use newsgraph_core::{Annotator, Date, Document, StageStamp};
use newsgraph_store::export::ExportFormat;
use newsgraph_store::query::DocFilter;
use newsgraph_store::{InputFile, InputItem, PreparedDoc, RunCounts, RunInfo, Store};

const WIRE: &str = "Armed groups vow to keep up attacks\n\n\
BAGHDAD, Dec 9 - Three armed groups in Iraq said on Thursday they would keep attacking \
United States forces until the last foreign soldier leaves the country, despite the formal \
end of the coalition's combat mission announced by the government this week.\n\n\
A spokesman for one of the groups told reporters that the announcement changed nothing on \
the ground and that the presence of advisers was an occupation by another name. The \
government said the remaining troops would only train and advise Iraqi forces, and that \
talks on the timetable would continue next month in the capital.\n";

const OTHER: &str = "Crane collapse kills 107 in Mecca\n\n\
MECCA - A crane collapsed on the Grand Mosque on Friday during a storm, killing at least 107 \
people and injuring more than 200, officials said. The construction crane fell through the \
roof as pilgrims gathered for prayers ahead of the annual hajj.\n\n\
Rescue workers carried the injured to hospitals across the city while engineers inspected \
the other cranes on the site. <script>alert('x')</script>\n";

fn doc(text: &str, path: &str, published: Option<(i32, u8, u8)>) -> Document {
    let mut d = Document::from_text(text);
    d.meta.source.path = path.into();
    let title_end = text.find('\n').unwrap_or(0);
    d.meta.title = Some(text[..title_end].to_string());
    d.layout.title = Some(newsgraph_core::Span::new(0, title_end));
    d.layout.body = newsgraph_core::Span::new(title_end + 2, text.len());
    d.meta.published = published.and_then(|(y, m, dd)| Date::new(y, m, dd));
    d.stages.push(StageStamp {
        stage: "ingest".into(),
        version: "ingest-test".into(),
    });
    newsgraph_segment::SegmenterBuilder::new()
        .build()
        .run(&mut d);
    d.check().unwrap();
    d
}

fn item(docs: Vec<Document>, path: &str) -> InputItem {
    InputItem {
        file: Some(InputFile {
            path: path.into(),
            size: 10,
            mtime_ns: 1,
        }),
        bytes: docs.iter().map(|d| d.text.len() as u64).sum(),
        docs: docs.into_iter().map(PreparedDoc::new).collect(),
        errors: 0,
    }
}

fn run(store: &mut Store) -> (i64, RunCounts) {
    let id = store
        .begin_run(&RunInfo {
            command: "test".into(),
            engine_version: "test".into(),
            ..RunInfo::default()
        })
        .unwrap();
    (id, RunCounts::default())
}

fn fresh() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("t.db")).unwrap();
    (dir, store)
}

#[test]
fn same_text_is_stored_once_with_every_sighting() {
    let (_dir, mut store) = fresh();
    let (r, mut c) = run(&mut store);
    let a = doc(WIRE, "a.txt", Some((2021, 12, 9)));
    let b = doc(WIRE, "b.txt", Some((2021, 12, 9)));
    let s = store
        .write(
            r,
            &[item(vec![a.clone()], "a.txt"), item(vec![b], "b.txt")],
            &mut c,
        )
        .unwrap();
    assert_eq!((s.added, s.unchanged), (1, 1));
    // Idempotent: writing the same again adds nothing.
    let s = store.write(r, &[item(vec![a], "a.txt")], &mut c).unwrap();
    assert_eq!((s.added, s.unchanged), (0, 1));
    assert_eq!(store.count("documents").unwrap(), 1);
    assert_eq!(store.count("document_sources").unwrap(), 2);
    let d = store
        .document(&Document::from_text(WIRE).id)
        .unwrap()
        .unwrap();
    assert_eq!(d.sources.len(), 2);
    assert!(!d.sentences.is_empty());
    assert_eq!(
        d.sentences[0].text,
        &WIRE[d.sentences[0].offsets.span[0] as usize..d.sentences[0].offsets.span[1] as usize]
    );
    assert_eq!(store.integrity_check().unwrap(), "ok");
}

#[test]
fn wire_copies_share_a_story_and_other_articles_do_not() {
    let (_dir, mut store) = fresh();
    let (r, mut c) = run(&mut store);
    let edited = WIRE
        .replace("BAGHDAD, Dec 9 - ", "BAGHDAD (Reuters) - ")
        .replace("next month", "in January");
    let docs = vec![
        doc(WIRE, "wire.txt", Some((2021, 12, 9))),
        doc(OTHER, "other.txt", Some((2015, 9, 11))),
        doc(&edited, "copy.txt", Some((2021, 12, 10))),
    ];
    let s = store.write(r, &[item(docs, "all.txt")], &mut c).unwrap();
    assert_eq!((s.added, s.linked), (3, 1));
    let page = store
        .documents(&DocFilter {
            limit: 10,
            ..DocFilter::default()
        })
        .unwrap();
    assert_eq!(page.total, 3);
    let wire_id = Document::from_text(WIRE).id;
    let copy = page
        .documents
        .iter()
        .find(|d| d.source_path == "copy.txt")
        .unwrap();
    assert_eq!(copy.story, wire_id);
    assert_eq!(copy.story_size, 2);
    let other = page
        .documents
        .iter()
        .find(|d| d.published.as_deref() == Some("2015-09-11"))
        .unwrap();
    assert_eq!(other.story, other.id);
    // Newest first.
    assert_eq!(page.documents[0].published.as_deref(), Some("2021-12-10"));
    let story = store
        .documents(&DocFilter {
            story: Some(copy.id.clone()),
            limit: 10,
            ..DocFilter::default()
        })
        .unwrap();
    assert_eq!(story.total, 2);
}

#[test]
fn new_stage_versions_replace_records_cleanly() {
    let (_dir, mut store) = fresh();
    let (r, mut c) = run(&mut store);
    store
        .write(r, &[item(vec![doc(WIRE, "a.txt", None)], "a.txt")], &mut c)
        .unwrap();
    let sentences = store.count_spans().unwrap().sentences;
    let mut newer = doc(WIRE, "a.txt", None);
    newer.stages[1].version = "segment-next".into();
    newer.sentences.truncate(1);
    let (r2, mut c2) = run(&mut store);
    let s = store
        .write(r2, &[item(vec![newer], "a.txt")], &mut c2)
        .unwrap();
    assert_eq!((s.added, s.replaced), (0, 1));
    assert_eq!(store.count("documents").unwrap(), 1);
    assert_eq!(store.count_spans().unwrap().sentences, 1);
    assert!(sentences > 1);
    let d = store
        .document(&Document::from_text(WIRE).id)
        .unwrap()
        .unwrap();
    assert_eq!(d.run, r2);
    assert!(d.stages.to_string().contains("segment-next"));
    assert_eq!(store.integrity_check().unwrap(), "ok");
}

#[test]
fn search_dates_and_timeline() {
    let (_dir, mut store) = fresh();
    let (r, mut c) = run(&mut store);
    let docs = vec![
        doc(WIRE, "a.txt", Some((2021, 12, 9))),
        doc(OTHER, "b.txt", Some((2015, 9, 11))),
    ];
    store.write(r, &[item(docs, "x")], &mut c).unwrap();
    let q = |search: &str| DocFilter {
        search: Some(search.into()),
        limit: 10,
        ..DocFilter::default()
    };
    let hits = store.documents(&q("crane pilgrims")).unwrap();
    assert_eq!(hits.total, 1);
    let snippet = hits.documents[0].snippet.as_ref().unwrap();
    assert!(snippet.iter().any(|p| p.hit), "{snippet:?}");
    assert_eq!(store.documents(&q("\"armed groups\"")).unwrap().total, 1);
    assert_eq!(store.documents(&q("Iraq OR Mecca")).unwrap().total, 2);
    // Search results page like lists do, each page with its snippets.
    let page = |offset| {
        store
            .documents(&DocFilter {
                limit: 1,
                offset,
                ..q("Iraq OR Mecca")
            })
            .unwrap()
    };
    let (first, second) = (page(0), page(1));
    assert_eq!((first.total, second.total), (2, 2));
    assert_eq!((first.documents.len(), second.documents.len()), (1, 1));
    assert_ne!(first.documents[0].id, second.documents[0].id);
    assert!(second.documents[0].snippet.is_some());
    assert!(page(2).documents.is_empty());
    // Hostile input is just text to search for.
    for s in [
        "'; DROP TABLE documents; --",
        "NEAR(",
        "\"",
        "a AND",
        "title:x",
        "*",
    ] {
        let _ = store.documents(&q(s));
    }
    assert_eq!(store.count("documents").unwrap(), 2);
    let later = store
        .documents(&DocFilter {
            from: Date::new(2020, 1, 1),
            limit: 10,
            ..DocFilter::default()
        })
        .unwrap();
    assert_eq!(later.total, 1);
    let tl = store.timeline(&DocFilter::default()).unwrap();
    assert_eq!(tl.len(), 2);
    assert_eq!(tl[0].date, "2015-09-11");
}

#[test]
fn an_older_file_is_migrated_forward() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    {
        let mut old = Store::open_at_version(&path, 1).unwrap();
        assert_eq!(old.schema_version().unwrap(), 1);
        let (r, mut c) = run(&mut old);
        old.write(r, &[item(vec![doc(OTHER, "b.txt", None)], "b.txt")], &mut c)
            .unwrap();
        assert!(old.conn().prepare("SELECT * FROM documents_fts").is_err());
    }
    assert!(matches!(
        Store::open_read_only(&path),
        Err(newsgraph_store::StoreError::OlderSchema { found: 1, .. })
    ));
    let store = Store::open(&path).unwrap();
    assert_eq!(
        store.schema_version().unwrap(),
        newsgraph_store::SCHEMA_VERSION
    );
    let hits = store
        .documents(&DocFilter {
            search: Some("crane".into()),
            limit: 5,
            ..DocFilter::default()
        })
        .unwrap();
    assert_eq!(hits.total, 1, "the index was built from the existing rows");
    assert_eq!(store.integrity_check().unwrap(), "ok");
}

#[test]
fn a_newer_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    drop(Store::open(&path).unwrap());
    let conn = rusqlite_conn(&path);
    conn.pragma_update(None, "user_version", 999).unwrap();
    drop(conn);
    assert!(matches!(
        Store::open(&path),
        Err(newsgraph_store::StoreError::NewerSchema { found: 999, .. })
    ));
}

fn rusqlite_conn(path: &std::path::Path) -> rusqlite::Connection {
    rusqlite::Connection::open(path).unwrap()
}

#[test]
fn exports_have_one_file_per_table_with_offsets_and_provenance() {
    let (dir, mut store) = fresh();
    let (r, mut c) = run(&mut store);
    let docs = vec![
        doc(WIRE, "a.txt", Some((2021, 12, 9))),
        doc(OTHER, "b.txt", None),
    ];
    let tokens: usize = docs.iter().map(|d| d.tokens.len()).sum();
    let sentences: usize = docs.iter().map(|d| d.sentences.len()).sum();
    store.write(r, &[item(docs, "x")], &mut c).unwrap();
    for format in [
        ExportFormat::Jsonl,
        ExportFormat::Csv,
        ExportFormat::Parquet,
    ] {
        let out = dir.path().join(format.extension());
        let tables = store.export(&out, format).unwrap();
        let rows = |t: &str| tables.iter().find(|x| x.table == t).unwrap().rows;
        assert_eq!(rows("documents"), 2);
        assert_eq!(rows("tokens"), tokens as u64);
        assert_eq!(rows("sentences"), sentences as u64);
        assert_eq!(rows("runs"), 1);
        if format == ExportFormat::Parquet {
            check_parquet(&out, &tables);
            continue;
        }
        let text =
            std::fs::read_to_string(out.join(format!("sentences.{}", format.extension()))).unwrap();
        let lines = text.lines().count();
        match format {
            ExportFormat::Jsonl => {
                assert_eq!(lines, sentences);
                let first: serde_json::Value =
                    serde_json::from_str(text.lines().next().unwrap()).unwrap();
                for k in [
                    "doc_id",
                    "start",
                    "char_start",
                    "source_start",
                    "run_id",
                    "version",
                ] {
                    assert!(!first[k].is_null(), "{k} in {first}");
                }
                let s = first["start"].as_u64().unwrap() as usize;
                let e = first["end"].as_u64().unwrap() as usize;
                assert_eq!(first["text"].as_str().unwrap(), &WIRE[s..e]);
            }
            ExportFormat::Parquet => unreachable!(),
            ExportFormat::Csv => {
                // Sentence texts contain no newlines here, so lines = rows + header.
                assert_eq!(lines, sentences + 1);
                assert!(text.starts_with("doc_id,sentence,paragraph,start,end,"));
            }
        }
    }
}

#[test]
fn resuming_skips_files_already_stored() {
    let (_dir, mut store) = fresh();
    let (r, mut c) = run(&mut store);
    let f = InputFile {
        path: "a.txt".into(),
        size: 10,
        mtime_ns: 1,
    };
    let stages = newsgraph_store::stages_json(&doc(WIRE, "a.txt", None).stages);
    assert!(!store.input_is_current(&f, &stages).unwrap());
    store
        .write(r, &[item(vec![doc(WIRE, "a.txt", None)], "a.txt")], &mut c)
        .unwrap();
    assert!(store.input_is_current(&f, &stages).unwrap());
    let touched = InputFile {
        mtime_ns: 2,
        ..f.clone()
    };
    assert!(!store.input_is_current(&touched, &stages).unwrap());
    assert!(!store.input_is_current(&f, "[]").unwrap());
    // An input without documents is current for the run's stage versions.
    let stamps = doc(WIRE, "a.txt", None).stages;
    let r2 = store
        .begin_run(&RunInfo {
            command: "test".into(),
            stages: stamps,
            ..RunInfo::default()
        })
        .unwrap();
    let empty = InputFile {
        path: "empty.txt".into(),
        ..f.clone()
    };
    let item = InputItem {
        file: Some(empty.clone()),
        ..InputItem::default()
    };
    store.write(r2, &[item], &mut c).unwrap();
    assert!(store.input_is_current(&empty, &stages).unwrap());
}

/// Reads the Parquet files back: row counts, and typed columns.
fn check_parquet(dir: &std::path::Path, tables: &[newsgraph_store::export::TableExport]) {
    use parquet::basic::{LogicalType, Type as Physical};
    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::record::Field;
    for t in tables {
        assert!(t.path.starts_with(dir));
        let f = std::fs::File::open(&t.path).unwrap();
        let r = SerializedFileReader::new(f).unwrap();
        let meta = r.metadata().file_metadata();
        assert_eq!(meta.num_rows() as u64, t.rows, "{}", t.table);
        let schema = meta.schema_descr();
        let col = |name: &str| {
            (0..schema.num_columns())
                .map(|i| schema.column(i))
                .find(|c| c.name() == name)
        };
        if let Some(c) = col("start") {
            assert_eq!(c.physical_type(), Physical::INT64, "{}", t.table);
        }
        if let Some(c) = col("doc_id") {
            assert_eq!(c.logical_type(), Some(LogicalType::String), "{}", t.table);
        }
        if t.table == "documents" {
            let c = col("published").unwrap();
            assert_eq!(c.logical_type(), Some(LogicalType::Date));
            let rows: Vec<_> = r.get_row_iter(None).unwrap().map(|x| x.unwrap()).collect();
            let published: Vec<String> = rows
                .iter()
                .map(|row| {
                    let (_, v) = row
                        .get_column_iter()
                        .find(|(n, _)| *n == "published")
                        .unwrap();
                    match v {
                        Field::Date(d) => d.to_string(),
                        Field::Null => "null".into(),
                        other => panic!("published is {other:?}"),
                    }
                })
                .collect();
            // 2021-12-09 is day 18970 since 1970-01-01.
            assert_eq!(published, ["18970", "null"]);
        }
        if t.table == "tokens" {
            let c = col("space_after").unwrap();
            assert_eq!(c.physical_type(), Physical::BOOLEAN);
        }
    }
}

#[test]
fn offsets_derived_on_reading_are_those_computed_at_ingest() {
    // The store keeps byte spans only (schema 7); char and source offsets
    // are derived when reading. A text decoded from markup (`&amp;` is one
    // byte of text for five of the file) and with multi-byte characters
    // must read back with the offsets the document itself gives.
    let text = "AT&T café deal\n\nAT&T said on Friday the café deal was off. Rivals cheered.\n";
    let mut d = doc(text, "a.html", None);
    let amp = |at: usize, shift: u64| newsgraph_core::Piece {
        text_start: at as u32,
        text_len: 1,
        source_start: at as u64 + shift,
        source_len: 5,
    };
    let first = text.find('&').unwrap();
    let second = text[first + 1..].find('&').unwrap() + first + 1;
    d.source_map = newsgraph_core::SourceMap {
        base: 40,
        pieces: vec![amp(first, 40), amp(second, 44)],
    };
    let (_dir, mut store) = fresh();
    let (r, mut c) = run(&mut store);
    store
        .write(r, &[item(vec![d.clone()], "a.html")], &mut c)
        .unwrap();
    let got = store.document(&d.id).unwrap().unwrap();
    // What the document itself says of a span: code points before each
    // end, and its source span.
    let want = |s: newsgraph_core::Span| {
        let chars = |at: u32| text[..at as usize].chars().count() as u64;
        let (a, b) = d.source_span(s);
        (
            [u64::from(s.start), u64::from(s.end)],
            [chars(s.start), chars(s.end)],
            [a, b],
        )
    };
    assert_eq!(got.sentences.len(), d.sentences.len());
    assert!(got.sentences.len() >= 2);
    for (s, sentence) in got.sentences.iter().zip(&d.sentences) {
        let (span, chars, source) = want(sentence.span);
        assert_eq!(s.offsets.span, span);
        assert_eq!(s.offsets.chars, chars);
        assert_eq!(s.offsets.source, source);
        assert_eq!(s.text, sentence.span.slice(text));
    }
    assert_eq!(got.paragraphs.len(), d.paragraphs.len());
    for (p, paragraph) in got.paragraphs.iter().zip(&d.paragraphs) {
        let (_, chars, source) = want(paragraph.span);
        assert_eq!(p.chars, chars);
        assert_eq!(p.source, source);
    }
    // The map is not the identity: it moved some source offsets.
    assert!(got
        .sentences
        .iter()
        .any(|s| s.offsets.source[1] != 40 + s.offsets.span[1]));
}
