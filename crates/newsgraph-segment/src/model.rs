//! Learned sentence boundaries: an averaged perceptron over hashed sparse
//! features, scored at a few candidate token boundaries of a paragraph.
//!
//! The rule-based splitter ([`crate::sentence`]) runs first; its decision is
//! one (strong) feature of the model. Weights are quantised `i16` in a
//! fixed-size hash table (`data/sentences.bin`, see `data/sentences.md`),
//! embedded in the binary and parsed once.

use crate::abbrev::is_sentence_starter;
use crate::chars::{BYTE_CLASS, B_DIGIT, B_LOWER, B_UPPER};
use crate::sentence::{self, candidate, Cand};
use newsgraph_core::{QuoteDir, Token, TokenKind};
use std::sync::{Arc, OnceLock};

/// Bits of the feature hash table (2^BITS weights).
pub const BITS: u32 = 18;
const MASK: u32 = (1 << BITS) - 1;
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
        let w = self.weights();
        feats
            .iter()
            .map(|&f| i32::from(w[(f & MASK) as usize]))
            .sum()
    }

    /// [`score`](Self::score) of a fixed-size feature array.
    #[inline]
    fn score_array(&self, feats: &[u32; NF]) -> i32 {
        let w = self.weights();
        let mut s = 0i32;
        for &f in feats {
            s += i32::from(w[(f & MASK) as usize]);
        }
        s
    }

    /// The weight table (its length is checked by `from_bytes`).
    #[inline]
    fn weights(&self) -> &[i16; 1 << BITS] {
        match <&[i16; 1 << BITS]>::try_from(&self.w[..]) {
            Ok(w) => w,
            Err(_) => unreachable!("weight table of the wrong size"),
        }
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
/// for URLs and the like) and its shape (kind, first character class, case
/// pattern, final period, length), in one pass over the token's bytes.
#[inline(never)]
fn form_shape(text: &str, t: &Token) -> (u64, u64) {
    let s = t.span.slice(text).as_bytes();
    let mut h = FNV;
    // Number of uppercase letters, and the `B_*` classes seen, in the
    // first 16 bytes.
    let mut up = 0u32;
    let mut seen = 0u8;
    let head = &s[..s.len().min(16)];
    match t.kind {
        TokenKind::Url | TokenKind::Email | TokenKind::Mention | TokenKind::Hashtag => {
            h = 2 + t.kind as u64;
            for &c in head {
                let k = BYTE_CLASS[c as usize];
                up += u32::from(k & B_UPPER != 0);
                seen |= k;
            }
        }
        TokenKind::Number => {
            for &c in head {
                let k = BYTE_CLASS[c as usize];
                up += u32::from(k & B_UPPER != 0);
                seen |= k;
            }
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
            for &c in head {
                let k = BYTE_CLASS[c as usize];
                up += u32::from(k & B_UPPER != 0);
                seen |= k;
                // `k & B_UPPER` is 8: shifted to 0x20, the lowercase bit.
                let lc = c | (k & B_UPPER) << 2;
                h = (h ^ u64::from(lc)).wrapping_mul(0x100_0000_01b3);
            }
            for &c in s.iter().take(20).skip(16) {
                h = (h ^ u64::from(c.to_ascii_lowercase())).wrapping_mul(0x100_0000_01b3);
            }
        }
    }
    let lo = seen & B_LOWER != 0;
    let dg = seen & B_DIGIT != 0;
    let Some(&c0) = s.first() else {
        return (h, 0xFFFE);
    };
    let mut first = class(c0);
    if first == 4 {
        first = match text[t.span.start as usize..].chars().next() {
            Some(c) if c.is_uppercase() => 1,
            Some(c) if c.is_lowercase() => 0,
            _ => 4,
        };
    }
    let len = match s.len() {
        0..=1 => 0,
        2 => 1,
        3 => 2,
        4..=5 => 3,
        6..=8 => 4,
        _ => 5,
    };
    let shape = (t.kind as u64)
        | first << 4
        | u64::from(up > 0 && !lo) << 7
        | u64::from(up > 1 && lo) << 8
        | u64::from(s.len() > 1 && s[s.len() - 1] == b'.') << 9
        | u64::from(dg) << 10
        | len << 11;
    (h, shape)
}

/// Form and shape of the paragraph edge.
const EDGE_FORM: u64 = 1;
const EDGE_SHAPE: u64 = 0xFFFF;

#[inline]
fn class(c: u8) -> u64 {
    match c {
        b'a'..=b'z' => 0,
        b'A'..=b'Z' => 1,
        b'0'..=b'9' => 2,
        0x80.. => 4,
        _ => 3,
    }
}

#[inline]
fn cand_code(c: Option<Cand>) -> u8 {
    match c {
        None => 0,
        Some(Cand::Strong) => 1,
        Some(Cand::Ellipsis) => 2,
        Some(Cand::Abbrev) => 3,
        Some(Cand::Title) => 4,
        Some(Cand::Emoticon) => 5,
    }
}

#[inline]
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

/// Per-token feature parts of a paragraph, computed at most once per token
/// (each token is looked at by up to four neighbouring candidates).
#[derive(Clone, Copy, Default, Debug)]
struct Slot {
    form: u64,
    shape: u64,
    cand: u8,
    /// Bit 0: `form`/`shape` are set; bit 1: `cand` is set.
    have: u8,
}

const HAVE_FS: u8 = 1;
const HAVE_CAND: u8 = 2;

/// Paragraph-level state carried along the token stream, with the lazily
/// filled per-token parts of `toks[a..b]`.
struct State<'s> {
    quote_depth: u32,
    bracket_depth: u32,
    a: usize,
    b: usize,
    slots: &'s mut [Slot],
}

impl<'s> State<'s> {
    fn new(a: usize, b: usize, slots: &'s mut Vec<Slot>) -> State<'s> {
        slots.clear();
        slots.resize(b.saturating_sub(a), Slot::default());
        State {
            quote_depth: 0,
            bracket_depth: 0,
            a,
            b,
            slots,
        }
    }

    /// (form, shape) of `toks[i]` or of the paragraph edge.
    #[inline(always)]
    fn form_shape(&mut self, text: &str, toks: &[Token], i: usize) -> (u64, u64) {
        if i < self.a || i >= self.b {
            return (EDGE_FORM, EDGE_SHAPE);
        }
        let slot = &mut self.slots[i - self.a];
        if slot.have & HAVE_FS == 0 {
            let (f, s) = form_shape(text, &toks[i]);
            slot.form = f;
            slot.shape = s;
            slot.have |= HAVE_FS;
        }
        (slot.form, slot.shape)
    }

    /// Candidate code of `toks[i]` (0 at the paragraph edge).
    #[inline]
    fn cand(&mut self, text: &str, toks: &[Token], i: usize) -> u64 {
        if i < self.a || i >= self.b {
            return 0;
        }
        let slot = &mut self.slots[i - self.a];
        if slot.have & HAVE_CAND == 0 {
            slot.cand = cand_code(candidate(text, &toks[i]));
            slot.have |= HAVE_CAND;
        }
        u64::from(slot.cand)
    }

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

/// Number of hashed features per candidate boundary.
const NF: usize = 29;

/// Features of the boundary before `toks[j]` (`a < j < b`), `last` being
/// the start of the current sentence and `rule` the rules' decision.
#[inline]
fn features(
    text: &str,
    toks: &[Token],
    j: usize,
    last: usize,
    rule: bool,
    st: &mut State<'_>,
) -> [u32; NF] {
    let b = st.b;
    let (fpp, spp) = st.form_shape(text, toks, j.wrapping_sub(2));
    let cpp = st.cand(text, toks, j.wrapping_sub(2));
    let (fp, sp) = st.form_shape(text, toks, j - 1);
    let cp = st.cand(text, toks, j - 1);
    let (fn_, sn) = st.form_shape(text, toks, j);
    let (fnn, snn) = st.form_shape(text, toks, j + 1);
    let n = (j < b).then(|| &toks[j]);
    let r = u64::from(rule);
    let dist = bucket(j - last);
    let rem = bucket(b - j);
    let starter = n.is_some_and(|n| is_sentence_starter(n.span.slice(text).as_bytes()));
    let depth = u64::from(st.quote_depth.min(2)) | u64::from(st.bracket_depth.min(2)) << 2;
    [
        mix(0, 0, 0),
        mix(1, r, 0),
        mix(2, r, cp | cpp << 4),
        mix(3, fp, 0),
        mix(4, fn_, 0),
        mix(5, sp, 0),
        mix(6, sn, 0),
        mix(7, fpp, 0),
        mix(8, fnn, 0),
        mix(9, spp, 0),
        mix(10, snn, 0),
        mix(11, fp, sn),
        mix(12, sp, fn_),
        mix(13, sp, sn),
        mix(14, spp << 20 | sp, sn),
        mix(15, fp, fn_),
        mix(16, dist, r),
        mix(17, dist, sp),
        mix(18, rem, r),
        mix(19, rem, sn),
        mix(20, u64::from(starter), r | cp << 1),
        mix(21, depth, r),
        mix(22, depth, sp << 20 | sn),
        mix(23, cp | cpp << 4 | r << 8, sn),
        mix(24, fpp, fp),
        mix(25, sn, snn),
        mix(26, fp, r),
        mix(27, fpp ^ fp.rotate_left(17), dist),
        mix(28, fp, dist),
    ]
}

/// The hashed feature that carries the rules' decision alone (the trainer
/// shifts its weights to lean on the rules).
pub fn rule_feature(rule: bool) -> u32 {
    mix(1, u64::from(rule), 0)
}

/// Scratch buffers reused across paragraphs.
#[derive(Default, Debug)]
pub(crate) struct Scratch {
    rules: Vec<(usize, usize)>,
    slots: Vec<Slot>,
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
    let rules = &mut scratch.rules;
    rules.clear();
    let mut st = State::new(a, b, &mut scratch.slots);
    {
        // The rules look at every token's candidate kind: keep those for
        // the features.
        let slots = &mut *st.slots;
        sentence::split_with(text, toks, a, b, rules, |i, c| {
            let s = &mut slots[i - a];
            s.cand = cand_code(c);
            s.have |= HAVE_CAND;
        });
    }
    let rules = &scratch.rules;
    let mut ri = 1; // rules[ri].0 is the next rule start
    let mut last = a;
    if a < b {
        st.step(text, &toks[a]);
    }
    for j in a + 1..b {
        let rule = rules.get(ri).is_some_and(|r| r.0 == j);
        if rule {
            ri += 1;
        }
        let is_quote = |t: &Token, dir| t.kind == TokenKind::Quote && t.quote == Some(dir);
        // Evaluated only where a branch below needs it (most tokens are
        // neither rule boundaries nor right after a sentence start).
        let capitalised = || starts_uppercase(text, &toks[j]);
        let at_quote = || {
            is_quote(&toks[j], QuoteDir::Open)
                || (is_quote(&toks[j - 1], QuoteDir::Close) && capitalised())
        };
        if rule && at_quote() {
            // `… said. "Next` and `… again." Next`: sentence-final punctuation
            // next to a quotation mark. The rules are near-certain here and
            // the UD training data under-represents news quoting, so the
            // model (which missed most of these on BBC news) is not asked.
            out.push((last, j));
            last = j;
        } else if !rule && last == j - 1 && name_like(text, &toks[j - 1]) && capitalised() {
            // `… in the category. Mike Leigh is …`: the model, trained partly
            // on e-mail and forum text where signature lines run together,
            // would make a one-word sentence of a first name. In news that is
            // a name cut in two, which breaks every later stage.
        } else if rule || is_candidate(text, &toks[j - 1], &toks[j]) {
            let feats = features(text, toks, j, last, rule, &mut st);
            if model.score_array(&feats) > 0 {
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
    sentence::split(text, toks, a, b, &mut rules);
    let mut ri = 1;
    let mut slots = Vec::new();
    let mut st = State::new(a, b, &mut slots);
    let mut last = a;
    let mut missed = 0;
    if a < b {
        st.step(text, &toks[a]);
    }
    for j in a + 1..b {
        let rule = rules.get(ri).is_some_and(|r| r.0 == j);
        if rule {
            ri += 1;
        }
        let y = gold(j);
        if rule || is_candidate(text, &toks[j - 1], &toks[j]) {
            let feats = features(text, toks, j, last, rule, &mut st);
            out.push((feats.to_vec(), y));
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

/// A capitalised word.
fn name_like(text: &str, t: &Token) -> bool {
    t.kind == TokenKind::Word && starts_uppercase(text, t)
}

/// Whether the token's first char is uppercase (ASCII tested on the byte).
#[inline]
fn starts_uppercase(text: &str, t: &Token) -> bool {
    let s = t.span.start as usize;
    match text.as_bytes().get(s) {
        Some(&c) if c < 0x80 => c.is_ascii_uppercase(),
        _ => text[s..].starts_with(char::is_uppercase),
    }
}
