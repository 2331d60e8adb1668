//! Chain invariants over all runs of each workflow id: runs linked by
//! continue-as-new, workflow retries and cron name each other both ways;
//! only the last run of a chain may be running; no run outlives the
//! chain's execution timeout; retries follow their policy; cron runs start
//! at their slots. Judged from the histories alone.

use super::run::RunViolation;
use super::run_view::RunView;
use super::InvariantInfo;
use crate::lookup::SortedMap;
use crate::model::*;

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
        A::WorkflowExecutionContinuedAsNew(continued) => {
            Some(continued.new_execution_run_id.clone())
        }
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

fn start_of<'a>(run: &'a RunView) -> Option<(SimTime, Start<'a>)> {
    let first = run.history().first()?;
    match &first.attributes {
        EventAttributes::WorkflowExecutionStarted(started) => Some((
            first.event_time,
            Start {
                continued_execution_run_id: started.continued_execution_run_id.as_ref(),
                initiator: started.initiator,
                first_execution_run_id: &started.first_execution_run_id,
                retry_policy: started.retry_policy.as_ref(),
                attempt: started.attempt,
                expiration: started.workflow_execution_expiration_time,
                cron_schedule: started
                    .cron_schedule
                    .as_deref()
                    .filter(|s| !s.trim().is_empty()),
                backoff: started.first_workflow_task_backoff,
            },
        )),
        _ => None,
    }
}

/// Holds every chain among `runs` (in start order) to the chain invariants.
pub(crate) fn check_chains(runs: &[RunView], found: &mut Vec<RunViolation>) {
    // The runs by execution, made when a run first names a next one.
    let mut by_execution = None;
    for run in runs {
        check_run(runs, &mut by_execution, run, found);
    }
    if runs.len() < 2 {
        // No run has an earlier run of its workflow id.
        return;
    }
    // The runs of each workflow id in start order (a stable sort), ids in order.
    let mut by_workflow_id: Vec<&RunView> = runs.iter().collect();
    by_workflow_id.sort_by(|a, b| a.execution().workflow_id.cmp(&b.execution().workflow_id));
    for chain in
        by_workflow_id.chunk_by(|a, b| a.execution().workflow_id == b.execution().workflow_id)
    {
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

/// The runs of `runs` by execution.
type ByExecution<'r, 'a> = SortedMap<&'a WorkflowExecution, &'r RunView<'a>>;

fn check_run<'r, 'a>(
    runs: &'r [RunView<'a>],
    by_execution: &mut Option<ByExecution<'r, 'a>>,
    run: &RunView,
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
    let by_execution =
        by_execution.get_or_insert_with(|| runs.iter().map(|r| (r.execution(), r)).collect());
    let Some((_, next)) = by_execution.get(&next_execution).and_then(|r| start_of(r)) else {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::fixtures::{event, started};

    fn execution(run_id: &str) -> WorkflowExecution {
        WorkflowExecution {
            workflow_id: WorkflowId::new("w"),
            run_id: RunId::new(run_id),
        }
    }

    /// A WorkflowExecutionStarted for `run_id`, changed by `change`.
    fn start(run_id: &str, change: impl FnOnce(&mut EventAttributes)) -> Event {
        let mut attributes = started();
        if let EventAttributes::WorkflowExecutionStarted(started_attrs) = &mut attributes {
            let WorkflowExecutionStartedAttributes {
                original_execution_run_id,
                first_execution_run_id,
                ..
            } = &mut **started_attrs;
            *original_execution_run_id = RunId::new(run_id);
            *first_execution_run_id = RunId::new("a");
        }
        change(&mut attributes);
        event(1, 0, attributes)
    }

    fn continued_from(
        previous: &str,
        by: ContinueAsNewInitiator,
    ) -> impl FnOnce(&mut EventAttributes) {
        let previous = RunId::new(previous);
        move |attributes| {
            if let EventAttributes::WorkflowExecutionStarted(started_attrs) = attributes {
                let WorkflowExecutionStartedAttributes {
                    continued_execution_run_id,
                    initiator,
                    ..
                } = &mut **started_attrs;
                *continued_execution_run_id = Some(previous);
                *initiator = Some(by);
            }
        }
    }

    fn continued_as_new(id: i64, next: &str) -> Event {
        event(
            id,
            1,
            EventAttributes::WorkflowExecutionContinuedAsNew(Box::new(
                WorkflowExecutionContinuedAsNewAttributes {
                    new_execution_run_id: RunId::new(next),
                    workflow_type: WorkflowType::new("Greet"),
                    task_queue: TaskQueue::new("tq"),
                    input: Payload::null(),
                    workflow_run_timeout: None,
                    workflow_task_timeout: secs(10),
                    workflow_task_completed_event_id: 1,
                    backoff_start_interval: None,
                    initiator: ContinueAsNewInitiator::Workflow,
                    failure: None,
                    last_completion_result: None,
                    memo: Memo::new(),
                },
            )),
        )
    }

    fn check(
        runs: &[(WorkflowExecution, WorkflowExecutionStatus, Vec<Event>)],
    ) -> Vec<&'static str> {
        let views: Vec<RunView> = runs
            .iter()
            .map(|(execution, status, history)| RunView::new(execution, *status, history.into()))
            .collect();
        let mut found = Vec::new();
        check_chains(&views, &mut found);
        found.into_iter().map(|v| v.invariant).collect()
    }

    use WorkflowExecutionStatus as S;

    #[test]
    fn a_continue_as_new_chain_linked_both_ways_passes() {
        let a = vec![start("a", |_| {}), continued_as_new(2, "b")];
        let b = vec![start(
            "b",
            continued_from("a", ContinueAsNewInitiator::Workflow),
        )];
        let found = check(&[
            (execution("a"), S::ContinuedAsNew, a),
            (execution("b"), S::Running, b),
        ]);
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn a_continued_as_new_run_without_its_next_run_is_caught() {
        let a = vec![start("a", |_| {}), continued_as_new(2, "b")];
        let found = check(&[(execution("a"), S::ContinuedAsNew, a)]);
        assert_eq!(found, [LINKED_BOTH_WAYS.id]);
    }

    #[test]
    fn a_next_run_with_the_wrong_initiator_is_caught() {
        let a = vec![start("a", |_| {}), continued_as_new(2, "b")];
        let b = vec![start(
            "b",
            continued_from("a", ContinueAsNewInitiator::Retry),
        )];
        let found = check(&[
            (execution("a"), S::ContinuedAsNew, a),
            (execution("b"), S::Running, b),
        ]);
        assert_eq!(found, [LINKED_BOTH_WAYS.id]);
    }

    #[test]
    fn an_earlier_run_still_running_is_caught() {
        let a = vec![start("a", |_| {})];
        let b = vec![start("b", |_| {})];
        let found = check(&[
            (execution("a"), S::Running, a),
            (execution("b"), S::Running, b),
        ]);
        assert_eq!(found, [ONLY_LAST_RUNNING.id]);
    }

    #[test]
    fn an_event_after_the_chain_expiration_is_caught() {
        let a = vec![
            start("a", |attributes| {
                if let EventAttributes::WorkflowExecutionStarted(started_attrs) = attributes {
                    let WorkflowExecutionStartedAttributes {
                        workflow_execution_expiration_time,
                        ..
                    } = &mut **started_attrs;
                    *workflow_execution_expiration_time = Some(SimTime::START + secs(5));
                }
            }),
            event(2, 6, crate::check::fixtures::signaled()),
        ];
        let found = check(&[(execution("a"), S::Running, a)]);
        assert_eq!(found, [EXECUTION_TIMEOUT.id]);
    }

    #[test]
    fn a_retry_that_skips_an_attempt_is_caught() {
        let policy = |attempt: u32, backoff: Option<Duration>| {
            move |attributes: &mut EventAttributes| {
                if let EventAttributes::WorkflowExecutionStarted(started_attrs) = attributes {
                    let WorkflowExecutionStartedAttributes {
                        retry_policy,
                        attempt: a,
                        first_workflow_task_backoff,
                        ..
                    } = &mut **started_attrs;
                    *retry_policy = Some(RetryPolicy::default());
                    *a = attempt;
                    *first_workflow_task_backoff = backoff;
                }
            }
        };
        let failed = event(
            2,
            1,
            EventAttributes::WorkflowExecutionFailed {
                failure: Failure::application("X", "x"),
                retry_state: RetryState::InProgress,
                workflow_task_completed_event_id: 1,
                new_execution_run_id: Some(RunId::new("b")),
            },
        );
        let a = vec![start("a", policy(1, None)), failed];
        let retry = |attempt| {
            let by = continued_from("a", ContinueAsNewInitiator::Retry);
            let set = policy(attempt, Some(secs(1)));
            start("b", move |attributes| {
                by(attributes);
                set(attributes);
            })
        };
        let good = check(&[
            (execution("a"), S::Failed, a.clone()),
            (execution("b"), S::Running, vec![retry(2)]),
        ]);
        assert!(good.is_empty(), "{good:?}");
        let bad = check(&[
            (execution("a"), S::Failed, a),
            (execution("b"), S::Running, vec![retry(3)]),
        ]);
        assert_eq!(bad, [RETRY_POLICY.id]);
    }

    #[test]
    fn a_cron_run_waiting_for_a_time_off_its_schedule_is_caught() {
        let cron = |backoff: u64| {
            start("a", move |attributes| {
                if let EventAttributes::WorkflowExecutionStarted(started_attrs) = attributes {
                    let WorkflowExecutionStartedAttributes {
                        cron_schedule,
                        first_workflow_task_backoff,
                        ..
                    } = &mut **started_attrs;
                    *cron_schedule = Some("*/2 * * * *".into());
                    *first_workflow_task_backoff = Some(secs(backoff));
                }
            })
        };
        assert!(check(&[(execution("a"), S::Running, vec![cron(120)])]).is_empty());
        assert_eq!(
            check(&[(execution("a"), S::Running, vec![cron(90)])]),
            [CRON_SLOTS.id]
        );
    }
}
