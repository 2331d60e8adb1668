//! [`LookupMap`]: a hash map for lookups by key, safe in a deterministic
//! engine.

use rustc_hash::FxBuildHasher;
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

    /// Every entry, in no particular order (for tests: the engine only
    /// looks entries up).
    #[cfg(test)]
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        let (few, many) = match self {
            SmallMap::Few(entries) => (Some(entries.iter().map(|(k, v)| (k, v))), None),
            SmallMap::Many(map) => (None, Some(map.iter())),
        };
        few.into_iter().flatten().chain(many.into_iter().flatten())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Inserts, removals and lookups, across the switch to a hash map,
        /// answer as a hash map alone does.
        #[test]
        fn a_small_map_answers_as_a_hash_map(
            ops in proptest::collection::vec((0u8..3, 0u64..80), 0..500),
        ) {
            let mut small = SmallMap::default();
            let mut map: LookupMap<u64, u64> = LookupMap::default();
            for (i, (op, key)) in ops.into_iter().enumerate() {
                let value = i as u64;
                match op {
                    0 => prop_assert_eq!(small.insert(key, value), map.insert(key, value)),
                    1 => prop_assert_eq!(small.remove(&key), map.remove(&key)),
                    _ => prop_assert_eq!(small.get(&key), map.get(&key)),
                }
                prop_assert_eq!(small.contains_key(&key), map.contains_key(&key));
                let mut entries: Vec<(u64, u64)> = small.iter().map(|(k, v)| (*k, *v)).collect();
                let mut expected: Vec<(u64, u64)> = map.iter().map(|(k, v)| (*k, *v)).collect();
                entries.sort_unstable();
                expected.sort_unstable();
                prop_assert_eq!(entries, expected);
            }
        }
    }
}
