//! Replay of a recorded history against workflow code: what the replay
//! checker and the `replay-history` CLI use. Runs the workflow named in
//! event 1 from the start, matching its commands at every workflow-task
//! boundary, and never panics on a bad history.

use super::run::Run;
use crate::model::*;
use crate::workflow::{Registry, WfResult};
use std::fmt;

/// What replaying a history produced.
#[derive(Clone, Debug, PartialEq)]
pub struct ReplayOutcome {
    /// The commands for the final task if the history ends with a
    /// WorkflowTaskStarted not yet answered (new work); empty otherwise.
    pub commands: Vec<Command>,
    /// What the code returned, if it finished.
    pub result: Option<WfResult>,
}

/// Why a history could not be replayed.
#[derive(Clone, Debug, PartialEq)]
pub enum ReplayError {
    /// The code's commands do not match the recorded events.
    Nondeterminism {
        /// The event where the mismatch was found.
        event_id: i64,
        /// Its type.
        event_type: EventType,
        /// What the history recorded there.
        expected: String,
        /// What the code produced instead.
        produced: String,
    },
    /// Event 1 names a workflow the registry does not have.
    UnknownWorkflowType(WorkflowType),
    /// The history is not one this worker can follow.
    MalformedHistory(String),
    /// The workflow code panicked (or never settled); the message says why.
    WorkflowPanicked(String),
}

impl fmt::Display for ReplayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReplayError::Nondeterminism { event_id, event_type, expected, produced } => write!(
                f,
                "nondeterminism at event {event_id} ({}): history has {expected}, code produced {produced}",
                event_type.name()
            ),
            ReplayError::UnknownWorkflowType(t) => write!(f, "workflow type {t} is not registered"),
            ReplayError::MalformedHistory(why) => write!(f, "malformed history: {why}"),
            ReplayError::WorkflowPanicked(message) => write!(f, "workflow code panicked: {message}"),
        }
    }
}

impl std::error::Error for ReplayError {}

/// Replays `history` (whole or partial) from event 1 against the registered code.
pub fn replay(registry: &Registry, history: &[Event]) -> Result<ReplayOutcome, ReplayError> {
    replay_run(registry, None, history)
}

/// [`replay`] for a known run, so that `workflow_info()` shows its workflow
/// id and run id as it did when the history was made.
pub fn replay_execution(
    registry: &Registry,
    execution: &WorkflowExecution,
    history: &[Event],
) -> Result<ReplayOutcome, ReplayError> {
    replay_run(registry, Some(execution), history)
}

/// [`replay_execution`] for a check that only reads what the code
/// returned: `read` sees it in the replayed run, so nothing is cloned or
/// moved out (the commands of a final task still to be answered are
/// dropped unread).
pub(crate) fn replay_execution_with<T>(
    registry: &Registry,
    execution: &WorkflowExecution,
    history: &[Event],
    read: impl FnOnce(Option<&WfResult>) -> T,
) -> Result<T, ReplayError> {
    let (run, _) = replayed(registry, Some(execution), history)?;
    Ok(read(run.result()))
}

fn replay_run(
    registry: &Registry,
    execution: Option<&WorkflowExecution>,
    history: &[Event],
) -> Result<ReplayOutcome, ReplayError> {
    let (run, commands) = replayed(registry, execution, history)?;
    Ok(ReplayOutcome {
        commands: commands.unwrap_or_default(),
        result: run.result().cloned(),
    })
}

/// The run replayed through `history` from event 1, with the commands of
/// its final task if that is still to be answered.
fn replayed(
    registry: &Registry,
    execution: Option<&WorkflowExecution>,
    history: &[Event],
) -> Result<(Run, Option<Vec<Command>>), ReplayError> {
    let first = history
        .first()
        .ok_or_else(|| ReplayError::MalformedHistory("the history is empty".to_owned()))?;
    let mut run = Run::new(registry, first, execution)?;
    let commands = run.feed(history)?;
    Ok((run, commands))
}
