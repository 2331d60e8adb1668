//! The commands of a completed workflow task: first validated as a whole
//! (so an invalid batch changes nothing but fails the task), then applied in
//! order, each writing its event right after the WorkflowTaskCompleted
//! (rule 4). Commands after the first closing command are ignored.
//!
//! Child workflows and external signals/cancels write their initiated event
//! here and queue a transfer (see `transfers` and `children`).

use super::activities;
use super::children;
use super::cron_runs::{first_slot_backoff, CronNext};
use super::mutable_state::{Effects, MutableState, Transfer};
use super::store::RunRecord;
use super::user_timers;
use super::workflow_retries::WorkflowRetry;
use crate::model::*;

/// Why a batch of commands fails its workflow task.
pub(crate) struct Rejection {
    pub cause: WorkflowTaskFailedCause,
    pub message: String,
}

fn reject(cause: WorkflowTaskFailedCause, message: impl Into<String>) -> Result<(), Rejection> {
    Err(Rejection {
        cause,
        message: message.into(),
    })
}

fn other(cause: &str) -> WorkflowTaskFailedCause {
    WorkflowTaskFailedCause::Other(cause.to_string())
}

/// The next run a ContinueAsNewWorkflowExecution asked for.
pub(crate) struct ContinuedRun {
    pub run_id: RunId,
    pub command: ContinueAsNew,
    pub workflow_run_timeout: Option<Duration>,
    pub workflow_task_timeout: Duration,
    pub memo: Memo,
}

/// What applying a batch left to do.
#[derive(Default)]
pub(crate) struct CommandsOutcome {
    /// A command produced a new event for the workflow (an activity
    /// canceled before it started), so a new workflow task is needed.
    pub needs_workflow_task: bool,
    /// The run continued as new; the next run must be created (boxed: it
    /// is rare, and the outcome of every batch is returned by value).
    pub continue_as_new: Option<Box<ContinuedRun>>,
    /// The run failed with this failure (a retry may follow).
    pub workflow_failure: Option<Failure>,
    /// The run completed with this result (a cron run may follow).
    pub workflow_result: Option<Payload>,
}

/// The few keys that one batch of commands names: the first in place,
/// any others in a `Vec` (a batch holds a handful of commands, most often
/// one of each kind, so most batches allocate nothing; a B-tree set would
/// allocate a node for its first key).
struct BatchSet<T> {
    first: Option<T>,
    others: Vec<T>,
}

impl<T: PartialEq> BatchSet<T> {
    fn new() -> Self {
        BatchSet {
            first: None,
            others: Vec::new(),
        }
    }
    fn contains(&self, key: &T) -> bool {
        self.first.as_ref() == Some(key) || self.others.contains(key)
    }
    /// Adds `key`; returns whether it was not there yet.
    fn insert(&mut self, key: T) -> bool {
        if self.contains(&key) {
            return false;
        }
        match self.first {
            None => self.first = Some(key),
            Some(_) => self.others.push(key),
        }
        true
    }
    /// Removes `key`; returns whether it was there.
    fn remove(&mut self, key: &T) -> bool {
        if self.first.as_ref() == Some(key) {
            self.first = self.others.pop();
            return true;
        }
        let position = self.others.iter().position(|k| k == key);
        if let Some(index) = position {
            self.others.swap_remove(index);
        }
        position.is_some()
    }
}

/// Checks a batch against the run's pending activities and timers, in order,
/// up to the first closing command.
pub(crate) fn validate(state: &MutableState, commands: &[Command]) -> Result<(), Rejection> {
    let mut new_activity_ids = BatchSet::new();
    let mut cancel_requests = BatchSet::new();
    let mut started_timers = BatchSet::new();
    let mut canceled_timers = BatchSet::new();
    for command in commands {
        match command {
            Command::ScheduleActivityTask(a) => {
                if a.activity_id.as_str().is_empty() || a.activity_type.as_str().is_empty() {
                    let cause = WorkflowTaskFailedCause::BadScheduleActivityAttributes;
                    return reject(cause, "activity id and type are required");
                }
                if state.activity_ids.contains_key(&a.activity_id)
                    || !new_activity_ids.insert(&a.activity_id)
                {
                    let cause = WorkflowTaskFailedCause::BadScheduleActivityAttributes;
                    return reject(
                        cause,
                        format!("activity id {} is already pending", a.activity_id),
                    );
                }
                if a.schedule_to_close_timeout.is_none() && a.start_to_close_timeout.is_none() {
                    let cause = WorkflowTaskFailedCause::BadScheduleActivityAttributes;
                    return reject(
                        cause,
                        "schedule-to-close or start-to-close timeout is required",
                    );
                }
            }
            Command::RequestCancelActivityTask { scheduled_event_id } => {
                let cancelable = state
                    .activities
                    .get(*scheduled_event_id)
                    .is_some_and(|a| a.cancel_requested_event_id.is_none())
                    && cancel_requests.insert(*scheduled_event_id);
                if !cancelable {
                    let cause =
                        other("WORKFLOW_TASK_FAILED_CAUSE_BAD_REQUEST_CANCEL_ACTIVITY_ATTRIBUTES");
                    let message = format!(
                        "no pending, uncanceled activity scheduled by event {scheduled_event_id}"
                    );
                    return reject(cause, message);
                }
            }
            Command::StartTimer { timer_id, .. } => {
                let pending = started_timers.contains(&timer_id)
                    || (state.timers.contains_key(timer_id)
                        && !canceled_timers.contains(&timer_id));
                if pending {
                    let cause = WorkflowTaskFailedCause::BadStartTimerAttributes;
                    return reject(cause, format!("timer id {timer_id} is already pending"));
                }
                started_timers.insert(timer_id);
            }
            Command::CancelTimer { timer_id } => {
                let pending = started_timers.remove(&timer_id)
                    || (state.timers.contains_key(timer_id)
                        && !canceled_timers.contains(&timer_id));
                if !pending {
                    let cause = other("WORKFLOW_TASK_FAILED_CAUSE_BAD_CANCEL_TIMER_ATTRIBUTES");
                    return reject(cause, format!("no pending timer {timer_id}"));
                }
                canceled_timers.insert(timer_id);
            }
            Command::CompleteWorkflowExecution { .. }
            | Command::FailWorkflowExecution { .. }
            | Command::CancelWorkflowExecution { .. }
            | Command::ContinueAsNewWorkflowExecution(_) => {
                if !state.buffered.is_empty() {
                    let cause = WorkflowTaskFailedCause::UnhandledCommand;
                    return reject(cause, "new events arrived while the workflow task ran");
                }
                return Ok(());
            }
            Command::RecordMarker { .. }
            | Command::ModifyWorkflowProperties { .. }
            | Command::UpsertWorkflowSearchAttributes { .. } => {}
            Command::StartChildWorkflowExecution(c) => {
                if c.workflow_id.as_str().is_empty() || c.workflow_type.as_str().is_empty() {
                    let cause =
                        other("WORKFLOW_TASK_FAILED_CAUSE_BAD_START_CHILD_EXECUTION_ATTRIBUTES");
                    return reject(cause, "child workflow id and type are required");
                }
                if let Err(why) = first_slot_backoff(c.cron_schedule.as_deref(), SimTime::ZERO) {
                    let cause =
                        other("WORKFLOW_TASK_FAILED_CAUSE_BAD_START_CHILD_EXECUTION_ATTRIBUTES");
                    return reject(cause, why);
                }
            }
            Command::SignalExternalWorkflowExecution {
                workflow_execution,
                signal_name,
                ..
            } => {
                if workflow_execution.workflow_id.as_str().is_empty() || signal_name.is_empty() {
                    let cause = other(
                        "WORKFLOW_TASK_FAILED_CAUSE_BAD_SIGNAL_WORKFLOW_EXECUTION_ATTRIBUTES",
                    );
                    return reject(cause, "target workflow id and signal name are required");
                }
            }
            Command::RequestCancelExternalWorkflowExecution {
                workflow_execution, ..
            } => {
                if workflow_execution.workflow_id.as_str().is_empty() {
                    let cause =
                        other("WORKFLOW_TASK_FAILED_CAUSE_BAD_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_ATTRIBUTES");
                    return reject(cause, "target workflow id is required");
                }
            }
        }
    }
    Ok(())
}

/// What the Service decided for the batch's closing command before applying it.
#[derive(Default)]
pub(crate) struct ClosePlan {
    /// The run id reserved for a ContinueAsNewWorkflowExecution.
    pub continue_as_new_run_id: Option<RunId>,
    /// Whether a FailWorkflowExecution is retried as a new run.
    pub workflow_retry: Option<WorkflowRetry>,
    /// The next cron run after a completion, or a failure not retried.
    pub cron_next: Option<CronNext>,
}

/// Applies a validated batch: one event per command, each pointing at the
/// WorkflowTaskCompleted `completed_event_id`; a closing command closes the
/// run as `plan` says. The commands are read, not taken: their caller keeps
/// them for a resend, and what the events keep is cloned (shared names and
/// payloads, mostly).
pub(crate) fn apply(
    run: &mut RunRecord,
    now: SimTime,
    completed_event_id: i64,
    commands: &[Command],
    identity: &str,
    plan: &ClosePlan,
    fx: &mut Effects,
) -> CommandsOutcome {
    let workflow_retry = plan.workflow_retry.as_ref();
    let wtc = completed_event_id;
    let mut outcome = CommandsOutcome::default();
    for command in commands {
        match command {
            Command::ScheduleActivityTask(a) => activities::schedule(run, now, wtc, a, fx),
            Command::RequestCancelActivityTask { scheduled_event_id } => {
                if activities::request_cancel(run, now, wtc, *scheduled_event_id) {
                    outcome.needs_workflow_task = true;
                }
            }
            Command::StartTimer {
                timer_id,
                start_to_fire_timeout,
            } => user_timers::start(run, now, wtc, timer_id.clone(), *start_to_fire_timeout, fx),
            Command::CancelTimer { timer_id } => {
                user_timers::cancel(run, now, wtc, timer_id, identity)
            }
            Command::CompleteWorkflowExecution { result } => {
                let closing = EventAttributes::WorkflowExecutionCompleted {
                    result: result.clone(),
                    workflow_task_completed_event_id: wtc,
                    new_execution_run_id: plan.cron_next.as_ref().map(|c| c.run_id.clone()),
                };
                outcome.workflow_result = Some(result.clone());
                run.close(now, closing);
                break;
            }
            Command::FailWorkflowExecution { failure } => {
                let closing = EventAttributes::WorkflowExecutionFailed {
                    failure: failure.clone(),
                    retry_state: workflow_retry
                        .map_or(RetryState::RetryPolicyNotSet, WorkflowRetry::retry_state),
                    workflow_task_completed_event_id: wtc,
                    new_execution_run_id: workflow_retry
                        .and_then(WorkflowRetry::new_run_id)
                        .or_else(|| plan.cron_next.as_ref().map(|c| c.run_id.clone())),
                };
                run.close(now, closing);
                outcome.workflow_failure = Some(failure.clone());
                break;
            }
            Command::CancelWorkflowExecution { details } => {
                let closing = EventAttributes::WorkflowExecutionCanceled {
                    workflow_task_completed_event_id: wtc,
                    details: details.clone(),
                };
                run.close(now, closing);
                break;
            }
            Command::ContinueAsNewWorkflowExecution(command) => {
                let run_id = plan
                    .continue_as_new_run_id
                    .clone()
                    .expect("a run id is reserved for ContinueAsNew");
                let workflow_run_timeout = command
                    .workflow_run_timeout
                    .or(run.started_attributes().workflow_run_timeout);
                let workflow_task_timeout = command
                    .workflow_task_timeout
                    .unwrap_or(run.state.workflow_task_timeout);
                let memo = command.memo.clone().unwrap_or_else(|| run.memo.clone());
                let closing = EventAttributes::WorkflowExecutionContinuedAsNew(Box::new(
                    WorkflowExecutionContinuedAsNewAttributes {
                        new_execution_run_id: run_id.clone(),
                        workflow_type: command.workflow_type.clone(),
                        task_queue: command.task_queue.clone(),
                        input: command.input.clone(),
                        workflow_run_timeout,
                        workflow_task_timeout,
                        workflow_task_completed_event_id: wtc,
                        backoff_start_interval: command.backoff_start_interval,
                        initiator: ContinueAsNewInitiator::Workflow,
                        failure: None,
                        last_completion_result: None,
                        memo: memo.clone(),
                    },
                ));
                run.close(now, closing);
                outcome.continue_as_new = Some(Box::new(ContinuedRun {
                    run_id,
                    command: command.clone(),
                    workflow_run_timeout,
                    workflow_task_timeout,
                    memo,
                }));
                break;
            }
            Command::RecordMarker {
                marker_name,
                details,
                failure,
            } => {
                let marker = EventAttributes::MarkerRecorded {
                    marker_name: marker_name.clone(),
                    details: details.clone(),
                    workflow_task_completed_event_id: wtc,
                    failure: failure.clone(),
                };
                run.append(now, marker);
            }
            Command::ModifyWorkflowProperties { upserted_memo } => {
                for (key, value) in upserted_memo {
                    if value.is_null() {
                        run.memo.remove(key);
                    } else {
                        run.memo.insert(key.clone(), value.clone());
                    }
                }
                let modified = EventAttributes::WorkflowPropertiesModified {
                    workflow_task_completed_event_id: wtc,
                    upserted_memo: upserted_memo.clone(),
                };
                run.append(now, modified);
            }
            Command::UpsertWorkflowSearchAttributes { search_attributes } => {
                let upserted = EventAttributes::UpsertWorkflowSearchAttributes {
                    workflow_task_completed_event_id: wtc,
                    search_attributes: search_attributes.clone(),
                };
                run.append(now, upserted);
            }
            Command::StartChildWorkflowExecution(command) => {
                let default_task_timeout = run.state.workflow_task_timeout;
                children::initiate(run, now, wtc, command.clone(), default_task_timeout)
            }
            Command::SignalExternalWorkflowExecution {
                namespace,
                workflow_execution,
                signal_name,
                input,
                child_workflow_only,
            } => {
                let initiated = EventAttributes::SignalExternalWorkflowExecutionInitiated {
                    workflow_task_completed_event_id: wtc,
                    namespace: namespace.clone(),
                    workflow_execution: workflow_execution.clone(),
                    signal_name: signal_name.clone(),
                    input: input.clone(),
                    child_workflow_only: *child_workflow_only,
                };
                let initiated_event_id = run.append(now, initiated);
                run.state.transfers.push(Transfer::SignalExternal {
                    initiated_event_id,
                    workflow_task_completed_event_id: wtc,
                    namespace: namespace.clone(),
                    target: workflow_execution.clone(),
                    signal_name: signal_name.clone(),
                    input: input.clone(),
                    child_workflow_only: *child_workflow_only,
                });
            }
            Command::RequestCancelExternalWorkflowExecution {
                namespace,
                workflow_execution,
                child_workflow_only,
                reason,
            } => {
                let initiated = EventAttributes::RequestCancelExternalWorkflowExecutionInitiated {
                    workflow_task_completed_event_id: wtc,
                    namespace: namespace.clone(),
                    workflow_execution: workflow_execution.clone(),
                    child_workflow_only: *child_workflow_only,
                    reason: reason.clone(),
                };
                let initiated_event_id = run.append(now, initiated);
                run.state.transfers.push(Transfer::CancelExternal {
                    initiated_event_id,
                    workflow_task_completed_event_id: wtc,
                    namespace: namespace.clone(),
                    target: workflow_execution.clone(),
                    child_workflow_only: *child_workflow_only,
                    reason: reason.clone(),
                });
            }
        }
    }
    outcome
}

#[cfg(test)]
mod tests {
    use super::BatchSet;

    #[test]
    fn a_batch_set_holds_each_key_once_whichever_slot_it_is_in() {
        let mut set = BatchSet::new();
        assert!(set.insert(1));
        assert!(set.insert(2));
        assert!(set.insert(3));
        assert!(!set.insert(1) && !set.insert(3));
        assert!(set.remove(&1), "the key in the first slot");
        assert!(!set.contains(&1) && set.contains(&2) && set.contains(&3));
        assert!(set.remove(&2));
        assert!(!set.remove(&2));
        assert!(set.insert(1) && set.insert(2));
        for key in [1, 2, 3] {
            assert!(set.remove(&key), "{key}");
        }
        assert!(!set.contains(&1) && !set.contains(&2) && !set.contains(&3));
    }
}
