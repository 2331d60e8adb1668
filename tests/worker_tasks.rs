//! The workflow worker answering tasks: fresh runs, sticky continuation,
//! cache misses, transient tasks, panics, timers, signals, cancellation,
//! memo, and activity execution.

#![allow(clippy::result_large_err)] // activities return Result<Payload, Failure> by contract

mod worker_support;

use std::cell::Cell;
use std::rc::Rc;
use tempest::model::*;
use tempest::service::api::*;
use tempest::worker::{execute_activity, quiet_panics, ActivityOutcome, WorkflowWorker};
use tempest::workflow::{Registry, WfContext, WfResult};
use worker_support::*;

fn library_worker(capacity: usize) -> WorkflowWorker {
    WorkflowWorker::new("w1", Rc::new(Registry::library()), capacity)
}

#[test]
fn fresh_run_schedules_the_first_activity() {
    let mut worker = library_worker(4);
    let mut h = HistoryBuilder::start("two_activities", "Alice");
    h.wft_started();
    let request = worker.process(&h.task(1));
    let Request::RespondWorkflowTaskCompleted(done) = &request else {
        panic!("{request:?}")
    };
    assert_eq!(
        done.sticky_task_queue.as_ref().map(TaskQueue::as_str),
        Some("w1-sticky")
    );
    assert_eq!(done.identity, "w1".into());
    let commands = completed_commands(request);
    assert_eq!(commands.len(), 1);
    assert_eq!(
        scheduled_activity(&commands[0]),
        ("activity_a".into(), "1".into(), Payload::from("Alice"))
    );
    assert_eq!(worker.cache_len(), 1);
}

#[test]
fn completed_activity_leads_to_the_next_command() {
    let mut worker = library_worker(4);
    let mut h = HistoryBuilder::start("two_activities", "Alice");
    h.wft_started_completed();
    let a = h.activity_scheduled("1", "activity_a", "Alice");
    h.activity_completed(a, "Alice A");
    h.wft_scheduled(1);
    h.wft_started();
    let commands = completed_commands(worker.process(&h.task(1)));
    assert_eq!(
        scheduled_activity(&commands[0]),
        ("activity_b".into(), "2".into(), Payload::from("Alice A"))
    );
}

#[test]
fn last_task_completes_the_run_and_evicts_it() {
    let mut worker = library_worker(4);
    let mut h = HistoryBuilder::start("two_activities", "Alice");
    h.wft_started_completed();
    let a = h.activity_scheduled("1", "activity_a", "Alice");
    h.activity_completed(a, "Alice A");
    h.wft();
    let b = h.activity_scheduled("2", "activity_b", "Alice A");
    h.activity_completed(b, "Alice A B");
    h.wft_scheduled(1);
    h.wft_started();
    let commands = completed_commands(worker.process(&h.task(1)));
    assert_eq!(
        commands,
        vec![Command::CompleteWorkflowExecution {
            result: Payload::from("Alice A B")
        }]
    );
    assert_eq!(worker.cache_len(), 0);
}

#[test]
fn sticky_task_for_an_uncached_run_asks_for_a_sticky_reset() {
    let mut worker = library_worker(4);
    let mut h = HistoryBuilder::start("two_activities", "Alice");
    h.wft_started_completed();
    let a = h.activity_scheduled("1", "activity_a", "Alice");
    h.activity_completed(a, "Alice A");
    h.wft_scheduled(1);
    h.wft_started();
    let failed = failed_task(worker.process(&h.task(4)));
    assert_eq!(failed.cause, WorkflowTaskFailedCause::ResetStickyTaskQueue);
}

/// two_activities that counts how often its code is instantiated (i.e. replayed).
fn counting_registry(starts: Rc<Cell<u32>>) -> Registry {
    let mut registry = Registry::library();
    registry.register_workflow("counted", move |ctx: WfContext, input: Payload| {
        starts.set(starts.get() + 1);
        tempest::workflow::library::two_activities(ctx, input)
    });
    registry
}

#[test]
fn cached_run_continues_from_new_events_without_replay() {
    let starts = Rc::new(Cell::new(0));
    let mut worker = WorkflowWorker::new("w1", Rc::new(counting_registry(starts.clone())), 4);
    let mut h = HistoryBuilder::start("counted", "Alice");
    h.wft_started();
    completed_commands(worker.process(&h.task(1)));
    let first_new = h.wft_completed();
    let a = h.activity_scheduled("1", "activity_a", "Alice");
    h.activity_completed(a, "Alice A");
    h.wft_scheduled(1);
    h.wft_started();
    let commands = completed_commands(worker.process(&h.task(first_new)));
    assert_eq!(scheduled_activity(&commands[0]).0, "activity_b");
    assert_eq!(starts.get(), 1);
}

#[test]
fn full_history_that_continues_a_cached_run_feeds_only_the_new_events() {
    let starts = Rc::new(Cell::new(0));
    let mut worker = WorkflowWorker::new("w1", Rc::new(counting_registry(starts.clone())), 4);
    let mut h = HistoryBuilder::start("counted", "Alice");
    h.wft_started();
    completed_commands(worker.process(&h.task(1)));
    h.wft_completed();
    let a = h.activity_scheduled("1", "activity_a", "Alice");
    h.activity_completed(a, "Alice A");
    h.wft_scheduled(1);
    h.wft_started();
    let commands = completed_commands(worker.process(&h.task(1)));
    assert_eq!(scheduled_activity(&commands[0]).0, "activity_b");
    assert_eq!(starts.get(), 1);
}

#[test]
fn full_history_that_diverges_from_the_cached_run_is_replayed_from_the_start() {
    let starts = Rc::new(Cell::new(0));
    let mut worker = WorkflowWorker::new("w1", Rc::new(counting_registry(starts.clone())), 4);
    let mut h = HistoryBuilder::start("counted", "Alice");
    h.wft_started();
    completed_commands(worker.process(&h.task(1)));
    // Our answer was lost: the task timed out and is retried with a full history.
    h.wft_failed(WorkflowTaskFailedCause::Other("timed out".into()));
    h.wft_scheduled(1);
    h.wft_started();
    let commands = completed_commands(worker.process(&h.task(1)));
    assert_eq!(scheduled_activity(&commands[0]).0, "activity_a");
    assert_eq!(starts.get(), 2);
}

#[test]
fn sticky_task_that_does_not_follow_the_cached_task_asks_for_a_reset() {
    let mut worker = library_worker(4);
    let mut h = HistoryBuilder::start("two_activities", "Alice");
    h.wft_started();
    completed_commands(worker.process(&h.task(1)));
    // Our answer was lost: the task timed out and was retried elsewhere.
    let first_new = h.wft_failed(WorkflowTaskFailedCause::Other("timed out".into()));
    h.wft_scheduled(1);
    h.wft_started();
    let failed = failed_task(worker.process(&h.task(first_new)));
    assert_eq!(failed.cause, WorkflowTaskFailedCause::ResetStickyTaskQueue);
    assert_eq!(worker.cache_len(), 0);
}

#[test]
fn transient_task_after_a_failed_attempt_is_answered() {
    let mut worker = library_worker(4);
    let mut h = HistoryBuilder::start("two_activities", "Alice");
    h.wft_started();
    h.wft_failed(WorkflowTaskFailedCause::WorkflowWorkerUnhandledFailure);
    h.wft_scheduled(2);
    h.wft_started();
    let task = h.task(1);
    assert_eq!(task.attempt, 2);
    let commands = completed_commands(worker.process(&task));
    assert_eq!(scheduled_activity(&commands[0]).0, "activity_a");
}

async fn panics_on_signal(ctx: WfContext, _input: Payload) -> WfResult {
    ctx.signal_channel("boom").recv().await;
    panic!("boom signal received")
}

#[test]
fn panicking_workflow_fails_the_task_and_the_worker_stays_usable() {
    quiet_panics();
    let mut registry = Registry::library();
    registry.register_workflow("panics", panics_on_signal);
    let mut worker = WorkflowWorker::new("w1", Rc::new(registry), 4);
    let mut h = HistoryBuilder::start("panics", Payload::null());
    h.signal("boom", Payload::null());
    h.wft_started();
    let failed = failed_task(worker.process(&h.task(1)));
    assert_eq!(
        failed.cause,
        WorkflowTaskFailedCause::WorkflowWorkerUnhandledFailure
    );
    assert!(
        failed.failure.message.contains("boom signal received"),
        "{}",
        failed.failure.message
    );
    assert_eq!(worker.cache_len(), 0);

    let mut other = HistoryBuilder::start("two_activities", "Bob");
    other.wft_started();
    assert_eq!(completed_commands(worker.process(&other.task(1))).len(), 1);
}

#[test]
fn sleep_for_starts_a_timer_then_completes_when_it_fires() {
    let mut worker = library_worker(4);
    let mut h = HistoryBuilder::start("sleep_for", "365d");
    h.wft_started();
    let commands = completed_commands(worker.process(&h.task(1)));
    let year = Duration::from_secs(365 * 86_400);
    assert_eq!(
        commands,
        vec![Command::StartTimer {
            timer_id: TimerId::new("1"),
            start_to_fire_timeout: year
        }]
    );
    let first_new = h.wft_completed();
    let t = h.timer_started("1", year);
    h.timer_fired("1", t);
    h.wft_scheduled(1);
    h.wft_started();
    let commands = completed_commands(worker.process(&h.task(first_new)));
    assert_eq!(
        commands,
        vec![Command::CompleteWorkflowExecution {
            result: Payload::from("365d")
        }]
    );
}

#[test]
fn signals_that_arrived_before_the_code_listened_are_delivered_in_order() {
    let mut worker = library_worker(4);
    let mut h = HistoryBuilder::start("signal_counter", serde_json::json!({"signals": 3}));
    h.signal("increment", 1);
    h.signal("other", 100);
    h.signal("increment", 10);
    h.wft_started();
    assert!(completed_commands(worker.process(&h.task(1))).is_empty());
    let first_new = h.wft_completed();
    h.signal("increment", 100);
    h.wft_scheduled(1);
    h.wft_started();
    let commands = completed_commands(worker.process(&h.task(first_new)));
    assert_eq!(
        commands,
        vec![Command::CompleteWorkflowExecution {
            result: Payload::from(111)
        }]
    );
}

#[test]
fn cancel_request_makes_cancellable_cancel_its_timer_and_end_canceled() {
    let mut worker = library_worker(4);
    let mut h = HistoryBuilder::start("cancellable", serde_json::json!({"iterations": 3}));
    h.wft_started();
    let commands = completed_commands(worker.process(&h.task(1)));
    assert!(
        matches!(&commands[..], [Command::StartTimer { .. }]),
        "{commands:?}"
    );
    let first_new = h.wft_completed();
    h.timer_started("1", secs(1));
    h.cancel_requested();
    h.wft_scheduled(1);
    h.wft_started();
    let commands = completed_commands(worker.process(&h.task(first_new)));
    assert_eq!(
        commands,
        vec![
            Command::CancelTimer {
                timer_id: TimerId::new("1")
            },
            Command::CancelWorkflowExecution { details: None }
        ]
    );
}

#[test]
fn cancel_request_makes_cancellable_cancel_its_activity() {
    let mut worker = library_worker(4);
    let mut h = HistoryBuilder::start("cancellable", serde_json::json!({"iterations": 3}));
    h.wft_started_completed();
    let t = h.timer_started("1", secs(1));
    h.timer_fired("1", t);
    h.wft();
    let a = h.activity_scheduled("1", "echo", 1);
    h.cancel_requested();
    h.wft_scheduled(1);
    h.wft_started();
    let commands = completed_commands(worker.process(&h.task(1)));
    assert_eq!(
        commands,
        vec![
            Command::RequestCancelActivityTask {
                scheduled_event_id: a
            },
            Command::CancelWorkflowExecution { details: None }
        ]
    );
}

async fn cancel_before_sending(ctx: WfContext, _input: Payload) -> WfResult {
    let activity = ctx.activity("echo", 1).start();
    let timer = ctx.timer(secs(5));
    activity.cancel();
    timer.cancel();
    let activity_result = activity.await;
    let timer_result = timer.await;
    Ok(Payload::from(i64::from(
        activity_result.is_err() && timer_result.is_err(),
    )))
}

#[test]
fn work_canceled_in_the_same_task_never_reaches_the_service() {
    let mut registry = Registry::new();
    registry.register_workflow("cancel_before_sending", cancel_before_sending);
    let mut worker = WorkflowWorker::new("w1", Rc::new(registry), 4);
    let mut h = HistoryBuilder::start("cancel_before_sending", Payload::null());
    h.wft_started();
    let commands = completed_commands(worker.process(&h.task(1)));
    assert_eq!(
        commands,
        vec![Command::CompleteWorkflowExecution {
            result: Payload::from(1)
        }]
    );
}

async fn memo_workflow(ctx: WfContext, _input: Payload) -> WfResult {
    ctx.upsert_memo(Memo::from([("stage".to_owned(), Payload::from("one"))]));
    Ok(Payload::null())
}

#[test]
fn upsert_memo_produces_modify_workflow_properties() {
    let mut registry = Registry::new();
    registry.register_workflow("memo", memo_workflow);
    let mut worker = WorkflowWorker::new("w1", Rc::new(registry), 4);
    let mut h = HistoryBuilder::start("memo", Payload::null());
    h.wft_started();
    let commands = completed_commands(worker.process(&h.task(1)));
    assert_eq!(
        commands[0],
        Command::ModifyWorkflowProperties {
            upserted_memo: Memo::from([("stage".to_owned(), Payload::from("one"))])
        }
    );
    assert_eq!(
        commands[1],
        Command::CompleteWorkflowExecution {
            result: Payload::null()
        }
    );
}

#[test]
fn failing_workflow_produces_fail_workflow_execution() {
    let mut worker = library_worker(4);
    let mut h = HistoryBuilder::start("failing", Payload::null());
    h.wft_started();
    let commands = completed_commands(worker.process(&h.task(1)));
    let [Command::FailWorkflowExecution { failure }] = &commands[..] else {
        panic!("{commands:?}")
    };
    assert_eq!(failure.application_type(), Some("IntentionalFailure"));
}

#[test]
fn cache_evicts_the_least_recently_used_run_beyond_capacity() {
    let mut worker = library_worker(1);
    let mut h = HistoryBuilder::start("two_activities", "Alice");
    h.wft_started();
    let mut first = h.task(1);
    completed_commands(worker.process(&first));
    let mut second = h.task(1);
    second.workflow_execution.run_id = RunId::new("run-2");
    completed_commands(worker.process(&second));
    assert_eq!(worker.cache_len(), 1);
    // The first run was evicted: a sticky task for it needs a reset.
    first.first_event_id = 4;
    first.history = Vec::new().into();
    assert_eq!(
        failed_task(worker.process(&first)).cause,
        WorkflowTaskFailedCause::ResetStickyTaskQueue
    );
    worker.evict(&second.workflow_execution);
    assert_eq!(worker.cache_len(), 0);
}

fn activity_task(
    activity_type: &str,
    input: Payload,
    attempt: u32,
) -> PollActivityTaskQueueResponse {
    PollActivityTaskQueueResponse {
        task_token: ActivityTaskToken {
            execution: execution(),
            run_hint: 0,
            scheduled_event_id: 5,
            attempt,
        },
        workflow_execution: execution(),
        workflow_type: WorkflowType::new("two_activities"),
        activity_id: ActivityId::new("1"),
        activity_type: ActivityType::new(activity_type),
        input,
        attempt,
        scheduled_time: SimTime::START,
        started_time: SimTime::START,
        schedule_to_close_timeout: None,
        start_to_close_timeout: Some(secs(10)),
        heartbeat_timeout: None,
        heartbeat_details: None,
    }
}

#[test]
fn activities_compute_their_results_from_input_and_attempt() {
    let registry = Registry::library();
    assert_eq!(
        execute_activity(
            &registry,
            &activity_task("activity_a", Payload::from("Alice"), 1)
        ),
        ActivityOutcome::Completed(Payload::from("Alice A"))
    );
    let flaky_input = Payload::new(serde_json::json!({"succeed_on_attempt": 3, "value": "done"}));
    let ActivityOutcome::Failed(failure) =
        execute_activity(&registry, &activity_task("flaky", flaky_input.clone(), 2))
    else {
        panic!("attempt 2 must fail")
    };
    assert!(!failure.is_non_retryable());
    assert_eq!(
        execute_activity(&registry, &activity_task("flaky", flaky_input, 3)),
        ActivityOutcome::Completed(Payload::from("done"))
    );
    let ActivityOutcome::Failed(failure) = execute_activity(
        &registry,
        &activity_task("fail_permanently", Payload::null(), 1),
    ) else {
        panic!("must fail")
    };
    assert!(failure.is_non_retryable());
}

fn panicking_activity(
    _ctx: &tempest::workflow::ActivityContext,
    _input: Payload,
) -> Result<Payload, Failure> {
    panic!("activity blew up")
}

#[test]
fn panicking_activity_becomes_a_panic_error_failure() {
    quiet_panics();
    let mut registry = Registry::new();
    registry.register_activity("boom", panicking_activity);
    let ActivityOutcome::Failed(failure) =
        execute_activity(&registry, &activity_task("boom", Payload::null(), 1))
    else {
        panic!("must fail")
    };
    assert_eq!(failure.application_type(), Some("PanicError"));
    assert!(failure.message.contains("activity blew up"));
}

#[test]
fn library_registers_every_workflow_and_activity() {
    let registry = Registry::library();
    assert_eq!(
        registry.workflow_names(),
        vec![
            "always_panics",
            "bounded_retries",
            "call_activity",
            "cancel_tree",
            "cancellable",
            "counter_continue_as_new",
            "cron_report",
            "failing",
            "parent_children",
            "ping_pong",
            "pong",
            "retrying_workflow",
            "saga",
            "signal_counter",
            "sleep_for",
            "two_activities",
            "two_activities_changed"
        ]
    );
    for activity in [
        "activity_a",
        "activity_b",
        "echo",
        "flaky",
        "fail_permanently",
        "saga_step",
        "saga_compensate",
    ] {
        assert!(registry.has_activity(activity), "{activity}");
    }
    assert!(registry.has_workflow("two_activities") && !registry.has_workflow("nope"));
}

async fn continues(ctx: WfContext, input: Payload) -> WfResult {
    let next = input.as_i64().unwrap_or(0) + 1;
    Err(ctx.continue_as_new(next))
}

#[test]
fn continue_as_new_exit_produces_its_command_for_the_same_type_and_queue() {
    let mut registry = Registry::new();
    registry.register_workflow("continues", continues);
    let mut worker = WorkflowWorker::new("w1", Rc::new(registry), 4);
    let mut h = HistoryBuilder::start("continues", 1);
    h.wft_started();
    let commands = completed_commands(worker.process(&h.task(1)));
    let [Command::ContinueAsNewWorkflowExecution(next)] = &commands[..] else {
        panic!("{commands:?}")
    };
    assert_eq!(
        (next.workflow_type.as_str(), next.task_queue.as_str()),
        ("continues", "tq")
    );
    assert_eq!(next.input, Payload::from(2));
}

async fn waits_for_two_signals(ctx: WfContext, _input: Payload) -> WfResult {
    let channel = ctx.signal_channel("go");
    let received = Rc::new(Cell::new(0));
    let seen = received.clone();
    let _ = tempest::workflow::select(
        async {
            loop {
                channel.recv().await;
                received.set(received.get() + 1);
            }
        },
        ctx.wait_condition(move || seen.get() >= 2),
    )
    .await;
    let info = ctx.workflow_info();
    Ok(Payload::new(serde_json::json!([
        info.workflow_id.as_str(),
        info.run_id.as_str(),
        ctx.now().to_rfc3339()
    ])))
}

#[test]
fn wait_condition_resolves_once_code_state_satisfies_it() {
    let mut registry = Registry::new();
    registry.register_workflow("waits", waits_for_two_signals);
    let mut worker = WorkflowWorker::new("w1", Rc::new(registry), 4);
    let mut h = HistoryBuilder::start("waits", Payload::null());
    h.signal("go", 1);
    h.wft_started();
    assert!(completed_commands(worker.process(&h.task(1))).is_empty());
    let first_new = h.wft_completed();
    h.signal("go", 2);
    h.wft_scheduled(1);
    let started = h.wft_started();
    let commands = completed_commands(worker.process(&h.task(first_new)));
    let now = (SimTime::START + secs(started as u64)).to_rfc3339();
    assert_eq!(
        commands,
        vec![Command::CompleteWorkflowExecution {
            result: Payload::new(serde_json::json!(["wf-1", "run-1", now]))
        }]
    );
}

#[test]
fn cache_keeps_the_recently_used_run_and_evicts_the_other() {
    let mut worker = library_worker(2);
    let for_run = |run: &str, task: &PollWorkflowTaskQueueResponse| {
        let mut task = task.clone();
        task.workflow_execution.run_id = RunId::new(run);
        task
    };
    let mut h = HistoryBuilder::start("two_activities", "Alice");
    h.wft_started();
    let first_task = h.task(1);
    completed_commands(worker.process(&for_run("run-1", &first_task)));
    completed_commands(worker.process(&for_run("run-2", &first_task)));
    let first_new = h.wft_completed();
    let a = h.activity_scheduled("1", "activity_a", "Alice");
    h.activity_completed(a, "Alice A");
    h.wft_scheduled(1);
    h.wft_started();
    let sticky_task = h.task(first_new);
    // run-1 is used again, so run-3 pushes run-2 out.
    completed_commands(worker.process(&for_run("run-1", &sticky_task)));
    completed_commands(worker.process(&for_run("run-3", &first_task)));
    assert_eq!(worker.cache_len(), 2);
    let reset = failed_task(worker.process(&for_run("run-2", &sticky_task)));
    assert_eq!(reset.cause, WorkflowTaskFailedCause::ResetStickyTaskQueue);
    assert_eq!(worker.cache_len(), 2);
}

#[test]
fn the_least_recently_used_run_is_evicted_beyond_capacity() {
    let mut worker = library_worker(2);
    let mut h = HistoryBuilder::start("two_activities", "Alice");
    h.wft_started();
    let first_task = |run: &str| {
        let mut task = h.task(1);
        task.workflow_execution.run_id = RunId::new(run);
        task
    };
    let (r1, r2, r3) = (first_task("r1"), first_task("r2"), first_task("r3"));
    completed_commands(worker.process(&r1));
    completed_commands(worker.process(&r2));
    let first_new = h.wft_completed();
    let a = h.activity_scheduled("1", "activity_a", "Alice");
    h.activity_completed(a, "Alice A");
    h.wft_scheduled(1);
    h.wft_started();
    let continuation = |run: &str| {
        let mut task = h.task(first_new);
        task.workflow_execution.run_id = RunId::new(run);
        task
    };
    // r1 is used again, so r2 is now the least recently used.
    completed_commands(worker.process(&continuation("r1")));
    completed_commands(worker.process(&r3));
    assert_eq!(worker.cache_len(), 2);
    let failed = failed_task(worker.process(&continuation("r2")));
    assert_eq!(failed.cause, WorkflowTaskFailedCause::ResetStickyTaskQueue);
    let commands = completed_commands(worker.process(&continuation("r3")));
    assert_eq!(scheduled_activity(&commands[0]).0, "activity_b");
}
