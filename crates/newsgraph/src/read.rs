//! `newsgraph read`: news files in, one JSON document per line out.

use crate::{output, progress, InputArgs};
use anyhow::Context;
use clap::Args;
use newsgraph_pipeline::Outcome;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct ReadArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Write the JSONL here instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// No progress bar.
    #[arg(short, long)]
    pub quiet: bool,
    /// An actor dictionary layer (TOML, see `newsgraph dict`) stacked on the shipped ones; its
    /// names override ours. Repeatable; later layers win.
    #[arg(long = "layer", value_name = "FILE")]
    pub layers: Vec<PathBuf>,
}

/// The shipped dictionary with the user's layers on top, or `None` for the shipped one alone.
pub fn user_dictionary(
    layers: &[PathBuf],
) -> anyhow::Result<Option<std::sync::Arc<newsgraph_dict::Dictionary>>> {
    if layers.is_empty() {
        return Ok(None);
    }
    let mut dict = newsgraph_dict::Dictionary::builtin()?;
    for path in layers {
        // The error names the file and the line already.
        let layer = newsgraph_dict::Layer::load(path).map_err(|e| anyhow::anyhow!("{e}"))?;
        dict.push(layer);
    }
    Ok(Some(std::sync::Arc::new(dict)))
}

/// `newsgraph read`: the shared options plus what only `read` offers.
#[derive(Args, Debug)]
pub struct ReadCommandArgs {
    #[command(flatten)]
    pub read: ReadArgs,
    /// Stop after segmentation: paragraphs, sentences and tokens only, no tags, lemmas or
    /// dependencies (about a hundred times faster).
    #[arg(long)]
    pub no_syntax: bool,
}

pub fn run(args: &ReadCommandArgs) -> anyhow::Result<ExitCode> {
    run_with(&args.read, !args.no_syntax, |bytes, d| {
        // Writing into a Vec cannot fail; serde_json cannot fail on these
        // types (string keys only).
        let _ = output::write_jsonl(bytes, d);
    })
}

/// Runs the standard pipeline (without the syntax stages unless `syntax`)
/// over the inputs of `args` and writes each
/// document with `write` (called on the worker threads; output stays in
/// input order).
pub fn run_with(
    args: &ReadArgs,
    syntax: bool,
    write: impl Fn(&mut Vec<u8>, &newsgraph_core::Document) + Sync,
) -> anyhow::Result<ExitCode> {
    let reader = args.input.reader()?;
    let pipeline = if syntax {
        newsgraph_pipeline::standard_with_dictionary(reader, user_dictionary(&args.layers)?)
    } else {
        newsgraph_pipeline::PipelineBuilder::new()
            .stage(newsgraph_segment::SegmenterBuilder::new().build())
            .build(reader)
    };
    let out: Box<dyn Write + Send> = match &args.output {
        Some(p) => Box::new(
            std::fs::File::create(p).with_context(|| format!("{}: cannot create", p.display()))?,
        ),
        None => Box::new(std::io::stdout()),
    };
    let mut out = BufWriter::with_capacity(1 << 16, out);
    let pb = progress::bar(args.quiet);
    let mut failed = 0usize;
    let mut write_err: Option<std::io::Error> = None;
    crate::with_threads(args.input.threads, || {
        // Documents are serialised on the worker threads; the sink only
        // writes bytes in input order.
        let serialise = |o: Outcome| {
            let mut bytes = Vec::new();
            for d in &o.docs {
                write(&mut bytes, d);
            }
            (bytes, o.docs.len() as u64, o.errors)
        };
        pipeline.run_with(&args.input.paths, serialise, |(bytes, docs, errors)| {
            if !errors.is_empty() {
                failed += 1;
                pb.suspend(|| {
                    for e in &errors {
                        eprintln!("newsgraph: {e}");
                    }
                });
            }
            if let Err(e) = out.write_all(&bytes) {
                write_err = Some(e);
                return false;
            }
            pb.inc(docs);
            true
        })
    })?;
    pb.finish_and_clear();
    if let Some(e) = write_err {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            return Ok(ExitCode::SUCCESS);
        }
        return Err(e).context("writing output");
    }
    match out.flush() {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            return Err(e).context("writing output")
        }
        _ => {}
    }
    if failed > 0 {
        eprintln!("newsgraph: {failed} input(s) failed");
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
