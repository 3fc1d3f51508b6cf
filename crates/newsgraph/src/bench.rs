//! `newsgraph bench`: throughput and peak memory over a real corpus.
//!
//! Inputs stream from disk exactly as in `newsgraph read` (after one warm-up
//! pass so that the page cache, not the disk, is measured), once on one
//! thread and once on all cores. Output is not serialised: this measures the
//! engine, not JSON writing.

use crate::{progress, InputArgs};
use clap::{Args, ValueEnum};
use newsgraph_pipeline::{Outcome, Pipeline};
use serde::Serialize;
use std::process::ExitCode;
use std::time::Instant;

#[derive(Args, Debug)]
pub struct BenchArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Which part of the pipeline to measure.
    #[arg(long, value_enum, default_value = "pipeline")]
    pub stage: BenchStage,
    /// Print the results as JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BenchStage {
    /// Reading, decoding and format extraction only.
    Ingest,
    /// Ingest + paragraph, sentence and token segmentation.
    Segment,
    /// Ingest + segmentation + tagger, lemmatiser and parser.
    Syntax,
    /// Syntax + named entities and actors (chains, roles, codes), without quotes.
    Entities,
    /// Every stage that exists (ingest, segmentation, tagger, lemmatiser, parser, NER, actors,
    /// quotes).
    Pipeline,
}

#[derive(Serialize, Debug)]
struct Run {
    stage: BenchStage,
    threads: usize,
    inputs: u64,
    failed_inputs: u64,
    docs: u64,
    megabytes: f64,
    tokens: u64,
    seconds: f64,
    mb_per_s: f64,
    docs_per_s: f64,
    tokens_per_s: f64,
    peak_rss_mb: Option<f64>,
    /// Time to build the stages, embedded models included (once per process).
    setup_seconds: f64,
}

pub fn run(args: &BenchArgs) -> anyhow::Result<ExitCode> {
    let reader = args.input.reader()?;
    // Building the stages loads (and checks) the embedded models.
    let setup = Instant::now();
    let pipeline = match args.stage {
        BenchStage::Ingest => newsgraph_pipeline::PipelineBuilder::new().build(reader),
        BenchStage::Segment => newsgraph_pipeline::PipelineBuilder::new()
            .stage(newsgraph_segment::SegmenterBuilder::new().build())
            .build(reader),
        BenchStage::Syntax | BenchStage::Entities => {
            let mut stages = newsgraph_pipeline::syntax_stages();
            if args.stage == BenchStage::Entities {
                // NER and actors: the extraction stages without the last (quotes).
                let mut extraction = newsgraph_pipeline::extraction_stages();
                extraction.truncate(2);
                stages.extend(extraction);
            }
            newsgraph_pipeline::PipelineBuilder::new()
                .stage(newsgraph_segment::SegmenterBuilder::new().build())
                .boxed_stages(stages)
                .build(reader)
        }
        BenchStage::Pipeline => newsgraph_pipeline::standard(reader),
    };
    let setup_seconds = setup.elapsed().as_secs_f64();
    // Warm the page cache so that both runs read from memory.
    for input in pipeline.reader().inputs(&args.input.paths).flatten() {
        let _ = pipeline.reader().read_input(&input);
    }
    let all = args.input.threads.unwrap_or_else(num_cpus);
    let mut thread_counts = vec![1];
    if all > 1 {
        thread_counts.push(all);
    }
    let mut runs = Vec::new();
    for threads in thread_counts {
        reset_peak_rss();
        let mut run = crate::with_threads(Some(threads), || measure(&pipeline, args, threads))?;
        run.setup_seconds = setup_seconds;
        runs.push(run);
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&runs)?);
    } else {
        print_table(&runs);
    }
    Ok(ExitCode::SUCCESS)
}

fn measure(pipeline: &Pipeline, args: &BenchArgs, threads: usize) -> Run {
    let pb = progress::bar(false);
    pb.set_message(format!("{threads} thread(s)"));
    let (mut inputs, mut failed, mut docs, mut bytes, mut tokens) = (0u64, 0u64, 0u64, 0u64, 0u64);
    let start = Instant::now();
    // Counting (and dropping the documents) happens on the worker threads.
    let count = |o: Outcome| {
        let tokens: u64 = o.docs.iter().map(|d| d.tokens.len() as u64).sum();
        (!o.errors.is_empty(), o.bytes, o.docs.len() as u64, tokens)
    };
    pipeline.run_with(&args.input.paths, count, |(f, b, d, t)| {
        inputs += 1;
        failed += u64::from(f);
        bytes += b;
        docs += d;
        tokens += t;
        pb.inc(d);
        true
    });
    let seconds = start.elapsed().as_secs_f64().max(1e-9);
    pb.finish_and_clear();
    let megabytes = bytes as f64 / 1e6;
    Run {
        stage: args.stage,
        threads,
        inputs,
        failed_inputs: failed,
        docs,
        megabytes,
        tokens,
        seconds,
        mb_per_s: megabytes / seconds,
        docs_per_s: docs as f64 / seconds,
        tokens_per_s: tokens as f64 / seconds,
        peak_rss_mb: peak_rss_mb(),
        setup_seconds: 0.0,
    }
}

fn print_table(runs: &[Run]) {
    println!(
        "{:<9} {:>7} {:>7} {:>7} {:>9} {:>9} {:>8} {:>9} {:>10} {:>12} {:>9}",
        "stage",
        "threads",
        "inputs",
        "failed",
        "docs",
        "MB",
        "seconds",
        "MB/s",
        "docs/s",
        "tokens/s",
        "peak RSS"
    );
    for r in runs {
        let stage = match r.stage {
            BenchStage::Ingest => "ingest",
            BenchStage::Segment => "segment",
            BenchStage::Syntax => "syntax",
            BenchStage::Entities => "entities",
            BenchStage::Pipeline => "pipeline",
        };
        let rss = r
            .peak_rss_mb
            .map_or("n/a".to_string(), |m| format!("{m:.1} MB"));
        println!(
            "{:<9} {:>7} {:>7} {:>7} {:>9} {:>9.2} {:>8.3} {:>9.1} {:>10.0} {:>12.0} {:>9}",
            stage,
            r.threads,
            r.inputs,
            r.failed_inputs,
            r.docs,
            r.megabytes,
            r.seconds,
            r.mb_per_s,
            r.docs_per_s,
            r.tokens_per_s,
            rss
        );
    }
    if let Some(r) = runs.first() {
        println!("setup (stages and their models): {:.3} s", r.setup_seconds);
    }
    if let [one, all, ..] = runs {
        println!(
            "scaling: {:.2}x on {} threads ({:.0}% of linear)",
            all.mb_per_s / one.mb_per_s,
            all.threads,
            100.0 * all.mb_per_s / one.mb_per_s / all.threads as f64
        );
    }
}

fn num_cpus() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Peak resident set size of this process (Linux `VmHWM`), in MB.
pub fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Resets the peak-RSS counter (Linux ≥ 4.0) so that each run reports its own
/// peak; elsewhere the peak simply accumulates.
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}
