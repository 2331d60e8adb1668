//! Minimisation: from a failing seed's realised fault schedule, remove
//! faults while the same invariant still fails (rerunning the seed with the
//! smaller schedule), by delta debugging: drop chunks of halving size, down
//! to one fault at a time, until no single fault can go. Executions go
//! first, with the seed's own faults: whole workflow groups, then smaller
//! counts (fault schedules name messages by number, so any change to the
//! workload would scramble a fixed schedule).

use super::runner;
use super::Scenario;
use crate::sabotage::Sabotage;
use crate::sim::{FaultSchedule, RunOptions, TimedFault};
use crate::workflow::Registry;
use std::rc::Rc;

/// What minimisation found.
#[derive(Clone, Debug)]
pub struct Minimized {
    /// The invariant the seed fails, and every kept schedule still fails.
    pub invariant: &'static str,
    /// How many faults the seed's run of the whole scenario injected.
    pub original_faults: usize,
    /// The smallest schedule found that still fails `invariant`.
    pub schedule: FaultSchedule,
    /// How many executions the scenario starts.
    pub original_executions: u64,
    /// The scenario with the executions the failure does not need removed
    /// (the original if none could go).
    pub scenario: Scenario,
    /// How many runs minimisation took (the first one included).
    pub runs: u64,
}

/// Minimises the fault schedule of `seed` of `scenario`. Fails (one line)
/// if the seed passes, or if replaying its realised schedule does not fail
/// the same invariant.
pub fn minimize(
    scenario: &Scenario,
    registry: &Rc<Registry>,
    seed: u64,
    sabotage: Option<Sabotage>,
) -> Result<Minimized, String> {
    let drawn = RunOptions {
        seed,
        sabotage,
        ..RunOptions::default()
    };
    let outcome = runner::run(scenario, registry, &drawn)?;
    let Some(first) = outcome.violations.first() else {
        return Err(format!(
            "seed {seed} of {} passes: nothing to minimise",
            scenario.name
        ));
    };
    let invariant = first.invariant;
    let original_faults = outcome.result.faults.faults.len();
    let mut search = Search {
        scenario: scenario.clone(),
        registry,
        seed,
        sabotage,
        invariant,
        runs: 1,
    };
    search.shrink_executions()?;
    let realised = search.realised_faults()?;
    if !search.fails(Some(&realised))? {
        return Err(format!(
            "seed {seed} fails {invariant}, but replaying its {} realised faults does not",
            realised.len()
        ));
    }
    let minimal = search.ddmin(realised.clone())?;
    Ok(Minimized {
        invariant,
        original_faults,
        schedule: FaultSchedule { faults: minimal },
        original_executions: scenario.execution_count(),
        scenario: search.scenario,
        runs: search.runs,
    })
}

struct Search<'a> {
    scenario: Scenario,
    registry: &'a Rc<Registry>,
    seed: u64,
    sabotage: Option<Sabotage>,
    invariant: &'static str,
    runs: u64,
}

impl Search<'_> {
    /// Whether the seed still fails the invariant, with exactly these faults
    /// or (`None`) with the faults it draws itself.
    fn fails(&mut self, faults: Option<&[TimedFault]>) -> Result<bool, String> {
        self.runs += 1;
        let options = RunOptions {
            seed: self.seed,
            fault_schedule: faults.map(|f| FaultSchedule { faults: f.to_vec() }),
            sabotage: self.sabotage,
            keep_trace: false,
            ..RunOptions::default()
        };
        let outcome = runner::run(&self.scenario, self.registry, &options)?;
        Ok(outcome
            .violations
            .iter()
            .any(|v| v.invariant == self.invariant))
    }

    /// Delta debugging over complements: split into `n` chunks, keep the
    /// first complement that still fails (then `n - 1` chunks), else double
    /// `n`, until chunks are single faults and none can go.
    fn ddmin(&mut self, mut faults: Vec<TimedFault>) -> Result<Vec<TimedFault>, String> {
        if self.fails(Some(&[]))? {
            return Ok(Vec::new());
        }
        let mut n = 2usize;
        while faults.len() >= 2 {
            let chunk = faults.len().div_ceil(n);
            let mut reduced = false;
            for start in (0..faults.len()).step_by(chunk) {
                let complement: Vec<TimedFault> = faults[..start]
                    .iter()
                    .chain(faults[(start + chunk).min(faults.len())..].iter())
                    .cloned()
                    .collect();
                if self.fails(Some(&complement))? {
                    faults = complement;
                    n = (n - 1).max(2);
                    reduced = true;
                    break;
                }
            }
            if !reduced {
                if chunk == 1 {
                    break;
                }
                n = (n * 2).min(faults.len());
            }
        }
        Ok(faults)
    }

    /// The faults the seed injects into the current scenario.
    fn realised_faults(&mut self) -> Result<Vec<TimedFault>, String> {
        self.runs += 1;
        let options = RunOptions {
            seed: self.seed,
            sabotage: self.sabotage,
            ..RunOptions::default()
        };
        Ok(runner::run(&self.scenario, self.registry, &options)?
            .result
            .faults
            .faults)
    }

    /// Removes executions while the seed (with its own faults) still fails:
    /// whole groups first, then each group's count (down to 1, else halved,
    /// else one fewer), until nothing more can go.
    fn shrink_executions(&mut self) -> Result<(), String> {
        loop {
            let mut reduced = false;
            let mut group = 0;
            while group < self.scenario.workflows.len() && self.scenario.workflows.len() > 1 {
                let removed = self.scenario.workflows.remove(group);
                if self.fails(None)? {
                    reduced = true;
                } else {
                    self.scenario.workflows.insert(group, removed);
                    group += 1;
                }
            }
            for group in 0..self.scenario.workflows.len() {
                let count = self.scenario.workflows[group].count;
                for smaller in [1, count / 2, count - 1] {
                    if smaller == 0 || smaller >= count {
                        continue;
                    }
                    self.scenario.workflows[group].count = smaller;
                    if self.fails(None)? {
                        reduced = true;
                        break;
                    }
                    self.scenario.workflows[group].count = count;
                }
            }
            if !reduced {
                return Ok(());
            }
        }
    }
}
