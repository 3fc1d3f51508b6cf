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

/// How a mention names its entity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MentionKind {
    /// The full name as written (`Nasr al-Shammari`).
    Name,
    /// A shorter form of a name given earlier (`Shammari`, `al-Nujaba`).
    Short,
    /// An acronym (`PMU`, `ISIS`).
    Acronym,
    /// Another name the text gives (`better known as Hashd al-Shaabi`).
    Alias,
    /// A demonym standing for its country (`Iraqi` in `Iraqi officials`).
    Demonym,
    /// A capital standing for its government (`Washington`).
    Capital,
    /// A description standing for the entity (`the spokesman`).
    Description,
    /// A pronoun (`he`, `they`).
    Pronoun,
}

/// One occurrence of an entity in the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mention {
    pub span: Span,
    pub kind: MentionKind,
}

/// Where an actor code came from: the dictionary layer and the entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeSource {
    /// Dictionary layer name and version (`petrarch@…`, `curated@…`), or
    /// `rule` when the code was derived from a role and an affiliation.
    pub layer: String,
    /// The entry's name in that layer (or the rule's description).
    pub entry: String,
}

/// An entity: every mention of one person, organisation or place in a document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entity {
    /// The fullest name the document gives (`Akram al-Kaabi`).
    pub canonical: String,
    #[serde(rename = "type")]
    pub entity_type: EntityType,
    /// ORG kind (`armed group`, `government`, …) or LOC subtype (`GPE`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// ISO 3166-1 alpha-3 country the entity belongs to or is (`IRQ`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Sorted by span; the first `name` mention gives `canonical`.
    pub mentions: Vec<Mention>,
    /// CAMEO/PLOVER-style actor code (`IRQREB`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_source: Option<CodeSource>,
    /// Role or title (`spokesman`, `national security adviser`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Index into `Document::entities` of the entity this one belongs to
    /// (`Nujaba` for its spokesman).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affiliation: Option<u32>,
    pub version: String,
}

impl Entity {
    /// Span of the first mention (entities are ordered by it).
    pub fn first_span(&self) -> Option<Span> {
        self.mentions.first().map(|m| m.span)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QuoteKind {
    /// Words inside quotation marks, attributed as a whole.
    Direct,
    /// Reported speech that quotes some of the words (`termed it "a great honor"`).
    Mixed,
    /// Reported speech without quotation marks (`X said that …`).
    Indirect,
}

/// An attribution: who said what.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    pub kind: QuoteKind,
    /// What was said, without the quotation marks; for indirect speech the
    /// whole reported clause.
    pub content: Span,
    /// When the attribution interrupts the words (`“…,” he said, “…”`):
    /// the pieces of the content, in order, each within `content` (which
    /// then runs from the first piece to the last, attribution included).
    /// Empty when the content is one piece.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<Span>,
    /// For a mixed quote: the whole reported clause that holds the quoted
    /// words (`the United States has “formed many proxies …”` around
    /// `formed many proxies …`), which attribution corpora such as PolNeAR
    /// mark as the content. Contains `content`; absent when the parse
    /// gives no clause, and for direct and indirect quotes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clause: Option<Span>,
    /// The reporting word or phrase (`said`, `pointed out`, `according to`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cue: Option<Span>,
    /// The speaker as written here (`he`, `Shammari`, `the spokesman`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker: Option<Span>,
    /// Index into `Document::entities` of the speaker.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker_entity: Option<u32>,
    /// Who was told, or the channel (`al-Mayadeen`, `Twitter`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub addressee: Option<Span>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub addressee_entity: Option<u32>,
    /// Half-open range of indices into `Document::paragraphs` that the
    /// content spans.
    pub paragraphs: (u32, u32),
    pub version: String,
}

impl Quote {
    /// The content's pieces: `parts`, or the content as one piece.
    pub fn pieces(&self) -> &[Span] {
        if self.parts.is_empty() {
            std::slice::from_ref(&self.content)
        } else {
            &self.parts
        }
    }

    /// The quoted words in `text` (the document's text): the content, or
    /// its parts joined by ` … ` when the attribution interrupts it.
    pub fn words<'t>(&self, text: &'t str) -> std::borrow::Cow<'t, str> {
        let piece = |s: Span| text.get(s.start as usize..s.end as usize).unwrap_or("");
        if self.parts.is_empty() {
            std::borrow::Cow::Borrowed(piece(self.content))
        } else {
            let pieces: Vec<&str> = self.parts.iter().map(|&s| piece(s)).collect();
            std::borrow::Cow::Owned(pieces.join(" … "))
        }
    }
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
