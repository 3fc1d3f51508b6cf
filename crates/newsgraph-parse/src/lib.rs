//! Labelled dependency parsing with Universal Dependencies relations
//! (subtypes included: `nsubj:pass`, `compound:prt`, `obl:unmarked`, …).
//!
//! A greedy arc-hybrid transition parser (root at the end of the buffer)
//! scored by an averaged perceptron over hashed Zhang & Nivre (2011)-style
//! feature templates, trained with a dynamic oracle and error exploration
//! (Goldberg & Nivre 2013). The model (`models/parser.bin`, model card
//! `models/parser.md`) is embedded in the binary.
//!
//! The transition system only ever builds valid trees: exactly one word
//! hangs from the root (with `root`), every word is attached, no cycles.
//!
//! As an [`Annotator`] the parser reads `Document::words` (UPOS, XPOS,
//! FEATS, lemma: filled by the tagger) and fills `head` and `deprel`. When
//! no tagger has run (`words` empty), it adds an `untagged` diagnostic and
//! leaves the document alone: parsing without tags would be poor and
//! silently so.

mod model;
mod system;
pub mod train;

pub use model::Model;

use model::{best_valid, Scorer};
use newsgraph_core::{Annotator, Diagnostic, Document};
use std::sync::{Arc, OnceLock};
use system::{features, State, Tok, NF};

/// Version of the parser code and its shipped model.
pub const VERSION: &str = "parse-0.2.0+parser-20261201";

static EMBEDDED_BYTES: &[u8] = include_bytes!("../../../models/parser.bin");
static EMBEDDED: OnceLock<Result<Arc<Model>, String>> = OnceLock::new();

/// Errors of the parser crate.
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    /// The model bytes are not a valid model.
    #[error("parser model: {0}")]
    Model(String),
    /// Reading training or dev data failed.
    #[error(transparent)]
    Conllu(#[from] newsgraph_conllu::ConlluError),
    /// The training request cannot be carried out.
    #[error("{0}")]
    Invalid(String),
}

/// The shipped model, parsed once.
pub fn embedded_model() -> Result<Arc<Model>, ParseError> {
    EMBEDDED
        .get_or_init(|| {
            Model::from_bytes(EMBEDDED_BYTES)
                .map(Arc::new)
                .map_err(|e| e.to_string())
        })
        .clone()
        .map_err(ParseError::Model)
}

/// One word to parse, with its tags (from the tagger, or gold).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ParseToken<'a> {
    pub form: &'a str,
    pub upos: &'a str,
    pub xpos: &'a str,
    pub feats: &'a str,
    pub lemma: &'a str,
}

/// Configures a [`Parser`].
#[derive(Clone, Debug, Default)]
pub struct ParserBuilder {
    model: Option<Arc<Model>>,
}

impl ParserBuilder {
    pub fn new() -> ParserBuilder {
        ParserBuilder::default()
    }

    /// Uses the given model instead of the embedded one.
    pub fn model(mut self, m: Model) -> ParserBuilder {
        self.model = Some(Arc::new(m));
        self
    }

    /// Uses a model read from bytes (e.g. a retrained `parser.bin`).
    pub fn model_bytes(self, b: &[u8]) -> Result<ParserBuilder, ParseError> {
        Ok(self.model(Model::from_bytes(b)?))
    }

    pub fn build(self) -> Result<Parser, ParseError> {
        let model = match self.model {
            Some(m) => m,
            None => embedded_model()?,
        };
        Ok(Parser { model })
    }
}

/// The parser: `Send + Sync`, built once and reused on many threads.
#[derive(Clone, Debug)]
pub struct Parser {
    model: Arc<Model>,
}

/// Reusable buffers of one parse.
#[derive(Debug, Default)]
struct Scratch {
    state: State,
    toks: Vec<Tok>,
    scores: Vec<i64>,
}

impl Parser {
    /// A parser with the embedded model.
    pub fn new() -> Result<Parser, ParseError> {
        ParserBuilder::new().build()
    }

    pub fn model(&self) -> &Model {
        &self.model
    }

    /// Parses one sentence: for each word, its head (0 = root, else the
    /// 1-based index of the head word) and relation.
    pub fn parse(&self, words: &[ParseToken<'_>]) -> Vec<(usize, String)> {
        let mut scratch = Scratch::default();
        self.parse_ids(words, &mut scratch)
            .into_iter()
            .map(|(h, l)| (h, self.model.labels[l].clone()))
            .collect()
    }

    /// Like [`parse`](Self::parse) with label ids into
    /// `self.model().labels()`.
    fn parse_ids(&self, words: &[ParseToken<'_>], sc: &mut Scratch) -> Vec<(usize, usize)> {
        sc.toks.clear();
        sc.toks.extend(words.iter().map(|w| {
            system::tok_with_clusters(
                w.form,
                w.upos,
                w.xpos,
                w.feats,
                w.lemma,
                &self.model.clusters,
            )
        }));
        decode(&*self.model, &sc.toks, &mut sc.state, &mut sc.scores);
        tree(&sc.state, self.model.root)
    }
}

/// Greedy decoding of one sentence into `st`.
pub(crate) fn decode<S: Scorer>(m: &S, toks: &[Tok], st: &mut State, scores: &mut Vec<i64>) {
    let root = m.root_label();
    st.reset(toks.len());
    scores.resize(m.n_actions(), 0);
    let mut f = [0u64; NF];
    while !st.terminal() {
        features(st, toks, &mut f);
        m.score(&f, scores);
        let a = best_valid(st, scores, root);
        st.apply(a);
    }
}

/// Heads (0 = root, else 1-based) and label ids of a terminal state; any
/// word left without a head (never expected) goes to the root word, or
/// becomes the root when there is none.
pub(crate) fn tree(st: &State, root_label: usize) -> Vec<(usize, usize)> {
    let n = st.n;
    let mut root_word = (0..n).find(|&i| st.head[i] as usize == n);
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let h = st.head[i];
        if h == system::NONE {
            match root_word {
                Some(r) if r != i => out.push((r + 1, 0usize)),
                _ => {
                    root_word = Some(i);
                    out.push((0, root_label));
                }
            }
        } else if h as usize == n {
            out.push((0, root_label));
        } else {
            out.push((h as usize + 1, usize::from(st.label[i])));
        }
    }
    out
}

impl Annotator for Parser {
    fn name(&self) -> &'static str {
        "parse"
    }

    fn version(&self) -> &str {
        VERSION
    }

    fn annotate(&self, doc: &mut Document) -> Vec<Diagnostic> {
        if doc.tokens.is_empty() {
            return Vec::new();
        }
        if doc.words.len() != doc.tokens.len() {
            return vec![Diagnostic::warning(
                "parse",
                "untagged",
                "no part-of-speech tags (run the tagger first); dependencies not added",
            )];
        }
        let mut sc = Scratch::default();
        let sentences: Vec<_> = doc.sentences.iter().map(|s| s.token_range()).collect();
        for range in sentences {
            let parsed = {
                let words: Vec<ParseToken<'_>> = range
                    .clone()
                    .map(|i| {
                        let w = &doc.words[i];
                        ParseToken {
                            form: doc.tokens[i].span.slice(&doc.text),
                            upos: &w.upos,
                            xpos: &w.xpos,
                            feats: &w.feats,
                            lemma: &w.lemma,
                        }
                    })
                    .collect();
                self.parse_ids(&words, &mut sc)
            };
            for (k, (h, l)) in parsed.into_iter().enumerate() {
                let w = &mut doc.words[range.start + k];
                w.head = if h == 0 {
                    None
                } else {
                    Some((range.start + h - 1) as u32)
                };
                w.deprel.clone_from(&self.model.labels[l]);
            }
        }
        Vec::new()
    }
}

#[cfg(test)]
mod tests;
