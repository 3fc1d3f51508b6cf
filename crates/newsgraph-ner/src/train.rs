//! Training: greedy left-to-right averaged perceptron over BILOU classes,
//! decoding its own predictions as history (so that it learns from the
//! histories it will see), documents shuffled with a fixed seed, the epoch
//! with the best dev F1 kept.

use crate::features::{
    gaz_token, phrase_key, Tables, GAZ_AGENT, GAZ_COUNTRY, GAZ_COUNTRY_ALIAS, GAZ_NORP, GAZ_ORG,
    GAZ_PERSON,
};
use crate::format::Writer;
use crate::hash::{KeyMap, Rng};
use crate::model::{
    bio_to_classes, decode_doc, spans_of, write_tables, NerModel, Scorer, Scratch, TokenSpan, KIND,
    MAGIC, NCLASS, NER_FORMAT, TYPES,
};
use crate::perceptron::Trainer;
use crate::NORP_WORDS;
use newsgraph_linear::clusters::WordClusters;

/// One sentence of a training or dev document: forms and BIO tags.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NerSentence {
    pub forms: Vec<String>,
    /// IOB2 (or IOB1) tags over PER/ORG/LOC/MISC (`B-PER`, `I-LOC`, `O`).
    pub tags: Vec<String>,
}

/// A document: its sentences in order (the model keeps a per-document history).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NerDoc {
    pub sentences: Vec<NerSentence>,
}

/// Training settings.
#[derive(Clone, Debug)]
pub struct TrainOptions {
    /// Maximum passes over the training documents.
    pub epochs: usize,
    /// Seed of the document shuffle.
    pub seed: u64,
    /// Drop quantised weights whose magnitude is below this (of 32,000).
    pub prune: i16,
    /// Word clusters (`newsgraph_embed::normalize`d word, coarse → fine ids).
    pub clusters: Vec<(String, [u16; 3])>,
    /// Gazetteer phrases with their category bits (see [`gazetteer_from_dict`]).
    pub gazetteer: Vec<(String, u8)>,
    /// Robustness augmentation, redrawn every epoch: some documents are
    /// lower-cased or upper-cased whole, and some two-word person names
    /// get Arabic name particles (`al-`, `bin`, `Abu`).
    pub augment: bool,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            epochs: 15,
            seed: 0x4e45_525f_2026,
            prune: 2,
            clusters: Vec::new(),
            gazetteer: Vec::new(),
            augment: true,
        }
    }
}

/// Exact-span scores of one dev pass.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DevScore {
    pub epoch: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// F1 per type, in [`TYPES`] order.
    pub per_type: [f64; 4],
}

impl DevScore {
    pub fn summary(&self) -> String {
        let per: Vec<String> = TYPES
            .iter()
            .zip(self.per_type)
            .map(|(t, f)| format!("{t} {:.2}", 100.0 * f))
            .collect();
        format!(
            "epoch {}: P {:.2} R {:.2} F1 {:.2} ({})",
            self.epoch,
            100.0 * self.precision,
            100.0 * self.recall,
            100.0 * self.f1,
            per.join(", ")
        )
    }
}

/// A trained model.
#[derive(Clone, Debug)]
pub struct Trained {
    pub bytes: Vec<u8>,
    pub epoch: usize,
    pub dev: Vec<DevScore>,
}

/// The gazetteer phrases of a dictionary: actor names (countries and their
/// aliases, people with dated offices, organisations), agent nouns, and our
/// own nationality and religious-group words.
pub fn gazetteer_from_dict(dict: &newsgraph_dict::Dictionary) -> Vec<(String, u8)> {
    use newsgraph_dict::Kind;
    let mut out: std::collections::BTreeMap<String, u8> = std::collections::BTreeMap::new();
    let mut add = |name: &str, bit: u8| {
        let key = newsgraph_dict::normalize(name);
        if !key.is_empty() && key.split(' ').count() <= crate::features::GAZ_MAX {
            *out.entry(key).or_insert(0) |= bit;
        }
    };
    for layer in dict.layers() {
        for e in &layer.entries {
            match e.kind {
                Kind::Agent => e.names().for_each(|n| add(n, GAZ_AGENT)),
                Kind::Actor => {
                    let country = !e.codes.is_empty() && e.codes.iter().all(|c| c.code.len() == 3);
                    let person = e
                        .codes
                        .iter()
                        .any(|c| c.from.is_some() || c.to.is_some() || c.code.ends_with("ELI"));
                    if country {
                        add(&e.name, GAZ_COUNTRY);
                        e.aliases.iter().for_each(|a| add(a, GAZ_COUNTRY_ALIAS));
                    } else if person {
                        e.names().for_each(|n| add(n, GAZ_PERSON));
                    } else {
                        e.names().for_each(|n| add(n, GAZ_ORG));
                    }
                }
            }
        }
    }
    for w in NORP_WORDS {
        add(w, GAZ_NORP);
    }
    out.into_iter().collect()
}

struct TrainScorer {
    t: Trainer,
}

impl Scorer for TrainScorer {
    fn score(&self, fs: &[u32], scores: &mut [f32]) {
        self.t.score(fs, scores);
    }
    fn observe(&mut self, fs: &[u32], gold: u16, pred: u16) {
        self.t.tick();
        self.t.update(fs, gold, pred);
    }
}

fn tables_of(opts: &TrainOptions) -> (WordClusters, KeyMap<u64, u8>) {
    let clusters = WordClusters::from_pairs(&opts.clusters);
    let mut gaz: KeyMap<u64, u8> = KeyMap::default();
    for (p, bits) in &opts.gazetteer {
        // Phrases are stored under the keys run time builds: each word's
        // gazetteer form joined by spaces.
        let key: Vec<String> = p
            .split(' ')
            .map(gaz_token)
            .filter(|s| !s.is_empty())
            .collect();
        if !key.is_empty() {
            *gaz.entry(phrase_key(&key.join(" "))).or_insert(0) |= bits;
        }
    }
    (clusters, gaz)
}

/// A changed copy of a training document, or `None` to use it as it is.
fn augment(d: &NerDoc, rng: &mut Rng) -> Option<NerDoc> {
    let r = rng.next_u64() % 100;
    let case: Option<fn(&str) -> String> = match r {
        0..6 => Some(str::to_lowercase),
        6..9 => Some(str::to_uppercase),
        _ => None,
    };
    let mut changed = case.is_some();
    let mut out = NerDoc {
        sentences: Vec::with_capacity(d.sentences.len()),
    };
    for s in &d.sentences {
        let mut ns = NerSentence::default();
        let n = s.forms.len();
        let mut i = 0;
        while i < n {
            // A two-word person name `B-PER I-PER` not followed by `I-PER`.
            let two = i + 1 < n
                && s.tags[i] == "B-PER"
                && s.tags[i + 1] == "I-PER"
                && s.tags.get(i + 2).is_none_or(|t| t != "I-PER")
                && s.forms[i + 1]
                    .chars()
                    .next()
                    .is_some_and(char::is_uppercase)
                && s.forms[i + 1].chars().all(char::is_alphabetic);
            if two {
                let (first, last) = (&s.forms[i], &s.forms[i + 1]);
                let k = rng.next_u64() % 100;
                let forms: Option<Vec<String>> = match k {
                    0..8 => Some(vec![first.clone(), format!("al-{last}")]),
                    8..11 => Some(vec![first.clone(), "bin".into(), last.clone()]),
                    11..14 => Some(vec!["Abu".into(), first.clone(), format!("al-{last}")]),
                    _ => None,
                };
                if let Some(fs) = forms {
                    changed = true;
                    for (j, f) in fs.into_iter().enumerate() {
                        ns.forms.push(f);
                        ns.tags.push(if j == 0 { "B-PER" } else { "I-PER" }.into());
                    }
                    i += 2;
                    continue;
                }
            }
            ns.forms.push(s.forms[i].clone());
            ns.tags.push(s.tags[i].clone());
            i += 1;
        }
        if let Some(f) = case {
            for w in &mut ns.forms {
                *w = f(w);
            }
        }
        out.sentences.push(ns);
    }
    changed.then_some(out)
}

/// Gold classes of every sentence of a document.
fn gold_classes(d: &NerDoc) -> Vec<Vec<u16>> {
    d.sentences
        .iter()
        .map(|s| bio_to_classes(&s.tags))
        .collect()
}

/// Scores `model` on documents: exact-span micro P/R/F1 and F1 per type.
pub fn score_docs(model: &NerModel, docs: &[NerDoc]) -> DevScore {
    let mut tp = [0usize; 4];
    let mut np = [0usize; 4];
    let mut ng = [0usize; 4];
    for d in docs {
        let forms: Vec<&[String]> = d.sentences.iter().map(|s| s.forms.as_slice()).collect();
        let pred = model.tag_document(&forms);
        for (s, p) in d.sentences.iter().zip(pred) {
            let mut g: Vec<TokenSpan> = Vec::new();
            spans_of(&bio_to_classes(&s.tags), &mut g);
            for x in &g {
                ng[x.ty] += 1;
            }
            for x in &p {
                np[x.ty] += 1;
                if g.contains(x) {
                    tp[x.ty] += 1;
                }
            }
        }
    }
    let prf = |tp: usize, np: usize, ng: usize| {
        let p = if np == 0 { 0.0 } else { tp as f64 / np as f64 };
        let r = if ng == 0 { 0.0 } else { tp as f64 / ng as f64 };
        let f = if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        };
        (p, r, f)
    };
    let (p, r, f1) = prf(tp.iter().sum(), np.iter().sum(), ng.iter().sum());
    let mut per_type = [0.0; 4];
    for t in 0..4 {
        per_type[t] = prf(tp[t], np[t], ng[t]).2;
    }
    DevScore {
        epoch: 0,
        precision: p,
        recall: r,
        f1,
        per_type,
    }
}

/// Trains a model; the epoch with the best dev F1 is kept (the last one
/// without dev documents). Deterministic for the same inputs and options.
pub fn train(
    train: &[NerDoc],
    dev: &[NerDoc],
    opts: &TrainOptions,
    mut log: impl FnMut(&str),
) -> Result<Trained, crate::NerError> {
    if train.iter().all(|d| d.sentences.is_empty()) {
        return Err(crate::NerError::Train("no training sentences".into()));
    }
    for d in train.iter().chain(dev) {
        if d.sentences.iter().any(|s| s.forms.len() != s.tags.len()) {
            return Err(crate::NerError::Train(
                "a sentence has not as many tags as forms".into(),
            ));
        }
    }
    let (clusters, gaz) = tables_of(opts);
    let tables = Tables {
        clusters: &clusters,
        gaz: &gaz,
    };
    let golds: Vec<Vec<Vec<u16>>> = train.iter().map(gold_classes).collect();
    let mut scorer = TrainScorer {
        t: Trainer::new(NCLASS),
    };
    let mut rng = Rng::new(opts.seed);
    let mut order: Vec<usize> = (0..train.len()).collect();
    let mut sc = Scratch::default();
    let mut out = Vec::new();
    let mut best: Option<(f64, usize, Vec<u8>)> = None;
    let mut scores = Vec::new();
    for epoch in 1..=opts.epochs.max(1) {
        rng.shuffle(&mut order);
        let mut errors = 0usize;
        let mut tokens = 0usize;
        let mut arng = Rng::new(opts.seed ^ (epoch as u64).wrapping_mul(0x9E37_79B9));
        for &di in &order {
            let aug = if opts.augment {
                augment(&train[di], &mut arng)
            } else {
                None
            };
            let aug_gold = aug.as_ref().map(gold_classes);
            let (d, g) = match (&aug, &aug_gold) {
                (Some(a), Some(g)) => (a, g),
                _ => (&train[di], &golds[di]),
            };
            let forms: Vec<&[String]> = d.sentences.iter().map(|s| s.forms.as_slice()).collect();
            decode_doc(
                &forms,
                Some(g),
                &tables,
                &mut scorer,
                false,
                &mut sc,
                &mut out,
            );
            for (p, g) in out.iter().zip(g) {
                tokens += g.len();
                errors += p.iter().zip(g).filter(|(a, b)| a != b).count();
            }
        }
        let mut w = Writer::new(MAGIC, NER_FORMAT);
        write_tables(&mut w, &clusters, &gaz);
        scorer.t.write_averaged(&mut w, opts.prune);
        let bytes = w.finish();
        let model = NerModel::from_bytes(&bytes).map_err(crate::NerError::Model)?;
        let mut s = if dev.is_empty() {
            DevScore::default()
        } else {
            score_docs(&model, dev)
        };
        s.epoch = epoch;
        log(&format!(
            "epoch {epoch}: train token error {:.2}%, {} bytes; dev {}",
            100.0 * errors as f64 / tokens.max(1) as f64,
            bytes.len(),
            s.summary()
        ));
        if dev.is_empty() || best.as_ref().is_none_or(|b| s.f1 > b.0) {
            best = Some((s.f1, epoch, bytes));
        }
        scores.push(s);
    }
    let (_, epoch, bytes) =
        best.ok_or_else(|| crate::NerError::Train(format!("{KIND}: no epoch")))?;
    Ok(Trained {
        bytes,
        epoch,
        dev: scores,
    })
}
