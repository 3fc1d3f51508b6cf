//! Reuters-21578 SGML: many `<REUTERS>` elements per file, scanned with
//! memchr (no DOM).

use crate::decode::decode;
use crate::text::trim_span;
use crate::util::{clean_place, detect_dateline, parse_date, push_decoded};
use crate::{Ctx, IngestError, STAGE};
use memchr::memmem;
use newsgraph_core::{Diagnostic, Document, Layout, Metadata, Span, TextBuilder};

/// Content range of the first `<name ...>…</name>` in `s[from..to]`, and
/// its attributes. Searched with `memchr` and no allocation: this runs five
/// times per story.
fn element<'s>(s: &'s str, from: usize, to: usize, name: &str) -> Option<(usize, usize, &'s str)> {
    let hay = s.get(from..to)?.as_bytes();
    let name = name.as_bytes();
    let mut at = 0;
    loop {
        let i = at + memchr::memchr(b'<', hay.get(at..)?)?;
        let after_name = i + 1 + name.len();
        if hay.get(i + 1) != name.first() || hay.get(i + 1..after_name) != Some(name) {
            at = i + 1;
            continue;
        }
        let after = hay.get(after_name).copied();
        if matches!(after, Some(b'>' | b' ' | b'\t' | b'\n' | b'\r')) {
            let gt = i + memchr::memchr(b'>', &hay[i..])?;
            // `<` and `>` are ASCII: both ends are char boundaries of `s`.
            let attrs = &s[from + after_name..from + gt];
            let cs = gt + 1;
            let ce = find_close(&hay[cs..], name).map_or(hay.len(), |k| cs + k);
            return Some((from + cs, from + ce, attrs));
        }
        at = after_name;
    }
}

/// Offset of the first `</name>` in `hay`.
fn find_close(hay: &[u8], name: &[u8]) -> Option<usize> {
    let mut at = 0;
    loop {
        let i = at + memchr::memchr(b'<', hay.get(at..)?)?;
        if hay.get(i + 1) != Some(&b'/') {
            at = i + 1;
            continue;
        }
        let n = i + 2 + name.len();
        if hay.get(i + 2..n) == Some(name) && hay.get(n) == Some(&b'>') {
            return Some(i);
        }
        at = i + 1;
    }
}

fn strip_signoff(s: &str) -> &str {
    let mut t = s.trim_end();
    loop {
        let before = t;
        t = t.strip_suffix("&#3;").unwrap_or(t).trim_end();
        for w in ["Reuter", "REUTER", "reuter"] {
            if let Some(r) = t.strip_suffix(w) {
                if r.is_empty() || r.ends_with(char::is_whitespace) {
                    t = r.trim_end();
                }
            }
        }
        if t.len() == before.len() {
            return t;
        }
    }
}

pub(crate) fn read(ctx: &Ctx<'_>, data: &[u8]) -> Vec<Result<Document, IngestError>> {
    let open = memmem::Finder::new(b"<REUTERS");
    let close = memmem::Finder::new(b"</REUTERS>");
    let mut out = Vec::new();
    let mut pos = 0usize;
    let mut index = 0u32;
    while let Some(i) = open.find(&data[pos..]) {
        let s = pos + i;
        let next = open.find(&data[s + 8..]).map_or(data.len(), |k| s + 8 + k);
        let e = close
            .find(&data[s..next])
            .map_or(next, |k| s + k + b"</REUTERS>".len());
        out.push(Ok(read_one(ctx, data, s, e, index)));
        index += 1;
        pos = e.max(s + 8);
    }
    if out.is_empty() {
        out.push(Err(IngestError::Format {
            path: ctx.label.to_string(),
            reason: "no <REUTERS> element found".into(),
        }));
    }
    out
}

fn read_one(ctx: &Ctx<'_>, data: &[u8], s: usize, e: usize, index: u32) -> Document {
    let raw = &data[s..e];
    let dec = decode(raw, s as u64);
    let d: &str = &dec.text;
    let mut diagnostics = dec.diagnostics.clone();
    let mut meta = Metadata {
        outlet: Some("Reuters".into()),
        ..Metadata::default()
    };
    let open_tag = &d[..d.find('>').unwrap_or(0)];
    if let Some(i) = open_tag.find("NEWID=\"") {
        let rest = &open_tag[i + 7..];
        let id = &rest[..rest.find('"').unwrap_or(0)];
        if !id.is_empty() {
            meta.source.external_id = Some(id.to_string());
        }
    }
    let mut layout = Layout::default();
    if let Some((a, b, _)) = element(d, 0, d.len(), "DATE") {
        let raw_date = d[a..b].trim();
        meta.published = parse_date(raw_date);
        meta.published_raw = Some(raw_date.to_string());
    }
    let mut tb = TextBuilder::with_capacity(d.len());
    let (ts, te, attrs) = element(d, 0, d.len(), "TEXT").unwrap_or((d.len(), d.len(), ""));
    let unproc = attrs.contains("UNPROC");
    let title = element(d, ts, te, "TITLE");
    if let Some((a, b, _)) = title {
        let sp = trim_span(d, a, b);
        push_decoded(&mut tb, sp.slice(d), sp.start as u64, false);
        if !tb.is_empty() {
            layout.title = Some(Span::new(0, tb.len()));
            meta.title = Some(tb.text().to_string());
        }
    }
    let body_el = element(d, ts, te, "BODY");
    let dateline_el = element(d, ts, te, "DATELINE");
    let mut body_start = None;
    let sep = |tb: &mut TextBuilder, at: usize| {
        if !tb.is_empty() {
            tb.push_synthetic("\n\n", at as u64);
        }
    };
    if let Some((a, b, _)) = dateline_el {
        let lead = d[a..b].len() - d[a..b].trim_start().len();
        let content = &d[a + lead..b];
        if !content.trim().is_empty() {
            sep(&mut tb, a);
            let start = tb.len();
            body_start = Some(start);
            push_decoded(&mut tb, content, (a + lead) as u64, false);
            let span = trim_span(tb.text(), start, tb.len());
            layout.dateline = Some(span);
            let dl = span.slice(tb.text());
            let place = match detect_dateline(&format!("{dl} x")) {
                Some(x) => clean_place(&dl[x.place_start..x.place_end.min(dl.len())]),
                None => clean_place(dl.split(',').next().unwrap_or(dl)),
            };
            if !place.is_empty() {
                meta.dateline_place = Some(place);
            }
        }
    }
    let body_range = match body_el {
        Some((a, b, _)) => Some((a, b)),
        None if unproc || title.is_none() => {
            // Unprocessed story: the body is the TEXT content itself.
            Some((ts, te))
        }
        None => None,
    };
    if let Some((a, b)) = body_range {
        let content = strip_signoff(&d[a..b]);
        let lead = content.len() - content.trim_start_matches(['\n', '\r']).len();
        let content = &content[lead..];
        if !content.trim().is_empty() {
            if body_start.is_none() {
                sep(&mut tb, a + lead);
                body_start = Some(tb.len());
            } else if !tb.text().ends_with(char::is_whitespace) {
                tb.push_synthetic(" ", (a + lead) as u64);
            }
            push_decoded(&mut tb, content, (a + lead) as u64, false);
        }
    }
    let (text, map) = tb.finish();
    match body_start {
        Some(bs) => {
            let span = trim_span(&text, bs, text.len());
            layout.body = span;
            if span.is_empty() {
                diagnostics.push(Diagnostic::warning(
                    STAGE,
                    "no-body",
                    "story has no body text",
                ));
            }
        }
        None => {
            layout.body = Span::new(text.len(), text.len());
            diagnostics.push(Diagnostic::warning(STAGE, "no-body", "story has no <BODY>"));
        }
    }
    let map = map.compose(&dec.map);
    ctx.finish(
        text,
        map,
        raw.to_vec(),
        s as u64,
        index,
        dec.encoding,
        meta,
        layout,
        diagnostics,
    )
}
