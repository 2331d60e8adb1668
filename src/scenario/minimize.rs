//! Minimisation: from a failing seed's realised fault schedule, remove
//! faults while the same invariant still fails (rerunning the seed with the
//! smaller schedule), by delta debugging: drop chunks of halving size, down
//! to one fault at a time, until no single fault can go.

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
    /// How many faults the seed's run injected.
    pub original_faults: usize,
    /// The smallest schedule found that still fails `invariant`.
    pub schedule: FaultSchedule,
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
    let realised = outcome.result.faults.faults.clone();
    let mut search = Search {
        scenario,
        registry,
        seed,
        sabotage,
        invariant,
        runs: 1,
    };
    if !search.fails(&realised)? {
        return Err(format!(
            "seed {seed} fails {invariant}, but replaying its {} realised faults does not",
            realised.len()
        ));
    }
    let minimal = search.ddmin(realised.clone())?;
    Ok(Minimized {
        invariant,
        original_faults: realised.len(),
        schedule: FaultSchedule { faults: minimal },
        runs: search.runs,
    })
}

struct Search<'a> {
    scenario: &'a Scenario,
    registry: &'a Rc<Registry>,
    seed: u64,
    sabotage: Option<Sabotage>,
    invariant: &'static str,
    runs: u64,
}

impl Search<'_> {
    /// Whether the seed with exactly these faults still fails the invariant.
    fn fails(&mut self, faults: &[TimedFault]) -> Result<bool, String> {
        self.runs += 1;
        let options = RunOptions {
            seed: self.seed,
            fault_schedule: Some(FaultSchedule {
                faults: faults.to_vec(),
            }),
            sabotage: self.sabotage,
            keep_trace: false,
        };
        let outcome = runner::run(self.scenario, self.registry, &options)?;
        Ok(outcome
            .violations
            .iter()
            .any(|v| v.invariant == self.invariant))
    }

    /// Delta debugging over complements: split into `n` chunks, keep the
    /// first complement that still fails (then `n - 1` chunks), else double
    /// `n`, until chunks are single faults and none can go.
    fn ddmin(&mut self, mut faults: Vec<TimedFault>) -> Result<Vec<TimedFault>, String> {
        if self.fails(&[])? {
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
                if self.fails(&complement)? {
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
}
