//! `cancellable`: works in a loop and honours cancellation.

use crate::model::{secs, Payload};
use crate::workflow::{select, Either, WfContext, WfExit, WfResult};

/// Input `{"iterations": n}` (default 10). Each iteration waits on a 1 s
/// timer (even iterations) or an `echo` activity (odd ones). When the run's
/// cancellation is requested it cancels the pending timer or activity and
/// ends Canceled; otherwise it completes with `n`. Outcome: Canceled iff a
/// cancel request reached it before the last iteration finished.
pub async fn cancellable(ctx: WfContext, input: Payload) -> WfResult {
    let iterations = input
        .value()
        .get("iterations")
        .and_then(|v| v.as_i64())
        .unwrap_or(10);
    for index in 0..iterations {
        if ctx.is_cancel_requested() {
            return Err(WfExit::Canceled);
        }
        if index % 2 == 0 {
            let mut timer = ctx.timer(secs(1));
            if let Either::Right(()) = select(&mut timer, ctx.cancelled()).await {
                timer.cancel();
                return Err(WfExit::Canceled);
            }
        } else {
            let mut activity = ctx.activity("echo", index).start_to_close(secs(10)).start();
            match select(&mut activity, ctx.cancelled()).await {
                Either::Left(result) => {
                    result?;
                }
                Either::Right(()) => {
                    activity.cancel();
                    return Err(WfExit::Canceled);
                }
            }
        }
    }
    Ok(Payload::from(iterations))
}
