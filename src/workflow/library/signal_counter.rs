//! `signal_counter`: waits for a number of signals and sums them.

use crate::model::Payload;
use crate::workflow::{WfContext, WfResult};

/// Input `{"signals": n}`. Receives `n` signals named `increment` (in
/// arrival order) and completes with the sum of their values, an integer
/// value counting as itself and anything else as 1. With n signals of value
/// 1 the result is n, whatever the faults.
pub async fn signal_counter(ctx: WfContext, input: Payload) -> WfResult {
    let wanted = input
        .value()
        .get("signals")
        .and_then(|v| v.as_u64())
        .unwrap_or(1);
    let increments = ctx.signal_channel("increment");
    let mut sum = 0i64;
    for _ in 0..wanted {
        sum += increments.recv().await.as_i64().unwrap_or(1);
    }
    Ok(Payload::from(sum))
}
