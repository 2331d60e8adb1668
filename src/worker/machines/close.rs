//! The closing machine: CompleteWorkflowExecution, FailWorkflowExecution,
//! CancelWorkflowExecution or ContinueAsNewWorkflowExecution → the matching
//! closing event.

use super::{unexpected, Rejection};
use crate::model::*;

/// The command that closes the run.
pub(crate) struct CloseMachine {
    /// The closing command's name.
    command_name: &'static str,
    /// The event that records the closing command.
    event_type: EventType,
    recorded: bool,
}

impl CloseMachine {
    /// The machine of `command`, a closing command.
    pub(crate) fn new(command: &Command) -> CloseMachine {
        CloseMachine {
            command_name: command.name(),
            event_type: command.event_type(),
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
