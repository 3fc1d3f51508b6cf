//! Entities, mentions and quotes in the store: writing, replacing, the
//! schema migration that added them, lists and filters, statements repeated
//! across a story, networks and exports.

mod fixture;

use fixture::{hostile, militia, militia_copy, MILITIA};
use newsgraph_core::{Document, StageStamp};
use newsgraph_store::export::ExportFormat;
use newsgraph_store::query::{DocFilter, EntityFilter, NetworkFilter, NetworkKind, QuoteFilter};
use newsgraph_store::{InputItem, PreparedDoc, RunCounts, RunInfo, Store};

fn write(store: &mut Store, docs: Vec<Document>) -> newsgraph_store::WriteStats {
    let run = store
        .begin_run(&RunInfo {
            command: "test".into(),
            engine_version: "test".into(),
            ..RunInfo::default()
        })
        .unwrap();
    let item = InputItem {
        docs: docs.into_iter().map(PreparedDoc::new).collect(),
        ..InputItem::default()
    };
    store
        .write(run, &[item], &mut RunCounts::default())
        .unwrap()
}

/// How many statements a quote search finds.
fn searched(store: &Store, search: &str) -> u64 {
    quotes(
        store,
        QuoteFilter {
            search: Some(search.into()),
            ..Default::default()
        },
    )
    .total
}

fn fresh() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("t.db")).unwrap();
    (dir, store)
}

fn quotes(store: &Store, f: QuoteFilter) -> newsgraph_store::query::QuotePage {
    store
        .quotes(&QuoteFilter {
            limit: if f.limit == 0 { 50 } else { f.limit },
            ..f
        })
        .unwrap()
}

#[test]
fn entities_mentions_and_quotes_round_trip() {
    let (_dir, mut store) = fresh();
    let doc = militia(MILITIA, "a.txt", (2021, 12, 9));
    write(&mut store, vec![doc.clone()]);
    assert_eq!(store.count("entities").unwrap(), 7);
    assert_eq!(store.count_spans().unwrap().mentions, 10);
    assert_eq!(store.count("quotes").unwrap(), 4);
    assert_eq!(store.integrity_check().unwrap(), "ok");

    let d = store.document(&doc.id).unwrap().unwrap();
    assert_eq!(d.entities.len(), 7);
    let shammari = &d.entities[0];
    assert_eq!(shammari.canonical, "Nasr al-Shammari");
    assert_eq!(shammari.entity_type, "PERSON");
    assert_eq!(
        shammari.affiliation_canonical.as_deref(),
        Some("Sabireen movement")
    );
    assert_eq!(shammari.code_source.as_ref().unwrap().layer, "rule");
    let mentions = shammari.mentions.as_ref().unwrap();
    assert_eq!(mentions.len(), 2);
    for e in &d.entities {
        for m in e.mentions.as_ref().unwrap() {
            let [s, e] = m.offsets.span;
            assert_eq!(m.text, &MILITIA[s as usize..e as usize]);
            // Char offsets count code points (the curly quotes are 3 bytes).
            let [cs, ce] = m.offsets.chars;
            assert_eq!(
                MILITIA
                    .chars()
                    .skip(cs as usize)
                    .take((ce - cs) as usize)
                    .collect::<String>(),
                m.text
            );
        }
    }
    assert_eq!(d.quotes.len(), 4);
    let q0 = &d.quotes[0];
    assert_eq!(q0.kind, "direct");
    assert!(q0.text.starts_with("the resistance will continue"));
    assert_eq!(q0.speaker.as_ref().unwrap().text, "Nasr al-Shammari");
    assert_eq!(q0.speaker_code.as_deref(), Some("IRQREB"));
    assert_eq!(q0.addressee.as_ref().unwrap().text, "al-Mayadeen");
    assert_eq!(q0.cue.as_ref().unwrap().text, "told");
    assert_eq!(q0.evidence, 1);

    // Filters.
    let n = |f: QuoteFilter| quotes(&store, f).total;
    assert_eq!(n(QuoteFilter::default()), 4);
    assert_eq!(
        n(QuoteFilter {
            speaker: Some("shammari".into()),
            ..Default::default()
        }),
        2
    );
    assert_eq!(
        n(QuoteFilter {
            speaker: Some("IRQGOV".into()),
            ..Default::default()
        }),
        2
    );
    assert_eq!(
        n(QuoteFilter {
            code: Some("irq".into()),
            ..Default::default()
        }),
        4
    );
    assert_eq!(
        n(QuoteFilter {
            sector: Some("GOV".into()),
            ..Default::default()
        }),
        2
    );
    assert_eq!(
        n(QuoteFilter {
            sector: Some("REB".into()),
            ..Default::default()
        }),
        2
    );
    assert_eq!(
        n(QuoteFilter {
            country: Some("LBN".into()),
            ..Default::default()
        }),
        0
    );
    assert_eq!(
        n(QuoteFilter {
            search: Some("resistance soldier".into()),
            ..Default::default()
        }),
        1
    );
    assert_eq!(
        n(QuoteFilter {
            search: Some("Basra".into()),
            ..Default::default()
        }),
        0
    );
    assert_eq!(
        n(QuoteFilter {
            from: newsgraph_core::Date::new(2021, 12, 10),
            ..Default::default()
        }),
        0
    );
    assert_eq!(
        n(QuoteFilter {
            to: newsgraph_core::Date::new(2021, 12, 9),
            ..Default::default()
        }),
        4
    );
    assert_eq!(
        n(QuoteFilter {
            doc: Some(doc.id.clone()),
            ..Default::default()
        }),
        4
    );
    assert_eq!(
        n(QuoteFilter {
            doc: Some("0".repeat(32)),
            ..Default::default()
        }),
        0
    );
    let page = quotes(
        &store,
        QuoteFilter {
            limit: 1,
            offset: 1,
            ..Default::default()
        },
    );
    assert_eq!((page.total, page.quotes.len()), (4, 1));
    assert!(page.total_exact);
    // A bounded count stops early and says so; a bound it does not reach
    // gives the exact total.
    let capped = |limit| {
        let p = quotes(
            &store,
            QuoteFilter {
                count_limit: Some(limit),
                ..Default::default()
            },
        );
        (p.total, p.total_exact, p.quotes.len())
    };
    assert_eq!(capped(2), (2, false, 4));
    assert_eq!(capped(4), (4, true, 4));
    assert_eq!(capped(100), (4, true, 4));
    let docs = store
        .documents(&DocFilter {
            limit: 10,
            count_limit: Some(0),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        (docs.total, docs.total_exact, docs.documents.len()),
        (0, false, 1)
    );

    let ents = store
        .entities(&EntityFilter {
            entity_type: Some("person".into()),
            limit: 10,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(ents.total, 2);
    let ents = store
        .entities(&EntityFilter {
            sector: Some("REB".into()),
            limit: 10,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(ents.total, 2);
    let ents = store
        .entities(&EntityFilter {
            search: Some("advisers".into()),
            limit: 10,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(ents.total, 7);

    let actors = store
        .actors(&EntityFilter {
            limit: 50,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(actors.total, 7);
    let a = store.actor("Nasr al-Shammari").unwrap().unwrap();
    assert_eq!(
        (a.summary.documents, a.summary.mentions, a.summary.quotes),
        (1, 2, 2)
    );
    assert_eq!(a.summary.actor_code.as_deref(), Some("IRQREB"));
    assert_eq!(a.roles, ["spokesman"]);
    assert_eq!(a.affiliations, ["Sabireen movement"]);
    assert_eq!(a.occurrences.len(), 2);
    assert_eq!(a.statements.len(), 2);
    assert!(store.actor("Nobody").unwrap().is_none());

    // Who quotes whom: Shammari names the United States twice (American,
    // Washington), Iraq and his own group once.
    let net = store
        .network(&NetworkFilter {
            limit: 50,
            ..Default::default()
        })
        .unwrap();
    let edge = |s: &str, t: &str| {
        net.edges
            .iter()
            .find(|e| e.source == s && e.target == t)
            .map(|e| e.weight)
    };
    assert_eq!(edge("Nasr al-Shammari", "United States"), Some(2));
    assert_eq!(edge("Nasr al-Shammari", "Iraq"), Some(1));
    assert_eq!(edge("Nasr al-Shammari", "Sabireen movement"), Some(1));
    assert_eq!(edge("Nasr al-Shammari", "Nasr al-Shammari"), None);
    assert!(net.nodes.iter().any(|n| n.id == "United States"));
    let co = store
        .network(&NetworkFilter {
            kind: NetworkKind::Cooccurrence,
            actor: Some("Adel Hamdani".into()),
            limit: 50,
            ..Default::default()
        })
        .unwrap();
    // Persons and organisations only: Hamdani with 4 others.
    assert_eq!(co.edges.len(), 4, "{:?}", co.edges);
    assert!(co.edges.iter().all(|e| e.weight == 1));

    let st = store.stats().unwrap();
    assert_eq!(
        (
            st.entities,
            st.mentions,
            st.quotes,
            st.statements,
            st.actors
        ),
        (7, 10, 4, 4, 7)
    );
    let tl = store.timeline(&DocFilter::default()).unwrap();
    assert_eq!((tl[0].documents, tl[0].quotes), (1, 4));
}

#[test]
fn a_quote_repeated_across_a_story_is_one_statement_with_its_evidence() {
    let (_dir, mut store) = fresh();
    let a = militia(MILITIA, "wire.txt", (2021, 12, 9));
    let copy = militia_copy();
    let b = militia(&copy, "copy.txt", (2021, 12, 10));
    let s = write(&mut store, vec![a.clone(), b.clone()]);
    assert_eq!((s.added, s.linked), (2, 1), "the copy joins the story");
    assert_eq!(store.count("quotes").unwrap(), 8, "every quote is kept");
    // Three quotes are the same in both; one is worded differently.
    let page = quotes(&store, QuoteFilter::default());
    assert_eq!(page.total, 5);
    let q0 = page
        .quotes
        .iter()
        .find(|q| q.text.starts_with("the resistance"))
        .unwrap();
    assert_eq!(q0.evidence, 2);
    assert_eq!(q0.evidence_docs, [a.id.clone(), b.id.clone()]);
    assert_eq!(
        q0.doc_id, a.id,
        "the first sighting stands for the statement"
    );
    let differing: Vec<_> = page
        .quotes
        .iter()
        .filter(|q| q.text.contains("talks with"))
        .collect();
    assert_eq!(differing.len(), 2);
    assert!(differing.iter().all(|q| q.evidence == 1));
    let all = quotes(
        &store,
        QuoteFilter {
            all: true,
            ..Default::default()
        },
    );
    assert_eq!(all.total, 8);
    let st = store.stats().unwrap();
    assert_eq!((st.quotes, st.statements), (8, 5));
    let a_stats = store.actor("Nasr al-Shammari").unwrap().unwrap();
    assert_eq!((a_stats.summary.documents, a_stats.summary.quotes), (2, 3));
    // The copy's page shows each quote with the evidence of its statement.
    let d = store.document(&b.id).unwrap().unwrap();
    assert_eq!(d.quotes[0].evidence, 2);
    assert_eq!(d.quotes[1].evidence, 1);
    let tl = store.timeline(&DocFilter::default()).unwrap();
    let per_day: Vec<_> = tl
        .iter()
        .map(|d| (d.date.as_str(), d.documents, d.quotes))
        .collect();
    assert_eq!(per_day, [("2021-12-09", 1, 4), ("2021-12-10", 1, 1)]);
    // Re-processing the first article (new stage versions) moves the lead of
    // its statements to the copy; every statement still has exactly one.
    let mut newer = a.clone();
    newer.stages.push(StageStamp {
        stage: "codes".into(),
        version: "codes-next".into(),
    });
    assert_eq!(write(&mut store, vec![newer]).replaced, 1);
    let leaders_ok = |store: &Store| -> i64 {
        store
            .conn()
            .query_row(
                "SELECT count(*) FROM (SELECT sum(first) AS n FROM quotes GROUP BY story, dup_key)
                 WHERE n != 1",
                [],
                |r| r.get(0),
            )
            .unwrap()
    };
    assert_eq!(leaders_ok(&store), 0);
    let page = quotes(&store, QuoteFilter::default());
    assert_eq!(page.total, 5);
    let q0 = page
        .quotes
        .iter()
        .find(|q| q.text.starts_with("the resistance"))
        .unwrap();
    assert_eq!((q0.evidence, q0.doc_id.as_str()), (2, b.id.as_str()));
    assert_eq!(q0.evidence_docs, [b.id.clone(), a.id.clone()]);
    assert_eq!(store.integrity_check().unwrap(), "ok");
}

#[test]
fn reprocessing_replaces_entities_and_quotes_cleanly() {
    let (_dir, mut store) = fresh();
    let doc = militia(MILITIA, "a.txt", (2021, 12, 9));
    write(&mut store, vec![doc.clone()]);
    let mut newer = doc.clone();
    newer.stages.push(StageStamp {
        stage: "codes".into(),
        version: "codes-next".into(),
    });
    newer.quotes.truncate(1);
    newer.entities.truncate(2);
    newer.entities[0].actor_code = Some("IRQMIL".into());
    let s = write(&mut store, vec![newer]);
    assert_eq!((s.added, s.replaced), (0, 1));
    assert_eq!(store.count("entities").unwrap(), 2);
    assert_eq!(store.count_spans().unwrap().mentions, 4);
    assert_eq!(store.count("quotes").unwrap(), 1);
    assert_eq!(store.integrity_check().unwrap(), "ok");
    assert_eq!(searched(&store, "advisers"), 0);
    assert_eq!(searched(&store, "resistance"), 1);
    // The quote's copied speaker code follows the new entity.
    assert_eq!(
        quotes(
            &store,
            QuoteFilter {
                code: Some("IRQMIL".into()),
                ..Default::default()
            }
        )
        .total,
        1
    );
    // Idempotent: the same again changes nothing.
    let again = store.count_spans().unwrap().mentions;
    let s = write(&mut store, vec![doc.clone()]);
    assert_eq!(s.replaced, 1);
    let s = write(&mut store, vec![doc]);
    assert_eq!((s.unchanged, s.replaced), (1, 0));
    assert_eq!(store.count("quotes").unwrap(), 4);
    assert!(again < store.count_spans().unwrap().mentions);
}

#[test]
fn a_version_2_file_is_migrated_to_hold_entities_and_quotes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v2.db");
    let plain = fixture::base(MILITIA, "plain.txt", Some((2021, 12, 9)));
    {
        let mut old = Store::open_at_version(&path, 2).unwrap();
        assert_eq!(old.schema_version().unwrap(), 2);
        write(&mut old, vec![plain.clone()]);
        assert!(old.conn().prepare("SELECT * FROM quotes").is_err());
    }
    assert!(matches!(
        Store::open_read_only(&path),
        Err(newsgraph_store::StoreError::OlderSchema { found: 2, .. })
    ));
    let mut store = Store::open(&path).unwrap();
    assert_eq!(
        store.schema_version().unwrap(),
        newsgraph_store::SCHEMA_VERSION
    );
    assert_eq!(newsgraph_store::SCHEMA_VERSION, 7);
    assert_eq!(store.count("documents").unwrap(), 1);
    assert_eq!(store.count("quotes").unwrap(), 0);
    // The same text, now with records from newer stages, replaces the old row.
    let s = write(&mut store, vec![militia(MILITIA, "a.txt", (2021, 12, 9))]);
    assert_eq!((s.added, s.replaced), (0, 1));
    assert_eq!(store.count("quotes").unwrap(), 4);
    assert_eq!(store.integrity_check().unwrap(), "ok");
    drop(store);
    let ro = Store::open_read_only(&path).unwrap();
    assert_eq!(
        ro.quotes(&QuoteFilter {
            limit: 10,
            ..Default::default()
        })
        .unwrap()
        .total,
        4
    );
}

#[test]
fn a_version_3_file_gets_speaker_names_for_the_quotes_it_holds() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v3.db");
    {
        let mut old = Store::open_at_version(&path, 3).unwrap();
        write(&mut old, vec![militia(MILITIA, "a.txt", (2021, 12, 9))]);
        assert!(old.conn().prepare("SELECT * FROM speaker_names").is_err());
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(
        store.schema_version().unwrap(),
        newsgraph_store::SCHEMA_VERSION
    );
    let by = |speaker: &str| {
        quotes(
            &store,
            QuoteFilter {
                speaker: Some(speaker.into()),
                ..Default::default()
            },
        )
        .total
    };
    // Names written before the migration are found, by any part of them.
    assert_eq!(by("SHAMMARI"), 2);
    assert_eq!(by("nasr al-"), 2);
    assert_eq!(by("IRQGOV"), 2);
    assert_eq!(by("nobody"), 0);
    assert_eq!(store.integrity_check().unwrap(), "ok");
}

/// [`militia`] as the pipeline makes it: entities carry the `actors`
/// stage's version, which is also in the document's stage set.
fn militia_with_actors() -> Document {
    let mut doc = militia(MILITIA, "a.txt", (2021, 12, 9));
    for e in &mut doc.entities {
        e.version = "actors-test".into();
    }
    doc.entities[1].version = "actors-other".into();
    doc.stages.push(StageStamp {
        stage: "actors".into(),
        version: "actors-test".into(),
    });
    doc
}

#[test]
fn a_version_6_file_moves_to_the_smaller_layout_with_its_records_intact() {
    // Every record of a migrated file reads as the same document written
    // by this version does.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v6.db");
    let doc = militia_with_actors();
    {
        let mut old = Store::open_at_version(&path, 6).unwrap();
        write(&mut old, vec![doc.clone()]);
        let text: String = old
            .conn()
            .query_row("SELECT text FROM mentions LIMIT 1", [], |r| r.get(0))
            .unwrap();
        assert!(!text.is_empty());
    }
    // What the same document reads as when written by this version.
    let (_fresh_dir, mut fresh_store) = fresh();
    write(&mut fresh_store, vec![doc.clone()]);
    let before = fresh_store.document(&doc.id).unwrap().unwrap();
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), 7);
    for gone in ["mentions", "sentences", "paragraphs"] {
        assert!(store
            .conn()
            .prepare(&format!("SELECT * FROM {gone}"))
            .is_err());
    }
    assert_eq!(
        store.count_spans().unwrap(),
        fresh_store.count_spans().unwrap()
    );
    // Versions equal to the stage set's are no longer written out…
    let written = |sql: &str| -> Vec<Option<String>> {
        let mut st = store.conn().prepare(sql).unwrap();
        let rows = st.query_map([], |r| r.get(0)).unwrap();
        rows.map(Result::unwrap).collect()
    };
    let entity_versions = written("SELECT version FROM entities ORDER BY idx");
    assert_eq!(entity_versions[0], None);
    assert_eq!(entity_versions[1].as_deref(), Some("actors-other"));
    assert!(written("SELECT version FROM quotes")
        .iter()
        .all(Option::is_none));
    // Single-piece quotes are the document's bytes at their span.
    assert!(written("SELECT text FROM quotes")
        .iter()
        .all(Option::is_none));
    // …and every record reads back as it was written.
    let after = store.document(&doc.id).unwrap().unwrap();
    assert_eq!(after.paragraphs, before.paragraphs);
    assert_eq!(after.sentences, before.sentences);
    assert_eq!(after.entities, before.entities);
    assert_eq!(after.quotes, before.quotes);
    assert!(after
        .entities
        .iter()
        .all(|e| !e.mentions.as_ref().unwrap().is_empty()));
    assert_eq!(after.entities[0].version, "actors-test");
    assert_eq!(after.entities[1].version, "actors-other");
    assert_eq!(after.quotes[0].version, "quote-test");
    // The rebuilt full-text indexes still answer phrases exactly.
    let docs = |q: &str| {
        store
            .documents(&DocFilter {
                search: Some(q.into()),
                limit: 5,
                ..DocFilter::default()
            })
            .unwrap()
            .total
    };
    assert_eq!(docs("\"prime minister\" iraqi"), 1);
    assert_eq!(docs("\"minister prime\""), 0);
    assert_eq!(docs("\"minister prime\" OR hamdani"), 1);
    assert_eq!(searched(&store, "\"combat troops\""), 1);
    assert_eq!(searched(&store, "\"troops combat\""), 0);
    assert_eq!(store.integrity_check().unwrap(), "ok");
    // Re-processing replaces the quotes in the contentless index too.
    drop(store);
    let mut store = Store::open(&path).unwrap();
    let mut again = militia_with_actors();
    again.stages.last_mut().unwrap().version = "actors-next".into();
    assert_eq!(write(&mut store, vec![again]).replaced, 1);
    assert_eq!(searched(&store, "\"combat troops\""), 1);
    assert_eq!(searched(&store, "resistance OR troops"), 2);
    let indexed: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM quotes_fts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        indexed as u64,
        store.count("quotes").unwrap(),
        "no stale rows"
    );
    assert_eq!(store.integrity_check().unwrap(), "ok");
}

#[test]
fn a_new_store_writes_only_the_versions_that_differ_from_the_stage_set() {
    let (_dir, mut store) = fresh();
    let doc = militia_with_actors();
    write(&mut store, vec![doc.clone()]);
    let nulls: i64 = store
        .conn()
        .query_row(
            "SELECT count(*) FROM entities WHERE version IS NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(nulls as usize, doc.entities.len() - 1);
    let d = store.document(&doc.id).unwrap().unwrap();
    let versions: Vec<&str> = d.entities.iter().map(|e| e.version.as_str()).collect();
    assert_eq!(
        versions[..3],
        ["actors-test", "actors-other", "actors-test"]
    );
    let page = store
        .entities(&EntityFilter {
            limit: 50,
            ..Default::default()
        })
        .unwrap();
    assert!(page
        .entities
        .iter()
        .all(|e| e.version.starts_with("actors-")));
}

#[test]
fn a_speaker_without_an_entity_is_found_by_the_words_as_written() {
    let (_dir, mut store) = fresh();
    let mut doc = militia(MILITIA, "a.txt", (2021, 12, 9));
    for q in &mut doc.quotes {
        q.speaker_entity = None;
    }
    write(&mut store, vec![doc]);
    let by = |speaker: &str| {
        quotes(
            &store,
            QuoteFilter {
                speaker: Some(speaker.into()),
                ..Default::default()
            },
        )
        .total
    };
    let all = quotes(&store, QuoteFilter::default());
    let written: Vec<String> = all
        .quotes
        .iter()
        .filter_map(|q| q.speaker.as_ref().map(|s| s.text.clone()))
        .collect();
    assert!(!written.is_empty());
    assert!(all.quotes.iter().all(|q| q.speaker_canonical.is_none()));
    // Parts shorter than a trigram are looked for in every name; longer ones
    // in the trigram index: both find the same quotes a plain search would.
    let first = &written[0];
    let chars: Vec<char> = first.chars().collect();
    for len in [1, 2, 3, 5, chars.len()] {
        let from = chars.len().saturating_sub(len) / 2;
        let part: String = chars[from..(from + len).min(chars.len())].iter().collect();
        let expected = written
            .iter()
            .filter(|w| w.to_lowercase().contains(&part.to_lowercase()))
            .count() as u64;
        assert!(expected > 0, "{part}");
        assert_eq!(by(&part.to_uppercase()), expected, "{part}");
    }
    assert_eq!(by("nobody"), 0);
    // LIKE's wildcards in a part are plain characters.
    assert_eq!(by("%"), 0);
    assert_eq!(by("_"), 0);
}

#[test]
fn an_interrupted_quote_keeps_its_parts_and_reads_without_its_attribution() {
    let (_dir, mut store) = fresh();
    let mut doc = militia(MILITIA, "a.txt", (2021, 12, 9));
    let c = doc.quotes[0].content;
    // Two pieces of the content with a gap between them (where an
    // attribution would stand).
    let text = doc.text.clone();
    let cut = |at: u32| {
        (at..c.end)
            .find(|&k| text.as_bytes()[k as usize] == b' ')
            .unwrap_or(c.end)
    };
    let a = cut(c.start + (c.end - c.start) / 3);
    let b = cut(a + 1);
    doc.quotes[0].parts = vec![
        newsgraph_core::Span::new(c.start as usize, a as usize),
        newsgraph_core::Span::new(b as usize + 1, c.end as usize),
    ];
    let words = doc.quotes[0].words(&doc.text).into_owned();
    write(&mut store, vec![doc.clone()]);
    let d = store.document(&doc.id).unwrap().unwrap();
    let q = &d.quotes[0];
    assert_eq!(q.text, words);
    assert!(q.text.contains(" … "));
    let parts = q.parts.clone().unwrap();
    assert_eq!(
        parts,
        vec![
            [u64::from(c.start), u64::from(a)],
            [u64::from(b) + 1, u64::from(c.end)]
        ]
    );
    // One-piece quotes have none.
    assert!(d.quotes[1].parts.is_none());
    assert_eq!(store.integrity_check().unwrap(), "ok");
}

#[test]
fn a_mixed_quote_keeps_its_clause() {
    let (_dir, mut store) = fresh();
    let mut doc = militia(MILITIA, "a.txt", (2021, 12, 9));
    let c = doc.quotes[0].content;
    let clause = doc
        .paragraphs
        .iter()
        .map(|p| p.span)
        .find(|p| p.contains(c) && p.len() > c.len())
        .expect("a paragraph longer than the first quote");
    doc.quotes[0].kind = newsgraph_core::QuoteKind::Mixed;
    doc.quotes[0].clause = Some(clause);
    assert_eq!(doc.check(), Ok(()));
    write(&mut store, vec![doc.clone()]);
    let d = store.document(&doc.id).unwrap().unwrap();
    let got = d.quotes[0].clause.clone().expect("the clause");
    assert_eq!(got.span, [u64::from(clause.start), u64::from(clause.end)]);
    assert_eq!(got.text, doc.slice(clause));
    assert!(d.quotes[1].clause.is_none());
    assert_eq!(store.integrity_check().unwrap(), "ok");
}

#[test]
fn exports_have_entity_mention_and_quote_tables() {
    let (dir, mut store) = fresh();
    let copy = militia_copy();
    write(
        &mut store,
        vec![
            militia(MILITIA, "wire.txt", (2021, 12, 9)),
            militia(&copy, "copy.txt", (2021, 12, 10)),
            hostile("hostile.txt", (2021, 12, 11)),
        ],
    );
    for format in [
        ExportFormat::Jsonl,
        ExportFormat::Csv,
        ExportFormat::Parquet,
    ] {
        let out = dir.path().join(format.extension());
        let tables = store.export(&out, format).unwrap();
        let rows = |t: &str| tables.iter().find(|x| x.table == t).unwrap().rows;
        assert_eq!(rows("entities"), 16);
        assert_eq!(rows("mentions"), 22);
        assert_eq!(rows("quotes"), 9);
        if format != ExportFormat::Jsonl {
            continue;
        }
        let docs: std::collections::HashMap<String, String> =
            std::fs::read_to_string(out.join("documents.jsonl"))
                .unwrap()
                .lines()
                .map(|l| {
                    let v: serde_json::Value = serde_json::from_str(l).unwrap();
                    (
                        v["doc_id"].as_str().unwrap().into(),
                        v["text"].as_str().unwrap().into(),
                    )
                })
                .collect();
        for table in ["mentions", "quotes"] {
            for line in std::fs::read_to_string(out.join(format!("{table}.jsonl")))
                .unwrap()
                .lines()
            {
                let v: serde_json::Value = serde_json::from_str(line).unwrap();
                let text = &docs[v["doc_id"].as_str().unwrap()];
                let (s, e) = (v["start"].as_u64().unwrap(), v["end"].as_u64().unwrap());
                assert_eq!(v["text"].as_str().unwrap(), &text[s as usize..e as usize]);
                assert!(v["version"].is_string() && v["run_id"].is_i64(), "{v}");
                if table == "quotes" {
                    assert!(v["evidence"].as_u64().unwrap() >= 1);
                    assert!(v["statement_doc_id"].is_string());
                }
            }
        }
        let q = std::fs::read_to_string(out.join("quotes.jsonl")).unwrap();
        let dups = q
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .filter(|v| v["evidence"] == 2)
            .count();
        assert_eq!(dups, 6, "three statements, each seen twice");
    }
}

#[test]
fn hostile_names_and_quotes_are_data() {
    let (_dir, mut store) = fresh();
    let d = hostile("h.txt", (2021, 12, 6));
    write(&mut store, vec![d.clone()]);
    let got = store.document(&d.id).unwrap().unwrap();
    assert!(got.quotes[0].text.contains("<img src=x onerror=alert(2)>"));
    assert_eq!(
        got.entities[0].canonical,
        "<b onmouseover=alert(1)>Evil</b>"
    );
    let a = store
        .actor("<b onmouseover=alert(1)>Evil</b>")
        .unwrap()
        .unwrap();
    assert_eq!(a.statements.len(), 1);
    for s in [
        "'; DROP TABLE quotes; --",
        "NEAR(",
        "\"",
        "text:*",
        "*",
        "x' OR '1'='1",
    ] {
        let f = QuoteFilter {
            search: Some(s.into()),
            speaker: Some(s.into()),
            code: Some(s.into()),
            sector: Some(s.into()),
            country: Some(s.into()),
            limit: 10,
            ..Default::default()
        };
        let _ = store.quotes(&f);
        let _ = store.entities(&EntityFilter {
            name: Some(s.into()),
            search: Some(s.into()),
            limit: 10,
            ..Default::default()
        });
        let _ = store.actor(s);
        let _ = store.network(&NetworkFilter {
            actor: Some(s.into()),
            limit: 10,
            ..Default::default()
        });
    }
    assert_eq!(store.count("quotes").unwrap(), 1);
    assert_eq!(store.integrity_check().unwrap(), "ok");
}

/// Every statement has exactly one leading quote, its lowest id, whatever
/// the order articles arrive and are re-processed in.
#[test]
fn each_statement_keeps_one_leader_through_rewrites() {
    let copy = militia_copy();
    let third = MILITIA.replace("on Thursday", "on Thursday evening");
    let docs = [
        militia(MILITIA, "a.txt", (2021, 12, 9)),
        militia(&copy, "b.txt", (2021, 12, 10)),
        militia(&third, "c.txt", (2021, 12, 11)),
    ];
    let restamp = |d: &Document, n: usize| {
        let mut d = d.clone();
        d.stages.push(StageStamp {
            stage: "codes".into(),
            version: format!("codes-{n}"),
        });
        d
    };
    for order in [[0, 1, 2], [2, 1, 0], [1, 0, 2]] {
        let (_dir, mut store) = fresh();
        for &i in &order {
            write(&mut store, vec![docs[i].clone()]);
        }
        for (n, &i) in order.iter().chain(order.iter().rev()).enumerate() {
            write(&mut store, vec![restamp(&docs[i], n)]);
            let bad: i64 = store
                .conn()
                .query_row(
                    "SELECT count(*) FROM (SELECT story, dup_key, sum(first) AS n, min(id) AS m
                         FROM quotes GROUP BY story, dup_key) g
                     WHERE n != 1 OR NOT EXISTS
                         (SELECT 1 FROM quotes q WHERE q.id = g.m AND q.first = 1)",
                    [],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(bad, 0, "order {order:?}, step {n}");
            assert_eq!(store.count("quotes").unwrap(), 12);
            assert_eq!(quotes(&store, QuoteFilter::default()).total, 5);
        }
        assert_eq!(store.integrity_check().unwrap(), "ok");
    }
}
