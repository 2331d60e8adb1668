//! Timers started by workflow code: StartTimer → TimerStarted, CancelTimer
//! → TimerCanceled, and the firing → TimerFired (a new event: buffered or
//! followed by a workflow task). A timer never fires before its duration.

use super::mutable_state::{Effects, TimerInfo};
use super::store::RunRecord;
use super::timers::Deadline;
use super::*;

/// Applies a StartTimer command.
pub(crate) fn start(
    run: &mut RunRecord,
    now: SimTime,
    completed_event_id: i64,
    timer_id: TimerId,
    start_to_fire_timeout: Duration,
    fx: &mut Effects,
) {
    let started = EventAttributes::TimerStarted {
        timer_id: timer_id.clone(),
        start_to_fire_timeout,
        workflow_task_completed_event_id: completed_event_id,
    };
    let started_event_id = run.append(now, started);
    let fire_time = now + start_to_fire_timeout;
    let deadline = Deadline::UserTimer {
        run: run.index,
        timer_id: timer_id.clone(),
        started_event_id,
    };
    fx.deadlines.push((fire_time, deadline));
    run.state.timers.insert(
        timer_id,
        TimerInfo {
            started_event_id,
            fire_time,
        },
    );
}

/// Applies a (validated) CancelTimer command.
pub(crate) fn cancel(
    run: &mut RunRecord,
    now: SimTime,
    completed_event_id: i64,
    timer_id: &TimerId,
    identity: &str,
) {
    let timer = run
        .state
        .timers
        .remove(timer_id)
        .expect("validated: the timer is pending");
    let canceled = EventAttributes::TimerCanceled {
        timer_id: timer_id.clone(),
        started_event_id: timer.started_event_id,
        workflow_task_completed_event_id: completed_event_id,
        identity: identity.into(),
    };
    run.append(now, canceled);
}

impl Service {
    /// A timer's fire time came: TimerFired, unless it was canceled.
    pub(super) fn fire_user_timer(
        &mut self,
        now: SimTime,
        index: usize,
        timer_id: &TimerId,
        started_event_id: i64,
        fx: &mut Effects,
    ) {
        let run = self.store.at_mut(index);
        let due = run.status.is_running()
            && run
                .state
                .timers
                .get(timer_id)
                .is_some_and(|t| t.started_event_id == started_event_id && t.fire_time <= now);
        if !due {
            return;
        }
        run.state.timers.remove(timer_id);
        run.add_new_event(
            now,
            EventAttributes::TimerFired {
                timer_id: timer_id.clone(),
                started_event_id,
            },
            fx,
        );
        self.store.commit(index);
    }
}
