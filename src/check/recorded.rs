//! Checks for a recorded history on its own — one read from a file, with no
//! workflow code and no status from a store: every history invariant, and the
//! status invariant against the status the history itself implies (Running
//! unless its last event closes the run). What `tempest check-history` runs.
//!
//! A recorded history comes from outside the engine, so two invariants are
//! advisory for it (see [`ADVISORY_FOR_RECORDED`]): histories that Temporal's
//! SDKs replay in their own test suites break them, and replay does not
//! depend on them. The engine's own histories are held to every invariant.

use super::history::{COMMAND_EVENTS_FOLLOW_THEIR_TASK, TIME_MONOTONIC};
use super::{check_history, check_status, InvariantInfo, Violation};
use crate::model::{Event, WorkflowExecutionStatus};

/// Invariants whose breach in a recorded history is a warning, not a
/// violation, unless the check is strict:
/// - `history.time_monotonic`: Temporal's `eventTime` is the wall clock of
///   whichever history host owned the shard when the event was written;
///   nothing in Temporal orders those clocks, and SDK replay ignores them;
/// - `history.command_events_follow_their_task`: which WorkflowTaskCompleted
///   a command event names, and where it sits in its batch, is the Service's
///   bookkeeping; SDK replayers match commands to events by kind and order.
///
/// A command event that names no workflow task event at all is still a
/// broken back-reference (`history.back_references_valid`), always a
/// violation.
pub const ADVISORY_FOR_RECORDED: [&InvariantInfo; 2] =
    [&TIME_MONOTONIC, &COMMAND_EVENTS_FOLLOW_THEIR_TASK];

/// What [`check_recorded_history`] found, split by severity.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RecordedFindings {
    /// Broken invariants: the history is not well formed.
    pub violations: Vec<Violation>,
    /// Broken advisory invariants (empty when the check is strict).
    pub warnings: Vec<Violation>,
}

/// Whether a broken `invariant` is only a warning in a recorded history.
pub fn is_advisory_for_recorded(invariant: &str) -> bool {
    ADVISORY_FOR_RECORDED.iter().any(|i| i.id == invariant)
}

/// The status a history implies on its own: the closing status of its last
/// event if that event closes the run, else Running.
pub fn implied_status(history: &[Event]) -> WorkflowExecutionStatus {
    history
        .last()
        .and_then(|e| e.event_type().closing_status())
        .unwrap_or(WorkflowExecutionStatus::Running)
}

/// Every invariant that needs no workflow code: [`check_history`], then
/// [`check_status`] against [`implied_status`] (which catches a closing event
/// that is not the last one). Unless `strict`, breaches of
/// [`ADVISORY_FOR_RECORDED`] are warnings.
pub fn check_recorded_history(history: &[Event], strict: bool) -> RecordedFindings {
    let mut all = check_history(history);
    all.extend(check_status(history, implied_status(history)));
    let (warnings, violations) = all
        .into_iter()
        .partition(|v| !strict && is_advisory_for_recorded(v.invariant));
    RecordedFindings {
        violations,
        warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::fixtures::one_activity_run;

    #[test]
    fn a_complete_run_implies_its_closing_status_and_passes() {
        let history = one_activity_run();
        assert_eq!(implied_status(&history), WorkflowExecutionStatus::Completed);
        assert_eq!(
            check_recorded_history(&history, true),
            RecordedFindings::default()
        );
    }

    #[test]
    fn a_prefix_implies_running_and_passes() {
        let history = one_activity_run();
        let prefix = &history[..history.len() - 2];
        assert_eq!(implied_status(prefix), WorkflowExecutionStatus::Running);
        assert_eq!(
            check_recorded_history(prefix, true),
            RecordedFindings::default()
        );
    }

    #[test]
    fn advisory_breaches_are_warnings_unless_strict() {
        let mut history = one_activity_run();
        history[8].event_time = history[7].event_time - crate::model::secs(1);
        let lenient = check_recorded_history(&history, false);
        assert_eq!(lenient.violations, vec![]);
        let ids: Vec<&str> = lenient.warnings.iter().map(|v| v.invariant).collect();
        assert_eq!(ids, vec!["history.time_monotonic"]);
        let strict = check_recorded_history(&history, true);
        assert_eq!(strict.violations, lenient.warnings);
        assert_eq!(strict.warnings, vec![]);
    }

    #[test]
    fn a_closing_event_before_the_end_breaks_the_status_invariant() {
        let mut history = one_activity_run();
        let mut extra = history[history.len() - 2].clone();
        extra.event_id = history.len() as i64 + 1;
        history.push(extra);
        let ids: Vec<&str> = check_recorded_history(&history, false)
            .violations
            .iter()
            .map(|v| v.invariant)
            .collect();
        assert!(ids.contains(&"status.matches_closing_event"), "{ids:?}");
    }
}
