//! [`WfContext`]: everything workflow code may use to interact with the
//! world. Each call either queues a request for the worker (activities,
//! timers, markers, memo) or reads state the worker recorded from history
//! (signals, cancellation, time), so the same code replays identically.

use super::activity::ActivityBuilder;
use super::child::{ChildBuilder, ExternalRequest};
use super::core::{
    CodeRequest, RunCore, WorkflowInfo, SIDE_EFFECT_DATA, SIDE_EFFECT_MARKER, SIDE_EFFECT_SEQ,
};
use super::names::{seq_name, shared_name};
use super::signal::SignalChannel;
use super::timer::TimerHandle;
use super::WfExit;
use crate::model::*;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

/// The handle workflow code receives; cheap to clone.
#[derive(Clone)]
pub struct WfContext {
    pub(crate) core: Rc<RefCell<RunCore>>,
}

impl WfContext {
    pub(crate) fn new(core: Rc<RefCell<RunCore>>) -> WfContext {
        WfContext { core }
    }

    /// Starts building an activity invocation; `.await` it (or call
    /// `.start()` for a cancellable handle) to schedule it.
    pub fn activity(&self, activity_type: &str, input: impl Into<Payload>) -> ActivityBuilder {
        ActivityBuilder::new(
            self.clone(),
            ActivityType(shared_name(activity_type)),
            input.into(),
        )
    }

    /// Starts building a child workflow of type `workflow_type` with id
    /// `workflow_id` (on this run's task queue unless set); `.start()` it.
    pub fn child_workflow(
        &self,
        workflow_type: &str,
        workflow_id: &str,
        input: impl Into<Payload>,
    ) -> ChildBuilder {
        ChildBuilder::new(self.clone(), workflow_type, workflow_id, input.into())
    }

    /// Signals the current run of another workflow id; resolves once the
    /// target recorded the signal (exactly once), or fails if it is not open.
    pub fn signal_external(
        &self,
        workflow_id: &str,
        signal_name: &str,
        input: impl Into<Payload>,
    ) -> ExternalRequest {
        self.request_external(Command::SignalExternalWorkflowExecution {
            namespace: Namespace::default(),
            workflow_execution: current_run_of(workflow_id),
            signal_name: signal_name.to_owned(),
            input: input.into(),
            child_workflow_only: false,
        })
    }

    /// Asks the current run of another workflow id to cancel; resolves once
    /// the target recorded the request, or fails if it is not open.
    pub fn cancel_external(&self, workflow_id: &str, reason: &str) -> ExternalRequest {
        self.request_external(Command::RequestCancelExternalWorkflowExecution {
            namespace: Namespace::default(),
            workflow_execution: current_run_of(workflow_id),
            child_workflow_only: false,
            reason: reason.to_owned(),
        })
    }

    /// Queues a SignalExternal or RequestCancelExternal command.
    pub(crate) fn request_external(&self, command: Command) -> ExternalRequest {
        let mut core = self.core.borrow_mut();
        let seq = core.next_external_seq();
        core.requests.push(CodeRequest::External { seq, command });
        ExternalRequest {
            ctx: self.clone(),
            seq,
        }
    }

    /// Starts a timer that fires after `duration`; cancellable through the handle.
    pub fn timer(&self, duration: Duration) -> TimerHandle {
        let mut core = self.core.borrow_mut();
        let seq = core.next_timer_seq();
        core.requests.push(CodeRequest::StartTimer {
            seq,
            timer_id: TimerId(seq_name(seq)),
            duration,
        });
        TimerHandle::new(self.clone(), seq)
    }

    /// Sleeps for `duration` (a timer; cancellable through the handle).
    pub fn sleep(&self, duration: Duration) -> TimerHandle {
        self.timer(duration)
    }

    /// The channel of signals named `name`, delivering them in arrival order,
    /// including those that arrived before the code asked.
    pub fn signal_channel(&self, name: &str) -> SignalChannel {
        SignalChannel::new(self.clone(), name)
    }

    /// Resolves once `condition` holds (checked each time the run makes progress).
    pub fn wait_condition<F: FnMut() -> bool>(&self, condition: F) -> WaitCondition<F> {
        WaitCondition { condition }
    }

    /// Whether cancellation of this run has been requested.
    pub fn is_cancel_requested(&self) -> bool {
        self.core.borrow().is_cancel_requested()
    }

    /// Resolves once cancellation of this run has been requested.
    pub fn cancelled(&self) -> Cancelled {
        Cancelled { ctx: self.clone() }
    }

    /// Upserts the run's memo (a null value deletes its key).
    pub fn upsert_memo(&self, memo: Memo) {
        self.core
            .borrow_mut()
            .requests
            .push(CodeRequest::UpsertMemo(memo));
    }

    /// The time of the current workflow task (its WorkflowTaskStarted event).
    pub fn now(&self) -> SimTime {
        self.core.borrow().now
    }

    /// A deterministic random number: the same sequence on every replay of the run.
    pub fn random(&self) -> u64 {
        self.core.borrow_mut().next_random()
    }

    /// Runs `f` once and records its value as a `SideEffect` marker; on
    /// replay the recorded value is returned and `f` is not called.
    pub fn side_effect(&self, f: impl FnOnce() -> Payload) -> Payload {
        let (seq, recorded) = {
            let mut core = self.core.borrow_mut();
            let seq = core.next_side_effect_seq();
            (seq, core.recorded_side_effects.remove(&seq))
        };
        let value = recorded.unwrap_or_else(f);
        let details = BTreeMap::from([
            (SIDE_EFFECT_DATA.to_owned(), value.clone()),
            (SIDE_EFFECT_SEQ.to_owned(), Payload::from(i64::from(seq))),
        ]);
        self.core
            .borrow_mut()
            .requests
            .push(CodeRequest::RecordMarker {
                marker_name: SIDE_EFFECT_MARKER.to_owned(),
                details,
            });
        value
    }

    /// Who this run is.
    pub fn workflow_info(&self) -> WorkflowInfo {
        self.core.borrow().info.clone()
    }

    /// The exit that continues this workflow as a new run of the same type
    /// and task queue with `input`; return it as `Err(..)`.
    pub fn continue_as_new(&self, input: impl Into<Payload>) -> WfExit {
        let info = self.workflow_info();
        WfExit::ContinueAsNew(ContinueAsNew {
            workflow_type: info.workflow_type,
            task_queue: info.task_queue,
            input: input.into(),
            workflow_run_timeout: None,
            workflow_task_timeout: None,
            backoff_start_interval: None,
            memo: None,
        })
    }
}

/// The current run of a workflow id (an empty run id).
fn current_run_of(workflow_id: &str) -> WorkflowExecution {
    WorkflowExecution {
        workflow_id: WorkflowId::new(workflow_id),
        run_id: RunId::new(""),
    }
}

/// Awaitable returned by [`WfContext::wait_condition`].
pub struct WaitCondition<F> {
    condition: F,
}

impl<F: FnMut() -> bool + Unpin> Future for WaitCondition<F> {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        if (self.condition)() {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

/// Awaitable returned by [`WfContext::cancelled`].
pub struct Cancelled {
    ctx: WfContext,
}

impl Future for Cancelled {
    type Output = ();
    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        if self.ctx.is_cancel_requested() {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}
