//! `newsgraph eval ner` and `newsgraph train ner`.

use anyhow::Context;
use clap::Args;
use newsgraph_eval::ner::{self, NerFormat};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum NerFormatArg {
    Auto,
    Conll,
    Re3d,
    Meantime,
    Wnut,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum NerStageArg {
    Ner,
    Entities,
}

#[derive(Args, Debug)]
pub struct NerEvalArgs {
    /// CoNLL-2003 files (`conllpp_dev.txt`), WNUT-17 files (`emerging.dev.conll`), re3d source
    /// folders (with `documents.json` and `entities.json`), MEANTIME CAT `.xml` files, or folders
    /// searched for them.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Format of the inputs (`auto`: `.xml` is MEANTIME, a folder with `documents.json` re3d, a
    /// two-column token file WNUT, other token files CoNLL-2003).
    #[arg(long, value_enum, default_value_t = NerFormatArg::Auto)]
    pub format: NerFormatArg,
    /// NER model file to use instead of the embedded one.
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
    /// What to score: `ner`, the NER stage's names and types; `entities`, the entities users
    /// get after the tagger, parser, NER and actor stages (named mentions, not descriptions or
    /// pronouns, each with its entity's type from the chain and the actor dictionaries).
    #[arg(long, value_enum, default_value_t = NerStageArg::Ner)]
    pub stage: NerStageArg,
    /// Print the scores as JSON (precision, recall and F1 as fractions of 1).
    #[arg(long)]
    pub json: bool,
    /// List every false positive (`FP`) and false negative (`FN`) on stderr.
    #[arg(long)]
    pub errors: bool,
    /// Fail (exit 3) if an F1, in percent, is below a floor: `--min F1=89` (micro F1 of the first
    /// format), `--min PER=90`, `--min re3d.F1=75`. Repeatable.
    #[arg(long, value_name = "METRIC=SCORE", value_parser = crate::eval::split_floor)]
    pub min: Vec<(String, f64)>,
}

pub fn eval(args: &NerEvalArgs) -> anyhow::Result<ExitCode> {
    let format = match args.format {
        NerFormatArg::Auto => None,
        NerFormatArg::Conll => Some(NerFormat::Conll),
        NerFormatArg::Re3d => Some(NerFormat::Re3d),
        NerFormatArg::Meantime => Some(NerFormat::Meantime),
        NerFormatArg::Wnut => Some(NerFormat::Wnut),
    };
    let mut builder = newsgraph_ner::NerBuilder::new();
    if let Some(p) = &args.model {
        let bytes = std::fs::read(p).with_context(|| format!("{}: cannot read", p.display()))?;
        builder = builder.model_bytes(bytes);
    }
    let recogniser = builder.build().context("loading the NER model")?;
    let inputs = ner::collect_inputs(&args.paths, format)?;
    let seg = newsgraph_segment::SegmenterBuilder::new().build();
    let mut stages: Vec<Box<dyn newsgraph_core::Annotator>>;
    let system = match args.stage {
        NerStageArg::Ner => ner::Recogniser::Ner(&recogniser),
        NerStageArg::Entities => {
            stages = newsgraph_pipeline::syntax_stages();
            stages.push(Box::new(recogniser.clone()));
            stages.push(Box::new(
                newsgraph_actors::ActorsBuilder::new()
                    .build()
                    .context("loading the actor dictionaries")?,
            ));
            ner::Recogniser::Entities(&stages)
        }
    };
    let mut errors = Vec::new();
    let report = ner::evaluate(&inputs, &seg, &system, args.errors.then_some(&mut errors))?;
    for e in &errors {
        eprintln!("{e}");
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", report.table());
        println!("stages: {}", system.version());
    }
    let tokens: usize = report.sets.iter().map(|s| s.tokens).sum();
    eprintln!(
        "scored {tokens} tokens in {:.2} s ({:.0} tokens/s, reading included)",
        report.seconds,
        tokens as f64 / report.seconds.max(1e-9)
    );
    let mut ok = true;
    for (name, min) in &args.min {
        match report.f1(name) {
            Some(got) if got >= *min => {}
            Some(got) => {
                eprintln!("newsgraph: {name} {got:.2} is below the required {min:.2}");
                ok = false;
            }
            None => {
                eprintln!("newsgraph: no score named `{name}`");
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

#[derive(Args, Debug)]
pub struct NerTrainArgs {
    /// CoNLL-2003-format training files (`conllpp_train.txt`).
    #[arg(long, required = true, num_args = 1.., value_name = "CONLL")]
    pub train: Vec<PathBuf>,
    /// CoNLL-2003-format dev files used to pick the epoch (never a test split).
    #[arg(long, required = true, num_args = 1.., value_name = "CONLL")]
    pub dev: Vec<PathBuf>,
    /// Word clusters to copy into the model as features (`newsgraph train embeddings`).
    #[arg(long, value_name = "FILE")]
    pub embeddings: Option<PathBuf>,
    /// Where to write the model.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// Maximum number of passes over the training data.
    #[arg(long, default_value_t = newsgraph_ner::train::TrainOptions::default().epochs)]
    pub epochs: usize,
    /// Drop quantised weights smaller than this (of 32,000): a smaller model.
    #[arg(long, default_value_t = newsgraph_ner::train::TrainOptions::default().prune)]
    pub prune: i16,
    /// Train on the documents as they are (no casing or name-particle augmentation).
    #[arg(long)]
    pub no_augment: bool,
}

/// Whether a file is a held-out test split (`*-test.*`, `conllpp_test*`, `*.test*`).
pub fn is_ner_test_split(p: &Path) -> bool {
    p.file_name().and_then(|f| f.to_str()).is_some_and(|f| {
        let f = f.to_ascii_lowercase();
        f.contains("-test.") || f.contains("_test") || f.contains(".test") || f.starts_with("test")
    })
}

fn read_docs(paths: &[PathBuf]) -> anyhow::Result<Vec<newsgraph_ner::train::NerDoc>> {
    let mut out = Vec::new();
    for p in paths {
        for d in ner::read_conll_file(p, NerFormat::Conll)? {
            out.push(newsgraph_ner::train::NerDoc {
                sentences: d
                    .sentences
                    .into_iter()
                    .map(|(forms, tags)| newsgraph_ner::train::NerSentence { forms, tags })
                    .collect(),
            });
        }
    }
    Ok(out)
}

pub fn train(a: &NerTrainArgs) -> anyhow::Result<ExitCode> {
    if let Some(p) = a.train.iter().chain(&a.dev).find(|p| is_ner_test_split(p)) {
        anyhow::bail!(
            "{}: refusing to use a test split for training or model selection",
            p.display()
        );
    }
    let started = std::time::Instant::now();
    let mut opts = newsgraph_ner::train::TrainOptions {
        epochs: a.epochs,
        prune: a.prune,
        augment: !a.no_augment,
        ..Default::default()
    };
    if let Some(p) = &a.embeddings {
        opts.clusters = crate::train::cluster_pairs(p)?;
    }
    let dict = newsgraph_dict::Dictionary::builtin().context("loading the actor dictionaries")?;
    opts.gazetteer = newsgraph_ner::train::gazetteer_from_dict(&dict);
    let train = read_docs(&a.train)?;
    let dev = read_docs(&a.dev)?;
    eprintln!(
        "{} train documents, {} dev documents, {} clusters, {} gazetteer phrases",
        train.len(),
        dev.len(),
        opts.clusters.len(),
        opts.gazetteer.len()
    );
    let t = newsgraph_ner::train::train(&train, &dev, &opts, |line| eprintln!("{line}"))
        .context("training the NER model")?;
    crate::train::write_output(&a.output, &t.bytes)?;
    eprintln!(
        "kept epoch {}; wrote {} ({} bytes) in {:.1} s",
        t.epoch,
        a.output.display(),
        t.bytes.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_splits_are_refused() {
        assert!(is_ner_test_split(Path::new("x/conllpp_test.txt")));
        assert!(is_ner_test_split(Path::new("en_ewt-ud-test.conllu")));
        assert!(is_ner_test_split(Path::new("emerging.test.annotated")));
        assert!(!is_ner_test_split(Path::new("conllpp_train.txt")));
        assert!(!is_ner_test_split(Path::new("conllpp_dev.txt")));
    }
}
