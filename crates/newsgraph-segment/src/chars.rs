//! Byte-level character helpers for the scanner.

/// [`BYTE_CLASS`] bit: an ASCII byte that is not whitespace (continues a
/// whitespace-free chunk).
pub(crate) const B_CHUNK: u8 = 1;
/// [`BYTE_CLASS`] bit: `:` or `@` (a chunk that may hold a URL or e-mail).
pub(crate) const B_URLISH: u8 = 2;
/// [`BYTE_CLASS`] bit: an ASCII letter or digit.
pub(crate) const B_ALNUM: u8 = 4;

/// [`BYTE_CLASS`] bit: an ASCII uppercase letter.
pub(crate) const B_UPPER: u8 = 8;
/// [`BYTE_CLASS`] bit: an ASCII lowercase letter.
pub(crate) const B_LOWER: u8 = 16;
/// [`BYTE_CLASS`] bit: an ASCII digit.
pub(crate) const B_DIGIT: u8 = 32;

/// Classes of bytes (`B_*` bits); 0 for ASCII whitespace and for every
/// byte >= 0x80.
pub(crate) static BYTE_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 0x80 {
        let b = c as u8;
        let mut k = 0;
        if !matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c) {
            k |= B_CHUNK;
        }
        if b == b':' || b == b'@' {
            k |= B_URLISH;
        }
        if b.is_ascii_alphanumeric() {
            k |= B_ALNUM;
        }
        if b.is_ascii_uppercase() {
            k |= B_UPPER;
        }
        if b.is_ascii_lowercase() {
            k |= B_LOWER;
        }
        if b.is_ascii_digit() {
            k |= B_DIGIT;
        }
        t[c] = k;
        c += 1;
    }
    t
};

/// Whether `c` is an ASCII letter or digit (table lookup).
#[inline(always)]
pub(crate) fn is_alnum(c: u8) -> bool {
    BYTE_CLASS[c as usize] & B_ALNUM != 0
}

/// Length in bytes of the whitespace character starting at `b[i]`, or 0.
/// Covers every `char::is_whitespace` character.
#[inline]
pub(crate) fn ws_len(b: &[u8], i: usize) -> usize {
    let c = b[i];
    if c < 0x80 {
        return usize::from(matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c));
    }
    match c {
        0xC2 => match b.get(i + 1) {
            Some(0x85) | Some(0xA0) => 2,
            _ => 0,
        },
        0xE1 => (b.get(i + 1) == Some(&0x9A) && b.get(i + 2) == Some(&0x80)) as usize * 3,
        0xE2 => match (b.get(i + 1), b.get(i + 2)) {
            (Some(0x80), Some(&x))
                if (0x80..=0x8A).contains(&x) || matches!(x, 0xA8 | 0xA9 | 0xAF) =>
            {
                3
            }
            (Some(0x81), Some(0x9F)) => 3,
            _ => 0,
        },
        0xE3 => (b.get(i + 1) == Some(&0x80) && b.get(i + 2) == Some(&0x80)) as usize * 3,
        _ => 0,
    }
}

/// The char starting at byte `i` of `s` and its length (`i` must be a char
/// boundary inside `s`).
#[inline]
pub(crate) fn char_at(s: &str, i: usize) -> (char, usize) {
    let b = s.as_bytes()[i];
    if b < 0x80 {
        return (b as char, 1);
    }
    match s[i..].chars().next() {
        Some(c) => (c, c.len_utf8()),
        None => ('\0', 1),
    }
}

/// The char ending at byte `i` (exclusive) of `s`, if any.
#[inline]
pub(crate) fn char_before(s: &str, i: usize) -> Option<char> {
    s.get(..i)?.chars().next_back()
}

/// Combining marks and joiners that continue the preceding word.
#[inline]
pub(crate) fn is_mark(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F | 0x0483..=0x0489 | 0x0591..=0x05BD | 0x0610..=0x061A
        | 0x064B..=0x065F | 0x0670 | 0x06D6..=0x06ED | 0x0900..=0x0903 | 0x093A..=0x094F
        | 0x0951..=0x0957 | 0x0962..=0x0963 | 0x0981..=0x0983 | 0x09BC..=0x09D7
        | 0x0E31 | 0x0E34..=0x0E3A | 0x0E47..=0x0E4E | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF
        | 0x200C | 0x200D | 0x20D0..=0x20FF | 0xFE00..=0xFE0F | 0xFE20..=0xFE2F | 0x00AD)
}

/// Letters, digits and the marks that continue them.
#[inline]
pub(crate) fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    c.is_alphanumeric() || is_mark(c)
}

/// Pictographic emoji (and symbols commonly drawn as emoji).
#[inline]
pub(crate) fn is_emoji(c: char) -> bool {
    matches!(c as u32,
        0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2B50..=0x2B55 | 0x231A..=0x231B
        | 0x23E9..=0x23FA | 0x2934..=0x2935 | 0x2B05..=0x2B07 | 0x3030 | 0x303D)
}

/// Characters that extend an emoji (variation selectors, skin tones, ZWJ,
/// tags, keycap).
#[inline]
pub(crate) fn is_emoji_modifier(c: char) -> bool {
    matches!(c as u32, 0xFE0E | 0xFE0F | 0x200D | 0x1F3FB..=0x1F3FF | 0xE0020..=0xE007F | 0x20E3)
}

/// Opening brackets (and, for quote-direction decisions, dashes).
#[inline]
pub(crate) fn is_opening(c: char) -> bool {
    matches!(
        c,
        '(' | '[' | '{' | '<' | '“' | '‘' | '«' | '„' | '‚' | '‹' | '—' | '–' | '-' | '/'
    )
}
