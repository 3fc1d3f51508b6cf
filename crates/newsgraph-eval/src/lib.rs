//! Readers for gold formats and the scorers behind `newsgraph eval`.

pub mod conllu;
pub mod segment;
pub mod train;

pub use conllu::EvalError;
pub use segment::{evaluate_segmentation, Metric, SegmentEvalOptions, SegmentReport};
