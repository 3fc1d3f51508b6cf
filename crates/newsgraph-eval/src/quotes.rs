//! Quote (attribution) evaluation against PolNeAR-style BRAT stand-off files
//! and against the seed example's `expected.json`.
//!
//! **Gold.** A PolNeAR article is `text/<name>.txt` plus one or more
//! `attributions/<name>_<annotator>.ann`; when several annotators annotated
//! an article, the first `.ann` in sorted file-name order is used, always.
//! `T` lines give `Source`, `Cue` and `Content` spans in **code points**
//! (possibly discontinuous, `a b;c d`), converted here to byte spans; `E`
//! lines tie them into relations. Every relation is gold, with or without a
//! source or a content (beliefs included), as PolNeAR annotates them; a
//! relation without content cannot be matched and counts against recall.
//!
//! **Matching.** The overlap of a predicted content (the union of its
//! pieces, when an attribution interrupts it; for a mixed quote, the
//! reported clause around the quoted words, `Quote::clause`, which is what
//! PolNeAR marks as the content) and a gold content (the union
//! of its pieces) is the number of shared *alphanumeric*
//! characters divided by the alphanumeric length of the longer of the two
//! (so quotation marks, punctuation and spaces, which the two conventions
//! place differently, do not count). Predictions and gold relations are
//! matched one to one, greedily by decreasing overlap, at each threshold
//! (0.3 and 0.8); precision, recall and F1 follow.
//!
//! **Speaker and cue.** On the pairs matched at 0.3 whose gold has a source
//! (cue): the speaker is right when the predicted speaker span, or any
//! mention of the predicted speaker entity, overlaps a gold source piece;
//! the cue is right when the predicted cue span overlaps a gold cue piece.
//!
//! **Kinds.** Gold kind from the gold content's text: *direct* when it
//! starts and ends with quotation marks (final punctuation aside), *mixed*
//! when it contains one, *indirect* otherwise.

use newsgraph_core::{Annotator, CharIndex, Document, QuoteKind, Span};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Why a quote evaluation could not run.
#[derive(Debug, thiserror::Error)]
pub enum QuoteEvalError {
    #[error("{path}: cannot read: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: {reason}")]
    Format { path: String, reason: String },
}

/// One gold attribution (byte spans into the article text).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GoldAttribution {
    pub content: Vec<Span>,
    pub cue: Vec<Span>,
    pub source: Vec<Span>,
}

impl GoldAttribution {
    pub fn kind(&self, text: &str) -> Option<QuoteKind> {
        let s: String = self.content.iter().map(|s| s.slice(text)).collect();
        gold_kind(&s)
    }
}

fn is_mark(c: char) -> bool {
    matches!(c, '"' | '“' | '”' | '„' | '«' | '»' | '＂')
}

/// Kind of a gold content from its text (see the module docs).
pub fn gold_kind(content: &str) -> Option<QuoteKind> {
    let t = content.trim();
    if t.is_empty() {
        return None;
    }
    let end = t.trim_end_matches(['.', ',', '?', '!', ';', ':', ' ']);
    let starts =
        t.chars().next().is_some_and(is_mark) || t.starts_with("''") || t.starts_with("``");
    let ends = |s: &str| s.chars().last().is_some_and(is_mark) || s.ends_with("''");
    if starts && (ends(t) || ends(end)) {
        Some(QuoteKind::Direct)
    } else if t.chars().any(is_mark) || t.contains("''") || t.contains("``") {
        Some(QuoteKind::Mixed)
    } else {
        Some(QuoteKind::Indirect)
    }
}

/// Reads a BRAT `.ann` file's attribution relations over `text`. Lines that
/// are not `T`/`E` records (notes, continuation lines of multi-line spans)
/// are skipped; spans out of range or off the text are dropped.
pub fn read_brat(text: &str, ann: &str) -> Vec<GoldAttribution> {
    let idx = CharIndex::new(text);
    let nchars = idx.char_of(text.len());
    let mut spans: std::collections::BTreeMap<&str, (&str, Vec<Span>)> = Default::default();
    let mut rels: Vec<Vec<(&str, &str)>> = Vec::new();
    for line in ann.lines() {
        let mut f = line.splitn(3, '\t');
        let (Some(id), Some(body)) = (f.next(), f.next()) else {
            continue;
        };
        if id.starts_with('T') {
            let Some((ty, offs)) = body.split_once(' ') else {
                continue;
            };
            let mut pieces = Vec::new();
            let mut ok = true;
            for piece in offs.split(';') {
                let mut n = piece.split_whitespace().map(str::parse::<usize>);
                match (n.next(), n.next()) {
                    (Some(Ok(a)), Some(Ok(b))) if a <= b && b <= nchars => {
                        pieces.push(Span::new(idx.byte_of(a), idx.byte_of(b)));
                    }
                    _ => ok = false,
                }
            }
            if ok {
                pieces.sort_by_key(|s| (s.start, s.end));
                spans.insert(id, (ty, pieces));
            }
        } else if id.starts_with('E') {
            let args = body
                .split_whitespace()
                .filter_map(|a| a.split_once(':'))
                .collect();
            rels.push(args);
        }
    }
    rels.into_iter()
        .map(|args| {
            let mut g = GoldAttribution::default();
            for (role, id) in args {
                let Some((_, pieces)) = spans.get(id) else {
                    continue;
                };
                match role {
                    "Content" => g.content.extend(pieces),
                    "Cue" => g.cue.extend(pieces),
                    "Source" => g.source.extend(pieces),
                    _ => {}
                }
            }
            g
        })
        .collect()
}

/// An article of a PolNeAR-style corpus: its text and the `.ann` used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BratDoc {
    pub text: PathBuf,
    pub ann: PathBuf,
}

/// Finds articles under `paths`: folders are searched recursively for
/// `text/*.txt`; a `.txt` file is taken as an article. Each article's
/// annotations are `../attributions/<name>_*.ann` (the first in sorted
/// order). Articles without annotations are skipped.
pub fn find_brat_docs(paths: &[PathBuf]) -> Result<Vec<BratDoc>, QuoteEvalError> {
    let io = |p: &Path, e| QuoteEvalError::Io {
        path: p.display().to_string(),
        source: e,
    };
    let mut texts = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|e| io(p, e))?;
        if !meta.is_dir() {
            texts.push(p.clone());
            continue;
        }
        let mut stack = vec![p.clone()];
        let mut found = Vec::new();
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).map_err(|e| io(&dir, e))? {
                let path = entry.map_err(|e| io(&dir, e))?.path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "txt")
                    && path
                        .parent()
                        .and_then(Path::file_name)
                        .is_some_and(|d| d == "text")
                {
                    found.push(path);
                }
            }
        }
        if found.is_empty() {
            return Err(QuoteEvalError::Format {
                path: p.display().to_string(),
                reason: "no text/*.txt articles in this folder".into(),
            });
        }
        found.sort();
        texts.extend(found);
    }
    let mut out = Vec::new();
    for t in texts {
        let Some(stem) = t.file_stem().map(|s| s.to_string_lossy().into_owned()) else {
            continue;
        };
        let dir = t
            .parent()
            .and_then(Path::parent)
            .map(|d| d.join("attributions"));
        let Some(dir) = dir.filter(|d| d.is_dir()) else {
            return Err(QuoteEvalError::Format {
                path: t.display().to_string(),
                reason: "no attributions/ folder next to text/".into(),
            });
        };
        let prefix = format!("{stem}_");
        let mut anns: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map_err(|e| io(&dir, e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension().is_some_and(|e| e == "ann")
                    && p.file_stem().is_some_and(|s| {
                        s.to_string_lossy()
                            .strip_prefix(&prefix)
                            .is_some_and(|rest| !rest.is_empty() && !rest.contains('_'))
                    })
            })
            .collect();
        anns.sort();
        if let Some(ann) = anns.into_iter().next() {
            out.push(BratDoc { text: t, ann });
        }
    }
    Ok(out)
}

/// Precision, recall and F1 at one overlap threshold.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Prf {
    pub threshold: f64,
    pub matched: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

/// Per-kind counts.
#[derive(Clone, Debug, Default, Serialize)]
pub struct KindScore {
    pub gold: usize,
    pub predicted: usize,
    /// Gold of this kind matched at 0.3 / 0.8.
    pub recall_03: f64,
    pub recall_08: f64,
    /// Predictions of this kind matched at 0.3.
    pub precision_03: f64,
    /// Matched (0.3) gold of this kind predicted with the same kind.
    pub kind_agreement: f64,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct QuoteReport {
    pub documents: usize,
    pub gold: usize,
    pub predicted: usize,
    pub at_03: Prf,
    pub at_08: Prf,
    /// Speaker right / matched pairs (0.3) whose gold has a source.
    pub speaker_accuracy: f64,
    pub speaker_pairs: usize,
    pub cue_accuracy: f64,
    pub cue_pairs: usize,
    pub direct: KindScore,
    pub mixed: KindScore,
    pub indirect: KindScore,
}

/// Raw counts, summed over documents.
#[derive(Clone, Debug, Default)]
pub struct QuoteCounts {
    pub documents: usize,
    pub gold: usize,
    pub predicted: usize,
    pub matched_03: usize,
    pub matched_08: usize,
    pub speaker_ok: usize,
    pub speaker_pairs: usize,
    pub cue_ok: usize,
    pub cue_pairs: usize,
    /// [direct, mixed, indirect]: gold, predicted, gold matched 0.3, 0.8,
    /// predicted matched 0.3, kind agreement.
    pub kinds: [[usize; 6]; 3],
}

fn kind_index(k: QuoteKind) -> usize {
    match k {
        QuoteKind::Direct => 0,
        QuoteKind::Mixed => 1,
        QuoteKind::Indirect => 2,
    }
}

/// Alphanumeric-character prefix sums over a text's bytes.
struct Alnum(Vec<u32>);

impl Alnum {
    fn new(text: &str) -> Alnum {
        let mut v = vec![0u32; text.len() + 1];
        let mut n = 0u32;
        for (i, c) in text.char_indices() {
            for x in &mut v[i..i + c.len_utf8()] {
                *x = n;
            }
            n += u32::from(c.is_alphanumeric());
        }
        v[text.len()] = n;
        Alnum(v)
    }

    fn count(&self, s: Span) -> u32 {
        let e = (s.end as usize).min(self.0.len() - 1);
        let b = (s.start as usize).min(e);
        self.0[e] - self.0[b]
    }
}

fn inter(a: Span, b: Span) -> Option<Span> {
    let s = a.start.max(b.start);
    let e = a.end.min(b.end);
    (s < e).then_some(Span { start: s, end: e })
}

fn overlaps_any(a: Span, bs: &[Span]) -> bool {
    bs.iter().any(|b| inter(a, *b).is_some())
}

/// Overlap of a predicted content (its pieces) and a gold span list (see
/// the module docs).
fn overlap(al: &Alnum, pred: &[Span], gold: &[Span]) -> f64 {
    let p: u32 = pred.iter().map(|s| al.count(*s)).sum();
    let g: u32 = gold.iter().map(|s| al.count(*s)).sum();
    let i: u32 = pred
        .iter()
        .flat_map(|p| gold.iter().filter_map(move |s| inter(*p, *s)))
        .map(|s| al.count(s))
        .sum();
    let m = p.max(g);
    if m == 0 {
        0.0
    } else {
        f64::from(i) / f64::from(m)
    }
}

/// One-to-one greedy matching at `threshold`: pairs (pred, gold).
fn greedy(ov: &[(usize, usize, f64)], threshold: f64) -> Vec<(usize, usize)> {
    let mut pairs: Vec<&(usize, usize, f64)> = ov.iter().filter(|x| x.2 >= threshold).collect();
    pairs.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.cmp(&b.0)).then(a.1.cmp(&b.1)));
    let (mut up, mut ug) = (Vec::new(), Vec::new());
    let mut out = Vec::new();
    for &&(p, g, _) in &pairs {
        if !up.contains(&p) && !ug.contains(&g) {
            up.push(p);
            ug.push(g);
            out.push((p, g));
        }
    }
    out
}

/// What PolNeAR calls a quote's content: for a mixed quote the whole
/// reported clause around the quoted words (`Quote::clause`), otherwise the
/// content's pieces.
fn polnear_content(q: &newsgraph_core::Quote) -> &[Span] {
    match &q.clause {
        Some(c) => std::slice::from_ref(c),
        None => q.pieces(),
    }
}

/// Scores one annotated document against its gold attributions.
pub fn score_document(doc: &Document, gold: &[GoldAttribution], c: &mut QuoteCounts) {
    let al = Alnum::new(&doc.text);
    c.documents += 1;
    c.gold += gold.len();
    c.predicted += doc.quotes.len();
    let mut ov = Vec::new();
    for (pi, q) in doc.quotes.iter().enumerate() {
        for (gi, g) in gold.iter().enumerate() {
            let pieces = polnear_content(q);
            if g.content.is_empty() || !pieces.iter().any(|&p| overlaps_any(p, &g.content)) {
                continue;
            }
            ov.push((pi, gi, overlap(&al, pieces, &g.content)));
        }
    }
    let m03 = greedy(&ov, 0.3);
    let m08 = greedy(&ov, 0.8);
    c.matched_03 += m03.len();
    c.matched_08 += m08.len();
    let gkind: Vec<Option<QuoteKind>> = gold.iter().map(|g| g.kind(&doc.text)).collect();
    for gk in gkind.iter().flatten() {
        c.kinds[kind_index(*gk)][0] += 1;
    }
    for q in &doc.quotes {
        c.kinds[kind_index(q.kind)][1] += 1;
    }
    for &(p, g) in &m03 {
        let q = &doc.quotes[p];
        if let Some(k) = gkind[g] {
            c.kinds[kind_index(k)][2] += 1;
            if k == q.kind {
                c.kinds[kind_index(k)][5] += 1;
            }
        }
        c.kinds[kind_index(q.kind)][4] += 1;
        let gd = &gold[g];
        if !gd.source.is_empty() {
            c.speaker_pairs += 1;
            let by_span = q.speaker.is_some_and(|s| overlaps_any(s, &gd.source));
            let by_entity = q
                .speaker_entity
                .and_then(|e| doc.entities.get(e as usize))
                .is_some_and(|e| e.mentions.iter().any(|m| overlaps_any(m.span, &gd.source)));
            if by_span || by_entity {
                c.speaker_ok += 1;
            }
        }
        if !gd.cue.is_empty() {
            c.cue_pairs += 1;
            if q.cue.is_some_and(|s| overlaps_any(s, &gd.cue)) {
                c.cue_ok += 1;
            }
        }
    }
    for &(_, g) in &m08 {
        if let Some(k) = gkind[g] {
            c.kinds[kind_index(k)][3] += 1;
        }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

fn prf(threshold: f64, matched: usize, pred: usize, gold: usize) -> Prf {
    let p = ratio(matched, pred);
    let r = ratio(matched, gold);
    let f1 = if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    };
    Prf {
        threshold,
        matched,
        precision: p,
        recall: r,
        f1,
    }
}

impl QuoteCounts {
    pub fn report(&self) -> QuoteReport {
        let kind = |i: usize| {
            let k = self.kinds[i];
            KindScore {
                gold: k[0],
                predicted: k[1],
                recall_03: ratio(k[2], k[0]),
                recall_08: ratio(k[3], k[0]),
                precision_03: ratio(k[4], k[1]),
                kind_agreement: ratio(k[5], k[2]),
            }
        };
        QuoteReport {
            documents: self.documents,
            gold: self.gold,
            predicted: self.predicted,
            at_03: prf(0.3, self.matched_03, self.predicted, self.gold),
            at_08: prf(0.8, self.matched_08, self.predicted, self.gold),
            speaker_accuracy: ratio(self.speaker_ok, self.speaker_pairs),
            speaker_pairs: self.speaker_pairs,
            cue_accuracy: ratio(self.cue_ok, self.cue_pairs),
            cue_pairs: self.cue_pairs,
            direct: kind(0),
            mixed: kind(1),
            indirect: kind(2),
        }
    }
}

impl QuoteReport {
    /// A score in percent by name: `F1@0.3`, `F1@0.8`, `P@0.3`, `R@0.3`,
    /// `P@0.8`, `R@0.8`, `speaker`, `cue`.
    pub fn metric(&self, name: &str) -> Option<f64> {
        let v = match name {
            "F1@0.3" => self.at_03.f1,
            "F1@0.8" => self.at_08.f1,
            "P@0.3" => self.at_03.precision,
            "R@0.3" => self.at_03.recall,
            "P@0.8" => self.at_08.precision,
            "R@0.8" => self.at_08.recall,
            "speaker" => self.speaker_accuracy,
            "cue" => self.cue_accuracy,
            _ => return None,
        };
        Some(100.0 * v)
    }

    pub fn table(&self) -> String {
        let mut s = format!(
            "{} documents, {} gold attributions, {} predicted quotes\n\
             metric      precision  recall     F1\n",
            self.documents, self.gold, self.predicted
        );
        for (name, m) in [("overlap≥0.3", &self.at_03), ("overlap≥0.8", &self.at_08)] {
            s.push_str(&format!(
                "{name:<11} {:>9.2} {:>7.2} {:>6.2}\n",
                100.0 * m.precision,
                100.0 * m.recall,
                100.0 * m.f1
            ));
        }
        s.push_str(&format!(
            "speaker accuracy {:.2} % of {} matched; cue accuracy {:.2} % of {}\n",
            100.0 * self.speaker_accuracy,
            self.speaker_pairs,
            100.0 * self.cue_accuracy,
            self.cue_pairs
        ));
        s.push_str("kind        gold  pred  R@0.3  R@0.8  P@0.3  kind-agree\n");
        for (name, k) in [
            ("direct", &self.direct),
            ("mixed", &self.mixed),
            ("indirect", &self.indirect),
        ] {
            s.push_str(&format!(
                "{name:<10} {:>5} {:>5} {:>6.2} {:>6.2} {:>6.2} {:>10.2}\n",
                k.gold,
                k.predicted,
                100.0 * k.recall_03,
                100.0 * k.recall_08,
                100.0 * k.precision_03,
                100.0 * k.kind_agreement
            ));
        }
        s
    }
}

/// Runs `stages` over each article (the text as is, as a plain-text
/// document whose body is the whole file, so gold offsets apply directly)
/// and scores it. `on_doc` sees each annotated document (for progress or
/// dumps).
pub fn evaluate_quotes(
    docs: &[BratDoc],
    stages: &[&dyn Annotator],
    mut on_doc: impl FnMut(&BratDoc, &Document, &[GoldAttribution]),
) -> Result<QuoteReport, QuoteEvalError> {
    let mut counts = QuoteCounts::default();
    for d in docs {
        let read = |p: &Path| {
            std::fs::read_to_string(p).map_err(|e| QuoteEvalError::Io {
                path: p.display().to_string(),
                source: e,
            })
        };
        let text = read(&d.text)?;
        let ann = read(&d.ann)?;
        let gold = read_brat(&text, &ann);
        let mut doc = Document::from_text(text);
        for s in stages {
            s.run(&mut doc);
        }
        score_document(&doc, &gold, &mut counts);
        on_doc(d, &doc, &gold);
    }
    Ok(counts.report())
}

/// One quote of the seed example's `expected.json`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize, Serialize)]
pub struct SeedQuote {
    pub kind: String,
    pub speaker: String,
    pub cue: String,
    pub text: String,
}

/// How one expected quote fared.
#[derive(Clone, Debug, Serialize)]
pub struct SeedResult {
    pub expected: SeedQuote,
    pub found: bool,
    pub kind: Option<String>,
    pub kind_right: bool,
    pub speaker: Option<String>,
    pub speaker_right: bool,
    pub cue: Option<String>,
    pub cue_right: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct SeedReport {
    pub expected: usize,
    pub predicted: usize,
    pub found: usize,
    pub kinds_right: usize,
    pub speakers_right: usize,
    pub cues_right: usize,
    pub quotes: Vec<SeedResult>,
}

/// Reads the `quotes` of a seed `expected.json`.
pub fn read_seed_quotes(json: &str) -> Result<Vec<SeedQuote>, String> {
    #[derive(serde::Deserialize)]
    struct Expected {
        quotes: Vec<SeedQuote>,
    }
    serde_json::from_str::<Expected>(json)
        .map(|e| e.quotes)
        .map_err(|e| e.to_string())
}

fn kind_name(k: QuoteKind) -> &'static str {
    match k {
        QuoteKind::Direct => "direct",
        QuoteKind::Mixed => "mixed",
        QuoteKind::Indirect => "indirect",
    }
}

fn contains_ci(a: &str, b: &str) -> bool {
    let (a, b) = (a.to_lowercase(), b.to_lowercase());
    !a.is_empty() && !b.is_empty() && (a.contains(&b) || b.contains(&a))
}

/// Compares an annotated document with the seed's expected quotes: each
/// expected quote is located in the text and matched one to one with the
/// predicted quote of the largest overlap (≥ 0.5). The speaker is right
/// when the speaker entity's canonical name — or, without entities, the
/// speaker span's text — contains or is contained in the expected name.
pub fn score_seed(doc: &Document, expected: &[SeedQuote]) -> SeedReport {
    let al = Alnum::new(&doc.text);
    let mut used_spans: Vec<Span> = Vec::new();
    let spans: Vec<Option<Span>> = expected
        .iter()
        .map(|e| {
            let needle = e.text.trim();
            let mut from = 0;
            while let Some(k) = doc.text.get(from..).and_then(|t| t.find(needle)) {
                let s = Span::new(from + k, from + k + needle.len());
                if !used_spans.contains(&s) {
                    used_spans.push(s);
                    return Some(s);
                }
                from += k + needle.len().max(1);
            }
            None
        })
        .collect();
    let mut ov = Vec::new();
    for (pi, q) in doc.quotes.iter().enumerate() {
        for (gi, s) in spans.iter().enumerate() {
            if let Some(s) = s {
                let o = overlap(&al, q.pieces(), std::slice::from_ref(s));
                if o > 0.0 {
                    ov.push((pi, gi, o));
                }
            }
        }
    }
    let m = greedy(&ov, 0.5);
    let mut results: Vec<SeedResult> = expected
        .iter()
        .map(|e| SeedResult {
            expected: e.clone(),
            found: false,
            kind: None,
            kind_right: false,
            speaker: None,
            speaker_right: false,
            cue: None,
            cue_right: false,
        })
        .collect();
    for (p, g) in m {
        let q = &doc.quotes[p];
        let r = &mut results[g];
        r.found = true;
        r.kind = Some(kind_name(q.kind).to_string());
        r.kind_right = r.expected.kind == kind_name(q.kind);
        let entity = q
            .speaker_entity
            .and_then(|e| doc.entities.get(e as usize))
            .map(|e| e.canonical.clone());
        let span_text = q.speaker.map(|s| doc.slice(s).to_string());
        r.speaker_right = match &entity {
            Some(name) => contains_ci(name, &r.expected.speaker),
            None => span_text
                .as_deref()
                .is_some_and(|t| contains_ci(t, &r.expected.speaker)),
        };
        r.speaker = entity.or(span_text);
        r.cue = q.cue.map(|s| doc.slice(s).to_string());
        r.cue_right = r.cue.as_deref().is_some_and(|c| {
            c.eq_ignore_ascii_case(&r.expected.cue) || contains_ci(c, &r.expected.cue)
        });
    }
    SeedReport {
        expected: expected.len(),
        predicted: doc.quotes.len(),
        found: results.iter().filter(|r| r.found).count(),
        kinds_right: results.iter().filter(|r| r.kind_right).count(),
        speakers_right: results.iter().filter(|r| r.speaker_right).count(),
        cues_right: results.iter().filter(|r| r.cue_right).count(),
        quotes: results,
    }
}

impl SeedReport {
    pub fn table(&self) -> String {
        let mut s = String::new();
        for r in &self.quotes {
            let mark = |b: bool| if b { "ok" } else { "--" };
            let mut text: String = r.expected.text.chars().take(50).collect();
            if r.expected.text.chars().count() > 50 {
                text.push('…');
            }
            s.push_str(&format!(
                "{:<5} kind {} {:<8} speaker {} {:<28} cue {} {:<12} {}\n",
                if r.found { "found" } else { "MISS" },
                mark(r.kind_right),
                r.kind.as_deref().unwrap_or("-"),
                mark(r.speaker_right),
                r.speaker
                    .as_deref()
                    .unwrap_or("-")
                    .chars()
                    .take(28)
                    .collect::<String>(),
                mark(r.cue_right),
                r.cue.as_deref().unwrap_or("-"),
                text
            ));
        }
        s.push_str(&format!(
            "found {}/{}, kinds right {}/{}, speakers right {}/{}, cues right {}/{}; {} predicted\n",
            self.found,
            self.expected,
            self.kinds_right,
            self.expected,
            self.speakers_right,
            self.expected,
            self.cues_right,
            self.expected,
            self.predicted
        ));
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use newsgraph_core::Quote;

    #[test]
    fn brat_offsets_are_code_points() {
        // "é" is two bytes: char offsets 7..12 are bytes 8..13.
        let text = "Café. «Hello» he said.";
        let ann = "T1\tContent 6 13\t«Hello»\nT2\tSource 14 16\the\nT3\tCue 17 21\tsaid\n\
                   #1\tAnnotatorNotes T1\tnote\ncontinuation line\n\
                   E1\tAttribution:T4 Content:T1 Cue:T3 Source:T2\n";
        let g = read_brat(text, ann);
        assert_eq!(g.len(), 1);
        assert_eq!(g[0].content[0].slice(text), "«Hello»");
        assert_eq!(g[0].source[0].slice(text), "he");
        assert_eq!(g[0].cue[0].slice(text), "said");
        assert_eq!(g[0].kind(text), Some(QuoteKind::Direct));
    }

    #[test]
    fn brat_discontinuous_and_bad_spans() {
        let text = "“One,” she said, “two.”";
        let ann = "T1\tContent 0 6;17 23\tx\nT2\tSource 99 120\tbad\nE1\tContent:T1 Source:T2\n";
        let g = read_brat(text, ann);
        assert_eq!(g[0].content.len(), 2);
        assert!(g[0].source.is_empty());
    }

    #[test]
    fn gold_kinds() {
        assert_eq!(gold_kind("“We will win.”"), Some(QuoteKind::Direct));
        assert_eq!(gold_kind("\"We will win,\""), Some(QuoteKind::Direct));
        assert_eq!(
            gold_kind("that it was “a disgrace”"),
            Some(QuoteKind::Mixed)
        );
        assert_eq!(gold_kind("that it was over"), Some(QuoteKind::Indirect));
        assert_eq!(gold_kind("''It is over,''"), Some(QuoteKind::Direct));
        assert_eq!(gold_kind("  "), None);
    }

    fn quote(text: &str, content: &str, speaker: &str) -> Quote {
        let c = text.find(content).unwrap();
        let s = text.find(speaker).unwrap();
        Quote {
            kind: QuoteKind::Indirect,
            content: Span::new(c, c + content.len()),
            parts: Vec::new(),
            clause: None,
            cue: None,
            speaker: Some(Span::new(s, s + speaker.len())),
            speaker_entity: None,
            addressee: None,
            addressee_entity: None,
            paragraphs: (0, 1),
            version: "t".into(),
        }
    }

    #[test]
    fn scorer_matches_one_to_one_with_thresholds() {
        let text = "The mayor said the bridge will close next week. Critics said nothing.";
        let mut doc = Document::from_text(text);
        let span = |s: &str| {
            let k = text.find(s).unwrap();
            Span::new(k, k + s.len())
        };
        let gold = vec![GoldAttribution {
            content: vec![span("the bridge will close next week")],
            cue: vec![span("said")],
            source: vec![span("The mayor")],
        }];
        // Half the content: matches at 0.3, not at 0.8.
        doc.quotes = vec![quote(text, "the bridge will close", "mayor")];
        doc.quotes[0].cue = Some(span("said"));
        let mut c = QuoteCounts::default();
        score_document(&doc, &gold, &mut c);
        let r = c.report();
        assert_eq!((r.at_03.matched, r.at_08.matched), (1, 0));
        assert_eq!(r.speaker_accuracy, 1.0);
        assert_eq!(r.cue_accuracy, 1.0);
        // Two predictions on one gold: one true positive, one false.
        doc.quotes
            .push(quote(text, "bridge will close next week", "Critics"));
        let mut c = QuoteCounts::default();
        score_document(&doc, &gold, &mut c);
        let r = c.report();
        assert_eq!(r.at_03.matched, 1);
        assert_eq!(r.at_08.matched, 1);
        assert!((r.at_03.precision - 0.5).abs() < 1e-9);
        assert_eq!(r.indirect.gold, 1);
    }

    #[test]
    fn seed_scoring_by_containment() {
        let text = "“We will stay,” Ali Hassan told reporters.";
        let mut doc = Document::from_text(text);
        let mut q = quote(text, "We will stay,", "Ali Hassan");
        q.kind = QuoteKind::Direct;
        let told = text.find("told").unwrap();
        q.cue = Some(Span::new(told, told + 4));
        doc.quotes = vec![q];
        let exp = read_seed_quotes(
            r#"{"quotes":[{"kind":"direct","speaker":"Hassan","cue":"told","text":"We will stay,"}]}"#,
        )
        .unwrap();
        let r = score_seed(&doc, &exp);
        assert_eq!(
            (r.found, r.kinds_right, r.speakers_right, r.cues_right),
            (1, 1, 1, 1)
        );
    }
}
