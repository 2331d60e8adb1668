//! The marker machine: RecordMarker → MarkerRecorded with the same name.
//! Side effects are markers; their recorded values are read back before
//! the code runs (see `worker::run`), so the machine only checks identity.

use super::{describe_command, unexpected, Rejection};
use crate::model::*;

/// One RecordMarker command.
pub(crate) struct MarkerMachine {
    command: Command,
    recorded: bool,
}

impl MarkerMachine {
    /// The machine of a RecordMarker command.
    pub(crate) fn new(command: Command) -> MarkerMachine {
        MarkerMachine {
            command,
            recorded: false,
        }
    }

    pub(crate) fn on_command_event(&mut self, event: &Event) -> Result<(), Rejection> {
        let Command::RecordMarker {
            marker_name: wanted,
            ..
        } = &self.command
        else {
            return Err(unexpected(&describe_command(&self.command), event));
        };
        match &event.attributes {
            EventAttributes::MarkerRecorded { marker_name, .. }
                if marker_name == wanted && !self.recorded =>
            {
                self.recorded = true;
                Ok(())
            }
            _ => Err(unexpected(&describe_command(&self.command), event)),
        }
    }
}
