//! Effects: timers fire no earlier than their duration, activity attempts
//! stay within the retry policy, every acknowledged signal is recorded and
//! none is applied twice, and documented state-transition counts hold.

use super::run::RunViolation;
use super::run_view::RunView;
use super::InvariantInfo;
use crate::model::*;
use crate::sim::{RunResult, Workload};
use std::collections::BTreeMap;

/// Timers are not early.
pub const TIMER_NOT_EARLY: InvariantInfo = InvariantInfo {
    id: "effects.timer_not_early",
    description: "a timer fires no earlier than its start plus its duration",
};
/// Attempts respect the retry policy.
pub const RETRY_ATTEMPTS: InvariantInfo = InvariantInfo {
    id: "effects.retry_attempts_within_policy",
    description: "an activity's last attempt is within its retry policy's maximum attempts",
};
/// Acknowledged signals are recorded.
pub const SIGNAL_RECORDED: InvariantInfo = InvariantInfo {
    id: "effects.acknowledged_signal_recorded",
    description: "every signal the Service acknowledged appears in the history of its workflow id",
};
/// Signals are applied once.
pub const SIGNAL_ONCE: InvariantInfo = InvariantInfo {
    id: "effects.signal_applied_once",
    description:
        "no workflow records more signals of a name than clients sent it (retries are deduplicated)",
};
/// Documented state-transition counts.
pub const STATE_TRANSITIONS: InvariantInfo = InvariantInfo {
    id: "effects.state_transitions",
    description: "without faults, a run takes exactly the state transitions its scenario documents",
};
/// Documented history lengths.
pub const HISTORY_LENGTH: InvariantInfo = InvariantInfo {
    id: "effects.history_length",
    description: "without faults, a run's history has exactly the events its scenario documents",
};

/// Timers fire no earlier than their duration.
pub(crate) fn check_timers(
    execution: &WorkflowExecution,
    history: &[Event],
    found: &mut Vec<RunViolation>,
) {
    for e in history {
        if let EventAttributes::TimerFired {
            started_event_id,
            timer_id,
        } = &e.attributes
        {
            let Some(started) = history.get((*started_event_id - 1).max(0) as usize) else {
                continue;
            };
            if let EventAttributes::TimerStarted {
                start_to_fire_timeout,
                ..
            } = &started.attributes
            {
                if e.event_time < started.event_time + *start_to_fire_timeout {
                    found.push(RunViolation::new(
                        TIMER_NOT_EARLY.id,
                        Some(execution),
                        Some(e.event_id),
                        format!(
                            "timer {timer_id} fired {} after it started, before its duration of {}",
                            format_duration(e.event_time.since(started.event_time)),
                            format_duration(*start_to_fire_timeout)
                        ),
                    ));
                }
            }
        }
    }
}

/// Activity attempts stay within the retry policy.
pub(crate) fn check_activity_attempts(
    execution: &WorkflowExecution,
    history: &[Event],
    found: &mut Vec<RunViolation>,
) {
    for e in history {
        let EventAttributes::ActivityTaskStarted {
            scheduled_event_id,
            attempt,
            ..
        } = &e.attributes
        else {
            continue;
        };
        let Some(scheduled) = history.get((*scheduled_event_id - 1).max(0) as usize) else {
            continue;
        };
        let EventAttributes::ActivityTaskScheduled(scheduled) = &scheduled.attributes else {
            continue;
        };
        let max = scheduled
            .retry_policy
            .as_ref()
            .map_or(0, |p| p.maximum_attempts);
        if max != 0 && *attempt > max {
            found.push(RunViolation::new(
                RETRY_ATTEMPTS.id,
                Some(execution),
                Some(e.event_id),
                format!(
                    "activity reached attempt {attempt} although its retry policy allows {max}"
                ),
            ));
        }
    }
}

/// Documented counts (state transitions, events), checked only without faults.
pub(crate) fn check_documented_counts(
    expect: &crate::scenario::Expectation,
    history: &[Event],
    state_transitions: u64,
    execution: &WorkflowExecution,
    found: &mut Vec<RunViolation>,
) {
    if let Some(want) = expect.state_transitions {
        if state_transitions != want {
            found.push(RunViolation::new(
                STATE_TRANSITIONS.id,
                Some(execution),
                None,
                format!("{state_transitions} state transitions, the documented count is {want}"),
            ));
        }
    }
    if let Some(want) = expect.events {
        if history.len() as u64 != want {
            found.push(RunViolation::new(
                HISTORY_LENGTH.id,
                Some(execution),
                None,
                format!("{} events, expected {want}", history.len()),
            ));
        }
    }
}

/// Every signal the Service acknowledged appears in the history of that
/// workflow id, and no signal appears more often than clients sent it.
pub(crate) fn check_signals(
    result: &RunResult,
    runs: &[RunView],
    workload: &Workload,
    found: &mut Vec<RunViolation>,
) {
    // Nothing acknowledged and nothing recorded: nothing to compare.
    let recorded_any = runs
        .iter()
        .any(|r| r.has(EventType::WorkflowExecutionSignaled));
    if result.acknowledged_signals.is_empty() && !recorded_any {
        return;
    }
    let mut acknowledged: BTreeMap<(&str, &str), u64> = BTreeMap::new();
    for (id, name, _) in &result.acknowledged_signals {
        *acknowledged.entry((id.as_str(), name)).or_insert(0) += 1;
    }
    let mut sent: BTreeMap<(&str, &str), u64> = BTreeMap::new();
    for op in &workload.ops {
        if let crate::sim::OpKind::Signal { name, .. } = &op.kind {
            let id = workload.executions[op.execution as usize]
                .workflow_id
                .as_str();
            *sent.entry((id, name)).or_insert(0) += 1;
        }
    }
    let mut recorded: BTreeMap<(&str, &str), u64> = BTreeMap::new();
    for run in runs
        .iter()
        .filter(|r| r.has(EventType::WorkflowExecutionSignaled))
    {
        for e in run.history() {
            if let EventAttributes::WorkflowExecutionSignaled { signal_name, .. } = &e.attributes {
                *recorded
                    .entry((run.execution().workflow_id.as_str(), signal_name))
                    .or_insert(0) += 1;
            }
        }
    }
    for (&(id, name), &acked) in &acknowledged {
        let got = recorded.get(&(id, name)).copied().unwrap_or(0);
        if got < acked {
            found.push(RunViolation::new(
                SIGNAL_RECORDED.id,
                None,
                None,
                format!("workflow {id}: {acked} {name:?} signals were acknowledged but only {got} appear in its histories"),
            ));
        }
    }
    for (&(id, name), &got) in &recorded {
        let max = sent.get(&(id, name)).copied().unwrap_or(0);
        if got > max && max > 0 {
            found.push(RunViolation::new(
                SIGNAL_ONCE.id,
                None,
                None,
                format!(
                    "workflow {id}: {got} {name:?} signals recorded but clients sent only {max}"
                ),
            ));
        }
    }
}
