//! Records that the extraction stages add to a document. The Spine defines
//! their shape so that every stage, the store and the exports agree on it;
//! the stages that fill them come with their own issues.

use crate::Span;
use serde::{Deserialize, Serialize};

/// Entity types (CoNLL PER/ORG/LOC/MISC map onto these for evaluation).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum EntityType {
    Person,
    Org,
    Loc,
    Norp,
    Event,
    Misc,
}

/// One occurrence of an entity in the text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mention {
    pub span: Span,
    /// `name`, `acronym`, `alias`, `description`, `pronoun`, …
    pub kind: String,
}

/// An entity: every mention of one person, organisation or place in a document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entity {
    pub canonical: String,
    #[serde(rename = "type")]
    pub entity_type: EntityType,
    /// ORG kind (`armed group`, `government`, …) or LOC subtype (`GPE`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    pub mentions: Vec<Mention>,
    /// CAMEO/PLOVER-style actor code (`IRQREB`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Index of the entity this one is affiliated with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affiliation: Option<u32>,
    pub version: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QuoteKind {
    Direct,
    Mixed,
    Indirect,
}

/// An attribution: who said what.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    pub kind: QuoteKind,
    pub content: Span,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cue: Option<Span>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker: Option<Span>,
    /// Index into the document's entities.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker_entity: Option<u32>,
    pub version: String,
}

/// A normalised time expression (TimeML-style value).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timex {
    pub span: Span,
    /// `DATE`, `TIME`, `DURATION`, `SET`.
    pub timex_type: String,
    /// `2021-12-09`, `P3D`, `2021-W49`, …
    pub value: String,
    pub version: String,
}

/// A quantity and what it counts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Amount {
    pub span: Span,
    pub value: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counts: Option<String>,
    pub version: String,
}

/// A resolved place.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Place {
    pub span: Span,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lat: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lon: Option<f64>,
    pub version: String,
}

/// A PLOVER event with its CAMEO code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// PLOVER event type (`ASSAULT`, `ACCUSE`, …).
    pub plover: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cameo: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_actor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_actor: Option<String>,
    /// The sentence or clause that states the event.
    pub evidence: Span,
    pub version: String,
}
