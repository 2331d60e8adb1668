//! Workflow retries: a run started with a retry policy that fails or times
//! out is retried as a new run of the same chain (initiator RETRY, the next
//! attempt, its first workflow task delayed by the backoff), and the closing
//! event of the failed run names it (`new_execution_run_id`).

use super::executions::successor_start;
use super::mutable_state::Effects;
use super::*;

/// What happens after a run fails or times out.
pub(crate) enum WorkflowRetry {
    /// Retries stop (or were never asked for) for this reason.
    Stop(RetryState),
    /// A new run with this id starts after the backoff.
    Retry { run_id: RunId, backoff: Duration },
}

impl WorkflowRetry {
    /// The `retry_state` of the closing event.
    pub fn retry_state(&self) -> RetryState {
        match self {
            WorkflowRetry::Stop(state) => *state,
            WorkflowRetry::Retry { .. } => RetryState::InProgress,
        }
    }

    /// The `new_execution_run_id` of the closing event.
    pub fn new_run_id(&self) -> Option<RunId> {
        match self {
            WorkflowRetry::Stop(_) => None,
            WorkflowRetry::Retry { run_id, .. } => Some(run_id.clone()),
        }
    }
}

impl Service {
    /// Decides whether the run at `index`, failing now with `failure`, is
    /// retried; reserves the next run's id if so.
    pub(super) fn plan_workflow_retry(
        &mut self,
        now: SimTime,
        index: usize,
        failure: &Failure,
    ) -> WorkflowRetry {
        let run = self.store.at(index);
        let started = run.started_attributes();
        let WorkflowExecutionStartedAttributes {
            retry_policy,
            attempt,
            ..
        } = &*started;
        let Some(policy) = retry_policy else {
            return WorkflowRetry::Stop(RetryState::RetryPolicyNotSet);
        };
        match policy.decide(*attempt, failure, now, run.state.execution_expiration_time) {
            RetryDecision::Stop(state) => WorkflowRetry::Stop(state),
            RetryDecision::Retry(backoff) => {
                let run_id = RunId::derive(self.config.seed, self.store.take_sequence());
                WorkflowRetry::Retry { run_id, backoff }
            }
        }
    }

    /// Starts the retry of the closed run at `previous`: same type, queue,
    /// input, timeouts and policy, the next attempt, after the backoff.
    pub(super) fn start_retry_run(
        &mut self,
        now: SimTime,
        previous: usize,
        retry: WorkflowRetry,
        failure: Failure,
        fx: &mut Effects,
    ) {
        let WorkflowRetry::Retry { run_id, backoff } = retry else {
            return;
        };
        let start = successor_start(
            self.store.at(previous),
            run_id,
            ContinueAsNewInitiator::Retry,
            backoff,
            Some(failure),
            None,
        );
        self.create_run(now, start, fx);
    }
}
