//! The learned attribution model: reported speech the rules do not cover.
//!
//! The rules of the parent module know a lexicon of cue verbs and a few
//! constructions. News attributes in many more ways (`shows`, `is
//! expected`, `wants`, `his claim that`, `referring to`), so this model learns
//! them from attribution-annotated news (PolNeAR train) over our own
//! segmentation, tags and parse:
//!
//! 1. **cue**: every unquoted content word (verb, noun, adjective, adverb,
//!    adposition) is scored as the head of an attribution cue or not, from
//!    its form, lemma, tags, relation, head, dependents, subject and
//!    neighbours;
//! 2. **roles**: around a cue, each *constituent* — the subtree of each
//!    dependent, the rest of the head's subtree (`Prices will rise, [the
//!    minister said]`) and the rest of the grandparent's (`[Prices will
//!    rise], according to [the minister]`) — is labelled content, source or
//!    neither. The content is the span of the content constituents, the
//!    source the best source constituent.
//!
//! Both are averaged perceptrons over hashed features (`newsgraph-linear`);
//! the model file (`models/quotes.bin`, magic `NGQA`) carries its stamp.
//! Training is deterministic: same documents, same options, same bytes.

use super::{Attr, Ctx};
use crate::lexicon::Lexicon;
use newsgraph_core::{Document, EntityType, Quote, QuoteKind, Span};
use newsgraph_linear::clusters::WordClusters;
use newsgraph_linear::format::{ModelError, Reader, Writer};
use newsgraph_linear::hash::{fin, fnv, Rng, FNV};
use newsgraph_linear::perceptron::{Frozen, Trainer};

/// Format version of `models/quotes.bin`.
pub const ATTRIBUTION_FORMAT: u32 = 1;
const MAGIC: &[u8; 4] = b"NGQA";

/// Role classes of a constituent.
const NONE: u16 = 0;
const CONTENT: u16 = 1;
const SOURCE: u16 = 2;

/// Longest source span taken from the parse, in tokens.
const MAX_SOURCE: usize = 30;

/// A trained attribution model (see the module docs).
#[derive(Clone, Debug)]
pub struct AttributionModel {
    clusters: WordClusters,
    cue: Frozen,
    role: Frozen,
    /// The cue's score margin (positive minus negative class) must exceed
    /// this.
    threshold: i32,
    stamp: String,
}

impl AttributionModel {
    /// Reads a model file.
    pub fn from_bytes(bytes: &[u8]) -> Result<AttributionModel, ModelError> {
        let mut r = Reader::open(bytes, MAGIC, ATTRIBUTION_FORMAT, "quote attribution")?;
        let stamp = r.str()?;
        let threshold = r.u32()? as i32;
        let clusters = WordClusters::read(&mut r)?;
        let cue = Frozen::read(&mut r)?;
        let role = Frozen::read(&mut r)?;
        r.end()?;
        if cue.nclass != 2 || role.nclass != 3 {
            return Err(r.err("unexpected number of classes"));
        }
        Ok(AttributionModel {
            clusters,
            cue,
            role,
            threshold,
            stamp,
        })
    }

    /// The stamp written at training (`attribution-` and a hash of the
    /// weights), part of the quote stage's version.
    pub fn stamp(&self) -> &str {
        &self.stamp
    }

    /// Feature weights kept (cue, role).
    pub fn entries(&self) -> (usize, usize) {
        (self.cue.entries(), self.role.entries())
    }
}

/// One annotated attribution to learn from: byte spans into the document's
/// text (several pieces where the annotation is discontinuous).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GoldAttribution {
    pub cue: Vec<Span>,
    pub content: Vec<Span>,
    pub source: Vec<Span>,
}

/// How to train.
#[derive(Clone, Debug)]
pub struct AttributionTrainOptions {
    pub epochs: usize,
    pub seed: u64,
    /// Cue margin threshold written into the model.
    pub threshold: i32,
    /// Word clusters (`newsgraph_embed::normalize`d word, coarse → fine
    /// ids), copied into the model as features.
    pub clusters: Vec<(String, [u16; 3])>,
}

impl Default for AttributionTrainOptions {
    fn default() -> Self {
        AttributionTrainOptions {
            epochs: 6,
            seed: 0x5EED_A77B,
            threshold: 0,
            clusters: Vec::new(),
        }
    }
}

/// What training saw and how well it fit.
#[derive(Clone, Debug, Default)]
pub struct AttributionTrainReport {
    pub documents: usize,
    pub attributions: usize,
    /// Attributions whose cue has no candidate head word (punctuation cues,
    /// cues inside quotation marks, cues on words the parse lacks).
    pub unaligned_cues: usize,
    pub cue_candidates: usize,
    pub role_instances: usize,
    /// Per epoch: training accuracy of the cue and of the role classifier.
    pub epochs: Vec<(f64, f64)>,
}

/// Feature keys under construction.
#[derive(Default)]
struct Feats(Vec<u32>);

impl Feats {
    fn add(&mut self, template: u8, parts: &[&str]) {
        let mut h = fnv(FNV, &[template]);
        for p in parts {
            h = fnv(h, p.as_bytes());
            h = fnv(h, &[0x1f]);
        }
        self.0.push((fin(h) >> 32) as u32);
    }
}

/// Per-token entity type of the document's mentions (`""` outside them).
fn entity_types(doc: &Document) -> Vec<&'static str> {
    let mut out = vec![""; doc.tokens.len()];
    for e in &doc.entities {
        let t = match e.entity_type {
            EntityType::Person => "PER",
            EntityType::Org => "ORG",
            EntityType::Loc => "LOC",
            EntityType::Norp => "NORP",
            EntityType::Event | EntityType::Misc => "MISC",
        };
        for m in &e.mentions {
            let first = doc.tokens.partition_point(|k| k.span.end <= m.span.start);
            for (slot, tok) in out[first..].iter_mut().zip(&doc.tokens[first..]) {
                if tok.span.start >= m.span.end {
                    break;
                }
                *slot = t;
            }
        }
    }
    out
}

/// The words the model looks at, with the document-level extras.
struct View<'c, 'a> {
    cx: &'c Ctx<'a>,
    ent: Vec<&'static str>,
    /// Per token: its word clusters as feature strings (coarse, middle).
    cl: Vec<[String; 2]>,
    /// Per token: whether its sentence holds a quoted word, and the first
    /// token of its sentence that is not punctuation (computed once per
    /// sentence, so a giant sentence costs linear time, not quadratic).
    sentence_quoted: Vec<bool>,
    first_word: Vec<usize>,
    /// Running counts of words and of quoted tokens before each token, so
    /// that a constituent's counts cost two look-ups per part, not a walk
    /// over a part that may span most of a giant sentence.
    words_before: Vec<u32>,
    quoted_before: Vec<u32>,
}

/// A constituent around a cue: up to two token ranges (the rest of a
/// subtree around an inner one) and the word that heads it.
#[derive(Clone, Debug)]
struct Constituent {
    rel: String,
    head: usize,
    parts: Vec<(usize, usize)>,
}

impl Constituent {
    fn bounds(&self) -> Option<(usize, usize)> {
        let lo = self.parts.iter().map(|p| p.0).min()?;
        let hi = self.parts.iter().map(|p| p.1).max()?;
        Some((lo, hi))
    }

    fn tokens(&self) -> impl Iterator<Item = usize> + '_ {
        self.parts.iter().flat_map(|&(lo, hi)| lo..=hi)
    }
}

fn bucket(n: usize) -> &'static str {
    match n {
        0 => "0",
        1 => "1",
        2 => "2",
        3..=5 => "3-5",
        6..=10 => "6-10",
        11..=20 => "11-20",
        _ => "21+",
    }
}

impl<'c, 'a> View<'c, 'a> {
    fn new(cx: &'c Ctx<'a>, clusters: &WordClusters) -> Self {
        let cl = cx
            .lower
            .iter()
            .map(|w| {
                match (!clusters.is_empty())
                    .then(|| clusters.of_form(w))
                    .flatten()
                {
                    Some([a, b, _]) => [a.to_string(), b.to_string()],
                    None => [String::from("-"), String::from("-")],
                }
            })
            .collect();
        let n = cx.lower.len();
        let mut sentence_quoted = vec![false; n];
        let mut first_word = vec![0; n];
        let mut i = 0;
        while i < n {
            let s = cx.sentence_range(i);
            let (lo, hi) = (s.start.min(i), s.end.clamp(i + 1, n));
            let quoted = (lo..hi).any(|k| cx.quoted[k]);
            let first = (lo..hi).find(|&k| !cx.is_punct(k)).unwrap_or(hi);
            for k in i..hi {
                sentence_quoted[k] = quoted;
                first_word[k] = first;
            }
            i = hi;
        }
        let running = |counts: &dyn Fn(usize) -> bool| {
            let mut before = Vec::with_capacity(n + 1);
            let mut total = 0u32;
            before.push(total);
            for k in 0..n {
                total += u32::from(counts(k));
                before.push(total);
            }
            before
        };
        let words_before = running(&|k| cx.is_word(k));
        let quoted_before = running(&|k| cx.quoted[k]);
        View {
            ent: entity_types(cx.doc),
            cx,
            cl,
            sentence_quoted,
            first_word,
            words_before,
            quoted_before,
        }
    }

    /// How many tokens of `k`'s parts `before` counts (parts are counted
    /// each, as a walk over `Constituent::tokens` would).
    fn count_in(before: &[u32], k: &Constituent) -> usize {
        k.parts
            .iter()
            .filter(|&&(lo, hi)| lo <= hi)
            .map(|&(lo, hi)| (before[hi + 1] - before[lo]) as usize)
            .sum()
    }

    fn upos(&self, i: usize) -> &str {
        &self.cx.doc.words[i].upos
    }

    fn lemma(&self, i: usize) -> String {
        self.cx.lemma(i).to_lowercase()
    }

    fn candidate(&self, i: usize) -> bool {
        self.cx.is_word(i)
            && !self.cx.quoted[i]
            && matches!(self.upos(i), "VERB" | "NOUN" | "ADJ" | "ADV" | "ADP")
    }

    /// Features of word `i` as a cue head.
    fn cue_features(&self, i: usize, f: &mut Feats) {
        let cx = self.cx;
        let w = &cx.doc.words[i];
        let lemma = self.lemma(i);
        let (form, l, u, x, d) = (
            cx.lower[i].as_str(),
            lemma.as_str(),
            w.upos.as_str(),
            w.xpos.as_str(),
            w.deprel.as_str(),
        );
        f.0.clear();
        f.add(0, &[]);
        f.add(1, &[form]);
        f.add(2, &[l]);
        f.add(3, &[u, x]);
        f.add(4, &[d]);
        f.add(5, &[l, d]);
        f.add(6, &[l, x]);
        let class = cx.lex.class(form, l).map_or("-", |c| match c {
            crate::CueClass::DirectOnly => "direct",
            crate::CueClass::Belief => "belief",
            crate::CueClass::Speech => "speech",
        });
        f.add(7, &[class, u]);
        f.add(
            8,
            &[
                if cx.lex.stance.contains(l) {
                    "stance"
                } else {
                    "-"
                },
                u,
            ],
        );
        let [c1, c2] = &self.cl[i];
        f.add(29, &[c1]);
        f.add(30, &[c2]);
        f.add(31, &[c2, u]);
        f.add(32, &[c2, d]);
        match cx.head(i) {
            Some(h) => {
                let hl = self.lemma(h);
                f.add(33, &[&self.cl[h][1], d]);
                f.add(9, &[&hl]);
                f.add(10, &[self.upos(h), d]);
                f.add(11, &[l, self.upos(h), d]);
            }
            None => f.add(9, &["<root>"]),
        }
        let mut subj = false;
        for &k in &cx.children[i] {
            let dk = cx.deprel(k);
            f.add(12, &[dk]);
            f.add(13, &[l, dk]);
            f.add(14, &[dk, self.upos(k)]);
            f.add(34, &[c1, dk]);
            if matches!(
                dk,
                "mark" | "case" | "fixed" | "compound:prt" | "aux" | "aux:pass"
            ) {
                f.add(15, &[dk, &cx.lower[k]]);
                f.add(16, &[l, dk, &cx.lower[k]]);
            }
            if dk.starts_with("nsubj") || dk == "nmod:poss" {
                subj = true;
                let ku = self.upos(k);
                f.add(17, &[dk, ku, self.ent[k]]);
                f.add(18, &[l, ku]);
                if matches!(ku, "PRON" | "DET") {
                    f.add(19, &[&cx.lower[k]]);
                }
            }
            if cx.quoted_fully(k) {
                f.add(20, &[dk]);
            }
        }
        f.add(21, &[if subj { "subj" } else { "nosubj" }, u]);
        let s = cx.sentence_range(i);
        let next = |o: usize| {
            if i + o < s.end {
                cx.lower[i + o].as_str()
            } else {
                "</s>"
            }
        };
        let prev = if i > s.start {
            cx.lower[i - 1].as_str()
        } else {
            "<s>"
        };
        f.add(22, &[next(1)]);
        f.add(23, &[l, next(1)]);
        f.add(24, &[l, next(1), next(2)]);
        f.add(25, &[prev]);
        f.add(26, &[prev, l]);
        f.add(27, &[if self.sentence_quoted[i] { "q" } else { "-" }, u]);
        let first = self.first_word[i] >= i;
        f.add(28, &[if first { "first" } else { "-" }, u]);
    }

    /// The constituents around cue `c` (its cue words `cue` excluded).
    fn constituents(&self, c: usize, cue: (usize, usize)) -> Vec<Constituent> {
        let cx = self.cx;
        let mut out = Vec::new();
        for &k in &cx.children[c] {
            if (cue.0..=cue.1).contains(&k) || cx.is_punct(k) {
                continue;
            }
            let (lo, hi) = cx.full_subtree(k);
            out.push(Constituent {
                rel: format!("c:{}", cx.deprel(k)),
                head: k,
                parts: vec![(lo, hi)],
            });
        }
        let rest = |outer: usize, inner: (usize, usize)| -> Vec<(usize, usize)> {
            let (olo, ohi) = cx.full_subtree(outer);
            let mut v = Vec::new();
            if olo < inner.0 {
                if let Some(p) = cx.trim_punct(olo, inner.0 - 1) {
                    v.push(p);
                }
            }
            if inner.1 < ohi {
                if let Some(p) = cx.trim_punct(inner.1 + 1, ohi) {
                    v.push(p);
                }
            }
            v
        };
        if let Some(h) = cx.head(c) {
            let own = cx.full_subtree(c);
            let parts = rest(h, own);
            if !parts.is_empty() {
                out.push(Constituent {
                    rel: format!("h:{}", cx.deprel(c)),
                    head: h,
                    parts,
                });
            }
            if let Some(g) = cx.head(h) {
                let parts = rest(g, cx.full_subtree(h));
                if !parts.is_empty() {
                    out.push(Constituent {
                        rel: format!("g:{}:{}", cx.deprel(h), cx.deprel(c)),
                        head: g,
                        parts,
                    });
                }
            }
        }
        out
    }

    /// Features of constituent `k` in the role of cue `c`.
    fn role_features(&self, c: usize, k: &Constituent, f: &mut Feats) {
        let cx = self.cx;
        let l = self.lemma(c);
        let rel = k.rel.as_str();
        let h = k.head;
        let hu = self.upos(h);
        let words = Self::count_in(&self.words_before, k);
        let (lo, hi) = k.bounds().unwrap_or((h, h));
        let side = if hi < c {
            "before"
        } else if lo > c {
            "after"
        } else {
            "around"
        };
        let quoted = Self::count_in(&self.quoted_before, k);
        let q = if quoted == 0 {
            "none"
        } else if quoted * 2 >= words.max(1) {
            "most"
        } else {
            "some"
        };
        let clause = cx.children[h]
            .iter()
            .any(|&x| cx.deprel(x).starts_with("nsubj"));
        let mark = cx.children[h]
            .iter()
            .find(|&&x| matches!(cx.deprel(x), "mark" | "case"))
            .map_or("-", |&x| cx.lower[x].as_str());
        f.0.clear();
        f.add(40, &[]);
        f.add(41, &[rel]);
        f.add(42, &[rel, &l]);
        f.add(43, &[rel, hu]);
        f.add(44, &[rel, side]);
        f.add(45, &[rel, bucket(words)]);
        f.add(46, &[rel, q]);
        f.add(47, &[rel, if clause { "clause" } else { "-" }]);
        f.add(48, &[rel, mark]);
        f.add(49, &[&l, mark]);
        f.add(50, &[rel, self.ent[h]]);
        f.add(51, &[hu, self.ent[h], side]);
        if matches!(hu, "PRON" | "DET" | "NUM") {
            f.add(52, &[rel, &cx.lower[h]]);
        }
        f.add(53, &[rel, self.upos(c)]);
        f.add(54, &[&l, side, bucket(words)]);
        f.add(55, &[rel, &self.lemma(h)]);
        f.add(56, &[rel, &self.cl[c][0]]);
        f.add(57, &[rel, &self.cl[c][1]]);
    }

    /// Which constituents of `c` each gold role covers: the label of each.
    fn role_labels(&self, cons: &[Constituent], gold: &GoldAttribution) -> Vec<u16> {
        let cx = self.cx;
        let inside = |spans: &[Span], t: usize| {
            let s = cx.doc.tokens[t].span;
            spans.iter().any(|g| s.start < g.end && g.start < s.end)
        };
        cons.iter()
            .map(|k| {
                let words: Vec<usize> = k.tokens().filter(|&t| cx.is_word(t)).collect();
                if words.is_empty() {
                    return NONE;
                }
                let content = words.iter().filter(|&&t| inside(&gold.content, t)).count();
                let source = words.iter().filter(|&&t| inside(&gold.source, t)).count();
                if content * 2 > words.len() {
                    CONTENT
                } else if source * 2 > words.len() {
                    SOURCE
                } else {
                    NONE
                }
            })
            .collect()
    }

    /// The head word of a gold cue: the candidate among its words whose
    /// head lies outside the cue.
    fn gold_cue_head(&self, gold: &GoldAttribution) -> Option<usize> {
        let cx = self.cx;
        let toks = &cx.doc.tokens;
        let mut words = Vec::new();
        for g in &gold.cue {
            let first = toks.partition_point(|t| t.span.end <= g.start);
            words.extend((first..toks.len()).take_while(|&t| toks[t].span.start < g.end));
        }
        let top = |&t: &usize| cx.head(t).is_none_or(|h| !words.contains(&h));
        words
            .iter()
            .copied()
            .filter(|&t| self.candidate(t))
            .find(|t| top(t))
            .or_else(|| words.iter().copied().find(|&t| self.candidate(t)))
    }
}

fn argmax(scores: &[i32]) -> u16 {
    let mut best = 0;
    for (i, &s) in scores.iter().enumerate() {
        if s > scores[best] {
            best = i;
        }
    }
    best as u16
}

/// The attributions the model finds in `cx` (the rules' own candidates win
/// over them).
pub(super) fn attributions(
    cx: &Ctx<'_>,
    model: &AttributionModel,
    version: &str,
    out: &mut Vec<(Quote, u8)>,
) {
    if !cx.parsed || !cx.tagged {
        return;
    }
    let view = View::new(cx, &model.clusters);
    let mut f = Feats::default();
    for c in 0..cx.lower.len() {
        if !view.candidate(c) {
            continue;
        }
        view.cue_features(c, &mut f);
        let mut s = [0i32; 2];
        model.cue.score(&f.0, &mut s);
        if s[1] - s[0] <= model.threshold {
            continue;
        }
        let cue = cue_span(cx, c);
        let cons = view.constituents(c, cue);
        let mut content: Option<(usize, usize)> = None;
        let mut source: Option<(i32, &Constituent)> = None;
        for k in &cons {
            view.role_features(c, k, &mut f);
            let mut r = [0i32; 3];
            model.role.score(&f.0, &mut r);
            match argmax(&r) {
                CONTENT => {
                    for &(lo, hi) in &k.parts {
                        content = Some(content.map_or((lo, hi), |(a, b)| (a.min(lo), b.max(hi))));
                    }
                }
                SOURCE => {
                    let margin = r[2] - r[0].max(r[1]);
                    if source.is_none_or(|(m, _)| margin > m) {
                        source = Some((margin, k));
                    }
                }
                _ => {}
            }
        }
        let Some((lo, hi)) = content else {
            continue;
        };
        // A reporting verb of the lexicon reports a clause: `said a prayer`
        // is narrative (stance verbs, outside the lexicon, may take a noun
        // phrase: `downplayed the risk`).
        let say = matches!(view.lemma(c).as_str(), "say" | "tell");
        if say && !(lo..=hi).any(|k| clause_word(cx, k)) {
            continue;
        }
        // The clause without its complementiser and edge punctuation.
        let mut lo = lo;
        while lo < hi && (cx.is_punct(lo) || (cx.deprel(lo) == "mark" && cx.lower[lo] == "that")) {
            lo += 1;
        }
        let lo = after_dateline(cx, lo, hi);
        let Some((lo, hi)) = cx.trim_punct(lo, hi) else {
            continue;
        };
        let lo = cx.with_opening_mark(lo, hi);
        if (lo..=hi).filter(|&k| cx.is_word(k)).count() < 2 {
            continue;
        }
        // Keep the marks of quoted words at the clause's end together.
        let hi = cx.with_closing_marks(hi);
        let speaker = source.and_then(|(_, src)| {
            if src.rel.starts_with("c:") {
                Some(cx.np(src.head))
            } else {
                src.bounds().and_then(|(a, b)| cx.trim_punct(a, b))
            }
        });
        let fits = |&(slo, shi): &(usize, usize)| {
            !(shi + 1 - slo > MAX_SOURCE
                || (lo <= slo && shi <= hi)
                || cx.quoted[slo]
                || cx.is_time(slo, shi))
        };
        // The rules' subject search reaches speakers no constituent holds
        // (`…, saying`, `and added`, `who said`).
        let speaker = speaker
            .filter(fits)
            .or_else(|| cx.parsed_speaker(c).filter(fits));
        let kind = if (lo..=hi).any(|k| cx.double[k]) {
            QuoteKind::Mixed
        } else {
            QuoteKind::Indirect
        };
        // Quoted words with no one to say them are scare quotes.
        if speaker.is_none() && kind == QuoteKind::Mixed {
            continue;
        }
        // A content around its own cue is a misreading (a quotation the
        // marks missed, attribution included, or `[the top 1 percent] would
        // see … rise, according to …`), and a duration is what a speaker did
        // (`spoke for almost an hour`), not what they said.
        if (lo..=hi).contains(&c) || cx.is_duration(lo, hi) {
            continue;
        }
        let attr = Attr {
            cue: Some(cue),
            speaker,
            addressee: cx.addressee(c),
        };
        out.push((
            super::make_quote(cx, kind, cx.span(lo, hi), &attr, version),
            super::PRIORITY_LEARNED,
        ));
    }
}

/// The first word after a wire dateline (`PORT TALVIN, March 3 - `) that
/// opens `lo..=hi`: a place in capitals, then a dash within a few words.
fn after_dateline(cx: &Ctx<'_>, lo: usize, hi: usize) -> usize {
    let t = cx.text(lo);
    let capitals = t.chars().count() >= 2 && t.chars().all(|c| !c.is_lowercase());
    if !capitals {
        return lo;
    }
    (lo + 1..hi.min(lo + 10))
        .find(|&k| matches!(cx.text(k), "-" | "–" | "—" | "―") && cx.between(k - 1, k) == " ")
        .map_or(lo, |k| k + 1)
}

/// Whether word `k` heads a clause: a verb (or a predicate with a copula)
/// in a clausal relation.
fn clause_word(cx: &Ctx<'_>, k: usize) -> bool {
    let w = &cx.doc.words[k];
    let predicate = w.upos == "VERB"
        || cx.children[k]
            .iter()
            .any(|&x| matches!(cx.deprel(x), "cop" | "nsubj" | "nsubj:pass"));
    predicate
        && matches!(
            w.deprel.split(':').next().unwrap_or(""),
            "ccomp" | "xcomp" | "parataxis" | "advcl" | "acl" | "csubj" | "root" | "conj"
        )
}

/// The cue's words: the head with its particle or fixed partner
/// (`pointed out`, `according to`).
fn cue_span(cx: &Ctx<'_>, c: usize) -> (usize, usize) {
    let (lo, mut hi) = cx.cue_span(c);
    for &k in &cx.children[c] {
        if k == hi + 1 && matches!(cx.deprel(k), "fixed" | "compound:prt") {
            hi = k;
        }
    }
    (lo, hi)
}

/// One document prepared for training: features computed once.
struct Prepared {
    cue: Vec<(Vec<u32>, u16)>,
    role: Vec<(Vec<u32>, u16)>,
}

fn prepare(
    doc: &Document,
    gold: &[GoldAttribution],
    lex: &Lexicon,
    clusters: &WordClusters,
    report: &mut AttributionTrainReport,
) -> Option<Prepared> {
    let mut diags = Vec::new();
    let (cx, _) = Ctx::build(doc, lex, &mut diags)?;
    if !cx.parsed || !cx.tagged {
        return None;
    }
    let view = View::new(&cx, clusters);
    let mut heads: Vec<(usize, &GoldAttribution)> = Vec::new();
    for g in gold {
        report.attributions += 1;
        match view.gold_cue_head(g) {
            Some(h) if !heads.iter().any(|(x, _)| *x == h) => heads.push((h, g)),
            Some(_) => {}
            None => report.unaligned_cues += 1,
        }
    }
    let mut f = Feats::default();
    let mut p = Prepared {
        cue: Vec::new(),
        role: Vec::new(),
    };
    for i in 0..cx.lower.len() {
        if !view.candidate(i) {
            continue;
        }
        view.cue_features(i, &mut f);
        let truth = u16::from(heads.iter().any(|(h, _)| *h == i));
        p.cue.push((f.0.clone(), truth));
    }
    for &(c, g) in &heads {
        let cons = view.constituents(c, cue_span(&cx, c));
        let labels = view.role_labels(&cons, g);
        for (k, label) in cons.iter().zip(labels) {
            view.role_features(c, k, &mut f);
            p.role.push((f.0.clone(), label));
        }
    }
    report.cue_candidates += p.cue.len();
    report.role_instances += p.role.len();
    Some(p)
}

/// Trains the model on parsed documents (segmentation, tags, lemmas and
/// parse filled; entities help) with their gold attributions, and returns
/// the model file's bytes. `progress` is told each epoch's training
/// accuracies.
pub fn train_attributions(
    docs: &[(Document, Vec<GoldAttribution>)],
    lex: &Lexicon,
    opts: &AttributionTrainOptions,
    mut progress: impl FnMut(usize, f64, f64),
) -> (Vec<u8>, AttributionTrainReport) {
    let mut report = AttributionTrainReport::default();
    let clusters = WordClusters::from_pairs(&opts.clusters);
    let prepared: Vec<Prepared> = docs
        .iter()
        .filter_map(|(d, g)| prepare(d, g, lex, &clusters, &mut report))
        .collect();
    report.documents = prepared.len();
    let mut cue = Trainer::new(2);
    let mut role = Trainer::new(3);
    let mut order: Vec<usize> = (0..prepared.len()).collect();
    let mut rng = Rng::new(opts.seed);
    for epoch in 0..opts.epochs {
        rng.shuffle(&mut order);
        let (mut cue_ok, mut cue_n, mut role_ok, mut role_n) = (0usize, 0usize, 0usize, 0usize);
        for &d in &order {
            for (fs, truth) in &prepared[d].cue {
                let mut s = [0f32; 2];
                cue.score(fs, &mut s);
                let guess = u16::from(s[1] > s[0]);
                cue_ok += usize::from(guess == *truth);
                cue_n += 1;
                cue.update(fs, *truth, guess);
                cue.tick();
            }
            for (fs, truth) in &prepared[d].role {
                let mut s = [0f32; 3];
                role.score(fs, &mut s);
                let mut guess = 0u16;
                for k in 1..3 {
                    if s[k] > s[guess as usize] {
                        guess = k as u16;
                    }
                }
                role_ok += usize::from(guess == *truth);
                role_n += 1;
                role.update(fs, *truth, guess);
                role.tick();
            }
        }
        let acc = |ok: usize, n: usize| 100.0 * ok as f64 / n.max(1) as f64;
        report
            .epochs
            .push((acc(cue_ok, cue_n), acc(role_ok, role_n)));
        progress(epoch + 1, acc(cue_ok, cue_n), acc(role_ok, role_n));
    }
    // The weights first, so that the stamp can name them.
    let mut weights = Writer::new(MAGIC, ATTRIBUTION_FORMAT);
    clusters.write(&mut weights);
    cue.write_averaged(&mut weights, 1);
    role.write_averaged(&mut weights, 1);
    let body = &weights.buf[8..];
    let stamp = format!("attribution-{:08x}", fnv(FNV, body) >> 32);
    let mut w = Writer::new(MAGIC, ATTRIBUTION_FORMAT);
    w.str(&stamp);
    w.u32(opts.threshold as u32);
    w.buf.extend_from_slice(body);
    (w.finish(), report)
}
