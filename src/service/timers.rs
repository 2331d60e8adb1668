//! The deadline heap: every time-based action of the Service (user timers,
//! workflow-task and activity timeouts, retry backoffs, run timeouts,
//! long-poll expiries), ordered by (time, insertion sequence).
//!
//! Entries are never removed early: each one names what it is for, and the
//! handler that fires it checks against the current durable state whether
//! it still applies (a completed activity's timeout simply finds nothing).
//! The heap is memory only; `Service::recover` rebuilds it from the Store.

use super::api::CallId;
use crate::model::{SimTime, TimeoutType, TimerId};
use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

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

/// A min-heap of deadlines, ties broken by insertion order.
#[derive(Default)]
pub(crate) struct DeadlineQueue {
    heap: BinaryHeap<Reverse<Entry>>,
    next_sequence: u64,
}

impl DeadlineQueue {
    /// Adds a deadline.
    pub fn push(&mut self, at: SimTime, deadline: Deadline) {
        self.next_sequence += 1;
        self.heap.push(Reverse(Entry {
            at,
            sequence: self.next_sequence,
            deadline,
        }));
    }

    /// The earliest deadline's time.
    pub fn peek_time(&self) -> Option<SimTime> {
        self.heap.peek().map(|Reverse(e)| e.at)
    }

    /// Removes and returns the earliest deadline if it is due at `now`.
    pub fn pop_due(&mut self, now: SimTime) -> Option<(SimTime, Deadline)> {
        if self.peek_time()? > now {
            return None;
        }
        self.heap.pop().map(|Reverse(e)| (e.at, e.deadline))
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
}
