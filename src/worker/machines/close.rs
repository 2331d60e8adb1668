//! The closing machine: CompleteWorkflowExecution, FailWorkflowExecution,
//! CancelWorkflowExecution or ContinueAsNewWorkflowExecution → the matching
//! closing event.

use super::{unexpected, Rejection};
use crate::model::*;
use crate::workflow::{WfExit, WfResult};

/// The command that closes the run.
pub(crate) struct CloseMachine {
    /// The closing command's name.
    command_name: &'static str,
    /// The event that records the closing command.
    event_type: EventType,
    recorded: bool,
}

impl CloseMachine {
    /// The machine of the command that closes the run with `result` (the
    /// command itself is only made for a task being answered).
    pub(crate) fn new(result: &WfResult) -> CloseMachine {
        let (command_name, event_type) = match result {
            Ok(_) => (
                "CompleteWorkflowExecution",
                EventType::WorkflowExecutionCompleted,
            ),
            Err(WfExit::Failed(_)) => ("FailWorkflowExecution", EventType::WorkflowExecutionFailed),
            Err(WfExit::Canceled) => (
                "CancelWorkflowExecution",
                EventType::WorkflowExecutionCanceled,
            ),
            Err(WfExit::ContinueAsNew(_)) => (
                "ContinueAsNewWorkflowExecution",
                EventType::WorkflowExecutionContinuedAsNew,
            ),
        };
        CloseMachine {
            command_name,
            event_type,
            recorded: false,
        }
    }

    /// The machine's command awaiting its event, as nondeterminism reports show it.
    pub(crate) fn describe_command(&self) -> String {
        self.command_name.to_owned()
    }

    pub(crate) fn on_command_event(&mut self, event: &Event) -> Result<(), Rejection> {
        if event.event_type() == self.event_type && !self.recorded {
            self.recorded = true;
            Ok(())
        } else {
            Err(unexpected(self.command_name, event))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::worker::activation::closing_command;

    /// The machine names the command and event that `closing_command`'s
    /// command has, for every way a run can end.
    #[test]
    fn the_machine_of_a_result_is_that_of_its_closing_command() {
        let results: [WfResult; 4] = [
            Ok(Payload::null()),
            Err(WfExit::Failed(Failure::canceled("failed"))),
            Err(WfExit::Canceled),
            Err(WfExit::ContinueAsNew(ContinueAsNew {
                workflow_type: WorkflowType::new("t"),
                task_queue: TaskQueue::new("q"),
                input: Payload::null(),
                workflow_run_timeout: None,
                workflow_task_timeout: None,
                backoff_start_interval: None,
                memo: None,
            })),
        ];
        for result in &results {
            let machine = CloseMachine::new(result);
            let command = closing_command(result);
            assert_eq!(machine.command_name, command.name());
            assert_eq!(machine.event_type, command.event_type());
        }
    }
}
