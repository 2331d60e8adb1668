//! The marker machine: RecordMarker → MarkerRecorded with the same name.
//! Side effects are markers; their recorded values are read back before
//! the code runs (see `worker::run`), so the machine only checks identity.

use super::{describe_command, unexpected, Rejection};
use crate::model::*;

/// One RecordMarker command.
pub(crate) struct MarkerMachine {
    recorded: bool,
}

impl MarkerMachine {
    /// The machine of a RecordMarker command.
    pub(crate) fn new() -> MarkerMachine {
        MarkerMachine { recorded: false }
    }

    pub(crate) fn on_command_event(
        &mut self,
        event: &Event,
        command: &Command,
    ) -> Result<(), Rejection> {
        let Command::RecordMarker {
            marker_name: wanted,
            ..
        } = command
        else {
            return Err(unexpected(&describe_command(command), event));
        };
        match &event.attributes {
            EventAttributes::MarkerRecorded { marker_name, .. }
                if marker_name == wanted && !self.recorded =>
            {
                self.recorded = true;
                Ok(())
            }
            _ => Err(unexpected(&describe_command(command), event)),
        }
    }
}
