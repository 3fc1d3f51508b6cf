//! Word clusters copied into a model file: the ids a word has at three
//! granularities (coarse to fine) in `newsgraph-embed`'s k-means clusters,
//! looked up by a hash of the normalised form, so that run time needs
//! neither the embeddings file nor its crate.

use crate::format::{ModelError, Reader, Writer};
use crate::hash::{fnv, KeyMap, FNV};

/// Cluster ids of words (see the module docs).
#[derive(Clone, Default)]
pub struct WordClusters {
    map: KeyMap<u64, [u16; 3]>,
}

impl std::fmt::Debug for WordClusters {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WordClusters")
            .field("words", &self.map.len())
            .finish()
    }
}

/// `newsgraph_embed::normalize`, repeated here so that run time does not
/// need the embeddings crate: lowercase, ASCII digits as `0`.
pub fn normalize(form: &str) -> String {
    let mut s = String::with_capacity(form.len());
    for c in form.chars() {
        if c.is_ascii_digit() {
            s.push('0');
        } else {
            s.extend(c.to_lowercase());
        }
    }
    s
}

/// Lookup key of a normalised form.
pub fn key(norm: &str) -> u64 {
    fnv(FNV ^ 0x636c_7573, norm.as_bytes())
}

impl WordClusters {
    /// From `(normalised word, ids)` pairs (`newsgraph_embed::Embeddings`).
    pub fn from_pairs(pairs: &[(String, [u16; 3])]) -> WordClusters {
        let mut map = KeyMap::default();
        map.reserve(pairs.len());
        for (w, c) in pairs {
            map.insert(key(w), *c);
        }
        WordClusters { map }
    }

    /// The ids of a word form as written (normalised here).
    pub fn of_form(&self, form: &str) -> Option<[u16; 3]> {
        self.of_normalized(&normalize(form))
    }

    /// The ids of an already normalised form.
    pub fn of_normalized(&self, norm: &str) -> Option<[u16; 3]> {
        self.map.get(&key(norm)).copied()
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Writes the table: a count, then (key, three ids) sorted by key.
    pub fn write(&self, w: &mut Writer) {
        let mut cl: Vec<(u64, [u16; 3])> = self.map.iter().map(|(k, v)| (*k, *v)).collect();
        cl.sort_unstable();
        w.u32(cl.len() as u32);
        for (k, v) in cl {
            w.u64(k);
            for x in v {
                w.u16(x);
            }
        }
    }

    /// Reads what [`WordClusters::write`] wrote.
    pub fn read(r: &mut Reader<'_>) -> Result<WordClusters, ModelError> {
        let n = r.count(14)?;
        let mut map = KeyMap::default();
        map.reserve(n);
        for _ in 0..n {
            let k = r.u64()?;
            map.insert(k, [r.u16()?, r.u16()?, r.u16()?]);
        }
        Ok(WordClusters { map })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clusters_round_trip_and_normalise_forms() {
        let c =
            WordClusters::from_pairs(&[("said".into(), [1, 2, 3]), ("0,000".into(), [4, 5, 6])]);
        let mut w = Writer::new(b"TEST", 1);
        c.write(&mut w);
        let bytes = w.finish();
        let mut r = Reader::open(&bytes, b"TEST", 1, "test").unwrap();
        let back = WordClusters::read(&mut r).unwrap();
        assert_eq!(back.of_form("Said"), Some([1, 2, 3]));
        assert_eq!(back.of_form("3,500"), Some([4, 5, 6]));
        assert_eq!(back.of_form("told"), None);
        assert_eq!(back.len(), 2);
    }
}
