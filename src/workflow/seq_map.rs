//! [`SeqMap`]: values keyed by the sequence numbers a run hands out.

/// Values by sequence number, for numbers a run hands out itself (dense,
/// from 1): one slot per number in a `Vec` (number 1 in slot 0), so an
/// insert, a lookup and a removal are an index, the numbers handed out in
/// order are pushed, and an empty map costs nothing to make or drop. Not
/// for numbers read from a history: one huge number would make a huge
/// `Vec`. Number 0 is never handed out: it has no value, and setting it is
/// a bug.
#[derive(Debug)]
pub(crate) struct SeqMap<V> {
    slots: Vec<Option<V>>,
}

impl<V> Default for SeqMap<V> {
    fn default() -> SeqMap<V> {
        SeqMap::new()
    }
}

impl<V> SeqMap<V> {
    /// An empty map (no allocation).
    pub(crate) const fn new() -> SeqMap<V> {
        SeqMap { slots: Vec::new() }
    }

    /// Sets the value of `seq`, replacing any.
    pub(crate) fn insert(&mut self, seq: u32, value: V) {
        let index = slot(seq).expect("sequence numbers start at 1");
        let len = self.slots.len();
        if index < len {
            self.slots[index] = Some(value);
        } else {
            // Numbers are handed out in order: mostly, the next one is pushed.
            if index > len {
                self.slots.resize_with(index, || None);
            }
            self.slots.push(Some(value));
        }
    }

    /// The value of `seq`, if any.
    pub(crate) fn get(&self, seq: u32) -> Option<&V> {
        self.slots.get(slot(seq)?)?.as_ref()
    }

    /// Removes every value, keeping the allocation.
    pub(crate) fn clear(&mut self) {
        // Clearing an empty `Vec` of values with drop glue still calls it.
        if !self.slots.is_empty() {
            self.slots.clear();
        }
    }

    /// Removes and returns the value of `seq`, if any.
    pub(crate) fn remove(&mut self, seq: u32) -> Option<V> {
        self.slots.get_mut(slot(seq)?)?.take()
    }
}

/// The slot of `seq` (none for 0).
fn slot(seq: u32) -> Option<usize> {
    let index = seq.checked_sub(1)?;
    Some(usize::try_from(index).expect("a u32 fits in usize"))
}

#[cfg(test)]
mod tests {
    use super::SeqMap;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    proptest! {
        /// Inserts (of numbers from 1), removals, lookups (of any number)
        /// and clears answer as a B-tree map does.
        #[test]
        fn answers_as_a_btree_map(
            ops in proptest::collection::vec((0u8..4, 0u32..20), 0..200),
        ) {
            let mut map = SeqMap::new();
            let mut model = BTreeMap::new();
            for (i, (op, seq)) in ops.into_iter().enumerate() {
                match op {
                    0 if seq > 0 => {
                        map.insert(seq, i);
                        model.insert(seq, i);
                    }
                    1 => prop_assert_eq!(map.remove(seq), model.remove(&seq)),
                    2 if i % 7 == 0 => {
                        map.clear();
                        model.clear();
                    }
                    _ => {}
                }
                prop_assert_eq!(map.get(seq), model.get(&seq));
            }
        }
    }

    #[test]
    fn inserts_replaces_gets_and_removes_by_number() {
        let mut map = SeqMap::new();
        assert_eq!(map.get(0), None);
        assert_eq!(map.get(1), None);
        assert_eq!(map.remove(7), None);
        map.insert(3, "c");
        map.insert(1, "a");
        map.insert(3, "C");
        assert_eq!(map.get(1), Some(&"a"));
        assert_eq!(map.get(2), None);
        assert_eq!(map.get(3), Some(&"C"));
        assert_eq!(map.remove(3), Some("C"));
        assert_eq!(map.remove(3), None);
        assert_eq!(map.get(1), Some(&"a"));
        assert_eq!(map.remove(0), None);
        map.insert(4, "d");
        assert_eq!(map.get(4), Some(&"d"));
    }
}
