//! Weights: the dense training table and the compact shipped model.
//!
//! Features hash to one of `2^bits` rows; a row holds one weight per action.
//! The shipped model stores only the non-zero weights of each row after
//! averaging, quantisation to `i16` and pruning.
//!
//! File format (little-endian): magic `NGDP`, format `u32`, feature-set
//! version `u32`, then a zlib stream of: bits `u32`, label count `u32`,
//! labels (`u8` length + UTF-8), root label id `u32`, entry count `u32`,
//! one `u8` entry count per row, the entries' action ids (`u8`) and their
//! weights (`i16`).

use crate::system::{ClusterMap, NF, SHIFT};
use crate::ParseError;
use std::io::{Read, Write};

const MAGIC: &[u8; 4] = b"NGDP";
const FORMAT: u32 = 2;
/// Bump when the feature templates change (old models become invalid).
pub(crate) const FEATURE_SET: u32 = 2;

/// One non-zero weight of a row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Entry {
    action: u16,
    w: i16,
}

/// The shipped, read-only model.
#[derive(Clone, PartialEq, Eq)]
pub struct Model {
    bits: u32,
    pub(crate) labels: Vec<String>,
    pub(crate) root: usize,
    /// Row `r` owns `entries[offsets[r]..offsets[r + 1]]`.
    offsets: Vec<u32>,
    entries: Vec<Entry>,
    /// Word clusters copied from an embeddings file at training time.
    pub(crate) clusters: ClusterMap,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Model")
            .field("bits", &self.bits)
            .field("labels", &self.labels.len())
            .field("weights", &self.entries.len())
            .finish()
    }
}

/// Something that scores the actions of a configuration.
pub(crate) trait Scorer {
    fn n_actions(&self) -> usize;
    fn root_label(&self) -> usize;
    fn score(&self, feats: &[u64; NF], out: &mut [i64]);
}

impl Scorer for Model {
    fn n_actions(&self) -> usize {
        1 + 2 * self.labels.len()
    }
    fn root_label(&self) -> usize {
        self.root
    }

    #[inline]
    fn score(&self, feats: &[u64; NF], out: &mut [i64]) {
        out.fill(0);
        let mask = (1u64 << self.bits) - 1;
        // Two passes: the row look-ups are independent loads that the CPU
        // overlaps, and so are the entry reads after them.
        let mut spans = [(0u32, 0u32); NF];
        for (s, &f) in spans.iter_mut().zip(feats) {
            let r = (f & mask) as usize;
            *s = (self.offsets[r], self.offsets[r + 1]);
        }
        // Touch each row's first entry before scoring: these loads (cache
        // misses, mostly) are independent, so they are all in flight at
        // once; the scoring loop below then reads from cache. Without this
        // pass the scoring loop's branches keep the misses nearly serial.
        let mut touched = 0i16;
        for &(a, _) in &spans {
            if let Some(e) = self.entries.get(a as usize) {
                touched = touched.wrapping_add(e.w);
            }
        }
        std::hint::black_box(touched);
        for &(a, b) in &spans {
            for e in &self.entries[a as usize..b as usize] {
                if let Some(o) = out.get_mut(e.action as usize) {
                    *o += i64::from(e.w);
                }
            }
        }
    }
}

fn corrupt(why: impl Into<String>) -> ParseError {
    ParseError::Model(why.into())
}

impl Model {
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// Number of non-zero weights.
    pub fn weights(&self) -> usize {
        self.entries.len()
    }

    /// Reads a model file; any damage is an error naming what is wrong.
    pub fn from_bytes(b: &[u8]) -> Result<Model, ParseError> {
        if b.len() < 12 || &b[..4] != MAGIC {
            return Err(corrupt("not a newsgraph parser model (bad magic)"));
        }
        let u = |i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
        if u(4) != FORMAT {
            return Err(corrupt(format!("unsupported model format {}", u(4))));
        }
        if u(8) != FEATURE_SET {
            return Err(corrupt(format!(
                "model built for feature set {}, this code uses {FEATURE_SET}: retrain",
                u(8)
            )));
        }
        let mut body = Vec::new();
        flate2::read::ZlibDecoder::new(&b[12..])
            .read_to_end(&mut body)
            .map_err(|e| corrupt(format!("corrupt model body: {e}")))?;
        let mut r = Cursor { b: &body, i: 0 };
        let bits = r.u32()?;
        if !(8..=26).contains(&bits) {
            return Err(corrupt(format!("bad table size 2^{bits}")));
        }
        let nl = r.u32()? as usize;
        if nl == 0 || nl > 127 {
            return Err(corrupt(format!("bad label count {nl}")));
        }
        let mut labels = Vec::with_capacity(nl);
        for _ in 0..nl {
            let len = r.take(1)?[0] as usize;
            let s = std::str::from_utf8(r.take(len)?).map_err(|_| corrupt("label is not UTF-8"))?;
            labels.push(s.to_string());
        }
        let root = r.u32()? as usize;
        if root >= nl {
            return Err(corrupt("bad root label id"));
        }
        let ne = r.u32()? as usize;
        let rows = 1usize << bits;
        let counts = r.take(rows)?;
        let mut offsets = Vec::with_capacity(rows + 1);
        let mut acc = 0u32;
        offsets.push(0);
        for &c in counts {
            acc += u32::from(c);
            offsets.push(acc);
        }
        if acc as usize != ne {
            return Err(corrupt("row counts do not add up to the entry count"));
        }
        let acts = r.take(ne)?.to_vec();
        let vals = r.take(2 * ne)?;
        let nc = r.u32()? as usize;
        if nc > body.len() {
            return Err(corrupt("bad cluster count"));
        }
        let mut clusters = ClusterMap::with_capacity(nc);
        for _ in 0..nc {
            let k = r.take(8)?;
            let k = u64::from_le_bytes([k[0], k[1], k[2], k[3], k[4], k[5], k[6], k[7]]);
            let v = r.take(4)?;
            clusters.insert(
                k,
                [
                    u16::from_le_bytes([v[0], v[1]]),
                    u16::from_le_bytes([v[2], v[3]]),
                ],
            );
        }
        if r.i != body.len() {
            return Err(corrupt("trailing bytes in model body"));
        }
        let na = 1 + 2 * nl;
        let mut entries = Vec::with_capacity(ne);
        for (k, &a) in acts.iter().enumerate() {
            if a as usize >= na {
                return Err(corrupt("action id out of range"));
            }
            entries.push(Entry {
                action: u16::from(a),
                w: i16::from_le_bytes([vals[2 * k], vals[2 * k + 1]]),
            });
        }
        Ok(Model {
            bits,
            labels,
            root,
            offsets,
            entries,
            clusters,
        })
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut body = Vec::new();
        body.extend_from_slice(&self.bits.to_le_bytes());
        body.extend_from_slice(&(self.labels.len() as u32).to_le_bytes());
        for l in &self.labels {
            body.push(l.len() as u8);
            body.extend_from_slice(l.as_bytes());
        }
        body.extend_from_slice(&(self.root as u32).to_le_bytes());
        body.extend_from_slice(&(self.entries.len() as u32).to_le_bytes());
        for w in self.offsets.windows(2) {
            body.push((w[1] - w[0]) as u8);
        }
        body.extend(self.entries.iter().map(|e| e.action as u8));
        for e in &self.entries {
            body.extend_from_slice(&e.w.to_le_bytes());
        }
        let mut clusters: Vec<(u64, [u16; 2])> =
            self.clusters.iter().map(|(&k, &v)| (k, v)).collect();
        clusters.sort_unstable();
        body.extend_from_slice(&(clusters.len() as u32).to_le_bytes());
        for (k, [c, cf]) in clusters {
            body.extend_from_slice(&k.to_le_bytes());
            body.extend_from_slice(&c.to_le_bytes());
            body.extend_from_slice(&cf.to_le_bytes());
        }
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT.to_le_bytes());
        out.extend_from_slice(&FEATURE_SET.to_le_bytes());
        let mut z = flate2::write::ZlibEncoder::new(out, flate2::Compression::best());
        // Writing to a Vec cannot fail.
        let _ = z.write_all(&body);
        z.finish().unwrap_or_default()
    }
}

struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], ParseError> {
        let s = self
            .b
            .get(self.i..self.i + n)
            .ok_or_else(|| corrupt("model body is truncated"))?;
        self.i += n;
        Ok(s)
    }
    fn u32(&mut self) -> Result<u32, ParseError> {
        let s = self.take(4)?;
        Ok(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
    }
}

/// Dense averaged-perceptron weights used while training.
#[derive(Debug)]
pub(crate) struct Table {
    bits: u32,
    na: usize,
    root: usize,
    w: Vec<i32>,
    /// Sum of `c * delta` for the averaging trick (Daumé 2006).
    u: Vec<i64>,
    /// Update clock.
    pub c: i64,
}

impl Table {
    pub fn new(bits: u32, na: usize, root: usize) -> Table {
        let len = (1usize << bits) * na;
        Table {
            bits,
            na,
            root,
            w: vec![0; len],
            u: vec![0; len],
            c: 1,
        }
    }

    #[inline]
    pub fn update(&mut self, feats: &[u64; NF], a: usize, delta: i32) {
        let mask = (1u64 << self.bits) - 1;
        for &f in feats {
            let i = (f & mask) as usize * self.na + a;
            self.w[i] += delta;
            self.u[i] += self.c * i64::from(delta);
        }
    }

    /// Averages, quantises to `i16` (scaled so that the largest weight is
    /// 32767 / `headroom`) and drops weights whose magnitude is below
    /// `prune` after quantisation.
    pub fn compact(&self, labels: &[String], prune: i32) -> Model {
        let c = self.c as f64;
        let avg = |i: usize| f64::from(self.w[i]) - self.u[i] as f64 / c;
        let mut max = 0f64;
        for i in 0..self.w.len() {
            max = max.max(avg(i).abs());
        }
        // Sums of ~NF weights must fit comfortably in the scoring range; the
        // scorer sums in i64, so only the i16 range matters.
        let scale = 32767.0 / max.max(1e-9);
        let rows = 1usize << self.bits;
        let mut offsets = Vec::with_capacity(rows + 1);
        let mut entries = Vec::new();
        offsets.push(0u32);
        for r in 0..rows {
            for a in 0..self.na {
                let q = (avg(r * self.na + a) * scale).round() as i32;
                if q.abs() >= prune.max(1) {
                    entries.push(Entry {
                        action: a as u16,
                        w: q.clamp(-32767, 32767) as i16,
                    });
                }
            }
            offsets.push(entries.len() as u32);
        }
        Model {
            bits: self.bits,
            labels: labels.to_vec(),
            root: self.root,
            offsets,
            entries,
            clusters: ClusterMap::new(),
        }
    }
}

impl Scorer for Table {
    fn n_actions(&self) -> usize {
        self.na
    }
    fn root_label(&self) -> usize {
        self.root
    }

    #[inline]
    fn score(&self, feats: &[u64; NF], out: &mut [i64]) {
        out.fill(0);
        let mask = (1u64 << self.bits) - 1;
        for &f in feats {
            let r = (f & mask) as usize * self.na;
            for (o, &w) in out.iter_mut().zip(&self.w[r..r + self.na]) {
                *o += i64::from(w);
            }
        }
    }
}

/// The best valid action by score (ties: lowest action id).
#[inline]
pub(crate) fn best_valid(st: &crate::system::State, scores: &[i64], root: usize) -> usize {
    let mut best = usize::MAX;
    let mut bs = i64::MIN;
    for (a, &s) in scores.iter().enumerate() {
        if (best == usize::MAX || s > bs) && st.valid(a, root) {
            best = a;
            bs = s;
        }
    }
    if best == usize::MAX {
        SHIFT
    } else {
        best
    }
}
