//! The deadline queue: every time-based action of the Service (user timers,
//! workflow-task and activity timeouts, retry backoffs, run timeouts,
//! long-poll expiries), ordered by (time, insertion sequence).
//!
//! Entries are never removed early: each one names what it is for, and the
//! handler that fires it checks against the current durable state whether
//! it still applies (a completed activity's timeout simply finds nothing).
//! The queue is memory only; `Service::recover` rebuilds it from the Store.
//!
//! Most deadlines are a fixed delay after the moment they are armed (a
//! workflow task's 10 s, an activity's timeouts, a poll's expiry), so the
//! deadlines pushed over time form a few non-decreasing runs interleaved.
//! A few deadlines wait in a binary heap; once it holds [`HEAP_FIRST`], the
//! queue also keeps up to [`MAX_LANES`] first-in, first-out lanes, each in
//! (time, sequence) order as it is filled: a deadline joins the lane whose
//! last deadline is the latest not after it (patience sorting), and only
//! one that fits no lane goes to the heap. The next deadline is the
//! least of the lanes' fronts and the heap's top, so deadlines come out in
//! exactly the order one heap gives, in O(1) per deadline for a world of a
//! million runs instead of a million-entry heap's O(log n).

use super::api::CallId;
use crate::model::{SimTime, TimeoutType, TimerId};
use std::cell::Cell;
use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, VecDeque};

/// What a deadline is for. `run` is the run's dense index in the Store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Deadline {
    /// A started workflow task's start-to-close timeout.
    WorkflowTaskStartToClose {
        run: usize,
        scheduled_event_id: i64,
        attempt: u32,
    },
    /// A workflow task waiting on a sticky queue too long.
    StickyScheduleToStart { run: usize, scheduled_event_id: i64 },
    /// One of an activity's timeouts (schedule-to-close spans all attempts).
    ActivityTimeout {
        run: usize,
        scheduled_event_id: i64,
        attempt: u32,
        timeout_type: TimeoutType,
    },
    /// The end of an activity's retry backoff: its next attempt is queued.
    ActivityRetry {
        run: usize,
        scheduled_event_id: i64,
        attempt: u32,
    },
    /// A user timer's fire time.
    UserTimer {
        run: usize,
        timer_id: TimerId,
        started_event_id: i64,
    },
    /// The end of a run's first-workflow-task backoff.
    FirstWorkflowTask { run: usize },
    /// The run's run timeout or the chain's execution timeout.
    RunTimeout { run: usize },
    /// A run has transfers (cross-run work) to carry out.
    Transfers { run: usize },
    /// A parked long poll that nobody answered.
    PollExpiry { call: CallId },
}

struct Entry {
    at: SimTime,
    sequence: u64,
    deadline: Deadline,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.sequence) == (other.at, other.sequence)
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.at, self.sequence).cmp(&(other.at, other.sequence))
    }
}

/// The most first-in, first-out lanes kept besides the heap.
const MAX_LANES: usize = 8;
/// How many deadlines the heap takes before the lanes are used: a world of
/// a few runs holds a handful, and a heap of a handful is cheaper than
/// lanes to allocate and to search.
const HEAP_FIRST: usize = 32;

/// Room the heap takes at its first deadline: a world of one run holds
/// about eight at once, and growing from four would copy them.
const HEAP_START: usize = 16;

/// A heap with room for more deadlines than this is not kept for the next
/// queue on the thread.
const MAX_SPARE_HEAP: usize = 256;

thread_local! {
    /// The emptied heap buffer of the last queue dropped on this thread,
    /// for the next one (a world of a few runs then allocates none).
    static SPARE_HEAP: Cell<Vec<Reverse<Entry>>> = const { Cell::new(Vec::new()) };
}

/// Deadlines in (time, insertion) order.
pub(crate) struct DeadlineQueue {
    /// Each in (time, sequence) order, front first.
    lanes: Vec<VecDeque<Entry>>,
    /// The deadlines that fit no lane.
    heap: BinaryHeap<Reverse<Entry>>,
    next_sequence: u64,
}

impl Default for DeadlineQueue {
    fn default() -> Self {
        DeadlineQueue {
            lanes: Vec::new(),
            heap: BinaryHeap::from(SPARE_HEAP.take()),
            next_sequence: 0,
        }
    }
}

impl Drop for DeadlineQueue {
    /// Leaves the heap's buffer, emptied, to the next queue on the thread.
    fn drop(&mut self) {
        let mut heap = std::mem::take(&mut self.heap).into_vec();
        if heap.capacity() > 0 && heap.capacity() <= MAX_SPARE_HEAP {
            heap.clear();
            SPARE_HEAP.set(heap);
        }
    }
}

/// Where the earliest deadline waits.
#[derive(Clone, Copy)]
enum Source {
    Lane(usize),
    Heap,
}

impl DeadlineQueue {
    /// Adds a deadline.
    #[inline]
    pub fn push(&mut self, at: SimTime, deadline: Deadline) {
        self.next_sequence += 1;
        let entry = Entry {
            at,
            sequence: self.next_sequence,
            deadline,
        };
        if self.heap.len() < HEAP_FIRST {
            if self.heap.capacity() == 0 {
                self.heap.reserve(HEAP_START);
            }
            self.heap.push(Reverse(entry));
        } else {
            self.push_to_lane(entry);
        }
    }

    /// Adds a deadline to its lane, a new lane, or else the heap.
    #[inline(never)]
    fn push_to_lane(&mut self, entry: Entry) {
        match self.lane_for(entry.at) {
            Some(lane) => self.lanes[lane].push_back(entry),
            None if self.lanes.len() < MAX_LANES => self.lanes.push(VecDeque::from([entry])),
            None => self.heap.push(Reverse(entry)),
        }
    }

    /// The lane whose last deadline is the latest not after `at`, else an
    /// empty lane, else none.
    fn lane_for(&self, at: SimTime) -> Option<usize> {
        let mut best: Option<(usize, Option<SimTime>)> = None;
        for (index, lane) in self.lanes.iter().enumerate() {
            let last = lane.back().map(|e| e.at);
            if last.is_some_and(|last| last > at) {
                continue;
            }
            // `None < Some(_)`: an empty lane only if no lane can extend.
            if best.is_none_or(|(_, best_last)| last > best_last) {
                best = Some((index, last));
            }
        }
        best.map(|(index, _)| index)
    }

    /// Where the earliest deadline waits, and its time.
    fn earliest(&self) -> Option<(Source, SimTime)> {
        let mut best = self
            .heap
            .peek()
            .map(|Reverse(e)| (Source::Heap, e.at, e.sequence));
        for (index, lane) in self.lanes.iter().enumerate() {
            let Some(front) = lane.front() else { continue };
            if best.is_none_or(|(_, at, sequence)| (front.at, front.sequence) < (at, sequence)) {
                best = Some((Source::Lane(index), front.at, front.sequence));
            }
        }
        best.map(|(source, at, _)| (source, at))
    }

    /// The earliest deadline's time.
    pub fn peek_time(&self) -> Option<SimTime> {
        self.earliest().map(|(_, at)| at)
    }

    /// Removes and returns the earliest deadline if it is due at `now`.
    pub fn pop_due(&mut self, now: SimTime) -> Option<(SimTime, Deadline)> {
        let (source, at) = self.earliest()?;
        if at > now {
            return None;
        }
        let entry = match source {
            Source::Lane(lane) => self.lanes[lane].pop_front(),
            Source::Heap => self.heap.pop().map(|Reverse(e)| e),
        }
        .expect("earliest() found it");
        Some((entry.at, entry.deadline))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_times_pop_in_insertion_order() {
        let mut q = DeadlineQueue::default();
        let t = SimTime::START;
        q.push(t, Deadline::RunTimeout { run: 2 });
        q.push(t, Deadline::RunTimeout { run: 1 });
        q.push(SimTime(t.0 - 1), Deadline::RunTimeout { run: 3 });
        assert_eq!(q.pop_due(t).unwrap().1, Deadline::RunTimeout { run: 3 });
        assert_eq!(q.pop_due(t).unwrap().1, Deadline::RunTimeout { run: 2 });
        assert_eq!(q.pop_due(t).unwrap().1, Deadline::RunTimeout { run: 1 });
        assert!(q.pop_due(t).is_none());
    }

    #[test]
    fn nothing_pops_before_its_time() {
        let mut q = DeadlineQueue::default();
        q.push(SimTime::START, Deadline::RunTimeout { run: 0 });
        assert!(q.pop_due(SimTime(SimTime::START.0 - 1)).is_none());
        assert_eq!(q.peek_time(), Some(SimTime::START));
    }

    proptest::proptest! {
        /// Pushes of any times (a few fixed delays after a growing `now`,
        /// or anything at all) interleaved with pops at a growing `now`
        /// take deadlines out in (time, insertion) order, as a heap does.
        #[test]
        fn deadlines_come_out_in_the_order_a_heap_gives(
            ops in proptest::collection::vec((0u8..12, 0u64..50), 0..600),
        ) {
            let mut queue = DeadlineQueue::default();
            let mut model = BinaryHeap::new();
            let mut now = 0u64;
            for (sequence, (op, value)) in ops.into_iter().enumerate() {
                let run = sequence;
                match op {
                    0..=5 => {
                        let at = now + [10, 30, 60, 5, 10, 300][op as usize];
                        queue.push(SimTime(at), Deadline::RunTimeout { run });
                        model.push(Reverse((at, sequence)));
                    }
                    6..=7 => {
                        let at = now + value;
                        queue.push(SimTime(at), Deadline::RunTimeout { run });
                        model.push(Reverse((at, sequence)));
                    }
                    _ => {
                        now += value;
                        while let Some(&Reverse((at, run))) = model.peek() {
                            proptest::prop_assert_eq!(queue.peek_time(), Some(SimTime(at)));
                            if at > now {
                                break;
                            }
                            model.pop();
                            proptest::prop_assert_eq!(
                                queue.pop_due(SimTime(now)),
                                Some((SimTime(at), Deadline::RunTimeout { run }))
                            );
                        }
                        proptest::prop_assert!(queue.pop_due(SimTime(now)).is_none());
                        if model.is_empty() {
                            proptest::prop_assert_eq!(queue.peek_time(), None);
                        }
                    }
                }
            }
        }
    }
}
