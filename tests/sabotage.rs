//! Every planted bug is caught: each sabotage, run on seeds of a bundled
//! scenario, makes the invariant that guards its guarantee fire within a
//! stated number of seeds — and with no sabotage those same seeds pass.
//! The sabotage table in README.md is this list.

use std::path::Path;
use std::rc::Rc;
use tempest::sabotage::Sabotage;
use tempest::scenario::{self, runner, Scenario};
use tempest::sim::RunOptions;
use tempest::workflow::Registry;

/// (sabotage, bundled scenario, invariant that must fire, seeds allowed).
const TABLE: &[(&str, &str, &str, u64)] = &[
    (
        "timer_not_persisted",
        "sabotage_timers",
        "liveness.closes_within_bound",
        5,
    ),
    (
        "duplicate_activity_completion",
        "sabotage_duplicates",
        "history.single_outcome",
        5,
    ),
    (
        "signal_lost_during_task",
        "sabotage_signals",
        "effects.acknowledged_signal_recorded",
        3,
    ),
    (
        "stale_workflow_task_completion",
        "sabotage_duplicates",
        "history.workflow_task_lifecycle",
        5,
    ),
    (
        "buffered_events_dropped_on_restart",
        "sabotage_signal_faults",
        "effects.acknowledged_signal_recorded",
        10,
    ),
    (
        "retry_ignores_max_attempts",
        "sabotage_retries",
        "effects.retry_attempts_within_policy",
        1,
    ),
    (
        "status_before_close",
        "sabotage_signals",
        "status.matches_closing_event",
        3,
    ),
    (
        "signal_dedup_skipped",
        "sabotage_signal_faults",
        "effects.signal_applied_once",
        10,
    ),
];

fn load(name: &str) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(format!("{name}.json"));
    scenario::load(&path).expect("bundled scenario loads")
}

/// The invariant ids that fired on one seed.
fn fired(scenario: &Scenario, seed: u64, sabotage: Option<Sabotage>) -> Vec<&'static str> {
    let registry = Rc::new(Registry::library());
    let options = RunOptions {
        seed,
        sabotage,
        ..RunOptions::default()
    };
    let outcome = runner::run(scenario, &registry, &options).expect("scenario runs");
    outcome.violations.iter().map(|v| v.invariant).collect()
}

/// The first seed (of `0..seeds`) on which `invariant` fires under `name`.
fn first_catching_seed(name: &str, scenario: &str, invariant: &str, seeds: u64) -> Option<u64> {
    let sabotage = Sabotage::from_name(name).expect("known sabotage");
    let scenario = load(scenario);
    (0..seeds).find(|&seed| fired(&scenario, seed, Some(sabotage)).contains(&invariant))
}

fn assert_caught(name: &str) {
    let &(_, scenario, invariant, seeds) = TABLE
        .iter()
        .find(|row| row.0 == name)
        .expect("the sabotage is in the table");
    assert!(
        first_catching_seed(name, scenario, invariant, seeds).is_some(),
        "{name}: {invariant} did not fire within {seeds} seeds of {scenario}"
    );
}

/// The worker-side sabotage needs changed code on one worker, and a bad
/// deploy is itself caught on seeds where the changed worker starts a run.
/// So it is judged per execution: on some seed, an execution that has no
/// violation without the sabotage fails `replay.deterministic` with it.
const WORKER_ROW: (&str, &str, &str, u64) = (
    "replay_ignores_activity_type",
    "sabotage/changed_code",
    "replay.deterministic",
    5,
);

#[test]
fn every_sabotage_is_in_the_table() {
    for s in Sabotage::all() {
        assert!(
            TABLE
                .iter()
                .chain([&WORKER_ROW])
                .any(|row| row.0 == s.name()),
            "{s} has no row"
        );
    }
}

/// (workflow id, invariant) of every violation of one seed.
fn violations_by_execution(
    scenario: &Scenario,
    seed: u64,
    sabotage: Option<Sabotage>,
) -> Vec<(String, &'static str)> {
    let registry = Rc::new(Registry::library());
    let options = RunOptions {
        seed,
        sabotage,
        ..RunOptions::default()
    };
    let outcome = runner::run(scenario, &registry, &options).expect("scenario runs");
    outcome
        .violations
        .iter()
        .map(|v| {
            let id = v
                .execution
                .as_ref()
                .map(|e| e.workflow_id.as_str().to_owned());
            (id.unwrap_or_default(), v.invariant)
        })
        .collect()
}

#[test]
fn replay_ignores_activity_type_breaks_an_execution_that_is_clean_without_it() {
    let (name, scenario, invariant, seeds) = WORKER_ROW;
    let sabotage = Sabotage::from_name(name).expect("known sabotage");
    let scenario = load(scenario);
    let caught = (0..seeds).any(|seed| {
        let clean = violations_by_execution(&scenario, seed, None);
        violations_by_execution(&scenario, seed, Some(sabotage))
            .iter()
            .any(|(id, inv)| *inv == invariant && clean.iter().all(|(other, _)| other != id))
    });
    assert!(
        caught,
        "{name}: no clean execution failed {invariant} within {seeds} seeds"
    );
}

#[test]
fn without_sabotage_the_same_seeds_pass() {
    let mut checked = std::collections::BTreeSet::new();
    for &(_, scenario, _, seeds) in TABLE {
        if !checked.insert(scenario) {
            continue;
        }
        let loaded = load(scenario);
        let max = TABLE
            .iter()
            .filter(|row| row.1 == scenario)
            .map(|row| row.3)
            .max()
            .unwrap_or(seeds);
        for seed in 0..max {
            assert_eq!(
                fired(&loaded, seed, None),
                Vec::<&str>::new(),
                "{scenario} seed {seed}"
            );
        }
    }
}

#[test]
fn timer_not_persisted_is_caught_by_liveness() {
    assert_caught("timer_not_persisted");
}

#[test]
fn duplicate_activity_completion_is_caught_by_single_outcome() {
    assert_caught("duplicate_activity_completion");
}

#[test]
fn signal_lost_during_task_is_caught_by_acknowledged_signal_recorded() {
    assert_caught("signal_lost_during_task");
}

#[test]
fn stale_workflow_task_completion_is_caught_by_workflow_task_lifecycle() {
    assert_caught("stale_workflow_task_completion");
}

#[test]
fn buffered_events_dropped_on_restart_is_caught_by_acknowledged_signal_recorded() {
    assert_caught("buffered_events_dropped_on_restart");
}

#[test]
fn retry_ignores_max_attempts_is_caught_by_retry_attempts_within_policy() {
    assert_caught("retry_ignores_max_attempts");
}

#[test]
fn status_before_close_is_caught_by_status_matches_closing_event() {
    assert_caught("status_before_close");
}

#[test]
fn signal_dedup_skipped_is_caught_by_signal_applied_once() {
    assert_caught("signal_dedup_skipped");
}

/// Prints the seeds each sabotage needs (run with `--ignored --nocapture`
/// to regenerate the README's sabotage table).
#[test]
#[ignore]
fn print_seeds_needed() {
    for &(name, scenario, invariant, _) in TABLE {
        let first = first_catching_seed(name, scenario, invariant, 50);
        println!(
            "| `{name}` | `{scenario}` | `{invariant}` | {} |",
            first.map_or("not within 50".into(), |s| (s + 1).to_string())
        );
    }
}

/// The checks during the run name the step and simulated time at which the
/// planted bug first broke an invariant, before the run ends.
#[test]
fn checks_during_the_run_catch_a_duplicate_completion_at_its_step() {
    let scenario = load("sabotage_duplicates");
    let registry = Rc::new(Registry::library());
    let options = RunOptions {
        seed: 0,
        sabotage: Some(Sabotage::DuplicateActivityCompletion),
        ..RunOptions::default()
    };
    let outcome = runner::run(&scenario, &registry, &options).expect("scenario runs");
    let caught = outcome.first_caught.expect("caught during the run");
    assert_eq!(caught.violation.invariant, "history.single_outcome");
    assert!(caught.at < outcome.result.end_time);
    assert!(caught.step < outcome.result.stats.steps);
}

#[test]
fn checks_during_the_run_see_nothing_without_sabotage() {
    for name in [
        "sabotage_duplicates",
        "sabotage_signal_faults",
        "sabotage_timers",
    ] {
        let scenario = load(name);
        let registry = Rc::new(Registry::library());
        for seed in 0..5 {
            let options = RunOptions {
                seed,
                ..RunOptions::default()
            };
            let outcome = runner::run(&scenario, &registry, &options).expect("scenario runs");
            assert_eq!(outcome.first_caught, None, "{name} seed {seed}");
        }
    }
}
