//! `newsgraph eval …`: scores against gold standards. Every eval command takes
//! files or folders in the set's native format, prints a table (or `--json`),
//! exits 3 on unreadable input, and with `--min-*` exits 3 when a score falls
//! below its threshold (CI uses this to guard the targets).

use anyhow::Context;
use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Subcommand, Debug)]
pub enum EvalCommand {
    /// Sentence and token segmentation against UD CoNLL-U files (CoNLL-2018 metrics).
    ///
    /// Rebuilds each document's raw text from `# text` lines, `SpaceAfter=No` and
    /// `# newpar`, segments it from scratch, and scores tokens, words and sentences.
    Segment(SegmentEvalArgs),
    /// Tagging, lemmas, features and dependency parsing against UD CoNLL-U files (CoNLL-2018
    /// metrics: UPOS, XPOS, UFeats, Lemma, UAS, LAS).
    ///
    /// Scores two ways: on the gold tokens and sentences, and end to end from the raw text
    /// rebuilt from `# text` lines with our own segmentation (words aligned by character spans).
    /// F1 equals accuracy on gold tokens. LAS compares the universal part of the relation, as
    /// CoNLL 2018 does; LAS+sub compares full relations with their subtypes.
    Ud(UdEvalArgs),
    /// Named entities against CoNLL-2003, WNUT-17, re3d or MEANTIME gold (exact-span micro
    /// P/R/F1 and one row per type; see `newsgraph_eval::ner` for the type mappings).
    Ner(crate::eval_ner::NerEvalArgs),
    /// Quotes (attributions) against PolNeAR BRAT files: P/R/F1 at content overlap 0.3 and 0.8,
    /// speaker and cue accuracy, and a breakdown direct/mixed/indirect (see
    /// `newsgraph_eval::quotes`); `--seed expected.json` compares with the seed example instead.
    Quotes(crate::eval_quotes::QuoteEvalArgs),
    /// The worked example (`../shared/examples/seed`): every gold entity with its type, kind,
    /// country, role, affiliation and chained mentions, against `expected.json`.
    Seed(crate::eval_seed::SeedEvalArgs),
}

#[derive(Args, Debug)]
pub struct UdEvalArgs {
    /// CoNLL-U files, or folders searched recursively for `*.conllu`.
    #[arg(required = true, value_name = "CONLLU")]
    pub paths: Vec<PathBuf>,
    /// Only score documents of this GUM genre (doc ids `GUM_<genre>_…`), e.g. `news`.
    #[arg(long)]
    pub genre: Option<String>,
    /// Score on gold tokens only (skip the raw-text mode).
    #[arg(long)]
    pub gold_tokens: bool,
    /// Annotation conventions to follow where UD EWT and GUM differ (tags, features, lemmas).
    /// `auto`: EWT's for files whose name contains `ewt`, GUM's otherwise.
    #[arg(long, value_enum, default_value_t = UdStyle::Auto)]
    pub style: UdStyle,
    /// Print the scores as JSON (precision, recall and F1 as fractions of 1).
    #[arg(long)]
    pub json: bool,
    /// Fail (exit 3) if a gold-token score, in percent, is below a floor: `--min UPOS=96.5`
    /// (metrics: UPOS XPOS UFeats Lemma UAS LAS LAS+sub). Repeatable.
    #[arg(long, value_name = "METRIC=SCORE", value_parser = parse_floor)]
    pub min: Vec<(String, f64)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum UdStyle {
    Auto,
    Ewt,
    Gum,
}

/// `METRIC=SCORE` of a `--min` floor, the metric name not yet checked.
pub(crate) fn split_floor(s: &str) -> Result<(String, f64), String> {
    let (name, value) = s
        .split_once('=')
        .ok_or_else(|| format!("expected METRIC=SCORE, got `{s}`"))?;
    let v: f64 = value
        .parse()
        .map_err(|_| format!("`{value}` is not a number"))?;
    Ok((name.to_string(), v))
}

fn parse_floor(s: &str) -> Result<(String, f64), String> {
    let (name, v) = split_floor(s)?;
    let known = newsgraph_eval::ud::UdScores::default();
    if known.f1(&name).is_none() {
        return Err(format!("unknown metric `{name}`"));
    }
    Ok((name, v))
}

#[derive(Args, Debug)]
pub struct SegmentEvalArgs {
    /// CoNLL-U files, or folders searched recursively for `*.conllu`.
    #[arg(required = true, value_name = "CONLLU")]
    pub paths: Vec<PathBuf>,
    /// Only score documents of this GUM genre (doc ids `GUM_<genre>_…`), e.g. `news`.
    #[arg(long)]
    pub genre: Option<String>,
    /// Print the scores as JSON (precision, recall and F1 as fractions of 1).
    #[arg(long)]
    pub json: bool,
    /// Fail (exit 3) if sentence F1, in percent, is below this.
    #[arg(long, value_name = "F1")]
    pub min_sentences: Option<f64>,
    /// Fail (exit 3) if token F1, in percent, is below this.
    #[arg(long, value_name = "F1")]
    pub min_tokens: Option<f64>,
}

pub fn run(cmd: &EvalCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        EvalCommand::Segment(args) => segment(args),
        EvalCommand::Ud(args) => ud(args),
        EvalCommand::Quotes(args) => crate::eval_quotes::run(args),
        EvalCommand::Seed(args) => crate::eval_seed::run(args),
        EvalCommand::Ner(args) => crate::eval_ner::eval(args),
    }
}

fn ud(args: &UdEvalArgs) -> anyhow::Result<ExitCode> {
    let files = collect_files(&args.paths, "conllu")?;
    let seg = newsgraph_segment::SegmenterBuilder::new().build();
    use newsgraph_tag::Style;
    let ewt_stages = newsgraph_pipeline::syntax_stages_with(Style::Ewt);
    let gum_stages = newsgraph_pipeline::syntax_stages_with(Style::Gum);
    let ewt: Vec<&dyn newsgraph_core::Annotator> = ewt_stages.iter().map(|s| s.as_ref()).collect();
    let gum: Vec<&dyn newsgraph_core::Annotator> = gum_stages.iter().map(|s| s.as_ref()).collect();
    let style_of = |p: &std::path::Path| match args.style {
        UdStyle::Ewt => Style::Ewt,
        UdStyle::Gum => Style::Gum,
        UdStyle::Auto => {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().to_ascii_lowercase());
            if name.is_some_and(|n| n.contains("ewt")) {
                Style::Ewt
            } else {
                Style::Gum
            }
        }
    };
    let refs = &gum;
    let opts = newsgraph_eval::ud::UdEvalOptions {
        genre: args.genre.clone(),
        gold_tokens_only: args.gold_tokens,
    };
    let started = std::time::Instant::now();
    let choose = |p: &std::path::Path| -> &[&dyn newsgraph_core::Annotator] {
        match style_of(p) {
            Style::Ewt => &ewt,
            Style::Gum => &gum,
        }
    };
    let report = newsgraph_eval::ud::evaluate_ud_with(&files, &seg, &choose, &opts)
        .context("UD evaluation")?;
    let styles: std::collections::BTreeSet<&str> = files
        .iter()
        .map(|p| match style_of(p) {
            Style::Ewt => "EWT",
            Style::Gum => "GUM",
        })
        .collect();
    let secs = started.elapsed().as_secs_f64();
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", report.table());
        let versions: Vec<String> = refs
            .iter()
            .map(|s| format!("{} {}", s.name(), s.version()))
            .collect();
        println!(
            "stages: {}; conventions: {}",
            if versions.is_empty() {
                "none".to_string()
            } else {
                versions.join(", ")
            },
            styles.into_iter().collect::<Vec<_>>().join(", ")
        );
    }
    eprintln!("scored {} words in {secs:.1} s", report.words);
    let mut ok = true;
    for (name, min) in &args.min {
        let got = 100.0 * report.gold_tokens.f1(name).unwrap_or(0.0);
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

fn segment(args: &SegmentEvalArgs) -> anyhow::Result<ExitCode> {
    let files = collect_files(&args.paths, "conllu")?;
    let seg = newsgraph_segment::SegmenterBuilder::new().build();
    let opts = newsgraph_eval::segment::SegmentEvalOptions {
        genre: args.genre.clone(),
    };
    let report = newsgraph_eval::segment::evaluate_segmentation(&files, &seg, &opts)
        .context("segmentation evaluation")?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", report.table());
    }
    let mut ok = true;
    for (name, min, got) in [
        ("sentence", args.min_sentences, 100.0 * report.sentences.f1),
        ("token", args.min_tokens, 100.0 * report.tokens.f1),
    ] {
        if let Some(min) = min {
            if got < min {
                eprintln!("newsgraph: {name} F1 {got:.2} is below the required {min:.2}");
                ok = false;
            }
        }
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(3)
    })
}

/// Expands folders into the files with extension `ext` below them (sorted, so
/// that scores are reproducible); plain file arguments are kept whatever their
/// name. A missing path is an error naming it.
pub fn collect_files(paths: &[PathBuf], ext: &str) -> anyhow::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).with_context(|| format!("{}: cannot read", p.display()))?;
        if !meta.is_dir() {
            out.push(p.clone());
            continue;
        }
        let mut stack = vec![p.clone()];
        let mut found = Vec::new();
        while let Some(dir) = stack.pop() {
            let entries = std::fs::read_dir(&dir)
                .with_context(|| format!("{}: cannot read", dir.display()))?;
            for entry in entries {
                let path = entry
                    .with_context(|| format!("{}: cannot read", dir.display()))?
                    .path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == ext) {
                    found.push(path);
                }
            }
        }
        if found.is_empty() {
            anyhow::bail!("{}: no *.{ext} files in this folder", p.display());
        }
        found.sort();
        out.extend(found);
    }
    Ok(out)
}
