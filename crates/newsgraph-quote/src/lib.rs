//! Quotes: who said what.
//!
//! [`Quotes`] is the quote stage: an [`Annotator`] that fills
//! `Document::quotes` with every attribution it finds:
//!
//! - **direct** quotes — the words inside quotation marks, in any style
//!   (`"…"`, `“…”`, `„…“`, `«…»`, and `‘…’` at top level), across sentences
//!   and paragraphs (an opening mark repeated at the start of each new
//!   paragraph continues the quote), with the attribution before, after or
//!   inside (`“…,” he said, “…”` is one quote). An unclosed mark ends at the
//!   end of its line, so a missing mark never swallows the article.
//! - **mixed** quotes — quoted words inside reported speech
//!   (`termed the attacks "a great honor"`); the content is the quoted words.
//! - **indirect** quotes — from the dependency parse: a cue verb of the
//!   lexicon with a clausal complement (`X said (that) …`, the content is the
//!   whole reported clause without `that`), a reporting clause in parataxis
//!   (`…, officials said`), and `according to X`.
//!
//! - **learned** attributions — what no rule lists (`A new poll shows …`,
//!   `is expected to`, `his claim that …`): a model trained on PolNeAR
//!   (`models/quotes.bin`, see `extract/learned.rs` and `models/quotes.md`)
//!   scores cue words and labels the constituents around them as content
//!   or source. Rules win where they overlap it; `QuoteBuilder::
//!   attribution_model(None)` turns it off.
//! - **signed and labelled** speech — `“…” ― Maria Lopez` under a quote, and
//!   a transcript's `SENATOR: …` paragraphs.
//!
//! Quoted words with neither cue nor speaker (scare quotes) are not quotes,
//! and a cue verb without a clausal complement (`he said a prayer`) is not
//! reported speech.
//!
//! The speaker is the subject of the cue (through `saying`/`stressing`
//! participles to the subject of their head verb), or, without a parse, the
//! words next to the cue. When `Document::entities` is filled (NER and name
//! chains run before this stage), `speaker_entity` is the entity with a
//! mention overlapping the speaker; pronouns and descriptions (`he`, `the
//! spokesman`) without a mention fall back to the previous quote's speaker
//! or the nearest preceding compatible entity mention.
//!
//! The cue lexicon is data (`data/quotes/cues.toml`, embedded), its version
//! part of the stage's stamp. The stage never fails on content and never
//! panics (a property test feeds it arbitrary text, with and without syntax).
#![cfg_attr(not(test), warn(clippy::unwrap_used))]

mod extract;
mod lexicon;
mod resolve;
#[cfg(test)]
mod tests;

pub use extract::learned::{
    train_attributions, AttributionModel, AttributionTrainOptions, AttributionTrainReport,
    GoldAttribution, ATTRIBUTION_FORMAT,
};
pub use lexicon::{CueClass, Lexicon};
pub use newsgraph_linear::ModelError;

use newsgraph_core::{Annotator, Diagnostic, Document};
use std::sync::{Arc, OnceLock};

/// Version of the quote stage's code (0.2: interrupted quotes keep their `parts`;
/// 0.4: headline attributions, `…, said X.`, reporting asides in reported
/// speech).
pub const CODE_VERSION: &str = "quote-0.4.0";

/// Why the quote stage could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuoteError {
    #[error("cue lexicon is not valid: {0}")]
    Lexicon(String),
    #[error("attribution model: {0}")]
    Model(#[from] ModelError),
}

static EMBEDDED: OnceLock<Result<Arc<Lexicon>, QuoteError>> = OnceLock::new();

/// The embedded cue lexicon, parsed once per process.
pub fn embedded_lexicon() -> Result<Arc<Lexicon>, QuoteError> {
    EMBEDDED
        .get_or_init(|| Lexicon::from_toml(lexicon::EMBEDDED).map(Arc::new))
        .clone()
}

/// The attribution model shipped in the binary (`models/quotes.bin`,
/// `newsgraph train quotes`). An empty file (a checkout bootstrapping its
/// first model) means no model: the rules alone.
static MODEL_BYTES: &[u8] = include_bytes!("../../../models/quotes.bin");
static EMBEDDED_MODEL: OnceLock<Result<Option<Arc<AttributionModel>>, ModelError>> =
    OnceLock::new();

/// The embedded attribution model, read once per process.
pub fn embedded_model() -> Result<Option<Arc<AttributionModel>>, QuoteError> {
    EMBEDDED_MODEL
        .get_or_init(|| {
            if MODEL_BYTES.is_empty() {
                return Ok(None);
            }
            AttributionModel::from_bytes(MODEL_BYTES).map(|m| Some(Arc::new(m)))
        })
        .clone()
        .map_err(QuoteError::from)
}

/// Builds a [`Quotes`] stage.
#[derive(Debug, Default)]
pub struct QuoteBuilder {
    lexicon: Option<String>,
    resolve: Option<bool>,
    stances: bool,
    model: Option<Option<Arc<AttributionModel>>>,
}

impl QuoteBuilder {
    pub fn new() -> QuoteBuilder {
        QuoteBuilder::default()
    }

    /// Uses this cue lexicon (TOML, the format of `data/quotes/cues.toml`)
    /// instead of the embedded one.
    pub fn lexicon_toml(mut self, text: impl Into<String>) -> QuoteBuilder {
        self.lexicon = Some(text.into());
        self
    }

    /// Whether pronoun and description speakers without an entity mention
    /// are resolved to a preceding entity (default on; needs entities).
    pub fn resolve_pronouns(mut self, on: bool) -> QuoteBuilder {
        self.resolve = Some(on);
        self
    }

    /// Also attributes the complements of stance verbs (`X criticized Y`,
    /// `X called for Y`, `X wants to Y`) — PolNeAR-style attributions that
    /// are positions rather than speech. Off by default.
    pub fn stances(mut self, on: bool) -> QuoteBuilder {
        self.stances = on;
        self
    }

    /// Uses this attribution model (`None`: the rules alone) instead of the
    /// embedded one.
    pub fn attribution_model(mut self, model: Option<Arc<AttributionModel>>) -> QuoteBuilder {
        self.model = Some(model);
        self
    }

    pub fn build(self) -> Result<Quotes, QuoteError> {
        let lexicon = match self.lexicon {
            Some(t) => Arc::new(Lexicon::from_toml(&t)?),
            None => embedded_lexicon()?,
        };
        let model = match self.model {
            Some(m) => m,
            None => embedded_model()?,
        };
        let mut version = format!("{CODE_VERSION}+{}", lexicon.version);
        if let Some(m) = &model {
            version.push('+');
            version.push_str(m.stamp());
        }
        if self.stances {
            version.push_str("+stances");
        }
        Ok(Quotes {
            lexicon,
            version,
            resolve: self.resolve.unwrap_or(true),
            stances: self.stances,
            model,
        })
    }
}

/// The quote stage (reusable, `Send + Sync`).
#[derive(Clone, Debug)]
pub struct Quotes {
    lexicon: Arc<Lexicon>,
    version: String,
    resolve: bool,
    stances: bool,
    model: Option<Arc<AttributionModel>>,
}

impl Quotes {
    /// The stage with the embedded lexicon.
    pub fn embedded() -> Result<Quotes, QuoteError> {
        QuoteBuilder::new().build()
    }

    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }
}

impl Annotator for Quotes {
    fn name(&self) -> &'static str {
        "quote"
    }

    fn version(&self) -> &str {
        &self.version
    }

    fn annotate(&self, doc: &mut Document) -> Vec<Diagnostic> {
        let mut diags = Vec::new();
        if doc.tokens.is_empty() && !doc.text.trim().is_empty() {
            diags.push(Diagnostic::info(
                "quote",
                "not-segmented",
                "document is not segmented; no quotes extracted",
            ));
        }
        let mut quotes = extract::extract(
            doc,
            &self.lexicon,
            &self.version,
            self.stances,
            self.model.as_deref(),
            &mut diags,
        );
        resolve::link_speakers(doc, &mut quotes, self.resolve);
        resolve::add_speaker_mentions(doc, &quotes);
        doc.quotes = quotes;
        diags
    }
}
