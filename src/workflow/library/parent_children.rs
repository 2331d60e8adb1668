//! `parent_children`: fan-out / fan-in of child workflows.

use crate::model::Payload;
use crate::workflow::{WfContext, WfResult};

/// Input `{"children": n}` (default 3). Starts `n` children of type
/// `two_activities` with ids `<own id>-child-<i>` and inputs `"c<i>"`, all
/// before awaiting any, then awaits their results in order. Must complete
/// with `"c0 A B,c1 A B,…"` (each child's own result, joined by commas)
/// whatever the faults.
pub async fn parent_children(ctx: WfContext, input: Payload) -> WfResult {
    let children = input
        .value()
        .get("children")
        .and_then(|v| v.as_u64())
        .unwrap_or(3);
    let own_id = ctx.workflow_info().workflow_id;
    let handles: Vec<_> = (0..children)
        .map(|i| {
            ctx.child_workflow(
                "two_activities",
                &format!("{own_id}-child-{i}"),
                format!("c{i}").as_str(),
            )
            .start()
        })
        .collect();
    let mut results = Vec::new();
    for handle in handles {
        results.push(super::text_of(&handle.result().await?).into_owned());
    }
    Ok(Payload::from(results.join(",").as_str()))
}
