//! `newsgraph eval seed`: the worked example's entities, scored against its
//! careful human reading (`expected.json` beside `article.txt`).
//!
//! For each gold entity the best predicted entity is the one whose mentions
//! cover most of the gold mentions' occurrences; it is then checked for type,
//! kind, country, role, affiliation and whether every gold mention is chained
//! to it. Extra predicted entities are listed but not penalised: the reading
//! names the entities that matter, not every demonym.

use anyhow::Context;
use clap::Args;
use newsgraph_core::{Document, Entity, EntityType};
use serde::Deserialize;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct SeedEvalArgs {
    /// A folder with `article.txt` and `expected.json`, or the two files.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
    /// Fail (exit 3) unless at least this many gold entities are fully right.
    #[arg(long, value_name = "N")]
    pub min_entities: Option<usize>,
}

#[derive(Deserialize)]
struct Expected {
    entities: Vec<GoldEntity>,
}

#[derive(Deserialize)]
struct GoldEntity {
    canonical: String,
    #[serde(rename = "type")]
    entity_type: String,
    kind: Option<String>,
    country: Option<String>,
    role: Option<String>,
    affiliation: Option<String>,
    mentions: Vec<String>,
}

#[derive(serde::Serialize)]
struct EntityResult {
    gold: String,
    predicted: Option<String>,
    ok: bool,
    problems: Vec<String>,
}

fn find_inputs(paths: &[PathBuf]) -> anyhow::Result<(PathBuf, PathBuf)> {
    let mut article = None;
    let mut expected = None;
    for p in paths {
        if p.is_dir() {
            article = Some(p.join("article.txt"));
            expected = Some(p.join("expected.json"));
        } else if p.extension().is_some_and(|e| e == "json") {
            expected = Some(p.clone());
        } else {
            article = Some(p.clone());
        }
    }
    match (article, expected) {
        (Some(a), Some(e)) => Ok((a, e)),
        _ => anyhow::bail!("give a folder with article.txt and expected.json, or both files"),
    }
}

fn type_name(t: EntityType) -> &'static str {
    match t {
        EntityType::Person => "PERSON",
        EntityType::Org => "ORG",
        EntityType::Loc => "LOC",
        EntityType::Norp => "NORP",
        EntityType::Event => "EVENT",
        EntityType::Misc => "MISC",
    }
}

/// Byte ranges of every occurrence of `needle` in `text`.
fn occurrences(text: &str, needle: &str) -> Vec<(usize, usize)> {
    if needle.is_empty() {
        return Vec::new();
    }
    text.match_indices(needle)
        .map(|(a, _)| (a, a + needle.len()))
        .collect()
}

/// How many of the gold mention strings have an occurrence covered by the entity's mentions.
fn covered(doc: &Document, e: &Entity, gold: &GoldEntity) -> (usize, Vec<String>) {
    let mut hits = 0;
    let mut missing = Vec::new();
    for m in &gold.mentions {
        let ok = occurrences(&doc.text, m).iter().any(|&(a, b)| {
            // Every non-space byte of the occurrence lies in some mention span of the entity.
            (a..b).all(|i| {
                doc.text.as_bytes()[i].is_ascii_whitespace()
                    || !doc.text.is_char_boundary(i)
                    || e.mentions
                        .iter()
                        .any(|x| (x.span.start as usize) <= i && i < x.span.end as usize)
                    || matches!(doc.text.as_bytes()[i], b'/' | b'-')
            })
        });
        if ok {
            hits += 1;
        } else {
            missing.push(m.clone());
        }
    }
    (hits, missing)
}

pub fn run(args: &SeedEvalArgs) -> anyhow::Result<ExitCode> {
    let (article, expected) = match find_inputs(&args.paths) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("newsgraph: {e}");
            return Ok(ExitCode::from(3));
        }
    };
    let gold: Expected = match std::fs::read_to_string(&expected)
        .with_context(|| format!("{}", expected.display()))
        .and_then(|t| {
            serde_json::from_str(&t)
                .with_context(|| format!("{}: not a seed reading", expected.display()))
        }) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("newsgraph: {e:#}");
            return Ok(ExitCode::from(3));
        }
    };
    let reader = newsgraph_ingest::ReaderBuilder::new().build()?;
    let pipeline = newsgraph_pipeline::standard(reader);
    let bytes = match std::fs::read(&article) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("newsgraph: {}: {e}", article.display());
            return Ok(ExitCode::from(3));
        }
    };
    let label = article.display().to_string();
    let mut docs = match pipeline.reader().read_bytes(&label, &bytes) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("newsgraph: {e}");
            return Ok(ExitCode::from(3));
        }
    };
    let Some(mut doc) = docs.pop() else {
        eprintln!("newsgraph: {}: no document", article.display());
        return Ok(ExitCode::from(3));
    };
    pipeline.annotate(&mut doc);

    let mut results = Vec::new();
    for g in &gold.entities {
        let best = doc
            .entities
            .iter()
            .map(|e| (covered(&doc, e, g), e))
            .filter(|((hits, _), _)| *hits > 0)
            .max_by_key(|((hits, _), e)| (*hits, e.canonical == g.canonical));
        let mut problems = Vec::new();
        let predicted = best.as_ref().map(|(_, e)| e.canonical.clone());
        match best {
            None => problems.push("not found".to_string()),
            Some(((_, missing), e)) => {
                if e.canonical != g.canonical {
                    problems.push(format!("canonical {:?}", e.canonical));
                }
                if type_name(e.entity_type) != g.entity_type {
                    problems.push(format!("type {}", type_name(e.entity_type)));
                }
                if g.kind.is_some() && e.kind != g.kind {
                    problems.push(format!("kind {:?}", e.kind));
                }
                if g.country.is_some() && e.country != g.country {
                    problems.push(format!("country {:?}", e.country));
                }
                if let Some(r) = &g.role {
                    if e.role.as_deref().map(str::to_lowercase) != Some(r.to_lowercase()) {
                        problems.push(format!("role {:?}", e.role));
                    }
                }
                if let Some(a) = &g.affiliation {
                    let got = e
                        .affiliation
                        .and_then(|i| doc.entities.get(i as usize))
                        .map(|x| x.canonical.as_str());
                    if got != Some(a.as_str()) {
                        problems.push(format!("affiliation {got:?}"));
                    }
                }
                for m in missing {
                    problems.push(format!("mention {m:?} not chained"));
                }
            }
        }
        results.push(EntityResult {
            gold: g.canonical.clone(),
            predicted,
            ok: problems.is_empty(),
            problems,
        });
    }
    let right = results.iter().filter(|r| r.ok).count();
    if args.json {
        let v = serde_json::json!({
            "article": article.display().to_string(),
            "entities": { "right": right, "gold": results.len(), "predicted": doc.entities.len(), "details": results },
        });
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        println!("{:<32} {:<32} result", "gold entity", "predicted");
        for r in &results {
            println!(
                "{:<32} {:<32} {}",
                r.gold,
                r.predicted.as_deref().unwrap_or("—"),
                if r.ok {
                    "ok".to_string()
                } else {
                    r.problems.join("; ")
                }
            );
        }
        println!(
            "entities right: {right}/{} (type, kind, country, role, affiliation, every mention chained); {} predicted",
            results.len(),
            doc.entities.len()
        );
    }
    if args.min_entities.is_some_and(|m| right < m) {
        return Ok(ExitCode::from(3));
    }
    Ok(ExitCode::SUCCESS)
}
