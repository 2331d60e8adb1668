//! The scheduler's priority queue of keyed steps, smallest key first.
//!
//! A world of a few executions has a handful of steps pending at a time
//! (three to six for one `two_activities` run), and there a binary heap's
//! pop, which sifts down to a leaf and back up, costs several times a
//! sorted `Vec`'s: the queue keeps its steps in a `Vec` sorted largest key
//! first (a pop takes the last; a push looks for its place from the end,
//! where most land, and shifts the few smaller-keyed ones aside) until it
//! holds more than [`SORTED_LIMIT`], then becomes a binary
//! heap for good (a world of a million executions holds a million). Keys
//! are unique, so both orders, and any switch between them, take steps out
//! in exactly the same order.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// The most steps kept sorted before the queue turns into a heap.
const SORTED_LIMIT: usize = 32;

/// A step and its key, compared by key alone.
pub(super) struct Entry<K, T> {
    pub key: K,
    pub step: T,
}

impl<K: Ord, T> PartialEq for Entry<K, T> {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl<K: Ord, T> Eq for Entry<K, T> {}
impl<K: Ord, T> PartialOrd for Entry<K, T> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl<K: Ord, T> Ord for Entry<K, T> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key.cmp(&other.key)
    }
}

/// Steps by unique key, smallest first.
pub(super) enum StepQueue<K, T> {
    /// Few steps, sorted by key, largest first.
    Sorted(Vec<Entry<K, T>>),
    /// Many steps.
    Heap(BinaryHeap<Reverse<Entry<K, T>>>),
}

impl<K: Ord + Copy, T> StepQueue<K, T> {
    /// An empty queue.
    pub fn new() -> Self {
        StepQueue::Sorted(Vec::with_capacity(SORTED_LIMIT))
    }

    /// An empty queue in `spare`, an emptied buffer from
    /// [`StepQueue::into_spare`].
    pub fn in_spare(spare: Vec<Entry<K, T>>) -> Self {
        debug_assert!(spare.is_empty());
        StepQueue::Sorted(spare)
    }

    /// The queue's buffer, emptied, while the queue is still small (a
    /// heap's may be huge and is not worth keeping).
    pub fn into_spare(self) -> Option<Vec<Entry<K, T>>> {
        match self {
            StepQueue::Sorted(mut sorted) => {
                sorted.clear();
                Some(sorted)
            }
            StepQueue::Heap(_) => None,
        }
    }

    /// Adds a step; its key must differ from every other pending key.
    pub fn push(&mut self, entry: Entry<K, T>) {
        match self {
            StepQueue::Sorted(sorted) if sorted.len() < SORTED_LIMIT => {
                // Most new steps are due before every pending one or all
                // but one or two (a reply due in a millisecond, against
                // timers and activities due later), so the search starts
                // at the end, where they land.
                let len = sorted.len();
                let mut at = len;
                while at > 0 && sorted[at - 1].key < entry.key {
                    at -= 1;
                }
                if at == len {
                    sorted.push(entry);
                } else {
                    sorted.insert(at, entry);
                }
            }
            StepQueue::Sorted(sorted) => {
                let mut heap: BinaryHeap<_> = sorted.drain(..).map(Reverse).collect();
                heap.push(Reverse(entry));
                *self = StepQueue::Heap(heap);
            }
            StepQueue::Heap(heap) => heap.push(Reverse(entry)),
        }
    }

    /// The smallest key.
    pub fn peek_key(&self) -> Option<K> {
        match self {
            StepQueue::Sorted(sorted) => sorted.last().map(|e| e.key),
            StepQueue::Heap(heap) => heap.peek().map(|Reverse(e)| e.key),
        }
    }

    /// Takes the step with the smallest key.
    pub fn pop(&mut self) -> Option<Entry<K, T>> {
        match self {
            StepQueue::Sorted(sorted) => sorted.pop(),
            StepQueue::Heap(heap) => heap.pop().map(|Reverse(e)| e),
        }
    }

    /// How many steps are pending.
    pub fn len(&self) -> usize {
        match self {
            StepQueue::Sorted(sorted) => sorted.len(),
            StepQueue::Heap(heap) => heap.len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Pushes and pops in any interleaving, across the switch to a
        /// heap, take steps out in key order, as a heap alone does.
        #[test]
        fn steps_come_out_in_the_order_a_heap_gives(
            ops in proptest::collection::vec(proptest::option::of(0u32..50), 0..400),
        ) {
            let mut queue = StepQueue::new();
            let mut heap = BinaryHeap::new();
            for (sequence, op) in ops.iter().enumerate() {
                match op {
                    Some(time) => {
                        let key = (*time, sequence);
                        queue.push(Entry { key, step: sequence });
                        heap.push(Reverse(key));
                    }
                    None => {
                        let expected = heap.pop().map(|Reverse(key)| key);
                        prop_assert_eq!(queue.peek_key(), expected);
                        prop_assert_eq!(queue.pop().map(|e| (e.key, e.step)), expected.map(|k| (k, k.1)));
                    }
                }
                prop_assert_eq!(queue.len(), heap.len());
            }
            while let Some(Reverse(key)) = heap.pop() {
                prop_assert_eq!(queue.pop().map(|e| e.key), Some(key));
            }
            prop_assert!(queue.pop().is_none());
        }
    }

    #[test]
    fn a_queue_past_the_limit_becomes_a_heap_and_keeps_its_order() {
        let mut queue = StepQueue::new();
        for key in (0..(SORTED_LIMIT as u32 * 3)).rev() {
            queue.push(Entry { key, step: () });
        }
        assert!(matches!(queue, StepQueue::Heap(_)));
        let keys: Vec<u32> = std::iter::from_fn(|| queue.pop().map(|e| e.key)).collect();
        assert_eq!(keys, (0..SORTED_LIMIT as u32 * 3).collect::<Vec<_>>());
    }
}
