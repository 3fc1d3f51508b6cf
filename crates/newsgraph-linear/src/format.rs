//! The binary model files: magic, format version, body, FNV-64 checksum.

use crate::hash::{fnv, FNV};

/// Why a model file could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ModelError {
    #[error("not a newsgraph {kind} model (bad magic header)")]
    BadMagic { kind: &'static str },
    #[error("{kind} model format {found} is not supported (this build reads format {expected}); retrain or update")]
    Version {
        kind: &'static str,
        found: u32,
        expected: u32,
    },
    #[error("{kind} model file is corrupt: {reason}")]
    Corrupt { kind: &'static str, reason: String },
}

/// Appends little-endian values; [`Writer::finish`] adds the checksum.
#[derive(Debug)]
pub struct Writer {
    pub buf: Vec<u8>,
}

impl Writer {
    pub fn new(magic: &[u8; 4], format: u32) -> Writer {
        let mut buf = Vec::with_capacity(1 << 20);
        buf.extend_from_slice(magic);
        buf.extend_from_slice(&format.to_le_bytes());
        Writer { buf }
    }
    pub fn u8(&mut self, v: u8) {
        self.buf.push(v);
    }
    pub fn u16(&mut self, v: u16) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }
    pub fn i16(&mut self, v: i16) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }
    pub fn u32(&mut self, v: u32) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }
    pub fn u64(&mut self, v: u64) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }
    pub fn f32(&mut self, v: f32) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }
    pub fn str(&mut self, s: &str) {
        let n = s.len().min(u16::MAX as usize);
        self.u16(n as u16);
        self.buf.extend_from_slice(&s.as_bytes()[..n]);
    }
    pub fn finish(mut self) -> Vec<u8> {
        let h = fnv(FNV, &self.buf);
        self.buf.extend_from_slice(&h.to_le_bytes());
        self.buf
    }
}

/// Reads what [`Writer`] wrote; every read is bounds-checked.
#[derive(Debug)]
pub struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
    kind: &'static str,
}

impl<'a> Reader<'a> {
    /// Checks magic, format and checksum.
    pub fn open(
        b: &'a [u8],
        magic: &[u8; 4],
        format: u32,
        kind: &'static str,
    ) -> Result<Reader<'a>, ModelError> {
        if b.len() < 8 || &b[..4] != magic {
            return Err(ModelError::BadMagic { kind });
        }
        let found = u32::from_le_bytes([b[4], b[5], b[6], b[7]]);
        if found != format {
            return Err(ModelError::Version {
                kind,
                found,
                expected: format,
            });
        }
        if b.len() < 16 {
            return Err(ModelError::Corrupt {
                kind,
                reason: "truncated".into(),
            });
        }
        let (body, sum) = b.split_at(b.len() - 8);
        let mut s = [0u8; 8];
        s.copy_from_slice(sum);
        if fnv(FNV, body) != u64::from_le_bytes(s) {
            return Err(ModelError::Corrupt {
                kind,
                reason: "checksum mismatch".into(),
            });
        }
        Ok(Reader {
            b: body,
            pos: 8,
            kind,
        })
    }

    pub fn err(&self, reason: impl Into<String>) -> ModelError {
        ModelError::Corrupt {
            kind: self.kind,
            reason: reason.into(),
        }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], ModelError> {
        if self.b.len() - self.pos < n {
            return Err(self.err(format!("truncated at byte {}", self.pos)));
        }
        let s = &self.b[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }
    pub fn u8(&mut self) -> Result<u8, ModelError> {
        Ok(self.take(1)?[0])
    }
    pub fn u16(&mut self) -> Result<u16, ModelError> {
        let s = self.take(2)?;
        Ok(u16::from_le_bytes([s[0], s[1]]))
    }
    pub fn i16(&mut self) -> Result<i16, ModelError> {
        let s = self.take(2)?;
        Ok(i16::from_le_bytes([s[0], s[1]]))
    }
    pub fn u32(&mut self) -> Result<u32, ModelError> {
        let s = self.take(4)?;
        Ok(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
    }
    pub fn u64(&mut self) -> Result<u64, ModelError> {
        let s = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(s);
        Ok(u64::from_le_bytes(a))
    }
    pub fn f32(&mut self) -> Result<f32, ModelError> {
        Ok(f32::from_bits(self.u32()?))
    }
    pub fn str(&mut self) -> Result<String, ModelError> {
        let n = self.u16()? as usize;
        let s = self.take(n)?;
        String::from_utf8(s.to_vec()).map_err(|_| self.err("string is not UTF-8"))
    }
    /// A count of items of at least `min_size` bytes each, checked against
    /// the bytes left (so a corrupt count cannot make us allocate wildly).
    pub fn count(&mut self, min_size: usize) -> Result<usize, ModelError> {
        let n = self.u32()? as usize;
        if n.saturating_mul(min_size.max(1)) > self.b.len() - self.pos {
            return Err(self.err(format!("count {n} exceeds the file")));
        }
        Ok(n)
    }
    pub fn end(&self) -> Result<(), ModelError> {
        if self.pos != self.b.len() {
            return Err(self.err("trailing bytes"));
        }
        Ok(())
    }
}
