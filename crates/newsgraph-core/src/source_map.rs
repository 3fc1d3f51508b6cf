//! Mapping from offsets in a document's decoded text back to its original bytes.
//!
//! Decoding (Latin-1, UTF-16) and format extraction (HTML entities, SGML
//! markup, JSON escapes) change byte lengths, so text offsets and source
//! offsets differ. A [`SourceMap`] records, piece by piece, which source bytes
//! every stretch of text came from; [`TextBuilder`] builds text and map
//! together so that the two can never drift apart.

use crate::Span;
use serde::{Deserialize, Serialize};

/// One stretch of text and the source bytes it came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Piece {
    pub text_start: u32,
    pub text_len: u32,
    pub source_start: u64,
    pub source_len: u64,
}

impl Piece {
    /// A piece is linear when each text byte maps to a fixed number of source
    /// bytes (verbatim copies, or ASCII read from UTF-16); offsets inside it
    /// are then mapped exactly. Other pieces (an entity such as `&amp;`, a
    /// re-encoded character) map inner offsets to the piece's start.
    fn ratio(&self) -> Option<u64> {
        if self.text_len == 0 {
            return None;
        }
        let t = u64::from(self.text_len);
        (self.source_len.is_multiple_of(t) && self.source_len / t >= 1).then(|| self.source_len / t)
    }
}

/// Text-offset → source-offset map. An empty map with `base` is the identity
/// shifted by `base` (the common case: UTF-8 input copied verbatim).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceMap {
    /// Offset added to identity mappings (e.g. a UTF-8 BOM, or the position
    /// of a document inside a multi-document file).
    pub base: u64,
    /// Sorted, non-overlapping pieces covering the whole text. Empty means
    /// identity + `base`.
    pub pieces: Vec<Piece>,
}

impl SourceMap {
    /// Identity map shifted by `base`.
    pub fn identity(base: u64) -> SourceMap {
        SourceMap {
            base,
            pieces: Vec::new(),
        }
    }

    pub fn is_identity(&self) -> bool {
        self.pieces.is_empty()
    }

    /// Source offset of text offset `t`. Offsets past the end map to the end
    /// of the last piece.
    pub fn to_source(&self, t: usize) -> u64 {
        if self.pieces.is_empty() {
            return self.base + t as u64;
        }
        let t32 = u32::try_from(t).unwrap_or(u32::MAX);
        let i = self.pieces.partition_point(|p| p.text_start <= t32);
        if i == 0 {
            return self.pieces[0].source_start;
        }
        let p = &self.pieces[i - 1];
        let off = u64::from(t32 - p.text_start);
        if off >= u64::from(p.text_len) {
            return p.source_start + p.source_len;
        }
        match p.ratio() {
            Some(r) => p.source_start + off * r,
            None => p.source_start,
        }
    }

    /// Source span of a text span. An empty text span maps to an empty
    /// source span; a non-empty one always covers every source byte that
    /// produced its text.
    pub fn span_to_source(&self, s: Span) -> (u64, u64) {
        let start = self.to_source(s.start as usize);
        if s.is_empty() {
            return (start, start);
        }
        let end = self.end_to_source(s.end as usize);
        (start, end.max(start))
    }

    /// Like [`to_source`](Self::to_source) but for an exclusive end: an end
    /// inside a non-linear piece extends to the piece's end.
    fn end_to_source(&self, t: usize) -> u64 {
        if self.pieces.is_empty() {
            return self.base + t as u64;
        }
        let t32 = u32::try_from(t).unwrap_or(u32::MAX);
        let i = self.pieces.partition_point(|p| p.text_start < t32);
        if i == 0 {
            return self.pieces[0].source_start;
        }
        let p = &self.pieces[i - 1];
        let off = u64::from(t32 - p.text_start);
        if off >= u64::from(p.text_len) {
            return p.source_start + p.source_len;
        }
        match p.ratio() {
            Some(r) => p.source_start + off * r,
            None => p.source_start + p.source_len,
        }
    }

    /// Composes `self` (text → intermediate) with `inner` (intermediate →
    /// source): the result maps text straight to source. Used when a format
    /// parser runs over text that a decoder produced.
    pub fn compose(&self, inner: &SourceMap) -> SourceMap {
        if inner.is_identity() {
            let mut out = self.clone();
            if out.pieces.is_empty() {
                out.base += inner.base;
            } else {
                for p in &mut out.pieces {
                    p.source_start += inner.base;
                }
            }
            return out;
        }
        if self.is_identity() {
            // Shift the inner map by our base (an offset into the inner text).
            let base = self.base as usize;
            let mut out = SourceMap {
                base: 0,
                pieces: Vec::new(),
            };
            for p in &inner.pieces {
                let (ts, te) = (p.text_start as usize, (p.text_start + p.text_len) as usize);
                if te <= base {
                    continue;
                }
                let mut q = *p;
                if ts < base {
                    // Only linear pieces can be cut; others keep their start.
                    let cut = (base - ts) as u64;
                    q.source_start += p.ratio().map_or(0, |r| cut * r);
                    q.source_len = q
                        .source_len
                        .saturating_sub(p.ratio().map_or(0, |r| cut * r));
                    q.text_len -= (base - ts) as u32;
                    q.text_start = 0;
                } else {
                    q.text_start = (ts - base) as u32;
                }
                out.pieces.push(q);
            }
            return out;
        }
        // General case: split our verbatim pieces at the inner map's piece
        // boundaries so that offsets stay exact; other pieces map as a whole.
        let mut out = SourceMap {
            base: 0,
            pieces: Vec::with_capacity(self.pieces.len()),
        };
        for p in &self.pieces {
            let s = p.source_start as usize;
            let e = (p.source_start + p.source_len) as usize;
            if p.ratio() != Some(1) {
                let (ss, se) = inner.span_to_source(Span::new(s, e));
                out.pieces.push(Piece {
                    source_start: ss,
                    source_len: se - ss,
                    ..*p
                });
                continue;
            }
            let s32 = s as u32;
            let mut i = inner
                .pieces
                .partition_point(|q| q.text_start + q.text_len <= s32);
            while let Some(q) = inner.pieces.get(i) {
                let (qs, qe) = (q.text_start as usize, (q.text_start + q.text_len) as usize);
                if qs >= e {
                    break;
                }
                let (a, b) = (qs.max(s), qe.min(e));
                let text_start = p.text_start + (a - s) as u32;
                let text_len = (b - a) as u32;
                let (source_start, source_len) = match q.ratio() {
                    Some(r) => (q.source_start + (a - qs) as u64 * r, (b - a) as u64 * r),
                    None => (q.source_start, q.source_len),
                };
                out.pieces.push(Piece {
                    text_start,
                    text_len,
                    source_start,
                    source_len,
                });
                i += 1;
            }
        }
        out
    }
}

/// Builds a text and its [`SourceMap`] together.
#[derive(Debug, Default)]
pub struct TextBuilder {
    text: String,
    pieces: Vec<Piece>,
}

impl TextBuilder {
    pub fn with_capacity(n: usize) -> TextBuilder {
        TextBuilder {
            text: String::with_capacity(n),
            pieces: Vec::new(),
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn len(&self) -> usize {
        self.text.len()
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Appends `s`, which was copied byte for byte from `source_start..`.
    pub fn push_verbatim(&mut self, s: &str, source_start: u64) {
        self.push_piece(s, source_start, s.len() as u64);
    }

    /// Appends `s`, which replaces the source bytes
    /// `source_start..source_start + source_len` (an entity, an escape, a
    /// character re-encoded from another encoding).
    pub fn push_replaced(&mut self, s: &str, source_start: u64, source_len: u64) {
        self.push_piece(s, source_start, source_len);
    }

    /// Appends text with no source bytes of its own (a paragraph break
    /// between HTML blocks), anchored at `source_at`.
    pub fn push_synthetic(&mut self, s: &str, source_at: u64) {
        self.push_piece(s, source_at, 0);
    }

    fn push_piece(&mut self, s: &str, source_start: u64, source_len: u64) {
        if s.is_empty() {
            return;
        }
        let text_start = self.text.len() as u32;
        let text_len = s.len() as u32;
        self.text.push_str(s);
        if let Some(last) = self.pieces.last_mut() {
            // Merge verbatim runs so that the map stays small.
            let contiguous = last.source_start + last.source_len == source_start;
            if contiguous
                && last.ratio() == Some(1)
                && source_len == u64::from(text_len)
                && last.text_start + last.text_len == text_start
            {
                last.text_len += text_len;
                last.source_len += source_len;
                return;
            }
        }
        self.pieces.push(Piece {
            text_start,
            text_len,
            source_start,
            source_len,
        });
    }

    /// Finishes: an all-verbatim text from one contiguous run collapses to an
    /// identity map.
    pub fn finish(self) -> (String, SourceMap) {
        let map = match self.pieces.as_slice() {
            [] => SourceMap::identity(0),
            [p] if p.ratio() == Some(1) && p.text_start == 0 => SourceMap::identity(p.source_start),
            _ => SourceMap {
                base: 0,
                pieces: self.pieces,
            },
        };
        (self.text, map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_shifted() {
        let m = SourceMap::identity(3);
        assert_eq!(m.to_source(0), 3);
        assert_eq!(m.span_to_source(Span::new(2, 5)), (5, 8));
    }

    #[test]
    fn entity_maps_to_whole_escape() {
        // source: "a &amp; b"  text: "a & b"
        let mut b = TextBuilder::default();
        b.push_verbatim("a ", 0);
        b.push_replaced("&", 2, 5);
        b.push_verbatim(" b", 7);
        let (text, map) = b.finish();
        assert_eq!(text, "a & b");
        assert_eq!(map.span_to_source(Span::new(2, 3)), (2, 7));
        assert_eq!(map.span_to_source(Span::new(4, 5)), (8, 9));
        assert_eq!(map.span_to_source(Span::new(0, 5)), (0, 9));
    }

    #[test]
    fn compose_latin1_then_markup() {
        // source bytes (latin-1): "<b>caf\xe9</b>"
        // decoded: "<b>café</b>" (é = 2 bytes)
        let mut d = TextBuilder::default();
        d.push_verbatim("<b>caf", 0);
        d.push_replaced("é", 6, 1);
        d.push_verbatim("</b>", 7);
        let (decoded, dmap) = d.finish();
        assert_eq!(&decoded[3..8], "café");
        let mut t = TextBuilder::default();
        t.push_verbatim(&decoded[3..8], 3);
        let (text, tmap) = t.finish();
        let full = tmap.compose(&dmap);
        assert_eq!(text, "café");
        assert_eq!(full.span_to_source(Span::new(0, 3)), (3, 6));
        assert_eq!(full.span_to_source(Span::new(3, 5)), (6, 7));
    }
}
