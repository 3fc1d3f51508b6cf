//! Helpers shared by the format readers: loose dates, datelines, entities.

use newsgraph_core::{Date, TextBuilder};

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

fn month_of(word: &str) -> Option<u8> {
    if word.len() < 3 || word.len() > 9 || !word.is_ascii() {
        return None;
    }
    let lower = word.to_ascii_lowercase();
    let full = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    for (i, m) in MONTHS.iter().enumerate() {
        if lower.starts_with(m) && (full[i].starts_with(&lower) || lower == "sept") {
            return Some(i as u8 + 1);
        }
    }
    None
}

/// Parses ISO dates (`2021-12-10…`), RFC 2822-ish (`Fri, 10 Dec 2021 …`),
/// `December 10, 2021`, `26-FEB-1987 15:01:01.79` and `2021/12/10`.
pub fn parse_date(s: &str) -> Option<Date> {
    let s = s.trim();
    if let Some(d) = Date::parse_iso(s) {
        return Some(d);
    }
    let mut words = s
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(8);
    let (mut year, mut month, mut day) = (None, None, None);
    let mut numbers = Vec::new();
    for w in words.by_ref() {
        if w.bytes().all(|b| b.is_ascii_digit()) {
            if w.len() == 4 && year.is_none() {
                year = w.parse::<i32>().ok();
                numbers.push((w.len(), 0));
            } else if w.len() <= 2 {
                let n: u32 = w.parse().ok()?;
                numbers.push((w.len(), n));
                if month.is_some() && day.is_none() {
                    day = Some(n);
                }
            } else {
                // A time or another number: stop once a date is complete.
                if year.is_some() && month.is_some() {
                    break;
                }
            }
        } else if let Some(m) = month_of(w) {
            if month.is_none() {
                month = Some(m);
                // "10 Dec 2021": the day came before the month.
                if let Some(&(_, n)) = numbers.iter().rev().find(|(l, _)| *l <= 2) {
                    day = Some(n);
                }
            }
        }
        if year.is_some() && month.is_some() && day.is_some() {
            break;
        }
    }
    if month.is_none() {
        // Numeric Y/M/D.
        let nums: Vec<&str> = s
            .split(|c: char| !c.is_ascii_digit())
            .filter(|w| !w.is_empty())
            .take(3)
            .collect();
        if nums.len() == 3 && nums[0].len() == 4 {
            return Date::new(
                nums[0].parse().ok()?,
                nums[1].parse().ok()?,
                nums[2].parse().ok()?,
            );
        }
        return None;
    }
    Date::new(year?, month?, u8::try_from(day?).ok()?)
}

/// A dateline found at the start of a paragraph.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dateline {
    /// Byte range of the whole dateline (through the dash), relative to the
    /// string given to [`detect_dateline`].
    pub start: usize,
    pub end: usize,
    /// Byte range of the place name.
    pub place_start: usize,
    pub place_end: usize,
}

fn is_dash_at(s: &str) -> Option<usize> {
    for d in ["--", "-", "\u{2014}", "\u{2013}"] {
        if s.starts_with(d) {
            return Some(d.len());
        }
    }
    None
}

/// Detects a leading dateline: `BAGHDAD, Dec 9 (Reuters) -`,
/// `WASHINGTON (AP) —`, `LONDON, March 3 -`, `PARIS -`.
pub fn detect_dateline(s: &str) -> Option<Dateline> {
    let start = s.len() - s.trim_start_matches([' ', '\t']).len();
    let b = s.as_bytes();
    let mut i = start;
    // Place: letters, spaces, dots, hyphens, apostrophes.
    while i < b.len() && i - start < 48 {
        let c = b[i];
        let hyphen = c == b'-' && b.get(i + 1).is_some_and(u8::is_ascii_alphabetic);
        if c.is_ascii_alphabetic() || matches!(c, b' ' | b'.' | b'\'') || hyphen {
            i += 1;
        } else {
            break;
        }
    }
    let place = s.get(start..i)?.trim_end();
    let place_end = start + place.len();
    if place.len() < 2 || !place.as_bytes()[0].is_ascii_uppercase() {
        return None;
    }
    let mut letters = place.bytes().filter(u8::is_ascii_alphabetic);
    let all_caps = letters.clone().nth(1).is_some() && letters.all(|c| c.is_ascii_uppercase());
    let words = place.split_whitespace().count();
    if words > 5 {
        return None;
    }
    let mut j = place_end;
    let mut qualified = false;
    let rest = s.get(j..)?;
    if rest.starts_with(',') {
        // ", Dec 9" / ", March 3" / ", Calif."
        let limit = (j + 32).min(s.len());
        let mut k = j + 1;
        while k < limit && !matches!(b[k], b'(' | b'\n') && is_dash_at(s.get(k..)?).is_none() {
            k += 1;
        }
        if !s.is_char_boundary(k) {
            return None;
        }
        let chunk = &s[j + 1..k];
        if chunk.trim().is_empty() || chunk.len() > 30 {
            return None;
        }
        qualified = chunk
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|w| month_of(w).is_some())
            || chunk.trim().len() <= 12;
        j = k;
    }
    let rest = s.get(j..)?;
    let ws = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    if rest[ws..].starts_with('(') {
        let close = rest[ws..].find(')')?;
        if close > 24 {
            return None;
        }
        j += ws + close + 1;
        qualified = true;
    }
    if !all_caps && !qualified {
        return None;
    }
    let rest = s.get(j..)?;
    let ws = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    if ws == 0 && !rest.starts_with(['\u{2014}', '\u{2013}']) && !s[..j].ends_with([' ', '\t']) {
        return None;
    }
    let dash = is_dash_at(&rest[ws..])?;
    let mut end = j + ws + dash;
    let after = &s[end..];
    end += after.len() - after.trim_start_matches([' ', '\t']).len();
    if end == s.len() || s[end..].starts_with('\n') {
        return None;
    }
    Some(Dateline {
        start,
        end,
        place_start: start,
        place_end,
    })
}

/// Decodes a character reference / entity at the start of `s` (which starts
/// with `&`). Returns (replacement, bytes consumed). Control-character
/// references decode to "" (dropped). `html` enables the named-entity table.
pub fn decode_entity(s: &str, html: bool) -> Option<(String, usize)> {
    entity(s, html).map(|(rep, n)| (rep.as_str().to_string(), n))
}

/// The replacement text of an entity, held inline (at most two chars).
#[derive(Clone, Copy)]
struct Rep {
    buf: [u8; 8],
    len: u8,
}

impl Rep {
    const EMPTY: Rep = Rep {
        buf: [0; 8],
        len: 0,
    };

    fn push(&mut self, c: char) {
        let n = c.encode_utf8(&mut self.buf[usize::from(self.len)..]).len();
        self.len += n as u8;
    }

    fn of(s: &str) -> Rep {
        let mut r = Rep::EMPTY;
        for c in s.chars() {
            r.push(c);
        }
        r
    }

    fn as_str(&self) -> &str {
        // Only whole chars are ever pushed.
        std::str::from_utf8(&self.buf[..usize::from(self.len)]).unwrap_or("")
    }
}

/// [`decode_entity`] without allocating: SGML and HTML are full of `&lt;`
/// and `&#3;`, decoded once each.
fn entity(s: &str, html: bool) -> Option<(Rep, usize)> {
    let b = s.as_bytes();
    if b.first() != Some(&b'&') {
        return None;
    }
    if b.get(1) == Some(&b'#') {
        let (hex, digits_start) = match b.get(2) {
            Some(b'x' | b'X') => (true, 3),
            _ => (false, 2),
        };
        let mut k = digits_start;
        while k < b.len()
            && k < digits_start + 8
            && (if hex {
                b[k].is_ascii_hexdigit()
            } else {
                b[k].is_ascii_digit()
            })
        {
            k += 1;
        }
        if k == digits_start {
            return None;
        }
        let n = u32::from_str_radix(&s[digits_start..k], if hex { 16 } else { 10 }).ok()?;
        let consumed = if b.get(k) == Some(&b';') { k + 1 } else { k };
        let ch = match n {
            0x80..=0x9F if html => {
                let one = [n as u8];
                let (d, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&one);
                return Some((Rep::of(&d), consumed));
            }
            9 | 10 | 13 => char::from_u32(n)?,
            0..=31 | 127 => return Some((Rep::EMPTY, consumed)),
            _ => char::from_u32(n).unwrap_or('\u{FFFD}'),
        };
        let mut r = Rep::EMPTY;
        r.push(ch);
        return Some((r, consumed));
    }
    let mut k = 1;
    while k < b.len() && k < 40 && b[k].is_ascii_alphanumeric() {
        k += 1;
    }
    if k == 1 {
        return None;
    }
    let name = &s[1..k];
    let semi = b.get(k) == Some(&b';');
    let basic = match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some('\u{a0}'),
        _ => None,
    };
    if let Some(c) = basic {
        let mut r = Rep::EMPTY;
        r.push(c);
        return Some((r, if semi { k + 1 } else { k }));
    }
    if !html {
        return None;
    }
    let key = &s[1..if semi { k + 1 } else { k }];
    let (a, c) = *markup5ever::data::NAMED_ENTITIES.get(key)?;
    let mut out = Rep::EMPTY;
    out.push(char::from_u32(a)?);
    if c != 0 {
        out.push(char::from_u32(c)?);
    }
    Some((out, key.len() + 1))
}

/// Pushes `s` (which lies at source offset `at`) decoding SGML/HTML
/// entities; each entity maps to its whole source reference.
pub fn push_decoded(tb: &mut TextBuilder, s: &str, at: u64, html: bool) {
    let mut i = 0;
    while i < s.len() {
        let Some(off) = memchr::memchr(b'&', &s.as_bytes()[i..]) else {
            tb.push_verbatim(&s[i..], at + i as u64);
            return;
        };
        let amp = i + off;
        tb.push_verbatim(&s[i..amp], at + i as u64);
        match entity(&s[amp..], html) {
            Some((rep, len)) => {
                tb.push_replaced(rep.as_str(), at + amp as u64, len as u64);
                i = amp + len;
            }
            None => {
                tb.push_verbatim("&", at + amp as u64);
                i = amp + 1;
            }
        }
    }
}

/// Place name of a dateline as written, trimmed of trailing punctuation.
pub fn clean_place(p: &str) -> String {
    p.trim().trim_end_matches([',', '.', ' ']).to_string()
}
