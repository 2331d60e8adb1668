//! Child workflows and requests to other executions from workflow code: a
//! builder for a StartChildWorkflowExecution command, the handle that
//! awaits the child's start and result, and the awaitable outcome of an
//! external signal or cancel request.

use super::core::CodeRequest;
use super::WfContext;
use crate::model::*;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Options of one child workflow; `.start()` it.
#[must_use = "a child workflow is started only by start()"]
pub struct ChildBuilder {
    ctx: WfContext,
    options: StartChildWorkflow,
}

impl ChildBuilder {
    pub(crate) fn new(
        ctx: WfContext,
        workflow_type: &str,
        workflow_id: &str,
        input: Payload,
    ) -> ChildBuilder {
        let task_queue = ctx.core.borrow().info.task_queue.clone();
        let options = StartChildWorkflow {
            namespace: Namespace::default(),
            workflow_id: WorkflowId::new(workflow_id),
            workflow_type: WorkflowType::new(workflow_type),
            task_queue,
            input,
            workflow_execution_timeout: None,
            workflow_run_timeout: None,
            workflow_task_timeout: None,
            parent_close_policy: ParentClosePolicy::default(),
            workflow_id_reuse_policy: WorkflowIdReusePolicy::default(),
            retry_policy: None,
            cron_schedule: None,
            memo: Memo::new(),
        };
        ChildBuilder { ctx, options }
    }

    /// What happens to the child when this run closes (default: terminate).
    pub fn parent_close_policy(mut self, policy: ParentClosePolicy) -> Self {
        self.options.parent_close_policy = policy;
        self
    }

    /// Limits the child chain's total time.
    pub fn execution_timeout(mut self, d: Duration) -> Self {
        self.options.workflow_execution_timeout = Some(d);
        self
    }

    /// Retries the child workflow with this policy.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.options.retry_policy = Some(policy);
        self
    }

    /// Runs the child on another task queue than this run's.
    pub fn task_queue(mut self, queue: impl Into<TaskQueue>) -> Self {
        self.options.task_queue = queue.into();
        self
    }

    /// Sends the StartChildWorkflowExecution command.
    pub fn start(self) -> ChildHandle {
        let mut core = self.ctx.core.borrow_mut();
        let seq = core.next_child_seq();
        let workflow_id = self.options.workflow_id.clone();
        core.requests.push(CodeRequest::StartChild {
            seq,
            options: self.options,
        });
        drop(core);
        ChildHandle {
            ctx: self.ctx,
            seq,
            workflow_id,
        }
    }
}

/// A started child workflow.
pub struct ChildHandle {
    ctx: WfContext,
    seq: u32,
    workflow_id: WorkflowId,
}

impl ChildHandle {
    /// Resolves once the child has started (its execution) or could not be
    /// started (a failure).
    pub fn started(&self) -> ChildStarted {
        ChildStarted {
            ctx: self.ctx.clone(),
            seq: self.seq,
        }
    }

    /// Resolves with the child chain's result, or a failure saying how it
    /// ended otherwise (or why it never started).
    pub fn result(self) -> ChildResult {
        ChildResult {
            ctx: self.ctx,
            seq: self.seq,
        }
    }

    /// Asks the child to cancel (a RequestCancelExternalWorkflowExecution
    /// limited to this run's children).
    pub fn cancel(&self) -> ExternalRequest {
        let execution = WorkflowExecution {
            workflow_id: self.workflow_id.clone(),
            run_id: RunId::new(""),
        };
        self.ctx
            .request_external(Command::RequestCancelExternalWorkflowExecution {
                namespace: Namespace::default(),
                workflow_execution: execution,
                child_workflow_only: true,
                reason: "canceled by its parent".into(),
            })
    }
}

/// Awaitable returned by [`ChildHandle::started`].
pub struct ChildStarted {
    ctx: WfContext,
    seq: u32,
}

impl Future for ChildStarted {
    type Output = Result<WorkflowExecution, Failure>;
    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.ctx.core.borrow().child_start(self.seq) {
            Some(result) => Poll::Ready(result),
            None => Poll::Pending,
        }
    }
}

/// Awaitable returned by [`ChildHandle::result`].
pub struct ChildResult {
    ctx: WfContext,
    seq: u32,
}

impl Future for ChildResult {
    type Output = Result<Payload, Failure>;
    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.ctx.core.borrow_mut().take_child_result(self.seq) {
            Some(result) => Poll::Ready(result),
            None => Poll::Pending,
        }
    }
}

/// Awaitable outcome of [`WfContext::signal_external`],
/// [`WfContext::cancel_external`] or [`ChildHandle::cancel`]: `Ok` once the
/// target recorded it, `Err` if no such open execution exists.
pub struct ExternalRequest {
    pub(crate) ctx: WfContext,
    pub(crate) seq: u32,
}

impl Future for ExternalRequest {
    type Output = Result<(), Failure>;
    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.ctx.core.borrow_mut().take_external_result(self.seq) {
            Some(result) => Poll::Ready(result),
            None => Poll::Pending,
        }
    }
}
