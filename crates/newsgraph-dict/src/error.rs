use std::path::PathBuf;

/// Everything that can go wrong reading a dictionary. Messages name the file and, where there
/// is one, the 1-based line.
#[derive(Debug, thiserror::Error)]
pub enum DictError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid TOML, or an entry is malformed (bad code, bad date, no name…).
    #[error("{path}:{line}: {message}")]
    Parse {
        path: String,
        line: usize,
        message: String,
    },
    /// A directory to import holds no dictionary this importer knows.
    #[error("{}: {message}", path.display())]
    Import { path: PathBuf, message: String },
}
