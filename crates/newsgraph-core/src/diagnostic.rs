//! Diagnostics: what a stage noticed about the content it could not handle
//! perfectly. Stages never fail on content; they return diagnostics instead.

use crate::Span;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The stage that raised it (`ingest`, `segment`, …).
    pub stage: String,
    /// A short, stable, machine-readable code (`lossy-decoding`, `no-body`).
    pub code: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
}

impl Diagnostic {
    pub fn new(
        severity: Severity,
        stage: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            severity,
            stage: stage.into(),
            code: code.into(),
            message: message.into(),
            span: None,
        }
    }

    pub fn warning(stage: &str, code: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Warning, stage, code, message)
    }

    pub fn info(stage: &str, code: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Info, stage, code, message)
    }

    pub fn with_span(mut self, span: Span) -> Diagnostic {
        self.span = Some(span);
        self
    }
}
