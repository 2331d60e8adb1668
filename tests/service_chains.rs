//! Chains in the Service: cron schedules (first slot, next run per slot,
//! failures do not stop it, bad schedules rejected) and Describe showing
//! the chain's runs, the parent and pending children.

mod service_support;

use service_support::*;
use tempest::model::*;
use tempest::service::api::*;

fn start_cron(h: &mut Harness, workflow_id: &str, cron: &str) -> Response {
    let mut request = h.start_request(workflow_id);
    request.cron_schedule = Some(cron.into());
    h.call(Request::StartWorkflowExecution(Box::new(request)))
}

fn run_id_of(response: Response) -> RunId {
    match response {
        Response::StartWorkflowExecution(r) => r.run_id,
        other => panic!("start failed: {other:?}"),
    }
}

fn started_attributes(h: &Harness, run: &WorkflowExecution) -> EventAttributes {
    h.history(run)[0].attributes.clone()
}

fn first_task_backoff(h: &Harness, run: &WorkflowExecution) -> Option<Duration> {
    match started_attributes(h, run) {
        EventAttributes::WorkflowExecutionStarted(started) => started.first_workflow_task_backoff,
        _ => unreachable!(),
    }
}

#[test]
fn cron_start_waits_for_the_first_slot() {
    let mut h = Harness::default();
    h.now = SimTime::START + secs(30);
    let run = WorkflowExecution {
        workflow_id: WorkflowId::new("w"),
        run_id: run_id_of(start_cron(&mut h, "w", "*/5 * * * *")),
    };
    assert_eq!(first_task_backoff(&h, &run), Some(secs(270)));
    assert_eq!(h.types(&run), [EventType::WorkflowExecutionStarted]);
    assert!(h.poll_workflow_task_on(QUEUE).is_none());
    h.advance(secs(270));
    assert_eq!(h.types(&run).len(), 2);
}

#[test]
fn bad_cron_schedule_is_rejected_at_start_with_the_field_named() {
    let mut h = Harness::default();
    let response = start_cron(&mut h, "w", "* * * 13 *");
    let Some(ServiceError::InvalidArgument(message)) = error_of(&response) else {
        panic!("expected InvalidArgument, got {response:?}");
    };
    assert!(message.contains("month"), "{message}");
}

/// Starts a cron run at a slot, runs its first task, and closes it with `command`.
fn close_first_cron_run(h: &mut Harness, command: Command) -> WorkflowExecution {
    let run = WorkflowExecution {
        workflow_id: WorkflowId::new("w"),
        run_id: run_id_of(start_cron(h, "w", "* * * * *")),
    };
    h.advance(secs(60));
    let task = h.poll_workflow_task();
    h.complete_workflow_task(&task.task_token, vec![command]);
    run
}

fn next_run(h: &Harness, previous: &WorkflowExecution) -> WorkflowExecution {
    let closing = h.history(previous).last().cloned().unwrap();
    let new_execution_run_id = match closing.attributes {
        EventAttributes::WorkflowExecutionCompleted {
            new_execution_run_id,
            ..
        }
        | EventAttributes::WorkflowExecutionFailed {
            new_execution_run_id,
            ..
        } => new_execution_run_id,
        other => panic!("unexpected closing {other:?}"),
    };
    WorkflowExecution {
        workflow_id: previous.workflow_id.clone(),
        run_id: new_execution_run_id.expect("the closing event names the next run"),
    }
}

#[test]
fn completed_cron_run_hands_over_to_the_next_slot_with_its_result() {
    let mut h = Harness::default();
    let first = close_first_cron_run(&mut h, complete_workflow("r1"));
    let next = next_run(&h, &first);
    let EventAttributes::WorkflowExecutionStarted(started_attrs) = started_attributes(&h, &next)
    else {
        unreachable!()
    };
    let WorkflowExecutionStartedAttributes {
        initiator,
        continued_execution_run_id,
        last_completion_result,
        first_workflow_task_backoff,
        ..
    } = *started_attrs;
    assert_eq!(initiator, Some(ContinueAsNewInitiator::CronSchedule));
    assert_eq!(continued_execution_run_id, Some(first.run_id.clone()));
    assert_eq!(last_completion_result, Some(Payload::from("r1")));
    let first_closed = h.history(&first).last().unwrap().event_time;
    let slot = first_closed + first_workflow_task_backoff.unwrap();
    assert_eq!(slot, SimTime::START + secs(120));
}

#[test]
fn failed_cron_run_does_not_stop_the_schedule() {
    let mut h = Harness::default();
    let failure = Failure::application("Boom", "failed");
    let first = close_first_cron_run(&mut h, Command::FailWorkflowExecution { failure });
    assert_eq!(h.status(&first), WorkflowExecutionStatus::Failed);
    let next = next_run(&h, &first);
    assert_eq!(h.status(&next), WorkflowExecutionStatus::Running);
}

#[test]
fn terminated_cron_run_ends_the_schedule() {
    let mut h = Harness::default();
    let run = WorkflowExecution {
        workflow_id: WorkflowId::new("w"),
        run_id: run_id_of(start_cron(&mut h, "w", "* * * * *")),
    };
    h.terminate(&run);
    h.advance(secs(600));
    assert_eq!(h.service.store().runs().count(), 1);
}

#[test]
fn describe_shows_every_run_of_the_chain_with_its_status() {
    let mut h = Harness::default();
    let first = close_first_cron_run(&mut h, complete_workflow("r1"));
    let next = next_run(&h, &first);
    let described = h.describe(&next);
    let chain: Vec<_> = described
        .chain
        .iter()
        .map(|i| (i.execution.run_id.clone(), i.status, i.first_run_id.clone()))
        .collect();
    assert_eq!(
        chain,
        [
            (
                first.run_id.clone(),
                WorkflowExecutionStatus::Completed,
                first.run_id.clone()
            ),
            (
                next.run_id.clone(),
                WorkflowExecutionStatus::Running,
                first.run_id.clone()
            ),
        ]
    );
}

#[test]
fn describe_shows_the_parent_of_a_child_and_the_pending_children_of_a_parent() {
    let mut h = Harness::default();
    let parent = h.start("parent");
    let task = h.poll_workflow_task();
    let child_command = Command::StartChildWorkflowExecution(StartChildWorkflow {
        namespace: Namespace::default(),
        workflow_id: WorkflowId::new("kid"),
        workflow_type: WorkflowType::new("child"),
        task_queue: TaskQueue::new("child-tq"),
        input: Payload::from(1),
        workflow_execution_timeout: None,
        workflow_run_timeout: None,
        workflow_task_timeout: None,
        parent_close_policy: ParentClosePolicy::Abandon,
        workflow_id_reuse_policy: WorkflowIdReusePolicy::AllowDuplicate,
        retry_policy: None,
        cron_schedule: None,
        memo: Memo::new(),
    });
    h.complete_workflow_task(&task.task_token, vec![child_command]);
    h.advance(Duration::ZERO);
    let pending = h.describe(&parent).pending_children;
    assert_eq!(pending.len(), 1);
    let child = WorkflowExecution {
        workflow_id: WorkflowId::new("kid"),
        run_id: pending[0].run_id.clone().expect("started"),
    };
    assert_eq!(pending[0].parent_close_policy, ParentClosePolicy::Abandon);
    assert_eq!(h.describe(&child).info.parent_execution, Some(parent));
}
