//! Cross-run work in the Service: child workflows (start, start failure,
//! outcome in the parent, parent close policies) and external signals and
//! cancel requests, each carried out once, also across a Service restart.

mod service_support;

use service_support::*;
use tempest::model::*;
use EventType as E;

const CHILD_QUEUE: &str = "child-tq";

fn start_child(id: &str, policy: ParentClosePolicy) -> Command {
    Command::StartChildWorkflowExecution(StartChildWorkflow {
        namespace: Namespace::default(),
        workflow_id: WorkflowId::new(id),
        workflow_type: WorkflowType::new("child"),
        task_queue: TaskQueue::new(CHILD_QUEUE),
        input: Payload::from("child-in"),
        workflow_execution_timeout: None,
        workflow_run_timeout: None,
        workflow_task_timeout: None,
        parent_close_policy: policy,
        workflow_id_reuse_policy: WorkflowIdReusePolicy::AllowDuplicate,
        retry_policy: None,
        cron_schedule: None,
        memo: Memo::new(),
    })
}

fn signal_external(target: &str) -> Command {
    Command::SignalExternalWorkflowExecution {
        namespace: Namespace::default(),
        workflow_execution: WorkflowExecution {
            workflow_id: WorkflowId::new(target),
            run_id: RunId::new(""),
        },
        signal_name: "ping".into(),
        input: Payload::from(1),
        child_workflow_only: false,
    }
}

fn cancel_external(target: &str) -> Command {
    Command::RequestCancelExternalWorkflowExecution {
        namespace: Namespace::default(),
        workflow_execution: WorkflowExecution {
            workflow_id: WorkflowId::new(target),
            run_id: RunId::new(""),
        },
        child_workflow_only: false,
        reason: "stop".into(),
    }
}

/// The child's execution, from the parent's ChildWorkflowExecutionStarted.
fn child_of(h: &Harness, parent: &WorkflowExecution) -> WorkflowExecution {
    h.history(parent)
        .iter()
        .find_map(|e| match &e.attributes {
            EventAttributes::ChildWorkflowExecutionStarted {
                workflow_execution, ..
            } => Some(workflow_execution.clone()),
            _ => None,
        })
        .expect("the child started")
}

/// Starts `parent`, whose first task starts child `child-1`; fires the transfer.
fn parent_with_child(h: &mut Harness, policy: ParentClosePolicy) -> WorkflowExecution {
    let parent = h.start("parent");
    let task = h.poll_workflow_task();
    h.complete_workflow_task(&task.task_token, vec![start_child("child-1", policy)]);
    h.advance(Duration::ZERO);
    parent
}

#[test]
fn child_start_writes_initiated_then_started_and_names_the_parent() {
    let mut h = Harness::default();
    let parent = parent_with_child(&mut h, ParentClosePolicy::Terminate);
    assert_eq!(
        h.types(&parent)[4..],
        [
            E::StartChildWorkflowExecutionInitiated,
            E::ChildWorkflowExecutionStarted,
            E::WorkflowTaskScheduled
        ]
    );
    let child = child_of(&h, &parent);
    let EventAttributes::WorkflowExecutionStarted(started_attrs) = &h.history(&child)[0].attributes
    else {
        unreachable!()
    };
    let WorkflowExecutionStartedAttributes {
        parent_workflow_execution,
        parent_initiated_event_id,
        ..
    } = &**started_attrs;
    assert_eq!(parent_workflow_execution.as_ref(), Some(&parent));
    assert_eq!(*parent_initiated_event_id, Some(5));
}

#[test]
fn child_completion_is_recorded_once_in_the_parent_with_its_result() {
    let mut h = Harness::default();
    let parent = parent_with_child(&mut h, ParentClosePolicy::Terminate);
    let child = child_of(&h, &parent);
    let task = h.poll_workflow_task_on(CHILD_QUEUE).expect("child task");
    h.complete_workflow_task(&task.task_token, vec![complete_workflow("done")]);
    h.advance(Duration::ZERO);
    h.restart();
    h.advance(Duration::ZERO);
    assert_eq!(h.status(&child), WorkflowExecutionStatus::Completed);
    let outcomes: Vec<_> = h
        .history(&parent)
        .into_iter()
        .filter(|e| e.event_type() == E::ChildWorkflowExecutionCompleted)
        .collect();
    assert_eq!(outcomes.len(), 1);
    let EventAttributes::ChildWorkflowExecutionCompleted {
        result,
        initiated_event_id,
        started_event_id,
        workflow_execution,
        ..
    } = &outcomes[0].attributes
    else {
        unreachable!()
    };
    assert_eq!(result, &Payload::from("done"));
    assert_eq!((*initiated_event_id, *started_event_id), (5, 6));
    assert_eq!(workflow_execution, &child);
}

#[test]
fn child_outcome_survives_a_service_restart_before_the_transfer_runs() {
    let mut h = Harness::default();
    let parent = parent_with_child(&mut h, ParentClosePolicy::Terminate);
    let task = h.poll_workflow_task_on(CHILD_QUEUE).expect("child task");
    h.complete_workflow_task(&task.task_token, vec![complete_workflow("done")]);
    h.restart();
    h.advance(Duration::ZERO);
    h.restart();
    h.advance(Duration::ZERO);
    let outcomes = h
        .types(&parent)
        .iter()
        .filter(|t| **t == E::ChildWorkflowExecutionCompleted)
        .count();
    assert_eq!(outcomes, 1);
}

#[test]
fn child_start_survives_a_service_restart_before_the_transfer_runs() {
    let mut h = Harness::default();
    let parent = h.start("parent");
    let task = h.poll_workflow_task();
    let commands = vec![start_child("child-1", ParentClosePolicy::Terminate)];
    h.complete_workflow_task(&task.task_token, commands);
    h.restart();
    h.advance(Duration::ZERO);
    h.advance(Duration::ZERO);
    let started = h
        .types(&parent)
        .iter()
        .filter(|t| **t == E::ChildWorkflowExecutionStarted)
        .count();
    assert_eq!(started, 1);
    let child_runs = h
        .service
        .store()
        .runs()
        .filter(|r| r.execution().workflow_id.as_str() == "child-1")
        .count();
    assert_eq!(child_runs, 1);
}

#[test]
fn child_start_fails_when_its_id_is_running() {
    let mut h = Harness::default();
    let mut request = h.start_request("child-1");
    request.task_queue = TaskQueue::new(CHILD_QUEUE);
    h.start_with(request);
    let parent = parent_with_child(&mut h, ParentClosePolicy::Terminate);
    let failed = h
        .history(&parent)
        .into_iter()
        .find_map(|e| match e.attributes {
            EventAttributes::StartChildWorkflowExecutionFailed { cause, .. } => Some(cause),
            _ => None,
        });
    assert_eq!(failed.as_deref(), Some("WORKFLOW_ALREADY_EXISTS"));
}

#[test]
fn parent_close_terminates_a_child_with_the_terminate_policy() {
    let mut h = Harness::default();
    let parent = parent_with_child(&mut h, ParentClosePolicy::Terminate);
    let child = child_of(&h, &parent);
    let task = h.poll_workflow_task();
    h.complete_workflow_task(&task.task_token, vec![complete_workflow("p")]);
    h.advance(Duration::ZERO);
    assert_eq!(h.status(&child), WorkflowExecutionStatus::Terminated);
}

#[test]
fn parent_close_requests_cancel_of_a_child_with_the_request_cancel_policy() {
    let mut h = Harness::default();
    let parent = parent_with_child(&mut h, ParentClosePolicy::RequestCancel);
    let child = child_of(&h, &parent);
    let task = h.poll_workflow_task();
    h.complete_workflow_task(&task.task_token, vec![complete_workflow("p")]);
    h.advance(Duration::ZERO);
    assert_eq!(h.status(&child), WorkflowExecutionStatus::Running);
    assert!(h
        .types(&child)
        .contains(&E::WorkflowExecutionCancelRequested));
}

#[test]
fn parent_close_leaves_an_abandoned_child_running() {
    let mut h = Harness::default();
    let parent = parent_with_child(&mut h, ParentClosePolicy::Abandon);
    let child = child_of(&h, &parent);
    let task = h.poll_workflow_task();
    h.complete_workflow_task(&task.task_token, vec![complete_workflow("p")]);
    h.advance(Duration::ZERO);
    assert_eq!(h.status(&child), WorkflowExecutionStatus::Running);
    assert_eq!(h.types(&child).len(), 2);
}

#[test]
fn external_signal_reaches_the_target_once_and_is_confirmed_in_the_source() {
    let mut h = Harness::default();
    let source = h.start("source");
    let task = h.poll_workflow_task();
    let target = h.start("target");
    h.complete_workflow_task(&task.task_token, vec![signal_external("target")]);
    h.restart();
    h.advance(Duration::ZERO);
    h.advance(Duration::ZERO);
    let signals = h
        .types(&target)
        .iter()
        .filter(|t| **t == E::WorkflowExecutionSignaled)
        .count();
    assert_eq!(signals, 1);
    assert!(h
        .types(&source)
        .contains(&E::ExternalWorkflowExecutionSignaled));
}

#[test]
fn external_signal_to_a_missing_execution_fails_in_the_source() {
    let mut h = Harness::default();
    let source = h.start("source");
    let task = h.poll_workflow_task();
    h.complete_workflow_task(&task.task_token, vec![signal_external("nobody")]);
    h.advance(Duration::ZERO);
    assert!(h
        .types(&source)
        .contains(&E::SignalExternalWorkflowExecutionFailed));
}

#[test]
fn external_cancel_request_reaches_the_target_and_names_the_source() {
    let mut h = Harness::default();
    let source = h.start("source");
    let task = h.poll_workflow_task();
    let target = h.start("target");
    h.complete_workflow_task(&task.task_token, vec![cancel_external("target")]);
    h.advance(Duration::ZERO);
    let requested = h
        .history(&target)
        .into_iter()
        .find_map(|e| match e.attributes {
            EventAttributes::WorkflowExecutionCancelRequested {
                external_workflow_execution,
                external_initiated_event_id,
                ..
            } => Some((external_workflow_execution, external_initiated_event_id)),
            _ => None,
        });
    assert_eq!(requested, Some((Some(source.clone()), Some(5))));
    assert!(h
        .types(&source)
        .contains(&E::ExternalWorkflowExecutionCancelRequested));
}

/// The parent's child outcome event type once its child ends by `end`.
fn parent_outcome_after(end: impl FnOnce(&mut Harness, &WorkflowExecution)) -> EventType {
    let mut h = Harness::default();
    let parent = parent_with_child(&mut h, ParentClosePolicy::Terminate);
    let child = child_of(&h, &parent);
    end(&mut h, &child);
    h.advance(Duration::ZERO);
    let outcome = h.history(&parent).into_iter().rev().find(|e| {
        matches!(
            e.event_type(),
            E::ChildWorkflowExecutionCompleted
                | E::ChildWorkflowExecutionFailed
                | E::ChildWorkflowExecutionCanceled
                | E::ChildWorkflowExecutionTimedOut
                | E::ChildWorkflowExecutionTerminated
        )
    });
    outcome
        .expect("the parent records the child's end")
        .event_type()
}

#[test]
fn child_termination_and_failure_reach_the_parent_as_their_own_outcomes() {
    let terminated = parent_outcome_after(|h, child| {
        h.terminate(child);
    });
    assert_eq!(terminated, E::ChildWorkflowExecutionTerminated);
    let failed = parent_outcome_after(|h, _| {
        let task = h.poll_workflow_task_on(CHILD_QUEUE).expect("child task");
        let failure = Failure::application("Boom", "child failed");
        h.complete_workflow_task(
            &task.task_token,
            vec![Command::FailWorkflowExecution { failure }],
        );
    });
    assert_eq!(failed, E::ChildWorkflowExecutionFailed);
    let canceled = parent_outcome_after(|h, _| {
        let task = h.poll_workflow_task_on(CHILD_QUEUE).expect("child task");
        let cancel = Command::CancelWorkflowExecution { details: None };
        h.complete_workflow_task(&task.task_token, vec![cancel]);
    });
    assert_eq!(canceled, E::ChildWorkflowExecutionCanceled);
}

#[test]
fn child_run_timeout_reaches_the_parent_as_timed_out() {
    let mut h = Harness::default();
    let parent = h.start("parent");
    let task = h.poll_workflow_task();
    let Command::StartChildWorkflowExecution(mut options) =
        start_child("child-1", ParentClosePolicy::Terminate)
    else {
        unreachable!()
    };
    options.workflow_run_timeout = Some(secs(30));
    let commands = vec![Command::StartChildWorkflowExecution(options)];
    h.complete_workflow_task(&task.task_token, commands);
    h.advance(Duration::ZERO);
    h.advance(secs(30));
    assert!(h
        .types(&parent)
        .contains(&E::ChildWorkflowExecutionTimedOut));
}
