//! Reading entities, mentions and quotes: quote lists (one row per
//! statement, with its evidence), entity lists, actors (entities grouped by
//! canonical name across documents), and networks (who quotes whom, who is
//! named with whom).
//!
//! Filters shared by these lists:
//! - `speaker`/`name`: a case-insensitive part of the name (canonical or as
//!   written), or an exact actor code;
//! - `code`: an actor-code prefix (`IRQ` matches `IRQREB` and `IRQGOV`);
//! - `sector`: an actor-code suffix (`REB` matches `IRQREB` and `SYRREB`);
//! - `country`: ISO 3166-1 alpha-3;
//! - `from`/`to`: the document's publication date, inclusive;
//! - `doc`: one document id.
//!
//! A quote repeated across the near-duplicate articles of one story (same
//! normalised content, same speaker) is one statement: lists show its first
//! occurrence with `evidence` (how many quotes say it) and `evidence_docs`.

use crate::codec::MentionSpan;
use crate::query::{fts_query, map_fts_err, DocOffsets, RecordOffsets};
use crate::{Result, Store, StoreError};
use newsgraph_core::Date;
use rusqlite::types::Value;
use rusqlite::{params_from_iter, OptionalExtension};
use serde::Serialize;

/// Filters for quote lists.
#[derive(Clone, Debug, Default)]
pub struct QuoteFilter {
    /// Full-text search over the quoted words.
    pub search: Option<String>,
    /// Part of the speaker's name, or the speaker's exact actor code.
    pub speaker: Option<String>,
    /// Exactly this speaker (canonical name), as actor pages use it.
    pub actor: Option<String>,
    pub code: Option<String>,
    pub country: Option<String>,
    pub sector: Option<String>,
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub doc: Option<String>,
    /// Every quote, duplicates included, instead of one row per statement.
    pub all: bool,
    pub limit: u32,
    pub offset: u64,
    /// Count matches only up to this many (`None`: count them all); see
    /// [`QuotePage::total_exact`].
    pub count_limit: Option<u64>,
}

/// Filters for entity and actor lists.
#[derive(Clone, Debug, Default)]
pub struct EntityFilter {
    /// Part of the canonical name, or an exact actor code.
    pub name: Option<String>,
    pub code: Option<String>,
    pub country: Option<String>,
    pub sector: Option<String>,
    /// `PERSON`, `ORG`, `LOC`, `NORP`, `EVENT` or `MISC`.
    pub entity_type: Option<String>,
    /// Full-text search over the text of the entity's documents.
    pub search: Option<String>,
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub doc: Option<String>,
    pub limit: u32,
    pub offset: u64,
}

/// A part of the text: its byte span and the words.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct SpanText {
    pub span: [u64; 2],
    pub text: String,
}

/// One quote (a statement) with its document and evidence.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct QuoteOut {
    pub doc_id: String,
    pub idx: u32,
    pub published: Option<String>,
    pub outlet: Option<String>,
    pub title: Option<String>,
    pub kind: String,
    /// The content, without quotation marks (its pieces joined by ` … `
    /// when the attribution interrupts it).
    pub text: String,
    /// Offsets of the content.
    #[serde(flatten)]
    pub offsets: RecordOffsets,
    /// Byte spans of the content's pieces when the attribution interrupts
    /// it (the offsets above then run from the first piece to the last).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parts: Option<Vec<[u64; 2]>>,
    /// For a mixed quote: the whole reported clause that holds the quoted
    /// words (byte span and text).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clause: Option<SpanText>,
    pub cue: Option<SpanText>,
    pub speaker: Option<SpanText>,
    pub speaker_entity: Option<u32>,
    pub speaker_canonical: Option<String>,
    pub speaker_code: Option<String>,
    pub speaker_country: Option<String>,
    pub addressee: Option<SpanText>,
    pub addressee_entity: Option<u32>,
    pub paragraphs: [u32; 2],
    pub version: String,
    /// Quotes of the story that say the same (this one included).
    pub evidence: u64,
    /// Their documents, first occurrence first.
    pub evidence_docs: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct QuotePage {
    pub total: u64,
    /// False when counting stopped at the filter's `count_limit`: there are
    /// more than `total` matches.
    pub total_exact: bool,
    pub offset: u64,
    pub limit: u32,
    pub quotes: Vec<QuoteOut>,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct CodeSourceOut {
    pub layer: String,
    pub entry: String,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct MentionOut {
    pub entity: u32,
    pub kind: String,
    pub text: String,
    #[serde(flatten)]
    pub offsets: RecordOffsets,
}

/// One entity of one document.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct EntityOut {
    pub doc_id: String,
    pub idx: u32,
    pub published: Option<String>,
    pub title: Option<String>,
    pub canonical: String,
    #[serde(rename = "type")]
    pub entity_type: String,
    pub kind: Option<String>,
    pub country: Option<String>,
    pub actor_code: Option<String>,
    pub code_source: Option<CodeSourceOut>,
    pub role: Option<String>,
    pub affiliation: Option<u32>,
    pub affiliation_canonical: Option<String>,
    pub n_mentions: u64,
    pub version: String,
    /// In a document's detail: every mention.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mentions: Option<Vec<MentionOut>>,
}

#[derive(Clone, Debug, Serialize)]
pub struct EntityPage {
    pub total: u64,
    pub offset: u64,
    pub limit: u32,
    pub entities: Vec<EntityOut>,
}

/// An actor: the entities of every document with one canonical name.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ActorSummary {
    pub canonical: String,
    #[serde(rename = "type")]
    pub entity_type: String,
    /// The most frequent actor code (`null` when none was assigned).
    pub actor_code: Option<String>,
    pub country: Option<String>,
    pub documents: u64,
    pub mentions: u64,
    /// Statements (deduplicated quotes) with this actor as speaker.
    pub quotes: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct ActorPage {
    pub total: u64,
    pub offset: u64,
    pub limit: u32,
    pub actors: Vec<ActorSummary>,
}

/// A code given to an actor, where it came from, and how often.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ActorCode {
    pub code: String,
    pub layer: Option<String>,
    pub entry: Option<String>,
    pub documents: u64,
}

/// One mention of an actor, with its document.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ActorMention {
    pub doc_id: String,
    pub published: Option<String>,
    pub title: Option<String>,
    #[serde(flatten)]
    pub mention: MentionOut,
}

/// An actor with its codes, roles, mentions and statements.
#[derive(Clone, Debug, Serialize)]
pub struct ActorDetail {
    #[serde(flatten)]
    pub summary: ActorSummary,
    pub codes: Vec<ActorCode>,
    pub roles: Vec<String>,
    pub affiliations: Vec<String>,
    /// Every mention, newest first (at most [`MAX_ACTOR_ROWS`]); `mentions`
    /// is their count.
    pub occurrences: Vec<ActorMention>,
    /// Every statement, newest first (at most [`MAX_ACTOR_ROWS`]); `quotes`
    /// is their count.
    pub statements: Vec<QuoteOut>,
}

/// Rows of each list an actor page holds.
pub const MAX_ACTOR_ROWS: u32 = 1000;

/// Which network.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NetworkKind {
    /// Speaker → the entities named in what they said.
    #[default]
    Quotes,
    /// Entities named in the same document.
    Cooccurrence,
}

#[derive(Clone, Debug, Default)]
pub struct NetworkFilter {
    pub kind: NetworkKind,
    /// Only edges touching this actor (canonical name).
    pub actor: Option<String>,
    pub from: Option<Date>,
    pub to: Option<Date>,
    /// At most this many edges (the heaviest).
    pub limit: u32,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct NetworkNode {
    pub id: String,
    #[serde(rename = "type")]
    pub entity_type: String,
    pub actor_code: Option<String>,
    pub documents: u64,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct NetworkEdge {
    pub source: String,
    pub target: String,
    /// Statements (quotes) or documents (co-occurrence) behind the edge.
    pub weight: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Network {
    pub kind: NetworkKind,
    pub nodes: Vec<NetworkNode>,
    pub edges: Vec<NetworkEdge>,
}

/// Conditions and values, joined with AND.
#[derive(Default)]
struct Where {
    cond: Vec<String>,
    vals: Vec<Value>,
}

impl Where {
    fn push(&mut self, cond: &str, vals: impl IntoIterator<Item = Value>) {
        self.cond.push(cond.to_string());
        self.vals.extend(vals);
    }
    fn sql(&self) -> String {
        if self.cond.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", self.cond.join(" AND "))
        }
    }
    /// Publication dates, on `col` (`d.published`, or `q.published`).
    fn dates(&mut self, col: &str, from: Option<Date>, to: Option<Date>) {
        if let Some(d) = from {
            self.push(&format!("{col} >= ?"), [Value::Text(d.to_string())]);
        }
        if let Some(d) = to {
            self.push(&format!("{col} <= ?"), [Value::Text(d.to_string())]);
        }
    }
    /// Actor-code prefix, suffix and country on columns `code`, `country`.
    fn codes(
        &mut self,
        code_col: &str,
        country_col: &str,
        code: &Option<String>,
        sector: &Option<String>,
        country: &Option<String>,
    ) {
        let up = |s: &str| Value::Text(s.trim().to_uppercase());
        if let Some(c) = nonempty(code) {
            let prefix = c.trim().to_uppercase();
            match prefix_end(&prefix) {
                // The range lets an index on the code find the rows; the
                // prefix test is the definition.
                Some(end) => self.push(
                    &format!(
                        "{code_col} >= ? AND {code_col} < ? AND substr({code_col}, 1, length(?)) = ?"
                    ),
                    [up(c), Value::Text(end), up(c), up(c)],
                ),
                None => self.push(
                    &format!("substr({code_col}, 1, length(?)) = ?"),
                    [up(c), up(c)],
                ),
            }
        }
        if let Some(c) = nonempty(sector) {
            self.push(
                &format!("length({code_col}) >= length(?) AND substr({code_col}, -length(?)) = ?"),
                [up(c), up(c), up(c)],
            );
        }
        if let Some(c) = nonempty(country) {
            self.push(&format!("{country_col} = ?"), [up(c)]);
        }
    }
}

/// The least string above every string that starts with `prefix` (in
/// SQLite's binary order, which is code-point order): `prefix` with its last
/// character moved one up. `None` when there is no such character.
fn prefix_end(prefix: &str) -> Option<String> {
    let last = prefix.chars().last()?;
    let up = (u32::from(last) + 1..=0x10FFFF).find_map(char::from_u32)?;
    let mut end = prefix[..prefix.len() - last.len_utf8()].to_string();
    end.push(up);
    Some(end)
}

/// A filter that selects few quotes (by speaker or document).
fn narrow(f: &QuoteFilter) -> bool {
    [&f.speaker, &f.actor, &f.doc]
        .iter()
        .any(|x| nonempty(x).is_some())
}

fn nonempty(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn search_value(s: &str) -> Result<Value> {
    fts_query(s)
        .map(Value::Text)
        .ok_or_else(|| StoreError::BadQuery("nothing to search for".into()))
}

/// A code filter matching at most this many statements has them sorted
/// rather than found by walking every statement newest first.
const SORT_AT_MOST: u64 = 5000;

/// True for the first quote of its statement (story and duplicate key).
const FIRST_OF_GROUP: &str = "q.first = 1";

/// A quote's words and clause are the document's bytes at their spans when
/// not written out (schema 7 on).
const QUOTE_COLUMNS: &str = "d.doc_id, q.idx, d.published, d.outlet, d.title, q.kind,
    coalesce(q.text, CAST(substr(CAST(d.text AS BLOB), q.start + 1, q.\"end\" - q.start) AS TEXT)),
    q.start, q.\"end\", q.char_start, q.char_end, q.source_start, q.source_end,
    q.cue_start, q.cue_end, q.cue, q.speaker_start, q.speaker_end, q.speaker,
    q.speaker_entity, q.speaker_canonical, q.speaker_code, q.speaker_country,
    q.addressee_start, q.addressee_end, q.addressee, q.addressee_entity,
    q.paragraph_start, q.paragraph_end,
    coalesce(q.version, (SELECT v.version FROM stage_versions v
        WHERE v.stage_set = d.stage_set AND v.stage = 'quote')),
    q.parts,
    q.clause_start, q.clause_end,
    coalesce(q.clause, CAST(substr(CAST(d.text AS BLOB), q.clause_start + 1,
        q.clause_end - q.clause_start) AS TEXT)),
    (SELECT group_concat(d2.doc_id, ' ' ORDER BY q2.id) FROM quotes q2
        JOIN documents d2 ON d2.id = q2.doc
        WHERE q2.story = q.story AND q2.dup_key = q.dup_key)";

fn offsets_at(r: &rusqlite::Row<'_>, a: usize) -> rusqlite::Result<RecordOffsets> {
    let g = |i: usize| -> rusqlite::Result<u64> { Ok(r.get::<_, i64>(a + i)? as u64) };
    Ok(RecordOffsets {
        span: [g(0)?, g(1)?],
        chars: [g(2)?, g(3)?],
        source: [g(4)?, g(5)?],
    })
}

fn span_text(r: &rusqlite::Row<'_>, a: usize) -> rusqlite::Result<Option<SpanText>> {
    let s: Option<i64> = r.get(a)?;
    let e: Option<i64> = r.get(a + 1)?;
    let t: Option<String> = r.get(a + 2)?;
    Ok(match (s, e) {
        (Some(s), Some(e)) => Some(SpanText {
            span: [s as u64, e as u64],
            text: t.unwrap_or_default(),
        }),
        _ => None,
    })
}

fn quote_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<QuoteOut> {
    let docs: Option<String> = r.get(34)?;
    let parts: Option<String> = r.get(30)?;
    let evidence_docs: Vec<String> = docs
        .unwrap_or_default()
        .split(' ')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    Ok(QuoteOut {
        doc_id: r.get(0)?,
        idx: r.get(1)?,
        published: r.get(2)?,
        outlet: r.get(3)?,
        title: r.get(4)?,
        kind: r.get(5)?,
        text: r.get(6)?,
        offsets: offsets_at(r, 7)?,
        parts: parts.and_then(|p| serde_json::from_str(&p).ok()),
        clause: span_text(r, 31)?,
        cue: span_text(r, 13)?,
        speaker: span_text(r, 16)?,
        speaker_entity: r.get(19)?,
        speaker_canonical: r.get(20)?,
        speaker_code: r.get(21)?,
        speaker_country: r.get(22)?,
        addressee: span_text(r, 23)?,
        addressee_entity: r.get(26)?,
        paragraphs: [r.get(27)?, r.get(28)?],
        version: r.get(29)?,
        evidence: evidence_docs.len().max(1) as u64,
        evidence_docs,
    })
}

const ENTITY_COLUMNS: &str = "d.doc_id, e.idx, d.published, d.title, e.canonical, e.type,
    e.kind, e.country, e.actor_code, e.code_layer, e.code_entry, e.role, e.affiliation,
    (SELECT a.canonical FROM entities a WHERE a.doc = e.doc AND a.idx = e.affiliation),
    e.n_mentions,
    coalesce(e.version, (SELECT v.version FROM stage_versions v
        WHERE v.stage_set = d.stage_set AND v.stage = 'actors'))";

fn entity_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<EntityOut> {
    let layer: Option<String> = r.get(9)?;
    let entry: Option<String> = r.get(10)?;
    Ok(EntityOut {
        doc_id: r.get(0)?,
        idx: r.get(1)?,
        published: r.get(2)?,
        title: r.get(3)?,
        canonical: r.get(4)?,
        entity_type: r.get(5)?,
        kind: r.get(6)?,
        country: r.get(7)?,
        actor_code: r.get(8)?,
        code_source: layer.map(|layer| CodeSourceOut {
            layer,
            entry: entry.unwrap_or_default(),
        }),
        role: r.get(11)?,
        affiliation: r.get(12)?,
        affiliation_canonical: r.get(13)?,
        n_mentions: r.get::<_, i64>(14)? as u64,
        version: r.get(15)?,
        mentions: None,
    })
}

fn mention_out(at: &DocOffsets<'_>, m: &MentionSpan) -> MentionOut {
    MentionOut {
        entity: m.entity,
        kind: m.kind.to_string(),
        text: at.text(m.span).to_string(),
        offsets: at.of(m.span),
    }
}

impl Store {
    /// A document's text, source base and source map, by row id.
    pub(crate) fn doc_text(&self, id: i64) -> Result<(String, u64, Option<Vec<u8>>)> {
        Ok(self
            .conn
            .prepare_cached("SELECT text, source_base, source_map FROM documents WHERE id = ?1")?
            .query_row([id], |r| {
                Ok((r.get(0)?, r.get::<_, i64>(1)? as u64, r.get(2)?))
            })?)
    }
}

impl Store {
    /// The conditions of `f`. `walk_list`: let SQLite find statements by
    /// walking the list index (newest first); otherwise the `first` test is
    /// hidden from the indexes (`+`), so that the rows are found by the
    /// filter's own index (speaker, code) and then sorted.
    fn quote_where(&self, f: &QuoteFilter, walk_list: bool) -> Result<(bool, Where)> {
        let mut w = Where::default();
        let searching = match nonempty(&f.search) {
            Some(s) => {
                w.push("quotes_fts MATCH ?", [search_value(s)?]);
                true
            }
            None => false,
        };
        if let Some(s) = nonempty(&f.speaker) {
            // The distinct speaker names holding the part, found in their
            // trigram index (LIKE with no wildcard in the part itself; the
            // rare part with one is looked for in every name), then their
            // quotes by index; speakers without an entity by what is written.
            let (names, part) = if s.contains(['%', '_']) {
                (
                    "SELECT name FROM speaker_names WHERE entity = ? AND instr(lower(name), lower(?)) > 0",
                    s.to_string(),
                )
            } else {
                (
                    "SELECT n.name FROM speaker_names_fts f JOIN speaker_names n ON n.id = f.rowid
                     WHERE n.entity = ? AND f.name LIKE ?",
                    format!("%{s}%"),
                )
            };
            w.push(
                &format!(
                    "q.id IN (
                        SELECT id FROM quotes WHERE speaker_canonical IN ({names})
                        UNION ALL SELECT id FROM quotes WHERE speaker_code = upper(?)
                        UNION ALL SELECT id FROM quotes INDEXED BY quotes_written_speaker
                            WHERE speaker_canonical IS NULL AND speaker IN ({names}))"
                ),
                [
                    Value::Integer(1),
                    Value::Text(part.clone()),
                    Value::Text(s.to_string()),
                    Value::Integer(0),
                    Value::Text(part),
                ],
            );
        }
        if let Some(a) = nonempty(&f.actor) {
            w.push("q.speaker_canonical = ?", [Value::Text(a.to_string())]);
        }
        w.codes(
            "q.speaker_code",
            "q.speaker_country",
            &f.code,
            &f.sector,
            &f.country,
        );
        w.dates("q.published", f.from, f.to);
        if let Some(d) = nonempty(&f.doc) {
            w.push(
                "q.doc = (SELECT id FROM documents WHERE doc_id = ?)",
                [Value::Text(d.to_string())],
            );
        }
        if !f.all {
            w.push(
                if walk_list {
                    FIRST_OF_GROUP
                } else {
                    "+q.first = 1"
                },
                [],
            );
        }
        Ok((searching, w))
    }

    /// A page of quotes matching `f`: by relevance with a search, otherwise
    /// newest first; one row per statement unless `f.all`.
    pub fn quotes(&self, f: &QuoteFilter) -> Result<QuotePage> {
        // Speaker and document filters select few rows: look them up and
        // sort them. A code filter is counted on the code index; its page
        // is sorted the same way when the count is small, and otherwise
        // found by walking the list newest first, where matches are dense.
        let narrow = narrow(f);
        let by_code = nonempty(&f.code).is_some();
        let (_, w) = self.quote_where(f, !(narrow || by_code))?;
        // Filters touch only the quotes (and the search index), so counting
        // and choosing the page's rows can run on indexes alone; the
        // documents and the evidence are joined for the page's rows only.
        let from = if nonempty(&f.search).is_some() {
            "quotes_fts JOIN quotes q ON q.id = quotes_fts.rowid"
        } else {
            "quotes q"
        };
        let ws = w.sql();
        let (total, total_exact) =
            self.count_rows(&format!("{from} {ws}"), &w.vals, f.count_limit)?;
        let sort = narrow || (by_code && total_exact && total <= SORT_AT_MOST);
        let (searching, mut w) = self.quote_where(f, !sort)?;
        let ws = w.sql();
        // `+` keeps SQLite from walking the date index to avoid the sort.
        let (rank, order) = if searching {
            ("quotes_fts.rank", "quotes_fts.rank, q.id")
        } else if sort {
            ("0", "+q.published DESC, q.id")
        } else {
            ("0", "q.published DESC, q.id")
        };
        let outer = if searching {
            "page.r, q.id"
        } else {
            "q.published DESC, q.id"
        };
        w.vals.push(Value::Integer(i64::from(f.limit)));
        w.vals
            .push(Value::Integer(f.offset.min(i64::MAX as u64) as i64));
        let sql = format!(
            "WITH page AS (
                 SELECT q.id AS id, {rank} AS r FROM {from} {ws}
                 ORDER BY {order} LIMIT ? OFFSET ?)
             SELECT {QUOTE_COLUMNS}
             FROM page JOIN quotes q ON q.id = page.id JOIN documents d ON d.id = q.doc
             ORDER BY {outer}"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let quotes = stmt
            .query_map(params_from_iter(w.vals.iter()), quote_row)
            .map_err(map_fts_err)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(map_fts_err)?;
        Ok(QuotePage {
            total,
            total_exact,
            offset: f.offset,
            limit: f.limit,
            quotes,
        })
    }

    fn entity_where(&self, f: &EntityFilter) -> Result<Where> {
        let mut w = Where::default();
        if let Some(s) = nonempty(&f.search) {
            w.push(
                "d.id IN (SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?)",
                [search_value(s)?],
            );
        }
        if let Some(s) = nonempty(&f.name) {
            let v = Value::Text(s.to_string());
            w.push(
                "(instr(lower(e.canonical), lower(?)) > 0 OR e.actor_code = upper(?))",
                [v.clone(), v],
            );
        }
        if let Some(t) = nonempty(&f.entity_type) {
            w.push("e.type = ?", [Value::Text(t.to_uppercase())]);
        }
        w.codes("e.actor_code", "e.country", &f.code, &f.sector, &f.country);
        w.dates("d.published", f.from, f.to);
        if let Some(d) = nonempty(&f.doc) {
            w.push("d.doc_id = ?", [Value::Text(d.to_string())]);
        }
        Ok(w)
    }

    /// A page of entities (one row per entity of a document), newest
    /// documents first.
    pub fn entities(&self, f: &EntityFilter) -> Result<EntityPage> {
        let mut w = self.entity_where(f)?;
        let ws = w.sql();
        let from = "entities e JOIN documents d ON d.id = e.doc";
        let total: i64 = self
            .conn
            .prepare_cached(&format!("SELECT count(*) FROM {from} {ws}"))?
            .query_row(params_from_iter(w.vals.iter()), |r| r.get(0))
            .map_err(map_fts_err)?;
        w.vals.push(Value::Integer(i64::from(f.limit)));
        w.vals
            .push(Value::Integer(f.offset.min(i64::MAX as u64) as i64));
        let sql = format!(
            "SELECT {ENTITY_COLUMNS} FROM {from} {ws}
             ORDER BY d.published DESC, d.id, e.idx LIMIT ? OFFSET ?"
        );
        let entities = self
            .conn
            .prepare_cached(&sql)?
            .query_map(params_from_iter(w.vals.iter()), entity_row)
            .map_err(map_fts_err)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(map_fts_err)?;
        Ok(EntityPage {
            total: total as u64,
            offset: f.offset,
            limit: f.limit,
            entities,
        })
    }

    /// Actors (entities grouped by canonical name) matching `f`, the most
    /// often named first.
    pub fn actors(&self, f: &EntityFilter) -> Result<ActorPage> {
        let mut w = self.entity_where(f)?;
        let ws = w.sql();
        // Without document filters the entity index answers alone.
        let by_doc = f.search.is_some() || f.from.is_some() || f.to.is_some() || f.doc.is_some();
        let from = if by_doc {
            "entities e JOIN documents d ON d.id = e.doc"
        } else {
            "entities e"
        };
        let total: i64 = self
            .conn
            .prepare_cached(&format!(
                "SELECT count(DISTINCT e.canonical) FROM {from} {ws}"
            ))?
            .query_row(params_from_iter(w.vals.iter()), |r| r.get(0))
            .map_err(map_fts_err)?;
        w.vals.push(Value::Integer(i64::from(f.limit)));
        w.vals
            .push(Value::Integer(f.offset.min(i64::MAX as u64) as i64));
        let sql = format!(
            "SELECT e.canonical, count(DISTINCT e.doc) AS n, sum(e.n_mentions) AS m
             FROM {from} {ws} GROUP BY e.canonical ORDER BY n DESC, m DESC, e.canonical
             LIMIT ? OFFSET ?"
        );
        let names: Vec<String> = self
            .conn
            .prepare_cached(&sql)?
            .query_map(params_from_iter(w.vals.iter()), |r| r.get(0))
            .map_err(map_fts_err)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(map_fts_err)?;
        let mut actors = Vec::with_capacity(names.len());
        for n in names {
            if let Some(a) = self.actor_summary(&n)? {
                actors.push(a);
            }
        }
        Ok(ActorPage {
            total: total as u64,
            offset: f.offset,
            limit: f.limit,
            actors,
        })
    }

    /// Totals of one actor over the whole store.
    fn actor_summary(&self, canonical: &str) -> Result<Option<ActorSummary>> {
        let head: Option<(i64, Option<i64>)> = self
            .conn
            .prepare_cached(
                "SELECT count(DISTINCT doc), sum(n_mentions) FROM entities WHERE canonical = ?1",
            )?
            .query_row([canonical], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let Some((documents, Some(mentions))) = head else {
            return Ok(None);
        };
        // The most frequent type, code and country, from one pass over the
        // actor's rows of the (covering) name index.
        type Combo = (String, Option<String>, Option<String>, i64);
        let combos: Vec<Combo> = self
            .conn
            .prepare_cached(
                "SELECT type, actor_code, country, count(*) FROM entities WHERE canonical = ?1
                 GROUP BY 1, 2, 3",
            )?
            .query_map([canonical], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        fn most<K: Ord + Clone>(items: impl Iterator<Item = (Option<K>, i64)>) -> Option<K> {
            let mut counts: std::collections::BTreeMap<K, i64> = std::collections::BTreeMap::new();
            for (k, n) in items {
                if let Some(k) = k {
                    *counts.entry(k).or_default() += n;
                }
            }
            // Highest count; ties go to the smallest key.
            counts
                .into_iter()
                .fold(None, |best: Option<(K, i64)>, (k, n)| match best {
                    Some((_, bn)) if bn >= n => best,
                    _ => Some((k, n)),
                })
                .map(|(k, _)| k)
        }
        let entity_type = most(combos.iter().map(|c| (Some(c.0.clone()), c.3)));
        let actor_code = most(combos.iter().map(|c| (c.1.clone(), c.3)));
        let country = most(combos.iter().map(|c| (c.2.clone(), c.3)));
        let quotes: i64 = self
            .conn
            .prepare_cached(&format!(
                "SELECT count(*) FROM quotes q WHERE q.speaker_canonical = ?1 AND {FIRST_OF_GROUP}"
            ))?
            .query_row([canonical], |r| r.get(0))?;
        Ok(Some(ActorSummary {
            canonical: canonical.to_string(),
            entity_type: entity_type.unwrap_or_default(),
            actor_code,
            country,
            documents: documents as u64,
            mentions: mentions as u64,
            quotes: quotes as u64,
        }))
    }

    /// One actor (by canonical name) with codes, roles, every mention and
    /// every statement (each list at most [`MAX_ACTOR_ROWS`]).
    pub fn actor(&self, canonical: &str) -> Result<Option<ActorDetail>> {
        let Some(summary) = self.actor_summary(canonical)? else {
            return Ok(None);
        };
        let codes = self
            .conn
            .prepare_cached(
                "SELECT actor_code, code_layer, code_entry, count(DISTINCT doc) FROM entities
                 WHERE canonical = ?1 AND actor_code IS NOT NULL
                 GROUP BY actor_code, code_layer, code_entry ORDER BY 4 DESC, 1",
            )?
            .query_map([canonical], |r| {
                Ok(ActorCode {
                    code: r.get(0)?,
                    layer: r.get(1)?,
                    entry: r.get(2)?,
                    documents: r.get::<_, i64>(3)? as u64,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let strings = |sql: &str| -> Result<Vec<String>> {
            Ok(self
                .conn
                .prepare_cached(sql)?
                .query_map([canonical], |r| r.get(0))?
                .collect::<rusqlite::Result<Vec<_>>>()?)
        };
        let roles = strings(
            "SELECT role FROM entities WHERE canonical = ?1 AND role IS NOT NULL
             GROUP BY role ORDER BY count(*) DESC, role LIMIT 50",
        )?;
        let affiliations = strings(
            "SELECT a.canonical FROM entities e JOIN entities a ON a.doc = e.doc AND a.idx = e.affiliation
             WHERE e.canonical = ?1 GROUP BY a.canonical ORDER BY count(*) DESC, a.canonical LIMIT 50",
        )?;
        // The entity's documents newest first, then each one's mentions of
        // it in text order, from the document's spans blob.
        type Occurrence = (i64, String, Option<String>, Option<String>, u32);
        let rows = self
            .conn
            .prepare_cached(&format!(
                "SELECT d.id, d.doc_id, d.published, d.title, e.idx
                 FROM entities e JOIN documents d ON d.id = e.doc
                 WHERE e.canonical = ?1
                 ORDER BY d.published DESC, d.id, e.idx LIMIT {MAX_ACTOR_ROWS}"
            ))?
            .query_map([canonical], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?
            .collect::<rusqlite::Result<Vec<Occurrence>>>()?;
        let mut occurrences: Vec<ActorMention> = Vec::new();
        let mut i = 0;
        while i < rows.len() && occurrences.len() < MAX_ACTOR_ROWS as usize {
            let (id, doc_id, published, title, _) = &rows[i];
            let mut entities = Vec::new();
            while i < rows.len() && rows[i].0 == *id {
                entities.push(rows[i].4);
                i += 1;
            }
            let (text, base, map) = self.doc_text(*id)?;
            let at = DocOffsets::new(&text, base, map.as_deref(), doc_id)?;
            let mut mentions: Vec<MentionSpan> = self
                .doc_spans(*id, doc_id)?
                .mentions
                .into_iter()
                .filter(|m| entities.contains(&m.entity))
                .collect();
            mentions.sort_by_key(|m| m.span.start);
            for m in mentions {
                if occurrences.len() == MAX_ACTOR_ROWS as usize {
                    break;
                }
                occurrences.push(ActorMention {
                    doc_id: doc_id.clone(),
                    published: published.clone(),
                    title: title.clone(),
                    mention: mention_out(&at, &m),
                });
            }
        }
        let statements = self
            .quotes(&QuoteFilter {
                actor: Some(canonical.to_string()),
                limit: MAX_ACTOR_ROWS,
                ..QuoteFilter::default()
            })?
            .quotes;
        Ok(Some(ActorDetail {
            summary,
            codes,
            roles,
            affiliations,
            occurrences,
            statements,
        }))
    }

    /// The entities (with `mentions`, from the document's spans blob) and
    /// quotes of one stored document.
    pub(crate) fn document_records(
        &self,
        doc_id: &str,
        mentions: &[MentionSpan],
        at: &DocOffsets<'_>,
    ) -> Result<(Vec<EntityOut>, Vec<QuoteOut>)> {
        let mut entities = self
            .conn
            .prepare_cached(&format!(
                "SELECT {ENTITY_COLUMNS} FROM entities e JOIN documents d ON d.id = e.doc
                 WHERE d.doc_id = ?1 ORDER BY e.idx"
            ))?
            .query_map([doc_id], entity_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        for e in &mut entities {
            e.mentions = Some(Vec::new());
        }
        for m in mentions {
            if let Some(Some(v)) = entities.get_mut(m.entity as usize).map(|e| &mut e.mentions) {
                v.push(mention_out(at, m));
            }
        }
        let quotes = self
            .conn
            .prepare_cached(&format!(
                "SELECT {QUOTE_COLUMNS} FROM quotes q JOIN documents d ON d.id = q.doc
                 WHERE d.doc_id = ?1 ORDER BY q.idx"
            ))?
            .query_map([doc_id], quote_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok((entities, quotes))
    }

    /// Statements (deduplicated quotes) per publication day, over the
    /// documents a filter's clause selects (`w` over alias `d`).
    pub(crate) fn quotes_per_day(
        &self,
        from: &str,
        w: &str,
        vals: &[Value],
    ) -> Result<Vec<(String, u64)>> {
        let sql = if vals.is_empty() && from == "documents d" {
            // No filter: the quotes' own dates (and index) answer.
            format!(
                "SELECT q.published, count(*) FROM quotes q
                 WHERE q.published IS NOT NULL AND {FIRST_OF_GROUP} GROUP BY q.published"
            )
        } else {
            let w = if w.is_empty() {
                format!("WHERE d.published IS NOT NULL AND {FIRST_OF_GROUP}")
            } else {
                format!("{w} AND d.published IS NOT NULL AND {FIRST_OF_GROUP}")
            };
            format!(
                "SELECT d.published, count(*) FROM {from} JOIN quotes q ON q.doc = d.id {w}
                 GROUP BY d.published"
            )
        };
        let rows = self
            .conn
            .prepare_cached(&sql)?
            .query_map(params_from_iter(vals.iter()), |r| {
                Ok((r.get(0)?, r.get::<_, i64>(1)? as u64))
            })
            .map_err(map_fts_err)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(map_fts_err)?;
        Ok(rows)
    }

    /// A network of actors: who quotes whom (a speaker → the entities named
    /// in the statement), or who is named with whom (persons, organisations
    /// and groups in one document). The heaviest `f.limit` edges.
    pub fn network(&self, f: &NetworkFilter) -> Result<Network> {
        let mut w = Where::default();
        let actor = nonempty(&f.actor).map(str::to_string);
        let sql = match f.kind {
            NetworkKind::Quotes => {
                w.dates("q.published", f.from, f.to);
                w.push(FIRST_OF_GROUP, []);
                w.push(
                    "q.speaker_canonical IS NOT NULL AND t.canonical != q.speaker_canonical",
                    [],
                );
                if let Some(a) = &actor {
                    w.push(
                        "(q.speaker_canonical = ? OR t.canonical = ?)",
                        [Value::Text(a.clone()), Value::Text(a.clone())],
                    );
                }
                format!(
                    "SELECT q.speaker_canonical, t.canonical, count(DISTINCT q.id) AS n
                     FROM quotes q JOIN quote_targets t ON t.quote = q.id
                     {} GROUP BY 1, 2 ORDER BY n DESC, 1, 2 LIMIT ?",
                    w.sql()
                )
            }
            NetworkKind::Cooccurrence => {
                let by_date = f.from.is_some() || f.to.is_some();
                w.dates("d.published", f.from, f.to);
                w.push(
                    "a.type IN ('PERSON', 'ORG', 'NORP') AND b.type IN ('PERSON', 'ORG', 'NORP')",
                    [],
                );
                let join = if by_date {
                    "JOIN documents d ON d.id = a.doc"
                } else {
                    ""
                };
                match &actor {
                    // One actor's neighbours: start from its documents.
                    Some(a) => {
                        w.push("a.canonical = ?", [Value::Text(a.clone())]);
                        format!(
                            "SELECT min(a.canonical, b.canonical), max(a.canonical, b.canonical),
                                 count(DISTINCT a.doc) AS n
                             FROM entities a JOIN entities b ON b.doc = a.doc AND b.canonical != a.canonical
                             {join} {} GROUP BY 1, 2 ORDER BY n DESC, 1, 2 LIMIT ?",
                            w.sql()
                        )
                    }
                    None => format!(
                        "SELECT a.canonical, b.canonical, count(DISTINCT a.doc) AS n
                         FROM entities a JOIN entities b ON b.doc = a.doc AND a.canonical < b.canonical
                         {join} {} GROUP BY 1, 2 ORDER BY n DESC, 1, 2 LIMIT ?",
                        w.sql()
                    ),
                }
            }
        };
        w.vals.push(Value::Integer(i64::from(f.limit)));
        let edges = self
            .conn
            .prepare_cached(&sql)?
            .query_map(params_from_iter(w.vals.iter()), |r| {
                Ok(NetworkEdge {
                    source: r.get(0)?,
                    target: r.get(1)?,
                    weight: r.get::<_, i64>(2)? as u64,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut names: Vec<&str> = edges
            .iter()
            .flat_map(|e| [e.source.as_str(), e.target.as_str()])
            .collect();
        names.sort_unstable();
        names.dedup();
        let mut nodes = Vec::with_capacity(names.len());
        for n in names {
            if let Some(a) = self.actor_summary(n)? {
                nodes.push(NetworkNode {
                    id: a.canonical,
                    entity_type: a.entity_type,
                    actor_code: a.actor_code,
                    documents: a.documents,
                });
            }
        }
        Ok(Network {
            kind: f.kind,
            nodes,
            edges,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::prefix_end;

    #[test]
    fn a_prefix_range_ends_just_above_its_strings() {
        assert_eq!(prefix_end("IRQ").as_deref(), Some("IRR"));
        assert_eq!(prefix_end("É").as_deref(), Some("Ê"));
        // The character after the last before the surrogates is past them.
        assert_eq!(prefix_end("A\u{D7FF}").as_deref(), Some("A\u{E000}"));
        assert_eq!(prefix_end(""), None);
        assert_eq!(prefix_end("\u{10FFFF}"), None);
    }
}
