//! Learned sentence boundaries: an averaged perceptron over hashed sparse
//! features, scored at a few candidate token boundaries of a paragraph.
//!
//! The rule-based splitter ([`crate::sentence`]) runs first; its decision is
//! one (strong) feature of the model. Weights are quantised `i16` in a
//! fixed-size hash table (`data/sentences.bin`, see `data/sentences.md`),
//! embedded in the binary and parsed once.

use crate::abbrev::is_sentence_starter;
use crate::sentence::{self, candidate, Cand};
use newsgraph_core::{QuoteDir, Token, TokenKind};
use std::sync::{Arc, OnceLock};

/// Bits of the feature hash table (2^BITS weights).
pub const BITS: u32 = 18;
const MAGIC: &[u8; 4] = b"NGSB";
const FORMAT: u32 = 1;

static EMBEDDED_BYTES: &[u8] = include_bytes!("../data/sentences.bin");
static EMBEDDED: OnceLock<Option<Arc<Model>>> = OnceLock::new();

/// The model shipped with the crate (`None` when the embedded file is
/// missing or malformed: the segmenter then uses the rules alone).
pub(crate) fn embedded() -> Option<Arc<Model>> {
    EMBEDDED
        .get_or_init(|| Model::from_bytes(EMBEDDED_BYTES).map(Arc::new))
        .clone()
}

/// Quantised perceptron weights.
#[derive(Clone, PartialEq, Eq)]
pub struct Model {
    w: Vec<i16>,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Model")
            .field("weights", &self.w.len())
            .finish()
    }
}

impl Model {
    /// Parses `NGSB`, format `u32`, bits `u32`, scale `f32`, then 2^bits
    /// little-endian `i16` weights.
    pub fn from_bytes(b: &[u8]) -> Option<Model> {
        if b.len() < 16 || &b[..4] != MAGIC {
            return None;
        }
        let u = |i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
        if u(4) != FORMAT || u(8) != BITS {
            return None;
        }
        let body = &b[16..];
        if body.len() != 2 << BITS {
            return None;
        }
        let w = body
            .chunks_exact(2)
            .map(|c| i16::from_le_bytes([c[0], c[1]]))
            .collect();
        Some(Model { w })
    }

    /// Quantises float weights (2^BITS of them) into the file format.
    pub fn to_bytes(w: &[f32]) -> Vec<u8> {
        assert_eq!(w.len(), 1 << BITS);
        let max = w.iter().fold(0f32, |m, x| m.max(x.abs())).max(1e-9);
        let scale = 32767.0 / max;
        let mut out = Vec::with_capacity(16 + 2 * w.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT.to_le_bytes());
        out.extend_from_slice(&BITS.to_le_bytes());
        out.extend_from_slice(&scale.to_le_bytes());
        for x in w {
            let q = (x * scale).round().clamp(-32767.0, 32767.0) as i16;
            out.extend_from_slice(&q.to_le_bytes());
        }
        out
    }

    #[inline]
    pub fn score(&self, feats: &[u32]) -> i32 {
        let mask = (1u32 << BITS) - 1;
        feats
            .iter()
            .map(|&f| i32::from(self.w[(f & mask) as usize]))
            .sum()
    }
}

#[inline]
fn mix(t: u64, a: u64, b: u64) -> u32 {
    let mut h = t.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ a;
    h = h.wrapping_mul(0xBF58_476D_1CE4_E5B9) ^ b;
    h = (h ^ (h >> 31)).wrapping_mul(0x94D0_49BB_1331_11EB);
    (h >> 32) as u32
}

const FNV: u64 = 0xcbf2_9ce4_8422_2325;

/// Hash of the token's lowercase form (digit pattern for numbers, the kind
/// for URLs and the like).
fn form(text: &str, t: Option<&Token>) -> u64 {
    let Some(t) = t else { return 1 };
    let s = t.span.slice(text).as_bytes();
    let mut h = FNV;
    match t.kind {
        TokenKind::Url | TokenKind::Email | TokenKind::Mention | TokenKind::Hashtag => {
            return 2 + t.kind as u64
        }
        TokenKind::Number => {
            let mut last = 0u8;
            for &c in s.iter().take(24) {
                let c = if c.is_ascii_digit() { b'd' } else { c };
                if c != last || c != b'd' {
                    h = (h ^ u64::from(c)).wrapping_mul(0x100_0000_01b3);
                }
                last = c;
            }
        }
        _ => {
            for &c in s.iter().take(20) {
                h = (h ^ u64::from(c.to_ascii_lowercase())).wrapping_mul(0x100_0000_01b3);
            }
        }
    }
    h
}

fn class(c: u8) -> u64 {
    match c {
        b'a'..=b'z' => 0,
        b'A'..=b'Z' => 1,
        b'0'..=b'9' => 2,
        0x80.. => 4,
        _ => 3,
    }
}

/// Kind, first character class, case pattern, final period, length.
fn shape(text: &str, t: Option<&Token>) -> u64 {
    let Some(t) = t else { return 0xFFFF };
    let s = t.span.slice(text).as_bytes();
    let Some(&c0) = s.first() else { return 0xFFFE };
    let mut first = class(c0);
    if first == 4 {
        first = match text[t.span.start as usize..].chars().next() {
            Some(c) if c.is_uppercase() => 1,
            Some(c) if c.is_lowercase() => 0,
            _ => 4,
        };
    }
    let (mut up, mut lo, mut dg) = (0u64, 0u64, 0u64);
    for &c in s.iter().take(16) {
        up += u64::from(c.is_ascii_uppercase());
        lo += u64::from(c.is_ascii_lowercase());
        dg += u64::from(c.is_ascii_digit());
    }
    let len = match s.len() {
        0..=1 => 0,
        2 => 1,
        3 => 2,
        4..=5 => 3,
        6..=8 => 4,
        _ => 5,
    };
    (t.kind as u64)
        | first << 4
        | u64::from(up > 0 && lo == 0) << 7
        | u64::from(up > 1 && lo > 0) << 8
        | u64::from(s.len() > 1 && s[s.len() - 1] == b'.') << 9
        | u64::from(dg > 0) << 10
        | len << 11
}

fn cand_code(text: &str, t: Option<&Token>) -> u64 {
    match t.and_then(|t| candidate(text, t)) {
        None => 0,
        Some(Cand::Strong) => 1,
        Some(Cand::Ellipsis) => 2,
        Some(Cand::Abbrev) => 3,
        Some(Cand::Title) => 4,
        Some(Cand::Emoticon) => 5,
    }
}

fn bucket(n: usize) -> u64 {
    match n {
        0..=3 => n as u64,
        4..=5 => 4,
        6..=8 => 5,
        9..=12 => 6,
        13..=20 => 7,
        21..=35 => 8,
        _ => 9,
    }
}

/// Whether the boundary before `toks[j]` is worth scoring: the rules split
/// there, or whitespace separates the tokens and either the left one is
/// punctuation-like or the right one does not start in lowercase.
#[inline]
fn is_candidate(text: &str, p: &Token, n: &Token) -> bool {
    if !p.space_after {
        return false;
    }
    let c = text.as_bytes()[n.span.start as usize];
    if c.is_ascii_lowercase() {
        return !matches!(p.kind, TokenKind::Word | TokenKind::Number)
            || text.as_bytes()[p.span.end as usize - 1] == b'.';
    }
    !(n.kind == TokenKind::Punct && matches!(c, b',' | b';' | b':' | b')' | b']' | b'}' | b'.'))
}

/// Paragraph-level state carried along the token stream, with a small
/// cache of per-token feature parts (each token is looked at by up to four
/// neighbouring candidates).
#[derive(Default)]
struct State {
    quote_depth: u32,
    bracket_depth: u32,
    cache: [(usize, u64, u64, u64); 8],
}

impl State {
    /// (form, shape, candidate code) of `toks[i]` or of the paragraph edge.
    #[inline]
    fn parts(
        &mut self,
        text: &str,
        toks: &[Token],
        a: usize,
        b: usize,
        i: usize,
    ) -> (u64, u64, u64) {
        if i < a || i >= b {
            return (form(text, None), shape(text, None), 0);
        }
        let slot = &mut self.cache[i & 7];
        if slot.0 != i + 1 {
            let t = Some(&toks[i]);
            *slot = (i + 1, form(text, t), shape(text, t), cand_code(text, t));
        }
        (slot.1, slot.2, slot.3)
    }
}

impl State {
    #[inline]
    fn step(&mut self, text: &str, t: &Token) {
        match t.kind {
            TokenKind::Quote => match t.quote {
                Some(QuoteDir::Open) => self.quote_depth += 1,
                _ => self.quote_depth = self.quote_depth.saturating_sub(1),
            },
            TokenKind::Punct => match text.as_bytes()[t.span.start as usize] {
                b'(' | b'[' | b'{' => self.bracket_depth += 1,
                b')' | b']' | b'}' => self.bracket_depth = self.bracket_depth.saturating_sub(1),
                _ => {}
            },
            _ => {}
        }
    }
}

/// Features of the boundary before `toks[j]` (`a < j < b`), `last` being
/// the start of the current sentence and `rule` the rules' decision.
#[allow(clippy::too_many_arguments)]
fn features(
    text: &str,
    toks: &[Token],
    a: usize,
    b: usize,
    j: usize,
    last: usize,
    rule: bool,
    st: &mut State,
    out: &mut Vec<u32>,
) {
    out.clear();
    let (fpp, spp, cpp) = st.parts(text, toks, a, b, j.wrapping_sub(2));
    let (fp, sp, cp) = st.parts(text, toks, a, b, j - 1);
    let (fn_, sn, _) = st.parts(text, toks, a, b, j);
    let (fnn, snn, _) = st.parts(text, toks, a, b, j + 1);
    let n = (j < b).then(|| &toks[j]);
    let r = u64::from(rule);
    let dist = bucket(j - last);
    let rem = bucket(b - j);
    let starter = n.is_some_and(|n| is_sentence_starter(n.span.slice(text).as_bytes()));
    let depth = u64::from(st.quote_depth.min(2)) | u64::from(st.bracket_depth.min(2)) << 2;
    let mut f = |t: u64, x: u64, y: u64| out.push(mix(t, x, y));
    f(0, 0, 0);
    f(1, r, 0);
    f(2, r, cp | cpp << 4);
    f(3, fp, 0);
    f(4, fn_, 0);
    f(5, sp, 0);
    f(6, sn, 0);
    f(7, fpp, 0);
    f(8, fnn, 0);
    f(9, spp, 0);
    f(10, snn, 0);
    f(11, fp, sn);
    f(12, sp, fn_);
    f(13, sp, sn);
    f(14, spp << 20 | sp, sn);
    f(15, fp, fn_);
    f(16, dist, r);
    f(17, dist, sp);
    f(18, rem, r);
    f(19, rem, sn);
    f(20, u64::from(starter), r | cp << 1);
    f(21, depth, r);
    f(22, depth, sp << 20 | sn);
    f(23, cp | cpp << 4 | r << 8, sn);
    f(24, fpp, fp);
    f(25, sn, snn);
    f(26, fp, r);
    f(27, fpp ^ fp.rotate_left(17), dist);
    f(28, fp, dist);
}

/// The hashed feature that carries the rules' decision alone (the trainer
/// shifts its weights to lean on the rules).
pub fn rule_feature(rule: bool) -> u32 {
    mix(1, u64::from(rule), 0)
}

/// Rule boundaries of `toks[a..b]` as a sorted list of sentence starts
/// (excluding `a`).
fn rule_starts(text: &str, toks: &[Token], a: usize, b: usize, scratch: &mut Vec<(usize, usize)>) {
    scratch.clear();
    sentence::split(text, toks, a, b, scratch);
}

/// Scratch buffers reused across paragraphs.
#[derive(Default, Debug)]
pub(crate) struct Scratch {
    rules: Vec<(usize, usize)>,
    feats: Vec<u32>,
}

/// Sentence ranges of `toks[a..b]` decided by `model`.
pub(crate) fn split(
    text: &str,
    toks: &[Token],
    a: usize,
    b: usize,
    model: &Model,
    scratch: &mut Scratch,
    out: &mut Vec<(usize, usize)>,
) {
    rule_starts(text, toks, a, b, &mut scratch.rules);
    let mut ri = 1; // rules[ri].0 is the next rule start
    let mut st = State::default();
    let mut last = a;
    if a < b {
        st.step(text, &toks[a]);
    }
    for j in a + 1..b {
        let rule = scratch.rules.get(ri).is_some_and(|r| r.0 == j);
        if rule {
            ri += 1;
        }
        if rule || is_candidate(text, &toks[j - 1], &toks[j]) {
            features(text, toks, a, b, j, last, rule, &mut st, &mut scratch.feats);
            if model.score(&scratch.feats) > 0 {
                out.push((last, j));
                last = j;
            }
        }
        st.step(text, &toks[j]);
    }
    if last < b {
        out.push((last, b));
    }
}

/// Training instances of the paragraph `toks[a..b]`: the features of each
/// candidate boundary and whether `gold(j)` says a sentence starts at `j`
/// (the distance feature uses the gold boundaries). Returns how many gold
/// boundaries were not candidates.
pub fn instances(
    text: &str,
    toks: &[Token],
    a: usize,
    b: usize,
    gold: &dyn Fn(usize) -> bool,
    out: &mut Vec<(Vec<u32>, bool)>,
) -> usize {
    let mut rules = Vec::new();
    rule_starts(text, toks, a, b, &mut rules);
    let mut ri = 1;
    let mut st = State::default();
    let mut last = a;
    let mut missed = 0;
    if a < b {
        st.step(text, &toks[a]);
    }
    let mut feats = Vec::new();
    for j in a + 1..b {
        let rule = rules.get(ri).is_some_and(|r| r.0 == j);
        if rule {
            ri += 1;
        }
        let y = gold(j);
        if rule || is_candidate(text, &toks[j - 1], &toks[j]) {
            features(text, toks, a, b, j, last, rule, &mut st, &mut feats);
            out.push((feats.clone(), y));
        } else if y {
            missed += 1;
        }
        if y {
            last = j;
        }
        st.step(text, &toks[j]);
    }
    missed
}
