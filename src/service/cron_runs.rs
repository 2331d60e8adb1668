//! Cron schedules: a run started with a cron schedule waits for its first
//! slot (`first_workflow_task_backoff`); when a run of the chain completes,
//! fails (with no retry left) or times out, its closing event names the
//! next run, which starts at once and waits for the next slot (initiator
//! CRON_SCHEDULE, the last result or failure carried). A failure does not
//! stop the schedule; cancel and terminate do, as does the chain's
//! execution timeout.

use super::executions::successor_start;
use super::mutable_state::Effects;
use super::*;

/// The next run of a cron chain, reserved before the current run closes.
pub(crate) struct CronNext {
    pub run_id: RunId,
    pub backoff: Duration,
}

/// The wait from `now` to the first slot of `cron_schedule`, if one is
/// set; an invalid or never-firing schedule is an error.
pub(crate) fn first_slot_backoff(
    cron_schedule: Option<&str>,
    now: SimTime,
) -> Result<Option<Duration>, String> {
    let Some(text) = cron_schedule.filter(|s| !s.trim().is_empty()) else {
        return Ok(None);
    };
    let schedule = CronSchedule::parse(text).map_err(|e| e.to_string())?;
    let slot = schedule
        .next_after(now)
        .ok_or_else(|| format!("cron schedule {text:?} never fires"))?;
    Ok(Some(slot.since(now)))
}

impl Service {
    /// Reserves the next run of the cron chain of the run at `index`, if it
    /// has a schedule and the next slot is within the chain's deadline.
    pub(super) fn plan_cron_run(&mut self, now: SimTime, index: usize) -> Option<CronNext> {
        let run = self.store.at(index);
        let started = run.started_attributes();
        let backoff = first_slot_backoff(started.cron_schedule.as_deref(), now).ok()??;
        if run
            .state
            .execution_expiration_time
            .is_some_and(|deadline| now + backoff >= deadline)
        {
            return None;
        }
        let run_id = RunId::derive(self.config.seed, self.store.take_sequence());
        Some(CronNext { run_id, backoff })
    }

    /// Starts the next cron run after the closed run at `previous`: same
    /// type, queue, input, timeouts, policy and schedule, waiting for its slot.
    pub(super) fn start_cron_run(
        &mut self,
        now: SimTime,
        previous: usize,
        next: CronNext,
        last_completion_result: Option<Payload>,
        failure: Option<Failure>,
        fx: &mut Effects,
    ) {
        let start = successor_start(
            self.store.at(previous),
            next.run_id,
            ContinueAsNewInitiator::CronSchedule,
            next.backoff,
            failure,
            last_completion_result,
        );
        self.create_run(now, start, fx);
    }
}
