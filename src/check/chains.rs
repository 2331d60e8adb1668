//! Chain invariants over all runs of each workflow id: runs linked by
//! continue-as-new, workflow retries and cron name each other both ways;
//! only the last run of a chain may be running; no run outlives the
//! chain's execution timeout; retries follow their policy; cron runs start
//! at their slots. Judged from the histories alone.

use super::run::RunViolation;
use super::InvariantInfo;
use crate::model::*;
use crate::service::{RunRecord, Store};
use std::collections::BTreeMap;

/// Runs name each other both ways.
pub const LINKED_BOTH_WAYS: InvariantInfo = InvariantInfo {
    id: "chains.linked_both_ways",
    description: "a closing event that names a next run has exactly that run, which names it back with the right initiator and first run",
};
/// Only the last run may be running.
pub const ONLY_LAST_RUNNING: InvariantInfo = InvariantInfo {
    id: "chains.only_last_running",
    description: "of the runs of one workflow id, only the last may be running",
};
/// The execution timeout spans the chain.
pub const EXECUTION_TIMEOUT: InvariantInfo = InvariantInfo {
    id: "chains.execution_timeout",
    description: "no run of a chain has events after the chain's execution expiration time",
};
/// Retries follow their policy.
pub const RETRY_POLICY: InvariantInfo = InvariantInfo {
    id: "chains.retry_follows_policy",
    description: "a retry run is the previous attempt + 1, within maximum attempts, after the policy's backoff",
};
/// Cron runs start at their slots.
pub const CRON_SLOTS: InvariantInfo = InvariantInfo {
    id: "chains.cron_runs_at_slots",
    description: "each run of a cron chain has its first workflow task at a slot of its schedule",
};

/// The run a closing event hands its chain on to (continue-as-new, a
/// workflow retry or the next cron run).
pub(crate) fn next_run_id(closing: &EventAttributes) -> Option<RunId> {
    use EventAttributes as A;
    match closing {
        A::WorkflowExecutionContinuedAsNew {
            new_execution_run_id,
            ..
        } => Some(new_execution_run_id.clone()),
        A::WorkflowExecutionCompleted {
            new_execution_run_id,
            ..
        }
        | A::WorkflowExecutionFailed {
            new_execution_run_id,
            ..
        }
        | A::WorkflowExecutionTimedOut {
            new_execution_run_id,
            ..
        } => new_execution_run_id.clone(),
        _ => None,
    }
}

/// The initiator the next run must name after this closing event.
fn expected_initiator(closing: &EventAttributes) -> ContinueAsNewInitiator {
    use EventAttributes as A;
    match closing {
        A::WorkflowExecutionContinuedAsNew { .. } => ContinueAsNewInitiator::Workflow,
        A::WorkflowExecutionFailed { retry_state, .. }
        | A::WorkflowExecutionTimedOut { retry_state, .. }
            if *retry_state == RetryState::InProgress =>
        {
            ContinueAsNewInitiator::Retry
        }
        _ => ContinueAsNewInitiator::CronSchedule,
    }
}

/// The fields of a WorkflowExecutionStarted the chain checks read.
struct Start<'a> {
    continued_execution_run_id: Option<&'a RunId>,
    initiator: Option<ContinueAsNewInitiator>,
    first_execution_run_id: &'a RunId,
    retry_policy: Option<&'a RetryPolicy>,
    attempt: u32,
    expiration: Option<SimTime>,
    cron_schedule: Option<&'a str>,
    backoff: Option<Duration>,
}

fn start_of(run: &RunRecord) -> Option<(SimTime, Start<'_>)> {
    let first = run.history().first()?;
    match &first.attributes {
        EventAttributes::WorkflowExecutionStarted {
            continued_execution_run_id,
            initiator,
            first_execution_run_id,
            retry_policy,
            attempt,
            workflow_execution_expiration_time,
            cron_schedule,
            first_workflow_task_backoff,
            ..
        } => Some((
            first.event_time,
            Start {
                continued_execution_run_id: continued_execution_run_id.as_ref(),
                initiator: *initiator,
                first_execution_run_id,
                retry_policy: retry_policy.as_ref(),
                attempt: *attempt,
                expiration: *workflow_execution_expiration_time,
                cron_schedule: cron_schedule.as_deref().filter(|s| !s.trim().is_empty()),
                backoff: *first_workflow_task_backoff,
            },
        )),
        _ => None,
    }
}

/// Holds every chain in `store` to the chain invariants.
pub(crate) fn check_chains(store: &Store, found: &mut Vec<RunViolation>) {
    let runs: BTreeMap<&WorkflowExecution, &RunRecord> =
        store.runs().map(|r| (r.execution(), r)).collect();
    let mut by_workflow_id: BTreeMap<&WorkflowId, Vec<&RunRecord>> = BTreeMap::new();
    for run in store.runs() {
        by_workflow_id
            .entry(&run.execution().workflow_id)
            .or_default()
            .push(run);
        check_run(&runs, run, found);
    }
    for chain in by_workflow_id.values() {
        let Some((last, earlier)) = chain.split_last() else {
            continue;
        };
        for run in earlier.iter().filter(|r| r.status().is_running()) {
            found.push(RunViolation::new(
                ONLY_LAST_RUNNING.id,
                Some(run.execution()),
                None,
                format!(
                    "still running although {} started after it",
                    last.execution()
                ),
            ));
        }
    }
}

fn check_run(
    runs: &BTreeMap<&WorkflowExecution, &RunRecord>,
    run: &RunRecord,
    found: &mut Vec<RunViolation>,
) {
    let execution = run.execution();
    let Some((start_time, start)) = start_of(run) else {
        return;
    };
    let mut violation = |invariant: &'static str, event_id: Option<i64>, message: String| {
        found.push(RunViolation::new(
            invariant,
            Some(execution),
            event_id,
            message,
        ));
    };
    if let (Some(expiration), Some(last)) = (start.expiration, run.history().last()) {
        if last.event_time > expiration {
            violation(
                EXECUTION_TIMEOUT.id,
                Some(last.event_id),
                format!(
                    "event at {} is after the chain's expiration {expiration}",
                    last.event_time
                ),
            );
        }
    }
    if let (Some(text), Some(backoff)) = (start.cron_schedule, start.backoff) {
        let first_task = start_time + backoff;
        match CronSchedule::parse(text) {
            Ok(schedule) if !schedule.is_slot(first_task) => violation(
                CRON_SLOTS.id,
                Some(1),
                format!("first workflow task due at {first_task}, not a slot of {text:?}"),
            ),
            Err(why) => violation(CRON_SLOTS.id, Some(1), why.to_string()),
            Ok(_) => {}
        }
    }
    let Some(closing) = run.history().last().filter(|e| e.event_type().is_closing()) else {
        return;
    };
    let Some(next_run_id) = next_run_id(&closing.attributes) else {
        return;
    };
    let next_execution = WorkflowExecution {
        workflow_id: execution.workflow_id.clone(),
        run_id: next_run_id,
    };
    let Some((_, next)) = runs.get(&next_execution).and_then(|r| start_of(r)) else {
        violation(
            LINKED_BOTH_WAYS.id,
            Some(closing.event_id),
            format!("names next run {next_execution}, which does not exist"),
        );
        return;
    };
    let initiator = expected_initiator(&closing.attributes);
    if next.continued_execution_run_id != Some(&execution.run_id)
        || next.first_execution_run_id != start.first_execution_run_id
        || next.initiator != Some(initiator)
    {
        violation(
            LINKED_BOTH_WAYS.id,
            Some(closing.event_id),
            format!(
                "next run {next_execution} names previous {:?}, first {}, initiator {:?}; expected {}, {}, {initiator:?}",
                next.continued_execution_run_id.map(RunId::as_str),
                next.first_execution_run_id,
                next.initiator,
                execution.run_id,
                start.first_execution_run_id,
            ),
        );
    }
    if initiator == ContinueAsNewInitiator::Retry {
        check_retry(&start, &next, closing.event_id, &mut violation);
    }
}

/// A retry run: attempt + 1, within maximum attempts, after the policy's backoff.
fn check_retry(
    previous: &Start,
    next: &Start,
    closing_event_id: i64,
    violation: &mut impl FnMut(&'static str, Option<i64>, String),
) {
    let Some(policy) = previous.retry_policy else {
        violation(
            RETRY_POLICY.id,
            Some(closing_event_id),
            "retried without a retry policy".into(),
        );
        return;
    };
    let want_backoff = policy.backoff_after(previous.attempt);
    let within = policy.maximum_attempts == 0 || next.attempt <= policy.maximum_attempts;
    if next.attempt != previous.attempt + 1 || !within || next.backoff != Some(want_backoff) {
        violation(
            RETRY_POLICY.id,
            Some(closing_event_id),
            format!(
                "attempt {} after attempt {} with backoff {:?}; the policy allows {} attempts with backoff {want_backoff:?}",
                next.attempt, previous.attempt, next.backoff, policy.maximum_attempts
            ),
        );
    }
}
