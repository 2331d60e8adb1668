//! The external-request machine: SignalExternalWorkflowExecution or
//! RequestCancelExternalWorkflowExecution → its initiated event → the done
//! event (ExternalWorkflowExecutionSignaled / ...CancelRequested) or the
//! failed event. The initiated event must name the same target.

use super::{describe_command, unexpected, Rejection, Resolution};
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
    /// A signal (else a cancel request).
    signal: bool,
    state: State,
}

impl ExternalMachine {
    /// The machine of `command`, a SignalExternal or RequestCancelExternal command.
    pub(crate) fn new(seq: u32, command: &Command) -> ExternalMachine {
        ExternalMachine {
            seq,
            signal: matches!(command, Command::SignalExternalWorkflowExecution { .. }),
            state: State::Created,
        }
    }

    /// The name of the machine's command.
    fn command_name(&self) -> &'static str {
        if self.signal {
            "SignalExternalWorkflowExecution"
        } else {
            "RequestCancelExternalWorkflowExecution"
        }
    }

    pub(crate) fn on_command_event(
        &mut self,
        event: &Event,
        command: &Command,
    ) -> Result<(), Rejection> {
        use EventAttributes as A;
        let matches = match (command, &event.attributes) {
            (
                Command::SignalExternalWorkflowExecution {
                    workflow_execution,
                    signal_name,
                    ..
                },
                A::SignalExternalWorkflowExecutionInitiated {
                    workflow_execution: recorded,
                    signal_name: recorded_name,
                    ..
                },
            ) => workflow_execution == recorded && signal_name == recorded_name,
            (
                Command::RequestCancelExternalWorkflowExecution {
                    workflow_execution, ..
                },
                A::RequestCancelExternalWorkflowExecutionInitiated {
                    workflow_execution: recorded,
                    ..
                },
            ) => workflow_execution == recorded,
            _ => false,
        };
        if !matches || self.state != State::Created {
            return Err(unexpected(&describe_command(command), event));
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
        let signal = self.signal;
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
