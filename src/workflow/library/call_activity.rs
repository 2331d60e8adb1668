//! `call_activity`: one activity with the options its input gives, so that
//! scenarios can exercise retries and every activity timeout.

use crate::model::{parse_duration, Failure, Payload, RetryPolicy};
use crate::workflow::{WfContext, WfExit, WfResult};
use serde_json::Value;

/// Input `{"activity": name, "input": v, "start_to_close": "10s",
/// "schedule_to_close": "1m", "schedule_to_start": "5s", "heartbeat": "2s",
/// "retry_policy": {...}}` (all but `activity` optional; start-to-close
/// defaults to 10 s). Completes with the activity's result, or fails with
/// its failure once the Service stops retrying it. Malformed input fails
/// the run with `BadInput`.
pub async fn call_activity(ctx: WfContext, input: Payload) -> WfResult {
    let options = input.value();
    let name = options
        .get("activity")
        .and_then(Value::as_str)
        .ok_or_else(|| bad_input("missing \"activity\""))?;
    let mut call = ctx.activity(
        name,
        Payload::new(options.get("input").cloned().unwrap_or(Value::Null)),
    );
    if let Some(d) = duration(options, "start_to_close")? {
        call = call.start_to_close(d);
    }
    if let Some(d) = duration(options, "schedule_to_close")? {
        call = call.schedule_to_close(d);
    }
    if let Some(d) = duration(options, "schedule_to_start")? {
        call = call.schedule_to_start(d);
    }
    if let Some(d) = duration(options, "heartbeat")? {
        call = call.heartbeat_timeout(d);
    }
    if let Some(policy) = options.get("retry_policy") {
        let policy: RetryPolicy = serde_json::from_value(policy.clone())
            .map_err(|e| bad_input(&format!("retry_policy: {e}")))?;
        call = call.retry_policy(policy);
    }
    Ok(call.await?)
}

fn duration(options: &Value, key: &str) -> Result<Option<crate::model::Duration>, WfExit> {
    match options.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => parse_duration(text)
            .map(Some)
            .map_err(|e| bad_input(&format!("{key}: {e}"))),
        Some(other) => Err(bad_input(&format!(
            "{key}: {other} is not a duration like \"10s\""
        ))),
    }
}

fn bad_input(why: &str) -> WfExit {
    WfExit::Failed(Failure::non_retryable("BadInput", why))
}
