//! Importer for PETRARCH/TABARI-format actor (`*.actors.txt`) and agent (`*.agents.txt`)
//! dictionaries, as shipped with PETRARCH-2 and the Phoenix pipeline.
//!
//! Actor files: a primary name at the start of a line (`AFGHANISTAN_  [AFG]`), `+ALIAS` lines,
//! and indented code lines (`\t[AFGGOV 050101-060531]`); several `[CODE date]` groups may sit on
//! one line; `#` starts a comment. Dates are `YYMMDD` (years up to 30 read as 20xx, as PETRARCH
//! does) or `YYYYMMDD`; `A-B` is a range, `>A` from A on, `<B` up to B. A primary name with no
//! code directly followed by another primary name (no blank line between) is an alias of the
//! next entry that has codes; one left without codes is dropped and counted. `[---]` (no code)
//! is skipped silently; malformed codes and dates are skipped with a warning.
//!
//! Agent files: `!MACRO! = A, B` definitions, then `NAME {PLURAL} [~CODE]` lines; `!MACRO!` in a
//! name expands to each alternative, `{PLURAL}` adds that form, `{}` none, and without braces
//! a regular English plural is added (as PETRARCH does).
//!
//! Underscores become spaces; actor names are title-cased for reading, agents lower-cased.

use crate::layer::{is_valid_code, CodeSpan, Entry, Kind, Layer};
use crate::DictError;
use newsgraph_core::Date;
use std::collections::HashMap;
use std::path::Path;

/// What an import did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportStats {
    pub files: Vec<String>,
    pub actors: usize,
    pub agents: usize,
    pub aliases: usize,
    pub codes: usize,
    pub dated_codes: usize,
    /// Entries dropped because no valid code was left.
    pub dropped: usize,
    /// `file:line: message` for every skipped code or entry.
    pub warnings: Vec<String>,
}

/// Imports every `*.actors.txt` and `*.agents.txt` file in `dir` (sorted by name) into one layer.
/// The name of the layer the importer makes.
pub const LAYER: &str = "petrarch";

pub fn import_dir(dir: &Path) -> Result<(Layer, ImportStats), DictError> {
    let rd = std::fs::read_dir(dir).map_err(|source| DictError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut files: Vec<_> = rd
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.ends_with(".actors.txt") || n.ends_with(".agents.txt"))
        })
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(DictError::Import {
            path: dir.to_path_buf(),
            message: "no *.actors.txt or *.agents.txt files".into(),
        });
    }
    let mut layer = Layer {
        name: LAYER.into(),
        path: dir.display().to_string(),
        ..Layer::default()
    };
    let mut stats = ImportStats::default();
    for path in &files {
        let bytes = std::fs::read(path).map_err(|source| DictError::Io {
            path: path.clone(),
            source,
        })?;
        // The files are mostly ASCII with a few Latin-1/mojibake bytes; never fail on them.
        let text = String::from_utf8_lossy(&bytes);
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("?");
        stats.files.push(name.to_string());
        if name.ends_with(".agents.txt") {
            import_agents(&text, name, &mut layer, &mut stats);
        } else {
            import_actors(&text, name, &mut layer, &mut stats);
        }
    }
    Ok((layer, stats))
}

fn clean_name(raw: &str) -> String {
    raw.replace('_', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Title-cases an upper-case dictionary name for reading; lookups ignore case anyway.
fn title_case(name: &str) -> String {
    const SMALL: &[&str] = &[
        "of", "the", "and", "for", "in", "on", "at", "to", "de", "du", "des",
    ];
    // Short particles of transliterated names, capitalised rather than kept as acronyms.
    const ARABIC: &[&str] = &["al", "el", "ad", "as", "az", "ar", "bin", "bu"];
    let mut out = Vec::new();
    for (i, w) in name.split(' ').enumerate() {
        let lower = w.to_lowercase();
        let letters = w.chars().filter(|c| c.is_alphabetic()).count();
        let vowels = lower.chars().filter(|c| "aeiouy".contains(*c)).count();
        let word = if w.chars().any(|c| c.is_lowercase()) {
            w.to_string()
        } else if i > 0 && SMALL.contains(&lower.as_str()) {
            lower
        } else if w.contains('.')
            || (letters <= 2 && !ARABIC.contains(&lower.as_str()))
            || vowels == 0
        {
            w.to_string()
        } else {
            lower
                .split('-')
                .map(|p| {
                    let mut cs = p.chars();
                    cs.next()
                        .map(|f| f.to_uppercase().chain(cs).collect::<String>())
                        .unwrap_or_default()
                })
                .collect::<Vec<_>>()
                .join("-")
        };
        out.push(word);
    }
    out.join(" ")
}

fn parse_date(s: &str) -> Option<Date> {
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = |r: std::ops::Range<usize>| s[r].parse::<u32>().ok();
    match s.len() {
        6 => {
            let yy = n(0..2)? as i32;
            let year = if yy <= 30 { 2000 + yy } else { 1900 + yy };
            Date::new(year, n(2..4)? as u8, n(4..6)? as u8)
        }
        8 => Date::new(n(0..4)? as i32, n(4..6)? as u8, n(6..8)? as u8),
        _ => None,
    }
}

/// Parses the inside of one `[...]` group. `Ok(None)` is the null code `---`.
fn parse_code(inner: &str, agent: bool) -> Result<Option<CodeSpan>, String> {
    let mut parts = inner.split_whitespace();
    let Some(code) = parts.next() else {
        return Err("empty code".into());
    };
    let code = if agent {
        code.trim_start_matches('~')
    } else {
        code
    };
    if code == "---" {
        return Ok(None);
    }
    if !is_valid_code(code) {
        return Err(format!("malformed code {code:?}"));
    }
    let spec: String = parts.collect();
    let bad = || format!("code {code}: malformed date {spec:?}");
    let (from, to) = if spec.is_empty() {
        (None, None)
    } else if let Some(d) = spec.strip_prefix('>') {
        (Some(parse_date(d).ok_or_else(bad)?), None)
    } else if let Some(d) = spec.strip_prefix('<') {
        (None, Some(parse_date(d).ok_or_else(bad)?))
    } else if let Some((a, b)) = spec.split_once('-') {
        let (a, b) = (
            parse_date(a).ok_or_else(bad)?,
            parse_date(b).ok_or_else(bad)?,
        );
        if a > b {
            return Err(format!("code {code}: range {spec} ends before it starts"));
        }
        (Some(a), Some(b))
    } else {
        return Err(bad());
    };
    Ok(Some(CodeSpan {
        code: code.to_string(),
        from,
        to,
    }))
}

/// Splits a line (comment already removed) into its name part and its `[...]` groups.
fn split_codes(line: &str) -> (&str, Vec<&str>) {
    let (name, rest) = match line.find('[') {
        Some(i) => (&line[..i], &line[i..]),
        None => (line, ""),
    };
    let mut groups = Vec::new();
    let mut rest = rest;
    while let Some(start) = rest.find('[') {
        let after = &rest[start + 1..];
        match after.find(']') {
            Some(end) => {
                groups.push(&after[..end]);
                rest = &after[end + 1..];
            }
            None => {
                groups.push(after);
                break;
            }
        }
    }
    (name, groups)
}

struct Pending {
    entry: Entry,
    /// Line of the primary name in the source file.
    line: usize,
}

fn add_codes(
    groups: &[&str],
    agent: bool,
    codes: &mut Vec<CodeSpan>,
    at: &str,
    stats: &mut ImportStats,
) {
    for g in groups {
        match parse_code(g, agent) {
            Ok(Some(c)) => {
                if !codes.contains(&c) {
                    codes.push(c);
                }
            }
            Ok(None) => {}
            Err(m) => stats.warnings.push(format!("{at}: {m}, skipped")),
        }
    }
}

fn push_alias(entry: &mut Entry, alias: String) {
    let key = crate::normalize(&alias);
    if key.is_empty() || entry.names().any(|n| crate::normalize(n) == key) {
        return;
    }
    entry.aliases.push(alias);
}

fn import_actors(text: &str, file: &str, layer: &mut Layer, stats: &mut ImportStats) {
    let file_start = layer.entries.len();
    let mut current: Option<Pending> = None;
    // Names of codeless primaries waiting for the next entry with codes.
    let mut carried: Vec<(String, Vec<String>)> = Vec::new();
    let finish = |p: Option<Pending>,
                  layer: &mut Layer,
                  stats: &mut ImportStats,
                  carried: &mut Vec<(String, Vec<String>)>,
                  blank: bool| {
        let Some(p) = p else { return };
        if p.entry.codes.is_empty() {
            if blank {
                stats.dropped += 1;
                stats.warnings.push(format!(
                    "{file}:{}: {:?} has no code, dropped",
                    p.line, p.entry.name
                ));
            } else {
                carried.push((p.entry.name, p.entry.aliases));
            }
            return;
        }
        stats.actors += 1;
        stats.aliases += p.entry.aliases.len();
        stats.codes += p.entry.codes.len();
        stats.dated_codes += p
            .entry
            .codes
            .iter()
            .filter(|c| c.from.is_some() || c.to.is_some())
            .count();
        layer.entries.push(p.entry);
    };
    for (i, raw) in text.lines().enumerate() {
        let ln = i + 1;
        let at = format!("{file}:{ln}");
        let line = raw.split('#').next().unwrap_or("").trim_end();
        if line.trim().is_empty() {
            if raw.trim().is_empty() {
                finish(current.take(), layer, stats, &mut carried, true);
                for (name, _) in carried.drain(..) {
                    stats.dropped += 1;
                    stats
                        .warnings
                        .push(format!("{at}: {name:?} has no code, dropped"));
                }
            }
            continue;
        }
        let (name_part, groups) = split_codes(line);
        let first = line.chars().next().unwrap_or(' ');
        if first == '+' {
            // After a blank line, an alias continues the entry just finished in this file.
            let entry = match current.as_mut() {
                Some(p) => &mut p.entry,
                None if layer.entries.len() > file_start => {
                    let e = layer.entries.last_mut().expect("non-empty");
                    let before = e.aliases.len();
                    for a in name_part
                        .split('+')
                        .map(clean_name)
                        .filter(|a| !a.is_empty())
                    {
                        push_alias(e, title_case(&a));
                    }
                    stats.aliases += e.aliases.len() - before;
                    if !groups.is_empty() {
                        stats
                            .warnings
                            .push(format!("{at}: code on a detached alias, ignored"));
                    }
                    continue;
                }
                None => {
                    stats
                        .warnings
                        .push(format!("{at}: alias outside an entry, skipped"));
                    continue;
                }
            };
            for a in name_part.split('+') {
                let a = clean_name(a);
                if !a.is_empty() {
                    push_alias(entry, title_case(&a));
                }
            }
            add_codes(&groups, false, &mut entry.codes, &at, stats);
        } else if first.is_whitespace() || first == '[' {
            let Some(p) = current.as_mut() else {
                stats
                    .warnings
                    .push(format!("{at}: code outside an entry, skipped"));
                continue;
            };
            if !name_part.trim().is_empty() {
                stats
                    .warnings
                    .push(format!("{at}: text before a code, ignored"));
            }
            add_codes(&groups, false, &mut p.entry.codes, &at, stats);
        } else {
            finish(current.take(), layer, stats, &mut carried, false);
            let name = clean_name(name_part);
            if name.is_empty() || first == '<' || first == '!' {
                stats
                    .warnings
                    .push(format!("{at}: unreadable line, skipped"));
                continue;
            }
            let mut entry = Entry {
                kind: Kind::Actor,
                name: title_case(&name),
                aliases: Vec::new(),
                codes: Vec::new(),
                src: Some(at.clone()),
                note: None,
                category: None,
                line: 0,
            };
            add_codes(&groups, false, &mut entry.codes, &at, stats);
            for (n, aliases) in carried.drain(..) {
                push_alias(&mut entry, n);
                for a in aliases {
                    push_alias(&mut entry, a);
                }
            }
            current = Some(Pending { entry, line: ln });
        }
    }
    finish(current.take(), layer, stats, &mut carried, true);
    for (name, _) in carried {
        stats.dropped += 1;
        stats.warnings.push(format!(
            "{file}: {name:?} has no code at end of file, dropped"
        ));
    }
}

fn plural(word: &str) -> String {
    let up = word.to_uppercase();
    if up.ends_with('Y') && !up.ends_with("AY") && !up.ends_with("EY") && !up.ends_with("OY") {
        format!("{}IES", &word[..word.len() - 1])
    } else if ["S", "X", "Z", "CH", "SH"].iter().any(|s| up.ends_with(s)) {
        format!("{word}ES")
    } else {
        format!("{word}S")
    }
}

/// Expands `!MACRO!` references, one output per combination (at most 64).
fn expand(name: &str, macros: &HashMap<String, Vec<String>>) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut rest = name;
    while let Some(start) = rest.find('!') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('!') else { break };
        let key = &after[..end];
        let Some(alts) = macros.get(key) else {
            // Not a macro: keep the text and go on after the first '!'.
            out.iter_mut().for_each(|o| o.push_str(&rest[..start + 1]));
            rest = after;
            continue;
        };
        let prefix = &rest[..start];
        let mut next = Vec::new();
        for o in &out {
            for a in alts {
                if next.len() < 64 {
                    next.push(format!("{o}{prefix}{a}"));
                }
            }
        }
        out = next;
        rest = &after[end + 1..];
    }
    out.iter_mut().for_each(|o| o.push_str(rest));
    out
}

fn import_agents(text: &str, file: &str, layer: &mut Layer, stats: &mut ImportStats) {
    let mut macros: HashMap<String, Vec<String>> = HashMap::new();
    for (i, raw) in text.lines().enumerate() {
        let at = format!("{file}:{}", i + 1);
        let line = raw.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        if line.starts_with('!') && line.contains('=') && !line.contains('[') {
            let (k, v) = line.split_once('=').unwrap_or((line, ""));
            let key = k.trim().trim_matches('!').to_string();
            let alts = v
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty());
            macros.insert(key, alts.collect());
            continue;
        }
        let (name_part, groups) = split_codes(line);
        let (name_part, plural_part) = match (name_part.find('{'), name_part.find('}')) {
            (Some(a), Some(b)) if a < b => (
                format!("{}{}", &name_part[..a], &name_part[b + 1..]),
                Some(name_part[a + 1..b].to_string()),
            ),
            _ => (name_part.to_string(), None),
        };
        let mut codes = Vec::new();
        add_codes(&groups, true, &mut codes, &at, stats);
        let forms = expand(&clean_name(&name_part), &macros);
        let Some(first) = forms.first().filter(|f| !f.trim().is_empty()) else {
            stats
                .warnings
                .push(format!("{at}: agent without a name, skipped"));
            continue;
        };
        if codes.is_empty() {
            stats.dropped += 1;
            stats
                .warnings
                .push(format!("{at}: agent {first:?} has no code, dropped"));
            continue;
        }
        let mut entry = Entry {
            kind: Kind::Agent,
            name: clean_name(first).to_lowercase(),
            aliases: Vec::new(),
            codes,
            src: Some(at.clone()),
            note: None,
            category: None,
            line: 0,
        };
        let mut names: Vec<String> = forms.clone();
        match &plural_part {
            Some(p) if !p.trim().is_empty() => names.extend(expand(&clean_name(p), &macros)),
            Some(_) => {}
            None => {
                for f in &forms {
                    let f = clean_name(f);
                    if !f.contains(" OF ") && !f.contains(" FOR ") {
                        let (head, last) = f.rsplit_once(' ').unwrap_or(("", &f));
                        let p = plural(last);
                        names.push(if head.is_empty() {
                            p
                        } else {
                            format!("{head} {p}")
                        });
                    }
                }
            }
        }
        for n in names {
            push_alias(&mut entry, clean_name(&n).to_lowercase());
        }
        stats.agents += 1;
        stats.aliases += entry.aliases.len();
        stats.codes += entry.codes.len();
        layer.entries.push(entry);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACTORS: &str = "# a comment\n\
FREEDONIA_  [FRD]\n\
+FREEDONIAN_\n\
+FREDVILLE # the capital\n\
\n\
+FREEDONIA_CITY\n\
\n\
RUFUS_T._FIREFLY_  # CountryInfo.txt\n\
+FIREFLY_+R._FIREFLY\n\
\t[FRDGOV 330101-331231]\n\
\t[FRDELI >20340101]\n\
\t[FRDXX 330101-331231]\n\
\t[FRDOPP 3301011-331231]\n\
\n\
U.N._ \n\
\n\
GROUCHO_\n\
JULIUS_MARX_\n\
\t[FRDMED]\n\
TRENTINO_ [SYL] [---] [SYLGOV <311231]\n";

    #[test]
    fn imports_actor_files() {
        let mut layer = Layer::default();
        let mut stats = ImportStats::default();
        import_actors(ACTORS, "F.actors.txt", &mut layer, &mut stats);
        assert_eq!(stats.actors, 4, "{:#?}", layer.entries);
        let e = &layer.entries;
        assert_eq!(e[0].name, "Freedonia");
        assert_eq!(
            e[0].aliases,
            vec!["Freedonian", "Fredville", "Freedonia City"]
        );
        assert_eq!(e[0].codes, vec![CodeSpan::undated("FRD")]);
        assert_eq!(e[0].src.as_deref(), Some("F.actors.txt:2"));
        assert_eq!(stats.aliases, 3 + 2 + 1);
        assert_eq!(e[1].name, "Rufus T. Firefly");
        assert_eq!(e[1].aliases, vec!["Firefly", "R. Firefly"]);
        assert_eq!(e[1].codes.len(), 2);
        assert_eq!(e[1].codes[0].from, Date::new(1933, 1, 1));
        assert_eq!(e[1].codes[1].from, Date::new(2034, 1, 1));
        // Groucho has no code but is directly followed by Julius Marx: an alias of it.
        assert_eq!(e[2].name, "Julius Marx");
        assert_eq!(e[2].aliases, vec!["Groucho"]);
        assert_eq!(e[3].codes.len(), 2);
        assert_eq!(e[3].codes[1].to, Date::new(1931, 12, 31));
        // U.N. had no code: dropped; two malformed codes skipped with warnings.
        assert_eq!(stats.dropped, 1);
        assert_eq!(stats.warnings.len(), 3, "{:#?}", stats.warnings);
        assert!(stats.warnings[0].starts_with("F.actors.txt:12: malformed code \"FRDXX\""));
    }

    #[test]
    fn imports_agent_files_with_macros_and_plurals() {
        let text = "!PERSON! = MAN, MEN\n\
!MINIST! = MINISTER, MINISTERS\n\
FISHER!PERSON! [~AGR]\n\
!MINIST! OF_DEFENCE [~GOVMIL]\n\
GENDARMERY {GENDARMERIE} [~COP]\n\
ARMED_POLICE {} [~COP]\n\
SECRETARY [~GOV]\n\
BROKEN [~G]\n";
        let mut layer = Layer::default();
        let mut stats = ImportStats::default();
        import_agents(text, "A.agents.txt", &mut layer, &mut stats);
        let e = &layer.entries;
        assert_eq!(e.len(), 5);
        assert_eq!(e[0].name, "fisherman");
        assert_eq!(e[0].aliases, vec!["fishermen", "fishermans", "fishermens"]);
        assert_eq!(e[1].name, "minister of defence");
        assert_eq!(e[1].aliases, vec!["ministers of defence"]);
        assert_eq!(e[1].codes, vec![CodeSpan::undated("GOVMIL")]);
        assert_eq!(e[2].aliases, vec!["gendarmerie"]);
        assert_eq!(e[3].name, "armed police");
        assert!(e[3].aliases.is_empty());
        assert_eq!(e[4].aliases, vec!["secretaries"]);
        assert_eq!(stats.dropped, 1); // BROKEN has a malformed code and nothing else
    }

    #[test]
    fn title_casing_and_dates() {
        assert_eq!(
            title_case("ISLAMIC REPUBLIC OF AFGHANISTAN"),
            "Islamic Republic of Afghanistan"
        );
        assert_eq!(
            title_case("U.N. SECRETARY GENERAL"),
            "U.N. Secretary General"
        );
        assert_eq!(title_case("PKK"), "PKK");
        assert_eq!(title_case("JABHAT AL NUSRA UN"), "Jabhat Al Nusra UN");
        assert_eq!(title_case("BAN KI-MOON"), "Ban Ki-Moon");
        assert_eq!(parse_date("991231"), Date::new(1999, 12, 31));
        assert_eq!(parse_date("300101"), Date::new(2030, 1, 1));
        assert_eq!(parse_date("2004017"), None);
        assert_eq!(parse_date("20040230"), None);
    }

    #[test]
    fn never_panics_on_odd_lines() {
        let mut layer = Layer::default();
        let mut stats = ImportStats::default();
        let junk = "+ORPHAN\n\t[ABC]\n[\nX [\nY [ABC 12-\n!A! = \n!A!B [~\n\u{fffd} [ABC]\n";
        import_actors(junk, "j", &mut layer, &mut stats);
        import_agents(junk, "j", &mut layer, &mut stats);
    }
}
