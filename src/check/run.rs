//! Judging a whole simulated run: every history against the shape and status
//! invariants, replay against its workflow code, and the run against its
//! scenario — liveness, effects and oracles. Reads only what the world left
//! behind: histories, statuses and the client's acknowledgements.

use super::{
    chains, check_history, check_status, children, effects, liveness, oracle, replay, run_view,
    Violation,
};
use crate::lookup::SortedMap;
use crate::model::*;
use crate::scenario::Scenario;
use crate::sim::{PlannedExecution, RunResult};
use crate::workflow::Registry;

/// A violation found in a run, with the execution it concerns.
#[derive(Clone, Debug, PartialEq)]
pub struct RunViolation {
    /// The invariant's stable id.
    pub invariant: &'static str,
    /// What went wrong, precisely.
    pub message: String,
    /// The run it concerns, if one.
    pub execution: Option<WorkflowExecution>,
    /// The offending event, if one.
    pub event_id: Option<i64>,
}

impl RunViolation {
    fn of(execution: &WorkflowExecution, v: Violation) -> RunViolation {
        RunViolation {
            invariant: v.invariant,
            message: v.message,
            execution: Some(execution.clone()),
            event_id: v.event_id,
        }
    }

    /// A violation of `invariant`.
    pub(crate) fn new(
        invariant: &'static str,
        execution: Option<&WorkflowExecution>,
        event_id: Option<i64>,
        message: String,
    ) -> RunViolation {
        RunViolation {
            invariant,
            message,
            execution: execution.cloned(),
            event_id,
        }
    }
}

/// Runs every checker over a finished run.
pub fn check_run(
    scenario: &Scenario,
    result: &RunResult,
    registry: &Registry,
) -> Vec<RunViolation> {
    let mut found = Vec::new();
    let workload = &result.workload;
    let groups = Groups::new(&workload.executions);
    let faultless = result.faults.faults.is_empty() && !result.profile.any();
    // Each history once, decoded if the Store keeps it compact.
    let runs = run_view::views(&result.store);
    for (run, view) in result.store.runs().zip(&runs) {
        let execution = run.execution();
        let history = view.history();
        found.extend(
            check_history(history)
                .into_iter()
                .map(|v| RunViolation::of(execution, v)),
        );
        found.extend(
            check_status(history, run.status())
                .into_iter()
                .map(|v| RunViolation::of(execution, v)),
        );
        replay::check_replay(registry, execution, history, &mut found);
        if view.has(EventType::TimerFired) {
            effects::check_timers(execution, history, &mut found);
        }
        if view.has(EventType::ActivityTaskStarted) {
            effects::check_activity_attempts(execution, history, &mut found);
        }
        liveness::check_closed(result, run.status(), execution, &mut found);
        if let Some(group) = groups.of(&execution.workflow_id) {
            let expect = &scenario.workflows[group].expect;
            // A run that hands the chain over without completing (continue-as-new,
            // a retry, the next cron slot after a failure) is not the chain's end.
            let hands_over = run.status() != WorkflowExecutionStatus::Completed
                && history
                    .last()
                    .is_some_and(|e| chains::next_run_id(&e.attributes).is_some());
            if !hands_over {
                oracle::check_expectation(expect, view, &mut found);
            }
            if faultless {
                effects::check_documented_counts(
                    expect,
                    history,
                    run.state_transitions(),
                    execution,
                    &mut found,
                );
            }
        }
    }
    effects::check_signals(result, &runs, workload, &mut found);
    chains::check_chains(&runs, &mut found);
    children::check_children(&runs, &mut found);
    children::check_external_signals(&runs, &mut found);
    found
}

/// The scenario group of each planned workflow id; of two groups naming the
/// same workflow id, the later one counts.
enum Groups<'a> {
    /// Few executions, searched from the last.
    Few(&'a [PlannedExecution]),
    /// Many, indexed.
    Many(SortedMap<&'a WorkflowId, usize>),
}

/// Up to this many planned executions are searched rather than indexed.
const SEARCHED_EXECUTIONS: usize = 8;

impl<'a> Groups<'a> {
    fn new(executions: &'a [PlannedExecution]) -> Groups<'a> {
        if executions.len() <= SEARCHED_EXECUTIONS {
            return Groups::Few(executions);
        }
        Groups::Many(
            executions
                .iter()
                .map(|e| (&e.workflow_id, e.group))
                .collect(),
        )
    }

    /// The group that planned `workflow_id`, if one did.
    fn of(&self, workflow_id: &WorkflowId) -> Option<usize> {
        match self {
            Groups::Few(executions) => executions
                .iter()
                .rev()
                .find(|e| &e.workflow_id == workflow_id)
                .map(|e| e.group),
            Groups::Many(index) => index.get(workflow_id).copied(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    proptest! {
        /// Searched or indexed, a workflow id's group is the one a B-tree
        /// map collected from the executions gives (the later group wins).
        #[test]
        fn groups_answer_as_a_btree_map(planned in proptest::collection::vec((0u8..12, 0usize..5), 0..20)) {
            let executions: Vec<PlannedExecution> = planned
                .iter()
                .map(|&(id, group)| PlannedExecution {
                    group,
                    workflow_id: WorkflowId::new(format!("w{id}")),
                    run_id: None,
                })
                .collect();
            let model: BTreeMap<&WorkflowId, usize> =
                executions.iter().map(|e| (&e.workflow_id, e.group)).collect();
            let groups = Groups::new(&executions);
            prop_assert_eq!(
                matches!(groups, Groups::Few(_)),
                executions.len() <= SEARCHED_EXECUTIONS
            );
            for id in 0..14 {
                let workflow_id = WorkflowId::new(format!("w{id}"));
                prop_assert_eq!(groups.of(&workflow_id), model.get(&workflow_id).copied());
            }
        }
    }
}
