//! The cue lexicon (`data/quotes/cues.toml`): reporting verbs by class, cue
//! phrases, addressee verbs and channels.

use crate::QuoteError;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

/// How a cue verb may introduce a quote.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum CueClass {
    /// Only next to quotation marks (`“…,” he continued`).
    DirectOnly,
    /// Indirect only, with a clausal complement (`believes that …`).
    Belief,
    /// Both next to quotation marks and with a clausal complement.
    Speech,
}

#[derive(Deserialize)]
struct Raw {
    version: String,
    speech: Vec<String>,
    belief: Vec<String>,
    direct_only: Vec<String>,
    irregular: Vec<(String, String)>,
    phrases: Vec<String>,
    addressee_verbs: Vec<String>,
    channels: Vec<String>,
    #[serde(default)]
    stance: Vec<String>,
    #[serde(default)]
    not_speakers: Vec<String>,
}

/// A parsed cue lexicon.
#[derive(Clone, Debug)]
pub struct Lexicon {
    pub version: String,
    /// Lemma → class (the strongest class when a lemma is listed twice).
    lemmas: BTreeMap<String, CueClass>,
    /// Inflected form → lemma (regular inflections plus the irregular table).
    forms: BTreeMap<String, String>,
    /// Multi-word cue phrases, each as lower-case words.
    pub phrases: Vec<Vec<String>>,
    pub addressee_verbs: BTreeSet<String>,
    pub channels: BTreeSet<String>,
    /// Lemmas of stance verbs (`criticize`, `call for`, `support`), used
    /// only when stances are on: their complements are attributed content.
    pub stance: BTreeSet<String>,
    /// Words that make a paragraph-initial `Label:` no speaker label
    /// (`Photo:`, `UPDATE:`), lower case.
    pub not_speakers: BTreeSet<String>,
}

/// The lexicon shipped with the crate.
pub(crate) const EMBEDDED: &str = include_str!("../../../data/quotes/cues.toml");

impl Lexicon {
    /// Parses a lexicon in the format of `data/quotes/cues.toml`.
    pub fn from_toml(text: &str) -> Result<Lexicon, QuoteError> {
        let raw: Raw = toml::from_str(text).map_err(|e| QuoteError::Lexicon(e.to_string()))?;
        let mut lemmas = BTreeMap::new();
        for (list, class) in [
            (&raw.direct_only, CueClass::DirectOnly),
            (&raw.belief, CueClass::Belief),
            (&raw.speech, CueClass::Speech),
        ] {
            for l in list {
                let l = l.trim().to_lowercase();
                if l.is_empty() {
                    continue;
                }
                let e = lemmas.entry(l).or_insert(class);
                *e = (*e).max(class);
            }
        }
        let mut forms = BTreeMap::new();
        for l in lemmas.keys() {
            for f in inflections(l) {
                forms.entry(f).or_insert_with(|| l.clone());
            }
        }
        for (lemma, form) in &raw.irregular {
            forms.insert(form.to_lowercase(), lemma.to_lowercase());
        }
        let phrases = raw
            .phrases
            .iter()
            .map(|p| p.split_whitespace().map(str::to_lowercase).collect())
            .filter(|p: &Vec<String>| !p.is_empty())
            .collect();
        Ok(Lexicon {
            version: raw.version,
            lemmas,
            forms,
            phrases,
            addressee_verbs: raw
                .addressee_verbs
                .iter()
                .map(|s| s.to_lowercase())
                .collect(),
            channels: raw.channels.iter().map(|s| s.to_lowercase()).collect(),
            stance: raw.stance.iter().map(|s| s.to_lowercase()).collect(),
            not_speakers: raw.not_speakers.iter().map(|s| s.to_lowercase()).collect(),
        })
    }

    /// The class of a verb given its lower-case form and (possibly empty) lemma.
    pub fn class(&self, form: &str, lemma: &str) -> Option<CueClass> {
        if !lemma.is_empty() {
            if let Some(c) = self.lemmas.get(lemma) {
                return Some(*c);
            }
        }
        let l = self.forms.get(form)?;
        self.lemmas.get(l).copied()
    }

    /// The lemma of a cue form, from the lexicon's own inflections.
    pub fn lemma_of<'a>(&'a self, form: &'a str) -> &'a str {
        self.forms.get(form).map_or(form, String::as_str)
    }

    /// Number of cue lemmas.
    pub fn len(&self) -> usize {
        self.lemmas.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lemmas.is_empty()
    }
}

/// Regular English inflections of a verb lemma: -s, -ed, -ing.
fn inflections(l: &str) -> Vec<String> {
    let mut out = vec![l.to_string()];
    let b = l.as_bytes();
    let last = b.last().copied().unwrap_or(b' ');
    let vowel = |c: u8| b"aeiou".contains(&c);
    // third person
    if l.ends_with('s')
        || l.ends_with("sh")
        || l.ends_with("ch")
        || l.ends_with('x')
        || l.ends_with('z')
    {
        out.push(format!("{l}es"));
    } else if last == b'y' && b.len() > 1 && !vowel(b[b.len() - 2]) {
        out.push(format!("{}ies", &l[..l.len() - 1]));
    } else {
        out.push(format!("{l}s"));
    }
    // past and gerund
    if last == b'e' {
        out.push(format!("{l}d"));
        out.push(format!("{}ing", &l[..l.len() - 1]));
    } else if last == b'y' && b.len() > 1 && !vowel(b[b.len() - 2]) {
        out.push(format!("{}ied", &l[..l.len() - 1]));
        out.push(format!("{l}ing"));
    } else {
        out.push(format!("{l}ed"));
        out.push(format!("{l}ing"));
        // doubled final consonant (admit → admitted, plead stays)
        let n = b.len();
        if n >= 3 && !vowel(last) && vowel(b[n - 2]) && !vowel(b[n - 3]) && !b"wxy".contains(&last)
        {
            out.push(format!("{l}{}ed", last as char));
            out.push(format!("{l}{}ing", last as char));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_lexicon_parses_and_inflects() {
        let lex = Lexicon::from_toml(EMBEDDED).unwrap();
        assert!(lex.len() > 100);
        assert_eq!(lex.class("said", ""), Some(CueClass::Speech));
        assert_eq!(lex.class("admitted", ""), Some(CueClass::Speech));
        assert_eq!(lex.class("denies", ""), Some(CueClass::Speech));
        assert_eq!(lex.class("believes", ""), Some(CueClass::Belief));
        assert_eq!(lex.class("continued", ""), Some(CueClass::DirectOnly));
        assert_eq!(lex.class("walked", ""), None);
        assert_eq!(lex.class("xyz", "say"), Some(CueClass::Speech));
        assert_eq!(lex.lemma_of("told"), "tell");
    }

    #[test]
    fn bad_lexicon_is_an_error() {
        assert!(Lexicon::from_toml("speech = 3").is_err());
    }
}
