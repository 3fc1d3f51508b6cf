//! Stage traits.
//!
//! A stage is configured through a builder and built once into a worker that
//! is `Send + Sync` and reused across documents and threads. Workers never
//! fail on content: odd input yields a best-effort result plus diagnostics.

use crate::{Diagnostic, Document};
use serde::{Deserialize, Serialize};

/// Which stage (and which version of its code, model or dictionary)
/// produced a document's records.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageStamp {
    pub stage: String,
    pub version: String,
}

/// A pipeline stage that adds records to a document in place.
pub trait Annotator: Send + Sync {
    /// Short stable name (`segment`, `tagger`, …).
    fn name(&self) -> &'static str;

    /// Version of the code and of any model or dictionary it loaded; stamped
    /// on the document and carried by every record the stage makes.
    fn version(&self) -> &str;

    /// Adds this stage's records to `doc` and returns what it noticed.
    fn annotate(&self, doc: &mut Document) -> Vec<Diagnostic>;

    /// Runs [`annotate`](Self::annotate), stamps the document and keeps the
    /// diagnostics on it.
    fn run(&self, doc: &mut Document) {
        let diags = self.annotate(doc);
        doc.stages.push(StageStamp {
            stage: self.name().into(),
            version: self.version().into(),
        });
        doc.diagnostics.extend(diags);
    }
}
