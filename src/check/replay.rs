//! Replay: every history replays against its workflow code with no
//! nondeterminism — whole, and cut at every workflow-task boundary — and a
//! completed history replays to the result it recorded.

use super::run::RunViolation;
use super::InvariantInfo;
use crate::model::*;
use crate::worker::{replay_execution, ReplayError};
use crate::workflow::{Registry, WfResult};

/// Replay reproduces the recorded commands.
pub const DETERMINISTIC: InvariantInfo = InvariantInfo {
    id: "replay.deterministic",
    description: "every history (and every prefix ending at a workflow task) replays against its workflow code without nondeterminism",
};
/// Replay reproduces the recorded result.
pub const SAME_RESULT: InvariantInfo = InvariantInfo {
    id: "replay.same_result",
    description: "a completed history replays to the result it recorded",
};

/// Histories longer than this are replayed whole only, not also cut at
/// every workflow-task boundary (which costs O(n²)).
const CUT_REPLAY_MAX_EVENTS: usize = 200;

/// Replays `history` whole and at every workflow-task boundary.
pub(crate) fn check_replay(
    registry: &Registry,
    execution: &WorkflowExecution,
    history: &[Event],
    found: &mut Vec<RunViolation>,
) {
    let closing = history.last().filter(|e| e.event_type().is_closing());
    for cut in cuts(history) {
        match replay_execution(registry, execution, &history[..cut]) {
            Ok(outcome) => {
                if cut == history.len() {
                    check_replayed_result(execution, closing, outcome.result, found);
                }
            }
            // Code that panics on replay panicked when the history was made too.
            Err(ReplayError::WorkflowPanicked(_)) => return,
            Err(e) => {
                let event_id = match &e {
                    ReplayError::Nondeterminism { event_id, .. } => Some(*event_id),
                    _ => None,
                };
                found.push(RunViolation::new(
                    DETERMINISTIC.id,
                    Some(execution),
                    event_id,
                    format!("replaying the first {cut} events: {e}"),
                ));
                return;
            }
        }
    }
}

/// Where the history is cut for replay: after every WorkflowTaskCompleted
/// (short histories only), and at its end.
fn cuts(history: &[Event]) -> Vec<usize> {
    let mut cuts: Vec<usize> = Vec::new();
    if history.len() <= CUT_REPLAY_MAX_EVENTS {
        cuts.extend(
            history
                .iter()
                .enumerate()
                .filter(|(_, e)| e.event_type() == EventType::WorkflowTaskCompleted)
                .map(|(i, _)| i + 1),
        );
    }
    cuts.push(history.len());
    cuts
}

/// What the history recorded and what the code produced instead, at the
/// first nondeterminism replay finds (for the report's diff).
pub(crate) fn first_mismatch(
    registry: &Registry,
    execution: &WorkflowExecution,
    history: &[Event],
) -> Option<(String, String)> {
    cuts(history).into_iter().find_map(|cut| {
        match replay_execution(registry, execution, &history[..cut]) {
            Err(ReplayError::Nondeterminism {
                expected, produced, ..
            }) => Some((expected, produced)),
            _ => None,
        }
    })
}

/// A completed history must replay to the result it recorded.
fn check_replayed_result(
    execution: &WorkflowExecution,
    closing: Option<&Event>,
    replayed: Option<WfResult>,
    found: &mut Vec<RunViolation>,
) {
    let Some(Event {
        event_id,
        attributes: EventAttributes::WorkflowExecutionCompleted { result, .. },
        ..
    }) = closing
    else {
        return;
    };
    match replayed {
        Some(Ok(value)) if value == *result => {}
        other => found.push(RunViolation::new(
            SAME_RESULT.id,
            Some(execution),
            Some(*event_id),
            format!("history completed with {result}, replay produced {other:?}"),
        )),
    }
}
