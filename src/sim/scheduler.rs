//! The clock and the one queue of pending steps. Steps run in (time,
//! tie-break, sequence) order; the tie-break is drawn from the seed so that
//! different seeds explore different interleavings of simultaneous steps.
//! Time jumps straight to the next step: a one-year timer costs nothing.
//!
//! Other steps wait in one [`StepQueue`] (sorted while small, a heap once
//! large). Steps queued with one of a few fixed delays (RPC timeouts: one
//! per call, nearly all outlived by their answer) wait in a first-in,
//! first-out lane per delay instead: their times only grow, so a lane is
//! ordered by time as it is filled, and only steps due at the same instant
//! need sorting, by their tie-breaks, once, when they come up. With a
//! million executions started together the queue then holds the million
//! messages in flight, not also a million timeouts. The order of steps and
//! the tie-breaks drawn are exactly those of the one queue alone.

use super::rng::{Purpose, Rng};
use super::step_queue::StepQueue;
use crate::model::{Duration, SimTime};
use std::collections::VecDeque;

/// A lane's first capacity: the RPC timeouts of a run of one execution
/// (about a dozen calls, each answered long before its timeout) fit
/// without the lane growing three times.
const LANE_CAPACITY: usize = 16;

/// A lane whose buffer grew past this many steps is not kept for the next
/// scheduler (see [`Spare`]).
const MAX_SPARE_LANE: usize = 1024;

/// A step's key: its time, the seeded tie-break, the order it was queued.
type Key = (SimTime, u64, u64);
type Entry<T> = super::step_queue::Entry<Key, T>;

/// Steps queued with one fixed delay: in time order; the first `sorted`
/// are the steps of the earliest instant, in key order (0: not sorted yet).
struct Lane<T> {
    delay: Duration,
    entries: VecDeque<Entry<T>>,
    sorted: usize,
}

impl<T> Lane<T> {
    fn push(&mut self, entry: Entry<T>) {
        let joins_sorted_front = self.sorted > 0 && self.entries[0].key.0 == entry.key.0;
        if joins_sorted_front {
            // Rare: a step joins the instant that is already up (only
            // possible while every entry is of that instant).
            let at = self.entries.partition_point(|e| e.key < entry.key);
            self.entries.insert(at, entry);
            self.sorted += 1;
        } else {
            self.entries.push_back(entry);
        }
    }

    /// The time of the next step, if any.
    fn front_time(&self) -> Option<SimTime> {
        self.entries.front().map(|e| e.key.0)
    }

    /// The key of the next step, sorting its instant first if needed.
    fn front_key(&mut self) -> Option<Key> {
        let time = self.front_time()?;
        if self.sorted == 0 {
            let same_instant = self.entries.iter().take_while(|e| e.key.0 == time).count();
            if same_instant > 1 {
                self.entries.make_contiguous()[..same_instant].sort_unstable_by_key(|e| e.key);
            }
            self.sorted = same_instant;
        }
        Some(self.entries[0].key)
    }

    fn pop(&mut self) -> Option<Entry<T>> {
        let entry = self.entries.pop_front()?;
        self.sorted = self.sorted.saturating_sub(1);
        Some(entry)
    }
}

/// A seeded priority queue of steps over simulated time.
pub struct Scheduler<T> {
    now: SimTime,
    queue: StepQueue<Key, T>,
    /// One lane per fixed delay (see the module docs).
    lanes: Vec<Lane<T>>,
    /// The earliest time of a step in a lane (`SimTime::MAX` if none): a
    /// queued step due before it is next without looking at the lanes.
    lanes_first: SimTime,
    sequence: u64,
    ties: Rng,
}

/// The emptied buffers of a finished scheduler, for the next one to start
/// in (a world of a few executions then allocates none of them): the
/// queue's while it is small, and the lanes with their delays.
pub struct Spare<T> {
    queue: Vec<Entry<T>>,
    lanes: Vec<Lane<T>>,
}

/// Where the next step waits.
#[derive(Clone, Copy)]
enum Next {
    Queue,
    Lane(usize),
}

impl<T> Scheduler<T> {
    /// An empty scheduler at [`SimTime::START`].
    pub fn new(seed: u64) -> Scheduler<T> {
        Scheduler::in_spare(seed, None)
    }

    /// An empty scheduler at [`SimTime::START`], in the buffers of a
    /// finished one if given. Its empty lanes change no step's order.
    pub fn in_spare(seed: u64, spare: Option<Spare<T>>) -> Scheduler<T> {
        let (queue, lanes) = match spare {
            Some(spare) => (StepQueue::in_spare(spare.queue), spare.lanes),
            None => (StepQueue::new(), Vec::new()),
        };
        Scheduler {
            now: SimTime::START,
            queue,
            lanes,
            lanes_first: SimTime::MAX,
            sequence: 0,
            ties: Rng::new(seed, Purpose::Scheduler),
        }
    }

    /// Drops every pending step and gives back the buffers worth keeping.
    pub fn into_spare(self) -> Option<Spare<T>> {
        let queue = self.queue.into_spare()?;
        let mut lanes = self.lanes;
        lanes.retain(|lane| lane.entries.capacity() <= MAX_SPARE_LANE);
        for lane in &mut lanes {
            lane.entries.clear();
            lane.sorted = 0;
        }
        Some(Spare { queue, lanes })
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
        self.queue.push(Entry {
            key: (at, 0, self.sequence),
            step,
        });
    }

    /// Queues `step` to run at `at` (or now, if `at` is in the past).
    pub fn at(&mut self, at: SimTime, step: T) {
        let entry = self.tied_entry(at, step);
        self.queue.push(entry);
    }

    /// Queues `step` to run after `delay`.
    pub fn after(&mut self, delay: Duration, step: T) {
        self.at(self.now + delay, step);
    }

    /// [`Scheduler::after`] for a positive delay that is one of a few
    /// constants, each of which gets a FIFO lane: same order, same
    /// tie-break draw, O(1) instead of O(log n).
    pub fn after_fixed(&mut self, delay: Duration, step: T) {
        debug_assert!(delay > Duration::ZERO, "a lane's steps are never due now");
        let entry = self.tied_entry(self.now + delay, step);
        let lane = match self.lanes.iter().position(|lane| lane.delay == delay) {
            Some(lane) => lane,
            None => {
                debug_assert!(
                    self.lanes.len() < 8,
                    "after_fixed is for a few constant delays"
                );
                self.lanes.push(Lane {
                    delay,
                    entries: VecDeque::with_capacity(LANE_CAPACITY),
                    sorted: 0,
                });
                self.lanes.len() - 1
            }
        };
        self.lanes_first = self.lanes_first.min(entry.key.0);
        self.lanes[lane].push(entry);
    }

    /// The entry for `step` at `at`, with its seeded tie-break.
    fn tied_entry(&mut self, at: SimTime, step: T) -> Entry<T> {
        let at = at.max(self.now);
        self.sequence += 1;
        let tie = self.ties.next_u64();
        Entry {
            key: (at, tie, self.sequence),
            step,
        }
    }

    /// Where the step with the smallest key waits, and its time.
    fn next(&mut self) -> Option<(Next, SimTime)> {
        let mut best: Option<(Next, Key)> = self.queue.peek_key().map(|key| (Next::Queue, key));
        for (index, lane) in self.lanes.iter_mut().enumerate() {
            let Some(time) = lane.front_time() else {
                continue;
            };
            // Times decide, except at the same instant: then the tie-breaks.
            let earlier = match best {
                None => true,
                Some((_, key)) if time != key.0 => time < key.0,
                Some((_, key)) => lane.front_key().is_some_and(|front| front < key),
            };
            if earlier {
                let key = lane.front_key().expect("the lane has a step");
                best = Some((Next::Lane(index), key));
            }
        }
        best.map(|(next, key)| (next, key.0))
    }

    /// Takes the next step and advances the clock to its time.
    pub fn pop(&mut self) -> Option<T> {
        let entry = match self.next_quickly()? {
            Next::Queue => self.queue.pop(),
            Next::Lane(lane) => {
                let entry = self.lanes[lane].pop();
                self.lanes_first = self
                    .lanes
                    .iter()
                    .filter_map(Lane::front_time)
                    .min()
                    .unwrap_or(SimTime::MAX);
                entry
            }
        }
        .expect("next() found it");
        self.now = entry.key.0;
        Some(entry.step)
    }

    /// [`Scheduler::next`], without looking at the lanes when a queued
    /// step is due before all of them (the common case).
    fn next_quickly(&mut self) -> Option<Next> {
        match self.queue.peek_key() {
            Some(key) if key.0 < self.lanes_first => Some(Next::Queue),
            _ => self.next().map(|(next, _)| next),
        }
    }

    /// When the next step is due, if any.
    pub fn peek_time(&mut self) -> Option<SimTime> {
        self.next().map(|(_, time)| time)
    }

    /// Number of pending steps.
    pub fn len(&self) -> usize {
        self.queue.len() + self.lanes.iter().map(|l| l.entries.len()).sum::<usize>()
    }

    /// Whether no step is pending.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
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

    /// One operation of a random schedule: queue a step (with a fixed
    /// delay or an arbitrary one), look at when the next is due, or run it.
    #[derive(Clone, Debug)]
    enum Op {
        Fixed(usize),
        Any(u64),
        Peek,
        Pop,
    }

    fn op() -> impl proptest::strategy::Strategy<Value = Op> {
        use proptest::prelude::*;
        prop_oneof![
            (0usize..3).prop_map(Op::Fixed),
            (0u64..4).prop_map(Op::Any),
            Just(Op::Peek),
            Just(Op::Pop),
        ]
    }

    /// The fixed delays of [`Op::Fixed`], in seconds.
    const FIXED: [u64; 3] = [1, 2, 5];

    /// Runs `ops`, queueing the fixed delays in lanes or in the one queue;
    /// returns every step run with its time (and every peek, as step
    /// `usize::MAX`).
    fn run(seed: u64, ops: &[Op], lanes: bool) -> Vec<(SimTime, usize)> {
        run_in(Scheduler::new(seed), ops, lanes)
    }

    /// [`run`] on the scheduler `s`, which must be empty.
    fn run_in(mut s: Scheduler<usize>, ops: &[Op], lanes: bool) -> Vec<(SimTime, usize)> {
        let mut ran = Vec::new();
        for (i, op) in ops.iter().enumerate() {
            match *op {
                Op::Fixed(lane) if lanes => s.after_fixed(secs(FIXED[lane]), i),
                Op::Fixed(lane) => s.after(secs(FIXED[lane]), i),
                Op::Any(delay) => s.after(secs(delay), i),
                Op::Peek => ran.extend(s.peek_time().map(|at| (at, usize::MAX))),
                Op::Pop => ran.extend(s.pop().map(|step| (s.now(), step))),
            }
        }
        let queued = ops
            .iter()
            .filter(|o| matches!(o, Op::Fixed(_) | Op::Any(_)))
            .count();
        let popped = ran.iter().filter(|(_, step)| *step != usize::MAX).count();
        assert_eq!(s.len(), queued - popped);
        ran.extend(std::iter::from_fn(|| s.pop().map(|step| (s.now(), step))));
        assert!(s.is_empty());
        ran
    }

    proptest::proptest! {
        #[test]
        fn fixed_delay_lanes_run_steps_in_the_one_queue_order(
            seed in 0u64..1_000,
            ops in proptest::collection::vec(op(), 0..300),
        ) {
            proptest::prop_assert_eq!(run(seed, &ops, true), run(seed, &ops, false));
        }

        #[test]
        fn a_scheduler_in_a_finished_ones_buffers_runs_as_a_new_one(
            seed in 0u64..1_000,
            earlier in proptest::collection::vec(op(), 0..100),
            ops in proptest::collection::vec(op(), 0..300),
        ) {
            // A finished scheduler, steps still pending in its queue and lanes.
            let mut finished = Scheduler::new(seed + 1);
            for (i, op) in earlier.iter().enumerate() {
                match *op {
                    Op::Fixed(lane) => finished.after_fixed(secs(FIXED[lane]), i),
                    Op::Any(delay) => finished.after(secs(delay), i),
                    Op::Peek => {
                        finished.peek_time();
                    }
                    Op::Pop => {
                        finished.pop();
                    }
                }
            }
            let spare = finished.into_spare();
            proptest::prop_assert_eq!(
                run_in(Scheduler::in_spare(seed, spare), &ops, true),
                run(seed, &ops, true)
            );
        }
    }
}
