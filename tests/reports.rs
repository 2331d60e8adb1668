//! Violation reports and the simulation-determinism invariant: a failing
//! run's report names the seed, scenario, fault profile and invariant and
//! shows the history with the offending event marked; two runs of a seed
//! compare equal, and different runs give a `simulation.deterministic`
//! violation with a diff of their histories.

use std::path::Path;
use std::rc::Rc;
use tempest::check::compare_runs;
use tempest::sabotage::Sabotage;
use tempest::scenario::{self, runner, Scenario};
use tempest::sim::RunOptions;
use tempest::workflow::Registry;

fn load(name: &str) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(format!("{name}.json"));
    scenario::load(&path).expect("bundled scenario loads")
}

fn run(name: &str, seed: u64, sabotage: Option<Sabotage>) -> runner::Outcome {
    let options = RunOptions {
        seed,
        sabotage,
        ..RunOptions::default()
    };
    runner::run(&load(name), &Rc::new(Registry::library()), &options).expect("runs")
}

#[test]
fn a_failing_run_reports_seed_scenario_invariant_and_marks_the_event() {
    let outcome = run(
        "sabotage_duplicates",
        0,
        Some(Sabotage::DuplicateActivityCompletion),
    );
    let report = outcome.violation_report(&Registry::library());
    assert!(report.contains("seed         0\n"), "{report}");
    assert!(report.contains("scenario     sabotage_duplicates\n"));
    assert!(report.contains("faults       custom\n"));
    assert!(report.contains("invariant    history.single_outcome\n"));
    let marked: Vec<&str> = report.lines().filter(|l| l.starts_with(">>")).collect();
    assert_eq!(marked.len(), 1, "{report}");
    assert!(marked[0].contains("ActivityTaskCompleted"), "{}", marked[0]);
}

#[test]
fn a_passing_run_has_no_report() {
    let outcome = run("two_activities", 1, None);
    assert!(outcome.passed());
    assert_eq!(outcome.violation_report(&Registry::library()), "");
}

#[test]
fn a_seed_run_twice_compares_equal() {
    let first = run("sabotage_signal_faults", 3, None);
    let second = run("sabotage_signal_faults", 3, None);
    assert_eq!(compare_runs(&first.result, &second.result), None);
}

#[test]
fn different_runs_are_a_determinism_violation_with_a_history_diff() {
    let first = run("sabotage_signal_faults", 3, None);
    let second = run("sabotage_signal_faults", 4, None);
    let v = compare_runs(&first.result, &second.result).expect("the runs differ");
    assert_eq!(v.invariant, "simulation.deterministic");
    assert!(
        v.message.contains("--- run 1\n+++ run 2\n"),
        "{}",
        v.message
    );
}
