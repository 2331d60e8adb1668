//! Snapshots of parent and child histories side by side (text format), from
//! faultless runs: a fan-out of children, two executions signalling each
//! other, and a parent whose cancellation cancels its children. A change
//! to the engine shows up here as a readable diff of these histories.

use std::rc::Rc;
use tempest::codec::history_to_text;
use tempest::scenario::parse;
use tempest::scenario::runner::{run, Outcome};
use tempest::sim::RunOptions;
use tempest::workflow::Registry;

fn run_text(scenario: &str) -> Outcome {
    let scenario = parse(scenario).expect("valid scenario");
    let options = RunOptions {
        seed: 1,
        fault_schedule: None,
        keep_trace: false,
        sabotage: None,
        ..RunOptions::default()
    };
    run(&scenario, &Rc::new(Registry::library()), &options).expect("runs")
}

/// Every run of the outcome whose workflow id starts with `root`, parent
/// first (start order), each under a header naming it and its status.
fn side_by_side(outcome: &Outcome, root: &str) -> String {
    let mut text = String::new();
    for run in outcome
        .result
        .store
        .runs()
        .filter(|r| r.execution().workflow_id.as_str().starts_with(root))
    {
        text.push_str(&format!(
            "# {} {} {}\n",
            run.execution().workflow_id,
            run.workflow_type(),
            run.status()
        ));
        text.push_str(&history_to_text(&run.history()));
        text.push('\n');
    }
    text
}

#[test]
fn parent_children_fan_out_and_in() {
    let outcome = run_text(
        r#"{"name": "fan", "workers": {"count": 1}, "workflows": [
            {"type": "parent_children", "id_prefix": "p", "input": {"children": 2}}]}"#,
    );
    assert!(outcome.passed(), "{}", outcome.failure_line());
    insta::assert_snapshot!(side_by_side(&outcome, "p-1"));
}

#[test]
fn ping_pong_signals_between_parent_and_child() {
    let outcome = run_text(
        r#"{"name": "pp", "workers": {"count": 1}, "workflows": [
            {"type": "ping_pong", "id_prefix": "ping", "input": {"rounds": 2}}]}"#,
    );
    assert!(outcome.passed(), "{}", outcome.failure_line());
    insta::assert_snapshot!(side_by_side(&outcome, "ping-1"));
}

#[test]
fn cancel_tree_cancels_children_by_policy() {
    let outcome = run_text(
        r#"{"name": "tree", "workers": {"count": 1}, "workflows": [
            {"type": "cancel_tree", "id_prefix": "tree", "input": {"children": 1},
             "cancel_after": "1500ms", "expect": {"status": "Canceled"}}]}"#,
    );
    assert!(outcome.passed(), "{}", outcome.failure_line());
    insta::assert_snapshot!(side_by_side(&outcome, "tree-1"));
}
