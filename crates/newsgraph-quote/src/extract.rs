//! Finding quotes: quotation-mark regions and their attributions (direct and
//! mixed), then reported speech from the parse (indirect).

use crate::lexicon::{CueClass, Lexicon};
use learned::AttributionModel;
use std::collections::{BTreeSet, HashMap};

pub(crate) mod learned;
use newsgraph_core::{
    Diagnostic, Document, EntityType, Quote, QuoteDir, QuoteKind, Span, TokenKind,
};

/// At most this many tokens between a closing mark and a cue after it
/// (`,” Nujaba spokesman, Nasr al-Shammari, told …`).
const POST_CUE_WINDOW: usize = 14;
/// At most this many tokens in a speaker found without a parse.
const MAX_SURFACE_SPEAKER: usize = 10;
/// At most this many tokens between two parts of an interrupted quote.
const MAX_INTERRUPTION: usize = 16;
/// Quoted phrases of at most this many words inside a reported clause are
/// part of the indirect quote rather than a mixed quote of their own.
const SHORT_PHRASE: usize = 3;

/// Lower-case words that may sit between a speaker and its cue (`he also
/// said`, `officials have said`) and are trimmed from surface speakers.
const SPEAKER_TRIM: &[&str] = &[
    "also",
    "has",
    "have",
    "had",
    "was",
    "is",
    "were",
    "are",
    "then",
    "later",
    "further",
    "again",
    "previously",
    "recently",
    "once",
    "would",
    "will",
    "had",
    "repeatedly",
    "reportedly",
    "often",
    "has",
    "did",
    "does",
    "do",
    "not",
    "never",
    "just",
    "finally",
    "quickly",
    "simply",
    "",
];

/// Which family a quotation mark belongs to and which way it faces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mark {
    Straight,
    /// `“` (or ``` `` ```)
    OpenCurly,
    /// `”` (or `''`)
    CloseCurly,
    /// `„`
    Low9,
    /// `''` used both ways (some wire and newspaper styles).
    TwoSingle,
    OpenGuil,
    CloseGuil,
}

fn mark_of(s: &str) -> Option<Mark> {
    Some(match s {
        "\"" | "＂" => Mark::Straight,
        "“" | "``" | "‟" => Mark::OpenCurly,
        "”" => Mark::CloseCurly,
        "''" => Mark::TwoSingle,
        "„" => Mark::Low9,
        "«" => Mark::OpenGuil,
        "»" => Mark::CloseGuil,
        _ => return None,
    })
}

/// A stretch of quoted text: token indices of the marks and the content.
#[derive(Clone, Copy, Debug)]
struct Region {
    open: usize,
    /// The closing mark, if there was one.
    close: Option<usize>,
    /// First and last content tokens (inclusive).
    first: usize,
    last: usize,
}

/// An attribution found for a region or a reported clause, in token indices
/// (inclusive ranges).
#[derive(Clone, Copy, Debug, Default)]
struct Attr {
    cue: Option<(usize, usize)>,
    speaker: Option<(usize, usize)>,
    addressee: Option<(usize, usize)>,
}

impl Attr {
    fn found(&self) -> bool {
        self.cue.is_some()
    }
}

struct Ctx<'a> {
    doc: &'a Document,
    lex: &'a Lexicon,
    lower: Vec<String>,
    sent_of: Vec<usize>,
    tagged: bool,
    parsed: bool,
    children: Vec<Vec<usize>>,
    /// The whole subtree of each token as a token span (what `subtree` with
    /// nothing skipped returns), worked out once bottom-up so that asking
    /// for it per cue stays linear in a sentence with thousands of cues;
    /// `None` where heads loop, and empty where sentences overlap: those
    /// fall back to the walk.
    full_subtrees: Vec<Option<(usize, usize)>>,
    /// The same for `np`'s subtrees, which leave clauses out.
    np_subtrees: Vec<Option<(usize, usize)>>,
    /// Token lies inside (or is a mark of) a quotation region.
    quoted: Vec<bool>,
    /// Token lies inside a region of double marks (not `‘…’`).
    double: Vec<bool>,
}

pub(crate) fn extract(
    doc: &Document,
    lex: &Lexicon,
    version: &str,
    stances: bool,
    model: Option<&AttributionModel>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Quote> {
    let Some((cx, regions)) = Ctx::build(doc, lex, diags) else {
        return Vec::new();
    };
    let mut cands: Vec<(Quote, u8)> = Vec::new();
    direct_quotes(&cx, &regions, version, &mut cands);
    if cx.parsed {
        indirect_quotes(&cx, version, stances, &mut cands);
    }
    according_to(&cx, version, &mut cands);
    speaker_labels(&cx, version, &mut cands);
    headline(&cx, version, &mut cands);
    if let Some(model) = model.filter(|_| cx.parsed) {
        // The rules above win where they overlap; the model fills the gaps
        // (the cues and constructions no rule covers).
        learned::attributions(&cx, model, version, &mut cands);
    }
    let mut quotes = choose(cands);
    for q in &mut quotes {
        q.clause = q.clause.and_then(|c| cx.tidy_clause(c, q.content));
    }
    quotes
}

impl<'a> Ctx<'a> {
    /// The context over a segmented document, with its quotation regions
    /// found and marked; `None` for a document without tokens or sentences.
    fn build(
        doc: &'a Document,
        lex: &'a Lexicon,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<(Ctx<'a>, Vec<Region>)> {
        let n = doc.tokens.len();
        if n == 0 || doc.sentences.is_empty() {
            return None;
        }
        let mut sent_of = vec![usize::MAX; n];
        for (si, s) in doc.sentences.iter().enumerate() {
            for t in s.token_range() {
                if t < n {
                    sent_of[t] = si;
                }
            }
        }
        let lower = doc
            .tokens
            .iter()
            .map(|t| t.span.slice(&doc.text).to_lowercase())
            .collect();
        let have_words = doc.words.len() == n;
        let tagged = have_words && doc.words.iter().any(|w| !w.upos.is_empty());
        let parsed = have_words && doc.words.iter().any(|w| !w.deprel.is_empty());
        let mut children = vec![Vec::new(); if parsed { n } else { 0 }];
        if parsed {
            for (i, w) in doc.words.iter().enumerate() {
                if let Some(h) = w.head {
                    if (h as usize) < n && h as usize != i {
                        children[h as usize].push(i);
                    }
                }
            }
        }
        // Sentences that share tokens (never from the segmenter) leave every
        // subtree to the walk, which reads the root's sentence alone.
        let disjoint = doc
            .sentences
            .windows(2)
            .all(|w| w[0].token_range().end <= w[1].token_range().start);
        let (full_subtrees, np_subtrees) = if disjoint && parsed {
            let np_part = |c: usize| !np_skips(&doc.words[c].deprel);
            (
                subtree_spans(&children, &sent_of, |_| true),
                subtree_spans(&children, &sent_of, np_part),
            )
        } else {
            (Vec::new(), Vec::new())
        };
        let mut cx = Ctx {
            doc,
            lex,
            lower,
            sent_of,
            tagged,
            parsed,
            children,
            full_subtrees,
            np_subtrees,
            quoted: vec![false; n],
            double: vec![false; n],
        };
        let (mut regions, unbalanced) = find_regions(&cx);
        for r in &mut regions {
            if r.close.is_none() {
                split_unclosed(&cx, r);
            }
        }
        if unbalanced > 0 {
            diags.push(Diagnostic::info(
                "quote",
                "unbalanced-quotes",
                format!(
                    "{unbalanced} quotation mark(s) without a partner; the quote ends at its line"
                ),
            ));
        }
        for r in &regions {
            let end = r.close.unwrap_or(r.last);
            let double = cx.text(r.open) != "‘";
            for k in r.open..=end.min(n - 1) {
                cx.quoted[k] = true;
                cx.double[k] |= double;
            }
        }
        Some((cx, regions))
    }
}

/// Candidate priorities (lower wins an overlap): a transcript's speaker
/// label, then quotation marks, then the parse's reported speech, then
/// `according to`, then the learned model.
pub(crate) const PRIORITY_LABEL: u8 = 0;
pub(crate) const PRIORITY_MARKS: u8 = 1;
pub(crate) const PRIORITY_PARSE: u8 = 2;
pub(crate) const PRIORITY_ACCORDING: u8 = 3;
pub(crate) const PRIORITY_LEARNED: u8 = 4;

/// Keeps the best non-overlapping candidates (lower priority number first,
/// then longer content), sorted by content span.
pub(crate) fn choose(mut cands: Vec<(Quote, u8)>) -> Vec<Quote> {
    // The parse's and the model's clauses by cue, for `clause_of`.
    let mut clauses_by_cue: HashMap<Span, Vec<Span>> = HashMap::new();
    for (q, p) in &cands {
        if *p >= PRIORITY_PARSE && q.parts.is_empty() {
            if let Some(cue) = q.cue {
                clauses_by_cue.entry(cue).or_default().push(q.content);
            }
        }
    }
    cands.sort_by_key(|(q, p)| (*p, std::cmp::Reverse(q.content.len()), q.content.start));
    let mut kept: Vec<(Quote, u8)> = Vec::new();
    // Kept candidates by content start, one set per length class (class `k`
    // holds lengths below 2^k), so that a clash is looked for only among
    // those that can reach the candidate: linear on documents with
    // thousands of quotes, and one very long quote does not make every
    // later look-up scan all the short ones before it.
    let mut by_class: Vec<BTreeSet<(u32, usize)>> = vec![BTreeSet::new(); 33];
    // Kept candidates by cue: one cue does not report a speaker's own name
    // as another reading's content (`…, claimed Mr Brown.` read both ways).
    let mut by_cue: HashMap<Span, Vec<usize>> = HashMap::new();
    for (q, p) in cands {
        let cue_clash = q
            .cue
            .and_then(|c| by_cue.get(&c))
            .is_some_and(|ks| ks.iter().any(|&i| crossed(&kept[i].0, &q)));
        if cue_clash {
            continue;
        }
        let clash = by_class
            .iter()
            .enumerate()
            .filter(|(_, set)| !set.is_empty())
            .flat_map(|(class, set)| {
                let reach = u32::try_from((1u64 << class) - 1).unwrap_or(u32::MAX);
                let from = q.content.start.saturating_sub(reach);
                set.range((from, 0)..(q.content.end, 0))
            })
            .map(|&(_, i)| &kept[i])
            .any(|(k, kp)| {
                if nests(&q, p, k) {
                    return false;
                }
                let inter = overlap(k.content, q.content);
                // Reported speech never overlaps quoted words of a quote.
                inter > 0
                    && (*kp <= PRIORITY_MARKS || inter * 2 >= q.content.len().min(k.content.len()))
            });
        if !clash {
            let len = q.content.end.saturating_sub(q.content.start);
            let class = (u32::BITS - len.leading_zeros()) as usize;
            by_class[class].insert((q.content.start, kept.len()));
            if let Some(c) = q.cue {
                by_cue.entry(c).or_default().push(kept.len());
            }
            kept.push((q, p));
        }
    }
    for (q, p) in &mut kept {
        if *p == PRIORITY_MARKS {
            let clauses = q.cue.and_then(|cue| clauses_by_cue.get(&cue));
            if let Some(c) = clauses.and_then(|c| clause_of(q, c)) {
                q.clause = Some(c);
            }
        }
    }
    let mut kept: Vec<Quote> = kept.into_iter().map(|(q, _)| q).collect();
    kept.sort_by_key(|q| (q.content.start, q.content.end));
    kept
}

/// Token span of the subtree of `i` inside `range`, following the children
/// `follow` accepts, by walking it (a step cap stops a loop of heads).
fn walk_subtree(
    children: &[Vec<usize>],
    range: std::ops::Range<usize>,
    i: usize,
    follow: &dyn Fn(usize) -> bool,
) -> (usize, usize) {
    let (mut lo, mut hi) = (i, i);
    let mut stack = vec![i];
    let mut steps = 0usize;
    while let Some(k) = stack.pop() {
        steps += 1;
        if steps > range.len() + 1 {
            break;
        }
        lo = lo.min(k);
        hi = hi.max(k);
        for &c in children.get(k).map_or(&[][..], Vec::as_slice) {
            if range.contains(&c) && follow(c) {
                stack.push(c);
            }
        }
    }
    (lo, hi)
}

/// The relations `Ctx::np` leaves out of a noun phrase: clauses.
fn np_skips(deprel: &str) -> bool {
    deprel.starts_with("acl") || deprel == "parataxis" || deprel == "ccomp" || deprel == "advcl"
}

/// The token span of every token's subtree within its sentence, children
/// `part` turns down left out with theirs (what `Ctx::subtree` returns
/// with the opposite test), from the leaves up in one pass over the
/// tokens. A token whose descendants loop back to it gets `None`, and so
/// does every token above it: the walk answers for those.
fn subtree_spans(
    children: &[Vec<usize>],
    sent_of: &[usize],
    part: impl Fn(usize) -> bool,
) -> Vec<Option<(usize, usize)>> {
    const UNSEEN: u8 = 0;
    const OPEN: u8 = 1;
    const DONE: u8 = 2;
    let n = children.len();
    let mut state = vec![UNSEEN; n];
    let mut spans: Vec<Option<(usize, usize)>> = vec![None; n];
    let follow =
        |k: usize, c: usize| sent_of[k] != usize::MAX && sent_of[c] == sent_of[k] && part(c);
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for root in 0..n {
        if state[root] != UNSEEN {
            continue;
        }
        state[root] = OPEN;
        stack.push((root, 0));
        while let Some(&mut (k, ref mut next)) = stack.last_mut() {
            if let Some(&c) = children[k].get(*next) {
                *next += 1;
                if follow(k, c) && state[c] == UNSEEN {
                    state[c] = OPEN;
                    stack.push((c, 0));
                }
                continue;
            }
            stack.pop();
            state[k] = DONE;
            // All children are settled (or open: a loop through `k`).
            let mut span = Some((k, k));
            for &c in &children[k] {
                if !follow(k, c) {
                    continue;
                }
                span = match (span, spans[c]) {
                    (Some((lo, hi)), Some((clo, chi))) if state[c] == DONE => {
                        Some((lo.min(clo), hi.max(chi)))
                    }
                    _ => None,
                };
            }
            spans[k] = span;
        }
    }
    spans
}

/// Whether one quote's content overlaps the other's speaker: two readings
/// of one cue that cannot both hold (`…, claimed Mr Brown.` as `Mr Brown`
/// reporting the clause, and as the clause's subject reporting `Mr Brown`).
pub(crate) fn crossed(a: &Quote, b: &Quote) -> bool {
    let hits =
        |content: Span, speaker: Option<Span>| speaker.is_some_and(|s| overlap(content, s) > 0);
    hits(a.content, b.speaker) || hits(b.content, a.speaker)
}

/// The reported clause around the quoted words of a mixed quote found from
/// its quotation marks: the longest clause the parse (or the model) found
/// for the same cue that starts before them and reaches into them, taken to
/// their end, and longer than they are. The quoted words stay the content
/// (what the speaker said word for word); the clause says what they are
/// about.
pub(crate) fn clause_of(q: &Quote, clauses: &[Span]) -> Option<Span> {
    if q.kind != QuoteKind::Mixed {
        return None;
    }
    // A clause that starts before the quoted words and runs into them
    // (`the United States has “formed many proxies … . The fight …”`, where
    // the parse's clause stops at the first sentence) reaches their end.
    clauses
        .iter()
        .filter(|c| c.start <= q.content.start && c.end > q.content.start)
        .map(|c| Span {
            start: c.start,
            end: c.end.max(q.content.end),
        })
        .filter(|c| c.len() > q.content.len())
        .max_by_key(|c| (c.len(), std::cmp::Reverse(c.start)))
}

/// Reported speech `q` (from the parse) around a mixed quote `inner` that
/// has its own cue inside `q`'s clause: `Trump said [that Clinton once
/// described the pact as “the gold standard”]` holds two attributions, and
/// both are kept.
pub(crate) fn nests(q: &Quote, p: u8, inner: &Quote) -> bool {
    p == PRIORITY_PARSE
        && inner.kind == QuoteKind::Mixed
        && q.content.contains(inner.content)
        && q.content.len() > inner.content.len()
        && inner
            .cue
            .is_some_and(|c| q.content.contains(c) && Some(c) != q.cue)
}

pub(crate) fn overlap(a: Span, b: Span) -> usize {
    let s = a.start.max(b.start);
    let e = a.end.min(b.end);
    e.saturating_sub(s) as usize
}

impl<'a> Ctx<'a> {
    fn text(&self, i: usize) -> &'a str {
        self.doc.tokens[i].span.slice(&self.doc.text)
    }

    fn is_word(&self, i: usize) -> bool {
        matches!(
            self.doc.tokens[i].kind,
            TokenKind::Word | TokenKind::Number | TokenKind::Hashtag | TokenKind::Mention
        )
    }

    fn is_punct(&self, i: usize) -> bool {
        matches!(self.doc.tokens[i].kind, TokenKind::Punct | TokenKind::Quote)
    }

    fn span(&self, lo: usize, hi: usize) -> Span {
        Span::new(
            self.doc.tokens[lo].span.start as usize,
            self.doc.tokens[hi].span.end as usize,
        )
    }

    fn sentence_range(&self, i: usize) -> std::ops::Range<usize> {
        match self.doc.sentences.get(self.sent_of[i]) {
            Some(s) => s.token_range(),
            None => i..i + 1,
        }
    }

    fn deprel(&self, i: usize) -> &str {
        if self.parsed {
            &self.doc.words[i].deprel
        } else {
            ""
        }
    }

    fn head(&self, i: usize) -> Option<usize> {
        if !self.parsed {
            return None;
        }
        let h = self.doc.words[i].head? as usize;
        (h < self.lower.len() && h != i).then_some(h)
    }

    fn lemma(&self, i: usize) -> &str {
        if self.tagged {
            let l = &self.doc.words[i].lemma;
            if !l.is_empty() {
                return l;
            }
        }
        self.lex.lemma_of(&self.lower[i])
    }

    /// The cue class of token `i` if it is a reporting verb.
    fn cue_class(&self, i: usize) -> Option<CueClass> {
        if !self.is_word(i) {
            return None;
        }
        if self.tagged {
            let w = &self.doc.words[i];
            let verb = w.upos == "VERB" || (w.upos.is_empty() && w.xpos.starts_with("VB"));
            if !verb {
                return None;
            }
            let lemma = w.lemma.to_lowercase();
            return self.lex.class(&self.lower[i], &lemma);
        }
        // Without tags, a capitalised form mid-sentence is a name (`Said`).
        let t = self.text(i);
        let sent_start = self.sentence_range(i).start == i;
        if !sent_start && t.chars().next().is_some_and(char::is_uppercase) {
            return None;
        }
        self.lex.class(&self.lower[i], "")
    }

    /// Token span of the subtree of `i` (inclusive), within `i`'s sentence,
    /// leaving out the subtrees of children whose relation `skip` accepts.
    fn subtree(&self, i: usize, skip: &dyn Fn(&str) -> bool) -> (usize, usize) {
        walk_subtree(&self.children, self.sentence_range(i), i, &|c| {
            !skip(self.deprel(c))
        })
    }

    /// Token span of the whole subtree of `i` within its sentence: the same
    /// as `subtree(i, &|_| false)`, looked up where it could be worked out
    /// ahead.
    fn full_subtree(&self, i: usize) -> (usize, usize) {
        match self.full_subtrees.get(i) {
            Some(&Some(span)) => span,
            _ => self.subtree(i, &|_| false),
        }
    }

    /// A noun phrase around `i`: its subtree without clauses attached to it.
    fn np(&self, i: usize) -> (usize, usize) {
        let (lo, hi) = match self.np_subtrees.get(i) {
            Some(&Some(span)) => span,
            _ => self.subtree(i, &np_skips),
        };
        self.trim_punct(lo, hi).unwrap_or((i, i))
    }

    /// `Beirut-based al-Mayadeen network`: when the parser cut the noun phrase
    /// at a hyphenated modifier, run on through the modifier and the nouns
    /// after it.
    fn hyphenated_np(&self, (lo, mut hi): (usize, usize)) -> (usize, usize) {
        let n = self.doc.tokens.len();
        let joined =
            |i: usize| i + 2 < n && self.text(i + 1) == "-" && !self.doc.tokens[i].space_after;
        if !joined(hi) {
            return (lo, hi);
        }
        while joined(hi) {
            hi += 2;
        }
        while hi + 1 < n
            && self.tagged
            && (matches!(
                self.doc.words[hi + 1].upos.as_str(),
                "PROPN" | "NOUN" | "ADJ"
            ) || self.text(hi + 1) == "-" && !self.doc.tokens[hi].space_after
                || joined(hi + 1))
        {
            hi += 1;
        }
        (lo, hi)
    }

    fn trim_punct(&self, mut lo: usize, mut hi: usize) -> Option<(usize, usize)> {
        while lo <= hi && self.is_punct(lo) {
            lo += 1;
        }
        while hi >= lo && self.is_punct(hi) {
            if hi == 0 {
                return None;
            }
            hi -= 1;
        }
        (lo <= hi).then_some((lo, hi))
    }

    fn nsubj(&self, v: usize) -> Option<usize> {
        self.children[v]
            .iter()
            .copied()
            .find(|&k| matches!(self.deprel(k), "nsubj" | "nsubj:outer"))
    }

    /// The subject of cue `c`: its `nsubj`; for participles (`…, saying`)
    /// the subject of the main clause above them; for coordinated and
    /// embedded verbs (`and added`) their head's.
    fn subject(&self, c: usize) -> Option<usize> {
        if let Some(s) = self.nsubj(c) {
            // `who said`: the speaker is the noun the relative clause modifies.
            if matches!(self.lower[s].as_str(), "who" | "which" | "that")
                && self.deprel(c).starts_with("acl")
            {
                return self.head(c);
            }
            return Some(s);
        }
        let participle =
            self.lower[c].ends_with("ing") || (self.tagged && self.doc.words[c].xpos == "VBG");
        if participle {
            // The topmost clause with a subject, short of quoted words that
            // the parse made the root (`“…,” he said, adding …`).
            let mut v = c;
            let mut best = None;
            for _ in 0..12 {
                let Some(h) = self.head(v) else { break };
                if self.quoted[h] && !self.quoted[c] {
                    break;
                }
                v = h;
                if let Some(s) = self.nsubj(v) {
                    best = Some(s);
                }
            }
            return best;
        }
        let mut v = c;
        for _ in 0..4 {
            match self.deprel(v) {
                "advcl" | "xcomp" | "conj" => v = self.head(v)?,
                _ => return None,
            }
            if let Some(s) = self.nsubj(v) {
                return Some(s);
            }
        }
        None
    }

    /// The speaker of cue `c` from the parse, as a token range, if it is a
    /// plausible one: outside quotes, not containing the cue, not too long.
    fn parsed_speaker(&self, c: usize) -> Option<(usize, usize)> {
        let s = self.subject(c)?;
        let (lo, mut hi) = self.np(s);
        // `harbour master Elena Brask told`: a name the parse left out of
        // the subject, right before the cue.
        while hi + 1 < c && self.tagged && self.doc.words[hi + 1].upos == "PROPN" {
            hi += 1;
        }
        let ok = !(lo..=hi).contains(&c) && !(lo..=hi).any(|k| self.quoted[k]) && hi + 1 - lo <= 30;
        ok.then_some((lo, hi))
    }

    /// The first noun phrase of `c`'s sentence (up to a verb, comma or
    /// relative pronoun), as a last resort for participle cues.
    fn first_np(&self, c: usize) -> Option<(usize, usize)> {
        let r = self.sentence_range(c);
        let mut lo = r.start;
        while lo < c && self.is_punct(lo) {
            lo += 1;
        }
        let mut hi = lo;
        while hi < c {
            let stop = self.is_punct(hi)
                || matches!(self.lower[hi].as_str(), "that" | "who" | "which" | "whose")
                || (self.tagged && matches!(self.doc.words[hi].upos.as_str(), "VERB" | "AUX"));
            if stop || self.quoted[hi] {
                break;
            }
            hi += 1;
        }
        if hi == lo || hi - lo > 8 {
            return None;
        }
        let first = self.text(lo);
        let capital = first.chars().next().is_some_and(char::is_uppercase);
        capital.then_some((lo, hi - 1))
    }

    /// The addressee of cue `c`: the object of `tell`-like verbs, or a
    /// channel (`on Twitter`, `to reporters`).
    fn addressee(&self, c: usize) -> Option<(usize, usize)> {
        let lemma = self.lemma(c).to_lowercase();
        for &k in &self.children[c] {
            let d = self.deprel(k);
            if (d == "obj" || d == "iobj") && self.lex.addressee_verbs.contains(&lemma) {
                return Some(self.hyphenated_np(self.np(k)));
            }
            if d.starts_with("obl") {
                let case = self.children[k]
                    .iter()
                    .find(|&&x| self.deprel(x) == "case")
                    .map(|&x| self.lower[x].as_str());
                if matches!(case, Some("on" | "to")) && self.is_channel(k) {
                    let (lo, hi) = self.np(k);
                    let lo = if lo < k && self.deprel(lo) == "case" {
                        lo + 1
                    } else {
                        lo
                    };
                    return Some((lo.min(hi), hi));
                }
            }
        }
        None
    }

    /// Whether `lo..=hi` is nothing but a time (`Friday`, `last Tuesday`,
    /// `March 3`): the parse sometimes makes one the subject of a cue
    /// (`the footage released Friday did not show …`), and a time never
    /// speaks.
    pub(crate) fn is_time(&self, lo: usize, hi: usize) -> bool {
        let day = |w: &str| WEEKDAYS.contains(&w) || DAY_WORDS.contains(&w);
        (lo..=hi).any(|k| day(&self.lower[k]))
            && (lo..=hi).all(|k| {
                let w = self.lower[k].as_str();
                day(w)
                    || matches!(w, "last" | "next" | "this" | "on" | "early" | "late")
                    || self.doc.tokens[k].kind == TokenKind::Number
                    || self.is_punct(k)
            })
    }

    /// `said North Korea's latest "provocation cannot …"`, misparsed: the
    /// few words between a speech or belief verb and the opening mark of
    /// quoted words (a noun phrase's start: no punctuation, no verb, not
    /// `as` or `which`) start the reported clause, which ends with the
    /// quoted words (`last`).
    fn clause_after(&self, c: usize, open: usize, last: usize) -> Option<(usize, usize)> {
        /// Most words between the cue and the mark.
        const MAX_LEAD: usize = 6;
        if !self.tagged
            || open <= c + 1
            || open - c - 1 > MAX_LEAD
            || !matches!(self.cue_class(c), Some(CueClass::Speech | CueClass::Belief))
        {
            return None;
        }
        let lead = c + 1..open;
        let plain = lead.clone().all(|k| {
            !self.quoted[k]
                && (self.is_word(k) || self.text(k) == "'s" || self.text(k) == "’s")
                && !matches!(self.doc.words[k].upos.as_str(), "VERB" | "AUX")
        });
        if !plain {
            return None;
        }
        let lo = if self.lower[c + 1] == "that" {
            c + 2
        } else {
            c + 1
        };
        let noun_phrase = lo < open
            && matches!(
                self.doc.words[lo].upos.as_str(),
                "DET" | "PROPN" | "NOUN" | "ADJ" | "NUM"
            );
        if !noun_phrase || last < open {
            return None;
        }
        self.trim_punct(lo, last)
    }

    /// Every word of `lo..=hi` in capitals, two letters or more (`BEIRUT`,
    /// a transcript's `SENATOR`).
    fn all_capitals(&self, lo: usize, hi: usize) -> bool {
        (lo..=hi).filter(|&k| self.is_word(k)).all(|k| {
            let t = self.text(k);
            t.chars().count() >= 2 && t.chars().all(|c| !c.is_lowercase())
        })
    }

    /// Whether a place's mention overlaps tokens `lo..=hi` (a dateline).
    fn overlaps_place(&self, lo: usize, hi: usize) -> bool {
        let toks = &self.doc.tokens;
        self.doc.entities.iter().any(|e| {
            e.entity_type == EntityType::Loc
                && e.mentions
                    .iter()
                    .any(|m| m.span.start < toks[hi].span.end && toks[lo].span.start < m.span.end)
        })
    }

    /// Whether `lo..=hi` is a short phrase of time or duration introduced
    /// by a preposition (`for almost an hour`, `during the night`): what a
    /// speaker did for how long, never what they said.
    pub(crate) fn is_duration(&self, lo: usize, hi: usize) -> bool {
        const UNITS: &[&str] = &[
            "second",
            "seconds",
            "minute",
            "minutes",
            "hour",
            "hours",
            "day",
            "days",
            "week",
            "weeks",
            "month",
            "months",
            "year",
            "years",
            "decade",
            "decades",
            "night",
            "nights",
            "morning",
            "afternoon",
            "evening",
            "while",
        ];
        let words: Vec<usize> = (lo..=hi).filter(|&k| self.is_word(k)).collect();
        let preposition = words.first().is_some_and(|&k| {
            matches!(
                self.lower[k].as_str(),
                "for" | "during" | "until" | "since" | "after" | "before" | "within" | "over"
            )
        });
        preposition
            && words.len() <= 6
            && words
                .iter()
                .any(|&k| UNITS.contains(&self.lower[k].as_str()))
    }

    fn is_channel(&self, k: usize) -> bool {
        self.lex.channels.contains(&self.lower[k])
            || (self.tagged
                && self.doc.words[k].upos == "PROPN"
                && !WEEKDAYS.contains(&self.lower[k].as_str())
                && !MONTHS.contains(&self.lower[k].as_str()))
    }
}

/// Days of the week: names, but not channels, nor speakers.
const WEEKDAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// Months: names, but not channels.
const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Besides the days of the week, words that make a time phrase on their
/// own (see `Ctx::is_time`).
const DAY_WORDS: &[&str] = &["today", "yesterday", "tonight", "tomorrow"];

impl Ctx<'_> {
    /// The cue span: the verb plus its particle (`pointed out`).
    fn cue_span(&self, c: usize) -> (usize, usize) {
        if self.parsed {
            if let Some(&p) = self.children[c]
                .iter()
                .find(|&&k| self.deprel(k) == "compound:prt" && k == c + 1)
            {
                return (c, p);
            }
        } else if c + 1 < self.lower.len()
            && self.lower[c].starts_with("point")
            && self.lower[c + 1] == "out"
        {
            return (c, c + 1);
        }
        (c, c)
    }
}

/// Pairs quotation marks into regions. Returns the regions and the number
/// of marks left unpaired.
fn find_regions(cx: &Ctx<'_>) -> (Vec<Region>, usize) {
    let doc = cx.doc;
    let text = &doc.text;
    let mut regions = Vec::new();
    let mut unbalanced = 0usize;
    let mut stack: Vec<Mark> = Vec::new();
    let mut open: Option<usize> = None;
    let mut last_mark = 0usize;
    // Ends the open region without a closing mark: at the end of the line of
    // the last mark, or before `limit`.
    let close_unbalanced =
        |open: usize, last_mark: usize, limit: usize, regions: &mut Vec<Region>| {
            let from = doc.tokens[last_mark].span.end as usize;
            let line_end = text[from..]
                .find('\n')
                .map_or(text.len(), |k| from + k)
                .min(
                    doc.tokens
                        .get(limit)
                        .map_or(text.len(), |t| t.span.start as usize),
                );
            let mut last = open;
            let mut k = open + 1;
            while k < limit && (doc.tokens[k].span.end as usize) <= line_end {
                last = k;
                k += 1;
            }
            if last > open {
                regions.push(Region {
                    open,
                    close: None,
                    first: open + 1,
                    last,
                });
            }
        };
    for i in 0..doc.tokens.len() {
        let t = &doc.tokens[i];
        if t.kind != TokenKind::Quote {
            continue;
        }
        let Some(m) = mark_of(t.span.slice(text)) else {
            continue;
        };
        let opening = matches!(m, Mark::OpenCurly | Mark::Low9 | Mark::OpenGuil)
            || (m == Mark::Straight && t.quote != Some(QuoteDir::Close))
            || (m == Mark::TwoSingle && open.is_none());
        if let Some(o) = open {
            let gap = &text[doc.tokens[last_mark].span.end as usize..t.span.start as usize];
            if gap.contains('\n') {
                // Only the rest of the last mark's line, then blank lines:
                // an opening mark here continues the quote in a new paragraph.
                let after_first = gap.split_once('\n').map_or("", |(_, r)| r);
                if (opening || m == Mark::TwoSingle) && after_first.trim().is_empty() {
                    stack.clear();
                    stack.push(m);
                    last_mark = i;
                    continue;
                }
                unbalanced += 1;
                close_unbalanced(o, last_mark, i, &mut regions);
                open = None;
                stack.clear();
            }
        }
        if open.is_none() {
            if opening {
                open = Some(i);
                stack.clear();
                stack.push(m);
                last_mark = i;
            } else {
                unbalanced += 1;
            }
            continue;
        }
        let o = open.unwrap_or(i);
        last_mark = i;
        let top = stack.last().copied();
        match m {
            Mark::Straight => {
                if top == Some(Mark::Straight) || t.quote == Some(QuoteDir::Close) {
                    stack.pop();
                } else {
                    stack.push(m);
                }
            }
            Mark::OpenCurly => {
                if top == Some(Mark::Low9) {
                    stack.pop();
                } else if top == Some(Mark::OpenCurly) && stack.len() == 1 {
                    // A second opening mark of the same kind: the first quote
                    // was never closed; end it here and start a new one.
                    unbalanced += 1;
                    if i > o + 1 {
                        regions.push(Region {
                            open: o,
                            close: None,
                            first: o + 1,
                            last: i - 1,
                        });
                    }
                    open = Some(i);
                    continue;
                } else {
                    stack.push(m);
                }
            }
            Mark::Low9 | Mark::OpenGuil => stack.push(m),
            Mark::TwoSingle => {
                if matches!(top, Some(Mark::TwoSingle | Mark::OpenCurly)) {
                    stack.pop();
                } else {
                    stack.push(m);
                }
            }
            Mark::CloseCurly | Mark::CloseGuil => {
                stack.pop();
            }
        }
        if stack.is_empty() {
            if i > o + 1 {
                regions.push(Region {
                    open: o,
                    close: Some(i),
                    first: o + 1,
                    last: i - 1,
                });
            }
            open = None;
        }
    }
    if let Some(o) = open {
        unbalanced += 1;
        close_unbalanced(o, last_mark, doc.tokens.len(), &mut regions);
    }
    single_quote_regions(cx, &mut regions);
    regions.sort_by_key(|r| r.open);
    (regions, unbalanced)
}

/// An unclosed quote that runs into its own attribution (`"We will stay,
/// the mayor said.`): ends it at the comma before the attribution.
fn split_unclosed(cx: &Ctx<'_>, r: &mut Region) {
    for k in r.first..=r.last {
        if cx.text(k) != "," || k == r.first {
            continue;
        }
        let sent = cx.sentence_range(k);
        let cue = (k + 1..sent.end.min(r.last + 1))
            .filter(|&j| !cx.is_punct(j))
            .take(6)
            .find(|&j| cx.cue_class(j).is_some_and(|c| c != CueClass::Belief));
        if cue.is_some() {
            r.close = Some(k);
            r.last = k - 1;
            return;
        }
    }
}

/// `‘…’` pairs at top level within one sentence (headlines and some styles
/// quote with single marks).
fn single_quote_regions(cx: &Ctx<'_>, regions: &mut Vec<Region>) {
    let doc = cx.doc;
    let inside = |i: usize, regions: &[Region]| {
        regions
            .iter()
            .any(|r| r.open <= i && i <= r.close.unwrap_or(r.last))
    };
    let mut found = Vec::new();
    let mut i = 0;
    while i < doc.tokens.len() {
        let t = &doc.tokens[i];
        if t.kind == TokenKind::Quote && cx.text(i) == "‘" && !inside(i, regions) {
            let range = cx.sentence_range(i);
            let close = (i + 1..range.end).find(|&k| {
                doc.tokens[k].kind == TokenKind::Quote
                    && cx.text(k) == "’"
                    && (k + 1 >= doc.tokens.len()
                        || !cx.is_word(k + 1)
                        || doc.tokens[k].space_after)
            });
            if let Some(k) = close {
                if k > i + 1 {
                    found.push(Region {
                        open: i,
                        close: Some(k),
                        first: i + 1,
                        last: k - 1,
                    });
                }
                i = k + 1;
                continue;
            }
        }
        i += 1;
    }
    regions.extend(found);
}

/// Quotes from quotation-mark regions: finds each region's attribution,
/// merges interrupted quotes, and decides direct or mixed.
fn direct_quotes(cx: &Ctx<'_>, regions: &[Region], version: &str, out: &mut Vec<(Quote, u8)>) {
    struct Found {
        region: Region,
        attr: Attr,
        /// The attribution came from after the closing mark.
        after: bool,
        mixed: bool,
        /// End of the content (last token) after merging continuations.
        last: usize,
        /// The merged regions' contents (first and last tokens).
        pieces: Vec<(usize, usize)>,
    }
    let mut found: Vec<Found> = Vec::new();
    for (ri, r) in regions.iter().enumerate() {
        let prev_end = ri
            .checked_sub(1)
            .and_then(|p| regions.get(p))
            .map(|p| p.close.unwrap_or(p.last) + 1);
        let next_open = regions.get(ri + 1).map(|n| n.open);
        let s0 = cx.sentence_range(r.open);
        let mut pre_lo = s0.start.max(prev_end.unwrap_or(0)).min(r.open);
        // A mark that opens a line has nothing before it (the line above may
        // end with the previous quote's signature, `― Sonya Herridge`).
        if let Some(k) = (pre_lo..r.open)
            .rev()
            .find(|&k| cx.between(k, k + 1).contains('\n'))
        {
            pre_lo = k + 1;
        }
        let pre = pre_lo..r.open;
        let post = match r.close {
            Some(c) => {
                let s1 = cx.sentence_range(c);
                let mut hi = s1.end.min(next_open.unwrap_or(usize::MAX));
                // `“…?” he questioned.` may be split after the mark: take a
                // short next sentence in the same line.
                if hi == c + 1 && s1.end == c + 1 && c + 1 < cx.lower.len() {
                    let s2 = cx.sentence_range(c + 1);
                    let same_line = !cx.between(c, c + 1).contains('\n');
                    let hi2 = s2.end.min(next_open.unwrap_or(usize::MAX));
                    let lower_start = cx
                        .text(c + 1)
                        .chars()
                        .next()
                        .is_some_and(char::is_lowercase);
                    // `“…?” Smith said.`: a capital may start the short
                    // sentence when it is nothing but the attribution.
                    if same_line
                        && s2.len() <= 8
                        && (lower_start || cx.bare_attribution(c + 1..hi2))
                    {
                        hi = hi2;
                    }
                }
                c + 1..hi.max(c + 1)
            }
            None => 0..0,
        };
        let pre_words = pre.clone().filter(|&k| cx.is_word(k)).count();
        let post_attr = attr_after(cx, post.clone());
        let pre_attr = if post_attr.found() && pre_words == 0 {
            Attr::default()
        } else {
            attr_before(cx, pre.clone(), r.open)
        };
        let content_words = (r.first..=r.last).filter(|&k| cx.is_word(k)).count();
        let (attr, after, mixed) = if pre_attr.found() {
            // Direct when nothing but the attribution precedes the mark:
            // `saying, “…”`, `said: “…”`, `told reporters “…”`.
            let (_, cue_hi) = pre_attr.cue.unwrap_or((r.open, r.open));
            let addr_hi = pre_attr.addressee.map_or(cue_hi, |a| a.1.max(cue_hi));
            let between = (addr_hi + 1..r.open).filter(|&k| cx.is_word(k)).count();
            let before_mark = r.open.checked_sub(1).map(|k| cx.text(k));
            // … and nothing but punctuation follows the closing mark.
            let tail = r.close.is_some_and(|c| {
                let end = cx
                    .sentence_range(c)
                    .end
                    .min(next_open.unwrap_or(usize::MAX));
                (c + 1..end).any(|k| cx.is_word(k))
            });
            let direct = (between == 0 || matches!(before_mark, Some(":" | ","))) && !tail;
            (pre_attr, false, !direct)
        } else if post_attr.found() {
            (post_attr, true, pre_words > 0)
        } else {
            // Attribution in the sentence before, ending with a colon
            // (`He said:` then the quote, maybe in a new paragraph).
            let prev = prev_colon_attr(cx, r.open);
            (prev, false, false)
        };
        // Quoted titles (`“Fox News Sunday”`) inside a sentence are names.
        if mixed && content_words <= 6 && cx.title_case(r.first, r.last) {
            continue;
        }
        // A mixed quote must lie in the clause of its cue.
        if mixed && cx.parsed {
            if let Some((c, _)) = attr.cue {
                if cx.cue_class(c).is_some() && !cx.governs(c, r) {
                    continue;
                }
            }
        }
        // Short phrases in a reported clause belong to the indirect quote.
        if mixed && content_words <= SHORT_PHRASE && cx.parsed {
            if let Some((c, _)) = attr.cue {
                let has_clause = cx.children[c].iter().any(|&k| {
                    cx.deprel(k) == "ccomp" && {
                        let (lo, hi) = cx.full_subtree(k);
                        lo <= r.open && r.last <= hi
                    }
                });
                if has_clause {
                    continue;
                }
            }
        }
        // `“…,” he said, “…”`: the second part shares the first's attribution.
        if let Some(p) = found.last_mut() {
            if p.after && !p.mixed && attr.cue.is_some() && attr.cue == p.attr.cue {
                p.last = r.last;
                p.region.close = r.close;
                p.pieces.push((r.first, r.last));
                continue;
            }
        }
        if !attr.found() {
            // A continuation of the previous quote (`“…,” he said. “…”`, or
            // the next paragraph of a speech)?
            if let Some(p) = found.last_mut() {
                if !p.mixed && pre_words == 0 {
                    let gap_start = p.region.close.unwrap_or(p.last) + 1;
                    let gap = (gap_start..r.open).filter(|&k| cx.is_word(k)).count();
                    let gap_text = cx.between(p.last, r.open);
                    let breaks = gap_text.matches('\n').count();
                    let attr_between =
                        p.after && p.attr.cue.is_some_and(|(c, _)| c > p.last && c < r.open);
                    let single_para = breaks == 0
                        || (gap == 0 && gap_text.trim().is_empty() && r.close.is_some());
                    if (gap <= MAX_INTERRUPTION || (attr_between && gap <= 3 * MAX_INTERRUPTION))
                        && (gap == 0 || attr_between)
                        && single_para
                    {
                        p.last = r.last;
                        p.region.close = r.close;
                        p.pieces.push((r.first, r.last));
                        continue;
                    }
                }
            }
            // `… because “A,” she said. “B.”`: when the previous quote
            // could not take B as its continuation (it is mixed, or was
            // attributed before it), B takes the attribution between them.
            if let Some(p) = found.last() {
                let from = p.region.close.unwrap_or(p.last) + 1;
                let gap = (from..r.open).filter(|&k| cx.is_word(k)).count();
                if pre_words == 0
                    && from < r.open
                    && gap <= MAX_INTERRUPTION
                    && !cx.between(p.last, r.open).contains('\n')
                {
                    let between = attr_after(cx, from..r.open);
                    if between.cue.is_some_and(|(c, _)| from <= c && c < r.open)
                        && between.speaker.is_some()
                    {
                        found.push(Found {
                            region: *r,
                            attr: between,
                            after: true,
                            mixed: false,
                            last: r.last,
                            pieces: vec![(r.first, r.last)],
                        });
                    }
                }
            }
            continue;
        }
        found.push(Found {
            region: *r,
            attr,
            after,
            mixed,
            last: r.last,
            pieces: vec![(r.first, r.last)],
        });
    }
    for f in found {
        let Some((lo, hi)) = cx.trim_punct_edges(f.region.first, f.last) else {
            continue;
        };
        let content = cx.span(lo, hi);
        if content.is_empty() {
            continue;
        }
        let kind = if f.mixed {
            QuoteKind::Mixed
        } else {
            QuoteKind::Direct
        };
        let mut q = make_quote(cx, kind, content, &f.attr, version);
        // `termed the attacks as “a great honor”`: without a reported clause
        // from the parse (see `clause_of`), the cue's complements around the
        // quoted words (`Ctx::tidy_clause` checks them and adds the marks).
        if f.mixed && cx.parsed {
            if let Some((c, _)) = f.attr.cue.filter(|&(c, _)| cx.cue_class(c).is_some()) {
                q.clause = cx
                    .complements(c)
                    .or_else(|| cx.clause_after(c, f.region.open, f.last))
                    .map(|(a, b)| cx.span(a, b));
            }
        }
        // Pieces with words between them (the attribution) are kept apart,
        // so that the quoted words can be read without it.
        let interrupted = f
            .pieces
            .windows(2)
            .any(|w| (w[0].1 + 1..w[1].0).any(|k| cx.is_word(k)));
        if interrupted {
            q.parts = f
                .pieces
                .iter()
                .filter_map(|&(a, b)| cx.trim_punct_edges(a, b))
                .map(|(lo, hi)| cx.span(lo, hi))
                .filter(|s| !s.is_empty())
                .collect();
            // Only pieces that follow one another inside the content (a
            // region nested in another, as odd marks can make, gives none).
            let ordered = q.parts.windows(2).all(|w| w[0].end <= w[1].start);
            if q.parts.len() < 2 || !ordered || q.parts.iter().any(|p| !content.contains(*p)) {
                q.parts.clear();
            }
        }
        out.push((q, PRIORITY_MARKS));
    }
}

impl Ctx<'_> {
    /// A mixed quote's clause without its complementiser (`that`), with the
    /// closing mark of quoted words it ends with; none when it holds no
    /// word besides the quoted ones (`“Sums don't add up.”` is no clause).
    fn tidy_clause(&self, clause: Span, content: Span) -> Option<Span> {
        let tokens = &self.doc.tokens;
        let mut lo = tokens.partition_point(|t| t.span.start < clause.start);
        let hi = tokens.partition_point(|t| t.span.end < clause.end);
        if hi >= tokens.len() || lo > hi {
            return None;
        }
        while lo < hi
            && ((self.is_punct(lo) && !self.quoted[lo])
                || (self.lower[lo] == "that"
                    && (self.deprel(lo) == "mark"
                        || (self.tagged && self.doc.words[lo].upos == "SCONJ"))))
        {
            lo += 1;
        }
        let lo = self.with_opening_mark(lo, hi);
        let hi = self.with_closing_marks(hi);
        let outside = (lo..=hi).any(|k| self.is_word(k) && !content.contains(tokens[k].span));
        let span = self.span(lo, hi);
        (outside && span.contains(content)).then_some(span)
    }

    /// A clause trimmed of its edge punctuation may have lost the marks of
    /// quoted words at its edges (`said that "a bomb" had gone off`,
    /// `… “will not withdraw.”`): they are given back, so that the
    /// content's marks pair up. This one: the end of a clause ending at `hi`.
    pub(crate) fn with_closing_marks(&self, mut hi: usize) -> usize {
        // `…Iraq.”`: the final stop and the closing mark, both quoted.
        let n = self.lower.len();
        for _ in 0..3 {
            if hi + 1 < n && self.quoted[hi] && self.quoted[hi + 1] && self.is_punct(hi + 1) {
                hi += 1;
            } else {
                break;
            }
        }
        hi
    }

    /// The start of a clause `lo..=hi` given back the opening mark it lost
    /// to edge trimming (see [`Ctx::with_closing_marks`] for the end).
    pub(crate) fn with_opening_mark(&self, lo: usize, hi: usize) -> usize {
        let is_mark = |k: usize| self.doc.tokens[k].kind == TokenKind::Quote;
        if lo == 0 || lo > hi || !is_mark(lo - 1) || !self.quoted[lo] {
            return lo;
        }
        let marks = (lo..=hi).filter(|&k| is_mark(k) && self.quoted[k]).count();
        if marks % 2 == 1 {
            lo - 1
        } else {
            lo
        }
    }

    /// `,” Scott Mills, the attorney general of Idaho, one of the states
    /// suing the agency, said`: a name starting right after the mark, then
    /// descriptions between commas, then the cue `c` after a comma, with no
    /// finite verb or sentence end on the way. Returns the name (up to the
    /// first comma; it must end with a proper noun). Needs tags, to tell
    /// descriptions from clauses.
    fn appositive_speaker(&self, from: usize, c: usize) -> Option<(usize, usize)> {
        if !self.tagged || c < from + 4 || self.text(c - 1) != "," {
            return None;
        }
        let first = (from..c).find(|&k| !self.is_punct(k))?;
        let capital = self
            .text(first)
            .chars()
            .next()
            .is_some_and(char::is_uppercase);
        if !capital || self.doc.words[first].upos != "PROPN" {
            return None;
        }
        let comma = (first..c).find(|&k| self.text(k) == ",")?;
        let clean = (first..c).all(|k| {
            !self.quoted[k]
                && !matches!(self.text(k), "." | "!" | "?" | ";" | ":")
                && !matches!(
                    self.doc.words[k].xpos.as_str(),
                    "VBD" | "VBZ" | "VBP" | "MD"
                )
        });
        // A name ends the phrase (`Nujaba spokesman, Nasr al-Shammari,`
        // puts the title first: no).
        (clean
            && comma > first
            && comma - first <= MAX_SURFACE_SPEAKER
            && self.doc.words[comma - 1].upos == "PROPN")
            .then(|| (first, comma - 1))
    }

    /// Whether `range` is a sentence made of an attribution alone (`Smith
    /// said.`, `said Smith on Tuesday.`): a speech cue, parsed, with a
    /// subject and no complement of its own.
    fn bare_attribution(&self, range: std::ops::Range<usize>) -> bool {
        if !self.parsed {
            return false;
        }
        range.clone().any(|c| {
            matches!(
                self.cue_class(c),
                Some(CueClass::Speech | CueClass::DirectOnly)
            ) && !self.quoted[c]
                && self.subject(c).is_some_and(|s| range.contains(&s))
                && !self.children[c]
                    .iter()
                    .any(|&k| matches!(self.deprel(k), "ccomp" | "xcomp" | "obj" | "csubj"))
        })
    }

    /// The text between the end of token `a` and the start of token `b`
    /// (empty when they are not in that order).
    fn between(&self, a: usize, b: usize) -> &str {
        let (Some(ta), Some(tb)) = (self.doc.tokens.get(a), self.doc.tokens.get(b)) else {
            return "";
        };
        self.doc
            .text
            .get(ta.span.end as usize..tb.span.start as usize)
            .unwrap_or("")
    }

    /// Drops stray marks at the edges of a content range (keeps inner
    /// punctuation such as a final comma or full stop).
    fn trim_punct_edges(&self, mut lo: usize, mut hi: usize) -> Option<(usize, usize)> {
        while lo <= hi && self.doc.tokens[lo].kind == TokenKind::Quote && lo < hi {
            lo += 1;
        }
        while hi > lo && self.doc.tokens[hi].kind == TokenKind::Quote {
            hi -= 1;
        }
        (lo <= hi).then_some((lo, hi))
    }
}

fn make_quote(cx: &Ctx<'_>, kind: QuoteKind, content: Span, a: &Attr, version: &str) -> Quote {
    let sp = |r: Option<(usize, usize)>| r.map(|(lo, hi)| cx.span(lo, hi));
    Quote {
        kind,
        content,
        parts: Vec::new(),
        clause: None,
        cue: sp(a.cue),
        speaker: sp(a.speaker),
        speaker_entity: None,
        addressee: sp(a.addressee),
        addressee_entity: None,
        paragraphs: paragraphs_of(cx.doc, content),
        version: version.to_string(),
    }
}

fn paragraphs_of(doc: &Document, s: Span) -> (u32, u32) {
    let first = doc.paragraphs.partition_point(|p| p.span.end <= s.start);
    let end = doc.paragraphs.partition_point(|p| p.span.start < s.end);
    (first as u32, end.max(first) as u32)
}

/// Attribution after a closing mark: `,” X said`, `,” said X`, `,” X, the
/// spokesman, told Y`.
fn attr_after(cx: &Ctx<'_>, range: std::ops::Range<usize>) -> Attr {
    let words: Vec<usize> = range.clone().filter(|&k| !cx.is_punct(k)).collect();
    // Near the mark, or further when the parse puts the cue's subject
    // between the mark and the cue (a long speaker description).
    let Some((_, &c)) = words.iter().enumerate().find(|&(n, &k)| {
        cx.cue_class(k).is_some()
            && !cx.quoted[k]
            && (n < POST_CUE_WINDOW
                || (cx.parsed && cx.subject(k).is_some_and(|s| range.start <= s && s < k))
                || (n < 3 * POST_CUE_WINDOW && cx.appositive_speaker(range.start, k).is_some()))
    }) else {
        let a = according_in(cx, range.clone());
        return if a.found() {
            a
        } else {
            dash_signature(cx, range.start)
        };
    };
    // A cue after a full clause of its own (`…,” he said, adding that the
    // plan …` is fine; `…” as the crowd cheered and he said` is not ours).
    let mut attr = Attr {
        cue: Some(cx.cue_span(c)),
        ..Attr::default()
    };
    if cx.parsed {
        attr.speaker = cx.parsed_speaker(c);
        attr.addressee = cx.addressee(c);
    }
    // The name before a long description, when the parse found no speaker.
    if attr.speaker.is_none() {
        attr.speaker = cx.appositive_speaker(range.start, c);
    }
    if attr.speaker.is_none() {
        let first_word = words.first().copied();
        if first_word == Some(c) {
            // `said X`
            let end = (c + 1..range.end)
                .take_while(|&k| !matches!(cx.text(k), "," | "." | ";" | "\"" | "“" | "”"))
                .take(MAX_SURFACE_SPEAKER)
                .last();
            attr.speaker = end.map(|e| (c + 1, e));
        } else if let Some(f) = first_word {
            attr.speaker = surface_speaker(cx, f, c);
        }
    }
    if attr.addressee.is_none() && !cx.parsed {
        attr.addressee = surface_addressee(cx, c, range.end);
    }
    attr
}

/// Attribution before an opening mark: `X said: “`, `X, saying, “`,
/// `He pointed out that the US has “…`.
fn attr_before(cx: &Ctx<'_>, range: std::ops::Range<usize>, open: usize) -> Attr {
    let cue = range
        .clone()
        .rev()
        .find(|&k| cx.cue_class(k).is_some() && !cx.quoted[k]);
    let Some(c) = cue else {
        let a = according_in(cx, range.clone());
        if a.found() {
            return a;
        }
        // `Pence: “…”` — a short name and a colon before the quote.
        if open > range.start && cx.text(open - 1) == ":" {
            let words = (range.start..open - 1).filter(|&k| cx.is_word(k)).count();
            let first = range.start;
            let capital = cx
                .text(first)
                .chars()
                .next()
                .is_some_and(char::is_uppercase);
            if (1..=6).contains(&words) && capital {
                return Attr {
                    cue: Some((open - 1, open - 1)),
                    speaker: cx.trim_punct(first, open - 2),
                    addressee: None,
                };
            }
        }
        return Attr::default();
    };
    let mut attr = Attr {
        cue: Some(cx.cue_span(c)),
        ..Attr::default()
    };
    if cx.parsed {
        attr.speaker = cx.parsed_speaker(c);
        attr.addressee = cx.addressee(c);
        // Belief verbs need the quote in their clause.
        if cx.cue_class(c) == Some(CueClass::Belief) && attr.speaker.is_none() {
            return Attr::default();
        }
    }
    if attr.speaker.is_none() {
        // Surface: the words before the cue back to a comma or the sentence start.
        let lo = (range.start..c)
            .rev()
            .take_while(|&k| !matches!(cx.text(k), "," | ";" | ":" | "(" | ")"))
            .last();
        if let Some(lo) = lo {
            attr.speaker = surface_speaker(cx, lo, c);
        }
        if attr.speaker.is_none() {
            attr.speaker = cx.first_np(c);
        }
    }
    if attr.addressee.is_none() && !cx.parsed {
        attr.addressee = surface_addressee(cx, c, open);
    }
    attr
}

/// Words `lo..cue` minus trailing auxiliaries and adverbs, if short enough.
fn surface_speaker(cx: &Ctx<'_>, lo: usize, cue: usize) -> Option<(usize, usize)> {
    if cue == 0 || lo >= cue {
        return None;
    }
    let mut hi = cue - 1;
    while hi > lo && (SPEAKER_TRIM.contains(&cx.lower[hi].as_str()) || cx.is_punct(hi)) {
        hi -= 1;
    }
    let (lo, hi) = cx.trim_punct(lo, hi)?;
    if SPEAKER_TRIM.contains(&cx.lower[hi].as_str()) || hi + 1 - lo > MAX_SURFACE_SPEAKER {
        return None;
    }
    Some((lo, hi))
}

/// Without a parse: `told X`, `wrote on Twitter`.
fn surface_addressee(cx: &Ctx<'_>, c: usize, end: usize) -> Option<(usize, usize)> {
    let lemma = cx.lex.lemma_of(&cx.lower[c]).to_string();
    let mut k = c + 1;
    if k >= end {
        return None;
    }
    if cx.lex.addressee_verbs.contains(&lemma) {
        // the object up to punctuation or a preposition
    } else if matches!(cx.lower[k].as_str(), "on" | "to") {
        k += 1;
    } else {
        return None;
    }
    let last = (k..end)
        .take_while(|&j| {
            cx.is_word(j) && !matches!(cx.lower[j].as_str(), "on" | "in" | "that" | "at" | "by")
        })
        .take(6)
        .last()?;
    Some((k, last))
}

/// `According to X, …` as the attribution of a quote.
fn according_in(cx: &Ctx<'_>, range: std::ops::Range<usize>) -> Attr {
    for k in range.clone() {
        if let Some(len) = phrase_at(cx, k) {
            let after = k + len;
            let end = (after..range.end)
                .take_while(|&j| !matches!(cx.text(j), "," | "." | ";" | ":" | "\"" | "“" | "”"))
                .take(MAX_SURFACE_SPEAKER)
                .last();
            return Attr {
                cue: Some((k, k + len - 1)),
                speaker: end.map(|e| (after, e)),
                addressee: None,
            };
        }
    }
    Attr::default()
}

/// `“…” ― Maria Lopez` (a vox-pop or epigraph signed after the quote):
/// a dash right after the closing mark, then a name that ends its line.
/// The dash is the cue, the name the speaker.
fn dash_signature(cx: &Ctx<'_>, start: usize) -> Attr {
    let n = cx.lower.len();
    if start >= n || !matches!(cx.text(start), "―" | "—" | "–" | "--") {
        return Attr::default();
    }
    if start > 0 && cx.between(start - 1, start).contains('\n') {
        return Attr::default();
    }
    let mut hi = start;
    let mut k = start + 1;
    while k < n && k <= start + MAX_SURFACE_SPEAKER {
        if cx.between(k - 1, k).contains('\n') && k > start + 1 {
            break;
        }
        let t = cx.text(k);
        let name_word = cx.is_word(k)
            && (t.chars().next().is_some_and(char::is_uppercase)
                || matches!(
                    t,
                    "de" | "la" | "del" | "van" | "von" | "da" | "al" | "bin" | "ibn"
                ));
        if name_word || (matches!(t, "." | "-") && hi > start) {
            hi = k;
            k += 1;
        } else {
            break;
        }
    }
    let line_ends =
        k >= n || cx.between(k - 1, k).contains('\n') || matches!(cx.text(k), "(" | "," | "@");
    if hi == start
        || !line_ends
        || !cx
            .text(start + 1)
            .chars()
            .next()
            .is_some_and(char::is_uppercase)
    {
        return Attr::default();
    }
    let hi = if cx.text(hi) == "." || cx.text(hi) == "-" {
        hi - 1
    } else {
        hi
    };
    Attr {
        cue: Some((start, start)),
        speaker: Some((start + 1, hi)),
        addressee: None,
    }
}

/// Transcripts and interviews: `SENATOR: Yes, and …` — a paragraph that
/// opens with a speaker label (a name in capitals, or one the entity stage
/// found) and a colon is the labelled speaker's words, to the paragraph's
/// end.
fn speaker_labels(cx: &Ctx<'_>, version: &str, out: &mut Vec<(Quote, u8)>) {
    const MAX_LABEL: usize = 4;
    let toks = &cx.doc.tokens;
    let n = toks.len();
    let mut labelled: Vec<(Quote, bool)> = Vec::new();
    for p in &cx.doc.paragraphs {
        let mut first = toks.partition_point(|t| t.span.end <= p.span.start);
        let end = toks.partition_point(|t| t.span.start < p.span.end).min(n);
        // `"HOST: …` (a transcript printed as one long quotation).
        if first < end && mark_of(cx.text(first)).is_some() {
            first += 1;
        }
        let Some(colon) = (first..end.min(first + MAX_LABEL + 1)).find(|&k| cx.text(k) == ":")
        else {
            continue;
        };
        if colon == first {
            continue;
        }
        let label = first..colon;
        // Capitalised words, joined by the dots and hyphens of names
        // (`Lt. Col. Ray`, `Jean-Luc`), none of them a stoplist word.
        let words_ok = label.clone().any(|k| cx.is_word(k))
            && label.clone().all(|k| {
                let t = cx.text(k);
                if cx.is_word(k) {
                    t.chars().next().is_some_and(char::is_uppercase)
                        && !cx.lex.not_speakers.contains(&cx.lower[k])
                } else {
                    matches!(t, "." | "-" | "'" | "’")
                }
            });
        if !words_ok {
            continue;
        }
        let all_caps = cx.all_capitals(first, colon - 1);
        if cx.overlaps_place(first, colon - 1) {
            continue;
        }
        let named = cx.doc.entities.iter().any(|e| {
            matches!(e.entity_type, EntityType::Person | EntityType::Org)
                && e.mentions.iter().any(|m| {
                    m.span.start <= toks[first].span.start && toks[colon - 1].span.end <= m.span.end
                })
        });
        if !(all_caps || named) {
            continue;
        }
        // A name the tagger reads as a phrase (`Stealth Over Health:`, a
        // headline's pun) is no speaker; a transcript's capitals may be
        // (`SECRETARY OF STATE:`).
        let phrase = cx.tagged
            && label.clone().any(|k| {
                matches!(cx.doc.words[k].upos.as_str(), "ADP" | "VERB" | "AUX")
                    && cx.lower[k] != "of"
            });
        if phrase && !all_caps {
            continue;
        }
        // As for quotation marks: the words with their final punctuation.
        let Some((lo, hi)) = cx
            .trim_punct(colon + 1, end.saturating_sub(1))
            .and_then(|(lo, _)| cx.trim_punct_edges(lo, end.saturating_sub(1)))
        else {
            continue;
        };
        if (lo..=hi).filter(|&k| cx.is_word(k)).count() < 3 {
            continue;
        }
        let attr = Attr {
            cue: Some((colon, colon)),
            speaker: Some((first, colon - 1)),
            addressee: None,
        };
        let q = make_quote(cx, QuoteKind::Direct, cx.span(lo, hi), &attr, version);
        labelled.push((q, named));
    }
    // Capitals alone make a label only in a transcript (two labels or
    // more): a lone `BEIRUT: …` is a dateline.
    let named_only = labelled.iter().filter(|(_, named)| !named).count() < 2;
    for (q, named) in labelled {
        if named || !named_only {
            // Before the marks' own candidates: a transcript often prints
            // every turn as a paragraph of one long quotation.
            out.push((q, PRIORITY_LABEL));
        }
    }
}

/// A headline's attribution, in the first paragraph when the document has
/// no separate title (plain text whose first line is the headline):
/// `Poll: Voters Abandon …` and `Graham Says Trump Could …`. Headlines drop
/// the verb or put it in title case, which the parse reads poorly; the
/// speaker is the capitalised words before the colon or the cue, the
/// content the rest of the line.
fn headline(cx: &Ctx<'_>, version: &str, out: &mut Vec<(Quote, u8)>) {
    /// Longest headline, in words.
    const MAX_HEADLINE: usize = 25;
    /// Longest speaker, in tokens (`Former White House Doctor`).
    const MAX_SPEAKER: usize = 5;
    if cx.doc.layout.title.is_some() {
        return;
    }
    let Some(p) = cx.doc.paragraphs.first() else {
        return;
    };
    let toks = &cx.doc.tokens;
    let first = toks.partition_point(|t| t.span.end <= p.span.start);
    let end = toks
        .partition_point(|t| t.span.start < p.span.end)
        .min(toks.len());
    if first >= end
        || cx.sentence_range(first).end < end
        || (first..end).filter(|&k| cx.is_word(k)).count() > MAX_HEADLINE
    {
        return;
    }
    // A speaker: capitalised words (and the dots and hyphens of names), not
    // a label word (`The Latest:`, `Breaking:`), not a phrase with a
    // preposition or a verb (`Stealth Over Health:`), not a place (a
    // dateline).
    let speaker_ok = |lo: usize, hi: usize| {
        let words: Vec<usize> = (lo..=hi).filter(|&k| cx.is_word(k)).collect();
        !words.is_empty()
            && hi - lo < MAX_SPEAKER
            && (lo..=hi).all(|k| {
                let t = cx.text(k);
                if cx.is_word(k) {
                    t.chars()
                        .next()
                        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
                        && !cx.lex.not_speakers.contains(&cx.lower[k])
                        && !(cx.tagged
                            && matches!(
                                cx.doc.words[k].upos.as_str(),
                                "ADP" | "VERB" | "AUX" | "DET" | "CCONJ" | "SCONJ" | "PRON"
                            ))
                } else {
                    matches!(t, "." | "-" | "'" | "’")
                }
            })
            && !cx.overlaps_place(lo, hi)
    };
    // Capitals alone are a dateline (`BEIRUT:`) or a kicker (`BREAKING:`).
    let label = (first + 1..end.min(first + MAX_SPEAKER + 1))
        .find(|&k| cx.text(k) == ":")
        .filter(|&colon| speaker_ok(first, colon - 1) && !cx.all_capitals(first, colon - 1))
        .map(|colon| (colon, colon));
    // `Graham Says …`, `Poll finds …`: a speech or belief verb (by its form:
    // a title-case verb is often tagged as a name), not one that takes an
    // addressee (`Trump tells 3,000 in Reno …`).
    let verb = || {
        (first + 1..end.min(first + MAX_SPEAKER + 1))
            .find(|&k| {
                let form = cx.lower[k].as_str();
                matches!(
                    cx.lex.class(form, ""),
                    Some(CueClass::Speech | CueClass::Belief)
                ) && !cx.lex.addressee_verbs.contains(cx.lex.lemma_of(form))
            })
            .filter(|&c| speaker_ok(first, c - 1))
            .map(|c| {
                // `Says that …`: the clause without its complementiser.
                let skip = usize::from(c + 1 < end && cx.lower[c + 1] == "that");
                (c, c + skip)
            })
    };
    // `Clinton Hid Health Problems, Former Doctor Says`: the verb last,
    // after a comma and the speaker.
    let trailing = || {
        let last = cx.trim_punct(first, end - 1)?.1;
        let comma = (first + 1..last).rev().find(|&k| cx.text(k) == ",")?;
        let form = cx.lower[last].as_str();
        let ok = matches!(
            cx.lex.class(form, ""),
            Some(CueClass::Speech | CueClass::Belief)
        ) && comma + 1 < last
            && speaker_ok(comma + 1, last - 1);
        ok.then_some((last, (comma + 1, last - 1), (first, comma - 1)))
    };
    let found = label
        .or_else(verb)
        .map(|(c, rest)| (c, (first, c - 1), (rest + 1, end - 1)))
        .or_else(trailing);
    let Some((cue, (speaker_lo, speaker_hi), (from, to))) = found else {
        return;
    };
    // The rest of the line, without the final period a headline may have
    // been given, keeping the marks of a quoted headline.
    let Some((lo, hi)) = cx
        .trim_punct(from, to)
        .map(|(lo, hi)| (cx.with_opening_mark(lo, hi), cx.with_closing_marks(hi)))
    else {
        return;
    };
    if (lo..=hi).filter(|&k| cx.is_word(k)).count() < 3 {
        return;
    }
    let quoted = (lo..=hi).filter(|&k| cx.is_word(k)).all(|k| cx.quoted[k]);
    // A quoted headline is a direct quote: its words with their final
    // punctuation, without the marks (as for any direct quote).
    let (kind, (lo, hi)) = if quoted {
        let Some(words) = cx.trim_punct_edges(lo, hi) else {
            return;
        };
        (QuoteKind::Direct, words)
    } else {
        (QuoteKind::Indirect, (lo, hi))
    };
    let attr = Attr {
        cue: Some((cue, cue)),
        speaker: Some((speaker_lo, speaker_hi)),
        addressee: None,
    };
    out.push((
        make_quote(cx, kind, cx.span(lo, hi), &attr, version),
        PRIORITY_LABEL,
    ));
}

/// Length in tokens of a cue phrase starting at `k`.
fn phrase_at(cx: &Ctx<'_>, k: usize) -> Option<usize> {
    cx.lex.phrases.iter().find_map(|p| {
        let ok = !p.is_empty()
            && k + p.len() <= cx.lower.len()
            && p.iter().enumerate().all(|(j, w)| cx.lower[k + j] == *w);
        ok.then_some(p.len())
    })
}

/// A sentence just before `open` (in the same or the previous paragraph)
/// that ends with a colon after a cue: `He said:`.
fn prev_colon_attr(cx: &Ctx<'_>, open: usize) -> Attr {
    let s = cx.sentence_range(open);
    // The colon may end the previous sentence or sit right before the mark.
    let colon = if open > s.start && cx.text(open - 1) == ":" {
        Some(open - 1)
    } else if s.start > 0 && s.start == open && cx.text(s.start - 1) == ":" {
        Some(s.start - 1)
    } else {
        None
    };
    let Some(colon) = colon else {
        return Attr::default();
    };
    let ps = cx.sentence_range(colon);
    let a = attr_before(cx, ps.start..colon, colon + 1);
    if a.found() {
        return a;
    }
    Attr::default()
}

/// Reported speech from the parse: a cue verb with a clausal complement,
/// or a reporting clause in parataxis (`…, officials said`).
fn indirect_quotes(cx: &Ctx<'_>, version: &str, stances: bool, out: &mut Vec<(Quote, u8)>) {
    for c in 0..cx.lower.len() {
        if cx.quoted[c] {
            continue;
        }
        let class = cx.cue_class(c);
        if class == Some(CueClass::DirectOnly) {
            continue;
        }
        let stance = stances
            && cx.doc.words[c].upos == "VERB"
            && (class.is_some() || cx.lex.stance.contains(&cx.lemma(c).to_lowercase()));
        if class.is_none() && !stance {
            continue;
        }
        // `…, said one source in the room.`: a clause, a comma, the cue and
        // its speaker, read from the surface (the parse often makes the
        // clause's subject the cue's and the speaker its object).
        if let Some(((lo, hi), speaker)) = cx.inverted_attribution(c) {
            let attr = Attr {
                cue: Some(cx.cue_span(c)),
                speaker: Some(speaker),
                addressee: None,
            };
            let lo = cx.with_opening_mark(lo, hi);
            let hi = cx.with_closing_marks(hi);
            let kind = if (lo..=hi).any(|k| cx.double[k]) {
                QuoteKind::Mixed
            } else {
                QuoteKind::Indirect
            };
            out.push((
                make_quote(cx, kind, cx.span(lo, hi), &attr, version),
                PRIORITY_PARSE,
            ));
            continue;
        }
        // Every clausal complement: `Acts of protest, he said, are acts of
        // patriotism` has one on each side of the cue.
        let comps: Vec<usize> = cx.children[c]
            .iter()
            .copied()
            .filter(|&k| cx.deprel(k) == "ccomp" && !cx.quoted_fully(k))
            // A one-word "clause" is a misparse (`Spokeswoman Jane Roe said
            // via email that …` with the title as the complement); the
            // clause is then looked for elsewhere. A relative pronoun stays
            // (`which Boeing says is economical` has no clause to report
            // without its antecedent).
            .filter(|&k| {
                let (lo, hi) = cx.full_subtree(k);
                (lo..=hi).filter(|&j| cx.is_word(j)).nth(1).is_some()
                    || (cx.tagged && cx.doc.words[k].upos == "PRON")
            })
            .collect();
        // The reporting clause inside the content, when it interrupts it
        // (`The bridge, the mayor said, would open in spring`).
        let mut interruption: Option<(usize, usize)> = None;
        let content = if let Some(&k) = comps.first() {
            let (mut lo, mut hi) = cx.full_subtree(k);
            for &k2 in &comps[1..] {
                let (l2, h2) = cx.full_subtree(k2);
                lo = lo.min(l2);
                hi = hi.max(h2);
            }
            // `The museum, he said, would make …` (cue in parataxis after
            // the subject): the clause starts with the head.
            if cx.deprel(c) == "parataxis" {
                if let Some(h) = cx.head(c).filter(|&h| h < c) {
                    let (hlo, _) = cx.subtree(h, &|d| d == "parataxis");
                    if hlo < lo && cx.tagged && cx.doc.words[h].upos != "VERB" {
                        // From the cue's subject to the reported clause.
                        // Only an aside between commas (`The bridge, the
                        // mayor said, would …`; not a title such as
                        // `his song What'd I Say, Charles …`).
                        let (clo, _) = cx.subtree(c, &|d| d == "ccomp");
                        let commas = clo > 0
                            && cx.text(clo - 1) == ","
                            && (cx.text(lo - 1) == "," || cx.text(lo) == ",");
                        interruption = (clo < c && c < lo && commas).then_some((clo, lo - 1));
                        lo = hlo;
                    }
                }
            }
            // The clause without its complementiser and edge punctuation.
            while lo < hi
                && (cx.is_punct(lo)
                    || (lo < k && cx.deprel(lo) == "mark" && cx.lower[lo] == "that"))
            {
                lo += 1;
            }
            cx.trim_punct(lo, hi)
        } else if cx.deprel(c) == "parataxis" {
            // `Prices will rise, the minister said.`: the clause before;
            // `Prices, the minister said, will rise.`: the whole clause
            // around the reporting clause (as for an interrupted quote).
            cx.head(c).and_then(|h| {
                let (lo, hi) = cx.subtree(h, &|d| d == "parataxis");
                let (clo, chi) = cx.full_subtree(c);
                if clo == 0 || clo <= lo {
                    return None;
                }
                if hi > chi && (chi + 1..=hi).any(|k| cx.is_word(k)) {
                    cx.trim_punct(lo, hi)
                } else {
                    cx.trim_punct(lo, clo - 1)
                }
            })
        } else {
            cx.misparsed_clause(c)
                .or_else(|| cx.that_clause(c))
                .or_else(|| stance.then(|| cx.complements(c)).flatten())
        };
        let Some((lo, hi)) = content else {
            continue;
        };
        let lo = cx.with_opening_mark(lo, hi);
        let words = (lo..=hi).filter(|&k| cx.is_word(k)).count();
        if words < 2 {
            continue;
        }
        let speaker = cx.parsed_speaker(c);
        // Precision: belief verbs and first/second persons need a named
        // speaker outside quotes; no speaker at all is not attributed speech.
        let Some((slo, shi)) = speaker else {
            continue;
        };
        // A relative clause between commas is no reporting clause (`Tim
        // Henman, who announced his retirement, believes …`).
        let in_interruption = interruption.is_some_and(|(a, b)| a <= slo && shi <= b)
            && !matches!(cx.lower[slo].as_str(), "who" | "which" | "that");
        if cx.quoted[slo] || (lo <= slo && shi <= hi && !in_interruption) || cx.is_time(slo, shi) {
            continue;
        }
        // Keep the marks of quoted words at the clause's edges together.
        let hi = cx.with_closing_marks(hi);
        let mut kind = QuoteKind::Indirect;
        if (lo..=hi).any(|k| cx.double[k]) {
            kind = QuoteKind::Mixed;
        }
        let attr = Attr {
            cue: Some(cx.cue_span(c)),
            speaker: Some((slo, shi)),
            addressee: cx.addressee(c),
        };
        let content = cx.span(lo, hi);
        let mut q = make_quote(cx, kind, content, &attr, version);
        // The reported words on either side of the interruption, read
        // without it (as for `“…,” he said, “…”`).
        if let Some((a, b)) = interruption.filter(|&(a, b)| lo < a && b < hi) {
            let pieces = [cx.trim_punct(lo, a - 1), cx.trim_punct(b + 1, hi)];
            if let [Some(first), Some(second)] = pieces {
                q.parts = vec![cx.span(first.0, first.1), cx.span(second.0, second.1)];
            }
        }
        // Mixed quotes from the marks take precedence.
        out.push((q, PRIORITY_PARSE));
    }
}

impl Ctx<'_> {
    /// `The talks failed, said a diplomat who attended.`: a speech cue
    /// right after a comma, followed to the end of its sentence by a noun
    /// phrase (with at most relative clauses), after a clause with a finite
    /// verb of its own (not `The minister, who arrived late, said nothing`).
    /// Gives the clause and the speaker, as token ranges.
    #[allow(clippy::type_complexity)]
    fn inverted_attribution(&self, c: usize) -> Option<((usize, usize), (usize, usize))> {
        if !self.tagged
            || self.cue_class(c) != Some(CueClass::Speech)
            || c == 0
            || self.text(c - 1) != ","
        {
            return None;
        }
        let sent = self.sentence_range(c);
        let (slo, shi) = self.trim_punct(c + 1, sent.end.checked_sub(1)?)?;
        let upos = |k: usize| self.doc.words[k].upos.as_str();
        if !matches!(upos(slo), "DET" | "NUM" | "PROPN" | "NOUN" | "ADJ" | "PRON")
            || (upos(slo) == "PRON"
                && !matches!(self.lower[slo].as_str(), "he" | "she" | "they" | "we" | "i"))
            || (slo..=shi).any(|k| self.quoted[k])
        {
            return None;
        }
        // Inside a relative clause (`who attended`), up to `top`.
        let relative = |k: usize, lo: usize, hi: usize| {
            let wh =
                |j: usize| matches!(self.lower[j].as_str(), "who" | "which" | "whom" | "whose");
            let mut v = k;
            for _ in 0..16 {
                if self.deprel(v) == "acl:relcl" || wh(v) || self.children[v].iter().any(|&j| wh(j))
                {
                    return true;
                }
                match self.head(v) {
                    Some(h) if (lo..=hi).contains(&h) => v = h,
                    _ => return false,
                }
            }
            false
        };
        let finite = |k: usize| {
            matches!(upos(k), "VERB" | "AUX")
                && matches!(
                    self.doc.words[k].xpos.as_str(),
                    "VBD" | "VBZ" | "VBP" | "MD"
                )
        };
        // After the cue, a relative pronoun starts the only clause allowed.
        let mut in_relative = false;
        for k in slo..=shi {
            in_relative |= matches!(self.lower[k].as_str(), "who" | "which" | "whom" | "whose");
            if matches!(upos(k), "VERB" | "AUX") && !in_relative && !relative(k, slo, shi) {
                return None;
            }
        }
        // The clause before the comma (none when the comma opens the text).
        let (lo, hi) = self.trim_punct(sent.start, c.checked_sub(2)?)?;
        let words = (lo..=hi).filter(|&k| self.is_word(k)).count();
        let clause = (lo..=hi).any(|k| finite(k) && !self.quoted[k] && !relative(k, lo, hi));
        (words >= 3 && clause).then_some(((lo, hi), (slo, shi)))
    }

    /// The complements of a stance verb after it: objects, open clauses and
    /// prepositional objects (`called [for a recount]`, `criticized [the
    /// plan]`, `wants [to run]`).
    fn complements(&self, c: usize) -> Option<(usize, usize)> {
        let mut span: Option<(usize, usize)> = None;
        for &k in &self.children[c] {
            if k < c {
                continue;
            }
            let d = self.deprel(k);
            let ok = match d {
                "obj" | "xcomp" | "ccomp" => true,
                _ if d.starts_with("obl") && !d.contains("tmod") && !d.contains("npmod") => {
                    self.children[k].iter().any(|&x| {
                        self.deprel(x) == "case"
                            && matches!(
                                self.lower[x].as_str(),
                                "for" | "on" | "to" | "about" | "of" | "as" | "against" | "into"
                            )
                    })
                }
                _ => false,
            };
            if ok {
                let (lo, hi) = self.full_subtree(k);
                span = Some(span.map_or((lo, hi), |(a, b)| (a.min(lo), b.max(hi))));
            }
        }
        let (lo, hi) = span?;
        self.trim_punct(lo.max(c + 1), hi)
    }

    /// Every word of `lo..=hi` starts with a capital letter or a digit.
    fn title_case(&self, lo: usize, hi: usize) -> bool {
        let mut words = (lo..=hi).filter(|&k| self.is_word(k)).peekable();
        words.peek().is_some()
            && words.all(|k| {
                let t = self.text(k);
                t.chars()
                    .next()
                    .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
                    || matches!(t, "of" | "the" | "and" | "in" | "on" | "for" | "a" | "to")
            })
    }

    /// Whether the quoted words of `r` hang below cue `c` (or below the word
    /// the cue modifies, for `termed X as "…"` parsed as a modifier).
    fn governs(&self, c: usize, r: &Region) -> bool {
        let Some(w) = (r.first..=r.last).find(|&k| self.is_word(k)) else {
            return false;
        };
        let tops = [Some(c), self.head(c)];
        let mut k = w;
        for _ in 0..64 {
            if tops.contains(&Some(k)) {
                return true;
            }
            match self.head(k) {
                Some(h) => k = h,
                None => return false,
            }
        }
        false
    }

    /// `said the findings raised questions`, parsed as an object with a
    /// clause attached: the object's subtree is the reported clause.
    fn misparsed_clause(&self, c: usize) -> Option<(usize, usize)> {
        if self.cue_class(c) != Some(CueClass::Speech)
            || self
                .lex
                .addressee_verbs
                .contains(&self.lemma(c).to_lowercase())
        {
            return None;
        }
        let o = self.children[c]
            .iter()
            .copied()
            .find(|&k| self.deprel(k) == "obj" && k > c)?;
        let finite = |v: usize| {
            matches!(
                self.doc.words[v].xpos.as_str(),
                "VBD" | "VBZ" | "VBP" | "MD"
            ) || self.children[v]
                .iter()
                .any(|&a| self.deprel(a).starts_with("aux"))
        };
        self.children[o]
            .iter()
            .any(|&k| self.deprel(k) == "acl" && k > o && finite(k))
            .then(|| self.full_subtree(o))
            .and_then(|(lo, hi)| self.trim_punct(lo, hi))
    }

    /// `noted that Trump has not paid …` where the parse hangs the clause
    /// elsewhere (on a later verb, or on an aside: `cautioned, as did the
    /// campaign itself, that …`): a `that` right after the verb cue, maybe
    /// after its object or a comma-bounded aside, starts the reported
    /// clause, which is the subtree of the verb the `that` marks.
    fn that_clause(&self, c: usize) -> Option<(usize, usize)> {
        if !self.tagged || self.doc.words[c].upos != "VERB" {
            return None;
        }
        let end = self.sentence_range(c).end;
        let j = (c + 1..end.min(c + 10)).find(|&j| self.lower[j] == "that")?;
        if self.deprel(j) != "mark" {
            return None;
        }
        let v = self.head(j).filter(|&v| v > j && v < end)?;
        // Between cue and `that`: an object, or an aside between commas.
        let between = c + 1..j;
        let aside = j > c + 2 && self.text(c + 1) == "," && self.text(j - 1) == ",";
        let plain = between.clone().all(|k| {
            !self.quoted[k]
                && !self.is_punct(k)
                && !matches!(self.doc.words[k].upos.as_str(), "VERB" | "AUX")
        });
        if !(aside || plain) {
            return None;
        }
        let (_, hi) = self.full_subtree(v);
        self.trim_punct(j + 1, hi.min(end - 1))
    }

    /// Whether the whole subtree of `k` lies inside one quotation region.
    fn quoted_fully(&self, k: usize) -> bool {
        let (lo, hi) = self.full_subtree(k);
        (lo..=hi).all(|j| self.quoted[j] || self.is_punct(j))
    }
}

/// `According to X, …`: the rest of the sentence is the content.
fn according_to(cx: &Ctx<'_>, version: &str, out: &mut Vec<(Quote, u8)>) {
    let mut k = 0;
    while k < cx.lower.len() {
        let Some(len) = phrase_at(cx, k) else {
            k += 1;
            continue;
        };
        if cx.quoted[k] {
            k += len;
            continue;
        }
        let s = cx.sentence_range(k);
        let after = k + len;
        let sp_end = (after..s.end)
            .take_while(|&j| !matches!(cx.text(j), "," | "." | ";" | ":" | "\"" | "“" | "”" | "("))
            .take(MAX_SURFACE_SPEAKER + 2)
            .last();
        let speaker = if cx.parsed && after < s.end {
            // The noun whose `case` is `according`.
            let noun = cx.head(k).filter(|&h| h >= after && s.contains(&h));
            noun.map(|h| cx.np(h))
                .map(|(lo, hi)| (lo.max(after), hi.max(after)))
                .or(sp_end.map(|e| (after, e)))
        } else {
            sp_end.map(|e| (after, e))
        };
        let Some((slo, shi)) = speaker else {
            k += len;
            continue;
        };
        // Content: the sentence on the other side of the phrase.
        let content = if k == s.start || (k > s.start && (s.start..k).all(|j| cx.is_punct(j))) {
            cx.trim_punct(shi + 1, s.end.saturating_sub(1))
        } else {
            let before = cx.trim_punct(s.start, k.saturating_sub(1));
            let rest = cx.trim_punct(shi + 1, s.end.saturating_sub(1));
            match (before, rest) {
                (Some(b), Some(r)) if r.1 + 1 - r.0 > 2 * (b.1 + 1 - b.0) => Some(r),
                (Some(b), _) => Some(b),
                (None, r) => r,
            }
        };
        if let Some((lo, hi)) = content {
            if (lo..=hi).filter(|&j| cx.is_word(j)).count() >= 2 {
                let kind = if (lo..=hi).any(|j| cx.double[j]) {
                    QuoteKind::Mixed
                } else {
                    QuoteKind::Indirect
                };
                let attr = Attr {
                    cue: Some((k, k + len - 1)),
                    speaker: Some((slo, shi)),
                    addressee: None,
                };
                out.push((
                    make_quote(cx, kind, cx.span(lo, hi), &attr, version),
                    PRIORITY_ACCORDING,
                ));
            }
        }
        k += len;
    }
}

#[cfg(test)]
mod subtree_tests {
    use super::*;
    use proptest::prelude::*;

    /// Children lists and sentence indexes as `Ctx::build` makes them, from
    /// heads (`None` for a root, any index for the rest: loops included) and
    /// sentence lengths.
    fn graph(heads: &[Option<usize>], lens: &[usize]) -> (Vec<Vec<usize>>, Vec<usize>) {
        let n = heads.len();
        let mut children = vec![Vec::new(); n];
        for (i, h) in heads.iter().enumerate() {
            if let Some(h) = h.map(|h| h % n).filter(|&h| h != i) {
                children[h].push(i);
            }
        }
        let mut sent_of = vec![usize::MAX; n];
        let mut at = 0;
        for (si, &len) in lens.iter().enumerate() {
            for s in sent_of.iter_mut().skip(at).take(len) {
                *s = si;
            }
            at += len;
        }
        (children, sent_of)
    }

    fn range(sent_of: &[usize], i: usize) -> std::ops::Range<usize> {
        if sent_of[i] == usize::MAX {
            return i..i + 1;
        }
        let lo = (0..=i)
            .rev()
            .take_while(|&k| sent_of[k] == sent_of[i])
            .last();
        let hi = (i..sent_of.len())
            .take_while(|&k| sent_of[k] == sent_of[i])
            .last();
        lo.unwrap_or(i)..hi.unwrap_or(i) + 1
    }

    proptest! {
        /// The spans worked out bottom-up are the walk's, for every token
        /// they answer for, with and without children left out; only
        /// tokens whose heads loop back to them are left to the walk.
        #[test]
        fn subtree_spans_are_the_walks(
            heads in prop::collection::vec(prop::option::weighted(0.9, 0usize..64), 1..64),
            lens in prop::collection::vec(1usize..20, 0..8),
            kept in prop::collection::vec(any::<bool>(), 64),
        ) {
            let (children, sent_of) = graph(&heads, &lens);
            let part = |c: usize| kept[c % kept.len()];
            for (spans, follow) in [
                (subtree_spans(&children, &sent_of, |_| true), &(|_| true) as &dyn Fn(usize) -> bool),
                (subtree_spans(&children, &sent_of, part), &part as &dyn Fn(usize) -> bool),
            ] {
                for (i, span) in spans.iter().enumerate() {
                    let walked = walk_subtree(&children, range(&sent_of, i), i, follow);
                    match span {
                        Some(span) => prop_assert_eq!(*span, walked, "token {}", i),
                        None => {
                            // A token left to the walk reaches a loop.
                            let mut seen = vec![false; heads.len()];
                            let mut stack = vec![i];
                            let mut looped = false;
                            while let Some(k) = stack.pop() {
                                if std::mem::replace(&mut seen[k], true) {
                                    looped = true;
                                    break;
                                }
                                stack.extend(children[k].iter().copied().filter(|&c| {
                                    range(&sent_of, k).contains(&c) && follow(c)
                                }));
                            }
                            prop_assert!(looped, "token {} has no loop below it", i);
                        }
                    }
                }
            }
        }
    }
}
