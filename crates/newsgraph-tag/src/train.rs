//! Training entry points (behind `newsgraph train tagger|lemmatizer`).

use newsgraph_conllu::{ConlluDoc, ConlluError};
use std::path::{Path, PathBuf};

/// Why training could not run.
#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    #[error(transparent)]
    Conllu(#[from] ConlluError),
    #[error("{0}")]
    Invalid(String),
}

/// One gold sentence: forms and their annotation columns.
#[derive(Clone, Debug, Default)]
pub struct GoldSent {
    pub forms: Vec<String>,
    pub upos: Vec<String>,
    pub xpos: Vec<String>,
    pub feats: Vec<String>,
    pub lemmas: Vec<String>,
    /// Annotation style of the treebank it comes from (see [`crate::Style`]).
    pub style: u8,
}

impl GoldSent {
    pub fn from_conllu(s: &newsgraph_conllu::ConlluSentence) -> GoldSent {
        let mut g = GoldSent::default();
        for w in &s.words {
            g.forms.push(w.form.clone());
            g.upos.push(w.upos.clone());
            g.xpos.push(w.xpos.clone());
            g.feats.push(w.feats.clone());
            g.lemmas.push(w.lemma.clone());
        }
        g
    }
}

/// The conventions a training document follows: GUM's for GUM documents
/// (ids `GUM_…`, or files named `gum…`), EWT's for everything else.
pub fn style_of_doc(d: &ConlluDoc, path: &Path) -> crate::Style {
    if style_of(d, path) == crate::Style::Gum as u8 {
        crate::Style::Gum
    } else {
        crate::Style::Ewt
    }
}

fn style_of(d: &ConlluDoc, path: &Path) -> u8 {
    let gum_file = path
        .file_name()
        .is_some_and(|n| n.to_string_lossy().to_ascii_lowercase().starts_with("gum"));
    if d.id.as_deref().is_some_and(|i| i.starts_with("GUM_")) || gum_file {
        crate::Style::Gum as u8
    } else {
        crate::Style::Ewt as u8
    }
}

fn sents<'a>(docs: impl IntoIterator<Item = &'a ConlluDoc>, path: &Path) -> Vec<GoldSent> {
    docs.into_iter()
        .flat_map(|d| {
            let st = style_of(d, path);
            d.sentences().map(move |s| {
                let mut g = GoldSent::from_conllu(s);
                g.style = st;
                g
            })
        })
        .filter(|s| !s.forms.is_empty())
        .collect()
}

/// The sentences of CoNLL-U files, in file order.
pub fn load(paths: &[PathBuf]) -> Result<Vec<GoldSent>, TrainError> {
    let mut out = Vec::new();
    for p in paths {
        out.extend(sents(&newsgraph_conllu::read_file(p)?, p));
    }
    Ok(out)
}

/// Dev sets of CoNLL-U files: one per file, plus `<file> news` with the
/// news-genre documents of files that have any.
pub fn load_dev(paths: &[PathBuf]) -> Result<Vec<(String, Vec<GoldSent>)>, TrainError> {
    let mut out = Vec::new();
    for p in paths {
        let docs = newsgraph_conllu::read_file(p)?;
        let name = short_name(p);
        out.push((name.clone(), sents(&docs, p)));
        let news = sents(docs.iter().filter(|d| d.is_genre("news")), p);
        if !news.is_empty() {
            out.push((format!("{name} news"), news));
        }
    }
    Ok(out)
}

fn short_name(p: &Path) -> String {
    p.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| p.display().to_string())
}

/// Parses CoNLL-U text into gold sentences (for tests and tools).
pub fn parse_gold(text: &str) -> Result<Vec<GoldSent>, TrainError> {
    let p = Path::new("<text>");
    Ok(sents(&newsgraph_conllu::parse(text, p)?, p))
}

/// Accuracies (percent) on one dev set.
#[derive(Debug, Clone, Default)]
pub struct DevScore {
    pub name: String,
    pub words: usize,
    pub upos: f64,
    pub xpos: f64,
    pub ufeats: f64,
    /// UPOS, XPOS and FEATS all right.
    pub all_tags: f64,
    /// Lemma accuracy, when lemmas were scored.
    pub lemma: Option<f64>,
    counts: [usize; 5],
}

impl DevScore {
    pub(crate) fn new(name: &str) -> DevScore {
        DevScore {
            name: name.into(),
            ..DevScore::default()
        }
    }
    pub(crate) fn add_tags(&mut self, upos: bool, xpos: bool, feats: bool) {
        self.words += 1;
        self.counts[0] += usize::from(upos);
        self.counts[1] += usize::from(xpos);
        self.counts[2] += usize::from(feats);
        self.counts[3] += usize::from(upos && xpos && feats);
    }
    pub(crate) fn finish(mut self) -> DevScore {
        let p = |c: usize| 100.0 * c as f64 / self.words.max(1) as f64;
        self.upos = p(self.counts[0]);
        self.xpos = p(self.counts[1]);
        self.ufeats = p(self.counts[2]);
        self.all_tags = p(self.counts[3]);
        if self.counts[4] > 0 {
            self.lemma = Some(p(self.counts[4]));
        }
        self
    }
    /// `name: UPOS u XPOS x UFeats f AllTags a [Lemma l]`.
    pub fn summary(&self) -> String {
        let mut s = format!("{}: ", self.name);
        if self.counts[..4].iter().any(|&c| c > 0) {
            s += &format!(
                "UPOS {:.2} XPOS {:.2} UFeats {:.2} AllTags {:.2}",
                self.upos, self.xpos, self.ufeats, self.all_tags
            );
        }
        if let Some(l) = self.lemma {
            s += &format!(" Lemma {l:.2}");
        }
        s
    }
}

/// Default number of tagger training epochs.
pub const DEFAULT_EPOCHS: usize = 12;

/// Trains the tagger on CoNLL-U `train` files for up to `epochs` passes,
/// keeping the epoch with the best dev accuracy. Deterministic: the same
/// inputs give the same bytes.
pub fn train_tagger(
    train: &[PathBuf],
    dev: &[PathBuf],
    epochs: usize,
    clusters: &crate::WordClusters,
    mut log: impl FnMut(&str),
) -> Result<crate::tagger::TrainedTagger, TrainError> {
    let tr = load(train)?;
    let dv = load_dev(dev)?;
    log(&format!(
        "read {} train sentences, {} dev sets, {} clustered words",
        tr.len(),
        dv.len(),
        clusters.len()
    ));
    crate::tagger::train(&tr, &dv, epochs, clusters, log)
}

/// [`train_tagger`] over sentences already in memory.
pub fn train_tagger_sents(
    train: &[GoldSent],
    dev: &[(String, Vec<GoldSent>)],
    epochs: usize,
    clusters: &crate::WordClusters,
    log: impl FnMut(&str),
) -> Result<crate::tagger::TrainedTagger, TrainError> {
    crate::tagger::train(train, dev, epochs, clusters, log)
}

/// Builds the lemmatiser from CoNLL-U `train` files; dev scores use gold
/// tags. Deterministic.
pub fn train_lemmatizer(
    train: &[PathBuf],
    dev: &[PathBuf],
    mut log: impl FnMut(&str),
) -> Result<crate::lemma::TrainedLemmatizer, TrainError> {
    let tr = load(train)?;
    let dv = load_dev(dev)?;
    log(&format!(
        "read {} train sentences, {} dev sets",
        tr.len(),
        dv.len()
    ));
    crate::lemma::train(&tr, &dv, log)
}

/// [`train_lemmatizer`] over sentences already in memory.
pub fn train_lemmatizer_sents(
    train: &[GoldSent],
    dev: &[(String, Vec<GoldSent>)],
    log: impl FnMut(&str),
) -> Result<crate::lemma::TrainedLemmatizer, TrainError> {
    crate::lemma::train(train, dev, log)
}
