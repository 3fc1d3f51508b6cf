//! `newsgraph query` and `newsgraph export`: reading a store.

use anyhow::Context;
use clap::{Args, Subcommand, ValueEnum};
use newsgraph_core::Date;
use newsgraph_store::export::ExportFormat;
use newsgraph_store::query::{DocFilter, DocSummary};
use newsgraph_store::Store;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Subcommand, Debug)]
pub enum QueryCommand {
    /// List documents, newest first (or by relevance with --search).
    Documents(DocumentsArgs),
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
    }
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
