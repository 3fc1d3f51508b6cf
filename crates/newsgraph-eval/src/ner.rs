//! Named-entity evaluation: readers for CoNLL-2003, WNUT-17, re3d and
//! MEANTIME, and an exact-span scorer (micro P/R/F1 and one row per type).
//!
//! Token-based sets (CoNLL, WNUT, MEANTIME) are tagged on their gold tokens:
//! each document's text is its tokens joined by spaces, one sentence per
//! gold sentence, so that spans align exactly. re3d comes as raw text and
//! goes through our own segmenter first.
//!
//! Types compared:
//! - CoNLL-2003: PER, ORG, LOC, MISC; our Norp, Event and Misc count as MISC.
//! - WNUT-17: person → PER, location → LOC, corporation and group → ORG,
//!   product and creative-work → MISC.
//! - re3d: Person → PER, Organisation → ORG, Location → LOC; other gold
//!   types (Nationality, Temporal, Weapon, …) and our MISC are left out.
//!   Where a span has several types, the most confident is gold (the first
//!   in file order on a tie). Only names count: a leading `the` is dropped
//!   from gold spans (as CoNLL does), and gold spans that are pronouns or
//!   have no capitalised word (`we`, `the city`) are left out. Nested gold
//!   spans all count.
//! - MEANTIME: named mentions (`syntactic_type` NAM or PRE.NAM) whose
//!   entity (through `REFERS_TO`) is PER, ORG or LOC; our NORP counts as LOC
//!   (MEANTIME's demonyms refer to their country: `German` → Germany) and
//!   the rest of our MISC is left out. MEANTIME annotates only entities
//!   taking part in its events, and its extents include pre-modifiers and
//!   appositions, so a name matches a gold mention of its type that ends
//!   where it ends, and names outside every annotated mention are not scored.

use newsgraph_core::{
    Annotator, Document, EntityType, MentionKind, Paragraph, Sentence, Span, Token, TokenKind,
};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Gold formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NerFormat {
    Conll,
    Wnut,
    Re3d,
    Meantime,
}

impl NerFormat {
    pub fn name(self) -> &'static str {
        match self {
            NerFormat::Conll => "conll",
            NerFormat::Wnut => "wnut",
            NerFormat::Re3d => "re3d",
            NerFormat::Meantime => "meantime",
        }
    }

    /// Types scored for this format.
    pub fn types(self) -> &'static [&'static str] {
        match self {
            NerFormat::Conll | NerFormat::Wnut => &["PER", "ORG", "LOC", "MISC"],
            NerFormat::Re3d | NerFormat::Meantime => &["PER", "ORG", "LOC"],
        }
    }
}

/// A reading error: one line naming the file.
#[derive(Debug, thiserror::Error)]
pub enum NerEvalError {
    #[error("{path}: cannot read: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}:{line}: {message}")]
    Parse {
        path: String,
        line: usize,
        message: String,
    },
    #[error("{path}: {message}")]
    Format { path: String, message: String },
}

fn parse_err(path: &Path, line: usize, message: impl Into<String>) -> NerEvalError {
    NerEvalError::Parse {
        path: path.display().to_string(),
        line,
        message: message.into(),
    }
}

/// A gold document: text (with tokens and sentences when the format gives
/// them) and its entities as byte spans with a scored type.
#[derive(Clone, Debug, Default)]
pub struct GoldDoc {
    pub doc: Document,
    /// Whether `doc` carries the gold tokens (else it is segmented first).
    pub tokenized: bool,
    pub entities: Vec<(Span, String)>,
    /// Where the gold annotates entities at all (MEANTIME: every entity
    /// mention, named or not, of any type); system names elsewhere are not
    /// scored. `None`: everywhere.
    pub regions: Option<Vec<Span>>,
}

/// A token-level document (forms and BIO tags per sentence), as CoNLL and
/// WNUT give them; also the input of `newsgraph train ner`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TaggedDoc {
    pub sentences: Vec<(Vec<String>, Vec<String>)>,
}

/// Reads CoNLL-2003-style text: one token per line, the form first and the
/// BIO tag last; blank lines end sentences and `-DOCSTART-` lines
/// documents. With `docs_per_sentence`, every sentence is its own document
/// (WNUT: one tweet each).
pub fn read_conll_text(
    text: &str,
    path: &Path,
    docs_per_sentence: bool,
) -> Result<Vec<TaggedDoc>, NerEvalError> {
    let mut docs: Vec<TaggedDoc> = Vec::new();
    let mut cur = TaggedDoc::default();
    let mut forms: Vec<String> = Vec::new();
    let mut tags: Vec<String> = Vec::new();
    let flush_sent = |cur: &mut TaggedDoc, forms: &mut Vec<String>, tags: &mut Vec<String>| {
        if !forms.is_empty() {
            cur.sentences
                .push((std::mem::take(forms), std::mem::take(tags)));
        }
    };
    for (ln, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        // A line holding only a byte-order mark (WNUT-17 dev has one) is noise.
        if !line.is_empty() && line.chars().all(|c| c == '\u{feff}') {
            continue;
        }
        let cols: Vec<&str> = line.split(['\t', ' ']).filter(|c| !c.is_empty()).collect();
        if cols.is_empty() {
            flush_sent(&mut cur, &mut forms, &mut tags);
            if docs_per_sentence && !cur.sentences.is_empty() {
                docs.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if cols[0] == "-DOCSTART-" {
            flush_sent(&mut cur, &mut forms, &mut tags);
            if !cur.sentences.is_empty() {
                docs.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if cols.len() < 2 {
            return Err(parse_err(path, ln + 1, "expected a form and a tag"));
        }
        let tag = cols[cols.len() - 1];
        let ok = tag == "O" || (tag.len() > 2 && (tag.starts_with("B-") || tag.starts_with("I-")));
        if !ok {
            return Err(parse_err(path, ln + 1, format!("bad entity tag `{tag}`")));
        }
        forms.push(cols[0].to_string());
        tags.push(tag.to_string());
    }
    flush_sent(&mut cur, &mut forms, &mut tags);
    if !cur.sentences.is_empty() {
        docs.push(cur);
    }
    Ok(docs)
}

fn read_to_string(path: &Path) -> Result<String, NerEvalError> {
    let bytes = std::fs::read(path).map_err(|source| NerEvalError::Io {
        path: path.display().to_string(),
        source,
    })?;
    String::from_utf8(bytes).map_err(|_| NerEvalError::Format {
        path: path.display().to_string(),
        message: "not UTF-8".into(),
    })
}

/// Reads a CoNLL-2003 or WNUT file.
pub fn read_conll_file(path: &Path, format: NerFormat) -> Result<Vec<TaggedDoc>, NerEvalError> {
    let text = read_to_string(path)?;
    let docs = read_conll_text(&text, path, format == NerFormat::Wnut)?;
    if docs.is_empty() {
        return Err(NerEvalError::Format {
            path: path.display().to_string(),
            message: "no sentences".into(),
        });
    }
    Ok(docs)
}

fn token_kind(form: &str) -> TokenKind {
    match form.chars().next() {
        Some(c) if c.is_ascii_digit() => TokenKind::Number,
        Some(_) if form.chars().all(|c| c.is_ascii_punctuation()) => TokenKind::Punct,
        _ => TokenKind::Word,
    }
}

/// A document of gold tokens (joined by spaces, one sentence per gold
/// sentence, one paragraph); returns it with each token's span.
pub fn token_document(sentences: &[Vec<String>]) -> (Document, Vec<Vec<Span>>) {
    let mut text = String::new();
    let mut tokens = Vec::new();
    let mut sents = Vec::new();
    let mut spans = Vec::new();
    for s in sentences {
        let t0 = tokens.len();
        let s0 = text.len() + usize::from(!text.is_empty());
        let mut sp = Vec::with_capacity(s.len());
        for f in s {
            if !text.is_empty() {
                text.push(' ');
            }
            let a = text.len();
            text.push_str(f);
            let span = Span::new(a, text.len());
            sp.push(span);
            tokens.push(Token {
                span,
                kind: token_kind(f),
                space_after: true,
                joined_next: false,
                quote: None,
            });
        }
        if !s.is_empty() {
            sents.push(Sentence {
                span: Span::new(s0, text.len()),
                tokens: (t0 as u32, tokens.len() as u32),
                paragraph: 0,
            });
        }
        spans.push(sp);
    }
    let len = text.len();
    let mut doc = Document::from_text(text);
    doc.paragraphs = vec![Paragraph {
        span: Span::new(0, len),
    }];
    doc.sentences = sents;
    doc.tokens = tokens;
    (doc, spans)
}

/// Gold entity spans of BIO-tagged sentences (IOB1 `I-` starts accepted),
/// with `map` applied to the type (entities it maps to `None` are dropped).
pub fn bio_entities(
    tags: &[String],
    spans: &[Span],
    map: impl Fn(&str) -> Option<&'static str>,
    out: &mut Vec<(Span, String)>,
) {
    let mut open: Option<(usize, &str)> = None;
    let mut close = |open: &mut Option<(usize, &str)>, end: usize| {
        if let Some((s, t)) = open.take() {
            if let Some(m) = map(t) {
                out.push((
                    Span::new(spans[s].start as usize, spans[end - 1].end as usize),
                    m.into(),
                ));
            }
        }
    };
    for (i, tag) in tags.iter().enumerate().take(spans.len()) {
        let (p, t) = tag.split_once('-').unwrap_or(("O", ""));
        match p {
            "B" => {
                close(&mut open, i);
                open = Some((i, t));
            }
            "I" => {
                if open.is_none_or(|(_, ot)| ot != t) {
                    close(&mut open, i);
                    open = Some((i, t));
                }
            }
            _ => close(&mut open, i),
        }
    }
    let n = tags.len().min(spans.len());
    close(&mut open, n);
}

fn conll_type(t: &str) -> Option<&'static str> {
    Some(match t {
        "PER" => "PER",
        "ORG" => "ORG",
        "LOC" => "LOC",
        _ => "MISC",
    })
}

/// WNUT-17 types in CoNLL terms (see the module docs).
pub fn wnut_type(t: &str) -> Option<&'static str> {
    Some(match t {
        "person" => "PER",
        "location" => "LOC",
        "corporation" | "group" => "ORG",
        _ => "MISC",
    })
}

/// re3d types in CoNLL terms; `None` for the types not scored.
pub fn re3d_type(t: &str) -> Option<&'static str> {
    match t {
        "Person" => Some("PER"),
        "Organisation" => Some("ORG"),
        "Location" => Some("LOC"),
        _ => None,
    }
}

/// Gold documents of a tagged (CoNLL/WNUT) set.
pub fn tagged_gold(docs: &[TaggedDoc], format: NerFormat) -> Vec<GoldDoc> {
    docs.iter()
        .map(|d| {
            let forms: Vec<Vec<String>> = d.sentences.iter().map(|s| s.0.clone()).collect();
            let (doc, spans) = token_document(&forms);
            let mut entities = Vec::new();
            for ((_, tags), sp) in d.sentences.iter().zip(&spans) {
                if format == NerFormat::Wnut {
                    bio_entities(tags, sp, wnut_type, &mut entities);
                } else {
                    bio_entities(tags, sp, conll_type, &mut entities);
                }
            }
            GoldDoc {
                doc,
                tokenized: true,
                entities,
                regions: None,
            }
        })
        .collect()
}

/// Reads a re3d source folder (`documents.json` and `entities.json`, one
/// JSON object per line). Entity offsets are character offsets into the
/// text; an entity whose offsets do not give its `value` is looked for
/// nearby and otherwise dropped (the count is returned).
pub fn read_re3d(dir: &Path) -> Result<(Vec<GoldDoc>, usize), NerEvalError> {
    let dpath = dir.join("documents.json");
    let epath = dir.join("entities.json");
    let dtext = read_to_string(&dpath)?;
    let etext = read_to_string(&epath)?;
    let mut texts: BTreeMap<String, String> = BTreeMap::new();
    for (ln, line) in dtext.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value =
            serde_json::from_str(line).map_err(|e| parse_err(&dpath, ln + 1, e.to_string()))?;
        let id = v["_id"]
            .as_str()
            .ok_or_else(|| parse_err(&dpath, ln + 1, "no `_id`"))?;
        let text = v["text"]
            .as_str()
            .ok_or_else(|| parse_err(&dpath, ln + 1, "no `text`"))?;
        texts.insert(id.to_string(), text.to_string());
    }
    // (doc, begin, end) → (confidence, type), best confidence first seen.
    let mut best: BTreeMap<(String, usize, usize), (f64, String, String)> = BTreeMap::new();
    for (ln, line) in etext.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value =
            serde_json::from_str(line).map_err(|e| parse_err(&epath, ln + 1, e.to_string()))?;
        let field = |k: &str| parse_err(&epath, ln + 1, format!("no `{k}`"));
        let doc = v["documentId"]
            .as_str()
            .ok_or_else(|| field("documentId"))?;
        let b = v["begin"].as_u64().ok_or_else(|| field("begin"))? as usize;
        let e = v["end"].as_u64().ok_or_else(|| field("end"))? as usize;
        let ty = v["type"].as_str().ok_or_else(|| field("type"))?;
        let value = v["value"].as_str().unwrap_or("");
        let conf = v["confidence"].as_f64().unwrap_or(0.0);
        let key = (doc.to_string(), b, e);
        match best.get(&key) {
            Some((c, _, _)) if *c >= conf => {}
            _ => {
                best.insert(key, (conf, ty.to_string(), value.to_string()));
            }
        }
    }
    let mut ents: BTreeMap<String, Vec<(Span, String)>> = BTreeMap::new();
    let mut dropped = 0;
    for ((doc, b, e), (_, ty, value)) in best {
        let Some(t) = re3d_type(&ty) else { continue };
        let Some(text) = texts.get(&doc) else {
            dropped += 1;
            continue;
        };
        match locate(text, b, e, &value) {
            Some(sp) => {
                if let Some(sp) = named_part(text, sp) {
                    ents.entry(doc).or_default().push((sp, t.to_string()));
                }
            }
            None => dropped += 1,
        }
    }
    let docs = texts
        .into_iter()
        .map(|(id, text)| GoldDoc {
            doc: Document::from_text(text),
            tokenized: false,
            entities: ents.remove(&id).unwrap_or_default(),
            regions: None,
        })
        .collect();
    Ok((docs, dropped))
}

/// The named part of a re3d gold span: without a leading `the`, and `None`
/// for pronouns and spans without a capitalised word (re3d also annotates
/// pronouns and common nouns: `we`, `the city`).
fn named_part(text: &str, sp: Span) -> Option<Span> {
    const PRONOUNS: &[&str] = &[
        "I", "We", "He", "She", "It", "They", "Us", "Him", "Her", "Them", "You", "Our", "Their",
        "His", "Its", "My", "Me",
    ];
    let s = text.get(sp.start as usize..sp.end as usize)?;
    let mut start = sp.start as usize;
    let mut rest = s;
    for det in ["the ", "The ", "THE "] {
        if let Some(r) = rest.strip_prefix(det) {
            start += det.len();
            rest = r;
            break;
        }
    }
    if PRONOUNS.contains(&rest)
        || !rest
            .split_whitespace()
            .any(|w| w.chars().next().is_some_and(char::is_uppercase))
    {
        return None;
    }
    Some(Span::new(start, sp.end as usize))
}

/// Byte span of characters `b..e` of `text` if they spell `value`, else of
/// the nearest occurrence of `value` within 20 characters.
fn locate(text: &str, b: usize, e: usize, value: &str) -> Option<Span> {
    let idx: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(text.len()))
        .collect();
    let byte = |c: usize| idx.get(c).copied();
    if let (Some(x), Some(y)) = (byte(b), byte(e)) {
        if x <= y && text.get(x..y) == Some(value) {
            return Some(Span::new(x, y));
        }
    }
    if value.is_empty() {
        return None;
    }
    let lo = byte(b.saturating_sub(20)).unwrap_or(0);
    let hi = byte(e + 20).unwrap_or(text.len());
    let window = text.get(lo..hi)?;
    let centre = byte(b).unwrap_or(lo);
    window
        .match_indices(value)
        .map(|(i, _)| lo + i)
        .min_by_key(|&i| i.abs_diff(centre))
        .map(|i| Span::new(i, i + value.len()))
}

/// A tiny XML scanner for MEANTIME's CAT files: start/empty tags with
/// attributes, end tags and text.
enum Xml<'a> {
    Start(&'a str, Vec<(&'a str, String)>, bool),
    End(&'a str),
    Text(&'a str),
}

fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

fn scan_xml(s: &str) -> Result<Vec<Xml<'_>>, String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        let Some(rel) = s[i..].find('<') else {
            out.push(Xml::Text(&s[i..]));
            break;
        };
        if rel > 0 {
            out.push(Xml::Text(&s[i..i + rel]));
        }
        let a = i + rel;
        let Some(close) = s[a..].find('>') else {
            return Err("unterminated tag".into());
        };
        let tag = &s[a + 1..a + close];
        i = a + close + 1;
        if tag.starts_with('?') || tag.starts_with('!') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            out.push(Xml::End(name.trim()));
            continue;
        }
        let (tag, empty) = match tag.strip_suffix('/') {
            Some(t) => (t, true),
            None => (tag, false),
        };
        let name_end = tag.find(char::is_whitespace).unwrap_or(tag.len());
        let name = &tag[..name_end];
        let mut attrs = Vec::new();
        let mut rest = &tag[name_end..];
        while let Some(eq) = rest.find('=') {
            let key = rest[..eq].trim();
            let after = rest[eq + 1..].trim_start();
            let Some(q) = after.chars().next().filter(|c| *c == '"' || *c == '\'') else {
                return Err(format!("attribute `{key}` without quotes"));
            };
            let Some(endq) = after[1..].find(q) else {
                return Err(format!("attribute `{key}` unterminated"));
            };
            attrs.push((key, unescape(&after[1..1 + endq])));
            rest = &after[1 + endq + 1..];
        }
        out.push(Xml::Start(name, attrs, empty));
    }
    Ok(out)
}

/// Reads one MEANTIME CAT XML file.
pub fn read_meantime(path: &Path) -> Result<GoldDoc, NerEvalError> {
    let text = read_to_string(path)?;
    let err = |m: String| NerEvalError::Format {
        path: path.display().to_string(),
        message: m,
    };
    let events = scan_xml(&text).map_err(err)?;
    let attr =
        |a: &[(&str, String)], k: &str| a.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone());
    // Tokens: (t_id, sentence, form).
    let mut tokens: Vec<(String, String, String)> = Vec::new();
    // Named mentions: m_id → token ids.
    let mut mentions: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut entity_type: BTreeMap<String, String> = BTreeMap::new();
    let mut refers: Vec<(Vec<String>, Vec<String>)> = Vec::new();
    let mut all_mentions: Vec<Vec<String>> = Vec::new();
    let mut k = 0;
    let mut saw_document = false;
    while k < events.len() {
        match &events[k] {
            Xml::Start("Document", _, _) => saw_document = true,
            Xml::Start("token", a, false) => {
                let mut form = String::new();
                let mut j = k + 1;
                while let Some(Xml::Text(t)) = events.get(j) {
                    form.push_str(t);
                    j += 1;
                }
                let id = attr(a, "t_id").ok_or_else(|| err("token without t_id".into()))?;
                let sent = attr(a, "sentence").unwrap_or_default();
                tokens.push((id, sent, unescape(form.trim())));
                k = j;
                continue;
            }
            Xml::Start("ENTITY_MENTION", a, empty) => {
                let ty = attr(a, "syntactic_type").unwrap_or_default();
                let id = attr(a, "m_id").unwrap_or_default();
                let mut anchors = Vec::new();
                let mut j = k + 1;
                if !*empty {
                    while j < events.len() {
                        match &events[j] {
                            Xml::End("ENTITY_MENTION") => break,
                            Xml::Start("token_anchor", ta, _) => {
                                anchors.extend(attr(ta, "t_id"));
                            }
                            _ => {}
                        }
                        j += 1;
                    }
                }
                if ty == "NAM" || ty == "PRE.NAM" {
                    mentions.insert(id, anchors.clone());
                }
                all_mentions.push(anchors);
                k = j + 1;
                continue;
            }
            Xml::Start("ENTITY", a, _) => {
                if let (Some(id), Some(t)) = (attr(a, "m_id"), attr(a, "ent_type")) {
                    entity_type.insert(id, t);
                }
            }
            Xml::Start("REFERS_TO", _, false) => {
                let (mut src, mut tgt) = (Vec::new(), Vec::new());
                let mut j = k + 1;
                while j < events.len() {
                    match &events[j] {
                        Xml::End("REFERS_TO") => break,
                        Xml::Start("source", a, _) => src.extend(attr(a, "m_id")),
                        Xml::Start("target", a, _) => tgt.extend(attr(a, "m_id")),
                        _ => {}
                    }
                    j += 1;
                }
                refers.push((src, tgt));
                k = j + 1;
                continue;
            }
            _ => {}
        }
        k += 1;
    }
    if !saw_document || tokens.is_empty() {
        return Err(err(
            "not a MEANTIME CAT document (no <Document> or no tokens)".into(),
        ));
    }
    // Sentences in token order.
    let mut sentences: Vec<Vec<String>> = Vec::new();
    let mut pos: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut last_sent: Option<&str> = None;
    for (id, sent, form) in &tokens {
        if last_sent != Some(sent.as_str()) {
            sentences.push(Vec::new());
            last_sent = Some(sent);
        }
        let s = sentences.len() - 1;
        let f = if form.is_empty() {
            "_".to_string()
        } else {
            form.replace(char::is_whitespace, "_")
        };
        pos.insert(id.clone(), (s, sentences[s].len()));
        sentences[s].push(f);
    }
    let (doc, spans) = token_document(&sentences);
    let mut mention_type: BTreeMap<String, String> = BTreeMap::new();
    for (src, tgt) in &refers {
        if let Some(t) = tgt.iter().find_map(|t| entity_type.get(t)) {
            for s in src {
                mention_type.insert(s.clone(), t.clone());
            }
        }
    }
    let extent = |anchors: &[String]| -> Option<Span> {
        let mut ps: Vec<(usize, usize)> =
            anchors.iter().filter_map(|a| pos.get(a).copied()).collect();
        ps.sort_unstable();
        let (&a, &b) = (ps.first()?, ps.last()?);
        (a.0 == b.0)
            .then(|| Span::new(spans[a.0][a.1].start as usize, spans[b.0][b.1].end as usize))
    };
    let mut regions: Vec<Span> = all_mentions.iter().filter_map(|m| extent(m)).collect();
    regions.sort_by_key(|s| (s.start, s.end));
    regions.dedup();
    let mut entities = Vec::new();
    for (m, anchors) in &mentions {
        let Some(t) = mention_type.get(m) else {
            continue;
        };
        let t = match t.as_str() {
            "PER" | "ORG" | "LOC" => t.clone(),
            _ => continue,
        };
        if let Some(sp) = extent(anchors) {
            entities.push((sp, t));
        }
    }
    entities.sort_by_key(|(s, t)| (s.start, s.end, t.clone()));
    entities.dedup();
    Ok(GoldDoc {
        doc,
        tokenized: true,
        entities,
        regions: Some(regions),
    })
}

/// Counts of one type.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub gold: usize,
    pub system: usize,
    pub correct: usize,
}

/// Precision, recall and F1 of counts (fractions of 1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Prf {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl Counts {
    pub fn prf(&self) -> Prf {
        let p = if self.system == 0 {
            0.0
        } else {
            self.correct as f64 / self.system as f64
        };
        let r = if self.gold == 0 {
            0.0
        } else {
            self.correct as f64 / self.gold as f64
        };
        let f1 = if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        };
        Prf {
            precision: p,
            recall: r,
            f1,
        }
    }

    fn add(&mut self, o: &Counts) {
        self.gold += o.gold;
        self.system += o.system;
        self.correct += o.correct;
    }
}

/// Scores of one set (one format).
#[derive(Clone, Debug, Default, Serialize)]
pub struct NerScores {
    pub format: Option<NerFormat>,
    pub documents: usize,
    pub tokens: usize,
    pub micro: Counts,
    pub micro_prf: Prf,
    /// Per type, in the format's type order.
    pub types: Vec<(String, Counts, Prf)>,
    /// re3d: gold entities whose offsets did not match their text.
    pub dropped_gold: usize,
}

/// The report of `newsgraph eval ner`: one score set per format seen.
#[derive(Clone, Debug, Default, Serialize)]
pub struct NerReport {
    pub sets: Vec<NerScores>,
    pub seconds: f64,
}

impl NerReport {
    /// F1 (percent) of `name`: `F1`/`micro` for the first set, or a type
    /// name (`PER`), optionally prefixed by the format (`re3d.F1`).
    pub fn f1(&self, name: &str) -> Option<f64> {
        let (set, metric) = match name.split_once('.') {
            Some((f, m)) => (
                self.sets
                    .iter()
                    .find(|s| s.format.is_some_and(|x| x.name() == f))?,
                m,
            ),
            None => (self.sets.first()?, name),
        };
        if metric.eq_ignore_ascii_case("f1") || metric.eq_ignore_ascii_case("micro") {
            return Some(100.0 * set.micro_prf.f1);
        }
        set.types
            .iter()
            .find(|(t, _, _)| t.eq_ignore_ascii_case(metric))
            .map(|(_, _, p)| 100.0 * p.f1)
    }

    /// The scores as a table.
    pub fn table(&self) -> String {
        let mut s = String::new();
        for set in &self.sets {
            let name = set.format.map_or("?", NerFormat::name);
            s.push_str(&format!(
                "{name}: {} documents, {} tokens{}\n",
                set.documents,
                set.tokens,
                if set.dropped_gold > 0 {
                    format!(
                        ", {} gold entities with bad offsets left out",
                        set.dropped_gold
                    )
                } else {
                    String::new()
                }
            ));
            s.push_str(&format!(
                "{:<8} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7}\n",
                "type", "gold", "system", "correct", "P", "R", "F1"
            ));
            let row = |s: &mut String, t: &str, c: &Counts, p: &Prf| {
                s.push_str(&format!(
                    "{:<8} {:>7} {:>7} {:>7} {:>7.2} {:>7.2} {:>7.2}\n",
                    t,
                    c.gold,
                    c.system,
                    c.correct,
                    100.0 * p.precision,
                    100.0 * p.recall,
                    100.0 * p.f1
                ));
            };
            for (t, c, p) in &set.types {
                row(&mut s, t, c, p);
            }
            row(&mut s, "micro", &set.micro, &set.micro_prf);
        }
        s
    }
}

/// How our types count in a format: CoNLL types, or `None` for not scored.
pub fn system_type(t: EntityType, format: NerFormat) -> Option<&'static str> {
    let c = match t {
        // MEANTIME annotates demonyms as mentions of their country.
        EntityType::Norp if format == NerFormat::Meantime => "LOC",
        EntityType::Person => "PER",
        EntityType::Org => "ORG",
        EntityType::Loc => "LOC",
        EntityType::Norp | EntityType::Event | EntityType::Misc => "MISC",
    };
    format.types().contains(&c).then_some(c)
}

/// What is scored: the NER stage's names, or the entities users get.
pub enum Recogniser<'a> {
    /// The names the NER stage tags, with the types it gives them.
    Ner(&'a newsgraph_ner::Ner),
    /// Every named mention (full names, short forms, acronyms, aliases, demonyms and capitals;
    /// not descriptions or pronouns) of the entities that `stages` build, with its entity's
    /// type: the chains' majority and what the actor dictionaries imply. `stages` run in order
    /// after segmentation (tagger, parser, NER, actors).
    Entities(&'a [Box<dyn Annotator>]),
}

impl std::fmt::Debug for Recogniser<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.version())
    }
}

impl Recogniser<'_> {
    /// Spans and types of the recognised names in `doc` (annotating it as needed), in no
    /// particular order.
    pub fn names(&self, doc: &mut Document) -> Vec<(Span, EntityType)> {
        match self {
            Recogniser::Ner(ner) => ner
                .names(doc)
                .into_iter()
                .map(|n| (n.span, n.entity_type))
                .collect(),
            Recogniser::Entities(stages) => {
                for s in stages.iter() {
                    s.run(doc);
                }
                doc.entities
                    .iter()
                    .flat_map(|e| {
                        e.mentions
                            .iter()
                            .filter(|m| {
                                !matches!(m.kind, MentionKind::Description | MentionKind::Pronoun)
                            })
                            .map(|m| (m.span, e.entity_type))
                    })
                    .collect()
            }
        }
    }

    /// The version stamp of what is scored.
    pub fn version(&self) -> String {
        match self {
            Recogniser::Ner(ner) => format!("ner {}", ner.version()),
            Recogniser::Entities(stages) => stages
                .iter()
                .map(|s| format!("{} {}", s.name(), s.version()))
                .collect::<Vec<_>>()
                .join(", "),
        }
    }
}

/// Scores gold documents of one format with a recogniser. Documents that
/// are not tokenised go through `segmenter` first. Matching is exact (span
/// and type), except for MEANTIME, whose extents include pre-modifiers and
/// appositions (`European aircraft manufacturer, Airbus`): there a system
/// name matches a gold mention of its type that ends where it ends and does
/// not start after it, and only names inside annotated mentions count.
/// With `errors`, each miss is listed (`FN`/`FP`, type, text).
pub fn score(
    golds: &[GoldDoc],
    format: NerFormat,
    segmenter: &dyn Annotator,
    system: &Recogniser<'_>,
    mut errors: Option<&mut Vec<String>>,
) -> NerScores {
    let types = format.types();
    let mut per: BTreeMap<&str, Counts> = types.iter().map(|t| (*t, Counts::default())).collect();
    let mut tokens = 0;
    let head_match = format == NerFormat::Meantime;
    for g in golds {
        let mut doc = g.doc.clone();
        if !g.tokenized {
            segmenter.run(&mut doc);
        }
        tokens += doc.tokens.len();
        let gold: BTreeSet<(u32, u32, &str)> = g
            .entities
            .iter()
            .filter(|(_, t)| types.contains(&t.as_str()))
            .map(|(s, t)| (s.start, s.end, t.as_str()))
            .collect();
        let inside = |a: u32, b: u32| {
            g.regions
                .as_ref()
                .is_none_or(|r| r.iter().any(|s| s.start <= a && b <= s.end))
        };
        let sys: BTreeSet<(u32, u32, &str)> = system
            .names(&mut doc)
            .into_iter()
            .filter_map(|(span, ty)| system_type(ty, format).map(|t| (span.start, span.end, t)))
            .filter(|&(a, b, _)| inside(a, b))
            .collect();
        for (_, _, t) in &gold {
            if let Some(c) = per.get_mut(t) {
                c.gold += 1;
            }
        }
        let mut used: BTreeSet<(u32, u32, &str)> = BTreeSet::new();
        let text = doc.text.as_str();
        let show = |a: u32, b: u32| {
            text.get(a as usize..b as usize)
                .unwrap_or("")
                .replace('\n', " ")
        };
        for &x in &sys {
            let hit = if head_match {
                gold.iter()
                    .rev()
                    .find(|g| g.2 == x.2 && g.1 == x.1 && g.0 <= x.0 && !used.contains(*g))
                    .copied()
            } else {
                gold.contains(&x).then_some(x)
            };
            if let Some(c) = per.get_mut(x.2) {
                c.system += 1;
                if let Some(h) = hit {
                    c.correct += 1;
                    used.insert(h);
                } else if let Some(e) = errors.as_deref_mut() {
                    e.push(format!("FP {} {}", x.2, show(x.0, x.1)));
                }
            }
        }
        if let Some(e) = errors.as_deref_mut() {
            for x in gold.iter().filter(|x| !used.contains(*x)) {
                e.push(format!("FN {} {}", x.2, show(x.0, x.1)));
            }
        }
    }
    let mut micro = Counts::default();
    let mut rows = Vec::new();
    for t in types {
        let c = per[t];
        micro.add(&c);
        rows.push((t.to_string(), c, c.prf()));
    }
    NerScores {
        format: Some(format),
        documents: golds.len(),
        tokens,
        micro,
        micro_prf: micro.prf(),
        types: rows,
        dropped_gold: 0,
    }
}

/// An input file or folder with its format.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct NerInput {
    pub path: PathBuf,
    pub format: NerFormat,
}

/// Guesses the format of a file: `.xml` is MEANTIME, a folder with
/// `documents.json` re3d, a token file with two columns WNUT, else CoNLL.
pub fn sniff(path: &Path) -> Result<NerFormat, NerEvalError> {
    if path.is_dir() {
        return Ok(NerFormat::Re3d);
    }
    if path.extension().is_some_and(|e| e == "xml") {
        return Ok(NerFormat::Meantime);
    }
    if path
        .file_name()
        .is_some_and(|n| n == "documents.json" || n == "entities.json")
    {
        return Ok(NerFormat::Re3d);
    }
    let text = read_to_string(path)?;
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with("-DOCSTART-"));
    match first {
        Some(l) if l.split(['\t', ' ']).filter(|c| !c.is_empty()).count() == 2 => {
            Ok(NerFormat::Wnut)
        }
        Some(_) => Ok(NerFormat::Conll),
        None => Err(NerEvalError::Format {
            path: path.display().to_string(),
            message: "empty file".into(),
        }),
    }
}

/// Expands the paths: a folder with `documents.json` is a re3d folder;
/// other folders are searched (sorted) for re3d folders, `.xml` files and
/// `.txt`/`.conll` files. `format` forces the format of every file found.
pub fn collect_inputs(
    paths: &[PathBuf],
    format: Option<NerFormat>,
) -> Result<Vec<NerInput>, NerEvalError> {
    let mut out = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|source| NerEvalError::Io {
            path: p.display().to_string(),
            source,
        })?;
        if !meta.is_dir() {
            let f = match format {
                Some(f) => f,
                None => sniff(p)?,
            };
            let path = if f == NerFormat::Re3d && !p.is_dir() {
                p.parent().map(Path::to_path_buf).unwrap_or_default()
            } else {
                p.clone()
            };
            out.push(NerInput { path, format: f });
            continue;
        }
        let mut found = Vec::new();
        let mut stack = vec![p.clone()];
        while let Some(dir) = stack.pop() {
            if dir.join("documents.json").is_file() {
                found.push(NerInput {
                    path: dir.clone(),
                    format: NerFormat::Re3d,
                });
                continue;
            }
            let rd = std::fs::read_dir(&dir).map_err(|source| NerEvalError::Io {
                path: dir.display().to_string(),
                source,
            })?;
            for e in rd.flatten() {
                let path = e.path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|x| x == "xml") {
                    found.push(NerInput {
                        path,
                        format: format.unwrap_or(NerFormat::Meantime),
                    });
                } else if path.extension().is_some_and(|x| x == "txt" || x == "conll") {
                    let f = match format {
                        Some(f) => f,
                        None => sniff(&path)?,
                    };
                    found.push(NerInput { path, format: f });
                }
            }
        }
        if found.is_empty() {
            return Err(NerEvalError::Format {
                path: p.display().to_string(),
                message: "no NER files in this folder".into(),
            });
        }
        found.sort();
        out.extend(found);
    }
    out.dedup();
    Ok(out)
}

/// Reads every input and scores each format separately.
pub fn evaluate(
    inputs: &[NerInput],
    segmenter: &dyn Annotator,
    system: &Recogniser<'_>,
    mut errors: Option<&mut Vec<String>>,
) -> Result<NerReport, NerEvalError> {
    let started = std::time::Instant::now();
    let mut by_format: BTreeMap<NerFormat, (Vec<GoldDoc>, usize)> = BTreeMap::new();
    for inp in inputs {
        let e = by_format.entry(inp.format).or_default();
        match inp.format {
            NerFormat::Conll | NerFormat::Wnut => {
                let docs = read_conll_file(&inp.path, inp.format)?;
                e.0.extend(tagged_gold(&docs, inp.format));
            }
            NerFormat::Re3d => {
                let (docs, dropped) = read_re3d(&inp.path)?;
                e.0.extend(docs);
                e.1 += dropped;
            }
            NerFormat::Meantime => e.0.push(read_meantime(&inp.path)?),
        }
    }
    let mut sets = Vec::new();
    for (f, (golds, dropped)) in by_format {
        let mut s = score(&golds, f, segmenter, system, errors.as_deref_mut());
        s.dropped_gold = dropped;
        sets.push(s);
    }
    Ok(NerReport {
        sets,
        seconds: started.elapsed().as_secs_f64(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conll_reader_splits_documents_and_sentences() {
        let text = "-DOCSTART- -X- -X- O\n\nMarta NNP B-NP B-PER\nVelez NNP I-NP I-PER\nvisited VBD B-VP O\nOslo NNP B-NP B-LOC\n\nIt PRP B-NP O\nrained VBD B-VP O\n\n-DOCSTART- -X- -X- O\n\nFoo NNP B-NP I-ORG\n";
        let docs = read_conll_text(text, Path::new("x.txt"), false).unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].sentences.len(), 2);
        assert_eq!(docs[0].sentences[0].1, vec!["B-PER", "I-PER", "O", "B-LOC"]);
        let gold = tagged_gold(&docs, NerFormat::Conll);
        assert_eq!(gold[0].doc.text, "Marta Velez visited Oslo It rained");
        let ents: Vec<(&str, &str)> = gold[0]
            .entities
            .iter()
            .map(|(s, t)| (s.slice(&gold[0].doc.text), t.as_str()))
            .collect();
        assert_eq!(ents, vec![("Marta Velez", "PER"), ("Oslo", "LOC")]);
        // IOB1 start.
        assert_eq!(gold[1].entities.len(), 1);
        assert_eq!(gold[1].entities[0].1, "ORG");
        assert!(gold[0].doc.check().is_ok());
    }

    #[test]
    fn conll_reader_rejects_bad_tags() {
        let e = read_conll_text("Oslo NNP B-NP X-LOC\n", Path::new("bad.txt"), false).unwrap_err();
        assert_eq!(e.to_string(), "bad.txt:1: bad entity tag `X-LOC`");
        assert!(read_conll_text("lonely\n", Path::new("b.txt"), false).is_err());
    }

    #[test]
    fn wnut_reader_maps_types_and_splits_tweets() {
        let text = "Going\tO\nto\tO\nGranvik\tB-location\n\nlove\tO\nZorblax\tB-product\nPhone\tI-product\nfrom\tO\nKestrel\tB-corporation\n";
        let docs = read_conll_text(text, Path::new("w.conll"), true).unwrap();
        assert_eq!(docs.len(), 2);
        let gold = tagged_gold(&docs, NerFormat::Wnut);
        assert_eq!(gold[0].entities[0].1, "LOC");
        let t: Vec<&str> = gold[1].entities.iter().map(|e| e.1.as_str()).collect();
        assert_eq!(t, vec!["MISC", "ORG"]);
        assert_eq!(
            gold[1].entities[0].0.slice(&gold[1].doc.text),
            "Zorblax Phone"
        );
    }

    #[test]
    fn counts_give_prf() {
        let c = Counts {
            gold: 4,
            system: 2,
            correct: 2,
        };
        let p = c.prf();
        assert!((p.precision - 1.0).abs() < 1e-9);
        assert!((p.recall - 0.5).abs() < 1e-9);
        assert!((p.f1 - 2.0 / 3.0).abs() < 1e-9);
        assert_eq!(Counts::default().prf().f1, 0.0);
    }

    #[test]
    fn locate_fixes_shifted_offsets() {
        let text = "Talks in Vellmar ended.";
        assert_eq!(locate(text, 9, 16, "Vellmar"), Some(Span::new(9, 16)));
        assert_eq!(locate(text, 11, 18, "Vellmar"), Some(Span::new(9, 16)));
        assert_eq!(locate(text, 0, 3, "Nowhere"), None);
        let t2 = "Émile met Orsa.";
        // Character offsets, not bytes.
        assert_eq!(locate(t2, 10, 14, "Orsa"), Some(Span::new(11, 15)));
    }

    /// A stand-in for the entity stages: one entity with a name, a pronoun and a description.
    struct OneEntity;

    impl Annotator for OneEntity {
        fn name(&self) -> &'static str {
            "one-entity"
        }
        fn version(&self) -> &str {
            "test"
        }
        fn annotate(&self, doc: &mut Document) -> Vec<newsgraph_core::Diagnostic> {
            let at = |w: &str| {
                let a = doc.text.rfind(w).unwrap();
                Span::new(a, a + w.len())
            };
            let mention = |w: &str, kind| newsgraph_core::Mention { span: at(w), kind };
            let mentions = vec![
                mention("Mira Holt", MentionKind::Name),
                mention("Holt", MentionKind::Short),
                mention("She", MentionKind::Pronoun),
                mention("the envoy", MentionKind::Description),
            ];
            doc.entities.push(newsgraph_core::Entity {
                canonical: "Mira Holt".into(),
                entity_type: EntityType::Person,
                kind: None,
                country: None,
                mentions,
                actor_code: None,
                code_source: None,
                role: None,
                affiliation: None,
                version: "test".into(),
            });
            Vec::new()
        }
    }

    #[test]
    fn entities_are_scored_by_their_named_mentions_with_the_entity_type() {
        let text = "Mira Holt, the envoy, left. She said Holt would return.";
        let gold = GoldDoc {
            doc: Document::from_text(text),
            tokenized: false,
            entities: vec![
                (Span::new(0, 9), "PER".to_string()),
                (Span::new(37, 41), "PER".to_string()),
            ],
            regions: None,
        };
        let stages: Vec<Box<dyn Annotator>> = vec![Box::new(OneEntity)];
        let seg = newsgraph_segment::SegmenterBuilder::new().build();
        let s = score(
            &[gold],
            NerFormat::Conll,
            &seg,
            &Recogniser::Entities(&stages),
            None,
        );
        // The name and the short form count; the pronoun and the description do not.
        assert_eq!((s.micro.gold, s.micro.system, s.micro.correct), (2, 2, 2));
    }

    #[test]
    fn re3d_reader_keeps_named_spans_of_scored_types() {
        let dir = std::env::temp_dir().join(format!("ng-ner-re3d-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let text = "The Varn Council met in Ostrel. We welcomed the city and Mira Holt.";
        std::fs::write(
            dir.join("documents.json"),
            format!("{{ \"_id\" : \"D1\", \"text\" : \"{text}\" }}\n"),
        )
        .unwrap();
        let ents = [
            (0, 15, "Organisation", "The Varn Council", 1.0),
            (0, 15, "Location", "The Varn Council", 0.0),
            (24, 30, "Location", "Ostrel", 1.0),
            (32, 34, "Organisation", "We", 1.0),
            (44, 52, "Location", "the city", 1.0),
            (57, 66, "Person", "Mira Holt", 1.0),
            (57, 61, "Temporal", "Mira", 1.0),
            (10, 14, "Person", "Zed Quill", 1.0),
        ];
        let lines: Vec<String> = ents
            .iter()
            .map(|(b, e, t, v, c)| {
                format!("{{ \"documentId\" : \"D1\", \"begin\" : {b}, \"end\" : {e}, \"type\" : \"{t}\", \"value\" : \"{v}\", \"confidence\" : {c} }}")
            })
            .collect();
        std::fs::write(dir.join("entities.json"), lines.join("\n")).unwrap();
        let (docs, dropped) = read_re3d(&dir).unwrap();
        std::fs::write(dir.join("entities.json"), "{ not json").unwrap();
        let bad = read_re3d(&dir).unwrap_err().to_string();
        std::fs::remove_dir_all(&dir).ok();
        assert!(bad.contains("entities.json:1"), "{bad}");
        // `The Varn Council` is 16 characters, not 15: found next door;
        // `Zed Quill` is nowhere.
        assert_eq!(dropped, 1);
        let g = &docs[0];
        let got: Vec<(&str, &str)> = g
            .entities
            .iter()
            .map(|(s, t)| (s.slice(&g.doc.text), t.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("Varn Council", "ORG"),
                ("Ostrel", "LOC"),
                ("Mira Holt", "PER")
            ]
        );
    }

    #[test]
    fn named_part_drops_determiners_and_pronouns() {
        let t = "The Varn Council and we";
        assert_eq!(named_part(t, Span::new(0, 16)), Some(Span::new(4, 16)));
        assert_eq!(named_part(t, Span::new(21, 23)), None);
        assert_eq!(named_part("We left", Span::new(0, 2)), None);
    }

    #[test]
    fn meantime_reader() {
        let dir = std::env::temp_dir().join(format!("ng-ner-mt-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("doc.xml");
        let xml = r#"<?xml version="1.0" ?><Document doc_id="1" doc_name="x">
<token number="0" sentence="0" t_id="1">Brantor</token>
<token number="1" sentence="0" t_id="2">Aviation</token>
<token number="2" sentence="0" t_id="3">hired</token>
<token number="3" sentence="0" t_id="4">Ana</token>
<token number="4" sentence="0" t_id="5">Lind</token>
<token number="5" sentence="1" t_id="6">She</token>
<token number="6" sentence="1" t_id="7">left</token>
<token number="7" sentence="1" t_id="8">Quellton</token>
<Markables>
<ENTITY_MENTION m_id="1" syntactic_type="NAM"><token_anchor t_id="1"/><token_anchor t_id="2"/></ENTITY_MENTION>
<ENTITY_MENTION m_id="2" syntactic_type="NAM"><token_anchor t_id="4"/><token_anchor t_id="5"/></ENTITY_MENTION>
<ENTITY_MENTION m_id="3" syntactic_type="PRO"><token_anchor t_id="6"/></ENTITY_MENTION>
<ENTITY_MENTION m_id="4" syntactic_type="NAM"><token_anchor t_id="8"/></ENTITY_MENTION>
<ENTITY m_id="10" ent_type="ORG" TAG_DESCRIPTOR="Brantor &amp; co"/>
<ENTITY m_id="11" ent_type="PER"/>
<ENTITY m_id="12" ent_type="PRO"/>
</Markables>
<Relations>
<REFERS_TO r_id="1"><source m_id="1"/><target m_id="10"/></REFERS_TO>
<REFERS_TO r_id="2"><source m_id="2"/><source m_id="3"/><target m_id="11"/></REFERS_TO>
<REFERS_TO r_id="3"><source m_id="4"/><target m_id="12"/></REFERS_TO>
</Relations>
</Document>"#;
        std::fs::write(&p, xml).unwrap();
        let g = read_meantime(&p).unwrap();
        std::fs::remove_dir_all(&dir).ok();
        assert_eq!(g.doc.sentences.len(), 2);
        let ents: Vec<(&str, &str)> = g
            .entities
            .iter()
            .map(|(s, t)| (s.slice(&g.doc.text), t.as_str()))
            .collect();
        assert_eq!(ents, vec![("Brantor Aviation", "ORG"), ("Ana Lind", "PER")]);
    }

    #[test]
    fn meantime_reader_rejects_other_xml() {
        let dir = std::env::temp_dir().join(format!("ng-ner-mt2-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("other.xml");
        std::fs::write(&p, "<html><body>hi</body></html>").unwrap();
        let e = read_meantime(&p).unwrap_err().to_string();
        std::fs::remove_dir_all(&dir).ok();
        assert!(e.contains("other.xml"), "{e}");
    }
}
