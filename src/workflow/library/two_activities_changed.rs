//! `two_activities_changed`: a deliberately changed version of
//! `two_activities` for nondeterminism tests. Register it under the name
//! `two_activities` and replay a history of the original: the first
//! ActivityTaskScheduled no longer matches.

use crate::model::{secs, Payload};
use crate::workflow::{WfContext, WfResult};

/// Calls `activity_b` first, then `activity_a`. Completes with
/// `"<input> B A"` when run fresh; nondeterministic against `two_activities` histories.
pub async fn two_activities_changed(ctx: WfContext, input: Payload) -> WfResult {
    let b = ctx
        .activity("activity_b", input)
        .start_to_close(secs(10))
        .await?;
    let a = ctx
        .activity("activity_a", b)
        .start_to_close(secs(10))
        .await?;
    Ok(a)
}
