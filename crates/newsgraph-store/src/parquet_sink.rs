//! Parquet output for exports: typed, nullable columns, one row group per
//! [`ROW_GROUP`] rows, written with the parquet crate's low-level column
//! writers (no arrow, no compression codecs: dictionary and RLE encodings
//! only, which is what keeps the build small).

use parquet::basic::{LogicalType, Repetition, Type as PhysicalType};
use parquet::data_type::{BoolType, ByteArray, ByteArrayType, Int32Type, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::Type;
use serde_json::Value;
use std::io::Write;
use std::sync::Arc;

/// Rows buffered per row group.
pub const ROW_GROUP: usize = 64 * 1024;

/// The type of an exported column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColType {
    /// INT64.
    Int,
    /// BYTE_ARRAY annotated as a UTF-8 string.
    Text,
    /// BOOLEAN.
    Bool,
    /// INT32 annotated as a DATE (days since 1970-01-01); from `YYYY-MM-DD`.
    Date,
}

/// Export columns holding text (UTF-8 strings).
pub const TEXT_COLUMNS: &[&str] = &[
    "doc_id",
    "story",
    "published_raw",
    "outlet",
    "title",
    "byline",
    "dateline_place",
    "language",
    "format",
    "encoding",
    "source_path",
    "path",
    "url",
    "external_id",
    "stages",
    "diagnostics",
    "text",
    "version",
    "command",
    "engine_version",
    "args",
    "started_at",
    "finished_at",
    "status",
    "kind",
    "quote",
    "canonical",
    "type",
    "country",
    "actor_code",
    "code_layer",
    "code_entry",
    "role",
    "affiliation_canonical",
    "cue",
    "speaker",
    "speaker_canonical",
    "speaker_code",
    "speaker_country",
    "addressee",
    "statement_doc_id",
    "parts",
    "clause",
];

/// The type of an export column, by name. Every column of every exported
/// table is one of these; unknown names are integers (offsets, counts, ids),
/// and a value of another type is an error, never a silent conversion.
pub fn column_type(name: &str) -> ColType {
    match name {
        "published" => ColType::Date,
        "space_after" | "joined_next" => ColType::Bool,
        n if TEXT_COLUMNS.contains(&n) => ColType::Text,
        _ => ColType::Int,
    }
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date (Howard Hinnant's algorithm).
pub fn days_from_iso(s: &str) -> Option<i32> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y: i64 = s.get(0..4)?.parse().ok()?;
    let m: i64 = s.get(5..7)?.parse().ok()?;
    let d: i64 = s.get(8..10)?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    i32::try_from(era * 146_097 + doe - 719_468).ok()
}

/// One column's buffered values and definition levels (0 = null).
enum Buf {
    Int(Vec<i64>),
    Text(Vec<ByteArray>),
    Bool(Vec<bool>),
    Date(Vec<i32>),
}

struct Column {
    name: String,
    buf: Buf,
    defs: Vec<i16>,
}

/// Writes rows of one table as a Parquet file.
pub struct ParquetSink<W: Write + Send> {
    writer: SerializedFileWriter<W>,
    columns: Vec<Column>,
    rows: usize,
}

impl<W: Write + Send> std::fmt::Debug for ParquetSink<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParquetSink")
            .field("columns", &self.columns.len())
            .field("rows", &self.rows)
            .finish()
    }
}

type PqResult<T> = Result<T, String>;

impl<W: Write + Send> ParquetSink<W> {
    /// A sink for a table with these columns (types from [`column_type`]).
    pub fn new(out: W, table: &str, columns: &[String]) -> PqResult<Self> {
        let mut fields = Vec::with_capacity(columns.len());
        let mut cols = Vec::with_capacity(columns.len());
        for name in columns {
            let (physical, logical, buf) = match column_type(name) {
                ColType::Int => (PhysicalType::INT64, None, Buf::Int(Vec::new())),
                ColType::Text => (
                    PhysicalType::BYTE_ARRAY,
                    Some(LogicalType::String),
                    Buf::Text(Vec::new()),
                ),
                ColType::Bool => (PhysicalType::BOOLEAN, None, Buf::Bool(Vec::new())),
                ColType::Date => (
                    PhysicalType::INT32,
                    Some(LogicalType::Date),
                    Buf::Date(Vec::new()),
                ),
            };
            let t = Type::primitive_type_builder(name, physical)
                .with_repetition(Repetition::OPTIONAL)
                .with_logical_type(logical)
                .build()
                .map_err(|e| e.to_string())?;
            fields.push(Arc::new(t));
            cols.push(Column {
                name: name.clone(),
                buf,
                defs: Vec::new(),
            });
        }
        let schema = Type::group_type_builder(table)
            .with_fields(fields)
            .build()
            .map_err(|e| e.to_string())?;
        let props = WriterProperties::builder()
            .set_created_by(concat!("newsgraph ", env!("CARGO_PKG_VERSION")).into())
            .build();
        let writer = SerializedFileWriter::new(out, Arc::new(schema), Arc::new(props))
            .map_err(|e| e.to_string())?;
        Ok(ParquetSink {
            writer,
            columns: cols,
            rows: 0,
        })
    }

    /// Buffers one row (one value per column, in order).
    pub fn row(&mut self, values: &[Value]) -> PqResult<()> {
        if values.len() != self.columns.len() {
            return Err(format!(
                "row of {} values for {} columns",
                values.len(),
                self.columns.len()
            ));
        }
        // Check every value before buffering any, so that a bad row leaves
        // the columns aligned.
        for (c, v) in self.columns.iter().zip(values) {
            let ok = match (&c.buf, v) {
                (_, Value::Null) => true,
                (Buf::Int(_), Value::Number(n)) => n.as_i64().is_some(),
                (Buf::Bool(_), Value::Bool(_)) | (Buf::Text(_), Value::String(_)) => true,
                (Buf::Date(_), Value::String(s)) => days_from_iso(s).is_some(),
                _ => false,
            };
            if !ok {
                return Err(format!("column {}: unexpected value {v}", c.name));
            }
        }
        for (c, v) in self.columns.iter_mut().zip(values) {
            match (&mut c.buf, v) {
                (Buf::Int(b), Value::Number(n)) => b.extend(n.as_i64()),
                (Buf::Bool(b), Value::Bool(x)) => b.push(*x),
                (Buf::Text(b), Value::String(s)) => b.push(ByteArray::from(s.as_bytes().to_vec())),
                (Buf::Date(b), Value::String(s)) => b.extend(days_from_iso(s)),
                _ => {
                    c.defs.push(0);
                    continue;
                }
            }
            c.defs.push(1);
        }
        self.rows += 1;
        if self.rows >= ROW_GROUP {
            self.flush()?;
        }
        Ok(())
    }

    /// Writes the buffered rows as one row group.
    fn flush(&mut self) -> PqResult<()> {
        if self.rows == 0 {
            return Ok(());
        }
        let e = |e: parquet::errors::ParquetError| e.to_string();
        let mut rg = self.writer.next_row_group().map_err(e)?;
        for c in &mut self.columns {
            let Some(mut cw) = rg.next_column().map_err(e)? else {
                return Err("fewer columns than the schema".into());
            };
            let defs = Some(c.defs.as_slice());
            match &mut c.buf {
                Buf::Int(b) => {
                    cw.typed::<Int64Type>()
                        .write_batch(b, defs, None)
                        .map_err(e)?;
                    b.clear();
                }
                Buf::Text(b) => {
                    cw.typed::<ByteArrayType>()
                        .write_batch(b, defs, None)
                        .map_err(e)?;
                    b.clear();
                }
                Buf::Bool(b) => {
                    cw.typed::<BoolType>()
                        .write_batch(b, defs, None)
                        .map_err(e)?;
                    b.clear();
                }
                Buf::Date(b) => {
                    cw.typed::<Int32Type>()
                        .write_batch(b, defs, None)
                        .map_err(e)?;
                    b.clear();
                }
            }
            c.defs.clear();
            cw.close().map_err(e)?;
        }
        rg.close().map_err(e)?;
        self.rows = 0;
        Ok(())
    }

    /// Writes what is buffered and the footer; returns the output.
    pub fn finish(mut self) -> PqResult<W> {
        self.flush()?;
        self.writer.into_inner().map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates_become_days() {
        assert_eq!(days_from_iso("1970-01-01"), Some(0));
        assert_eq!(days_from_iso("1970-01-02"), Some(1));
        assert_eq!(days_from_iso("1969-12-31"), Some(-1));
        assert_eq!(days_from_iso("2000-03-01"), Some(11_017));
        assert_eq!(days_from_iso("2021-12-10"), Some(18_971));
        assert_eq!(days_from_iso("2021-13-10"), None);
        assert_eq!(days_from_iso("20211210"), None);
        assert_eq!(days_from_iso("２０２１-12-10"), None);
    }

    #[test]
    fn mistyped_values_are_errors() {
        let cols = vec!["doc_id".to_string(), "start".to_string()];
        let mut s = ParquetSink::new(Vec::new(), "t", &cols).unwrap();
        s.row(&[Value::from("a"), Value::from(3)]).unwrap();
        s.row(&[Value::Null, Value::Null]).unwrap();
        assert!(s.row(&[Value::from("a"), Value::from("x")]).is_err());
        assert!(s.row(&[Value::from("a")]).is_err());
        let bytes = s.finish().unwrap();
        assert_eq!(&bytes[..4], b"PAR1");
    }
}
