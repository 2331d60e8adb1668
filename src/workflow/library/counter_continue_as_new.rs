//! `counter_continue_as_new`: a counter that continues as new every N signals.

use crate::model::Payload;
use crate::workflow::{WfContext, WfResult};

/// Input `{"every": n, "total": t}` (defaults 3 and 10; `count` carries the
/// running total from run to run). Counts `increment` signals (each
/// integer counting as itself, anything else as 1); after `n` signals in
/// one run (and any more already delivered to it, so that none is lost
/// with the run) it continues as new with the count so far, and once the count
/// reaches `t` it completes with it. Sent `t` signals of value 1, the
/// chain's last run must complete with `t` and no signal may be lost or
/// counted twice across the runs, whatever the faults.
pub async fn counter_continue_as_new(ctx: WfContext, input: Payload) -> WfResult {
    let field = |name: &str, default: i64| {
        input
            .value()
            .get(name)
            .and_then(|v| v.as_i64())
            .unwrap_or(default)
    };
    let (every, total, mut count) = (
        field("every", 3).max(1),
        field("total", 10),
        field("count", 0),
    );
    let increments = ctx.signal_channel("increment");
    for _ in 0..every {
        if count >= total {
            break;
        }
        count += increments.recv().await.as_i64().unwrap_or(1);
    }
    // Signals already delivered to this run would be lost with it: count them too.
    while let Some(value) = increments.try_recv() {
        count += value.as_i64().unwrap_or(1);
    }
    if count >= total {
        return Ok(Payload::from(count));
    }
    let next = serde_json::json!({"every": every, "total": total, "count": count});
    Err(ctx.continue_as_new(Payload::new(next)))
}
