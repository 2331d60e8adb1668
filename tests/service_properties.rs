//! Property tests: random client/worker/clock/crash sequences drive the
//! Service; every history it writes must be well formed (TEMPORAL.md rules
//! 1, 3, 8, 9, 10), and the same sequence must give the same Store.

mod service_support;

use proptest::prelude::*;
use service_support::*;
use std::collections::BTreeSet;
use tempest::model::*;
use tempest::service::api::*;
use tempest::service::RunRecord;
use EventType as E;

#[derive(Clone, Debug)]
enum Action {
    Start(u8),
    Signal(u8),
    Cancel(u8),
    Terminate(u8),
    PollWorkflow { sticky: bool },
    CompleteWorkflow { task: u8, plan: u8, sticky: bool },
    FailWorkflow(u8),
    PollActivity,
    CompleteActivity(u8),
    FailActivity(u8),
    Heartbeat(u8),
    Advance(u8),
    Restart,
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        2 => (0..3u8).prop_map(Action::Start),
        2 => (0..3u8).prop_map(Action::Signal),
        1 => (0..3u8).prop_map(Action::Cancel),
        1 => (0..3u8).prop_map(Action::Terminate),
        4 => any::<bool>().prop_map(|sticky| Action::PollWorkflow { sticky }),
        4 => (0..4u8, 0..10u8, any::<bool>()).prop_map(|(task, plan, sticky)| Action::CompleteWorkflow { task, plan, sticky }),
        1 => (0..4u8).prop_map(Action::FailWorkflow),
        3 => Just(Action::PollActivity),
        3 => (0..4u8).prop_map(Action::CompleteActivity),
        2 => (0..4u8).prop_map(Action::FailActivity),
        1 => (0..4u8).prop_map(Action::Heartbeat),
        3 => (0..20u8).prop_map(Action::Advance),
        1 => Just(Action::Restart),
    ]
}

/// A worker that remembers the tasks it holds and acts on them as told.
#[derive(Default)]
struct FakeWorker {
    workflow_tasks: Vec<WorkflowTaskToken>,
    activity_tasks: Vec<ActivityTaskToken>,
    next_id: u32,
}

impl FakeWorker {
    fn take_answered_polls(&mut self, h: &mut Harness) {
        for (_, response) in std::mem::take(&mut h.other_responses) {
            self.remember(response);
        }
    }

    fn remember(&mut self, response: Response) {
        match response {
            Response::PollWorkflowTaskQueue(Some(task)) => {
                self.workflow_tasks.push(task.task_token)
            }
            Response::PollActivityTaskQueue(Some(task)) => {
                self.activity_tasks.push(task.task_token)
            }
            _ => {}
        }
    }

    fn commands(&mut self, plan: u8) -> Vec<Command> {
        self.next_id += 1;
        let id = self.next_id;
        let activity = || {
            schedule_activity_with(&format!("a{id}"), |a| {
                a.start_to_close_timeout = Some(secs(5));
                a.heartbeat_timeout = Some(secs(3));
                a.retry_policy = Some(RetryPolicy {
                    maximum_attempts: 3,
                    ..RetryPolicy::default()
                });
            })
        };
        match plan {
            0 => vec![],
            1 => vec![activity()],
            2 => vec![start_timer(&format!("t{id}"), secs(3))],
            3 => vec![complete_workflow("done")],
            4 => vec![Command::FailWorkflowExecution {
                failure: Failure::application("Wf", "failed"),
            }],
            5 => vec![
                activity(),
                start_timer(&format!("t{id}"), secs(7)),
                Command::RecordMarker {
                    marker_name: "m".into(),
                    details: Default::default(),
                    failure: None,
                },
            ],
            6 => vec![Command::ContinueAsNewWorkflowExecution(ContinueAsNew {
                workflow_type: WorkflowType::new("wf"),
                task_queue: TaskQueue::new(QUEUE),
                input: Payload::null(),
                workflow_run_timeout: None,
                workflow_task_timeout: None,
                backoff_start_interval: Some(secs(u64::from(id % 3))),
                memo: None,
            })],
            7 => vec![Command::RequestCancelActivityTask {
                scheduled_event_id: 5,
            }],
            8 => vec![Command::CancelTimer {
                timer_id: TimerId::new(format!("t{}", id - 1)),
            }],
            _ => vec![Command::ModifyWorkflowProperties {
                upserted_memo: memo(&[("k", Payload::from(i64::from(id)))]),
            }],
        }
    }
}

fn execution(k: u8) -> WorkflowExecution {
    WorkflowExecution {
        workflow_id: WorkflowId::new(format!("wf-{k}")),
        run_id: RunId::new(""),
    }
}

fn pick<T: Clone>(items: &mut Vec<T>, i: u8) -> Option<T> {
    if items.is_empty() {
        None
    } else {
        let i = usize::from(i) % items.len();
        Some(items.remove(i))
    }
}

fn run_actions(actions: &[Action]) -> Harness {
    let mut h = Harness::default();
    let mut worker = FakeWorker::default();
    for (step, action) in actions.iter().enumerate() {
        match action {
            Action::Start(k) => {
                let mut request = h.start_request(&format!("wf-{k}"));
                request.request_id = format!("start-{step}").into();
                request.workflow_execution_timeout = Some(secs(120));
                if k % 2 == 1 {
                    request.retry_policy = Some(RetryPolicy {
                        maximum_attempts: 3,
                        ..RetryPolicy::default()
                    });
                }
                h.call(Request::StartWorkflowExecution(Box::new(request)));
            }
            Action::Signal(k) => {
                h.signal(&execution(*k), "s", &format!("sig-{step}"));
            }
            Action::Cancel(k) => {
                h.call(Request::RequestCancelWorkflowExecution(
                    RequestCancelWorkflowExecutionRequest {
                        namespace: Namespace::default(),
                        workflow_execution: execution(*k),
                        identity: "client".into(),
                        request_id: format!("cancel-{step}").into(),
                        reason: "test".into(),
                    },
                ));
            }
            Action::Terminate(k) => {
                h.terminate(&execution(*k));
            }
            Action::PollWorkflow { sticky } => {
                if let Some(task) = h.poll_workflow_task_on(if *sticky { "sticky" } else { QUEUE })
                {
                    worker.workflow_tasks.push(task.task_token);
                }
            }
            Action::CompleteWorkflow { task, plan, sticky } => {
                if let Some(token) = pick(&mut worker.workflow_tasks, *task) {
                    let commands = worker.commands(*plan);
                    h.complete_workflow_task_sticky(&token, commands, sticky.then_some("sticky"));
                }
            }
            Action::FailWorkflow(i) => {
                if let Some(token) = pick(&mut worker.workflow_tasks, *i) {
                    h.fail_workflow_task(
                        &token,
                        WorkflowTaskFailedCause::WorkflowWorkerUnhandledFailure,
                    );
                }
            }
            Action::PollActivity => {
                if let Some(task) = h.poll_activity_task() {
                    worker.activity_tasks.push(task.task_token);
                }
            }
            Action::CompleteActivity(i) => {
                if let Some(token) = pick(&mut worker.activity_tasks, *i) {
                    h.complete_activity(&token, Payload::from("r"));
                }
            }
            Action::FailActivity(i) => {
                if let Some(token) = pick(&mut worker.activity_tasks, *i) {
                    h.fail_activity(&token, Failure::application("Boom", "x"));
                }
            }
            Action::Heartbeat(i) => {
                if let Some(token) = worker
                    .activity_tasks
                    .get(usize::from(*i) % worker.activity_tasks.len().max(1))
                {
                    let token = token.clone();
                    h.heartbeat(&token, Payload::from("hb"));
                }
            }
            Action::Advance(s) => {
                for (_, response) in h.advance(secs(u64::from(*s))) {
                    worker.remember(response);
                }
            }
            Action::Restart => h.restart(),
        }
        worker.take_answered_polls(&mut h);
    }
    h
}

/// Checks one history against the ordering rules.
fn check_history(run: &RunRecord) {
    let history = run.history();
    let at = |id: i64| &history[(id - 1) as usize];
    assert_eq!(history[0].event_type(), E::WorkflowExecutionStarted);
    let mut outstanding: Option<(i64, Option<i64>)> = None;
    let mut finished_activities = BTreeSet::new();
    let mut finished_timers = BTreeSet::new();
    for (i, event) in history.iter().enumerate() {
        let id = event.event_id;
        assert_eq!(id, i as i64 + 1, "ids rise by one");
        if i > 0 {
            assert!(
                history[i - 1].event_time <= event.event_time,
                "times never go back"
            );
        }
        let closing = event.event_type().closing_status();
        if let Some(status) = closing {
            assert_eq!(i, history.len() - 1, "the closing event is last");
            assert_eq!(run.status(), status);
        }
        if let Some(wtc) = event.attributes.workflow_task_completed_event_id() {
            assert!(
                wtc < id && at(wtc).event_type() == E::WorkflowTaskCompleted,
                "WTC of {id}"
            );
        }
        use EventAttributes as A;
        match &event.attributes {
            A::WorkflowTaskScheduled { .. } => {
                assert_eq!(outstanding, None, "at most one workflow task (event {id})");
                outstanding = Some((id, None));
            }
            A::WorkflowTaskStarted {
                scheduled_event_id, ..
            } => {
                assert_eq!(
                    outstanding,
                    Some((*scheduled_event_id, None)),
                    "started {id}"
                );
                outstanding = Some((*scheduled_event_id, Some(id)));
            }
            A::WorkflowTaskCompleted {
                scheduled_event_id,
                started_event_id,
                ..
            }
            | A::WorkflowTaskFailed {
                scheduled_event_id,
                started_event_id,
                ..
            } => {
                assert_eq!(
                    outstanding,
                    Some((*scheduled_event_id, Some(*started_event_id))),
                    "task end {id}"
                );
                outstanding = None;
            }
            A::WorkflowTaskTimedOut {
                scheduled_event_id,
                started_event_id,
                ..
            } => {
                let started = (*started_event_id != 0).then_some(*started_event_id);
                assert_eq!(
                    outstanding,
                    Some((*scheduled_event_id, started)),
                    "task timeout {id}"
                );
                outstanding = None;
            }
            A::ActivityTaskStarted {
                scheduled_event_id, ..
            } => {
                let next = history
                    .get(i + 1)
                    .expect("an outcome follows ActivityTaskStarted");
                assert!(matches!(
                    &next.attributes,
                    A::ActivityTaskCompleted { scheduled_event_id: s, started_event_id, .. }
                    | A::ActivityTaskFailed { scheduled_event_id: s, started_event_id, .. }
                    | A::ActivityTaskTimedOut { scheduled_event_id: s, started_event_id, .. }
                    | A::ActivityTaskCanceled { scheduled_event_id: s, started_event_id, .. }
                    if s == scheduled_event_id && *started_event_id == id
                ));
            }
            A::ActivityTaskCompleted {
                scheduled_event_id,
                started_event_id,
                ..
            }
            | A::ActivityTaskFailed {
                scheduled_event_id,
                started_event_id,
                ..
            }
            | A::ActivityTaskTimedOut {
                scheduled_event_id,
                started_event_id,
                ..
            }
            | A::ActivityTaskCanceled {
                scheduled_event_id,
                started_event_id,
                ..
            } => {
                assert_eq!(
                    at(*scheduled_event_id).event_type(),
                    E::ActivityTaskScheduled
                );
                assert!(
                    finished_activities.insert(*scheduled_event_id),
                    "one outcome per activity"
                );
                if *started_event_id != 0 {
                    assert_eq!(*started_event_id, id - 1);
                }
            }
            A::TimerFired {
                started_event_id, ..
            }
            | A::TimerCanceled {
                started_event_id, ..
            } => {
                assert_eq!(at(*started_event_id).event_type(), E::TimerStarted);
                assert!(
                    finished_timers.insert(*started_event_id),
                    "one outcome per timer"
                );
            }
            _ if closing.is_some() => outstanding = None,
            _ => {}
        }
    }
    if !history.last().unwrap().event_type().is_closing() {
        assert_eq!(run.status(), WorkflowExecutionStatus::Running);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_sequences_write_well_formed_histories(actions in prop::collection::vec(action(), 1..80)) {
        let h = run_actions(&actions);
        for run in h.service.store().runs() {
            check_history(run);
        }
    }

    #[test]
    fn same_sequence_gives_same_store(actions in prop::collection::vec(action(), 1..60)) {
        let a = run_actions(&actions);
        let b = run_actions(&actions);
        let histories = |h: &Harness| h.service.store().runs().map(|r| r.history().to_vec()).collect::<Vec<_>>();
        prop_assert_eq!(histories(&a), histories(&b));
        prop_assert_eq!(a.service.store().commit_count(), b.service.store().commit_count());
    }
}
