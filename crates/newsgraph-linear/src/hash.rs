//! Deterministic hashing (no `std` hasher state, no randomness).

use std::hash::{BuildHasher, Hasher};

pub const FNV: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// FNV-1a over bytes, continuing from `h`.
#[inline]
pub fn fnv(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(FNV_PRIME);
    }
    h
}

/// Mixes a template id and up to two values into a 32-bit feature key.
#[inline]
pub fn mix(t: u64, a: u64, b: u64) -> u32 {
    let mut h = (t + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ a;
    h = h.wrapping_mul(0xBF58_476D_1CE4_E5B9) ^ b;
    h = (h ^ (h >> 31)).wrapping_mul(0x94D0_49BB_1331_11EB);
    h ^= h >> 29;
    (h >> 32) as u32
}

/// 64-bit finaliser.
#[inline]
pub fn fin(mut h: u64) -> u64 {
    h = (h ^ (h >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    h ^ (h >> 31)
}

/// A `BuildHasher` for keys that are already hashes: cheap and fixed, so
/// lookups are fast and nothing depends on a random seed. (Maps built with
/// it are only ever looked up, never iterated into output.)
#[derive(Clone, Copy, Debug, Default)]
pub struct KeyHasher(u64);

impl Hasher for KeyHasher {
    #[inline]
    fn finish(&self) -> u64 {
        fin(self.0)
    }
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        self.0 = fnv(self.0 ^ FNV, bytes);
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.0 = self.0.rotate_left(29) ^ u64::from(i);
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.0 = self.0.rotate_left(29) ^ i;
    }
}

#[derive(Clone, Copy, Debug, Default)]
pub struct BuildKeyHasher;

impl BuildHasher for BuildKeyHasher {
    type Hasher = KeyHasher;
    #[inline]
    fn build_hasher(&self) -> KeyHasher {
        KeyHasher(0)
    }
}

pub type KeyMap<K, V> = std::collections::HashMap<K, V, BuildKeyHasher>;

/// Deterministic xorshift generator for shuffling training data.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed | 1)
    }
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = (self.next_u64() % (i as u64 + 1)) as usize;
            v.swap(i, j);
        }
    }
}
