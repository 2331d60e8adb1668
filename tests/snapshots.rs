//! History snapshots of every bundled scenario at seed 1, with its own
//! fault profile (`everything` for a scenario whose own profile is `none`)
//! and with faults forced off, in the text format under
//! `tests/snapshots/`. A change to the engine shows up in review as a
//! readable diff of these histories (`cargo insta review`).
//!
//! Each snapshot starts with a line naming the scenario, seed, fault
//! setting and verdict, then one `# <workflow id> <run id> <type> <status>` header
//! per run followed by its history. Scenarios of more than
//! [`ALL_RUNS_UP_TO`] executions show the runs of the first
//! [`FIRST_OF_EACH_GROUP`] workflow ids of each group only; `large`
//! (100,000 executions) is snapshotted with each group cut to that many.

use std::collections::BTreeSet;
use std::path::Path;
use std::rc::Rc;
use tempest::codec::history_to_text;
use tempest::scenario::runner::{run, Outcome};
use tempest::scenario::{self, FaultsSpec, Scenario};
use tempest::sim::RunOptions;
use tempest::workflow::Registry;

/// The seed every snapshot runs.
const SEED: u64 = 1;
/// Scenarios up to this many executions show every run.
const ALL_RUNS_UP_TO: u64 = 10;
/// Bigger scenarios show the runs of this many ids per group.
const FIRST_OF_EACH_GROUP: u32 = 3;
/// Scenarios too big to run whole in a test: each group is cut down.
const CUT_DOWN: &[&str] = &["large"];

fn bundled(name: &str) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(format!("{name}.json"));
    let mut scenario = scenario::load(&path).expect("a bundled scenario loads");
    if CUT_DOWN.contains(&name) {
        for group in &mut scenario.workflows {
            group.count = group.count.min(FIRST_OF_EACH_GROUP);
        }
    }
    scenario
}

fn run_seed(scenario: &Scenario) -> Outcome {
    let options = RunOptions {
        seed: SEED,
        fault_schedule: None,
        keep_trace: false,
        sabotage: None,
        ..RunOptions::default()
    };
    run(scenario, &Rc::new(Registry::library()), &options).expect("runs")
}

/// The workflow ids shown: all, or the first few of each group.
fn shown_ids(scenario: &Scenario) -> Option<BTreeSet<String>> {
    if scenario.execution_count() <= ALL_RUNS_UP_TO {
        return None;
    }
    let mut ids = BTreeSet::new();
    for group in &scenario.workflows {
        let prefix = group.id_prefix.as_deref().unwrap_or(&group.workflow_type);
        for n in 1..=group.count.min(FIRST_OF_EACH_GROUP) {
            ids.insert(format!("{prefix}-{n}"));
        }
    }
    Some(ids)
}

/// The snapshot text of one run of a scenario.
fn snapshot_text(scenario: &Scenario, outcome: &Outcome) -> String {
    let verdict = if outcome.passed() {
        "passed".to_string()
    } else {
        format!("FAILED {}", outcome.failure_line())
    };
    let mut text = format!(
        "scenario {} seed {SEED} faults {}: {verdict}\n",
        scenario.name,
        scenario.faults.label()
    );
    let shown = shown_ids(scenario);
    for run in outcome.result.store.runs() {
        let id = run.execution().workflow_id.as_str();
        if shown.as_ref().is_some_and(|ids| !ids.contains(id)) {
            continue;
        }
        text.push_str(&format!(
            "\n# {id} {} {} {}\n",
            run.execution().run_id,
            run.workflow_type(),
            run.status()
        ));
        text.push_str(&history_to_text(&run.history()));
    }
    text
}

/// Snapshots `name` with its own faults and with faults off.
fn snapshot_both(name: &str) {
    tempest::worker::quiet_panics();
    let mut scenario = bundled(name);
    if scenario.faults == FaultsSpec::default() {
        scenario.faults = FaultsSpec::Named("everything".into());
    }
    let with_faults = run_seed(&scenario);
    insta::assert_snapshot!(
        format!("{name}__faults"),
        snapshot_text(&scenario, &with_faults)
    );
    let mut faultless = scenario;
    faultless.faults = FaultsSpec::Named("none".into());
    let without_faults = run_seed(&faultless);
    insta::assert_snapshot!(
        format!("{name}__no_faults"),
        snapshot_text(&faultless, &without_faults)
    );
}

/// One test per bundled scenario, and a test that the list is complete.
macro_rules! bundled_snapshots {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                snapshot_both(stringify!($name));
            }
        )*

        #[test]
        fn every_bundled_scenario_has_a_snapshot_test() {
            let listed: BTreeSet<&str> = [$(stringify!($name)),*].into_iter().collect();
            let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
            let missing: Vec<String> = std::fs::read_dir(dir)
                .expect("scenarios/ exists")
                .filter_map(|e| {
                    let path = e.ok()?.path();
                    (path.extension()? == "json")
                        .then(|| path.file_stem().unwrap().to_string_lossy().into_owned())
                })
                .filter(|name| !listed.contains(name.as_str()))
                .collect();
            assert!(missing.is_empty(), "no snapshot test for {missing:?}");
        }
    };
}

bundled_snapshots!(
    cancel_terminate,
    chaos_mix,
    children,
    continue_as_new,
    cron,
    large,
    nondeterminism,
    ping_pong,
    retries_timeouts,
    sabotage_duplicates,
    sabotage_retries,
    sabotage_signal_faults,
    sabotage_signals,
    sabotage_timers,
    saga,
    signals,
    timer_years,
    two_activities,
);
