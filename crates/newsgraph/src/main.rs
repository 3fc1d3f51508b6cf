//! `newsgraph`: the command-line glue over the pipeline crates.
//!
//! Exit codes (documented in the README):
//! - 0: every input was read and processed;
//! - 1: at least one input (or JSONL record) failed; the others were processed;
//! - 2: usage error (bad flags, bad glob);
//! - 3: the run itself failed (output not writable, evaluation data unreadable,
//!   a score below its `--min-*` threshold).

mod bench;
mod demo;
mod dict;
mod eval;
mod eval_ner;
mod eval_quotes;
mod eval_seed;
mod ingest;
mod output;
mod parse;
mod progress;
mod query;
mod read;
mod render;
mod serve;
mod train;

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "newsgraph",
    version,
    about = "Turns news articles into structured, provenance-linked records",
    long_about = "Turns news articles into structured, provenance-linked records.\n\n\
        Data goes to stdout, progress and errors to stderr. Exit codes: 0 all inputs read, \
        1 some inputs failed (the rest were processed), 2 usage error, 3 the run failed."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Read news files into JSON documents (one per line): paragraphs, sentences, tokens and words
    /// (tags, lemmas, dependencies).
    Read(read::ReadCommandArgs),
    /// Tag, lemmatise and parse news files; print CoNLL-U (one `# newdoc` per document).
    ///
    /// Words carry `TokenRange=start:end` (byte offsets into the document text, as in `read`) and
    /// `SourceRange=start:end` (byte offsets into the source file) in MISC.
    Parse(read::ReadArgs),
    /// Run every stage on the bundled example articles and print a readable summary.
    Demo(demo::DemoArgs),
    /// Measure throughput (MB/s, docs/s, tokens/s) and peak memory over a corpus.
    Bench(bench::BenchArgs),
    /// Score a stage against a gold standard.
    #[command(subcommand)]
    Eval(eval::EvalCommand),
    /// Reproduce a shipped model from open training data.
    #[command(subcommand)]
    Train(train::TrainCommand),
    /// Run the pipeline over news files and store every record in a SQLite file (resumable).
    Ingest(ingest::IngestArgs),
    /// List records from a store, with filters and full-text search.
    #[command(subcommand)]
    Query(query::QueryCommand),
    /// Write every table of a store as one JSONL, CSV or Parquet file per table.
    Export(query::ExportArgs),
    /// Serve a store as a JSON API (with an OpenAPI document) and a web UI.
    Serve(serve::ServeArgs),
    /// Actor/agent dictionaries: import PETRARCH data, look names up, check layers.
    #[command(subcommand)]
    Dict(dict::DictCommand),
}

/// Input options shared by every command that reads news files.
#[derive(Args, Debug, Clone)]
pub struct InputArgs {
    /// Files, directories (read recursively) or `-` for stdin.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Force the input format instead of sniffing it from the content.
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
    /// Only read files whose path matches this glob when walking directories (e.g. '*.txt').
    #[arg(long, value_name = "GLOB")]
    pub glob: Option<String>,
    /// JSONL: field holding the article text (default: text, body, content, article, maintext, story).
    #[arg(long, value_name = "FIELD")]
    pub text_field: Option<String>,
    /// JSONL: field holding the title (default: title, headline).
    #[arg(long, value_name = "FIELD")]
    pub title_field: Option<String>,
    /// JSONL: field holding the publication date (default: date, published, publish_date, …).
    #[arg(long, value_name = "FIELD")]
    pub date_field: Option<String>,
    /// JSONL: field holding the article id (default: id, doc_id, uuid, url).
    #[arg(long, value_name = "FIELD")]
    pub id_field: Option<String>,
    /// Worker threads (default: all cores).
    #[arg(long, short = 'j')]
    pub threads: Option<usize>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormatArg {
    Seed,
    Text,
    Jsonl,
    Html,
    Reuters,
}

impl From<FormatArg> for newsgraph_core::Format {
    fn from(f: FormatArg) -> Self {
        use newsgraph_core::Format;
        match f {
            FormatArg::Seed => Format::Seed,
            FormatArg::Text => Format::Text,
            FormatArg::Jsonl => Format::Jsonl,
            FormatArg::Html => Format::Html,
            FormatArg::Reuters => Format::Reuters,
        }
    }
}

impl InputArgs {
    /// Builds the reader these options describe.
    pub fn reader(&self) -> anyhow::Result<newsgraph_ingest::Reader> {
        let mut fields = newsgraph_ingest::JsonlFields::default();
        let set = |dst: &mut Vec<String>, v: &Option<String>| {
            if let Some(v) = v {
                *dst = vec![v.clone()];
            }
        };
        set(&mut fields.text, &self.text_field);
        set(&mut fields.title, &self.title_field);
        set(&mut fields.date, &self.date_field);
        set(&mut fields.id, &self.id_field);
        let reader = newsgraph_ingest::ReaderBuilder::new()
            .format(self.format.map(Into::into))
            .jsonl_fields(fields)
            .glob(self.glob.as_deref())
            .build()?;
        Ok(reader)
    }
}

/// Runs `f` on a rayon pool of `threads` threads (all cores when `None`).
pub fn with_threads<T: Send>(
    threads: Option<usize>,
    f: impl FnOnce() -> T + Send,
) -> anyhow::Result<T> {
    let mut b = rayon::ThreadPoolBuilder::new();
    if let Some(n) = threads {
        b = b.num_threads(n.max(1));
    }
    let pool = b.build()?;
    Ok(pool.install(f))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Read(args) => read::run(&args),
        Command::Parse(args) => parse::run(&args),
        Command::Demo(args) => demo::run(&args),
        Command::Bench(args) => bench::run(&args),
        Command::Eval(cmd) => eval::run(&cmd),
        Command::Train(cmd) => train::run(&cmd),
        Command::Ingest(args) => ingest::run(&args),
        Command::Query(cmd) => query::run(&cmd),
        Command::Export(args) => query::export(&args),
        Command::Serve(args) => serve::run(&args),
        Command::Dict(cmd) => dict::run(&cmd),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("newsgraph: error: {e:#}");
            ExitCode::from(3)
        }
    }
}
