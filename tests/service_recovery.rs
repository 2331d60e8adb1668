//! Restarting the Service from its Store: nothing committed is lost or
//! duplicated, and queues, deadlines and timers are rebuilt.

mod service_support;

use service_support::*;
use tempest::model::*;
use EventType as E;

/// Runs the two-activity workflow, restarting the Service after `crash_after` steps.
fn two_activities_with_restart(crash_after: usize) -> (Harness, WorkflowExecution) {
    let mut h = Harness::default();
    let mut step = 0;
    let mut maybe_restart = |h: &mut Harness| {
        step += 1;
        if step == crash_after {
            h.restart();
        }
    };
    let run = h.start("two");
    maybe_restart(&mut h);
    let task = h.poll_workflow_task();
    maybe_restart(&mut h);
    h.complete_workflow_task(&task.task_token, vec![schedule_activity("a")]);
    maybe_restart(&mut h);
    let activity = h.poll_activity_task().unwrap();
    maybe_restart(&mut h);
    h.complete_activity(&activity.task_token, Payload::from("ra"));
    maybe_restart(&mut h);
    let task = h.poll_workflow_task();
    maybe_restart(&mut h);
    h.complete_workflow_task(&task.task_token, vec![schedule_activity("b")]);
    maybe_restart(&mut h);
    let activity = h.poll_activity_task().unwrap();
    maybe_restart(&mut h);
    h.complete_activity(&activity.task_token, Payload::from("rb"));
    maybe_restart(&mut h);
    let task = h.poll_workflow_task();
    maybe_restart(&mut h);
    h.complete_workflow_task(&task.task_token, vec![complete_workflow("done")]);
    (h, run)
}

#[test]
fn restart_at_any_step_of_two_activities_changes_nothing() {
    let (reference, run) = two_activities_with_restart(0);
    for crash_after in 1..=10 {
        let (h, restarted_run) = two_activities_with_restart(crash_after);
        assert_eq!(restarted_run, run);
        assert_eq!(
            h.history(&run),
            reference.history(&run),
            "restart after step {crash_after}"
        );
        assert_eq!(h.transitions(&run), 11, "restart after step {crash_after}");
    }
}

#[test]
fn timers_and_activity_timeouts_fire_after_restart() {
    let mut h = Harness::default();
    let run = h.start("w");
    let task = h.poll_workflow_task();
    h.complete_workflow_task(
        &task.task_token,
        vec![schedule_activity("a"), start_timer("t", secs(30))],
    );
    h.poll_activity_task().unwrap();
    h.restart();
    h.advance(secs(10));
    assert_eq!(
        h.describe(&run).pending_activities[0].attempt,
        2,
        "start-to-close fired after the restart"
    );
    h.advance(secs(20));
    assert_eq!(
        h.types(&run)[6..],
        [E::TimerFired, E::WorkflowTaskScheduled]
    );
}

#[test]
fn buffered_events_survive_restart() {
    let mut h = Harness::default();
    let run = h.start("w");
    let task = h.poll_workflow_task();
    h.signal(&run, "s", "sig-1");
    h.restart();
    h.complete_workflow_task(&task.task_token, vec![]);
    assert_eq!(
        h.types(&run)[3..],
        [
            E::WorkflowTaskCompleted,
            E::WorkflowExecutionSignaled,
            E::WorkflowTaskScheduled
        ]
    );
}

#[test]
fn dedup_survives_restart() {
    let mut h = Harness::default();
    let run = h.start("w");
    h.signal(&run, "s", "sig-1");
    h.restart();
    assert_eq!(h.start("w"), run);
    h.signal(&run, "s", "sig-1");
    let signals = h
        .types(&run)
        .into_iter()
        .filter(|t| *t == E::WorkflowExecutionSignaled)
        .count();
    assert_eq!(signals, 1);
    assert_eq!(h.service.store().runs().count(), 1);
}

#[test]
fn sticky_task_moves_to_normal_queue_with_full_history_after_restart() {
    let mut h = Harness::default();
    let run = h.start("w");
    let task = h.poll_workflow_task();
    h.complete_workflow_task_sticky(&task.task_token, vec![], Some("sticky-1"));
    h.signal(&run, "s", "sig-1");
    h.restart();
    assert!(h.poll_workflow_task_on("sticky-1").is_none());
    let task = h.poll_workflow_task();
    assert_eq!(task.first_event_id, 1);
    assert_eq!(task.history[..], h.history(&run)[..]);
}

#[test]
fn parked_polls_are_lost_in_a_crash() {
    let mut h = Harness::default();
    assert!(h.poll_workflow_task_on(QUEUE).is_none());
    h.restart();
    let run = h.start("w");
    assert!(h.other_responses.is_empty());
    assert_eq!(h.poll_workflow_task().workflow_execution, run);
}
