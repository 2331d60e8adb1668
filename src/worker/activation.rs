//! Activations: the jobs that new history events become (resolve an
//! activity or timer, deliver a signal, request cancellation), how they are
//! applied to a run's shared state, and one poll of the workflow future with
//! a no-op waker, panics caught.

use super::machines::Resolution;
use super::panics::catch_user_panic;
use crate::model::*;
use crate::workflow::core::RunCore;
use crate::workflow::{WfExit, WfResult};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

/// One thing that happened to the run, to apply before the code is polled.
#[derive(Debug)]
pub(crate) enum Job {
    Resolve(Resolution),
    Signal { name: String, input: Payload },
    CancelRequested,
}

impl Job {
    /// Makes the job visible to workflow code.
    pub(crate) fn apply(self, core: &mut RunCore) {
        match self {
            Job::Resolve(Resolution::Activity { seq, result }) => {
                core.resolve_activity(seq, result)
            }
            Job::Resolve(Resolution::Timer { seq, result }) => core.resolve_timer(seq, result),
            Job::Resolve(Resolution::ChildStarted { seq, result }) => {
                core.resolve_child_started(seq, result)
            }
            Job::Resolve(Resolution::ChildResult { seq, result }) => {
                core.resolve_child_result(seq, result)
            }
            Job::Resolve(Resolution::External { seq, result }) => {
                core.resolve_external(seq, result)
            }
            Job::Signal { name, input } => core.deliver_signal(&name, input),
            Job::CancelRequested => core.request_cancel(),
        }
    }
}

/// Polls the workflow future once: whether it finished (its result is then
/// in `result`, where it is written once instead of being moved out through
/// the panic catcher on every poll); a panic becomes `Err(message)`.
pub(crate) fn poll_workflow<F: Future<Output = WfResult> + ?Sized>(
    future: Pin<&mut F>,
    result: &mut Option<WfResult>,
) -> Result<bool, String> {
    let mut cx = Context::from_waker(Waker::noop());
    catch_user_panic(|| match future.poll(&mut cx) {
        Poll::Ready(output) => {
            *result = Some(output);
            true
        }
        Poll::Pending => false,
    })
}

/// The command that closes the run with `result`.
pub(crate) fn closing_command(result: &WfResult) -> Command {
    match result {
        Ok(result) => Command::CompleteWorkflowExecution {
            result: result.clone(),
        },
        Err(WfExit::Failed(failure)) => Command::FailWorkflowExecution {
            failure: failure.clone(),
        },
        Err(WfExit::Canceled) => Command::CancelWorkflowExecution { details: None },
        Err(WfExit::ContinueAsNew(next)) => Command::ContinueAsNewWorkflowExecution(next.clone()),
    }
}
