//! `two_activities`: the documented example.

use crate::model::secs;
use crate::model::Payload;
use crate::workflow::{WfContext, WfResult};

/// Runs `activity_a` on the input, then `activity_b` on its result.
/// Must complete with `"<input> A B"` (e.g. `"Alice A B"`) whatever the faults.
pub async fn two_activities(ctx: WfContext, input: Payload) -> WfResult {
    let a = ctx
        .activity("activity_a", input)
        .start_to_close(secs(10))
        .await?;
    let b = ctx
        .activity("activity_b", a)
        .start_to_close(secs(10))
        .await?;
    Ok(b)
}
