//! `tempest history`: the histories one seed of a scenario produced.

use super::scenarios;
use clap::{Args, ValueEnum};
use std::path::PathBuf;
use std::rc::Rc;
use tempest::scenario::runner;
use tempest::sim::RunOptions;
use tempest::workflow::Registry;

/// How to print histories.
#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    /// One event per line (what snapshots hold).
    Text,
    /// Tempest's own JSON (serde of the model).
    Json,
    /// Temporal's JSON history format (`{"events": [...]}`), one object per line.
    Temporal,
}

/// Arguments of `history`.
#[derive(Args)]
pub struct HistoryArgs {
    /// Scenario file, or the name of a bundled scenario.
    pub scenario: String,
    /// The seed.
    #[arg(long)]
    pub seed: u64,
    /// Only this workflow id (every run of it).
    #[arg(long, value_name = "ID")]
    pub workflow: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Inject the faults of this schedule file instead of drawing them from the seed.
    #[arg(long, value_name = "FILE")]
    pub faults: Option<PathBuf>,
}

/// Prints the histories of one seed.
pub fn history(args: HistoryArgs) -> Result<i32, String> {
    let scenario = scenarios::load(&args.scenario)?;
    let fault_schedule = super::read_fault_schedule(&args.faults)?;
    let registry = Rc::new(Registry::library());
    let outcome = runner::run(
        &scenario,
        &registry,
        &RunOptions {
            seed: args.seed,
            fault_schedule,
            keep_trace: false,
            sabotage: None,
            ..RunOptions::default()
        },
    )?;
    let mut found = false;
    for run in outcome.result.store.runs() {
        if args
            .workflow
            .as_deref()
            .is_some_and(|w| w != run.execution().workflow_id.as_str())
        {
            continue;
        }
        found = true;
        match args.format {
            Format::Text => {
                println!(
                    "# {} {} {}",
                    run.execution(),
                    run.workflow_type(),
                    run.status()
                );
                print!("{}", tempest::codec::history_to_text(&run.history()));
                println!();
            }
            Format::Json => println!(
                "{}",
                serde_json::to_string(&*run.history()).map_err(|e| e.to_string())?
            ),
            Format::Temporal => println!("{}", tempest::codec::export_history(&run.history())),
        }
    }
    if !found {
        return Err(format!(
            "no workflow {:?} in scenario {}",
            args.workflow.unwrap_or_default(),
            scenario.name
        ));
    }
    Ok(if outcome.passed() {
        super::EXIT_OK
    } else {
        super::EXIT_VIOLATION
    })
}
