//! `newsgraph demo`: every stage on the bundled example articles, with a
//! readable summary. The examples are compiled into the binary so that the
//! demo works from any directory.

use clap::Args;
use newsgraph_core::{Document, TokenKind};
use std::io::Write;
use std::process::ExitCode;

/// The bundled examples (see `examples/README.md` for sources and licences).
pub const EXAMPLES: &[(&str, &[u8])] = &[
    (
        "examples/seed-iraq-resistance.txt",
        include_bytes!("../../../examples/seed-iraq-resistance.txt"),
    ),
    (
        "examples/wikinews-mecca-crane.txt",
        include_bytes!("../../../examples/wikinews-mecca-crane.txt"),
    ),
    (
        "examples/wikinews-north-korea.txt",
        include_bytes!("../../../examples/wikinews-north-korea.txt"),
    ),
    (
        "examples/wikinews-asylum-seekers.html",
        include_bytes!("../../../examples/wikinews-asylum-seekers.html"),
    ),
];

#[derive(Args, Debug)]
pub struct DemoArgs {
    /// Print every sentence instead of the first few.
    #[arg(long)]
    pub full: bool,
    /// Print the documents as JSONL (as `newsgraph read` would) instead of a summary.
    #[arg(long)]
    pub json: bool,
    /// The store the demo fills at the end, to browse with `newsgraph serve`
    /// (default: newsgraph-demo.db in the temporary directory).
    #[arg(long, value_name = "FILE")]
    pub db: Option<std::path::PathBuf>,
}

pub fn run(args: &DemoArgs) -> anyhow::Result<ExitCode> {
    let reader = newsgraph_ingest::ReaderBuilder::new().build()?;
    let pipeline = newsgraph_pipeline::standard(reader);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut failed = 0;
    let mut stored = Vec::new();
    for (label, bytes) in EXAMPLES {
        let docs = match pipeline.reader().read_bytes(label, bytes) {
            Ok(docs) => docs,
            Err(e) => {
                eprintln!("newsgraph: {e}");
                failed += 1;
                continue;
            }
        };
        for mut doc in docs {
            pipeline.annotate(&mut doc);
            if args.json {
                crate::output::write_jsonl(&mut out, &doc)?;
            } else {
                summarise(&mut out, &doc, args.full)?;
                stored.push(doc);
            }
        }
    }
    if !args.json {
        writeln!(
            out,
            "Stages run: {}.\nNext: `newsgraph read examples/ > docs.jsonl` writes every record with \
             byte, source and character offsets; `newsgraph demo --json` shows the same here.",
            ["ingest"].into_iter().chain(pipeline.stage_names()).collect::<Vec<_>>().join(" → ")
        )?;
        let db = match &args.db {
            Some(db) => db.clone(),
            None => {
                // The default store is the demo's own: start it afresh.
                let db = std::env::temp_dir().join("newsgraph-demo.db");
                for ext in ["", "-wal", "-shm"] {
                    let mut p = db.clone().into_os_string();
                    p.push(ext);
                    let _ = std::fs::remove_file(p);
                }
                db
            }
        };
        let n = stored.len();
        crate::ingest::store_documents(&db, "demo", stored)?;
        writeln!(
            out,
            "Stored {n} documents in {db}. Browse them (articles, search, timeline) with:\n  \
             newsgraph serve --db {db}\nthen open http://127.0.0.1:8080/",
            db = db.display()
        )?;
    }
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn summarise(out: &mut impl Write, doc: &Document, full: bool) -> std::io::Result<()> {
    let m = &doc.meta;
    let title = m.title.as_deref().unwrap_or("(untitled)");
    writeln!(out, "━━ {title}")?;
    let mut facts = vec![m.source.path.clone()];
    if let Some(f) = m.format {
        facts.push(f.name().to_string());
    }
    facts.push(m.encoding.clone());
    if let Some(d) = m.published {
        facts.push(format!("published {d}"));
    }
    if let Some(b) = &m.byline {
        facts.push(b.clone());
    }
    if let Some(o) = &m.outlet {
        facts.push(o.clone());
    }
    if let Some(p) = &m.dateline_place {
        facts.push(format!("dateline {p}"));
    }
    writeln!(out, "   {}", facts.join(" · "))?;
    let quotes = doc
        .tokens
        .iter()
        .filter(|t| t.kind == TokenKind::Quote)
        .count();
    writeln!(
        out,
        "   {} paragraphs · {} sentences · {} tokens · {} quotation marks · id {}",
        doc.paragraphs.len(),
        doc.sentences.len(),
        doc.tokens.len(),
        quotes,
        &doc.id[..12.min(doc.id.len())]
    )?;
    let shown = if full { doc.sentences.len() } else { 4 };
    let mut last_par = u32::MAX;
    for (i, s) in doc.sentences.iter().take(shown).enumerate() {
        let mark = if s.paragraph != last_par { "¶" } else { " " };
        last_par = s.paragraph;
        let text: String = doc
            .slice(s.span)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        writeln!(
            out,
            "   {mark}{:>3}. {}",
            i + 1,
            ellipsize(&text, if full { 10_000 } else { 110 })
        )?;
    }
    if let Some(line) = doc.sentences.first().and_then(|s| root_line(doc, s)) {
        writeln!(out, "        parse of 1: {line}")?;
    }
    if doc.sentences.len() > shown {
        writeln!(
            out,
            "        … {} more sentences (--full shows all)",
            doc.sentences.len() - shown
        )?;
    }
    if !doc.entities.is_empty() {
        writeln!(out, "   entities ({}):", doc.entities.len())?;
        let shown = if full { doc.entities.len() } else { 8 };
        for e in doc.entities.iter().take(shown) {
            writeln!(
                out,
                "     • {}",
                ellipsize(
                    &crate::render::entity_line(doc, e),
                    if full { 10_000 } else { 150 }
                )
            )?;
        }
        if doc.entities.len() > shown {
            writeln!(
                out,
                "     … {} more (--full shows all)",
                doc.entities.len() - shown
            )?;
        }
    }
    if !doc.quotes.is_empty() {
        writeln!(out, "   quotes ({}):", doc.quotes.len())?;
        let shown = if full { doc.quotes.len() } else { 6 };
        for q in doc.quotes.iter().take(shown) {
            writeln!(
                out,
                "     ❝ [{}] {}",
                match q.kind {
                    newsgraph_core::QuoteKind::Direct => "direct",
                    newsgraph_core::QuoteKind::Mixed => "mixed",
                    newsgraph_core::QuoteKind::Indirect => "indirect",
                },
                ellipsize(
                    &crate::render::quote_line(doc, q),
                    if full { 10_000 } else { 150 }
                )
            )?;
        }
        if doc.quotes.len() > shown {
            writeln!(
                out,
                "     … {} more (--full shows all)",
                doc.quotes.len() - shown
            )?;
        }
    }
    for d in &doc.diagnostics {
        writeln!(out, "   note [{}:{}] {}", d.stage, d.code, d.message)?;
    }
    writeln!(out)
}

/// The root of a parsed sentence and its direct dependents:
/// `said/VERB ← nsubj: minister · ccomp: failed`.
fn root_line(doc: &Document, s: &newsgraph_core::Sentence) -> Option<String> {
    let range = s.token_range();
    if doc.words.len() != doc.tokens.len() || range.is_empty() {
        return None;
    }
    let root = range
        .clone()
        .find(|&i| doc.words[i].head.is_none() && doc.words[i].deprel == "root")?;
    let deps: Vec<String> = range
        .filter(|&i| doc.words[i].head == Some(root as u32) && doc.words[i].deprel != "punct")
        .map(|i| format!("{}: {}", doc.words[i].deprel, doc.slice(doc.tokens[i].span)))
        .collect();
    Some(format!(
        "{}/{} ← {}",
        doc.slice(doc.tokens[root].span),
        doc.words[root].upos,
        deps.join(" · ")
    ))
}

fn ellipsize(s: &str, max_chars: usize) -> String {
    if s.chars().count() <= max_chars {
        return s.to_string();
    }
    let cut: String = s.chars().take(max_chars).collect();
    format!("{cut}…")
}
