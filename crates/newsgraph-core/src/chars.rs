//! Byte ↔ char (Unicode scalar value) offsets for a text.
//!
//! Python, JavaScript (mostly) and several gold formats count code points,
//! while every span in newsgraph counts bytes. The index keeps one
//! checkpoint per [`STRIDE`] bytes so that a lookup scans at most one stride.

const STRIDE: usize = 256;

#[derive(Clone, Debug)]
pub struct CharIndex<'a> {
    text: &'a str,
    /// `checkpoints[i]` = number of chars in `text[..i * STRIDE]` (rounded
    /// down to a char boundary); empty when the text is ASCII.
    checkpoints: Vec<(u32, u32)>,
}

impl<'a> CharIndex<'a> {
    pub fn new(text: &'a str) -> CharIndex<'a> {
        if text.is_ascii() {
            return CharIndex {
                text,
                checkpoints: Vec::new(),
            };
        }
        let mut checkpoints = Vec::with_capacity(text.len() / STRIDE + 1);
        let mut next = 0usize;
        for (chars, (b, _)) in text.char_indices().enumerate() {
            if b >= next {
                checkpoints.push((b as u32, chars as u32));
                next = b + STRIDE;
            }
        }
        CharIndex { text, checkpoints }
    }

    /// Char offset of byte offset `byte` (rounded down to a char boundary;
    /// offsets past the end give the char length).
    pub fn char_of(&self, byte: usize) -> usize {
        let byte = byte.min(self.text.len());
        if self.checkpoints.is_empty() {
            return byte;
        }
        let i = self
            .checkpoints
            .partition_point(|&(b, _)| b as usize <= byte);
        let (b0, c0) = if i == 0 {
            (0, 0)
        } else {
            self.checkpoints[i - 1]
        };
        let between = self.text.get(b0 as usize..).unwrap_or("");
        let mut chars = c0 as usize;
        for (off, _) in between.char_indices() {
            if b0 as usize + off >= byte {
                return chars;
            }
            chars += 1;
        }
        chars
    }

    /// Byte offset of char offset `ch` (past the end gives the byte length).
    pub fn byte_of(&self, ch: usize) -> usize {
        if self.checkpoints.is_empty() {
            return ch.min(self.text.len());
        }
        let i = self.checkpoints.partition_point(|&(_, c)| c as usize <= ch);
        let (b0, c0) = if i == 0 {
            (0, 0)
        } else {
            self.checkpoints[i - 1]
        };
        let rest = self.text.get(b0 as usize..).unwrap_or("");
        match rest.char_indices().nth(ch - c0 as usize) {
            Some((off, _)) => b0 as usize + off,
            None => self.text.len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_on_mixed_text() {
        let text = "Iraq’s «al-Nujaba» — 2,500 ".repeat(40);
        let idx = CharIndex::new(&text);
        for (c, (b, _)) in text.char_indices().enumerate() {
            assert_eq!(idx.char_of(b), c);
            assert_eq!(idx.byte_of(c), b);
        }
        assert_eq!(idx.char_of(text.len()), text.chars().count());
    }
}
