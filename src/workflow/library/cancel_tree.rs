//! `cancel_tree`: cancelling a parent cancels its children per policy.

use crate::model::{ParentClosePolicy, Payload};
use crate::workflow::{WfContext, WfExit, WfResult};

/// Input `{"children": n}` (default 2). Starts `n` `cancellable` children
/// (`{"iterations": 1000}`, ids `<own id>-child-<i>`) with close policy
/// RequestCancel, waits until they started, then until its own
/// cancellation is requested, and ends Canceled. Oracle: the parent ends
/// Canceled, and each child gets a cancel request when the parent closes
/// and ends Canceled (the parent/child checkers hold the policy).
pub async fn cancel_tree(ctx: WfContext, input: Payload) -> WfResult {
    let children = input
        .value()
        .get("children")
        .and_then(|v| v.as_u64())
        .unwrap_or(2);
    let own_id = ctx.workflow_info().workflow_id;
    let child_input = Payload::new(serde_json::json!({"iterations": 1000}));
    let handles: Vec<_> = (0..children)
        .map(|i| {
            ctx.child_workflow(
                "cancellable",
                &format!("{own_id}-child-{i}"),
                child_input.clone(),
            )
            .parent_close_policy(ParentClosePolicy::RequestCancel)
            .start()
        })
        .collect();
    for handle in &handles {
        handle.started().await?;
    }
    ctx.cancelled().await;
    Err(WfExit::Canceled)
}
