//! `newsgraph dict`: import, look up and check the actor/agent dictionaries.

use anyhow::Context;
use clap::{Args, Subcommand};
use newsgraph_core::Date;
use newsgraph_dict::{Dictionary, Kind, Layer, Lookup, Severity};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Subcommand, Debug)]
pub enum DictCommand {
    /// Convert third-party dictionaries into our TOML layer format.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Look a name up: codes (with date bounds), and the layer and entry that gave them.
    ///
    /// Exit code 1 when the name is not found (or none of its codes holds on --date).
    Lookup(LookupArgs),
    /// Check layers for malformed entries (errors), duplicates and conflicts (warnings).
    ///
    /// Exit code 1 when there are errors (or warnings, with --strict).
    Check(CheckArgs),
}

#[derive(Subcommand, Debug)]
pub enum ImportCommand {
    /// PETRARCH/Phoenix `*.actors.txt` and `*.agents.txt` files in a directory.
    Petrarch(PetrarchArgs),
}

#[derive(Args, Debug)]
pub struct PetrarchArgs {
    /// Directory holding the dictionary files.
    pub dir: PathBuf,
    /// Output layer file; gzip-compressed when it ends in `.gz`.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// Print every skipped code and dropped entry to stderr.
    #[arg(long)]
    pub verbose: bool,
}

/// Which layers to use: the shipped ones (unless --no-builtin), then each --layer in order.
#[derive(Args, Debug)]
pub struct LayerArgs {
    /// A layer file to stack on top (repeatable; later ones override earlier ones).
    #[arg(long = "layer", value_name = "FILE")]
    pub layers: Vec<PathBuf>,
    /// Leave out the shipped layers (PETRARCH import and curated).
    #[arg(long)]
    pub no_builtin: bool,
}

fn parse_date(s: &str) -> Result<Date, String> {
    match Date::parse_iso(s) {
        Some(d) if s.trim().len() == 10 => Ok(d),
        _ => Err(format!("expected a date as YYYY-MM-DD, got {s:?}")),
    }
}

#[derive(Args, Debug)]
pub struct LookupArgs {
    /// The name to look up (case and punctuation do not matter).
    pub name: String,
    /// Only codes that hold on this date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub date: Option<Date>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub layers: LayerArgs,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Layer files to check on top of the shipped ones (same as --layer).
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Treat warnings as errors.
    #[arg(long)]
    pub strict: bool,
    /// Print at most this many warnings (all are counted).
    #[arg(long, default_value_t = 20)]
    pub max_warnings: usize,
    #[command(flatten)]
    pub layers: LayerArgs,
}

pub fn run(cmd: &DictCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        DictCommand::Import(ImportCommand::Petrarch(a)) => import_petrarch(a),
        DictCommand::Lookup(a) => lookup(a),
        DictCommand::Check(a) => check(a),
    }
}

const ATTRIBUTION: &str = "\
Converted by `newsgraph dict import petrarch` from the PETRARCH-2 / Phoenix dictionaries
(openeventdata/petrarch2, petrarch2/data/dictionaries), MIT licence,
Copyright (c) 2014 Open Event Data Alliance. See data/dict/README.md.
Each entry's `src` is the original file and line.";

fn import_petrarch(a: &PetrarchArgs) -> anyhow::Result<ExitCode> {
    let (mut layer, stats) = newsgraph_dict::petrarch::import_dir(&a.dir)?;
    layer.source = Some("PETRARCH-2 / Phoenix dictionaries (openeventdata/petrarch2)".into());
    layer.licence = Some("MIT, Copyright (c) 2014 Open Event Data Alliance".into());
    let header = format!("{ATTRIBUTION}\nFiles: {}.", stats.files.join(", "));
    let text = layer.to_toml(&header);
    // What we write must read back.
    Layer::parse(&text, &a.output.display().to_string())
        .context("the converted layer does not parse back (importer bug)")?;
    let bytes = if a.output.extension().is_some_and(|e| e == "gz") {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        enc.write_all(text.as_bytes())?;
        enc.finish()?
    } else {
        text.clone().into_bytes()
    };
    std::fs::write(&a.output, &bytes)
        .with_context(|| format!("cannot write {}", a.output.display()))?;
    if a.verbose {
        for w in &stats.warnings {
            eprintln!("{w}");
        }
    }
    eprintln!(
        "imported {} files: {} actors, {} agents, {} aliases, {} codes ({} dated); \
         {} entries dropped, {} warnings; wrote {} ({} bytes, {} uncompressed)",
        stats.files.len(),
        stats.actors,
        stats.agents,
        stats.aliases,
        stats.codes,
        stats.dated_codes,
        stats.dropped,
        stats.warnings.len(),
        a.output.display(),
        bytes.len(),
        text.len()
    );
    Ok(ExitCode::SUCCESS)
}

fn load(args: &LayerArgs, extra: &[PathBuf]) -> anyhow::Result<Dictionary> {
    let mut d = if args.no_builtin {
        Dictionary::new()
    } else {
        Dictionary::builtin()?
    };
    for p in args.layers.iter().chain(extra) {
        d.push(Layer::load(p)?);
    }
    Ok(d)
}

fn match_json(l: &Lookup<'_>) -> Vec<serde_json::Value> {
    l.matches
        .iter()
        .map(|m| {
            serde_json::json!({
                "kind": m.kind.as_str(),
                "code": m.code,
                "from": m.from.map(|d| d.to_string()),
                "to": m.to.map(|d| d.to_string()),
                "layer": m.layer,
                "file": m.file,
                "line": m.line,
                "entry": m.entry,
                "matched": m.matched,
                "src": m.src,
            })
        })
        .collect()
}

fn lookup(a: &LookupArgs) -> anyhow::Result<ExitCode> {
    let d = load(&a.layers, &[])?;
    let actors = d.lookup(&a.name, a.date);
    let agents = d.lookup_agent(&a.name, a.date);
    let found = !actors.matches.is_empty() || !agents.matches.is_empty();
    let mut out = std::io::stdout().lock();
    if a.json {
        let mut all = match_json(&actors);
        all.extend(match_json(&agents));
        let v = serde_json::json!({
            "query": a.name,
            "key": actors.key,
            "date": a.date.map(|d| d.to_string()),
            "matches": all,
            "shadowed": actors.shadowed.iter().chain(&agents.shadowed).collect::<Vec<_>>(),
        });
        writeln!(out, "{v}")?;
    } else {
        for (kind, l) in [(Kind::Actor, &actors), (Kind::Agent, &agents)] {
            for m in &l.matches {
                let dates = match (m.from, m.to) {
                    (None, None) => String::new(),
                    (f, t) => format!(
                        " [{} .. {}]",
                        f.map_or(String::new(), |d| d.to_string()),
                        t.map_or(String::new(), |d| d.to_string())
                    ),
                };
                let src = m.src.map_or(String::new(), |s| format!(" (from {s})"));
                writeln!(
                    out,
                    "{}\t{}{dates}\t{:?} via {:?}\t{} {}:{}{src}",
                    kind.as_str(),
                    m.code,
                    m.entry,
                    m.matched,
                    m.layer,
                    m.file,
                    m.line
                )?;
            }
            if !l.matches.is_empty() && !l.shadowed.is_empty() {
                writeln!(out, "  (overrides layers: {})", l.shadowed.join(", "))?;
            }
        }
    }
    if found {
        return Ok(ExitCode::SUCCESS);
    }
    let why = if actors.key.is_empty() {
        "nothing to look up after normalisation".to_string()
    } else if d.lookup(&a.name, None).matches.is_empty()
        && d.lookup_agent(&a.name, None).matches.is_empty()
    {
        format!("{:?} is not in the dictionary", a.name)
    } else {
        format!(
            "{:?} is known, but no code of it holds on the date asked",
            a.name
        )
    };
    eprintln!("newsgraph: {why}");
    Ok(ExitCode::from(1))
}

fn check(a: &CheckArgs) -> anyhow::Result<ExitCode> {
    let mut layers = if a.layers.no_builtin {
        Vec::new()
    } else {
        Dictionary::builtin_layers()?
    };
    let mut errors = Vec::new();
    for p in a.layers.layers.iter().chain(&a.files) {
        let text = Layer::read_text(p)?;
        match Layer::parse_lenient(&text, &p.display().to_string()) {
            Ok((layer, errs)) => {
                errors.extend(errs.into_iter().map(|e| e.to_string()));
                layers.push(layer);
            }
            Err(e) => errors.push(e.to_string()),
        }
    }
    let mut d = Dictionary::new();
    let mut entries = 0;
    for l in layers {
        entries += l.entries.len();
        d.push(l);
    }
    let findings = d.check();
    let mut warnings = 0;
    for f in &findings {
        match f.severity {
            Severity::Error => errors.push(f.to_string()),
            Severity::Warning => {
                if warnings < a.max_warnings {
                    println!("{f}");
                }
                warnings += 1;
            }
        }
    }
    if warnings > a.max_warnings {
        println!("… and {} more warnings", warnings - a.max_warnings);
    }
    for e in &errors {
        println!("error: {e}");
    }
    let names: Vec<&str> = d.layers().iter().map(|l| l.name.as_str()).collect();
    eprintln!(
        "checked {} layers ({}), {entries} entries: {} errors, {warnings} warnings",
        names.len(),
        names.join(", "),
        errors.len()
    );
    let fail = !errors.is_empty() || (a.strict && warnings > 0);
    Ok(if fail {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
