//! Actors: turns the recogniser's names into entities.
//!
//! The NER stage leaves one singleton entity per recognised name. This stage
//! - adds names the recogniser missed but the actor dictionary knows;
//! - links acronyms and aliases the text defines (`Popular Mobilization Units
//!   [PMU]`, `better known as Hashd al-Shaabi`);
//! - chains every mention of one entity (short forms `Kaabi` → `Sheikh Akram
//!   al-Kaabi`, dictionary synonyms `US` → `United States`, a capital standing
//!   for its government where it acts: `Washington cannot be trusted`);
//! - reads roles and affiliations from titles and appositions (`Nujaba
//!   spokesman, Nasr al-Shammari`, `Qassim al-Araji, Iraq's national security
//!   adviser`) and links descriptions (`the al-Nujaba chief`);
//! - gives each entity a kind, a country and a CAMEO/PLOVER-style actor code,
//!   from the dictionary (with the layer and entry as provenance) or derived
//!   from its role and affiliation.
//!
//! Everything here is rules over tokens, with word lists kept as data in
//! `data/actors/lexicon.toml`; the dictionary is `newsgraph-dict`'s.
#![cfg_attr(not(test), warn(clippy::unwrap_used))]

mod chain;
mod lexicon;
#[cfg(test)]
mod tests;

pub use lexicon::Lexicon;

use newsgraph_core::{Annotator, Diagnostic, Document};
use newsgraph_dict::Dictionary;
use std::sync::Arc;

/// Version of the rules; the stage's version adds the dictionary and lexicon.
pub const VERSION: &str = "actors-0.2.1";

#[derive(Debug, thiserror::Error)]
pub enum ActorsError {
    #[error("actor lexicon: {0}")]
    Lexicon(String),
    #[error("actor dictionary: {0}")]
    Dictionary(#[from] newsgraph_dict::DictError),
}

/// Builds an [`Actors`] stage.
#[derive(Debug, Default)]
pub struct ActorsBuilder {
    dictionary: Option<Arc<Dictionary>>,
    lexicon: Option<Lexicon>,
}

impl ActorsBuilder {
    pub fn new() -> ActorsBuilder {
        ActorsBuilder::default()
    }

    /// Uses this dictionary instead of the shipped layers (e.g. with a user's layer on top).
    pub fn dictionary(mut self, dict: Arc<Dictionary>) -> ActorsBuilder {
        self.dictionary = Some(dict);
        self
    }

    pub fn lexicon(mut self, lexicon: Lexicon) -> ActorsBuilder {
        self.lexicon = Some(lexicon);
        self
    }

    pub fn build(self) -> Result<Actors, ActorsError> {
        let dict = match self.dictionary {
            Some(d) => d,
            None => Arc::new(Dictionary::builtin()?),
        };
        let lexicon = match self.lexicon {
            Some(l) => l,
            None => Lexicon::builtin()?,
        };
        // Each layer by name and by the fingerprint of its data, so that an
        // edit to a dictionary shows in the stage version.
        let layers: Vec<String> = dict
            .layers()
            .iter()
            .map(|l| format!("{}.{:08x}", l.name, l.fingerprint))
            .collect();
        let version = format!(
            "{VERSION}+dict-{}+lexicon-{:08x}",
            layers.join("-"),
            // The shipped word lists, so that an edit shows in the version.
            newsgraph_dict::fingerprint(lexicon::BUILTIN)
        );
        Ok(Actors {
            dict,
            lexicon,
            version,
        })
    }
}

/// The actor stage (see the crate docs).
#[derive(Debug)]
pub struct Actors {
    dict: Arc<Dictionary>,
    lexicon: Lexicon,
    version: String,
}

impl Annotator for Actors {
    fn name(&self) -> &'static str {
        "actors"
    }

    fn version(&self) -> &str {
        &self.version
    }

    fn annotate(&self, doc: &mut Document) -> Vec<Diagnostic> {
        chain::annotate(doc, &self.dict, &self.lexicon, &self.version)
    }
}
