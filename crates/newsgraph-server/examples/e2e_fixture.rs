//! Adds hand-built documents with entities and quotes (invented articles,
//! see `newsgraph-store/tests/fixture`) to a store, so that the browser test
//! has quotes, actors and a network to click through before the pipeline's
//! entity and quote stages fill them.
//!
//! Usage: cargo run -p newsgraph-server --example e2e_fixture -- STORE.db

#[path = "../../newsgraph-store/tests/fixture/mod.rs"]
mod fixture;

use newsgraph_store::{InputItem, PreparedDoc, RunCounts, RunInfo, Store};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let db = std::env::args()
        .nth(1)
        .ok_or("usage: e2e_fixture STORE.db")?;
    let mut store = Store::open(&db)?;
    let copy = fixture::militia_copy();
    let docs = vec![
        fixture::militia(fixture::MILITIA, "fixture/wire.txt", (2021, 12, 9)),
        fixture::militia(&copy, "fixture/copy.txt", (2021, 12, 10)),
        fixture::hostile("fixture/hostile.txt", (2021, 12, 11)),
    ];
    let run = store.begin_run(&RunInfo {
        command: "e2e-fixture".into(),
        engine_version: concat!("newsgraph-", env!("CARGO_PKG_VERSION")).into(),
        stages: docs[0].stages.clone(),
        args: std::env::args().collect(),
    })?;
    let mut counts = RunCounts {
        inputs: 1,
        docs_read: docs.len() as u64,
        ..RunCounts::default()
    };
    let item = InputItem {
        docs: docs.into_iter().map(PreparedDoc::new).collect(),
        ..InputItem::default()
    };
    let s = store.write(run, &[item], &mut counts)?;
    store.finish_run(run, &counts, "finished")?;
    eprintln!(
        "e2e_fixture: {} added, {} replaced, {} unchanged in {db}",
        s.added, s.replaced, s.unchanged
    );
    Ok(())
}
