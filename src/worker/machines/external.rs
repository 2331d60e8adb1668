//! The external-request machine: SignalExternalWorkflowExecution or
//! RequestCancelExternalWorkflowExecution → its initiated event → the done
//! event (ExternalWorkflowExecutionSignaled / ...CancelRequested) or the
//! failed event. The initiated event must name the same target.

use super::{unexpected, Rejection, Resolution};
use crate::model::*;

#[derive(Clone, Copy, Debug, PartialEq)]
enum State {
    Created,
    Initiated,
    Done,
}

/// One external signal or cancel request of workflow code.
pub(crate) struct ExternalMachine {
    seq: u32,
    /// The run signaled or asked to cancel.
    target: WorkflowExecution,
    /// The signal's name (`None`: a cancel request).
    signal_name: Option<String>,
    state: State,
}

impl ExternalMachine {
    /// The machine of `command`, a SignalExternal or RequestCancelExternal command.
    pub(crate) fn new(seq: u32, command: &Command) -> ExternalMachine {
        let (target, signal_name) = match command {
            Command::SignalExternalWorkflowExecution {
                workflow_execution,
                signal_name,
                ..
            } => (workflow_execution.clone(), Some(signal_name.clone())),
            Command::RequestCancelExternalWorkflowExecution {
                workflow_execution, ..
            } => (workflow_execution.clone(), None),
            other => unreachable!("{} is not an external request", other.name()),
        };
        ExternalMachine {
            seq,
            target,
            signal_name,
            state: State::Created,
        }
    }

    /// The name of the machine's command.
    fn command_name(&self) -> &'static str {
        if self.signal_name.is_some() {
            "SignalExternalWorkflowExecution"
        } else {
            "RequestCancelExternalWorkflowExecution"
        }
    }

    /// The machine's command awaiting its event, as nondeterminism reports show it.
    pub(crate) fn describe_command(&self) -> String {
        match &self.signal_name {
            Some(signal_name) => format!(
                "SignalExternalWorkflowExecution(workflow_id={}, signal_name={signal_name})",
                self.target.workflow_id
            ),
            None => format!(
                "RequestCancelExternalWorkflowExecution(workflow_id={})",
                self.target.workflow_id
            ),
        }
    }

    pub(crate) fn on_command_event(&mut self, event: &Event) -> Result<(), Rejection> {
        use EventAttributes as A;
        let matches = match (&self.signal_name, &event.attributes) {
            (
                Some(signal_name),
                A::SignalExternalWorkflowExecutionInitiated {
                    workflow_execution: recorded,
                    signal_name: recorded_name,
                    ..
                },
            ) => self.target == *recorded && signal_name == recorded_name,
            (
                None,
                A::RequestCancelExternalWorkflowExecutionInitiated {
                    workflow_execution: recorded,
                    ..
                },
            ) => self.target == *recorded,
            _ => false,
        };
        if !matches || self.state != State::Created {
            return Err(unexpected(&self.describe_command(), event));
        }
        self.state = State::Initiated;
        Ok(())
    }

    pub(crate) fn on_event(&mut self, event: &Event) -> Result<Option<Resolution>, Rejection> {
        use EventAttributes as A;
        if self.state != State::Initiated {
            return Err(format!(
                "{} does not accept {} now",
                self.command_name(),
                event.event_type().name()
            ));
        }
        let signal = self.signal_name.is_some();
        let result = match &event.attributes {
            A::ExternalWorkflowExecutionSignaled { .. } if signal => Ok(()),
            A::ExternalWorkflowExecutionCancelRequested { .. } if !signal => Ok(()),
            A::SignalExternalWorkflowExecutionFailed { cause, .. } if signal => Err(
                Failure::non_retryable("SignalExternalWorkflowExecutionFailed", cause.clone()),
            ),
            A::RequestCancelExternalWorkflowExecutionFailed { cause, .. } if !signal => {
                Err(Failure::non_retryable(
                    "RequestCancelExternalWorkflowExecutionFailed",
                    cause.clone(),
                ))
            }
            _ => {
                return Err(format!(
                    "{} does not accept {}",
                    self.command_name(),
                    event.event_type().name()
                ))
            }
        };
        self.state = State::Done;
        Ok(Some(Resolution::External {
            seq: self.seq,
            result,
        }))
    }
}
