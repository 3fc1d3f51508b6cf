//! Near-duplicate detection: MinHash over word 3-shingles, with LSH bands.
//!
//! Wire copies and lightly edited copies of an article share most of their
//! word 3-shingles. Each article gets a 64-value MinHash signature, cut into
//! [`BANDS`] bands of [`ROWS`] values; two articles that agree on a whole
//! band become candidates, and a candidate is linked only when the exact
//! shingle sets are similar enough ([`similar`]). With 16 bands of 4 rows an
//! article pair with Jaccard 0.8 becomes a candidate with probability above
//! 0.999, one with Jaccard 0.5 with 0.64, and an unrelated pair (≈ 0.05)
//! with under 0.0001. Everything is a pure function of the text: no randomness,
//! no clocks, so story ids depend only on the order articles are ingested.
//!
//! Words are runs of alphanumeric characters, lowercased, so that linking
//! does not change when the tokenizer does.

use xxhash_rust::xxh3::{xxh3_64, xxh3_64_with_seed};

/// LSH bands per signature.
pub const BANDS: usize = 16;
/// MinHash values per band.
pub const ROWS: usize = 4;
/// Articles with fewer shingles than this are linked only when identical.
pub const MIN_SHINGLES: usize = 8;
/// Linked when the Jaccard similarity of the shingle sets reaches this…
pub const MIN_JACCARD: f64 = 0.5;
/// …or when this share of the smaller article's shingles appear in the
/// larger (a truncated wire copy), the smaller having at least
/// [`MIN_CONTAINED`] shingles.
pub const MIN_CONTAINMENT: f64 = 0.8;
pub const MIN_CONTAINED: usize = 30;

/// The sorted, deduplicated hashes of the word 3-shingles of `text`.
pub fn shingles(text: &str) -> Vec<u64> {
    let mut words: Vec<u64> = Vec::new();
    let mut buf = String::new();
    let flush = |buf: &mut String, words: &mut Vec<u64>| {
        if !buf.is_empty() {
            words.push(xxh3_64(buf.as_bytes()));
            buf.clear();
        }
    };
    for c in text.chars() {
        if c.is_alphanumeric() {
            if c.is_ascii() {
                buf.push(c.to_ascii_lowercase());
            } else {
                buf.extend(c.to_lowercase());
            }
        } else {
            flush(&mut buf, &mut words);
        }
    }
    flush(&mut buf, &mut words);
    let mut out: Vec<u64> = words
        .windows(3)
        .map(|w| {
            let mut b = [0u8; 24];
            b[..8].copy_from_slice(&w[0].to_le_bytes());
            b[8..16].copy_from_slice(&w[1].to_le_bytes());
            b[16..].copy_from_slice(&w[2].to_le_bytes());
            xxh3_64(&b)
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// splitmix64's finaliser: a fast bijective mixer.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The LSH band keys of a shingle set (empty when it is too small to link).
/// Keys are 47-bit non-negative integers, so SQLite stores them in 6 bytes.
pub fn band_keys(shingles: &[u64]) -> Vec<i64> {
    if shingles.len() < MIN_SHINGLES {
        return Vec::new();
    }
    let mut sig = [u64::MAX; BANDS * ROWS];
    for &s in shingles {
        for (i, m) in sig.iter_mut().enumerate() {
            let h = mix(s ^ (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
            if h < *m {
                *m = h;
            }
        }
    }
    sig.chunks(ROWS)
        .enumerate()
        .map(|(band, rows)| {
            let mut b = [0u8; ROWS * 8];
            for (i, v) in rows.iter().enumerate() {
                b[i * 8..i * 8 + 8].copy_from_slice(&v.to_le_bytes());
            }
            (xxh3_64_with_seed(&b, band as u64) >> 17) as i64
        })
        .collect()
}

/// Size of the intersection of two sorted, deduplicated sets.
fn intersection(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// Similarity score of two shingle sets when they are near-duplicates
/// (Jaccard ≥ [`MIN_JACCARD`], or containment ≥ [`MIN_CONTAINMENT`]), else
/// `None`. The score is the Jaccard similarity.
pub fn similar(a: &[u64], b: &[u64]) -> Option<f64> {
    let small = a.len().min(b.len());
    if small < MIN_SHINGLES {
        return None;
    }
    let inter = intersection(a, b);
    let union = a.len() + b.len() - inter;
    let jaccard = inter as f64 / union as f64;
    let contained = inter as f64 / small as f64;
    (jaccard >= MIN_JACCARD || (small >= MIN_CONTAINED && contained >= MIN_CONTAINMENT))
        .then_some(jaccard)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARTICLE: &str = "BAGHDAD, Dec 9 - Three armed groups in Iraq said on Thursday \
        they would keep attacking United States forces until the last foreign soldier leaves \
        the country, despite the formal end of the coalition's combat mission announced by \
        the government this week. A spokesman for one of the groups told reporters that the \
        announcement changed nothing on the ground and that the presence of advisers was an \
        occupation by another name. The government said the remaining troops would only \
        train and advise Iraqi forces, and that talks on the timetable would continue next \
        month in the capital.";

    fn shared_bands(a: &str, b: &str) -> usize {
        let (ka, kb) = (band_keys(&shingles(a)), band_keys(&shingles(b)));
        ka.iter().zip(&kb).filter(|(x, y)| x == y).count()
    }

    #[test]
    fn words_are_case_and_punctuation_insensitive() {
        assert_eq!(
            shingles("The Quick, brown FOX!"),
            shingles("the quick brown fox")
        );
        assert_eq!(shingles("one two").len(), 0);
        assert_eq!(shingles("one two three four").len(), 2);
        assert_eq!(
            shingles("Émile Zola écrit ici"),
            shingles("émile zola ÉCRIT ici")
        );
    }

    #[test]
    fn band_keys_are_deterministic_and_non_negative() {
        let k = band_keys(&shingles(ARTICLE));
        assert_eq!(k.len(), BANDS);
        assert_eq!(k, band_keys(&shingles(ARTICLE)));
        assert!(k.iter().all(|&x| (0..1 << 47).contains(&x)));
        assert!(band_keys(&shingles("too short to link")).is_empty());
    }

    #[test]
    fn a_lightly_edited_wire_copy_is_similar() {
        let edited = ARTICLE
            .replace("BAGHDAD, Dec 9 - ", "(Reuters) ")
            .replace("on Thursday", "on Thursday evening")
            .replace("next month", "in January");
        let (a, b) = (shingles(ARTICLE), shingles(&edited));
        let j = similar(&a, &b).expect("near-duplicate");
        assert!(j > 0.7 && j < 1.0, "{j}");
        assert!(shared_bands(ARTICLE, &edited) > 0);
    }

    #[test]
    fn a_truncated_copy_is_contained() {
        let half = &ARTICLE[..ARTICLE.find("The government").unwrap()];
        assert!(similar(&shingles(ARTICLE), &shingles(half)).is_some());
    }

    #[test]
    fn different_articles_are_not_similar() {
        let other = "MECCA - A crane collapsed on the Grand Mosque on Friday during a storm, \
            killing at least 107 people and injuring more than 200, officials said. The \
            construction crane fell through the roof as pilgrims gathered for prayers ahead \
            of the annual hajj, and rescue workers carried the injured to hospitals across \
            the city while engineers inspected the other cranes on the site.";
        assert!(similar(&shingles(ARTICLE), &shingles(other)).is_none());
        assert_eq!(shared_bands(ARTICLE, other), 0);
    }
}
