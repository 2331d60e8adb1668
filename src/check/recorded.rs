//! Checks for a recorded history on its own — one read from a file, with no
//! workflow code and no status from a store: every history invariant, and the
//! status invariant against the status the history itself implies (Running
//! unless its last event closes the run). What `tempest check-history` runs.

use super::{check_history, check_status, Violation};
use crate::model::{Event, WorkflowExecutionStatus};

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
/// that is not the last one).
pub fn check_recorded_history(history: &[Event]) -> Vec<Violation> {
    let mut violations = check_history(history);
    violations.extend(check_status(history, implied_status(history)));
    violations
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::fixtures::one_activity_run;

    #[test]
    fn a_complete_run_implies_its_closing_status_and_passes() {
        let history = one_activity_run();
        assert_eq!(implied_status(&history), WorkflowExecutionStatus::Completed);
        assert_eq!(check_recorded_history(&history), vec![]);
    }

    #[test]
    fn a_prefix_implies_running_and_passes() {
        let history = one_activity_run();
        let prefix = &history[..history.len() - 2];
        assert_eq!(implied_status(prefix), WorkflowExecutionStatus::Running);
        assert_eq!(check_recorded_history(prefix), vec![]);
    }

    #[test]
    fn a_closing_event_before_the_end_breaks_the_status_invariant() {
        let mut history = one_activity_run();
        let mut extra = history[history.len() - 2].clone();
        extra.event_id = history.len() as i64 + 1;
        history.push(extra);
        let ids: Vec<&str> = check_recorded_history(&history)
            .iter()
            .map(|v| v.invariant)
            .collect();
        assert!(ids.contains(&"status.matches_closing_event"), "{ids:?}");
    }
}
