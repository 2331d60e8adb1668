//! [`LookupMap`]: a hash map for lookups by key, safe in a deterministic
//! engine.

use rustc_hash::FxBuildHasher;
use std::borrow::Borrow;
use std::collections::HashMap;

/// A map for lookups only: hashed by FxHash, which has no random state (the
/// same in every process and run, unlike `HashMap`'s default), and never
/// iterated where order could reach an output. With a million entries a
/// lookup is one hash instead of a B-tree walk of ~20 key comparisons.
pub(crate) type LookupMap<K, V> = HashMap<K, V, FxBuildHasher>;

/// How many entries a [`SmallMap`] keeps in a plain list before it turns
/// into a [`LookupMap`].
const FEW: usize = 32;

/// A map for lookups only that usually holds a handful of entries (a
/// run's pending activity ids): while it holds at most
/// [`FEW`] it is an unsorted list searched by comparing keys, which costs
/// less than hashing them, and beyond that a [`LookupMap`] for good. Like
/// a `LookupMap`, its iteration order must not reach an output.
#[derive(Clone, Debug)]
pub(crate) enum SmallMap<K, V> {
    /// At most [`FEW`] entries, in no order.
    Few(Vec<(K, V)>),
    /// Many entries.
    Many(LookupMap<K, V>),
}

impl<K, V> Default for SmallMap<K, V> {
    fn default() -> Self {
        SmallMap::Few(Vec::new())
    }
}

impl<K: Eq + std::hash::Hash, V> SmallMap<K, V> {
    /// The value of `key`, if any.
    pub fn get(&self, key: &K) -> Option<&V> {
        match self {
            SmallMap::Few(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            SmallMap::Many(map) => map.get(key),
        }
    }

    /// The value of `key`, if any, to change.
    pub fn get_mut(&mut self, key: &K) -> Option<&mut V> {
        match self {
            SmallMap::Few(entries) => entries.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v),
            SmallMap::Many(map) => map.get_mut(key),
        }
    }

    /// How many entries it holds.
    pub fn len(&self) -> usize {
        match self {
            SmallMap::Few(entries) => entries.len(),
            SmallMap::Many(map) => map.len(),
        }
    }

    /// Whether `key` has a value.
    pub fn contains_key(&self, key: &K) -> bool {
        self.get(key).is_some()
    }

    /// Sets the value of `key`; returns the value it replaced.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self {
            SmallMap::Few(entries) => {
                if let Some((_, old)) = entries.iter_mut().find(|(k, _)| *k == key) {
                    return Some(std::mem::replace(old, value));
                }
                if entries.len() < FEW {
                    entries.push((key, value));
                } else {
                    let mut map = LookupMap::with_capacity_and_hasher(2 * FEW, Default::default());
                    map.extend(entries.drain(..));
                    map.insert(key, value);
                    *self = SmallMap::Many(map);
                }
                None
            }
            SmallMap::Many(map) => map.insert(key, value),
        }
    }

    /// Takes the value of `key` out, if any.
    pub fn remove(&mut self, key: &K) -> Option<V> {
        match self {
            SmallMap::Few(entries) => {
                let at = entries.iter().position(|(k, _)| k == key)?;
                Some(entries.swap_remove(at).1)
            }
            SmallMap::Many(map) => map.remove(key),
        }
    }

    /// Every entry, in no particular order (which must not reach an output).
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        let (few, many) = match self {
            SmallMap::Few(entries) => (Some(entries.iter().map(|(k, v)| (k, v))), None),
            SmallMap::Many(map) => (None, Some(map.iter())),
        };
        few.into_iter().flatten().chain(many.into_iter().flatten())
    }
}

/// A map built once from pairs and then only read: the pairs sorted by key
/// (stably, so that of equal keys the last one given wins, as in a
/// `BTreeMap` collected from the same pairs), found by halving. One
/// allocation, where a B-tree makes and frees a node per eleven keys; the
/// end-of-run checks build a few of these for every world, most of them
/// over a handful of runs.
pub(crate) struct SortedMap<K, V>(Vec<(K, V)>);

impl<K: Ord, V> FromIterator<(K, V)> for SortedMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(pairs: I) -> Self {
        let mut pairs: Vec<(K, V)> = pairs.into_iter().collect();
        pairs.sort_by(|a, b| a.0.cmp(&b.0));
        SortedMap(pairs)
    }
}

impl<K: Ord, V> SortedMap<K, V> {
    /// The value of `key` (the last given, if several were).
    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        let end = self.0.partition_point(|(k, _)| k.borrow() <= key);
        match self.0[..end].last() {
            Some((k, v)) if k.borrow() == key => Some(v),
            _ => None,
        }
    }

    /// How many pairs it was built from.
    pub fn len(&self) -> usize {
        self.0.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    proptest! {
        /// Built from the same pairs, repeated keys included, a sorted map
        /// answers every lookup as a B-tree map does.
        #[test]
        fn a_sorted_map_answers_as_a_btree_map(
            pairs in proptest::collection::vec((0u8..40, 0u32..1000), 0..100),
            probes in proptest::collection::vec(0u8..45, 0..50),
        ) {
            let sorted: SortedMap<u8, u32> = pairs.iter().copied().collect();
            let tree: BTreeMap<u8, u32> = pairs.iter().copied().collect();
            prop_assert_eq!(sorted.len(), pairs.len());
            for key in probes.iter().chain(pairs.iter().map(|(k, _)| k)) {
                prop_assert_eq!(sorted.get(key), tree.get(key));
            }
        }
    }

    proptest! {
        /// Inserts, removals and lookups, across the switch to a hash map,
        /// answer as a hash map alone does.
        #[test]
        fn a_small_map_answers_as_a_hash_map(
            ops in proptest::collection::vec((0u8..4, 0u64..80), 0..500),
        ) {
            let mut small = SmallMap::default();
            let mut map: LookupMap<u64, u64> = LookupMap::default();
            for (i, (op, key)) in ops.into_iter().enumerate() {
                let value = i as u64;
                match op {
                    0 => prop_assert_eq!(small.insert(key, value), map.insert(key, value)),
                    1 => prop_assert_eq!(small.remove(&key), map.remove(&key)),
                    2 => prop_assert_eq!(small.get(&key), map.get(&key)),
                    _ => {
                        let (small_value, map_value) = (small.get_mut(&key), map.get_mut(&key));
                        prop_assert_eq!(small_value.as_deref(), map_value.as_deref());
                        if let (Some(small_value), Some(map_value)) = (small_value, map_value) {
                            *small_value += 1000;
                            *map_value += 1000;
                        }
                    }
                }
                prop_assert_eq!(small.contains_key(&key), map.contains_key(&key));
                prop_assert_eq!(small.len(), map.len());
                let mut entries: Vec<(u64, u64)> = small.iter().map(|(k, v)| (*k, *v)).collect();
                let mut expected: Vec<(u64, u64)> = map.iter().map(|(k, v)| (*k, *v)).collect();
                entries.sort_unstable();
                expected.sort_unstable();
                prop_assert_eq!(entries, expected);
            }
        }
    }
}
