//! Rule-based sentence boundaries over a paragraph's tokens.

use crate::abbrev::{abbrev, is_sentence_starter, Abbrev};
use newsgraph_core::{QuoteDir, Token, TokenKind};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cand {
    /// `.`, `!`, `?` and runs of them.
    Strong,
    /// `...`, `…`.
    Ellipsis,
    /// A word ending in a period: `Inc.`, `U.S.`.
    Abbrev,
    /// A title or initial: `Mr.`, `J.`.
    Title,
    /// An emoticon or emoji (ends a sentence before a capital).
    Emoticon,
}

#[inline]
pub(crate) fn candidate(text: &str, t: &Token) -> Option<Cand> {
    // Cheap byte tests first: only tokens that start (punctuation) or end
    // (words) with the right byte need their text sliced.
    let bytes = text.as_bytes();
    match t.kind {
        TokenKind::Punct => {
            if !matches!(
                bytes.get(t.span.start as usize),
                Some(b'.' | b'!' | b'?' | 0xE2)
            ) {
                return None;
            }
            let s = t.span.slice(text).as_bytes();
            let &c0 = s.first()?;
            if c0 == b'.' && s.len() >= 2 && s.iter().all(|&c| c == b'.')
                || s.starts_with("…".as_bytes())
            {
                return Some(Cand::Ellipsis);
            }
            if matches!(c0, b'.' | b'!' | b'?') {
                return Some(Cand::Strong);
            }
            None
        }
        TokenKind::Emoji => Some(Cand::Emoticon),
        TokenKind::Word => {
            let end = t.span.end as usize;
            if end == 0 || bytes.get(end - 1) != Some(&b'.') {
                return None;
            }
            let s = t.span.slice(text).as_bytes();
            if s.len() > 1 && s[s.len() - 1] == b'.' {
                word_candidate(&s[..s.len() - 1])
            } else {
                None
            }
        }
        _ => None,
    }
}

/// Candidate kind of a word ending in a period (`w` without the period).
#[inline(never)]
fn word_candidate(w: &[u8]) -> Option<Cand> {
    if w.len() == 1 {
        return Some(Cand::Title);
    }
    if w.contains(&b'.') {
        return Some(Cand::Abbrev);
    }
    match abbrev(w, false) {
        Abbrev::Title => Some(Cand::Title),
        _ => Some(Cand::Abbrev),
    }
}

fn is_closer(text: &str, t: &Token) -> bool {
    match t.kind {
        TokenKind::Quote => t.quote != Some(QuoteDir::Open),
        TokenKind::Punct => matches!(t.span.slice(text), ")" | "]" | "}"),
        _ => false,
    }
}

/// Whether a sentence starts at `next`, after a candidate of kind `cand`;
/// `closed` when closing quotes or brackets follow the candidate.
fn starts_sentence(
    text: &str,
    cand: Cand,
    closed: bool,
    prev: &Token,
    next: &Token,
    after: Option<&Token>,
) -> bool {
    let prev_is_etc = prev.span.slice(text).eq_ignore_ascii_case("etc.");
    let s = next.span.slice(text);
    let Some(c) = s.chars().next() else {
        return false;
    };
    if next.kind == TokenKind::Punct
        && matches!(c, ',' | ';' | ':' | ')' | ']' | '}' | '.' | '!' | '?' | '…')
    {
        return false;
    }
    let lower = c.is_lowercase();
    match cand {
        // In edited text a lowercase word after `."`/`!)` continues the
        // sentence (`"Stop!" he said`); after a bare `.`/`!`/`?` it starts
        // one (web text that does not capitalise).
        Cand::Strong => !(lower && closed),
        Cand::Ellipsis if !prev.space_after => false,
        Cand::Ellipsis | Cand::Emoticon => c.is_uppercase() || next.kind == TokenKind::Quote,
        Cand::Title => false,
        Cand::Abbrev => {
            if next.kind == TokenKind::Quote {
                return after.is_some_and(|a| a.span.slice(text).starts_with(char::is_uppercase));
            }
            c.is_uppercase() && (is_sentence_starter(s.as_bytes()) || prev_is_etc)
        }
    }
}

/// Sentence boundaries of `toks[a..b]`: pushes the (start, end) token
/// ranges of its sentences.
pub(crate) fn split(text: &str, toks: &[Token], a: usize, b: usize, out: &mut Vec<(usize, usize)>) {
    split_with(text, toks, a, b, out, |_, _| {});
}

/// [`split`], calling `seen(i, candidate(toks[i]))` for the tokens whose
/// candidate kind it computes.
#[inline]
pub(crate) fn split_with(
    text: &str,
    toks: &[Token],
    a: usize,
    b: usize,
    out: &mut Vec<(usize, usize)>,
    mut seen: impl FnMut(usize, Option<Cand>),
) {
    let mut s = a;
    let mut i = a;
    while i < b {
        let c = candidate(text, &toks[i]);
        seen(i, c);
        let Some(cand) = c else {
            i += 1;
            continue;
        };
        let mut j = i + 1;
        let mut closed = false;
        while j < b && is_closer(text, &toks[j]) && !toks[j - 1].space_after {
            closed = true;
            j += 1;
        }
        // Emoticons after the end of a sentence belong to it.
        if cand != Cand::Emoticon {
            while j < b && toks[j].kind == TokenKind::Emoji {
                j += 1;
            }
        }
        if j < b
            && starts_sentence(
                text,
                cand,
                closed,
                &toks[i],
                &toks[j],
                toks.get(j + 1).filter(|_| j + 1 < b),
            )
        {
            out.push((s, j));
            s = j;
        }
        i = j.max(i + 1);
    }
    if s < b {
        out.push((s, b));
    }
}
