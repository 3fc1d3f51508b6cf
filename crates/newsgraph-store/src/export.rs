//! Exports: one file per table, as JSONL, CSV or Parquet.
//!
//! Tables: documents, document_sources, paragraphs, sentences, entities,
//! mentions, quotes, runs and tokens. Quotes carry `statement_doc_id` and
//! `statement_quote_index` (the first quote of the story that says the same, by
//! the same speaker) and `evidence` (how many quotes say it), so analysts
//! can deduplicate with a `GROUP BY` or keep every sighting.
//!
//! Every record row carries its document id, its offsets in the three kinds
//! (`start`/`end` bytes into the text, `char_start`/`char_end` code points,
//! `source_start`/`source_end` bytes of the original file) and its
//! provenance (`run_id` and the `version` of the stage that made it).
//! Rows are streamed: memory does not grow with the store (Parquet buffers
//! one row group). Parquet columns are typed (see
//! [`crate::parquet_sink::column_type`]): integers as INT64, text as UTF-8
//! strings, flags as BOOLEAN, `published` as DATE; CSV holds the same
//! columns as text, empty for null.

use crate::parquet_sink::ParquetSink;
use crate::query::{decode_spans, expand_tokens, DocOffsets};
use crate::{Result, Store, StoreError};
use rusqlite::types::ValueRef;
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    Jsonl,
    Csv,
    Parquet,
}

impl ExportFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Jsonl => "jsonl",
            ExportFormat::Csv => "csv",
            ExportFormat::Parquet => "parquet",
        }
    }
}

/// One exported table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableExport {
    pub table: &'static str,
    pub path: PathBuf,
    pub rows: u64,
}

/// Version of the stage `name` in a document's stage JSON, as SQL.
fn stage_version(name: &str) -> String {
    format!(
        "(SELECT v.version FROM stage_versions v
          WHERE v.stage_set = d.stage_set AND v.stage = '{name}')"
    )
}

/// The SQL-driven tables: name and query.
fn sql_tables() -> Vec<(&'static str, String)> {
    vec![
        (
            "documents",
            "SELECT d.doc_id, (SELECT s.doc_id FROM documents s WHERE s.id = d.story_id) AS story,
                d.published, d.published_raw, d.outlet, d.title, d.byline, d.dateline_place,
                d.language, d.format, d.encoding, d.source_path, d.source_index, d.source_offset,
                d.url, d.external_id, d.title_start, d.title_end, d.byline_start, d.byline_end,
                d.dateline_start, d.dateline_end, d.body_start, d.body_end, d.bytes, d.chars,
                d.n_paragraphs, d.n_sentences, d.n_tokens, d.run_id,
                (SELECT stages FROM stage_sets WHERE id = d.stage_set) AS stages, d.diagnostics,
                d.text
             FROM documents d ORDER BY d.id"
                .to_string(),
        ),
        (
            "document_sources",
            "SELECT d.doc_id, s.path, s.idx AS source_index, s.offset AS source_offset, s.url,
                s.external_id, s.run_id
             FROM document_sources s JOIN documents d ON d.id = s.doc ORDER BY d.id, s.path, s.idx"
                .to_string(),
        ),
        (
            "entities",
            format!(
                "SELECT d.doc_id, e.idx AS entity, e.canonical, e.type, e.kind, e.country, e.actor_code,
                e.code_layer, e.code_entry, e.role, e.affiliation,
                (SELECT a.canonical FROM entities a WHERE a.doc = e.doc AND a.idx = e.affiliation)
                    AS affiliation_canonical,
                e.n_mentions, d.run_id, coalesce(e.version, {}) AS version
             FROM documents d JOIN entities e ON e.doc = d.id ORDER BY d.id, e.idx",
                stage_version("actors")
            ),
        ),
        (
            "quotes",
            format!(
                "SELECT d.doc_id, q.idx AS quote_index, q.kind,
                coalesce(q.text, CAST(substr(CAST(d.text AS BLOB), q.start + 1,
                    q.\"end\" - q.start) AS TEXT)) AS text,
                q.start, q.\"end\", q.char_start,
                q.char_end, q.source_start, q.source_end, q.parts, q.clause_start,
                q.clause_end,
                coalesce(q.clause, CAST(substr(CAST(d.text AS BLOB), q.clause_start + 1,
                    q.clause_end - q.clause_start) AS TEXT)) AS clause,
                q.cue_start, q.cue_end, q.cue,
                q.speaker_start, q.speaker_end, q.speaker, q.speaker_entity, q.speaker_canonical,
                q.speaker_code, q.speaker_country, q.addressee_start, q.addressee_end, q.addressee,
                q.addressee_entity, q.paragraph_start, q.paragraph_end,
                f.doc_id AS statement_doc_id, fq.idx AS statement_quote_index,
                (SELECT count(*) FROM quotes g WHERE g.story = q.story AND g.dup_key = q.dup_key)
                    AS evidence,
                d.run_id, coalesce(q.version, {}) AS version
             FROM documents d JOIN quotes q ON q.doc = d.id
                 JOIN (SELECT story, dup_key, min(id) AS first FROM quotes GROUP BY story, dup_key) s
                     ON s.story = q.story AND s.dup_key = q.dup_key
                 JOIN quotes fq ON fq.id = s.first JOIN documents f ON f.id = fq.doc
             ORDER BY d.id, q.idx",
                stage_version("quote")
            ),
        ),
        (
            "runs",
            "SELECT id AS run_id, command, engine_version, stages, args, started_at, finished_at,
                status, inputs, failed_inputs, skipped_inputs, docs_read, docs_added,
                docs_replaced, docs_unchanged, bytes
             FROM runs ORDER BY id"
                .to_string(),
        ),
    ]
}

const TOKEN_COLUMNS: &[&str] = &[
    "doc_id",
    "token",
    "text",
    "kind",
    "start",
    "end",
    "char_start",
    "char_end",
    "source_start",
    "source_end",
    "space_after",
    "joined_next",
    "quote",
    "run_id",
    "version",
];

/// Where one table's rows go.
enum Sink {
    Jsonl(std::io::BufWriter<std::fs::File>),
    Csv(Box<csv::Writer<std::io::BufWriter<std::fs::File>>>),
    Parquet(Box<ParquetSink<std::io::BufWriter<std::fs::File>>>),
}

/// Writes rows of one table in one format.
struct TableWriter {
    path: PathBuf,
    sink: Sink,
    columns: Vec<String>,
    rows: u64,
}

fn io_err(path: &Path, e: impl std::fmt::Display) -> StoreError {
    StoreError::Io {
        path: path.display().to_string(),
        reason: e.to_string(),
    }
}

impl TableWriter {
    fn new(dir: &Path, table: &str, format: ExportFormat, columns: Vec<String>) -> Result<Self> {
        let path = dir.join(format!("{table}.{}", format.extension()));
        let f = std::fs::File::create(&path).map_err(|e| io_err(&path, e))?;
        let out = std::io::BufWriter::with_capacity(1 << 16, f);
        let sink = match format {
            ExportFormat::Jsonl => Sink::Jsonl(out),
            ExportFormat::Csv => {
                let mut w = csv::Writer::from_writer(out);
                w.write_record(&columns).map_err(|e| io_err(&path, e))?;
                Sink::Csv(Box::new(w))
            }
            ExportFormat::Parquet => Sink::Parquet(Box::new(
                ParquetSink::new(out, table, &columns).map_err(|e| io_err(&path, e))?,
            )),
        };
        Ok(TableWriter {
            path,
            sink,
            columns,
            rows: 0,
        })
    }

    fn row(&mut self, values: &[Value]) -> Result<()> {
        self.rows += 1;
        match &mut self.sink {
            Sink::Jsonl(out) => {
                let mut m = serde_json::Map::with_capacity(values.len());
                for (c, v) in self.columns.iter().zip(values) {
                    m.insert(c.clone(), v.clone());
                }
                serde_json::to_writer(&mut *out, &m).map_err(|e| io_err(&self.path, e))?;
                out.write_all(b"\n").map_err(|e| io_err(&self.path, e))
            }
            Sink::Csv(w) => {
                let cells = values.iter().map(|v| match v {
                    Value::Null => String::new(),
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                });
                w.write_record(cells).map_err(|e| io_err(&self.path, e))
            }
            Sink::Parquet(p) => p.row(values).map_err(|e| io_err(&self.path, e)),
        }
    }

    /// Flushes the file and says what was written.
    fn finish(self, table: &'static str) -> Result<TableExport> {
        match self.sink {
            Sink::Jsonl(mut out) => out.flush().map_err(|e| io_err(&self.path, e))?,
            Sink::Csv(mut w) => w.flush().map_err(|e| io_err(&self.path, e))?,
            Sink::Parquet(p) => p
                .finish()
                .and_then(|mut out| out.flush().map_err(|e| e.to_string()))
                .map_err(|e| io_err(&self.path, e))?,
        }
        Ok(TableExport {
            table,
            path: self.path,
            rows: self.rows,
        })
    }
}

fn json_value(v: ValueRef<'_>) -> Value {
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::from(i),
        ValueRef::Real(f) => Value::from(f),
        ValueRef::Text(t) => Value::String(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Value::String(b.iter().map(|x| format!("{x:02x}")).collect()),
    }
}

impl Store {
    /// Writes every table into `dir` (created if needed), one file each.
    pub fn export(&self, dir: &Path, format: ExportFormat) -> Result<Vec<TableExport>> {
        std::fs::create_dir_all(dir).map_err(|e| io_err(dir, e))?;
        let mut done = Vec::new();
        for (table, sql) in sql_tables() {
            let mut stmt = self.conn.prepare(&sql)?;
            let columns: Vec<String> = stmt.column_names().iter().map(|s| s.to_string()).collect();
            let n = columns.len();
            let mut w = TableWriter::new(dir, table, format, columns)?;
            let mut rows = stmt.query([])?;
            let mut vals = Vec::with_capacity(n);
            while let Some(r) = rows.next()? {
                vals.clear();
                for i in 0..n {
                    vals.push(json_value(r.get_ref(i)?));
                }
                w.row(&vals)?;
            }
            done.push(w.finish(table)?);
        }
        done.extend(self.export_spans(dir, format)?);
        done.push(self.export_tokens(dir, format)?);
        Ok(done)
    }

    /// Paragraphs, sentences and mentions, from each document's spans blob
    /// with all three offset kinds.
    fn export_spans(&self, dir: &Path, format: ExportFormat) -> Result<Vec<TableExport>> {
        let table = |name: &str, cols: &[&str]| {
            TableWriter::new(
                dir,
                name,
                format,
                cols.iter().map(|s| s.to_string()).collect(),
            )
        };
        let offsets = [
            "start",
            "end",
            "char_start",
            "char_end",
            "source_start",
            "source_end",
        ];
        let cols = |head: &[&'static str], tail: &[&'static str]| -> Vec<&'static str> {
            head.iter().chain(&offsets).chain(tail).copied().collect()
        };
        let mut paragraphs = table(
            "paragraphs",
            &cols(&["doc_id", "paragraph"], &["run_id", "version"]),
        )?;
        let mut sentences = table(
            "sentences",
            &cols(
                &["doc_id", "sentence", "paragraph"],
                &["token_start", "token_end", "text", "run_id", "version"],
            ),
        )?;
        let mut mentions = table(
            "mentions",
            &cols(
                &["doc_id", "entity", "mention", "canonical", "kind", "text"],
                &["run_id", "version"],
            ),
        )?;
        let mut docs = self.conn.prepare(&format!(
            "SELECT d.id, d.doc_id, d.text, d.source_base, d.source_map, d.run_id, {}, s.data
             FROM documents d JOIN doc_spans s ON s.doc = d.id ORDER BY d.id",
            stage_version("segment")
        ))?;
        let mut entities = self.conn.prepare(&format!(
            "SELECT e.canonical, coalesce(e.version, {}) FROM entities e
                 JOIN documents d ON d.id = e.doc
             WHERE e.doc = ?1 ORDER BY e.idx",
            stage_version("actors")
        ))?;
        let mut rows = docs.query([])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let doc_id: String = r.get(1)?;
            let text: String = r.get(2)?;
            let map: Option<Vec<u8>> = r.get(4)?;
            let at = DocOffsets::new(&text, r.get::<_, i64>(3)? as u64, map.as_deref(), &doc_id)?;
            let run = Value::from(r.get::<_, i64>(5)?);
            let version = r
                .get::<_, Option<String>>(6)?
                .map_or(Value::Null, Value::from);
            let data: Vec<u8> = r.get(7)?;
            let spans = decode_spans(&data, &doc_id)?;
            let doc = Value::from(doc_id.as_str());
            let offsets = |s: newsgraph_core::Span| {
                let o = at.of(s);
                [
                    o.span[0],
                    o.span[1],
                    o.chars[0],
                    o.chars[1],
                    o.source[0],
                    o.source[1],
                ]
                .map(Value::from)
            };
            for (i, &p) in spans.paragraphs.iter().enumerate() {
                let mut row = vec![doc.clone(), Value::from(i as u64)];
                row.extend(offsets(p));
                row.extend([run.clone(), version.clone()]);
                paragraphs.row(&row)?;
            }
            for (i, s) in spans.sentences.iter().enumerate() {
                let mut row = vec![doc.clone(), Value::from(i as u64), Value::from(s.paragraph)];
                row.extend(offsets(s.span));
                row.extend([
                    Value::from(s.tokens.0),
                    Value::from(s.tokens.1),
                    Value::from(at.text(s.span)),
                    run.clone(),
                    version.clone(),
                ]);
                sentences.row(&row)?;
            }
            if spans.mentions.is_empty() {
                continue;
            }
            let names: Vec<(String, Option<String>)> = entities
                .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            for m in &spans.mentions {
                let (canonical, version) =
                    names
                        .get(m.entity as usize)
                        .map_or((Value::Null, Value::Null), |(c, v)| {
                            (
                                Value::from(c.as_str()),
                                v.as_deref().map_or(Value::Null, Value::from),
                            )
                        });
                let mut row = vec![
                    doc.clone(),
                    Value::from(m.entity),
                    Value::from(m.idx),
                    canonical,
                    Value::from(m.kind),
                    Value::from(at.text(m.span)),
                ];
                row.extend(offsets(m.span));
                row.extend([run.clone(), version]);
                mentions.row(&row)?;
            }
        }
        let mut done = Vec::new();
        for (table, w) in [
            ("paragraphs", paragraphs),
            ("sentences", sentences),
            ("mentions", mentions),
        ] {
            done.push(w.finish(table)?);
        }
        Ok(done)
    }

    fn export_tokens(&self, dir: &Path, format: ExportFormat) -> Result<TableExport> {
        let columns = TOKEN_COLUMNS.iter().map(|s| s.to_string()).collect();
        let mut w = TableWriter::new(dir, "tokens", format, columns)?;
        let mut stmt = self.conn.prepare(&format!(
            "SELECT d.doc_id, d.text, t.data, d.source_base, d.source_map, d.run_id, {}
             FROM documents d JOIN doc_tokens t ON t.doc = d.id ORDER BY d.id",
            stage_version("segment")
        ))?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let doc_id: String = r.get(0)?;
            let text: String = r.get(1)?;
            let data: Vec<u8> = r.get(2)?;
            let base: i64 = r.get(3)?;
            let map: Option<Vec<u8>> = r.get(4)?;
            let run: i64 = r.get(5)?;
            let version: Option<String> = r.get(6)?;
            let tokens = expand_tokens(&text, Some(&data), base as u64, map.as_deref(), &doc_id)?;
            for (i, t) in tokens.into_iter().enumerate() {
                let o = t.offsets;
                w.row(&[
                    Value::from(doc_id.as_str()),
                    Value::from(i as u64),
                    Value::from(t.text),
                    Value::from(t.kind),
                    Value::from(o.span[0]),
                    Value::from(o.span[1]),
                    Value::from(o.chars[0]),
                    Value::from(o.chars[1]),
                    Value::from(o.source[0]),
                    Value::from(o.source[1]),
                    Value::from(t.space_after),
                    Value::from(t.joined_next),
                    t.quote.map_or(Value::Null, Value::from),
                    Value::from(run),
                    version.as_deref().map_or(Value::Null, Value::from),
                ])?;
            }
        }
        w.finish("tokens")
    }
}
