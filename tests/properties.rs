//! Property tests: proptest generates whole scenarios — a mix of library
//! workflow groups with valid inputs, worker counts, a fault profile and a
//! seed — and sequences of client operations (start, signal, cancel,
//! terminate) encoded as scenarios; every case runs the world and every
//! checker through `scenario::runner::run` and must pass.
//!
//! A failure is shrunk to a small scenario, written to
//! `target/tempest-failures/<name>.json`, and reported with the
//! `tempest replay <file> --seed N` command that reproduces it exactly.
//! Failing cases are persisted in `tests/proptest-regressions/` and rerun
//! first on every later run.
//!
//! Environment: `TEMPEST_SEED=N` runs every case on simulation seed N with
//! a fixed generator seed (a fully repeatable run); `TEMPEST_SEEDS=N` (or
//! proptest's own `PROPTEST_CASES`) sets the number of cases per property.

use proptest::prelude::*;
use proptest::test_runner::{
    Config, FileFailurePersistence, RngSeed, TestCaseError, TestError, TestRunner,
};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use tempest::sabotage::Sabotage;
use tempest::scenario::{self, runner};
use tempest::sim::RunOptions;
use tempest::workflow::Registry;

/// Cases per property when neither `TEMPEST_SEEDS` nor `PROPTEST_CASES` is set.
const DEFAULT_CASES: u32 = 256;

// ---------------------------------------------------------------------------
// Generated scenarios: a mix of workflow groups.

/// One group of a generated scenario: a library workflow with a valid input.
#[derive(Clone, Debug)]
enum GroupKind {
    TwoActivities,
    /// `signal_counter` sent exactly the signals it waits for.
    SignalCounter {
        signals: u32,
    },
    SleepFor {
        secs: u32,
    },
    Saga {
        steps: u32,
        fail_at: Option<u32>,
    },
    /// `cancellable`, canceled or terminated after `after_secs` (or neither).
    Cancellable {
        iterations: u32,
        end: ClientEnd,
        after_secs: u32,
    },
    /// `call_activity` of `flaky`, which succeeds on the given attempt.
    Flaky {
        succeed_on_attempt: u32,
    },
    ParentChildren {
        children: u32,
    },
    PingPong {
        rounds: u32,
    },
}

/// How a client ends an execution early.
#[derive(Clone, Copy, Debug)]
enum ClientEnd {
    Nothing,
    Cancel,
    Terminate,
}

/// A group: a kind, how many executions, and when they start.
#[derive(Clone, Debug)]
struct GroupSpec {
    kind: GroupKind,
    count: u32,
    start_at_secs: u32,
    spread_secs: u32,
}

/// The fault setting of a generated scenario.
#[derive(Clone, Debug)]
enum FaultChoice {
    None,
    Swarm,
    Rates {
        drop: f64,
        duplicate: f64,
        reorder: f64,
        activity_fail: f64,
        workflow_panic: f64,
        worker_crash_every_secs: Option<u32>,
        service_crash_every_secs: Option<u32>,
    },
}

/// A whole generated scenario and the seed it runs on.
#[derive(Clone, Debug)]
struct MixCase {
    groups: Vec<GroupSpec>,
    workers: u32,
    faults: FaultChoice,
    seed: u64,
}

fn client_end() -> impl Strategy<Value = ClientEnd> {
    prop_oneof![
        Just(ClientEnd::Nothing),
        Just(ClientEnd::Cancel),
        Just(ClientEnd::Terminate),
    ]
}

fn group_kind() -> impl Strategy<Value = GroupKind> {
    prop_oneof![
        Just(GroupKind::TwoActivities),
        (1u32..=4).prop_map(|signals| GroupKind::SignalCounter { signals }),
        (1u32..=120).prop_map(|secs| GroupKind::SleepFor { secs }),
        (1u32..=4, proptest::option::of(0u32..4)).prop_map(|(steps, fail_at)| GroupKind::Saga {
            steps,
            fail_at: fail_at.filter(|i| *i < steps),
        }),
        (1u32..=20, client_end(), 0u32..=30).prop_map(|(iterations, end, after_secs)| {
            GroupKind::Cancellable {
                iterations,
                end,
                after_secs,
            }
        }),
        (1u32..=3).prop_map(|succeed_on_attempt| GroupKind::Flaky { succeed_on_attempt }),
        (1u32..=3).prop_map(|children| GroupKind::ParentChildren { children }),
        (1u32..=3).prop_map(|rounds| GroupKind::PingPong { rounds }),
    ]
}

fn group_spec() -> impl Strategy<Value = GroupSpec> {
    (group_kind(), 1u32..=3, 0u32..=20, 0u32..=20).prop_map(
        |(kind, count, start_at_secs, spread_secs)| GroupSpec {
            kind,
            count,
            start_at_secs,
            spread_secs,
        },
    )
}

fn fault_choice() -> impl Strategy<Value = FaultChoice> {
    let rate = |max: f64| prop_oneof![Just(0.0), 0.0..max];
    let every = proptest::option::of(30u32..=300);
    prop_oneof![
        Just(FaultChoice::None),
        Just(FaultChoice::Swarm),
        (
            rate(0.05),
            rate(0.05),
            rate(0.05),
            rate(0.2),
            rate(0.05),
            every.clone(),
            every,
        )
            .prop_map(
                |(
                    drop,
                    duplicate,
                    reorder,
                    activity_fail,
                    workflow_panic,
                    worker_crash_every_secs,
                    service_crash_every_secs,
                )| FaultChoice::Rates {
                    drop,
                    duplicate,
                    reorder,
                    activity_fail,
                    workflow_panic,
                    worker_crash_every_secs,
                    service_crash_every_secs,
                }
            ),
    ]
}

/// The simulation seed: `TEMPEST_SEED` if set, else any.
fn sim_seed() -> BoxedStrategy<u64> {
    match pinned_seed() {
        Some(seed) => Just(seed).boxed(),
        None => any::<u64>().boxed(),
    }
}

fn mix_case() -> impl Strategy<Value = MixCase> {
    (
        proptest::collection::vec(group_spec(), 1..=4),
        1u32..=3,
        fault_choice(),
        sim_seed(),
    )
        .prop_map(|(groups, workers, faults, seed)| MixCase {
            groups,
            workers,
            faults,
            seed,
        })
}

impl GroupKind {
    /// The group's JSON fields that depend on its kind (type, input,
    /// client operations, expectation).
    fn fields(&self) -> Value {
        match self {
            GroupKind::TwoActivities => json!({
                "type": "two_activities", "input": "Ann",
                "expect": { "status": "Completed", "result": "Ann A B" },
            }),
            GroupKind::SignalCounter { signals } => json!({
                "type": "signal_counter", "input": { "signals": signals },
                "signals": [{ "name": "increment", "input": 1, "count": signals,
                              "after": "1s", "spread": "10s" }],
                "expect": { "status": "Completed", "result": signals },
            }),
            GroupKind::SleepFor { secs } => json!({
                "type": "sleep_for", "input": format!("{secs}s"),
                "expect": { "status": "Completed", "result": format!("{secs}s") },
            }),
            GroupKind::Saga { steps, fail_at } => {
                let status = if fail_at.is_some() {
                    "Failed"
                } else {
                    "Completed"
                };
                let input = match fail_at {
                    Some(i) => json!({ "steps": steps, "fail_at": i }),
                    None => json!({ "steps": steps }),
                };
                json!({ "type": "saga", "input": input, "expect": { "status": status } })
            }
            GroupKind::Cancellable {
                iterations,
                end,
                after_secs,
            } => {
                let mut group = json!({
                    "type": "cancellable", "input": { "iterations": iterations },
                });
                let after = format!("{after_secs}s");
                match end {
                    ClientEnd::Nothing => {
                        group["expect"] = json!({ "status": "Completed", "result": iterations });
                    }
                    ClientEnd::Cancel => group["cancel_after"] = json!(after),
                    ClientEnd::Terminate => group["terminate_after"] = json!(after),
                }
                group
            }
            GroupKind::Flaky { succeed_on_attempt } => json!({
                "type": "call_activity",
                "input": { "activity": "flaky",
                           "input": { "succeed_on_attempt": succeed_on_attempt, "value": "ok" } },
                "expect": { "status": "Completed", "result": "ok" },
            }),
            GroupKind::ParentChildren { children } => json!({
                "type": "parent_children", "input": { "children": children },
                "expect": { "status": "Completed" },
            }),
            GroupKind::PingPong { rounds } => json!({
                "type": "ping_pong", "input": { "rounds": rounds },
                "expect": { "status": "Completed" },
            }),
        }
    }
}

impl FaultChoice {
    fn to_json(&self) -> Value {
        match self {
            FaultChoice::None => json!("none"),
            FaultChoice::Swarm => json!("swarm"),
            FaultChoice::Rates {
                drop,
                duplicate,
                reorder,
                activity_fail,
                workflow_panic,
                worker_crash_every_secs,
                service_crash_every_secs,
            } => {
                let mut profile = json!({
                    "drop_rate": drop, "duplicate_rate": duplicate, "reorder_rate": reorder,
                    "activity_fail_rate": activity_fail, "workflow_panic_rate": workflow_panic,
                });
                if let Some(s) = worker_crash_every_secs {
                    profile["worker_crash_every"] = json!(format!("{s}s"));
                    profile["down_for"] = json!("10s");
                }
                if let Some(s) = service_crash_every_secs {
                    profile["service_crash_every"] = json!(format!("{s}s"));
                    profile["down_for"] = json!("10s");
                }
                profile
            }
        }
    }
}

impl MixCase {
    fn scenario(&self, name: &str) -> Value {
        let groups: Vec<Value> = self
            .groups
            .iter()
            .enumerate()
            .map(|(i, g)| {
                let mut group = g.kind.fields();
                let prefix = format!("g{i}-{}", group["type"].as_str().unwrap_or("wf"));
                group["id_prefix"] = json!(prefix);
                group["count"] = json!(g.count);
                group["start_at"] = json!(format!("{}s", g.start_at_secs));
                group["start_spread"] = json!(format!("{}s", g.spread_secs));
                group
            })
            .collect();
        json!({
            "name": name,
            "description": "generated by tests/properties.rs",
            "workers": { "count": self.workers },
            "workflows": groups,
            "faults": self.faults.to_json(),
        })
    }
}

// ---------------------------------------------------------------------------
// State-machine style: a sequence of client operations.

/// What a client does to an execution.
#[derive(Clone, Copy, Debug)]
enum Action {
    Signal,
    Cancel,
    Terminate,
}

/// One client operation: `action` on execution `target` (an index into the
/// started executions, taken modulo their number) at `at_secs`.
#[derive(Clone, Debug)]
struct ClientOp {
    target: usize,
    action: Action,
    at_secs: u32,
}

/// Executions started at chosen times, then the operations sent to them.
#[derive(Clone, Debug)]
struct OpsCase {
    /// Start time of each execution; `true` runs `signal_counter` (waiting
    /// for exactly the signals sent to it), `false` runs `cancellable`.
    starts: Vec<(bool, u32)>,
    ops: Vec<ClientOp>,
    faults: FaultChoice,
    seed: u64,
}

fn client_op() -> impl Strategy<Value = ClientOp> {
    let action = prop_oneof![
        3 => Just(Action::Signal),
        1 => Just(Action::Cancel),
        1 => Just(Action::Terminate),
    ];
    (0usize..4, action, 0u32..=60).prop_map(|(target, action, at_secs)| ClientOp {
        target,
        action,
        at_secs,
    })
}

fn ops_case() -> impl Strategy<Value = OpsCase> {
    (
        proptest::collection::vec((any::<bool>(), 0u32..=30), 1..=4),
        proptest::collection::vec(client_op(), 0..=10),
        fault_choice(),
        sim_seed(),
    )
        .prop_map(|(starts, ops, faults, seed)| OpsCase {
            starts,
            ops,
            faults,
            seed,
        })
}

impl OpsCase {
    /// One group of count 1 per started execution; each operation becomes a
    /// signal, `cancel_after` or `terminate_after` of its target (relative
    /// to the target's start; the earliest cancel and terminate win).
    fn scenario(&self, name: &str) -> Value {
        let n = self.starts.len();
        let groups: Vec<Value> = self
            .starts
            .iter()
            .enumerate()
            .map(|(i, &(counts_signals, start))| {
                let mine = self.ops.iter().filter(|op| op.target % n == i);
                let after = |op: &ClientOp| op.at_secs.saturating_sub(start);
                let signals: Vec<Value> = mine
                    .clone()
                    .filter(|op| matches!(op.action, Action::Signal))
                    .map(|op| {
                        json!({ "name": "increment", "input": 1,
                                "after": format!("{}s", after(op)) })
                    })
                    .collect();
                let earliest = |action: fn(&Action) -> bool| {
                    mine.clone()
                        .filter(|op| action(&op.action))
                        .map(after)
                        .min()
                        .map(|s| format!("{s}s"))
                };
                let mut group = if counts_signals && !signals.is_empty() {
                    json!({ "type": "signal_counter", "input": { "signals": signals.len() } })
                } else {
                    json!({ "type": "cancellable", "input": { "iterations": 10 } })
                };
                group["id_prefix"] = json!(format!("op{i}"));
                group["start_at"] = json!(format!("{start}s"));
                group["signals"] = json!(signals);
                if let Some(at) = earliest(|a| matches!(a, Action::Cancel)) {
                    group["cancel_after"] = json!(at);
                }
                if let Some(at) = earliest(|a| matches!(a, Action::Terminate)) {
                    group["terminate_after"] = json!(at);
                }
                group
            })
            .collect();
        json!({
            "name": name,
            "description": "client operations generated by tests/properties.rs",
            "workers": { "count": 2 },
            "workflows": groups,
            "faults": self.faults.to_json(),
        })
    }
}

// ---------------------------------------------------------------------------
// The runner every property goes through.

/// `TEMPEST_SEED`, if set.
fn pinned_seed() -> Option<u64> {
    let text = std::env::var("TEMPEST_SEED").ok()?;
    Some(
        text.trim()
            .parse()
            .unwrap_or_else(|_| panic!("TEMPEST_SEED={text:?} is not a u64")),
    )
}

/// The proptest configuration: cases from `TEMPEST_SEEDS` (else
/// `PROPTEST_CASES`, else the default), regressions persisted under
/// `tests/proptest-regressions/` (none while proving a sabotage is caught),
/// and a fixed generator seed under `TEMPEST_SEED`.
fn config(name: &'static str, persist: bool) -> Config {
    let mut config = Config::default();
    config.cases = match std::env::var("TEMPEST_SEEDS") {
        Ok(text) => text
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("TEMPEST_SEEDS={text:?} is not a number")),
        Err(_) if std::env::var("PROPTEST_CASES").is_ok() => config.cases,
        Err(_) => DEFAULT_CASES,
    };
    config.failure_persistence = if persist {
        Some(Box::new(FileFailurePersistence::Direct(name)))
    } else {
        None
    };
    if let Some(seed) = pinned_seed() {
        config.rng_seed = RngSeed::Fixed(seed);
    }
    config
}

/// Where a failing scenario is written.
fn failure_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("tempest-failures")
        .join(format!("{name}.json"))
}

/// Runs one case: the scenario on `seed`, judged by every checker. A
/// failure writes the scenario to `target/tempest-failures/<name>.json`
/// (each smaller failing case found while shrinking overwrites it, so the
/// file ends as the reported one) and names the command reproducing it.
fn judge(
    name: &str,
    scenario_json: &Value,
    seed: u64,
    sabotage: Option<Sabotage>,
) -> Result<(), TestCaseError> {
    let text = serde_json::to_string_pretty(scenario_json).expect("JSON values serialize");
    let scenario = scenario::parse(&text)
        .map_err(|e| TestCaseError::fail(format!("generated an invalid scenario: {e}\n{text}")))?;
    let registry = Rc::new(Registry::library());
    let options = RunOptions {
        seed,
        fault_schedule: None,
        keep_trace: false,
        sabotage,
        ..RunOptions::default()
    };
    let outcome = runner::run(&scenario, &registry, &options)
        .map_err(|e| TestCaseError::fail(format!("the world refused the scenario: {e}")))?;
    if outcome.passed() {
        return Ok(());
    }
    let path = failure_path(name);
    let written = std::fs::create_dir_all(path.parent().expect("has a parent"))
        .and_then(|()| std::fs::write(&path, &text));
    let mut command = format!("tempest replay {} --seed {seed}", path.display());
    if let Some(s) = sabotage {
        command.push_str(&format!(" --sabotage {s}"));
    }
    let note = match written {
        Ok(()) => String::new(),
        Err(e) => format!(" (could not write {}: {e})", path.display()),
    };
    Err(TestCaseError::fail(format!(
        "FAILED: {}\nreproduce: {command}{note}\n{}",
        outcome.failure_line(),
        outcome.violation_report(&registry)
    )))
}

/// Runs a property over `strategy`; the error is proptest's minimal
/// failing case with its reproduction command.
fn check_property<S: Strategy>(
    config: Config,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) -> Result<(), String> {
    tempest::worker::quiet_panics();
    let mut runner = TestRunner::new(config);
    match runner.run(&strategy, test) {
        Ok(()) => Ok(()),
        Err(TestError::Fail(reason, minimal)) => Err(format!(
            "property failed; minimal case {minimal:#?}\n{reason}"
        )),
        Err(TestError::Abort(reason)) => Err(format!("property aborted: {reason}")),
    }
}

/// The generated-mix property, optionally under a sabotage.
fn mix_property(sabotage: Option<Sabotage>) -> Result<(), String> {
    let (name, persist) = match sabotage {
        Some(s) => (format!("prop_mix-{s}"), false),
        None => ("prop_mix".to_string(), true),
    };
    let mut config = config("tests/proptest-regressions/mix.txt", persist);
    if sabotage.is_some() {
        // Proving a planted bug is caught needs enough cases, whatever the scale.
        config.cases = config.cases.max(DEFAULT_CASES);
    }
    check_property(config, mix_case(), |case| {
        judge(&name, &case.scenario(&name), case.seed, sabotage)
    })
}

#[test]
fn generated_workflow_mixes_pass_every_checker() {
    if let Err(message) = mix_property(None) {
        panic!("{message}");
    }
}

#[test]
fn generated_client_operation_sequences_pass_every_checker() {
    let name = "prop_client_ops";
    let result = check_property(
        config("tests/proptest-regressions/client_ops.txt", true),
        ops_case(),
        |case| judge(name, &case.scenario(name), case.seed, None),
    );
    if let Err(message) = result {
        panic!("{message}");
    }
}

#[test]
fn a_planted_bug_fails_the_property_with_its_reproduction_command() {
    let sabotage = Sabotage::from_name("signal_lost_during_task").expect("a known sabotage");
    let message = mix_property(Some(sabotage)).expect_err("the sabotage must be caught");
    assert!(message.contains("tempest replay"), "{message}");
    assert!(
        message.contains("--sabotage signal_lost_during_task"),
        "{message}"
    );
    let file = failure_path(&format!("prop_mix-{sabotage}"));
    let written = std::fs::read_to_string(&file).expect("the failing scenario is written");
    assert!(scenario::parse(&written).is_ok(), "{written}");
    // The printed command reproduces the failure: same violation, exit code 1.
    let command = message
        .lines()
        .find_map(|l| l.strip_prefix("reproduce: tempest "))
        .expect("a reproduce line");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tempest"))
        .args(command.split_whitespace())
        .output()
        .expect("the tempest binary runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("FAILED: "), "{stdout}");
    assert!(
        message.contains(&format!("FAILED: {}\n", failure_of(&stdout))),
        "the replay fails differently: {stdout}\nvs {message}"
    );
}

/// The failure line a `tempest replay` printed.
fn failure_of(stdout: &str) -> &str {
    stdout
        .lines()
        .find_map(|l| l.strip_prefix("FAILED: "))
        .unwrap_or_default()
}
