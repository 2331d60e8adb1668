//! The workflow-properties machine: ModifyWorkflowProperties (memo upsert)
//! → WorkflowPropertiesModified.

use super::{unexpected, Rejection};
use crate::model::*;

/// One memo upsert.
pub(crate) struct PropertiesMachine {
    recorded: bool,
}

impl PropertiesMachine {
    /// The machine of a ModifyWorkflowProperties command.
    pub(crate) fn new() -> PropertiesMachine {
        PropertiesMachine { recorded: false }
    }

    pub(crate) fn on_command_event(&mut self, event: &Event) -> Result<(), Rejection> {
        match &event.attributes {
            EventAttributes::WorkflowPropertiesModified { .. } if !self.recorded => {
                self.recorded = true;
                Ok(())
            }
            _ => Err(unexpected("ModifyWorkflowProperties", event)),
        }
    }
}
