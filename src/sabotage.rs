//! Planted bugs: named, off-by-default switches in the engine, each breaking
//! one real guarantee the way a real bug would. They exist to prove that the
//! checkers catch bugs: `tempest run SCENARIO --seed N --sabotage NAME` must
//! end in a violation of the invariant that guards the guarantee.
//!
//! The Service reads its sabotage from `ServiceConfig::sabotage`, the worker
//! from `WorkflowWorker::set_sabotage`; the world passes `RunOptions::sabotage`
//! to both.

use std::fmt;

/// One planted bug.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Sabotage {
    /// A user timer's fire time is kept only in the Service's memory, so a
    /// Service restart forgets the timer.
    TimerNotPersisted,
    /// A duplicated activity completion whose token is stale is applied
    /// again instead of being rejected.
    DuplicateActivityCompletion,
    /// A signal that arrives while a workflow task is started is
    /// acknowledged but not buffered.
    SignalLostDuringTask,
    /// A workflow task completion with a stale token (a duplicate, or one
    /// for a task that timed out) is applied anyway.
    StaleWorkflowTaskCompletion,
    /// Events buffered during a started workflow task are not kept across a
    /// Service restart.
    BufferedEventsDroppedOnRestart,
    /// A failed activity is retried whatever its policy's maximum attempts.
    RetryIgnoresMaxAttempts,
    /// A close command rejected because events arrived during its task has
    /// already written the closed status.
    StatusBeforeClose,
    /// A retried signal request (same request id) is applied again.
    SignalDedupSkipped,
    /// The worker's replay accepts a recorded activity of another type
    /// than the code schedules (worker side).
    ReplayIgnoresActivityType,
}

impl Sabotage {
    /// Every sabotage, in a stable order.
    pub fn all() -> &'static [Sabotage] {
        &[
            Sabotage::TimerNotPersisted,
            Sabotage::DuplicateActivityCompletion,
            Sabotage::SignalLostDuringTask,
            Sabotage::StaleWorkflowTaskCompletion,
            Sabotage::BufferedEventsDroppedOnRestart,
            Sabotage::RetryIgnoresMaxAttempts,
            Sabotage::StatusBeforeClose,
            Sabotage::SignalDedupSkipped,
            Sabotage::ReplayIgnoresActivityType,
        ]
    }

    /// The stable name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Sabotage::TimerNotPersisted => "timer_not_persisted",
            Sabotage::DuplicateActivityCompletion => "duplicate_activity_completion",
            Sabotage::SignalLostDuringTask => "signal_lost_during_task",
            Sabotage::StaleWorkflowTaskCompletion => "stale_workflow_task_completion",
            Sabotage::BufferedEventsDroppedOnRestart => "buffered_events_dropped_on_restart",
            Sabotage::RetryIgnoresMaxAttempts => "retry_ignores_max_attempts",
            Sabotage::StatusBeforeClose => "status_before_close",
            Sabotage::SignalDedupSkipped => "signal_dedup_skipped",
            Sabotage::ReplayIgnoresActivityType => "replay_ignores_activity_type",
        }
    }

    /// One line: the guarantee it breaks.
    pub fn breaks(self) -> &'static str {
        match self {
            Sabotage::TimerNotPersisted => {
                "a timer is acknowledged (TimerStarted) but not persisted: a Service restart loses it"
            }
            Sabotage::DuplicateActivityCompletion => {
                "a duplicated activity completion is applied twice (stale-token check skipped)"
            }
            Sabotage::SignalLostDuringTask => {
                "a signal that arrives during a workflow task is acknowledged, then lost"
            }
            Sabotage::StaleWorkflowTaskCompletion => {
                "a workflow task completion is applied on a stale token"
            }
            Sabotage::BufferedEventsDroppedOnRestart => {
                "events buffered during a workflow task are dropped on Service restart"
            }
            Sabotage::RetryIgnoresMaxAttempts => {
                "an activity retry ignores the retry policy's maximum attempts"
            }
            Sabotage::StatusBeforeClose => {
                "the closed status is written before the closing event, which may never come"
            }
            Sabotage::SignalDedupSkipped => {
                "a retried signal request is applied again (request-id dedup skipped)"
            }
            Sabotage::ReplayIgnoresActivityType => {
                "the worker's replay ignores a changed activity type (worker side)"
            }
        }
    }

    /// The sabotage called `name`, or a one-line error listing the names.
    pub fn from_name(name: &str) -> Result<Sabotage, String> {
        Sabotage::all()
            .iter()
            .copied()
            .find(|s| s.name() == name)
            .ok_or_else(|| {
                let names: Vec<&str> = Sabotage::all().iter().map(|s| s.name()).collect();
                format!("unknown sabotage {name:?} (known: {})", names.join(", "))
            })
    }
}

impl fmt::Display for Sabotage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_round_trips_and_is_unique() {
        let mut names: Vec<&str> = Sabotage::all().iter().map(|s| s.name()).collect();
        for s in Sabotage::all() {
            assert_eq!(Sabotage::from_name(s.name()), Ok(*s));
        }
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Sabotage::all().len());
        assert!(Sabotage::all().len() >= 8);
    }

    #[test]
    fn an_unknown_name_is_a_one_line_error_listing_the_names() {
        let err = Sabotage::from_name("nope").unwrap_err();
        assert!(!err.contains('\n'));
        assert!(err.contains("timer_not_persisted"));
    }
}
