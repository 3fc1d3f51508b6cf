//! Readers for gold formats and the scorers behind `newsgraph eval`.

pub use newsgraph_conllu as conllu;
pub mod ner;
pub mod quotes;
pub mod segment;
pub mod train;
pub mod ud;

/// Errors of the readers, scorers and trainers.
pub use conllu::ConlluError as EvalError;
pub use segment::{evaluate_segmentation, Metric, SegmentEvalOptions, SegmentReport};
