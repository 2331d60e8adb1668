//! `retrying_workflow`: fails its first attempts, then succeeds.

use crate::model::{Failure, Payload};
use crate::workflow::{WfContext, WfResult};

/// Input `{"fail_attempts": k}` (default 2). Attempts 1..=k of the run
/// fail with an application failure `Flaky`; attempt k+1 completes with
/// `"succeeded on attempt <k+1>"`. Started with a retry policy allowing
/// more than k attempts it must end Completed with that result whatever
/// the faults; with fewer, the chain ends Failed after the last attempt.
pub async fn retrying_workflow(ctx: WfContext, input: Payload) -> WfResult {
    let fail_attempts = input
        .value()
        .get("fail_attempts")
        .and_then(|v| v.as_u64())
        .unwrap_or(2);
    let attempt = ctx.workflow_info().attempt;
    if u64::from(attempt) <= fail_attempts {
        let message = format!("attempt {attempt} fails on purpose");
        return Err(Failure::application("Flaky", message).into());
    }
    Ok(Payload::from(
        format!("succeeded on attempt {attempt}").as_str(),
    ))
}
