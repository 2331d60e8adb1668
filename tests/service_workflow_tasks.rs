//! The workflow task lifecycle: the documented two-activity history and
//! state-transition count, buffering, transient attempts, stale tokens,
//! timeouts and sticky queues.

mod service_support;

use service_support::*;
use tempest::model::*;
use tempest::service::api::*;
use EventType as E;

#[test]
fn two_sequential_activities_give_17_events_and_11_state_transitions() {
    let mut h = Harness::default();
    let run = h.start("two");
    let task = h.poll_workflow_task();
    h.complete_workflow_task(&task.task_token, vec![schedule_activity("a")]);
    let activity = h.poll_activity_task().unwrap();
    h.complete_activity(&activity.task_token, Payload::from("ra"));
    let task = h.poll_workflow_task();
    h.complete_workflow_task(&task.task_token, vec![schedule_activity("b")]);
    let activity = h.poll_activity_task().unwrap();
    h.complete_activity(&activity.task_token, Payload::from("rb"));
    let task = h.poll_workflow_task();
    h.complete_workflow_task(&task.task_token, vec![complete_workflow("done")]);

    assert_eq!(
        h.types(&run),
        vec![
            E::WorkflowExecutionStarted,
            E::WorkflowTaskScheduled,
            E::WorkflowTaskStarted,
            E::WorkflowTaskCompleted,
            E::ActivityTaskScheduled,
            E::ActivityTaskStarted,
            E::ActivityTaskCompleted,
            E::WorkflowTaskScheduled,
            E::WorkflowTaskStarted,
            E::WorkflowTaskCompleted,
            E::ActivityTaskScheduled,
            E::ActivityTaskStarted,
            E::ActivityTaskCompleted,
            E::WorkflowTaskScheduled,
            E::WorkflowTaskStarted,
            E::WorkflowTaskCompleted,
            E::WorkflowExecutionCompleted,
        ]
    );
    assert_eq!(h.transitions(&run), 11);
    assert_eq!(h.status(&run), WorkflowExecutionStatus::Completed);
    let history = h.history(&run);
    assert!(history
        .iter()
        .enumerate()
        .all(|(i, e)| e.event_id == i as i64 + 1));
    assert!(matches!(
        &history[4].attributes,
        EventAttributes::ActivityTaskScheduled(scheduled)
            if scheduled.workflow_task_completed_event_id == 4
    ));
    assert!(matches!(
        &history[6].attributes,
        EventAttributes::ActivityTaskCompleted {
            scheduled_event_id: 5,
            started_event_id: 6,
            ..
        }
    ));
}

#[test]
fn first_poll_gets_full_history_with_started_event() {
    let mut h = Harness::default();
    let run = h.start("w");
    let task = h.poll_workflow_task();
    assert_eq!(task.first_event_id, 1);
    assert_eq!(task.started_event_id, 3);
    assert_eq!(task.previous_started_event_id, 0);
    assert_eq!(task.history[..], h.history(&run)[..]);
    assert_eq!(task.task_token.scheduled_event_id, 2);
}

#[test]
fn signal_during_workflow_task_is_buffered() {
    let mut h = Harness::default();
    let run = h.start("w");
    let task = h.poll_workflow_task();
    h.signal(&run, "s", "sig-1");
    assert_eq!(h.types(&run).len(), 3, "buffered, not written");
    h.complete_workflow_task(&task.task_token, vec![start_timer("t", secs(60))]);
    assert_eq!(
        h.types(&run)[3..],
        [
            E::WorkflowTaskCompleted,
            E::TimerStarted,
            E::WorkflowExecutionSignaled,
            E::WorkflowTaskScheduled
        ]
    );
}

#[test]
fn buffered_activity_outcome_references_its_started_event() {
    let mut h = Harness::default();
    let run = h.start("w");
    let task = h.poll_workflow_task();
    h.complete_workflow_task(&task.task_token, vec![schedule_activity("a")]);
    h.signal(&run, "s", "sig-1");
    let task = h.poll_workflow_task();
    let activity = h.poll_activity_task().unwrap();
    h.complete_activity(&activity.task_token, Payload::from("r"));
    h.complete_workflow_task(&task.task_token, vec![]);
    let history = h.history(&run);
    let types: Vec<_> = history.iter().map(Event::event_type).collect();
    assert_eq!(
        types[8..],
        [
            E::WorkflowTaskCompleted,
            E::ActivityTaskStarted,
            E::ActivityTaskCompleted,
            E::WorkflowTaskScheduled
        ]
    );
    assert!(matches!(
        history[10].attributes,
        EventAttributes::ActivityTaskCompleted {
            scheduled_event_id: 5,
            started_event_id: 10,
            ..
        }
    ));
}

#[test]
fn signal_when_idle_is_written_at_once_with_one_scheduled_task() {
    let mut h = Harness::default();
    let run = h.start("w");
    let task = h.poll_workflow_task();
    h.complete_workflow_task(&task.task_token, vec![]);
    h.signal(&run, "a", "sig-a");
    h.signal(&run, "b", "sig-b");
    assert_eq!(
        h.types(&run)[4..],
        [
            E::WorkflowExecutionSignaled,
            E::WorkflowTaskScheduled,
            E::WorkflowExecutionSignaled
        ]
    );
}

#[test]
fn closing_with_buffered_events_fails_task_with_unhandled_command() {
    let mut h = Harness::default();
    let run = h.start("w");
    let task = h.poll_workflow_task();
    h.signal(&run, "late", "sig-1");
    h.complete_workflow_task(&task.task_token, vec![complete_workflow("done")]);
    assert_eq!(h.status(&run), WorkflowExecutionStatus::Running);
    let history = h.history(&run);
    assert_eq!(
        history[3..]
            .iter()
            .map(Event::event_type)
            .collect::<Vec<_>>(),
        [
            E::WorkflowTaskFailed,
            E::WorkflowExecutionSignaled,
            E::WorkflowTaskScheduled
        ]
    );
    assert!(matches!(
        &history[3].attributes,
        EventAttributes::WorkflowTaskFailed {
            cause: WorkflowTaskFailedCause::UnhandledCommand,
            ..
        }
    ));
    let task = h.poll_workflow_task();
    assert_eq!(task.attempt, 1, "new events make the retry a normal task");
    h.complete_workflow_task(&task.task_token, vec![complete_workflow("done")]);
    assert_eq!(h.status(&run), WorkflowExecutionStatus::Completed);
}

#[test]
fn stale_workflow_task_token_is_rejected_and_changes_nothing() {
    let mut h = Harness::default();
    let run = h.start("w");
    let task = h.poll_workflow_task();
    h.complete_workflow_task(&task.task_token, vec![start_timer("t", secs(60))]);
    let before = h.history(&run);
    let transitions = h.transitions(&run);
    let response = h.complete_workflow_task(&task.task_token, vec![complete_workflow("again")]);
    assert!(matches!(
        error_of(&response),
        Some(ServiceError::TaskNotFound(_))
    ));
    assert_eq!(h.history(&run), before);
    assert_eq!(h.transitions(&run), transitions);
}

/// A token's run hint only spares the Service a lookup: a token whose hint
/// names another run, or no run at all, still acts on its own execution.
#[test]
fn a_token_whose_run_hint_is_wrong_still_names_its_own_run() {
    let mut h = Harness::default();
    let first = h.start("first");
    let second = h.start("second");
    let mut first_task = h.poll_workflow_task();
    let mut second_task = h.poll_workflow_task();
    assert_eq!(first_task.workflow_execution, first);
    assert_ne!(
        first_task.task_token.run_hint,
        second_task.task_token.run_hint
    );
    std::mem::swap(
        &mut first_task.task_token.run_hint,
        &mut second_task.task_token.run_hint,
    );
    second_task.task_token.run_hint = u32::MAX;
    h.complete_workflow_task(&first_task.task_token, vec![schedule_activity("a")]);
    h.complete_workflow_task(&second_task.task_token, vec![complete_workflow("done")]);
    assert_eq!(h.types(&first).last(), Some(&E::ActivityTaskScheduled));
    assert_eq!(h.status(&second), WorkflowExecutionStatus::Completed);

    let mut activity = h.poll_activity_task().unwrap();
    assert_eq!(activity.workflow_execution, first);
    activity.task_token.run_hint += 1;
    h.complete_activity(&activity.task_token, Payload::from("ra"));
    assert_eq!(h.types(&first).last(), Some(&E::WorkflowTaskScheduled));
    assert_eq!(
        h.types(&second).last(),
        Some(&E::WorkflowExecutionCompleted)
    );
}

#[test]
fn repeated_workflow_task_failures_do_not_grow_history() {
    let mut h = Harness::default();
    let run = h.start("w");
    let task = h.poll_workflow_task();
    h.fail_workflow_task(
        &task.task_token,
        WorkflowTaskFailedCause::WorkflowWorkerUnhandledFailure,
    );
    let after_first_failure = h.types(&run);
    assert_eq!(after_first_failure[3..], [E::WorkflowTaskFailed]);
    for attempt in 2..6 {
        let task = h.poll_workflow_task();
        assert_eq!(task.attempt, attempt);
        let types: Vec<_> = task.history.iter().map(Event::event_type).collect();
        assert_eq!(
            types[4..],
            [E::WorkflowTaskScheduled, E::WorkflowTaskStarted],
            "transient events appended"
        );
        assert_eq!(task.started_event_id, 6);
        h.fail_workflow_task(
            &task.task_token,
            WorkflowTaskFailedCause::WorkflowWorkerUnhandledFailure,
        );
        assert_eq!(h.types(&run), after_first_failure);
    }
    let task = h.poll_workflow_task();
    h.complete_workflow_task(&task.task_token, vec![complete_workflow("ok")]);
    let history = h.history(&run);
    assert_eq!(
        history[4..]
            .iter()
            .map(Event::event_type)
            .collect::<Vec<_>>(),
        [
            E::WorkflowTaskScheduled,
            E::WorkflowTaskStarted,
            E::WorkflowTaskCompleted,
            E::WorkflowExecutionCompleted
        ]
    );
    assert!(matches!(
        history[4].attributes,
        EventAttributes::WorkflowTaskScheduled { attempt: 6, .. }
    ));
}

#[test]
fn signal_after_failure_turns_transient_retry_into_normal_task() {
    let mut h = Harness::default();
    let run = h.start("w");
    let task = h.poll_workflow_task();
    h.fail_workflow_task(
        &task.task_token,
        WorkflowTaskFailedCause::WorkflowWorkerUnhandledFailure,
    );
    h.signal(&run, "s", "sig-1");
    let task = h.poll_workflow_task();
    assert_eq!(task.attempt, 1);
    assert_eq!(task.history[..], h.history(&run)[..]);
    assert_eq!(
        h.types(&run)[3..],
        [
            E::WorkflowTaskFailed,
            E::WorkflowExecutionSignaled,
            E::WorkflowTaskScheduled,
            E::WorkflowTaskStarted
        ]
    );
}

#[test]
fn workflow_task_start_to_close_timeout_writes_timed_out_and_retries() {
    let mut h = Harness::default();
    let run = h.start("w");
    let task = h.poll_workflow_task();
    h.advance(secs(9));
    assert_eq!(h.types(&run).len(), 3, "not before the timeout");
    h.advance(secs(1));
    let history = h.history(&run);
    assert!(matches!(
        history[3].attributes,
        EventAttributes::WorkflowTaskTimedOut {
            scheduled_event_id: 2,
            started_event_id: 3,
            timeout_type: TimeoutType::StartToClose
        }
    ));
    let late = h.complete_workflow_task(&task.task_token, vec![]);
    assert!(matches!(
        error_of(&late),
        Some(ServiceError::TaskNotFound(_))
    ));
    let retry = h.poll_workflow_task();
    assert_eq!(retry.attempt, 2);
    h.advance(secs(10));
    assert_eq!(
        h.history(&run).len(),
        4,
        "a transient attempt's timeout writes nothing"
    );
}

#[test]
fn bad_commands_fail_the_task_instead_of_applying() {
    let mut h = Harness::default();
    let run = h.start("w");
    let task = h.poll_workflow_task();
    h.complete_workflow_task(
        &task.task_token,
        vec![schedule_activity("a"), schedule_activity("a")],
    );
    let history = h.history(&run);
    assert!(matches!(
        &history[3].attributes,
        EventAttributes::WorkflowTaskFailed {
            cause: WorkflowTaskFailedCause::BadScheduleActivityAttributes,
            ..
        }
    ));
    assert!(h.describe(&run).pending_activities.is_empty());

    let task = h.poll_workflow_task();
    h.complete_workflow_task(
        &task.task_token,
        vec![Command::CancelTimer {
            timer_id: TimerId::new("nope"),
        }],
    );
    assert_eq!(
        h.history(&run).len(),
        4,
        "the transient retry failed without writing"
    );
    assert_eq!(h.status(&run), WorkflowExecutionStatus::Running);
}

#[test]
fn commands_after_a_closing_command_are_ignored() {
    let mut h = Harness::default();
    let run = h.start("w");
    let task = h.poll_workflow_task();
    h.complete_workflow_task(
        &task.task_token,
        vec![complete_workflow("r"), start_timer("t", secs(1))],
    );
    assert_eq!(h.types(&run).last(), Some(&E::WorkflowExecutionCompleted));
    assert!(h.describe(&run).pending_timers.is_empty());
}

#[test]
fn sticky_task_gets_partial_history() {
    let mut h = Harness::default();
    let run = h.start("w");
    let task = h.poll_workflow_task();
    h.complete_workflow_task_sticky(
        &task.task_token,
        vec![start_timer("t", secs(1))],
        Some("sticky-1"),
    );
    h.advance(secs(1));
    assert!(
        h.poll_workflow_task_on(QUEUE).is_none(),
        "the task went to the sticky queue"
    );
    let sticky = h
        .poll_workflow_task_on("sticky-1")
        .expect("task on sticky queue");
    assert_eq!(sticky.previous_started_event_id, 3);
    assert_eq!(sticky.first_event_id, 4);
    assert_eq!(sticky.history[..], h.history(&run)[3..]);
    assert_eq!(
        sticky
            .history
            .iter()
            .map(Event::event_type)
            .collect::<Vec<_>>(),
        [
            E::WorkflowTaskCompleted,
            E::TimerStarted,
            E::TimerFired,
            E::WorkflowTaskScheduled,
            E::WorkflowTaskStarted
        ]
    );
}

#[test]
fn untaken_sticky_task_times_out_to_normal_queue_with_full_history() {
    let mut h = Harness::default();
    let run = h.start("w");
    let task = h.poll_workflow_task();
    h.complete_workflow_task_sticky(&task.task_token, vec![], Some("sticky-1"));
    h.signal(&run, "s", "sig-1");
    h.advance(secs(5));
    let history = h.history(&run);
    assert!(matches!(
        history[6].attributes,
        EventAttributes::WorkflowTaskTimedOut {
            scheduled_event_id: 6,
            started_event_id: 0,
            timeout_type: TimeoutType::ScheduleToStart
        }
    ));
    let task = h.poll_workflow_task();
    assert_eq!(task.first_event_id, 1);
    assert_eq!(task.history[..], h.history(&run)[..]);
    assert!(h.poll_workflow_task_on("sticky-1").is_none());
}

#[test]
fn reset_sticky_failure_sends_next_attempt_to_normal_queue() {
    let mut h = Harness::default();
    let run = h.start("w");
    let task = h.poll_workflow_task();
    h.complete_workflow_task_sticky(&task.task_token, vec![], Some("sticky-1"));
    h.signal(&run, "s", "sig-1");
    let sticky = h.poll_workflow_task_on("sticky-1").expect("sticky task");
    h.fail_workflow_task(
        &sticky.task_token,
        WorkflowTaskFailedCause::ResetStickyTaskQueue,
    );
    let task = h.poll_workflow_task();
    assert_eq!(task.first_event_id, 1);
    assert_eq!(task.attempt, 2);
}

#[test]
fn parked_poll_receives_task_when_workflow_starts() {
    let mut h = Harness::default();
    assert!(h.poll_workflow_task_on(QUEUE).is_none());
    let run = h.start("w");
    assert_eq!(h.other_responses.len(), 1);
    let (_, Response::PollWorkflowTaskQueue(Some(task))) = &h.other_responses[0] else {
        panic!("expected a task for the parked poll");
    };
    assert_eq!(task.workflow_execution, run);
    assert_eq!(h.types(&run).last(), Some(&E::WorkflowTaskStarted));
}

#[test]
fn parked_poll_expires_empty_after_long_poll_timeout() {
    let mut h = Harness::default();
    let (call, response) = h.send(Request::PollWorkflowTaskQueue(
        PollWorkflowTaskQueueRequest {
            namespace: Namespace::default(),
            task_queue: TaskQueue::new(QUEUE),
            identity: "worker".into(),
        },
    ));
    assert!(response.is_none());
    assert!(h.advance(secs(59)).is_empty());
    assert_eq!(
        h.advance(secs(1)),
        vec![(call, Response::PollWorkflowTaskQueue(None))]
    );
    h.start("w");
    assert!(h.other_responses.is_empty(), "an expired poll gets no task");
}

#[test]
fn canceled_poll_gets_no_task_and_the_next_poll_does() {
    let mut h = Harness::default();
    let poll = || {
        Request::PollWorkflowTaskQueue(PollWorkflowTaskQueueRequest {
            namespace: Namespace::default(),
            task_queue: TaskQueue::new(QUEUE),
            identity: "worker".into(),
        })
    };
    let (gone, response) = h.send(poll());
    assert!(response.is_none());
    h.service.cancel_poll(gone);
    let (waiting, response) = h.send(poll());
    assert!(response.is_none());
    h.start("w");
    let answered: Vec<CallId> = h.other_responses.iter().map(|(c, _)| *c).collect();
    assert_eq!(
        answered,
        vec![waiting],
        "only the live poll receives the task"
    );
}

#[test]
fn task_started_after_signal_gets_the_next_event_id() {
    let mut h = Harness::default();
    let run = h.start("w");
    h.signal(&run, "s", "sig-1");
    let task = h.poll_workflow_task();
    assert_eq!(task.started_event_id, 4);
    assert_eq!(task.task_token.scheduled_event_id, 2);
    assert!(matches!(
        h.history(&run)[3].attributes,
        EventAttributes::WorkflowTaskStarted {
            scheduled_event_id: 2,
            ..
        }
    ));
    h.complete_workflow_task(&task.task_token, vec![complete_workflow("ok")]);
    assert!(matches!(
        h.history(&run)[4].attributes,
        EventAttributes::WorkflowTaskCompleted {
            scheduled_event_id: 2,
            started_event_id: 4,
            ..
        }
    ));
}

#[test]
fn markers_and_search_attributes_are_written_in_command_order() {
    let mut h = Harness::default();
    let run = h.start("w");
    let task = h.poll_workflow_task();
    let marker = Command::RecordMarker {
        marker_name: "side-effect".into(),
        details: Default::default(),
        failure: None,
    };
    let upsert = Command::UpsertWorkflowSearchAttributes {
        search_attributes: memo(&[("k", Payload::from(1))]),
    };
    h.complete_workflow_task(
        &task.task_token,
        vec![marker, upsert, start_timer("t", secs(1))],
    );
    assert_eq!(
        h.types(&run)[3..],
        [
            E::WorkflowTaskCompleted,
            E::MarkerRecorded,
            E::UpsertWorkflowSearchAttributes,
            E::TimerStarted
        ]
    );
    assert!(h.history(&run)[4..]
        .iter()
        .all(|e| e.attributes.workflow_task_completed_event_id() == Some(4)));
}

#[test]
fn activity_without_any_close_timeout_is_a_bad_command() {
    let mut h = Harness::default();
    let run = h.start("w");
    let task = h.poll_workflow_task();
    let command = schedule_activity_with("a", |a| a.start_to_close_timeout = None);
    h.complete_workflow_task(&task.task_token, vec![command]);
    assert!(matches!(
        &h.history(&run)[3].attributes,
        EventAttributes::WorkflowTaskFailed {
            cause: WorkflowTaskFailedCause::BadScheduleActivityAttributes,
            ..
        }
    ));
}

#[test]
fn child_workflow_command_without_an_id_fails_the_task_without_crashing() {
    let mut h = Harness::default();
    let run = h.start("w");
    let task = h.poll_workflow_task();
    let child = Command::StartChildWorkflowExecution(StartChildWorkflow {
        namespace: Namespace::default(),
        workflow_id: WorkflowId::new(""),
        workflow_type: WorkflowType::new("wf"),
        task_queue: TaskQueue::new(QUEUE),
        input: Payload::null(),
        workflow_execution_timeout: None,
        workflow_run_timeout: None,
        workflow_task_timeout: None,
        parent_close_policy: ParentClosePolicy::Terminate,
        workflow_id_reuse_policy: WorkflowIdReusePolicy::AllowDuplicate,
        retry_policy: None,
        cron_schedule: None,
        memo: Memo::new(),
    });
    h.complete_workflow_task(&task.task_token, vec![child]);
    assert_eq!(h.types(&run)[3], E::WorkflowTaskFailed);
    assert_eq!(h.status(&run), WorkflowExecutionStatus::Running);
}

#[test]
fn timed_out_task_writes_buffered_events_and_retries_as_normal_task() {
    let mut h = Harness::default();
    let run = h.start("w");
    h.poll_workflow_task();
    h.signal(&run, "s", "sig-1");
    h.advance(secs(10));
    assert_eq!(
        h.types(&run)[3..],
        [
            E::WorkflowTaskTimedOut,
            E::WorkflowExecutionSignaled,
            E::WorkflowTaskScheduled
        ]
    );
    assert_eq!(h.poll_workflow_task().attempt, 1);
}
