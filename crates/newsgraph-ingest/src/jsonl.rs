//! JSON Lines: one article object per line.

use crate::decode::Decoded;
use crate::text::{find_dateline, trim_span};
use crate::util::parse_date;
use crate::{Ctx, IngestError, STAGE};
use newsgraph_core::{Diagnostic, Document, Layout, Metadata, Span, TextBuilder};
use serde_json::Value;

/// Candidate field names for each part of a JSONL record (first present,
/// non-empty one wins).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonlFields {
    pub text: Vec<String>,
    pub title: Vec<String>,
    pub date: Vec<String>,
    pub id: Vec<String>,
    pub url: Vec<String>,
}

fn owned(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

impl Default for JsonlFields {
    fn default() -> JsonlFields {
        JsonlFields {
            text: owned(&["text", "body", "content", "article", "maintext", "story"]),
            title: owned(&["title", "headline"]),
            date: owned(&[
                "date",
                "published",
                "publish_date",
                "date_publish",
                "published_at",
                "pubDate",
            ]),
            id: owned(&["id", "doc_id", "uuid", "url"]),
            url: owned(&["url", "link", "source_url"]),
        }
    }
}

/// Byte ranges of the string values of the top-level members of a JSON
/// object (quotes included), by unescaped key. Iterative; `None` when the
/// line is not a well-formed object at the top level.
fn string_members(line: &str) -> Vec<(String, usize, usize)> {
    let b = line.as_bytes();
    let mut out = Vec::new();
    let mut i = match b.iter().position(|c| !c.is_ascii_whitespace()) {
        Some(i) if b[i] == b'{' => i + 1,
        _ => return out,
    };
    // Scans a string starting at b[i] == '"'; returns index after it.
    let skip_string = |mut i: usize| -> Option<usize> {
        i += 1;
        while i < b.len() {
            match b[i] {
                b'\\' => i += 2,
                b'"' => return Some(i + 1),
                _ => i += 1,
            }
        }
        None
    };
    let skip_ws = |mut i: usize| {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        i
    };
    loop {
        i = skip_ws(i);
        if i >= b.len() || b[i] != b'"' {
            return out;
        }
        let ks = i;
        let Some(ke) = skip_string(i) else { return out };
        let key: String = serde_json::from_str(&line[ks..ke]).unwrap_or_default();
        i = skip_ws(ke);
        if b.get(i) != Some(&b':') {
            return out;
        }
        i = skip_ws(i + 1);
        if i >= b.len() {
            return out;
        }
        if b[i] == b'"' {
            let Some(ve) = skip_string(i) else { return out };
            out.push((key, i, ve));
            i = ve;
        } else {
            // Skip any other value, nested ones included, without recursion.
            let mut depth = 0usize;
            while i < b.len() {
                match b[i] {
                    b'"' => match skip_string(i) {
                        Some(e) => {
                            i = e;
                            continue;
                        }
                        None => return out,
                    },
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        if depth == 0 {
                            break;
                        }
                        depth -= 1;
                    }
                    b',' if depth == 0 => break,
                    _ => {}
                }
                i += 1;
            }
        }
        i = skip_ws(i);
        match b.get(i) {
            Some(b',') => i += 1,
            _ => return out,
        }
    }
}

/// Unescapes the JSON string `line[s..e]` (quotes included) into `tb`,
/// mapping each escape to its source bytes (`at` = file offset of `line`).
fn push_json_string(tb: &mut TextBuilder, line: &str, s: usize, e: usize, at: u64) {
    let b = line.as_bytes();
    let mut i = s + 1;
    let end = e.saturating_sub(1).max(i);
    let hex4 = |i: usize| -> Option<u32> {
        let h = line.get(i..i + 4)?;
        if !h.bytes().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        u32::from_str_radix(h, 16).ok()
    };
    while i < end {
        let Some(off) = memchr::memchr(b'\\', &b[i..end]) else {
            tb.push_verbatim(&line[i..end], at + i as u64);
            return;
        };
        let bs = i + off;
        tb.push_verbatim(&line[i..bs], at + i as u64);
        let Some(&c) = b.get(bs + 1) else { return };
        let simple = match c {
            b'n' => Some('\n'),
            b't' => Some('\t'),
            b'r' => Some('\r'),
            b'b' => Some('\u{8}'),
            b'f' => Some('\u{c}'),
            b'"' => Some('"'),
            b'\\' => Some('\\'),
            b'/' => Some('/'),
            _ => None,
        };
        let mut buf = [0u8; 4];
        if let Some(ch) = simple {
            tb.push_replaced(ch.encode_utf8(&mut buf), at + bs as u64, 2);
            i = bs + 2;
            continue;
        }
        if c == b'u' {
            if let Some(u) = hex4(bs + 2) {
                let mut len = 6;
                let mut ch = char::from_u32(u);
                if (0xD800..0xDC00).contains(&u)
                    && b.get(bs + 6) == Some(&b'\\')
                    && b.get(bs + 7) == Some(&b'u')
                {
                    if let Some(lo) = hex4(bs + 8).filter(|lo| (0xDC00..0xE000).contains(lo)) {
                        ch = char::from_u32(0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
                        len = 12;
                    }
                }
                let ch = ch.unwrap_or('\u{FFFD}');
                tb.push_replaced(ch.encode_utf8(&mut buf), at + bs as u64, len);
                i = bs + len as usize;
                continue;
            }
        }
        // Invalid escape (cannot happen in JSON serde accepted): keep it.
        let n = if line.is_char_boundary(bs + 2) { 2 } else { 1 };
        tb.push_verbatim(&line[bs..bs + n], at + bs as u64);
        i = bs + n;
    }
}

fn first_str<'v>(
    obj: &'v serde_json::Map<String, Value>,
    names: &'v [String],
) -> Option<(&'v str, &'v Value)> {
    for n in names {
        match obj.get(n) {
            Some(v @ Value::String(s)) if !s.trim().is_empty() => return Some((n.as_str(), v)),
            Some(v @ (Value::Number(_) | Value::Bool(_))) => return Some((n.as_str(), v)),
            _ => {}
        }
    }
    None
}

fn value_string(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

pub(crate) fn read(
    ctx: &Ctx<'_>,
    data: &[u8],
    dec: &Decoded<'_>,
    fields: &JsonlFields,
) -> Vec<Result<Document, IngestError>> {
    let text: &str = &dec.text;
    let mut out = Vec::new();
    let mut pos = 0usize;
    let mut line_no = 0usize;
    while pos < text.len() {
        let end = memchr::memchr(b'\n', &text.as_bytes()[pos..]).map_or(text.len(), |i| pos + i);
        let line = &text[pos..end];
        let start = pos;
        pos = end + 1;
        line_no += 1;
        if line.trim().is_empty() {
            continue;
        }
        let rec = read_line(ctx, data, dec, fields, line, start, line_no);
        out.push(rec);
    }
    out
}

fn read_line(
    ctx: &Ctx<'_>,
    data: &[u8],
    dec: &Decoded<'_>,
    fields: &JsonlFields,
    line: &str,
    start: usize,
    line_no: usize,
) -> Result<Document, IngestError> {
    let err = |reason: String| IngestError::Record {
        path: ctx.label.to_string(),
        line: line_no,
        reason,
    };
    let obj: serde_json::Map<String, Value> =
        match serde_json::from_str(line.trim_end_matches('\r')) {
            Ok(Value::Object(o)) => o,
            Ok(_) => return Err(err("not a JSON object".into())),
            Err(e) => return Err(err(format!("invalid JSON: {e}"))),
        };
    let members = string_members(line);
    let locate = |name: &str| {
        members
            .iter()
            .rev()
            .find(|(k, _, _)| k == name)
            .map(|&(_, s, e)| (s, e))
    };
    let Some((text_field, _)) = first_str(&obj, &fields.text).filter(|(_, v)| v.is_string()) else {
        return Err(err(format!(
            "no text field (tried {})",
            fields.text.join(", ")
        )));
    };
    let mut tb = TextBuilder::with_capacity(line.len());
    let mut layout = Layout::default();
    let mut meta = Metadata::default();
    let mut diagnostics = Vec::new();
    if let Some((title_field, v)) = first_str(&obj, &fields.title) {
        meta.title = Some(value_string(v).trim().to_string());
        if let Some((s, e)) = locate(title_field) {
            push_json_string(&mut tb, line, s, e, start as u64);
            layout.title = Some(trim_span(tb.text(), 0, tb.len()));
            tb.push_synthetic("\n\n", (start + e) as u64);
        }
    }
    let body_from = tb.len();
    if let Some((s, e)) = locate(text_field) {
        push_json_string(&mut tb, line, s, e, start as u64);
    }
    let (text, map) = tb.finish();
    let body = trim_span(&text, body_from, text.len());
    layout.body = body;
    if body.is_empty() {
        diagnostics.push(Diagnostic::warning(STAGE, "no-body", "empty text field"));
    } else {
        find_dateline(&text, body, &mut meta, &mut layout);
    }
    if let Some((_, v)) = first_str(&obj, &fields.date) {
        let raw = value_string(v);
        meta.published = parse_date(&raw);
        if meta.published.is_none() {
            diagnostics.push(Diagnostic::info(
                STAGE,
                "bad-date",
                format!("unparsed date {raw:?}"),
            ));
        }
        meta.published_raw = Some(raw);
    }
    if let Some((_, v)) = first_str(&obj, &fields.url) {
        meta.source.url = Some(value_string(v));
    }
    if let Some((_, v)) = first_str(&obj, &fields.id) {
        meta.source.external_id = Some(value_string(v));
    }
    if let Some(Value::String(l)) = obj.get("language").or_else(|| obj.get("lang")) {
        if !l.trim().is_empty() && l.len() < 36 {
            meta.language = l.trim().to_string();
        }
    }
    if let Some(Value::String(o)) = obj
        .get("outlet")
        .or_else(|| obj.get("source"))
        .or_else(|| obj.get("source_domain"))
    {
        meta.outlet = Some(o.clone());
    }
    if let Some((_, v)) = first_str(&obj, &fields.author_fields()) {
        meta.byline = Some(value_string(v));
    }
    let map = map.compose(&dec.map);
    let (fs, fe) = dec.map.span_to_source(Span::new(start, start + line.len()));
    let raw = data
        .get(fs as usize..fe as usize)
        .unwrap_or_default()
        .to_vec();
    let mut diagnostics_all = dec.diagnostics.clone();
    diagnostics_all.extend(diagnostics);
    Ok(ctx.finish(
        text,
        map,
        raw,
        fs,
        (line_no - 1) as u32,
        dec.encoding,
        meta,
        layout,
        diagnostics_all,
    ))
}

impl JsonlFields {
    fn author_fields(&self) -> Vec<String> {
        owned(&["author", "authors", "byline"])
    }
}
