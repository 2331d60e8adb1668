//! The world's open calls by id.
//!
//! Call ids only grow, and most calls close soon after they open (an
//! answer, or else an RPC timeout), so the open ones are nearly the ids
//! from the oldest open call up to the newest. [`OpenCalls`] keeps them in
//! a window indexed by `id - base`: opening a call pushes at the back,
//! closing one empties its slot and drops empty slots from the front, and
//! a lookup is an index, with no hashing. A world of a million executions
//! opens and closes millions of calls; a hash map spent most of that time
//! growing its table and missing the cache.
//!
//! A call that stays open while many newer ones come and go (a long poll
//! parked on an idle queue) would stretch the window, so once the window
//! has more than twice as many slots as open calls (plus [`SLACK`]), the
//! oldest open calls move to a [`LookupMap`] of stragglers: memory stays
//! proportional to the calls that are open.

use crate::lookup::LookupMap;
use std::collections::VecDeque;

/// Empty slots the window may hold beyond twice its open calls.
const SLACK: usize = 1024;
/// The window's first capacity: a world of one execution makes about 15
/// calls, some (parked polls) open across most of the others.
const INITIAL_WINDOW: usize = 32;

/// Values by call id, for ids given in increasing order.
pub(super) struct OpenCalls<V> {
    /// The slots of ids `base..base + window.len()`; `None` once closed.
    /// The front slot, if any, is open.
    window: VecDeque<Option<V>>,
    base: u64,
    /// How many slots of the window are open.
    open_in_window: usize,
    /// Open calls older than `base`.
    stragglers: LookupMap<u64, V>,
}

impl<V> Default for OpenCalls<V> {
    fn default() -> Self {
        OpenCalls {
            window: VecDeque::with_capacity(INITIAL_WINDOW),
            base: 0,
            open_in_window: 0,
            stragglers: LookupMap::default(),
        }
    }
}

impl<V> OpenCalls<V> {
    /// Opens call `id`, which must be greater than every id opened before.
    #[inline]
    pub fn insert(&mut self, id: u64, value: V) {
        if self.window.is_empty() {
            self.base = id;
        }
        let end = self.base + self.window.len() as u64;
        assert!(id >= end, "call ids only grow: {id} after {end}");
        self.window
            .extend(std::iter::repeat_with(|| None).take((id - end) as usize));
        self.window.push_back(Some(value));
        self.open_in_window += 1;
        if self.window.len() > 2 * self.open_in_window + SLACK {
            self.move_out_stragglers();
        }
    }

    /// Moves the oldest open calls out of the window until it is dense
    /// enough again.
    #[cold]
    fn move_out_stragglers(&mut self) {
        while self.window.len() > 2 * self.open_in_window + SLACK {
            if let Some(Some(value)) = self.window.pop_front() {
                self.stragglers.insert(self.base, value);
                self.open_in_window -= 1;
            }
            self.base += 1;
        }
        self.drop_closed_front();
    }

    /// Drops closed slots from the front of the window.
    #[inline]
    fn drop_closed_front(&mut self) {
        while let Some(None) = self.window.front() {
            self.window.pop_front();
            self.base += 1;
        }
    }

    /// The value of open call `id`, if it is open.
    #[inline]
    pub fn get(&self, id: u64) -> Option<&V> {
        match id.checked_sub(self.base) {
            Some(offset) => self.window.get(offset as usize)?.as_ref(),
            None => self.stragglers.get(&id),
        }
    }

    /// Whether call `id` is open.
    pub fn contains(&self, id: u64) -> bool {
        self.get(id).is_some()
    }

    /// Closes call `id`, returning its value if it was open.
    #[inline]
    pub fn remove(&mut self, id: u64) -> Option<V> {
        let Some(offset) = id.checked_sub(self.base) else {
            return self.stragglers.remove(&id);
        };
        let value = self.window.get_mut(offset as usize)?.take()?;
        self.open_in_window -= 1;
        if offset == 0 {
            self.drop_closed_front();
        }
        Some(value)
    }

    /// Every open call, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (u64, &V)> {
        let in_window = (self.base..)
            .zip(&self.window)
            .filter_map(|(id, slot)| Some((id, slot.as_ref()?)));
        self.stragglers
            .iter()
            .map(|(id, value)| (*id, value))
            .chain(in_window)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    #[derive(Debug, Clone)]
    enum Op {
        /// Open a call this many ids after the last one.
        Open(u64),
        /// Close the open call at this position (modulo how many are open).
        Close(usize),
        /// Look up an id this far back from the newest.
        Get(u64),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            4 => (1u64..4).prop_map(Op::Open),
            3 => any::<usize>().prop_map(Op::Close),
            2 => (0u64..3000).prop_map(Op::Get),
        ]
    }

    proptest! {
        /// Any interleaving of opens, closes and lookups, including calls
        /// that stay open while thousands of newer ones come and go, answers
        /// as a map does, and keeps the window proportional to the open calls.
        #[test]
        fn open_calls_answer_as_a_map_does(
            ops in proptest::collection::vec(op(), 0..4000),
            keep_open_every in 1usize..200,
        ) {
            let mut calls = OpenCalls::default();
            let mut model = BTreeMap::new();
            let mut last = 0u64;
            for (step, op) in ops.into_iter().enumerate() {
                match op {
                    Op::Open(gap) => {
                        last += gap;
                        calls.insert(last, step);
                        model.insert(last, step);
                        prop_assert!(calls.window.len() <= 2 * calls.open_in_window + SLACK);
                    }
                    Op::Close(at) if !model.is_empty() => {
                        let id = *model.keys().nth(at % model.len()).unwrap();
                        // Some calls are long-lived: they close only now and then.
                        if (id as usize).is_multiple_of(keep_open_every) && !at.is_multiple_of(50) {
                            continue;
                        }
                        prop_assert_eq!(calls.remove(id), model.remove(&id));
                        prop_assert_eq!(calls.remove(id), None);
                    }
                    Op::Close(_) => {}
                    Op::Get(back) => {
                        let id = last.saturating_sub(back);
                        prop_assert_eq!(calls.get(id), model.get(&id));
                        prop_assert_eq!(calls.contains(id), model.contains_key(&id));
                    }
                }
            }
            let mut open: Vec<(u64, usize)> = calls.iter().map(|(id, v)| (id, *v)).collect();
            open.sort_unstable();
            let expected: Vec<(u64, usize)> = model.into_iter().collect();
            prop_assert_eq!(open, expected);
        }
    }

    #[test]
    #[should_panic(expected = "call ids only grow")]
    fn an_id_out_of_order_is_refused() {
        let mut calls = OpenCalls::default();
        calls.insert(5, ());
        calls.insert(4, ());
    }
}
