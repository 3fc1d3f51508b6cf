//! Part-of-speech tagging, UD morphological features and lemmatisation for
//! English news, trained on UD English EWT + GUM.
//!
//! - [`Tagger`] predicts UPOS and Penn Treebank XPOS jointly (a greedy
//!   averaged perceptron over hashed word, affix, shape and context
//!   features, with a dictionary for frequent unambiguous words), then the
//!   UD FEATS string with a second perceptron that chooses among the
//!   feature bundles seen with the predicted tag.
//! - [`Lemmatizer`] maps `(form, UPOS, XPOS)` to a lemma with edit scripts
//!   (casing rule + suffix rewrite) from a lexicon of training forms, and,
//!   for unseen words, the longest matching suffix of rare training words
//!   with the same tag and casing.
//!
//! Both are [`Annotator`] stages over a segmented [`Document`] (they fill
//! `Document::words`), and both also have a plain API over the forms of one
//! sentence, which other stages (the parser, the evaluation) call directly:
//!
//! ```
//! use newsgraph_tag::{Lemmatizer, Tagger};
//! let tagger = Tagger::embedded().unwrap();
//! let lemmatizer = Lemmatizer::embedded().unwrap();
//! let forms = ["The", "minister", "said", "it", "was", "over", "."];
//! let tags = tagger.tag(&forms);
//! assert_eq!((tags[0].upos, tags[0].xpos), ("DET", "DT"));
//! assert_eq!(lemmatizer.lemmatize("said", tags[2].upos, tags[2].xpos), "say");
//! ```
//!
//! The models are embedded (`models/tagger.bin`, `models/lemmatizer.bin` at
//! the repository root; model cards next to them) and parsed once per
//! process. Workers are `Send + Sync`, cheap to clone, deterministic, and
//! never panic on content.

mod features;
use newsgraph_linear::format;
use newsgraph_linear::hash;
mod lemma;
use newsgraph_linear::perceptron;
mod tagger;
pub mod train;

pub use format::ModelError;
pub use lemma::{LemmatizerModel, TrainedLemmatizer, LEMMATIZER_FORMAT};
pub use tagger::{TaggerModel, TrainedTagger, WordClusters, TAGGER_FORMAT};
pub use train::{DevScore, GoldSent, TrainError};

use newsgraph_core::{Annotator, Diagnostic, Document, Word};
use std::cell::RefCell;
use std::sync::{Arc, OnceLock};

/// Version of the tagger stage with the embedded model.
pub const VERSION: &str = "tag-0.2.0+tagger-20261201";
/// Version of the lemmatiser stage with the embedded model.
pub const LEMMATIZER_VERSION: &str = "tag-0.1.0+lemmatizer-20261125";
/// Version stamped when a tagger model was supplied by the caller.
pub const CUSTOM_VERSION: &str = "tag-0.2.0+tagger-custom";
/// Version stamped when a lemmatiser model was supplied by the caller.
pub const CUSTOM_LEMMATIZER_VERSION: &str = "tag-0.1.0+lemmatizer-custom";

static TAGGER_BYTES: &[u8] = include_bytes!("../../../models/tagger.bin");
static LEMMATIZER_BYTES: &[u8] = include_bytes!("../../../models/lemmatizer.bin");
static TAGGER: OnceLock<Result<Arc<TaggerModel>, ModelError>> = OnceLock::new();
static LEMMATIZER: OnceLock<Result<Arc<LemmatizerModel>, ModelError>> = OnceLock::new();

fn embedded_tagger() -> Result<Arc<TaggerModel>, ModelError> {
    TAGGER
        .get_or_init(|| TaggerModel::from_bytes(TAGGER_BYTES).map(Arc::new))
        .clone()
}

fn embedded_lemmatizer() -> Result<Arc<LemmatizerModel>, ModelError> {
    LEMMATIZER
        .get_or_init(|| LemmatizerModel::from_bytes(LEMMATIZER_BYTES).map(Arc::new))
        .clone()
}

/// Which treebank's annotation conventions to follow where EWT and GUM
/// differ (e.g. GUM gives `you` a `Number` and adverbs `Degree=Pos`; some
/// lemmas and NN/NNP decisions differ). Both are learned from the pooled
/// data; the style only adds style-specific feature weights.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Style {
    /// UD English EWT conventions.
    Ewt = 0,
    /// UD English GUM conventions (the default: GUM includes news).
    #[default]
    Gum = 1,
}

thread_local! {
    static SCRATCH: RefCell<(tagger::Scratch, Vec<u16>, Vec<u16>)> = RefCell::default();
}

/// The tags of one word, borrowed from the tagger's tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tagged<'a> {
    /// Universal POS tag (`NOUN`).
    pub upos: &'a str,
    /// Penn Treebank tag (`NNS`).
    pub xpos: &'a str,
    /// UD features, sorted and `|`-separated; empty for none.
    pub feats: &'a str,
}

/// Configures a [`Tagger`].
#[derive(Clone, Debug, Default)]
pub struct TaggerBuilder {
    bytes: Option<Vec<u8>>,
    style: Style,
}

impl TaggerBuilder {
    pub fn new() -> TaggerBuilder {
        TaggerBuilder::default()
    }

    /// Use this model file instead of the embedded one.
    pub fn model_bytes(mut self, bytes: Vec<u8>) -> TaggerBuilder {
        self.bytes = Some(bytes);
        self
    }

    /// Annotation conventions to follow (default [`Style::Gum`]).
    pub fn style(mut self, style: Style) -> TaggerBuilder {
        self.style = style;
        self
    }

    /// Loads the model (the embedded one is parsed once per process).
    pub fn build(self) -> Result<Tagger, ModelError> {
        Ok(match self.bytes {
            Some(b) => Tagger {
                model: Arc::new(TaggerModel::from_bytes(&b)?),
                version: CUSTOM_VERSION,
                style: self.style,
            },
            None => Tagger {
                model: embedded_tagger()?,
                version: VERSION,
                style: self.style,
            },
        })
    }
}

/// The tagger: `Send + Sync`, built once and reused.
#[derive(Clone, Debug)]
pub struct Tagger {
    model: Arc<TaggerModel>,
    version: &'static str,
    style: Style,
}

impl Tagger {
    /// The tagger with the embedded model.
    pub fn embedded() -> Result<Tagger, ModelError> {
        TaggerBuilder::new().build()
    }

    /// A tagger with the model in `bytes`.
    pub fn from_bytes(bytes: &[u8]) -> Result<Tagger, ModelError> {
        TaggerBuilder::new().model_bytes(bytes.to_vec()).build()
    }

    pub fn model(&self) -> &TaggerModel {
        &self.model
    }

    /// The same tagger following `style`'s conventions.
    pub fn with_style(&self, style: Style) -> Tagger {
        Tagger {
            style,
            ..self.clone()
        }
    }

    pub fn style(&self) -> Style {
        self.style
    }

    /// Tags the forms of one sentence (one result per form; an empty
    /// sentence gives an empty vector).
    pub fn tag<S: AsRef<str>>(&self, forms: &[S]) -> Vec<Tagged<'_>> {
        let mut out = Vec::with_capacity(forms.len());
        self.tag_with(forms, |_, t| out.push(t));
        out
    }

    /// Calls `f(i, tags)` for each form `i` of the sentence, in order,
    /// without allocating a result vector.
    pub fn tag_with<'s, S: AsRef<str>>(
        &'s self,
        forms: &[S],
        mut f: impl FnMut(usize, Tagged<'s>),
    ) {
        let m = &*self.model;
        SCRATCH.with(|s| {
            let mut s = s.borrow_mut();
            let (sc, tags, feats) = &mut *s;
            m.predict(forms, self.style as u8, sc, tags, feats);
            for i in 0..tags.len() {
                let (u, x) = &m.tags[tags[i] as usize];
                f(
                    i,
                    Tagged {
                        upos: u,
                        xpos: x,
                        feats: &m.feats[feats[i] as usize],
                    },
                );
            }
        });
    }
}

/// Makes `doc.words` parallel to `doc.tokens`; returns a diagnostic when it
/// had to replace a list of the wrong length.
fn ensure_words(doc: &mut Document, stage: &str) -> Option<Diagnostic> {
    if doc.words.len() == doc.tokens.len() {
        return None;
    }
    let diag = (!doc.words.is_empty()).then(|| {
        Diagnostic::warning(
            stage,
            "words-mismatch",
            format!(
                "{} words for {} tokens; words were reset",
                doc.words.len(),
                doc.tokens.len()
            ),
        )
    });
    doc.words.clear();
    doc.words.resize(doc.tokens.len(), Word::default());
    diag
}

/// Token ranges of the sentences (the whole token list when there are no
/// sentences), clamped to the tokens.
fn sentence_ranges(doc: &Document) -> Vec<std::ops::Range<usize>> {
    let n = doc.tokens.len();
    if doc.sentences.is_empty() {
        return std::iter::once(0..n).filter(|r| !r.is_empty()).collect();
    }
    doc.sentences
        .iter()
        .map(|s| {
            let r = s.token_range();
            r.start.min(n)..r.end.min(n).max(r.start.min(n))
        })
        .collect()
}

impl Annotator for Tagger {
    fn name(&self) -> &'static str {
        "tag"
    }

    fn version(&self) -> &str {
        self.version
    }

    fn annotate(&self, doc: &mut Document) -> Vec<Diagnostic> {
        let mut diags: Vec<Diagnostic> = ensure_words(doc, "tag").into_iter().collect();
        let mut forms: Vec<&str> = Vec::new();
        let mut tagged: Vec<(String, String, String)> = Vec::new();
        for r in sentence_ranges(doc) {
            forms.clear();
            forms.extend(
                doc.tokens[r.clone()]
                    .iter()
                    .map(|t| t.span.slice(&doc.text)),
            );
            tagged.clear();
            self.tag_with(&forms, |_, t| {
                tagged.push((t.upos.into(), t.xpos.into(), t.feats.into()))
            });
            for (w, (u, x, f)) in doc.words[r].iter_mut().zip(tagged.drain(..)) {
                w.upos = u;
                w.xpos = x;
                w.feats = f;
            }
        }
        if doc.tokens.is_empty() {
            diags.push(Diagnostic::info("tag", "no-tokens", "nothing to tag"));
        }
        diags
    }
}

/// Configures a [`Lemmatizer`].
#[derive(Clone, Debug, Default)]
pub struct LemmatizerBuilder {
    bytes: Option<Vec<u8>>,
    style: Style,
}

impl LemmatizerBuilder {
    pub fn new() -> LemmatizerBuilder {
        LemmatizerBuilder::default()
    }

    /// Use this model file instead of the embedded one.
    pub fn model_bytes(mut self, bytes: Vec<u8>) -> LemmatizerBuilder {
        self.bytes = Some(bytes);
        self
    }

    /// Annotation conventions to follow (default [`Style::Gum`]).
    pub fn style(mut self, style: Style) -> LemmatizerBuilder {
        self.style = style;
        self
    }

    pub fn build(self) -> Result<Lemmatizer, ModelError> {
        Ok(match self.bytes {
            Some(b) => Lemmatizer {
                model: Arc::new(LemmatizerModel::from_bytes(&b)?),
                version: CUSTOM_LEMMATIZER_VERSION,
                style: self.style,
            },
            None => Lemmatizer {
                model: embedded_lemmatizer()?,
                version: LEMMATIZER_VERSION,
                style: self.style,
            },
        })
    }
}

/// The lemmatiser: `Send + Sync`, built once and reused.
#[derive(Clone, Debug)]
pub struct Lemmatizer {
    model: Arc<LemmatizerModel>,
    version: &'static str,
    style: Style,
}

impl Lemmatizer {
    /// The lemmatiser with the embedded model.
    pub fn embedded() -> Result<Lemmatizer, ModelError> {
        LemmatizerBuilder::new().build()
    }

    /// A lemmatiser with the model in `bytes`.
    pub fn from_bytes(bytes: &[u8]) -> Result<Lemmatizer, ModelError> {
        LemmatizerBuilder::new().model_bytes(bytes.to_vec()).build()
    }

    pub fn model(&self) -> &LemmatizerModel {
        &self.model
    }

    /// The same lemmatiser following `style`'s conventions.
    pub fn with_style(&self, style: Style) -> Lemmatizer {
        Lemmatizer {
            style,
            ..self.clone()
        }
    }

    /// The lemma of `form` tagged `upos`/`xpos` (tags may be empty).
    pub fn lemmatize(&self, form: &str, upos: &str, xpos: &str) -> String {
        let mut out = String::new();
        self.model
            .lemmatize_into(form, upos, xpos, self.style as u8, &mut out);
        out
    }

    /// Like [`lemmatize`](Self::lemmatize), into a reused buffer.
    pub fn lemmatize_into(&self, form: &str, upos: &str, xpos: &str, out: &mut String) {
        self.model
            .lemmatize_into(form, upos, xpos, self.style as u8, out);
    }
}

impl Annotator for Lemmatizer {
    fn name(&self) -> &'static str {
        "lemma"
    }

    fn version(&self) -> &str {
        self.version
    }

    fn annotate(&self, doc: &mut Document) -> Vec<Diagnostic> {
        let mut diags: Vec<Diagnostic> = ensure_words(doc, "lemma").into_iter().collect();
        let mut untagged = 0usize;
        let mut out = String::new();
        for (t, w) in doc.tokens.iter().zip(doc.words.iter_mut()) {
            if w.upos.is_empty() && w.xpos.is_empty() {
                untagged += 1;
            }
            self.model.lemmatize_into(
                t.span.slice(&doc.text),
                &w.upos,
                &w.xpos,
                self.style as u8,
                &mut out,
            );
            w.lemma.clone_from(&out);
        }
        if untagged > 0 {
            diags.push(Diagnostic::warning(
                "lemma",
                "untagged",
                format!("{untagged} words had no tags (run the tagger first); lemmas are guesses"),
            ));
        }
        diags
    }
}

#[cfg(test)]
mod tests;
