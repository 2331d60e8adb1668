//! `tempest explore`: many seeds of many scenarios, with a progress line,
//! a summary table, and the reproduction command of every failing seed.
//! `--jobs` runs seeds on several threads; each simulation stays
//! single-threaded and deterministic, so the results do not depend on it.

use super::scenarios;
use clap::Args;
use std::io::Write;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::Instant;
use tempest::check::{compare_runs, RunViolation};
use tempest::sabotage::Sabotage;
use tempest::scenario::{runner, Scenario};
use tempest::sim::RunOptions;
use tempest::workflow::Registry;

/// Arguments of `explore`.
#[derive(Args)]
pub struct ExploreArgs {
    /// Scenario files or bundled names; every bundled scenario if none.
    pub scenarios: Vec<String>,
    /// Seeds per scenario (a scenario's `max_explore_seeds` caps it).
    #[arg(long, default_value_t = 100)]
    pub seeds: u64,
    /// First seed.
    #[arg(long, default_value_t = 0)]
    pub from: u64,
    /// Seeds run in parallel (threads; each simulation is single-threaded).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=256))]
    pub jobs: u64,
    /// Print the results as one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Rerun every Nth seed and require the same trace hash and histories
    /// (invariant simulation.deterministic); 0 turns this off.
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub determinism_every: u64,
    /// Switch on a planted bug in every seed (see `tempest sabotages`).
    #[arg(long, value_name = "NAME")]
    pub sabotage: Option<String>,
}

/// What one seed produced, small enough to send between threads.
struct SeedResult {
    seed: u64,
    passed: bool,
    failure: String,
    /// A diff or other multi-line detail of the failure.
    detail: Option<String>,
    executions: u64,
    events: u64,
    faults: u64,
}

struct ScenarioSummary {
    arg: String,
    name: String,
    seeds: u64,
    failures: Vec<SeedResult>,
    executions: u64,
    events: u64,
    faults: u64,
    seconds: f64,
}

/// Runs the exploration and prints its results.
pub fn explore(args: ExploreArgs) -> Result<i32, String> {
    let names = if args.scenarios.is_empty() {
        scenarios::bundled_names()
    } else {
        args.scenarios.clone()
    };
    if names.is_empty() {
        return Err("no scenarios to explore".into());
    }
    let loaded: Vec<(String, Scenario)> = names
        .iter()
        .map(|n| Ok((n.clone(), scenarios::load(n)?)))
        .collect::<Result<_, String>>()?;
    let registry = Registry::library();
    for (arg, s) in &loaded {
        if let Some(t) = s
            .workflows
            .iter()
            .find(|g| !registry.has_workflow(&g.workflow_type))
        {
            return Err(format!(
                "{arg}: unknown workflow type {:?}",
                t.workflow_type
            ));
        }
    }
    let sabotage = super::read_sabotage(&args.sabotage)?;
    let total: u64 = loaded.iter().map(|(_, s)| seeds_for(s, args.seeds)).sum();
    let started = Instant::now();
    let mut progress = Progress::new(total, !args.json);
    let mut done = 0u64;
    let mut failed = 0u64;
    let mut summaries = Vec::new();
    for (arg, scenario) in &loaded {
        let seeds = seeds_for(scenario, args.seeds);
        let scenario_started = Instant::now();
        let mut summary = ScenarioSummary {
            arg: arg.clone(),
            name: scenario.name.clone(),
            seeds,
            failures: Vec::new(),
            executions: 0,
            events: 0,
            faults: 0,
            seconds: 0.0,
        };
        let setup = SeedSetup {
            sabotage,
            determinism_every: args.determinism_every,
        };
        run_seeds(scenario, args.from, seeds, args.jobs, setup, |r| {
            done += 1;
            summary.executions += r.executions;
            summary.events += r.events;
            summary.faults += r.faults;
            if !r.passed {
                failed += 1;
                summary.failures.push(r);
            }
            progress.update(done, failed, started);
        })?;
        summary.seconds = scenario_started.elapsed().as_secs_f64();
        summary.failures.sort_by_key(|f| f.seed);
        summaries.push(summary);
    }
    progress.finish(done, failed, started);
    if args.json {
        print_json(&summaries, &args, sabotage);
    } else {
        print_table(&summaries, sabotage);
    }
    Ok(if failed == 0 {
        super::EXIT_OK
    } else {
        super::EXIT_VIOLATION
    })
}

fn seeds_for(scenario: &Scenario, requested: u64) -> u64 {
    scenario
        .max_explore_seeds
        .map_or(requested, |cap| requested.min(cap))
}

/// How every seed of an exploration is run.
#[derive(Clone, Copy)]
struct SeedSetup {
    sabotage: Option<Sabotage>,
    determinism_every: u64,
}

fn run_one(
    scenario: &Scenario,
    registry: &Rc<Registry>,
    seed: u64,
    setup: SeedSetup,
) -> SeedResult {
    let options = RunOptions {
        seed,
        fault_schedule: None,
        sabotage: setup.sabotage,
        keep_trace: false,
        ..RunOptions::default()
    };
    let rerun = setup.determinism_every != 0 && seed.is_multiple_of(setup.determinism_every);
    match runner::run(scenario, registry, &options) {
        Ok(outcome) => {
            let mismatch = rerun
                .then(|| runner::run(scenario, registry, &options).ok())
                .flatten()
                .and_then(|second| compare_runs(&outcome.result, &second.result));
            seed_result(seed, &outcome, mismatch)
        }
        Err(e) => SeedResult {
            seed,
            passed: false,
            failure: e,
            detail: None,
            executions: 0,
            events: 0,
            faults: 0,
        },
    }
}

/// What one judged seed produced, with the determinism mismatch if any.
fn seed_result(seed: u64, outcome: &runner::Outcome, mismatch: Option<RunViolation>) -> SeedResult {
    SeedResult {
        seed,
        passed: outcome.passed() && mismatch.is_none(),
        failure: match &mismatch {
            Some(v) => format!(
                "{}: {}",
                v.invariant,
                v.message.lines().next().unwrap_or_default()
            ),
            None => outcome.failure_line(),
        },
        detail: mismatch.map(|v| v.message),
        executions: outcome.result.store.runs().count() as u64,
        events: outcome
            .result
            .store
            .runs()
            .map(|r| r.history_len() as u64)
            .sum(),
        faults: outcome.result.fault_counts.values().sum(),
    }
}

/// Runs seeds `from..from+count`, on `jobs` threads, calling `on_result` on
/// this thread as each finishes.
fn run_seeds(
    scenario: &Scenario,
    from: u64,
    count: u64,
    jobs: u64,
    setup: SeedSetup,
    mut on_result: impl FnMut(SeedResult),
) -> Result<(), String> {
    if jobs <= 1 {
        let registry = Rc::new(Registry::library());
        for seed in from..from + count {
            on_result(run_one(scenario, &registry, seed, setup));
        }
        return Ok(());
    }
    let next = AtomicU64::new(from);
    let (tx, rx) = mpsc::channel();
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            let tx = tx.clone();
            let next = &next;
            scope.spawn(move || {
                let registry = Rc::new(Registry::library());
                loop {
                    let seed = next.fetch_add(1, Ordering::Relaxed);
                    if seed >= from + count {
                        break;
                    }
                    if tx.send(run_one(scenario, &registry, seed, setup)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        for r in rx {
            on_result(r);
        }
    });
    Ok(())
}

fn print_table(summaries: &[ScenarioSummary], sabotage: Option<Sabotage>) {
    println!(
        "{:<22} {:>7} {:>7} {:>7} {:>10} {:>12} {:>12} {:>9}",
        "scenario", "seeds", "passed", "failed", "seeds/s", "executions", "events", "faults"
    );
    for s in summaries {
        let rate = s.seeds as f64 / s.seconds.max(1e-9);
        let failed = s.failures.len() as u64;
        println!(
            "{:<22} {:>7} {:>7} {:>7} {:>10.1} {:>12} {:>12} {:>9}",
            s.name,
            s.seeds,
            s.seeds - failed,
            failed,
            rate,
            s.executions,
            s.events,
            s.faults
        );
    }
    let failures: Vec<_> = summaries
        .iter()
        .flat_map(|s| s.failures.iter().map(move |f| (s, f)))
        .collect();
    if failures.is_empty() {
        println!("all seeds passed");
    } else {
        println!("\n{} failing seeds:", failures.len());
        for (s, f) in failures {
            println!(
                "  {}  # {}",
                scenarios::reproduce_command(&s.arg, f.seed, None, sabotage),
                f.failure
            );
            if let Some(detail) = &f.detail {
                println!("{detail}");
            }
        }
    }
}

fn print_json(summaries: &[ScenarioSummary], args: &ExploreArgs, sabotage: Option<Sabotage>) {
    let scenarios: Vec<_> = summaries
        .iter()
        .map(|s| {
            serde_json::json!({
                "scenario": s.name,
                "seeds": s.seeds,
                "from": args.from,
                "failed": s.failures.len(),
                "seconds": s.seconds,
                "executions": s.executions,
                "events": s.events,
                "faults": s.faults,
                "failures": s.failures.iter().map(|f| serde_json::json!({
                    "seed": f.seed,
                    "failure": f.failure,
                    "reproduce": scenarios::reproduce_command(&s.arg, f.seed, None, sabotage),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let failed: usize = summaries.iter().map(|s| s.failures.len()).sum();
    println!(
        "{}",
        serde_json::json!({ "passed": failed == 0, "failed": failed, "scenarios": scenarios })
    );
}

/// The progress line on stderr: redrawn in place (at most ten times a
/// second) on a terminal; elsewhere (CI logs) one line every ten seconds.
struct Progress {
    total: u64,
    shown: bool,
    terminal: bool,
    last: Option<Instant>,
}

impl Progress {
    fn new(total: u64, shown: bool) -> Progress {
        let terminal = std::io::IsTerminal::is_terminal(&std::io::stderr());
        Progress {
            total,
            shown,
            terminal,
            last: None,
        }
    }

    fn update(&mut self, done: u64, failed: u64, started: Instant) {
        let every = if self.terminal { 0.1 } else { 10.0 };
        if !self.shown || self.last.is_some_and(|t| t.elapsed().as_secs_f64() < every) {
            return;
        }
        self.last = Some(Instant::now());
        self.print(done, failed, started);
    }

    fn finish(&mut self, done: u64, failed: u64, started: Instant) {
        if self.shown {
            self.print(done, failed, started);
            if self.terminal {
                eprintln!();
            }
        }
    }

    fn print(&self, done: u64, failed: u64, started: Instant) {
        let rate = done as f64 / started.elapsed().as_secs_f64().max(1e-9);
        let line = format!(
            "explore: {done}/{} seeds, {rate:.1} seeds/s, {failed} failed",
            self.total
        );
        if self.terminal {
            eprint!("\r{line}   ");
            let _ = std::io::stderr().flush();
        } else {
            eprintln!("{line}");
        }
    }
}
