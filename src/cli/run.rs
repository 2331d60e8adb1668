//! `tempest run` and `tempest replay`: one seed, a summary, the exit code.

use super::scenarios;
use clap::Args;
use std::path::PathBuf;
use std::rc::Rc;
use tempest::scenario::runner;
use tempest::sim::RunOptions;
use tempest::workflow::Registry;

/// Arguments of `run` and `replay`.
#[derive(Args)]
pub struct RunArgs {
    /// Scenario file, or the name of a bundled scenario (e.g. two_activities).
    pub scenario: String,
    /// The seed.
    #[arg(long)]
    pub seed: u64,
    /// Inject the faults of this schedule file instead of drawing them from the seed.
    #[arg(long, value_name = "FILE")]
    pub faults: Option<PathBuf>,
    /// Write the faults this run injected to a schedule file.
    #[arg(long, value_name = "FILE")]
    pub write_faults: Option<PathBuf>,
    /// Print every step the world took.
    #[arg(long)]
    pub trace: bool,
    /// Print the summary as one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Switch on a planted bug (see `tempest sabotages`).
    #[arg(long, value_name = "NAME")]
    pub sabotage: Option<String>,
}

/// Runs one seed and prints its summary.
pub fn run(args: RunArgs, is_replay: bool) -> Result<i32, String> {
    let scenario = scenarios::load(&args.scenario)?;
    let fault_schedule = super::read_fault_schedule(&args.faults)?;
    let sabotage = super::read_sabotage(&args.sabotage)?;
    let registry = Rc::new(Registry::library());
    let options = RunOptions {
        seed: args.seed,
        fault_schedule,
        sabotage,
        keep_trace: args.trace,
        ..RunOptions::default()
    };
    let outcome = runner::run(&scenario, &registry, &options)
        .map_err(|e| format!("{}: {e}", args.scenario))?;
    if let Some(path) = &args.write_faults {
        std::fs::write(path, outcome.result.faults.to_json())
            .map_err(|e| format!("{}: cannot write fault schedule: {e}", path.display()))?;
    }
    if args.trace {
        for line in &outcome.result.trace {
            println!("{line}");
        }
    }
    if args.json {
        println!("{}", outcome.summary_json());
    } else {
        print!("{}", outcome.summary_text());
        if !outcome.passed() {
            print!("\n{}", outcome.violation_report(&registry));
            let cmd = scenarios::reproduce_command(
                &args.scenario,
                args.seed,
                args.faults.as_deref(),
                sabotage,
            );
            println!("FAILED: {}", outcome.failure_line());
            println!("reproduce: {cmd}");
        } else if !is_replay {
            println!("passed");
        }
    }
    Ok(if outcome.passed() {
        super::EXIT_OK
    } else {
        super::EXIT_VIOLATION
    })
}
