//! The tagger model: joint UPOS+XPOS greedy averaged perceptron, a tag
//! dictionary for frequent unambiguous words, and a FEATS perceptron that
//! chooses among the feature bundles seen with the predicted tag.

use crate::features::{
    cluster_key, dict_key, dyn_feats, morph_feats, sentence_toks, static_feats, Tok, N_DYN,
    N_MORPH, N_STATIC,
};
use crate::format::{ModelError, Reader, Writer};
use crate::hash::{fnv, KeyMap, Rng, FNV};
use crate::perceptron::{Frozen, Trainer};
use crate::train::{DevScore, GoldSent, TrainError};
use std::collections::BTreeMap;

const MAGIC: &[u8; 4] = b"NGTG";
/// Version of the tagger file format.
pub const TAGGER_FORMAT: u32 = 3;
const KIND: &str = "tagger";

/// Word clusters learned elsewhere (from bulk news, by `newsgraph-embed`),
/// copied into the tagger model so that it is self-contained.
#[derive(Clone, Debug, Default)]
pub struct WordClusters {
    pub(crate) map: KeyMap<u64, [u16; 3]>,
}

impl WordClusters {
    pub fn new() -> WordClusters {
        WordClusters::default()
    }

    /// Adds a word, normalised as `newsgraph_embed::normalize` does
    /// (lowercase, ASCII digits as `0`), with its cluster ids, coarse to fine.
    pub fn insert(&mut self, normalized: &str, clusters: [u16; 3]) {
        self.map.insert(cluster_key(normalized), clusters);
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

/// Previous-tag ids before the sentence start.
const START1: u16 = u16::MAX - 1;
const START2: u16 = u16::MAX - 2;

/// A word seen at least this often…
const DICT_MIN: u32 = 20;
/// …with one tag at least this share of the time is tagged from the dictionary.
const DICT_SHARE: f64 = 0.995;

/// Loaded tagger weights and tables.
#[derive(Clone)]
pub struct TaggerModel {
    pub(crate) tags: Vec<(String, String)>,
    pub(crate) feats: Vec<String>,
    allowed: Vec<Vec<u16>>,
    dict: KeyMap<u64, u16>,
    classes: KeyMap<u64, u64>,
    clusters: KeyMap<u64, [u16; 3]>,
    tag_w: Frozen,
    morph_w: Frozen,
    size: usize,
}

impl std::fmt::Debug for TaggerModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TaggerModel")
            .field("tags", &self.tags.len())
            .field("feats", &self.feats.len())
            .field("dict", &self.dict.len())
            .field("tag_weights", &self.tag_w.entries())
            .field("feats_weights", &self.morph_w.entries())
            .field("bytes", &self.size)
            .finish()
    }
}

/// Reusable buffers of one tagging call.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    toks: Vec<Tok>,
    lower: String,
    scores: Vec<i32>,
}

impl TaggerModel {
    /// Parses a tagger file (`NGTG`, format, tables, weights, checksum).
    pub fn from_bytes(b: &[u8]) -> Result<TaggerModel, ModelError> {
        let mut r = Reader::open(b, MAGIC, TAGGER_FORMAT, KIND)?;
        let nt = r.count(4)?;
        let mut tags = Vec::with_capacity(nt);
        for _ in 0..nt {
            tags.push((r.str()?, r.str()?));
        }
        let nf = r.count(2)?;
        let mut feats = Vec::with_capacity(nf);
        for _ in 0..nf {
            feats.push(r.str()?);
        }
        let mut allowed = Vec::with_capacity(nt);
        for _ in 0..nt {
            let n = r.u16()? as usize;
            let mut a = Vec::with_capacity(n);
            for _ in 0..n {
                let f = r.u16()?;
                if f as usize >= nf {
                    return Err(r.err("feature bundle out of range"));
                }
                a.push(f);
            }
            allowed.push(a);
        }
        let nd = r.count(10)?;
        let mut dict = KeyMap::default();
        dict.reserve(nd);
        for _ in 0..nd {
            let k = r.u64()?;
            let t = r.u16()?;
            if t as usize >= nt {
                return Err(r.err("dictionary tag out of range"));
            }
            dict.insert(k, t);
        }
        let nc = r.count(16)?;
        let mut classes = KeyMap::default();
        classes.reserve(nc);
        for _ in 0..nc {
            let k = r.u64()?;
            classes.insert(k, r.u64()?);
        }
        let ncl = r.count(14)?;
        let mut clusters = KeyMap::default();
        clusters.reserve(ncl);
        for _ in 0..ncl {
            let k = r.u64()?;
            clusters.insert(k, [r.u16()?, r.u16()?, r.u16()?]);
        }
        let tag_w = Frozen::read(&mut r)?;
        let morph_w = Frozen::read(&mut r)?;
        r.end()?;
        if tag_w.nclass != nt || morph_w.nclass != nf {
            return Err(r.err("weight tables do not match the tag sets"));
        }
        Ok(TaggerModel {
            tags,
            feats,
            allowed,
            dict,
            classes,
            clusters,
            tag_w,
            morph_w,
            size: b.len(),
        })
    }

    /// Size of the file the model was read from.
    pub fn file_size(&self) -> usize {
        self.size
    }

    /// Tags a sentence: one `(tag id, feats id)` pair per form.
    pub(crate) fn predict<S: AsRef<str>>(
        &self,
        forms: &[S],
        style: u8,
        sc: &mut Scratch,
        tags: &mut Vec<u16>,
        feats: &mut Vec<u16>,
    ) {
        tags.clear();
        feats.clear();
        if self.tags.is_empty() || self.feats.is_empty() {
            return;
        }
        sentence_toks(
            forms,
            &self.classes,
            &self.clusters,
            &mut sc.toks,
            &mut sc.lower,
        );
        let nt = self.tags.len();
        let (mut t1, mut t2) = (START1, START2);
        let mut sf = [0u32; N_STATIC];
        let mut df = [0u32; N_DYN];
        for (i, f) in forms.iter().enumerate() {
            let tag = match self.dict.get(&dict_key(f.as_ref())) {
                Some(&t) => t,
                None => {
                    static_feats(&sc.toks, i, style, &mut sf);
                    dyn_feats(&sc.toks, i, t1, t2, style, &mut df);
                    sc.scores.clear();
                    sc.scores.resize(nt, 0);
                    self.tag_w.score(&sf, &mut sc.scores);
                    self.tag_w.score(&df, &mut sc.scores);
                    argmax(&sc.scores)
                }
            };
            tags.push(tag);
            t2 = t1;
            t1 = tag;
        }
        let mut mf = [0u32; N_MORPH];
        for i in 0..forms.len() {
            let al = &self.allowed[tags[i] as usize];
            let f = match al.len() {
                0 => 0,
                1 => al[0],
                _ => {
                    morph_feats(&sc.toks, tags, i, style, &mut mf);
                    sc.scores.clear();
                    sc.scores.resize(self.feats.len(), 0);
                    self.morph_w.score(&mf, &mut sc.scores);
                    best_of(&sc.scores, al)
                }
            };
            feats.push(f);
        }
    }
}

/// Index of the first maximum.
fn argmax<T: PartialOrd + Copy>(s: &[T]) -> u16 {
    let mut b = 0;
    for i in 1..s.len() {
        if s[i] > s[b] {
            b = i;
        }
    }
    b as u16
}

/// The candidate of `cands` with the highest score (the first on ties).
fn best_of<T: PartialOrd + Copy>(s: &[T], cands: &[u16]) -> u16 {
    let mut b = cands[0];
    for &c in &cands[1..] {
        if s[c as usize] > s[b as usize] {
            b = c;
        }
    }
    b
}

/// Result of [`train`]: the model file and its dev scores.
#[derive(Debug, Clone)]
pub struct TrainedTagger {
    pub bytes: Vec<u8>,
    /// The epoch kept (1-based).
    pub epoch: usize,
    pub dev: Vec<DevScore>,
    pub seconds: f64,
}

/// Trains the tagger on gold sentences. `dev` sets pick the epoch (best
/// mean of UPOS, XPOS and UFeats accuracy over the sets whose name does not
/// end in ` news`). Deterministic.
pub(crate) fn train(
    train: &[GoldSent],
    dev: &[(String, Vec<GoldSent>)],
    epochs: usize,
    clusters: &WordClusters,
    mut log: impl FnMut(&str),
) -> Result<TrainedTagger, TrainError> {
    let t0 = std::time::Instant::now();
    if epochs == 0 {
        return Err(TrainError::Invalid("epochs must be at least 1".into()));
    }
    if train.iter().all(|s| s.forms.is_empty()) {
        return Err(TrainError::Invalid("no training sentences".into()));
    }
    // Tag and feature-bundle inventories, in sorted order.
    let mut tag_ids: BTreeMap<(String, String), u16> = BTreeMap::new();
    let mut feat_ids: BTreeMap<String, u16> = BTreeMap::new();
    for s in train {
        for i in 0..s.forms.len() {
            tag_ids.insert((s.upos[i].clone(), s.xpos[i].clone()), 0);
            feat_ids.insert(s.feats[i].clone(), 0);
        }
    }
    for (i, v) in tag_ids.values_mut().enumerate() {
        *v = i as u16;
    }
    for (i, v) in feat_ids.values_mut().enumerate() {
        *v = i as u16;
    }
    if tag_ids.len() >= START2 as usize || feat_ids.len() >= u16::MAX as usize {
        return Err(TrainError::Invalid("too many distinct tags".into()));
    }
    let gold: Vec<(Vec<u16>, Vec<u16>)> = train
        .iter()
        .map(|s| {
            (0..s.forms.len())
                .map(|i| {
                    (
                        tag_ids[&(s.upos[i].clone(), s.xpos[i].clone())],
                        feat_ids[&s.feats[i]],
                    )
                })
                .unzip()
        })
        .collect();
    let nt = tag_ids.len();
    let nf = feat_ids.len();

    // Feature bundles allowed per tag (seen twice, or the most frequent),
    // most frequent first.
    let mut tf = vec![BTreeMap::<u16, u32>::new(); nt];
    let mut words: BTreeMap<&str, BTreeMap<u16, u32>> = BTreeMap::new();
    for (s, (t, f)) in train.iter().zip(&gold) {
        for i in 0..t.len() {
            *tf[t[i] as usize].entry(f[i]).or_default() += 1;
            *words
                .entry(s.forms[i].as_str())
                .or_default()
                .entry(t[i])
                .or_default() += 1;
        }
    }
    let allowed: Vec<Vec<u16>> = tf
        .iter()
        .map(|m| {
            let mut v: Vec<(u16, u32)> = m.iter().map(|(&f, &c)| (f, c)).collect();
            v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            let keep: Vec<u16> = v.iter().filter(|x| x.1 >= 2).map(|x| x.0).collect();
            if keep.is_empty() {
                v.iter().take(1).map(|x| x.0).collect()
            } else {
                keep
            }
        })
        .collect();
    let mut dict: Vec<(u64, u16)> = Vec::new();
    for (w, m) in &words {
        let total: u32 = m.values().sum();
        let (bt, bc) = m
            .iter()
            .fold((0u16, 0u32), |b, (&t, &c)| if c > b.1 { (t, c) } else { b });
        if total >= DICT_MIN && f64::from(bc) >= DICT_SHARE * f64::from(total) {
            dict.push((dict_key(w), bt));
        }
    }
    dict.sort_unstable();
    dict.dedup_by_key(|x| x.0);
    // Ambiguity classes: the tags a word had at least 2% of the time, for
    // words seen at least twice.
    let mut classes: Vec<(u64, u64)> = Vec::new();
    for (w, m) in &words {
        let total: u32 = m.values().sum();
        if total < 2 {
            continue;
        }
        let mut h = FNV ^ 0xC1A5;
        for (&t, &c) in m {
            if c * 50 >= total {
                h = fnv(h, &t.to_le_bytes());
            }
        }
        classes.push((dict_key(w), h));
    }
    classes.sort_unstable();
    classes.dedup_by_key(|x| x.0);
    let class_map: KeyMap<u64, u64> = classes.iter().copied().collect();
    let dict_map: KeyMap<u64, u16> = dict.iter().copied().collect();
    log(&format!(
        "{} sentences, {} words; {nt} tags, {nf} feature bundles, {} dictionary words",
        train.len(),
        gold.iter().map(|g| g.0.len()).sum::<usize>(),
        dict.len()
    ));

    let mut tw = Trainer::new(nt);
    let mut mw = Trainer::new(nf);
    let mut order: Vec<usize> = (0..train.len()).collect();
    let mut rng = Rng::new(0x5EED_7A66);
    let mut toks = Vec::new();
    let mut lower = String::new();
    let mut fs: Vec<u32> = Vec::with_capacity(N_STATIC + N_DYN);
    let mut scores = vec![0f32; nt.max(nf)];
    let (mut sf, mut df, mut mf) = ([0u32; N_STATIC], [0u32; N_DYN], [0u32; N_MORPH]);
    let mut best: Option<(f64, usize, Vec<u8>, Vec<DevScore>)> = None;
    for epoch in 1..=epochs {
        rng.shuffle(&mut order);
        let (mut n, mut right) = (0usize, 0usize);
        for &si in &order {
            let s = &train[si];
            let (gt, gf) = &gold[si];
            sentence_toks(&s.forms, &class_map, &clusters.map, &mut toks, &mut lower);
            let (mut t1, mut t2) = (START1, START2);
            // `i` indexes the forms, the token features and the gold tags.
            #[allow(clippy::needless_range_loop)]
            for i in 0..s.forms.len() {
                let tag = match dict_map.get(&dict_key(&s.forms[i])) {
                    Some(&t) => t,
                    None => {
                        static_feats(&toks, i, s.style, &mut sf);
                        dyn_feats(&toks, i, t1, t2, s.style, &mut df);
                        fs.clear();
                        fs.extend_from_slice(&sf);
                        fs.extend_from_slice(&df);
                        scores[..nt].fill(0.0);
                        tw.score(&fs, &mut scores[..nt]);
                        let g = argmax(&scores[..nt]);
                        tw.tick();
                        tw.update(&fs, gt[i], g);
                        g
                    }
                };
                n += 1;
                right += usize::from(tag == gt[i]);
                t2 = t1;
                t1 = tag;
            }
            // FEATS on gold tags.
            for i in 0..s.forms.len() {
                let al = &allowed[gt[i] as usize];
                if al.len() < 2 || !al.contains(&gf[i]) {
                    continue;
                }
                morph_feats(&toks, gt, i, s.style, &mut mf);
                scores[..nf].fill(0.0);
                mw.score(&mf, &mut scores[..nf]);
                let g = best_of(&scores[..nf], al);
                mw.tick();
                mw.update(&mf, gf[i], g);
            }
        }
        let lexicon = Lexicon {
            dict: &dict,
            classes: &classes,
            clusters,
        };
        let bytes = write_model(&tag_ids, &feat_ids, &allowed, &lexicon, &tw, &mw);
        let model = TaggerModel::from_bytes(&bytes)
            .map_err(|e| TrainError::Invalid(format!("model does not reload: {e}")))?;
        let scores: Vec<DevScore> = dev
            .iter()
            .map(|(name, d)| evaluate(&model, name, d))
            .collect();
        let full: Vec<&DevScore> = scores
            .iter()
            .filter(|s| !s.name.ends_with(" news"))
            .collect();
        let crit = if full.is_empty() {
            0.0
        } else {
            full.iter().map(|s| s.upos + s.xpos + s.ufeats).sum::<f64>() / (3 * full.len()) as f64
        };
        log(&format!(
            "epoch {epoch}: train tag acc {:.2}, {} bytes; {} ({:.0} s)",
            100.0 * right as f64 / n.max(1) as f64,
            bytes.len(),
            scores
                .iter()
                .map(DevScore::summary)
                .collect::<Vec<_>>()
                .join("; "),
            t0.elapsed().as_secs_f64()
        ));
        if best.as_ref().is_none_or(|b| crit > b.0) {
            best = Some((crit, epoch, bytes, scores));
        }
    }
    let (_, epoch, bytes, dev) = best.ok_or_else(|| TrainError::Invalid("no epoch".into()))?;
    Ok(TrainedTagger {
        bytes,
        epoch,
        dev,
        seconds: t0.elapsed().as_secs_f64(),
    })
}

/// The word-level tables of a model file.
struct Lexicon<'a> {
    dict: &'a [(u64, u16)],
    classes: &'a [(u64, u64)],
    clusters: &'a WordClusters,
}

fn write_model(
    tag_ids: &BTreeMap<(String, String), u16>,
    feat_ids: &BTreeMap<String, u16>,
    allowed: &[Vec<u16>],
    lexicon: &Lexicon<'_>,
    tw: &Trainer,
    mw: &Trainer,
) -> Vec<u8> {
    let mut w = Writer::new(MAGIC, TAGGER_FORMAT);
    w.u32(tag_ids.len() as u32);
    for (u, x) in tag_ids.keys() {
        w.str(u);
        w.str(x);
    }
    w.u32(feat_ids.len() as u32);
    for f in feat_ids.keys() {
        w.str(f);
    }
    for a in allowed {
        w.u16(a.len() as u16);
        for &f in a {
            w.u16(f);
        }
    }
    let Lexicon {
        dict,
        classes,
        clusters,
    } = lexicon;
    w.u32(dict.len() as u32);
    for &(k, t) in *dict {
        w.u64(k);
        w.u16(t);
    }
    w.u32(classes.len() as u32);
    for &(k, c) in *classes {
        w.u64(k);
        w.u64(c);
    }
    let mut cl: Vec<(u64, [u16; 3])> = clusters.map.iter().map(|(&k, &v)| (k, v)).collect();
    cl.sort_unstable();
    w.u32(cl.len() as u32);
    for (k, [a, b, c]) in cl {
        w.u64(k);
        w.u16(a);
        w.u16(b);
        w.u16(c);
    }
    tw.write_averaged(&mut w, 1);
    mw.write_averaged(&mut w, 1);
    w.finish()
}

/// Tagging accuracy of `model` on gold sentences.
pub(crate) fn evaluate(model: &TaggerModel, name: &str, sents: &[GoldSent]) -> DevScore {
    let mut sc = Scratch::default();
    let (mut tags, mut feats) = (Vec::new(), Vec::new());
    let mut d = DevScore::new(name);
    for s in sents {
        model.predict(&s.forms, s.style, &mut sc, &mut tags, &mut feats);
        for i in 0..s.forms.len() {
            let (u, x) = &model.tags[tags[i] as usize];
            let f = &model.feats[feats[i] as usize];
            let (ou, ox, of) = (*u == s.upos[i], *x == s.xpos[i], *f == s.feats[i]);
            d.add_tags(ou, ox, of);
        }
    }
    d.finish()
}
