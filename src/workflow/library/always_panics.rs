//! `always_panics`: workflow code that panics on every workflow task.

use crate::model::Payload;
use crate::workflow::{WfContext, WfResult};

/// Panics in its first workflow task, every time. The run never closes by
/// itself: each task fails with WORKFLOW_WORKER_UNHANDLED_FAILURE and is
/// retried transiently, so its history stays short until terminated or timed out.
pub async fn always_panics(_ctx: WfContext, _input: Payload) -> WfResult {
    panic!("always_panics panics by design")
}
