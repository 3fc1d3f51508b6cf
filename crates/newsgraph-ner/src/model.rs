//! The NER model: BILOU labels over four CoNLL types, a greedy left-to-right
//! averaged perceptron, and the tables its features read (word clusters and
//! gazetteer phrases copied in at training time).

use crate::features::{
    all_caps, dyn_feats, lower_key, sentence_toks, static_feats, SentCtx, Tables, Tok, DOC_CAP_MID,
    DOC_LOWER,
};
use crate::format::{ModelError, Reader, Writer};
use crate::hash::KeyMap;
use crate::perceptron::Frozen;
use newsgraph_linear::clusters::WordClusters;

pub(crate) const MAGIC: &[u8; 4] = b"NGNE";
/// Version of the NER model file format.
pub const NER_FORMAT: u32 = 1;
pub(crate) const KIND: &str = "ner";

/// The CoNLL types the model predicts.
pub const TYPES: [&str; 4] = ["PER", "ORG", "LOC", "MISC"];
/// Number of classes: `O` plus B, I, L, U of each type.
pub(crate) const NCLASS: usize = 1 + 4 * TYPES.len();

/// Class id of position `p` (0 B, 1 I, 2 L, 3 U) of type `t`.
#[inline]
pub(crate) fn class(t: usize, p: usize) -> u16 {
    (1 + 4 * t + p) as u16
}

/// (type, position) of a class; `None` for `O`.
#[inline]
pub(crate) fn split(c: u16) -> Option<(usize, usize)> {
    if c == 0 || c as usize >= NCLASS {
        None
    } else {
        let k = c as usize - 1;
        Some((k / 4, k % 4))
    }
}

/// Whether class `c` may follow class `prev` (`u16::MAX` = sentence start).
#[inline]
pub(crate) fn allowed(prev: u16, c: u16) -> bool {
    let inside = matches!(split(prev), Some((_, 0 | 1)));
    match (split(prev), split(c)) {
        (Some((tp, 0 | 1)), Some((t, 1 | 2))) => tp == t,
        _ if inside => false,
        (_, None) => true,
        (_, Some((_, p))) => p == 0 || p == 3,
    }
}

/// Sentence-start history ids.
pub(crate) const START: u16 = 200;
pub(crate) const START2: u16 = 201;

/// An entity found in a sentence: half-open token range and CoNLL type index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct TokenSpan {
    pub start: usize,
    pub end: usize,
    /// Index into [`TYPES`].
    pub ty: usize,
}

/// Turns a class sequence into entity spans (a run cut short by the end of
/// the sentence, or by an unexpected class, still counts).
pub(crate) fn spans_of(classes: &[u16], out: &mut Vec<TokenSpan>) {
    let mut open: Option<(usize, usize)> = None;
    for (i, &c) in classes.iter().enumerate() {
        match split(c) {
            None => {
                if let Some((s, t)) = open.take() {
                    out.push(TokenSpan {
                        start: s,
                        end: i,
                        ty: t,
                    });
                }
            }
            Some((t, p)) => {
                if let Some((s, ot)) = open {
                    if ot != t || p == 0 || p == 3 {
                        out.push(TokenSpan {
                            start: s,
                            end: i,
                            ty: ot,
                        });
                        open = None;
                    }
                }
                match p {
                    0 | 1 => {
                        if open.is_none() {
                            open = Some((i, t));
                        }
                    }
                    _ => {
                        let s = open.take().map_or(i, |(s, _)| s);
                        out.push(TokenSpan {
                            start: s,
                            end: i + 1,
                            ty: t,
                        });
                    }
                }
            }
        }
    }
    if let Some((s, t)) = open {
        out.push(TokenSpan {
            start: s,
            end: classes.len(),
            ty: t,
        });
    }
}

/// BIO / IOB2 tags (`B-PER`, `I-ORG`, `O`; IOB1 `I-` starts are accepted)
/// to BILOU classes. Unknown types count as MISC.
pub(crate) fn bio_to_classes(tags: &[impl AsRef<str>]) -> Vec<u16> {
    let parse = |s: &str| -> Option<(bool, usize)> {
        let (p, t) = s.split_once('-')?;
        let ty = TYPES.iter().position(|x| *x == t).unwrap_or(3);
        Some((p == "B", ty))
    };
    let parsed: Vec<Option<(bool, usize)>> = tags.iter().map(|t| parse(t.as_ref())).collect();
    let mut out = Vec::with_capacity(parsed.len());
    for i in 0..parsed.len() {
        let Some((b, t)) = parsed[i] else {
            out.push(0);
            continue;
        };
        let starts =
            b || !matches!(i.checked_sub(1).and_then(|j| parsed[j]), Some((_, pt)) if pt == t);
        let continues = matches!(parsed.get(i + 1), Some(Some((nb, nt))) if !nb && *nt == t);
        out.push(class(
            t,
            match (starts, continues) {
                (true, true) => 0,
                (false, true) => 1,
                (false, false) => 2,
                (true, false) => 3,
            },
        ));
    }
    out
}

/// Something that scores feature lists and, in training, learns from them.
pub(crate) trait Scorer {
    fn score(&self, fs: &[u32], scores: &mut [f32]);
    /// Called after each decision with the gold class when known.
    fn observe(&mut self, _fs: &[u32], _gold: u16, _pred: u16) {}
}

/// Per-document flags of lowercased words (see `features::DOC_*`).
pub(crate) fn doc_flags<S: AsRef<str>>(sents: &[&[S]]) -> KeyMap<u64, u8> {
    let mut m: KeyMap<u64, u8> = KeyMap::default();
    let mut lower = String::new();
    for s in sents {
        let caps = all_caps(s);
        for (i, f) in s.iter().enumerate() {
            let f = f.as_ref();
            let Some(c0) = f.chars().next() else { continue };
            if !c0.is_alphabetic() {
                continue;
            }
            lower.clear();
            lower.extend(f.chars().flat_map(char::to_lowercase));
            let e = m.entry(lower_key(&lower)).or_insert(0);
            if c0.is_uppercase() && i > 0 && !caps && f.chars().skip(1).any(char::is_lowercase) {
                *e |= DOC_CAP_MID;
            }
            if c0.is_lowercase() {
                *e |= DOC_LOWER;
            }
        }
    }
    m
}

/// Reusable buffers.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    fs: Vec<u32>,
    scores: Vec<f32>,
}

/// The prediction-free part of a sentence's features, computed once for
/// both passes.
#[derive(Debug, Default)]
struct SentFeats {
    toks: Vec<Tok>,
    all_caps: bool,
    /// Static features of token `i`: `stat[offs[i]..offs[i + 1]]`.
    stat: Vec<u32>,
    offs: Vec<usize>,
}

fn sent_feats<S: AsRef<str>>(
    sents: &[&[S]],
    tables: &Tables<'_>,
    flags: &KeyMap<u64, u8>,
) -> Vec<SentFeats> {
    let mut buf = Vec::new();
    sents
        .iter()
        .map(|s| {
            let mut f = SentFeats {
                all_caps: all_caps(s),
                ..SentFeats::default()
            };
            sentence_toks(s, tables, flags, &mut f.toks);
            let ctx = SentCtx {
                all_caps: f.all_caps,
            };
            f.offs.push(0);
            for i in 0..f.toks.len() {
                static_feats(&f.toks, i, ctx, &mut buf);
                f.stat.extend_from_slice(&buf);
                f.offs.push(f.stat.len());
            }
            f
        })
        .collect()
}

/// Greedy left-to-right decoding of one document (sentences in order),
/// with the document history. `gold`, when given, is passed to the scorer's
/// `observe` (training); `constrained` restricts each step to classes that
/// may follow the previous one (decoding).
#[allow(clippy::too_many_arguments)]
fn decode_pass<S: AsRef<str>>(
    sents: &[&[S]],
    feats: &[SentFeats],
    gold: Option<&[Vec<u16>]>,
    scorer: &mut impl Scorer,
    constrained: bool,
    votes: Option<&Votes>,
    sc: &mut Scratch,
    out: &mut Vec<Vec<u16>>,
) {
    out.clear();
    let mut hist: KeyMap<u64, u16> = KeyMap::default();
    sc.scores.resize(NCLASS, 0.0);
    for (si, (s, sf)) in sents.iter().zip(feats).enumerate() {
        let toks = &sf.toks;
        let mut pred: Vec<u16> = Vec::with_capacity(s.len());
        let own = |si: usize, i: usize| {
            votes
                .and_then(|v| v.own.get(si))
                .and_then(|o| o.get(i))
                .copied()
                .unwrap_or(0)
        };
        let (mut p1, mut p2) = (START, START2);
        for i in 0..toks.len() {
            sc.fs.clear();
            sc.fs
                .extend_from_slice(&sf.stat[sf.offs[i]..sf.offs[i + 1]]);
            let h = hist.get(&toks[i].lower).copied().unwrap_or(0);
            let v = votes.map_or(0, |v| v.vote(toks[i].lower, own(si, i)));
            dyn_feats(toks, i, p1, p2, h, v, &mut sc.fs);
            sc.scores.iter_mut().for_each(|x| *x = 0.0);
            scorer.score(&sc.fs, &mut sc.scores);
            let prev = pred.last().copied().unwrap_or(u16::MAX);
            let mut best = 0u16;
            let mut best_s = f32::NEG_INFINITY;
            for (c, &v) in sc.scores.iter().enumerate() {
                let c = c as u16;
                if constrained && !allowed(prev, c) {
                    continue;
                }
                if v > best_s {
                    best_s = v;
                    best = c;
                }
            }
            if let Some(g) = gold.and_then(|g| g.get(si)).and_then(|g| g.get(i)) {
                scorer.observe(&sc.fs, *g, best);
            }
            pred.push(best);
            p2 = p1;
            p1 = best;
        }
        // Remember the types given to capitalised words, for later sentences
        // (`O` only where capitals say something: not sentence-initially,
        // not in headlines).
        for (i, f) in s.iter().enumerate() {
            if f.as_ref().chars().next().is_some_and(char::is_uppercase) {
                match split(pred[i]) {
                    Some((t, _)) => {
                        hist.insert(toks[i].lower, t as u16 + 1);
                    }
                    None if i > 0 && !sf.all_caps => {
                        hist.entry(toks[i].lower).or_insert(5);
                    }
                    None => {}
                }
            }
        }
        out.push(pred);
    }
}

/// What the first pass said about each capitalised word of the document:
/// counts of O (not sentence-initial) and of each type, per lowercased word.
#[derive(Debug, Default)]
pub(crate) struct Votes {
    counts: KeyMap<u64, [u16; 5]>,
    /// Per sentence and token: the vote the token itself cast (0 none, 1 O, 2.. types).
    own: Vec<Vec<u8>>,
}

impl Votes {
    fn new<S: AsRef<str>>(sents: &[&[S]], classes: &[Vec<u16>]) -> Votes {
        let mut v = Votes::default();
        let mut lower = String::new();
        for (s, c) in sents.iter().zip(classes) {
            let caps = all_caps(s);
            let mut own = vec![0u8; s.len()];
            for (i, f) in s.iter().enumerate() {
                let f = f.as_ref();
                if !f.chars().next().is_some_and(char::is_uppercase) {
                    continue;
                }
                let k = match split(c.get(i).copied().unwrap_or(0)) {
                    Some((t, _)) => t + 1,
                    None if i > 0 && !caps => 0,
                    None => continue,
                };
                lower.clear();
                lower.extend(f.chars().flat_map(char::to_lowercase));
                let e = v.counts.entry(lower_key(&lower)).or_insert([0; 5]);
                e[k] = e[k].saturating_add(1);
                own[i] = k as u8 + 1;
            }
            v.own.push(own);
        }
        v
    }

    /// The majority vote of the other occurrences (0 none, 1 O, 2.. types).
    fn vote(&self, lower: u64, own: u8) -> u16 {
        let Some(c) = self.counts.get(&lower) else {
            return 0;
        };
        let mut c = *c;
        if own > 0 {
            let k = own as usize - 1;
            c[k] = c[k].saturating_sub(1);
        }
        let mut best = 0;
        for k in 1..5 {
            if c[k] > c[best] {
                best = k;
            }
        }
        if c[best] == 0 {
            0
        } else {
            best as u16 + 1
        }
    }
}

/// Two greedy passes over a document: the second also sees what the first
/// said about the other occurrences of each word. In training (`gold`
/// given) both passes learn.
pub(crate) fn decode_doc<S: AsRef<str>>(
    sents: &[&[S]],
    gold: Option<&[Vec<u16>]>,
    tables: &Tables<'_>,
    scorer: &mut impl Scorer,
    constrained: bool,
    sc: &mut Scratch,
    out: &mut Vec<Vec<u16>>,
) {
    let flags = doc_flags(sents);
    let feats = sent_feats(sents, tables, &flags);
    decode_pass(sents, &feats, gold, scorer, constrained, None, sc, out);
    let votes = Votes::new(sents, out);
    decode_pass(
        sents,
        &feats,
        gold,
        scorer,
        constrained,
        Some(&votes),
        sc,
        out,
    );
}

/// A loaded NER model.
#[derive(Clone)]
pub struct NerModel {
    pub(crate) clusters: WordClusters,
    pub(crate) gaz: KeyMap<u64, u8>,
    pub(crate) weights: Frozen,
    size: usize,
}

impl std::fmt::Debug for NerModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NerModel")
            .field("clusters", &self.clusters.len())
            .field("gazetteer", &self.gaz.len())
            .field("weights", &self.weights.entries())
            .field("bytes", &self.size)
            .finish()
    }
}

impl Scorer for &Frozen {
    fn score(&self, fs: &[u32], scores: &mut [f32]) {
        let mut s = [0i32; NCLASS];
        Frozen::score(self, fs, &mut s);
        for (o, v) in scores.iter_mut().zip(s) {
            *o = v as f32;
        }
    }
}

/// Writes the tables of a model; the caller appends the weights.
pub(crate) fn write_tables(w: &mut Writer, clusters: &WordClusters, gaz: &KeyMap<u64, u8>) {
    clusters.write(w);
    let mut gz: Vec<(u64, u8)> = gaz.iter().map(|(k, v)| (*k, *v)).collect();
    gz.sort_unstable();
    w.u32(gz.len() as u32);
    for (k, v) in gz {
        w.u64(k);
        w.u8(v);
    }
}

impl NerModel {
    /// Parses a model file (`NGNE`, format, tables, weights, checksum).
    pub fn from_bytes(b: &[u8]) -> Result<NerModel, ModelError> {
        let mut r = Reader::open(b, MAGIC, NER_FORMAT, KIND)?;
        let clusters = WordClusters::read(&mut r)?;
        let n = r.count(9)?;
        let mut gaz = KeyMap::default();
        gaz.reserve(n);
        for _ in 0..n {
            let k = r.u64()?;
            gaz.insert(k, r.u8()?);
        }
        let weights = Frozen::read(&mut r)?;
        if weights.nclass != NCLASS {
            return Err(r.err("wrong number of classes"));
        }
        r.end()?;
        Ok(NerModel {
            clusters,
            gaz,
            weights,
            size: b.len(),
        })
    }

    pub(crate) fn tables(&self) -> Tables<'_> {
        Tables {
            clusters: &self.clusters,
            gaz: &self.gaz,
        }
    }

    /// Gazetteer categories (`features::GAZ_*` bits) of a phrase, 0 if unknown.
    pub fn gazetteer(&self, phrase: &[&str]) -> u8 {
        let key: Vec<String> = phrase
            .iter()
            .map(|t| crate::features::gaz_token(t))
            .filter(|s| !s.is_empty())
            .collect();
        self.gaz
            .get(&crate::features::phrase_key(&key.join(" ")))
            .copied()
            .unwrap_or(0)
    }

    /// Tags a document given as sentences of token forms; returns the
    /// entity spans of each sentence.
    pub fn tag_document<S: AsRef<str>>(&self, sents: &[&[S]]) -> Vec<Vec<TokenSpan>> {
        let mut sc = Scratch::default();
        let mut classes = Vec::new();
        let mut scorer = &self.weights;
        decode_doc(
            sents,
            None,
            &self.tables(),
            &mut scorer,
            true,
            &mut sc,
            &mut classes,
        );
        classes
            .iter()
            .map(|c| {
                let mut v = Vec::new();
                spans_of(c, &mut v);
                v
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bilou_round_trip() {
        let tags = ["B-PER", "I-PER", "O", "B-LOC", "B-LOC", "I-MISC", "I-MISC"];
        let c = bio_to_classes(&tags);
        assert_eq!(
            c,
            vec![
                class(0, 0),
                class(0, 2),
                0,
                class(2, 3),
                class(2, 3),
                class(3, 0),
                class(3, 2)
            ]
        );
        let mut s = Vec::new();
        spans_of(&c, &mut s);
        assert_eq!(
            s,
            vec![
                TokenSpan {
                    start: 0,
                    end: 2,
                    ty: 0
                },
                TokenSpan {
                    start: 3,
                    end: 4,
                    ty: 2
                },
                TokenSpan {
                    start: 4,
                    end: 5,
                    ty: 2
                },
                TokenSpan {
                    start: 5,
                    end: 7,
                    ty: 3
                },
            ]
        );
    }

    #[test]
    fn transitions() {
        assert!(allowed(u16::MAX, class(1, 0)));
        assert!(!allowed(u16::MAX, class(1, 1)));
        assert!(!allowed(class(1, 0), 0));
        assert!(allowed(class(1, 0), class(1, 2)));
        assert!(!allowed(class(1, 0), class(2, 2)));
        assert!(allowed(class(1, 2), class(2, 3)));
        assert!(allowed(0, 0));
    }

    #[test]
    fn broken_runs_still_make_spans() {
        let mut s = Vec::new();
        spans_of(&[class(0, 0), class(0, 1)], &mut s);
        assert_eq!(
            s,
            vec![TokenSpan {
                start: 0,
                end: 2,
                ty: 0
            }]
        );
        s.clear();
        spans_of(&[class(0, 2), class(1, 0)], &mut s);
        assert_eq!(
            s,
            vec![
                TokenSpan {
                    start: 0,
                    end: 1,
                    ty: 0
                },
                TokenSpan {
                    start: 1,
                    end: 2,
                    ty: 1
                }
            ]
        );
    }
}
