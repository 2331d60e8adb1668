//! The closing machine: CompleteWorkflowExecution, FailWorkflowExecution,
//! CancelWorkflowExecution or ContinueAsNewWorkflowExecution → the matching
//! closing event.

use super::{describe_command, unexpected, Rejection};
use crate::model::*;

/// The command that closes the run.
pub(crate) struct CloseMachine {
    recorded: bool,
}

impl CloseMachine {
    /// The machine of a closing command.
    pub(crate) fn new() -> CloseMachine {
        CloseMachine { recorded: false }
    }

    pub(crate) fn on_command_event(
        &mut self,
        event: &Event,
        command: &Command,
    ) -> Result<(), Rejection> {
        if event.event_type() == command.event_type() && !self.recorded {
            self.recorded = true;
            Ok(())
        } else {
            Err(unexpected(&describe_command(command), event))
        }
    }
}
