//! `tempest minimize`: shrinks a failing seed's fault schedule to the
//! faults the failure needs, writes it, and prints the replay command.

use super::scenarios;
use clap::Args;
use std::path::PathBuf;
use std::rc::Rc;
use tempest::scenario::minimize::minimize as shrink;
use tempest::workflow::Registry;

/// Arguments of `minimize`.
#[derive(Args)]
pub struct MinimizeArgs {
    /// Scenario file, or the name of a bundled scenario.
    pub scenario: String,
    /// The failing seed.
    #[arg(long)]
    pub seed: u64,
    /// The planted bug the seed failed with, if any (see `tempest sabotages`).
    #[arg(long, value_name = "NAME")]
    pub sabotage: Option<String>,
    /// Where to write the minimal schedule (default: `<scenario>-seed-<N>-minimal.json`).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Minimises the seed's fault schedule and prints how to replay it.
pub fn minimize(args: MinimizeArgs) -> Result<i32, String> {
    let scenario = scenarios::load(&args.scenario)?;
    let sabotage = super::read_sabotage(&args.sabotage)?;
    let registry = Rc::new(Registry::library());
    let found = shrink(&scenario, &registry, args.seed, sabotage)?;
    let out = args.out.unwrap_or_else(|| {
        PathBuf::from(format!("{}-seed-{}-minimal.json", scenario.name, args.seed))
    });
    std::fs::write(&out, found.schedule.to_json())
        .map_err(|e| format!("{}: cannot write fault schedule: {e}", out.display()))?;
    println!("invariant    {}", found.invariant);
    println!(
        "faults       {} -> {} ({} runs)",
        found.original_faults,
        found.schedule.faults.len(),
        found.runs
    );
    println!("written      {}", out.display());
    let mut scenario_arg = args.scenario.clone();
    if found.scenario != scenario {
        let path = out.with_file_name(format!(
            "{}-scenario.json",
            out.file_stem()
                .map_or("minimal".into(), |s| s.to_string_lossy())
        ));
        let text = serde_json::to_string_pretty(&found.scenario).map_err(|e| e.to_string())?;
        std::fs::write(&path, text)
            .map_err(|e| format!("{}: cannot write scenario: {e}", path.display()))?;
        println!(
            "executions   {} -> {}",
            found.original_executions,
            found.scenario.execution_count()
        );
        println!("scenario     {}", path.display());
        scenario_arg = path.display().to_string();
    }
    println!(
        "reproduce: {}",
        scenarios::reproduce_command(&scenario_arg, args.seed, Some(&out), sabotage)
    );
    Ok(super::EXIT_OK)
}
