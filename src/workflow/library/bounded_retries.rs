//! `bounded_retries`: one flaky activity under a retry policy with a
//! maximum number of attempts.

use crate::model::{secs, Payload, RetryPolicy};
use crate::workflow::{WfContext, WfResult};

/// Input `{"succeed_on_attempt": n, "maximum_attempts": m}`: runs `flaky`
/// (which fails before attempt `n`) with at most `m` attempts, 1 s apart.
/// Completes with `"ok"` if `n <= m`; otherwise the activity fails and so
/// does the run, whatever the faults.
pub async fn bounded_retries(ctx: WfContext, input: Payload) -> WfResult {
    let maximum_attempts = input
        .value()
        .get("maximum_attempts")
        .and_then(|v| v.as_u64())
        .unwrap_or(3) as u32;
    let policy = RetryPolicy {
        initial_interval: secs(1),
        backoff_coefficient: 1.0,
        maximum_attempts,
        ..RetryPolicy::default()
    };
    ctx.activity("flaky", input)
        .start_to_close(secs(10))
        .retry_policy(policy)
        .await
        .map_err(Into::into)
}
