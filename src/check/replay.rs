//! Replay: every history replays against its workflow code with no
//! nondeterminism — whole, and cut at one workflow-task boundary that the
//! run's id picks — and a completed history replays to the result it
//! recorded.

use super::run::RunViolation;
use super::InvariantInfo;
use crate::model::*;
use crate::worker::{
    replay_execution, replay_execution_with, replay_prefix_then_whole_with, ReplayError,
};
use crate::workflow::{Registry, WfResult};

/// Replay reproduces the recorded commands.
pub const DETERMINISTIC: InvariantInfo = InvariantInfo {
    id: "replay.deterministic",
    description: "every history (and one prefix ending at a workflow task, picked by the run id) replays against its workflow code without nondeterminism",
};
/// Replay reproduces the recorded result.
pub const SAME_RESULT: InvariantInfo = InvariantInfo {
    id: "replay.same_result",
    description: "a completed history replays to the result it recorded",
};

/// Replays `history` whole, then cut at one workflow-task boundary.
///
/// Where continuing the prefix's replay to the end walks the history as
/// replaying it whole does, the prefix is replayed once and then fed the
/// rest; if either fails, both are replayed apart, so what is reported is
/// the same.
pub(crate) fn check_replay(
    registry: &Registry,
    execution: &WorkflowExecution,
    history: &[Event],
    found: &mut Vec<RunViolation>,
) {
    let closing = history.last().filter(|e| e.event_type().is_closing());
    if let Some(cut) = prefix_cut(execution, history) {
        let both_passed =
            replay_prefix_then_whole_with(registry, execution, history, cut, |result| {
                check_replayed_result(execution, closing, result, found);
            });
        if both_passed.is_some() {
            return;
        }
    }
    replay_apart(registry, execution, history, closing, found);
}

/// Replays `history` whole, then its prefix, each from event 1, reporting
/// the first that fails.
fn replay_apart(
    registry: &Registry,
    execution: &WorkflowExecution,
    history: &[Event],
    closing: Option<&Event>,
    found: &mut Vec<RunViolation>,
) {
    for cut in cuts(execution, history) {
        let replayed = replay_execution_with(registry, execution, &history[..cut], |result| {
            if cut == history.len() {
                check_replayed_result(execution, closing, result, found);
            }
        });
        match replayed {
            Ok(()) => {}
            // Code that panics on replay panicked when the history was made too.
            Err(ReplayError::WorkflowPanicked(_)) => return,
            Err(e) => {
                let event_id = match &e {
                    ReplayError::Nondeterminism { event_id, .. } => Some(*event_id),
                    _ => None,
                };
                found.push(RunViolation::new(
                    DETERMINISTIC.id,
                    Some(execution),
                    event_id,
                    format!("replaying the first {cut} events: {e}"),
                ));
                return;
            }
        }
    }
}

/// Where the history is cut for replay: at its end, then right after one
/// WorkflowTaskCompleted (what a worker that crashed there replays).
///
/// For deterministic code and a correct replayer a prefix replays like the
/// start of the whole history, so one cut per history — a different one
/// per run id, hence per seed — samples every boundary across seeds at a
/// quarter of the cost of cutting at all of them.
fn cuts(execution: &WorkflowExecution, history: &[Event]) -> impl Iterator<Item = usize> {
    std::iter::once(history.len()).chain(prefix_cut(execution, history))
}

/// The one cut before the history's end (see [`cuts`]), if any.
fn prefix_cut(execution: &WorkflowExecution, history: &[Event]) -> Option<usize> {
    let boundaries = history
        .iter()
        .filter(|e| e.event_type() == EventType::WorkflowTaskCompleted)
        .count();
    let cut = (boundaries > 0).then(|| {
        let pick = stable_hash(execution.run_id.as_str()) % boundaries as u64;
        let (index, _) = history
            .iter()
            .enumerate()
            .filter(|(_, e)| e.event_type() == EventType::WorkflowTaskCompleted)
            .nth(pick as usize)
            .expect("pick < boundaries");
        index + 1
    });
    cut.filter(|&cut| cut < history.len())
}

/// FNV-1a: a hash of the run id that is the same in every process.
fn stable_hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// What the history recorded and what the code produced instead, at the
/// first nondeterminism replay finds (for the report's diff).
pub(crate) fn first_mismatch(
    registry: &Registry,
    execution: &WorkflowExecution,
    history: &[Event],
) -> Option<(String, String)> {
    cuts(execution, history).find_map(|cut| {
        match replay_execution(registry, execution, &history[..cut]) {
            Err(ReplayError::Nondeterminism {
                expected, produced, ..
            }) => Some((expected, produced)),
            _ => None,
        }
    })
}

/// A completed history must replay to the result it recorded.
fn check_replayed_result(
    execution: &WorkflowExecution,
    closing: Option<&Event>,
    replayed: Option<&WfResult>,
    found: &mut Vec<RunViolation>,
) {
    let Some(Event {
        event_id,
        attributes: EventAttributes::WorkflowExecutionCompleted { result, .. },
        ..
    }) = closing
    else {
        return;
    };
    match replayed {
        Some(Ok(value)) if value == result => {}
        other => found.push(RunViolation::new(
            SAME_RESULT.id,
            Some(execution),
            Some(*event_id),
            format!("history completed with {result}, replay produced {other:?}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::fixtures::one_activity_run;
    use std::collections::BTreeSet;

    fn execution(run_id: &str) -> WorkflowExecution {
        WorkflowExecution {
            workflow_id: WorkflowId::new("wf"),
            run_id: RunId::new(run_id),
        }
    }

    #[test]
    fn the_whole_history_is_replayed_first_then_one_cut_after_a_completed_task() {
        let history = one_activity_run();
        for n in 0..50 {
            let cuts: Vec<usize> = cuts(&execution(&format!("run-{n}")), &history).collect();
            assert_eq!(cuts[0], history.len());
            assert!(cuts.len() <= 2, "{cuts:?}");
            for &cut in &cuts[1..] {
                assert!(cut < history.len());
                assert_eq!(
                    history[cut - 1].event_type(),
                    EventType::WorkflowTaskCompleted
                );
            }
        }
    }

    #[test]
    fn run_ids_spread_the_cut_over_every_boundary() {
        let history = one_activity_run();
        let boundaries: BTreeSet<usize> = history
            .iter()
            .enumerate()
            .filter(|(_, e)| e.event_type() == EventType::WorkflowTaskCompleted)
            .map(|(i, _)| i + 1)
            .filter(|&cut| cut < history.len())
            .collect();
        assert!(
            boundaries.len() >= 2,
            "the fixture has two inner boundaries"
        );
        let picked: BTreeSet<usize> = (0..50)
            .flat_map(|n| cuts(&execution(&format!("run-{n}")), &history).skip(1))
            .collect();
        assert_eq!(picked, boundaries);
    }

    /// The histories of every bundled scenario but `large`, seeds 1-3.
    fn bundled_histories() -> Vec<(WorkflowExecution, History)> {
        let registry = std::rc::Rc::new(Registry::library());
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
            .filter(|path| path.file_stem().is_some_and(|stem| stem != "large"))
            .collect();
        paths.sort();
        let mut histories = Vec::new();
        for path in paths {
            let scenario = crate::scenario::load(&path).unwrap();
            for seed in 1..=3 {
                let options = crate::sim::RunOptions {
                    seed,
                    ..Default::default()
                };
                let outcome = crate::scenario::runner::run(&scenario, &registry, &options).unwrap();
                for run in outcome.result.store.runs() {
                    histories.push((run.execution().clone(), run.history().into_owned()));
                }
            }
        }
        histories
    }

    /// The library, and the library with `two_activities` changed (its
    /// histories no longer replay).
    fn registries() -> [Registry; 2] {
        let mut changed = Registry::library();
        changed.register_workflow(
            "two_activities",
            crate::workflow::library::two_activities_changed,
        );
        [Registry::library(), changed]
    }

    #[test]
    fn sharing_the_prefix_walk_finds_what_replaying_apart_finds() {
        let histories = bundled_histories();
        let (mut shared_walks, mut failing) = (0, 0);
        for registry in &registries() {
            for (execution, history) in &histories {
                let mut shared = Vec::new();
                check_replay(registry, execution, history, &mut shared);
                let mut apart = Vec::new();
                let closing = history.last().filter(|e| e.event_type().is_closing());
                replay_apart(registry, execution, history, closing, &mut apart);
                assert_eq!(shared, apart, "{execution:?}");
                failing += usize::from(!apart.is_empty());
                // At every cut, not only the one the run id picks.
                for cut in 1..history.len() {
                    let Some(result) =
                        replay_prefix_then_whole_with(registry, execution, history, cut, |r| {
                            r.cloned()
                        })
                    else {
                        continue;
                    };
                    shared_walks += 1;
                    let prefix = replay_execution(registry, execution, &history[..cut]);
                    let whole = replay_execution(registry, execution, history);
                    assert!(prefix.is_ok(), "{execution:?} cut {cut}");
                    assert_eq!(
                        whole.map(|w| w.result),
                        Ok(result),
                        "{execution:?} cut {cut}"
                    );
                }
            }
        }
        assert!(
            shared_walks > 100 && failing > 10,
            "{shared_walks} {failing}"
        );
    }

    #[test]
    fn the_pick_is_the_same_in_every_process() {
        // FNV-1a of "" and "a" (published test vectors).
        assert_eq!(stable_hash(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(stable_hash("a"), 0xaf63_dc4c_8601_ec8c);
    }
}
