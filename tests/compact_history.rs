//! The compact history encoding (`codec::compact`) is lossless, and a world
//! that keeps closed histories compact reports exactly what one that does
//! not reports.
//!
//! Round trips: every history of every bundled scenario at a few seeds
//! (with its own faults), and every history of the Temporal corpus
//! (`tests/data/temporal-histories/`), decode to events equal to the ones
//! encoded, with the same `Debug` text and JSON.

mod corpus_support;

use corpus_support::corpus_files;
use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use tempest::codec::compact::{CompactHistory, EventHeader};
use tempest::codec::{history_to_text, import_history};
use tempest::model::Event;
use tempest::sabotage::Sabotage;
use tempest::scenario::runner::{self, Outcome};
use tempest::scenario::{self, Scenario};
use tempest::sim::{HistoryCompaction, RunOptions};
use tempest::workflow::Registry;

const SEEDS: [u64; 3] = [1, 2, 3];

/// Groups bigger than this (`large`) are cut down to it.
const CUT_DOWN_TO: u32 = 1_000;

fn bundled_scenarios() -> Vec<Scenario> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("scenarios dir")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 15, "bundled scenarios missing");
    paths
        .iter()
        .map(|path| {
            let mut scenario = scenario::load(path).expect("a bundled scenario loads");
            for group in &mut scenario.workflows {
                group.count = group.count.min(CUT_DOWN_TO);
            }
            scenario
        })
        .collect()
}

fn run(scenario: &Scenario, seed: u64, compaction: HistoryCompaction) -> Outcome {
    run_sabotaged(scenario, seed, compaction, None)
}

fn run_sabotaged(
    scenario: &Scenario,
    seed: u64,
    compaction: HistoryCompaction,
    sabotage: Option<Sabotage>,
) -> Outcome {
    let options = RunOptions {
        seed,
        sabotage,
        history_compaction: compaction,
        ..RunOptions::default()
    };
    runner::run(scenario, &Rc::new(Registry::library()), &options).expect("runs")
}

/// Encodes `events`, decodes them, and holds every way of reading the
/// encoding to the original.
fn assert_round_trips(what: &str, events: &[Event]) {
    let compact = CompactHistory::encode(events);
    let decoded = compact.decode();
    assert_eq!(decoded, events, "{what}: decoded events differ");
    assert_eq!(
        format!("{decoded:?}"),
        format!("{events:?}"),
        "{what}: Debug text differs"
    );
    assert_eq!(
        serde_json::to_string(&decoded).unwrap(),
        serde_json::to_string(events).unwrap(),
        "{what}: JSON differs"
    );
    assert_eq!(compact.len(), events.len(), "{what}: length");
    assert_eq!(
        compact.first().as_ref(),
        events.first(),
        "{what}: first event"
    );
    let headers: Vec<EventHeader> = compact.headers().collect();
    let expected: Vec<EventHeader> = events.iter().map(EventHeader::from).collect();
    assert_eq!(headers, expected, "{what}: headers");
}

#[test]
fn every_bundled_scenario_history_round_trips() {
    tempest::worker::quiet_panics();
    let mut histories = 0;
    for scenario in bundled_scenarios() {
        for seed in SEEDS {
            let outcome = run(&scenario, seed, HistoryCompaction::Off);
            for record in outcome.result.store.runs() {
                let what = format!("{} seed {seed} {}", scenario.name, record.execution());
                assert_round_trips(&what, &record.history());
                histories += 1;
            }
        }
    }
    assert!(histories > 4_000, "only {histories} histories");
}

#[test]
fn every_corpus_history_round_trips() {
    let files = corpus_files();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let imported = import_history(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_round_trips(&path.display().to_string(), &imported.events);
    }
}

/// Everything a run reports, and every history as text.
fn everything_reported(outcome: &Outcome, registry: &Registry) -> String {
    let mut text = format!(
        "{}\n{}\n{}\n",
        outcome.summary_json(),
        outcome.summary_text(),
        outcome.violation_report(registry)
    );
    for record in outcome.result.store.runs() {
        text.push_str(&history_to_text(&record.history()));
    }
    text
}

/// How many runs' histories the Store keeps compact (decoded on reading).
fn compact_runs(outcome: &Outcome) -> usize {
    outcome
        .result
        .store
        .runs()
        .filter(|r| matches!(r.history(), Cow::Owned(_)))
        .count()
}

#[test]
fn compaction_changes_nothing_a_run_reports() {
    tempest::worker::quiet_panics();
    let registry = Registry::library();
    let mut compared = 0;
    for scenario in bundled_scenarios() {
        for seed in SEEDS {
            let off = run(&scenario, seed, HistoryCompaction::Off);
            let on = run(&scenario, seed, HistoryCompaction::On);
            let what = format!("{} seed {seed}", scenario.name);
            assert_eq!(compact_runs(&off), 0, "{what}: nothing compact when off");
            assert!(compact_runs(&on) > 0, "{what}: closed runs compact when on");
            assert_eq!(on.result.trace_hash, off.result.trace_hash, "{what}");
            assert_eq!(
                everything_reported(&on, &registry),
                everything_reported(&off, &registry),
                "{what}"
            );
            compared += 1;
        }
    }
    assert!(compared >= 45);
}

/// A failing run's report (violations, the history with the offending
/// event marked) reads its histories from the Store too.
#[test]
fn compaction_changes_nothing_a_failing_run_reports() {
    tempest::worker::quiet_panics();
    let registry = Registry::library();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/sabotage_signals.json");
    let scenario = scenario::load(&path).expect("loads");
    let sabotage = Sabotage::from_name("status_before_close").expect("known sabotage");
    let off = run_sabotaged(&scenario, 0, HistoryCompaction::Off, Some(sabotage));
    let on = run_sabotaged(&scenario, 0, HistoryCompaction::On, Some(sabotage));
    assert!(!off.violations.is_empty(), "the sabotage is caught");
    assert!(compact_runs(&on) > 0);
    assert_eq!(
        everything_reported(&on, &registry),
        everything_reported(&off, &registry)
    );
}

/// `Auto` compacts big scenarios only.
#[test]
fn auto_compacts_from_the_threshold_on() {
    let executions = tempest::sim::COMPACT_HISTORIES_FROM;
    assert!(HistoryCompaction::Auto.applies_to(executions));
    assert!(!HistoryCompaction::Auto.applies_to(executions - 1));
    assert!(HistoryCompaction::On.applies_to(1));
    assert!(!HistoryCompaction::Off.applies_to(executions));
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/two_activities.json");
    let small = scenario::load(&path).expect("loads");
    assert_eq!(compact_runs(&run(&small, 1, HistoryCompaction::Auto)), 0);
}

/// What the encoding is for: a closed `two_activities` history (17 events,
/// 1,904 bytes of `Event`s alone plus boxed attributes) in under 512 bytes.
#[test]
fn a_two_activities_history_encodes_small() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/two_activities.json");
    let scenario = scenario::load(&path).expect("loads");
    let outcome = run(&scenario, 1, HistoryCompaction::Off);
    let record = outcome.result.store.runs().next().expect("one run");
    assert_eq!(record.history_len(), 17);
    let size = CompactHistory::encode(&record.history()).encoded_size();
    assert!(size < 512, "{size} bytes");
}
