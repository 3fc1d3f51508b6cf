//! Paragraph, sentence and token segmentation for news text.
//!
//! Tokens follow the UD English (EWT/GUM) conventions: contractions and
//! possessives are split off (`do|n't`, `Iraq|'s`, marked with
//! [`Token::joined_next`]), hyphenated words are split except after common
//! prefixes (`non-profit`), abbreviations keep their period (`U.S.`,
//! `Gen.`), numbers keep their separators (`2,500`, `3.5`) while units are
//! split off (`5 m`), URLs, e-mails, hashtags and @handles stay whole.
//! Every span is a byte span into the text; every non-whitespace byte of the
//! body belongs to exactly one token.
//!
//! The scanner works on bytes, allocates nothing per token, and looks words
//! up in `match`-compiled static sets.

mod abbrev;
mod chars;
mod model;
mod paragraph;
mod sentence;
mod tokenize;

use newsgraph_core::{Annotator, Diagnostic, Document, Paragraph, Sentence, Span, Token};
use std::sync::Arc;

/// Version of the segmentation behaviour (bump when output changes; 0.3.1:
/// `''` reads as an opening or closing mark from its context; 0.3.2: no
/// sentence runs past [`MAX_SENTENCE_TOKENS`]).
pub const VERSION: &str = "segment-0.3.2+sentences-20261125";

/// Version of the rules-only behaviour (the learned sentence model off).
pub const RULES_VERSION: &str = "segment-0.3.2+rules";

/// The most tokens a sentence holds. The longest sentence in the UD English
/// treebanks has 159; a run of thousands of tokens without a full stop is a
/// list, a table or hostile input, and later stages (the parser, the quote
/// and event rules) do per-sentence work that must stay bounded. A longer
/// run is cut after the last `;`, `,` or `:` of each piece, or at the cap
/// where the piece has none in its second half.
pub const MAX_SENTENCE_TOKENS: usize = 256;

/// Training support for the sentence-boundary model (used by
/// `newsgraph_eval::train`, i.e. `newsgraph train sentences`; not a stable API).
#[doc(hidden)]
pub mod learn {
    pub use crate::model::{instances, rule_feature, Model, BITS};
    use crate::Segmentation;

    /// Token ranges `(a, b)` of each paragraph of a segmentation.
    pub fn paragraph_token_ranges(seg: &Segmentation) -> Vec<(usize, usize)> {
        let mut out = Vec::with_capacity(seg.paragraphs.len());
        let mut i = 0;
        for p in &seg.paragraphs {
            let a = i;
            while i < seg.tokens.len() && seg.tokens[i].span.end <= p.span.end {
                i += 1;
            }
            out.push((a, i));
        }
        out
    }
}

/// Options fixed when the segmenter is built.
#[derive(Clone, Debug, Default)]
pub(crate) struct Options {
    /// Extra abbreviations, lowercase, without the final period.
    extra_abbrevs: Vec<Vec<u8>>,
    /// Keep `al-Nujaba` as one token (UD English splits it).
    keep_arabic_particles: bool,
}

impl Options {
    pub(crate) fn extra_abbrev(&self, word: &[u8]) -> bool {
        !self.extra_abbrevs.is_empty()
            && self
                .extra_abbrevs
                .iter()
                .any(|a| a.eq_ignore_ascii_case(word))
    }
}

/// Configures a [`Segmenter`].
#[derive(Clone, Debug)]
pub struct SegmenterBuilder {
    opts: Options,
    model: Option<Arc<model::Model>>,
}

impl Default for SegmenterBuilder {
    fn default() -> SegmenterBuilder {
        SegmenterBuilder {
            opts: Options::default(),
            model: model::embedded(),
        }
    }
}

impl SegmenterBuilder {
    pub fn new() -> SegmenterBuilder {
        SegmenterBuilder::default()
    }

    /// Adds abbreviations that keep their period and do not end a sentence
    /// unless a clear sentence start follows (`Brig`, `Gov't`); given with or
    /// without the final period, any case.
    pub fn abbreviations<I, S>(mut self, words: I) -> SegmenterBuilder
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        for w in words {
            let w = w.as_ref().trim().trim_end_matches('.');
            if !w.is_empty() {
                self.opts
                    .extra_abbrevs
                    .push(w.to_ascii_lowercase().into_bytes());
            }
        }
        self
    }

    /// Keeps Arabic name particles attached (`al-Nujaba`, `bin-Laden` as one
    /// token). Off by default: UD English splits them (`al - Nujaba`).
    pub fn keep_arabic_particles(mut self, keep: bool) -> SegmenterBuilder {
        self.opts.keep_arabic_particles = keep;
        self
    }

    /// Uses the learned sentence-boundary model (default: on). Off, the
    /// sentence splitter is the rules alone.
    pub fn sentence_model(mut self, on: bool) -> SegmenterBuilder {
        self.model = if on { model::embedded() } else { None };
        self
    }

    /// Uses the given sentence model (for training and evaluation).
    #[doc(hidden)]
    pub fn with_sentence_model(mut self, m: model::Model) -> SegmenterBuilder {
        self.model = Some(Arc::new(m));
        self
    }

    pub fn build(self) -> Segmenter {
        Segmenter {
            opts: self.opts,
            model: self.model,
        }
    }
}

/// Paragraphs, sentences and tokens of a text (see [`Segmenter::segment`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Segmentation {
    pub paragraphs: Vec<Paragraph>,
    pub sentences: Vec<Sentence>,
    pub tokens: Vec<Token>,
}

/// The segmenter: `Send + Sync`, built once and reused.
#[derive(Clone, Debug)]
pub struct Segmenter {
    opts: Options,
    model: Option<Arc<model::Model>>,
}

impl Default for Segmenter {
    fn default() -> Segmenter {
        Segmenter::new()
    }
}

impl Segmenter {
    /// A segmenter with the default options.
    pub fn new() -> Segmenter {
        SegmenterBuilder::new().build()
    }

    /// Segments `text[body]`. Spans are byte offsets into `text`. A body
    /// that does not fit the text is clamped (with a warning).
    pub fn segment(&self, text: &str, body: Span) -> (Segmentation, Vec<Diagnostic>) {
        let mut seg = Segmentation::default();
        let diags = self.segment_into(text, body, &mut seg);
        (seg, diags)
    }

    /// Like [`segment`](Self::segment), reusing the vectors of `seg`
    /// (cleared first).
    pub fn segment_into(&self, text: &str, body: Span, seg: &mut Segmentation) -> Vec<Diagnostic> {
        seg.paragraphs.clear();
        seg.sentences.clear();
        seg.tokens.clear();
        let mut diags = Vec::new();
        let (mut s, mut e) = (body.start as usize, body.end as usize);
        if e > text.len() || s > e || !text.is_char_boundary(s) || !text.is_char_boundary(e) {
            diags.push(
                Diagnostic::warning(
                    "segment",
                    "body-out-of-range",
                    format!(
                        "body {body:?} does not fit a text of {} bytes; clamped",
                        text.len()
                    ),
                )
                .with_span(body),
            );
            e = e.min(text.len());
            while !text.is_char_boundary(e) {
                e -= 1;
            }
            s = s.min(e);
            while !text.is_char_boundary(s) {
                s -= 1;
            }
        }
        let mut paras = Vec::new();
        paragraph::paragraphs(text, s, e, &mut paras);
        seg.tokens.reserve((e - s) / 5);
        let mut ranges = Vec::new();
        let mut scratch = model::Scratch::default();
        for (pi, p) in paras.iter().enumerate() {
            let a = seg.tokens.len();
            tokenize::Tokenizer::new(text, &mut seg.tokens, &self.opts)
                .run(p.start as usize, p.end as usize);
            let b = seg.tokens.len();
            ranges.clear();
            match &self.model {
                Some(m) => model::split(text, &seg.tokens, a, b, m, &mut scratch, &mut ranges),
                None => sentence::split(text, &seg.tokens, a, b, &mut ranges),
            }
            if ranges.iter().any(|&(x, y)| y - x > MAX_SENTENCE_TOKENS) {
                let longest = ranges.iter().map(|&(x, y)| y - x).max().unwrap_or(0);
                ranges = cap_sentences(text, &seg.tokens, &ranges);
                diags.push(Diagnostic::info(
                    "segment",
                    "long-sentence",
                    format!(
                        "a run of {longest} tokens without a sentence end in paragraph {pi} \
                         was cut into sentences of at most {MAX_SENTENCE_TOKENS}"
                    ),
                ));
            }
            for &(x, y) in &ranges {
                seg.sentences.push(Sentence {
                    span: Span {
                        start: seg.tokens[x].span.start,
                        end: seg.tokens[y - 1].span.end,
                    },
                    tokens: (x as u32, y as u32),
                    paragraph: pi as u32,
                });
            }
            seg.paragraphs.push(Paragraph { span: *p });
        }
        if seg.tokens.is_empty() && e > s {
            diags.push(Diagnostic::info(
                "segment",
                "empty-body",
                "the body holds only whitespace",
            ));
        }
        diags
    }
}

/// `ranges` with every sentence longer than [`MAX_SENTENCE_TOKENS`] cut
/// into pieces no longer: each piece ends after the last `;`, then `,` or
/// `:`, in its second half, or at the cap.
fn cap_sentences(text: &str, toks: &[Token], ranges: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut out = Vec::with_capacity(ranges.len());
    for &(x, y) in ranges {
        let mut s = x;
        while y - s > MAX_SENTENCE_TOKENS {
            let window = s + MAX_SENTENCE_TOKENS / 2..s + MAX_SENTENCE_TOKENS;
            let after_last = |marks: &[&str]| {
                window
                    .clone()
                    .rev()
                    .find(|&i| marks.contains(&toks[i].span.slice(text)))
                    .map(|i| i + 1)
            };
            let cut = after_last(&[";"])
                .or_else(|| after_last(&[",", ":"]))
                .unwrap_or(s + MAX_SENTENCE_TOKENS);
            out.push((s, cut));
            s = cut;
        }
        out.push((s, y));
    }
    out
}

impl Annotator for Segmenter {
    fn name(&self) -> &'static str {
        "segment"
    }

    fn version(&self) -> &str {
        if self.model.is_some() {
            VERSION
        } else {
            RULES_VERSION
        }
    }

    fn annotate(&self, doc: &mut Document) -> Vec<Diagnostic> {
        let (seg, diags) = self.segment(&doc.text, doc.layout.body);
        doc.paragraphs = seg.paragraphs;
        doc.sentences = seg.sentences;
        doc.tokens = seg.tokens;
        diags
    }
}

#[cfg(test)]
mod tests;
