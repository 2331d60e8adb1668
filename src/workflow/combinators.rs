//! A minimal `select` for workflow code (waiting on whichever of two
//! awaitables resolves first), so the crate needs no futures library.
//! When both are ready in the same poll, the first wins: deterministic.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Which of two awaitables resolved first, with its output.
#[derive(Debug, PartialEq)]
pub enum Either<A, B> {
    /// The first resolved.
    Left(A),
    /// The second resolved.
    Right(B),
}

/// Awaits whichever of `left` and `right` resolves first; the other is dropped
/// (pass `&mut handle` to keep using it, e.g. to cancel it).
pub fn select<A: Future, B: Future>(left: A, right: B) -> Select<A, B> {
    Select {
        left: Box::pin(left),
        right: Box::pin(right),
    }
}

/// Awaitable returned by [`select`].
pub struct Select<A, B> {
    left: Pin<Box<A>>,
    right: Pin<Box<B>>,
}

impl<A: Future, B: Future> Future for Select<A, B> {
    type Output = Either<A::Output, B::Output>;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if let Poll::Ready(a) = self.left.as_mut().poll(cx) {
            return Poll::Ready(Either::Left(a));
        }
        if let Poll::Ready(b) = self.right.as_mut().poll(cx) {
            return Poll::Ready(Either::Right(b));
        }
        Poll::Pending
    }
}
