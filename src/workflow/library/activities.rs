//! The library's activities. Each computes its result from its input and
//! attempt only; the world decides how long it takes and injects faults.

use super::text_of;
use crate::model::{Failure, Payload};
use crate::workflow::ActivityContext;
use serde_json::json;

/// Returns `"<input> A"`.
pub fn activity_a(_ctx: &ActivityContext, input: Payload) -> Result<Payload, Failure> {
    Ok(with_suffix(&input, " A"))
}

/// Returns `"<input> B"`.
pub fn activity_b(_ctx: &ActivityContext, input: Payload) -> Result<Payload, Failure> {
    Ok(with_suffix(&input, " B"))
}

/// The input's text followed by `suffix`, built in one allocation.
fn with_suffix(input: &Payload, suffix: &str) -> Payload {
    let text = text_of(input);
    let mut result = String::with_capacity(text.len() + suffix.len());
    result.push_str(&text);
    result.push_str(suffix);
    Payload::new(result.into())
}

/// Returns its input.
pub fn echo(_ctx: &ActivityContext, input: Payload) -> Result<Payload, Failure> {
    Ok(input)
}

/// Input `{"succeed_on_attempt": n, "value": v}`: fails with a retryable
/// `FlakyError` on attempts before `n`, then returns `v` (or `"ok"`).
pub fn flaky(ctx: &ActivityContext, input: Payload) -> Result<Payload, Failure> {
    let succeed_on = input
        .value()
        .get("succeed_on_attempt")
        .and_then(|v| v.as_u64())
        .unwrap_or(1);
    if u64::from(ctx.attempt) < succeed_on {
        return Err(Failure::application(
            "FlakyError",
            format!("attempt {} fails by design", ctx.attempt),
        ));
    }
    Ok(input
        .value()
        .get("value")
        .map_or_else(|| Payload::from("ok"), |v| Payload::new(v.clone())))
}

/// Always fails with a non-retryable `PermanentError`.
pub fn fail_permanently(_ctx: &ActivityContext, input: Payload) -> Result<Payload, Failure> {
    Err(Failure::non_retryable(
        "PermanentError",
        format!("fails permanently on {}", text_of(&input)),
    ))
}

/// A saga step. Input `{"step": name, "fail": bool}`: fails non-retryably
/// with `StepFailed` when `fail` is true, else returns `"<name> done"`.
pub fn saga_step(_ctx: &ActivityContext, input: Payload) -> Result<Payload, Failure> {
    let step = input
        .value()
        .get("step")
        .and_then(|v| v.as_str())
        .unwrap_or("?");
    if input
        .value()
        .get("fail")
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
    {
        return Err(Failure::non_retryable(
            "StepFailed",
            format!("step {step} failed"),
        ));
    }
    Ok(Payload::new(json!(format!("{step} done"))))
}

/// Undoes a saga step. Input `{"step": name}`: returns `"<name> undone"`.
pub fn saga_compensate(_ctx: &ActivityContext, input: Payload) -> Result<Payload, Failure> {
    let step = input
        .value()
        .get("step")
        .and_then(|v| v.as_str())
        .unwrap_or("?");
    Ok(Payload::new(json!(format!("{step} undone"))))
}
