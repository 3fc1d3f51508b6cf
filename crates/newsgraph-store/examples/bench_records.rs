//! A rough benchmark (not a test) of the store with entities and quotes:
//! writes synthetic articles (a fifth of them near-duplicate copies of an
//! earlier one) with and without their records, then times the quote,
//! actor and network queries the API serves.
//!
//! Usage: cargo run --release -p newsgraph-store --example bench_records -- [DOCS] [DIR]

use newsgraph_core::{Document, Entity, EntityType, Mention, MentionKind, Quote, QuoteKind, Span};
use newsgraph_store::query::{EntityFilter, NetworkFilter, NetworkKind, QuoteFilter};
use newsgraph_store::{InputItem, PreparedDoc, RunCounts, RunInfo, Store};
use std::time::Instant;

const WORDS: &[&str] = &[
    "government",
    "forces",
    "minister",
    "talks",
    "city",
    "police",
    "attack",
    "election",
    "market",
    "prices",
    "company",
    "officials",
    "plan",
    "border",
    "troops",
    "week",
    "year",
    "reporters",
    "ceasefire",
    "province",
    "council",
    "militia",
    "advisers",
    "strike",
    "aid",
];

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
}

/// Article `i`; copies (every fifth) repeat article `i - 1` with a new title.
fn article(i: u64) -> Document {
    let base = if i % 5 == 4 { i - 1 } else { i };
    let mut r = Rng(base.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let mut text = if base == i {
        format!("Report {i} on the region\n\n")
    } else {
        format!("Copy {i} of report {base}\n\n")
    };
    let mut entities: Vec<Entity> = Vec::new();
    let mut quotes = Vec::new();
    for p in 0..4 {
        let person = r.next() % 300;
        let org = r.next() % 60;
        let name = format!("Person{person} Surname{}", person % 37);
        let orgname = format!("Group{org} movement");
        let s0 = text.len();
        text.push_str(&name);
        let name_span = Span::new(s0, text.len());
        text.push_str(", a spokesman for the ");
        let o0 = text.len();
        text.push_str(&orgname);
        let org_span = Span::new(o0, text.len());
        text.push_str(", said that \"");
        let c0 = text.len();
        for _ in 0..(10 + r.next() % 12) {
            text.push_str(r.pick(WORDS));
            text.push(' ');
        }
        text.push_str(&orgname);
        let c1 = text.len();
        text.push_str(".\" ");
        for _ in 0..(30 + r.next() % 30) {
            text.push_str(r.pick(WORDS));
            text.push(' ');
        }
        text.push_str(".\n\n");
        let code = ["IRQREB", "IRQGOV", "USAMIL", "SYRREB", "IRNGOV"][(org % 5) as usize];
        let pe = entities.len() as u32;
        entities.push(Entity {
            canonical: name,
            entity_type: EntityType::Person,
            kind: None,
            country: Some(code[..3].into()),
            mentions: vec![Mention {
                span: name_span,
                kind: MentionKind::Name,
            }],
            actor_code: Some(code.into()),
            code_source: None,
            role: Some("spokesman".into()),
            affiliation: Some(pe + 1),
            version: "bench".into(),
        });
        entities.push(Entity {
            canonical: orgname,
            entity_type: EntityType::Org,
            kind: Some("armed group".into()),
            country: Some(code[..3].into()),
            mentions: vec![
                Mention {
                    span: org_span,
                    kind: MentionKind::Name,
                },
                Mention {
                    span: Span::new(c1 - (org_span.end - org_span.start) as usize, c1),
                    kind: MentionKind::Name,
                },
            ],
            actor_code: Some(code.into()),
            code_source: None,
            role: None,
            affiliation: None,
            version: "bench".into(),
        });
        quotes.push(Quote {
            kind: QuoteKind::Direct,
            content: Span::new(c0, c1),
            parts: Vec::new(),
            clause: None,
            cue: None,
            speaker: Some(name_span),
            speaker_entity: Some(pe),
            addressee: None,
            addressee_entity: None,
            paragraphs: (p, p + 1),
            version: "bench".into(),
        });
    }
    let mut d = Document::from_text(&text);
    let title_end = text.find('\n').unwrap_or(0);
    d.meta.title = Some(text[..title_end].into());
    d.layout.body = Span::new(title_end + 2, text.len());
    d.meta.published =
        newsgraph_core::Date::new(2021, 1 + (base % 12) as u8, 1 + (base % 28) as u8);
    d.entities = entities;
    d.quotes = quotes;
    d
}

fn write_all(path: &std::path::Path, n: u64, records: bool) -> f64 {
    let _ = std::fs::remove_file(path);
    let mut store = Store::open(path).expect("store");
    let run = store.begin_run(&RunInfo::default()).expect("run");
    let t = Instant::now();
    let mut counts = RunCounts::default();
    let mut i = 0;
    while i < n {
        let docs: Vec<PreparedDoc> = (i..(i + 2000).min(n))
            .map(|j| {
                let mut d = article(j);
                if !records {
                    d.entities.clear();
                    d.quotes.clear();
                }
                PreparedDoc::new(d)
            })
            .collect();
        let item = InputItem {
            docs,
            ..InputItem::default()
        };
        store.write(run, &[item], &mut counts).expect("write");
        i += 2000;
    }
    n as f64 / t.elapsed().as_secs_f64()
}

fn time(name: &str, reps: usize, mut f: impl FnMut() -> u64) {
    let mut ms: Vec<f64> = Vec::with_capacity(reps);
    let mut rows = 0;
    for _ in 0..reps {
        let t = Instant::now();
        rows = f();
        ms.push(t.elapsed().as_secs_f64() * 1e3);
    }
    ms.sort_by(f64::total_cmp);
    let mean = ms.iter().sum::<f64>() / reps as f64;
    let p99 = ms[(reps * 99 / 100).min(reps - 1)];
    println!("{name:<44} mean {mean:>7.2} ms  p99 {p99:>7.2} ms  ({rows} total)");
}

fn main() {
    let n: u64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_000);
    let dir = std::env::args()
        .nth(2)
        .map_or_else(std::env::temp_dir, Into::into);
    let plain = dir.join("bench-plain.db");
    let full = dir.join("bench-records.db");
    let a = write_all(&plain, n, false);
    let b = write_all(&full, n, true);
    let size = |p: &std::path::Path| std::fs::metadata(p).map_or(0, |m| m.len()) as f64 / 1e6;
    println!(
        "write {n} docs without records: {a:.0} docs/s, {:.1} MB",
        size(&plain)
    );
    println!(
        "write {n} docs with 8 entities, 12 mentions, 4 quotes each: {b:.0} docs/s, {:.1} MB",
        size(&full)
    );
    let store = Store::open_read_only(&full).expect("open");
    let s = &store;
    let st = s.stats().expect("stats");
    println!(
        "{} quotes, {} statements, {} entities, {} actors",
        st.quotes, st.statements, st.entities, st.actors
    );
    let q = |f: QuoteFilter| {
        move || {
            s.quotes(&QuoteFilter {
                limit: 50,
                ..f.clone()
            })
            .expect("q")
            .total
        }
    };
    time("quotes: first page", 50, q(QuoteFilter::default()));
    time(
        "quotes: page at offset 5000",
        20,
        q(QuoteFilter {
            offset: 5000,
            ..Default::default()
        }),
    );
    time(
        "quotes: speaker=Person17",
        50,
        q(QuoteFilter {
            speaker: Some("Person17 ".into()),
            ..Default::default()
        }),
    );
    time(
        "quotes: code=IRQ sector=REB",
        50,
        q(QuoteFilter {
            code: Some("IRQ".into()),
            sector: Some("REB".into()),
            ..Default::default()
        }),
    );
    time(
        "quotes: search 'ceasefire militia'",
        50,
        q(QuoteFilter {
            search: Some("ceasefire militia".into()),
            ..Default::default()
        }),
    );
    time(
        "quotes: actor (exact speaker)",
        50,
        q(QuoteFilter {
            actor: Some("Person17 Surname17".into()),
            ..Default::default()
        }),
    );
    time("actors: first page", 10, || {
        s.actors(&EntityFilter {
            limit: 50,
            ..Default::default()
        })
        .expect("a")
        .total
    });
    time("actor: one with mentions and statements", 50, || {
        s.actor("Person17 Surname17")
            .expect("a")
            .map_or(0, |a| a.statements.len() as u64)
    });
    time("network: who quotes whom, 100 edges", 10, || {
        s.network(&NetworkFilter {
            limit: 100,
            ..Default::default()
        })
        .expect("n")
        .edges
        .len() as u64
    });
    time("network: co-occurrence of one actor", 10, || {
        s.network(&NetworkFilter {
            kind: NetworkKind::Cooccurrence,
            actor: Some("Person17 Surname17".into()),
            limit: 100,
            ..Default::default()
        })
        .expect("n")
        .edges
        .len() as u64
    });
}
