//! CoNLL-U reading and writing: documents, paragraphs, sentences, surface
//! tokens and their syntactic words with every annotation column.
//!
//! The reader is strict about structure (ten columns, consecutive ids,
//! well-formed multiword ranges, heads inside the sentence) because the
//! scorers and trainers built on it must not silently misread a gold file.

use std::path::{Path, PathBuf};

/// Errors of the readers and scorers.
#[derive(Debug, thiserror::Error)]
pub enum ConlluError {
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

/// One syntactic word with its annotation columns (`_` is kept as `_`,
/// except FEATS, where "no features" is the empty string).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConlluWord {
    pub form: String,
    pub lemma: String,
    pub upos: String,
    pub xpos: String,
    /// `Number=Sing|Person=3`, or empty.
    pub feats: String,
    /// 1-based id of the head word; 0 for the root. `None` when the column
    /// is `_` (unparsed files).
    pub head: Option<usize>,
    pub deprel: String,
    pub misc: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConlluSentence {
    pub id: Option<String>,
    pub text: Option<String>,
    /// Surface tokens; their `words` are the forms of `words` below.
    pub tokens: Vec<ConlluToken>,
    /// Syntactic words (ids 1..=n), empty nodes excluded.
    pub words: Vec<ConlluWord>,
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

    pub fn sentences_mut(&mut self) -> impl Iterator<Item = &mut ConlluSentence> {
        self.paragraphs.iter_mut().flatten()
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
pub fn read_file(path: &Path) -> Result<Vec<ConlluDoc>, ConlluError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConlluError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse(&text, path)
}

/// Parses CoNLL-U text; `path` is only used in error messages.
pub fn parse(text: &str, path: &Path) -> Result<Vec<ConlluDoc>, ConlluError> {
    let err = |line: usize, reason: String| ConlluError::Parse {
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
            let head = match cols[6] {
                "_" => None,
                h => Some(
                    h.parse::<usize>()
                        .map_err(|_| err(lineno, format!("bad HEAD `{h}`")))?,
                ),
            };
            sent.words.push(ConlluWord {
                form: form.to_string(),
                lemma: cols[2].to_string(),
                upos: cols[3].to_string(),
                xpos: cols[4].to_string(),
                feats: if cols[5] == "_" {
                    String::new()
                } else {
                    cols[5].to_string()
                },
                head,
                deprel: cols[7].to_string(),
                misc: misc.to_string(),
            });
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
            let n = s.words.len();
            if let Some(w) = s.words.iter().find(|w| w.head.is_some_and(|h| h > n)) {
                return Err(ConlluError::Parse {
                    path: path.to_path_buf(),
                    line: 0,
                    reason: format!("word `{}` has a head outside sentence {:?}", w.form, s.id),
                });
            }
            if let Some(t) = s.tokens.iter().find(|t| t.words.is_empty()) {
                return Err(ConlluError::Parse {
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

/// Writes one sentence as CoNLL-U (comments, then one line per word; surface
/// multiword tokens as `a-b` ranges), followed by a blank line.
pub fn write_sentence(out: &mut String, sent: &ConlluSentence) {
    use std::fmt::Write;
    if let Some(id) = &sent.id {
        let _ = writeln!(out, "# sent_id = {id}");
    }
    if let Some(text) = &sent.text {
        let _ = writeln!(out, "# text = {text}");
    }
    let col = |s: &str| {
        if s.is_empty() {
            "_".to_string()
        } else {
            s.replace(['\t', '\n'], " ")
        }
    };
    let mut w = 0usize;
    for t in &sent.tokens {
        let misc_no_space = !t.space_after;
        if t.words.len() > 1 {
            let _ = writeln!(
                out,
                "{}-{}\t{}\t_\t_\t_\t_\t_\t_\t_\t{}",
                w + 1,
                w + t.words.len(),
                col(&t.form),
                if misc_no_space { "SpaceAfter=No" } else { "_" }
            );
        }
        for (k, form) in t.words.iter().enumerate() {
            let word = sent.words.get(w);
            let mut misc: Vec<&str> = word
                .map(|x| {
                    x.misc
                        .split('|')
                        .filter(|m| !m.is_empty() && *m != "_" && *m != "SpaceAfter=No")
                        .collect()
                })
                .unwrap_or_default();
            if t.words.len() == 1 && misc_no_space {
                misc.push("SpaceAfter=No");
            }
            let misc = if misc.is_empty() {
                "_".to_string()
            } else {
                misc.join("|")
            };
            let _ = k;
            let (lemma, upos, xpos, feats, head, deprel) = match word {
                Some(x) => (
                    col(&x.lemma),
                    col(&x.upos),
                    col(&x.xpos),
                    col(&x.feats),
                    x.head.map_or("_".to_string(), |h| h.to_string()),
                    col(&x.deprel),
                ),
                None => (
                    "_".into(),
                    "_".into(),
                    "_".into(),
                    "_".into(),
                    "_".into(),
                    "_".into(),
                ),
            };
            let _ = writeln!(
                out,
                "{}\t{}\t{lemma}\t{upos}\t{xpos}\t{feats}\t{head}\t{deprel}\t_\t{misc}",
                w + 1,
                col(form),
            );
            w += 1;
        }
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "# newdoc id = d1\n# sent_id = s1\n# text = They don't.\n1\tThey\tthey\tPRON\tPRP\tCase=Nom|Number=Plur\t3\tnsubj\t_\t_\n2-3\tdon't\t_\t_\t_\t_\t_\t_\t_\tSpaceAfter=No\n2\tdo\tdo\tAUX\tVBP\tMood=Ind\t3\taux\t_\t_\n3\tn't\tnot\tPART\tRB\t_\t0\troot\t_\t_\n4\t.\t.\tPUNCT\t.\t_\t3\tpunct\t_\t_\n\n";

    #[test]
    fn reads_every_column() {
        let docs = parse(SAMPLE, Path::new("x")).unwrap();
        let s = docs[0].sentences().next().unwrap();
        assert_eq!(s.tokens.len(), 3);
        assert_eq!(s.words.len(), 4);
        assert_eq!(s.words[0].feats, "Case=Nom|Number=Plur");
        assert_eq!(s.words[2].lemma, "not");
        assert_eq!(s.words[2].head, Some(0));
        assert_eq!(s.words[3].feats, "");
    }

    #[test]
    fn writes_what_it_reads() {
        let docs = parse(SAMPLE, Path::new("x")).unwrap();
        let mut out = String::new();
        for s in docs[0].sentences() {
            write_sentence(&mut out, s);
        }
        let again = parse(&out, Path::new("y")).unwrap();
        assert_eq!(again[0].sentences().next(), docs[0].sentences().next());
    }

    #[test]
    fn rejects_heads_outside_the_sentence() {
        let bad = "1\ta\ta\tX\tX\t_\t5\tdep\t_\t_\n\n";
        assert!(parse(bad, Path::new("bad")).is_err());
    }
}
