//! Simulation determinism: the same seed run twice gives the same trace hash
//! and the same histories. A mismatch comes with a diff of the first history
//! that differs (run 1 against run 2).

use super::report::text_diff;
use super::run::RunViolation;
use super::InvariantInfo;
use crate::codec::text::history_to_text;
use crate::sim::RunResult;

/// Two runs of one seed are the same.
pub const SIMULATION_DETERMINISTIC: InvariantInfo = InvariantInfo {
    id: "simulation.deterministic",
    description: "a seed run twice gives the same trace hash and the same histories",
};

/// A violation whose message carries the diff between the runs.
pub fn compare_runs(first: &RunResult, second: &RunResult) -> Option<RunViolation> {
    let runs1: Vec<_> = first.store.runs().collect();
    let runs2: Vec<_> = second.store.runs().collect();
    for (i, a) in runs1.iter().enumerate() {
        let text_a = history_to_text(&a.history());
        let text_b = runs2
            .get(i)
            .map(|b| history_to_text(&b.history()))
            .unwrap_or_default();
        if text_a != text_b || runs2.get(i).map(|b| b.execution()) != Some(a.execution()) {
            return Some(RunViolation::new(
                SIMULATION_DETERMINISTIC.id,
                Some(a.execution()),
                None,
                format!(
                    "seed {} gave a different history on its second run:\n{}",
                    first.seed,
                    text_diff("run 1", &text_a, "run 2", &text_b)
                ),
            ));
        }
    }
    if runs2.len() != runs1.len() || first.trace_hash != second.trace_hash {
        return Some(RunViolation::new(
            SIMULATION_DETERMINISTIC.id,
            None,
            None,
            format!(
                "seed {}: run 1 had {} runs and trace hash {:016x}, run 2 had {} runs and trace hash {:016x}",
                first.seed,
                runs1.len(),
                first.trace_hash,
                runs2.len(),
                second.trace_hash
            ),
        ));
    }
    None
}
