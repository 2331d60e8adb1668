//! Minimisation: a sabotaged seed's fault schedule shrinks to a few faults
//! that still fail the same invariant when replayed.

use std::path::Path;
use std::rc::Rc;
use tempest::sabotage::Sabotage;
use tempest::scenario::minimize::minimize;
use tempest::scenario::{self, runner};
use tempest::sim::RunOptions;
use tempest::workflow::Registry;

#[test]
fn a_minimised_schedule_is_much_smaller_and_fails_the_same_invariant() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/sabotage_duplicates.json");
    let scenario = scenario::load(&path).expect("bundled scenario loads");
    let registry = Rc::new(Registry::library());
    let sabotage = Some(Sabotage::DuplicateActivityCompletion);
    let found = minimize(&scenario, &registry, 1, sabotage).expect("seed 1 fails");
    assert_eq!(found.invariant, "history.single_outcome");
    assert!(found.original_faults >= 20, "{}", found.original_faults);
    assert!(
        found.schedule.faults.len() * 10 <= found.original_faults,
        "{} of {} faults kept",
        found.schedule.faults.len(),
        found.original_faults
    );
    let options = RunOptions {
        seed: 1,
        fault_schedule: Some(found.schedule.clone()),
        sabotage,
        keep_trace: false,
        ..RunOptions::default()
    };
    let replayed = runner::run(&scenario, &registry, &options).expect("runs");
    assert!(replayed
        .violations
        .iter()
        .any(|v| v.invariant == "history.single_outcome"));
}

#[test]
fn a_passing_seed_has_nothing_to_minimise() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/two_activities.json");
    let scenario = scenario::load(&path).expect("bundled scenario loads");
    let err = minimize(&scenario, &Rc::new(Registry::library()), 1, None).unwrap_err();
    assert!(err.contains("nothing to minimise"), "{err}");
}

#[test]
fn executions_the_failure_does_not_need_are_removed() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/sabotage_duplicates.json");
    let scenario = scenario::load(&path).expect("bundled scenario loads");
    let registry = Rc::new(Registry::library());
    let sabotage = Some(Sabotage::DuplicateActivityCompletion);
    let found = minimize(&scenario, &registry, 1, sabotage).expect("seed 1 fails");
    assert_eq!(found.original_executions, 3);
    assert!(found.scenario.execution_count() < 3, "no execution removed");
    let options = RunOptions {
        seed: 1,
        fault_schedule: Some(found.schedule.clone()),
        sabotage,
        keep_trace: false,
        ..RunOptions::default()
    };
    let replayed = runner::run(&found.scenario, &registry, &options).expect("runs");
    assert!(replayed
        .violations
        .iter()
        .any(|v| v.invariant == found.invariant));
}
