//! Record types shared by every newsgraph stage.
//!
//! This crate is deliberately light (serde and a hash function): every other
//! crate depends on it, and bindings (Python, Spark) will too. Offsets are
//! byte offsets into [`Document::text`]; [`SourceMap`] carries them back to
//! the original bytes, and [`CharIndex`] to code points for formats that
//! need them.
#![cfg_attr(not(test), warn(clippy::unwrap_used))]

mod chars;
mod diagnostic;
mod document;
mod records;
mod segmentation;
mod source_map;
mod span;
mod stage;
mod syntax;

pub use chars::CharIndex;
pub use diagnostic::{Diagnostic, Severity};
pub use document::{content_id, Date, Document, Format, Layout, Metadata, Source};
pub use records::{
    Amount, CodeSource, Entity, EntityType, Event, Mention, MentionKind, Place, Quote, QuoteKind,
    Timex,
};
pub use segmentation::{Paragraph, QuoteDir, Sentence, Token, TokenKind};
pub use source_map::{Piece, SourceMap, TextBuilder};
pub use span::Span;
pub use stage::{Annotator, StageStamp};
pub use syntax::Word;

/// Version of the record schema written by `newsgraph read` (bumped when a
/// field changes meaning or disappears; adding a field does not bump it).
pub const SCHEMA_VERSION: u32 = 1;
