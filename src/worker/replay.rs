//! Replay of a recorded history against workflow code: what the replay
//! checker and the `replay-history` CLI use. Runs the workflow named in
//! event 1 from the start, matching its commands at every workflow-task
//! boundary, and never panics on a bad history.

use super::run::{feeds_alike_when_cut, Run};
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

/// Replays `history[..cut]`, then feeds the same run the rest of
/// `history` — the two replays the replay checker makes, sharing the
/// prefix's walk — when that walks the whole history as a replay of it
/// from event 1 does (see [`feeds_alike_when_cut`]); `read` sees what the
/// code returned at the end. `None` if the cut does not allow it or either
/// replay failed: replaying them apart then tells which failed and why.
pub(crate) fn replay_prefix_then_whole_with<T>(
    registry: &Registry,
    execution: &WorkflowExecution,
    history: &[Event],
    cut: usize,
    read: impl FnOnce(Option<&WfResult>) -> T,
) -> Option<T> {
    if !feeds_alike_when_cut(history, cut) {
        return None;
    }
    let (mut run, _) = replayed(registry, Some(execution), &history[..cut]).ok()?;
    run.feed(&history[cut..]).ok()?;
    Some(read(run.result()))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::fixtures::{event, started, task_completed, task_scheduled, task_started};
    use crate::workflow::WfContext;
    use std::collections::BTreeMap;

    /// `Greet` (the fixtures' workflow type): a side effect of 7, returned.
    fn side_effect_registry() -> Registry {
        let mut registry = Registry::new();
        registry.register_workflow("Greet", |ctx: WfContext, _input| async move {
            Ok(ctx.side_effect(|| Payload::from(7)))
        });
        registry
    }

    /// One task that recorded the side effect's value 42 and completed with it.
    fn side_effect_history() -> History {
        let details = BTreeMap::from([
            ("data".to_owned(), Payload::from(42)),
            ("seq".to_owned(), Payload::from(1)),
        ]);
        let marker = EventAttributes::MarkerRecorded {
            marker_name: "SideEffect".to_owned(),
            details,
            workflow_task_completed_event_id: 4,
            failure: None,
        };
        let completed = EventAttributes::WorkflowExecutionCompleted {
            result: Payload::from(42),
            workflow_task_completed_event_id: 4,
            new_execution_run_id: None,
        };
        vec![
            event(1, 0, started()),
            event(2, 0, task_scheduled()),
            event(3, 1, task_started(2)),
            event(4, 2, task_completed(2, 3)),
            event(5, 2, marker),
            event(6, 2, completed),
        ]
    }

    fn execution() -> WorkflowExecution {
        WorkflowExecution {
            workflow_id: WorkflowId::new("wf"),
            run_id: RunId::new("run"),
        }
    }

    #[test]
    fn a_cut_before_recorded_side_effects_is_not_fed_in_two() {
        let registry = side_effect_registry();
        let history = side_effect_history();
        let whole = replay_execution(&registry, &execution(), &history).unwrap();
        assert_eq!(whole.result, Some(Ok(Payload::from(42))));
        // The prefix's last activation does not see the recorded value, so
        // its run, fed the rest, returns another result than the whole replay.
        let (mut run, _) = replayed(&registry, Some(&execution()), &history[..4]).unwrap();
        run.feed(&history[4..]).unwrap();
        assert_eq!(run.result(), Some(&Ok(Payload::from(7))));
        let shared =
            replay_prefix_then_whole_with(&registry, &execution(), &history, 4, |r| r.cloned());
        assert_eq!(shared, None);
    }

    #[test]
    fn only_cuts_right_after_a_completed_task_inside_the_history_are_fed_in_two() {
        let mut registry = Registry::new();
        registry.register_workflow("Greet", |_ctx: WfContext, _input| async move {
            Ok(Payload::from(7))
        });
        let mut history = side_effect_history();
        history.truncate(4);
        history.push(event(
            5,
            2,
            EventAttributes::WorkflowExecutionCompleted {
                result: Payload::from(7),
                workflow_task_completed_event_id: 4,
                new_execution_run_id: None,
            },
        ));
        for cut in [0, 1, 2, 3, 5] {
            assert!(!feeds_alike_when_cut(&history, cut), "cut {cut}");
        }
        let shared =
            replay_prefix_then_whole_with(&registry, &execution(), &history, 4, |r| r.cloned());
        assert_eq!(shared, Some(Some(Ok(Payload::from(7)))));
    }
}
