//! The run's status against its history: Running iff no closing event, and
//! otherwise the status that the closing event (the last event) gives.

use super::{InvariantInfo, Violation};
use crate::model::{Event, WorkflowExecutionStatus};

/// `status.matches_closing_event`
pub const STATUS_MATCHES_CLOSE: InvariantInfo = InvariantInfo {
    id: "status.matches_closing_event",
    description: "The status is Running iff the history has no closing event, else the status its closing event gives",
};

/// Checks `status` against the closing event of `history`.
pub fn check_status(history: &[Event], status: WorkflowExecutionStatus) -> Vec<Violation> {
    let closing = history.iter().rev().find(|e| e.event_type().is_closing());
    let problem = match (status, closing) {
        (WorkflowExecutionStatus::Running, None) => return Vec::new(),
        (WorkflowExecutionStatus::Running, Some(close)) => {
            format!(
                "status is Running, but event {} ({}) closed the run",
                close.event_id,
                close.event_type().name()
            )
        }
        (status, None) => format!("status is {status}, but the history has no closing event"),
        (status, Some(close)) => match close.event_type().closing_status() {
            Some(closed_as) if closed_as == status => return Vec::new(),
            closed_as => format!(
                "status is {status}, but closing event {} ({}) gives {}",
                close.event_id,
                close.event_type().name(),
                closed_as.map_or("no status".to_string(), |s| s.to_string())
            ),
        },
    };
    vec![Violation {
        invariant: STATUS_MATCHES_CLOSE.id,
        message: problem,
        event_id: closing.map(|e| e.event_id),
    }]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::fixtures::one_activity_run;

    #[test]
    fn closed_run_matches_only_its_closing_status() {
        let history = one_activity_run();
        assert_eq!(
            check_status(&history, WorkflowExecutionStatus::Completed),
            vec![]
        );
        let wrong = check_status(&history, WorkflowExecutionStatus::Failed);
        assert_eq!(wrong.len(), 1);
        assert_eq!(wrong[0].event_id, Some(11));
        assert_eq!(
            wrong[0].message,
            "status is Failed, but closing event 11 (WorkflowExecutionCompleted) gives Completed"
        );
    }

    #[test]
    fn running_means_no_closing_event() {
        let mut history = one_activity_run();
        assert_eq!(
            check_status(&history, WorkflowExecutionStatus::Running).len(),
            1
        );
        history.pop();
        assert_eq!(
            check_status(&history, WorkflowExecutionStatus::Running),
            vec![]
        );
        let closed = check_status(&history, WorkflowExecutionStatus::Completed);
        assert_eq!(
            closed[0].message,
            "status is Completed, but the history has no closing event"
        );
    }
}
