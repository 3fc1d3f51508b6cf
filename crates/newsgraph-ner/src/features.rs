//! Token features of the NER perceptron: word, affixes, shapes, neighbours,
//! word clusters, gazetteer matches and document-level casing evidence.

use crate::hash::{fnv, mix, KeyMap, FNV};
use newsgraph_linear::clusters::WordClusters;

/// Gazetteer categories (bits of a phrase's category mask).
pub(crate) const N_GAZ: usize = 6;
/// A country's own name (`Iraq`, `United States`).
pub const GAZ_COUNTRY: u8 = 1;
/// Another name of a country: demonyms, capitals, regions (`Iraqi`, `Baghdad`).
pub const GAZ_COUNTRY_ALIAS: u8 = 2;
/// A person (an actor entry with dated codes: office holders).
pub const GAZ_PERSON: u8 = 4;
/// An organisation, force or group (any other actor entry).
pub const GAZ_ORG: u8 = 8;
/// An agent: a common noun giving a sector (`minister`, `rebels`).
pub const GAZ_AGENT: u8 = 16;
/// A nationality or religious-group word (our own list).
pub const GAZ_NORP: u8 = 32;

/// Longest gazetteer phrase, in tokens.
pub(crate) const GAZ_MAX: usize = 6;

/// The gazetteer key of one token: `newsgraph_dict::normalize` of its text.
pub(crate) fn gaz_token(form: &str) -> String {
    newsgraph_dict::normalize(form)
}

/// Hash of a normalised phrase (tokens' keys joined by single spaces).
pub(crate) fn phrase_key(norm: &str) -> u64 {
    fnv(FNV ^ 0x0067_617a, norm.as_bytes())
}

/// Word shape: `Xxxx`, `XX`, `x-Xxx`, `dd` (runs of one class longer than
/// two collapse to two; `long` keeps up to four).
fn shape(form: &str, long: bool) -> u64 {
    let mut h = FNV;
    let mut last = 0u8;
    let mut run = 0;
    let max = if long { 4 } else { 1 };
    for c in form.chars().take(40) {
        let k = if c.is_uppercase() {
            b'X'
        } else if c.is_lowercase() {
            b'x'
        } else if c.is_numeric() {
            b'd'
        } else if c.is_alphabetic() {
            b'a'
        } else if c.is_ascii() {
            c as u8
        } else {
            b'*'
        };
        if k == last {
            run += 1;
            if run >= max {
                continue;
            }
        } else {
            run = 0;
            last = k;
        }
        h = fnv(h, &[k]);
    }
    h
}

/// Per-document flags of a lowercased word.
pub(crate) const DOC_CAP_MID: u8 = 1;
pub(crate) const DOC_LOWER: u8 = 2;

/// What the features need of one token, precomputed once per sentence.
#[derive(Clone, Debug, Default)]
pub(crate) struct Tok {
    pub(crate) lower: u64,
    form: u64,
    shape: u64,
    sshape: u64,
    pre: [u64; 4],
    suf: [u64; 4],
    cl: [u16; 3],
    has_cl: bool,
    /// Gazetteer position per category: 0 none, 1 B, 2 I, 3 L, 4 U.
    pub(crate) gaz: [u8; N_GAZ],
    pub(crate) doc: u8,
    hyph: u64,
    first: bool,
    cap: bool,
    len: u8,
}

/// Sentence-level context the features need.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct SentCtx {
    pub(crate) all_caps: bool,
}

/// Whether a sentence is written in capitals (a headline).
pub(crate) fn all_caps<S: AsRef<str>>(forms: &[S]) -> bool {
    let mut letters = 0;
    for f in forms {
        for c in f.as_ref().chars() {
            if c.is_lowercase() {
                return false;
            }
            if c.is_uppercase() {
                letters += 1;
            }
        }
    }
    letters >= 4
}

/// Tables the features read.
pub(crate) struct Tables<'a> {
    pub(crate) clusters: &'a WordClusters,
    pub(crate) gaz: &'a KeyMap<u64, u8>,
}

pub(crate) fn lower_key(lower: &str) -> u64 {
    fnv(FNV ^ 0x006c_6f77, lower.as_bytes())
}

/// Builds the tokens of a sentence.
pub(crate) fn sentence_toks<S: AsRef<str>>(
    forms: &[S],
    tables: &Tables<'_>,
    doc_flags: &KeyMap<u64, u8>,
    out: &mut Vec<Tok>,
) {
    out.clear();
    let mut lower = String::new();
    for (i, f) in forms.iter().enumerate() {
        let form = f.as_ref();
        lower.clear();
        lower.extend(form.chars().flat_map(char::to_lowercase));
        let lk = lower_key(&lower);
        // Affixes of 1–4 characters (the whole word when shorter).
        let nchars = lower.chars().count();
        let mut pre = [0u64; 4];
        let mut suf = [0u64; 4];
        let lb = lower.as_bytes();
        for k in 0..4 {
            let n = (k + 1).min(nchars);
            let p_end = lower.char_indices().nth(n).map_or(lower.len(), |(b, _)| b);
            let s_start = lower
                .char_indices()
                .nth(nchars - n)
                .map_or(lower.len(), |(b, _)| b);
            pre[k] = fnv(FNV ^ 1, &lb[..p_end]);
            suf[k] = fnv(FNV ^ 2, &lb[s_start..]);
        }
        let cl = tables.clusters.of_form(form);
        // For hyphenated words (`al-Nujaba`, `Baghdad-based`): the last part.
        let hyph = match lower.rfind('-') {
            Some(p) if p > 0 && p + 1 < lower.len() => fnv(FNV ^ 3, &lower.as_bytes()[p + 1..]),
            _ => 0,
        };
        out.push(Tok {
            lower: lk,
            form: fnv(FNV ^ 4, form.as_bytes()),
            shape: shape(form, true),
            sshape: shape(form, false),
            pre,
            suf,
            cl: cl.unwrap_or([0; 3]),
            has_cl: cl.is_some(),
            gaz: [0; N_GAZ],
            doc: doc_flags.get(&lk).copied().unwrap_or(0),
            hyph,
            first: i == 0,
            cap: form.chars().next().is_some_and(char::is_uppercase),
            len: nchars.min(12) as u8,
        });
    }
    gazetteer(forms, tables.gaz, out);
}

/// Marks, per category, the longest gazetteer matches (left to right).
#[allow(clippy::needless_range_loop)]
fn gazetteer<S: AsRef<str>>(forms: &[S], gaz: &KeyMap<u64, u8>, toks: &mut [Tok]) {
    if gaz.is_empty() {
        return;
    }
    let norms: Vec<String> = forms.iter().map(|f| gaz_token(f.as_ref())).collect();
    let n = forms.len();
    // longest[i][c] = length of the longest phrase of category c starting at i.
    let mut longest = vec![[0u8; N_GAZ]; n];
    let mut key = String::new();
    for i in 0..n {
        if norms[i].is_empty() {
            continue;
        }
        key.clear();
        for l in 0..GAZ_MAX.min(n - i) {
            let w = &norms[i + l];
            if w.is_empty() {
                break;
            }
            if l > 0 {
                key.push(' ');
            }
            key.push_str(w);
            if let Some(&mask) = gaz.get(&phrase_key(&key)) {
                for (c, slot) in longest[i].iter_mut().enumerate() {
                    if mask & (1 << c) != 0 {
                        *slot = (l + 1) as u8;
                    }
                }
            }
        }
    }
    for c in 0..N_GAZ {
        let mut i = 0;
        while i < n {
            let l = longest[i][c] as usize;
            if l == 0 {
                i += 1;
                continue;
            }
            if l == 1 {
                toks[i].gaz[c] = 4;
            } else {
                toks[i].gaz[c] = 1;
                for t in &mut toks[i + 1..i + l - 1] {
                    t.gaz[c] = 2;
                }
                toks[i + l - 1].gaz[c] = 3;
            }
            i += l;
        }
    }
}

const PAD: u64 = 0x0050_4144;

fn at(t: &[Tok], i: isize) -> Option<&Tok> {
    if i < 0 {
        None
    } else {
        t.get(i as usize)
    }
}

/// Features that do not depend on predictions. Unused slots hash to
/// distinct keys that simply carry little weight.
pub(crate) fn static_feats(t: &[Tok], i: usize, ctx: SentCtx, out: &mut Vec<u32>) {
    out.clear();
    let w = &t[i];
    let ii = i as isize;
    let lw = |k: isize| at(t, ii + k).map_or(PAD ^ k as u64, |x| x.lower);
    let sh = |k: isize| at(t, ii + k).map_or(PAD ^ k as u64, |x| x.sshape);
    let caps = u64::from(ctx.all_caps);
    let mut f = |tpl: u64, a: u64, b: u64| out.push(mix(tpl, a, b));
    f(0, 0, 0);
    f(1, w.lower, 0);
    f(2, w.form, 0);
    f(3, w.shape, 0);
    f(4, w.sshape, caps);
    for k in 0..4 {
        f(5 + k as u64, w.pre[k], 0);
        f(9 + k as u64, w.suf[k], 0);
    }
    f(13, lw(-1), 0);
    f(14, lw(1), 0);
    f(15, lw(-2), 0);
    f(16, lw(2), 0);
    f(17, sh(-1), caps);
    f(18, sh(1), caps);
    f(19, lw(-1), w.lower);
    f(20, w.lower, lw(1));
    f(21, sh(-1) ^ sh(1).rotate_left(17), w.sshape);
    f(22, u64::from(w.first), w.shape);
    if w.has_cl {
        f(23, u64::from(w.cl[0]), 0);
        f(24, u64::from(w.cl[1]), 0);
        f(25, u64::from(w.cl[2]), 0);
        f(26, u64::from(w.cl[1]), w.sshape);
    }
    for (tpl, k) in [(27u64, -1isize), (29, 1)] {
        match at(t, ii + k) {
            Some(x) if x.has_cl => {
                f(tpl, u64::from(x.cl[1]), 0);
                f(tpl + 1, u64::from(x.cl[2]), 0);
            }
            Some(_) => f(tpl, 1 << 20, 0),
            None => f(tpl, 1 << 21, 0),
        }
    }
    // Gazetteers: this token's position in each category's match, and the
    // neighbours' categories.
    let mut any = 0u64;
    for c in 0..N_GAZ {
        let g = w.gaz[c];
        if g != 0 {
            f(31, c as u64, u64::from(g));
            f(32, c as u64, u64::from(g) ^ (w.sshape << 4));
            any |= 1 << c;
        }
    }
    f(33, any, 0);
    for (tpl, k) in [(34u64, -1isize), (35, 1)] {
        if let Some(x) = at(t, ii + k) {
            let mut m = 0u64;
            for c in 0..N_GAZ {
                if x.gaz[c] != 0 {
                    m |= 1 << c;
                }
            }
            f(tpl, m, 0);
        }
    }
    // Document evidence: the word is capitalised mid-sentence elsewhere, or
    // written in lower case elsewhere.
    f(36, u64::from(w.doc), w.sshape);
    f(37, u64::from(w.doc), caps ^ (u64::from(w.first) << 1));
    f(38, w.hyph, 0);
    f(39, u64::from(w.len), w.sshape);
    f(
        40,
        u64::from(w.cap) | (u64::from(w.first) << 1) | (caps << 2),
        0,
    );
    f(41, lw(-1), w.sshape);
    f(42, w.sshape, lw(1));
    if let Some(p) = at(t, ii - 1) {
        f(43, p.suf[2], w.sshape);
    }
    if let Some(n) = at(t, ii + 1) {
        f(44, n.suf[2], w.sshape);
        f(45, u64::from(n.doc), n.sshape);
    }
    if w.has_cl {
        f(46, u64::from(w.cl[2]), u64::from(w.doc));
    }
    f(47, w.lower, caps);
}

/// Features of the previous predictions and the document history.
pub(crate) fn dyn_feats(
    t: &[Tok],
    i: usize,
    p1: u16,
    p2: u16,
    hist: u16,
    vote: u16,
    out: &mut Vec<u32>,
) {
    let w = &t[i];
    if vote != 0 {
        out.push(mix(107, u64::from(vote), 0));
        out.push(mix(108, u64::from(vote), w.sshape));
    }
    let (p1, p2, hist) = (u64::from(p1), u64::from(p2), u64::from(hist));
    out.push(mix(100, p1, 0));
    out.push(mix(101, p1, p2));
    out.push(mix(102, p1, w.lower));
    out.push(mix(103, p1, w.sshape));
    out.push(mix(104, hist, 0));
    out.push(mix(105, hist, w.sshape));
    out.push(mix(106, hist, p1));
}
