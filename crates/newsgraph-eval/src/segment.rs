//! Segmentation scoring the CoNLL 2018 shared-task way
//! (`conll18_ud_eval.py`): spans over the non-whitespace characters of the
//! text, tokens and sentences matched by span, words inside multiword
//! tokens aligned by the longest common subsequence of their forms.

use crate::conllu::{read_file, ConlluDoc};
use crate::EvalError;
use newsgraph_core::{Span, Token};
use newsgraph_segment::{Segmentation, Segmenter};
use serde::Serialize;
use std::path::PathBuf;

/// Which documents to score.
#[derive(Clone, Debug, Default)]
pub struct SegmentEvalOptions {
    /// Only documents of this genre (`news` ⇒ `GUM_news_*`).
    pub genre: Option<String>,
}

/// Counts and scores of one metric.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Metric {
    pub gold: usize,
    pub system: usize,
    pub correct: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl Metric {
    pub(crate) fn add(&mut self, gold: usize, system: usize, correct: usize) {
        self.gold += gold;
        self.system += system;
        self.correct += correct;
        self.precision = ratio(self.correct, self.system);
        self.recall = ratio(self.correct, self.gold);
        self.f1 = if self.precision + self.recall > 0.0 {
            2.0 * self.precision * self.recall / (self.precision + self.recall)
        } else {
            0.0
        };
    }
}

pub(crate) fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// Scores of a segmentation run (micro-averaged over documents).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SegmentReport {
    pub documents: usize,
    pub tokens: Metric,
    pub words: Metric,
    pub sentences: Metric,
}

impl SegmentReport {
    /// An aligned text table (scores in percent).
    pub fn table(&self) -> String {
        let mut s = format!(
            "{:<10} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8}\n",
            "Metric", "Gold", "System", "Correct", "P", "R", "F1"
        );
        for (name, m) in [
            ("Tokens", &self.tokens),
            ("Words", &self.words),
            ("Sentences", &self.sentences),
        ] {
            s.push_str(&format!(
                "{:<10} {:>8} {:>8} {:>8} {:>8.2} {:>8.2} {:>8.2}\n",
                name,
                m.gold,
                m.system,
                m.correct,
                100.0 * m.precision,
                100.0 * m.recall,
                100.0 * m.f1
            ));
        }
        s.push_str(&format!("({} documents)\n", self.documents));
        s
    }

    /// Adds one document's scores.
    pub fn add(&mut self, d: &DocScore) {
        self.documents += 1;
        self.tokens.add(d.tokens.0, d.tokens.1, d.tokens.2);
        self.words.add(d.words.0, d.words.1, d.words.2);
        self.sentences
            .add(d.sentences.0, d.sentences.1, d.sentences.2);
    }
}

/// A word with the span of its surface token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpanWord {
    pub span: Span,
    pub multiword: bool,
    pub form: String,
}

/// Gold or system segmentation of one text: spans are byte offsets.
#[derive(Clone, Debug, Default)]
pub struct SpanSegmentation {
    pub tokens: Vec<Span>,
    pub words: Vec<SpanWord>,
    pub sentences: Vec<Span>,
}

/// A gold document: its reconstructed raw text and segmentation.
#[derive(Clone, Debug, Default)]
pub struct GoldDoc {
    pub id: Option<String>,
    pub text: String,
    pub gold: SpanSegmentation,
}

/// Rebuilds the raw text of a UD document: tokens joined by a space unless
/// `SpaceAfter=No`, sentences by a space, paragraphs by a blank line.
pub fn reconstruct(doc: &ConlluDoc) -> GoldDoc {
    let mut text = String::new();
    let mut gold = SpanSegmentation::default();
    for (pi, para) in doc.paragraphs.iter().enumerate() {
        if pi > 0 {
            while text.ends_with(' ') {
                text.pop();
            }
            text.push_str("\n\n");
        }
        for sent in para {
            if !text.is_empty() && !text.ends_with(char::is_whitespace) {
                text.push(' ');
            }
            let s_start = text.len();
            for tok in &sent.tokens {
                let start = text.len();
                text.push_str(&tok.form);
                let span = Span::new(start, text.len());
                gold.tokens.push(span);
                for w in &tok.words {
                    gold.words.push(SpanWord {
                        span,
                        multiword: tok.is_multiword(),
                        form: w.clone(),
                    });
                }
                if tok.space_after {
                    text.push(' ');
                }
            }
            let s_end = text.trim_end().len();
            gold.sentences.push(Span::new(s_start, s_end));
        }
    }
    let end = text.trim_end().len();
    text.truncate(end);
    GoldDoc {
        id: doc.id.clone(),
        text,
        gold,
    }
}

/// Surface tokens of a token sequence: each maximal run `i..=j` of tokens
/// joined by `joined_next` (and touching) is one surface token, e.g.
/// `do|n't`. Yields `(i, j, surface span)`.
pub(crate) fn surface_runs(toks: &[Token]) -> impl Iterator<Item = (usize, usize, Span)> + '_ {
    let mut i = 0;
    std::iter::from_fn(move || {
        if i >= toks.len() {
            return None;
        }
        let mut j = i;
        while j + 1 < toks.len()
            && toks[j].joined_next
            && toks[j].span.end == toks[j + 1].span.start
        {
            j += 1;
        }
        let run = (
            i,
            j,
            Span {
                start: toks[i].span.start,
                end: toks[j].span.end,
            },
        );
        i = j + 1;
        Some(run)
    })
}

/// The words of a token sequence: one per token, each carrying the span of
/// its surface token.
pub(crate) fn span_words(text: &str, toks: &[Token]) -> Vec<SpanWord> {
    let mut out = Vec::with_capacity(toks.len());
    for (i, j, span) in surface_runs(toks) {
        for t in &toks[i..=j] {
            out.push(SpanWord {
                span,
                multiword: j > i,
                form: t.span.slice(text).to_string(),
            });
        }
    }
    out
}

/// The system side of a segmentation: surface tokens merge `joined_next`
/// runs; each token is a word.
pub fn system_spans(text: &str, seg: &Segmentation) -> SpanSegmentation {
    SpanSegmentation {
        tokens: surface_runs(&seg.tokens).map(|(_, _, span)| span).collect(),
        words: span_words(text, &seg.tokens),
        sentences: seg.sentences.iter().map(|s| s.span).collect(),
    }
}

/// (gold, system, correct) counts of one document per metric.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DocScore {
    pub tokens: (usize, usize, usize),
    pub words: (usize, usize, usize),
    pub sentences: (usize, usize, usize),
}

/// Maps byte offsets of `text` to offsets among its non-whitespace chars.
struct NonWs {
    /// `idx[b]` = number of non-whitespace chars in `text[..b]`.
    idx: Vec<u32>,
}

impl NonWs {
    fn new(text: &str) -> NonWs {
        let mut idx = vec![0u32; text.len() + 1];
        let mut n = 0u32;
        for (b, c) in text.char_indices() {
            for k in 0..c.len_utf8() {
                idx[b + k] = n;
            }
            if !c.is_whitespace() {
                n += 1;
            }
        }
        idx[text.len()] = n;
        NonWs { idx }
    }

    /// Words with their spans in non-whitespace offsets.
    fn words(&self, v: &[SpanWord]) -> Vec<W> {
        v.iter()
            .map(|w| {
                let (start, end) = self.map(w.span);
                W {
                    start,
                    end,
                    mw: w.multiword,
                    form: w.form.clone(),
                }
            })
            .collect()
    }

    fn map(&self, s: Span) -> (u32, u32) {
        let g = |b: u32| self.idx.get(b as usize).copied().unwrap_or(0);
        (g(s.start), g(s.end))
    }
}

fn spans_correct(gold: &[(u32, u32)], sys: &[(u32, u32)]) -> usize {
    let (mut gi, mut si, mut correct) = (0, 0, 0);
    while gi < gold.len() && si < sys.len() {
        if sys[si].0 < gold[gi].0 {
            si += 1;
        } else if gold[gi].0 < sys[si].0 {
            gi += 1;
        } else {
            correct += usize::from(gold[gi].1 == sys[si].1);
            gi += 1;
            si += 1;
        }
    }
    correct
}

#[derive(Clone, Debug)]
struct W {
    start: u32,
    end: u32,
    mw: bool,
    form: String,
}

fn beyond_end(words: &[W], i: usize, end: u32) -> bool {
    match words.get(i) {
        None => true,
        Some(w) if w.mw => w.start >= end,
        Some(w) => w.end > end,
    }
}

fn extend_end(w: &W, end: u32) -> u32 {
    if w.mw && w.end > end {
        w.end
    } else {
        end
    }
}

/// Aligned word count, as `conll18_ud_eval.py`'s `align_words`.
fn words_correct(gold: &[W], sys: &[W]) -> usize {
    align_words(gold, sys).len()
}

/// Aligned (gold, system) word index pairs, as `conll18_ud_eval.py`'s
/// `align_words`: words of plain tokens align when their spans match; words
/// inside overlapping multiword tokens by the LCS of their lowercased forms.
fn align_words(gold: &[W], sys: &[W]) -> Vec<(usize, usize)> {
    let (mut gi, mut si) = (0, 0);
    let mut pairs = Vec::new();
    while gi < gold.len() && si < sys.len() {
        if gold[gi].mw || sys[si].mw {
            let mut end;
            if gold[gi].mw {
                end = gold[gi].end;
                if !sys[si].mw && sys[si].start < gold[gi].start {
                    si += 1;
                }
            } else {
                end = sys[si].end;
                if !gold[gi].mw && gold[gi].start < sys[si].start {
                    gi += 1;
                }
            }
            let (gs, ss) = (gi, si);
            while !beyond_end(gold, gi, end) || !beyond_end(sys, si, end) {
                if gi < gold.len() && (si >= sys.len() || gold[gi].start <= sys[si].start) {
                    end = extend_end(&gold[gi], end);
                    gi += 1;
                } else {
                    end = extend_end(&sys[si], end);
                    si += 1;
                }
            }
            if gi > gs && si > ss {
                let (g, s) = (&gold[gs..gi], &sys[ss..si]);
                let (ng, ns) = (g.len(), s.len());
                let eq = |a: &W, b: &W| a.form.to_lowercase() == b.form.to_lowercase();
                // lcs[x][y]: LCS of g[x..] and s[y..].
                let mut lcs = vec![vec![0usize; ns + 1]; ng + 1];
                for x in (0..ng).rev() {
                    for y in (0..ns).rev() {
                        lcs[x][y] = if eq(&g[x], &s[y]) {
                            1 + lcs[x + 1][y + 1]
                        } else {
                            lcs[x + 1][y].max(lcs[x][y + 1])
                        };
                    }
                }
                let (mut x, mut y) = (0, 0);
                while x < ng && y < ns {
                    if eq(&g[x], &s[y]) {
                        pairs.push((gs + x, ss + y));
                        x += 1;
                        y += 1;
                    } else if lcs[x][y] == lcs[x + 1][y] {
                        x += 1;
                    } else {
                        y += 1;
                    }
                }
            }
        } else if (gold[gi].start, gold[gi].end) == (sys[si].start, sys[si].end) {
            pairs.push((gi, si));
            gi += 1;
            si += 1;
        } else if gold[gi].start <= sys[si].start {
            gi += 1;
        } else {
            si += 1;
        }
    }
    pairs
}

/// Aligns the words of two segmentations of `text` the CoNLL 2018 way;
/// returns (gold word index, system word index) pairs in order.
pub fn align(text: &str, gold: &[SpanWord], sys: &[SpanWord]) -> Vec<(usize, usize)> {
    let nw = NonWs::new(text);
    align_words(&nw.words(gold), &nw.words(sys))
}

/// Scores a system segmentation of `text` against the gold one.
pub fn score(text: &str, gold: &SpanSegmentation, sys: &SpanSegmentation) -> DocScore {
    let nw = NonWs::new(text);
    let map = |v: &[Span]| v.iter().map(|&s| nw.map(s)).collect::<Vec<_>>();
    let (gt, st) = (map(&gold.tokens), map(&sys.tokens));
    let (gs, ss) = (map(&gold.sentences), map(&sys.sentences));
    let (gw, sw) = (nw.words(&gold.words), nw.words(&sys.words));
    DocScore {
        tokens: (gt.len(), st.len(), spans_correct(&gt, &st)),
        words: (gw.len(), sw.len(), words_correct(&gw, &sw)),
        sentences: (gs.len(), ss.len(), spans_correct(&gs, &ss)),
    }
}

/// Segments one gold document's text and scores it.
pub fn evaluate_doc(doc: &GoldDoc, seg: &Segmenter) -> (DocScore, SpanSegmentation) {
    let (s, _) = seg.segment(&doc.text, Span::new(0, doc.text.len()));
    let sys = system_spans(&doc.text, &s);
    (score(&doc.text, &doc.gold, &sys), sys)
}

/// Reads the gold documents of `paths` (filtered by genre).
pub fn gold_docs(paths: &[PathBuf], opts: &SegmentEvalOptions) -> Result<Vec<GoldDoc>, EvalError> {
    let mut out = Vec::new();
    for p in paths {
        for d in read_file(p)? {
            if opts.genre.as_deref().is_some_and(|g| !d.is_genre(g)) {
                continue;
            }
            out.push(reconstruct(&d));
        }
    }
    Ok(out)
}

/// Scores `seg` on the CoNLL-U files `paths`: every document's raw text is
/// rebuilt from its tokens, segmented, and compared with the gold tokens,
/// words and sentences.
pub fn evaluate_segmentation(
    paths: &[PathBuf],
    seg: &Segmenter,
    opts: &SegmentEvalOptions,
) -> Result<SegmentReport, EvalError> {
    let mut report = SegmentReport::default();
    for d in gold_docs(paths, opts)? {
        report.add(&evaluate_doc(&d, seg).0);
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conllu::parse;
    use std::path::Path;

    const SAMPLE: &str = "# newdoc id = GUM_news_test
# newpar
# sent_id = 1
# text = Iraq's army didn't stop.
1-2\tIraq's\t_\t_\t_\t_\t_\t_\t_\t_
1\tIraq\tIraq\tPROPN\t_\t_\t3\tnmod\t_\t_
2\t's\t's\tPART\t_\t_\t1\tcase\t_\t_
3\tarmy\tarmy\tNOUN\t_\t_\t5\tnsubj\t_\t_
4-5\tdidn't\t_\t_\t_\t_\t_\t_\t_\t_
4\tdid\tdo\tAUX\t_\t_\t6\taux\t_\t_
5\tn't\tnot\tPART\t_\t_\t6\tadvmod\t_\t_
6\tstop\tstop\tVERB\t_\t_\t0\troot\t_\tSpaceAfter=No
6.1\tghost\t_\t_\t_\t_\t_\t_\t_\t_
7\t.\t.\tPUNCT\t_\t_\t6\tpunct\t_\t_

# sent_id = 2
# text = It rained.
1\tIt\tit\tPRON\t_\t_\t2\tnsubj\t_\t_
2\trained\train\tVERB\t_\t_\t0\troot\t_\tSpaceAfter=No
3\t.\t.\tPUNCT\t_\t_\t2\tpunct\t_\t_

# newpar
# sent_id = 3
# text = Mr. Smith left.
1\tMr.\tMr.\tPROPN\t_\t_\t2\tnmod\t_\t_
2\tSmith\tSmith\tPROPN\t_\t_\t3\tnsubj\t_\t_
3\tleft\tleave\tVERB\t_\t_\t0\troot\t_\tSpaceAfter=No
4\t.\t.\tPUNCT\t_\t_\t3\tpunct\t_\t_

# newdoc id = GUM_fiction_x
# sent_id = 4
1\tHi\thi\tINTJ\t_\t_\t0\troot\t_\t_

";

    fn docs() -> Vec<ConlluDoc> {
        parse(SAMPLE, Path::new("sample.conllu")).expect("valid sample")
    }

    #[test]
    fn reads_documents_paragraphs_and_multiword_tokens() {
        let d = docs();
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].paragraphs.len(), 2);
        let s0 = &d[0].paragraphs[0][0];
        assert_eq!(s0.tokens.len(), 5);
        assert_eq!(s0.tokens[2].words, ["did", "n't"]);
        assert!(!s0.tokens[3].space_after);
        assert!(d[0].is_genre("news") && !d[1].is_genre("news"));
        let g = reconstruct(&d[0]);
        assert_eq!(
            g.text,
            "Iraq's army didn't stop. It rained.\n\nMr. Smith left."
        );
        assert_eq!(g.gold.tokens.len(), 12);
        assert_eq!(g.gold.words.len(), 14);
        assert_eq!(g.gold.sentences.len(), 3);
    }

    #[test]
    fn perfect_segmentation_scores_100() {
        let g = reconstruct(&docs()[0]);
        let s = score(&g.text, &g.gold, &g.gold.clone());
        assert_eq!(s.tokens, (12, 12, 12));
        assert_eq!(s.words, (14, 14, 14));
        assert_eq!(s.sentences, (3, 3, 3));
        // The real segmenter gets this one right too.
        let (s, _) = evaluate_doc(&g, &Segmenter::new());
        assert_eq!(s.tokens.2, 12);
        assert_eq!(s.words.2, 14);
        assert_eq!(s.sentences.2, 3);
    }

    #[test]
    fn a_missed_boundary_lowers_only_sentences() {
        let g = reconstruct(&docs()[0]);
        let mut sys = g.gold.clone();
        // Merge the first two sentences.
        let merged = sys.sentences[0].cover(sys.sentences[1]);
        sys.sentences.splice(0..2, [merged]);
        let s = score(&g.text, &g.gold, &sys);
        assert_eq!(s.tokens, (12, 12, 12));
        assert_eq!(s.sentences, (3, 2, 1));
    }

    #[test]
    fn a_split_token_lowers_tokens_and_words() {
        let g = reconstruct(&docs()[0]);
        let mut sys = g.gold.clone();
        // System splits "army" into "ar" + "my".
        let i = sys
            .tokens
            .iter()
            .position(|t| t.slice(&g.text) == "army")
            .expect("army");
        let t = sys.tokens[i];
        sys.tokens.splice(
            i..=i,
            [
                Span {
                    start: t.start,
                    end: t.start + 2,
                },
                Span {
                    start: t.start + 2,
                    end: t.end,
                },
            ],
        );
        let w = sys
            .words
            .iter()
            .position(|w| w.form == "army")
            .expect("army");
        sys.words.splice(
            w..=w,
            [
                SpanWord {
                    span: Span {
                        start: t.start,
                        end: t.start + 2,
                    },
                    multiword: false,
                    form: "ar".into(),
                },
                SpanWord {
                    span: Span {
                        start: t.start + 2,
                        end: t.end,
                    },
                    multiword: false,
                    form: "my".into(),
                },
            ],
        );
        let s = score(&g.text, &g.gold, &sys);
        assert_eq!(s.tokens, (12, 13, 11));
        assert_eq!(s.words, (14, 15, 13));
        assert_eq!(s.sentences, (3, 3, 3));
    }

    #[test]
    fn wrong_multiword_split_lowers_words_only() {
        let g = reconstruct(&docs()[0]);
        let mut sys = g.gold.clone();
        // "didn't" as one surface token with words "didn" + "'t".
        for w in sys.words.iter_mut() {
            if w.form == "did" {
                w.form = "didn".into();
            } else if w.form == "n't" {
                w.form = "'t".into();
            }
        }
        let s = score(&g.text, &g.gold, &sys);
        assert_eq!(s.tokens.2, 12);
        assert_eq!(s.words.2, 12);
    }

    #[test]
    fn malformed_input_names_file_and_line() {
        let bad = "# sent_id = 1\n1\tHi\t_\n";
        let e = parse(bad, Path::new("bad.conllu")).expect_err("malformed");
        let msg = e.to_string();
        assert!(msg.starts_with("bad.conllu:2:"), "{msg}");
        let bad = "1\tA\t_\t_\t_\t_\t_\t_\t_\t_\n3\tB\t_\t_\t_\t_\t_\t_\t_\t_\n";
        assert!(parse(bad, Path::new("x")).is_err());
    }

    #[test]
    fn report_table_and_json() {
        let g = reconstruct(&docs()[0]);
        let mut r = SegmentReport::default();
        r.add(&score(&g.text, &g.gold, &g.gold));
        let t = r.table();
        assert!(t.contains("Sentences") && t.contains("100.00"));
        let j = serde_json::to_value(&r).expect("serializable");
        assert_eq!(j["tokens"]["f1"], 1.0);
    }
}
