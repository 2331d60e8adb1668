//! Execution-level handlers: StartWorkflowExecution (request-id dedup, id
//! reuse policy, timeouts), SignalWorkflowExecution, RequestCancel,
//! Terminate, and the run/execution timeout. Also the creation of a run,
//! shared with ContinueAsNew.

use super::mutable_state::{Effects, ParentLink, WorkflowTaskState};
use super::store::{NewRun, RunRecord};
use super::timers::Deadline;
use super::workflow_retries::WorkflowRetry;
use super::*;
use std::rc::Rc;

/// Temporal's upper bound on a workflow task's start-to-close timeout.
const MAX_WORKFLOW_TASK_TIMEOUT: Duration = Duration::from_secs(120);

/// Identity the Service writes on events it produces itself.
pub(crate) const SERVICE_IDENTITY: &str = "history-service";

/// Everything a new run's WorkflowExecutionStarted needs.
pub(crate) struct RunStart {
    pub run_id: RunId,
    pub workflow_id: WorkflowId,
    pub workflow_type: WorkflowType,
    pub task_queue: TaskQueue,
    pub input: Payload,
    pub workflow_execution_timeout: Option<Duration>,
    pub workflow_run_timeout: Option<Duration>,
    pub workflow_task_timeout: Duration,
    pub identity: Rc<str>,
    pub retry_policy: Option<RetryPolicy>,
    pub cron_schedule: Option<String>,
    pub memo: Memo,
    /// `None` for a fresh chain (the run is its own first run).
    pub first_execution_run_id: Option<RunId>,
    /// The previous run and why it continued, for a later run of a chain.
    pub continued_from: Option<(RunId, ContinueAsNewInitiator)>,
    /// The chain's deadline, carried over from earlier runs.
    pub execution_expiration_time: Option<SimTime>,
    /// Delay before the first workflow task (continue-as-new backoff).
    pub first_workflow_task_backoff: Option<Duration>,
    /// 1 for a fresh chain or a continue-as-new; the retry's attempt for a retry.
    pub attempt: u32,
    /// The failure of the run this one retries.
    pub continued_failure: Option<Failure>,
    /// The previous cron run's result.
    pub last_completion_result: Option<Payload>,
    pub start_request_id: Option<Rc<str>>,
    /// The parent of a child chain (carried to every run of the chain).
    pub parent: Option<ParentLink>,
}

/// The next run of a chain that the Service starts itself after `previous`
/// closed (a workflow retry or the next cron run): the same type, queue,
/// input, timeouts, policies, schedule, memo, chain and parent, its first
/// workflow task after `backoff`. A retry is the next attempt; a cron run
/// starts again at attempt 1.
pub(super) fn successor_start(
    previous: &RunRecord,
    run_id: RunId,
    initiator: ContinueAsNewInitiator,
    backoff: Duration,
    continued_failure: Option<Failure>,
    last_completion_result: Option<Payload>,
) -> RunStart {
    let started = previous.started_attributes();
    let attempt = match initiator {
        ContinueAsNewInitiator::Retry => started.attempt + 1,
        _ => 1,
    };
    RunStart {
        run_id,
        workflow_id: previous.execution.workflow_id.clone(),
        workflow_type: started.workflow_type.clone(),
        task_queue: started.task_queue.clone(),
        input: started.input.clone(),
        workflow_execution_timeout: started.workflow_execution_timeout,
        workflow_run_timeout: started.workflow_run_timeout,
        workflow_task_timeout: started.workflow_task_timeout,
        identity: SERVICE_IDENTITY.into(),
        retry_policy: started.retry_policy.clone(),
        cron_schedule: started.cron_schedule.clone(),
        memo: previous.memo.clone(),
        first_execution_run_id: Some(started.first_execution_run_id.clone()),
        continued_from: Some((previous.execution.run_id.clone(), initiator)),
        execution_expiration_time: started.workflow_execution_expiration_time,
        first_workflow_task_backoff: Some(backoff),
        attempt,
        continued_failure,
        last_completion_result,
        start_request_id: None,
        parent: previous.state.parent.clone(),
    }
}

/// Whether the last run's status lets a start with this policy reuse the id.
pub(super) fn reuse_allowed(policy: WorkflowIdReusePolicy, last: WorkflowExecutionStatus) -> bool {
    use WorkflowExecutionStatus as S;
    match policy {
        WorkflowIdReusePolicy::AllowDuplicate | WorkflowIdReusePolicy::TerminateIfRunning => true,
        WorkflowIdReusePolicy::AllowDuplicateFailedOnly => {
            matches!(last, S::Failed | S::Canceled | S::Terminated | S::TimedOut)
        }
        WorkflowIdReusePolicy::RejectDuplicate => false,
    }
}

impl Service {
    /// StartWorkflowExecution. The request's fields are moved out of its
    /// box one by one (unboxing it whole copied it first).
    pub(super) fn start_workflow_execution(
        &mut self,
        now: SimTime,
        r: Box<StartWorkflowExecutionRequest>,
        fx: &mut Effects,
    ) -> Result<StartWorkflowExecutionResponse, ServiceError> {
        if r.workflow_id.as_str().is_empty() {
            return Err(ServiceError::InvalidArgument("workflow id is empty".into()));
        }
        if r.workflow_type.as_str().is_empty() || r.task_queue.as_str().is_empty() {
            return Err(ServiceError::InvalidArgument(
                "workflow type and task queue are required".into(),
            ));
        }
        if !r.request_id.is_empty() {
            if let Some(index) = self.store.run_for_start_request(&r.request_id) {
                return Ok(StartWorkflowExecutionResponse {
                    run_id: self.store.at(index).execution.run_id.clone(),
                });
            }
        }
        if let Some(current) = self.store.current_run(&r.workflow_id) {
            let run = self.store.at(current);
            let conflict = ServiceError::WorkflowExecutionAlreadyStarted {
                run_id: run.execution.run_id.clone(),
            };
            if run.status.is_running() {
                if r.workflow_id_reuse_policy != WorkflowIdReusePolicy::TerminateIfRunning {
                    return Err(conflict);
                }
                let reason = "terminated by a start with TerminateIfRunning";
                self.terminate_run(now, current, reason.into(), None, r.identity.clone());
            } else if !reuse_allowed(r.workflow_id_reuse_policy, run.status) {
                return Err(conflict);
            }
        }
        let first_workflow_task_backoff =
            cron_runs::first_slot_backoff(r.cron_schedule.as_deref(), now)
                .map_err(ServiceError::InvalidArgument)?;
        let run_id = RunId::derive(self.config.seed, self.store.take_sequence());
        let workflow_task_timeout = r
            .workflow_task_timeout
            .unwrap_or(self.config.default_workflow_task_timeout)
            .min(MAX_WORKFLOW_TASK_TIMEOUT);
        let start = RunStart {
            run_id: run_id.clone(),
            workflow_id: r.workflow_id,
            workflow_type: r.workflow_type,
            task_queue: r.task_queue,
            input: r.input,
            workflow_execution_timeout: r.workflow_execution_timeout,
            workflow_run_timeout: r.workflow_run_timeout,
            workflow_task_timeout,
            identity: r.identity,
            retry_policy: r.retry_policy,
            cron_schedule: r.cron_schedule,
            memo: r.memo,
            first_execution_run_id: None,
            continued_from: None,
            execution_expiration_time: None,
            first_workflow_task_backoff,
            attempt: 1,
            continued_failure: None,
            last_completion_result: None,
            start_request_id: (!r.request_id.is_empty()).then_some(r.request_id),
            parent: None,
        };
        self.create_run(now, start, fx);
        Ok(StartWorkflowExecutionResponse { run_id })
    }

    /// Creates and commits a run: WorkflowExecutionStarted and its first
    /// WorkflowTaskScheduled in one commit (rules 1 and 2), unless the first
    /// task is delayed by a backoff: then it is scheduled when that ends.
    pub(super) fn create_run(&mut self, now: SimTime, start: RunStart, fx: &mut Effects) -> usize {
        let execution_expiration_time = start
            .execution_expiration_time
            .or_else(|| start.workflow_execution_timeout.map(|t| now + t));
        let workflow_run_timeout = start
            .workflow_run_timeout
            .or(start.workflow_execution_timeout);
        let first_workflow_task_backoff =
            start.first_workflow_task_backoff.filter(|d| !d.is_zero());
        // The run's clock starts when its first task may run.
        let run_started = now + first_workflow_task_backoff.unwrap_or_default();
        let run_expiration_time = match (
            workflow_run_timeout.map(|t| run_started + t),
            execution_expiration_time,
        ) {
            (Some(run), Some(execution)) => Some(run.min(execution)),
            (run, execution) => run.or(execution),
        };
        let execution = WorkflowExecution {
            workflow_id: start.workflow_id,
            run_id: start.run_id.clone(),
        };
        let index = self.store.insert_run(NewRun {
            execution,
            workflow_type: start.workflow_type.clone(),
            memo: start.memo.clone(),
            start_time: now,
            task_queue: start.task_queue.clone(),
            workflow_task_timeout: start.workflow_task_timeout,
            start_request_id: start.start_request_id,
        });
        let (continued_execution_run_id, initiator) = start.continued_from.unzip();
        let run = self.store.at_mut(index);
        let state = &mut run.state;
        state.first_workflow_task_at = first_workflow_task_backoff.map(|d| now + d);
        state.run_expiration_time = run_expiration_time;
        state.execution_expiration_time = execution_expiration_time;
        state.parent = start.parent.clone();
        run.append(
            now,
            EventAttributes::WorkflowExecutionStarted(Box::new(
                WorkflowExecutionStartedAttributes {
                    workflow_type: start.workflow_type,
                    parent_workflow_namespace: start.parent.as_ref().map(|p| p.namespace.clone()),
                    parent_workflow_execution: start.parent.as_ref().map(|p| p.execution.clone()),
                    parent_initiated_event_id: start.parent.as_ref().map(|p| p.initiated_event_id),
                    task_queue: start.task_queue,
                    input: start.input,
                    workflow_execution_timeout: start.workflow_execution_timeout,
                    workflow_run_timeout,
                    workflow_task_timeout: start.workflow_task_timeout,
                    continued_execution_run_id,
                    initiator,
                    continued_failure: start.continued_failure,
                    last_completion_result: start.last_completion_result,
                    original_execution_run_id: start.run_id.clone(),
                    identity: start.identity,
                    first_execution_run_id: start.first_execution_run_id.unwrap_or(start.run_id),
                    retry_policy: start.retry_policy,
                    attempt: start.attempt,
                    workflow_execution_expiration_time: execution_expiration_time,
                    cron_schedule: start.cron_schedule,
                    first_workflow_task_backoff,
                    memo: start.memo,
                },
            )),
        );
        match run.state.first_workflow_task_at {
            Some(at) => fx
                .deadlines
                .push((at, Deadline::FirstWorkflowTask { run: index })),
            None => run.schedule_workflow_task(now, 1, fx),
        }
        if let Some(at) = run_expiration_time {
            fx.deadlines.push((at, Deadline::RunTimeout { run: index }));
        }
        self.store.commit(index);
        index
    }

    /// The open run an external request names; an empty run id means the current run.
    fn open_run(&self, execution: &WorkflowExecution) -> Result<usize, ServiceError> {
        match self.store.resolve(execution) {
            Some(index) if self.store.at(index).status.is_running() => Ok(index),
            Some(_) => Err(ServiceError::NotFound(format!(
                "workflow execution {execution} is closed"
            ))),
            None => Err(ServiceError::NotFound(format!(
                "workflow execution {execution}"
            ))),
        }
    }

    /// SignalWorkflowExecution: WorkflowExecutionSignaled, applied once per request id.
    pub(super) fn signal_workflow_execution(
        &mut self,
        now: SimTime,
        r: SignalWorkflowExecutionRequest,
        fx: &mut Effects,
    ) -> Result<(), ServiceError> {
        let index = self.open_run(&r.workflow_execution)?;
        let dedup = !self.sabotaged(Sabotage::SignalDedupSkipped);
        let lose_during_task = self.sabotaged(Sabotage::SignalLostDuringTask);
        let run = self.store.at_mut(index);
        if !r.request_id.is_empty() && !run.state.signal_request_ids.insert(r.request_id) && dedup {
            return Ok(());
        }
        if lose_during_task && matches!(run.state.workflow_task, WorkflowTaskState::Started(_)) {
            self.store.commit(index);
            return Ok(());
        }
        let signaled = EventAttributes::WorkflowExecutionSignaled {
            signal_name: r.signal_name,
            input: r.input,
            identity: r.identity,
        };
        run.add_new_event(now, signaled, fx);
        self.store.commit(index);
        Ok(())
    }

    /// RequestCancelWorkflowExecution: WorkflowExecutionCancelRequested, once per run.
    pub(super) fn request_cancel_workflow_execution(
        &mut self,
        now: SimTime,
        r: RequestCancelWorkflowExecutionRequest,
        fx: &mut Effects,
    ) -> Result<(), ServiceError> {
        let index = self.open_run(&r.workflow_execution)?;
        let run = self.store.at_mut(index);
        if run.state.cancel_requested {
            return Ok(());
        }
        run.state.cancel_requested = true;
        let requested = EventAttributes::WorkflowExecutionCancelRequested {
            cause: r.reason,
            external_initiated_event_id: None,
            external_workflow_execution: None,
            identity: r.identity,
        };
        run.add_new_event(now, requested, fx);
        self.store.commit(index);
        Ok(())
    }

    /// TerminateWorkflowExecution.
    pub(super) fn terminate_workflow_execution(
        &mut self,
        now: SimTime,
        r: TerminateWorkflowExecutionRequest,
    ) -> Result<(), ServiceError> {
        let index = self.open_run(&r.workflow_execution)?;
        self.terminate_run(now, index, r.reason, r.details, r.identity);
        Ok(())
    }

    /// Closes an open run with WorkflowExecutionTerminated, as one commit.
    pub(super) fn terminate_run(
        &mut self,
        now: SimTime,
        index: usize,
        reason: String,
        details: Option<Payload>,
        identity: Rc<str>,
    ) {
        let run = self.store.at_mut(index);
        force_close(
            run,
            now,
            EventAttributes::WorkflowExecutionTerminated {
                reason,
                details,
                identity,
            },
        );
        self.store.commit(index);
    }

    /// A run's first-workflow-task backoff ended: its first task is scheduled.
    pub(super) fn first_workflow_task_due(&mut self, now: SimTime, index: usize, fx: &mut Effects) {
        let run = self.store.at_mut(index);
        if !run.status.is_running() || run.state.first_workflow_task_at.is_none_or(|at| at > now) {
            return;
        }
        run.state.first_workflow_task_at = None;
        run.ensure_workflow_task(now, fx);
        self.store.commit(index);
    }

    /// The run timeout (or the chain's execution timeout) fired.
    pub(super) fn run_timeout(&mut self, now: SimTime, index: usize, fx: &mut Effects) {
        let run = self.store.at(index);
        if !run.status.is_running() || run.state.run_expiration_time.is_none_or(|at| at > now) {
            return;
        }
        let failure = Failure::timeout(TimeoutType::StartToClose);
        let retry = self.plan_workflow_retry(now, index, &failure);
        let cron = match retry {
            WorkflowRetry::Stop(_) => self.plan_cron_run(now, index),
            WorkflowRetry::Retry { .. } => None,
        };
        let timed_out = EventAttributes::WorkflowExecutionTimedOut {
            retry_state: retry.retry_state(),
            new_execution_run_id: retry
                .new_run_id()
                .or_else(|| cron.as_ref().map(|c| c.run_id.clone())),
        };
        force_close(self.store.at_mut(index), now, timed_out);
        self.store.commit(index);
        if let Some(cron) = cron {
            self.start_cron_run(now, index, cron, None, Some(failure), fx);
            return;
        }
        self.start_retry_run(now, index, retry, failure, fx);
    }
}

/// Closes a run from outside its workflow code. A started workflow task
/// ends first (failed with ForceCloseCommand on terminate, timed out on a
/// run timeout; a transient attempt writes nothing), then buffered events
/// are written, then the closing event.
fn force_close(run: &mut RunRecord, now: SimTime, closing: EventAttributes) {
    if let WorkflowTaskState::Started(task) =
        std::mem::replace(&mut run.state.workflow_task, WorkflowTaskState::None)
    {
        if !task.scheduled.is_transient() {
            let scheduled_event_id = task.scheduled.scheduled_event_id;
            let started_event_id = task.started_event_id;
            let task_end = if closing.event_type() == EventType::WorkflowExecutionTimedOut {
                EventAttributes::WorkflowTaskTimedOut {
                    scheduled_event_id,
                    started_event_id,
                    timeout_type: TimeoutType::StartToClose,
                }
            } else {
                EventAttributes::WorkflowTaskFailed {
                    scheduled_event_id,
                    started_event_id,
                    cause: WorkflowTaskFailedCause::ForceCloseCommand,
                    failure: None,
                    identity: SERVICE_IDENTITY.into(),
                }
            };
            run.append(now, task_end);
        }
    }
    run.flush_buffered(now);
    run.close(now, closing);
}
