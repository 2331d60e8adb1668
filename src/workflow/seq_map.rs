//! [`SeqMap`]: values keyed by the sequence numbers a run hands out.

/// Values by sequence number, for numbers a run hands out itself (dense,
/// from 1): one slot per number in a `Vec`, so an insert, a lookup and a
/// removal are an index, and an empty map costs nothing to make or drop.
/// Not for numbers read from a history: one huge number would make a huge
/// `Vec`.
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
        let index = slot(seq);
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
        self.slots.get(slot(seq))?.as_ref()
    }

    /// Removes every value, keeping the allocation.
    pub(crate) fn clear(&mut self) {
        self.slots.clear();
    }

    /// Removes and returns the value of `seq`, if any.
    pub(crate) fn remove(&mut self, seq: u32) -> Option<V> {
        self.slots.get_mut(slot(seq))?.take()
    }
}

fn slot(seq: u32) -> usize {
    usize::try_from(seq).expect("a u32 fits in usize")
}

#[cfg(test)]
mod tests {
    use super::SeqMap;

    #[test]
    fn inserts_replaces_gets_and_removes_by_number() {
        let mut map = SeqMap::new();
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
    }
}
