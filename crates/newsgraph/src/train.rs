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
    /// The POS tagger of `newsgraph-tag` (`models/tagger.bin`): UPOS + XPOS + UD FEATS.
    ///
    /// Greedy averaged perceptrons over UD CoNLL-U train files; the epoch with the best mean dev
    /// UPOS/XPOS/UFeats accuracy is kept. Deterministic, one thread.
    Tagger(TaggerArgs),
    /// The lemmatiser of `newsgraph-tag` (`models/lemmatizer.bin`): lexicon + suffix edit scripts.
    Lemmatizer(LemmatizerArgs),
    /// The dependency parser of `newsgraph-parse` (`models/parser.bin`): UD heads and relations.
    ///
    /// A greedy arc-hybrid averaged perceptron trained with a dynamic oracle on UD CoNLL-U train
    /// files (gold tags); the epoch with the best mean dev LAS is kept. Deterministic, one thread.
    Parser(ParserArgs),
    /// Word embeddings and word clusters (`models/embeddings.bin`) from bulk news.
    ///
    /// Reads and segments news files like `newsgraph read`, adds the sentences of any CoNLL-U
    /// files given, then trains skip-gram embeddings with negative sampling and k-means clusters
    /// at three granularities. Only the vocabulary and weights are written, never text.
    /// Deterministic, one thread.
    Embeddings(EmbeddingsArgs),
    /// The named-entity recogniser of `newsgraph-ner` (`models/ner.bin`).
    ///
    /// A greedy BILOU averaged perceptron over CoNLL-2003-format train files, with word clusters
    /// from `--embeddings` and gazetteers from the built-in actor dictionaries copied into the
    /// model; the epoch with the best dev F1 is kept. Deterministic, one thread.
    Ner(crate::eval_ner::NerTrainArgs),
    /// The quote attribution model of `newsgraph-quote` (`models/quotes.bin`).
    ///
    /// Parses PolNeAR-style articles (BRAT attributions) with the pipeline, then trains two
    /// averaged perceptrons: which words head an attribution cue, and which constituents around
    /// a cue are its content and its source. Deterministic.
    Quotes(crate::eval_quotes::QuoteTrainArgs),
}

#[derive(Args, Debug)]
pub struct EmbeddingsArgs {
    #[command(flatten)]
    pub input: crate::InputArgs,
    /// CoNLL-U files whose sentences are added to the corpus (e.g. the treebank train splits,
    /// so that every training word gets clusters).
    #[arg(long, num_args = 1.., value_name = "CONLLU")]
    pub conllu: Vec<PathBuf>,
    /// Where to write the embeddings.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// Passes over the corpus.
    #[arg(long, default_value_t = newsgraph_embed::TrainOptions::default().epochs)]
    pub epochs: usize,
    /// Vector dimension.
    #[arg(long, default_value_t = newsgraph_embed::TrainOptions::default().dim)]
    pub dim: usize,
    /// Words seen fewer times are left out.
    #[arg(long, default_value_t = newsgraph_embed::TrainOptions::default().min_count)]
    pub min_count: u32,
}

/// The treebank files a trainer learns from and selects its epoch on.
#[derive(Args, Debug)]
pub struct Treebanks {
    /// CoNLL-U training files (e.g. UD EWT and GUM train).
    #[arg(long, required = true, num_args = 1.., value_name = "CONLLU")]
    pub train: Vec<PathBuf>,
    /// CoNLL-U dev files used to pick the epoch (never a test split).
    #[arg(long, required = true, num_args = 1.., value_name = "CONLLU")]
    pub dev: Vec<PathBuf>,
}

#[derive(Args, Debug)]
pub struct ParserArgs {
    #[command(flatten)]
    pub data: Treebanks,
    /// Where to write the model.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// Maximum number of passes over the training data.
    #[arg(long, default_value_t = newsgraph_parse::train::TrainOptions::default().epochs)]
    pub epochs: usize,
    /// Drop quantised weights smaller than this (in units of 1/32767 of the largest): a smaller,
    /// faster model for a little accuracy.
    #[arg(long, default_value_t = newsgraph_parse::train::TrainOptions::default().prune)]
    pub prune: i32,
    /// Train on the gold tags, features and lemmas of the train files instead of jackknifed
    /// predictions (the parser then learns to trust tags more than it should at run time).
    #[arg(long)]
    pub gold_tags: bool,
    /// Jackknife folds: the train documents are split round-robin into this many folds, and
    /// each fold is tagged and lemmatised by models trained on the other folds, so that the
    /// parser trains on tags as noisy as those it will see.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(2..=50))]
    pub folds: u32,
    /// Tagger model that tags the dev files (default: the embedded one).
    #[arg(long, value_name = "FILE")]
    pub tagger: Option<PathBuf>,
    /// Lemmatiser model that lemmatises the dev files (default: the embedded one).
    #[arg(long, value_name = "FILE")]
    pub lemmatizer: Option<PathBuf>,
    /// Word clusters: parser features (copied into the model), and features of the jackknife
    /// taggers (pass the file the shipped tagger was trained with).
    #[arg(long, value_name = "FILE")]
    pub embeddings: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct TaggerArgs {
    #[command(flatten)]
    pub data: Treebanks,
    /// Where to write the model.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// Maximum number of passes over the training data.
    #[arg(long, default_value_t = newsgraph_tag::train::DEFAULT_EPOCHS)]
    pub epochs: usize,
    /// Word clusters to copy into the model as features (`newsgraph train embeddings`).
    #[arg(long, value_name = "FILE")]
    pub embeddings: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct LemmatizerArgs {
    /// CoNLL-U training files (e.g. UD EWT and GUM train).
    #[arg(long, required = true, num_args = 1.., value_name = "CONLLU")]
    pub train: Vec<PathBuf>,
    /// CoNLL-U dev files to score (gold tags; never a test split).
    #[arg(long, num_args = 1.., value_name = "CONLLU")]
    pub dev: Vec<PathBuf>,
    /// Where to write the model.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
}

#[derive(Args, Debug)]
pub struct SentencesArgs {
    #[command(flatten)]
    pub data: Treebanks,
    /// Where to write the weights.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// Maximum number of passes over the training data.
    #[arg(long, default_value_t = 12)]
    pub epochs: usize,
}

pub fn run(cmd: &TrainCommand) -> anyhow::Result<ExitCode> {
    // Held-out test splits must never shape a model, whatever the command.
    let conllu: Vec<&PathBuf> = match cmd {
        TrainCommand::Sentences(a) => a.data.train.iter().chain(&a.data.dev).collect(),
        TrainCommand::Tagger(a) => a.data.train.iter().chain(&a.data.dev).collect(),
        TrainCommand::Lemmatizer(a) => a.train.iter().chain(&a.dev).collect(),
        TrainCommand::Parser(a) => a.data.train.iter().chain(&a.data.dev).collect(),
        TrainCommand::Embeddings(a) => a.conllu.iter().collect(),
        TrainCommand::Ner(a) => a.train.iter().chain(&a.dev).collect(),
        TrainCommand::Quotes(_) => Vec::new(),
    };
    if let Some(p) = conllu
        .into_iter()
        .find(|p| newsgraph_parse::train::is_test_split(p))
    {
        anyhow::bail!(
            "{}: refusing to use a test split for training or model selection",
            p.display()
        );
    }
    match cmd {
        TrainCommand::Sentences(a) => {
            let trained = newsgraph_eval::train::train_sentences(
                &a.data.train,
                &a.data.dev,
                a.epochs,
                |line| eprintln!("{line}"),
            )
            .context("training the sentence model")?;
            write_output(&a.output, &trained.bytes)?;
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
        TrainCommand::Tagger(a) => {
            let clusters = load_clusters(a.embeddings.as_deref())?;
            let t = newsgraph_tag::train::train_tagger(
                &a.data.train,
                &a.data.dev,
                a.epochs,
                &clusters,
                |line| eprintln!("{line}"),
            )
            .context("training the tagger")?;
            write_output(&a.output, &t.bytes)?;
            for s in &t.dev {
                eprintln!("dev {}", s.summary());
            }
            eprintln!(
                "kept epoch {}; wrote {} ({} bytes) in {:.1} s",
                t.epoch,
                a.output.display(),
                t.bytes.len(),
                t.seconds
            );
            Ok(ExitCode::SUCCESS)
        }
        TrainCommand::Lemmatizer(a) => {
            let t = newsgraph_tag::train::train_lemmatizer(&a.train, &a.dev, |line| {
                eprintln!("{line}")
            })
            .context("training the lemmatizer")?;
            write_output(&a.output, &t.bytes)?;
            for s in &t.dev {
                eprintln!("dev (gold tags) {}", s.summary());
            }
            eprintln!(
                "wrote {} ({} bytes) in {:.1} s",
                a.output.display(),
                t.bytes.len(),
                t.seconds
            );
            Ok(ExitCode::SUCCESS)
        }
        TrainCommand::Embeddings(a) => embeddings(a),
        TrainCommand::Ner(a) => crate::eval_ner::train(a),
        TrainCommand::Quotes(a) => crate::eval_quotes::train(a),
        TrainCommand::Parser(a) => {
            let mut opts = newsgraph_parse::train::TrainOptions {
                epochs: a.epochs,
                prune: a.prune,
                ..Default::default()
            };
            if let Some(p) = &a.embeddings {
                let emb = read_embeddings(p)?;
                opts.clusters = (0..emb.len() as u32)
                    .map(|id| {
                        let [_, mid, fine] = emb.clusters(id);
                        (emb.word(id).to_string(), [mid, fine])
                    })
                    .collect();
            }
            let (train, dev) = parser_data(a)?;
            let t = newsgraph_parse::train::train_docs_to_model(&train, &dev, &opts, |line| {
                eprintln!("{line}")
            })
            .context("training the parser")?;
            write_output(&a.output, &t.bytes)?;
            for s in &t.dev {
                eprintln!(
                    "dev {}: {} words, UAS {:.2}, LAS {:.2} (universal relations {:.2})",
                    s.name, s.words, s.uas, s.las, s.las_univ
                );
            }
            eprintln!(
                "kept epoch {}; wrote {} ({} bytes) in {:.1} s",
                t.epoch,
                a.output.display(),
                t.bytes.len(),
                t.seconds
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The parser's training and dev documents: tagged and lemmatised by our own
/// models (jackknifed on train), or gold with `--gold-tags`.
/// Named dev sets of documents.
type DevSets = Vec<(String, Vec<newsgraph_conllu::ConlluDoc>)>;

fn parser_data(a: &ParserArgs) -> anyhow::Result<(Vec<newsgraph_conllu::ConlluDoc>, DevSets)> {
    use newsgraph_tag::train::{style_of_doc, GoldSent};
    use newsgraph_tag::{Lemmatizer, Style, Tagger};
    let read = |p: &PathBuf| -> anyhow::Result<Vec<(Style, newsgraph_conllu::ConlluDoc)>> {
        let docs = newsgraph_conllu::read_file(p).with_context(|| format!("{}", p.display()))?;
        Ok(docs.into_iter().map(|d| (style_of_doc(&d, p), d)).collect())
    };
    let mut train = Vec::new();
    for p in &a.data.train {
        train.extend(read(p)?);
    }
    let mut dev = Vec::new();
    for p in &a.data.dev {
        let name = p.file_name().map_or_else(
            || p.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        dev.push((name, read(p)?));
    }
    if !a.gold_tags {
        let k = a.folds as usize;
        if train.len() < k {
            anyhow::bail!(
                "{} training documents cannot make {k} jackknife folds: lower --folds or use \
                 --gold-tags",
                train.len()
            );
        }
        let gold_dev =
            newsgraph_tag::train::load_dev(&a.data.dev).context("reading the dev files")?;
        let clusters = load_clusters(a.embeddings.as_deref())?;
        for fold in 0..k {
            let sents: Vec<GoldSent> = train
                .iter()
                .enumerate()
                .filter(|(i, _)| i % k != fold)
                .flat_map(|(_, (style, d))| {
                    d.sentences().filter(|s| !s.words.is_empty()).map(move |s| {
                        let mut g = GoldSent::from_conllu(s);
                        g.style = *style as u8;
                        g
                    })
                })
                .collect();
            let epochs = newsgraph_tag::train::DEFAULT_EPOCHS;
            let t = newsgraph_tag::train::train_tagger_sents(
                &sents,
                &gold_dev,
                epochs,
                &clusters,
                |_| {},
            )
            .context("training a jackknife tagger")?;
            let l = newsgraph_tag::train::train_lemmatizer_sents(&sents, &[], |_| {})
                .context("training a jackknife lemmatiser")?;
            let tagger = Tagger::from_bytes(&t.bytes)?;
            let lemmatizer = Lemmatizer::from_bytes(&l.bytes)?;
            let mut words = 0;
            for (_, (style, d)) in train.iter_mut().enumerate().filter(|(i, _)| i % k == fold) {
                words += retag(
                    d,
                    &tagger.with_style(*style),
                    &lemmatizer.with_style(*style),
                );
            }
            eprintln!(
                "jackknife fold {}/{k}: tagger trained on {} sentences (epoch {}), tagged {words} words",
                fold + 1,
                sents.len(),
                t.epoch
            );
        }
        let tagger = match &a.tagger {
            Some(p) => Tagger::from_bytes(
                &std::fs::read(p).with_context(|| format!("{}: cannot read", p.display()))?,
            )?,
            None => Tagger::embedded()?,
        };
        let lemmatizer = match &a.lemmatizer {
            Some(p) => Lemmatizer::from_bytes(
                &std::fs::read(p).with_context(|| format!("{}: cannot read", p.display()))?,
            )?,
            None => Lemmatizer::embedded()?,
        };
        for (_, docs) in &mut dev {
            for (style, d) in docs {
                retag(
                    d,
                    &tagger.with_style(*style),
                    &lemmatizer.with_style(*style),
                );
            }
        }
    }
    Ok((
        train.into_iter().map(|(_, d)| d).collect(),
        dev.into_iter()
            .map(|(n, docs)| (n, docs.into_iter().map(|(_, d)| d).collect()))
            .collect(),
    ))
}

/// Replaces the tags, features and lemmas of a document with predictions;
/// returns the number of words.
fn retag(
    d: &mut newsgraph_conllu::ConlluDoc,
    tagger: &newsgraph_tag::Tagger,
    lemmatizer: &newsgraph_tag::Lemmatizer,
) -> usize {
    let mut n = 0;
    for s in d.sentences_mut() {
        let forms: Vec<&str> = s.words.iter().map(|w| w.form.as_str()).collect();
        let tags: Vec<(String, String, String)> = tagger
            .tag(&forms)
            .iter()
            .map(|t| (t.upos.to_string(), t.xpos.to_string(), t.feats.to_string()))
            .collect();
        for (w, (upos, xpos, feats)) in s.words.iter_mut().zip(tags) {
            w.lemma = lemmatizer.lemmatize(&w.form, &upos, &xpos);
            w.upos = upos;
            w.xpos = xpos;
            w.feats = feats;
            n += 1;
        }
    }
    n
}

fn embeddings(a: &EmbeddingsArgs) -> anyhow::Result<ExitCode> {
    let started = std::time::Instant::now();
    let reader = a.input.reader()?;
    let pipeline = newsgraph_pipeline::PipelineBuilder::new()
        .stage(newsgraph_segment::SegmenterBuilder::new().build())
        .build(reader);
    let mut sentences: Vec<Vec<String>> = Vec::new();
    let (mut docs, mut failed) = (0usize, 0usize);
    crate::with_threads(a.input.threads, || {
        pipeline.run_with(
            &a.input.paths,
            |outcome| {
                let errors: Vec<String> = outcome.errors.iter().map(|e| e.to_string()).collect();
                let sents: Vec<Vec<String>> = outcome
                    .docs
                    .iter()
                    .flat_map(|d| {
                        d.sentences.iter().map(|s| {
                            d.tokens[s.token_range()]
                                .iter()
                                .map(|t| newsgraph_embed::normalize(t.span.slice(&d.text)))
                                .collect()
                        })
                    })
                    .collect();
                (outcome.docs.len(), errors, sents)
            },
            |(n, errors, sents)| {
                docs += n;
                for e in errors {
                    eprintln!("newsgraph: {e}");
                    failed += 1;
                }
                sentences.extend(sents);
                true
            },
        );
    })?;
    let news_sentences = sentences.len();
    for p in &a.conllu {
        let conllu = newsgraph_conllu::read_file(p).with_context(|| format!("{}", p.display()))?;
        for d in &conllu {
            sentences.extend(d.sentences().map(|s| {
                s.words
                    .iter()
                    .map(|w| newsgraph_embed::normalize(&w.form))
                    .collect()
            }));
        }
    }
    let words: usize = sentences.iter().map(Vec::len).sum();
    eprintln!(
        "read {docs} documents ({news_sentences} sentences) and {} treebank sentences: {words} words",
        sentences.len() - news_sentences
    );
    let opts = newsgraph_embed::TrainOptions {
        epochs: a.epochs,
        dim: a.dim,
        min_count: a.min_count,
        ..Default::default()
    };
    let emb = newsgraph_embed::train(&sentences, &opts, &mut |line| eprintln!("{line}"));
    let bytes = emb.to_bytes();
    write_output(&a.output, &bytes)?;
    eprintln!(
        "wrote {} ({} words, dim {}, {} bytes) in {:.1} s",
        a.output.display(),
        emb.len(),
        emb.dim(),
        bytes.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The word clusters of an embeddings file, in the form the tagger stores them.
fn load_clusters(path: Option<&std::path::Path>) -> anyhow::Result<newsgraph_tag::WordClusters> {
    let mut clusters = newsgraph_tag::WordClusters::new();
    if let Some(p) = path {
        let emb = read_embeddings(p)?;
        for id in 0..emb.len() as u32 {
            let [a, b, c] = emb.clusters(id);
            clusters.insert(emb.word(id), [a, b, c]);
        }
    }
    Ok(clusters)
}

/// Every word's cluster ids, as the NER and quote trainers copy them into their models.
pub(crate) fn cluster_pairs(p: &std::path::Path) -> anyhow::Result<Vec<(String, [u16; 3])>> {
    let emb = read_embeddings(p)?;
    Ok((0..emb.len() as u32)
        .map(|id| (emb.word(id).to_string(), emb.clusters(id)))
        .collect())
}

fn read_embeddings(p: &std::path::Path) -> anyhow::Result<newsgraph_embed::Embeddings> {
    let bytes = std::fs::read(p).with_context(|| format!("{}: cannot read", p.display()))?;
    newsgraph_embed::Embeddings::from_bytes(&bytes).with_context(|| format!("{}", p.display()))
}

/// Writes a trained model, naming the file if that fails.
pub(crate) fn write_output(path: &std::path::Path, bytes: &[u8]) -> anyhow::Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("{}: cannot write", path.display()))
}
