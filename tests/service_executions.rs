//! Execution-level behaviour: starts (dedup, conflicts, reuse policies,
//! timeouts), signals, cancel requests, termination, run timeouts,
//! continue-as-new, and the visibility reads.

mod service_support;

use service_support::*;
use tempest::model::*;
use tempest::service::api::*;
use EventType as E;

fn started_attributes(h: &Harness, run: &WorkflowExecution) -> EventAttributes {
    h.history(run)[0].attributes.clone()
}

#[test]
fn start_writes_started_and_scheduled_in_one_commit() {
    let mut h = Harness::default();
    let run = h.start("w");
    assert_eq!(
        h.types(&run),
        [E::WorkflowExecutionStarted, E::WorkflowTaskScheduled]
    );
    assert_eq!(h.transitions(&run), 1);
    assert_eq!(run.run_id, RunId::derive(7, 1));
    let EventAttributes::WorkflowExecutionStarted(started_attrs) = started_attributes(&h, &run)
    else {
        unreachable!()
    };
    let WorkflowExecutionStartedAttributes {
        first_execution_run_id,
        original_execution_run_id,
        ..
    } = *started_attrs;
    assert_eq!(first_execution_run_id, run.run_id);
    assert_eq!(original_execution_run_id, run.run_id);
}

#[test]
fn start_with_same_request_id_returns_same_run() {
    let mut h = Harness::default();
    let first = h.start("w");
    let again = h.start("w");
    assert_eq!(first, again);
    assert_eq!(h.service.store().runs().count(), 1);
    assert_eq!(h.service.store().commit_count(), 1);
}

#[test]
fn second_start_while_running_is_rejected() {
    let mut h = Harness::default();
    let first = h.start("w");
    let mut request = h.start_request("w");
    request.request_id = "other".into();
    let response = h.call(Request::StartWorkflowExecution(Box::new(request)));
    assert_eq!(
        response,
        Response::Error(ServiceError::WorkflowExecutionAlreadyStarted {
            run_id: first.run_id
        })
    );
}

#[test]
fn reuse_policies_decide_starts_after_a_closed_run() {
    let mut h = Harness::default();
    let first = h.start("w");
    let task = h.poll_workflow_task();
    h.complete_workflow_task(&task.task_token, vec![complete_workflow("ok")]);
    let mut request = h.start_request("w");
    for (i, policy) in [
        WorkflowIdReusePolicy::RejectDuplicate,
        WorkflowIdReusePolicy::AllowDuplicateFailedOnly,
    ]
    .into_iter()
    .enumerate()
    {
        request.request_id = format!("r{i}").into();
        request.workflow_id_reuse_policy = policy;
        let response = h.call(Request::StartWorkflowExecution(Box::new(request.clone())));
        assert!(
            matches!(
                error_of(&response),
                Some(ServiceError::WorkflowExecutionAlreadyStarted { .. })
            ),
            "{policy:?}"
        );
    }
    request.request_id = "r-allow".into();
    request.workflow_id_reuse_policy = WorkflowIdReusePolicy::AllowDuplicate;
    let second = h.start_with(request.clone());
    assert_ne!(second, first);
    h.terminate(&second);
    request.request_id = "r-failed-only".into();
    request.workflow_id_reuse_policy = WorkflowIdReusePolicy::AllowDuplicateFailedOnly;
    let third = h.start_with(request);
    assert_eq!(h.status(&third), WorkflowExecutionStatus::Running);
}

#[test]
fn terminate_if_running_replaces_the_open_run() {
    let mut h = Harness::default();
    let first = h.start("w");
    let mut request = h.start_request("w");
    request.request_id = "again".into();
    request.workflow_id_reuse_policy = WorkflowIdReusePolicy::TerminateIfRunning;
    let second = h.start_with(request);
    assert_eq!(h.status(&first), WorkflowExecutionStatus::Terminated);
    assert_eq!(h.status(&second), WorkflowExecutionStatus::Running);
}

#[test]
fn run_timeout_defaults_to_execution_timeout_and_times_the_run_out() {
    let mut h = Harness::default();
    let mut request = h.start_request("w");
    request.workflow_execution_timeout = Some(secs(100));
    let run = h.start_with(request);
    let EventAttributes::WorkflowExecutionStarted(started_attrs) = started_attributes(&h, &run)
    else {
        unreachable!()
    };
    let WorkflowExecutionStartedAttributes {
        workflow_run_timeout,
        workflow_execution_expiration_time,
        ..
    } = *started_attrs;
    assert_eq!(workflow_run_timeout, Some(secs(100)));
    assert_eq!(
        workflow_execution_expiration_time,
        Some(SimTime::START + secs(100))
    );
    let task = h.poll_workflow_task();
    h.complete_workflow_task(&task.task_token, vec![schedule_activity("a")]);
    h.advance(secs(99));
    assert_eq!(h.status(&run), WorkflowExecutionStatus::Running);
    h.advance(secs(1));
    assert_eq!(h.status(&run), WorkflowExecutionStatus::TimedOut);
    assert!(matches!(
        h.history(&run).last().unwrap().attributes,
        EventAttributes::WorkflowExecutionTimedOut {
            retry_state: RetryState::RetryPolicyNotSet,
            ..
        }
    ));
    assert!(
        h.poll_activity_task().is_none(),
        "the timed-out run's activity is dropped"
    );
}

#[test]
fn terminate_fails_the_started_task_writes_buffered_events_and_drops_pending_work() {
    let mut h = Harness::default();
    let run = h.start("w");
    let task = h.poll_workflow_task();
    h.complete_workflow_task(
        &task.task_token,
        vec![schedule_activity("a"), start_timer("t", secs(5))],
    );
    h.signal(&run, "s", "sig-1");
    let task = h.poll_workflow_task();
    h.signal(&run, "s2", "sig-2");
    h.terminate(&run);
    assert_eq!(
        h.types(&run)[9..],
        [
            E::WorkflowTaskFailed,
            E::WorkflowExecutionSignaled,
            E::WorkflowExecutionTerminated
        ]
    );
    assert!(matches!(
        h.history(&run)[9].attributes,
        EventAttributes::WorkflowTaskFailed {
            cause: WorkflowTaskFailedCause::ForceCloseCommand,
            ..
        }
    ));
    h.advance(secs(60));
    assert!(h.poll_activity_task().is_none());
    let late = h.complete_workflow_task(&task.task_token, vec![]);
    assert!(matches!(
        error_of(&late),
        Some(ServiceError::TaskNotFound(_))
    ));
    assert_eq!(h.types(&run).last(), Some(&E::WorkflowExecutionTerminated));
}

#[test]
fn signal_with_same_request_id_is_applied_once() {
    let mut h = Harness::default();
    let run = h.start("w");
    h.signal(&run, "s", "sig-1");
    h.signal(&run, "s", "sig-1");
    let signals = h
        .types(&run)
        .into_iter()
        .filter(|t| *t == E::WorkflowExecutionSignaled)
        .count();
    assert_eq!(signals, 1);
}

#[test]
fn signal_to_closed_or_unknown_run_is_not_found() {
    let mut h = Harness::default();
    let run = h.start("w");
    h.terminate(&run);
    assert!(matches!(
        error_of(&h.signal(&run, "s", "x")),
        Some(ServiceError::NotFound(_))
    ));
    let unknown = WorkflowExecution {
        workflow_id: WorkflowId::new("nope"),
        run_id: RunId::new(""),
    };
    assert!(matches!(
        error_of(&h.signal(&unknown, "s", "y")),
        Some(ServiceError::NotFound(_))
    ));
}

#[test]
fn empty_run_id_names_the_current_run() {
    let mut h = Harness::default();
    let run = h.start("w");
    let current = WorkflowExecution {
        workflow_id: run.workflow_id.clone(),
        run_id: RunId::new(""),
    };
    h.signal(&current, "s", "sig-1");
    assert_eq!(h.types(&run).last(), Some(&E::WorkflowExecutionSignaled));
}

#[test]
fn cancel_request_is_written_once() {
    let mut h = Harness::default();
    let run = h.start("w");
    for request_id in ["c1", "c2"] {
        let response = h.call(Request::RequestCancelWorkflowExecution(
            RequestCancelWorkflowExecutionRequest {
                namespace: Namespace::default(),
                workflow_execution: run.clone(),
                identity: "client".into(),
                request_id: request_id.into(),
                reason: "stop".into(),
            },
        ));
        assert_eq!(response, Response::RequestCancelWorkflowExecution);
    }
    let requests = h
        .types(&run)
        .into_iter()
        .filter(|t| *t == E::WorkflowExecutionCancelRequested)
        .count();
    assert_eq!(requests, 1);
    let task = h.poll_workflow_task();
    h.complete_workflow_task(
        &task.task_token,
        vec![Command::CancelWorkflowExecution { details: None }],
    );
    assert_eq!(h.status(&run), WorkflowExecutionStatus::Canceled);
}

#[test]
fn memo_is_set_at_start_and_upserted_with_null_deleting() {
    let mut h = Harness::default();
    let mut request = h.start_request("w");
    request.memo = memo(&[("keep", Payload::from(1)), ("drop", Payload::from(2))]);
    let run = h.start_with(request);
    let task = h.poll_workflow_task();
    let upsert = memo(&[("drop", Payload::null()), ("new", Payload::from("x"))]);
    h.complete_workflow_task(
        &task.task_token,
        vec![Command::ModifyWorkflowProperties {
            upserted_memo: upsert,
        }],
    );
    let expected = memo(&[("keep", Payload::from(1)), ("new", Payload::from("x"))]);
    assert_eq!(h.describe(&run).info.memo, expected);
    assert_eq!(h.types(&run)[4], E::WorkflowPropertiesModified);
}

#[test]
fn describe_reports_pending_work_and_counts() {
    let mut h = Harness::default();
    let run = h.start("w");
    let task = h.poll_workflow_task();
    h.complete_workflow_task(
        &task.task_token,
        vec![schedule_activity("a"), start_timer("t", secs(5))],
    );
    h.poll_activity_task().unwrap();
    let description = h.describe(&run);
    assert_eq!(description.info.status, WorkflowExecutionStatus::Running);
    assert_eq!(description.info.history_length, 6);
    assert_eq!(description.info.state_transition_count, 4);
    assert_eq!(description.pending_activities.len(), 1);
    assert!(description.pending_activities[0].started);
    assert_eq!(
        description.pending_timers[0].fire_time,
        SimTime::START + secs(5)
    );
}

#[test]
fn list_filters_by_status_and_workflow_id() {
    let mut h = Harness::default();
    let a = h.start("a");
    let b = h.start("b");
    h.terminate(&a);
    let list = |h: &mut Harness, request: ListWorkflowExecutionsRequest| match h
        .call(Request::ListWorkflowExecutions(request))
    {
        Response::ListWorkflowExecutions(list) => list
            .executions
            .into_iter()
            .map(|e| e.execution)
            .collect::<Vec<_>>(),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        list(&mut h, ListWorkflowExecutionsRequest::default()),
        [a.clone(), b.clone()]
    );
    let running = ListWorkflowExecutionsRequest {
        status: Some(WorkflowExecutionStatus::Running),
        ..Default::default()
    };
    assert_eq!(list(&mut h, running), [b]);
    let by_id = ListWorkflowExecutionsRequest {
        workflow_id: Some(WorkflowId::new("a")),
        ..Default::default()
    };
    assert_eq!(list(&mut h, by_id), [a]);
}

#[test]
fn continue_as_new_links_runs_both_ways_and_carries_memo() {
    let mut h = Harness::default();
    let mut request = h.start_request("w");
    request.memo = memo(&[("k", Payload::from("v"))]);
    let first = h.start_with(request);
    let task = h.poll_workflow_task();
    let command = Command::ContinueAsNewWorkflowExecution(ContinueAsNew {
        workflow_type: WorkflowType::new("wf"),
        task_queue: TaskQueue::new(QUEUE),
        input: Payload::from("next"),
        workflow_run_timeout: None,
        workflow_task_timeout: None,
        backoff_start_interval: None,
        memo: None,
    });
    h.complete_workflow_task(&task.task_token, vec![command]);
    assert_eq!(h.status(&first), WorkflowExecutionStatus::ContinuedAsNew);
    let EventAttributes::WorkflowExecutionContinuedAsNew(continued_attrs) =
        h.history(&first).last().unwrap().attributes.clone()
    else {
        panic!("expected ContinuedAsNew");
    };
    let WorkflowExecutionContinuedAsNewAttributes {
        new_execution_run_id,
        ..
    } = *continued_attrs;
    let second = WorkflowExecution {
        workflow_id: first.workflow_id.clone(),
        run_id: new_execution_run_id,
    };
    let EventAttributes::WorkflowExecutionStarted(started_attrs) = started_attributes(&h, &second)
    else {
        unreachable!()
    };
    let WorkflowExecutionStartedAttributes {
        continued_execution_run_id,
        first_execution_run_id,
        initiator,
        memo: carried,
        input,
        ..
    } = *started_attrs;
    assert_eq!(continued_execution_run_id, Some(first.run_id.clone()));
    assert_eq!(first_execution_run_id, first.run_id);
    assert_eq!(initiator, Some(ContinueAsNewInitiator::Workflow));
    assert_eq!(carried, memo(&[("k", Payload::from("v"))]));
    assert_eq!(input, Payload::from("next"));
    let task = h.poll_workflow_task();
    assert_eq!(task.workflow_execution, second);
}

#[test]
fn history_read_returns_the_stored_history() {
    let mut h = Harness::default();
    let run = h.start("w");
    let response = h.call(Request::GetWorkflowExecutionHistory(
        GetWorkflowExecutionHistoryRequest {
            namespace: Namespace::default(),
            workflow_execution: run.clone(),
        },
    ));
    assert_eq!(
        response,
        Response::GetWorkflowExecutionHistory(GetWorkflowExecutionHistoryResponse {
            history: h.history(&run)
        })
    );
}

fn continue_as_new(backoff: Option<Duration>) -> Command {
    Command::ContinueAsNewWorkflowExecution(ContinueAsNew {
        workflow_type: WorkflowType::new("wf"),
        task_queue: TaskQueue::new(QUEUE),
        input: Payload::null(),
        workflow_run_timeout: None,
        workflow_task_timeout: None,
        backoff_start_interval: backoff,
        memo: None,
    })
}

fn next_run(h: &Harness, run: &WorkflowExecution) -> WorkflowExecution {
    match &h.history(run).last().unwrap().attributes {
        EventAttributes::WorkflowExecutionContinuedAsNew(continued) => WorkflowExecution {
            workflow_id: run.workflow_id.clone(),
            run_id: continued.new_execution_run_id.clone(),
        },
        other => panic!("expected ContinuedAsNew, got {other:?}"),
    }
}

#[test]
fn continue_as_new_backoff_delays_the_first_task_but_not_signals() {
    let mut h = Harness::default();
    let first = h.start("w");
    let task = h.poll_workflow_task();
    h.complete_workflow_task(&task.task_token, vec![continue_as_new(Some(secs(30)))]);
    let second = next_run(&h, &first);
    assert_eq!(h.types(&second), [E::WorkflowExecutionStarted]);
    h.signal(&second, "s", "sig-1");
    assert_eq!(
        h.types(&second),
        [E::WorkflowExecutionStarted, E::WorkflowExecutionSignaled]
    );
    assert!(h.poll_workflow_task_on(QUEUE).is_none());
    let answered = h.advance(secs(30));
    assert_eq!(
        answered.len(),
        1,
        "the parked poll gets the first task when the backoff ends"
    );
    assert_eq!(
        h.types(&second),
        [
            E::WorkflowExecutionStarted,
            E::WorkflowExecutionSignaled,
            E::WorkflowTaskScheduled,
            E::WorkflowTaskStarted
        ]
    );
}

#[test]
fn execution_timeout_spans_continued_runs() {
    let mut h = Harness::default();
    let mut request = h.start_request("w");
    request.workflow_execution_timeout = Some(secs(100));
    let first = h.start_with(request);
    h.advance(secs(60));
    let task = h.poll_workflow_task();
    h.complete_workflow_task(&task.task_token, vec![continue_as_new(None)]);
    let second = next_run(&h, &first);
    let EventAttributes::WorkflowExecutionStarted(started_attrs) = started_attributes(&h, &second)
    else {
        unreachable!()
    };
    let WorkflowExecutionStartedAttributes {
        workflow_execution_expiration_time,
        ..
    } = *started_attrs;
    assert_eq!(
        workflow_execution_expiration_time,
        Some(SimTime::START + secs(100))
    );
    h.advance(secs(40));
    assert_eq!(h.status(&second), WorkflowExecutionStatus::TimedOut);
}

fn started_run_attempt(
    h: &Harness,
    run: &WorkflowExecution,
) -> (u32, Option<ContinueAsNewInitiator>, Option<Duration>) {
    match started_attributes(h, run) {
        EventAttributes::WorkflowExecutionStarted(started) => (
            started.attempt,
            started.initiator,
            started.first_workflow_task_backoff,
        ),
        _ => unreachable!(),
    }
}

#[test]
fn failed_run_with_retry_policy_is_retried_until_attempts_run_out() {
    let mut h = Harness::default();
    let mut request = h.start_request("w");
    request.retry_policy = Some(RetryPolicy {
        maximum_attempts: 2,
        ..RetryPolicy::default()
    });
    let first = h.start_with(request);
    let task = h.poll_workflow_task();
    let fail = Command::FailWorkflowExecution {
        failure: Failure::application("Wf", "boom"),
    };
    h.complete_workflow_task(&task.task_token, vec![fail.clone()]);
    let EventAttributes::WorkflowExecutionFailed {
        retry_state,
        new_execution_run_id: Some(run_id),
        ..
    } = h.history(&first).last().unwrap().attributes.clone()
    else {
        panic!("expected a Failed event naming the retry");
    };
    assert_eq!(retry_state, RetryState::InProgress);
    let second = WorkflowExecution {
        workflow_id: first.workflow_id.clone(),
        run_id,
    };
    assert_eq!(
        started_run_attempt(&h, &second),
        (2, Some(ContinueAsNewInitiator::Retry), Some(secs(1)))
    );
    assert!(
        h.poll_workflow_task_on(QUEUE).is_none(),
        "the retry waits out its backoff"
    );
    let answered = h.advance(secs(1));
    let [(_, Response::PollWorkflowTaskQueue(Some(task)))] = answered.as_slice() else {
        panic!("the retry's first task goes to the parked poll: {answered:?}");
    };
    let token = task.task_token.clone();
    h.complete_workflow_task(&token, vec![fail]);
    assert!(matches!(
        h.history(&second).last().unwrap().attributes,
        EventAttributes::WorkflowExecutionFailed {
            retry_state: RetryState::MaximumAttemptsReached,
            new_execution_run_id: None,
            ..
        }
    ));
    assert_eq!(h.service.store().runs().count(), 2);
}

#[test]
fn timed_out_run_with_retry_policy_is_retried() {
    let mut h = Harness::default();
    let mut request = h.start_request("w");
    request.workflow_run_timeout = Some(secs(10));
    request.retry_policy = Some(RetryPolicy::default());
    let first = h.start_with(request);
    h.advance(secs(10));
    let EventAttributes::WorkflowExecutionTimedOut {
        retry_state,
        new_execution_run_id: Some(run_id),
    } = h.history(&first).last().unwrap().attributes.clone()
    else {
        panic!("expected a TimedOut event naming the retry");
    };
    assert_eq!(retry_state, RetryState::InProgress);
    let second = WorkflowExecution {
        workflow_id: first.workflow_id.clone(),
        run_id,
    };
    assert_eq!(h.status(&second), WorkflowExecutionStatus::Running);
    assert_eq!(started_run_attempt(&h, &second).0, 2);
}
