//! `newsgraph eval quotes`: attributions against PolNeAR (BRAT) and the seed
//! example's `expected.json`.

use anyhow::Context;
use clap::Args;
use newsgraph_core::Annotator;
use newsgraph_eval::quotes as q;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct QuoteEvalArgs {
    /// PolNeAR-style folders (searched recursively for `text/*.txt`, annotations in the sibling
    /// `attributions/<name>_<annotator>.ann`, the first in sorted order when there are several)
    /// or article `.txt` files; with `--seed`, the seed article.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Compare with the quotes of this seed `expected.json` instead (the article is read like
    /// `newsgraph read` reads it).
    #[arg(long, value_name = "EXPECTED_JSON")]
    pub seed: Option<PathBuf>,
    /// Without the tagger and parser (quotation marks and surface patterns only).
    #[arg(long)]
    pub no_syntax: bool,
    /// Without the entity stages (NER, actors): speakers stay spans, pronouns unresolved.
    #[arg(long)]
    pub no_entities: bool,
    /// Also attribute the complements of stance verbs (`criticized X`, `called for X`), as
    /// PolNeAR does (see `QuoteBuilder::stances`).
    #[arg(long)]
    pub stances: bool,
    /// Use this attribution model (`newsgraph train quotes`) instead of the embedded one.
    #[arg(long, value_name = "FILE", conflicts_with = "no_model")]
    pub model: Option<PathBuf>,
    /// Without the attribution model: the rules alone.
    #[arg(long)]
    pub no_model: bool,
    /// Print every predicted quote and every gold attribution, per document, on stderr.
    #[arg(long)]
    pub dump: bool,
    /// Print the scores as JSON (fractions of 1).
    #[arg(long)]
    pub json: bool,
    /// Fail (exit 3) if a score, in percent, is below a floor: `--min F1@0.3=85` (metrics:
    /// F1@0.3 F1@0.8 P@0.3 R@0.3 P@0.8 R@0.8 speaker cue; with `--seed`: found kinds speakers).
    /// Repeatable.
    #[arg(long, value_name = "METRIC=SCORE", value_parser = parse_floor)]
    pub min: Vec<(String, f64)>,
}

fn parse_floor(s: &str) -> Result<(String, f64), String> {
    let (name, v) = crate::eval::split_floor(s)?;
    let known = [
        "F1@0.3", "F1@0.8", "P@0.3", "R@0.3", "P@0.8", "R@0.8", "speaker", "cue", "found", "kinds",
        "speakers",
    ];
    if !known.contains(&name.as_str()) {
        return Err(format!("unknown metric `{name}`"));
    }
    Ok((name, v))
}

fn stages(args: &QuoteEvalArgs) -> anyhow::Result<Vec<Box<dyn Annotator>>> {
    let (no_syntax, stances) = (args.no_syntax, args.stances);
    let mut v: Vec<Box<dyn Annotator>> =
        vec![Box::new(newsgraph_segment::SegmenterBuilder::new().build())];
    if !no_syntax {
        v.extend(newsgraph_pipeline::syntax_stages());
        if !args.no_entities {
            // The pipeline's entity stages, then our own quote stage.
            v.extend(
                newsgraph_pipeline::extraction_stages()
                    .into_iter()
                    .filter(|s| s.name() != "quote"),
            );
        }
    }
    let mut quotes = newsgraph_quote::QuoteBuilder::new().stances(stances);
    if args.no_model {
        quotes = quotes.attribution_model(None);
    } else if let Some(p) = &args.model {
        let bytes = std::fs::read(p).with_context(|| format!("{}: cannot read", p.display()))?;
        let model = newsgraph_quote::AttributionModel::from_bytes(&bytes)
            .with_context(|| format!("{}", p.display()))?;
        quotes = quotes.attribution_model(Some(std::sync::Arc::new(model)));
    }
    v.push(Box::new(quotes.build().context("quote stage")?));
    Ok(v)
}

pub fn run(args: &QuoteEvalArgs) -> anyhow::Result<ExitCode> {
    if let Some(seed) = &args.seed {
        return seed_eval(args, seed);
    }
    let docs = q::find_brat_docs(&args.paths)?;
    let boxed = stages(args)?;
    let refs: Vec<&dyn Annotator> = boxed.iter().map(|s| s.as_ref()).collect();
    let started = std::time::Instant::now();
    let report = q::evaluate_quotes(&docs, &refs, |d, doc, gold| {
        if args.dump {
            dump(d, doc, gold);
        }
    })?;
    let secs = started.elapsed().as_secs_f64();
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", report.table());
        let versions: Vec<String> = refs
            .iter()
            .map(|s| format!("{} {}", s.name(), s.version()))
            .collect();
        println!("stages: {}", versions.join(", "));
    }
    eprintln!("scored {} documents in {secs:.1} s", report.documents);
    let mut ok = true;
    for (name, min) in &args.min {
        let got = report.metric(name).unwrap_or(0.0);
        if got < *min {
            eprintln!("newsgraph: {name} {got:.2} is below the required {min:.2}");
            ok = false;
        }
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(3)
    })
}

fn dump(d: &q::BratDoc, doc: &newsgraph_core::Document, gold: &[q::GoldAttribution]) {
    let short = |s: &str| {
        let s = s.replace('\n', " ");
        if s.chars().count() > 90 {
            let mut t: String = s.chars().take(90).collect();
            t.push('…');
            t
        } else {
            s
        }
    };
    eprintln!("=== {}", d.text.display());
    for g in gold {
        let c: Vec<&str> = g.content.iter().map(|s| doc.slice(*s)).collect();
        let src: Vec<&str> = g.source.iter().map(|s| doc.slice(*s)).collect();
        let cue: Vec<&str> = g.cue.iter().map(|s| doc.slice(*s)).collect();
        eprintln!(
            "  gold {}-{} @{} [{}] <{}> {}",
            g.content.first().map_or(0, |s| s.start),
            g.content.last().map_or(0, |s| s.end),
            g.cue.first().map_or(0, |s| s.start),
            src.join(" "),
            cue.join(" "),
            short(&c.join(" | "))
        );
    }
    for qt in &doc.quotes {
        eprintln!(
            "  pred {}-{} @{} {:?}{} [{}] <{}> {}",
            qt.content.start,
            qt.content.end,
            qt.cue.map_or(0, |s| s.start),
            qt.kind,
            qt.clause.map_or(String::new(), |c| format!(
                " (clause {}-{})",
                c.start, c.end
            )),
            qt.speaker.map_or("", |s| doc.slice(s)),
            qt.cue.map_or("", |s| doc.slice(s)),
            short(doc.slice(qt.content))
        );
    }
}

fn seed_eval(args: &QuoteEvalArgs, expected: &PathBuf) -> anyhow::Result<ExitCode> {
    let json = std::fs::read_to_string(expected)
        .with_context(|| format!("{}: cannot read", expected.display()))?;
    let quotes =
        q::read_seed_quotes(&json).map_err(|e| anyhow::anyhow!("{}: {e}", expected.display()))?;
    let reader = newsgraph_ingest::ReaderBuilder::new().build()?;
    let boxed = stages(args)?;
    let mut ok = true;
    for path in &args.paths {
        let bytes =
            std::fs::read(path).with_context(|| format!("{}: cannot read", path.display()))?;
        let docs = reader.read_bytes(&path.display().to_string(), &bytes)?;
        for mut doc in docs {
            for s in &boxed {
                s.run(&mut doc);
            }
            let report = q::score_seed(&doc, &quotes);
            if args.json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print!("{}", report.table());
            }
            if args.dump {
                for qt in &doc.quotes {
                    eprintln!(
                        "  pred {:?} [{}] <{}> {}",
                        qt.kind,
                        qt.speaker.map_or("", |s| doc.slice(s)),
                        qt.cue.map_or("", |s| doc.slice(s)),
                        doc.slice(qt.content)
                    );
                }
            }
            for (name, min) in &args.min {
                let got = match name.as_str() {
                    "found" => report.found,
                    "kinds" => report.kinds_right,
                    "speakers" => report.speakers_right,
                    _ => continue,
                } as f64;
                if got < *min {
                    eprintln!("newsgraph: {name} {got} is below the required {min}");
                    ok = false;
                }
            }
        }
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(3)
    })
}

#[derive(Args, Debug)]
pub struct QuoteTrainArgs {
    /// PolNeAR-style training folders or articles (as for `eval quotes`; never a test split).
    #[arg(long, required = true, num_args = 1.., value_name = "PATH")]
    pub train: Vec<PathBuf>,
    /// Folders scored with the new model after training (`eval quotes`'s table); optional.
    #[arg(long, num_args = 1.., value_name = "PATH")]
    pub dev: Vec<PathBuf>,
    /// Word clusters to copy into the model as features (`newsgraph train embeddings`).
    #[arg(long, value_name = "FILE")]
    pub embeddings: Option<PathBuf>,
    /// Where to write the model.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// Passes over the training data.
    #[arg(long, default_value_t = newsgraph_quote::AttributionTrainOptions::default().epochs)]
    pub epochs: usize,
    /// Cue score margin (quantised units) a word must exceed to be taken as a cue.
    #[arg(long, default_value_t = 0, allow_negative_numbers = true)]
    pub threshold: i32,
}

/// Whether a path lies in a held-out test split (a `test` folder, as PolNeAR's, or a
/// `*-test.*` / `*_test.*` file).
fn is_test_path(p: &std::path::Path) -> bool {
    let lower = |c: &std::ffi::OsStr| c.to_string_lossy().to_ascii_lowercase();
    p.components().any(|c| lower(c.as_os_str()) == "test")
        || p.file_name()
            .map(lower)
            .is_some_and(|f| f.contains("-test.") || f.contains("_test."))
}

/// `newsgraph train quotes`: the attribution model (`models/quotes.bin`).
pub fn train(a: &QuoteTrainArgs) -> anyhow::Result<ExitCode> {
    use rayon::prelude::*;
    let docs = q::find_brat_docs(&a.train)?;
    if let Some(d) = docs
        .iter()
        .find(|d| is_test_path(&d.text) || is_test_path(&d.ann))
    {
        anyhow::bail!(
            "{}: refusing to use a test split for training",
            d.text.display()
        );
    }
    if let Some(p) = a.dev.iter().find(|p| is_test_path(p)) {
        anyhow::bail!(
            "{}: refusing to use a test split for model selection",
            p.display()
        );
    }
    let started = std::time::Instant::now();
    let mut stages: Vec<Box<dyn Annotator>> =
        vec![Box::new(newsgraph_segment::SegmenterBuilder::new().build())];
    stages.extend(newsgraph_pipeline::syntax_stages());
    stages.extend(
        newsgraph_pipeline::extraction_stages()
            .into_iter()
            .filter(|s| s.name() != "quote"),
    );
    let prepared: Vec<(
        newsgraph_core::Document,
        Vec<newsgraph_quote::GoldAttribution>,
    )> = docs
        .par_iter()
        .map(|d| -> anyhow::Result<_> {
            let read = |p: &std::path::Path| {
                std::fs::read_to_string(p).with_context(|| format!("{}: cannot read", p.display()))
            };
            let text = read(&d.text)?;
            let gold = q::read_brat(&text, &read(&d.ann)?)
                .into_iter()
                .map(|g| newsgraph_quote::GoldAttribution {
                    cue: g.cue,
                    content: g.content,
                    source: g.source,
                })
                .collect();
            let mut doc = newsgraph_core::Document::from_text(text);
            for s in &stages {
                s.run(&mut doc);
            }
            Ok((doc, gold))
        })
        .collect::<anyhow::Result<_>>()?;
    eprintln!(
        "{} training articles parsed in {:.1} s",
        prepared.len(),
        started.elapsed().as_secs_f64()
    );
    let mut opts = newsgraph_quote::AttributionTrainOptions {
        epochs: a.epochs,
        threshold: a.threshold,
        ..Default::default()
    };
    if let Some(p) = &a.embeddings {
        opts.clusters = crate::train::cluster_pairs(p)?;
    }
    let lex = newsgraph_quote::embedded_lexicon().context("cue lexicon")?;
    let (bytes, report) =
        newsgraph_quote::train_attributions(&prepared, &lex, &opts, |epoch, cue, role| {
            eprintln!("epoch {epoch}: training accuracy cue {cue:.2} %, roles {role:.2} %")
        });
    eprintln!(
        "{} articles, {} attributions ({} without a cue word to learn from), {} cue candidates, {} role instances",
        report.documents,
        report.attributions,
        report.unaligned_cues,
        report.cue_candidates,
        report.role_instances
    );
    crate::train::write_output(&a.output, &bytes)?;
    let model = newsgraph_quote::AttributionModel::from_bytes(&bytes)
        .context("reading back the model just written")?;
    eprintln!(
        "wrote {} ({} bytes, {} stamp) in {:.1} s",
        a.output.display(),
        bytes.len(),
        model.stamp(),
        started.elapsed().as_secs_f64()
    );
    if !a.dev.is_empty() {
        let dev = q::find_brat_docs(&a.dev)?;
        stages.push(Box::new(
            newsgraph_quote::QuoteBuilder::new()
                .attribution_model(Some(std::sync::Arc::new(model)))
                .build()
                .context("quote stage")?,
        ));
        let refs: Vec<&dyn Annotator> = stages.iter().map(|s| s.as_ref()).collect();
        let report = q::evaluate_quotes(&dev, &refs, |_, _, _| {})?;
        print!("{}", report.table());
    }
    Ok(ExitCode::SUCCESS)
}
