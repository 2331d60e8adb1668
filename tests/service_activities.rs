//! Activities and timers: late ActivityTaskStarted (rule 8), retries with
//! backoff, timeouts, heartbeats, cancellation, stale tokens; user timers.

mod service_support;

use service_support::*;
use tempest::model::*;
use tempest::service::api::*;
use tempest::service::Service;
use EventType as E;

/// Starts a run and completes its first task with `commands`.
fn run_with(h: &mut Harness, commands: Vec<Command>) -> WorkflowExecution {
    let run = h.start("w");
    let task = h.poll_workflow_task();
    h.complete_workflow_task(&task.task_token, commands);
    run
}

/// The event at `event_id`.
fn event(h: &Harness, run: &WorkflowExecution, event_id: usize) -> Event {
    h.history(run)[event_id - 1].clone()
}

#[test]
fn retried_activity_writes_one_started_event_with_last_attempt_and_failure() {
    let mut h = Harness::default();
    let run = run_with(&mut h, vec![schedule_activity("a")]);
    let first = h.poll_activity_task().unwrap();
    h.fail_activity(&first.task_token, Failure::application("Boom", "first"));
    assert_eq!(h.history(&run).len(), 5, "a retried failure writes nothing");
    assert!(
        h.poll_activity_task().is_none(),
        "no attempt during the backoff"
    );
    let answered = h.advance(secs(1));
    let [(_, Response::PollActivityTaskQueue(Some(second)))] = answered.as_slice() else {
        panic!("the parked poll gets attempt 2 when the backoff ends: {answered:?}");
    };
    assert_eq!(second.attempt, 2);
    h.complete_activity(&second.task_token, Payload::from("ok"));
    let history = h.history(&run);
    assert_eq!(
        history[4..]
            .iter()
            .map(Event::event_type)
            .collect::<Vec<_>>(),
        [
            E::ActivityTaskScheduled,
            E::ActivityTaskStarted,
            E::ActivityTaskCompleted,
            E::WorkflowTaskScheduled
        ]
    );
    let EventAttributes::ActivityTaskStarted {
        attempt,
        last_failure,
        ..
    } = &history[5].attributes
    else {
        panic!("expected ActivityTaskStarted");
    };
    assert_eq!(*attempt, 2);
    assert_eq!(
        last_failure.as_ref().map(|f| f.message.as_str()),
        Some("first")
    );
}

#[test]
fn stale_activity_token_after_retry_is_rejected() {
    let mut h = Harness::default();
    let run = run_with(&mut h, vec![schedule_activity("a")]);
    let first = h.poll_activity_task().unwrap();
    h.advance(secs(10));
    let late = h.complete_activity(&first.task_token, Payload::from("late"));
    assert!(matches!(
        error_of(&late),
        Some(ServiceError::TaskNotFound(_))
    ));
    assert_eq!(h.history(&run).len(), 5);
    assert_eq!(h.describe(&run).pending_activities[0].attempt, 2);
}

#[test]
fn non_retryable_failure_is_final() {
    let mut h = Harness::default();
    let run = run_with(&mut h, vec![schedule_activity("a")]);
    let task = h.poll_activity_task().unwrap();
    h.fail_activity(&task.task_token, Failure::non_retryable("Fatal", "no"));
    let history = h.history(&run);
    assert!(matches!(
        history[6].attributes,
        EventAttributes::ActivityTaskFailed {
            retry_state: RetryState::NonRetryableFailure,
            started_event_id: 6,
            ..
        }
    ));
}

#[test]
fn maximum_attempts_stop_retries_after_start_to_close_timeouts() {
    let mut h = Harness::default();
    let policy = RetryPolicy {
        maximum_attempts: 2,
        ..RetryPolicy::default()
    };
    let run = run_with(
        &mut h,
        vec![schedule_activity_with("a", |a| {
            a.retry_policy = Some(policy)
        })],
    );
    h.poll_activity_task().unwrap();
    h.advance(secs(10));
    h.advance(secs(1));
    let second = h.poll_activity_task().unwrap();
    assert_eq!(second.attempt, 2);
    h.advance(secs(10));
    let EventAttributes::ActivityTaskTimedOut {
        failure,
        retry_state,
        ..
    } = event(&h, &run, 7).attributes
    else {
        panic!("expected ActivityTaskTimedOut, got {:?}", h.types(&run));
    };
    assert_eq!(retry_state, RetryState::MaximumAttemptsReached);
    assert_eq!(failure.timeout_type(), Some(TimeoutType::StartToClose));
}

#[test]
fn schedule_to_close_timeout_ends_retries() {
    let mut h = Harness::default();
    let run = run_with(
        &mut h,
        vec![schedule_activity_with("a", |a| {
            a.schedule_to_close_timeout = Some(secs(5))
        })],
    );
    let task = h.poll_activity_task().unwrap();
    h.fail_activity(&task.task_token, Failure::application("Boom", "x"));
    h.advance(secs(1));
    h.poll_activity_task().unwrap();
    h.advance(secs(4));
    let EventAttributes::ActivityTaskTimedOut {
        failure,
        retry_state,
        ..
    } = event(&h, &run, 7).attributes
    else {
        panic!("expected ActivityTaskTimedOut, got {:?}", h.types(&run));
    };
    assert_eq!(failure.timeout_type(), Some(TimeoutType::ScheduleToClose));
    assert_eq!(retry_state, RetryState::Timeout);
    assert_eq!(
        h.types(&run)[5..7],
        [E::ActivityTaskStarted, E::ActivityTaskTimedOut]
    );
}

#[test]
fn schedule_to_start_timeout_is_final_without_started_event() {
    let mut h = Harness::default();
    let run = run_with(
        &mut h,
        vec![schedule_activity_with("a", |a| {
            a.schedule_to_start_timeout = Some(secs(3))
        })],
    );
    h.advance(secs(3));
    assert_eq!(
        h.types(&run)[5..],
        [E::ActivityTaskTimedOut, E::WorkflowTaskScheduled]
    );
    assert!(matches!(
        h.history(&run)[5].attributes,
        EventAttributes::ActivityTaskTimedOut {
            started_event_id: 0,
            retry_state: RetryState::Timeout,
            ..
        }
    ));
}

#[test]
fn heartbeats_keep_an_attempt_alive_and_missing_ones_time_it_out() {
    let mut h = Harness::default();
    let run = run_with(
        &mut h,
        vec![schedule_activity_with("a", |a| {
            a.heartbeat_timeout = Some(secs(2))
        })],
    );
    let task = h.poll_activity_task().unwrap();
    for _ in 0..3 {
        h.advance(secs(1));
        let response = h.heartbeat(&task.task_token, Payload::from("progress"));
        assert_eq!(
            response,
            Response::RecordActivityTaskHeartbeat(RecordActivityTaskHeartbeatResponse {
                cancel_requested: false
            })
        );
    }
    h.advance(secs(2));
    let retry = h.describe(&run).pending_activities[0].clone();
    assert_eq!(retry.attempt, 2, "the missed heartbeat failed attempt 1");
    assert_eq!(
        retry.last_heartbeat_details,
        Some(Payload::from("progress"))
    );
    h.advance(secs(1));
    let next = h.poll_activity_task().unwrap();
    assert_eq!(next.heartbeat_details, Some(Payload::from("progress")));
}

#[test]
fn cancel_of_started_activity_is_reported_on_heartbeat_then_canceled() {
    let mut h = Harness::default();
    let run = run_with(&mut h, vec![schedule_activity("a")]);
    let activity = h.poll_activity_task().unwrap();
    h.signal(&run, "stop", "sig-1");
    let task = h.poll_workflow_task();
    h.complete_workflow_task(
        &task.task_token,
        vec![Command::RequestCancelActivityTask {
            scheduled_event_id: 5,
        }],
    );
    assert_eq!(h.types(&run).last(), Some(&E::ActivityTaskCancelRequested));
    let response = h.heartbeat(&activity.task_token, Payload::null());
    assert_eq!(
        response,
        Response::RecordActivityTaskHeartbeat(RecordActivityTaskHeartbeatResponse {
            cancel_requested: true
        })
    );
    h.call(Request::RespondActivityTaskCanceled(
        RespondActivityTaskCanceledRequest {
            task_token: activity.task_token.clone(),
            details: None,
            identity: "activity-worker".into(),
        },
    ));
    let history = h.history(&run);
    assert!(
        matches!(
            history[11].attributes,
            EventAttributes::ActivityTaskCanceled {
                latest_cancel_requested_event_id: 10,
                scheduled_event_id: 5,
                started_event_id: 11,
                ..
            }
        ),
        "{:?}",
        history[11]
    );
}

#[test]
fn cancel_of_queued_activity_cancels_at_once_and_schedules_a_task() {
    let mut h = Harness::default();
    let run = run_with(
        &mut h,
        vec![schedule_activity("a"), start_timer("t", secs(1))],
    );
    h.advance(secs(1));
    let task = h.poll_workflow_task();
    h.complete_workflow_task(
        &task.task_token,
        vec![Command::RequestCancelActivityTask {
            scheduled_event_id: 5,
        }],
    );
    assert_eq!(
        h.types(&run)[10..],
        [
            E::ActivityTaskCancelRequested,
            E::ActivityTaskCanceled,
            E::WorkflowTaskScheduled
        ]
    );
    assert!(
        h.poll_activity_task().is_none(),
        "the canceled attempt is never dispatched"
    );
}

#[test]
fn timer_fires_no_earlier_than_its_duration() {
    let mut h = Harness::default();
    let run = run_with(&mut h, vec![start_timer("t", secs(30))]);
    h.advance(Duration::from_nanos(29_999_999_999));
    assert_eq!(h.types(&run).last(), Some(&E::TimerStarted));
    h.advance(Duration::from_nanos(1));
    assert_eq!(
        h.types(&run)[5..],
        [E::TimerFired, E::WorkflowTaskScheduled]
    );
}

#[test]
fn canceled_timer_never_fires() {
    let mut h = Harness::default();
    let run = run_with(
        &mut h,
        vec![start_timer("t", secs(30)), start_timer("u", secs(1))],
    );
    h.advance(secs(1));
    let task = h.poll_workflow_task();
    h.complete_workflow_task(
        &task.task_token,
        vec![Command::CancelTimer {
            timer_id: TimerId::new("t"),
        }],
    );
    h.advance(secs(60));
    let types = h.types(&run);
    assert_eq!(types.last(), Some(&E::TimerCanceled));
    assert_eq!(types.iter().filter(|t| **t == E::TimerFired).count(), 1);
}

#[test]
fn next_deadline_is_the_earliest_pending_action() {
    let mut h = Harness::default();
    run_with(&mut h, vec![start_timer("t", secs(30))]);
    let service: &Service = &h.service;
    assert_eq!(
        service.next_deadline(),
        Some(h.now + secs(10)),
        "the finished task's timeout entry is first, moot"
    );
    h.advance(secs(10));
    assert_eq!(h.service.next_deadline(), Some(SimTime::START + secs(30)));
}

#[test]
fn failure_after_cancel_request_is_final_with_cancel_requested() {
    let mut h = Harness::default();
    let run = run_with(
        &mut h,
        vec![schedule_activity("a"), start_timer("t", secs(1))],
    );
    let activity = h.poll_activity_task().unwrap();
    h.advance(secs(1));
    let task = h.poll_workflow_task();
    h.complete_workflow_task(
        &task.task_token,
        vec![Command::RequestCancelActivityTask {
            scheduled_event_id: 5,
        }],
    );
    h.fail_activity(&activity.task_token, Failure::application("Boom", "x"));
    let history = h.history(&run);
    assert!(matches!(
        history[history.len() - 2].attributes,
        EventAttributes::ActivityTaskFailed {
            retry_state: RetryState::CancelRequested,
            ..
        }
    ));
}

#[test]
fn second_cancel_request_for_an_activity_fails_the_task() {
    let mut h = Harness::default();
    let run = run_with(
        &mut h,
        vec![schedule_activity("a"), start_timer("t", secs(1))],
    );
    h.poll_activity_task().unwrap();
    h.advance(secs(1));
    let task = h.poll_workflow_task();
    let cancel = Command::RequestCancelActivityTask {
        scheduled_event_id: 5,
    };
    h.complete_workflow_task(&task.task_token, vec![cancel.clone(), cancel]);
    assert_eq!(h.types(&run)[9], E::WorkflowTaskFailed);
    assert!(!h.describe(&run).pending_activities[0].cancel_requested);
}
