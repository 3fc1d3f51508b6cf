//! User search text, as FTS5 queries over indexes without token positions.
//!
//! The full-text indexes are built with `detail=none` (schema 7): they know
//! which rows hold a word, not where, which makes them about a quarter of
//! the size of positional ones, but FTS5 then refuses phrase queries. So a
//! search is parsed here into alternatives (`OR`) of terms that must all
//! match; a term is one or more words (`"armed groups"`, or `U.S.`, which
//! the tokenizer splits in two). FTS5 is given every word of every term, so
//! it finds the rows holding all of them; when some term has more than one
//! word, the `newsgraph_search(search, column, …)` SQL function then keeps
//! only the rows where each such term's words stand next to each other, in
//! order, in one column — what a positional index would have answered.
//!
//! Words are split and folded as FTS5's `unicode61 remove_diacritics 2`
//! tokenizer does: runs of letters and digits, lower-cased, diacritics
//! removed.

use rusqlite::functions::{Context, FunctionFlags};
use rusqlite::types::ValueRef;
use rusqlite::Connection;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// One term: words that must stand together (the last one may be a prefix).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Term {
    /// As written (for FTS5, which folds them itself).
    words: Vec<String>,
    /// Folded (for [`Search::matches`]).
    folded: Vec<String>,
    prefix: bool,
}

/// A parsed search: any one of `groups` matches when all its terms do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Search {
    groups: Vec<Vec<Term>>,
}

/// The words of `s` as the tokenizer sees them: runs of letters and digits.
fn words(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// Lower case without diacritics (`Bogotá` → `bogota`).
fn fold(word: &str) -> String {
    if word.is_ascii() {
        return word.to_ascii_lowercase();
    }
    word.nfd()
        .filter(|&c| !is_combining_mark(c))
        .flat_map(char::to_lowercase)
        .collect()
}

impl Search {
    /// Words and `"quoted phrases"` must all match; `OR` between two terms
    /// separates alternatives; a trailing `*` on a word searches by prefix.
    /// Punctuation is never syntax. `None` when there is nothing to search
    /// for.
    pub fn parse(input: &str) -> Option<Search> {
        let mut groups: Vec<Vec<Term>> = vec![Vec::new()];
        let mut chars = input.chars().peekable();
        let term = |text: &str, prefix: bool| -> Option<Term> {
            let words: Vec<String> = words(text).map(str::to_string).collect();
            let folded = words.iter().map(|w| fold(w)).collect();
            (!words.is_empty()).then_some(Term {
                words,
                folded,
                prefix,
            })
        };
        while let Some(&c) = chars.peek() {
            if c.is_whitespace() {
                chars.next();
            } else if c == '"' {
                chars.next();
                let phrase: String = chars.by_ref().take_while(|&c| c != '"').collect();
                if let (Some(t), Some(g)) = (term(&phrase, false), groups.last_mut()) {
                    g.push(t);
                }
            } else {
                let mut word = String::new();
                while let Some(&c) = chars.peek() {
                    if c.is_whitespace() || c == '"' {
                        break;
                    }
                    word.push(c);
                    chars.next();
                }
                if word == "OR" {
                    if groups.last().is_some_and(|g| !g.is_empty()) {
                        groups.push(Vec::new());
                    }
                    continue;
                }
                let prefix = word.ends_with('*');
                if let (Some(t), Some(g)) =
                    (term(word.trim_end_matches('*'), prefix), groups.last_mut())
                {
                    g.push(t);
                }
            }
        }
        groups.retain(|g| !g.is_empty());
        (!groups.is_empty()).then_some(Search { groups })
    }

    /// The FTS5 query: every word quoted (so nothing in it is syntax), the
    /// words of each alternative joined by AND.
    pub fn fts(&self) -> String {
        let group = |g: &[Term]| {
            let words: Vec<String> = g
                .iter()
                .flat_map(|t| {
                    let last = t.words.len() - 1;
                    t.words.iter().enumerate().map(move |(i, w)| {
                        let star = if t.prefix && i == last { "*" } else { "" };
                        format!("\"{}\"{star}", w.replace('"', "\"\""))
                    })
                })
                .collect();
            format!("({})", words.join(" AND "))
        };
        self.groups
            .iter()
            .map(|g| group(g))
            .collect::<Vec<_>>()
            .join(" OR ")
    }

    /// True when some term has several words: FTS5 alone would also match
    /// rows where they are apart, so [`Search::matches`] must check.
    pub fn needs_check(&self) -> bool {
        self.groups.iter().flatten().any(|t| t.words.len() > 1)
    }

    /// Whether the texts (the columns of one row) match: some alternative
    /// whose every term's words stand together, in order, in one text.
    pub fn matches(&self, texts: &[&str]) -> bool {
        let folded: Vec<Vec<String>> = texts.iter().map(|t| words(t).map(fold).collect()).collect();
        self.groups.iter().any(|g| {
            g.iter()
                .all(|t| folded.iter().any(|words| term_in(t, words)))
        })
    }
}

fn term_in(t: &Term, words: &[String]) -> bool {
    let n = t.folded.len();
    if n == 0 || words.len() < n {
        return false;
    }
    words.windows(n).any(|w| {
        w.iter()
            .zip(&t.folded)
            .enumerate()
            .all(|(i, (have, want))| {
                if t.prefix && i == n - 1 {
                    have.starts_with(want.as_str())
                } else {
                    have == want
                }
            })
    })
}

/// Registers `newsgraph_search(search, text, …)` on a connection: 1 when
/// the row's texts match the user search text `search` (see
/// [`Search::matches`]), else 0. The parsed search is kept for the whole
/// statement.
pub(crate) fn register(conn: &Connection) -> rusqlite::Result<()> {
    conn.create_scalar_function(
        "newsgraph_search",
        -1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx: &Context<'_>| {
            if ctx.len() < 2 {
                return Err(rusqlite::Error::UserFunctionError(
                    "newsgraph_search(search, text, …) needs a search and a text".into(),
                ));
            }
            let search = ctx.get_or_create_aux(0, |v: ValueRef<'_>| {
                let s = v.as_str().unwrap_or_default();
                Ok::<_, rusqlite::Error>(Search::parse(s))
            })?;
            let Some(search) = search.as_ref() else {
                return Ok(false);
            };
            let texts: Vec<&str> = (1..ctx.len())
                .filter_map(|i| ctx.get_raw(i).as_str().ok())
                .collect();
            Ok(search.matches(&texts))
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fts(s: &str) -> String {
        Search::parse(s).unwrap().fts()
    }

    #[test]
    fn search_text_becomes_quoted_words_joined_by_and() {
        assert_eq!(fts("US forces"), r#"("US" AND "forces")"#);
        assert_eq!(
            fts(r#""armed groups" U.S. -x"#),
            r#"("armed" AND "groups" AND "U" AND "S" AND "x")"#
        );
        assert_eq!(fts("Iraq* OR Syria"), r#"("Iraq"*) OR ("Syria")"#);
        assert_eq!(fts("a b OR c"), r#"("a" AND "b") OR ("c")"#);
        assert_eq!(fts(r#"a"b"#), r#"("a" AND "b")"#);
        assert_eq!(fts("OR x OR"), r#"("x")"#);
        assert_eq!(fts("it's*"), r#"("it" AND "s"*)"#);
        assert!(Search::parse("  -- ** \"\" OR ").is_none());
        assert_eq!(
            fts(r#"x" OR 1=1; DROP TABLE documents; --"#),
            r#"("x" AND "OR" AND "1" AND "1" AND "DROP" AND "TABLE" AND "documents")"#
        );
    }

    #[test]
    fn only_terms_of_several_words_need_their_order_checked() {
        assert!(!Search::parse("Iraq OR Syria*").unwrap().needs_check());
        assert!(Search::parse("\"prime minister\"").unwrap().needs_check());
        assert!(Search::parse("U.S.").unwrap().needs_check());
    }

    #[test]
    fn a_phrase_matches_its_words_together_and_in_order() {
        let s = Search::parse("\"prime minister\" Iraq").unwrap();
        assert!(s.matches(&["", "Iraq's Prime  Minister spoke."]));
        assert!(s.matches(&["Prime-Minister", "in iraq"]));
        assert!(!s.matches(&["", "the minister of Iraq, prime mover"]));
        assert!(
            !s.matches(&["Prime", "Minister of Iraq"]),
            "one column holds the phrase"
        );
        let us = Search::parse("U.S. forces").unwrap();
        assert!(us.matches(&["", "u.s forces left"]));
        assert!(!us.matches(&["", "us forces left"]));
        let accents = Search::parse("\"são paulo\" OR nothing").unwrap();
        assert!(accents.matches(&["", "in SAO PAULO today"]));
        let prefix = Search::parse("it's* fine").unwrap();
        assert!(prefix.matches(&["", "It's fine, it stays"]));
        assert!(!prefix.matches(&["", "it is fine"]));
    }

    #[test]
    fn the_sql_function_filters_rows() {
        let conn = Connection::open_in_memory().unwrap();
        register(&conn).unwrap();
        let hit: bool = conn
            .query_row(
                "SELECT newsgraph_search(?1, 'title', 'The Prime Minister said')",
                ["\"prime minister\""],
                |r| r.get(0),
            )
            .unwrap();
        assert!(hit);
        let miss: bool = conn
            .query_row(
                "SELECT newsgraph_search(?1, 'minister', 'prime')",
                ["\"prime minister\""],
                |r| r.get(0),
            )
            .unwrap();
        assert!(!miss);
        assert!(conn
            .query_row("SELECT newsgraph_search('x')", [], |r| r.get::<_, bool>(0))
            .is_err());
    }
}
