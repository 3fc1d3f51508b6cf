//! Morphosyntax: what the tagger, lemmatiser and parser say about each token.

use serde::{Deserialize, Serialize};

/// The analysis of one token as a Universal Dependencies syntactic word.
///
/// `Document::words` runs parallel to `Document::tokens` (same length, same
/// order) once a tagger has run; each stage fills its own fields and leaves
/// the others alone, so a field is empty until its stage has run.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Word {
    /// Universal POS tag (`NOUN`, `PROPN`, …).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub upos: String,
    /// Penn Treebank tag (`NNS`, `VBD`, …).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub xpos: String,
    /// UD features, `|`-separated and sorted (`Number=Plur|Person=3`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub feats: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub lemma: String,
    /// Index into `Document::tokens` of the syntactic head, always inside the
    /// same sentence; `None` for the sentence's root (and before parsing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head: Option<u32>,
    /// UD relation to the head, with subtype (`nsubj:pass`); `root` for the
    /// root.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub deprel: String,
}
