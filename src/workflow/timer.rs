//! Timer handles: await one to sleep, or cancel it from workflow code.

use super::core::CodeRequest;
use super::WfContext;
use crate::model::Failure;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A started timer. Resolves `Ok(())` when it fires, or `Err` with a
/// canceled failure once canceled.
pub struct TimerHandle {
    ctx: WfContext,
    seq: u32,
}

impl TimerHandle {
    pub(crate) fn new(ctx: WfContext, seq: u32) -> TimerHandle {
        TimerHandle { ctx, seq }
    }

    /// Cancels the timer (no effect once it has fired).
    pub fn cancel(&self) {
        self.ctx
            .core
            .borrow_mut()
            .requests
            .push(CodeRequest::CancelTimer { seq: self.seq });
    }
}

impl Future for TimerHandle {
    type Output = Result<(), Failure>;
    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.ctx.core.borrow_mut().take_timer_result(self.seq) {
            Some(result) => Poll::Ready(result),
            None => Poll::Pending,
        }
    }
}
