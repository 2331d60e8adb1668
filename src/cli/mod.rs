//! Command-line parsing (clap) and dispatch to one module per command.
//!
//! The CLI is outside the engine: it may read files and the wall clock (for
//! progress and seeds/s only) and run seeds on several threads, each
//! simulation still single-threaded and deterministic.

mod check_history;
mod explore;
mod history;
mod minimize;
mod replay_history;
mod run;
mod scenarios;

use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// Exit code when every invariant held.
pub const EXIT_OK: i32 = 0;
/// Exit code when an invariant was violated.
pub const EXIT_VIOLATION: i32 = 1;
/// Exit code for bad input: files, names, flags.
pub const EXIT_BAD_INPUT: i32 = 2;

/// Tempest: deterministic simulation testing for Temporal-style durable workflows.
#[derive(Parser)]
#[command(name = "tempest", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run one seed of a scenario and print a summary.
    Run(run::RunArgs),
    /// Rerun one seed exactly (optionally with a fault schedule) and optionally print its trace.
    Replay(run::RunArgs),
    /// Run many seeds of one or more scenarios (all bundled ones if none given).
    Explore(explore::ExploreArgs),
    /// Print the histories of one seed of a scenario.
    History(history::HistoryArgs),
    /// List the registered workflow types.
    Workflows,
    /// Check Temporal JSON history files with every invariant that needs no workflow code.
    CheckHistory(check_history::CheckHistoryArgs),
    /// Replay a Temporal JSON history against a registered workflow and report nondeterminism.
    ReplayHistory(replay_history::ReplayHistoryArgs),
    /// Shrink a failing seed's fault schedule to the faults its failure needs.
    Minimize(minimize::MinimizeArgs),
    /// List the planted bugs that `--sabotage NAME` switches on.
    Sabotages,
    /// List every invariant the checkers hold runs and histories to.
    Invariants,
}

/// Parses the command line, runs the command, and returns the exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return bad_command_line(error),
    };
    // Workflow and activity panics are task failures, not crashes: keep them off stderr.
    tempest::worker::quiet_panics();
    let result = match cli.command {
        Command::Run(args) => run::run(args, false),
        Command::Replay(args) => run::run(args, true),
        Command::Explore(args) => explore::explore(args),
        Command::History(args) => history::history(args),
        Command::CheckHistory(args) => check_history::check_history(args),
        Command::ReplayHistory(args) => replay_history::replay_history(args),
        Command::Minimize(args) => minimize::minimize(args),
        Command::Workflows => {
            for name in tempest::workflow::Registry::library().workflow_names() {
                println!("{name}");
            }
            Ok(EXIT_OK)
        }
        Command::Invariants => {
            for i in tempest::check::catalog() {
                let advisory = if tempest::check::is_advisory_for_recorded(i.id) {
                    " (a warning in check-history unless --strict)"
                } else {
                    ""
                };
                println!("{} — {}{advisory}", i.id, i.description);
            }
            Ok(EXIT_OK)
        }
        Command::Sabotages => {
            for s in tempest::sabotage::Sabotage::all() {
                println!("{} — {}", s.name(), s.breaks());
            }
            Ok(EXIT_OK)
        }
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("tempest: error: {message}");
            EXIT_BAD_INPUT
        }
    }
}

/// Help and version go to stdout as clap prints them (exit 0); any other
/// command-line error (a seed that is not a number, an unknown flag) is one
/// line on stderr and exit code 2, like every other bad input.
fn bad_command_line(error: clap::Error) -> i32 {
    use clap::error::ErrorKind;
    match error.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            // If stdout is gone there is nobody to tell.
            let _ = error.print();
            EXIT_OK
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            // `tempest` alone: the usage is the useful answer.
            let _ = error.print();
            EXIT_BAD_INPUT
        }
        _ => {
            let rendered = error.render().to_string();
            let first = rendered.lines().next().unwrap_or("bad command line");
            let message = first.strip_prefix("error: ").unwrap_or(first);
            eprintln!("tempest: error: {message} (see `tempest --help`)");
            EXIT_BAD_INPUT
        }
    }
}

/// Reads a fault schedule file given with `--faults`.
fn read_fault_schedule(
    path: &Option<PathBuf>,
) -> Result<Option<tempest::sim::FaultSchedule>, String> {
    let Some(path) = path else { return Ok(None) };
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read fault schedule: {e}", path.display()))?;
    tempest::sim::FaultSchedule::from_json(&text)
        .map(Some)
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// Parses `--sabotage NAME` (unknown name: a one-line error, exit code 2).
fn read_sabotage(name: &Option<String>) -> Result<Option<tempest::sabotage::Sabotage>, String> {
    name.as_deref()
        .map(tempest::sabotage::Sabotage::from_name)
        .transpose()
}
