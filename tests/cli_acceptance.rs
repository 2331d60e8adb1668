//! The acceptance points of "Engine core" and "The simulated world" tried
//! through the built `tempest` binary, as a new user types them: the
//! documented example's summary, determinism across two processes,
//! nondeterminism caught in a run and in `replay-history`, a realised fault
//! schedule written out and fed back, and bad input answered with one line
//! and exit code 2.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn tempest(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tempest"))
        .args(args)
        .output()
        .expect("run tempest")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Runs `args`, requires exit code `code`, and returns stdout.
fn expect_exit(args: &[&str], code: i32) -> String {
    let output = tempest(args);
    assert_eq!(
        output.status.code(),
        Some(code),
        "tempest {args:?}\nstdout: {}\nstderr: {}",
        stdout(&output),
        stderr(&output)
    );
    stdout(&output)
}

fn summary(args: &[&str]) -> Value {
    let text = expect_exit(args, 0);
    serde_json::from_str(&text).expect("--json prints one JSON object")
}

/// A file under this test binary's scratch folder.
fn scratch(name: &str) -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("cli_acceptance-{name}"))
}

fn scratch_file(name: &str, contents: &str) -> PathBuf {
    let path = scratch(name);
    std::fs::write(&path, contents).expect("write scratch file");
    path
}

fn arg(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

/// The small mixed scenario with every fault on.
fn mixed() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/scenarios/mixed.json")
        .to_str()
        .expect("utf-8 path")
        .to_string()
}

#[test]
fn run_two_activities_json_reports_17_events_11_state_transitions_and_completed() {
    let s = summary(&["run", "two_activities", "--seed", "1", "--json"]);
    assert_eq!(s["scenario"], "two_activities");
    assert_eq!(s["seed"], 1);
    assert_eq!(s["violations"], Value::Array(vec![]));
    let executions = s["executions"].as_array().expect("executions");
    assert_eq!(executions.len(), 1);
    let e = &executions[0];
    assert_eq!(e["workflow_type"], "two_activities");
    assert_eq!(e["status"], "Completed");
    assert_eq!(e["events"], 17);
    assert_eq!(e["state_transitions"], 11);
    for key in ["trace_hash", "sim_time", "faults"] {
        assert!(!s[key].is_null(), "the summary has {key}");
    }
    for key in ["workflow_id", "run_id"] {
        assert!(e[key].is_string(), "an execution has {key}");
    }
}

#[test]
fn the_same_seed_in_two_processes_gives_the_same_summary_and_byte_identical_histories() {
    let scenario = mixed();
    for seed in ["3", "17"] {
        let run = ["run", &scenario, "--seed", seed, "--json"];
        let (first, second) = (expect_exit(&run, 0), expect_exit(&run, 0));
        assert_eq!(first, second, "seed {seed}: run --json");
        let faults: Value = serde_json::from_str(&first).expect("json");
        assert!(
            faults["faults"].as_object().is_some_and(|f| !f.is_empty()),
            "seed {seed} injected faults"
        );
        let history = ["history", &scenario, "--seed", seed];
        let (first, second) = (expect_exit(&history, 0), expect_exit(&history, 0));
        assert!(
            first.lines().count() > 100,
            "seed {seed}: histories printed"
        );
        assert_eq!(first, second, "seed {seed}: history");
    }
}

#[test]
fn the_nondeterminism_scenario_reports_replay_deterministic_naming_the_event() {
    let s = summary(&["run", "nondeterminism", "--seed", "1", "--json"]);
    let violations = s["violations"].as_array().expect("violations");
    assert!(!violations.is_empty());
    for v in violations {
        assert_eq!(v["invariant"], "replay.deterministic");
        assert_eq!(v["event_id"], 5);
        let message = v["message"].as_str().expect("message");
        assert!(
            message.contains("event 5 (ActivityTaskScheduled)"),
            "{message}"
        );
    }
    assert_eq!(s["passed"], true, "the scenario exists to be caught");
}

#[test]
fn replay_history_with_changed_code_exits_1_naming_the_event() {
    let exported = expect_exit(
        &[
            "history",
            "two_activities",
            "--seed",
            "1",
            "--format",
            "temporal",
        ],
        0,
    );
    let file = scratch_file("two_activities.json", &exported);
    expect_exit(
        &["replay-history", arg(&file), "--workflow", "two_activities"],
        0,
    );
    let out = expect_exit(
        &[
            "replay-history",
            arg(&file),
            "--workflow",
            "two_activities_changed",
        ],
        1,
    );
    assert!(
        out.contains("event 5 (ActivityTaskScheduled)"),
        "names the event: {out}"
    );
    assert!(
        out.contains("activity_a") && out.contains("activity_b"),
        "expected vs produced: {out}"
    );
}

#[test]
fn a_written_fault_schedule_fed_back_reproduces_the_same_histories() {
    let scenario = mixed();
    let faults = scratch("mixed-seed-4-faults.json");
    let drawn = summary(&[
        "run",
        &scenario,
        "--seed",
        "4",
        "--json",
        "--write-faults",
        arg(&faults),
    ]);
    let written = std::fs::read_to_string(&faults).expect("schedule written");
    assert!(written.contains("\"fault\""), "{written}");
    let replayed = summary(&[
        "replay",
        &scenario,
        "--seed",
        "4",
        "--faults",
        arg(&faults),
        "--json",
    ]);
    assert_eq!(drawn["executions"], replayed["executions"]);
    assert_eq!(drawn["faults"], replayed["faults"]);
    let from_seed = expect_exit(&["history", &scenario, "--seed", "4"], 0);
    let from_file = expect_exit(
        &[
            "history",
            &scenario,
            "--seed",
            "4",
            "--faults",
            arg(&faults),
        ],
        0,
    );
    assert_eq!(from_seed, from_file);
}

/// Requires exit code 2, nothing on stdout and exactly one line on stderr
/// containing `mentions`.
fn assert_one_line_bad_input(args: &[&str], mentions: &str) {
    let output = tempest(args);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "tempest {args:?}: {err}");
    assert_eq!(stdout(&output), "", "tempest {args:?}");
    assert_eq!(err.lines().count(), 1, "one line: {err:?}");
    assert!(err.contains(mentions), "{err:?} mentions {mentions:?}");
}

#[test]
fn a_bad_scenario_file_is_one_line_and_exit_2() {
    let file = scratch_file("truncated.json", "{\"name\": \"broken\", \"workflows\": [");
    assert_one_line_bad_input(&["run", arg(&file), "--seed", "1"], "truncated.json");
}

#[test]
fn a_seed_that_is_not_a_number_is_one_line_and_exit_2() {
    assert_one_line_bad_input(&["run", "two_activities", "--seed", "abc"], "abc");
    assert_one_line_bad_input(&["history", "two_activities", "--seed", "-1"], "-1");
}

#[test]
fn an_unknown_workflow_type_is_one_line_and_exit_2() {
    let file = scratch_file(
        "unknown-type.json",
        r#"{"name": "unknown", "workflows": [{"type": "no_such_workflow"}]}"#,
    );
    assert_one_line_bad_input(&["run", arg(&file), "--seed", "1"], "no_such_workflow");
    let exported = scratch_file(
        "unknown-type-history.json",
        &expect_exit(
            &[
                "history",
                "two_activities",
                "--seed",
                "1",
                "--format",
                "temporal",
            ],
            0,
        ),
    );
    assert_one_line_bad_input(
        &[
            "replay-history",
            arg(&exported),
            "--workflow",
            "no_such_workflow",
        ],
        "no_such_workflow",
    );
}

#[test]
fn output_cut_short_by_the_reader_ends_quietly_without_a_panic() {
    use std::io::Read;
    use std::process::Stdio;
    // Megabytes of histories: far more than a pipe buffers.
    let mut child = Command::new(env!("CARGO_BIN_EXE_tempest"))
        .args(["history", "chaos_mix", "--seed", "1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("tempest starts");
    let mut first = [0u8; 64];
    child
        .stdout
        .take()
        .expect("piped stdout")
        .read_exact(&mut first)
        .expect("some output");
    // The read end is dropped here, as `| head -c 64` would.
    let output = child.wait_with_output().expect("tempest ends");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_ne!(output.status.code(), Some(101), "{stderr}");
}
