//! Per-token hashes and the feature templates of the tagger.

use crate::hash::{fnv, mix, KeyMap, FNV};

/// Hashes of one token's strings, computed once per sentence.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Tok {
    pub exact: u64,
    pub lower: u64,
    /// Suffixes of 1..=4 chars of the lowercase form.
    pub suf: [u64; 4],
    /// Prefixes of 1..=4 chars of the lowercase form.
    pub pre: [u64; 4],
    pub shape: u64,
    pub flags: u64,
    /// Ambiguity class: a hash of the tags the word had in training
    /// ([`UNKNOWN_CLASS`] for words seen fewer than twice). It lets a greedy
    /// left-to-right tagger see what the words to its right can be.
    pub amb: u64,
    /// Word clusters (coarse, middle, fine) learned from bulk news, or
    /// [`UNKNOWN_CLUSTERS`].
    pub cl: [u64; 3],
}

/// Cluster ids of words without clusters.
pub(crate) const UNKNOWN_CLUSTERS: [u64; 3] = [0xC10, 0xC11, 0xC12];

/// The key of a word in the cluster table: a hash of the lowercase form with
/// ASCII digits as `0` (the normalisation of `newsgraph_embed::normalize`).
pub(crate) fn cluster_key(lower: &str) -> u64 {
    let mut h = FNV ^ 0xE3B;
    for &b in lower.as_bytes() {
        h = fnv(h, &[if b.is_ascii_digit() { b'0' } else { b }]);
    }
    h
}

/// Ambiguity class of words without one.
pub(crate) const UNKNOWN_CLASS: u64 = 0x55;

const F_HYPHEN: u64 = 1;
const F_DIGIT: u64 = 2;
const F_UPPER: u64 = 4;
const F_TITLE: u64 = 8;
const F_ALLCAPS: u64 = 16;
const F_FIRST: u64 = 32;
const F_ALPHA: u64 = 64;
const F_PERIOD: u64 = 128;

impl Tok {
    fn pad(v: u64) -> Tok {
        Tok {
            exact: v,
            lower: v,
            suf: [v; 4],
            pre: [v; 4],
            shape: v,
            flags: v << 16,
            amb: v << 8,
            cl: [v << 4; 3],
        }
    }

    /// Hashes `form`; `lower` is scratch space.
    pub(crate) fn new(form: &str, first: bool, lower: &mut String) -> Tok {
        lower.clear();
        let (mut up, mut lo, mut dig, mut letters, mut nchars) = (0u32, 0u32, 0u32, 0u32, 0usize);
        let mut flags = 0u64;
        let mut shape = FNV;
        let (mut last, mut run) = (0u8, 0u8);
        for (i, c) in form.chars().enumerate() {
            nchars += 1;
            let s = if c.is_ascii() {
                let b = c as u8;
                lower.push(b.to_ascii_lowercase() as char);
                match b {
                    b'A'..=b'Z' => {
                        up += 1;
                        letters += 1;
                        if i == 0 {
                            flags |= F_TITLE;
                        }
                        b'X'
                    }
                    b'a'..=b'z' => {
                        lo += 1;
                        letters += 1;
                        b'x'
                    }
                    b'0'..=b'9' => {
                        dig += 1;
                        b'd'
                    }
                    b'-' => {
                        flags |= F_HYPHEN;
                        b'-'
                    }
                    b'.' => {
                        flags |= F_PERIOD;
                        b'.'
                    }
                    _ => b,
                }
            } else {
                if c.is_uppercase() {
                    up += 1;
                    letters += 1;
                    if i == 0 {
                        flags |= F_TITLE;
                    }
                } else if c.is_alphabetic() {
                    lo += 1;
                    letters += 1;
                } else if c.is_numeric() {
                    dig += 1;
                }
                lower.extend(c.to_lowercase());
                if c.is_uppercase() {
                    b'X'
                } else if c.is_alphabetic() {
                    b'x'
                } else if c.is_numeric() {
                    b'd'
                } else {
                    b'o'
                }
            };
            if s == last {
                run = run.saturating_add(1);
            } else {
                run = 0;
                last = s;
            }
            if run < 2 {
                shape = fnv(shape, &[s]);
            }
        }
        let _ = lo;
        if dig > 0 {
            flags |= F_DIGIT;
        }
        if up > 0 {
            flags |= F_UPPER;
        }
        if up > 1 && up == letters {
            flags |= F_ALLCAPS;
        }
        if letters > 0 {
            flags |= F_ALPHA;
        }
        if first {
            flags |= F_FIRST;
        }
        let lb = lower.as_bytes();
        let mut suf = [0u64; 4];
        let mut pre = [0u64; 4];
        // Char boundaries of the lowercase form, from the end and the start.
        let mut ends = [lb.len(); 4];
        for (k, (i, _)) in lower.char_indices().rev().take(4).enumerate() {
            ends[k] = i;
        }
        for k in 0..4 {
            let start = if k < nchars { ends[k] } else { 0 };
            suf[k] = fnv(FNV ^ (k as u64 + 1), &lb[start..]);
        }
        let mut starts = [lb.len(); 4];
        for (k, (i, c)) in lower.char_indices().take(4).enumerate() {
            starts[k] = i + c.len_utf8();
        }
        for k in 0..4 {
            pre[k] = fnv(FNV ^ (k as u64 + 11), &lb[..starts[k]]);
        }
        Tok {
            exact: fnv(FNV, form.as_bytes()),
            lower: fnv(FNV ^ 7, lb),
            suf,
            pre,
            shape,
            flags,
            amb: UNKNOWN_CLASS,
            cl: UNKNOWN_CLUSTERS,
        }
    }
}

/// Hashes the forms of a sentence, with two padding tokens on each side;
/// `classes` maps exact-form hashes ([`dict_key`]) to ambiguity classes.
pub(crate) fn sentence_toks<S: AsRef<str>>(
    forms: &[S],
    classes: &KeyMap<u64, u64>,
    clusters: &KeyMap<u64, [u16; 3]>,
    out: &mut Vec<Tok>,
    lower: &mut String,
) {
    out.clear();
    out.push(Tok::pad(0xA1));
    out.push(Tok::pad(0xA2));
    for (i, f) in forms.iter().enumerate() {
        let mut t = Tok::new(f.as_ref(), i == 0, lower);
        if let Some(&c) = classes.get(&t.exact) {
            t.amb = c;
        }
        if !clusters.is_empty() {
            if let Some(c) = clusters.get(&cluster_key(lower)) {
                t.cl = c.map(u64::from);
            }
        }
        out.push(t);
    }
    out.push(Tok::pad(0xB1));
    out.push(Tok::pad(0xB2));
}

/// The exact-form hash the tag dictionary is keyed by.
pub(crate) fn dict_key(form: &str) -> u64 {
    fnv(FNV, form.as_bytes())
}

/// Context-independent tagger features per token, before the copies
/// conjoined with the annotation style.
const N_BASE: usize = 39;
/// The base features that also get a copy conjoined with the style.
const STYLED: [usize; 10] = [0, 2, 5, 6, 11, 13, 15, 22, 23, 25];
/// Number of context-independent tagger features per token.
pub(crate) const N_STATIC: usize = N_BASE + STYLED.len();
/// Number of tagger features that depend on the previous predictions.
pub(crate) const N_DYN: usize = 9;

/// Tagger features of token `i` (index into the unpadded sentence) that do
/// not depend on earlier predictions.
pub(crate) fn static_feats(t: &[Tok], i: usize, style: u8, out: &mut [u32; N_STATIC]) {
    let p = i + 2;
    let (w, m1, m2, p1, p2) = (&t[p], &t[p - 1], &t[p - 2], &t[p + 1], &t[p + 2]);
    let base = [
        mix(0, 0, 0),
        mix(1, w.exact, 0),
        mix(2, w.lower, 0),
        mix(3, w.suf[0], 0),
        mix(4, w.suf[1], 0),
        mix(5, w.suf[2], 0),
        mix(6, w.suf[3], 0),
        mix(7, w.pre[0], 0),
        mix(8, w.pre[1], 0),
        mix(9, w.pre[2], 0),
        mix(10, w.pre[3], 0),
        mix(11, w.shape, 0),
        mix(12, w.flags, 0),
        mix(13, m1.lower, 0),
        mix(14, m2.lower, 0),
        mix(15, p1.lower, 0),
        mix(16, p2.lower, 0),
        mix(17, m1.suf[2], 0),
        mix(18, p1.suf[2], 0),
        mix(19, p1.suf[0], 0),
        mix(20, m1.shape, w.shape),
        mix(21, p1.shape, w.shape),
        mix(22, m1.lower, w.lower),
        mix(23, w.lower, p1.lower),
        mix(24, m1.suf[1], w.suf[2]),
        mix(25, w.flags, w.suf[2]),
        mix(40, w.amb, 0),
        mix(41, p1.amb, 0),
        mix(42, p2.amb, 0),
        mix(43, w.amb, p1.amb),
        mix(44, m1.amb, w.amb),
        mix(45, p1.amb, p2.amb),
        mix(50, w.cl[0], 0),
        mix(51, w.cl[1], 0),
        mix(52, w.cl[2], 0),
        mix(53, p1.cl[1], 0),
        mix(54, m1.cl[1], 0),
        mix(55, p1.cl[2], w.cl[1]),
        mix(56, w.cl[2], w.suf[2]),
    ];
    out[..N_BASE].copy_from_slice(&base);
    for (k, &j) in STYLED.iter().enumerate() {
        out[N_BASE + k] = mix(200 + j as u64, u64::from(base[j]), u64::from(style));
    }
}

/// Tagger features of token `i` given the two previous predicted tags.
#[inline]
pub(crate) fn dyn_feats(t: &[Tok], i: usize, t1: u16, t2: u16, style: u8, out: &mut [u32; N_DYN]) {
    let w = &t[i + 2];
    let (a, b) = (u64::from(t1), u64::from(t2));
    *out = [
        mix(30, a, 0),
        mix(31, b, 0),
        mix(32, a, b),
        mix(33, a, w.lower),
        mix(34, a, w.suf[2]),
        mix(35, a, u64::from(style)),
        mix(36, (a << 16) ^ b, u64::from(style)),
        mix(37, a, t[i + 3].amb),
        mix(38, a, w.amb),
    ];
}

const N_MORPH_BASE: usize = 14;
/// Number of features of the FEATS model (each also conjoined with the style).
pub(crate) const N_MORPH: usize = 2 * N_MORPH_BASE;

/// FEATS-model features of token `i`, given the tags of the sentence.
pub(crate) fn morph_feats(t: &[Tok], tags: &[u16], i: usize, style: u8, out: &mut [u32; N_MORPH]) {
    let p = i + 2;
    let tg = |j: isize| -> u64 {
        let k = i as isize + j;
        if k < 0 {
            0xF000 + (-k) as u64
        } else if k as usize >= tags.len() {
            0xF100 + k as u64 - tags.len() as u64
        } else {
            u64::from(tags[k as usize])
        }
    };
    let tag = tg(0);
    let (w, m1, m2, p1) = (&t[p], &t[p - 1], &t[p - 2], &t[p + 1]);
    let base = [
        mix(100, tag, 0),
        mix(101, tag, w.lower),
        mix(102, tag, w.suf[0]),
        mix(103, tag, w.suf[1]),
        mix(104, tag, w.suf[2]),
        mix(105, tag, tg(-1)),
        mix(106, tag, tg(1)),
        mix(107, tag, m1.lower),
        mix(108, tag, p1.lower),
        mix(109, tag, (tg(-1) << 16) ^ tg(1)),
        mix(110, tag, m2.lower),
        mix(111, tag, tg(-2)),
        mix(112, tag, w.flags),
        mix(113, tag ^ (m1.lower << 16), w.lower),
    ];
    out[..N_MORPH_BASE].copy_from_slice(&base);
    for (k, &f) in base.iter().enumerate() {
        out[N_MORPH_BASE + k] = mix(300 + k as u64, u64::from(f), u64::from(style));
    }
}
