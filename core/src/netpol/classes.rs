//! Sets of equivalence-class ids: sorted vectors while small, bitsets once
//! dense, so that a selector matching one deployment costs a few bytes and
//! `namespaceSelector: {}` costs n/8 bytes rather than 4n.

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClassSet {
    Sparse(Vec<u32>),
    Dense(Vec<u64>),
}

impl Default for ClassSet {
    fn default() -> Self {
        ClassSet::Sparse(Vec::new())
    }
}

fn dense_threshold(universe: usize) -> usize {
    universe / 32 + 8
}

impl ClassSet {
    /// From sorted, deduplicated ids below `universe`.
    pub fn from_sorted(ids: Vec<u32>, universe: usize) -> ClassSet {
        if ids.len() > dense_threshold(universe) {
            let mut words = vec![0u64; universe.div_ceil(64)];
            for id in ids {
                if let Some(word) = words.get_mut(id as usize / 64) {
                    *word |= 1u64 << (id % 64);
                }
            }
            ClassSet::Dense(words)
        } else {
            ClassSet::Sparse(ids)
        }
    }

    pub fn from_unsorted(mut ids: Vec<u32>, universe: usize) -> ClassSet {
        crate::sort::sort(&mut ids);
        ids.dedup();
        ClassSet::from_sorted(ids, universe)
    }

    pub fn contains(&self, id: u32) -> bool {
        match self {
            ClassSet::Sparse(ids) => ids.binary_search(&id).is_ok(),
            ClassSet::Dense(words) => words.get(id as usize / 64).is_some_and(|w| w & (1u64 << (id % 64)) != 0),
        }
    }

    pub fn is_empty(&self) -> bool {
        match self {
            ClassSet::Sparse(ids) => ids.is_empty(),
            ClassSet::Dense(words) => words.iter().all(|w| *w == 0),
        }
    }

    pub fn len(&self) -> usize {
        match self {
            ClassSet::Sparse(ids) => ids.len(),
            ClassSet::Dense(words) => words.iter().map(|w| w.count_ones() as usize).sum(),
        }
    }

    /// Calls `f` with each id, ascending, without collecting them.
    pub fn for_each(&self, mut f: impl FnMut(u32)) {
        match self {
            ClassSet::Sparse(ids) => ids.iter().copied().for_each(f),
            ClassSet::Dense(words) => {
                for (i, word) in words.iter().enumerate() {
                    let mut w = *word;
                    while w != 0 {
                        f((i as u32) * 64 + w.trailing_zeros());
                        w &= w - 1;
                    }
                }
            }
        }
    }

    pub fn to_vec(&self) -> Vec<u32> {
        match self {
            ClassSet::Sparse(ids) => ids.clone(),
            ClassSet::Dense(words) => {
                let mut out = Vec::new();
                for (i, word) in words.iter().enumerate() {
                    let mut w = *word;
                    while w != 0 {
                        let bit = w.trailing_zeros();
                        out.push((i as u32) * 64 + bit);
                        w &= w - 1;
                    }
                }
                out
            }
        }
    }

    pub fn union_with(&mut self, other: &ClassSet, universe: usize) {
        match (&mut *self, other) {
            (_, ClassSet::Sparse(b)) if b.is_empty() => {}
            (ClassSet::Dense(a), ClassSet::Dense(b)) => {
                for (x, y) in a.iter_mut().zip(b) {
                    *x |= *y;
                }
            }
            (ClassSet::Dense(a), ClassSet::Sparse(b)) => {
                for id in b {
                    if let Some(word) = a.get_mut(*id as usize / 64) {
                        *word |= 1u64 << (id % 64);
                    }
                }
            }
            (ClassSet::Sparse(a), ClassSet::Dense(b)) => {
                let mut words = b.clone();
                for id in a.iter() {
                    if let Some(word) = words.get_mut(*id as usize / 64) {
                        *word |= 1u64 << (id % 64);
                    }
                }
                *self = ClassSet::Dense(words);
            }
            (ClassSet::Sparse(a), ClassSet::Sparse(b)) => {
                let mut merged = Vec::with_capacity(a.len() + b.len());
                let (mut i, mut j) = (0, 0);
                while i < a.len() || j < b.len() {
                    let next = match (a.get(i), b.get(j)) {
                        (Some(x), Some(y)) if x == y => {
                            i += 1;
                            j += 1;
                            *x
                        }
                        (Some(x), Some(y)) if x < y => {
                            i += 1;
                            *x
                        }
                        (_, Some(y)) => {
                            j += 1;
                            *y
                        }
                        (Some(x), None) => {
                            i += 1;
                            *x
                        }
                        (None, None) => break,
                    };
                    merged.push(next);
                }
                *self = ClassSet::from_sorted(merged, universe);
            }
        }
    }

    pub fn intersect(&self, other: &ClassSet, universe: usize) -> ClassSet {
        match (self, other) {
            (ClassSet::Dense(a), ClassSet::Dense(b)) => ClassSet::Dense(a.iter().zip(b).map(|(x, y)| x & y).collect()),
            (ClassSet::Sparse(ids), set) | (set, ClassSet::Sparse(ids)) => {
                ClassSet::from_sorted(ids.iter().copied().filter(|id| set.contains(*id)).collect(), universe)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn set_operations_agree_with_btreeset(a in proptest::collection::vec(0u32..300, 0..200), b in proptest::collection::vec(0u32..300, 0..200)) {
            let universe = 300;
            let sa: std::collections::BTreeSet<u32> = a.iter().copied().collect();
            let sb: std::collections::BTreeSet<u32> = b.iter().copied().collect();
            let ca = ClassSet::from_unsorted(a, universe);
            let cb = ClassSet::from_unsorted(b, universe);
            let inter: Vec<u32> = sa.intersection(&sb).copied().collect();
            prop_assert_eq!(ca.intersect(&cb, universe).to_vec(), inter);
            let mut union = ca.clone();
            union.union_with(&cb, universe);
            let expected: Vec<u32> = sa.union(&sb).copied().collect();
            prop_assert_eq!(union.to_vec(), expected.clone());
            prop_assert_eq!(union.len(), expected.len());
            for id in 0..universe as u32 {
                prop_assert_eq!(ca.contains(id), sa.contains(&id));
            }
        }
    }
}

/// A folded-multiply hasher over 8-byte words: the engine's maps are keyed by
/// short label strings, interned ids and small integer slices, where SipHash's
/// DoS resistance costs more than it buys (inputs are the user's own
/// manifests) and byte-at-a-time FNV is slow on anything longer than a few
/// bytes. Each word is folded in with a 64 × 64 → 128-bit multiply whose halves
/// are xored, so every input bit reaches every output bit (hashbrown reads
/// both the low bits and the top seven).
#[derive(Default, Clone, Copy)]
pub struct FastHasher(u64);

const SEED: u64 = 0x243f_6a88_85a3_08d3;
const MULTIPLIER: u64 = 0xa076_1d64_78bd_642f;

impl FastHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        let product = u128::from(self.0 ^ word ^ SEED) * u128::from(MULTIPLIER);
        self.0 = (product as u64) ^ ((product >> 64) as u64);
    }
}

fn read_u32(bytes: &[u8], at: usize) -> u64 {
    let mut word = [0u8; 4];
    if let Some(src) = bytes.get(at..at + 4) {
        word.copy_from_slice(src);
    }
    u64::from(u32::from_le_bytes(word))
}

impl std::hash::Hasher for FastHasher {
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }

    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        let n = rest.len();
        let tail = if n >= 4 {
            // Two overlapping reads cover 4..=7 bytes.
            read_u32(rest, 0) | (read_u32(rest, n - 4) << 32)
        } else if n > 0 {
            let byte = |i: usize| u64::from(rest.get(i).copied().unwrap_or(0));
            byte(0) | (byte(n / 2) << 8) | (byte(n - 1) << 16)
        } else {
            return;
        };
        self.add(tail ^ ((n as u64) << 59));
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u16(&mut self, i: u16) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
}

pub type FastMap<K, V> = std::collections::HashMap<K, V, std::hash::BuildHasherDefault<FastHasher>>;
