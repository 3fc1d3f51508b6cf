//! The machinery under newsgraph's linear models (tagger, lemmatiser, NER,
//! quote attribution): one copy instead of one per model crate.
//!
//! - [`perceptron`]: an averaged multiclass perceptron over sparse hashed
//!   features, trained in `f32` and shipped quantised to `i16`;
//! - [`hash`]: FNV-based feature hashing, a hasher for already-hashed keys
//!   and a small deterministic RNG for shuffling;
//! - [`clusters`]: word-cluster ids copied into a model file;
//! - [`format`]: the binary model files (magic, format version, body,
//!   FNV-64 checksum) and the typed [`ModelError`] a bad file gives.

pub mod clusters;
pub mod format;
pub mod hash;
pub mod perceptron;

pub use format::ModelError;
