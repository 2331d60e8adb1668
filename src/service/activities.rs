//! Activities: scheduling, dispatch of attempts to pollers, heartbeats,
//! outcomes, timeouts, retries with backoff, and cancel requests.
//!
//! Rule 8: an attempt's start is recorded only in mutable state; the
//! ActivityTaskStarted event is written when the activity reaches its final
//! outcome, directly before it, with the last attempt and last failure.
//! Intermediate attempts, heartbeats and backoffs write no events.

use super::executions::SERVICE_IDENTITY;
use super::mutable_state::{ActivityInfo, Effects};
use super::store::{run_hint, RunRecord};
use super::*;
use std::rc::Rc;

/// Applies a (validated) ScheduleActivityTask command: ActivityTaskScheduled
/// and a first attempt in the queue.
pub(crate) fn schedule(
    run: &mut RunRecord,
    now: SimTime,
    completed_event_id: i64,
    a: &ScheduleActivity,
    fx: &mut Effects,
) {
    let retry_policy = a.retry_policy.clone().unwrap_or_default();
    let start_to_close_timeout = a
        .start_to_close_timeout
        .or(a.schedule_to_close_timeout)
        .expect("validated: start-to-close or schedule-to-close is set");
    let scheduled =
        EventAttributes::ActivityTaskScheduled(Box::new(ActivityTaskScheduledAttributes {
            activity_id: a.activity_id.clone(),
            activity_type: a.activity_type.clone(),
            task_queue: a.task_queue.clone(),
            input: a.input.clone(),
            schedule_to_close_timeout: a.schedule_to_close_timeout,
            schedule_to_start_timeout: a.schedule_to_start_timeout,
            start_to_close_timeout: Some(start_to_close_timeout),
            heartbeat_timeout: a.heartbeat_timeout,
            workflow_task_completed_event_id: completed_event_id,
            retry_policy: Some(retry_policy.clone()),
        }));
    let scheduled_event_id = run.append(now, scheduled);
    let activity = ActivityInfo {
        scheduled_event_id,
        activity_id: a.activity_id.clone(),
        activity_type: a.activity_type.clone(),
        task_queue: a.task_queue.clone(),
        input: a.input.clone(),
        schedule_to_close_timeout: a.schedule_to_close_timeout,
        schedule_to_start_timeout: a.schedule_to_start_timeout,
        start_to_close_timeout,
        heartbeat_timeout: a.heartbeat_timeout,
        retry_policy,
        scheduled_time: now,
        attempt: 1,
        attempt_state: AttemptState::Queued { since: now },
        last_failure: None,
        heartbeat_details: None,
        cancel_requested_event_id: None,
    };
    arm_activity(run.index, &activity, fx);
    run.state
        .activity_ids
        .insert(activity.activity_id.clone(), scheduled_event_id);
    run.state.activities.insert(Box::new(activity));
}

/// The in-memory work of a pending activity: its schedule-to-close
/// deadline and whatever its current attempt waits for.
pub(crate) fn arm_activity(run: usize, activity: &ActivityInfo, fx: &mut Effects) {
    if let Some(at) = activity.schedule_to_close_deadline() {
        let deadline = Deadline::ActivityTimeout {
            run,
            scheduled_event_id: activity.scheduled_event_id,
            attempt: activity.attempt,
            timeout_type: TimeoutType::ScheduleToClose,
        };
        fx.deadlines.push((at, deadline));
    }
    arm_attempt(run, activity, fx);
}

/// The in-memory work of an activity's current attempt: a queue entry and
/// schedule-to-start deadline, a backoff end, or start-to-close and
/// heartbeat deadlines.
fn arm_attempt(run: usize, activity: &ActivityInfo, fx: &mut Effects) {
    let scheduled_event_id = activity.scheduled_event_id;
    let attempt = activity.attempt;
    let timeout = |timeout_type| Deadline::ActivityTimeout {
        run,
        scheduled_event_id,
        attempt,
        timeout_type,
    };
    match &activity.attempt_state {
        AttemptState::Queued { since } => {
            let task = ActivityTaskRef {
                run,
                scheduled_event_id,
                attempt,
            };
            fx.activity_tasks.push((activity.task_queue.clone(), task));
            if let Some(t) = activity.schedule_to_start_timeout {
                fx.deadlines
                    .push((*since + t, timeout(TimeoutType::ScheduleToStart)));
            }
        }
        AttemptState::BackingOff { until } => {
            fx.deadlines.push((
                *until,
                Deadline::ActivityRetry {
                    run,
                    scheduled_event_id,
                    attempt,
                },
            ));
        }
        AttemptState::Started {
            started_time,
            last_heartbeat_time,
            ..
        } => fx.deadlines.extend(started_attempt_deadlines(
            run,
            activity,
            *started_time,
            *last_heartbeat_time,
        )),
    }
}

/// The deadlines of a started attempt: start-to-close, then heartbeat if
/// the activity has a heartbeat timeout.
fn started_attempt_deadlines(
    run: usize,
    activity: &ActivityInfo,
    started_time: SimTime,
    last_heartbeat_time: SimTime,
) -> impl Iterator<Item = (SimTime, Deadline)> {
    let timeout = move |timeout_type| Deadline::ActivityTimeout {
        run,
        scheduled_event_id: activity.scheduled_event_id,
        attempt: activity.attempt,
        timeout_type,
    };
    let start_to_close = (
        started_time + activity.start_to_close_timeout,
        timeout(TimeoutType::StartToClose),
    );
    let heartbeat = activity
        .heartbeat_timeout
        .map(|t| (last_heartbeat_time + t, timeout(TimeoutType::Heartbeat)));
    std::iter::once(start_to_close).chain(heartbeat)
}

/// Applies a (validated) RequestCancelActivityTask command:
/// ActivityTaskCancelRequested, and ActivityTaskCanceled at once if no
/// attempt is running. Returns whether the activity was canceled at once.
pub(crate) fn request_cancel(
    run: &mut RunRecord,
    now: SimTime,
    completed_event_id: i64,
    scheduled_event_id: i64,
) -> bool {
    let requested = EventAttributes::ActivityTaskCancelRequested {
        scheduled_event_id,
        workflow_task_completed_event_id: completed_event_id,
    };
    let requested_event_id = run.append(now, requested);
    let activity = run
        .state
        .activities
        .get_mut(scheduled_event_id)
        .expect("validated: the activity is pending");
    if matches!(activity.attempt_state, AttemptState::Started { .. }) {
        activity.cancel_requested_event_id = Some(requested_event_id);
        return false;
    }
    let activity = remove_activity(run, scheduled_event_id);
    let canceled = EventAttributes::ActivityTaskCanceled {
        details: None,
        latest_cancel_requested_event_id: requested_event_id,
        scheduled_event_id,
        started_event_id: 0,
        identity: SERVICE_IDENTITY.into(),
    };
    debug_assert_eq!(activity.scheduled_event_id, scheduled_event_id);
    run.append(now, canceled);
    true
}

/// Removes a pending activity from the run.
fn remove_activity(run: &mut RunRecord, scheduled_event_id: i64) -> Box<ActivityInfo> {
    let activity = run
        .state
        .activities
        .remove(scheduled_event_id)
        .expect("the activity is pending");
    run.state.activity_ids.remove(&activity.activity_id);
    activity
}

/// The ActivityTaskStarted written before a final outcome, if an attempt is running.
fn started_event(activity: &ActivityInfo) -> Option<EventAttributes> {
    match &activity.attempt_state {
        AttemptState::Started {
            identity,
            request_id,
            ..
        } => Some(EventAttributes::ActivityTaskStarted {
            scheduled_event_id: activity.scheduled_event_id,
            identity: identity.clone(),
            request_id: request_id.clone(),
            attempt: activity.attempt,
            last_failure: activity.last_failure.clone(),
        }),
        _ => None,
    }
}

/// Whether a failed attempt is retried: never once the workflow asked to
/// cancel the activity; otherwise as its policy says, given the last moment
/// an attempt may start (schedule-to-close or the execution's expiration).
fn retry_decision(
    run: &RunRecord,
    activity: &ActivityInfo,
    failure: &Failure,
    now: SimTime,
    ignore_maximum_attempts: bool,
) -> RetryDecision {
    if activity.cancel_requested_event_id.is_some() {
        return RetryDecision::Stop(RetryState::CancelRequested);
    }
    let deadline = match (
        activity.schedule_to_close_deadline(),
        run.state.execution_expiration_time,
    ) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    if ignore_maximum_attempts {
        let unlimited = RetryPolicy {
            maximum_attempts: 0,
            ..activity.retry_policy.clone()
        };
        return unlimited.decide(activity.attempt, failure, now, deadline);
    }
    activity
        .retry_policy
        .decide(activity.attempt, failure, now, deadline)
}

impl Service {
    /// PollActivityTaskQueue: hands out the oldest current attempt of the
    /// queue, or parks the poll (returns `None`).
    pub(super) fn poll_activity_task_queue(
        &mut self,
        now: SimTime,
        call: CallId,
        r: PollActivityTaskQueueRequest,
    ) -> Option<Box<PollActivityTaskQueueResponse>> {
        while let Some(task) = self.matching.pop_activity_task(&r.task_queue) {
            if activity_task_is_current(&self.store, &task) {
                return Some(self.dispatch_activity_task(now, &task, r.identity, call));
            }
        }
        self.park_poll(now, PollKind::Activity, r.task_queue, call, r.identity);
        None
    }

    /// Starts a queued attempt for a worker: one commit, no event (rule 8).
    /// The response is boxed where it is made (it is answered boxed).
    pub(super) fn dispatch_activity_task(
        &mut self,
        now: SimTime,
        task: &ActivityTaskRef,
        identity: Rc<str>,
        call: CallId,
    ) -> Box<PollActivityTaskQueueResponse> {
        debug_assert!(activity_task_is_current(&self.store, task));
        let run = self.store.at_mut(task.run);
        let activity = run
            .state
            .activities
            .get_mut(task.scheduled_event_id)
            .expect("checked current");
        activity.attempt_state = AttemptState::Started {
            started_time: now,
            last_heartbeat_time: now,
            identity,
            request_id: call.poll_request_id(),
        };
        for (at, deadline) in started_attempt_deadlines(task.run, activity, now, now) {
            self.deadlines.push(at, deadline);
        }
        let response = Box::new(PollActivityTaskQueueResponse {
            task_token: ActivityTaskToken {
                execution: run.execution.clone(),
                run_hint: run_hint(task.run),
                scheduled_event_id: activity.scheduled_event_id,
                attempt: activity.attempt,
            },
            workflow_execution: run.execution.clone(),
            workflow_type: run.workflow_type.clone(),
            activity_id: activity.activity_id.clone(),
            activity_type: activity.activity_type.clone(),
            input: activity.input.clone(),
            attempt: activity.attempt,
            scheduled_time: activity.scheduled_time,
            started_time: now,
            schedule_to_close_timeout: activity.schedule_to_close_timeout,
            start_to_close_timeout: Some(activity.start_to_close_timeout),
            heartbeat_timeout: activity.heartbeat_timeout,
            heartbeat_details: activity.heartbeat_details.clone(),
        });
        self.store.commit(task.run);
        response
    }

    /// The run of the running attempt a token names.
    fn running_attempt(&self, token: &ActivityTaskToken) -> Result<usize, ServiceError> {
        let stale = || {
            task_not_found(format_args!(
                "activity {}#{} attempt {}",
                token.execution, token.scheduled_event_id, token.attempt
            ))
        };
        let index = self
            .store
            .resolve_hinted(&token.execution, token.run_hint)
            .ok_or_else(stale)?;
        let run = self.store.at(index);
        let running = run.status.is_running()
            && run
                .state
                .activities
                .get(token.scheduled_event_id)
                .is_some_and(|a| {
                    a.attempt == token.attempt
                        && matches!(a.attempt_state, AttemptState::Started { .. })
                });
        if running {
            Ok(index)
        } else {
            Err(stale())
        }
    }

    /// RecordActivityTaskHeartbeat: stores the details, re-arms the
    /// heartbeat timeout, and tells the worker whether cancel was requested.
    pub(super) fn record_activity_task_heartbeat(
        &mut self,
        now: SimTime,
        r: RecordActivityTaskHeartbeatRequest,
        fx: &mut Effects,
    ) -> Result<RecordActivityTaskHeartbeatResponse, ServiceError> {
        let index = self.running_attempt(&r.task_token)?;
        let run = self.store.at_mut(index);
        let activity = run
            .state
            .activities
            .get_mut(r.task_token.scheduled_event_id)
            .expect("checked running");
        if let AttemptState::Started {
            last_heartbeat_time,
            ..
        } = &mut activity.attempt_state
        {
            *last_heartbeat_time = now;
        }
        if r.details.is_some() {
            activity.heartbeat_details = r.details;
        }
        if let Some(t) = activity.heartbeat_timeout {
            let deadline = Deadline::ActivityTimeout {
                run: index,
                scheduled_event_id: activity.scheduled_event_id,
                attempt: activity.attempt,
                timeout_type: TimeoutType::Heartbeat,
            };
            fx.deadlines.push((now + t, deadline));
        }
        let cancel_requested = activity.cancel_requested_event_id.is_some();
        self.store.commit(index);
        Ok(RecordActivityTaskHeartbeatResponse { cancel_requested })
    }

    /// RespondActivityTaskCompleted: ActivityTaskStarted + ActivityTaskCompleted.
    pub(super) fn respond_activity_task_completed(
        &mut self,
        now: SimTime,
        r: RespondActivityTaskCompletedRequest,
        fx: &mut Effects,
    ) -> Result<(), ServiceError> {
        let index = match self.running_attempt(&r.task_token) {
            Ok(index) => index,
            Err(stale) if self.sabotaged(Sabotage::DuplicateActivityCompletion) => {
                return self.apply_completion_again(now, r, fx, stale)
            }
            Err(stale) => return Err(stale),
        };
        let run = self.store.at_mut(index);
        let activity = remove_activity(run, r.task_token.scheduled_event_id);
        let completed = EventAttributes::ActivityTaskCompleted {
            result: r.result,
            scheduled_event_id: activity.scheduled_event_id,
            started_event_id: 0,
            identity: r.identity,
        };
        run.add_activity_outcome(now, started_event(&activity), completed, fx);
        self.store.commit(index);
        Ok(())
    }

    /// RespondActivityTaskFailed: a retry after backoff if the policy allows,
    /// else ActivityTaskStarted + ActivityTaskFailed.
    pub(super) fn respond_activity_task_failed(
        &mut self,
        now: SimTime,
        r: RespondActivityTaskFailedRequest,
        fx: &mut Effects,
    ) -> Result<(), ServiceError> {
        let index = self.running_attempt(&r.task_token)?;
        let ignore_maximum_attempts = self.sabotaged(Sabotage::RetryIgnoresMaxAttempts);
        let run = self.store.at_mut(index);
        let scheduled_event_id = r.task_token.scheduled_event_id;
        let activity = run
            .state
            .activities
            .get(scheduled_event_id)
            .expect("checked running");
        match retry_decision(run, activity, &r.failure, now, ignore_maximum_attempts) {
            RetryDecision::Retry(wait) => {
                retry_after(run, scheduled_event_id, r.failure, now + wait, fx)
            }
            RetryDecision::Stop(retry_state) => {
                let activity = remove_activity(run, scheduled_event_id);
                let failed = EventAttributes::ActivityTaskFailed {
                    failure: r.failure,
                    scheduled_event_id,
                    started_event_id: 0,
                    identity: r.identity,
                    retry_state,
                };
                run.add_activity_outcome(now, started_event(&activity), failed, fx);
            }
        }
        self.store.commit(index);
        Ok(())
    }

    /// RespondActivityTaskCanceled: ActivityTaskStarted + ActivityTaskCanceled.
    pub(super) fn respond_activity_task_canceled(
        &mut self,
        now: SimTime,
        r: RespondActivityTaskCanceledRequest,
        fx: &mut Effects,
    ) -> Result<(), ServiceError> {
        let index = self.running_attempt(&r.task_token)?;
        let run = self.store.at_mut(index);
        let activity = remove_activity(run, r.task_token.scheduled_event_id);
        let canceled = EventAttributes::ActivityTaskCanceled {
            details: r.details,
            latest_cancel_requested_event_id: activity.cancel_requested_event_id.unwrap_or(0),
            scheduled_event_id: activity.scheduled_event_id,
            started_event_id: 0,
            identity: r.identity,
        };
        run.add_activity_outcome(now, started_event(&activity), canceled, fx);
        self.store.commit(index);
        Ok(())
    }

    /// One of an activity's timeouts came due. Start-to-close and heartbeat
    /// timeouts are retried like failures; schedule-to-start and
    /// schedule-to-close are final (RetryState::Timeout).
    pub(super) fn activity_timeout(
        &mut self,
        now: SimTime,
        index: usize,
        scheduled_event_id: i64,
        attempt: u32,
        timeout_type: TimeoutType,
        fx: &mut Effects,
    ) {
        let ignore_maximum_attempts = self.sabotaged(Sabotage::RetryIgnoresMaxAttempts);
        let run = self.store.at_mut(index);
        if !run.status.is_running() {
            return;
        }
        let Some(activity) = run.state.activities.get(scheduled_event_id) else {
            return;
        };
        let this_attempt = activity.attempt == attempt;
        let due = match (&activity.attempt_state, timeout_type) {
            (_, TimeoutType::ScheduleToClose) => activity
                .schedule_to_close_deadline()
                .is_some_and(|at| at <= now),
            (AttemptState::Queued { since }, TimeoutType::ScheduleToStart) => {
                this_attempt
                    && activity
                        .schedule_to_start_timeout
                        .is_some_and(|t| *since + t <= now)
            }
            (AttemptState::Started { started_time, .. }, TimeoutType::StartToClose) => {
                this_attempt && *started_time + activity.start_to_close_timeout <= now
            }
            (
                AttemptState::Started {
                    last_heartbeat_time,
                    ..
                },
                TimeoutType::Heartbeat,
            ) => {
                this_attempt
                    && activity
                        .heartbeat_timeout
                        .is_some_and(|t| *last_heartbeat_time + t <= now)
            }
            _ => false,
        };
        if !due {
            return;
        }
        let mut failure = Failure::timeout(timeout_type);
        if timeout_type == TimeoutType::Heartbeat {
            failure.info = FailureInfo::Timeout {
                timeout_type,
                last_heartbeat_details: activity.heartbeat_details.clone(),
            };
        }
        let decision = match timeout_type {
            TimeoutType::StartToClose | TimeoutType::Heartbeat => {
                retry_decision(run, activity, &failure, now, ignore_maximum_attempts)
            }
            TimeoutType::ScheduleToStart | TimeoutType::ScheduleToClose => {
                RetryDecision::Stop(RetryState::Timeout)
            }
        };
        match decision {
            RetryDecision::Retry(wait) => {
                retry_after(run, scheduled_event_id, failure, now + wait, fx)
            }
            RetryDecision::Stop(retry_state) => {
                let activity = remove_activity(run, scheduled_event_id);
                if let Some(last_failure) = activity.last_failure.clone() {
                    if !matches!(activity.attempt_state, AttemptState::Started { .. }) {
                        failure = failure.with_cause(last_failure);
                    }
                }
                let timed_out = EventAttributes::ActivityTaskTimedOut {
                    failure,
                    scheduled_event_id,
                    started_event_id: 0,
                    retry_state,
                };
                run.add_activity_outcome(now, started_event(&activity), timed_out, fx);
            }
        }
        self.store.commit(index);
    }

    /// A retry backoff ended: the next attempt goes to the queue.
    pub(super) fn activity_retry_due(
        &mut self,
        now: SimTime,
        index: usize,
        scheduled_event_id: i64,
        attempt: u32,
        fx: &mut Effects,
    ) {
        let run = self.store.at_mut(index);
        let Some(activity) = run.state.activities.get_mut(scheduled_event_id) else {
            return;
        };
        let due =
            matches!(activity.attempt_state, AttemptState::BackingOff { until } if until <= now);
        if !run.status.is_running() || activity.attempt != attempt || !due {
            return;
        }
        activity.attempt_state = AttemptState::Queued { since: now };
        arm_attempt(index, activity, fx);
        self.store.commit(index);
    }
}

/// Puts an activity into backoff before its next attempt.
fn retry_after(
    run: &mut RunRecord,
    scheduled_event_id: i64,
    failure: Failure,
    until: SimTime,
    fx: &mut Effects,
) {
    let activity = run
        .state
        .activities
        .get_mut(scheduled_event_id)
        .expect("the activity is pending");
    activity.attempt += 1;
    activity.last_failure = Some(failure);
    activity.attempt_state = AttemptState::BackingOff { until };
    arm_attempt(run.index, activity, fx);
}

/// Whether the queued activity reference still names the waiting attempt.
pub(crate) fn activity_task_is_current(store: &Store, task: &ActivityTaskRef) -> bool {
    let run = store.at(task.run);
    run.status.is_running()
        && run
            .state
            .activities
            .get(task.scheduled_event_id)
            .is_some_and(|a| {
                a.attempt == task.attempt && matches!(a.attempt_state, AttemptState::Queued { .. })
            })
}

impl Service {
    /// Sabotage `duplicate_activity_completion`: a completion whose token no
    /// longer names a running attempt is applied again when the activity's
    /// first completion is in history, instead of being rejected as stale.
    fn apply_completion_again(
        &mut self,
        now: SimTime,
        r: RespondActivityTaskCompletedRequest,
        fx: &mut Effects,
        stale: ServiceError,
    ) -> Result<(), ServiceError> {
        let Some(index) = self
            .store
            .resolve_hinted(&r.task_token.execution, r.task_token.run_hint)
        else {
            return Err(stale);
        };
        let run = self.store.at_mut(index);
        let first_completion = run.history().iter().find_map(|e| match &e.attributes {
            EventAttributes::ActivityTaskCompleted {
                scheduled_event_id,
                started_event_id,
                ..
            } if *scheduled_event_id == r.task_token.scheduled_event_id => Some(*started_event_id),
            _ => None,
        });
        let Some(started_event_id) = first_completion.filter(|_| run.status.is_running()) else {
            return Err(stale);
        };
        let completed = EventAttributes::ActivityTaskCompleted {
            result: r.result,
            scheduled_event_id: r.task_token.scheduled_event_id,
            started_event_id,
            identity: r.identity,
        };
        run.add_new_event(now, completed, fx);
        self.store.commit(index);
        Ok(())
    }
}
