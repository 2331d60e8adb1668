//! The library workflows driven end to end by a tiny in-test service loop
//! (no faults): each reaches its documented result, and its history
//! replays to the same result with no new commands.

mod worker_support;

use serde_json::json;
use std::rc::Rc;
use tempest::model::*;
use tempest::service::api::*;
use tempest::worker::{execute_activity, replay, ActivityOutcome, WorkflowWorker};
use tempest::workflow::Registry;
use worker_support::*;

/// Runs `workflow_type` to its end, answering each task with `worker`
/// (sticky partial histories when `sticky`, full histories otherwise) and
/// running activities at once, retrying retryable failures. Returns the history.
fn drive(workflow_type: &str, input: serde_json::Value, sticky: bool) -> Vec<Event> {
    let registry = Rc::new(Registry::library());
    let mut worker = WorkflowWorker::new("w1", registry.clone(), if sticky { 4 } else { 0 });
    let mut h = HistoryBuilder::start(workflow_type, input);
    let mut first_new = 1;
    for _ in 0..50 {
        h.wft_started();
        let commands =
            completed_commands(worker.process(&h.task(if sticky { first_new } else { 1 })));
        first_new = h.wft_completed();
        let mut activities = Vec::new();
        let mut timers = Vec::new();
        for command in commands {
            match command {
                Command::ScheduleActivityTask(a) => {
                    let id = h.activity_scheduled(
                        a.activity_id.as_str(),
                        a.activity_type.as_str(),
                        a.input.clone(),
                    );
                    activities.push((id, a));
                }
                Command::StartTimer {
                    timer_id,
                    start_to_fire_timeout,
                } => {
                    timers.push((
                        h.timer_started(timer_id.as_str(), start_to_fire_timeout),
                        timer_id,
                    ));
                }
                Command::RecordMarker {
                    marker_name,
                    details,
                    ..
                } => {
                    h.marker(&marker_name, details);
                }
                Command::CompleteWorkflowExecution { result } => {
                    h.workflow_completed(result);
                    return h.events();
                }
                Command::FailWorkflowExecution { failure } => {
                    h.push(EventAttributes::WorkflowExecutionFailed {
                        failure,
                        retry_state: RetryState::RetryPolicyNotSet,
                        workflow_task_completed_event_id: first_new,
                        new_execution_run_id: None,
                    });
                    return h.events();
                }
                other => panic!("the test loop does not handle {other:?}"),
            }
        }
        for (scheduled_event_id, a) in activities {
            let mut attempt = 1;
            loop {
                let task = PollActivityTaskQueueResponse {
                    task_token: ActivityTaskToken {
                        execution: execution(),
                        run_hint: 0,
                        scheduled_event_id,
                        attempt,
                    },
                    workflow_execution: execution(),
                    workflow_type: WorkflowType::new(workflow_type),
                    activity_id: a.activity_id.clone(),
                    activity_type: a.activity_type.clone(),
                    input: a.input.clone(),
                    attempt,
                    scheduled_time: SimTime::START,
                    started_time: SimTime::START,
                    schedule_to_close_timeout: a.schedule_to_close_timeout,
                    start_to_close_timeout: a.start_to_close_timeout,
                    heartbeat_timeout: None,
                    heartbeat_details: None,
                };
                match execute_activity(&registry, &task) {
                    ActivityOutcome::Completed(result) => {
                        h.activity_completed(scheduled_event_id, result);
                        break;
                    }
                    ActivityOutcome::Failed(failure)
                        if failure.is_non_retryable() || attempt == 10 =>
                    {
                        h.activity_failed(scheduled_event_id, failure);
                        break;
                    }
                    ActivityOutcome::Failed(_) => attempt += 1,
                }
            }
        }
        for (started_event_id, timer_id) in timers {
            h.timer_fired(timer_id.as_str(), started_event_id);
        }
        h.wft_scheduled(1);
    }
    panic!("{workflow_type} did not finish in 50 workflow tasks")
}

/// The closing event's attributes, after checking the history replays to the same end.
fn closing_after_replay(history: &[Event]) -> EventAttributes {
    let outcome = replay(&Registry::library(), history).expect("the driven history replays");
    assert!(outcome.commands.is_empty());
    let closing = history.last().unwrap().attributes.clone();
    match (&closing, &outcome.result) {
        (EventAttributes::WorkflowExecutionCompleted { result, .. }, Some(Ok(replayed))) => {
            assert_eq!(result, replayed)
        }
        (
            EventAttributes::WorkflowExecutionFailed { failure, .. },
            Some(Err(tempest::workflow::WfExit::Failed(f))),
        ) => {
            assert_eq!(failure, f)
        }
        other => panic!("replay ended differently: {other:?}"),
    }
    closing
}

fn completed_result(closing: &EventAttributes) -> serde_json::Value {
    match closing {
        EventAttributes::WorkflowExecutionCompleted { result, .. } => result.value().clone(),
        other => panic!("expected completion, got {other:?}"),
    }
}

#[test]
fn two_activities_completes_with_both_suffixes_sticky_or_not() {
    for sticky in [true, false] {
        let history = drive("two_activities", json!("Alice"), sticky);
        assert_eq!(history.len(), 17);
        assert_eq!(
            completed_result(&closing_after_replay(&history)),
            json!("Alice A B")
        );
    }
}

#[test]
fn saga_without_failure_completes_every_step() {
    let history = drive("saga", json!({"steps": 3}), true);
    assert_eq!(
        completed_result(&closing_after_replay(&history)),
        json!(["step0 done", "step1 done", "step2 done"])
    );
}

#[test]
fn saga_with_a_failing_step_compensates_in_reverse_and_fails() {
    let history = drive("saga", json!({"steps": 3, "fail_at": 2}), true);
    let EventAttributes::WorkflowExecutionFailed { failure, .. } = closing_after_replay(&history)
    else {
        panic!("saga must fail")
    };
    assert_eq!(failure.application_type(), Some("SagaFailed"));
    let FailureInfo::Application {
        details: Some(details),
        ..
    } = &failure.info
    else {
        panic!("{failure:?}")
    };
    assert_eq!(details.value(), &json!(["step1 undone", "step0 undone"]));
}

#[test]
fn sleep_for_completes_after_its_timer() {
    let history = drive("sleep_for", json!("10s"), false);
    assert!(history
        .iter()
        .any(|e| e.event_type() == EventType::TimerFired));
    assert_eq!(
        completed_result(&closing_after_replay(&history)),
        json!("10s")
    );
}

#[test]
fn cancellable_without_cancel_request_completes_its_iterations() {
    let history = drive("cancellable", json!({"iterations": 4}), true);
    assert_eq!(completed_result(&closing_after_replay(&history)), json!(4));
}
