//! `cron_report`: one report per cron slot.

use crate::model::{secs, Payload};
use crate::workflow::{WfContext, WfResult};

/// Any input. Runs `echo` on the input and completes with
/// `"report: <input>"`. Started with a cron schedule, every run of the
/// chain must complete with that result (unless an injected non-retryable
/// activity failure fails it, which must not stop the schedule), and each
/// run's first workflow task waits for a slot of the schedule.
pub async fn cron_report(ctx: WfContext, input: Payload) -> WfResult {
    let echoed = ctx.activity("echo", input).start_to_close(secs(10)).await?;
    let text = format!("report: {}", super::text_of(&echoed));
    Ok(Payload::from(text.as_str()))
}
