//! Chains and children end to end, through the simulated world: the
//! bundled scenarios pass under swarm faults, faultless runs have the
//! exact chain shapes (continue-as-new, retries, cron slots, children), and
//! recorded parent histories replay — and catch a changed child command as
//! nondeterminism.

use std::path::Path;
use std::rc::Rc;
use tempest::model::*;
use tempest::scenario::runner::{run, Outcome};
use tempest::scenario::{load, parse};
use tempest::service::RunRecord;
use tempest::sim::RunOptions;
use tempest::worker::{quiet_panics, replay_execution, ReplayError};
use tempest::workflow::{Registry, WfContext, WfResult};

fn options(seed: u64) -> RunOptions {
    RunOptions {
        seed,
        fault_schedule: None,
        keep_trace: false,
        sabotage: None,
        ..RunOptions::default()
    }
}

fn run_text(scenario: &str, seed: u64) -> Outcome {
    let scenario = parse(scenario).expect("valid scenario");
    run(&scenario, &Rc::new(Registry::library()), &options(seed)).expect("runs")
}

fn runs_of<'a>(outcome: &'a Outcome, workflow_id: &str) -> Vec<&'a RunRecord> {
    outcome
        .result
        .store
        .runs()
        .filter(|r| r.execution().workflow_id.as_str() == workflow_id)
        .collect()
}

fn started(run: &RunRecord) -> EventAttributes {
    run.history()[0].attributes.clone()
}

#[test]
fn bundled_chain_scenarios_pass_under_swarm_faults() {
    quiet_panics();
    let registry = Rc::new(Registry::library());
    for name in ["children", "ping_pong", "continue_as_new", "cron"] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios")
            .join(format!("{name}.json"));
        let scenario = load(&path).expect("bundled scenario loads");
        for seed in 0..25 {
            let outcome = run(&scenario, &registry, &options(seed)).expect("runs");
            assert!(
                outcome.passed(),
                "{name} seed {seed}: {}",
                outcome.failure_line()
            );
        }
    }
}

#[test]
fn children_report_their_results_to_the_parent_that_names_them() {
    let outcome = run_text(
        r#"{"name": "fan", "workers": {"count": 1}, "workflows": [
            {"type": "parent_children", "id_prefix": "p", "input": {"children": 2},
             "expect": {"status": "Completed", "result": "c0 A B,c1 A B"}}]}"#,
        1,
    );
    assert!(outcome.passed(), "{}", outcome.failure_line());
    let parent = runs_of(&outcome, "p-1")[0];
    let completed = parent
        .history()
        .iter()
        .filter(|e| e.event_type() == EventType::ChildWorkflowExecutionCompleted)
        .count();
    assert_eq!(completed, 2);
    for child in ["p-1-child-0", "p-1-child-1"] {
        let runs = runs_of(&outcome, child);
        assert_eq!(runs.len(), 1);
        let EventAttributes::WorkflowExecutionStarted(started_attrs) = started(runs[0]) else {
            unreachable!()
        };
        let WorkflowExecutionStartedAttributes {
            parent_workflow_execution,
            ..
        } = &*started_attrs;
        assert_eq!(parent_workflow_execution.as_ref(), Some(parent.execution()));
    }
}

#[test]
fn counter_chain_continues_as_new_every_three_signals_and_counts_all_ten() {
    let outcome = run_text(
        r#"{"name": "can", "workers": {"count": 1}, "workflows": [
            {"type": "counter_continue_as_new", "id_prefix": "c", "input": {"every": 3, "total": 10},
             "signals": [{"name": "increment", "input": 1, "count": 10, "after": "1s", "spread": "20s"}],
             "expect": {"status": "Completed", "result": 10}}]}"#,
        1,
    );
    assert!(outcome.passed(), "{}", outcome.failure_line());
    let statuses: Vec<_> = runs_of(&outcome, "c-1")
        .iter()
        .map(|r| r.status())
        .collect();
    use WorkflowExecutionStatus as S;
    assert_eq!(
        statuses,
        [
            S::ContinuedAsNew,
            S::ContinuedAsNew,
            S::ContinuedAsNew,
            S::Completed
        ]
    );
}

#[test]
fn retrying_workflow_is_retried_with_the_policy_backoff_until_it_succeeds() {
    let outcome = run_text(
        r#"{"name": "retry", "workers": {"count": 1}, "workflows": [
            {"type": "retrying_workflow", "id_prefix": "r", "input": {"fail_attempts": 2},
             "retry_policy": {"initial_interval": "2s", "maximum_attempts": 5},
             "expect": {"status": "Completed", "result": "succeeded on attempt 3"}}]}"#,
        1,
    );
    assert!(outcome.passed(), "{}", outcome.failure_line());
    let attempts: Vec<_> = runs_of(&outcome, "r-1")
        .iter()
        .map(|r| match started(r) {
            EventAttributes::WorkflowExecutionStarted(started) => {
                (started.attempt, started.first_workflow_task_backoff)
            }
            _ => unreachable!(),
        })
        .collect();
    assert_eq!(
        attempts,
        [(1, None), (2, Some(secs(2))), (3, Some(secs(4)))]
    );
}

#[test]
fn cron_runs_start_at_each_slot_until_the_execution_timeout() {
    let outcome = run_text(
        r#"{"name": "cron", "workers": {"count": 1}, "workflows": [
            {"type": "cron_report", "id_prefix": "r", "input": "x", "cron_schedule": "*/2 * * * *",
             "execution_timeout": "9m", "expect": {"status": "Completed", "result": "report: x"}}]}"#,
        1,
    );
    assert!(outcome.passed(), "{}", outcome.failure_line());
    let runs = runs_of(&outcome, "r-1");
    let first_tasks: Vec<u64> = runs
        .iter()
        .map(|r| {
            let mut headers = Vec::new();
            r.for_each_event_header(|e| headers.push(e));
            headers
                .into_iter()
                .find(|e| e.event_type == EventType::WorkflowTaskScheduled)
                .expect("each run gets its first task")
                .event_time
                .since(SimTime::START)
                .as_secs()
        })
        .collect();
    assert_eq!(first_tasks, [120, 240, 360, 480]);
    assert!(runs
        .iter()
        .all(|r| r.status() == WorkflowExecutionStatus::Completed));
}

#[test]
fn a_bad_cron_schedule_is_rejected_by_validation() {
    let error = parse(
        r#"{"name": "badcron", "workers": {"count": 1}, "workflows": [
            {"type": "cron_report", "id_prefix": "r", "input": "x", "cron_schedule": "61 * * * *"}]}"#,
    )
    .expect_err("validation rejects the schedule");
    assert!(error.contains("workflows[0].cron_schedule"), "{error}");
}

async fn parent_children_changed(ctx: WfContext, _input: Payload) -> WfResult {
    let own_id = ctx.workflow_info().workflow_id;
    let child = ctx
        .child_workflow("sleep_for", &format!("{own_id}-child-0"), "c0")
        .start();
    child.result().await?;
    Ok(Payload::from("changed"))
}

#[test]
fn a_changed_child_workflow_type_is_nondeterminism_at_its_initiated_event() {
    let outcome = run_text(
        r#"{"name": "fan", "workers": {"count": 1}, "workflows": [
            {"type": "parent_children", "id_prefix": "p", "input": {"children": 2}}]}"#,
        1,
    );
    let parent = runs_of(&outcome, "p-1")[0];
    let library = Registry::library();
    let replayed = replay_execution(&library, parent.execution(), &parent.history()).unwrap();
    assert_eq!(replayed.result, Some(Ok(Payload::from("c0 A B,c1 A B"))));
    let mut changed = Registry::library();
    changed.register_workflow("parent_children", parent_children_changed);
    let error = replay_execution(&changed, parent.execution(), &parent.history()).unwrap_err();
    let ReplayError::Nondeterminism {
        event_id,
        event_type,
        produced,
        ..
    } = &error
    else {
        panic!("expected nondeterminism, got {error}");
    };
    assert_eq!(
        (*event_id, *event_type),
        (5, EventType::StartChildWorkflowExecutionInitiated)
    );
    assert!(produced.contains("sleep_for"), "{produced}");
}

async fn cancels_its_child(ctx: WfContext, _input: Payload) -> WfResult {
    let child = ctx
        .child_workflow(
            "cancellable",
            "kid",
            Payload::new(serde_json::json!({"iterations": 1000})),
        )
        .start();
    child.started().await?;
    child.cancel().await?;
    let outcome = child.result().await.expect_err("the child ends canceled");
    let missing = ctx.signal_external("nobody", "ping", 1).await;
    let text = format!("{} / {}", outcome.message, missing.is_err());
    Ok(Payload::from(text.as_str()))
}

#[test]
fn a_parent_cancels_its_child_and_learns_of_a_missing_signal_target() {
    let mut registry = Registry::library();
    registry.register_workflow("cancels_its_child", cancels_its_child);
    let scenario = parse(
        r#"{"name": "cancel", "workers": {"count": 1}, "workflows": [
            {"type": "cancels_its_child", "id_prefix": "p",
             "expect": {"status": "Completed", "result": "child workflow canceled / true"}}]}"#,
    )
    .unwrap();
    let outcome = run(&scenario, &Rc::new(registry), &options(1)).expect("runs");
    assert!(outcome.passed(), "{}", outcome.failure_line());
    let kid = runs_of(&outcome, "kid");
    assert_eq!(kid[0].status(), WorkflowExecutionStatus::Canceled);
}
