//! Paragraphs, sentences and tokens.

use crate::Span;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paragraph {
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sentence {
    pub span: Span,
    /// Half-open range of indices into `Document::tokens`.
    pub tokens: (u32, u32),
    /// Index into `Document::paragraphs`.
    pub paragraph: u32,
}

impl Sentence {
    pub fn token_range(&self) -> std::ops::Range<usize> {
        self.tokens.0 as usize..self.tokens.1 as usize
    }
}

/// What a token is, as far as the segmenter can tell from its characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenKind {
    Word,
    Number,
    Punct,
    /// A quotation mark; `Token::quote` says which way it faces.
    Quote,
    Symbol,
    Url,
    Email,
    Hashtag,
    /// `@handle`
    Mention,
    Emoji,
}

/// Direction of a quotation mark token.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QuoteDir {
    Open,
    Close,
    /// A straight `"`/`'` whose direction the context did not settle.
    Unknown,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Token {
    pub span: Span,
    pub kind: TokenKind,
    /// Whitespace (or the end of the text) follows the token.
    pub space_after: bool,
    /// The token was split off the next token inside one whitespace-free
    /// word (`do|n't`, `Iraq|'s`): UD's multi-word tokens. Scorers join such
    /// runs back into one surface token.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub joined_next: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<QuoteDir>,
}
