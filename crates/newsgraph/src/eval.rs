//! `newsgraph eval …`: scores against gold standards. Every eval command takes
//! files or folders in the set's native format, prints a table (or `--json`),
//! exits 3 on unreadable input, and with `--min-*` exits 3 when a score falls
//! below its threshold (CI uses this to guard the targets).

use anyhow::Context;
use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Subcommand, Debug)]
pub enum EvalCommand {
    /// Sentence and token segmentation against UD CoNLL-U files (CoNLL-2018 metrics).
    ///
    /// Rebuilds each document's raw text from `# text` lines, `SpaceAfter=No` and
    /// `# newpar`, segments it from scratch, and scores tokens, words and sentences.
    Segment(SegmentEvalArgs),
}

#[derive(Args, Debug)]
pub struct SegmentEvalArgs {
    /// CoNLL-U files, or folders searched recursively for `*.conllu`.
    #[arg(required = true, value_name = "CONLLU")]
    pub paths: Vec<PathBuf>,
    /// Only score documents of this GUM genre (doc ids `GUM_<genre>_…`), e.g. `news`.
    #[arg(long)]
    pub genre: Option<String>,
    /// Print the scores as JSON (precision, recall and F1 as fractions of 1).
    #[arg(long)]
    pub json: bool,
    /// Fail (exit 3) if sentence F1, in percent, is below this.
    #[arg(long, value_name = "F1")]
    pub min_sentences: Option<f64>,
    /// Fail (exit 3) if token F1, in percent, is below this.
    #[arg(long, value_name = "F1")]
    pub min_tokens: Option<f64>,
}

pub fn run(cmd: &EvalCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        EvalCommand::Segment(args) => segment(args),
    }
}

fn segment(args: &SegmentEvalArgs) -> anyhow::Result<ExitCode> {
    let files = collect_files(&args.paths, "conllu")?;
    let seg = newsgraph_segment::SegmenterBuilder::new().build();
    let opts = newsgraph_eval::segment::SegmentEvalOptions {
        genre: args.genre.clone(),
    };
    let report = newsgraph_eval::segment::evaluate_segmentation(&files, &seg, &opts)
        .context("segmentation evaluation")?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", report.table());
    }
    let mut ok = true;
    for (name, min, got) in [
        ("sentence", args.min_sentences, 100.0 * report.sentences.f1),
        ("token", args.min_tokens, 100.0 * report.tokens.f1),
    ] {
        if let Some(min) = min {
            if got < min {
                eprintln!("newsgraph: {name} F1 {got:.2} is below the required {min:.2}");
                ok = false;
            }
        }
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(3)
    })
}

/// Expands folders into the files with extension `ext` below them (sorted, so
/// that scores are reproducible); plain file arguments are kept whatever their
/// name. A missing path is an error naming it.
pub fn collect_files(paths: &[PathBuf], ext: &str) -> anyhow::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).with_context(|| format!("{}: cannot read", p.display()))?;
        if !meta.is_dir() {
            out.push(p.clone());
            continue;
        }
        let mut stack = vec![p.clone()];
        let mut found = Vec::new();
        while let Some(dir) = stack.pop() {
            let entries = std::fs::read_dir(&dir)
                .with_context(|| format!("{}: cannot read", dir.display()))?;
            for entry in entries {
                let path = entry
                    .with_context(|| format!("{}: cannot read", dir.display()))?
                    .path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == ext) {
                    found.push(path);
                }
            }
        }
        if found.is_empty() {
            anyhow::bail!("{}: no *.{ext} files in this folder", p.display());
        }
        found.sort();
        out.extend(found);
    }
    Ok(out)
}
