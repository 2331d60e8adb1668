//! Signal channels: workflow code receives signals by name, in the order
//! they were recorded, including those that arrived before it listened.

use super::WfContext;
use crate::model::Payload;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// The signals of one name.
#[derive(Clone)]
pub struct SignalChannel {
    ctx: WfContext,
    name: String,
}

impl SignalChannel {
    pub(crate) fn new(ctx: WfContext, name: &str) -> SignalChannel {
        SignalChannel {
            ctx,
            name: name.to_owned(),
        }
    }

    /// The next signal, waiting for one if none is buffered.
    pub fn recv(&self) -> SignalReceive<'_> {
        SignalReceive { channel: self }
    }

    /// The next buffered signal, if any, without waiting.
    pub fn try_recv(&self) -> Option<Payload> {
        self.ctx.core.borrow_mut().take_signal(&self.name)
    }
}

/// Awaitable returned by [`SignalChannel::recv`].
pub struct SignalReceive<'a> {
    channel: &'a SignalChannel,
}

impl Future for SignalReceive<'_> {
    type Output = Payload;
    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Payload> {
        match self.channel.try_recv() {
            Some(input) => Poll::Ready(input),
            None => Poll::Pending,
        }
    }
}
