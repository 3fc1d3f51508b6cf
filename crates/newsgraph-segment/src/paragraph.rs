//! Paragraph detection: blank lines and newline + indentation.

use newsgraph_core::Span;

fn indent(line: &[u8]) -> usize {
    line.iter()
        .take_while(|&&c| c == b' ' || c == b'\t')
        .count()
}

fn is_blank(line: &str) -> bool {
    line.trim().is_empty()
}

/// Trims Unicode whitespace off `text[s..e]`; `None` when nothing is left.
pub(crate) fn trim(text: &str, s: usize, e: usize) -> Option<(usize, usize)> {
    let t = &text[s..e];
    let ts = t.trim_start();
    let start = s + (t.len() - ts.len());
    let end = start + ts.trim_end().len();
    (start < end).then_some((start, end))
}

/// Paragraph spans inside `text[s..e]` (which must lie on char boundaries).
pub(crate) fn paragraphs(text: &str, s: usize, e: usize, out: &mut Vec<Span>) {
    let b = text.as_bytes();
    // Lines: (start, end) with end excluding the '\n'.
    let body = &b[s..e];
    // Minimum indentation of non-blank lines (after the first one, whose
    // start may be mid-line).
    let mut min_indent = usize::MAX;
    let mut ls = s;
    let mut first = true;
    for nl in memchr::memchr_iter(b'\n', body)
        .map(|p| s + p)
        .chain(std::iter::once(e))
    {
        if !first && !is_blank(&text[ls..nl]) {
            min_indent = min_indent.min(indent(&b[ls..nl]));
        }
        first = false;
        ls = nl + 1;
    }
    let mut cur: Option<usize> = None; // start of the open paragraph
    let mut last_end = s; // end of the last non-blank line
    let mut ls = s;
    let mut first = true;
    for nl in memchr::memchr_iter(b'\n', body)
        .map(|p| s + p)
        .chain(std::iter::once(e))
    {
        let line = &text[ls..nl];
        if is_blank(line) {
            if let Some(ps) = cur.take() {
                push(text, ps, last_end, out);
            }
        } else {
            if !first && cur.is_some() && indent(line.as_bytes()) > min_indent {
                if let Some(ps) = cur.take() {
                    push(text, ps, last_end, out);
                }
            }
            if cur.is_none() {
                cur = Some(ls);
            }
            last_end = nl;
        }
        first = false;
        ls = nl + 1;
    }
    if let Some(ps) = cur {
        push(text, ps, last_end, out);
    }
}

fn push(text: &str, s: usize, e: usize, out: &mut Vec<Span>) {
    if let Some((a, z)) = trim(text, s, e) {
        out.push(Span::new(a, z));
    }
}
