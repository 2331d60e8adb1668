//! The clock and the one queue of pending steps. Steps run in (time,
//! tie-break, sequence) order; the tie-break is drawn from the seed so that
//! different seeds explore different interleavings of simultaneous steps.
//! Time jumps straight to the next step: a one-year timer costs nothing.

use super::rng::{Purpose, Rng};
use crate::model::{Duration, SimTime};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

struct Entry<T> {
    key: (SimTime, u64, u64),
    step: T,
}

impl<T> PartialEq for Entry<T> {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl<T> Eq for Entry<T> {}
impl<T> PartialOrd for Entry<T> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl<T> Ord for Entry<T> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key.cmp(&other.key)
    }
}

/// A seeded priority queue of steps over simulated time.
pub struct Scheduler<T> {
    now: SimTime,
    queue: BinaryHeap<Reverse<Entry<T>>>,
    sequence: u64,
    ties: Rng,
}

impl<T> Scheduler<T> {
    /// An empty scheduler at [`SimTime::START`].
    pub fn new(seed: u64) -> Scheduler<T> {
        Scheduler {
            now: SimTime::START,
            queue: BinaryHeap::new(),
            sequence: 0,
            ties: Rng::new(seed, Purpose::Scheduler),
        }
    }

    /// The current simulated time.
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Queues `step` to run at `at` (or now, if `at` is in the past),
    /// before the other steps of that instant, without drawing a tie-break.
    /// For steps that only some fault sources schedule (timed faults, the
    /// heal): a rerun from a realised fault schedule, which lacks the faults
    /// that had no effect, then draws the same tie-breaks for every other
    /// step.
    pub fn at_untied(&mut self, at: SimTime, step: T) {
        let at = at.max(self.now);
        self.sequence += 1;
        self.queue.push(Reverse(Entry {
            key: (at, 0, self.sequence),
            step,
        }));
    }

    /// Queues `step` to run at `at` (or now, if `at` is in the past).
    pub fn at(&mut self, at: SimTime, step: T) {
        let at = at.max(self.now);
        self.sequence += 1;
        let tie = self.ties.next_u64();
        self.queue.push(Reverse(Entry {
            key: (at, tie, self.sequence),
            step,
        }));
    }

    /// Queues `step` to run after `delay`.
    pub fn after(&mut self, delay: Duration, step: T) {
        self.at(self.now + delay, step);
    }

    /// Takes the next step and advances the clock to its time.
    pub fn pop(&mut self) -> Option<T> {
        let Reverse(entry) = self.queue.pop()?;
        self.now = entry.key.0;
        Some(entry.step)
    }

    /// When the next step is due, if any.
    pub fn peek_time(&self) -> Option<SimTime> {
        self.queue.peek().map(|Reverse(e)| e.key.0)
    }

    /// Number of pending steps.
    pub fn len(&self) -> usize {
        self.queue.len()
    }

    /// Whether no step is pending.
    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::secs;

    #[test]
    fn steps_run_in_time_order_and_time_jumps() {
        let mut s = Scheduler::new(1);
        s.after(secs(365 * 86_400), "late");
        s.after(secs(1), "early");
        assert_eq!(s.pop(), Some("early"));
        assert_eq!(s.now(), SimTime::START + secs(1));
        assert_eq!(s.pop(), Some("late"));
        assert_eq!(s.now(), SimTime::START + secs(365 * 86_400));
    }

    #[test]
    fn simultaneous_steps_are_ordered_by_the_seed() {
        let order = |seed| {
            let mut s = Scheduler::new(seed);
            for i in 0..8 {
                s.after(secs(1), i);
            }
            std::iter::from_fn(|| s.pop()).collect::<Vec<_>>()
        };
        assert_eq!(order(5), order(5));
        assert!(
            (0..20).any(|seed| order(seed) != order(5)),
            "ties never vary with the seed"
        );
    }
}
