//! The JSON shape of a document on output (`newsgraph read`).
//!
//! This is the edge where offsets are rendered three ways for every record:
//! - `span`: byte offsets into the document's `text` (what every stage uses);
//! - `source`: byte offsets into the original file (after gunzip), i.e. the
//!   exact bytes that produced the record, whatever the encoding or markup;
//! - `chars`: code-point offsets into `text`, for Python and JavaScript users.

use newsgraph_core::{CharIndex, Document, Span, Token, SCHEMA_VERSION};
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

/// Serialises a document with all three offset kinds on every record.
pub struct DocView<'a> {
    pub doc: &'a Document,
    chars: CharIndex<'a>,
}

impl<'a> DocView<'a> {
    pub fn new(doc: &'a Document) -> DocView<'a> {
        DocView {
            doc,
            chars: CharIndex::new(&doc.text),
        }
    }

    fn offsets(&self, span: Span) -> Offsets {
        let (s, e) = self.doc.source_span(span);
        Offsets {
            span: [span.start, span.end],
            source: [s, e],
            chars: [
                self.chars.char_of(span.start as usize),
                self.chars.char_of(span.end as usize),
            ],
        }
    }
}

#[derive(Serialize)]
struct Offsets {
    span: [u32; 2],
    source: [u64; 2],
    chars: [usize; 2],
}

#[derive(Serialize)]
struct ParagraphOut {
    #[serde(flatten)]
    offsets: Offsets,
}

#[derive(Serialize)]
struct SentenceOut {
    #[serde(flatten)]
    offsets: Offsets,
    paragraph: u32,
    tokens: [u32; 2],
}

#[derive(Serialize)]
struct TokenOut<'t> {
    text: &'t str,
    kind: newsgraph_core::TokenKind,
    #[serde(flatten)]
    offsets: Offsets,
    space_after: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    joined_next: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    quote: Option<newsgraph_core::QuoteDir>,
}

#[derive(Serialize)]
struct MentionOut<'t> {
    text: &'t str,
    kind: newsgraph_core::MentionKind,
    #[serde(flatten)]
    offsets: Offsets,
}

#[derive(Serialize)]
struct EntityOut<'t> {
    canonical: &'t str,
    #[serde(rename = "type")]
    entity_type: newsgraph_core::EntityType,
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<&'t str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    country: Option<&'t str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    actor_code: Option<&'t str>,
    /// Which dictionary layer and entry (or rule) gave the code.
    #[serde(skip_serializing_if = "Option::is_none")]
    code_source: Option<&'t newsgraph_core::CodeSource>,
    #[serde(skip_serializing_if = "Option::is_none")]
    role: Option<&'t str>,
    /// Index into `entities`, and that entity's canonical name.
    #[serde(skip_serializing_if = "Option::is_none")]
    affiliation: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    affiliation_name: Option<&'t str>,
    mentions: Vec<MentionOut<'t>>,
    version: &'t str,
}

/// A span with its text, for the parts of a quote.
#[derive(Serialize)]
struct PartOut<'t> {
    text: &'t str,
    #[serde(flatten)]
    offsets: Offsets,
}

#[derive(Serialize)]
struct QuoteOut<'t> {
    kind: newsgraph_core::QuoteKind,
    content: PartOut<'t>,
    /// The pieces of the content when the attribution interrupts it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    parts: Vec<PartOut<'t>>,
    /// For a mixed quote, the reported clause around the quoted words.
    #[serde(skip_serializing_if = "Option::is_none")]
    clause: Option<PartOut<'t>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cue: Option<PartOut<'t>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    speaker: Option<PartOut<'t>>,
    /// Index into `entities`, with the entity's canonical name and actor code.
    #[serde(skip_serializing_if = "Option::is_none")]
    speaker_entity: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    speaker_name: Option<&'t str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    speaker_code: Option<&'t str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    addressee: Option<PartOut<'t>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    addressee_entity: Option<u32>,
    paragraphs: [u32; 2],
    /// One readable line: `Nasr al-Shammari (IRQREB) told al-Mayadeen: “…”`.
    rendered: String,
    version: &'t str,
}

struct Layout<'v, 'a>(&'v DocView<'a>);

impl Serialize for Layout<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let l = &self.0.doc.layout;
        let mut m = s.serialize_map(None)?;
        for (name, span) in [
            ("title", l.title),
            ("byline", l.byline),
            ("dateline", l.dateline),
            ("body", Some(l.body)),
        ] {
            if let Some(span) = span {
                m.serialize_entry(name, &self.0.offsets(span))?;
            }
        }
        m.end()
    }
}

struct Seq<'v, 'a, T>(&'v DocView<'a>, &'v [T]);

impl Serialize for Seq<'_, '_, newsgraph_core::Paragraph> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.1.len()))?;
        for p in self.1 {
            seq.serialize_element(&ParagraphOut {
                offsets: self.0.offsets(p.span),
            })?;
        }
        seq.end()
    }
}

impl Serialize for Seq<'_, '_, newsgraph_core::Sentence> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.1.len()))?;
        for x in self.1 {
            seq.serialize_element(&SentenceOut {
                offsets: self.0.offsets(x.span),
                paragraph: x.paragraph,
                tokens: [x.tokens.0, x.tokens.1],
            })?;
        }
        seq.end()
    }
}

impl Serialize for Seq<'_, '_, Token> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.1.len()))?;
        for t in self.1 {
            seq.serialize_element(&TokenOut {
                text: self.0.doc.slice(t.span),
                kind: t.kind,
                offsets: self.0.offsets(t.span),
                space_after: t.space_after,
                joined_next: t.joined_next,
                quote: t.quote,
            })?;
        }
        seq.end()
    }
}

impl Serialize for Seq<'_, '_, newsgraph_core::Entity> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let doc = self.0.doc;
        let mut seq = s.serialize_seq(Some(self.1.len()))?;
        for e in self.1 {
            let affiliation = e.affiliation.and_then(|a| doc.entities.get(a as usize));
            seq.serialize_element(&EntityOut {
                canonical: &e.canonical,
                entity_type: e.entity_type,
                kind: e.kind.as_deref(),
                country: e.country.as_deref(),
                actor_code: e.actor_code.as_deref(),
                code_source: e.code_source.as_ref(),
                role: e.role.as_deref(),
                affiliation: e.affiliation,
                affiliation_name: affiliation.map(|a| a.canonical.as_str()),
                mentions: e
                    .mentions
                    .iter()
                    .map(|m| MentionOut {
                        text: doc.slice(m.span),
                        kind: m.kind,
                        offsets: self.0.offsets(m.span),
                    })
                    .collect(),
                version: &e.version,
            })?;
        }
        seq.end()
    }
}

impl Serialize for Seq<'_, '_, newsgraph_core::Quote> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let doc = self.0.doc;
        let part = |span: Span| PartOut {
            text: doc.slice(span),
            offsets: self.0.offsets(span),
        };
        let mut seq = s.serialize_seq(Some(self.1.len()))?;
        for q in self.1 {
            let speaker = q.speaker_entity.and_then(|i| doc.entities.get(i as usize));
            seq.serialize_element(&QuoteOut {
                kind: q.kind,
                content: part(q.content),
                parts: q.parts.iter().map(|&p| part(p)).collect(),
                clause: q.clause.map(part),
                cue: q.cue.map(part),
                speaker: q.speaker.map(part),
                speaker_entity: q.speaker_entity,
                speaker_name: speaker.map(|e| e.canonical.as_str()),
                speaker_code: speaker.and_then(|e| e.actor_code.as_deref()),
                addressee: q.addressee.map(part),
                addressee_entity: q.addressee_entity,
                paragraphs: [q.paragraphs.0, q.paragraphs.1],
                rendered: crate::render::quote_line(doc, q),
                version: &q.version,
            })?;
        }
        seq.end()
    }
}

impl Serialize for DocView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let d = self.doc;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("schema", &SCHEMA_VERSION)?;
        m.serialize_entry("id", &d.id)?;
        m.serialize_entry("meta", &d.meta)?;
        m.serialize_entry("text", &d.text)?;
        m.serialize_entry("layout", &Layout(self))?;
        m.serialize_entry("paragraphs", &Seq(self, &d.paragraphs))?;
        m.serialize_entry("sentences", &Seq(self, &d.sentences))?;
        m.serialize_entry("tokens", &Seq(self, &d.tokens))?;
        if !d.words.is_empty() {
            // Parallel to `tokens`: tags, features, lemma, head (a token index) and relation.
            m.serialize_entry("words", &d.words)?;
        }
        if !d.entities.is_empty() {
            m.serialize_entry("entities", &Seq(self, &d.entities))?;
        }
        if !d.quotes.is_empty() {
            m.serialize_entry("quotes", &Seq(self, &d.quotes))?;
        }
        m.serialize_entry("stages", &d.stages)?;
        m.serialize_entry("diagnostics", &d.diagnostics)?;
        m.end()
    }
}

/// Writes one document as one JSON line.
pub fn write_jsonl(mut w: impl std::io::Write, doc: &Document) -> std::io::Result<()> {
    serde_json::to_writer(&mut w, &DocView::new(doc))?;
    w.write_all(b"\n")
}
