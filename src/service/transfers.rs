//! The transfer queue: cross-run work that a commit of one run makes
//! durable (in that run's `MutableState::transfers`) and that the Service
//! carries out at its next `advance`: starting a child, reporting a child's
//! outcome to its parent, applying a parent close policy, delivering an
//! external signal or cancel request.
//!
//! Arming is memory only: after every commit the Service looks for runs
//! with pending transfers and arms a `Deadline::Transfers` at `now`, so a
//! restart re-arms whatever the Store still holds. Each transfer is removed
//! from its source run only in the same step that applies it to its target,
//! and every target checks that it has not applied it already, so the work
//! happens exactly once whatever crashes fall in between.

use super::executions::SERVICE_IDENTITY;
use super::mutable_state::{Effects, Transfer};
use super::timers::Deadline;
use super::*;

/// The cause of a SignalExternal/RequestCancelExternal failure: no open target.
const NOT_FOUND: &str = "EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND";

impl Service {
    /// Arms a transfer deadline at `now` for every run with pending transfers.
    pub(super) fn arm_transfers(&mut self, now: SimTime) {
        for index in self.store.take_transfer_runs() {
            if !self.store.at(index).state.transfers.is_empty()
                && self.transfers_armed.insert(index)
            {
                self.deadlines.push(now, Deadline::Transfers { run: index });
            }
        }
    }

    /// Carries out the pending transfers of the run at `index`, in order.
    pub(super) fn run_transfers(&mut self, now: SimTime, index: usize, fx: &mut Effects) {
        self.transfers_armed.remove(&index);
        loop {
            let transfers = &mut self.store.at_mut(index).state.transfers;
            if transfers.is_empty() {
                return;
            }
            let transfer = transfers.remove(0);
            self.run_transfer(now, index, transfer, fx);
        }
    }

    fn run_transfer(&mut self, now: SimTime, source: usize, transfer: Transfer, fx: &mut Effects) {
        match transfer {
            Transfer::StartChild {
                initiated_event_id,
                workflow_task_completed_event_id,
                command,
            } => self.start_child(
                now,
                source,
                initiated_event_id,
                workflow_task_completed_event_id,
                command,
                fx,
            ),
            Transfer::RecordChildClosed { parent, closing } => {
                self.record_child_closed(now, &parent, *closing, fx)
            }
            Transfer::ApplyParentClosePolicy { child, policy } => {
                self.apply_parent_close_policy(now, source, &child, policy, fx)
            }
            Transfer::SignalExternal {
                initiated_event_id,
                workflow_task_completed_event_id,
                namespace,
                target,
                signal_name,
                input,
                child_workflow_only,
            } => {
                let delivered = self.signal_external(
                    now,
                    source,
                    initiated_event_id,
                    &target,
                    child_workflow_only,
                    signal_name,
                    input,
                    fx,
                );
                let outcome = if delivered {
                    EventAttributes::ExternalWorkflowExecutionSignaled {
                        initiated_event_id,
                        namespace,
                        workflow_execution: target,
                    }
                } else {
                    EventAttributes::SignalExternalWorkflowExecutionFailed {
                        cause: NOT_FOUND.into(),
                        workflow_task_completed_event_id,
                        namespace,
                        workflow_execution: target,
                        initiated_event_id,
                    }
                };
                self.record_in_source(now, source, outcome, fx);
            }
            Transfer::CancelExternal {
                initiated_event_id,
                workflow_task_completed_event_id,
                namespace,
                target,
                child_workflow_only,
                reason,
            } => {
                let delivered = self.cancel_external(
                    now,
                    source,
                    initiated_event_id,
                    &target,
                    child_workflow_only,
                    reason,
                    fx,
                );
                let outcome = if delivered {
                    EventAttributes::ExternalWorkflowExecutionCancelRequested {
                        initiated_event_id,
                        namespace,
                        workflow_execution: target,
                    }
                } else {
                    EventAttributes::RequestCancelExternalWorkflowExecutionFailed {
                        cause: NOT_FOUND.into(),
                        workflow_task_completed_event_id,
                        namespace,
                        workflow_execution: target,
                        initiated_event_id,
                    }
                };
                self.record_in_source(now, source, outcome, fx);
            }
        }
    }

    /// Writes the outcome of a transfer in its source run, if still open.
    fn record_in_source(
        &mut self,
        now: SimTime,
        source: usize,
        outcome: EventAttributes,
        fx: &mut Effects,
    ) {
        let run = self.store.at_mut(source);
        if run.status.is_running() {
            run.add_new_event(now, outcome, fx);
            self.store.commit(source);
        }
    }

    /// The open run an external command targets, if it may target it:
    /// with `child_workflow_only`, only a child of `source`.
    fn external_target(
        &self,
        source: usize,
        target: &WorkflowExecution,
        child_workflow_only: bool,
    ) -> Option<usize> {
        let index = self.store.resolve(target)?;
        let run = self.store.at(index);
        let source_execution = &self.store.at(source).execution;
        let is_child = run
            .state
            .parent
            .as_ref()
            .is_some_and(|p| &p.execution == source_execution);
        (run.status.is_running() && (is_child || !child_workflow_only)).then_some(index)
    }

    /// Delivers an external signal once (keyed by source run and initiated
    /// event); returns whether the target exists and is open.
    #[allow(clippy::too_many_arguments)]
    fn signal_external(
        &mut self,
        now: SimTime,
        source: usize,
        initiated_event_id: i64,
        target: &WorkflowExecution,
        child_workflow_only: bool,
        signal_name: String,
        input: Payload,
        fx: &mut Effects,
    ) -> bool {
        let Some(index) = self.external_target(source, target, child_workflow_only) else {
            return false;
        };
        let source_execution = self.store.at(source).execution.clone();
        let request_id = format!("{source_execution}#{initiated_event_id}");
        let run = self.store.at_mut(index);
        if run.state.signal_request_ids.insert(request_id.into()) {
            let signaled = EventAttributes::WorkflowExecutionSignaled {
                signal_name,
                input,
                identity: format!("workflow {source_execution}").into(),
            };
            run.add_new_event(now, signaled, fx);
            self.store.commit(index);
        }
        true
    }

    /// Delivers an external cancel request (once per target run); returns
    /// whether the target exists and is open.
    #[allow(clippy::too_many_arguments)]
    fn cancel_external(
        &mut self,
        now: SimTime,
        source: usize,
        initiated_event_id: i64,
        target: &WorkflowExecution,
        child_workflow_only: bool,
        reason: String,
        fx: &mut Effects,
    ) -> bool {
        let Some(index) = self.external_target(source, target, child_workflow_only) else {
            return false;
        };
        let source_execution = self.store.at(source).execution.clone();
        let run = self.store.at_mut(index);
        if !run.state.cancel_requested {
            run.state.cancel_requested = true;
            let requested = EventAttributes::WorkflowExecutionCancelRequested {
                cause: reason,
                external_initiated_event_id: Some(initiated_event_id),
                external_workflow_execution: Some(source_execution),
                identity: SERVICE_IDENTITY.into(),
            };
            run.add_new_event(now, requested, fx);
            self.store.commit(index);
        }
        true
    }
}
