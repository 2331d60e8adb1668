//! Bad input never panics: every malformed scenario file under
//! `tests/data/bad-scenarios/` and every bad command line gets exactly one
//! line on stderr and exit code 2 from the `tempest` binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn tempest(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tempest"))
        .args(args)
        .output()
        .expect("the tempest binary runs")
}

/// The one stderr line of a bad-input run, or why the run is not one.
fn one_line_error(args: &[&str]) -> Result<String, String> {
    let out = tempest(args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let lines: Vec<&str> = stderr.lines().collect();
    if out.status.code() != Some(2) {
        return Err(format!(
            "{args:?}: exit code {:?}, not 2; stderr: {stderr}",
            out.status.code()
        ));
    }
    if lines.len() != 1 || lines[0].trim().is_empty() {
        return Err(format!(
            "{args:?}: {} stderr lines, not one: {stderr:?}",
            lines.len()
        ));
    }
    if stderr.contains("panicked") {
        return Err(format!("{args:?}: panicked: {stderr}"));
    }
    Ok(lines[0].to_string())
}

fn bad_scenarios() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/bad-scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/data/bad-scenarios exists")
        .map(|e| e.expect("a readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_malformed_scenario_gets_one_line_naming_its_file_and_exit_code_2() {
    let files = bad_scenarios();
    assert!(files.len() >= 20, "only {} bad scenarios", files.len());
    let mut failures = Vec::new();
    for file in &files {
        let path = file.to_str().expect("a UTF-8 path");
        match one_line_error(&["run", path, "--seed", "1"]) {
            Ok(line) => {
                let name = file.file_name().unwrap().to_string_lossy();
                if !line.contains(name.as_ref()) {
                    failures.push(format!("{path}: the error does not name the file: {line}"));
                }
            }
            Err(why) => failures.push(why),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn an_untagged_faults_value_of_the_wrong_shape_names_the_faults_field() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/bad-scenarios/wrong_type_fault_rate.json");
    let line = one_line_error(&["run", file.to_str().unwrap(), "--seed", "1"]).unwrap();
    assert!(line.contains("faults"), "{line}");
    assert!(line.contains("drop_rate"), "{line}");
    assert!(!line.contains("did not match any variant"), "{line}");
}

#[test]
fn an_unknown_workflow_type_is_named() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/bad-scenarios/unknown_workflow_type.json");
    let line = one_line_error(&["run", file.to_str().unwrap(), "--seed", "1"]).unwrap();
    assert!(line.contains("no_such_workflow"), "{line}");
}

#[test]
fn a_non_numeric_seed_is_one_line_and_exit_code_2() {
    let line = one_line_error(&["run", "two_activities", "--seed", "abc"]).unwrap();
    assert!(line.contains("abc"), "{line}");
}

#[test]
fn an_unknown_flag_is_one_line_and_exit_code_2() {
    let line = one_line_error(&["run", "two_activities", "--seed", "1", "--sede", "2"]).unwrap();
    assert!(line.contains("--sede"), "{line}");
}

#[test]
fn an_unknown_subcommand_is_one_line_and_exit_code_2() {
    one_line_error(&["runn", "two_activities"]).unwrap();
}

#[test]
fn a_missing_scenario_file_is_one_line_and_exit_code_2() {
    let line = one_line_error(&["run", "/no/such/scenario.json", "--seed", "1"]).unwrap();
    assert!(line.contains("/no/such/scenario.json"), "{line}");
}

#[test]
fn an_unknown_sabotage_is_one_line_and_exit_code_2() {
    let line = one_line_error(&[
        "run",
        "two_activities",
        "--seed",
        "1",
        "--sabotage",
        "no_such_bug",
    ])
    .unwrap();
    assert!(line.contains("no_such_bug"), "{line}");
}

#[test]
fn a_missing_fault_schedule_file_is_one_line_and_exit_code_2() {
    one_line_error(&[
        "replay",
        "two_activities",
        "--seed",
        "1",
        "--faults",
        "/no/such/faults.json",
    ])
    .unwrap();
}

#[test]
fn help_still_prints_usage_and_exits_0() {
    let out = tempest(&["run", "--help"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("--seed"));
}
