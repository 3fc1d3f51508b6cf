//! The arc-hybrid transition system (Kuhlmann et al. 2011) with the root at
//! the end of the buffer (Ballesteros & Nivre 2013), its dynamic oracle
//! (Goldberg & Nivre 2013), and the feature templates.
//!
//! Words are numbered `0..n`; the artificial root is `n`, the last item of
//! the buffer. Transitions:
//! - `SHIFT`: moves the buffer front onto the stack (never the root);
//! - `LEFT(l)`: `s0` becomes a dependent of `b0` with label `l`, pop `s0`;
//! - `RIGHT(l)`: `s0` becomes a dependent of `s1` with label `l`, pop `s0`.
//!
//! `LEFT` from the root is allowed only when the stack holds one word and
//! only with the `root` label; no other arc takes `root`. So every terminal
//! configuration is a tree with exactly one root word, and some transition
//! is always valid: parsing cannot fail.

/// Action codes: 0 = shift, `1 + 2l` = left with label `l`, `2 + 2l` =
/// right with label `l`.
pub(crate) const SHIFT: usize = 0;
pub(crate) const NONE: u32 = u32::MAX;

/// Per-word inputs to the features (hashes).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Tok {
    /// Normalised lowercase form.
    pub w: u64,
    /// UPOS and XPOS together.
    pub t: u64,
    /// UPOS alone.
    pub u: u64,
    /// Last three characters of the lowercase form.
    pub sfx: u64,
    /// Morphological features (the whole FEATS string).
    pub f: u64,
    /// Lemma.
    pub lem: u64,
    /// Word cluster (middle granularity) learned from bulk news.
    pub c: u64,
    /// Word cluster (finest granularity).
    pub cf: u64,
}

/// Cluster ids (middle, fine) by [`cluster_key`].
pub(crate) type ClusterMap = std::collections::HashMap<u64, [u16; 2]>;

/// Cluster hashes of words without clusters.
const UNKNOWN_CLUSTER: u64 = 3;

/// The key of a word in the cluster table: the form lowercased with ASCII
/// digits as `0`, the normalisation of `newsgraph_embed::normalize`.
pub(crate) fn cluster_key(form: &str) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64 ^ 21;
    let mut feed = |b: u8| {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100_0000_01b3);
    };
    let mut buf = [0u8; 4];
    for c in form.chars() {
        if c.is_ascii_digit() {
            feed(b'0');
        } else {
            for lc in c.to_lowercase() {
                for &b in lc.encode_utf8(&mut buf).as_bytes() {
                    feed(b);
                }
            }
        }
    }
    h
}

/// [`tok`] with the word's clusters looked up in `clusters`.
pub(crate) fn tok_with_clusters(
    form: &str,
    upos: &str,
    xpos: &str,
    feats: &str,
    lemma: &str,
    clusters: &ClusterMap,
) -> Tok {
    let mut t = tok(form, upos, xpos, feats, lemma);
    if let Some(&[c, cf]) = clusters.get(&cluster_key(form)) {
        t.c = 0x100 + u64::from(c);
        t.cf = 0x10000 + u64::from(cf);
    }
    t
}

const NULL_TOK: Tok = Tok {
    w: 1,
    t: 1,
    u: 1,
    sfx: 1,
    f: 1,
    lem: 1,
    c: 1,
    cf: 1,
};
const ROOT_TOK: Tok = Tok {
    w: 2,
    t: 2,
    u: 2,
    sfx: 2,
    f: 2,
    lem: 2,
    c: 2,
    cf: 2,
};

/// A parser configuration.
#[derive(Clone, Debug, Default)]
pub(crate) struct State {
    pub n: usize,
    pub stack: Vec<u32>,
    /// Buffer front (`n` = only the root is left).
    pub b: usize,
    pub head: Vec<u32>,
    pub label: Vec<u16>,
    lc1: Vec<u32>,
    lc2: Vec<u32>,
    rc1: Vec<u32>,
    rc2: Vec<u32>,
    nl: Vec<u16>,
    nr: Vec<u16>,
    lset: Vec<u64>,
    rset: Vec<u64>,
}

impl State {
    pub fn reset(&mut self, n: usize) {
        self.n = n;
        self.stack.clear();
        self.b = 0;
        for v in [
            &mut self.head,
            &mut self.lc1,
            &mut self.lc2,
            &mut self.rc1,
            &mut self.rc2,
        ] {
            v.clear();
            v.resize(n + 1, NONE);
        }
        self.label.clear();
        self.label.resize(n + 1, 0);
        self.nl.clear();
        self.nl.resize(n + 1, 0);
        self.nr.clear();
        self.nr.resize(n + 1, 0);
        self.lset.clear();
        self.lset.resize(n + 1, 0);
        self.rset.clear();
        self.rset.resize(n + 1, 0);
    }

    pub fn terminal(&self) -> bool {
        self.b >= self.n && self.stack.is_empty()
    }

    /// Whether action `a` is allowed (`root` is the id of the root label).
    #[inline]
    pub fn valid(&self, a: usize, root: usize) -> bool {
        let at_root = self.b >= self.n;
        if a == SHIFT {
            return !at_root;
        }
        let l = (a - 1) / 2;
        if a % 2 == 1 {
            // left
            if at_root {
                self.stack.len() == 1 && l == root
            } else {
                !self.stack.is_empty() && l != root
            }
        } else {
            self.stack.len() >= 2 && l != root
        }
    }

    fn attach(&mut self, d: u32, h: u32, l: u16) {
        let (du, hu) = (d as usize, h as usize);
        self.head[du] = h;
        self.label[du] = l;
        let bit = 1u64 << (l % 64);
        if d < h {
            // New left children are always further left.
            self.lc2[hu] = self.lc1[hu];
            self.lc1[hu] = d;
            self.nl[hu] = self.nl[hu].saturating_add(1);
            self.lset[hu] |= bit;
        } else {
            self.rc2[hu] = self.rc1[hu];
            self.rc1[hu] = d;
            self.nr[hu] = self.nr[hu].saturating_add(1);
            self.rset[hu] |= bit;
        }
    }

    /// Applies a valid action.
    pub fn apply(&mut self, a: usize) {
        if a == SHIFT {
            self.stack.push(self.b as u32);
            self.b += 1;
            return;
        }
        let l = ((a - 1) / 2) as u16;
        let s0 = self.stack.pop().unwrap_or(NONE);
        if a % 2 == 1 {
            self.attach(s0, self.b as u32, l);
        } else {
            let s1 = *self.stack.last().unwrap_or(&NONE);
            self.attach(s0, s1, l);
        }
    }

    /// Dynamic-oracle costs (arcs of `gold` made unreachable) of shift,
    /// left and right, ignoring labels. `gold[i]` is the head of word `i`
    /// (`n` for the root).
    pub fn costs(&self, gold: &[u32]) -> [u32; 3] {
        let n = self.n;
        let b = self.b;
        let st = &self.stack;
        let mut c = [0u32; 3];
        // shift: b0 loses heads in S \ s0 and dependents in S.
        if b < n {
            let b0 = b as u32;
            let top = st.len().saturating_sub(1);
            for (k, &s) in st.iter().enumerate() {
                if gold[b] == s && k != top {
                    c[0] += 1;
                }
                if gold[s as usize] == b0 {
                    c[0] += 1;
                }
            }
        } else {
            c[0] = u32::MAX;
        }
        if let Some(&s0) = st.last() {
            let s0u = s0 as usize;
            let deps_in_buffer = (b..n).filter(|&d| gold[d] == s0).count() as u32;
            let h = gold[s0u] as usize;
            let s1 = if st.len() >= 2 {
                st[st.len() - 2] as usize
            } else {
                usize::MAX
            };
            // left: s0 loses heads s1 and β \ b0, and its dependents in β.
            c[1] = deps_in_buffer + u32::from(h == s1 || (h > b && h <= n));
            // right: s0 loses heads in β, and its dependents in β.
            c[2] = if st.len() >= 2 {
                deps_in_buffer + u32::from(h >= b && h <= n)
            } else {
                u32::MAX
            };
        } else {
            c[1] = u32::MAX;
            c[2] = u32::MAX;
        }
        c
    }

    /// The full cost of action `a` given the unlabelled costs.
    #[inline]
    pub fn action_cost(&self, a: usize, c: &[u32; 3], gold: &[u32], glab: &[u16]) -> u32 {
        if a == SHIFT {
            return c[0];
        }
        let l = ((a - 1) / 2) as u16;
        let Some(&s0) = self.stack.last() else {
            return u32::MAX;
        };
        let s0 = s0 as usize;
        if a % 2 == 1 {
            let extra = u32::from(gold[s0] as usize == self.b && glab[s0] != l);
            c[1].saturating_add(extra)
        } else {
            let s1 = self.stack[self.stack.len() - 2];
            let extra = u32::from(gold[s0] == s1 && glab[s0] != l);
            c[2].saturating_add(extra)
        }
    }
}

/// Number of feature templates.
pub(crate) const NF: usize = 104;

#[inline]
fn mix(t: u64, a: u64) -> u64 {
    let mut h = (t ^ 0x9E37_79B9_7F4A_7C15).wrapping_mul(0xBF58_476D_1CE4_E5B9) ^ a;
    h = (h ^ (h >> 29)).wrapping_mul(0x94D0_49BB_1331_11EB);
    h ^ (h >> 32)
}

#[inline]
fn f1(t: u64, a: u64) -> u64 {
    mix(t, a)
}
#[inline]
fn f2(t: u64, a: u64, b: u64) -> u64 {
    mix(mix(t, a), b)
}
#[inline]
fn f3(t: u64, a: u64, b: u64, c: u64) -> u64 {
    mix(mix(mix(t, a), b), c)
}

#[inline]
fn dist_bucket(d: usize) -> u64 {
    match d {
        0 => 0,
        1 => 1,
        2 => 2,
        3 => 3,
        4 => 4,
        5..=6 => 5,
        7..=10 => 6,
        _ => 7,
    }
}

/// Fills `out` with the hashed features of the configuration.
pub(crate) fn features(st: &State, toks: &[Tok], out: &mut [u64; NF]) {
    let n = st.n;
    let tok = |i: u32| -> Tok {
        if i == NONE {
            NULL_TOK
        } else if i as usize >= n {
            ROOT_TOK
        } else {
            toks[i as usize]
        }
    };
    let lab = |i: u32| -> u64 {
        if i == NONE {
            0xFFFF
        } else {
            u64::from(st.label[i as usize])
        }
    };
    let k = st.stack.len();
    let s0i = if k >= 1 { st.stack[k - 1] } else { NONE };
    let s1i = if k >= 2 { st.stack[k - 2] } else { NONE };
    let s2i = if k >= 3 { st.stack[k - 3] } else { NONE };
    let b0i = st.b as u32;
    let b1i = if st.b < n { (st.b + 1) as u32 } else { NONE };
    let b2i = if st.b + 1 < n {
        (st.b + 2) as u32
    } else {
        NONE
    };
    let g = |v: &Vec<u32>, i: u32| if i == NONE { NONE } else { v[i as usize] };
    let s0l = g(&st.lc1, s0i);
    let s0l2 = g(&st.lc2, s0i);
    let s0r = g(&st.rc1, s0i);
    let s0r2 = g(&st.rc2, s0i);
    let s1l = g(&st.lc1, s1i);
    let s1r = g(&st.rc1, s1i);
    let b0l = g(&st.lc1, b0i);
    let b0l2 = g(&st.lc2, b0i);
    let s0ll = g(&st.lc1, s0l);
    let s0rr = g(&st.rc1, s0r);

    let (s0, s1, s2, b0, b1, b2) = (tok(s0i), tok(s1i), tok(s2i), tok(b0i), tok(b1i), tok(b2i));
    let (ts0l, ts0l2, ts0r, ts0r2) = (tok(s0l), tok(s0l2), tok(s0r), tok(s0r2));
    let (ts1l, ts1r, tb0l, tb0l2) = (tok(s1l), tok(s1r), tok(b0l), tok(b0l2));
    let (ls0l, ls0l2, ls0r, ls0r2) = (lab(s0l), lab(s0l2), lab(s0r), lab(s0r2));
    let (ls1l, ls1r, lb0l, lb0l2) = (lab(s1l), lab(s1r), lab(b0l), lab(b0l2));

    let d = if s0i == NONE {
        0
    } else {
        dist_bucket(st.b - s0i as usize)
    };
    let d1 = if s1i == NONE {
        0
    } else {
        dist_bucket((s0i - s1i) as usize)
    };
    let v = |c: &Vec<u16>, i: u32| {
        if i == NONE {
            99
        } else {
            u64::from(c[i as usize])
        }
    };
    let (s0vl, s0vr, s1vl, s1vr, b0vl) = (
        v(&st.nl, s0i),
        v(&st.nr, s0i),
        v(&st.nl, s1i),
        v(&st.nr, s1i),
        v(&st.nl, b0i),
    );
    let set = |c: &Vec<u64>, i: u32| if i == NONE { 1 } else { c[i as usize] };
    let (s0ls, s0rs, s1rs, b0ls) = (
        set(&st.lset, s0i),
        set(&st.rset, s0i),
        set(&st.rset, s1i),
        set(&st.lset, b0i),
    );
    let wt = |x: Tok| x.w ^ x.t.rotate_left(17);
    let (s0wt, s1wt, b0wt, b1wt) = (wt(s0), wt(s1), wt(b0), wt(b1));
    let stack_depth = (k as u64).min(4);

    let f = [
        // Single words.
        f1(1, s0.w),
        f1(2, s0.t),
        f1(3, s0wt),
        f1(4, s1.w),
        f1(5, s1.t),
        f1(6, s1wt),
        f1(7, b0.w),
        f1(8, b0.t),
        f1(9, b0wt),
        f1(10, b1.w),
        f1(11, b1.t),
        f1(12, b1wt),
        f1(13, b2.w),
        f1(14, b2.t),
        f1(15, s2.t),
        f1(16, s2.w),
        // Pairs.
        f2(17, s0wt, b0wt),
        f2(18, s0wt, b0.w),
        f2(19, s0.w, b0wt),
        f2(20, s0wt, b0.t),
        f2(21, s0.t, b0wt),
        f2(22, s0.w, b0.w),
        f2(23, s0.t, b0.t),
        f2(24, b0.t, b1.t),
        f2(25, s1wt, s0wt),
        f2(26, s1.w, s0.w),
        f2(27, s1.t, s0.t),
        f2(28, s1.t, s0.w),
        f2(29, s1.w, s0.t),
        f2(30, s1.t, b0.t),
        f2(31, s1.w, b0.w),
        // Three tags.
        f3(32, b0.t, b1.t, b2.t),
        f3(33, s0.t, b0.t, b1.t),
        f3(34, s1.t, s0.t, b0.t),
        f3(35, s2.t, s1.t, s0.t),
        f3(36, s0.t, ts0l.t, ts0l2.t),
        f3(37, s0.t, ts0r.t, ts0r2.t),
        f3(38, b0.t, tb0l.t, tb0l2.t),
        f3(39, s0.t, ts0l.t, b0.t),
        f3(40, s0.t, ts0r.t, b0.t),
        f3(41, s0.t, b0.t, tb0l.t),
        f3(42, s1.t, s0.t, ts0l.t),
        f3(43, s1.t, s0.t, ts0r.t),
        f3(44, s1.t, ts1r.t, s0.t),
        f3(45, s1.t, ts1l.t, s0.t),
        // Distance.
        f2(46, s0.w, d),
        f2(47, s0.t, d),
        f2(48, b0.w, d),
        f2(49, b0.t, d),
        f3(50, s0.w, b0.w, d),
        f3(51, s0.t, b0.t, d),
        f3(52, s1.t, s0.t, d1),
        f3(53, s1.w, s0.w, d1),
        // Valency.
        f2(54, s0.w, s0vr),
        f2(55, s0.t, s0vr),
        f2(56, s0.w, s0vl),
        f2(57, s0.t, s0vl),
        f2(58, b0.w, b0vl),
        f2(59, b0.t, b0vl),
        f3(60, s1.t, s1vl, s1vr),
        // Children: words, tags, labels.
        f1(61, ts0l.w),
        f1(62, ts0l.t),
        f1(63, ls0l),
        f1(64, ts0r.w),
        f1(65, ts0r.t),
        f1(66, ls0r),
        f1(67, tb0l.w),
        f1(68, tb0l.t),
        f1(69, lb0l),
        f1(70, ts1l.t ^ (ls1l << 40)),
        f1(71, ts1r.t ^ (ls1r << 40)),
        f2(72, ts0l2.t, ls0l2),
        f2(73, ts0r2.t, ls0r2),
        f2(74, tb0l2.t, lb0l2),
        f3(75, s0.t, ls0l, ls0l2),
        f3(76, s0.t, ls0r, ls0r2),
        f3(77, b0.t, lb0l, lb0l2),
        f3(78, s0.t, lab(s0ll), lab(s0rr)),
        // Label sets.
        f2(79, s0.w, s0rs),
        f2(80, s0.t, s0rs),
        f2(81, s0.w, s0ls),
        f2(82, s0.t, s0ls),
        f2(83, b0.w, b0ls),
        f2(84, b0.t, b0ls),
        f2(85, s1.t, s1rs),
        // Morphology and unknown words.
        f2(86, b0.sfx, b0.u),
        f2(87, s0.sfx, s0.u),
        f2(88, s0.f, b0.f),
        f2(89, s0.lem, b0.t),
        f2(90, s0.t, b0.lem),
        f3(91, s0.t, b0.t, stack_depth),
        f2(92, s0.u, b0.u),
        // Word clusters (help with words rare in the treebanks).
        f1(93, s0.c),
        f1(94, b0.c),
        f1(95, b1.c),
        f1(96, s1.c),
        f2(97, s0.c, b0.c),
        f2(98, s0.c, b0.t),
        f2(99, s0.t, b0.c),
        f2(100, s1.c, s0.c),
        f1(101, s0.cf),
        f1(102, b0.cf),
        f2(103, s0.cf, b0.t),
        f2(104, s0.t, b0.cf),
    ];
    *out = f;
}

/// Hashes of the per-word inputs.
pub(crate) fn tok(form: &str, upos: &str, xpos: &str, feats: &str, lemma: &str) -> Tok {
    let u = hash_str(12, upos);
    let t = hash_str(13, xpos) ^ u.rotate_left(23);
    let mut buf = [0u8; 48];
    let (w, sfx) = if form.is_ascii() && form.len() <= buf.len() {
        // Fast path, same hashes as the general one.
        let b = &mut buf[..form.len()];
        let has_alpha = form.bytes().any(|c| c.is_ascii_alphabetic());
        for (o, c) in b.iter_mut().zip(form.bytes()) {
            *o = if c.is_ascii_digit() && !has_alpha {
                b'0'
            } else {
                c.to_ascii_lowercase()
            };
        }
        let k = b.len().saturating_sub(3);
        (hash_bytes(11, b), hash_bytes(14, &b[k..]))
    } else {
        let mut norm = String::with_capacity(form.len());
        let has_alpha = form.chars().any(char::is_alphabetic);
        for c in form.chars() {
            if c.is_ascii_digit() && !has_alpha {
                norm.push('0');
            } else {
                norm.extend(c.to_lowercase());
            }
        }
        let k = norm.char_indices().rev().nth(2).map_or(0, |(i, _)| i);
        (hash_str(11, &norm), hash_str(14, &norm[k..]))
    };
    let lem = if lemma.is_ascii() && lemma.len() <= buf.len() {
        let b = &mut buf[..lemma.len()];
        b.copy_from_slice(lemma.as_bytes());
        b.make_ascii_lowercase();
        hash_bytes(16, b)
    } else {
        hash_str(16, &lemma.to_lowercase())
    };
    Tok {
        w,
        t,
        u,
        sfx,
        f: hash_str(15, feats),
        lem,
        c: UNKNOWN_CLUSTER,
        cf: UNKNOWN_CLUSTER,
    }
}

pub(crate) fn hash_str(seed: u64, s: &str) -> u64 {
    hash_bytes(seed, s.as_bytes())
}

fn hash_bytes(seed: u64, s: &[u8]) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64 ^ seed;
    for &b in s {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    mix(h, seed) | 8
}

/// Makes a tree projective by lifting non-projective arcs to the head's
/// head (shortest arcs first). `heads[i]` is the head of word `i`, `n` for
/// the root. Returns the number of lifts.
pub(crate) fn projectivize(heads: &mut [u32]) -> usize {
    let n = heads.len();
    let mut lifts = 0;
    loop {
        // Find the shortest non-projective arc.
        let mut best: Option<(usize, usize)> = None;
        for d in 0..n {
            let h = heads[d] as usize;
            let (a, b) = if h < d { (h, d) } else { (d, h.min(n)) };
            let len = b - a;
            if best.is_some_and(|(_, l)| l <= len) {
                continue;
            }
            // Every word strictly between a and b must be dominated by h.
            let np = (a + 1..b).any(|k| !dominated(heads, k, h));
            if np {
                best = Some((d, len));
            }
        }
        match best {
            Some((d, _)) => {
                let h = heads[d] as usize;
                if h >= n {
                    return lifts;
                }
                heads[d] = heads[h];
                lifts += 1;
                if lifts > 4 * n {
                    return lifts;
                }
            }
            None => return lifts,
        }
    }
}

fn dominated(heads: &[u32], mut k: usize, h: usize) -> bool {
    let n = heads.len();
    if h >= n {
        return true;
    }
    for _ in 0..=n {
        if k == h {
            return true;
        }
        if k >= n {
            return false;
        }
        k = heads[k] as usize;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Follows the static choice "a zero-cost action, preferring right,
    /// left, shift" and checks the gold tree comes out.
    fn oracle_parse(gold: &[u32], glab: &[u16], root: usize, nlab: usize) -> (Vec<u32>, Vec<u16>) {
        let n = gold.len();
        let mut st = State::default();
        st.reset(n);
        while !st.terminal() {
            let c = st.costs(gold);
            let mut chosen = None;
            for a in (0..1 + 2 * nlab).rev() {
                if st.valid(a, root) && st.action_cost(a, &c, gold, glab) == 0 {
                    chosen = Some(a);
                    break;
                }
            }
            st.apply(chosen.expect("a zero-cost action"));
        }
        (st.head[..n].to_vec(), st.label[..n].to_vec())
    }

    #[test]
    fn oracle_reproduces_projective_trees() {
        // "The cat sat on the mat ." with root = sat.
        let n = 7u32;
        let gold = vec![1, 2, n, 5, 5, 2, 2];
        let glab = vec![1, 2, 0, 3, 1, 4, 5];
        let (h, l) = oracle_parse(&gold, &glab, 0, 6);
        assert_eq!(h, gold);
        assert_eq!(l, glab);
        // Right-branching chain and a single word.
        let gold = vec![3, 0, 1];
        let (h, _) = oracle_parse(&gold, &[0, 1, 1], 0, 2);
        assert_eq!(h, gold);
        let (h, _) = oracle_parse(&[1], &[0], 0, 1);
        assert_eq!(h, vec![1]);
    }

    #[test]
    fn lifting_makes_trees_projective() {
        // 0 -> 2, 1 -> 3 crossing (root = 3 is word index 3, n = 4).
        let mut heads = vec![2, 3, 3, 4];
        let lifts = projectivize(&mut heads);
        assert!(lifts >= 1);
        assert_eq!(projectivize(&mut heads), 0);
    }
}
