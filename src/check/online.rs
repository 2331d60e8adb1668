//! Checks during the run: after every committed transition, the cheap shape
//! invariants over the events that transition appended — ids contiguous,
//! nothing after a closing event, one outstanding workflow task going
//! Scheduled → Started → Completed | Failed | TimedOut, at most one outcome
//! per activity and timer — and the status against the closing event. Each
//! commit costs O(new events) (plus a log-time set lookup per outcome), so a
//! violation is reported at the step that caused it, with the simulated time.

use super::history::{
    is_workflow_task_event, CLOSE_IS_LAST, IDS_CONTIGUOUS, SINGLE_OUTCOME, WORKFLOW_TASK_LIFECYCLE,
};
use super::run::RunViolation;
use super::status::STATUS_MATCHES_CLOSE;
use crate::model::{Event, EventAttributes as A, SimTime, TimeoutType};
use crate::service::RunRecord;
use crate::sim::CommitObserver;

/// The first violation seen during a run, where and when it happened.
#[derive(Clone, Debug, PartialEq)]
pub struct OnlineViolation {
    /// Simulated time of the step that committed the offending transition.
    pub at: SimTime,
    /// The world's step number.
    pub step: u64,
    /// What broke.
    pub violation: RunViolation,
}

/// What is known of one run from the events already checked.
#[derive(Default)]
struct RunProgress {
    checked: usize,
    closed_by: Option<i64>,
    /// Outstanding workflow task: (scheduled id, started id or 0).
    task: Option<(i64, i64)>,
    /// Activities (by scheduled id) and timers (by started id) that have
    /// an outcome.
    finished: Finished,
}

/// A set of event ids: ids 1-64 (those of most runs) as bits, larger ones
/// in a sorted `Vec` (outcomes mostly come in id order, so an insert is
/// nearly always at the end).
#[derive(Default)]
struct Finished {
    low: u64,
    high: Vec<i64>,
}

impl Finished {
    /// Adds `key`; false if it was already there.
    fn insert(&mut self, key: i64) -> bool {
        if (1..=64).contains(&key) {
            let bit = 1 << (key - 1);
            let added = self.low & bit == 0;
            self.low |= bit;
            return added;
        }
        match self.high.binary_search(&key) {
            Ok(_) => false,
            Err(at) => {
                self.high.insert(at, key);
                true
            }
        }
    }
}

/// The observer that checks each committed transition as it happens and
/// keeps the first violation.
pub struct OnlineChecker {
    /// By the Store's dense run index.
    runs: Vec<RunProgress>,
    first: Option<OnlineViolation>,
    commits: u64,
}

impl Default for OnlineChecker {
    fn default() -> OnlineChecker {
        OnlineChecker::new()
    }
}

impl OnlineChecker {
    /// A checker that has seen nothing yet.
    pub fn new() -> OnlineChecker {
        OnlineChecker {
            // Room for a few runs up front: most worlds have few, and the
            // first growth of an empty `Vec` costs more than allocating.
            runs: Vec::with_capacity(4),
            first: None,
            commits: 0,
        }
    }

    /// The first violation seen, if any.
    pub fn first_violation(&self) -> Option<&OnlineViolation> {
        self.first.as_ref()
    }

    /// How many commits it checked.
    pub fn commits_checked(&self) -> u64 {
        self.commits
    }
}

impl CommitObserver for OnlineChecker {
    fn committed(&mut self, now: SimTime, step: u64, run: &RunRecord) {
        self.commits += 1;
        if self.first.is_some() {
            return;
        }
        if self.runs.len() <= run.index {
            self.runs.resize_with(run.index + 1, RunProgress::default);
        }
        let progress = &mut self.runs[run.index];
        let history = run.history();
        let found = check_new_events(progress, &history).or_else(|| {
            let closed = progress.closed_by.is_some();
            (closed == run.status().is_running()).then(|| {
                let message = match progress.closed_by {
                    Some(id) => format!("status is Running, but event {id} closed the run"),
                    None => format!(
                        "status is {}, but the history has no closing event",
                        run.status()
                    ),
                };
                (STATUS_MATCHES_CLOSE.id, progress.closed_by, message)
            })
        });
        progress.checked = history.len();
        if let Some((invariant, event_id, message)) = found {
            self.first = Some(OnlineViolation {
                at: now,
                step,
                violation: RunViolation::new(invariant, Some(run.execution()), event_id, message),
            });
        }
    }
}

type Found = (&'static str, Option<i64>, String);

/// Checks the events appended since the last commit of this run.
fn check_new_events(progress: &mut RunProgress, history: &[Event]) -> Option<Found> {
    if history.len() < progress.checked {
        return Some((
            IDS_CONTIGUOUS.id,
            None,
            format!(
                "history shrank from {} to {} events",
                progress.checked,
                history.len()
            ),
        ));
    }
    for (expected, event) in (progress.checked as i64 + 1..).zip(&history[progress.checked..]) {
        let id = event.event_id;
        if id != expected {
            let message = format!("event at position {expected} has id {id}");
            return Some((IDS_CONTIGUOUS.id, Some(id), message));
        }
        if let Some(closed) = progress.closed_by {
            let message = format!(
                "{} follows closing event {closed}",
                event.event_type().name()
            );
            return Some((CLOSE_IS_LAST.id, Some(id), message));
        }
        let event_type = event.event_type();
        if is_workflow_task_event(event_type) {
            if let Some(message) = step_task(&mut progress.task, event) {
                return Some((WORKFLOW_TASK_LIFECYCLE.id, Some(id), message));
            }
        } else if event_type.is_closing() {
            progress.closed_by = Some(id);
            // A close ends any outstanding task (terminate or timeout).
            progress.task = None;
        } else if let Some(key) = outcome_of(event) {
            if !progress.finished.insert(key) {
                let message = format!(
                    "{} is a second outcome of the activity or timer begun by event {key}",
                    event_type.name()
                );
                return Some((SINGLE_OUTCOME.id, Some(id), message));
            }
        }
    }
    None
}

/// Advances the outstanding workflow task by one of its events; a message
/// if the event does not fit.
fn step_task(task: &mut Option<(i64, i64)>, event: &Event) -> Option<String> {
    match (&event.attributes, *task) {
        (A::WorkflowTaskScheduled { .. }, None) => *task = Some((event.event_id, 0)),
        (
            A::WorkflowTaskStarted {
                scheduled_event_id, ..
            },
            Some((s, 0)),
        ) if *scheduled_event_id == s => *task = Some((s, event.event_id)),
        (
            A::WorkflowTaskTimedOut {
                timeout_type: TimeoutType::ScheduleToStart,
                scheduled_event_id,
                ..
            },
            Some((s, 0)),
        ) if *scheduled_event_id == s => *task = None,
        (
            A::WorkflowTaskCompleted {
                scheduled_event_id,
                started_event_id,
                ..
            }
            | A::WorkflowTaskFailed {
                scheduled_event_id,
                started_event_id,
                ..
            }
            | A::WorkflowTaskTimedOut {
                scheduled_event_id,
                started_event_id,
                ..
            },
            Some((s, st)),
        ) if st != 0 && *scheduled_event_id == s && *started_event_id == st => *task = None,
        (
            A::WorkflowTaskScheduled { .. }
            | A::WorkflowTaskStarted { .. }
            | A::WorkflowTaskCompleted { .. }
            | A::WorkflowTaskFailed { .. }
            | A::WorkflowTaskTimedOut { .. },
            current,
        ) => {
            let state = match current {
                None => "no workflow task is outstanding".to_string(),
                Some((s, 0)) => {
                    format!("the outstanding workflow task is scheduled={s}, not started")
                }
                Some((s, st)) => {
                    format!("the outstanding workflow task is scheduled={s} started={st}")
                }
            };
            let name = event.event_type().name();
            return Some(format!("{name} does not fit: {state}"));
        }
        _ => {}
    }
    None
}

/// The event that began the activity or timer this event is the outcome of.
fn outcome_of(event: &Event) -> Option<i64> {
    match &event.attributes {
        A::ActivityTaskCompleted {
            scheduled_event_id, ..
        }
        | A::ActivityTaskFailed {
            scheduled_event_id, ..
        }
        | A::ActivityTaskTimedOut {
            scheduled_event_id, ..
        }
        | A::ActivityTaskCanceled {
            scheduled_event_id, ..
        } => Some(*scheduled_event_id),
        A::TimerFired {
            started_event_id, ..
        }
        | A::TimerCanceled {
            started_event_id, ..
        } => Some(*started_event_id),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::Finished;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    #[test]
    fn finished_outcomes_refuse_a_second_one() {
        let mut set = Finished::default();
        for key in [5, 90, 7, 64, 65, 120, 1] {
            assert!(set.insert(key));
        }
        assert_eq!(set.high, [65, 90, 120]);
        for key in [1, 7, 64, 65, 120] {
            assert!(!set.insert(key), "{key} was already finished");
        }
        assert_eq!(set.high, [65, 90, 120]);
    }

    proptest! {
        /// Ids on both sides of the bits, zero and negative ones included,
        /// are added as to a B-tree set.
        #[test]
        fn finished_answers_as_a_btree_set(keys in proptest::collection::vec(-3i64..140, 0..200)) {
            let mut set = Finished::default();
            let mut model = BTreeSet::new();
            for key in keys {
                prop_assert_eq!(set.insert(key), model.insert(key));
            }
        }
    }
}
