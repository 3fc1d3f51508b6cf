//! A CoNLL-U reader: documents, paragraphs, sentences, surface tokens and
//! their syntactic words.

use std::path::{Path, PathBuf};

/// Errors of the readers and scorers.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}:{line}: {reason}")]
    Parse {
        path: PathBuf,
        line: usize,
        reason: String,
    },
    /// The request itself cannot be carried out (e.g. zero training epochs).
    #[error("{0}")]
    Invalid(String),
}

/// One surface token: a plain word, or a multiword token (`don't` = `do` +
/// `n't`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConlluToken {
    pub form: String,
    /// Syntactic words (one for a plain token).
    pub words: Vec<String>,
    /// `false` when MISC says `SpaceAfter=No`.
    pub space_after: bool,
}

impl ConlluToken {
    pub fn is_multiword(&self) -> bool {
        self.words.len() > 1
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConlluSentence {
    pub id: Option<String>,
    pub text: Option<String>,
    pub tokens: Vec<ConlluToken>,
}

/// A document (`# newdoc`); a file without `# newdoc` is one document.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConlluDoc {
    pub id: Option<String>,
    /// `# meta::genre`, if given.
    pub genre: Option<String>,
    /// Paragraphs (`# newpar`) of sentences.
    pub paragraphs: Vec<Vec<ConlluSentence>>,
}

impl ConlluDoc {
    pub fn sentences(&self) -> impl Iterator<Item = &ConlluSentence> {
        self.paragraphs.iter().flatten()
    }

    /// True when the document is of `genre`: its `meta::genre` or a GUM-style
    /// id `GUM_<genre>_…`.
    pub fn is_genre(&self, genre: &str) -> bool {
        if self
            .genre
            .as_deref()
            .is_some_and(|g| g.eq_ignore_ascii_case(genre))
        {
            return true;
        }
        self.id.as_deref().is_some_and(|id| {
            let mut parts = id.split('_');
            parts.next().is_some()
                && parts.next().is_some_and(|g| g.eq_ignore_ascii_case(genre))
                && parts.next().is_some()
        })
    }
}

/// Reads a CoNLL-U file.
pub fn read_file(path: &Path) -> Result<Vec<ConlluDoc>, EvalError> {
    let text = std::fs::read_to_string(path).map_err(|source| EvalError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse(&text, path)
}

/// Parses CoNLL-U text; `path` is only used in error messages.
pub fn parse(text: &str, path: &Path) -> Result<Vec<ConlluDoc>, EvalError> {
    let err = |line: usize, reason: String| EvalError::Parse {
        path: path.to_path_buf(),
        line,
        reason,
    };
    let mut docs: Vec<ConlluDoc> = Vec::new();
    let mut doc = ConlluDoc::default();
    let mut para: Vec<ConlluSentence> = Vec::new();
    let mut sent = ConlluSentence::default();
    // Last word id covered by the open multiword token.
    let mut mwt_end = 0usize;
    let mut last_id = 0usize;
    let flush_sent = |sent: &mut ConlluSentence, para: &mut Vec<ConlluSentence>| {
        if !sent.tokens.is_empty() {
            para.push(std::mem::take(sent));
        } else {
            *sent = ConlluSentence::default();
        }
    };
    for (n, raw) in text.lines().enumerate() {
        let lineno = n + 1;
        let line = raw.trim_end_matches('\r');
        if line.trim().is_empty() {
            flush_sent(&mut sent, &mut para);
            mwt_end = 0;
            last_id = 0;
            continue;
        }
        if let Some(c) = line.strip_prefix('#') {
            let c = c.trim();
            let (key, value) = match c.split_once('=') {
                Some((k, v)) => (k.trim(), Some(v.trim())),
                None => (c, None),
            };
            match key {
                "newdoc" | "newdoc id" => {
                    flush_sent(&mut sent, &mut para);
                    if !para.is_empty() {
                        doc.paragraphs.push(std::mem::take(&mut para));
                    }
                    if !doc.paragraphs.is_empty() {
                        docs.push(std::mem::take(&mut doc));
                    }
                    doc = ConlluDoc {
                        id: value.map(str::to_string),
                        ..ConlluDoc::default()
                    };
                }
                "newpar" | "newpar id" => {
                    flush_sent(&mut sent, &mut para);
                    if !para.is_empty() {
                        doc.paragraphs.push(std::mem::take(&mut para));
                    }
                }
                "meta::genre" => doc.genre = value.map(str::to_string),
                "sent_id" => sent.id = value.map(str::to_string),
                "text" => sent.text = value.map(str::to_string),
                _ => {}
            }
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() != 10 {
            return Err(err(
                lineno,
                format!("expected 10 tab-separated columns, found {}", cols.len()),
            ));
        }
        let (id, form, misc) = (cols[0], cols[1], cols[9]);
        if form.is_empty() {
            return Err(err(lineno, "empty FORM".into()));
        }
        let space_after = !misc.split('|').any(|m| m == "SpaceAfter=No");
        if let Some((a, b)) = id.split_once('-') {
            let (a, b): (usize, usize) = match (a.parse(), b.parse()) {
                (Ok(a), Ok(b)) if a <= b && a == last_id + 1 => (a, b),
                _ => return Err(err(lineno, format!("bad multiword token range `{id}`"))),
            };
            let _ = a;
            mwt_end = b;
            sent.tokens.push(ConlluToken {
                form: form.to_string(),
                words: Vec::new(),
                space_after,
            });
        } else if id.contains('.') {
            // Empty node: not part of the surface.
            let ok = match id.split_once('.') {
                Some((a, b)) => a.parse::<usize>().is_ok() && b.parse::<usize>().is_ok(),
                None => false,
            };
            if !ok {
                return Err(err(lineno, format!("bad empty node id `{id}`")));
            }
        } else {
            let i: usize = id
                .parse()
                .map_err(|_| err(lineno, format!("bad word id `{id}`")))?;
            if i != last_id + 1 {
                return Err(err(
                    lineno,
                    format!("word id {i} does not follow {last_id}"),
                ));
            }
            last_id = i;
            if i <= mwt_end {
                match sent.tokens.last_mut() {
                    Some(t) => t.words.push(form.to_string()),
                    None => {
                        return Err(err(
                            lineno,
                            "word inside a multiword token that does not exist".into(),
                        ))
                    }
                }
            } else {
                sent.tokens.push(ConlluToken {
                    form: form.to_string(),
                    words: vec![form.to_string()],
                    space_after,
                });
            }
        }
    }
    flush_sent(&mut sent, &mut para);
    if !para.is_empty() {
        doc.paragraphs.push(para);
    }
    if !doc.paragraphs.is_empty() {
        docs.push(doc);
    }
    for d in &docs {
        for s in d.sentences() {
            if let Some(t) = s.tokens.iter().find(|t| t.words.is_empty()) {
                return Err(EvalError::Parse {
                    path: path.to_path_buf(),
                    line: 0,
                    reason: format!(
                        "multiword token `{}` without words in sentence {:?}",
                        t.form, s.id
                    ),
                });
            }
        }
    }
    Ok(docs)
}
