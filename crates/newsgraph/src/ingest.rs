//! `newsgraph ingest`: news files in, a SQLite store out.
//!
//! The standard pipeline runs on the worker threads, which also turn each
//! document into rows ([`PreparedDoc`]); one writer thread owns the store and
//! commits batches of whole inputs, so a killed run loses at most the batch
//! in flight and leaves every committed input complete. Files already stored
//! by the same stage versions (same size and mtime) are skipped, so a re-run
//! resumes where a killed one stopped; documents are keyed by content hash,
//! so the same article is stored once however often it is seen.

use crate::{progress, InputArgs};
use anyhow::Context;
use clap::Args;
use newsgraph_core::Document;
use newsgraph_ingest::Input;
use newsgraph_pipeline::Outcome;
use newsgraph_store::{
    stages_json, InputFile, InputItem, PreparedDoc, RunCounts, RunInfo, Store, WriteStats,
};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

#[derive(Args, Debug)]
pub struct IngestArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// The store (created if missing, upgraded if older).
    #[arg(long, value_name = "FILE", default_value = "newsgraph.db")]
    pub db: PathBuf,
    /// Re-process files even when the store has them from the same stage versions.
    #[arg(long)]
    pub force: bool,
    /// Commit after this many documents (a commit also happens every second).
    #[arg(long, value_name = "N", default_value_t = 2000)]
    pub batch: usize,
    /// No progress bar.
    #[arg(short, long)]
    pub quiet: bool,
}

/// What the workers hand the writer for one input.
struct Prepared {
    errors: Vec<newsgraph_ingest::IngestError>,
    item: InputItem,
}

/// The stage stamps the pipeline puts on every document.
fn pipeline_stamps(pipeline: &newsgraph_pipeline::Pipeline) -> String {
    let mut probe = Document::from_text("");
    pipeline.annotate(&mut probe);
    stages_json(&probe.stages)
}

pub fn run(args: &IngestArgs) -> anyhow::Result<ExitCode> {
    let reader = args.input.reader()?;
    let pipeline = newsgraph_pipeline::standard(reader);
    let stamps = pipeline_stamps(&pipeline);
    let mut store = Store::open(&args.db)?;
    let mut counts = RunCounts::default();
    let mut failed = 0u64;

    // List the inputs and leave out files the store already has.
    let mut todo: Vec<PathBuf> = Vec::new();
    for input in pipeline.reader().inputs(&args.input.paths) {
        match input {
            Err(e) => {
                eprintln!("newsgraph: {e}");
                failed += 1;
            }
            Ok(Input::Stdin) => todo.push(PathBuf::from("-")),
            Ok(Input::File(p)) => {
                let current = !args.force
                    && InputFile::stat(&p)
                        .map(|f| store.input_is_current(&f, &stamps))
                        .transpose()?
                        .unwrap_or(false);
                if current {
                    counts.skipped_inputs += 1;
                } else {
                    todo.push(p);
                }
            }
        }
    }
    counts.inputs = failed;
    counts.failed_inputs = failed;

    let run = store.begin_run(&RunInfo {
        command: "ingest".into(),
        engine_version: concat!("newsgraph-", env!("CARGO_PKG_VERSION")).into(),
        stages: serde_json::from_str(&stamps).unwrap_or_default(),
        args: std::env::args().collect(),
    })?;

    let pb = progress::bar(args.quiet);
    let stop = AtomicBool::new(false);
    let (tx, rx) = std::sync::mpsc::sync_channel::<Prepared>(256);
    let batch_docs = args.batch.max(1);

    let (write_result, totals) = std::thread::scope(|scope| {
        let stop = &stop;
        let pb = &pb;
        let writer = scope.spawn(move || {
            let mut totals = WriteStats::default();
            let mut batch: Vec<InputItem> = Vec::new();
            let mut docs = 0usize;
            let mut last = Instant::now();
            let mut flush = |store: &mut Store,
                             batch: &mut Vec<InputItem>,
                             counts: &mut RunCounts|
             -> anyhow::Result<()> {
                if batch.is_empty() {
                    return Ok(());
                }
                let s = store.write(run, batch, counts)?;
                totals.added += s.added;
                totals.replaced += s.replaced;
                totals.unchanged += s.unchanged;
                totals.linked += s.linked;
                batch.clear();
                Ok(())
            };
            let mut result: anyhow::Result<()> = Ok(());
            let mut out = 0u64;
            loop {
                let msg = rx.recv_timeout(Duration::from_millis(200));
                let closed = matches!(msg, Err(std::sync::mpsc::RecvTimeoutError::Disconnected));
                if let Ok(p) = msg {
                    counts.inputs += 1;
                    counts.failed_inputs += u64::from(!p.errors.is_empty());
                    counts.docs_read += p.item.docs.len() as u64;
                    counts.bytes += p.item.bytes;
                    docs += p.item.docs.len();
                    out += p.item.docs.len() as u64;
                    batch.push(p.item);
                }
                if closed || docs >= batch_docs || last.elapsed() >= Duration::from_secs(1) {
                    if let Err(e) = flush(&mut store, &mut batch, &mut counts) {
                        result = Err(e);
                        stop.store(true, Ordering::Relaxed);
                        break;
                    }
                    pb.set_position(out);
                    docs = 0;
                    last = Instant::now();
                }
                if closed {
                    break;
                }
            }
            // Drain so that no worker blocks on a full channel after a failure.
            drop(rx);
            let status = if result.is_ok() { "finished" } else { "failed" };
            if let Err(e) = store.finish_run(run, &counts, status) {
                if result.is_ok() {
                    result = Err(e.into());
                }
            }
            (result, totals, counts)
        });

        let prepare = |o: Outcome| {
            let file = (o.label != "-" && o.errors.is_empty())
                .then(|| InputFile::stat(Path::new(&o.label)))
                .flatten();
            Prepared {
                errors: o.errors,
                item: InputItem {
                    file,
                    bytes: o.bytes,
                    errors: 0,
                    docs: o.docs.into_iter().map(PreparedDoc::new).collect(),
                },
            }
        };
        let pool = crate::with_threads(args.input.threads, || {
            pipeline.run_with(&todo, prepare, |mut p| {
                if !p.errors.is_empty() {
                    pb.suspend(|| {
                        for e in &p.errors {
                            eprintln!("newsgraph: {e}");
                        }
                    });
                    p.item.errors = p.errors.len() as u32;
                }
                !stop.load(Ordering::Relaxed) && tx.send(p).is_ok()
            });
            drop(tx);
        });
        let (result, totals, c) = writer.join().unwrap_or_else(|_| {
            (
                Err(anyhow::anyhow!("the writer thread panicked")),
                WriteStats::default(),
                RunCounts::default(),
            )
        });
        counts = c;
        (pool.and(result), totals)
    });
    pb.finish_and_clear();
    write_result.with_context(|| format!("{}: ingest failed", args.db.display()))?;
    eprintln!(
        "newsgraph: {} input(s): {} document(s) added ({} linked to an earlier story), {} replaced, \
         {} unchanged; {} input(s) skipped as already stored; {} failed",
        counts.inputs,
        totals.added,
        totals.linked,
        totals.replaced,
        totals.unchanged,
        counts.skipped_inputs,
        counts.failed_inputs
    );
    if counts.failed_inputs > 0 {
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// Stores documents the caller has already run the pipeline on (the demo's)
/// in `db`, as one run of `command`; returns what the write did.
pub fn store_documents(
    db: &Path,
    command: &str,
    docs: Vec<Document>,
) -> anyhow::Result<WriteStats> {
    let mut store = Store::open(db)?;
    let stages = docs.first().map(|d| d.stages.clone()).unwrap_or_default();
    let run = store.begin_run(&RunInfo {
        command: command.into(),
        engine_version: concat!("newsgraph-", env!("CARGO_PKG_VERSION")).into(),
        stages,
        args: std::env::args().collect(),
    })?;
    let mut counts = RunCounts {
        inputs: 1,
        docs_read: docs.len() as u64,
        bytes: docs.iter().map(|d| d.text.len() as u64).sum(),
        ..RunCounts::default()
    };
    let item = InputItem {
        file: None,
        bytes: counts.bytes,
        errors: 0,
        docs: docs.into_iter().map(PreparedDoc::new).collect(),
    };
    let stats = store.write(run, &[item], &mut counts)?;
    store.finish_run(run, &counts, "finished")?;
    Ok(stats)
}
