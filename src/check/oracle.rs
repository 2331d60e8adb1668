//! Oracles: what each execution must end with whatever the faults — the
//! status and result its scenario expects. Runs that an injected
//! non-retryable activity failure legitimately diverted are exempt.

use super::run::RunViolation;
use super::run_view::RunView;
use super::InvariantInfo;
use crate::model::*;
use crate::scenario::Expectation;

/// The expected status.
pub const EXPECTED_STATUS: InvariantInfo = InvariantInfo {
    id: "oracle.expected_status",
    description: "an execution ends with the status its scenario expects",
};
/// The expected result.
pub const EXPECTED_RESULT: InvariantInfo = InvariantInfo {
    id: "oracle.expected_result",
    description: "a completed execution's result is the one its scenario expects",
};

/// The failure type of an injected non-retryable activity failure (see `sim::ActivityFault`).
pub const INJECTED_FATAL: &str = "InjectedFatal";

/// Holds a closed run to its expected status and result.
pub(crate) fn check_expectation(
    expect: &Expectation,
    run: &RunView,
    found: &mut Vec<RunViolation>,
) {
    let (status, history, execution) = (run.status(), run.history(), run.execution());
    if status.is_running() || diverted_by_injected_failure(run) {
        return;
    }
    if let Some(want) = expect.status {
        if status != want {
            found.push(RunViolation::new(
                EXPECTED_STATUS.id,
                Some(execution),
                history.last().map(|e| e.event_id),
                format!("ended {status}, expected {want}"),
            ));
        }
    }
    if let Some(want) = &expect.result {
        if let Some(Event {
            attributes: EventAttributes::WorkflowExecutionCompleted { result, .. },
            event_id,
            ..
        }) = history.last()
        {
            if result.value() != want {
                found.push(RunViolation::new(
                    EXPECTED_RESULT.id,
                    Some(execution),
                    Some(*event_id),
                    format!("result {result}, expected {want}"),
                ));
            }
        }
    }
}

/// Whether an injected non-retryable activity failure reached the workflow,
/// directly or through a child workflow's failure.
fn diverted_by_injected_failure(run: &RunView) -> bool {
    if !run.has(EventType::ActivityTaskFailed) && !run.has(EventType::ChildWorkflowExecutionFailed)
    {
        return false;
    }
    run.history().iter().any(|e| match &e.attributes {
        EventAttributes::ActivityTaskFailed { failure, .. }
        | EventAttributes::ChildWorkflowExecutionFailed { failure, .. } => {
            caused_by_injected_failure(failure)
        }
        _ => false,
    })
}

/// Whether `failure` or one of its causes is an injected non-retryable failure.
fn caused_by_injected_failure(failure: &Failure) -> bool {
    std::iter::successors(Some(failure), |f| f.cause.as_deref())
        .any(|f| f.application_type() == Some(INJECTED_FATAL))
}
