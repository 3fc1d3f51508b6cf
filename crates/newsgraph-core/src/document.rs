//! The document and its metadata.

use crate::{
    Diagnostic, Entity, Paragraph, Quote, Sentence, SourceMap, Span, StageStamp, Token, Word,
};
use serde::{Deserialize, Serialize};

/// Where a document came from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// Path of the file (`-` for stdin), as given on the command line or
    /// found while walking a directory.
    pub path: String,
    /// Position of this document among the documents of that file (0 for
    /// single-document formats; the line number − 1 for JSONL).
    pub index: u32,
    /// Byte offset of this document's raw bytes inside the file (after
    /// decompression for `.gz`). Source spans add up from here.
    pub offset: u64,
    /// URL when the format carries one (HTML canonical link, JSONL field).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The id the source itself gives the article (JSONL id field, Reuters
    /// `NEWID`), kept so that records can be joined back to the source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
}

/// Input formats newsgraph reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// First line ` date YYYY-MM-DD <title>`, then byline, then paragraphs.
    Seed,
    /// Plain text: first line the title, blank lines separate paragraphs.
    Text,
    /// One JSON object per line.
    Jsonl,
    Html,
    /// Reuters-21578 SGML (`<REUTERS>` elements, many per file).
    Reuters,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Seed => "seed",
            Format::Text => "text",
            Format::Jsonl => "jsonl",
            Format::Html => "html",
            Format::Reuters => "reuters",
        }
    }
}

/// A calendar date (proleptic Gregorian), serialised as `YYYY-MM-DD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// A validated date, or `None` for impossible ones (Feb 30, month 13).
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        if !(1..=12).contains(&month) || day == 0 || !(1..=9999).contains(&year) {
            return None;
        }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = match month {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        (day <= days).then_some(Date { year, month, day })
    }

    /// Parses the leading `YYYY-MM-DD` of an ISO 8601 date or date-time.
    pub fn parse_iso(s: &str) -> Option<Date> {
        let b = s.trim().as_bytes();
        if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            std::str::from_utf8(&b[r]).ok()?.parse().ok()
        };
        Date::new(num(0..4)? as i32, num(5..7)? as u8, num(8..10)? as u8)
    }

    /// Day of the week, 0 = Monday … 6 = Sunday.
    pub fn weekday(self) -> u8 {
        // Days since 1970-01-01 (a Thursday), via the civil-from-days inverse.
        let (y, m, d) = (
            i64::from(self.year),
            i64::from(self.month),
            i64::from(self.day),
        );
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        let days = era * 146_097 + doe - 719_468;
        ((days + 3).rem_euclid(7)) as u8
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let s = String::deserialize(d)?;
        Date::parse_iso(&s).ok_or_else(|| serde::de::Error::custom("expected YYYY-MM-DD"))
    }
}

/// What is known about a document besides its text.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metadata {
    pub source: Source,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<Format>,
    /// Encoding the raw bytes were decoded from (`UTF-8`, `windows-1252`, …).
    pub encoding: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outlet: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub byline: Option<String>,
    /// Publication date: the anchor later stages normalise relative times
    /// ("on Thursday") against.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<Date>,
    /// The publication date or date-time exactly as the source gave it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_raw: Option<String>,
    /// Place named in the dateline (`BAGHDAD` in `BAGHDAD, Dec 9 (Reuters) -`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dateline_place: Option<String>,
    /// BCP 47 language tag; `en` unless the source says otherwise.
    pub language: String,
}

/// Spans of the structural parts of a document's text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Layout {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<Span>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub byline: Option<Span>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dateline: Option<Span>,
    /// The article body: paragraphs, sentences and tokens lie inside it.
    pub body: Span,
}

/// One news article: its bytes, its text, and every record made from it.
///
/// Invariants (checked by `Document::check`):
/// - every span lies inside `text` on char boundaries;
/// - `paragraphs`, `sentences` and `tokens` are sorted and do not overlap;
/// - every sentence's token range indexes `tokens`, and its tokens lie
///   inside its span, which lies inside one paragraph;
/// - `words` is empty or parallel to `tokens`, and every head lies in its
///   word's sentence;
/// - in a parsed sentence (any relation set), the words form one tree:
///   exactly one root, no cycles.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Document {
    /// Stable id: hex of a 128-bit hash of `text` (same text ⇒ same id,
    /// whatever encoding or container it arrived in).
    pub id: String,
    /// The bytes this document was read from (its slice of the source file).
    #[serde(skip)]
    pub raw: Vec<u8>,
    /// Decoded, extracted text (UTF-8). All [`Span`]s index this.
    pub text: String,
    /// Maps text offsets to offsets in the source file.
    #[serde(skip)]
    pub source_map: SourceMap,
    pub meta: Metadata,
    pub layout: Layout,
    pub paragraphs: Vec<Paragraph>,
    pub sentences: Vec<Sentence>,
    pub tokens: Vec<Token>,
    /// Tags, lemmas and dependencies, parallel to `tokens` (empty until a
    /// tagger has run).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub words: Vec<Word>,
    /// Named entities with every mention, sorted by their first mention.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entities: Vec<Entity>,
    /// Attributions, sorted by content span.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub quotes: Vec<Quote>,
    /// Which stage versions produced the records above.
    pub stages: Vec<StageStamp>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Document {
    /// A document over `text` with an identity source map; sets the id.
    pub fn from_text(text: impl Into<String>) -> Document {
        let text = text.into();
        let mut doc = Document {
            raw: text.as_bytes().to_vec(),
            text,
            ..Document::default()
        };
        doc.layout.body = Span::new(0, doc.text.len());
        doc.meta.encoding = "UTF-8".into();
        doc.meta.language = "en".into();
        doc.id = content_id(&doc.text);
        doc
    }

    /// The text of a span (empty when the span is out of range).
    pub fn slice(&self, span: Span) -> &str {
        span.slice(&self.text)
    }

    /// Source-file byte span of a text span.
    pub fn source_span(&self, span: Span) -> (u64, u64) {
        self.source_map.span_to_source(span)
    }

    /// Checks the invariants listed on the type; returns the first broken one.
    pub fn check(&self) -> Result<(), String> {
        let ok = |s: Span| {
            (s.end as usize) <= self.text.len()
                && self.text.is_char_boundary(s.start as usize)
                && self.text.is_char_boundary(s.end as usize)
        };
        let spans = self
            .paragraphs
            .iter()
            .map(|p| p.span)
            .chain(self.sentences.iter().map(|s| s.span))
            .chain(self.tokens.iter().map(|t| t.span))
            .chain(
                self.entities
                    .iter()
                    .flat_map(|e| e.mentions.iter().map(|m| m.span)),
            )
            .chain(self.quotes.iter().flat_map(|q| {
                [Some(q.content), q.cue, q.speaker, q.addressee, q.clause]
                    .into_iter()
                    .flatten()
                    .chain(q.parts.iter().copied())
            }));
        for s in spans {
            if !ok(s) {
                return Err(format!("span {s:?} is not on char boundaries of the text"));
            }
        }
        for w in self.tokens.windows(2) {
            if w[0].span.end > w[1].span.start {
                return Err(format!(
                    "tokens {:?} and {:?} overlap",
                    w[0].span, w[1].span
                ));
            }
        }
        for w in self.sentences.windows(2) {
            if w[0].span.end > w[1].span.start || w[0].tokens.1 > w[1].tokens.0 {
                return Err(format!(
                    "sentences {:?} and {:?} overlap",
                    w[0].span, w[1].span
                ));
            }
        }
        for s in &self.sentences {
            let toks = self.tokens.get(s.tokens.0 as usize..s.tokens.1 as usize);
            let Some(toks) = toks else {
                return Err(format!("sentence {:?} indexes missing tokens", s.span));
            };
            if toks.iter().any(|t| !s.span.contains(t.span)) {
                return Err(format!("sentence {:?} does not contain its tokens", s.span));
            }
            match self.paragraphs.get(s.paragraph as usize) {
                Some(p) if p.span.contains(s.span) => {}
                _ => return Err(format!("sentence {:?} is outside its paragraph", s.span)),
            }
        }
        let n_entities = self.entities.len();
        for e in &self.entities {
            if e.affiliation.is_some_and(|a| a as usize >= n_entities) {
                return Err(format!(
                    "entity {:?} has an affiliation out of range",
                    e.canonical
                ));
            }
        }
        for q in &self.quotes {
            let ordered = q.parts.windows(2).all(|w| w[0].end <= w[1].start);
            if !ordered || q.parts.iter().any(|p| !q.content.contains(*p)) {
                return Err(format!(
                    "quote {:?} has parts out of order or outside its content",
                    q.content
                ));
            }
            if q.clause.is_some_and(|c| !c.contains(q.content)) {
                return Err(format!(
                    "quote {:?} has a clause that does not hold its content",
                    q.content
                ));
            }
            let bad = |i: Option<u32>| i.is_some_and(|i| i as usize >= n_entities);
            if bad(q.speaker_entity) || bad(q.addressee_entity) {
                return Err(format!(
                    "quote {:?} names an entity out of range",
                    q.content
                ));
            }
        }
        if !self.words.is_empty() {
            if self.words.len() != self.tokens.len() {
                return Err(format!(
                    "{} words for {} tokens",
                    self.words.len(),
                    self.tokens.len()
                ));
            }
            for s in &self.sentences {
                let range = s.token_range();
                for i in range.clone() {
                    if let Some(h) = self.words[i].head {
                        if !range.contains(&(h as usize)) || h as usize == i {
                            return Err(format!("token {i} has head {h} outside its sentence"));
                        }
                    }
                }
                let words = &self.words[range.clone()];
                if words.iter().any(|w| !w.deprel.is_empty()) {
                    let roots = words.iter().filter(|w| w.head.is_none()).count();
                    if roots != 1 {
                        return Err(format!(
                            "sentence {:?} has {roots} roots instead of one",
                            s.span
                        ));
                    }
                    // Walking up from any word must reach the root within
                    // the sentence's length.
                    for i in range.clone() {
                        let (mut k, mut steps) = (i, 0);
                        while let Some(h) = self.words[k].head {
                            k = h as usize;
                            steps += 1;
                            if steps > range.len() {
                                return Err(format!("token {i} is on a dependency cycle"));
                            }
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

/// The content id of a text: 32 hex digits of its XXH3-128 hash.
pub fn content_id(text: &str) -> String {
    format!("{:032x}", xxhash_rust::xxh3::xxh3_128(text.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Paragraph, Sentence, Span, Token, TokenKind, Word};

    /// "a b c" as one sentence of three words with the given heads.
    fn parsed(heads: [Option<u32>; 3]) -> Document {
        let mut doc = Document::from_text("a b c");
        for (i, head) in heads.into_iter().enumerate() {
            doc.tokens.push(Token {
                span: Span::new(2 * i, 2 * i + 1),
                kind: TokenKind::Word,
                space_after: i < 2,
                joined_next: false,
                quote: None,
            });
            doc.words.push(Word {
                head,
                deprel: if head.is_none() { "root" } else { "dep" }.into(),
                ..Word::default()
            });
        }
        doc.paragraphs.push(Paragraph {
            span: Span::new(0, 5),
        });
        doc.sentences.push(Sentence {
            span: Span::new(0, 5),
            tokens: (0, 3),
            paragraph: 0,
        });
        doc
    }

    /// A quote of `kind` over `content` with nothing else.
    fn bare_quote(kind: crate::QuoteKind, content: Span) -> crate::Quote {
        crate::Quote {
            kind,
            content,
            parts: Vec::new(),
            clause: None,
            cue: None,
            speaker: None,
            speaker_entity: None,
            addressee: None,
            addressee_entity: None,
            paragraphs: (0, 1),
            version: "test".into(),
        }
    }

    #[test]
    fn check_wants_quote_parts_in_order_inside_the_content() {
        let quote = |parts: Vec<Span>| crate::Quote {
            parts,
            ..bare_quote(crate::QuoteKind::Direct, Span::new(0, 5))
        };
        let mut doc = parsed([Some(1), None, Some(1)]);
        doc.quotes = vec![quote(vec![Span::new(0, 1), Span::new(4, 5)])];
        assert_eq!(doc.check(), Ok(()));
        assert_eq!(doc.quotes[0].words(&doc.text), "a … c");
        doc.quotes = vec![quote(vec![Span::new(4, 5), Span::new(0, 1)])];
        assert!(doc.check().is_err());
        doc.quotes = vec![quote(vec![Span::new(0, 1), Span::new(4, 6)])];
        assert!(doc.check().is_err());
    }

    #[test]
    fn check_wants_a_mixed_quote_clause_around_its_content() {
        let quote = |clause: Span| crate::Quote {
            clause: Some(clause),
            ..bare_quote(crate::QuoteKind::Mixed, Span::new(2, 3))
        };
        let mut doc = parsed([Some(1), None, Some(1)]);
        doc.quotes = vec![quote(Span::new(0, 5))];
        assert_eq!(doc.check(), Ok(()));
        doc.quotes = vec![quote(Span::new(0, 2))];
        assert!(doc.check().is_err());
        doc.quotes = vec![quote(Span::new(0, 9))];
        assert!(doc.check().is_err());
    }

    #[test]
    fn check_accepts_a_tree() {
        assert_eq!(parsed([Some(1), None, Some(1)]).check(), Ok(()));
    }

    #[test]
    fn check_rejects_two_roots_a_cycle_and_an_outside_head() {
        assert!(parsed([None, None, Some(1)]).check().is_err());
        assert!(parsed([Some(1), Some(0), None]).check().is_err());
        assert!(parsed([Some(7), None, Some(1)]).check().is_err());
    }

    #[test]
    fn check_accepts_tagged_but_unparsed_words() {
        let mut doc = parsed([None, None, None]);
        for w in &mut doc.words {
            w.deprel.clear();
        }
        assert_eq!(doc.check(), Ok(()));
    }
}
