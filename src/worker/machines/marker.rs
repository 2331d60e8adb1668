//! The marker machine: RecordMarker → MarkerRecorded with the same name.
//! Side effects are markers; their recorded values are read back before
//! the code runs (see `worker::run`), so the machine only checks identity.

use super::{unexpected, Rejection};
use crate::model::*;

/// One RecordMarker command.
pub(crate) struct MarkerMachine {
    marker_name: String,
    recorded: bool,
}

impl MarkerMachine {
    /// The machine of a RecordMarker command for a marker named `marker_name`.
    pub(crate) fn new(marker_name: String) -> MarkerMachine {
        MarkerMachine {
            marker_name,
            recorded: false,
        }
    }

    /// The machine's command awaiting its event, as nondeterminism reports show it.
    pub(crate) fn describe_command(&self) -> String {
        format!("RecordMarker(marker_name={})", self.marker_name)
    }

    pub(crate) fn on_command_event(&mut self, event: &Event) -> Result<(), Rejection> {
        match &event.attributes {
            EventAttributes::MarkerRecorded { marker_name, .. }
                if *marker_name == self.marker_name && !self.recorded =>
            {
                self.recorded = true;
                Ok(())
            }
            _ => Err(unexpected(&self.describe_command(), event)),
        }
    }
}
