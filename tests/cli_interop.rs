//! The interop commands as a user runs them: the built `tempest` binary on
//! files. `check-history` judges Temporal JSON histories (exit 0 / 1 / 2) and
//! `replay-history` replays one against a registered workflow.

mod corpus_support;

use corpus_support::corpus_files;
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

/// A file under this test binary's scratch folder holding `contents`.
fn scratch_file(name: &str, contents: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("cli_interop-{name}"));
    std::fs::write(&path, contents).expect("write scratch file");
    path
}

/// The Temporal JSON that `tempest history two_activities --seed 1 --format temporal` prints.
fn exported_two_activities() -> String {
    let output = tempest(&[
        "history",
        "two_activities",
        "--seed",
        "1",
        "--format",
        "temporal",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert_eq!(text.lines().count(), 1, "one execution, one line");
    text
}

fn arg(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

#[test]
fn check_history_passes_a_tempest_export_with_exit_0() {
    let file = scratch_file("export.json", &exported_two_activities());
    let output = tempest(&["check-history", arg(&file)]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(
        stdout(&output).contains(": 17 events, Completed: ok\n"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn check_history_reports_a_corrupt_back_reference_with_the_event_marked_and_exit_1() {
    let mut document: serde_json::Value = serde_json::from_str(&exported_two_activities()).unwrap();
    document["events"][2]["workflowTaskStartedEventAttributes"]["scheduledEventId"] =
        serde_json::json!("3");
    let file = scratch_file("corrupt.json", &document.to_string());
    let output = tempest(&["check-history", arg(&file)]);
    assert_eq!(output.status.code(), Some(1));
    let report = stdout(&output);
    assert!(
        report.contains("[history.back_references_valid] event 3:"),
        "{report}"
    );
    let event_line = |id: &str| {
        report
            .lines()
            .find(|l| {
                l.get(3..)
                    .is_some_and(|rest| rest.trim_start().starts_with(&format!("{id} ")))
            })
            .unwrap_or_else(|| panic!("no line for event {id}:\n{report}"))
    };
    assert!(event_line("3").starts_with(">>"), "{report}");
    assert!(event_line("3").contains("WorkflowTaskStarted scheduled=3"));
    for untouched in ["1", "2", "5", "17"] {
        assert!(!event_line(untouched).starts_with(">>"), "{report}");
    }
}

#[test]
fn check_history_lists_unmodelled_event_types_and_fields_it_kept() {
    let mut document: serde_json::Value = serde_json::from_str(&exported_two_activities()).unwrap();
    document["events"][0]["taskId"] = serde_json::json!("1048576");
    let events = document["events"].as_array_mut().unwrap();
    let last = events.pop().unwrap();
    events.push(serde_json::json!({
        "eventId": "17",
        "eventTime": last["eventTime"],
        "eventType": "EVENT_TYPE_WORKFLOW_EXECUTION_OPTIONS_UPDATED",
        "workflowExecutionOptionsUpdatedEventAttributes": {}
    }));
    let file = scratch_file("unmodelled.json", &document.to_string());
    let report = stdout(&tempest(&["check-history", arg(&file)]));
    assert!(
        report.contains("kept, not modelled: field taskId (event 1)"),
        "{report}"
    );
    assert!(
        report.contains(
            "kept, not modelled: event type EVENT_TYPE_WORKFLOW_EXECUTION_OPTIONS_UPDATED (event 17)"
        ),
        "{report}"
    );
}

#[test]
fn check_history_exits_2_with_one_line_per_unreadable_file_and_still_checks_the_rest() {
    let good = scratch_file("good.json", &exported_two_activities());
    let garbled = scratch_file("garbled.json", r#"{"events": [{"eventId": "x"}"#);
    let empty = scratch_file("empty.json", r#"{"events": []}"#);
    let missing = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli_interop-missing.json");
    let output = tempest(&[
        "check-history",
        arg(&garbled),
        arg(&missing),
        arg(&empty),
        arg(&good),
    ]);
    assert_eq!(output.status.code(), Some(2));
    let errors = stderr(&output);
    assert_eq!(errors.lines().count(), 3, "{errors}");
    assert!(errors.contains("empty.json: the history has no events"));
    assert!(errors.contains("garbled.json: not a Temporal JSON history"));
    assert!(errors.contains("missing.json: cannot read"));
    assert!(!errors.contains("panicked"));
    assert!(stdout(&output).contains("good.json: 17 events, Completed: ok"));
}

/// The two corpus files that were written by hand upstream (see
/// `HAND_EDITED` in tests/conformance.rs for the evidence), with the
/// advisory invariants each breaks: warnings by default, violations under
/// `--strict`.
const HAND_EDITED: &[(&str, &[&str])] = &[
    (
        "unhandled_cmd_timer_cancel.json",
        &["[history.time_monotonic] event 12:"],
    ),
    (
        "child-workflow-cancel-with-update.json",
        &[
            "[history.command_events_follow_their_task] event 12: ActivityTaskScheduled.workflow_task_completed_event_id=17",
            "[history.command_events_follow_their_task] event 12: ActivityTaskScheduled must directly follow",
            "[history.time_monotonic] event 15:",
        ],
    ),
];

/// The finding lines of a check-history report that start with `prefix`.
fn findings<'a>(report: &'a str, prefix: &str) -> Vec<&'a str> {
    report
        .lines()
        .filter_map(|l| l.strip_prefix(prefix))
        .collect()
}

#[test]
fn check_history_passes_every_corpus_file() {
    let files = corpus_files();
    assert!(files.len() >= 50, "corpus missing: {} files", files.len());
    let mut hand_edited_seen = 0;
    for file in &files {
        let name = file.file_name().unwrap().to_string_lossy();
        let output = tempest(&["check-history", arg(file)]);
        let report = stdout(&output);
        assert!(stderr(&output).is_empty(), "{name}: {}", stderr(&output));
        assert_eq!(output.status.code(), Some(0), "{name}:\n{report}");
        assert!(findings(&report, "  [").is_empty(), "{name}:\n{report}");
        let expected: &[&str] = HAND_EDITED
            .iter()
            .find(|(edited, _)| *edited == name)
            .map_or(&[], |(_, warnings)| warnings);
        hand_edited_seen += usize::from(!expected.is_empty());
        let warnings = findings(&report, "  warning: [");
        assert_eq!(warnings.len(), expected.len(), "{name}:\n{report}");
        for warning in expected {
            assert!(
                report.contains(&format!("warning: {warning}")),
                "{name}: no warning {warning}\n{report}"
            );
        }
        let first_line = report.lines().next().unwrap_or_default();
        let verdict = match expected.len() {
            0 => ": ok".to_string(),
            n => format!(": ok, {n} warning(s)"),
        };
        assert!(first_line.ends_with(&verdict), "{name}: {first_line}");
    }
    assert_eq!(hand_edited_seen, HAND_EDITED.len());
}

#[test]
fn check_history_strict_fails_the_hand_edited_files_on_their_warnings() {
    for (name, expected) in HAND_EDITED {
        let file = corpus_files()
            .into_iter()
            .find(|f| f.ends_with(name))
            .expect("hand-edited file in the corpus");
        let output = tempest(&["check-history", "--strict", arg(&file)]);
        let report = stdout(&output);
        assert_eq!(output.status.code(), Some(1), "{name}:\n{report}");
        assert!(
            findings(&report, "  warning:").is_empty(),
            "{name}:\n{report}"
        );
        let violations = findings(&report, "  [");
        assert_eq!(violations.len(), expected.len(), "{name}:\n{report}");
        for violation in *expected {
            assert!(
                report.contains(&format!("  {violation}")),
                "{name}: {report}"
            );
        }
    }
}

#[test]
fn replay_history_against_the_same_workflow_is_clean_with_exit_0() {
    let file = scratch_file("replay-clean.json", &exported_two_activities());
    let output = tempest(&["replay-history", arg(&file), "--workflow", "two_activities"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(stdout(&output).contains("17 events replayed cleanly against two_activities"));
}

#[test]
fn replay_history_against_changed_code_names_the_event_and_diffs_with_exit_1() {
    let file = scratch_file("replay-changed.json", &exported_two_activities());
    let output = tempest(&[
        "replay-history",
        arg(&file),
        "--workflow",
        "two_activities_changed",
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let report = stdout(&output);
    assert!(
        report.contains("nondeterminism at event 5 (ActivityTaskScheduled)"),
        "{report}"
    );
    assert!(report.contains("--- history (expected)\n+++ workflow code (produced)\n"));
    assert!(report.contains("\n-ActivityTaskScheduled(activity_type=activity_a, activity_id=1)\n"));
    assert!(report.contains("\n+ScheduleActivityTask(activity_type=activity_b, activity_id=1)\n"));
}

#[test]
fn replay_history_exits_2_on_an_unknown_type_or_a_bad_file() {
    let file = scratch_file("replay-bad-type.json", &exported_two_activities());
    let unknown = tempest(&["replay-history", arg(&file), "--workflow", "no_such_type"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("unknown workflow type \"no_such_type\""));
    let garbled = scratch_file("replay-garbled.json", "not json");
    let bad = tempest(&[
        "replay-history",
        arg(&garbled),
        "--workflow",
        "two_activities",
    ]);
    assert_eq!(bad.status.code(), Some(2));
    assert_eq!(stderr(&bad).lines().count(), 1, "{}", stderr(&bad));
    assert!(!stderr(&bad).contains("panicked"));
}

#[test]
fn the_invariant_list_marks_exactly_the_two_advisory_invariants() {
    let output = tempest(&["invariants"]);
    assert_eq!(output.status.code(), Some(0));
    let listing = stdout(&output);
    let marked: Vec<&str> = listing
        .lines()
        .filter(|l| l.ends_with("(a warning in check-history unless --strict)"))
        .filter_map(|l| l.split(' ').next())
        .collect();
    assert_eq!(
        marked,
        vec![
            "history.time_monotonic",
            "history.command_events_follow_their_task"
        ]
    );
    assert!(listing.lines().count() > 30, "{listing}");
}
