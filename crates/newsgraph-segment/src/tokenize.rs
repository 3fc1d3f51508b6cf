//! Tokenizer: UD English (EWT/GUM) conventions over exact byte spans.

use crate::abbrev::{
    abbrev, fused_split, is_arabic_particle, is_hyphen_prefix, is_number_suffix, Abbrev,
};
use crate::chars::{
    char_at, char_before, is_alnum, is_emoji, is_emoji_modifier, is_mark, is_opening, is_word_char,
    ws_len, BYTE_CLASS, B_CHUNK, B_URLISH,
};
use crate::Options;
use newsgraph_core::{QuoteDir, Span, Token, TokenKind};

/// Tokenizes one paragraph `text[start..end]`, appending to `out`.
pub(crate) struct Tokenizer<'a> {
    text: &'a str,
    b: &'a [u8],
    out: &'a mut Vec<Token>,
    opts: &'a Options,
    /// A straight `"` is open (for direction guesses).
    dq_open: bool,
    /// A straight `'` or `‘` quote is open (for `s'` possessives).
    sq_open: bool,
    /// A German-style `„` is open: the next `“` closes it.
    low9_open: bool,
}

impl<'a> Tokenizer<'a> {
    pub(crate) fn new(text: &'a str, out: &'a mut Vec<Token>, opts: &'a Options) -> Tokenizer<'a> {
        Tokenizer {
            text,
            b: text.as_bytes(),
            out,
            opts,
            dq_open: false,
            sq_open: false,
            low9_open: false,
        }
    }

    /// Tokenizes `start..end` (a paragraph: it starts and ends with
    /// non-whitespace).
    pub(crate) fn run(&mut self, start: usize, end: usize) {
        let b = self.b;
        let mut i = start;
        while i < end {
            let c = b[i];
            if c < 0x80 {
                if BYTE_CLASS[c as usize] & B_CHUNK == 0 {
                    i += 1;
                    continue;
                }
            } else {
                let w = ws_len(b, i);
                if w > 0 {
                    i += w;
                    continue;
                }
            }
            let cs = i;
            let mut urlish = 0u8;
            let rest = &b[..end];
            while let Some(&c) = rest.get(i) {
                let k = BYTE_CLASS[c as usize];
                if k & B_CHUNK != 0 {
                    urlish |= k & B_URLISH;
                    i += 1;
                } else if c >= 0x80 && ws_len(b, i) == 0 {
                    i += 1;
                } else {
                    break;
                }
            }
            // `i` may sit inside a multi-byte char only if that char is not
            // whitespace, in which case the loop went past it: fine.
            let before = self.out.len();
            self.chunk(cs, i, urlish & B_URLISH != 0);
            if self.out.len() > before {
                if let Some(t) = self.out.last_mut() {
                    t.space_after = true;
                }
            }
        }
    }

    #[inline]
    fn push(&mut self, s: usize, e: usize, kind: TokenKind) {
        if s < e {
            self.out.push(Token {
                span: Span::new(s, e),
                kind,
                space_after: false,
                joined_next: false,
                quote: None,
            });
        }
    }

    #[inline]
    fn push_joined(&mut self, s: usize, e: usize, kind: TokenKind) {
        if s < e {
            self.out.push(Token {
                span: Span::new(s, e),
                kind,
                space_after: false,
                joined_next: true,
                quote: None,
            });
        }
    }

    #[inline]
    fn push_quote(&mut self, s: usize, e: usize, dir: QuoteDir) {
        self.out.push(Token {
            span: Span::new(s, e),
            kind: TokenKind::Quote,
            space_after: false,
            joined_next: false,
            quote: Some(dir),
        });
    }

    /// A whitespace-free run `cs..ce`; `urlish` when it holds `:` or `@`.
    #[inline]
    fn chunk(&mut self, cs: usize, ce: usize, urlish: bool) {
        let chunk = &self.b[cs..ce];
        if chunk.len() >= 4 && urlish
            || starts_with_ci(chunk, b"www.")
            || (chunk.len() > 5
                && (chunk[0] == b'(' || chunk[0] == b'<' || chunk[0] == b'"')
                && starts_with_ci(&chunk[1..], b"www."))
        {
            if let Some((us, ue, kind)) = self.find_url(cs, ce) {
                self.plain(cs, us, cs);
                self.push(us, ue, kind);
                self.plain(ue, ce, cs);
                return;
            }
        }
        self.plain(cs, ce, cs);
    }

    /// Finds a URL or e-mail address in the chunk, without its surrounding
    /// punctuation.
    fn find_url(&self, cs: usize, ce: usize) -> Option<(usize, usize, TokenKind)> {
        let b = self.b;
        let mut s = cs;
        while s < ce && matches!(b[s], b'(' | b'[' | b'{' | b'<' | b'"' | b'\'') {
            s += 1;
        }
        let mut e = ce;
        loop {
            if e <= s {
                return None;
            }
            let last = b[e - 1];
            let strip = match last {
                b'.' | b',' | b';' | b':' | b'!' | b'?' | b']' | b'}' | b'>' | b'"' | b'\'' => true,
                b')' => {
                    let core = &b[s..e];
                    core.iter().filter(|&&c| c == b'(').count()
                        < core.iter().filter(|&&c| c == b')').count()
                }
                _ => false,
            };
            if strip {
                e -= 1;
                continue;
            }
            // Curly closing quotes (3 bytes).
            if e - s >= 3 && b[e - 3] == 0xE2 && b[e - 2] == 0x80 && matches!(b[e - 1], 0x9D | 0x99)
            {
                e -= 3;
                continue;
            }
            break;
        }
        let core = &b[s..e];
        if core.len() < 4 {
            return None;
        }
        if let Some(p) = memchr::memmem::find(core, b"://") {
            if p > 0 && core[..p].iter().all(|c| c.is_ascii_alphabetic()) && core.len() > p + 3 {
                return Some((s, e, TokenKind::Url));
            }
        }
        if starts_with_ci(core, b"www.") && core.len() > 5 {
            return Some((s, e, TokenKind::Url));
        }
        if starts_with_ci(core, b"mailto:") {
            return Some((s, e, TokenKind::Email));
        }
        if let Some(p) = memchr::memchr(b'@', core) {
            let local = &core[..p];
            let domain = &core[p + 1..];
            if !local.is_empty()
                && !domain.is_empty()
                && local[0].is_ascii_alphanumeric()
                && local.iter().all(|&c| {
                    c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'%' | b'+' | b'-')
                })
                && domain[0].is_ascii_alphanumeric()
                && domain
                    .iter()
                    .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-'))
                && domain.contains(&b'.')
            {
                return Some((s, e, TokenKind::Email));
            }
        }
        None
    }

    /// Tokenizes `s..e`, part of the chunk that starts at `cs`.
    fn plain(&mut self, s: usize, e: usize, cs: usize) {
        let text = self.text;
        let b = self.b;
        let mut i = s;
        while i < e {
            let x = b[i];
            if is_alnum(x) {
                i = self.word(i, e);
                continue;
            }
            let (c, l) = char_at(text, i);
            if x >= 0x80 && is_word_char(c) && !is_mark(c) {
                i = self.word(i, e);
                continue;
            }
            // The char after `c`, when it matters.
            let next = || next_char(text, i + l, e);
            match c {
                '#' if next().is_some_and(|n| n.is_alphabetic()) => {
                    let end = self.scan_handle(i + 1, e);
                    self.push(i, end, TokenKind::Hashtag);
                    i = end;
                }
                '@' if next().is_some_and(|n| n.is_alphanumeric() || n == '_') => {
                    let end = self.scan_handle(i + 1, e);
                    self.push(i, end, TokenKind::Mention);
                    i = end;
                }
                '.' | '!' | '?' | '…' => {
                    let mut j = i + l;
                    loop {
                        if j < e && matches!(b[j], b'.' | b'!' | b'?') {
                            j += 1;
                        } else if j + 3 <= e && &b[j..j + 3] == "…".as_bytes() {
                            j += 3;
                        } else {
                            break;
                        }
                    }
                    self.push(i, j, TokenKind::Punct);
                    i = j;
                }
                '-' | '—' | '–' | '―' | '‒' | '=' | '*' | '~' | '_' | '+' | '<' | '>' | '^' =>
                {
                    if let Some(n) = self.emoticon(i, e, cs) {
                        self.push(i, i + n, TokenKind::Emoji);
                        i += n;
                        continue;
                    }
                    let mut j = i + l;
                    while j < e && text[j..].starts_with(c) {
                        j += l;
                    }
                    let kind = if matches!(c, '-' | '—' | '–' | '―' | '‒') {
                        TokenKind::Punct
                    } else {
                        TokenKind::Symbol
                    };
                    self.push(i, j, kind);
                    i = j;
                }
                ':' | ';' => {
                    if let Some(n) = self.emoticon(i, e, cs) {
                        self.push(i, i + n, TokenKind::Emoji);
                        i += n;
                        continue;
                    }
                    self.push(i, i + l, TokenKind::Punct);
                    i += l;
                }
                ',' | '(' | ')' | '[' | ']' | '{' | '}' | '¡' | '¿' | '·' | '•' | '、' | '。'
                | '，' | '；' | '：' | '！' | '？' | '（' | '）' => {
                    if c == '(' || c == ')' {
                        if let Some(n) = self.emoticon(i, e, cs) {
                            self.push(i, i + n, TokenKind::Emoji);
                            i += n;
                            continue;
                        }
                    }
                    self.push(i, i + l, TokenKind::Punct);
                    i += l;
                }
                '"' | '＂' => {
                    let dir = self.straight_dir(i, i + l, e, cs, self.dq_open);
                    self.dq_open = dir == QuoteDir::Open;
                    self.push_quote(i, i + l, dir);
                    i += l;
                }
                '\'' => {
                    if next() == Some('\'') {
                        // `''` is a double quotation mark (typewriter style
                        // for both ends: `''Tell that to them,'' he said`),
                        // its direction read from its context like `"`.
                        let dir = self.straight_dir(i, i + 2, e, cs, self.dq_open);
                        self.dq_open = dir == QuoteDir::Open;
                        self.push_quote(i, i + 2, dir);
                        i += 2;
                        continue;
                    }
                    let dir = self.straight_dir(i, i + l, e, cs, self.sq_open);
                    self.sq_open = dir == QuoteDir::Open;
                    self.push_quote(i, i + l, dir);
                    i += l;
                }
                '`' => {
                    let n = if next() == Some('`') { 2 } else { 1 };
                    self.push_quote(i, i + n, QuoteDir::Open);
                    i += n;
                }
                '“' => {
                    let dir = if self.low9_open {
                        QuoteDir::Close
                    } else {
                        QuoteDir::Open
                    };
                    self.low9_open = false;
                    self.push_quote(i, i + l, dir);
                    i += l;
                }
                '„' => {
                    self.low9_open = true;
                    self.push_quote(i, i + l, QuoteDir::Open);
                    i += l;
                }
                '‘' => {
                    self.sq_open = true;
                    self.push_quote(i, i + l, QuoteDir::Open);
                    i += l;
                }
                '’' => {
                    self.sq_open = false;
                    self.push_quote(i, i + l, QuoteDir::Close);
                    i += l;
                }
                '«' | '‚' | '‹' | '‟' | '‛' | '「' | '『' => {
                    self.push_quote(i, i + l, QuoteDir::Open);
                    i += l;
                }
                '”' | '»' | '›' | '」' | '』' => {
                    self.push_quote(i, i + l, QuoteDir::Close);
                    i += l;
                }
                _ if is_emoji(c) || (0x1F1E6..=0x1F1FF).contains(&(c as u32)) => {
                    let mut j = i + l;
                    let ri = (0x1F1E6..=0x1F1FF).contains(&(c as u32));
                    if ri && j < e {
                        let (n, nl) = char_at(text, j);
                        if (0x1F1E6..=0x1F1FF).contains(&(n as u32)) {
                            j += nl;
                        }
                    }
                    while j < e {
                        let (n, nl) = char_at(text, j);
                        if is_emoji_modifier(n) {
                            j += nl;
                            if n == '\u{200D}' && j < e {
                                let (m, ml) = char_at(text, j);
                                if is_emoji(m) {
                                    j += ml;
                                }
                            }
                        } else {
                            break;
                        }
                    }
                    self.push(i, j, TokenKind::Emoji);
                    i = j;
                }
                _ => {
                    // Other symbols; a run of marks stays with it.
                    let mut j = i + l;
                    while j < e {
                        let (n, nl) = char_at(text, j);
                        if is_mark(n) {
                            j += nl;
                        } else {
                            break;
                        }
                    }
                    let kind = if matches!(c, '/' | '\\' | '|') {
                        TokenKind::Punct
                    } else {
                        TokenKind::Symbol
                    };
                    self.push(i, j, kind);
                    i = j;
                }
            }
        }
    }

    fn scan_handle(&self, mut j: usize, e: usize) -> usize {
        while j < e {
            let (c, l) = char_at(self.text, j);
            if is_word_char(c) || c == '_' {
                j += l;
            } else {
                break;
            }
        }
        j
    }

    /// An emoticon at `i` that is a whole chunk (or ends it): its length.
    fn emoticon(&self, i: usize, e: usize, cs: usize) -> Option<usize> {
        const EMOTICONS: &[&[u8]] = &[
            b":-)", b":-(", b";-)", b":-D", b":-P", b":-p", b":-/", b">:(", b"^_^", b"^^", b":)",
            b":(", b";)", b":D", b":P", b":p", b";P", b"=)", b"=(", b"<3", b":/", b":|", b"8)",
            b"(:", b"):", b"xD", b"XD", b":o", b":O",
        ];
        let rest = &self.b[i..e];
        for emo in EMOTICONS {
            if rest.starts_with(emo) {
                let n = emo.len();
                // Must stand alone: start of chunk or after a non-word, and
                // followed by the chunk end or punctuation.
                let after_ok =
                    i + n == e || matches!(self.b[i + n], b'.' | b',' | b'!' | b'?' | b')');
                let before_ok = i == cs || !self.b[i - 1].is_ascii_alphanumeric();
                if after_ok && before_ok && (i == cs || i + n == e) {
                    return Some(n);
                }
            }
        }
        None
    }

    /// Direction of a straight quote at `i..j` from its context.
    fn straight_dir(&self, i: usize, j: usize, e: usize, cs: usize, open: bool) -> QuoteDir {
        let before_space = i == cs || char_before(self.text, i).is_some_and(is_opening);
        let after_space = j >= e || {
            let (n, _) = char_at(self.text, j);
            matches!(
                n,
                '.' | ',' | ';' | ':' | '!' | '?' | ')' | ']' | '}' | '”' | '’' | '…'
            ) || (n == '-' && !is_word_char(char_at(self.text, (j + 1).min(e - 1)).0))
        };
        match (before_space, after_space) {
            (true, false) => QuoteDir::Open,
            (false, true) => QuoteDir::Close,
            _ => {
                if open {
                    QuoteDir::Close
                } else {
                    QuoteDir::Open
                }
            }
        }
    }

    /// Scans a word starting at `start` (a letter or digit); emits its
    /// token(s) and returns the end.
    fn word(&mut self, start: usize, e: usize) -> usize {
        let text = self.text;
        let b = self.b;
        let mut seg = start; // start of the token being built
        let mut part = start; // start of the part after the last hyphen
        let mut j = start;
        let mut dotted = false;
        loop {
            let upto = &b[..e];
            while let Some(&x) = upto.get(j) {
                if is_alnum(x) {
                    j += 1;
                    continue;
                }
                if x < 0x80 {
                    break;
                }
                let (c, l) = char_at(text, j);
                if is_word_char(c) {
                    j += l;
                } else {
                    break;
                }
            }
            if j >= e {
                break;
            }
            let c = b[j];
            let prev = b[j - 1];
            let next = if j + 1 < e { b[j + 1] } else { 0 };
            match c {
                b'.' if next.is_ascii_alphanumeric() => {
                    dotted = true;
                    j += 1;
                }
                b',' if prev.is_ascii_digit()
                    && b[seg].is_ascii_digit()
                    && j + 4 <= e
                    && b[j + 1..j + 4].iter().all(u8::is_ascii_digit)
                    && (j + 4 == e || !b[j + 4].is_ascii_alphanumeric()) =>
                {
                    j += 4;
                }
                b':' | b'/' if prev.is_ascii_digit() && next.is_ascii_digit() => j += 1,
                b'&' if prev.is_ascii_uppercase() && next.is_ascii_uppercase() => j += 1,
                b'_' if next.is_ascii_alphanumeric() => j += 1,
                b'-' if j + 1 < e && is_word_char(char_at(text, j + 1).0) => {
                    let left = &b[part..j];
                    if (prev.is_ascii_digit() && next.is_ascii_digit() && b[seg].is_ascii_digit())
                        || is_hyphen_prefix(left)
                        || (self.opts.keep_arabic_particles && is_arabic_particle(left))
                    {
                        j += 1;
                        part = j;
                    } else {
                        self.emit_word(seg, j, false);
                        self.push(j, j + 1, TokenKind::Punct);
                        j += 1;
                        seg = j;
                        part = j;
                        dotted = false;
                    }
                }
                b'\'' | 0xE2 => {
                    let al = if c == b'\'' {
                        1
                    } else if next == 0x80 && b.get(j + 2) == Some(&0x99) {
                        3
                    } else {
                        break;
                    };
                    let after = j + al;
                    if after < e && is_word_char(char_at(text, after).0) {
                        let mut k = after;
                        while k < e && b[k].is_ascii_alphabetic() {
                            k += 1;
                        }
                        let ends = k >= e || !is_word_char(char_at(text, k).0);
                        let suf = &b[after..k];
                        if ends && j > seg && is_clitic(suf) {
                            self.emit_contracted(seg, j);
                            self.push(j, k, TokenKind::Word);
                            return k;
                        }
                        if ends
                            && j > seg + 1
                            && suf.eq_ignore_ascii_case(b"t")
                            && matches!(b[j - 1], b'n' | b'N')
                        {
                            self.emit_contracted(seg, j - 1);
                            self.push(j - 1, k, TokenKind::Word);
                            return k;
                        }
                        j = after;
                    } else {
                        // Trailing apostrophe: plural possessive (`parents'`).
                        // Not the first half of a closing `''` (`the voters''`).
                        if matches!(prev, b's' | b'S')
                            && !self.sq_open
                            && j > seg + 1
                            && b.get(after) != Some(&b'\'')
                        {
                            self.emit_contracted(seg, j);
                            self.push(j, after, TokenKind::Word);
                            return after;
                        }
                        break;
                    }
                }
                _ => break,
            }
        }
        // Final period: abbreviation, initial or dotted acronym.
        let mut end = j;
        if j < e && b[j] == b'.' && !(j + 1 < e && b[j + 1] == b'.') {
            let word = &b[part..j];
            let acronym = dotted
                && word.iter().any(u8::is_ascii_alphabetic)
                && !word.iter().any(u8::is_ascii_digit);
            let initial = word.len() == 1 && word[0].is_ascii_uppercase();
            let absorb = acronym
                || initial
                || match abbrev(word, self.next_nonspace_is_digit(j + 1)) {
                    Abbrev::No => self.opts.extra_abbrev(word),
                    _ => true,
                };
            if absorb {
                end = j + 1;
            }
        }
        if end > j {
            // `U.K.'s`: possessive after an abbreviation.
            let rest = &b[end..e];
            let al = if rest.starts_with(b"'") {
                1
            } else if rest.starts_with("’".as_bytes()) {
                3
            } else {
                0
            };
            if al > 0
                && matches!(rest.get(al), Some(b's' | b'S'))
                && !rest.get(al + 1).is_some_and(u8::is_ascii_alphanumeric)
            {
                self.push_joined(seg, end, TokenKind::Word);
                self.push(end, end + al + 1, TokenKind::Word);
                return end + al + 1;
            }
        }
        self.emit_word(seg, end, end > j);
        end
    }

    fn next_nonspace_is_digit(&self, mut i: usize) -> bool {
        let b = self.b;
        while i < b.len() {
            let w = ws_len(b, i);
            if w == 0 {
                return b[i].is_ascii_digit();
            }
            i += w;
        }
        false
    }

    /// Emits the part of a word before a clitic (`do` of `don't`).
    fn emit_contracted(&mut self, s: usize, e: usize) {
        let kind = if self.b[s].is_ascii_digit() {
            TokenKind::Number
        } else {
            TokenKind::Word
        };
        self.push_joined(s, e, kind);
    }

    /// Emits a finished word `s..e`: splits number+unit (`5m` → `5 m`) and
    /// fused contractions (`gonna` → `gon na`).
    fn emit_word(&mut self, s: usize, e: usize, abbr: bool) {
        let b = self.b;
        if s >= e {
            return;
        }
        if b[s].is_ascii_digit() {
            if !abbr {
                if let Some(p) = b[s..e].iter().position(u8::is_ascii_alphabetic) {
                    let unit = &b[s + p..e];
                    if unit.iter().all(u8::is_ascii_alphabetic)
                        && !is_number_suffix(unit)
                        && b[s + p - 1].is_ascii_digit()
                    {
                        self.push(s, s + p, TokenKind::Number);
                        self.push(s + p, e, TokenKind::Word);
                        return;
                    }
                }
            }
            let kind = if b[s..e].iter().any(u8::is_ascii_alphabetic) {
                TokenKind::Word
            } else {
                TokenKind::Number
            };
            self.push(s, e, kind);
            return;
        }
        if !abbr {
            if let Some(k) = fused_split(&b[s..e]) {
                self.push_joined(s, s + k, TokenKind::Word);
                self.push(s + k, e, TokenKind::Word);
                return;
            }
        }
        self.push(s, e, TokenKind::Word);
    }
}

/// The char at `k` when `k < e`.
#[inline]
fn next_char(text: &str, k: usize, e: usize) -> Option<char> {
    if k < e {
        Some(char_at(text, k).0)
    } else {
        None
    }
}

fn is_clitic(suf: &[u8]) -> bool {
    let mut buf = [0u8; 16];
    matches!(
        crate::abbrev::lower(suf, &mut buf),
        Some(b"s" | b"m" | b"d" | b"ll" | b"re" | b"ve")
    )
}

fn starts_with_ci(b: &[u8], p: &[u8]) -> bool {
    b.len() >= p.len() && b[..p.len()].eq_ignore_ascii_case(p)
}
