//! Training and evaluation (`newsgraph train parser`).
//!
//! Deterministic: fixed-seed xorshift for the shuffle and the exploration,
//! no hash-map iteration anywhere; the same data and options give the same
//! bytes.

use crate::model::{best_valid, Model, Scorer, Table};
use crate::system::{self, features, projectivize, ClusterMap, State, Tok, NF};
use crate::{decode, tree, ParseError};
use newsgraph_conllu::{ConlluDoc, ConlluSentence};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Training options (the defaults are what the shipped model used).
#[derive(Clone, Debug)]
pub struct TrainOptions {
    /// Maximum passes over the training data; the best epoch on dev is kept.
    pub epochs: usize,
    /// Feature table size: 2^bits rows.
    pub bits: u32,
    /// Probability of following the model's own (possibly wrong)
    /// transition once exploration has started.
    pub explore: f64,
    /// Epochs trained on the oracle's path before exploration starts.
    pub explore_after: usize,
    /// Quantised weights below this magnitude are dropped from the model.
    pub prune: i32,
    pub seed: u64,
    /// Word clusters to use as features and copy into the model: each word
    /// normalised as `newsgraph_embed::normalize` does, with its middle and
    /// finest cluster ids.
    pub clusters: Vec<(String, [u16; 2])>,
}

impl Default for TrainOptions {
    fn default() -> TrainOptions {
        TrainOptions {
            epochs: 15,
            bits: 20,
            explore: 0.9,
            explore_after: 1,
            prune: 2,
            seed: 0x5eed_1234_abcd_0001,
            clusters: Vec::new(),
        }
    }
}

/// Attachment scores on one dev set (all words, punctuation included).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scores {
    pub name: String,
    pub words: usize,
    /// Unlabelled attachment score, %.
    pub uas: f64,
    /// Labelled attachment score with full relations (`nsubj:pass`), %.
    pub las: f64,
    /// Labelled attachment score on universal relations (`nsubj`), as the
    /// CoNLL 2018 scorer counts it, %.
    pub las_univ: f64,
}

/// The result of training.
#[derive(Clone, Debug)]
pub struct Trained {
    /// The model file.
    pub bytes: Vec<u8>,
    /// The epoch kept (1-based).
    pub epoch: usize,
    /// Scores of the kept model on each dev file.
    pub dev: Vec<Scores>,
    pub seconds: f64,
}

/// One training sentence.
#[derive(Clone, Debug)]
struct Sent {
    toks: Vec<Tok>,
    /// Head of each word (`n` = root), projectivised.
    heads: Vec<u32>,
    labels: Vec<u16>,
}

/// Reads CoNLL-U files.
pub fn read(paths: &[PathBuf]) -> Result<Vec<ConlluDoc>, ParseError> {
    let mut docs = Vec::new();
    for p in paths {
        docs.extend(newsgraph_conllu::read_file(p)?);
    }
    Ok(docs)
}

fn usable(s: &ConlluSentence) -> bool {
    !s.words.is_empty() && s.words.iter().all(|w| w.head.is_some())
}

fn to_tok(w: &newsgraph_conllu::ConlluWord, clusters: &ClusterMap) -> Tok {
    system::tok_with_clusters(&w.form, &w.upos, &w.xpos, &w.feats, &w.lemma, clusters)
}

fn convert(s: &ConlluSentence, labels: &[String], clusters: &ClusterMap) -> Sent {
    let n = s.words.len();
    let mut heads: Vec<u32> = s
        .words
        .iter()
        .map(|w| match w.head {
            Some(0) | None => n as u32,
            Some(h) => (h - 1) as u32,
        })
        .collect();
    projectivize(&mut heads);
    Sent {
        toks: s.words.iter().map(|w| to_tok(w, clusters)).collect(),
        heads,
        labels: s
            .words
            .iter()
            .map(|w| {
                labels
                    .binary_search(&w.deprel)
                    .map_or(u16::MAX, |i| i as u16)
            })
            .collect(),
    }
}

fn xorshift(r: &mut u64) -> u64 {
    *r ^= *r << 13;
    *r ^= *r >> 7;
    *r ^= *r << 17;
    *r
}

/// True for a file named like a test split (`…-test.…`): training and
/// model selection refuse them.
pub fn is_test_split(p: &Path) -> bool {
    p.file_name()
        .and_then(|f| f.to_str())
        .is_some_and(|f| f.contains("-test."))
}

/// Trains from parsed CoNLL-U documents. With no dev sets, the last epoch
/// is kept.
pub fn train_docs_to_model(
    train: &[ConlluDoc],
    dev: &[(String, Vec<ConlluDoc>)],
    opts: &TrainOptions,
    mut log: impl FnMut(&str),
) -> Result<Trained, ParseError> {
    let start = Instant::now();
    if opts.epochs == 0 {
        return Err(ParseError::Invalid("epochs must be at least 1".into()));
    }
    let sents: Vec<&ConlluSentence> = train
        .iter()
        .flat_map(|d| d.sentences())
        .filter(|s| usable(s))
        .collect();
    if sents.is_empty() {
        return Err(ParseError::Invalid("no parsed training sentences".into()));
    }
    let mut set: BTreeSet<String> = sents
        .iter()
        .flat_map(|s| s.words.iter().map(|w| w.deprel.clone()))
        .collect();
    set.insert("root".into());
    let labels: Vec<String> = set.into_iter().collect();
    if labels.len() > 127 || labels.iter().any(|l| l.len() > 255) {
        return Err(ParseError::Invalid(format!(
            "{} relation labels: at most 127 are supported",
            labels.len()
        )));
    }
    let root = labels.binary_search(&"root".to_string()).unwrap_or(0);
    let clusters: ClusterMap = opts
        .clusters
        .iter()
        .map(|(w, c)| (system::cluster_key(w), *c))
        .collect();
    let data: Vec<Sent> = sents
        .iter()
        .map(|s| convert(s, &labels, &clusters))
        .collect();
    let words: usize = data.iter().map(|s| s.toks.len()).sum();
    log(&format!(
        "{} sentences, {words} words, {} labels, table 2^{} rows",
        data.len(),
        labels.len(),
        opts.bits
    ));
    let na = 1 + 2 * labels.len();
    let mut table = Table::new(opts.bits, na, root);
    let mut order: Vec<usize> = (0..data.len()).collect();
    let mut rng = opts.seed | 1;
    let mut st = State::default();
    let mut scores = vec![0i64; na];
    let mut costs = vec![0u32; na];
    let mut f = [0u64; NF];
    let mut best: Option<Trained> = None;
    let mut best_key = f64::MIN;
    for epoch in 1..=opts.epochs {
        for i in (1..order.len()).rev() {
            order.swap(i, (xorshift(&mut rng) % (i as u64 + 1)) as usize);
        }
        let explore = epoch > opts.explore_after;
        let (mut steps, mut errors) = (0usize, 0usize);
        for &k in &order {
            let s = &data[k];
            st.reset(s.toks.len());
            while !st.terminal() {
                features(&st, &s.toks, &mut f);
                table.score(&f, &mut scores);
                let c = st.costs(&s.heads);
                let mut minc = u32::MAX;
                for (a, ca) in costs.iter_mut().enumerate() {
                    *ca = if st.valid(a, root) {
                        st.action_cost(a, &c, &s.heads, &s.labels)
                    } else {
                        u32::MAX
                    };
                    minc = minc.min(*ca);
                }
                let pred = best_valid(&st, &scores, root);
                let mut g = usize::MAX;
                for a in 0..na {
                    if costs[a] == minc && (g == usize::MAX || scores[a] > scores[g]) {
                        g = a;
                    }
                }
                if costs[pred] > minc {
                    table.update(&f, g, 1);
                    table.update(&f, pred, -1);
                    errors += 1;
                }
                table.c += 1;
                steps += 1;
                let follow_pred =
                    explore && (xorshift(&mut rng) % 1_000_000) as f64 / 1e6 < opts.explore;
                st.apply(if follow_pred { pred } else { g });
            }
        }
        let mut model = table.compact(&labels, opts.prune);
        model.clusters.clone_from(&clusters);
        let dev_scores: Vec<Scores> = dev
            .iter()
            .map(|(name, docs)| evaluate(&model, docs, None, name))
            .collect();
        let key = if dev_scores.is_empty() {
            epoch as f64
        } else {
            dev_scores.iter().map(|s| s.las).sum::<f64>() / dev_scores.len() as f64
        };
        let shown: Vec<String> = dev_scores
            .iter()
            .map(|s| format!("{} UAS {:.2} LAS {:.2}", s.name, s.uas, s.las))
            .collect();
        log(&format!(
            "epoch {epoch}: {:.2}% steps wrong, {} weights; {} ({:.0} s)",
            100.0 * errors as f64 / steps.max(1) as f64,
            model.weights(),
            shown.join(", "),
            start.elapsed().as_secs_f64()
        ));
        if key > best_key {
            best_key = key;
            best = Some(Trained {
                bytes: model.to_bytes(),
                epoch,
                dev: dev_scores,
                seconds: 0.0,
            });
        }
    }
    let mut best = best.ok_or_else(|| ParseError::Invalid("no epoch trained".into()))?;
    best.seconds = start.elapsed().as_secs_f64();
    Ok(best)
}

/// Parses every sentence of `docs` (of `genre`, if given) with gold tags and
/// scores the heads and relations.
pub fn evaluate(model: &Model, docs: &[ConlluDoc], genre: Option<&str>, name: &str) -> Scores {
    let mut st = State::default();
    let mut scores = Vec::new();
    let (mut n, mut uh, mut lh, mut luh) = (0usize, 0usize, 0usize, 0usize);
    let univ = |l: &str| l.split(':').next().unwrap_or("").to_string();
    for d in docs {
        if genre.is_some_and(|g| !d.is_genre(g)) {
            continue;
        }
        for s in d.sentences().filter(|s| usable(s)) {
            let toks: Vec<Tok> = s.words.iter().map(|w| to_tok(w, &model.clusters)).collect();
            decode(model, &toks, &mut st, &mut scores);
            let out = tree(&st, model.root_label());
            for (w, (h, l)) in s.words.iter().zip(out) {
                n += 1;
                if w.head == Some(h) {
                    uh += 1;
                    let pl = &model.labels[l];
                    if *pl == w.deprel {
                        lh += 1;
                    }
                    if univ(pl) == univ(&w.deprel) {
                        luh += 1;
                    }
                }
            }
        }
    }
    let pct = |x: usize| 100.0 * x as f64 / n.max(1) as f64;
    Scores {
        name: name.to_string(),
        words: n,
        uas: pct(uh),
        las: pct(lh),
        las_univ: pct(luh),
    }
}
