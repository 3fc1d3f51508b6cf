//! Reading the store: document lists with filters and full-text search,
//! one document with its records, and articles per day.
//!
//! All SQL is parameterised: user input only ever reaches SQLite as bound
//! values. Search text is turned into an FTS5 query of quoted terms (see
//! [`fts_query`]), so punctuation in it can never be FTS5 syntax.

use crate::codec::DocSpans;
pub use crate::records::*;
use crate::{codec, Result, Store, StoreError};
use newsgraph_core::{CharIndex, Date, SourceMap, Span};
use rusqlite::types::Value;
use rusqlite::{params_from_iter, OptionalExtension};
use serde::Serialize;

/// Filters for document lists. Dates are inclusive `YYYY-MM-DD`.
#[derive(Clone, Debug, Default)]
pub struct DocFilter {
    /// Full-text search over title and text (see [`fts_query`]).
    pub search: Option<String>,
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub outlet: Option<String>,
    /// Only documents of this story (a document id of any member).
    pub story: Option<String>,
    pub limit: u32,
    pub offset: u64,
    /// Count matches only up to this many (`None`: count them all); see
    /// [`DocPage::total_exact`].
    pub count_limit: Option<u64>,
}

/// One line of a document list.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct DocSummary {
    pub id: String,
    pub published: Option<String>,
    pub outlet: Option<String>,
    pub title: Option<String>,
    pub dateline_place: Option<String>,
    pub source_path: String,
    pub url: Option<String>,
    pub external_id: Option<String>,
    /// Id of the first document of this document's story.
    pub story: String,
    /// How many stored documents belong to the story.
    pub story_size: u64,
    pub chars: u64,
    /// Number of sentences (`n_sentences`: a document's detail also has `sentences`, the
    /// list itself).
    #[serde(rename = "n_sentences")]
    pub sentences: u64,
    /// With a search: a short extract, split into plain and matching parts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snippet: Option<Vec<SnippetPart>>,
}

/// Part of a search snippet; `hit` marks the matching words.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct SnippetPart {
    pub text: String,
    pub hit: bool,
}

/// A page of documents and the total count matching the filter.
#[derive(Clone, Debug, Serialize)]
pub struct DocPage {
    pub total: u64,
    /// False when counting stopped at the filter's `count_limit`: there are
    /// more than `total` matches.
    pub total_exact: bool,
    pub offset: u64,
    pub limit: u32,
    pub documents: Vec<DocSummary>,
}

/// Offsets of a record in the three kinds.
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
pub struct RecordOffsets {
    pub span: [u64; 2],
    pub chars: [u64; 2],
    pub source: [u64; 2],
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct SentenceOut {
    #[serde(flatten)]
    pub offsets: RecordOffsets,
    pub paragraph: u32,
    pub tokens: [u32; 2],
    pub text: String,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct SourceOut {
    pub path: String,
    pub index: u32,
    pub offset: u64,
    pub url: Option<String>,
    pub external_id: Option<String>,
    pub run: i64,
}

/// One document with its records.
#[derive(Clone, Debug, Serialize)]
pub struct DocDetail {
    #[serde(flatten)]
    pub summary: DocSummary,
    pub byline: Option<String>,
    pub language: String,
    pub format: Option<String>,
    pub encoding: String,
    pub published_raw: Option<String>,
    pub text: String,
    pub layout: serde_json::Value,
    pub paragraphs: Vec<RecordOffsets>,
    pub sentences: Vec<SentenceOut>,
    pub stages: serde_json::Value,
    pub diagnostics: serde_json::Value,
    pub run: i64,
    pub sources: Vec<SourceOut>,
    /// Other documents of the same story.
    pub story_members: Vec<String>,
    /// Entities, each with its mentions.
    pub entities: Vec<EntityOut>,
    /// Quotes, each with the evidence of its statement across the story.
    pub quotes: Vec<QuoteOut>,
}

/// Articles and statements (deduplicated quotes) per day.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct DayCount {
    pub date: String,
    pub documents: u64,
    pub quotes: u64,
}

/// Totals for a store.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Stats {
    pub schema_version: u32,
    pub documents: u64,
    pub stories: u64,
    pub sentences: u64,
    pub tokens: u64,
    pub text_bytes: u64,
    pub runs: u64,
    pub entities: u64,
    pub mentions: u64,
    pub quotes: u64,
    /// Quotes counted once per statement (duplicates across a story merged).
    pub statements: u64,
    pub actors: u64,
}

/// Turns user search text into an FTS5 query: words and `"quoted phrases"`
/// become quoted FTS5 strings (so `U.S.` or `-` are never syntax), all of
/// which must match; a trailing `*` on a word keeps prefix search; `OR`
/// between two terms is kept. `None` when there is nothing to search for.
pub fn fts_query(input: &str) -> Option<String> {
    let mut terms: Vec<String> = Vec::new();
    let mut chars = input.chars().peekable();
    let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '"' {
            chars.next();
            let phrase: String = chars.by_ref().take_while(|&c| c != '"').collect();
            if phrase.split_whitespace().next().is_some() {
                terms.push(quote(phrase.trim()));
            }
        } else {
            let mut word = String::new();
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() || c == '"' {
                    break;
                }
                word.push(c);
                chars.next();
            }
            if word == "OR" {
                if !terms.is_empty() && terms.last().is_some_and(|t| t != "OR") {
                    terms.push("OR".into());
                }
                continue;
            }
            let prefix = word.ends_with('*');
            let core = word.trim_end_matches('*');
            // Keep only words FTS5's tokenizer would index something of.
            if core.chars().any(char::is_alphanumeric) {
                terms.push(if prefix {
                    format!("{}*", quote(core))
                } else {
                    quote(core)
                });
            }
        }
    }
    while terms.last().is_some_and(|t| t == "OR") {
        terms.pop();
    }
    (!terms.is_empty()).then(|| terms.join(" "))
}

/// WHERE clause and bound values for a filter (the FTS join is the caller's).
fn where_clause(store: &Store, f: &DocFilter) -> Result<(String, Vec<Value>)> {
    let mut cond: Vec<String> = Vec::new();
    let mut vals: Vec<Value> = Vec::new();
    if let Some(q) = f.search.as_deref() {
        let q = fts_query(q).ok_or_else(|| StoreError::BadQuery("nothing to search for".into()))?;
        cond.push("documents_fts MATCH ?".into());
        vals.push(Value::Text(q));
    }
    if let Some(d) = f.from {
        cond.push("d.published >= ?".into());
        vals.push(Value::Text(d.to_string()));
    }
    if let Some(d) = f.to {
        cond.push("d.published <= ?".into());
        vals.push(Value::Text(d.to_string()));
    }
    if let Some(o) = &f.outlet {
        cond.push("d.outlet = ?".into());
        vals.push(Value::Text(o.clone()));
    }
    if let Some(s) = &f.story {
        let story: Option<i64> = store
            .conn
            .query_row(
                "SELECT story_id FROM documents WHERE doc_id = ?1",
                [s],
                |r| r.get(0),
            )
            .optional()?;
        cond.push("d.story_id = ?".into());
        vals.push(Value::Integer(story.unwrap_or(-1)));
    }
    let w = if cond.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", cond.join(" AND "))
    };
    Ok((w, vals))
}

pub(crate) fn map_fts_err(e: rusqlite::Error) -> StoreError {
    match &e {
        rusqlite::Error::SqliteFailure(_, Some(msg)) if msg.contains("fts5") => {
            StoreError::BadQuery(msg.clone())
        }
        _ => StoreError::Sqlite(e),
    }
}

const SUMMARY_COLUMNS: &str = "d.doc_id, d.published, d.outlet, d.title, d.dateline_place,
    d.source_path, d.url, d.external_id,
    (SELECT s.doc_id FROM documents s WHERE s.id = d.story_id),
    (SELECT count(*) FROM documents m WHERE m.story_id = d.story_id),
    d.chars, d.n_sentences";

fn summary(r: &rusqlite::Row<'_>) -> rusqlite::Result<DocSummary> {
    Ok(DocSummary {
        id: r.get(0)?,
        published: r.get(1)?,
        outlet: r.get(2)?,
        title: r.get(3)?,
        dateline_place: r.get(4)?,
        source_path: r.get(5)?,
        url: r.get(6)?,
        external_id: r.get(7)?,
        story: r.get::<_, Option<String>>(8)?.unwrap_or_default(),
        story_size: r.get::<_, i64>(9)? as u64,
        chars: r.get::<_, i64>(10)? as u64,
        sentences: r.get::<_, i64>(11)? as u64,
        snippet: None,
    })
}

/// Splits an FTS5 snippet marked with \u{1}…\u{2} into parts.
fn snippet_parts(s: &str) -> Vec<SnippetPart> {
    let mut out = Vec::new();
    let mut hit = false;
    for (i, piece) in s.split(['\u{1}', '\u{2}']).enumerate() {
        if i > 0 {
            hit = !hit;
        }
        if !piece.is_empty() {
            out.push(SnippetPart {
                text: piece.to_string(),
                hit,
            });
        }
    }
    out
}

impl Store {
    /// Counts the rows of `from_where` (`FROM` and `WHERE` of a query over
    /// `vals`): all of them, or at most `limit` (then the flag tells
    /// whether that was all). Bounded counts keep the first page of a broad
    /// filter from walking every match just to print a total.
    pub(crate) fn count_rows(
        &self,
        from_where: &str,
        vals: &[Value],
        limit: Option<u64>,
    ) -> Result<(u64, bool)> {
        let (sql, cap) = match limit {
            Some(n) => (
                format!("SELECT count(*) FROM (SELECT 1 FROM {from_where} LIMIT ?)"),
                Some(n.min(i64::MAX as u64 - 1)),
            ),
            None => (format!("SELECT count(*) FROM {from_where}"), None),
        };
        let mut vals = vals.to_vec();
        if let Some(n) = cap {
            vals.push(Value::Integer(n as i64 + 1));
        }
        let n: i64 = self
            .conn
            .prepare_cached(&sql)?
            .query_row(params_from_iter(vals.iter()), |r| r.get(0))
            .map_err(map_fts_err)?;
        let n = n.max(0) as u64;
        Ok(match cap {
            Some(c) if n > c => (c, false),
            _ => (n, true),
        })
    }

    /// A page of documents matching `f`: by search rank with a search,
    /// otherwise newest first (undated last), then in ingest order.
    pub fn documents(&self, f: &DocFilter) -> Result<DocPage> {
        let (w, mut vals) = where_clause(self, f)?;
        let searching = f.search.is_some();
        let from = if searching {
            "documents_fts JOIN documents d ON d.id = documents_fts.rowid"
        } else {
            "documents d"
        };
        let (total, total_exact) = self.count_rows(&format!("{from} {w}"), &vals, f.count_limit)?;
        let fts = vals.first().cloned();
        vals.push(Value::Integer(i64::from(f.limit)));
        vals.push(Value::Integer(f.offset.min(i64::MAX as u64) as i64));
        let sql = match fts {
            Some(q) if searching => {
                // Rank every match, but build snippets (the costly part)
                // only for the rows of the page.
                vals.push(q);
                format!(
                    "WITH page AS (
                         SELECT documents_fts.rowid AS id, documents_fts.rank AS r
                         FROM {from} {w} ORDER BY documents_fts.rank, d.id LIMIT ? OFFSET ?)
                     SELECT {SUMMARY_COLUMNS},
                         snippet(documents_fts, 1, char(1), char(2), '…', 24)
                     FROM page JOIN documents_fts ON documents_fts.rowid = page.id
                         JOIN documents d ON d.id = page.id
                     WHERE documents_fts MATCH ? ORDER BY page.r, d.id"
                )
            }
            _ => format!(
                "SELECT {SUMMARY_COLUMNS} FROM {from} {w}
                 ORDER BY d.published DESC, d.id LIMIT ? OFFSET ?"
            ),
        };
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt
            .query_map(params_from_iter(vals.iter()), |r| {
                let mut s = summary(r)?;
                if searching {
                    s.snippet = Some(snippet_parts(&r.get::<_, String>(12)?));
                }
                Ok(s)
            })
            .map_err(map_fts_err)?;
        let documents = rows
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(map_fts_err)?;
        Ok(DocPage {
            total,
            total_exact,
            offset: f.offset,
            limit: f.limit,
            documents,
        })
    }

    /// One document with its paragraphs, sentences, sources and story.
    pub fn document(&self, doc_id: &str) -> Result<Option<DocDetail>> {
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS}, d.byline, d.language, d.format, d.encoding, d.published_raw,
                d.text, d.title_start, d.title_end, d.byline_start, d.byline_end, d.dateline_start,
                d.dateline_end, d.body_start, d.body_end,
                (SELECT stages FROM stage_sets WHERE id = d.stage_set), d.diagnostics, d.run_id,
                d.source_base, d.source_map, d.id, d.story_id
             FROM documents d WHERE d.doc_id = ?1"
        );
        type Head = (DocDetail, u64, Option<Vec<u8>>, i64, i64);
        let head: Option<Head> = self
            .conn
            .prepare_cached(&sql)?
            .query_row([doc_id], |r| {
                let span = |a: usize| -> rusqlite::Result<serde_json::Value> {
                    let s: Option<i64> = r.get(a)?;
                    let e: Option<i64> = r.get(a + 1)?;
                    Ok(match (s, e) {
                        (Some(s), Some(e)) => serde_json::json!([s, e]),
                        _ => serde_json::Value::Null,
                    })
                };
                let json = |a: usize| -> rusqlite::Result<serde_json::Value> {
                    let s: Option<String> = r.get(a)?;
                    Ok(s.and_then(|s| serde_json::from_str(&s).ok())
                        .unwrap_or(serde_json::Value::Array(Vec::new())))
                };
                let detail = DocDetail {
                    summary: summary(r)?,
                    byline: r.get(12)?,
                    language: r.get(13)?,
                    format: r.get(14)?,
                    encoding: r.get(15)?,
                    published_raw: r.get(16)?,
                    text: r.get(17)?,
                    layout: serde_json::json!({
                        "title": span(18)?, "byline": span(20)?,
                        "dateline": span(22)?, "body": span(24)?,
                    }),
                    paragraphs: Vec::new(),
                    sentences: Vec::new(),
                    stages: json(26)?,
                    diagnostics: json(27)?,
                    run: r.get(28)?,
                    sources: Vec::new(),
                    story_members: Vec::new(),
                    entities: Vec::new(),
                    quotes: Vec::new(),
                };
                Ok((
                    detail,
                    r.get::<_, i64>(29)? as u64,
                    r.get(30)?,
                    r.get(31)?,
                    r.get(32)?,
                ))
            })
            .optional()?;
        let Some((mut detail, base, map, id, story)) = head else {
            return Ok(None);
        };
        let spans = self.doc_spans(id, doc_id)?;
        let text = std::mem::take(&mut detail.text);
        let at = DocOffsets::new(&text, base, map.as_deref(), doc_id)?;
        (detail.entities, detail.quotes) = self.document_records(doc_id, &spans.mentions, &at)?;
        detail.paragraphs = spans.paragraphs.iter().map(|&p| at.of(p)).collect();
        detail.sentences = spans
            .sentences
            .iter()
            .map(|s| SentenceOut {
                text: at.text(s.span).to_string(),
                offsets: at.of(s.span),
                paragraph: s.paragraph,
                tokens: [s.tokens.0, s.tokens.1],
            })
            .collect();
        drop(at);
        detail.text = text;
        let mut stmt = self.conn.prepare_cached(
            "SELECT path, idx, offset, url, external_id, run_id FROM document_sources
             WHERE doc = ?1 ORDER BY path, idx",
        )?;
        detail.sources = stmt
            .query_map([id], |r| {
                Ok(SourceOut {
                    path: r.get(0)?,
                    index: r.get(1)?,
                    offset: r.get::<_, i64>(2)? as u64,
                    url: r.get(3)?,
                    external_id: r.get(4)?,
                    run: r.get(5)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT doc_id FROM documents WHERE story_id = ?1 AND id != ?2 ORDER BY id LIMIT 1000",
        )?;
        detail.story_members = stmt
            .query_map([story, id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(Some(detail))
    }

    /// How many paragraphs, sentences and mentions are stored, counted in
    /// every document's spans blob (they have no rows to count).
    pub fn count_spans(&self) -> Result<SpanCounts> {
        let mut c = SpanCounts::default();
        let mut stmt = self
            .conn
            .prepare("SELECT d.doc_id, s.data FROM doc_spans s JOIN documents d ON d.id = s.doc")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let data: Vec<u8> = r.get(1)?;
            let spans = decode_spans(&data, &r.get::<_, String>(0)?)?;
            c.paragraphs += spans.paragraphs.len() as u64;
            c.sentences += spans.sentences.len() as u64;
            c.mentions += spans.mentions.len() as u64;
        }
        Ok(c)
    }

    /// The paragraphs, sentences and mentions of the document with row id
    /// `id` (empty when it has none).
    pub(crate) fn doc_spans(&self, id: i64, doc_id: &str) -> Result<DocSpans> {
        let blob: Option<Vec<u8>> = self
            .conn
            .prepare_cached("SELECT data FROM doc_spans WHERE doc = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?;
        match blob {
            None => Ok(DocSpans::default()),
            Some(b) => decode_spans(&b, doc_id),
        }
    }

    /// The tokens of a document with all three offset kinds and their text,
    /// as `(text, kind, offsets, space_after, joined_next, quote)` rows.
    pub fn tokens(&self, doc_id: &str) -> Result<Option<Vec<TokenOut>>> {
        type Row = (String, Option<Vec<u8>>, i64, Option<Vec<u8>>);
        let row: Option<Row> = self
            .conn
            .query_row(
                "SELECT d.text, t.data, d.source_base, d.source_map
                 FROM documents d LEFT JOIN doc_tokens t ON t.doc = d.id WHERE d.doc_id = ?1",
                [doc_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        let Some((text, data, base, map)) = row else {
            return Ok(None);
        };
        Ok(Some(expand_tokens(
            &text,
            data.as_deref(),
            base as u64,
            map.as_deref(),
            doc_id,
        )?))
    }

    /// Documents per publication day (undated documents are left out).
    pub fn timeline(&self, f: &DocFilter) -> Result<Vec<DayCount>> {
        let (w, vals) = where_clause(self, f)?;
        let from = if f.search.is_some() {
            "documents_fts JOIN documents d ON d.id = documents_fts.rowid"
        } else {
            "documents d"
        };
        let w = if w.is_empty() {
            "WHERE d.published IS NOT NULL".to_string()
        } else {
            format!("{w} AND d.published IS NOT NULL")
        };
        let sql = format!(
            "SELECT d.published, count(*) FROM {from} {w} GROUP BY d.published ORDER BY d.published"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt
            .query_map(params_from_iter(vals.iter()), |r| {
                Ok(DayCount {
                    date: r.get(0)?,
                    documents: r.get::<_, i64>(1)? as u64,
                    quotes: 0,
                })
            })
            .map_err(map_fts_err)?;
        let mut days = rows
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(map_fts_err)?;
        let quotes: std::collections::HashMap<String, u64> =
            self.quotes_per_day(from, &w, &vals)?.into_iter().collect();
        for d in &mut days {
            d.quotes = quotes.get(&d.date).copied().unwrap_or(0);
        }
        Ok(days)
    }

    /// Totals.
    pub fn stats(&self) -> Result<Stats> {
        let one = |sql: &str| -> Result<u64> {
            Ok(self.conn.query_row(sql, [], |r| r.get::<_, i64>(0))? as u64)
        };
        Ok(Stats {
            schema_version: self.schema_version()?,
            documents: one("SELECT count(*) FROM documents")?,
            stories: one("SELECT count(DISTINCT story_id) FROM documents")?,
            sentences: one("SELECT coalesce(sum(n_sentences), 0) FROM documents")?,
            tokens: one("SELECT coalesce(sum(n), 0) FROM doc_tokens")?,
            text_bytes: one("SELECT coalesce(sum(bytes), 0) FROM documents")?,
            runs: one("SELECT count(*) FROM runs")?,
            entities: one("SELECT count(*) FROM entities")?,
            mentions: one("SELECT coalesce(sum(n_mentions), 0) FROM entities")?,
            quotes: one("SELECT count(*) FROM quotes")?,
            statements: one("SELECT count(*) FROM quotes WHERE first = 1")?,
            actors: one("SELECT count(DISTINCT canonical) FROM entities")?,
        })
    }
}

/// One token with its text and offsets.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct TokenOut {
    pub text: String,
    pub kind: &'static str,
    #[serde(flatten)]
    pub offsets: RecordOffsets,
    pub space_after: bool,
    pub joined_next: bool,
    pub quote: Option<&'static str>,
}

/// Expands a stored token blob into tokens with text and all offsets.
/// Decodes the spans blob of the document `doc_id`.
pub(crate) fn decode_spans(data: &[u8], doc_id: &str) -> Result<DocSpans> {
    DocSpans::decode(data).ok_or_else(|| {
        StoreError::Corrupt(format!("paragraphs, sentences and mentions of {doc_id}"))
    })
}

/// Records stored in the spans blobs (see [`Store::count_spans`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SpanCounts {
    pub paragraphs: u64,
    pub sentences: u64,
    pub mentions: u64,
}

/// All three offsets of byte spans of one document: the store keeps byte
/// spans only (schema 7), chars come from the text, source offsets from the
/// source map.
pub(crate) struct DocOffsets<'a> {
    text: &'a str,
    chars: CharIndex<'a>,
    map: SourceMap,
}

impl<'a> DocOffsets<'a> {
    pub(crate) fn new(
        text: &'a str,
        source_base: u64,
        source_map: Option<&[u8]>,
        doc_id: &str,
    ) -> Result<Self> {
        let map = codec::decode_source_map(source_base, source_map)
            .ok_or_else(|| StoreError::Corrupt(format!("source map of {doc_id}")))?;
        Ok(DocOffsets {
            text,
            chars: CharIndex::new(text),
            map,
        })
    }

    pub(crate) fn of(&self, s: Span) -> RecordOffsets {
        let (a, b) = self.map.span_to_source(s);
        RecordOffsets {
            span: [u64::from(s.start), u64::from(s.end)],
            chars: [
                self.chars.char_of(s.start as usize) as u64,
                self.chars.char_of(s.end as usize) as u64,
            ],
            source: [a, b],
        }
    }

    /// The words at a span ("" for a span that is not in the text).
    pub(crate) fn text(&self, s: Span) -> &'a str {
        self.text
            .get(s.start as usize..s.end as usize)
            .unwrap_or("")
    }
}

pub fn expand_tokens(
    text: &str,
    data: Option<&[u8]>,
    source_base: u64,
    source_map: Option<&[u8]>,
    doc_id: &str,
) -> Result<Vec<TokenOut>> {
    let Some(data) = data else {
        return Ok(Vec::new());
    };
    let tokens = codec::decode_tokens(data)
        .ok_or_else(|| StoreError::Corrupt(format!("tokens of {doc_id}")))?;
    let map = codec::decode_source_map(source_base, source_map)
        .ok_or_else(|| StoreError::Corrupt(format!("source map of {doc_id}")))?;
    let ci = CharIndex::new(text);
    Ok(tokens
        .iter()
        .map(|t| {
            let (s, e) = map.span_to_source(t.span);
            TokenOut {
                text: t.span.slice(text).to_string(),
                kind: codec::kind_name(t.kind),
                offsets: RecordOffsets {
                    span: [u64::from(t.span.start), u64::from(t.span.end)],
                    chars: [
                        ci.char_of(t.span.start as usize) as u64,
                        ci.char_of(t.span.end as usize) as u64,
                    ],
                    source: [s, e],
                },
                space_after: t.space_after,
                joined_next: t.joined_next,
                quote: t.quote.map(codec::quote_name),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_text_becomes_quoted_fts_terms() {
        assert_eq!(fts_query("US forces").unwrap(), r#""US" "forces""#);
        assert_eq!(
            fts_query(r#""armed groups" U.S. -x"#).unwrap(),
            r#""armed groups" "U.S." "-x""#
        );
        assert_eq!(
            fts_query("Iraq* OR Syria").unwrap(),
            r#""Iraq"* OR "Syria""#
        );
        assert_eq!(fts_query(r#"a"b"#).unwrap(), r#""a" "b""#);
        assert_eq!(fts_query("OR x OR").unwrap(), r#""x""#);
        assert_eq!(fts_query(r#"it's "#).unwrap(), r#""it's""#);
        assert!(fts_query("  -- ** \"\" ").is_none());
        assert_eq!(
            fts_query(r#"x" OR 1=1; DROP TABLE documents; --"#).unwrap(),
            r#""x" "OR 1=1; DROP TABLE documents; --""#
        );
    }

    #[test]
    fn snippets_split_on_markers() {
        let p = snippet_parts("a \u{1}b\u{2} c");
        assert_eq!(p.len(), 3);
        assert!(p[1].hit && p[1].text == "b");
        assert!(!p[2].hit);
    }
}
