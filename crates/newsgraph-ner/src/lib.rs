//! Named-entity recognition for English news.
//!
//! [`Ner`] is an [`Annotator`]: over a segmented [`Document`] it adds one
//! singleton [`Entity`] per recognised name (canonical = the name as
//! written, one [`MentionKind::Name`] mention), sorted by span. A later
//! stage chains mentions of the same entity and adds roles and codes.
//!
//! The model (`models/ner.bin`, model card `models/ner.md`) is a greedy
//! left-to-right averaged perceptron over BILOU labels of the four CoNLL-2003
//! types, with hashed features of the word, its affixes and shape, its
//! neighbours, word clusters learned from bulk news, gazetteer matches from
//! the actor dictionaries, document-level casing evidence and the types the
//! document gave the same word earlier. CoNLL types map to ours: PER →
//! Person, ORG → Org, LOC → Loc, and MISC → Norp for nationality and
//! religious-group words, Event for names of wars, summits and games, Misc
//! otherwise.
//!
//! ```
//! use newsgraph_core::{Annotator, Document, EntityType};
//! let seg = newsgraph_segment::Segmenter::new();
//! let ner = newsgraph_ner::Ner::embedded().unwrap();
//! let mut doc = Document::from_text("Hassan Nasser flew to Cairo on Monday.");
//! seg.run(&mut doc);
//! ner.run(&mut doc);
//! assert!(doc.entities.iter().any(|e| e.entity_type == EntityType::Loc && e.canonical == "Cairo"));
//! ```
//!
//! Tokens written together around a hyphen (`al - Nujaba` from the
//! segmenter) are joined back into one word, as CoNLL writes them. The
//! worker is `Send + Sync`, deterministic and never panics on content.

mod features;
use newsgraph_linear::format;
use newsgraph_linear::hash;
mod model;
use newsgraph_linear::perceptron;
pub mod train;

pub use features::{GAZ_AGENT, GAZ_COUNTRY, GAZ_COUNTRY_ALIAS, GAZ_NORP, GAZ_ORG, GAZ_PERSON};
pub use format::ModelError;
pub use model::{NerModel, TokenSpan, NER_FORMAT, TYPES};

use newsgraph_core::{
    Annotator, Diagnostic, Document, Entity, EntityType, Mention, MentionKind, Span,
};
use std::borrow::Cow;
use std::sync::{Arc, OnceLock};

/// The form the model sees: typographic apostrophes and quotes as the ASCII
/// ones of its training data (`Assad’s` → `Assad's`).
fn model_form(s: &str) -> Cow<'_, str> {
    if s.is_ascii() || !s.contains(['‘', '’', '“', '”', 'ʼ']) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| match c {
                '‘' | '’' | 'ʼ' => '\'',
                '“' | '”' => '"',
                c => c,
            })
            .collect(),
    )
}

/// Version of the NER stage with the embedded model.
pub const VERSION: &str = "ner-0.1.1+ner-20261201";
/// Version stamped when the model was supplied by the caller.
pub const CUSTOM_VERSION: &str = "ner-0.1.1+ner-custom";

static NER_BYTES: &[u8] = include_bytes!("../../../models/ner.bin");
static NER: OnceLock<Result<Arc<NerModel>, ModelError>> = OnceLock::new();

fn embedded_model() -> Result<Arc<NerModel>, ModelError> {
    NER.get_or_init(|| NerModel::from_bytes(NER_BYTES).map(Arc::new))
        .clone()
}

/// Errors building or training a recogniser.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NerError {
    #[error(transparent)]
    Model(#[from] ModelError),
    #[error("ner training: {0}")]
    Train(String),
}

/// Nationality, religious and political group words: a MISC name made of
/// one of these is NORP. (Lowercase; plurals are listed.)
pub const NORP_WORDS: &[&str] = &[
    "afghan",
    "afghans",
    "african",
    "africans",
    "alawite",
    "alawites",
    "albanian",
    "algerian",
    "algerians",
    "american",
    "americans",
    "arab",
    "arabs",
    "arabian",
    "argentine",
    "argentinian",
    "armenian",
    "armenians",
    "asian",
    "asians",
    "assyrian",
    "australian",
    "australians",
    "austrian",
    "azerbaijani",
    "azeri",
    "bahraini",
    "baloch",
    "baluch",
    "bangladeshi",
    "basque",
    "belarusian",
    "belgian",
    "bosnian",
    "brazilian",
    "british",
    "briton",
    "britons",
    "buddhist",
    "buddhists",
    "bulgarian",
    "burmese",
    "canadian",
    "canadians",
    "catholic",
    "catholics",
    "chadian",
    "chechen",
    "chechens",
    "chilean",
    "chinese",
    "christian",
    "christians",
    "colombian",
    "communist",
    "communists",
    "congolese",
    "conservative",
    "conservatives",
    "croat",
    "croatian",
    "croats",
    "cuban",
    "cypriot",
    "czech",
    "danish",
    "democrat",
    "democrats",
    "druze",
    "dutch",
    "egyptian",
    "egyptians",
    "emirati",
    "english",
    "eritrean",
    "ethiopian",
    "european",
    "europeans",
    "evangelical",
    "filipino",
    "finnish",
    "french",
    "frenchman",
    "georgian",
    "german",
    "germans",
    "greek",
    "greeks",
    "hindu",
    "hindus",
    "houthi",
    "houthis",
    "hungarian",
    "indian",
    "indians",
    "indonesian",
    "iranian",
    "iranians",
    "iraqi",
    "iraqis",
    "irish",
    "islamic",
    "islamist",
    "islamists",
    "israeli",
    "israelis",
    "italian",
    "italians",
    "ivorian",
    "japanese",
    "jew",
    "jewish",
    "jews",
    "jordanian",
    "kazakh",
    "kenyan",
    "korean",
    "koreans",
    "kurd",
    "kurdish",
    "kurds",
    "kuwaiti",
    "latin",
    "lebanese",
    "liberal",
    "liberals",
    "libyan",
    "libyans",
    "malaysian",
    "malian",
    "maronite",
    "mexican",
    "mexicans",
    "moroccan",
    "muslim",
    "muslims",
    "nigerian",
    "nigerians",
    "north korean",
    "norwegian",
    "omani",
    "orthodox",
    "pakistani",
    "pakistanis",
    "palestinian",
    "palestinians",
    "pashtun",
    "pashtuns",
    "persian",
    "peruvian",
    "polish",
    "portuguese",
    "protestant",
    "protestants",
    "qatari",
    "republican",
    "republicans",
    "romanian",
    "russian",
    "russians",
    "rwandan",
    "salafi",
    "salafist",
    "saudi",
    "saudis",
    "scottish",
    "serb",
    "serbian",
    "serbs",
    "shi'ite",
    "shia",
    "shias",
    "shiite",
    "shiites",
    "sikh",
    "slovak",
    "socialist",
    "socialists",
    "somali",
    "somalis",
    "south african",
    "south korean",
    "soviet",
    "spanish",
    "sudanese",
    "sunni",
    "sunnis",
    "swedish",
    "swiss",
    "syrian",
    "syrians",
    "taiwanese",
    "tajik",
    "thai",
    "tunisian",
    "turk",
    "turkish",
    "turkmen",
    "turks",
    "ugandan",
    "ukrainian",
    "ukrainians",
    "uzbek",
    "venezuelan",
    "vietnamese",
    "welsh",
    "western",
    "yazidi",
    "yazidis",
    "yemeni",
    "yemenis",
    "zimbabwean",
];

/// Last words of MISC names of events.
const EVENT_HEADS: &[&str] = &[
    "war",
    "wars",
    "games",
    "olympics",
    "olympiad",
    "cup",
    "championship",
    "championships",
    "summit",
    "revolution",
    "uprising",
    "intifada",
    "offensive",
    "massacre",
    "conference",
    "tournament",
    "open",
    "election",
    "elections",
    "festival",
    "spring",
    "crisis",
];

/// Holidays and festivals, lower case (see `Ner::map_type`).
const HOLIDAYS: &[&str] = &[
    "christmas",
    "christmas eve",
    "christmas day",
    "boxing day",
    "new year",
    "new year's day",
    "new year's eve",
    "easter",
    "easter sunday",
    "good friday",
    "lent",
    "ramadan",
    "eid",
    "eid al-fitr",
    "eid al-adha",
    "eid ul-fitr",
    "eid ul-adha",
    "hanukkah",
    "passover",
    "yom kippur",
    "rosh hashanah",
    "diwali",
    "holi",
    "thanksgiving",
    "halloween",
    "nowruz",
    "ashura",
    "arbaeen",
    "mawlid",
    "valentine's day",
    "hogmanay",
    "chinese new year",
    "lunar new year",
    "orthodox christmas",
    "whitsun",
    "pentecost",
];

/// Punctuation that never begins or ends a name (see `Ner::names`).
const EDGE_PUNCT: &[&str] = &[
    ".", ",", ";", ":", "!", "?", "\"", "“", "”", "‘", "’", "'", "`", "``", "''", "—", "–",
];

/// Lower-case words that link the parts of a name (`Bank of England`,
/// `Rio de Janeiro`, `Abu Bakr al Baghdadi`).
const NAME_LINKS: &[&str] = &[
    "of", "and", "the", "for", "in", "on", "at", "de", "del", "della", "der", "den", "des", "du",
    "da", "dal", "dos", "das", "di", "van", "von", "la", "le", "el", "al", "bin", "ibn", "bint",
    "ben", "abu", "y", "et", "&",
];

/// The part of a tagged name (its words) to keep, or `None`: the model's
/// names sometimes run on past their end (`the Bank said it`, `GW Pharma and
/// for patients with`, `Dowd; Shaw`) or take in the sentence's final period
/// (`the BBC.`). A name that starts with a capital is cut before a semicolon,
/// before a lower-case word that does not link names (`said`, `patients`) and
/// before a comma followed by one; every name is trimmed of links at its end,
/// of sentence punctuation and quotation marks at its edges (periods that
/// belong to a name, `U.S.`, `Corp.`, are inside its token), and of a bracket
/// that it does not open or close (`Proleter ( Z )` keeps its own).
pub(crate) fn trim_name(words: &[&str]) -> Option<(usize, usize)> {
    let has = |lo: usize, hi: usize, b: &str| words[lo..hi].contains(&b);
    let lower_word = |w: &str| {
        w.chars().next().is_some_and(char::is_lowercase) && !w.chars().any(char::is_uppercase)
    };
    let link = |w: &str| NAME_LINKS.contains(&w);
    let (mut lo, mut hi) = (0, words.len());
    while lo < hi && (EDGE_PUNCT.contains(&words[lo]) || (words[lo] == "(" && !has(lo, hi, ")"))) {
        lo += 1;
    }
    if lo < hi && !lower_word(words[lo]) {
        if let Some(k) = (lo + 1..hi).find(|&k| {
            let w = words[k];
            w == ";"
                || (lower_word(w) && !link(w))
                || (w == ","
                    && words
                        .get(k + 1)
                        .is_some_and(|n| lower_word(n) && k + 1 < hi))
        }) {
            hi = k;
        }
    }
    while let Some(&w) = words[lo..hi].last() {
        let trailing = EDGE_PUNCT.contains(&w)
            || (w == ")" && !has(lo, hi, "("))
            || (hi - lo > 1 && lower_word(w) && link(w) && !lower_word(words[lo]));
        if !trailing {
            break;
        }
        hi -= 1;
    }
    (lo < hi).then_some((lo, hi))
}

/// Configures a [`Ner`].
#[derive(Clone, Debug, Default)]
pub struct NerBuilder {
    bytes: Option<Vec<u8>>,
}

impl NerBuilder {
    pub fn new() -> NerBuilder {
        NerBuilder::default()
    }

    /// Use this model file instead of the embedded one.
    pub fn model_bytes(mut self, bytes: Vec<u8>) -> NerBuilder {
        self.bytes = Some(bytes);
        self
    }

    /// Loads the model (the embedded one is parsed once per process).
    pub fn build(self) -> Result<Ner, NerError> {
        Ok(match self.bytes {
            Some(b) => Ner {
                model: Arc::new(NerModel::from_bytes(&b)?),
                version: CUSTOM_VERSION,
            },
            None => Ner {
                model: embedded_model()?,
                version: VERSION,
            },
        })
    }
}

/// The recogniser: `Send + Sync`, built once and reused.
#[derive(Clone, Debug)]
pub struct Ner {
    model: Arc<NerModel>,
    version: &'static str,
}

/// A name found in a text: byte span, our type, and the CoNLL type the
/// model predicted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Name {
    pub span: Span,
    pub entity_type: EntityType,
    pub conll: &'static str,
    pub kind: Option<String>,
}

impl Ner {
    /// The recogniser with the embedded model.
    pub fn embedded() -> Result<Ner, NerError> {
        NerBuilder::new().build()
    }

    pub fn model(&self) -> &NerModel {
        &self.model
    }

    /// Finds the names of a segmented document (tokens and sentences), in
    /// text order. Needs no tags.
    pub fn names(&self, doc: &Document) -> Vec<Name> {
        let text = doc.text.as_str();
        let ntok = doc.tokens.len();
        // Sentence token ranges (the whole token list without sentences).
        let ranges: Vec<std::ops::Range<usize>> = if doc.sentences.is_empty() {
            std::iter::once(0..ntok).filter(|r| !r.is_empty()).collect()
        } else {
            doc.sentences
                .iter()
                .map(|s| {
                    let r = s.token_range();
                    let a = r.start.min(ntok);
                    a..r.end.min(ntok).max(a)
                })
                .collect()
        };
        let slice =
            |sp: Span| -> &str { text.get(sp.start as usize..sp.end as usize).unwrap_or("") };
        // Words: tokens, with `X - Y` written without spaces joined into one;
        // a line break inside a sentence (titles, bylines) starts a new one.
        let mut words: Vec<Vec<Span>> = Vec::with_capacity(ranges.len());
        for r in &ranges {
            let toks = &doc.tokens[r.clone()];
            let mut ws: Vec<Span> = Vec::with_capacity(toks.len());
            let mut j = 0;
            while j < toks.len() {
                if let Some(prev) = ws.last() {
                    let gap = text
                        .get(prev.end as usize..toks[j].span.start as usize)
                        .unwrap_or("");
                    if gap.contains('\n') {
                        words.push(std::mem::take(&mut ws));
                    }
                }
                let mut sp = toks[j].span;
                while j + 2 < toks.len()
                    && toks[j + 1].span.start == sp.end
                    && toks[j + 2].span.start == toks[j + 1].span.end
                    && slice(toks[j + 1].span) == "-"
                    && !slice(toks[j + 2].span).is_empty()
                {
                    sp = Span::new(sp.start as usize, toks[j + 2].span.end as usize);
                    j += 2;
                }
                ws.push(sp);
                j += 1;
            }
            words.push(ws);
        }
        let forms: Vec<Vec<Cow<'_, str>>> = words
            .iter()
            .map(|ws| ws.iter().map(|&s| model_form(slice(s))).collect())
            .collect();
        let refs: Vec<&[Cow<'_, str>]> = forms.iter().map(Vec::as_slice).collect();
        let tagged = self.model.tag_document(&refs);
        let mut out = Vec::new();
        for ((ws, fs), spans) in words.iter().zip(&forms).zip(tagged) {
            for ts in spans {
                if ts.start >= ts.end || ts.end > ws.len() {
                    continue;
                }
                let words: Vec<&str> = ws[ts.start..ts.end].iter().map(|&w| slice(w)).collect();
                let Some((a, b)) = trim_name(&words) else {
                    continue;
                };
                let (lo, hi) = (ts.start + a, ts.start + b);
                let span = Span::new(ws[lo].start as usize, ws[hi - 1].end as usize);
                let name: Vec<&str> = fs[lo..hi].iter().map(|f| f.as_ref()).collect();
                let (entity_type, kind) = self.map_type(ts.ty, &name);
                out.push(Name {
                    span,
                    entity_type,
                    conll: TYPES[ts.ty.min(3)],
                    kind,
                });
            }
        }
        out.sort_by_key(|n| (n.span.start, n.span.end));
        out
    }

    /// Our type (and LOC subtype) for a CoNLL type and the words of the name.
    fn map_type(&self, ty: usize, words: &[&str]) -> (EntityType, Option<String>) {
        // Holidays are events whatever the model guessed (CoNLL's training
        // text has none, so it calls `Christmas` a place or a person).
        let joined = words.join(" ").to_lowercase();
        if HOLIDAYS.contains(&joined.replace(" 's", "'s").as_str()) {
            return (EntityType::Event, None);
        }
        match ty {
            0 => (EntityType::Person, None),
            1 => (EntityType::Org, None),
            2 => {
                let g = self.model.gazetteer(words);
                let gpe = g & (GAZ_COUNTRY | GAZ_COUNTRY_ALIAS) != 0;
                (EntityType::Loc, gpe.then(|| "GPE".to_string()))
            }
            _ => {
                let g = self.model.gazetteer(words);
                let demonym_like = |w: &str| {
                    ["an", "ans", "ese", "ish", "i", "is", "ic", "ch"]
                        .iter()
                        .any(|s| w.ends_with(s))
                };
                if g & GAZ_NORP != 0
                    || NORP_WORDS.contains(&joined.as_str())
                    || (g & GAZ_COUNTRY_ALIAS != 0 && words.len() == 1 && demonym_like(&joined))
                {
                    return (EntityType::Norp, None);
                }
                let last = words.last().map(|w| w.to_lowercase()).unwrap_or_default();
                if words.len() > 1 && EVENT_HEADS.contains(&last.as_str()) {
                    return (EntityType::Event, None);
                }
                (EntityType::Misc, None)
            }
        }
    }
}

impl Annotator for Ner {
    fn name(&self) -> &'static str {
        "ner"
    }

    fn version(&self) -> &str {
        self.version
    }

    fn annotate(&self, doc: &mut Document) -> Vec<Diagnostic> {
        let mut diags = Vec::new();
        if doc.tokens.is_empty() {
            diags.push(Diagnostic::info("ner", "no-tokens", "nothing to tag"));
            return diags;
        }
        let names = self.names(doc);
        let mut ents: Vec<Entity> = names
            .into_iter()
            .map(|n| Entity {
                canonical: doc
                    .text
                    .get(n.span.start as usize..n.span.end as usize)
                    .unwrap_or("")
                    .to_string(),
                entity_type: n.entity_type,
                kind: n.kind,
                country: None,
                mentions: vec![Mention {
                    span: n.span,
                    kind: MentionKind::Name,
                }],
                actor_code: None,
                code_source: None,
                role: None,
                affiliation: None,
                version: self.version.to_string(),
            })
            .collect();
        doc.entities.append(&mut ents);
        doc.entities
            .sort_by_key(|e| e.first_span().map(|s| (s.start, s.end)));
        diags
    }
}

#[cfg(test)]
mod tests;
