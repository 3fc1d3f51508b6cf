//! Reads news files into [`newsgraph_core::Document`]s.
//!
//! Formats: seed (` date YYYY-MM-DD title` header), plain text, JSONL,
//! HTML (main-article extraction), Reuters-21578 SGML; any of them
//! gzip-compressed; UTF-8 (with or without BOM), UTF-16 with BOM and legacy
//! single-byte encodings.
//!
//! Every document's `source_map` maps text offsets to byte offsets in the
//! (decompressed) *file*, so `file[source_map.span_to_source(span)]` holds
//! the bytes a span's text came from; `raw` is the document's own slice of
//! the file, starting at `meta.source.offset`.
//!
//! Errors: file-level problems (unreadable, binary, empty, broken gzip) are
//! [`IngestError`]s. A bad JSONL line does not lose the other lines:
//! [`Reader::read_records`] / [`Reader::read_bytes_records`] return one
//! `Result` per record (the CLI prints one line per `Err` and goes on);
//! [`Reader::read_input`] / [`Reader::read_bytes`] return the good documents
//! and attach a `bad-record` warning for every bad line to the first good
//! document (or fail with the first record error when no line is good).
#![cfg_attr(not(test), warn(clippy::unwrap_used))]

mod decode;
mod html;
mod jsonl;
mod reuters;
mod text;
pub mod util;

use newsgraph_core::{content_id, Diagnostic, Document, Format, Layout, Metadata, SourceMap};
use std::borrow::Cow;
use std::io::Read;
use std::path::{Path, PathBuf};

pub use jsonl::JsonlFields;
pub use util::{detect_dateline, parse_date, Dateline};

pub(crate) const STAGE: &str = "ingest";

/// Decompressed inputs larger than this are refused.
pub const DEFAULT_MAX_BYTES: u64 = 1 << 30;

/// Why an input (or one record of it) could not be read.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("{path}: cannot read: {reason}")]
    Io { path: String, reason: String },
    #[error("{path}: not a text file ({reason})")]
    Binary { path: String, reason: String },
    #[error("{path}: empty file")]
    Empty { path: String },
    #[error("{path}: {reason}")]
    Gzip { path: String, reason: String },
    #[error("{path}: too large (more than {limit} bytes after decompression)")]
    TooLarge { path: String, limit: u64 },
    #[error("{path}:{line}: bad record: {reason}")]
    Record {
        path: String,
        line: usize,
        reason: String,
    },
    #[error("{path}: {reason}")]
    Format { path: String, reason: String },
    #[error("bad glob {pattern:?}: {reason}")]
    Glob { pattern: String, reason: String },
    /// Reported by the pipeline: a stage failed on one document (a bug in
    /// that stage, caught so that the rest of the batch goes on).
    #[error(
        "{path}: document {index}: the {stage} stage failed ({reason}); the document was skipped"
    )]
    Stage {
        path: String,
        index: u32,
        stage: String,
        reason: String,
    },
}

impl IngestError {
    fn io(path: &str, e: &std::io::Error) -> IngestError {
        let msg = e.to_string();
        let reason = match msg.find(" (os error") {
            Some(i) => msg[..i].to_string(),
            None => msg,
        };
        IngestError::Io {
            path: path.to_string(),
            reason,
        }
    }
}

/// One input named on the command line or found in a directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    Stdin,
    File(PathBuf),
}

impl Input {
    /// The path as shown in errors and metadata (`-` for stdin).
    pub fn label(&self) -> String {
        match self {
            Input::Stdin => "-".into(),
            Input::File(p) => p.display().to_string(),
        }
    }
}

/// Configures a [`Reader`].
#[derive(Clone, Debug, Default)]
pub struct ReaderBuilder {
    format: Option<Format>,
    fields: JsonlFields,
    glob: Option<String>,
    max_bytes: Option<u64>,
}

impl ReaderBuilder {
    pub fn new() -> ReaderBuilder {
        ReaderBuilder::default()
    }

    /// Forces a format (`None` = sniff each input).
    pub fn format(mut self, format: Option<Format>) -> ReaderBuilder {
        self.format = format;
        self
    }

    /// Field-name candidates for JSONL records.
    pub fn jsonl_fields(mut self, fields: JsonlFields) -> ReaderBuilder {
        self.fields = fields;
        self
    }

    /// Only files matching this glob are read when walking directories
    /// (matched against the path relative to the directory and the name).
    pub fn glob(mut self, glob: Option<&str>) -> ReaderBuilder {
        self.glob = glob.map(str::to_string);
        self
    }

    /// Limit on decompressed input size (default 1 GiB).
    pub fn max_bytes(mut self, n: u64) -> ReaderBuilder {
        self.max_bytes = Some(n);
        self
    }

    pub fn build(self) -> Result<Reader, IngestError> {
        let glob = match &self.glob {
            None => None,
            Some(g) => Some(
                globset::GlobBuilder::new(g)
                    .literal_separator(false)
                    .build()
                    .map_err(|e| IngestError::Glob {
                        pattern: g.clone(),
                        reason: e.kind().to_string(),
                    })?
                    .compile_matcher(),
            ),
        };
        Ok(Reader {
            format: self.format,
            fields: self.fields,
            glob,
            max_bytes: self.max_bytes.unwrap_or(DEFAULT_MAX_BYTES),
        })
    }
}

/// Reads inputs into documents. `Send + Sync`; build once, reuse.
#[derive(Clone, Debug)]
pub struct Reader {
    format: Option<Format>,
    fields: JsonlFields,
    glob: Option<globset::GlobMatcher>,
    max_bytes: u64,
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str()
        .is_some_and(|n| n.starts_with('.') && n != "." && n != "..")
}

impl Reader {
    /// Expands CLI inputs: files, directories (recursive, sorted, filtered
    /// by the glob, hidden entries skipped) and `-` (stdin). Unreadable
    /// paths come through as `Err` items; the iteration goes on.
    pub fn inputs(
        &self,
        paths: &[PathBuf],
    ) -> impl Iterator<Item = Result<Input, IngestError>> + '_ {
        let paths = paths.to_vec();
        paths.into_iter().flat_map(
            move |p| -> Box<dyn Iterator<Item = Result<Input, IngestError>> + '_> {
                if p.as_os_str() == "-" {
                    return Box::new(std::iter::once(Ok(Input::Stdin)));
                }
                match std::fs::metadata(&p) {
                    Err(e) => Box::new(std::iter::once(Err(IngestError::io(
                        &p.display().to_string(),
                        &e,
                    )))),
                    Ok(m) if m.is_dir() => Box::new(self.walk(p)),
                    Ok(_) => Box::new(std::iter::once(Ok(Input::File(p)))),
                }
            },
        )
    }

    fn walk(&self, root: PathBuf) -> impl Iterator<Item = Result<Input, IngestError>> + '_ {
        let root2 = root.clone();
        walkdir::WalkDir::new(&root)
            .sort_by_file_name()
            .follow_links(true)
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name()))
            .filter_map(move |e| match e {
                Err(err) => {
                    let path = err
                        .path()
                        .map_or_else(|| root2.display().to_string(), |p| p.display().to_string());
                    let reason = err
                        .io_error()
                        .map_or_else(|| err.to_string(), |io| IngestError::io("", io).to_string());
                    let reason = reason.trim_start_matches(": cannot read: ").to_string();
                    Some(Err(IngestError::Io { path, reason }))
                }
                Ok(e) if e.file_type().is_dir() => None,
                Ok(e) => {
                    if let Some(g) = &self.glob {
                        let rel = e.path().strip_prefix(&root).unwrap_or(e.path());
                        if !g.is_match(rel) && !g.is_match(Path::new(e.file_name())) {
                            return None;
                        }
                    }
                    Some(Ok(Input::File(e.into_path())))
                }
            })
    }

    fn load(&self, input: &Input) -> Result<Vec<u8>, IngestError> {
        let label = input.label();
        let mut buf = Vec::new();
        let res = match input {
            Input::Stdin => std::io::stdin()
                .lock()
                .take(self.max_bytes + 1)
                .read_to_end(&mut buf),
            Input::File(p) => std::fs::File::open(p).and_then(|f| {
                // Size the buffer from the file length up front: reading
                // through `Take` gives `read_to_end` no size hint, so it
                // would otherwise probe and double its way up (eight `read`
                // calls and as many reallocations for a 2 KB article).
                let len = f.metadata().map_or(0, |m| m.len()).min(self.max_bytes);
                buf.reserve_exact(len as usize + 1);
                f.take(self.max_bytes + 1).read_to_end(&mut buf)
            }),
        };
        res.map_err(|e| IngestError::io(&label, &e))?;
        if buf.len() as u64 > self.max_bytes {
            return Err(IngestError::TooLarge {
                path: label,
                limit: self.max_bytes,
            });
        }
        Ok(buf)
    }

    /// Reads one input (stdin or file; gzip is undone transparently) into
    /// documents. Bad JSONL records become `bad-record` diagnostics on the
    /// first good document (see the crate docs).
    pub fn read_input(&self, input: &Input) -> Result<Vec<Document>, IngestError> {
        let bytes = self.load(input)?;
        self.read_bytes(&input.label(), &bytes)
    }

    /// Like [`read_input`](Self::read_input) with one result per record.
    pub fn read_records(&self, input: &Input) -> Vec<Result<Document, IngestError>> {
        match self.load(input) {
            Ok(bytes) => self.read_bytes_records(&input.label(), &bytes),
            Err(e) => vec![Err(e)],
        }
    }

    /// Parses bytes already in memory; `label` is the path shown in errors
    /// and metadata.
    pub fn read_bytes(&self, label: &str, bytes: &[u8]) -> Result<Vec<Document>, IngestError> {
        let mut docs = Vec::new();
        let mut bad = Vec::new();
        for r in self.read_bytes_records(label, bytes) {
            match r {
                Ok(d) => docs.push(d),
                Err(e) => bad.push(e),
            }
        }
        if docs.is_empty() {
            if let Some(e) = bad.into_iter().next() {
                return Err(e);
            }
            return Ok(docs);
        }
        for e in bad {
            docs[0]
                .diagnostics
                .push(Diagnostic::warning(STAGE, "bad-record", e.to_string()));
        }
        Ok(docs)
    }

    /// Parses bytes with one result per record (file-level errors are a
    /// single `Err`).
    pub fn read_bytes_records(
        &self,
        label: &str,
        bytes: &[u8],
    ) -> Vec<Result<Document, IngestError>> {
        let data = match gunzip_if_needed(label, bytes, self.max_bytes) {
            Ok(d) => d,
            Err(e) => return vec![Err(e)],
        };
        if let Some(reason) = decode::binary_reason(&data) {
            return vec![Err(IngestError::Binary {
                path: label.to_string(),
                reason,
            })];
        }
        let data: &[u8] = &data;
        let name = label.strip_suffix(".gz").unwrap_or(label);
        let format = self.format.unwrap_or_else(|| sniff(data, name));
        let ctx = Ctx { label, format };
        let out = match format {
            Format::Reuters => reuters::read(&ctx, data),
            Format::Jsonl => {
                let dec = decode::decode(data, 0);
                if dec.text.trim().is_empty() {
                    return vec![Err(empty(label))];
                }
                jsonl::read(&ctx, data, &dec, &self.fields)
            }
            Format::Html => {
                let dec = decode::decode(data, 0);
                if dec.text.trim().is_empty() {
                    return vec![Err(empty(label))];
                }
                vec![Ok(html::read(&ctx, data, dec))]
            }
            Format::Seed | Format::Text => {
                let dec = decode::decode(data, 0);
                if dec.text.trim().is_empty() {
                    return vec![Err(empty(label))];
                }
                vec![Ok(text::read(&ctx, data, dec))]
            }
        };
        if out.is_empty() {
            return vec![Err(empty(label))];
        }
        out
    }
}

fn empty(label: &str) -> IngestError {
    IngestError::Empty {
        path: label.to_string(),
    }
}

pub(crate) struct Ctx<'a> {
    pub label: &'a str,
    pub format: Format,
}

impl Ctx<'_> {
    /// Assembles a document; sets id, source, format and defaults.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn finish(
        &self,
        text: String,
        map: SourceMap,
        raw: Vec<u8>,
        offset: u64,
        index: u32,
        encoding: &str,
        mut meta: Metadata,
        layout: Layout,
        diagnostics: Vec<Diagnostic>,
    ) -> Document {
        meta.source.path = self.label.to_string();
        meta.source.index = index;
        meta.source.offset = offset;
        meta.format = Some(self.format);
        meta.encoding = encoding.to_string();
        if meta.language.is_empty() {
            meta.language = "en".into();
        }
        Document {
            id: content_id(&text),
            raw,
            text,
            source_map: map,
            meta,
            layout,
            diagnostics,
            ..Document::default()
        }
    }
}

fn gunzip_if_needed<'a>(
    label: &str,
    bytes: &'a [u8],
    max: u64,
) -> Result<Cow<'a, [u8]>, IngestError> {
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        if bytes.len() as u64 > max {
            return Err(IngestError::TooLarge {
                path: label.to_string(),
                limit: max,
            });
        }
        return Ok(Cow::Borrowed(bytes));
    }
    let mut out = Vec::new();
    let dec = flate2::read::MultiGzDecoder::new(bytes);
    match dec.take(max + 1).read_to_end(&mut out) {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            return Err(IngestError::Gzip {
                path: label.to_string(),
                reason: "truncated gzip stream".into(),
            })
        }
        Err(e) => {
            return Err(IngestError::Gzip {
                path: label.to_string(),
                reason: format!("corrupt gzip stream: {e}"),
            })
        }
    }
    if out.len() as u64 > max {
        return Err(IngestError::TooLarge {
            path: label.to_string(),
            limit: max,
        });
    }
    Ok(Cow::Owned(out))
}

/// Guesses the format of `bytes` from its content; the extension of `path`
/// (without `.gz`) only breaks ties.
pub fn sniff(bytes: &[u8], path: &str) -> Format {
    let path = path.strip_suffix(".gz").unwrap_or(path);
    let head = &bytes[..bytes.len().min(16 * 1024)];
    // Plain UTF-8 (the common case) needs no decoding to be sniffed; a
    // character cut by the 16 KiB window is dropped.
    let utf8 = match std::str::from_utf8(head) {
        Ok(s) => Some(s),
        Err(e) if e.error_len().is_none() && !head.starts_with(b"\xEF\xBB\xBF") => {
            std::str::from_utf8(&head[..e.valid_up_to()]).ok()
        }
        Err(_) => None,
    };
    let dec;
    let s: &str = match utf8 {
        Some(s) if !s.starts_with('\u{FEFF}') => s,
        _ => {
            dec = decode::decode(head, 0);
            &dec.text
        }
    };
    let t = s.trim_start();
    // Seed header: "[ ]date YYYY-MM-DD title".
    let first_line = t.lines().next().unwrap_or("");
    if let Some(rest) = first_line.strip_prefix("date ") {
        if newsgraph_core::Date::parse_iso(rest.trim_start()).is_some() {
            return Format::Seed;
        }
    }
    if memchr::memchr(b'<', s.as_bytes()).is_none() && !t.starts_with('{') {
        // No markup and no JSON object: nothing below can match.
        return Format::Text;
    }
    let mut cut = t.len().min(4096);
    while !t.is_char_boundary(cut) {
        cut -= 1;
    }
    let lower_head = t[..cut].to_ascii_lowercase();
    if lower_head.starts_with("<reuters")
        || lower_head.starts_with("<!doctype lewis")
        || memchr::memmem::find_iter(s.as_bytes(), b"<REUTERS")
            .any(|i| matches!(s.as_bytes().get(i + 8), Some(b' ' | b'>')))
    {
        return Format::Reuters;
    }
    for p in ["<!doctype html", "<html", "<head", "<body", "<?xml"] {
        if lower_head.starts_with(p) {
            return Format::Html;
        }
    }
    if t.starts_with('{') {
        let line = first_line.trim_end();
        let complete =
            s.len() < head.len() + 4 || line.len() < first_line.len() || t.len() > line.len();
        if serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(line).is_ok()
            || (!complete && line.starts_with("{\""))
            || (bytes.len() > head.len() && line.starts_with("{\""))
        {
            return Format::Jsonl;
        }
    }
    // Only needed from here on (plain text returned above).
    let ext = Path::new(path)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if lower_head.starts_with('<') {
        let tags = ["<p>", "<p ", "<div", "<br", "<h1", "<article", "<title"];
        let n: usize = tags.iter().map(|p| lower_head.matches(p).count()).sum();
        if n >= 2 || matches!(ext.as_str(), "html" | "htm" | "xhtml") {
            return Format::Html;
        }
    } else {
        let n = lower_head.matches("<p>").count();
        if n >= 3 && n * 400 > lower_head.len() {
            return Format::Html;
        }
    }
    match ext.as_str() {
        "html" | "htm" | "xhtml" if t.starts_with('<') => Format::Html,
        "sgm" | "sgml" if s.contains("<REUTERS") => Format::Reuters,
        _ => Format::Text,
    }
}
