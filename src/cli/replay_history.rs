//! `tempest replay-history FILE --workflow TYPE`: replays a recorded Temporal
//! JSON history against a registered Rust workflow definition — the check a
//! team runs before deploying changed workflow code — and shows any
//! nondeterminism as a diff of what the history holds against what the code
//! produced.

use clap::Args;
use similar::TextDiff;
use std::path::PathBuf;
use tempest::codec::import_history;
use tempest::model::{Event, EventAttributes};
use tempest::worker::{replay, ReplayError};
use tempest::workflow::Registry;

/// Arguments of `replay-history`.
#[derive(Args)]
pub struct ReplayHistoryArgs {
    /// A Temporal JSON history file (`{"events": [...]}`).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The registered workflow type to replay it against (see `tempest
    /// workflows`); it replaces the type recorded in event 1.
    #[arg(long, value_name = "TYPE")]
    pub workflow: String,
}

/// Replays the file: 0 clean, 1 nondeterminism or a workflow panic, 2 bad
/// input (unreadable file, unknown type, a history no worker can follow).
pub fn replay_history(args: ReplayHistoryArgs) -> Result<i32, String> {
    let mut registry = Registry::library();
    if !registry.has_workflow(&args.workflow) {
        return Err(format!(
            "unknown workflow type {:?} (registered: {})",
            args.workflow,
            registry.workflow_names().join(", ")
        ));
    }
    let path = args.file.display();
    let text =
        std::fs::read_to_string(&args.file).map_err(|e| format!("{path}: cannot read: {e}"))?;
    let events = import_history(&text)
        .map_err(|e| format!("{path}: not a Temporal JSON history: {e}"))?
        .events;
    let recorded = recorded_workflow_type(&events)
        .ok_or_else(|| format!("{path}: event 1 is not WorkflowExecutionStarted"))?;
    registry.alias_workflow(&recorded, &args.workflow)?;
    match replay(&registry, &events) {
        Ok(outcome) => {
            let ending = match outcome.result {
                Some(Ok(_)) => "the code completed",
                Some(Err(_)) => "the code closed the run",
                None => "the code is still running",
            };
            println!(
                "{path}: {} events replayed cleanly against {} ({ending})",
                events.len(),
                args.workflow
            );
            Ok(super::EXIT_OK)
        }
        Err(ReplayError::MalformedHistory(why)) => {
            Err(format!("{path}: cannot be replayed: {why}"))
        }
        Err(error) => {
            println!("{path}: replay against {} failed", args.workflow);
            println!("{error}");
            if let ReplayError::Nondeterminism {
                expected, produced, ..
            } = &error
            {
                print!("{}", diff(expected, produced));
            }
            Ok(super::EXIT_VIOLATION)
        }
    }
}

/// The workflow type event 1 records, if event 1 starts a run.
fn recorded_workflow_type(events: &[Event]) -> Option<String> {
    match &events.first()?.attributes {
        EventAttributes::WorkflowExecutionStarted(started) => {
            Some(started.workflow_type.to_string())
        }
        _ => None,
    }
}

/// A unified diff: what the history recorded (`-`) against what the code
/// produced (`+`).
fn diff(expected: &str, produced: &str) -> String {
    let expected = format!("{expected}\n");
    let produced = format!("{produced}\n");
    TextDiff::from_lines(&expected, &produced)
        .unified_diff()
        .header("history (expected)", "workflow code (produced)")
        .to_string()
}
