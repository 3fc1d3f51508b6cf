//! Stacked layers, lookup and consistency checks.

use crate::layer::{decode, CodeSpan, Entry, Kind, Layer};
use crate::{normalize, DictError};
use newsgraph_core::Date;
use std::collections::HashMap;

const PETRARCH_GZ: &[u8] = include_bytes!("../../../data/dict/petrarch.toml.gz");
const CURATED: &str = include_str!("../../../data/dict/curated.toml");

/// Layers stacked in priority order (the last pushed wins), indexed by normalised name.
#[derive(Debug, Default)]
pub struct Dictionary {
    layers: Vec<Layer>,
    /// (kind, normalised name) → (layer, entry) pairs, in layer order.
    index: HashMap<(Kind, String), Vec<(usize, usize)>>,
}

/// One code a lookup produced, with where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Match<'a> {
    pub kind: Kind,
    pub code: &'a str,
    pub from: Option<Date>,
    pub to: Option<Date>,
    /// The layer's name and file, and the entry's line in that file.
    pub layer: &'a str,
    pub file: &'a str,
    pub line: usize,
    /// The entry's canonical name, and the name or alias that matched.
    pub entry: &'a str,
    pub matched: &'a str,
    /// The entry's own provenance note (for imports: the original file and line).
    pub src: Option<&'a str>,
    /// The entry's organisation kind, when the layer gives one.
    pub category: Option<&'a str>,
}

/// The answer to a lookup: the codes from the highest layer that knows the name, and the lower
/// layers it overrode.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lookup<'a> {
    pub key: String,
    /// Codes from the winning layer, in file order; a code repeated with the same dates by a
    /// duplicate entry is given once (from the first entry).
    pub matches: Vec<Match<'a>>,
    /// Names of lower layers that also have entries for this name.
    pub shadowed: Vec<&'a str>,
    /// The name is known, but none of its codes holds on the date asked for.
    pub out_of_date: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

/// A problem `check` found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub severity: Severity,
    pub layer: String,
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sev = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, "{}:{}: {sev}: {}", self.file, self.line, self.message)
    }
}

impl Dictionary {
    pub fn new() -> Dictionary {
        Dictionary::default()
    }

    /// The shipped layers: converted PETRARCH/Phoenix dictionaries, then our curated layer.
    pub fn builtin() -> Result<Dictionary, DictError> {
        let mut d = Dictionary::new();
        for layer in Dictionary::builtin_layers()? {
            d.push(layer);
        }
        Ok(d)
    }

    /// The shipped layers, lowest priority first.
    pub fn builtin_layers() -> Result<Vec<Layer>, DictError> {
        let path = "data/dict/petrarch.toml.gz";
        let text = decode(PETRARCH_GZ).map_err(|source| DictError::Io {
            path: path.into(),
            source,
        })?;
        Ok(vec![
            Layer::parse(&text, path)?,
            Layer::parse(CURATED, "data/dict/curated.toml")?,
        ])
    }

    /// Adds a layer above every layer already there.
    pub fn push(&mut self, layer: Layer) {
        let li = self.layers.len();
        for (ei, e) in layer.entries.iter().enumerate() {
            let mut seen: Vec<String> = Vec::new();
            for n in e.names() {
                let key = normalize(n);
                if key.is_empty() || seen.contains(&key) {
                    continue;
                }
                self.index
                    .entry((e.kind, key.clone()))
                    .or_default()
                    .push((li, ei));
                seen.push(key);
            }
        }
        self.layers.push(layer);
    }

    pub fn layers(&self) -> &[Layer] {
        &self.layers
    }

    /// Looks `name` up among actors; with a date, only codes holding on that date.
    pub fn lookup(&self, name: &str, date: Option<Date>) -> Lookup<'_> {
        self.lookup_kind(Kind::Actor, name, date)
    }

    /// Looks `name` up among agents ("minister", "rebels").
    pub fn lookup_agent(&self, name: &str, date: Option<Date>) -> Lookup<'_> {
        self.lookup_kind(Kind::Agent, name, date)
    }

    pub fn lookup_kind(&self, kind: Kind, name: &str, date: Option<Date>) -> Lookup<'_> {
        let key = normalize(name);
        let mut out = Lookup {
            key: key.clone(),
            ..Lookup::default()
        };
        let Some(hits) = self.index.get(&(kind, key.clone())) else {
            return out;
        };
        let Some(top) = hits.iter().map(|&(l, _)| l).max() else {
            return out;
        };
        for &(li, ei) in hits {
            let layer = &self.layers[li];
            if li != top {
                if !out.shadowed.contains(&layer.name.as_str()) {
                    out.shadowed.push(&layer.name);
                }
                continue;
            }
            let e = &layer.entries[ei];
            let matched = e.names().find(|n| normalize(n) == key).unwrap_or(&e.name);
            for c in e.codes.iter().filter(|c| c.active(date)) {
                // The same code with the same dates from a duplicate entry adds nothing.
                if out
                    .matches
                    .iter()
                    .any(|m| (m.code, m.from, m.to) == (&c.code, c.from, c.to))
                {
                    continue;
                }
                out.matches.push(Match {
                    kind,
                    code: &c.code,
                    from: c.from,
                    to: c.to,
                    layer: &layer.name,
                    file: &layer.path,
                    line: e.line,
                    entry: &e.name,
                    matched,
                    src: e.src.as_deref(),
                    category: e.category.as_deref(),
                });
            }
        }
        // Without a date every code holds; the ones still current come first, so that an
        // undated article gets `UZB` for Uzbekistan, not the Soviet-era `USRUZB`.
        if date.is_none() {
            out.matches.sort_by_key(|m| m.to.is_some());
        }
        out.shadowed.reverse();
        out.out_of_date = out.matches.is_empty();
        out
    }

    /// Duplicates and conflicts within each layer: the same name (after normalisation) given
    /// twice with the same codes, or with different codes on overlapping dates. Malformed
    /// entries are reported when the layers are parsed (see [`Layer::parse_lenient`]).
    pub fn check(&self) -> Vec<Finding> {
        let mut out = Vec::new();
        let mut keys: Vec<_> = self.index.iter().collect();
        keys.sort_by(|a, b| a.0.cmp(b.0));
        for ((_, key), hits) in keys {
            for (i, &(li, ei)) in hits.iter().enumerate() {
                let layer = &self.layers[li];
                let a = &layer.entries[ei];
                // Compare with the first earlier entry of the same layer only, so that n copies
                // give n-1 findings.
                let Some(&(_, ej)) = hits[..i].iter().find(|&&(lj, _)| lj == li) else {
                    continue;
                };
                let b = &layer.entries[ej];
                let finding = |message: String| Finding {
                    severity: Severity::Warning,
                    layer: layer.name.clone(),
                    file: layer.path.clone(),
                    line: a.line,
                    message,
                };
                if same_codes(&a.codes, &b.codes) {
                    out.push(finding(format!(
                        "duplicate {} {key:?}: same codes as line {}",
                        a.kind.as_str(),
                        b.line
                    )));
                } else if let Some((x, y)) = conflict(a, b) {
                    out.push(finding(format!(
                        "conflicting {} {key:?}: {} here, {} at line {}, on overlapping dates",
                        a.kind.as_str(),
                        x.code,
                        y.code,
                        b.line
                    )));
                }
            }
        }
        out.sort_by(|a, b| (&a.file, a.line, &a.message).cmp(&(&b.file, b.line, &b.message)));
        out
    }
}

fn same_codes(a: &[CodeSpan], b: &[CodeSpan]) -> bool {
    a.len() == b.len() && a.iter().all(|c| b.contains(c))
}

fn conflict<'e>(a: &'e Entry, b: &'e Entry) -> Option<(&'e CodeSpan, &'e CodeSpan)> {
    for x in &a.codes {
        for y in &b.codes {
            if x.code != y.code && x.overlaps(y) && !b.codes.iter().any(|z| z.code == x.code) {
                return Some((x, y));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer(name: &str, text: &str) -> Layer {
        let mut l = Layer::parse(text, &format!("{name}.toml")).unwrap();
        l.name = name.to_string();
        l
    }

    const BASE: &str = r#"
[[actor]]
name = "Freedonia"
aliases = ["Freedonian", "Fredville"]
code = "FRD"

[[actor]]
name = "Rufus T. Firefly"
aliases = ["Firefly"]
codes = [
  { code = "FRDGOV", from = "1933-01-01", to = "1933-12-31" },
  { code = "FRDELI", from = "1934-01-01" },
]
src = "Fixture.actors.txt:7"

[[agent]]
name = "minister"
code = "GOV"
"#;

    const USER: &str = r#"
[[actor]]
name = "FIREFLY"
code = "FRDOPP"
"#;

    fn two_layers() -> Dictionary {
        let mut d = Dictionary::new();
        d.push(layer("base", BASE));
        d.push(layer("user", USER));
        d
    }

    #[test]
    fn lookup_by_name_alias_and_normalised_form() {
        let mut d = Dictionary::new();
        d.push(layer("base", BASE));
        for q in ["Freedonia", "freedonian", "  FREDVILLE. ", "the Freedonia"] {
            let l = d.lookup(q, None);
            assert_eq!(l.matches.len(), 1, "{q}");
            assert_eq!(l.matches[0].code, "FRD");
            assert_eq!(l.matches[0].entry, "Freedonia");
            assert_eq!(l.matches[0].line, 3);
        }
        assert_eq!(d.lookup("Fredville", None).matches[0].matched, "Fredville");
        assert!(d.lookup("Sylvania", None).matches.is_empty());
        assert!(d.lookup("minister", None).matches.is_empty());
        assert_eq!(d.lookup_agent("Minister", None).matches[0].code, "GOV");
    }

    #[test]
    fn date_bounds_select_the_office_held() {
        let mut d = Dictionary::new();
        d.push(layer("base", BASE));
        let codes = |date| {
            let l = d.lookup("Rufus T. Firefly", date);
            (
                l.matches.iter().map(|m| m.code).collect::<Vec<_>>(),
                l.out_of_date,
            )
        };
        assert_eq!(codes(Date::new(1933, 6, 1)), (vec!["FRDGOV"], false));
        assert_eq!(codes(Date::new(1933, 12, 31)), (vec!["FRDGOV"], false));
        assert_eq!(codes(Date::new(1950, 1, 1)), (vec!["FRDELI"], false));
        assert_eq!(codes(Date::new(1920, 1, 1)), (vec![], true));
        // Without a date, the code still held comes first.
        assert_eq!(codes(None).0, vec!["FRDELI", "FRDGOV"]);
        let m = &d.lookup("Rufus T. Firefly", Date::new(1933, 6, 1)).matches[0];
        assert_eq!(m.src, Some("Fixture.actors.txt:7"));
        assert_eq!(
            (m.from, m.to),
            (Date::new(1933, 1, 1), Date::new(1933, 12, 31))
        );
    }

    #[test]
    fn a_higher_layer_overrides_a_name_wholesale() {
        let d = two_layers();
        let l = d.lookup("Firefly", Date::new(1933, 6, 1));
        assert_eq!(l.matches.len(), 1);
        assert_eq!(l.matches[0].code, "FRDOPP");
        assert_eq!(l.matches[0].layer, "user");
        assert_eq!(l.matches[0].file, "user.toml");
        assert_eq!(l.shadowed, vec!["base"]);
        // Names the user layer does not mention still come from below.
        let l = d.lookup("Rufus T. Firefly", Date::new(1933, 6, 1));
        assert_eq!((l.matches[0].code, l.matches[0].layer), ("FRDGOV", "base"));
        assert!(l.shadowed.is_empty());
    }

    #[test]
    fn check_reports_duplicates_and_conflicts() {
        let text = r#"
[[actor]]
name = "Ruritania"
code = "RUR"

[[actor]]
name = "ruritania"
code = "RUR"

[[actor]]
name = "Rassendyll"
code = "RURGOV"
from = "1890-01-01"

[[actor]]
name = "Rudolf Rassendyll"
aliases = ["Rassendyll"]
code = "GBR"

[[actor]]
name = "Black Michael"
code = "RURGOV"
to = "1890-01-01"

[[actor]]
name = "Black Michael"
code = "RUROPP"
from = "1890-01-02"
"#;
        let mut d = Dictionary::new();
        d.push(layer("x", text));
        let f = d.check();
        let msgs: Vec<String> = f.iter().map(ToString::to_string).collect();
        assert_eq!(msgs.len(), 2, "{msgs:#?}");
        assert!(msgs[0].starts_with("x.toml:7: warning: duplicate actor \"ruritania\""));
        assert!(msgs[1].contains("conflicting actor \"rassendyll\": GBR here, RURGOV at line 11"));
        // Across layers, a repeated name is an override, not a conflict.
        assert!(two_layers().check().is_empty());
    }

    #[test]
    fn builtin_layers_load_and_answer() {
        let d = Dictionary::builtin().unwrap();
        assert!(d.layers().len() == 2);
        assert!(d.layers()[0].entries.len() > 10_000);
        let l = d.lookup("Afghanistan", None);
        assert!(l.matches.iter().any(|m| m.code == "AFG"), "{l:?}");
        assert!(!d.lookup_agent("minister", None).matches.is_empty());
    }
}
