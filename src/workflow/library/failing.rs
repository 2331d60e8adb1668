//! `failing`: fails by design.

use crate::model::{Failure, Payload};
use crate::workflow::{WfContext, WfExit, WfResult};

/// Fails the run at once with a non-retryable application failure of type
/// `IntentionalFailure`, whatever the faults.
pub async fn failing(_ctx: WfContext, _input: Payload) -> WfResult {
    Err(WfExit::Failed(Failure::non_retryable(
        "IntentionalFailure",
        "failing by design",
    )))
}
