//! Actor and agent dictionaries: names and aliases mapped to CAMEO/PLOVER-style actor codes,
//! with date bounds, merged from layers, with provenance for every answer.
//!
//! # Format
//!
//! A dictionary layer is a TOML file (optionally gzip-compressed, `*.toml.gz`):
//!
//! ```toml
//! [layer]                       # optional metadata
//! name = "mine"
//! source = "hand-curated"
//!
//! [[actor]]
//! name = "Harakat Hezbollah al-Nujaba"
//! aliases = ["al-Nujaba", "Nujaba"]
//! code = "IRQREB"               # one code …
//!
//! [[actor]]
//! name = "Hamid Karzai"
//! codes = [                     # … or several, each with optional inclusive date bounds
//!   { code = "AFGGOV", from = "2001-12-22", to = "2014-09-29" },
//!   { code = "AFGELI", from = "2014-09-29" },
//! ]
//! src = "where this entry came from"   # optional free text (the importer writes file:line)
//!
//! [[agent]]                     # agents: common nouns that give a sector ("minister" → GOV)
//! name = "minister"
//! aliases = ["ministers"]
//! code = "GOV"
//! ```
//!
//! TOML rather than a bespoke line format: it is what the issue asks for, every editor
//! highlights it, and the `toml` parser gives line-accurate errors for free; the cost (about
//! 3 MB for the converted PETRARCH data) is paid once and shipped gzip-compressed.
//!
//! Codes are one or more three-letter upper-case blocks (`IRQ`, `IRQGOV`, `IGOUNOKID`); dates
//! are `YYYY-MM-DD`. Anything else is an error naming the file and line ([`DictError`]).
//!
//! # Layers
//!
//! A [`Dictionary`] is a stack of [`Layer`]s; later layers have priority. A name defined in a
//! higher layer replaces, as a whole, what lower layers say about that name (an override never
//! mixes codes from two layers). [`Dictionary::builtin`] stacks the converted PETRARCH/Phoenix
//! dictionaries (MIT, see `data/dict/README.md`) under our curated country/armed-group layer;
//! users push their own layers on top.
//!
//! Names are matched after [`normalize`]: case-folded, common Latin diacritics removed, dots and
//! apostrophes dropped, other punctuation turned into spaces, a leading "the" dropped — so
//! `U.N.`, `UN` and `the UN` are one key, and `al-Nujaba` matches `Al Nujaba`.

mod dict;
mod error;
mod layer;
mod normalize;
pub mod petrarch;

pub use dict::{Dictionary, Finding, Lookup, Match, Severity};
pub use error::DictError;
pub use layer::{fingerprint, is_valid_code, CodeSpan, Entry, Kind, Layer};
pub use normalize::normalize;
