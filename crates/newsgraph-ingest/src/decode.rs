//! Bytes → UTF-8 text plus a map from text offsets to file offsets.

use newsgraph_core::{Diagnostic, SourceMap, TextBuilder};
use std::borrow::Cow;

/// Decoded text of a byte slice that starts at file offset `base`.
#[derive(Debug)]
pub(crate) struct Decoded<'a> {
    pub text: Cow<'a, str>,
    /// Text offset → file offset.
    pub map: SourceMap,
    pub encoding: &'static str,
    pub diagnostics: Vec<Diagnostic>,
}

const STAGE: &str = "ingest";

/// Decodes `bytes` (located at file offset `base`). Never fails: invalid
/// sequences become U+FFFD with a diagnostic; NUL bytes are dropped.
pub(crate) fn decode(bytes: &[u8], base: u64) -> Decoded<'_> {
    let mut d = decode_inner(bytes, base);
    if memchr::memchr(0, d.text.as_bytes()).is_some() {
        let n = d.text.bytes().filter(|&b| b == 0).count();
        let mut tb = TextBuilder::with_capacity(d.text.len());
        for (i, part) in d.text.split('\0').enumerate() {
            let _ = i;
            let start = part.as_ptr() as usize - d.text.as_ptr() as usize;
            tb.push_verbatim(part, start as u64);
        }
        let (text, m) = tb.finish();
        d.map = m.compose(&d.map);
        d.text = Cow::Owned(text);
        d.diagnostics.push(Diagnostic::warning(
            STAGE,
            "nul-bytes",
            format!("{n} NUL byte(s) removed"),
        ));
    }
    d
}

fn decode_inner(bytes: &[u8], base: u64) -> Decoded<'_> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return decode_utf8(rest, base + 3);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return decode_utf16(rest, base + 2, false);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return decode_utf16(rest, base + 2, true);
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Decoded {
            text: Cow::Borrowed(s),
            map: SourceMap::identity(base),
            encoding: "UTF-8",
            diagnostics: Vec::new(),
        },
        Err(_) => {
            if looks_like_broken_utf8(bytes) {
                decode_utf8(bytes, base)
            } else {
                decode_legacy(bytes, base)
            }
        }
    }
}

/// Invalid UTF-8 that still has more valid multi-byte sequences than
/// invalid ones is treated as damaged UTF-8 rather than a legacy encoding.
fn looks_like_broken_utf8(bytes: &[u8]) -> bool {
    let (mut multi, mut bad) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        multi += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        if !chunk.invalid().is_empty() {
            bad += 1;
        }
    }
    multi > bad
}

fn decode_utf8(bytes: &[u8], base: u64) -> Decoded<'_> {
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Decoded {
            text: Cow::Borrowed(s),
            map: SourceMap::identity(base),
            encoding: "UTF-8",
            diagnostics: Vec::new(),
        };
    }
    let mut tb = TextBuilder::with_capacity(bytes.len() + 16);
    let mut pos = 0u64;
    let mut first_bad = None;
    let mut bad = 0usize;
    for chunk in bytes.utf8_chunks() {
        tb.push_verbatim(chunk.valid(), base + pos);
        pos += chunk.valid().len() as u64;
        let inv = chunk.invalid();
        if !inv.is_empty() {
            first_bad.get_or_insert(base + pos);
            bad += 1;
            tb.push_replaced("\u{FFFD}", base + pos, inv.len() as u64);
            pos += inv.len() as u64;
        }
    }
    let (text, map) = tb.finish();
    let mut diagnostics = Vec::new();
    if let Some(at) = first_bad {
        diagnostics.push(Diagnostic::warning(
            STAGE,
            "lossy-decoding",
            format!("{bad} invalid UTF-8 sequence(s) replaced by U+FFFD, first at byte {at}"),
        ));
    }
    Decoded {
        text: Cow::Owned(text),
        map,
        encoding: "UTF-8",
        diagnostics,
    }
}

fn decode_utf16(bytes: &[u8], base: u64, be: bool) -> Decoded<'_> {
    let unit = |i: usize| -> u16 {
        let (a, b) = (bytes[i], bytes[i + 1]);
        if be {
            u16::from_be_bytes([a, b])
        } else {
            u16::from_le_bytes([a, b])
        }
    };
    let n = bytes.len() / 2;
    let mut tb = TextBuilder::with_capacity(n + 16);
    let mut ascii = String::new();
    let mut ascii_start = 0usize;
    let mut bad = 0usize;
    let mut i = 0usize;
    let flush = |tb: &mut TextBuilder, ascii: &mut String, start: usize| {
        if !ascii.is_empty() {
            tb.push_replaced(ascii, base + start as u64, 2 * ascii.len() as u64);
            ascii.clear();
        }
    };
    while i < n {
        let u = unit(2 * i);
        if u < 0x80 {
            if ascii.is_empty() {
                ascii_start = 2 * i;
            }
            ascii.push(u as u8 as char);
            i += 1;
            continue;
        }
        flush(&mut tb, &mut ascii, ascii_start);
        let at = base + 2 * i as u64;
        let mut buf = [0u8; 4];
        if (0xD800..0xDC00).contains(&u) && i + 1 < n {
            let lo = unit(2 * i + 2);
            if (0xDC00..0xE000).contains(&lo) {
                let c = 0x10000 + ((u32::from(u) - 0xD800) << 10) + (u32::from(lo) - 0xDC00);
                let ch = char::from_u32(c).unwrap_or('\u{FFFD}');
                tb.push_replaced(ch.encode_utf8(&mut buf), at, 4);
                i += 2;
                continue;
            }
        }
        let ch = match char::from_u32(u32::from(u)) {
            Some(c) => c,
            None => {
                bad += 1;
                '\u{FFFD}'
            }
        };
        tb.push_replaced(ch.encode_utf8(&mut buf), at, 2);
        i += 1;
    }
    flush(&mut tb, &mut ascii, ascii_start);
    let mut diagnostics = Vec::new();
    if bytes.len() % 2 == 1 {
        bad += 1;
    }
    if bad > 0 {
        diagnostics.push(Diagnostic::warning(
            STAGE,
            "lossy-decoding",
            format!("{bad} invalid UTF-16 unit(s) replaced or dropped"),
        ));
    }
    let (text, map) = tb.finish();
    Decoded {
        text: Cow::Owned(text),
        map,
        encoding: if be { "UTF-16BE" } else { "UTF-16LE" },
        diagnostics,
    }
}

fn decode_legacy(bytes: &[u8], base: u64) -> Decoded<'_> {
    let mut det = chardetng::EncodingDetector::new();
    det.feed(bytes, true);
    let mut enc = det.guess(None, false);
    if enc == encoding_rs::UTF_8 {
        enc = encoding_rs::WINDOWS_1252;
    }
    let mut tb = TextBuilder::with_capacity(bytes.len() + bytes.len() / 4);
    let mut bad = 0usize;
    if enc.is_single_byte() {
        // One table lookup per high byte; ASCII runs are copied verbatim.
        let mut table: Vec<String> = Vec::with_capacity(128);
        for b in 0x80u8..=0xFF {
            let one = [b];
            let (s, _) = enc.decode_without_bom_handling(&one);
            table.push(s.into_owned());
        }
        let mut i = 0;
        while i < bytes.len() {
            let run = bytes[i..]
                .iter()
                .position(|&b| b >= 0x80)
                .unwrap_or(bytes.len() - i);
            if run > 0 {
                let s = std::str::from_utf8(&bytes[i..i + run]).unwrap_or("");
                tb.push_verbatim(s, base + i as u64);
                i += run;
                continue;
            }
            let s = &table[usize::from(bytes[i] - 0x80)];
            if s == "\u{FFFD}" {
                bad += 1;
            }
            tb.push_replaced(s, base + i as u64, 1);
            i += 1;
        }
    } else {
        // Multi-byte legacy encodings: feed byte by byte so that every
        // character maps to the bytes that completed it.
        let mut dec = enc.new_decoder_without_bom_handling();
        let mut out = String::with_capacity(64);
        let mut pending = 0usize;
        for i in 0..bytes.len() {
            out.clear();
            let last = i + 1 == bytes.len();
            let (_, _, had_err) = dec.decode_to_string(&bytes[i..i + 1], &mut out, last);
            if had_err {
                bad += 1;
            }
            if !out.is_empty() {
                tb.push_replaced(&out, base + pending as u64, (i + 1 - pending) as u64);
                pending = i + 1;
            }
        }
    }
    let mut diagnostics = vec![Diagnostic::info(
        STAGE,
        "legacy-encoding",
        format!("not UTF-8; decoded as {}", enc.name()),
    )];
    if bad > 0 {
        diagnostics.push(Diagnostic::warning(
            STAGE,
            "lossy-decoding",
            format!("{bad} byte sequence(s) invalid in {}", enc.name()),
        ));
    }
    let (text, map) = tb.finish();
    Decoded {
        text: Cow::Owned(text),
        map,
        encoding: enc.name(),
        diagnostics,
    }
}

/// Control bytes that do not occur in text: everything below 0x20 but tab,
/// newline, carriage return, form feed and escape; and DEL.
#[inline(always)]
fn is_control(b: u8) -> bool {
    (b < 0x20 && b != b'\t' && b != b'\n' && b != b'\r' && b != 0x0C && b != 0x1B) || b == 0x7F
}

/// Share of control bytes in `head` that make a file binary, or `None`.
pub(crate) fn binary_reason(bytes: &[u8]) -> Option<String> {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"\x89PNG", "PNG image"),
        (b"\x7FELF", "ELF executable"),
        (b"PK\x03\x04", "zip archive"),
        (b"%PDF", "PDF document"),
        (b"GIF8", "GIF image"),
        (b"\xFF\xD8\xFF", "JPEG image"),
        (b"BZh", "bzip2 stream"),
        (b"\xFD7zXZ", "xz stream"),
        (b"\x28\xB5\x2F\xFD", "zstd stream"),
    ];
    for (m, what) in MAGIC {
        if bytes.starts_with(m) {
            return Some(format!("binary content: {what}"));
        }
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return None;
    }
    let head = &bytes[..bytes.len().min(8192)];
    if head.is_empty() {
        return None;
    }
    // Byte comparisons summed as bytes vectorise (a table lookup per byte
    // does not); this runs on every input.
    let ctrl: usize = head
        .chunks(255)
        .map(|c| c.iter().map(|&b| u8::from(is_control(b))).sum::<u8>() as usize)
        .sum();
    let pct = ctrl * 100 / head.len();
    (ctrl * 10 > head.len()).then(|| format!("binary content: {pct}% control bytes"))
}
