//! Liveness: once faults heal (and the last client operation is sent),
//! every started execution closes within the scenario's bound.

use super::run::RunViolation;
use super::InvariantInfo;
use crate::model::*;
use crate::sim::RunResult;

/// Executions close within the bound.
pub const CLOSES_WITHIN_BOUND: InvariantInfo = InvariantInfo {
    id: "liveness.closes_within_bound",
    description:
        "after the heal time, every started execution closes within the scenario's liveness bound",
};

/// Flags a run still open when the world stopped at its liveness deadline.
pub(crate) fn check_closed(
    result: &RunResult,
    status: WorkflowExecutionStatus,
    execution: &WorkflowExecution,
    found: &mut Vec<RunViolation>,
) {
    if status.is_running() {
        found.push(RunViolation::new(
            CLOSES_WITHIN_BOUND.id,
            Some(execution),
            None,
            format!(
                "still Running at {}: faults healed at {} and the bound ran out at {}",
                result.end_time, result.heal_time, result.liveness_deadline
            ),
        ));
    }
}
