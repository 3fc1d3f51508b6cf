//! Word embeddings and word clusters learned from unlabelled news text.
//!
//! Treebanks are small (≈ 400k words); news is not. Words the tagger, parser
//! or NER model never saw in training still get a dense vector and a cluster
//! id at three granularities, learned from bulk news: skip-gram with negative
//! sampling (word2vec), then k-means over the unit vectors. Only weights and
//! the vocabulary are kept (`models/embeddings.bin`), never text.
//!
//! The file is not embedded in the binary: the tagger copies the cluster ids
//! it uses into its own model at training time (`newsgraph train tagger
//! --embeddings models/embeddings.bin`), so that every shipped model is
//! self-contained.
//!
//! Everything is deterministic: one thread, a seeded generator, a fixed
//! order of floating-point operations, so `newsgraph train embeddings`
//! reproduces the shipped file byte for byte on the same platform.
#![cfg_attr(not(test), warn(clippy::unwrap_used))]

mod train;

pub use train::{train, TrainOptions};

use std::collections::HashMap;

/// Stamped into the versions of the stages that use the embeddings.
pub const VERSION: &str = "embed-0.1.0+embeddings-20261201";

const MAGIC: &[u8; 4] = b"NGEM";
const FORMAT: u32 = 1;
/// Number of cluster granularities (coarse to fine).
pub const LEVELS: usize = 3;

/// Errors reading an embeddings file.
#[derive(Debug, thiserror::Error)]
pub enum EmbedError {
    #[error("not a newsgraph embeddings file (bad magic)")]
    Magic,
    #[error("embeddings format {0} is not supported (expected {FORMAT})")]
    Format(u32),
    #[error("embeddings file is truncated or corrupt: {0}")]
    Corrupt(&'static str),
}

/// The form under which a word is looked up: lowercase, ASCII digits as `0`
/// (so `1,250` and `3,999` share a vector).
pub fn normalize(form: &str) -> String {
    let mut s = String::with_capacity(form.len());
    for c in form.chars() {
        if c.is_ascii_digit() {
            s.push('0');
        } else {
            s.extend(c.to_lowercase());
        }
    }
    s
}

/// A vocabulary with an `i8`-quantised vector and cluster ids per word.
#[derive(Clone, PartialEq)]
pub struct Embeddings {
    dim: usize,
    /// Cluster counts per level (coarse to fine).
    ks: [u16; LEVELS],
    /// Words, most frequent first.
    vocab: Vec<String>,
    index: HashMap<String, u32>,
    vectors: Vec<i8>,
    /// Per-word dequantisation scale.
    scales: Vec<f32>,
    clusters: Vec<[u16; LEVELS]>,
}

impl std::fmt::Debug for Embeddings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Embeddings")
            .field("words", &self.vocab.len())
            .field("dim", &self.dim)
            .field("clusters", &self.ks)
            .finish()
    }
}

impl Embeddings {
    pub fn len(&self) -> usize {
        self.vocab.len()
    }

    pub fn is_empty(&self) -> bool {
        self.vocab.is_empty()
    }

    pub fn dim(&self) -> usize {
        self.dim
    }

    /// Cluster counts per level, coarse to fine.
    pub fn cluster_counts(&self) -> [u16; LEVELS] {
        self.ks
    }

    /// The id of a word form (normalised first), if it is in the vocabulary.
    pub fn id(&self, form: &str) -> Option<u32> {
        self.index.get(&normalize(form)).copied()
    }

    /// The id of an already normalised form.
    pub fn id_normalized(&self, norm: &str) -> Option<u32> {
        self.index.get(norm).copied()
    }

    pub fn word(&self, id: u32) -> &str {
        self.vocab.get(id as usize).map_or("", String::as_str)
    }

    /// Cluster ids of a word at each level, coarse to fine.
    pub fn clusters(&self, id: u32) -> [u16; LEVELS] {
        self.clusters
            .get(id as usize)
            .copied()
            .unwrap_or([u16::MAX; LEVELS])
    }

    /// Cluster ids of a form, if it is in the vocabulary.
    pub fn clusters_of(&self, form: &str) -> Option<[u16; LEVELS]> {
        self.id(form).map(|i| self.clusters(i))
    }

    /// The dequantised vector of a word, written into `out` (`dim` floats).
    pub fn vector_into(&self, id: u32, out: &mut [f32]) {
        let i = id as usize;
        let (Some(row), Some(&s)) = (
            self.vectors.get(i * self.dim..(i + 1) * self.dim),
            self.scales.get(i),
        ) else {
            out.iter_mut().for_each(|x| *x = 0.0);
            return;
        };
        for (o, &q) in out.iter_mut().zip(row) {
            *o = f32::from(q) * s;
        }
    }

    /// Builds from float vectors (row-major, `dim` per word) and clusters.
    pub(crate) fn from_parts(
        dim: usize,
        ks: [u16; LEVELS],
        vocab: Vec<String>,
        vectors: &[f32],
        clusters: Vec<[u16; LEVELS]>,
    ) -> Embeddings {
        let mut q = Vec::with_capacity(vectors.len());
        let mut scales = Vec::with_capacity(vocab.len());
        for row in vectors.chunks_exact(dim.max(1)) {
            let max = row.iter().fold(0f32, |m, x| m.max(x.abs())).max(1e-12);
            let s = max / 127.0;
            scales.push(s);
            q.extend(
                row.iter()
                    .map(|x| (x / s).round().clamp(-127.0, 127.0) as i8),
            );
        }
        let index = vocab
            .iter()
            .enumerate()
            .map(|(i, w)| (w.clone(), i as u32))
            .collect();
        Embeddings {
            dim,
            ks,
            vocab,
            index,
            vectors: q,
            scales,
            clusters,
        }
    }

    /// `NGEM`, format, dim, word count, the three cluster counts (`u16`),
    /// then per word: length-prefixed (`u16`) UTF-8 form, scale `f32`,
    /// clusters `3 × u16`, `dim` × `i8`. Little-endian.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT.to_le_bytes());
        out.extend_from_slice(&(self.dim as u32).to_le_bytes());
        out.extend_from_slice(&(self.vocab.len() as u32).to_le_bytes());
        for k in self.ks {
            out.extend_from_slice(&k.to_le_bytes());
        }
        for (i, w) in self.vocab.iter().enumerate() {
            let b = w.as_bytes();
            out.extend_from_slice(&(b.len() as u16).to_le_bytes());
            out.extend_from_slice(b);
            out.extend_from_slice(&self.scales[i].to_le_bytes());
            for c in self.clusters[i] {
                out.extend_from_slice(&c.to_le_bytes());
            }
            out.extend(
                self.vectors[i * self.dim..(i + 1) * self.dim]
                    .iter()
                    .map(|&x| x as u8),
            );
        }
        out
    }

    pub fn from_bytes(b: &[u8]) -> Result<Embeddings, EmbedError> {
        let mut r = Cursor { b, at: 0 };
        if r.take(4)? != MAGIC {
            return Err(EmbedError::Magic);
        }
        let format = r.u32()?;
        if format != FORMAT {
            return Err(EmbedError::Format(format));
        }
        let dim = r.u32()? as usize;
        let n = r.u32()? as usize;
        if dim == 0 || dim > 4096 || n > 10_000_000 {
            return Err(EmbedError::Corrupt("implausible dimensions"));
        }
        let mut ks = [0u16; LEVELS];
        for k in &mut ks {
            *k = r.u16()?;
        }
        let mut vocab = Vec::with_capacity(n);
        let mut scales = Vec::with_capacity(n);
        let mut clusters = Vec::with_capacity(n);
        let mut vectors = Vec::with_capacity(n * dim);
        for _ in 0..n {
            let len = r.u16()? as usize;
            let w = std::str::from_utf8(r.take(len)?)
                .map_err(|_| EmbedError::Corrupt("a word is not UTF-8"))?;
            vocab.push(w.to_string());
            scales.push(f32::from_le_bytes(
                r.take(4)?
                    .try_into()
                    .map_err(|_| EmbedError::Corrupt("scale"))?,
            ));
            let mut c = [0u16; LEVELS];
            for (x, k) in c.iter_mut().zip(ks) {
                *x = r.u16()?;
                if *x >= k {
                    return Err(EmbedError::Corrupt("cluster id out of range"));
                }
            }
            clusters.push(c);
            vectors.extend(r.take(dim)?.iter().map(|&x| x as i8));
        }
        if r.at != b.len() {
            return Err(EmbedError::Corrupt("trailing bytes"));
        }
        let index = vocab
            .iter()
            .enumerate()
            .map(|(i, w)| (w.clone(), i as u32))
            .collect();
        Ok(Embeddings {
            dim,
            ks,
            vocab,
            index,
            vectors,
            scales,
            clusters,
        })
    }
}

struct Cursor<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], EmbedError> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&e| e <= self.b.len())
            .ok_or(EmbedError::Corrupt("truncated"))?;
        let s = &self.b[self.at..end];
        self.at = end;
        Ok(s)
    }
    fn u32(&mut self) -> Result<u32, EmbedError> {
        let s = self.take(4)?;
        Ok(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
    }
    fn u16(&mut self) -> Result<u16, EmbedError> {
        let s = self.take(2)?;
        Ok(u16::from_le_bytes([s[0], s[1]]))
    }
}

#[cfg(test)]
mod tests;
