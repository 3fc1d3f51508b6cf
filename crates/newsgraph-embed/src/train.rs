//! Training: skip-gram with negative sampling (Mikolov et al. 2013), then
//! spherical k-means at each cluster granularity. One thread, seeded.

use crate::{Embeddings, LEVELS};
use std::collections::HashMap;

/// Hyper-parameters of [`train`].
#[derive(Clone, Debug)]
pub struct TrainOptions {
    pub dim: usize,
    /// Maximum distance of a context word (the effective window is drawn
    /// uniformly from 1..=window, as in word2vec).
    pub window: usize,
    pub negatives: usize,
    /// Words seen fewer times are left out of the vocabulary.
    pub min_count: u32,
    /// At most this many words (the most frequent) are kept.
    pub max_words: usize,
    pub epochs: usize,
    /// Sub-sampling threshold for frequent words.
    pub sample: f64,
    pub learning_rate: f32,
    /// Cluster counts, coarse to fine.
    pub clusters: [u16; LEVELS],
    pub kmeans_iterations: usize,
    pub seed: u64,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            dim: 64,
            window: 5,
            negatives: 5,
            min_count: 5,
            max_words: 60_000,
            epochs: 5,
            sample: 1e-4,
            learning_rate: 0.025,
            clusters: [32, 256, 1024],
            kmeans_iterations: 12,
            seed: 0x6e65_7773_6772_6170, // "newsgraph"
        }
    }
}

/// SplitMix64: small, fast, and the same on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

#[inline]
fn dot(a: &[f32], b: &[f32]) -> f32 {
    // Eight independent accumulators: vectorises, and the order of
    // additions is fixed, so results are reproducible.
    let mut acc = [0f32; 8];
    let (ca, ra) = a.split_at(a.len() - a.len() % 8);
    let (cb, rb) = b.split_at(ca.len());
    for (x, y) in ca.chunks_exact(8).zip(cb.chunks_exact(8)) {
        for k in 0..8 {
            acc[k] += x[k] * y[k];
        }
    }
    let mut s = acc.iter().sum::<f32>();
    for (x, y) in ra.iter().zip(rb) {
        s += x * y;
    }
    s
}

#[inline]
fn axpy(y: &mut [f32], a: f32, x: &[f32]) {
    for (yi, xi) in y.iter_mut().zip(x) {
        *yi += a * xi;
    }
}

fn sigmoid(x: f32) -> f32 {
    if x > 8.0 {
        1.0
    } else if x < -8.0 {
        0.0
    } else {
        1.0 / (1.0 + (-x).exp())
    }
}

/// Learns embeddings and clusters from `sentences` of normalised forms
/// (see [`crate::normalize`]). `log` receives progress lines.
pub fn train(
    sentences: &[Vec<String>],
    opts: &TrainOptions,
    log: &mut dyn FnMut(&str),
) -> Embeddings {
    let dim = opts.dim.max(1);
    // Vocabulary: most frequent first, ties alphabetical.
    let mut counts: HashMap<&str, u32> = HashMap::new();
    for s in sentences {
        for w in s {
            *counts.entry(w.as_str()).or_insert(0) += 1;
        }
    }
    let mut vocab: Vec<(&str, u32)> = counts
        .into_iter()
        .filter(|&(_, c)| c >= opts.min_count)
        .collect();
    vocab.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    vocab.truncate(opts.max_words);
    let n = vocab.len();
    let index: HashMap<&str, u32> = vocab
        .iter()
        .enumerate()
        .map(|(i, &(w, _))| (w, i as u32))
        .collect();
    let corpus: Vec<Vec<u32>> = sentences
        .iter()
        .map(|s| {
            s.iter()
                .filter_map(|w| index.get(w.as_str()).copied())
                .collect()
        })
        .filter(|s: &Vec<u32>| s.len() > 1)
        .collect();
    let total: u64 = vocab.iter().map(|&(_, c)| u64::from(c)).sum();
    log(&format!(
        "vocabulary: {n} words (min count {}), {total} running words in {} sentences",
        opts.min_count,
        corpus.len()
    ));
    if n == 0 {
        return Embeddings::from_parts(dim, [1; LEVELS], Vec::new(), &[], Vec::new());
    }

    // Negative-sampling distribution: count^0.75, as a cumulative table.
    let mut cum = Vec::with_capacity(n);
    let mut acc = 0f64;
    for &(_, c) in &vocab {
        acc += f64::from(c).powf(0.75);
        cum.push(acc);
    }
    let keep: Vec<f64> = vocab
        .iter()
        .map(|&(_, c)| {
            let f = f64::from(c) / total as f64;
            ((f / opts.sample).sqrt() + 1.0) * (opts.sample / f)
        })
        .collect();

    let mut rng = Rng(opts.seed);
    let mut syn0: Vec<f32> = (0..n * dim)
        .map(|_| ((rng.unit() - 0.5) / dim as f64) as f32)
        .collect();
    let mut syn1 = vec![0f32; n * dim];
    let mut neu1e = vec![0f32; dim];
    let planned = total as f64 * opts.epochs as f64;
    let mut done = 0f64;
    let mut kept = Vec::new();
    for epoch in 0..opts.epochs {
        let mut pairs = 0u64;
        for sent in &corpus {
            kept.clear();
            kept.extend(sent.iter().copied().filter(|&w| {
                let p = keep[w as usize];
                p >= 1.0 || rng.unit() < p
            }));
            done += sent.len() as f64;
            let lr = (opts.learning_rate as f64 * (1.0 - done / (planned + 1.0)))
                .max(opts.learning_rate as f64 * 1e-4) as f32;
            for (i, &center) in kept.iter().enumerate() {
                let b = rng.below(opts.window.max(1));
                let win = opts.window.max(1) - b;
                let lo = i.saturating_sub(win);
                let hi = (i + win + 1).min(kept.len());
                for (j, &ctx) in kept.iter().enumerate().take(hi).skip(lo) {
                    if j == i {
                        continue;
                    }
                    pairs += 1;
                    let c = ctx as usize * dim;
                    neu1e.iter_mut().for_each(|x| *x = 0.0);
                    for d in 0..=opts.negatives {
                        let (target, label) = if d == 0 {
                            (center as usize, 1.0)
                        } else {
                            let r = rng.unit() * acc;
                            let t = cum.partition_point(|&x| x <= r).min(n - 1);
                            if t == center as usize {
                                continue;
                            }
                            (t, 0.0)
                        };
                        let t = target * dim;
                        let f = dot(&syn0[c..c + dim], &syn1[t..t + dim]);
                        let g = (label - sigmoid(f)) * lr;
                        axpy(&mut neu1e, g, &syn1[t..t + dim]);
                        let (row0, row1) = (&syn0[c..c + dim], &mut syn1[t..t + dim]);
                        axpy(row1, g, row0);
                    }
                    axpy(&mut syn0[c..c + dim], 1.0, &neu1e);
                }
            }
        }
        log(&format!("epoch {}: {pairs} training pairs", epoch + 1));
    }

    // Unit vectors for spherical k-means.
    let mut unit = syn0.clone();
    for row in unit.chunks_exact_mut(dim) {
        let norm = dot(row, row).sqrt().max(1e-12);
        row.iter_mut().for_each(|x| *x /= norm);
    }
    let mut clusters = vec![[0u16; LEVELS]; n];
    let mut ks = [1u16; LEVELS];
    for (level, &k) in opts.clusters.iter().enumerate() {
        let k = (k as usize).clamp(1, n);
        ks[level] = k as u16;
        let assign = kmeans(&unit, dim, k, opts.kmeans_iterations, &mut rng);
        for (c, a) in clusters.iter_mut().zip(assign) {
            c[level] = a as u16;
        }
        log(&format!("k-means: {k} clusters"));
    }
    let words = vocab.iter().map(|&(w, _)| w.to_string()).collect();
    Embeddings::from_parts(dim, ks, words, &syn0, clusters)
}

/// Spherical k-means over unit rows; k-means++ seeding. Returns each row's
/// cluster.
fn kmeans(x: &[f32], dim: usize, k: usize, iterations: usize, rng: &mut Rng) -> Vec<usize> {
    let n = x.len() / dim;
    let row = |i: usize| &x[i * dim..(i + 1) * dim];
    // k-means++ with distance 1 − cos.
    let mut centroids: Vec<f32> = Vec::with_capacity(k * dim);
    centroids.extend_from_slice(row(rng.below(n)));
    let mut best = vec![f32::MAX; n];
    for c in 1..k {
        let last = &centroids[(c - 1) * dim..c * dim];
        let mut sum = 0f64;
        for (i, b) in best.iter_mut().enumerate() {
            let d = (1.0 - dot(row(i), last)).max(0.0);
            *b = b.min(d);
            sum += f64::from(*b);
        }
        let mut r = rng.unit() * sum;
        let mut pick = n - 1;
        for (i, &b) in best.iter().enumerate() {
            r -= f64::from(b);
            if r <= 0.0 {
                pick = i;
                break;
            }
        }
        let p = row(pick).to_vec();
        centroids.extend_from_slice(&p);
    }
    let mut assign = vec![0usize; n];
    for _ in 0..iterations.max(1) {
        for (i, a) in assign.iter_mut().enumerate() {
            let r = row(i);
            let mut best = (f32::MIN, 0);
            for (c, cen) in centroids.chunks_exact(dim).enumerate() {
                let s = dot(r, cen);
                if s > best.0 {
                    best = (s, c);
                }
            }
            *a = best.1;
        }
        let mut sums = vec![0f32; k * dim];
        let mut sizes = vec![0usize; k];
        for (i, &a) in assign.iter().enumerate() {
            axpy(&mut sums[a * dim..(a + 1) * dim], 1.0, row(i));
            sizes[a] += 1;
        }
        for c in 0..k {
            let s = &mut sums[c * dim..(c + 1) * dim];
            if sizes[c] == 0 {
                // An empty cluster takes a random row.
                s.copy_from_slice(row(rng.below(n)));
            }
            let norm = dot(s, s).sqrt().max(1e-12);
            s.iter_mut().for_each(|v| *v /= norm);
        }
        centroids = sums;
    }
    assign
}
