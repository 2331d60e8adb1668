//! History checkers: invariants that any well-formed Temporal history holds,
//! judged from the events alone (never from engine internals), so that they
//! apply alike to Tempest's own histories and to histories imported from a
//! real Temporal cluster.
//!
//! One file per invariant family: `history.rs` (shape: ids, times, the
//! workflow task lifecycle, command batches, back-references, outcomes,
//! closing), `status.rs` (status against the closing event); `report.rs`
//! renders a history with the offending event marked; `online.rs` checks
//! each committed transition while the run happens. Every invariant has a
//! stable id listed in [`catalog`].

mod chains;
mod children;
mod determinism;
mod effects;
#[cfg(test)]
pub(crate) mod fixtures;
mod history;
mod liveness;
mod online;
mod oracle;
mod recorded;
mod replay;
pub mod report;
mod run;
mod run_view;
mod status;

use crate::model::Event;
use std::fmt;

pub use determinism::compare_runs;
pub use online::{OnlineChecker, OnlineViolation};
pub use oracle::INJECTED_FATAL;
pub use recorded::{
    check_recorded_history, implied_status, is_advisory_for_recorded, RecordedFindings,
    ADVISORY_FOR_RECORDED,
};
pub use report::{render_history_with_mark, render_history_with_marks};
pub use run::{check_run, RunViolation};
pub use status::check_status;

/// One broken invariant, with where it broke.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// The invariant's stable id, e.g. `history.ids_contiguous`.
    pub invariant: &'static str,
    /// What exactly is wrong, naming the events involved.
    pub message: String,
    /// The offending event, if one event is to blame.
    pub event_id: Option<i64>,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.event_id {
            Some(id) => write!(f, "[{}] event {id}: {}", self.invariant, self.message),
            None => write!(f, "[{}] {}", self.invariant, self.message),
        }
    }
}

/// An invariant's stable id and what it demands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvariantInfo {
    /// Stable id, `<family>.<name>`.
    pub id: &'static str,
    /// One line: what must hold.
    pub description: &'static str,
}

static CATALOG: &[InvariantInfo] = &[
    history::STARTS_WITH_STARTED,
    history::IDS_CONTIGUOUS,
    history::TIME_MONOTONIC,
    history::WORKFLOW_TASK_LIFECYCLE,
    history::COMMAND_EVENTS_FOLLOW_THEIR_TASK,
    history::BACK_REFERENCES,
    history::SINGLE_OUTCOME,
    history::CLOSE_IS_LAST,
    status::STATUS_MATCHES_CLOSE,
    replay::DETERMINISTIC,
    replay::SAME_RESULT,
    liveness::CLOSES_WITHIN_BOUND,
    effects::TIMER_NOT_EARLY,
    effects::RETRY_ATTEMPTS,
    effects::SIGNAL_RECORDED,
    effects::SIGNAL_ONCE,
    effects::STATE_TRANSITIONS,
    effects::HISTORY_LENGTH,
    oracle::EXPECTED_STATUS,
    oracle::EXPECTED_RESULT,
    determinism::SIMULATION_DETERMINISTIC,
    chains::LINKED_BOTH_WAYS,
    chains::ONLY_LAST_RUNNING,
    chains::EXECUTION_TIMEOUT,
    chains::RETRY_POLICY,
    chains::CRON_SLOTS,
    children::PARENT_RECORDED,
    children::OUTCOME_MATCHES,
    children::OUTCOME_DELIVERED,
    children::CLOSE_POLICY,
    children::EXTERNAL_SIGNAL_ONCE,
];

/// Every invariant the checkers know, in a stable order.
pub fn catalog() -> &'static [InvariantInfo] {
    CATALOG
}

/// Checks every invariant that needs nothing but the history itself
/// (no workflow code, no status). O(n), one allocation per history.
pub fn check_history(history: &[Event]) -> Vec<Violation> {
    history::check(history)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_ids_are_unique_and_namespaced() {
        let ids: Vec<&str> = catalog().iter().map(|i| i.id).collect();
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), ids.len());
        let families = [
            "history.",
            "status.",
            "replay.",
            "liveness.",
            "effects.",
            "oracle.",
            "simulation.",
            "children.",
            "chains.",
        ];
        assert!(ids
            .iter()
            .all(|id| families.iter().any(|f| id.starts_with(f))));
    }
}
