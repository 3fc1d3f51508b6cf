//! Tagging, lemmatisation and parsing scored the CoNLL 2018 shared-task way
//! (`conll18_ud_eval.py`): UPOS, XPOS, UFeats (universal features only),
//! lemma, UAS and LAS (universal part of the relation), each as precision,
//! recall and F1 over aligned words.
//!
//! Two modes share one scorer:
//! - **gold tokens**: the stages see the gold words (one token per word) and
//!   sentences; every word aligns, so F1 is accuracy;
//! - **raw text**: each document's raw text is rebuilt (as for `eval
//!   segment`), segmented by our own segmenter, then tagged and parsed; system
//!   words are aligned to gold words by character spans.

use crate::conllu::{read_file, ConlluDoc};
use crate::segment::{align, reconstruct, score, span_words, SpanSegmentation, SpanWord};
use crate::{EvalError, Metric};
use newsgraph_core::{
    Annotator, Document, Paragraph, QuoteDir, Sentence, Span, Token, TokenKind, Word,
};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// The universal features of `conll18_ud_eval.py`; UFeats ignores the rest.
const UNIVERSAL_FEATURES: &[&str] = &[
    "PronType", "NumType", "Poss", "Reflex", "Foreign", "Abbr", "Gender", "Animacy", "Number",
    "Case", "Definite", "Degree", "VerbForm", "Mood", "Tense", "Aspect", "Voice", "Evident",
    "Polarity", "Person", "Polite",
];

/// Which documents to score and how.
#[derive(Clone, Debug, Default)]
pub struct UdEvalOptions {
    /// Only documents of this genre (`news` ⇒ `GUM_news_*`).
    pub genre: Option<String>,
    /// Skip the raw-text mode (gold tokens only).
    pub gold_tokens_only: bool,
}

/// Scores of one mode.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct UdScores {
    pub tokens: Metric,
    pub sentences: Metric,
    pub words: Metric,
    pub upos: Metric,
    pub xpos: Metric,
    pub ufeats: Metric,
    pub lemma: Metric,
    pub uas: Metric,
    /// CoNLL 2018 LAS: the universal part of the relation (`nsubj` for
    /// `nsubj:pass`).
    pub las: Metric,
    /// LAS on full relations, subtypes included.
    pub las_subtypes: Metric,
}

impl UdScores {
    /// (name, metric) pairs in table order.
    pub fn metrics(&self) -> [(&'static str, &Metric); 10] {
        [
            ("Tokens", &self.tokens),
            ("Sentences", &self.sentences),
            ("Words", &self.words),
            ("UPOS", &self.upos),
            ("XPOS", &self.xpos),
            ("UFeats", &self.ufeats),
            ("Lemma", &self.lemma),
            ("UAS", &self.uas),
            ("LAS", &self.las),
            ("LAS+sub", &self.las_subtypes),
        ]
    }

    /// The F1 of a metric by its (case-insensitive) table name.
    pub fn f1(&self, name: &str) -> Option<f64> {
        self.metrics()
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, m)| m.f1)
    }
}

/// Scores of an evaluation run (micro-averaged over documents).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct UdReport {
    pub documents: usize,
    pub sentences: usize,
    pub words: usize,
    pub gold_tokens: UdScores,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raw_text: Option<UdScores>,
}

impl UdReport {
    /// An aligned text table: one row per mode, F1 in percent.
    pub fn table(&self) -> String {
        let names: Vec<&str> = self.gold_tokens.metrics().iter().map(|m| m.0).collect();
        let mut s = format!("{:<12}", "Mode");
        for n in &names {
            s.push_str(&format!(" {n:>9}"));
        }
        s.push('\n');
        let mut row = |label: &str, sc: &UdScores| {
            s.push_str(&format!("{label:<12}"));
            for (_, m) in sc.metrics() {
                s.push_str(&format!(" {:>9.2}", 100.0 * m.f1));
            }
            s.push('\n');
        };
        row("gold tokens", &self.gold_tokens);
        if let Some(raw) = &self.raw_text {
            row("raw text", raw);
        }
        s.push_str(&format!(
            "({} documents, {} sentences, {} words; F1 in percent)\n",
            self.documents, self.sentences, self.words
        ));
        s
    }
}

/// A gold word flattened over its document: document-level head index.
struct GoldWord<'a> {
    word: &'a crate::conllu::ConlluWord,
    /// Index among the document's words of the head; `None` for the root.
    head: Option<usize>,
}

fn flatten(doc: &ConlluDoc) -> Vec<GoldWord<'_>> {
    let mut out = Vec::new();
    for s in doc.sentences() {
        let base = out.len();
        for w in &s.words {
            out.push(GoldWord {
                word: w,
                head: match w.head {
                    Some(0) | None => None,
                    Some(h) => Some(base + h - 1),
                },
            });
        }
    }
    out
}

fn token_kind(form: &str) -> (TokenKind, Option<QuoteDir>) {
    const QUOTES: &[&str] = &["\"", "'", "``", "''", "“", "”", "‘", "’", "«", "»", "„"];
    if QUOTES.contains(&form) {
        return (TokenKind::Quote, Some(QuoteDir::Unknown));
    }
    let mut chars = form.chars();
    match chars.next() {
        Some(c) if c.is_ascii_digit() => (TokenKind::Number, None),
        Some(_) if form.chars().all(|c| c.is_ascii_punctuation()) => (TokenKind::Punct, None),
        _ => (TokenKind::Word, None),
    }
}

/// A document whose tokens are the gold words of `doc` and whose sentences
/// and paragraphs are the gold ones: the input of the gold-tokens mode.
/// Words of a multiword token are written without space between them.
pub fn gold_token_document(doc: &ConlluDoc) -> Document {
    let mut text = String::new();
    let mut paragraphs = Vec::new();
    let mut sentences = Vec::new();
    let mut tokens: Vec<Token> = Vec::new();
    for para in &doc.paragraphs {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        let p_start = text.len();
        for sent in para {
            if !text.is_empty() && !text.ends_with(char::is_whitespace) {
                text.push(' ');
            }
            let s_start = text.len();
            let t_start = tokens.len();
            for tok in &sent.tokens {
                for (k, form) in tok.words.iter().enumerate() {
                    let start = text.len();
                    text.push_str(form);
                    let last = k + 1 == tok.words.len();
                    let (kind, quote) = token_kind(form);
                    tokens.push(Token {
                        span: Span::new(start, text.len()),
                        kind,
                        space_after: last && tok.space_after,
                        joined_next: !last,
                        quote,
                    });
                    if last && tok.space_after {
                        text.push(' ');
                    }
                }
            }
            let s_end = text.trim_end().len();
            sentences.push(Sentence {
                span: Span::new(s_start, s_end.max(s_start)),
                tokens: (t_start as u32, tokens.len() as u32),
                paragraph: paragraphs.len() as u32,
            });
        }
        let p_end = text.trim_end().len();
        paragraphs.push(Paragraph {
            span: Span::new(p_start, p_end.max(p_start)),
        });
        let end = text.trim_end().len();
        text.truncate(end);
    }
    let mut d = Document::from_text(text);
    d.paragraphs = paragraphs;
    d.sentences = sentences;
    d.tokens = tokens;
    d
}

fn ufeats(feats: &str) -> Vec<&str> {
    let mut v: Vec<&str> = feats
        .split('|')
        .filter(|f| {
            f.split_once('=')
                .is_some_and(|(k, _)| UNIVERSAL_FEATURES.contains(&k))
        })
        .collect();
    v.sort_unstable();
    v
}

fn universal(rel: &str) -> &str {
    rel.split(':').next().unwrap_or(rel)
}

/// Adds the tag and tree scores of `sys` (a document whose words are parallel
/// to its tokens) against `gold`, given aligned (gold, system) word pairs.
fn score_words(
    out: &mut UdScores,
    gold: &[GoldWord<'_>],
    sys: &Document,
    pairs: &[(usize, usize)],
) {
    let empty = Word::default();
    let sw = |i: usize| sys.words.get(i).unwrap_or(&empty);
    let n_sys = sys.tokens.len();
    // Gold word index → aligned system word index.
    let mut g2s = vec![usize::MAX; gold.len()];
    for &(g, s) in pairs {
        g2s[g] = s;
    }
    let mut c = [0usize; 7];
    for &(g, s) in pairs {
        let (gw, w) = (gold[g].word, sw(s));
        c[0] += usize::from(gw.upos == w.upos);
        c[1] += usize::from(gw.xpos == w.xpos);
        c[2] += usize::from(ufeats(&gw.feats) == ufeats(&w.feats));
        c[3] += usize::from(gw.lemma == "_" || gw.lemma == w.lemma);
        let head_ok = match (gold[g].head, w.head) {
            (None, None) => !w.deprel.is_empty(),
            (Some(gh), Some(sh)) => g2s[gh] == sh as usize,
            _ => false,
        };
        if head_ok {
            c[4] += 1;
            c[5] += usize::from(universal(&gw.deprel) == universal(&w.deprel));
            c[6] += usize::from(gw.deprel == w.deprel);
        }
    }
    let (ng, ns) = (gold.len(), n_sys);
    for (m, k) in [
        (&mut out.upos, 0),
        (&mut out.xpos, 1),
        (&mut out.ufeats, 2),
        (&mut out.lemma, 3),
        (&mut out.uas, 4),
        (&mut out.las, 5),
        (&mut out.las_subtypes, 6),
    ] {
        m.add(ng, ns, c[k]);
    }
}

fn system_words(doc: &Document) -> Vec<SpanWord> {
    // Each system token is a word; runs of `joined_next` tokens form one
    // surface (multiword) token.
    span_words(&doc.text, &doc.tokens)
}

/// Scores one gold document in both modes; `segmenter` makes tokens and
/// sentences from raw text, `stages` tag and parse.
pub fn evaluate_doc(
    doc: &ConlluDoc,
    segmenter: &dyn Annotator,
    stages: &[&dyn Annotator],
    opts: &UdEvalOptions,
    report: &mut UdReport,
) {
    let gold = flatten(doc);
    report.documents += 1;
    report.sentences += doc.sentences().count();
    report.words += gold.len();

    let mut sys = gold_token_document(doc);
    for st in stages {
        st.run(&mut sys);
    }
    let pairs: Vec<(usize, usize)> = (0..gold.len().min(sys.tokens.len()))
        .map(|i| (i, i))
        .collect();
    let n_sent = doc.sentences().count();
    let g = &mut report.gold_tokens;
    g.tokens
        .add(sys.tokens.len(), sys.tokens.len(), sys.tokens.len());
    g.sentences
        .add(n_sent, sys.sentences.len(), n_sent.min(sys.sentences.len()));
    g.words.add(gold.len(), sys.tokens.len(), pairs.len());
    score_words(g, &gold, &sys, &pairs);

    if opts.gold_tokens_only {
        return;
    }
    let rebuilt = reconstruct(doc);
    let mut sys = Document::from_text(rebuilt.text.clone());
    segmenter.run(&mut sys);
    for st in stages {
        st.run(&mut sys);
    }
    let words = system_words(&sys);
    let seg = SpanSegmentation {
        tokens: Vec::new(),
        words: words.clone(),
        sentences: sys.sentences.iter().map(|s| s.span).collect(),
    };
    let mut seg_tokens = seg.clone();
    seg_tokens.tokens = {
        let mut v: Vec<Span> = words.iter().map(|w| w.span).collect();
        v.dedup();
        v
    };
    let counts = score(&rebuilt.text, &rebuilt.gold, &seg_tokens);
    let raw = report.raw_text.get_or_insert_with(UdScores::default);
    raw.tokens
        .add(counts.tokens.0, counts.tokens.1, counts.tokens.2);
    raw.sentences
        .add(counts.sentences.0, counts.sentences.1, counts.sentences.2);
    raw.words
        .add(counts.words.0, counts.words.1, counts.words.2);
    let pairs = align(&rebuilt.text, &rebuilt.gold.words, &words);
    score_words(raw, &gold, &sys, &pairs);
}

/// Reads the CoNLL-U files `paths` and scores `stages` on every document
/// (filtered by genre).
pub fn evaluate_ud(
    paths: &[PathBuf],
    segmenter: &dyn Annotator,
    stages: &[&dyn Annotator],
    opts: &UdEvalOptions,
) -> Result<UdReport, EvalError> {
    evaluate_ud_with(paths, segmenter, &|_| stages, opts)
}

/// [`evaluate_ud`] with the stages chosen per file (e.g. a tagger that
/// follows the annotation conventions of the file's treebank).
pub fn evaluate_ud_with<'s>(
    paths: &[PathBuf],
    segmenter: &dyn Annotator,
    stages_for: &dyn Fn(&Path) -> &'s [&'s dyn Annotator],
    opts: &UdEvalOptions,
) -> Result<UdReport, EvalError> {
    let mut report = UdReport::default();
    for p in paths {
        let stages = stages_for(p);
        for d in read_file(p)? {
            if opts.genre.as_deref().is_some_and(|g| !d.is_genre(g)) {
                continue;
            }
            evaluate_doc(&d, segmenter, stages, opts, &mut report);
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conllu::parse;
    use newsgraph_core::Diagnostic;
    use std::path::Path;

    const SAMPLE: &str = "# newdoc id = GUM_news_x
# newpar
# sent_id = 1
# text = Rebels didn't fire.
1\tRebels\trebel\tNOUN\tNNS\tNumber=Plur\t4\tnsubj\t_\t_
2-3\tdidn't\t_\t_\t_\t_\t_\t_\t_\t_
2\tdid\tdo\tAUX\tVBD\tMood=Ind|Tense=Past|VerbForm=Fin\t4\taux\t_\t_
3\tn't\tnot\tPART\tRB\tPolarity=Neg\t4\tadvmod\t_\t_
4\tfire\tfire\tVERB\tVB\tVerbForm=Inf\t0\troot\t_\tSpaceAfter=No
5\t.\t.\tPUNCT\t.\t_\t4\tpunct\t_\t_

# sent_id = 2
# text = Troops were hit.
1\tTroops\ttroop\tNOUN\tNNS\tNumber=Plur\t3\tnsubj:pass\t_\t_
2\twere\tbe\tAUX\tVBD\tMood=Ind|Tense=Past|VerbForm=Fin\t3\taux:pass\t_\t_
3\thit\thit\tVERB\tVBN\tTense=Past|VerbForm=Part|Voice=Pass\t0\troot\t_\tSpaceAfter=No
4\t.\t.\tPUNCT\t.\t_\t3\tpunct\t_\t_

";

    /// Tags everything NOUN/NN, lemma = lowercase form, attaches every
    /// word to the sentence's last word (which is the root), relation `dep`
    /// except `punct` for punctuation.
    struct Naive;

    impl Annotator for Naive {
        fn name(&self) -> &'static str {
            "naive"
        }
        fn version(&self) -> &str {
            "0"
        }
        fn annotate(&self, doc: &mut Document) -> Vec<Diagnostic> {
            doc.words = vec![Word::default(); doc.tokens.len()];
            for s in doc.sentences.clone() {
                let r = s.token_range();
                let last = r.end - 1;
                for i in r {
                    let form = doc.slice(doc.tokens[i].span).to_string();
                    let w = &mut doc.words[i];
                    w.upos = "NOUN".into();
                    w.xpos = "NN".into();
                    w.lemma = form.to_lowercase();
                    if i == last {
                        w.deprel = "root".into();
                    } else {
                        w.head = Some(last as u32);
                        w.deprel = if form == "." { "punct" } else { "nsubj" }.into();
                    }
                }
            }
            Vec::new()
        }
    }

    fn report(opts: &UdEvalOptions) -> UdReport {
        let docs = parse(SAMPLE, Path::new("sample")).unwrap();
        let seg = newsgraph_segment::SegmenterBuilder::new().build();
        let mut r = UdReport::default();
        for d in &docs {
            evaluate_doc(d, &seg, &[&Naive], opts, &mut r);
        }
        r
    }

    #[test]
    fn gold_token_scores_count_what_the_naive_stage_gets_right() {
        let r = report(&UdEvalOptions::default());
        let g = &r.gold_tokens;
        assert_eq!(r.words, 9);
        // NOUN: Rebels, Troops. Lemmas: did→do wrong, Rebels→rebels wrong,
        // Troops wrong, were wrong; right: n't? no (not). fire, ., hit, . → 4.
        assert_eq!(g.upos.correct, 2);
        assert_eq!(g.xpos.correct, 0);
        assert_eq!(g.lemma.correct, 4);
        // Heads: sentence 1 last word is `.`, gold root `fire`: only `.`'s
        // own head (fire) is wrong; every other word's gold head is fire(4) ≠ `.`.
        // Sentence 1: no word correct except none; sentence 2 likewise.
        assert_eq!(g.uas.correct, 0);
        assert!((g.words.f1 - 1.0).abs() < 1e-9);
    }

    #[test]
    fn raw_text_mode_aligns_words_through_our_segmentation() {
        let r = report(&UdEvalOptions::default());
        let raw = r.raw_text.as_ref().unwrap();
        assert_eq!(raw.words.gold, 9);
        assert_eq!(raw.words.correct, 9, "{raw:?}");
        assert_eq!(raw.upos.correct, 2);
        assert_eq!(raw.sentences.correct, 2);
        let gold_only = report(&UdEvalOptions {
            gold_tokens_only: true,
            ..UdEvalOptions::default()
        });
        assert!(gold_only.raw_text.is_none());
    }

    /// A stage that copies the gold analysis back must score 100 everywhere.
    #[test]
    fn a_perfect_stage_scores_one_hundred() {
        let docs = parse(SAMPLE, Path::new("sample")).unwrap();
        struct Oracle(Vec<Word>);
        impl Annotator for Oracle {
            fn name(&self) -> &'static str {
                "oracle"
            }
            fn version(&self) -> &str {
                "0"
            }
            fn annotate(&self, doc: &mut Document) -> Vec<Diagnostic> {
                doc.words = self.0.clone();
                Vec::new()
            }
        }
        let gold = flatten(&docs[0]);
        let words = gold
            .iter()
            .map(|g| Word {
                upos: g.word.upos.clone(),
                xpos: g.word.xpos.clone(),
                feats: g.word.feats.clone(),
                lemma: g.word.lemma.clone(),
                head: g.head.map(|h| h as u32),
                deprel: g.word.deprel.clone(),
            })
            .collect();
        let seg = newsgraph_segment::SegmenterBuilder::new().build();
        let mut r = UdReport::default();
        evaluate_doc(
            &docs[0],
            &seg,
            &[&Oracle(words)],
            &UdEvalOptions::default(),
            &mut r,
        );
        for (name, m) in r.gold_tokens.metrics() {
            assert!((m.f1 - 1.0).abs() < 1e-9, "{name}: {m:?}");
        }
        let raw = r.raw_text.unwrap();
        assert!((raw.las.f1 - 1.0).abs() < 1e-9, "{raw:?}");
    }

    #[test]
    fn ufeats_ignore_order_and_non_universal_features() {
        assert_eq!(
            ufeats("Tense=Past|Number=Sing"),
            ufeats("Number=Sing|Tense=Past")
        );
        assert_eq!(ufeats("Number=Sing|ExtPos=ADP"), ufeats("Number=Sing"));
    }
}
