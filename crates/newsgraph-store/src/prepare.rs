//! Turning a [`Document`] into rows, on the worker threads.
//!
//! Everything that costs CPU (char offsets, source offsets, the token blob,
//! shingles and band keys, JSON) is computed here, in parallel, so that the
//! single writer only binds values and inserts.

use crate::{codec, dedup};
use newsgraph_core::{CharIndex, Document, Span};

/// Offsets of one record, in the three kinds the outputs render.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Offsets {
    pub start: u32,
    pub end: u32,
    pub char_start: u64,
    pub char_end: u64,
    pub source_start: u64,
    pub source_end: u64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SentenceRow {
    pub offsets: Offsets,
    pub paragraph: u32,
    pub tokens: (u32, u32),
}

/// A document ready to be written.
#[derive(Clone, Debug)]
pub struct PreparedDoc {
    pub doc: Document,
    pub stages: String,
    pub diagnostics: Option<String>,
    pub chars: u64,
    pub source_map: Option<Vec<u8>>,
    pub paragraphs: Vec<Offsets>,
    pub sentences: Vec<SentenceRow>,
    pub tokens: Vec<u8>,
    pub shingles: Vec<u64>,
    pub band_keys: Vec<i64>,
}

impl PreparedDoc {
    /// Prepares `doc` for writing. The document's `raw` bytes are dropped
    /// (the store keeps the text and the source map, which point back at the
    /// original file).
    pub fn new(mut doc: Document) -> PreparedDoc {
        doc.raw = Vec::new();
        let ci = CharIndex::new(&doc.text);
        let offsets = |s: Span| {
            let (source_start, source_end) = doc.source_span(s);
            Offsets {
                start: s.start,
                end: s.end,
                char_start: ci.char_of(s.start as usize) as u64,
                char_end: ci.char_of(s.end as usize) as u64,
                source_start,
                source_end,
            }
        };
        let paragraphs = doc.paragraphs.iter().map(|p| offsets(p.span)).collect();
        let sentences = doc
            .sentences
            .iter()
            .map(|s| SentenceRow {
                offsets: offsets(s.span),
                paragraph: s.paragraph,
                tokens: s.tokens,
            })
            .collect();
        let chars = ci.char_of(doc.text.len()) as u64;
        let shingles = dedup::shingles(doc.layout.body.slice(&doc.text));
        let band_keys = dedup::band_keys(&shingles);
        PreparedDoc {
            stages: stages_json(&doc.stages),
            diagnostics: (!doc.diagnostics.is_empty())
                .then(|| serde_json::to_string(&doc.diagnostics).unwrap_or_default()),
            chars,
            source_map: codec::encode_source_map(&doc.source_map),
            paragraphs,
            sentences,
            tokens: codec::encode_tokens(&doc.tokens),
            shingles,
            band_keys,
            doc,
        }
    }
}

/// The JSON form of stage stamps stored in `documents.stages` and
/// `runs.stages`: `[{"stage":"ingest","version":"ingest-0.1.0"},…]`.
pub fn stages_json(stages: &[newsgraph_core::StageStamp]) -> String {
    serde_json::to_string(stages).unwrap_or_else(|_| "[]".into())
}
