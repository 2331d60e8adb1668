//! [`LookupMap`]: a hash map for lookups by key, safe in a deterministic
//! engine.

use rustc_hash::FxBuildHasher;
use std::collections::HashMap;

/// A map for lookups only: hashed by FxHash, which has no random state (the
/// same in every process and run, unlike `HashMap`'s default), and never
/// iterated where order could reach an output. With a million entries a
/// lookup is one hash instead of a B-tree walk of ~20 key comparisons.
pub(crate) type LookupMap<K, V> = HashMap<K, V, FxBuildHasher>;
