//! `newsgraph query` and `newsgraph export`: reading a store.

use anyhow::Context;
use clap::{Args, Subcommand, ValueEnum};
use newsgraph_core::Date;
use newsgraph_store::export::ExportFormat;
use newsgraph_store::query::{
    ActorSummary, DocFilter, DocSummary, EntityFilter, EntityOut, QuoteFilter, QuoteOut,
};
use newsgraph_store::Store;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Subcommand, Debug)]
pub enum QueryCommand {
    /// List documents, newest first (or by relevance with --search).
    Documents(DocumentsArgs),
    /// List statements (quotes with speakers), newest first (or by relevance with
    /// --search); a quote repeated across the articles of one story is one row.
    Quotes(QuotesArgs),
    /// List entities of documents (or, with --actors, actors with counts).
    Entities(EntitiesArgs),
}

/// Filters on actor codes shared by `query quotes` and `query entities`.
#[derive(Args, Debug)]
pub struct CodeArgs {
    /// Actor-code prefix (`IRQ` matches IRQREB and IRQGOV).
    #[arg(long, value_name = "CODE")]
    pub code: Option<String>,
    /// Actor-code suffix, the sector (`REB` matches IRQREB and SYRREB).
    #[arg(long, value_name = "SUFFIX")]
    pub sector: Option<String>,
    /// ISO 3166-1 alpha-3 country (`IRQ`).
    #[arg(long, value_name = "ISO3")]
    pub country: Option<String>,
    /// Published on or after this date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub from: Option<Date>,
    /// Published on or before this date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub to: Option<Date>,
    /// Only this document (its id).
    #[arg(long, value_name = "ID")]
    pub doc: Option<String>,
}

#[derive(Args, Debug)]
pub struct QuotesArgs {
    /// The store to read.
    #[arg(long, value_name = "FILE", default_value = "newsgraph.db")]
    pub db: PathBuf,
    /// Full-text search over the quoted words (same syntax as `query documents`).
    #[arg(long, value_name = "TEXT")]
    pub search: Option<String>,
    /// Part of the speaker's name (any case), or the speaker's exact actor code.
    #[arg(long, value_name = "NAME|CODE")]
    pub speaker: Option<String>,
    #[command(flatten)]
    pub codes: CodeArgs,
    /// Every quote, one row per sighting, instead of one row per statement.
    #[arg(long)]
    pub all: bool,
    /// At most this many rows.
    #[arg(long, default_value_t = 20)]
    pub limit: u32,
    /// Skip this many rows first (paging).
    #[arg(long, default_value_t = 0)]
    pub offset: u64,
    #[arg(long, value_enum, default_value = "table")]
    pub format: QueryFormat,
}

#[derive(Args, Debug)]
pub struct EntitiesArgs {
    /// The store to read.
    #[arg(long, value_name = "FILE", default_value = "newsgraph.db")]
    pub db: PathBuf,
    /// Part of the canonical name (any case), or an exact actor code.
    #[arg(long, value_name = "NAME|CODE")]
    pub name: Option<String>,
    /// Only this type: PERSON, ORG, LOC, NORP, EVENT or MISC.
    #[arg(long = "type", value_name = "TYPE")]
    pub entity_type: Option<String>,
    /// Only entities of documents matching this full-text search.
    #[arg(long, value_name = "TEXT")]
    pub search: Option<String>,
    #[command(flatten)]
    pub codes: CodeArgs,
    /// One row per actor (canonical name) with document, mention and statement
    /// counts, most named first.
    #[arg(long)]
    pub actors: bool,
    /// At most this many rows.
    #[arg(long, default_value_t = 20)]
    pub limit: u32,
    /// Skip this many rows first (paging).
    #[arg(long, default_value_t = 0)]
    pub offset: u64,
    #[arg(long, value_enum, default_value = "table")]
    pub format: QueryFormat,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueryFormat {
    /// An aligned table for reading.
    Table,
    Jsonl,
    Csv,
}

fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse_iso(s).ok_or_else(|| format!("expected a date as YYYY-MM-DD, got {s:?}"))
}

#[derive(Args, Debug)]
pub struct DocumentsArgs {
    /// The store to read.
    #[arg(long, value_name = "FILE", default_value = "newsgraph.db")]
    pub db: PathBuf,
    /// Full-text search over titles and text: words (all must match), "quoted phrases",
    /// `word*` prefixes, `a OR b`.
    #[arg(long, value_name = "TEXT")]
    pub search: Option<String>,
    /// Published on or after this date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub from: Option<Date>,
    /// Published on or before this date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub to: Option<Date>,
    /// Only this outlet.
    #[arg(long)]
    pub outlet: Option<String>,
    /// Only documents of the story of this document id.
    #[arg(long, value_name = "ID")]
    pub story: Option<String>,
    /// At most this many documents.
    #[arg(long, default_value_t = 20)]
    pub limit: u32,
    /// Skip this many documents first (paging).
    #[arg(long, default_value_t = 0)]
    pub offset: u64,
    #[arg(long, value_enum, default_value = "table")]
    pub format: QueryFormat,
}

pub fn run(cmd: &QueryCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        QueryCommand::Documents(a) => documents(a),
        QueryCommand::Quotes(a) => quotes(a),
        QueryCommand::Entities(a) => entities(a),
    }
}

/// Writes rows to stdout (a closed pipe is not an error), then the table
/// footer on stderr.
fn emit(
    format: QueryFormat,
    shown: usize,
    total: u64,
    offset: u64,
    what: &str,
    write: impl FnOnce(&mut dyn Write) -> anyhow::Result<()>,
) -> anyhow::Result<ExitCode> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let r = write(&mut out).and_then(|()| Ok(out.flush()?));
    match r {
        Err(e)
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe) => {}
        r => r.context("writing output")?,
    }
    if format == QueryFormat::Table {
        let next = offset + shown as u64;
        eprintln!(
            "{shown} of {total} {what}{}",
            if total > next {
                format!(" (more with --offset {next})")
            } else {
                String::new()
            }
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// A store error from bad user input exits 2 with one line.
fn user_error<T>(r: newsgraph_store::Result<T>) -> anyhow::Result<Result<T, ExitCode>> {
    match r {
        Err(e @ newsgraph_store::StoreError::BadQuery(_)) => {
            eprintln!("newsgraph: {e}");
            Ok(Err(ExitCode::from(2)))
        }
        r => Ok(Ok(r?)),
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn quotes(a: &QuotesArgs) -> anyhow::Result<ExitCode> {
    let store = Store::open_read_only(&a.db)?;
    let c = &a.codes;
    let f = QuoteFilter {
        search: a.search.clone(),
        speaker: a.speaker.clone(),
        actor: None,
        code: c.code.clone(),
        country: c.country.clone(),
        sector: c.sector.clone(),
        from: c.from,
        to: c.to,
        doc: c.doc.clone(),
        all: a.all,
        limit: a.limit,
        offset: a.offset,
        count_limit: None,
    };
    let page = match user_error(store.quotes(&f))? {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    emit(
        a.format,
        page.quotes.len(),
        page.total,
        a.offset,
        if a.all { "quote(s)" } else { "statement(s)" },
        |out| write_quotes(out, &page.quotes, a.format),
    )
}

fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

fn write_quotes(out: &mut dyn Write, rows: &[QuoteOut], format: QueryFormat) -> anyhow::Result<()> {
    match format {
        QueryFormat::Jsonl => {
            for q in rows {
                serde_json::to_writer(&mut *out, q)?;
                out.write_all(b"\n")?;
            }
        }
        QueryFormat::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record([
                "doc_id",
                "quote_index",
                "published",
                "outlet",
                "kind",
                "speaker",
                "speaker_canonical",
                "speaker_code",
                "speaker_country",
                "cue",
                "addressee",
                "text",
                "start",
                "end",
                "char_start",
                "char_end",
                "source_start",
                "source_end",
                "evidence",
                "evidence_docs",
                "version",
            ])?;
            for q in rows {
                let part = |p: &Option<newsgraph_store::query::SpanText>| {
                    p.as_ref().map(|p| p.text.clone()).unwrap_or_default()
                };
                w.write_record([
                    q.doc_id.clone(),
                    q.idx.to_string(),
                    opt(&q.published),
                    opt(&q.outlet),
                    q.kind.clone(),
                    part(&q.speaker),
                    opt(&q.speaker_canonical),
                    opt(&q.speaker_code),
                    opt(&q.speaker_country),
                    part(&q.cue),
                    part(&q.addressee),
                    q.text.clone(),
                    q.offsets.span[0].to_string(),
                    q.offsets.span[1].to_string(),
                    q.offsets.chars[0].to_string(),
                    q.offsets.chars[1].to_string(),
                    q.offsets.source[0].to_string(),
                    q.offsets.source[1].to_string(),
                    q.evidence.to_string(),
                    q.evidence_docs.join(" "),
                    q.version.clone(),
                ])?;
            }
            w.flush()?;
        }
        QueryFormat::Table => {
            writeln!(
                out,
                "{:<10}  {:<24}  {:<9}  {:>3}  quote",
                "published", "speaker", "code", "ev"
            )?;
            for q in rows {
                let who = q
                    .speaker_canonical
                    .clone()
                    .or_else(|| q.speaker.as_ref().map(|s| s.text.clone()))
                    .unwrap_or_else(|| "-".into());
                writeln!(
                    out,
                    "{:<10}  {:<24}  {:<9}  {:>3}  {}",
                    q.published.as_deref().unwrap_or("-"),
                    clip(&one_line(&who), 24),
                    clip(q.speaker_code.as_deref().unwrap_or("-"), 9),
                    q.evidence,
                    clip(&one_line(&q.text), 90)
                )?;
            }
        }
    }
    Ok(())
}

fn entities(a: &EntitiesArgs) -> anyhow::Result<ExitCode> {
    let store = Store::open_read_only(&a.db)?;
    let c = &a.codes;
    let f = EntityFilter {
        name: a.name.clone(),
        code: c.code.clone(),
        country: c.country.clone(),
        sector: c.sector.clone(),
        entity_type: a.entity_type.clone(),
        search: a.search.clone(),
        from: c.from,
        to: c.to,
        doc: c.doc.clone(),
        limit: a.limit,
        offset: a.offset,
    };
    if a.actors {
        let page = match user_error(store.actors(&f))? {
            Ok(p) => p,
            Err(code) => return Ok(code),
        };
        return emit(
            a.format,
            page.actors.len(),
            page.total,
            a.offset,
            "actor(s)",
            |out| write_actors(out, &page.actors, a.format),
        );
    }
    let page = match user_error(store.entities(&f))? {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    emit(
        a.format,
        page.entities.len(),
        page.total,
        a.offset,
        "entit(ies)",
        |out| write_entities(out, &page.entities, a.format),
    )
}

fn write_entities(
    out: &mut dyn Write,
    rows: &[EntityOut],
    format: QueryFormat,
) -> anyhow::Result<()> {
    match format {
        QueryFormat::Jsonl => {
            for e in rows {
                serde_json::to_writer(&mut *out, e)?;
                out.write_all(b"\n")?;
            }
        }
        QueryFormat::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record([
                "doc_id",
                "entity",
                "published",
                "canonical",
                "type",
                "kind",
                "country",
                "actor_code",
                "code_layer",
                "code_entry",
                "role",
                "affiliation",
                "affiliation_canonical",
                "n_mentions",
                "version",
            ])?;
            for e in rows {
                w.write_record([
                    e.doc_id.clone(),
                    e.idx.to_string(),
                    opt(&e.published),
                    e.canonical.clone(),
                    e.entity_type.clone(),
                    opt(&e.kind),
                    opt(&e.country),
                    opt(&e.actor_code),
                    e.code_source
                        .as_ref()
                        .map(|c| c.layer.clone())
                        .unwrap_or_default(),
                    e.code_source
                        .as_ref()
                        .map(|c| c.entry.clone())
                        .unwrap_or_default(),
                    opt(&e.role),
                    e.affiliation.map(|x| x.to_string()).unwrap_or_default(),
                    opt(&e.affiliation_canonical),
                    e.n_mentions.to_string(),
                    e.version.clone(),
                ])?;
            }
            w.flush()?;
        }
        QueryFormat::Table => {
            writeln!(
                out,
                "{:<32}  {:<10}  {:<6}  {:<9}  {:>3}  canonical",
                "doc_id", "published", "type", "code", "n"
            )?;
            for e in rows {
                writeln!(
                    out,
                    "{:<32}  {:<10}  {:<6}  {:<9}  {:>3}  {}",
                    e.doc_id,
                    e.published.as_deref().unwrap_or("-"),
                    e.entity_type,
                    clip(e.actor_code.as_deref().unwrap_or("-"), 9),
                    e.n_mentions,
                    clip(&one_line(&e.canonical), 60)
                )?;
            }
        }
    }
    Ok(())
}

fn write_actors(
    out: &mut dyn Write,
    rows: &[ActorSummary],
    format: QueryFormat,
) -> anyhow::Result<()> {
    match format {
        QueryFormat::Jsonl => {
            for a in rows {
                serde_json::to_writer(&mut *out, a)?;
                out.write_all(b"\n")?;
            }
        }
        QueryFormat::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record([
                "canonical",
                "type",
                "actor_code",
                "country",
                "documents",
                "mentions",
                "quotes",
            ])?;
            for a in rows {
                w.write_record([
                    a.canonical.clone(),
                    a.entity_type.clone(),
                    opt(&a.actor_code),
                    opt(&a.country),
                    a.documents.to_string(),
                    a.mentions.to_string(),
                    a.quotes.to_string(),
                ])?;
            }
            w.flush()?;
        }
        QueryFormat::Table => {
            writeln!(
                out,
                "{:<6}  {:<9}  {:>5}  {:>6}  {:>6}  canonical",
                "type", "code", "docs", "ments", "quotes"
            )?;
            for a in rows {
                writeln!(
                    out,
                    "{:<6}  {:<9}  {:>5}  {:>6}  {:>6}  {}",
                    a.entity_type,
                    clip(a.actor_code.as_deref().unwrap_or("-"), 9),
                    a.documents,
                    a.mentions,
                    a.quotes,
                    clip(&one_line(&a.canonical), 60)
                )?;
            }
        }
    }
    Ok(())
}

fn documents(a: &DocumentsArgs) -> anyhow::Result<ExitCode> {
    let store = Store::open_read_only(&a.db)?;
    let filter = DocFilter {
        search: a.search.clone(),
        from: a.from,
        to: a.to,
        outlet: a.outlet.clone(),
        story: a.story.clone(),
        limit: a.limit,
        offset: a.offset,
        // The command line counts exactly: it runs once, not per page view.
        count_limit: None,
    };
    let page = match store.documents(&filter) {
        Err(e @ newsgraph_store::StoreError::BadQuery(_)) => {
            eprintln!("newsgraph: {e}");
            return Ok(ExitCode::from(2));
        }
        r => r?,
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let r = write_docs(&mut out, &page.documents, a.format).and_then(|()| Ok(out.flush()?));
    match r {
        Err(e)
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe) => {}
        r => r.context("writing output")?,
    }
    if a.format == QueryFormat::Table {
        eprintln!(
            "{} of {} document(s){}",
            page.documents.len(),
            page.total,
            if page.total > a.offset + page.documents.len() as u64 {
                format!(
                    " (more with --offset {})",
                    a.offset + page.documents.len() as u64
                )
            } else {
                String::new()
            }
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn snippet_text(d: &DocSummary) -> String {
    d.snippet.as_ref().map_or_else(String::new, |parts| {
        parts
            .iter()
            .map(|p| {
                if p.hit {
                    format!("[{}]", p.text)
                } else {
                    p.text.clone()
                }
            })
            .collect::<String>()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    })
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        return s.to_string();
    }
    let mut out: String = s.chars().take(n.saturating_sub(1)).collect();
    out.push('…');
    out
}

fn write_docs(
    out: &mut impl Write,
    docs: &[DocSummary],
    format: QueryFormat,
) -> anyhow::Result<()> {
    match format {
        QueryFormat::Jsonl => {
            for d in docs {
                serde_json::to_writer(&mut *out, d)?;
                out.write_all(b"\n")?;
            }
        }
        QueryFormat::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record([
                "id",
                "published",
                "outlet",
                "title",
                "dateline_place",
                "source_path",
                "url",
                "external_id",
                "story",
                "story_size",
                "chars",
                "sentences",
                "snippet",
            ])?;
            for d in docs {
                w.write_record([
                    d.id.clone(),
                    d.published.clone().unwrap_or_default(),
                    d.outlet.clone().unwrap_or_default(),
                    d.title.clone().unwrap_or_default(),
                    d.dateline_place.clone().unwrap_or_default(),
                    d.source_path.clone(),
                    d.url.clone().unwrap_or_default(),
                    d.external_id.clone().unwrap_or_default(),
                    d.story.clone(),
                    d.story_size.to_string(),
                    d.chars.to_string(),
                    d.sentences.to_string(),
                    snippet_text(d),
                ])?;
            }
            w.flush()?;
        }
        QueryFormat::Table => {
            writeln!(
                out,
                "{:<32}  {:<10}  {:>5}  {:<14}  title",
                "id", "published", "story", "outlet"
            )?;
            for d in docs {
                let one_line = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
                writeln!(
                    out,
                    "{:<32}  {:<10}  {:>5}  {:<14}  {}",
                    d.id,
                    d.published.as_deref().unwrap_or("-"),
                    d.story_size,
                    clip(&one_line(d.outlet.as_deref().unwrap_or("-")), 14),
                    clip(&one_line(d.title.as_deref().unwrap_or("(untitled)")), 70)
                )?;
                if d.snippet.is_some() {
                    writeln!(out, "{:<32}  {}", "", clip(&snippet_text(d), 110))?;
                }
            }
        }
    }
    Ok(())
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormatArg {
    Jsonl,
    Csv,
    /// Typed columns (INT64, UTF-8 strings, BOOLEAN, DATE), uncompressed.
    Parquet,
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    /// The store to read.
    #[arg(long, value_name = "FILE", default_value = "newsgraph.db")]
    pub db: PathBuf,
    #[arg(long, value_enum)]
    pub format: ExportFormatArg,
    /// Directory to write one file per table into (created if missing).
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
}

pub fn export(a: &ExportArgs) -> anyhow::Result<ExitCode> {
    let store = Store::open_read_only(&a.db)?;
    let format = match a.format {
        ExportFormatArg::Jsonl => ExportFormat::Jsonl,
        ExportFormatArg::Csv => ExportFormat::Csv,
        ExportFormatArg::Parquet => ExportFormat::Parquet,
    };
    for t in store.export(&a.output, format)? {
        eprintln!("{:>10} rows  {}", t.rows, t.path.display());
    }
    Ok(ExitCode::SUCCESS)
}
