//! Replay of hand-built histories: matching, nondeterminism, markers,
//! random numbers, and robustness against malformed histories.

mod worker_support;

use std::cell::Cell;
use std::collections::BTreeMap;
use std::rc::Rc;
use tempest::model::*;
use tempest::worker::{replay, ReplayError, WorkflowWorker};
use tempest::workflow::library::two_activities_changed;
use tempest::workflow::{Registry, WfContext, WfResult};
use worker_support::*;

/// A complete, recorded two_activities history on input "Alice" (17 events).
fn two_activities_history() -> Vec<Event> {
    let mut h = HistoryBuilder::start("two_activities", "Alice");
    h.wft_started_completed();
    let a = h.activity_scheduled("1", "activity_a", "Alice");
    h.activity_completed(a, "Alice A");
    h.wft();
    let b = h.activity_scheduled("2", "activity_b", "Alice A");
    h.activity_completed(b, "Alice A B");
    h.wft();
    h.workflow_completed("Alice A B");
    assert_eq!(h.last_id(), 17);
    h.events()
}

#[test]
fn full_replay_of_completed_two_activities_gives_same_result_and_no_new_commands() {
    let outcome = replay(&Registry::library(), &two_activities_history()).expect("replays");
    assert!(outcome.commands.is_empty());
    assert_eq!(outcome.result, Some(Ok(Payload::from("Alice A B"))));
}

#[test]
fn changed_definition_reports_nondeterminism_at_the_activity_scheduled_event() {
    let mut registry = Registry::new();
    registry.register_workflow("two_activities", two_activities_changed);
    let error = replay(&registry, &two_activities_history()).unwrap_err();
    let ReplayError::Nondeterminism {
        event_id,
        event_type,
        expected,
        produced,
    } = &error
    else {
        panic!("expected nondeterminism, got {error}");
    };
    assert_eq!(
        (*event_id, *event_type),
        (5, EventType::ActivityTaskScheduled)
    );
    assert!(expected.contains("activity_a"), "{expected}");
    assert!(produced.contains("activity_b"), "{produced}");
    assert!(error.to_string().contains("event 5"), "{error}");
}

#[test]
fn worker_fails_task_with_nondeterminism_cause_when_code_changed() {
    let mut registry = Registry::new();
    registry.register_workflow("two_activities", two_activities_changed);
    let mut worker = WorkflowWorker::new("w", Rc::new(registry), 4);
    let mut h = HistoryBuilder::start("two_activities", "Alice");
    h.wft_started_completed();
    let a = h.activity_scheduled("1", "activity_a", "Alice");
    h.activity_completed(a, "Alice A");
    h.wft_scheduled(1);
    h.wft_started();
    let failed = failed_task(worker.process(&h.task(1)));
    assert_eq!(failed.cause, WorkflowTaskFailedCause::NonDeterministicError);
    assert!(
        failed
            .failure
            .message
            .contains("event 5 (ActivityTaskScheduled)"),
        "{}",
        failed.failure.message
    );
    assert_eq!(worker.cache_len(), 0);
}

#[test]
fn recorded_command_the_code_no_longer_produces_is_nondeterminism() {
    let mut h = HistoryBuilder::start("two_activities", "Alice");
    h.wft_started_completed();
    h.activity_scheduled("1", "activity_a", "Alice");
    h.timer_started("1", secs(5));
    let error = replay(&Registry::library(), &h.events()).unwrap_err();
    assert!(
        matches!(
            error,
            ReplayError::Nondeterminism {
                event_id: 6,
                event_type: EventType::TimerStarted,
                ..
            }
        ),
        "{error}"
    );
}

#[test]
fn command_missing_from_a_completed_task_is_nondeterminism() {
    let mut h = HistoryBuilder::start("two_activities", "Alice");
    h.wft_started_completed();
    h.signal("ignored", Payload::null());
    let error = replay(&Registry::library(), &h.events()).unwrap_err();
    let ReplayError::Nondeterminism {
        event_id, produced, ..
    } = &error
    else {
        panic!("{error}")
    };
    assert_eq!(*event_id, 5);
    assert!(produced.contains("activity_a"), "{produced}");
}

#[test]
fn partial_history_ending_at_a_started_task_returns_its_new_commands() {
    let mut h = HistoryBuilder::start("two_activities", "Alice");
    h.wft_started_completed();
    let a = h.activity_scheduled("1", "activity_a", "Alice");
    h.activity_completed(a, "Alice A");
    h.wft_scheduled(1);
    h.wft_started();
    let outcome = replay(&Registry::library(), &h.events()).unwrap();
    assert_eq!(outcome.commands.len(), 1);
    assert_eq!(scheduled_activity(&outcome.commands[0]).0, "activity_b");
    assert_eq!(outcome.result, None);
}

fn side_effect_workflow(
    calls: Rc<Cell<i64>>,
) -> impl Fn(WfContext, Payload) -> std::pin::Pin<Box<dyn std::future::Future<Output = WfResult>>> {
    move |ctx, _input| {
        let calls = calls.clone();
        Box::pin(async move {
            let value = ctx.side_effect(|| {
                calls.set(calls.get() + 1);
                Payload::from(7)
            });
            Ok(value)
        })
    }
}

#[test]
fn side_effect_on_replay_returns_the_recorded_value_without_running() {
    let calls = Rc::new(Cell::new(0));
    let mut registry = Registry::new();
    registry.register_workflow("side", side_effect_workflow(calls.clone()));
    let mut h = HistoryBuilder::start("side", Payload::null());
    h.wft_started_completed();
    let details = BTreeMap::from([
        ("data".to_owned(), Payload::from(42)),
        ("seq".to_owned(), Payload::from(1)),
    ]);
    h.marker("SideEffect", details);
    h.workflow_completed(42);
    let outcome = replay(&registry, &h.events()).unwrap();
    assert_eq!(outcome.result, Some(Ok(Payload::from(42))));
    assert_eq!(calls.get(), 0);
}

#[test]
fn side_effect_when_fresh_runs_once_and_records_a_marker() {
    let calls = Rc::new(Cell::new(0));
    let mut registry = Registry::new();
    registry.register_workflow("side", side_effect_workflow(calls.clone()));
    let mut h = HistoryBuilder::start("side", Payload::null());
    h.wft_started();
    let outcome = replay(&registry, &h.events()).unwrap();
    assert_eq!(calls.get(), 1);
    match &outcome.commands[..] {
        [Command::RecordMarker {
            marker_name,
            details,
            ..
        }, Command::CompleteWorkflowExecution { result }] => {
            assert_eq!(marker_name, "SideEffect");
            assert_eq!(details["data"], Payload::from(7));
            assert_eq!(*result, Payload::from(7));
        }
        other => panic!("unexpected commands {other:?}"),
    }
}

async fn random_workflow(ctx: WfContext, _input: Payload) -> WfResult {
    let first = ctx.random();
    ctx.sleep(secs(1)).await?;
    let second = ctx.random();
    Ok(Payload::new(serde_json::json!([
        first.to_string(),
        second.to_string()
    ])))
}

#[test]
fn random_is_identical_on_replay() {
    let mut registry = Registry::new();
    registry.register_workflow("random", random_workflow);
    let mut h = HistoryBuilder::start("random", Payload::null());
    h.wft_started_completed();
    let t = h.timer_started("1", secs(1));
    h.timer_fired("1", t);
    h.wft_scheduled(1);
    h.wft_started();
    let fresh = replay(&registry, &h.events()).unwrap();
    let Some(Ok(values)) = fresh.result.clone() else {
        panic!("{fresh:?}")
    };
    h.wft_completed();
    h.workflow_completed(values.clone());
    let replayed = replay(&registry, &h.events()).unwrap();
    assert_eq!(replayed.result, Some(Ok(values.clone())));
    assert_ne!(values.value()[0], values.value()[1]);
}

#[test]
fn unknown_workflow_type_is_reported() {
    let mut h = HistoryBuilder::start("nope", Payload::null());
    h.wft_started();
    assert_eq!(
        replay(&Registry::library(), &h.events()),
        Err(ReplayError::UnknownWorkflowType(WorkflowType::new("nope")))
    );
}

#[test]
fn malformed_histories_are_errors_not_panics() {
    let registry = Registry::library();
    assert!(matches!(
        replay(&registry, &[]),
        Err(ReplayError::MalformedHistory(_))
    ));
    let mut events = two_activities_history();
    events.remove(7);
    assert!(matches!(
        replay(&registry, &events),
        Err(ReplayError::MalformedHistory(_))
    ));
    let events = two_activities_history();
    assert!(matches!(
        replay(&registry, &events[1..]),
        Err(ReplayError::MalformedHistory(_))
    ));
    let mut h = HistoryBuilder::start("two_activities", "Alice");
    h.wft_started_completed();
    h.activity_scheduled("1", "activity_a", "Alice");
    h.activity_completed(99, "x");
    assert!(matches!(
        replay(&registry, &h.events()),
        Err(ReplayError::MalformedHistory(_))
    ));
}

#[test]
fn failed_activity_reaches_code_wrapped_in_an_activity_failure() {
    let mut h = HistoryBuilder::start("saga", serde_json::json!({"steps": 1, "fail_at": 0}));
    h.wft_started_completed();
    let s = h.activity_scheduled("1", "saga_step", Payload::null());
    h.activity_failed(s, Failure::non_retryable("StepFailed", "step0 failed"));
    h.wft_scheduled(1);
    h.wft_started();
    let outcome = replay(&Registry::library(), &h.events()).unwrap();
    let [Command::FailWorkflowExecution { failure }] = &outcome.commands[..] else {
        panic!("{outcome:?}")
    };
    assert_eq!(failure.application_type(), Some("SagaFailed"));
    let cause = failure.cause.as_deref().unwrap();
    assert!(
        matches!(
            cause.info,
            FailureInfo::Activity {
                scheduled_event_id: 5,
                ..
            }
        ),
        "{cause:?}"
    );
    assert_eq!(
        cause.cause.as_deref().unwrap().application_type(),
        Some("StepFailed")
    );
}

mod mutated_histories {
    use super::*;
    use proptest::prelude::*;

    /// One way of damaging a history.
    #[derive(Debug, Clone)]
    enum Damage {
        Drop(usize),
        Swap(usize, usize),
        /// Gives event `.0` the attributes of event `.1`.
        CopyAttributes(usize, usize),
        Truncate(usize),
    }

    fn damage() -> impl Strategy<Value = Damage> {
        prop_oneof![
            (0..17usize).prop_map(Damage::Drop),
            (0..17usize, 0..17usize).prop_map(|(a, b)| Damage::Swap(a, b)),
            (0..17usize, 0..17usize).prop_map(|(a, b)| Damage::CopyAttributes(a, b)),
            (0..17usize).prop_map(Damage::Truncate),
        ]
    }

    proptest! {
        #[test]
        fn replay_never_panics_on_damaged_histories(damages in proptest::collection::vec(damage(), 1..4), renumber: bool) {
            let mut events = two_activities_history();
            for d in damages {
                let n = events.len();
                if n == 0 { break; }
                match d {
                    Damage::Drop(i) => { events.remove(i % n); }
                    Damage::Swap(a, b) => events.swap(a % n, b % n),
                    Damage::CopyAttributes(a, b) => events[a % n].attributes = events[b % n].attributes.clone(),
                    Damage::Truncate(i) => events.truncate(i % n),
                }
            }
            if renumber {
                for (i, e) in events.iter_mut().enumerate() { e.event_id = i as i64 + 1; }
            }
            let _ = replay(&Registry::library(), &events);
        }
    }
}

#[test]
fn canceled_activity_and_timer_histories_replay_to_the_canceled_end() {
    let mut h = HistoryBuilder::start("cancellable", serde_json::json!({"iterations": 3}));
    h.wft_started_completed();
    let t = h.timer_started("1", secs(1));
    h.timer_fired("1", t);
    h.wft();
    let a = h.activity_scheduled("1", "echo", 1);
    h.cancel_requested();
    h.wft();
    let wtc = h.last_id();
    h.push(EventAttributes::ActivityTaskCancelRequested {
        scheduled_event_id: a,
        workflow_task_completed_event_id: wtc,
    });
    h.push(EventAttributes::WorkflowExecutionCanceled {
        workflow_task_completed_event_id: wtc,
        details: None,
    });
    let outcome = replay(&Registry::library(), &h.events()).unwrap();
    assert!(outcome.commands.is_empty());
    assert_eq!(
        outcome.result,
        Some(Err(tempest::workflow::WfExit::Canceled))
    );
}

#[test]
fn activity_canceled_before_start_inside_the_command_batch_replays() {
    // What the Service writes when an unstarted activity is canceled: its
    // ActivityTaskCanceled (started 0) sits between the task's commands.
    let mut h = HistoryBuilder::start("cancellable", serde_json::json!({"iterations": 3}));
    h.wft_started_completed();
    let t = h.timer_started("1", secs(1));
    h.timer_fired("1", t);
    h.wft();
    let a = h.activity_scheduled("1", "echo", 1);
    h.cancel_requested();
    h.wft();
    let wtc = h.last_id();
    let requested = h.push(EventAttributes::ActivityTaskCancelRequested {
        scheduled_event_id: a,
        workflow_task_completed_event_id: wtc,
    });
    h.push(EventAttributes::ActivityTaskCanceled {
        details: None,
        latest_cancel_requested_event_id: requested,
        scheduled_event_id: a,
        started_event_id: 0,
        identity: "".into(),
    });
    h.push(EventAttributes::WorkflowExecutionCanceled {
        workflow_task_completed_event_id: wtc,
        details: None,
    });
    let outcome = replay(&Registry::library(), &h.events()).unwrap();
    assert_eq!(
        outcome.result,
        Some(Err(tempest::workflow::WfExit::Canceled))
    );
}

async fn cancels_then_sleeps(ctx: WfContext, _input: Payload) -> WfResult {
    let activity = ctx.activity("echo", 1).start();
    ctx.sleep(secs(1)).await?;
    activity.cancel();
    let canceled = activity.await.is_err();
    ctx.sleep(secs(1)).await?;
    Ok(Payload::from(i64::from(canceled)))
}

#[test]
fn activity_outcome_after_a_cancel_request_is_accepted_silently() {
    let mut registry = Registry::new();
    registry.register_workflow("cancels_then_sleeps", cancels_then_sleeps);
    let outcomes = |a: i64| {
        [
            EventAttributes::ActivityTaskCanceled {
                details: None,
                latest_cancel_requested_event_id: a + 6,
                scheduled_event_id: a,
                started_event_id: 0,
                identity: "server".into(),
            },
            EventAttributes::ActivityTaskCompleted {
                result: Payload::from(1),
                scheduled_event_id: a,
                started_event_id: 0,
                identity: "worker".into(),
            },
        ]
    };
    for outcome_index in 0..2 {
        let mut h = HistoryBuilder::start("cancels_then_sleeps", Payload::null());
        h.wft_started_completed();
        let a = h.activity_scheduled("1", "echo", 1);
        let t = h.timer_started("1", secs(1));
        h.timer_fired("1", t);
        let wtc = h.wft();
        h.push(EventAttributes::ActivityTaskCancelRequested {
            scheduled_event_id: a,
            workflow_task_completed_event_id: wtc,
        });
        let t2 = h.timer_started("2", secs(1));
        h.push(outcomes(a)[outcome_index].clone());
        h.timer_fired("2", t2);
        h.wft();
        h.workflow_completed(1);
        let outcome = replay(&registry, &h.events()).unwrap();
        assert!(outcome.commands.is_empty());
        assert_eq!(outcome.result, Some(Ok(Payload::from(1))));
    }
}
