//! Averaged multiclass perceptron over sparse hashed features.
//!
//! Training keeps, per feature key, a short list of (class, weight, running
//! total, timestamp) entries; the shipped form ([`Frozen`]) keeps the
//! averaged weights quantised to `i16` in an open-addressing table keyed by
//! the 32-bit feature hash, each key pointing at its run of
//! `(class, weight)` entries.

use crate::format::{ModelError, Reader, Writer};
use crate::hash::KeyMap;

#[derive(Clone, Copy, Debug)]
struct TEntry {
    class: u16,
    w: f32,
    total: f64,
    ts: u32,
}

#[derive(Clone, Debug)]
struct TFeat {
    key: u32,
    e: Vec<TEntry>,
}

/// A perceptron being trained.
#[derive(Debug)]
pub struct Trainer {
    pub nclass: usize,
    index: KeyMap<u32, u32>,
    feats: Vec<TFeat>,
    now: u32,
}

impl Trainer {
    pub fn new(nclass: usize) -> Trainer {
        Trainer {
            nclass,
            index: KeyMap::default(),
            feats: Vec::new(),
            now: 0,
        }
    }

    /// Adds the current weights of `fs` to `scores` (length `nclass`).
    pub fn score(&self, fs: &[u32], scores: &mut [f32]) {
        for f in fs {
            if let Some(&i) = self.index.get(f) {
                for e in &self.feats[i as usize].e {
                    scores[e.class as usize] += e.w;
                }
            }
        }
    }

    /// One training instance has been seen (advances the averaging clock).
    pub fn tick(&mut self) {
        self.now += 1;
    }

    /// Moves weight from `guess` to `truth` on every feature of `fs`.
    pub fn update(&mut self, fs: &[u32], truth: u16, guess: u16) {
        if truth == guess {
            return;
        }
        let now = self.now;
        for &f in fs {
            let i = match self.index.get(&f) {
                Some(&i) => i as usize,
                None => {
                    self.index.insert(f, self.feats.len() as u32);
                    self.feats.push(TFeat {
                        key: f,
                        e: Vec::new(),
                    });
                    self.feats.len() - 1
                }
            };
            let feat = &mut self.feats[i];
            for (c, delta) in [(truth, 1.0f32), (guess, -1.0f32)] {
                let e = match feat.e.iter().position(|e| e.class == c) {
                    Some(p) => &mut feat.e[p],
                    None => {
                        feat.e.push(TEntry {
                            class: c,
                            w: 0.0,
                            total: 0.0,
                            ts: now,
                        });
                        let n = feat.e.len();
                        &mut feat.e[n - 1]
                    }
                };
                e.total += f64::from(now - e.ts) * f64::from(e.w);
                e.ts = now;
                e.w += delta;
            }
        }
    }

    /// Writes the averaged weights, quantised to `i16` with one global
    /// scale; entries whose quantised magnitude is below `min_q` are
    /// dropped, and keys left without entries too.
    pub fn write_averaged(&self, w: &mut Writer, min_q: i16) {
        let now = f64::from(self.now.max(1));
        let avg =
            |e: &TEntry| ((e.total + f64::from(self.now - e.ts) * f64::from(e.w)) / now) as f32;
        let max = self
            .feats
            .iter()
            .flat_map(|f| f.e.iter())
            .fold(0f32, |m, e| m.max(avg(e).abs()))
            .max(1e-9);
        let scale = 32000.0 / max;
        let mut order: Vec<usize> = (0..self.feats.len()).collect();
        order.sort_unstable_by_key(|&i| self.feats[i].key);
        let mut out: Vec<(u32, Vec<(u16, i16)>)> = Vec::new();
        for i in order {
            let f = &self.feats[i];
            let mut es: Vec<(u16, i16)> =
                f.e.iter()
                    .map(|e| {
                        (
                            e.class,
                            (avg(e) * scale).round().clamp(-32767.0, 32767.0) as i16,
                        )
                    })
                    .filter(|&(_, q)| q.unsigned_abs() >= min_q.unsigned_abs().max(1))
                    .collect();
            if es.is_empty() {
                continue;
            }
            es.sort_unstable_by_key(|e| e.0);
            out.push((f.key, es));
        }
        w.u32(self.nclass as u32);
        w.f32(scale);
        w.u32(out.len() as u32);
        for (k, es) in &out {
            w.u32(*k);
            w.u16(es.len() as u16);
            for &(c, q) in es {
                w.u16(c);
                w.i16(q);
            }
        }
    }
}

#[derive(Clone, Copy, Debug, Default)]
struct Slot {
    key: u32,
    start: u32,
    len: u32,
}

/// Shipped perceptron weights (see the module docs).
#[derive(Clone)]
pub struct Frozen {
    pub nclass: usize,
    slots: Vec<Slot>,
    shift: u32,
    classes: Vec<u16>,
    weights: Vec<i16>,
}

impl std::fmt::Debug for Frozen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Frozen")
            .field("nclass", &self.nclass)
            .field("entries", &self.weights.len())
            .finish()
    }
}

impl Frozen {
    pub fn read(r: &mut Reader<'_>) -> Result<Frozen, ModelError> {
        let nclass = r.u32()? as usize;
        let _scale = r.f32()?;
        let n = r.count(6)?;
        let cap = (n * 2).next_power_of_two().max(16);
        let shift = 64 - cap.trailing_zeros();
        let mut slots = vec![Slot::default(); cap];
        let mut classes = Vec::new();
        let mut weights = Vec::new();
        for _ in 0..n {
            let key = r.u32()?;
            let len = r.u16()? as usize;
            if len == 0 {
                return Err(r.err("feature without weights"));
            }
            let start = classes.len() as u32;
            for _ in 0..len {
                let c = r.u16()?;
                if c as usize >= nclass {
                    return Err(r.err("class out of range"));
                }
                classes.push(c);
                weights.push(r.i16()?);
            }
            let mut i = Self::home(key, shift);
            loop {
                let s = &mut slots[i];
                if s.len == 0 {
                    *s = Slot {
                        key,
                        start,
                        len: len as u32,
                    };
                    break;
                }
                if s.key == key {
                    return Err(r.err("duplicate feature key"));
                }
                i = (i + 1) & (cap - 1);
            }
        }
        Ok(Frozen {
            nclass,
            slots,
            shift,
            classes,
            weights,
        })
    }

    #[inline]
    fn home(key: u32, shift: u32) -> usize {
        (u64::from(key).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> shift) as usize
    }

    /// Adds the weights of `fs` to `scores` (length `nclass`).
    ///
    /// The table is far larger than the caches, so the time goes into cache
    /// misses. The passes below issue them together: first every feature's
    /// home slot, then every found row's first entry, and only then the
    /// summing, whose branches would otherwise leave the misses nearly
    /// serial.
    #[inline]
    pub fn score(&self, fs: &[u32], scores: &mut [i32]) {
        const MAX: usize = 64;
        if fs.len() > MAX {
            for chunk in fs.chunks(MAX) {
                self.score(chunk, scores);
            }
            return;
        }
        let mask = self.slots.len() - 1;
        let mut touched = 0u32;
        for &f in fs {
            touched = touched.wrapping_add(self.slots[Self::home(f, self.shift)].key);
        }
        let mut rows = [(0u32, 0u32); MAX];
        let mut n = 0;
        for &f in fs {
            let mut i = Self::home(f, self.shift);
            loop {
                let s = self.slots[i];
                if s.len == 0 {
                    break;
                }
                if s.key == f {
                    rows[n] = (s.start, s.start + s.len);
                    n += 1;
                    break;
                }
                i = (i + 1) & mask;
            }
        }
        let rows = &rows[..n];
        for &(a, _) in rows {
            let a = a as usize;
            if let (Some(c), Some(w)) = (self.classes.get(a), self.weights.get(a)) {
                touched = touched.wrapping_add(u32::from(*c) ^ (*w as u32));
            }
        }
        std::hint::black_box(touched);
        for &(a, b) in rows {
            let (a, b) = (a as usize, b as usize);
            for (c, w) in self.classes[a..b].iter().zip(&self.weights[a..b]) {
                if let Some(x) = scores.get_mut(*c as usize) {
                    *x += i32::from(*w);
                }
            }
        }
    }

    pub fn entries(&self) -> usize {
        self.weights.len()
    }
}
