//! The word lists in `data/actors/lexicon.toml`.

use crate::ActorsError;
use serde::Deserialize;
use std::collections::{HashMap, HashSet};

pub(crate) const BUILTIN: &str = include_str!("../../../data/actors/lexicon.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLexicon {
    honorifics: Vec<String>,
    name_particles: Vec<String>,
    generic_org_words: Vec<String>,
    #[serde(default)]
    not_person_names: Vec<String>,
    #[serde(default)]
    place_nouns: Vec<String>,
    non_country_prefixes: Vec<String>,
    leader_roles: Vec<String>,
    roles: HashMap<String, String>,
    org_heads: HashMap<String, String>,
    org_descriptors: HashMap<String, String>,
    kind_sectors: HashMap<String, String>,
    sector_kinds: HashMap<String, String>,
}

/// Titles, role nouns and organisation words, all lower-case.
#[derive(Debug, Clone)]
pub struct Lexicon {
    pub(crate) honorifics: HashSet<String>,
    pub(crate) particles: HashSet<String>,
    pub(crate) generic_org: HashSet<String>,
    /// Words that end names of things, not people, after a role word
    /// (`Premier League`, `General Motors`).
    pub(crate) not_person_names: HashSet<String>,
    /// Nouns that make the name before them, or after `the … of`, a place
    /// (`the Hamdaniya district`, `the town of Tal Afar`).
    pub(crate) place_nouns: HashSet<String>,
    pub(crate) non_country: HashSet<String>,
    pub(crate) leader_roles: HashSet<String>,
    /// Role phrase (one or two words) → implied sector (`""`: the organisation's).
    pub(crate) roles: HashMap<String, String>,
    pub(crate) org_heads: HashMap<String, String>,
    pub(crate) org_descriptors: HashMap<String, String>,
    pub(crate) kind_sectors: HashMap<String, String>,
    pub(crate) sector_kinds: HashMap<String, String>,
}

impl Lexicon {
    pub fn builtin() -> Result<Lexicon, ActorsError> {
        Lexicon::parse(BUILTIN)
    }

    pub fn parse(text: &str) -> Result<Lexicon, ActorsError> {
        let raw: RawLexicon =
            toml::from_str(text).map_err(|e| ActorsError::Lexicon(e.to_string()))?;
        let set = |v: Vec<String>| v.into_iter().map(|s| s.to_lowercase()).collect();
        Ok(Lexicon {
            honorifics: set(raw.honorifics),
            particles: set(raw.name_particles),
            generic_org: set(raw.generic_org_words),
            not_person_names: set(raw.not_person_names),
            place_nouns: set(raw.place_nouns),
            non_country: raw.non_country_prefixes.into_iter().collect(),
            leader_roles: set(raw.leader_roles),
            roles: raw.roles,
            org_heads: raw.org_heads,
            org_descriptors: raw.org_descriptors,
            kind_sectors: raw.kind_sectors,
            sector_kinds: raw.sector_kinds,
        })
    }

    /// The country part of an actor code (`IRQ` of `IRQREB`), unless the code starts with a
    /// sector or a region.
    pub fn country_of(&self, code: &str) -> Option<String> {
        let head = code.get(..3)?;
        (head.bytes().all(|b| b.is_ascii_uppercase()) && !self.non_country.contains(head))
            .then(|| head.to_string())
    }

    /// The sector of a code (`REB` of `IRQREB`, `MED` of `MED`).
    pub fn sector_of<'c>(&self, code: &'c str) -> Option<&'c str> {
        match self.country_of(code) {
            Some(_) => code.get(3..6),
            None => code.get(..3),
        }
    }
}
