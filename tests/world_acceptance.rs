//! The acceptance points of "Engine core" and "The simulated world", each
//! tried end to end through the simulated World as a new user would: a
//! scenario (bundled, or JSON text here) run for a seed by
//! `scenario::runner::run`, judged by every checker, and its histories read
//! back from the Store the run left behind.

use std::collections::BTreeMap;
use std::path::Path;
use std::rc::Rc;
use tempest::check::check_history;
use tempest::model::*;
use tempest::scenario::runner::{run, Outcome};
use tempest::scenario::{load, parse, Scenario};
use tempest::service::RunRecord;
use tempest::sim::{CommitObserver, Fault, FaultSchedule, RunOptions, TimedFault, World};
use tempest::worker::quiet_panics;
use tempest::workflow::Registry;

fn options(seed: u64) -> RunOptions {
    RunOptions {
        seed,
        fault_schedule: None,
        keep_trace: false,
        sabotage: None,
        ..RunOptions::default()
    }
}

fn bundled(name: &str) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(format!("{name}.json"));
    load(&path).expect("bundled scenario loads")
}

fn test_scenario(name: &str) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/scenarios")
        .join(format!("{name}.json"));
    load(&path).expect("test scenario loads")
}

fn run_scenario(scenario: &Scenario, options: &RunOptions) -> Outcome {
    run(scenario, &Rc::new(Registry::library()), options).expect("runs")
}

fn run_text(text: &str, seed: u64) -> Outcome {
    run_scenario(&parse(text).expect("valid scenario"), &options(seed))
}

fn only_run(outcome: &Outcome) -> &RunRecord {
    let runs: Vec<_> = outcome.result.store.runs().collect();
    assert_eq!(runs.len(), 1, "one execution");
    runs[0]
}

fn run_with_prefix<'a>(outcome: &'a Outcome, prefix: &str) -> &'a RunRecord {
    outcome
        .result
        .store
        .runs()
        .find(|r| r.execution().workflow_id.as_str().starts_with(prefix))
        .unwrap_or_else(|| panic!("a run whose id starts with {prefix}"))
}

fn types(history: &[Event]) -> Vec<EventType> {
    history.iter().map(Event::event_type).collect()
}

fn events_of(history: &[Event], wanted: EventType) -> Vec<&Event> {
    history
        .iter()
        .filter(|e| e.event_type() == wanted)
        .collect()
}

/// Every history of the run, as the text the CLI prints, keyed by execution.
fn histories_text(outcome: &Outcome) -> BTreeMap<String, String> {
    outcome
        .result
        .store
        .runs()
        .map(|r| {
            (
                r.execution().to_string(),
                tempest::codec::history_to_text(&r.history()),
            )
        })
        .collect()
}

/// The history's closing event is its last, and it is the only one.
fn assert_closed_last(run: &RunRecord, closing: EventType) {
    let history = run.history();
    let closing_events: Vec<_> = history
        .iter()
        .filter(|e| e.event_type().is_closing())
        .collect();
    assert_eq!(closing_events.len(), 1, "one closing event in {history:#?}");
    assert_eq!(
        history.last().map(Event::event_type),
        Some(closing),
        "{} ends with {closing:?}",
        run.execution()
    );
}

#[test]
fn two_activities_through_the_world_has_17_events_in_order_and_11_state_transitions() {
    use EventType::*;
    let outcome = run_scenario(&bundled("two_activities"), &options(1));
    assert!(outcome.passed(), "{}", outcome.failure_line());
    let run = only_run(&outcome);
    assert_eq!(
        types(&run.history()),
        vec![
            WorkflowExecutionStarted,
            WorkflowTaskScheduled,
            WorkflowTaskStarted,
            WorkflowTaskCompleted,
            ActivityTaskScheduled,
            ActivityTaskStarted,
            ActivityTaskCompleted,
            WorkflowTaskScheduled,
            WorkflowTaskStarted,
            WorkflowTaskCompleted,
            ActivityTaskScheduled,
            ActivityTaskStarted,
            ActivityTaskCompleted,
            WorkflowTaskScheduled,
            WorkflowTaskStarted,
            WorkflowTaskCompleted,
            WorkflowExecutionCompleted,
        ]
    );
    assert_eq!(run.status(), WorkflowExecutionStatus::Completed);
    assert_eq!(run.state_transitions(), 11);
}

#[test]
fn a_one_year_timer_fires_exactly_one_year_after_it_started_in_event_time() {
    let outcome = run_text(
        r#"{"name": "year", "workflows": [{"type": "sleep_for", "input": "365d",
            "expect": {"status": "Completed", "result": "365d"}}],
            "liveness_bound": "400d"}"#,
        7,
    );
    assert!(outcome.passed(), "{}", outcome.failure_line());
    let run = only_run(&outcome);
    let history = run.history();
    let started = events_of(&history, EventType::TimerStarted);
    let fired = events_of(&history, EventType::TimerFired);
    assert_eq!((started.len(), fired.len()), (1, 1));
    assert_eq!(
        fired[0].event_time.since(started[0].event_time),
        Duration::from_secs(365 * 86_400)
    );
    assert_eq!(run.status(), WorkflowExecutionStatus::Completed);
}

#[test]
fn an_activity_that_fails_twice_is_one_scheduled_event_then_attempt_3_after_the_backoff() {
    let outcome = run_text(
        r#"{"name": "flaky", "workflows": [{"type": "call_activity", "input":
            {"activity": "flaky", "input": {"succeed_on_attempt": 3, "value": "ok"}},
            "expect": {"status": "Completed", "result": "ok"}}]}"#,
        3,
    );
    assert!(outcome.passed(), "{}", outcome.failure_line());
    let history = only_run(&outcome).history();
    let scheduled = events_of(&history, EventType::ActivityTaskScheduled);
    let started = events_of(&history, EventType::ActivityTaskStarted);
    let completed = events_of(&history, EventType::ActivityTaskCompleted);
    assert_eq!((scheduled.len(), started.len(), completed.len()), (1, 1, 1));
    assert!(events_of(&history, EventType::ActivityTaskFailed).is_empty());
    let EventAttributes::ActivityTaskStarted {
        attempt,
        last_failure,
        ..
    } = &started[0].attributes
    else {
        unreachable!("filtered by type")
    };
    assert_eq!(*attempt, 3);
    assert!(
        last_failure.is_some(),
        "attempt 3 carries attempt 2's failure"
    );
    // Default policy: 1 s before attempt 2, then 1 s × 2 before attempt 3.
    let waited = started[0].event_time.since(scheduled[0].event_time);
    assert!(
        waited >= Duration::from_secs(3),
        "attempt 3 started {waited:?} after scheduling"
    );
    assert!(
        waited < Duration::from_secs(4),
        "no third backoff: {waited:?}"
    );
    assert!(started[0].event_id < completed[0].event_id);
}

#[test]
fn the_nondeterminism_scenario_is_caught_by_replay_naming_the_event() {
    let outcome = run_scenario(&bundled("nondeterminism"), &options(1));
    let caught: Vec<_> = outcome
        .violations
        .iter()
        .filter(|v| v.invariant == "replay.deterministic")
        .collect();
    assert!(!caught.is_empty(), "{}", outcome.failure_line());
    for v in caught {
        assert!(v.event_id.is_some(), "names the event: {}", v.message);
        assert!(
            v.message
                .contains("nondeterminism at event 5 (ActivityTaskScheduled)"),
            "{}",
            v.message
        );
        assert!(
            v.message.contains("activity_b") && v.message.contains("activity_a"),
            "expected vs produced: {}",
            v.message
        );
    }
    assert!(outcome.passed(), "the expected violation fired");
}

#[test]
fn terminate_cancel_run_timeout_and_non_retryable_failure_each_close_with_their_own_event() {
    let outcome = run_text(
        r#"{"name": "closings", "workflows": [
            {"type": "cancellable", "id_prefix": "canceled", "input": {"iterations": 1000},
             "cancel_after": "5s", "expect": {"status": "Canceled"}},
            {"type": "cancellable", "id_prefix": "terminated", "input": {"iterations": 1000},
             "terminate_after": "5s", "expect": {"status": "Terminated"}},
            {"type": "sleep_for", "id_prefix": "timed-out", "input": "1h", "run_timeout": "10m",
             "expect": {"status": "TimedOut"}},
            {"type": "call_activity", "id_prefix": "permanent",
             "input": {"activity": "fail_permanently", "input": "x"},
             "expect": {"status": "Failed"}}]}"#,
        5,
    );
    assert!(outcome.passed(), "{}", outcome.failure_line());
    use WorkflowExecutionStatus as S;
    for (prefix, status, closing) in [
        (
            "canceled",
            S::Canceled,
            EventType::WorkflowExecutionCanceled,
        ),
        (
            "terminated",
            S::Terminated,
            EventType::WorkflowExecutionTerminated,
        ),
        (
            "timed-out",
            S::TimedOut,
            EventType::WorkflowExecutionTimedOut,
        ),
        ("permanent", S::Failed, EventType::WorkflowExecutionFailed),
    ] {
        let run = run_with_prefix(&outcome, prefix);
        assert_eq!(run.status(), status, "{prefix}");
        assert_closed_last(run, closing);
    }
    let timed_out = run_with_prefix(&outcome, "timed-out");
    let closed_at = timed_out.history().last().expect("closed").event_time;
    assert_eq!(
        closed_at.since(timed_out.start_time()),
        Duration::from_secs(600),
        "the run timeout, not the timer, closed it"
    );
    let permanent = run_with_prefix(&outcome, "permanent").history();
    let failed = events_of(&permanent, EventType::ActivityTaskFailed);
    assert_eq!(failed.len(), 1, "no retry after a non-retryable failure");
    assert!(matches!(
        failed[0].attributes,
        EventAttributes::ActivityTaskFailed {
            retry_state: RetryState::NonRetryableFailure,
            ..
        }
    ));
}

#[test]
fn the_same_seed_gives_the_same_trace_hash_and_histories_twice_in_one_process() {
    quiet_panics();
    let scenario = test_scenario("mixed");
    for seed in [1, 2, 3] {
        let first = run_scenario(&scenario, &options(seed));
        let second = run_scenario(&scenario, &options(seed));
        assert_eq!(first.result.trace_hash, second.result.trace_hash);
        assert_eq!(histories_text(&first), histories_text(&second));
        assert_eq!(first.summary_json(), second.summary_json());
    }
}

#[test]
fn a_thousand_seeds_of_a_mixed_scenario_inject_every_fault_kind_and_all_pass() {
    quiet_panics();
    let scenario = test_scenario("mixed");
    let registry = Rc::new(Registry::library());
    let mut fault_counts: BTreeMap<&'static str, u64> = BTreeMap::new();
    let (mut replays, mut worker_restarts, mut service_restarts) = (0, 0, 0);
    for seed in 0..1_000 {
        let outcome = run(&scenario, &registry, &options(seed)).expect("runs");
        assert!(outcome.passed(), "seed {seed}: {}", outcome.failure_line());
        for (kind, n) in &outcome.result.fault_counts {
            *fault_counts.entry(kind).or_insert(0) += n;
        }
        replays += outcome.result.stats.replays;
        worker_restarts += outcome.result.stats.worker_restarts;
        service_restarts += outcome.result.stats.service_restarts;
    }
    for kind in [
        "drop",
        "duplicate",
        "reorder",
        "partition",
        "worker_crash",
        "service_crash",
        "activity_fail",
        "activity_non_retryable",
        "activity_slow",
        "activity_heartbeat_loss",
        "activity_panic",
        "workflow_panic",
    ] {
        assert!(
            fault_counts.get(kind).is_some_and(|n| *n > 0),
            "{kind} never injected: {fault_counts:?}"
        );
    }
    assert!(replays > 0, "workers replayed after losing their cache");
    assert!(worker_restarts > 0);
    assert!(service_restarts > 0);
}

/// Records each run's history at every commit, to check that no committed
/// event is later lost, rewritten or repeated.
#[derive(Default)]
struct CommittedHistories {
    by_run: BTreeMap<String, Vec<Vec<Event>>>,
}

impl CommitObserver for CommittedHistories {
    fn committed(&mut self, _now: SimTime, _step: u64, run: &RunRecord) {
        self.by_run
            .entry(run.execution().to_string())
            .or_default()
            .push(run.history().to_vec());
    }
}

fn crash_service_at(at_ms: u64, after_commit: bool) -> FaultSchedule {
    FaultSchedule {
        faults: vec![TimedFault {
            at_ms,
            fault: Fault::CrashService {
                down_ms: 15_000,
                after_commit,
            },
        }],
    }
}

const CRASH_SCENARIO: &str = r#"{"name": "crash", "workers": {"count": 1}, "workflows": [
    {"type": "sleep_for", "id_prefix": "sleeper", "input": "1m",
     "expect": {"status": "Completed", "result": "1m"}},
    {"type": "two_activities", "id_prefix": "pair", "input": "Alice", "start_at": "30s",
     "expect": {"status": "Completed", "result": "Alice A B"}}]}"#;

/// The event types that are not workflow-task bookkeeping: what the workflow
/// did, which a lost workflow task (timed out and retried) does not change.
fn business_types(history: &[Event]) -> Vec<EventType> {
    use EventType::*;
    types(history)
        .into_iter()
        .filter(|t| {
            !matches!(
                t,
                WorkflowTaskScheduled
                    | WorkflowTaskStarted
                    | WorkflowTaskCompleted
                    | WorkflowTaskTimedOut
                    | WorkflowTaskFailed
            )
        })
        .collect()
}

#[test]
fn workflows_started_before_a_service_crash_finish_after_it_with_no_event_lost_or_repeated() {
    let scenario = parse(CRASH_SCENARIO).expect("valid scenario");
    let registry = Rc::new(Registry::library());
    let faultless = run_scenario(&scenario, &options(1));
    assert!(faultless.passed(), "{}", faultless.failure_line());
    // 30.05 s: the sleeper's timer is pending and the pair's first activity
    // is in flight; both runs were committed before the crash.
    for after_commit in [false, true] {
        let mut opts = options(1);
        opts.fault_schedule = Some(crash_service_at(30_050, after_commit));
        let mut observer = CommittedHistories::default();
        let mut world = World::new(&scenario, &registry, &opts).expect("world");
        world.set_observer(&mut observer);
        let result = world.run();
        assert_eq!(result.stats.service_restarts, 1);
        assert_eq!(result.fault_counts.get("service_crash"), Some(&1));
        let violations = tempest::check::check_run(&scenario, &result, &registry);
        assert!(violations.is_empty(), "{violations:?}");
        for prefix in ["sleeper", "pair"] {
            let crashed = result
                .store
                .runs()
                .find(|r| r.execution().workflow_id.as_str().starts_with(prefix))
                .expect("run");
            let clean = run_with_prefix(&faultless, prefix);
            assert_eq!(crashed.status(), WorkflowExecutionStatus::Completed);
            assert!(crashed.start_time() < SimTime::START + Duration::from_millis(30_050));
            assert!(check_history(&crashed.history()).is_empty());
            let ids: Vec<i64> = crashed.history().iter().map(|e| e.event_id).collect();
            assert_eq!(ids, (1..=ids.len() as i64).collect::<Vec<_>>());
            assert_eq!(
                business_types(&crashed.history()),
                business_types(&clean.history()),
                "{prefix}"
            );
            for committed in &observer.by_run[&crashed.execution().to_string()] {
                assert!(
                    crashed.history().starts_with(committed),
                    "a committed event of {prefix} was lost or rewritten"
                );
            }
        }
        let sleeper = result
            .store
            .runs()
            .find(|r| r.execution().workflow_id.as_str().starts_with("sleeper"))
            .expect("sleeper");
        assert_eq!(
            types(&sleeper.history()),
            types(&run_with_prefix(&faultless, "sleeper").history()),
            "a crash during a timer changes nothing the history records"
        );
    }
}

#[test]
fn a_realised_fault_schedule_fed_back_reproduces_the_same_histories() {
    quiet_panics();
    let scenarios = [
        (test_scenario("mixed"), 0..200),
        (bundled("cancel_terminate"), 0..50),
        (bundled("retries_timeouts"), 0..50),
    ];
    for (scenario, seeds) in scenarios {
        for seed in seeds {
            replays_its_realised_schedule(&scenario, seed);
        }
    }
}

/// Runs `seed` drawing its faults, writes the realised schedule out as the
/// file text `--write-faults` holds, runs it again from that text, and
/// requires the same histories and the same faults.
fn replays_its_realised_schedule(scenario: &Scenario, seed: u64) {
    let drawn = run_scenario(scenario, &options(seed));
    let file_text = drawn.result.faults.to_json();
    let mut opts = options(seed);
    opts.fault_schedule = Some(FaultSchedule::from_json(&file_text).expect("parses"));
    let replayed = run_scenario(scenario, &opts);
    let name = &scenario.name;
    assert_eq!(
        histories_text(&drawn),
        histories_text(&replayed),
        "{name} seed {seed}"
    );
    assert_eq!(drawn.result.fault_counts, replayed.result.fault_counts);
    assert_eq!(drawn.result.faults, replayed.result.faults);
}

#[test]
fn the_stores_open_run_count_matches_its_running_runs_across_crashes_and_chains() {
    quiet_panics();
    for name in [
        "chaos_mix",
        "children",
        "continue_as_new",
        "cron",
        "cancel_terminate",
    ] {
        for seed in 1..=3 {
            let outcome = run_scenario(&bundled(name), &options(seed));
            let store = &outcome.result.store;
            let running = store.runs().filter(|r| r.status().is_running()).count();
            assert_eq!(store.open_run_count(), running, "{name} seed {seed}");
        }
    }
    // A run cut off by its liveness deadline stays open and counted.
    let text = r#"{ "name": "open", "workflows": [ { "type": "signal_counter", "count": 2, "input": { "signals": 1 } } ] }"#;
    let outcome = run_text(text, 1);
    assert_eq!(outcome.result.store.open_run_count(), 2);
}
