//! `newsgraph train …`: reproduces the models the repository ships.

use anyhow::Context;
use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Subcommand, Debug)]
pub enum TrainCommand {
    /// The sentence-boundary model of the segmenter (`crates/newsgraph-segment/data/sentences.bin`).
    ///
    /// An averaged perceptron over candidate boundaries of UD CoNLL-U train files; the epoch with
    /// the best mean sentence F1 on the dev files is kept. Deterministic.
    Sentences(SentencesArgs),
}

#[derive(Args, Debug)]
pub struct SentencesArgs {
    /// CoNLL-U training files (e.g. UD EWT and GUM train).
    #[arg(long, required = true, num_args = 1.., value_name = "CONLLU")]
    pub train: Vec<PathBuf>,
    /// CoNLL-U dev files used to pick the epoch (never a test split).
    #[arg(long, required = true, num_args = 1.., value_name = "CONLLU")]
    pub dev: Vec<PathBuf>,
    /// Where to write the weights.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// Maximum number of passes over the training data.
    #[arg(long, default_value_t = 12)]
    pub epochs: usize,
}

pub fn run(cmd: &TrainCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        TrainCommand::Sentences(a) => {
            let trained =
                newsgraph_eval::train::train_sentences(&a.train, &a.dev, a.epochs, |line| {
                    eprintln!("{line}")
                })
                .context("training the sentence model")?;
            std::fs::write(&a.output, &trained.bytes)
                .with_context(|| format!("{}: cannot write", a.output.display()))?;
            let rules: Vec<String> = trained
                .rules_dev_f1
                .iter()
                .map(|(n, f)| format!("{n} {f:.2}"))
                .collect();
            eprintln!("rules alone on dev: {}", rules.join(", "));
            eprintln!(
                "kept epoch {}, rule margin {} (mean dev sentence F1 {:.2}); wrote {} ({} bytes) in {:.1} s",
                trained.epoch,
                trained.rule_margin,
                trained.dev_f1,
                a.output.display(),
                trained.bytes.len(),
                trained.seconds
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
