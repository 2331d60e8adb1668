//! `sleep_for`: one long timer.

use crate::model::{parse_duration, Failure, Payload};
use crate::workflow::{WfContext, WfExit, WfResult};

/// Input: a duration as text (`"365d"`, `"10s"`). Sleeps that long on one
/// timer, then completes with the input text. A malformed duration fails
/// the run with `BadInput`.
pub async fn sleep_for(ctx: WfContext, input: Payload) -> WfResult {
    let text = input.value().as_str().unwrap_or_default().to_owned();
    let duration =
        parse_duration(&text).map_err(|e| WfExit::Failed(Failure::non_retryable("BadInput", e)))?;
    ctx.sleep(duration).await?;
    Ok(Payload::from(text.as_str()))
}
