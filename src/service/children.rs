//! Child workflows. A StartChildWorkflowExecution command writes
//! StartChildWorkflowExecutionInitiated and queues a transfer; the transfer
//! starts the child (its WorkflowExecutionStarted names the parent) and
//! writes ChildWorkflowExecutionStarted in the parent, or
//! StartChildWorkflowExecutionFailed (WORKFLOW_ALREADY_EXISTS). When the
//! child chain ends, its last run queues a transfer that writes the
//! matching ChildWorkflowExecution{Completed,Failed,Canceled,TimedOut,
//! Terminated} in the parent. When the parent closes, each started child's
//! close policy (terminate, request cancel, abandon) is applied by a
//! transfer of its own.

use super::cron_runs;
use super::executions::{reuse_allowed, RunStart, SERVICE_IDENTITY};
use super::mutable_state::{ChildInfo, Effects, ParentLink, Transfer};
use super::store::RunRecord;
use super::*;

/// The cause of StartChildWorkflowExecutionFailed when the id is taken.
const ALREADY_EXISTS: &str = "WORKFLOW_ALREADY_EXISTS";

/// Applies a StartChildWorkflowExecution command: the initiated event (with
/// the defaults filled in) and the transfer that will start the child.
pub(crate) fn initiate(
    run: &mut RunRecord,
    now: SimTime,
    wtc: i64,
    mut command: StartChildWorkflow,
    default_workflow_task_timeout: Duration,
) {
    if command.task_queue.as_str().is_empty() {
        command.task_queue = run.state.task_queue.clone();
    }
    let workflow_task_timeout = command
        .workflow_task_timeout
        .unwrap_or(default_workflow_task_timeout);
    command.workflow_task_timeout = Some(workflow_task_timeout);
    let initiated = EventAttributes::StartChildWorkflowExecutionInitiated(Box::new(
        StartChildWorkflowExecutionInitiatedAttributes {
            namespace: command.namespace.clone(),
            workflow_id: command.workflow_id.clone(),
            workflow_type: command.workflow_type.clone(),
            task_queue: command.task_queue.clone(),
            input: command.input.clone(),
            workflow_execution_timeout: command.workflow_execution_timeout,
            workflow_run_timeout: command.workflow_run_timeout,
            workflow_task_timeout,
            parent_close_policy: command.parent_close_policy,
            workflow_task_completed_event_id: wtc,
            workflow_id_reuse_policy: command.workflow_id_reuse_policy,
            retry_policy: command.retry_policy.clone(),
            cron_schedule: command.cron_schedule.clone(),
            memo: command.memo.clone(),
        },
    ));
    let initiated_event_id = run.append(now, initiated);
    run.state.children.insert(
        initiated_event_id,
        ChildInfo {
            namespace: command.namespace.clone(),
            workflow_id: command.workflow_id.clone(),
            workflow_type: command.workflow_type.clone(),
            parent_close_policy: command.parent_close_policy,
            run_id: None,
        },
    );
    run.state.transfers.push(Transfer::StartChild {
        initiated_event_id,
        workflow_task_completed_event_id: wtc,
        command,
    });
}

/// The parent's event for a child chain's closing event.
fn child_outcome(
    closing: EventAttributes,
    child: ChildInfo,
    started_run_id: RunId,
    initiated_event_id: i64,
) -> EventAttributes {
    use EventAttributes as A;
    let namespace = child.namespace;
    let workflow_execution = WorkflowExecution {
        workflow_id: child.workflow_id,
        run_id: started_run_id,
    };
    let workflow_type = child.workflow_type;
    // 0 until written: `RunRecord::append` points it at ChildWorkflowExecutionStarted.
    let started_event_id = 0;
    match closing {
        A::WorkflowExecutionCompleted { result, .. } => A::ChildWorkflowExecutionCompleted {
            result,
            namespace,
            workflow_execution,
            workflow_type,
            initiated_event_id,
            started_event_id,
        },
        A::WorkflowExecutionFailed {
            failure,
            retry_state,
            ..
        } => A::ChildWorkflowExecutionFailed {
            failure,
            namespace,
            workflow_execution,
            workflow_type,
            initiated_event_id,
            started_event_id,
            retry_state,
        },
        A::WorkflowExecutionCanceled { details, .. } => A::ChildWorkflowExecutionCanceled {
            details,
            namespace,
            workflow_execution,
            workflow_type,
            initiated_event_id,
            started_event_id,
        },
        A::WorkflowExecutionTimedOut { retry_state, .. } => A::ChildWorkflowExecutionTimedOut {
            namespace,
            workflow_execution,
            workflow_type,
            initiated_event_id,
            started_event_id,
            retry_state,
        },
        _ => A::ChildWorkflowExecutionTerminated {
            namespace,
            workflow_execution,
            workflow_type,
            initiated_event_id,
            started_event_id,
        },
    }
}

/// The id of the ChildWorkflowExecutionStarted for `initiated_event_id`.
pub(crate) fn child_started_event_id(history: &[Event], initiated_event_id: i64) -> i64 {
    history
        .iter()
        .rev()
        .find_map(|e| match &e.attributes {
            EventAttributes::ChildWorkflowExecutionStarted {
                initiated_event_id: id,
                ..
            } if *id == initiated_event_id => Some(e.event_id),
            _ => None,
        })
        .unwrap_or(0)
}

impl Service {
    /// Starts the child of the parent at `parent`, unless the parent closed
    /// meanwhile or the child was already started; a taken workflow id fails
    /// the start in the parent's history instead.
    pub(super) fn start_child(
        &mut self,
        now: SimTime,
        parent: usize,
        initiated_event_id: i64,
        workflow_task_completed_event_id: i64,
        command: StartChildWorkflow,
        fx: &mut Effects,
    ) {
        let parent_run = self.store.at(parent);
        let pending = parent_run
            .state
            .children
            .get(&initiated_event_id)
            .is_some_and(|c| c.run_id.is_none());
        if !parent_run.status.is_running() || !pending {
            return;
        }
        let link = ParentLink {
            namespace: command.namespace.clone(),
            execution: parent_run.execution.clone(),
            initiated_event_id,
        };
        let taken = self
            .store
            .current_run(&command.workflow_id)
            .map(|current| self.store.at(current))
            .is_some_and(|current| {
                current.status.is_running()
                    || !reuse_allowed(command.workflow_id_reuse_policy, current.status)
            });
        if taken {
            let run = self.store.at_mut(parent);
            run.state.children.remove(&initiated_event_id);
            let failed = EventAttributes::StartChildWorkflowExecutionFailed {
                namespace: command.namespace,
                workflow_id: command.workflow_id,
                workflow_type: command.workflow_type,
                cause: ALREADY_EXISTS.into(),
                initiated_event_id,
                workflow_task_completed_event_id,
            };
            run.add_new_event(now, failed, fx);
            self.store.commit(parent);
            return;
        }
        let run_id = RunId::derive(self.config.seed, self.store.take_sequence());
        let start = RunStart {
            run_id: run_id.clone(),
            workflow_id: command.workflow_id.clone(),
            workflow_type: command.workflow_type.clone(),
            task_queue: command.task_queue,
            input: command.input,
            workflow_execution_timeout: command.workflow_execution_timeout,
            workflow_run_timeout: command.workflow_run_timeout,
            workflow_task_timeout: command
                .workflow_task_timeout
                .unwrap_or(self.config.default_workflow_task_timeout),
            identity: format!("workflow {}", link.execution).into(),
            retry_policy: command.retry_policy,
            cron_schedule: command.cron_schedule.clone(),
            memo: command.memo,
            first_execution_run_id: None,
            continued_from: None,
            execution_expiration_time: None,
            first_workflow_task_backoff: cron_runs::first_slot_backoff(
                command.cron_schedule.as_deref(),
                now,
            )
            .ok()
            .flatten(),
            attempt: 1,
            continued_failure: None,
            last_completion_result: None,
            start_request_id: None,
            parent: Some(link),
        };
        self.create_run(now, start, fx);
        let run = self.store.at_mut(parent);
        if let Some(child) = run.state.children.get_mut(&initiated_event_id) {
            child.run_id = Some(run_id.clone());
        }
        let started = EventAttributes::ChildWorkflowExecutionStarted {
            namespace: command.namespace,
            initiated_event_id,
            workflow_execution: WorkflowExecution {
                workflow_id: command.workflow_id,
                run_id,
            },
            workflow_type: command.workflow_type,
        };
        run.add_new_event(now, started, fx);
        self.store.commit(parent);
    }

    /// Records a child chain's end in its parent, once: the parent forgets
    /// the child when it writes the outcome.
    pub(super) fn record_child_closed(
        &mut self,
        now: SimTime,
        parent: &ParentLink,
        closing: EventAttributes,
        fx: &mut Effects,
    ) {
        let Some(index) = self.store.resolve(&parent.execution) else {
            return;
        };
        let run = self.store.at_mut(index);
        if !run.status.is_running() {
            return;
        }
        let initiated_event_id = parent.initiated_event_id;
        let started = run
            .state
            .children
            .get(&initiated_event_id)
            .and_then(|c| c.run_id.clone());
        let Some(started_run_id) = started else {
            return;
        };
        let child = run
            .state
            .children
            .remove(&initiated_event_id)
            .expect("checked above");
        let outcome = child_outcome(closing, child, started_run_id, initiated_event_id);
        run.add_new_event(now, outcome, fx);
        self.store.commit(index);
    }

    /// Applies a closed parent's close policy to the current run of a child
    /// chain, if that run is open and still the parent's child.
    pub(super) fn apply_parent_close_policy(
        &mut self,
        now: SimTime,
        parent: usize,
        child: &WorkflowExecution,
        policy: ParentClosePolicy,
        fx: &mut Effects,
    ) {
        let Some(index) = self.store.current_run(&child.workflow_id) else {
            return;
        };
        let parent_execution = self.store.at(parent).execution.clone();
        let run = self.store.at(index);
        let is_child = run
            .state
            .parent
            .as_ref()
            .is_some_and(|p| p.execution == parent_execution);
        if !run.status.is_running() || !is_child {
            return;
        }
        let reason = format!("by parent close policy of {parent_execution}");
        match policy {
            ParentClosePolicy::Abandon => {}
            ParentClosePolicy::Terminate => {
                self.terminate_run(now, index, reason, None, SERVICE_IDENTITY.into())
            }
            ParentClosePolicy::RequestCancel => {
                let run = self.store.at_mut(index);
                if run.state.cancel_requested {
                    return;
                }
                run.state.cancel_requested = true;
                let requested = EventAttributes::WorkflowExecutionCancelRequested {
                    cause: reason,
                    external_initiated_event_id: None,
                    external_workflow_execution: Some(parent_execution),
                    identity: SERVICE_IDENTITY.into(),
                };
                run.add_new_event(now, requested, fx);
                self.store.commit(index);
            }
        }
    }
}
