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
use crate::sim::RunResult;
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
    // Of two groups naming the same workflow id, the later one counts.
    let group_of: SortedMap<&WorkflowId, usize> = workload
        .executions
        .iter()
        .map(|e| (&e.workflow_id, e.group))
        .collect();
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
        if let Some(&group) = group_of.get(&execution.workflow_id) {
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
