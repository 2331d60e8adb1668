//! The child workflow machine: StartChildWorkflowExecution →
//! StartChildWorkflowExecutionInitiated → ChildWorkflowExecutionStarted (or
//! StartChildWorkflowExecutionFailed) → one outcome event. The initiated
//! event must name the same child id and type as the command
//! (nondeterminism otherwise).

use super::{unexpected, Rejection, Resolution};
use crate::model::*;

#[derive(Clone, Copy, Debug, PartialEq)]
enum State {
    Created,
    Initiated,
    Started,
    Done,
}

/// One child workflow of workflow code.
pub(crate) struct ChildMachine {
    seq: u32,
    workflow_id: WorkflowId,
    workflow_type: WorkflowType,
    state: State,
}

impl ChildMachine {
    /// The machine of the StartChildWorkflowExecution command with `options`.
    pub(crate) fn new(seq: u32, options: &StartChildWorkflow) -> ChildMachine {
        ChildMachine {
            seq,
            workflow_id: options.workflow_id.clone(),
            workflow_type: options.workflow_type.clone(),
            state: State::Created,
        }
    }

    /// The machine's command awaiting its event, as nondeterminism reports show it.
    pub(crate) fn describe_command(&self) -> String {
        format!(
            "StartChildWorkflowExecution(workflow_type={}, workflow_id={})",
            self.workflow_type, self.workflow_id
        )
    }

    pub(crate) fn on_command_event(&mut self, event: &Event) -> Result<(), Rejection> {
        match (&event.attributes, self.state) {
            (EventAttributes::StartChildWorkflowExecutionInitiated(initiated), State::Created)
                if initiated.workflow_id == self.workflow_id
                    && initiated.workflow_type == self.workflow_type =>
            {
                self.state = State::Initiated;
                Ok(())
            }
            _ => Err(unexpected(&self.describe_command(), event)),
        }
    }

    pub(crate) fn on_event(&mut self, event: &Event) -> Result<Option<Resolution>, Rejection> {
        use EventAttributes as A;
        let seq = self.seq;
        let resolution = match (&event.attributes, self.state) {
            (
                A::ChildWorkflowExecutionStarted {
                    workflow_execution, ..
                },
                State::Initiated,
            ) => {
                self.state = State::Started;
                Resolution::ChildStarted {
                    seq,
                    result: Ok(workflow_execution.clone()),
                }
            }
            (A::StartChildWorkflowExecutionFailed { cause, .. }, State::Initiated) => {
                self.state = State::Done;
                let failure = Failure::non_retryable(
                    "StartChildWorkflowExecutionFailed",
                    format!(
                        "child workflow {} was not started: {cause}",
                        self.workflow_id
                    ),
                );
                Resolution::ChildStarted {
                    seq,
                    result: Err(failure),
                }
            }
            (outcome, State::Started) => {
                let result = child_result(outcome).ok_or_else(|| {
                    format!(
                        "child workflow {} does not accept {} now",
                        self.workflow_id,
                        event.event_type().name()
                    )
                })?;
                self.state = State::Done;
                Resolution::ChildResult { seq, result }
            }
            _ => {
                return Err(format!(
                    "child workflow {} does not accept {} now",
                    self.workflow_id,
                    event.event_type().name()
                ))
            }
        };
        Ok(Some(resolution))
    }
}

/// What awaiting a child's result gives, from its outcome event in the parent.
fn child_result(outcome: &EventAttributes) -> Option<Result<Payload, Failure>> {
    use EventAttributes as A;
    Some(match outcome {
        A::ChildWorkflowExecutionCompleted { result, .. } => Ok(result.clone()),
        A::ChildWorkflowExecutionFailed { failure, .. } => Err(Failure::application(
            "ChildWorkflowExecutionFailed",
            "child workflow failed",
        )
        .with_cause(failure.clone())),
        A::ChildWorkflowExecutionCanceled { .. } => {
            Err(Failure::canceled("child workflow canceled"))
        }
        A::ChildWorkflowExecutionTimedOut { .. } => {
            Err(Failure::timeout(TimeoutType::StartToClose))
        }
        A::ChildWorkflowExecutionTerminated { .. } => Err(Failure::application(
            "ChildWorkflowExecutionTerminated",
            "child workflow terminated",
        )),
        _ => return None,
    })
}
