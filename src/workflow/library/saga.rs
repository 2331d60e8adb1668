//! `saga`: steps with compensations, undone in reverse on failure.

use crate::model::{secs, Failure, FailureInfo, Payload};
use crate::workflow::{WfContext, WfExit, WfResult};
use serde_json::json;

/// Input `{"steps": n, "fail_at": i}` (`fail_at` optional). Runs `saga_step`
/// for steps `step0`…`step{n-1}`; step `fail_at` fails non-retryably. On
/// success completes with the list of `"<step> done"`. On failure runs
/// `saga_compensate` for each completed step in reverse order, then fails
/// the run with `SagaFailed` whose details list the `"<step> undone"`
/// results — whatever the faults.
pub async fn saga(ctx: WfContext, input: Payload) -> WfResult {
    let steps = input
        .value()
        .get("steps")
        .and_then(|v| v.as_u64())
        .unwrap_or(3);
    let fail_at = input.value().get("fail_at").and_then(|v| v.as_u64());
    let mut done: Vec<String> = Vec::new();
    let mut results = Vec::new();
    for index in 0..steps {
        let step = format!("step{index}");
        let step_input = json!({"step": step, "fail": fail_at == Some(index)});
        match ctx
            .activity("saga_step", step_input)
            .start_to_close(secs(10))
            .await
        {
            Ok(result) => {
                results.push(result.value().clone());
                done.push(step);
            }
            Err(cause) => {
                let mut undone = Vec::new();
                for step in done.iter().rev() {
                    let undo = ctx
                        .activity("saga_compensate", json!({ "step": step }))
                        .start_to_close(secs(10))
                        .await?;
                    undone.push(undo.value().clone());
                }
                let mut failure =
                    Failure::non_retryable("SagaFailed", format!("{step} failed; compensated"));
                if let FailureInfo::Application { details, .. } = &mut failure.info {
                    *details = Some(Payload::new(json!(undone)));
                }
                return Err(WfExit::Failed(failure.with_cause(cause)));
            }
        }
    }
    Ok(Payload::new(json!(results)))
}
