//! The lemmatiser: edit scripts (casing rule + suffix rewrite) chosen by a
//! form lexicon from the training data, and for unseen words by the longest
//! matching suffix of rare training words with the same tag and casing.

use crate::format::{ModelError, Reader, Writer};
use crate::hash::{fin, fnv, KeyMap, FNV};
use crate::train::{DevScore, GoldSent, TrainError};
use std::collections::BTreeMap;

const MAGIC: &[u8; 4] = b"NGLM";
/// Version of the lemmatiser file format.
pub const LEMMATIZER_FORMAT: u32 = 1;
const KIND: &str = "lemmatizer";
/// Longest suffix (in chars) the unseen-word table looks at.
const MAX_SUFFIX: usize = 8;
/// Words seen at most this often feed the suffix table.
const RARE: u32 = 2;

/// How to turn a form into its lemma.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Script {
    /// Lowercase the form first.
    lower: bool,
    /// Chars to remove from the end.
    strip: u16,
    /// Then append this.
    append: String,
}

impl Script {
    /// The cheapest script that maps `form` to `lemma` (lowercasing wins
    /// ties, so that `Market` and `market` share a script).
    pub(crate) fn derive(form: &str, lemma: &str) -> Script {
        let mut best: Option<(usize, Script)> = None;
        for lower in [true, false] {
            let base: String = if lower {
                lowercase(form)
            } else {
                form.to_string()
            };
            let mut p = 0; // common prefix in bytes
            for (a, b) in base.chars().zip(lemma.chars()) {
                if a != b {
                    break;
                }
                p += a.len_utf8();
            }
            let strip = base[p..].chars().count();
            let append = &lemma[p..];
            let cost = strip + append.chars().count();
            if best.as_ref().is_none_or(|b| cost < b.0) {
                best = Some((
                    cost,
                    Script {
                        lower,
                        strip: strip.min(u16::MAX as usize) as u16,
                        append: append.to_string(),
                    },
                ));
            }
        }
        best.map(|b| b.1).unwrap_or(Script {
            lower: false,
            strip: 0,
            append: String::new(),
        })
    }

    /// Applies the script, or `None` when the form is too short for it.
    pub(crate) fn apply(&self, form: &str, out: &mut String) -> bool {
        out.clear();
        if self.lower {
            lower_into(form, out);
        } else {
            out.push_str(form);
        }
        let mut cut = out.len();
        let mut n = 0;
        for (i, _) in out.char_indices().rev() {
            if n == self.strip as usize {
                break;
            }
            cut = i;
            n += 1;
        }
        if n < self.strip as usize {
            return false;
        }
        out.truncate(cut);
        out.push_str(&self.append);
        true
    }
}

fn lowercase(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    lower_into(s, &mut o);
    o
}

fn lower_into(s: &str, o: &mut String) {
    if s.is_ascii() {
        o.extend(s.bytes().map(|b| b.to_ascii_lowercase() as char));
    } else {
        for c in s.chars() {
            o.extend(c.to_lowercase());
        }
    }
}

/// 0 no letters, 1 lowercase, 2 Titlecase, 3 ALLCAPS, 4 mixed.
fn case_class(form: &str) -> u64 {
    let (mut up, mut lo, mut first_up) = (0, 0, false);
    for (i, c) in form.chars().enumerate() {
        if c.is_uppercase() {
            up += 1;
            if i == 0 {
                first_up = true;
            }
        } else if c.is_lowercase() {
            lo += 1;
        }
    }
    match (up, lo) {
        (0, 0) => 0,
        (0, _) => 1,
        (1, _) if first_up => 2,
        (_, 0) => 3,
        _ => 4,
    }
}

fn tag_key(upos: &str, xpos: &str) -> u64 {
    let h = fnv(FNV, upos.as_bytes());
    fnv(fnv(h, b"\t"), xpos.as_bytes())
}

fn styled_tag(tk: u64, style: u8) -> u64 {
    fin(tk ^ 0x5757 ^ (u64::from(style) << 40))
}

fn exact_key(tk: u64, form: &str) -> u64 {
    fin(fnv(tk ^ 0x1111, form.as_bytes()))
}

fn lower_key(tk: u64, lower: &str) -> u64 {
    fin(fnv(tk ^ 0x2222, lower.as_bytes()))
}

/// Key of the last `k` chars `suf` of a word of case class `cc`; `full`
/// when the suffix is the whole word.
fn suffix_key(tk: u64, cc: u64, k: usize, full: bool, suf: &str) -> u64 {
    let salt = 0x3333 ^ (cc << 20) ^ ((k as u64) << 24) ^ (u64::from(full) << 32);
    fin(fnv(tk ^ fin(salt), suf.as_bytes()))
}

/// The last `k` chars of `s` (all of it when shorter).
fn last_chars(s: &str, k: usize) -> &str {
    if k == 0 {
        return "";
    }
    match s.char_indices().rev().nth(k - 1) {
        Some((i, _)) => &s[i..],
        None => s,
    }
}

/// Loaded lemmatiser tables.
#[derive(Clone)]
pub struct LemmatizerModel {
    scripts: Vec<Script>,
    exact: KeyMap<u64, u16>,
    lower: KeyMap<u64, u16>,
    suffix: KeyMap<u64, u16>,
    /// Lowercase-lexicon entries of one annotation style that differ from
    /// the pooled ones.
    styled: KeyMap<u64, u16>,
    size: usize,
}

impl std::fmt::Debug for LemmatizerModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LemmatizerModel")
            .field("scripts", &self.scripts.len())
            .field("exact", &self.exact.len())
            .field("lower", &self.lower.len())
            .field("suffix", &self.suffix.len())
            .field("bytes", &self.size)
            .finish()
    }
}

impl LemmatizerModel {
    /// Parses a lemmatiser file (`NGLM`, format, scripts, tables, checksum).
    pub fn from_bytes(b: &[u8]) -> Result<LemmatizerModel, ModelError> {
        let mut r = Reader::open(b, MAGIC, LEMMATIZER_FORMAT, KIND)?;
        let ns = r.count(5)?;
        let mut scripts = Vec::with_capacity(ns);
        for _ in 0..ns {
            let lower = r.u8()? != 0;
            let strip = r.u16()?;
            let append = r.str()?;
            scripts.push(Script {
                lower,
                strip,
                append,
            });
        }
        let table = |r: &mut Reader<'_>| -> Result<KeyMap<u64, u16>, ModelError> {
            let n = r.count(10)?;
            let mut m = KeyMap::default();
            m.reserve(n);
            for _ in 0..n {
                let k = r.u64()?;
                let s = r.u16()?;
                if s as usize >= ns {
                    return Err(r.err("script out of range"));
                }
                m.insert(k, s);
            }
            Ok(m)
        };
        let exact = table(&mut r)?;
        let lower = table(&mut r)?;
        let suffix = table(&mut r)?;
        let styled = table(&mut r)?;
        r.end()?;
        Ok(LemmatizerModel {
            scripts,
            exact,
            lower,
            suffix,
            styled,
            size: b.len(),
        })
    }

    pub fn file_size(&self) -> usize {
        self.size
    }

    /// Writes the lemma of `form` (tagged `upos`/`xpos`) into `out`.
    pub(crate) fn lemmatize_into(
        &self,
        form: &str,
        upos: &str,
        xpos: &str,
        style: u8,
        out: &mut String,
    ) {
        let tk = tag_key(upos, xpos);
        let low = lowercase(form);
        if let Some(&s) = self.styled.get(&lower_key(styled_tag(tk, style), &low)) {
            if self.scripts[s as usize].apply(form, out) {
                return;
            }
        }
        if let Some(&s) = self.exact.get(&exact_key(tk, form)) {
            if self.scripts[s as usize].apply(form, out) {
                return;
            }
        }
        if let Some(&s) = self.lower.get(&lower_key(tk, &low)) {
            if self.scripts[s as usize].apply(form, out) {
                return;
            }
        }
        let cc = case_class(form);
        let n = low.chars().count();
        for k in (0..=n.min(MAX_SUFFIX)).rev() {
            let key = suffix_key(tk, cc, k, k == n, last_chars(&low, k));
            if let Some(&s) = self.suffix.get(&key) {
                if self.scripts[s as usize].apply(form, out) {
                    return;
                }
            }
        }
        out.clear();
        if upos == "PROPN" || cc == 3 {
            out.push_str(form);
        } else {
            out.push_str(&low);
        }
    }
}

/// Result of [`train`]: the model file and its dev scores (gold tags).
#[derive(Debug, Clone)]
pub struct TrainedLemmatizer {
    pub bytes: Vec<u8>,
    pub dev: Vec<DevScore>,
    pub seconds: f64,
}

type Counts = BTreeMap<u16, u32>;

fn best(c: &Counts) -> u16 {
    let mut b = (0u16, 0u32);
    for (&s, &n) in c {
        if n > b.1 {
            b = (s, n);
        }
    }
    b.0
}

pub(crate) fn train(
    train: &[GoldSent],
    dev: &[(String, Vec<GoldSent>)],
    mut log: impl FnMut(&str),
) -> Result<TrainedLemmatizer, TrainError> {
    let t0 = std::time::Instant::now();
    if train.iter().all(|s| s.forms.is_empty()) {
        return Err(TrainError::Invalid("no training sentences".into()));
    }
    let mut script_ids: BTreeMap<Script, u16> = BTreeMap::new();
    // (tag, form) → script counts, with the tag strings kept for the keys.
    let mut exact: BTreeMap<(&str, &str, &str), Counts> = BTreeMap::new();
    for s in train {
        for i in 0..s.forms.len() {
            let sc = Script::derive(&s.forms[i], &s.lemmas[i]);
            let n = script_ids.len();
            let id = *script_ids.entry(sc).or_insert(n as u16);
            if script_ids.len() >= u16::MAX as usize {
                return Err(TrainError::Invalid("too many edit scripts".into()));
            }
            *exact
                .entry((&s.upos[i], &s.xpos[i], &s.forms[i]))
                .or_default()
                .entry(id)
                .or_default() += 1;
        }
    }
    let mut scripts = vec![
        Script {
            lower: false,
            strip: 0,
            append: String::new()
        };
        script_ids.len()
    ];
    for (s, &i) in &script_ids {
        scripts[i as usize] = s.clone();
    }
    // Lowercase lexicon.
    let mut lower: BTreeMap<(&str, &str, String), Counts> = BTreeMap::new();
    for (&(u, x, f), c) in &exact {
        let e = lower.entry((u, x, lowercase(f))).or_default();
        for (&s, &n) in c {
            *e.entry(s).or_default() += n;
        }
    }
    let mut lower_tab: Vec<(u64, u16)> = lower
        .iter()
        .map(|((u, x, l), c)| (lower_key(tag_key(u, x), l), best(c)))
        .collect();
    let lower_best: BTreeMap<(&str, &str, &str), u16> = lower
        .iter()
        .map(|((u, x, l), c)| ((*u, *x, l.as_str()), best(c)))
        .collect();
    // Per-style lowercase entries that differ from the pooled ones.
    let mut by_style: BTreeMap<(u8, &str, &str, String), Counts> = BTreeMap::new();
    for s in train {
        for i in 0..s.forms.len() {
            let id = script_ids[&Script::derive(&s.forms[i], &s.lemmas[i])];
            *by_style
                .entry((s.style, &s.upos[i], &s.xpos[i], lowercase(&s.forms[i])))
                .or_default()
                .entry(id)
                .or_default() += 1;
        }
    }
    let mut styled_tab: Vec<(u64, u16)> = Vec::new();
    for ((st, u, x, l), c) in &by_style {
        let b = best(c);
        if lower_best[&(*u, *x, l.as_str())] != b {
            styled_tab.push((lower_key(styled_tag(tag_key(u, x), *st), l), b));
        }
    }
    // Exact-form entries where the lowercase lexicon would be wrong.
    let mut exact_tab = Vec::new();
    let (mut a, mut b) = (String::new(), String::new());
    for (&(u, x, f), c) in &exact {
        let s = best(c);
        let l = lowercase(f);
        let ls = lower_best[&(u, x, l.as_str())];
        let ok_l = scripts[ls as usize].apply(f, &mut a);
        scripts[s as usize].apply(f, &mut b);
        if !ok_l || a != b {
            exact_tab.push((exact_key(tag_key(u, x), f), s));
        }
    }
    // Suffix table over rare words.
    let mut suf: BTreeMap<(&str, &str, u64, usize, bool, String), Counts> = BTreeMap::new();
    for (&(u, x, f), c) in &exact {
        if c.values().sum::<u32>() > RARE {
            continue;
        }
        let l = lowercase(f);
        let n = l.chars().count();
        let cc = case_class(f);
        for k in 0..=n.min(MAX_SUFFIX) {
            let e = suf
                .entry((u, x, cc, k, k == n, last_chars(&l, k).to_string()))
                .or_default();
            for (&s, &m) in c {
                *e.entry(s).or_default() += m;
            }
        }
    }
    let mut suffix_tab = Vec::new();
    for ((u, x, cc, k, full, s), c) in &suf {
        let b = best(c);
        if *k > 0 {
            // Drop entries that agree with their parent (one char shorter).
            let ps = last_chars(s, k - 1).to_string();
            if let Some(pc) = suf.get(&(*u, *x, *cc, k - 1, false, ps)) {
                if best(pc) == b {
                    continue;
                }
            }
        }
        suffix_tab.push((suffix_key(tag_key(u, x), *cc, *k, *full, s), b));
    }
    for t in [
        &mut exact_tab,
        &mut lower_tab,
        &mut suffix_tab,
        &mut styled_tab,
    ] {
        t.sort_unstable();
        t.dedup_by_key(|e| e.0);
    }
    let mut w = Writer::new(MAGIC, LEMMATIZER_FORMAT);
    w.u32(scripts.len() as u32);
    for s in &scripts {
        w.u8(u8::from(s.lower));
        w.u16(s.strip);
        w.str(&s.append);
    }
    for t in [&exact_tab, &lower_tab, &suffix_tab, &styled_tab] {
        w.u32(t.len() as u32);
        for &(k, s) in t.iter() {
            w.u64(k);
            w.u16(s);
        }
    }
    let bytes = w.finish();
    log(&format!(
        "{} scripts, {} exact, {} lowercase, {} suffix, {} style entries; {} bytes",
        scripts.len(),
        exact_tab.len(),
        lower_tab.len(),
        suffix_tab.len(),
        styled_tab.len(),
        bytes.len()
    ));
    let model = LemmatizerModel::from_bytes(&bytes)
        .map_err(|e| TrainError::Invalid(format!("model does not reload: {e}")))?;
    let dev = dev.iter().map(|(n, d)| evaluate(&model, n, d)).collect();
    Ok(TrainedLemmatizer {
        bytes,
        dev,
        seconds: t0.elapsed().as_secs_f64(),
    })
}

/// Lemma accuracy with gold tags.
pub(crate) fn evaluate(model: &LemmatizerModel, name: &str, sents: &[GoldSent]) -> DevScore {
    let mut d = DevScore::new(name);
    let mut out = String::new();
    let mut words = 0;
    let mut right = 0;
    for s in sents {
        for i in 0..s.forms.len() {
            model.lemmatize_into(&s.forms[i], &s.upos[i], &s.xpos[i], s.style, &mut out);
            words += 1;
            right += usize::from(out == s.lemmas[i]);
        }
    }
    d.words = words;
    d.lemma = Some(100.0 * right as f64 / words.max(1) as f64);
    d
}
