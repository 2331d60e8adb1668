//! Invoking activities from workflow code: a builder for the options of a
//! ScheduleActivityTask command, and the handle that awaits its result or
//! cancels it.

use super::core::CodeRequest;
use super::names::seq_name;
use super::WfContext;
use crate::model::*;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll};

/// Start-to-close timeout used when the code sets neither start-to-close
/// nor schedule-to-close (Temporal requires one of them).
pub const DEFAULT_START_TO_CLOSE: Duration = Duration::from_secs(10);

/// Options of one activity invocation; `.await` it or `.start()` it.
#[must_use = "an activity is scheduled only once awaited or started"]
pub struct ActivityBuilder {
    ctx: WfContext,
    activity_type: ActivityType,
    input: Payload,
    /// `None`: the run's activity sequence number.
    activity_id: Option<ActivityId>,
    /// `None`: the run's task queue.
    task_queue: Option<TaskQueue>,
    schedule_to_close_timeout: Option<Duration>,
    schedule_to_start_timeout: Option<Duration>,
    start_to_close_timeout: Option<Duration>,
    heartbeat_timeout: Option<Duration>,
    retry_policy: Option<RetryPolicy>,
}

impl ActivityBuilder {
    pub(crate) fn new(
        ctx: WfContext,
        activity_type: ActivityType,
        input: Payload,
    ) -> ActivityBuilder {
        ActivityBuilder {
            ctx,
            activity_type,
            input,
            activity_id: None,
            task_queue: None,
            schedule_to_close_timeout: None,
            schedule_to_start_timeout: None,
            start_to_close_timeout: None,
            heartbeat_timeout: None,
            retry_policy: None,
        }
    }

    /// Limits one attempt.
    pub fn start_to_close(mut self, d: Duration) -> Self {
        self.start_to_close_timeout = Some(d);
        self
    }

    /// Limits all attempts together.
    pub fn schedule_to_close(mut self, d: Duration) -> Self {
        self.schedule_to_close_timeout = Some(d);
        self
    }

    /// Limits the wait in the task queue.
    pub fn schedule_to_start(mut self, d: Duration) -> Self {
        self.schedule_to_start_timeout = Some(d);
        self
    }

    /// Requires a heartbeat at least this often.
    pub fn heartbeat_timeout(mut self, d: Duration) -> Self {
        self.heartbeat_timeout = Some(d);
        self
    }

    /// Sets the retry policy (default: Temporal's default policy).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry_policy = Some(policy);
        self
    }

    /// Sends the activity to another task queue than the workflow's.
    pub fn task_queue(mut self, queue: impl Into<TaskQueue>) -> Self {
        self.task_queue = Some(queue.into());
        self
    }

    /// Sets the activity id (default: the run's activity sequence number, "1", "2", …).
    pub fn activity_id(mut self, id: impl Into<ActivityId>) -> Self {
        self.activity_id = Some(id.into());
        self
    }

    /// Schedules the activity and returns a handle to await or cancel it.
    pub fn start(self) -> ActivityHandle {
        let mut core = self.ctx.core.borrow_mut();
        let seq = core.next_activity_seq();
        let start_to_close_timeout = match self.start_to_close_timeout {
            None if self.schedule_to_close_timeout.is_none() => Some(DEFAULT_START_TO_CLOSE),
            timeout => timeout,
        };
        let options = ScheduleActivity {
            activity_id: self
                .activity_id
                .unwrap_or_else(|| ActivityId(seq_name(seq))),
            activity_type: self.activity_type,
            task_queue: self
                .task_queue
                .unwrap_or_else(|| core.info.task_queue.clone()),
            input: self.input,
            schedule_to_close_timeout: self.schedule_to_close_timeout,
            schedule_to_start_timeout: self.schedule_to_start_timeout,
            start_to_close_timeout,
            heartbeat_timeout: self.heartbeat_timeout,
            retry_policy: self.retry_policy,
        };
        core.requests
            .push(CodeRequest::ScheduleActivity { seq, options });
        drop(core);
        ActivityHandle { ctx: self.ctx, seq }
    }
}

impl IntoFuture for ActivityBuilder {
    type Output = Result<Payload, Failure>;
    type IntoFuture = ActivityHandle;
    fn into_future(self) -> ActivityHandle {
        self.start()
    }
}

/// A scheduled activity. Resolves with its result, or with a failure whose
/// info is `Activity` and whose cause is what went wrong (including
/// cancellation).
pub struct ActivityHandle {
    ctx: WfContext,
    seq: u32,
}

impl ActivityHandle {
    /// Requests cancellation; the handle resolves as canceled at once
    /// (Temporal's TRY_CANCEL), unless it already resolved.
    pub fn cancel(&self) {
        self.ctx
            .core
            .borrow_mut()
            .requests
            .push(CodeRequest::CancelActivity { seq: self.seq });
    }
}

impl Future for ActivityHandle {
    type Output = Result<Payload, Failure>;
    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.ctx.core.borrow_mut().take_activity_result(self.seq) {
            Some(result) => Poll::Ready(result),
            None => Poll::Pending,
        }
    }
}
