//! One dictionary file: parsing (with line-accurate errors) and writing.

use crate::DictError;
use newsgraph_core::Date;
use serde::Deserialize;
use std::fmt::Write as _;
use std::io::Read;
use std::path::Path;
use toml::Spanned;

/// Actors are named things (people, organisations, countries); agents are common nouns that
/// give a sector to whatever country they are attached to ("minister" → GOV).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Actor,
    Agent,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Actor => "actor",
            Kind::Agent => "agent",
        }
    }
}

/// A code, valid from `from` to `to` (both inclusive, both optional).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeSpan {
    pub code: String,
    pub from: Option<Date>,
    pub to: Option<Date>,
}

impl CodeSpan {
    pub fn undated(code: &str) -> CodeSpan {
        CodeSpan {
            code: code.to_string(),
            from: None,
            to: None,
        }
    }

    /// Whether the code holds on `date` (always, when no date is asked for).
    pub fn active(&self, date: Option<Date>) -> bool {
        match date {
            None => true,
            Some(d) => self.from.is_none_or(|f| f <= d) && self.to.is_none_or(|t| d <= t),
        }
    }

    /// Whether the two spans share at least one day.
    pub fn overlaps(&self, other: &CodeSpan) -> bool {
        let starts_before_other_ends = match (self.from, other.to) {
            (Some(a), Some(b)) => a <= b,
            _ => true,
        };
        let other_starts_before_end = match (other.from, self.to) {
            (Some(a), Some(b)) => a <= b,
            _ => true,
        };
        starts_before_other_ends && other_starts_before_end
    }
}

/// One dictionary entry: a canonical name, its aliases and its codes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub kind: Kind,
    pub name: String,
    pub aliases: Vec<String>,
    pub codes: Vec<CodeSpan>,
    /// Free-text provenance from the file (`Phoenix.Countries.actors.txt:45` for imports).
    pub src: Option<String>,
    pub note: Option<String>,
    /// What kind of organisation the entry is (`armed group`, `media`, …), where the code's
    /// sector does not say it plainly.
    pub category: Option<String>,
    /// 1-based line of the entry's `name` in the layer file (0 when built in memory).
    pub line: usize,
}

impl Entry {
    /// The canonical name followed by the aliases.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str()).chain(self.aliases.iter().map(String::as_str))
    }
}

/// A parsed dictionary file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Layer {
    /// Short name, from `[layer] name` or else the file stem.
    pub name: String,
    /// Where it was read from, for messages.
    pub path: String,
    pub source: Option<String>,
    pub licence: Option<String>,
    pub description: Option<String>,
    pub entries: Vec<Entry>,
    /// FNV-1a of the text it was parsed from (0 for a layer made in code),
    /// so that an edit to the data shows in the versions stamped on records.
    pub fingerprint: u32,
}

/// FNV-1a (32 bits) of a text: a data file's fingerprint in stage versions,
/// so that an edit to the data shows in the provenance of records.
pub fn fingerprint(text: &str) -> u32 {
    text.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

/// Whether `code` is one or more blocks of three ASCII upper-case letters.
pub fn is_valid_code(code: &str) -> bool {
    !code.is_empty() && code.len().is_multiple_of(3) && code.bytes().all(|b| b.is_ascii_uppercase())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    layer: Option<RawMeta>,
    #[serde(default)]
    actor: Vec<RawEntry>,
    #[serde(default)]
    agent: Vec<RawEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMeta {
    name: Option<String>,
    source: Option<String>,
    licence: Option<String>,
    description: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    name: Spanned<String>,
    #[serde(default)]
    aliases: Vec<String>,
    code: Option<String>,
    from: Option<String>,
    to: Option<String>,
    #[serde(default)]
    codes: Vec<RawCode>,
    src: Option<String>,
    note: Option<String>,
    category: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCode {
    code: String,
    from: Option<String>,
    to: Option<String>,
}

fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Byte offsets of line starts, for turning many spans into line numbers.
struct Lines(Vec<usize>);

impl Lines {
    fn new(text: &str) -> Lines {
        let mut v = vec![0];
        v.extend(newline_ends(text));
        Lines(v)
    }

    fn line(&self, offset: usize) -> usize {
        self.0.partition_point(|&s| s <= offset)
    }
}

fn newline_ends(text: &str) -> impl Iterator<Item = usize> + '_ {
    text.bytes()
        .enumerate()
        .filter(|&(_, b)| b == b'\n')
        .map(|(i, _)| i + 1)
}

fn parse_date(s: &str) -> Result<Date, String> {
    let t = s.trim();
    if t.len() == 10 {
        if let Some(d) = Date::parse_iso(t) {
            return Ok(d);
        }
    }
    Err(format!("bad date {s:?} (expected YYYY-MM-DD)"))
}

fn code_span(code: &str, from: Option<&str>, to: Option<&str>) -> Result<CodeSpan, String> {
    let code = code.trim();
    if !is_valid_code(code) {
        return Err(format!(
            "malformed code {code:?} (expected blocks of three capital letters, like IRQGOV)"
        ));
    }
    let from = from.map(parse_date).transpose()?;
    let to = to.map(parse_date).transpose()?;
    if let (Some(f), Some(t)) = (from, to) {
        if f > t {
            return Err(format!("code {code}: from {f} is after to {t}"));
        }
    }
    Ok(CodeSpan {
        code: code.to_string(),
        from,
        to,
    })
}

fn convert(raw: RawEntry, kind: Kind, lines: &Lines) -> Result<Entry, (usize, String)> {
    let line = lines.line(raw.name.span().start);
    let err = |m: String| (line, m);
    let name = raw.name.into_inner().trim().to_string();
    if crate::normalize(&name).is_empty() {
        return Err(err(format!("{} with an empty name", kind.as_str())));
    }
    let mut codes = Vec::new();
    match (&raw.code, raw.codes.is_empty()) {
        (Some(_), false) => return Err(err(format!("{name:?}: give `code` or `codes`, not both"))),
        (None, true) => return Err(err(format!("{name:?}: no code"))),
        (Some(c), true) => {
            codes.push(code_span(c, raw.from.as_deref(), raw.to.as_deref()).map_err(err)?)
        }
        (None, false) => {
            if raw.from.is_some() || raw.to.is_some() {
                return Err(err(format!(
                    "{name:?}: `from`/`to` go inside each item of `codes`"
                )));
            }
            for c in &raw.codes {
                codes.push(code_span(&c.code, c.from.as_deref(), c.to.as_deref()).map_err(err)?);
            }
        }
    }
    let mut aliases = Vec::with_capacity(raw.aliases.len());
    for a in raw.aliases {
        let a = a.trim().to_string();
        if crate::normalize(&a).is_empty() {
            return Err(err(format!("{name:?}: empty alias")));
        }
        aliases.push(a);
    }
    Ok(Entry {
        kind,
        name,
        aliases,
        codes,
        src: raw.src,
        note: raw.note,
        category: raw.category,
        line,
    })
}

impl Layer {
    /// Parses a layer, failing on the first malformed entry.
    pub fn parse(text: &str, path: &str) -> Result<Layer, DictError> {
        let (layer, mut errors) = Layer::parse_lenient(text, path)?;
        if errors.is_empty() {
            Ok(layer)
        } else {
            Err(errors.swap_remove(0))
        }
    }

    /// Parses a layer, keeping the well-formed entries and returning one error per malformed
    /// entry. Fails outright only when the file is not TOML of the expected shape.
    pub fn parse_lenient(text: &str, path: &str) -> Result<(Layer, Vec<DictError>), DictError> {
        let raw: RawFile = toml::from_str(text).map_err(|e| DictError::Parse {
            path: path.to_string(),
            line: e.span().map_or(1, |s| line_of(text, s.start)),
            message: e.message().trim().to_string(),
        })?;
        let stem = Path::new(path)
            .file_name()
            .and_then(|s| s.to_str())
            .map(|s| s.split('.').next().unwrap_or(s).to_string())
            .unwrap_or_else(|| path.to_string());
        let meta = raw.layer.unwrap_or(RawMeta {
            name: None,
            source: None,
            licence: None,
            description: None,
        });
        let mut layer = Layer {
            name: meta.name.unwrap_or(stem),
            path: path.to_string(),
            source: meta.source,
            licence: meta.licence,
            description: meta.description,
            entries: Vec::with_capacity(raw.actor.len() + raw.agent.len()),
            fingerprint: fingerprint(text),
        };
        let mut errors = Vec::new();
        let lines = Lines::new(text);
        let all = (raw.actor.into_iter().map(|e| (Kind::Actor, e)))
            .chain(raw.agent.into_iter().map(|e| (Kind::Agent, e)));
        for (kind, e) in all {
            match convert(e, kind, &lines) {
                Ok(entry) => layer.entries.push(entry),
                Err((line, message)) => errors.push(DictError::Parse {
                    path: path.to_string(),
                    line,
                    message,
                }),
            }
        }
        layer.entries.sort_by_key(|e| e.line);
        Ok((layer, errors))
    }

    /// Reads the file (gunzipping `*.gz`) as UTF-8 text.
    pub fn read_text(path: &Path) -> Result<String, DictError> {
        let io = |source| DictError::Io {
            path: path.to_path_buf(),
            source,
        };
        let bytes = std::fs::read(path).map_err(io)?;
        decode(&bytes).map_err(io)
    }

    /// Reads and parses a layer file, failing on the first malformed entry.
    pub fn load(path: &Path) -> Result<Layer, DictError> {
        Layer::parse(&Layer::read_text(path)?, &path.display().to_string())
    }

    /// Writes the layer in the format [`Layer::parse`] reads, with `header` as leading
    /// `#` comment lines.
    pub fn to_toml(&self, header: &str) -> String {
        let q = |s: &str| toml::Value::String(s.to_string()).to_string();
        let mut out = String::new();
        for l in header.lines() {
            let _ = writeln!(out, "# {l}");
        }
        out.push_str("\n[layer]\n");
        let _ = writeln!(out, "name = {}", q(&self.name));
        for (k, v) in [
            ("source", &self.source),
            ("licence", &self.licence),
            ("description", &self.description),
        ] {
            if let Some(v) = v {
                let _ = writeln!(out, "{k} = {}", q(v));
            }
        }
        for e in &self.entries {
            let _ = writeln!(out, "\n[[{}]]", e.kind.as_str());
            let _ = writeln!(out, "name = {}", q(&e.name));
            if !e.aliases.is_empty() {
                let list: Vec<String> = e.aliases.iter().map(|a| q(a)).collect();
                let _ = writeln!(out, "aliases = [{}]", list.join(", "));
            }
            let dates = |c: &CodeSpan, sep: &str| {
                let mut s = String::new();
                if let Some(f) = c.from {
                    let _ = write!(s, "{sep}from = \"{f}\"");
                }
                if let Some(t) = c.to {
                    let _ = write!(s, "{sep}to = \"{t}\"");
                }
                s
            };
            if let [c] = e.codes.as_slice() {
                let _ = writeln!(out, "code = {}{}", q(&c.code), dates(c, "\n"));
            } else {
                out.push_str("codes = [\n");
                for c in &e.codes {
                    let _ = writeln!(out, "  {{ code = {}{} }},", q(&c.code), dates(c, ", "));
                }
                out.push_str("]\n");
            }
            if let Some(s) = &e.src {
                let _ = writeln!(out, "src = {}", q(s));
            }
            if let Some(c) = &e.category {
                let _ = writeln!(out, "category = {}", q(c));
            }
            if let Some(n) = &e.note {
                let _ = writeln!(out, "note = {}", q(n));
            }
        }
        out
    }
}

/// Gunzips when the bytes start with the gzip magic, then checks UTF-8.
pub(crate) fn decode(bytes: &[u8]) -> std::io::Result<String> {
    let bytes = if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::with_capacity(bytes.len() * 4);
        flate2::read::GzDecoder::new(bytes).read_to_end(&mut out)?;
        out
    } else {
        bytes.to_vec()
    };
    String::from_utf8(bytes)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e.utf8_error()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[layer]
name = "fixture"

[[actor]]
name = "Freedonia"
aliases = ["Freedonian", "Fredville"]
code = "FRD"

[[actor]]
name = "Rufus T. Firefly"
codes = [
  { code = "FRDGOV", from = "1933-01-01", to = "1933-12-31" },
  { code = "FRDELI", from = "1934-01-01" },
]
src = "hand"

[[agent]]
name = "minister"
code = "GOV"
"#;

    #[test]
    fn parses_entries_codes_and_dates() {
        let l = Layer::parse(GOOD, "f.toml").unwrap();
        assert_eq!(l.name, "fixture");
        assert_eq!(l.entries.len(), 3);
        let f = &l.entries[1];
        assert_eq!(f.name, "Rufus T. Firefly");
        assert_eq!(f.line, 11);
        assert_eq!(f.codes[0].from, Date::new(1933, 1, 1));
        assert_eq!(f.codes[1].to, None);
        assert_eq!(l.entries[2].kind, Kind::Agent);
        assert!(f.codes[0].active(Date::new(1933, 6, 1)));
        assert!(!f.codes[0].active(Date::new(1934, 6, 1)));
        assert!(f.codes[1].active(None));
    }

    #[test]
    fn round_trips_through_to_toml() {
        let l = Layer::parse(GOOD, "f.toml").unwrap();
        let again = Layer::parse(&l.to_toml("a header\nsecond line"), "g.toml").unwrap();
        assert_eq!(again.entries.len(), l.entries.len());
        for (a, b) in again.entries.iter().zip(&l.entries) {
            assert_eq!(
                (&a.name, &a.aliases, &a.codes, &a.src),
                (&b.name, &b.aliases, &b.codes, &b.src)
            );
        }
    }

    fn err(text: &str) -> String {
        Layer::parse(text, "bad.toml").unwrap_err().to_string()
    }

    #[test]
    fn malformed_input_is_a_typed_error_with_file_and_line() {
        assert_eq!(
            err("[[actor]]\nname = \"X\"\ncode = \"irqgov\"\n"),
            "bad.toml:2: malformed code \"irqgov\" (expected blocks of three capital letters, like IRQGOV)"
        );
        assert!(err("[[actor]]\nname = \"X\"\ncode = \"IRQGO\"\n").starts_with("bad.toml:2:"));
        assert!(err("\n\n[[actor]]\nname = \"X\"\n").starts_with("bad.toml:4: \"X\": no code"));
        assert!(
            err("[[actor]]\nname = \"X\"\ncode = \"IRQ\"\nfrom = \"2020-13-01\"\n")
                .contains("bad date")
        );
        assert!(err(
            "[[actor]]\nname = \"X\"\ncode = \"IRQ\"\nfrom = \"2021-01-01\"\nto = \"2020-01-01\"\n"
        )
        .contains("is after"));
        assert!(err("[[actor]]\nname = \" . \"\ncode = \"IRQ\"\n").contains("empty name"));
        // TOML syntax and shape errors carry a line too.
        assert!(err("[[actor]]\nname = \"X\ncode = \"IRQ\"\n").starts_with("bad.toml:2:"));
        assert!(
            err("[[actor]]\nname = \"X\"\ncode = \"IRQ\"\ncolour = 1\n").starts_with("bad.toml:4:")
        );
        assert!(err("[[actor]]\ncode = \"IRQ\"\n").starts_with("bad.toml:1:"));
    }

    #[test]
    fn lenient_parsing_keeps_good_entries() {
        let text =
            "[[actor]]\nname = \"A\"\ncode = \"AAA\"\n[[actor]]\nname = \"B\"\ncode = \"B\"\n";
        let (l, errs) = Layer::parse_lenient(text, "x.toml").unwrap();
        assert_eq!(l.entries.len(), 1);
        assert_eq!(errs.len(), 1);
    }

    #[test]
    fn codes_and_overlaps() {
        assert!(is_valid_code("IGOUNOKID"));
        assert!(!is_valid_code("---"));
        assert!(!is_valid_code(""));
        let a = CodeSpan {
            code: "A".into(),
            from: Date::new(2000, 1, 1),
            to: Date::new(2001, 1, 1),
        };
        let b = CodeSpan {
            code: "B".into(),
            from: Date::new(2001, 1, 2),
            to: None,
        };
        assert!(!a.overlaps(&b));
        assert!(a.overlaps(&CodeSpan::undated("C")));
    }
}
