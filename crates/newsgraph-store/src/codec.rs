//! Compact binary encodings for per-document arrays: tokens and source maps.
//!
//! Both are sequences of LEB128 varints. A token costs about three bytes
//! (one flag byte, the gap from the previous token, its length) before
//! compression; token blobs are then deflated, which brings them to about
//! one byte a token (news text repeats the same few flag, gap and length
//! patterns), well under the size of the text they index.

use newsgraph_core::{Piece, QuoteDir, SourceMap, Span, Token, TokenKind};

/// Format version byte at the start of a token blob: plain varints…
const TOKENS_V1: u8 = 1;
/// …or the same varints, deflated (what [`encode_tokens`] writes).
const TOKENS_DEFLATE: u8 = 2;

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn get_varint(buf: &[u8], pos: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    let mut shift = 0u32;
    loop {
        let b = *buf.get(*pos)?;
        *pos += 1;
        if shift >= 64 {
            return None;
        }
        v |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Some(v);
        }
        shift += 7;
    }
}

const KINDS: [TokenKind; 10] = [
    TokenKind::Word,
    TokenKind::Number,
    TokenKind::Punct,
    TokenKind::Quote,
    TokenKind::Symbol,
    TokenKind::Url,
    TokenKind::Email,
    TokenKind::Hashtag,
    TokenKind::Mention,
    TokenKind::Emoji,
];

fn kind_code(k: TokenKind) -> u8 {
    KINDS.iter().position(|&x| x == k).unwrap_or(0) as u8
}

/// Name of a token kind as it appears in JSON output (`word`, `punct`, …).
pub fn kind_name(k: TokenKind) -> &'static str {
    match k {
        TokenKind::Word => "word",
        TokenKind::Number => "number",
        TokenKind::Punct => "punct",
        TokenKind::Quote => "quote",
        TokenKind::Symbol => "symbol",
        TokenKind::Url => "url",
        TokenKind::Email => "email",
        TokenKind::Hashtag => "hashtag",
        TokenKind::Mention => "mention",
        TokenKind::Emoji => "emoji",
    }
}

/// Name of a quote direction (`open`, `close`, `unknown`).
pub fn quote_name(q: QuoteDir) -> &'static str {
    match q {
        QuoteDir::Open => "open",
        QuoteDir::Close => "close",
        QuoteDir::Unknown => "unknown",
    }
}

/// Encodes tokens (sorted, non-overlapping, as `Document::check` requires),
/// deflated.
pub fn encode_tokens(tokens: &[Token]) -> Vec<u8> {
    let plain = encode_tokens_plain(tokens);
    let mut out = Vec::with_capacity(plain.len() / 2 + 16);
    out.push(TOKENS_DEFLATE);
    let mut z = flate2::write::DeflateEncoder::new(out, flate2::Compression::new(6));
    // Writing into a Vec cannot fail.
    if std::io::Write::write_all(&mut z, &plain[1..]).is_err() {
        return plain;
    }
    z.finish().unwrap_or(plain)
}

/// Encodes tokens as plain varints (version byte [`TOKENS_V1`]).
pub fn encode_tokens_plain(tokens: &[Token]) -> Vec<u8> {
    let mut out = Vec::with_capacity(1 + tokens.len() * 3);
    out.push(TOKENS_V1);
    let mut prev = 0u32;
    for t in tokens {
        let quote = match t.quote {
            None => 0,
            Some(QuoteDir::Open) => 1,
            Some(QuoteDir::Close) => 2,
            Some(QuoteDir::Unknown) => 3,
        };
        let flags = kind_code(t.kind)
            | (u8::from(t.space_after) << 4)
            | (u8::from(t.joined_next) << 5)
            | (quote << 6);
        out.push(flags);
        // Tokens are sorted; a malformed overlap is clamped rather than
        // wrapped, so decoding never panics.
        put_varint(&mut out, u64::from(t.span.start.saturating_sub(prev)));
        put_varint(&mut out, u64::from(t.span.end - t.span.start));
        prev = t.span.end.max(prev);
    }
    out
}

/// Decodes a token blob (either version); `None` when it is corrupt.
pub fn decode_tokens(buf: &[u8]) -> Option<Vec<Token>> {
    match buf.first() {
        Some(&TOKENS_V1) => decode_plain(&buf[1..]),
        Some(&TOKENS_DEFLATE) => {
            let mut plain = Vec::with_capacity(buf.len() * 4);
            let mut z = flate2::read::DeflateDecoder::new(&buf[1..]);
            std::io::Read::read_to_end(&mut z, &mut plain).ok()?;
            decode_plain(&plain)
        }
        _ => None,
    }
}

fn decode_plain(buf: &[u8]) -> Option<Vec<Token>> {
    let mut pos = 0;
    let mut prev = 0u64;
    let mut out = Vec::with_capacity(buf.len() / 3);
    while pos < buf.len() {
        let flags = buf[pos];
        pos += 1;
        let start = prev.checked_add(get_varint(buf, &mut pos)?)?;
        let end = start.checked_add(get_varint(buf, &mut pos)?)?;
        let kind = *KINDS.get(usize::from(flags & 0x0f))?;
        let quote = match flags >> 6 {
            0 => None,
            1 => Some(QuoteDir::Open),
            2 => Some(QuoteDir::Close),
            _ => Some(QuoteDir::Unknown),
        };
        out.push(Token {
            span: Span::new(usize::try_from(start).ok()?, usize::try_from(end).ok()?),
            kind,
            space_after: flags & 0x10 != 0,
            joined_next: flags & 0x20 != 0,
            quote,
        });
        prev = end;
    }
    Some(out)
}

/// Encodes the pieces of a source map (`None` for an identity map, whose
/// `base` is stored in its own column).
pub fn encode_source_map(map: &SourceMap) -> Option<Vec<u8>> {
    if map.is_identity() {
        return None;
    }
    let mut out = Vec::with_capacity(map.pieces.len() * 6);
    for p in &map.pieces {
        put_varint(&mut out, u64::from(p.text_start));
        put_varint(&mut out, u64::from(p.text_len));
        put_varint(&mut out, p.source_start);
        put_varint(&mut out, p.source_len);
    }
    Some(out)
}

/// Rebuilds a source map from its base and encoded pieces.
pub fn decode_source_map(base: u64, pieces: Option<&[u8]>) -> Option<SourceMap> {
    let mut map = SourceMap::identity(base);
    let Some(buf) = pieces else {
        return Some(map);
    };
    let mut pos = 0;
    while pos < buf.len() {
        let text_start = u32::try_from(get_varint(buf, &mut pos)?).ok()?;
        let text_len = u32::try_from(get_varint(buf, &mut pos)?).ok()?;
        let source_start = get_varint(buf, &mut pos)?;
        let source_len = get_varint(buf, &mut pos)?;
        map.pieces.push(Piece {
            text_start,
            text_len,
            source_start,
            source_len,
        });
    }
    Some(map)
}

/// Format version byte at the start of a [`DocSpans`] blob.
const SPANS_V1: u8 = 1;

/// Mention kinds as stored (the code is the position).
const MENTION_KINDS: [&str; 8] = [
    "name",
    "short",
    "acronym",
    "alias",
    "demonym",
    "capital",
    "description",
    "pronoun",
];

/// The stored name of a mention kind, as a static string.
pub fn mention_kind(name: &str) -> Option<&'static str> {
    MENTION_KINDS.iter().copied().find(|&k| k == name)
}

/// One sentence of a [`DocSpans`] blob.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SentenceSpan {
    pub paragraph: u32,
    pub span: Span,
    /// Token range `[start, end)`.
    pub tokens: (u32, u32),
}

/// One mention of a [`DocSpans`] blob: the `idx`-th mention of entity
/// `entity` (its words are the document's bytes at `span`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MentionSpan {
    pub entity: u32,
    pub idx: u32,
    pub kind: &'static str,
    pub span: Span,
}

/// A document's paragraphs, sentences and mentions: many small records,
/// stored as one blob per document (`doc_spans.data`, schema 7) instead of a
/// row each, which cost about 35 bytes a record. Only byte spans are kept;
/// readers derive char and source offsets from the text and source map.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DocSpans {
    pub paragraphs: Vec<Span>,
    pub sentences: Vec<SentenceSpan>,
    /// In order of entity, then of mention.
    pub mentions: Vec<MentionSpan>,
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

impl DocSpans {
    /// Varints: counts, then each record as gaps and lengths. Spans are
    /// read back exactly as written, in any order (gaps are signed).
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(
            8 + 3 * self.paragraphs.len() + 5 * self.sentences.len() + 5 * self.mentions.len(),
        );
        out.push(SPANS_V1);
        let span = |out: &mut Vec<u8>, prev: &mut u32, s: Span| {
            put_varint(out, zigzag(i64::from(s.start) - i64::from(*prev)));
            put_varint(out, u64::from(s.end.saturating_sub(s.start)));
            *prev = s.end.max(s.start);
        };
        put_varint(&mut out, self.paragraphs.len() as u64);
        let mut prev = 0u32;
        for &p in &self.paragraphs {
            span(&mut out, &mut prev, p);
        }
        put_varint(&mut out, self.sentences.len() as u64);
        let (mut prev, mut para, mut tok) = (0u32, 0u32, 0u32);
        for s in &self.sentences {
            put_varint(&mut out, zigzag(i64::from(s.paragraph) - i64::from(para)));
            span(&mut out, &mut prev, s.span);
            put_varint(&mut out, zigzag(i64::from(s.tokens.0) - i64::from(tok)));
            put_varint(&mut out, u64::from(s.tokens.1.saturating_sub(s.tokens.0)));
            para = s.paragraph;
            tok = s.tokens.1.max(s.tokens.0);
        }
        put_varint(&mut out, self.mentions.len() as u64);
        let (mut prev, mut entity) = (0u32, 0u32);
        for m in &self.mentions {
            // Entity gap and kind share one varint: kind in the low 3 bits.
            let kind = MENTION_KINDS.iter().position(|&k| k == m.kind).unwrap_or(0) as u64;
            let gap = zigzag(i64::from(m.entity) - i64::from(entity));
            put_varint(&mut out, (gap << 3) | kind);
            put_varint(&mut out, u64::from(m.idx));
            // Mentions run in entity order, so their starts jump both ways.
            put_varint(&mut out, zigzag(i64::from(m.span.start) - i64::from(prev)));
            put_varint(&mut out, u64::from(m.span.end.saturating_sub(m.span.start)));
            prev = m.span.start;
            entity = m.entity;
        }
        out
    }

    /// `None` when the blob is corrupt (never panics).
    pub fn decode(buf: &[u8]) -> Option<DocSpans> {
        if buf.first() != Some(&SPANS_V1) {
            return None;
        }
        let mut pos = 1;
        let mut next = || get_varint(buf, &mut pos);
        let add = |base: u32, gap: u64| -> Option<u32> {
            u32::try_from(i64::from(base).checked_add(unzigzag(gap))?).ok()
        };
        let count = |n: u64| usize::try_from(n).ok().filter(|&n| n <= buf.len());
        let mut d = DocSpans::default();
        let n = count(next()?)?;
        let mut prev = 0u32;
        for _ in 0..n {
            let start = add(prev, next()?)?;
            let end = start.checked_add(u32::try_from(next()?).ok()?)?;
            d.paragraphs.push(Span { start, end });
            prev = end;
        }
        let n = count(next()?)?;
        let (mut prev, mut para, mut tok) = (0u32, 0u32, 0u32);
        for _ in 0..n {
            para = add(para, next()?)?;
            let start = add(prev, next()?)?;
            let end = start.checked_add(u32::try_from(next()?).ok()?)?;
            let t0 = add(tok, next()?)?;
            let t1 = t0.checked_add(u32::try_from(next()?).ok()?)?;
            d.sentences.push(SentenceSpan {
                paragraph: para,
                span: Span { start, end },
                tokens: (t0, t1),
            });
            prev = end;
            tok = t1;
        }
        let n = count(next()?)?;
        let (mut prev, mut entity) = (0u32, 0u32);
        for _ in 0..n {
            let head = next()?;
            let kind = *MENTION_KINDS.get((head & 7) as usize)?;
            entity = add(entity, head >> 3)?;
            let idx = u32::try_from(next()?).ok()?;
            let start = add(prev, next()?)?;
            let end = start.checked_add(u32::try_from(next()?).ok()?)?;
            d.mentions.push(MentionSpan {
                entity,
                idx,
                kind,
                span: Span { start, end },
            });
            prev = start;
        }
        (pos == buf.len()).then_some(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_spans_round_trip_in_any_order() {
        let spans = DocSpans {
            paragraphs: vec![Span::new(0, 10), Span::new(12, 40)],
            sentences: vec![
                SentenceSpan {
                    paragraph: 0,
                    span: Span::new(0, 10),
                    tokens: (0, 3),
                },
                SentenceSpan {
                    paragraph: 1,
                    span: Span::new(12, 40),
                    tokens: (3, 9),
                },
            ],
            mentions: vec![
                MentionSpan {
                    entity: 0,
                    idx: 0,
                    kind: "name",
                    span: Span::new(30, 35),
                },
                MentionSpan {
                    entity: 0,
                    idx: 1,
                    kind: "pronoun",
                    span: Span::new(2, 4),
                },
                MentionSpan {
                    entity: 3,
                    idx: 0,
                    kind: "description",
                    span: Span::new(100_000, 100_007),
                },
            ],
        };
        let blob = spans.encode();
        assert_eq!(DocSpans::decode(&blob).unwrap(), spans);
        assert_eq!(
            DocSpans::decode(&DocSpans::default().encode()).unwrap(),
            DocSpans::default()
        );
        // Truncated, trailing bytes, wrong version, absurd counts: None.
        for bad in [
            &blob[..blob.len() - 1],
            &[blob.as_slice(), &[0]].concat()[..],
            &[9, 0, 0, 0][..],
            &[SPANS_V1, 0xff, 0xff, 0xff, 0x0f][..],
        ] {
            assert!(DocSpans::decode(bad).is_none());
        }
    }

    #[test]
    fn every_mention_kind_has_a_code() {
        for k in [
            newsgraph_core::MentionKind::Name,
            newsgraph_core::MentionKind::Short,
            newsgraph_core::MentionKind::Acronym,
            newsgraph_core::MentionKind::Alias,
            newsgraph_core::MentionKind::Demonym,
            newsgraph_core::MentionKind::Capital,
            newsgraph_core::MentionKind::Description,
            newsgraph_core::MentionKind::Pronoun,
        ] {
            assert!(MENTION_KINDS.contains(&crate::mention_kind_name(k)));
        }
    }

    #[test]
    fn tokens_round_trip() {
        let tokens = vec![
            Token {
                span: Span::new(0, 4),
                kind: TokenKind::Word,
                space_after: false,
                joined_next: true,
                quote: None,
            },
            Token {
                span: Span::new(4, 6),
                kind: TokenKind::Word,
                space_after: true,
                joined_next: false,
                quote: None,
            },
            Token {
                span: Span::new(300, 303),
                kind: TokenKind::Quote,
                space_after: false,
                joined_next: false,
                quote: Some(QuoteDir::Close),
            },
            Token {
                span: Span::new(303, 100_000),
                kind: TokenKind::Emoji,
                space_after: true,
                joined_next: false,
                quote: Some(QuoteDir::Unknown),
            },
        ];
        let blob = encode_tokens(&tokens);
        assert_eq!(blob[0], TOKENS_DEFLATE);
        assert_eq!(decode_tokens(&blob).unwrap(), tokens);
        assert_eq!(
            decode_tokens(&encode_tokens_plain(&tokens)).unwrap(),
            tokens
        );
        assert_eq!(decode_tokens(&encode_tokens(&[])).unwrap(), vec![]);
        assert!(decode_tokens(&[TOKENS_DEFLATE, 0xff, 0x00]).is_none());
        assert!(decode_tokens(&[9, 1, 2]).is_none());
        assert!(decode_tokens(&[TOKENS_V1, 0, 0x80]).is_none());
    }

    #[test]
    fn source_maps_round_trip() {
        let id = SourceMap::identity(17);
        assert!(encode_source_map(&id).is_none());
        assert_eq!(decode_source_map(17, None).unwrap(), id);
        let map = SourceMap {
            base: 0,
            pieces: vec![
                Piece {
                    text_start: 0,
                    text_len: 5,
                    source_start: 10,
                    source_len: 5,
                },
                Piece {
                    text_start: 5,
                    text_len: 1,
                    source_start: 15,
                    source_len: 5,
                },
            ],
        };
        let blob = encode_source_map(&map).unwrap();
        assert_eq!(decode_source_map(0, Some(&blob)).unwrap(), map);
    }
}
