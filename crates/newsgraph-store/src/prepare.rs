//! Turning a [`Document`] into rows, on the worker threads.
//!
//! Everything that costs CPU (char offsets, source offsets, the token blob,
//! shingles and band keys, JSON) is computed here, in parallel, so that the
//! single writer only binds values and inserts.

use crate::{codec, dedup};
use newsgraph_core::{CharIndex, Document, EntityType, MentionKind, QuoteKind, Span};

/// Offsets of one record, in the three kinds the outputs render.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Offsets {
    pub start: u32,
    pub end: u32,
    pub char_start: u64,
    pub char_end: u64,
    pub source_start: u64,
    pub source_end: u64,
}

impl Offsets {
    /// The offsets of `s` in `doc` (`chars` indexes `doc.text`).
    pub(crate) fn of(doc: &Document, chars: &CharIndex<'_>, s: Span) -> Offsets {
        let (source_start, source_end) = doc.source_span(s);
        Offsets {
            start: s.start,
            end: s.end,
            char_start: chars.char_of(s.start as usize) as u64,
            char_end: chars.char_of(s.end as usize) as u64,
            source_start,
            source_end,
        }
    }
}

/// One quote, ready to be written (the entity fields are copied from the
/// speaker entity so that lists filter without a join).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuoteRow {
    pub idx: u32,
    pub kind: &'static str,
    pub offsets: Offsets,
    pub text: String,
    /// `[[start, end], …]` of the content's pieces when an attribution
    /// interrupts it (`Quote::parts`).
    pub parts: Option<String>,
    /// The reported clause around a mixed quote (`Quote::clause`).
    pub clause: Option<(Span, String)>,
    pub cue: Option<(Span, String)>,
    pub speaker: Option<(Span, String)>,
    pub speaker_canonical: Option<String>,
    pub speaker_code: Option<String>,
    pub speaker_country: Option<String>,
    pub addressee: Option<(Span, String)>,
    /// Hash of the normalised content and speaker ([`quote_key`]).
    pub dup_key: i64,
    /// Entities (index, canonical name) with a mention inside the content,
    /// the speaker left out.
    pub targets: Vec<(u32, String)>,
}

/// A document ready to be written.
#[derive(Clone, Debug)]
pub struct PreparedDoc {
    pub doc: Document,
    pub stages: String,
    pub diagnostics: Option<String>,
    pub chars: u64,
    pub source_map: Option<Vec<u8>>,
    pub tokens: Vec<u8>,
    pub shingles: Vec<u64>,
    pub band_keys: Vec<i64>,
    pub quotes: Vec<QuoteRow>,
    /// Paragraphs, sentences and mentions as one blob (schema 7 on).
    pub spans: Vec<u8>,
}

/// Name of an entity type as stored (`PERSON`, `ORG`, …).
pub fn entity_type_name(t: EntityType) -> &'static str {
    match t {
        EntityType::Person => "PERSON",
        EntityType::Org => "ORG",
        EntityType::Loc => "LOC",
        EntityType::Norp => "NORP",
        EntityType::Event => "EVENT",
        EntityType::Misc => "MISC",
    }
}

/// Name of a mention kind as stored (`name`, `pronoun`, …).
pub fn mention_kind_name(k: MentionKind) -> &'static str {
    match k {
        MentionKind::Name => "name",
        MentionKind::Short => "short",
        MentionKind::Acronym => "acronym",
        MentionKind::Alias => "alias",
        MentionKind::Demonym => "demonym",
        MentionKind::Capital => "capital",
        MentionKind::Description => "description",
        MentionKind::Pronoun => "pronoun",
    }
}

/// Name of a quote kind as stored (`direct`, `mixed`, `indirect`).
pub fn quote_kind_name(k: QuoteKind) -> &'static str {
    match k {
        QuoteKind::Direct => "direct",
        QuoteKind::Mixed => "mixed",
        QuoteKind::Indirect => "indirect",
    }
}

/// Lowercased alphanumeric words joined by single spaces: quotes that differ
/// only in case, punctuation, quotation marks or spacing normalise alike.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut gap = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if gap && !out.is_empty() {
                out.push(' ');
            }
            gap = false;
            out.extend(c.to_lowercase());
        } else {
            gap = true;
        }
    }
    out
}

/// The duplicate key of a quote: a hash of its normalised content and of its
/// speaker (the entity's canonical name, else the speaker as written).
pub fn quote_key(content: &str, speaker: Option<&str>) -> i64 {
    let mut b = normalise(content);
    b.push('\0');
    b.push_str(&normalise(speaker.unwrap_or("")));
    xxhash_rust::xxh3::xxh3_64(b.as_bytes()) as i64
}

impl PreparedDoc {
    /// Prepares `doc` for writing. The document's `raw` bytes are dropped
    /// (the store keeps the text and the source map, which point back at the
    /// original file).
    pub fn new(mut doc: Document) -> PreparedDoc {
        doc.raw = Vec::new();
        let ci = CharIndex::new(&doc.text);
        let offsets = |s: Span| Offsets::of(&doc, &ci, s);
        let text = |s: Span| {
            doc.text
                .get(s.start as usize..s.end as usize)
                .unwrap_or("")
                .to_string()
        };
        let quotes = doc
            .quotes
            .iter()
            .enumerate()
            .map(|(i, q)| {
                let ent = q.speaker_entity.and_then(|e| doc.entities.get(e as usize));
                // The words without an interrupting attribution (`parts`).
                let content = q.words(&doc.text).into_owned();
                let speaker = q.speaker.map(|s| (s, text(s)));
                let canonical = ent.map(|e| e.canonical.clone());
                let who = canonical
                    .as_deref()
                    .or(speaker.as_ref().map(|(_, t)| t.as_str()));
                let targets = doc
                    .entities
                    .iter()
                    .enumerate()
                    .filter(|&(e, ent)| {
                        Some(e as u32) != q.speaker_entity
                            && ent
                                .mentions
                                .iter()
                                .any(|m| q.pieces().iter().any(|p| p.contains(m.span)))
                    })
                    .map(|(e, ent)| (e as u32, ent.canonical.clone()))
                    .collect();
                QuoteRow {
                    idx: i as u32,
                    kind: quote_kind_name(q.kind),
                    offsets: offsets(q.content),
                    dup_key: quote_key(&content, who),
                    text: content,
                    parts: (!q.parts.is_empty()).then(|| {
                        let spans: Vec<[u32; 2]> =
                            q.parts.iter().map(|p| [p.start, p.end]).collect();
                        serde_json::to_string(&spans).unwrap_or_default()
                    }),
                    clause: q.clause.map(|s| (s, text(s))),
                    cue: q.cue.map(|s| (s, text(s))),
                    speaker,
                    speaker_canonical: canonical,
                    speaker_code: ent.and_then(|e| e.actor_code.clone()),
                    speaker_country: ent.and_then(|e| e.country.clone()),
                    addressee: q.addressee.map(|s| (s, text(s))),
                    targets,
                }
            })
            .collect();
        let chars = ci.char_of(doc.text.len()) as u64;
        let spans = codec::DocSpans {
            paragraphs: doc.paragraphs.iter().map(|p| p.span).collect(),
            sentences: doc
                .sentences
                .iter()
                .map(|s| codec::SentenceSpan {
                    paragraph: s.paragraph,
                    span: s.span,
                    tokens: s.tokens,
                })
                .collect(),
            mentions: doc
                .entities
                .iter()
                .enumerate()
                .flat_map(|(e, ent)| ent.mentions.iter().enumerate().map(move |(i, m)| (e, i, m)))
                .map(|(e, i, m)| codec::MentionSpan {
                    entity: e as u32,
                    idx: i as u32,
                    kind: mention_kind_name(m.kind),
                    span: m.span,
                })
                .collect(),
        }
        .encode();
        let shingles = dedup::shingles(doc.layout.body.slice(&doc.text));
        let band_keys = dedup::band_keys(&shingles);
        PreparedDoc {
            stages: stages_json(&doc.stages),
            diagnostics: (!doc.diagnostics.is_empty())
                .then(|| serde_json::to_string(&doc.diagnostics).unwrap_or_default()),
            chars,
            source_map: codec::encode_source_map(&doc.source_map),
            tokens: codec::encode_tokens(&doc.tokens),
            shingles,
            band_keys,
            quotes,
            spans,
            doc,
        }
    }
}

/// The JSON form of stage stamps stored in `documents.stages` and
/// `runs.stages`: `[{"stage":"ingest","version":"ingest-0.1.0"},…]`.
pub fn stages_json(stages: &[newsgraph_core::StageStamp]) -> String {
    serde_json::to_string(stages).unwrap_or_else(|_| "[]".into())
}
