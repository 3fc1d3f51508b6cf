//! Seed and plain-text articles: the text is the file verbatim.

use crate::decode::Decoded;
use crate::util::{clean_place, detect_dateline, parse_date};
use crate::{Ctx, STAGE};
use newsgraph_core::{Diagnostic, Format, Layout, Metadata, Span};

/// A first line longer than this is body text, not a title.
const MAX_TITLE_BYTES: usize = 300;

/// Lines of `s` as (start, end-without-newline).
fn lines(s: &str, from: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut pos = from;
    std::iter::from_fn(move || {
        if pos >= s.len() {
            return None;
        }
        let start = pos;
        let end = memchr::memchr(b'\n', &s.as_bytes()[pos..]).map_or(s.len(), |i| pos + i);
        pos = end + 1;
        let e = if end > start && s.as_bytes()[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        Some((start, e))
    })
}

/// Trimmed span of `s[a..b]`.
pub(crate) fn trim_span(s: &str, a: usize, b: usize) -> Span {
    let sub = &s[a..b];
    let lead = sub.len() - sub.trim_start().len();
    let t = sub.trim();
    Span::new(a + lead, a + lead + t.len())
}

fn skip_ws(s: &str, from: usize) -> usize {
    s.len() - s[from..].trim_start().len()
}

/// Sets `layout.dateline` / `meta.dateline_place` from a dateline at the
/// start of `body`.
pub(crate) fn find_dateline(text: &str, body: Span, meta: &mut Metadata, layout: &mut Layout) {
    let start = body.start as usize;
    let mut end = (start + 200).min(body.end as usize);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let first = &text[start..end];
    let first = &first[..first.find('\n').unwrap_or(first.len())];
    if let Some(d) = detect_dateline(first) {
        let span = trim_span(text, start + d.start, start + d.end);
        layout.dateline = Some(span);
        meta.dateline_place = Some(clean_place(&first[d.place_start..d.place_end]));
    }
}

/// A body that opens with a line holding nothing but a date ("Friday,
/// August 21, 2015", "21 August 2015") gives the publication date, as in
/// Wikinews and many blog exports. The line becomes the dateline.
fn find_date_line(text: &str, body: Span, meta: &mut Metadata, layout: &mut Layout) {
    let start = body.start as usize;
    let rest = &text[start..body.end as usize];
    let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
    if line.len() > 48 {
        return;
    }
    let only_date_words = line
        .split(|c: char| c.is_whitespace() || c == ',' || c == '.')
        .filter(|w| !w.is_empty())
        .all(|w| {
            let lower = w.to_ascii_lowercase();
            let digits = lower.trim_end_matches(|c: char| c.is_ascii_alphabetic());
            (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
                || DATE_WORDS
                    .iter()
                    .any(|d| lower.starts_with(d) && lower.len() <= 9)
        });
    let has_year = line
        .split(|c: char| !c.is_ascii_digit())
        .any(|n| n.len() == 4);
    if !only_date_words || !has_year {
        return;
    }
    if let Some(date) = parse_date(line) {
        meta.published = Some(date);
        meta.published_raw = Some(line.trim().to_string());
        layout.dateline = Some(trim_span(text, start, start + line.len()));
    }
}

const DATE_WORDS: &[&str] = &[
    "mon", "tue", "wed", "thu", "fri", "sat", "sun", "jan", "feb", "mar", "apr", "may", "jun",
    "jul", "aug", "sep", "oct", "nov", "dec",
];

pub(crate) fn read(ctx: &Ctx<'_>, data: &[u8], dec: Decoded<'_>) -> newsgraph_core::Document {
    let Decoded {
        text,
        map,
        encoding,
        mut diagnostics,
    } = dec;
    let text = text.into_owned();
    let mut meta = Metadata::default();
    let mut layout = Layout::default();
    let mut body_start = None;
    let first = lines(&text, 0).find(|&(a, b)| !text[a..b].trim().is_empty());
    if let Some((a, b)) = first {
        let line = &text[a..b];
        let seed = ctx.format == Format::Seed;
        let header = line.trim_start().strip_prefix("date ").and_then(|rest| {
            let rest = rest.trim_start();
            let d = newsgraph_core::Date::parse_iso(rest)?;
            Some((d, rest))
        });
        match (seed, header) {
            (true, Some((date, rest))) => {
                let date_at = b - rest.len();
                meta.published = Some(date);
                meta.published_raw = Some(rest[..10].to_string());
                let title = trim_span(&text, date_at + 10, b);
                if !title.is_empty() {
                    meta.title = Some(title.slice(&text).to_string());
                    layout.title = Some(title);
                }
                // Byline: the next block if it looks like one.
                let next = skip_ws(&text, b);
                let block_end = text[next..]
                    .find("\n\n")
                    .or_else(|| text[next..].find("\n\r\n"))
                    .map_or(text.len(), |i| next + i);
                let block = text[next..block_end].trim();
                let is_byline = !block.is_empty()
                    && !block.contains('\n')
                    && (block.starts_with("By ")
                        || (block.len() < 80 && !block.ends_with(['.', '!', '?'])));
                if is_byline {
                    let span = trim_span(&text, next, block_end);
                    meta.byline = Some(block.to_string());
                    layout.byline = Some(span);
                    body_start = Some(skip_ws(&text, block_end));
                } else {
                    body_start = Some(next);
                }
            }
            (true, None) => {
                diagnostics.push(Diagnostic::warning(
                    STAGE,
                    "no-seed-header",
                    "first line is not ` date YYYY-MM-DD title`; read as plain text",
                ));
            }
            _ => {}
        }
        // The first line is a title only when it is short and more text
        // follows; otherwise (a one-paragraph file, a 50 MB single line) it
        // is body text.
        let more_follows = !text[b..].trim().is_empty();
        if body_start.is_none() && b - a <= MAX_TITLE_BYTES && more_follows {
            let title = trim_span(&text, a, b);
            meta.title = Some(title.slice(&text).to_string());
            layout.title = Some(title);
            body_start = Some(skip_ws(&text, b));
        } else if body_start.is_none() {
            body_start = Some(a);
        }
    }
    let start = body_start.unwrap_or(text.len());
    let end = text.trim_end().len().max(start);
    layout.body = Span::new(start, end);
    if layout.body.is_empty() {
        diagnostics.push(Diagnostic::warning(
            STAGE,
            "no-body",
            "no body text after the title",
        ));
    } else {
        find_dateline(&text, layout.body, &mut meta, &mut layout);
        if meta.published.is_none() && layout.dateline.is_none() {
            find_date_line(&text, layout.body, &mut meta, &mut layout);
        }
    }
    if meta.published.is_none() {
        if let Some(raw) = &meta.published_raw {
            meta.published = parse_date(raw);
        }
    }
    ctx.finish(
        text,
        map,
        data.to_vec(),
        0,
        0,
        encoding,
        meta,
        layout,
        diagnostics,
    )
}
