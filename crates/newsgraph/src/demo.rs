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
}

pub fn run(args: &DemoArgs) -> anyhow::Result<ExitCode> {
    let reader = newsgraph_ingest::ReaderBuilder::new().build()?;
    let pipeline = newsgraph_pipeline::standard(reader);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut failed = 0;
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
    if doc.sentences.len() > shown {
        writeln!(
            out,
            "        … {} more sentences (--full shows all)",
            doc.sentences.len() - shown
        )?;
    }
    for d in &doc.diagnostics {
        writeln!(out, "   note [{}:{}] {}", d.stage, d.code, d.message)?;
    }
    writeln!(out)
}

fn ellipsize(s: &str, max_chars: usize) -> String {
    if s.chars().count() <= max_chars {
        return s.to_string();
    }
    let cut: String = s.chars().take(max_chars).collect();
    format!("{cut}…")
}
