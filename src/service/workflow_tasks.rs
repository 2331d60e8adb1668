//! The workflow task lifecycle (rule 3): Scheduled → Started on a poll →
//! Completed | Failed | TimedOut. Covers dispatch (full or sticky partial
//! histories, transient attempts appended to the poll response), completion
//! (commands, then buffered events), failure and both timeouts.

use super::commands::{self, ClosePlan, ContinuedRun};
use super::executions::{RunStart, SERVICE_IDENTITY};
use super::mutable_state::{
    Effects, ScheduledWorkflowTask, StartedWorkflowTask, WorkflowTaskState,
};
use super::store::{run_hint, RunRecord};
use super::workflow_retries::WorkflowRetry;
use super::*;
use std::rc::Rc;

/// How an unsuccessful workflow task ended.
enum TaskEnd {
    /// The worker (or the Service, for bad commands) failed it.
    Failed {
        cause: WorkflowTaskFailedCause,
        failure: Option<Failure>,
        identity: Rc<str>,
    },
    /// Its start-to-close timeout fired.
    TimedOut,
}

impl Service {
    /// PollWorkflowTaskQueue: hands out the oldest current task of the queue,
    /// or parks the poll (returns `None`).
    pub(super) fn poll_workflow_task_queue(
        &mut self,
        now: SimTime,
        call: CallId,
        r: PollWorkflowTaskQueueRequest,
    ) -> Option<Box<PollWorkflowTaskQueueResponse>> {
        while let Some(task) = self.matching.pop_workflow_task(&r.task_queue) {
            if workflow_task_is_current(self.store.at(task.run), &task) {
                return Some(self.dispatch_workflow_task(now, &task, r.identity, call));
            }
        }
        self.park_poll(now, PollKind::Workflow, r.task_queue, call, r.identity);
        None
    }

    /// Starts a scheduled workflow task for a worker: one commit. A normal
    /// task writes WorkflowTaskStarted; a transient attempt writes nothing
    /// unless events arrived since it was scheduled, in which case it becomes
    /// a normal first attempt (as Temporal does). The response is boxed
    /// where it is made (it is answered boxed).
    pub(super) fn dispatch_workflow_task(
        &mut self,
        now: SimTime,
        task: &WorkflowTaskRef,
        identity: Rc<str>,
        call: CallId,
    ) -> Box<PollWorkflowTaskQueueResponse> {
        let run = self.store.at_mut(task.run);
        debug_assert!(workflow_task_is_current(run, task));
        let WorkflowTaskState::Scheduled(mut scheduled) =
            std::mem::replace(&mut run.state.workflow_task, WorkflowTaskState::None)
        else {
            unreachable!("only a scheduled workflow task is dispatched");
        };
        let timeout = run.state.workflow_task_timeout;
        if scheduled.is_transient() && scheduled.scheduled_event_id != run.next_event_id() {
            scheduled = ScheduledWorkflowTask {
                attempt: 1,
                scheduled_time: now,
                ..scheduled
            };
            scheduled.scheduled_event_id =
                run.append(now, scheduled.scheduled_event(timeout).attributes);
        }
        let transient = scheduled.is_transient();
        let started = StartedWorkflowTask {
            started_event_id: if transient {
                scheduled.scheduled_event_id + 1
            } else {
                run.next_event_id()
            },
            scheduled,
            started_time: now,
            identity,
            request_id: call.poll_request_id(),
        };
        if !transient {
            let written = run.append(now, started.started_event().attributes);
            debug_assert_eq!(written, started.started_event_id);
        }
        let first_event_id = if started.scheduled.sticky {
            run.state.previous_started_event_id + 1
        } else {
            1
        };
        let first_index = (first_event_id - 1) as usize;
        let history = if transient {
            let mut events = run.history()[first_index..].to_vec();
            events.push(started.scheduled.scheduled_event(timeout));
            events.push(started.started_event());
            TaskHistory::from(events)
        } else {
            TaskHistory::shared(Rc::clone(run.shared_open_history()), first_index)
        };
        let response = Box::new(PollWorkflowTaskQueueResponse {
            task_token: WorkflowTaskToken {
                execution: run.execution.clone(),
                run_hint: run_hint(task.run),
                scheduled_event_id: started.scheduled.scheduled_event_id,
                attempt: started.scheduled.attempt,
            },
            workflow_execution: run.execution.clone(),
            workflow_type: run.workflow_type.clone(),
            previous_started_event_id: run.state.previous_started_event_id,
            started_event_id: started.started_event_id,
            attempt: started.scheduled.attempt,
            first_event_id,
            history,
        });
        let deadline = Deadline::WorkflowTaskStartToClose {
            run: task.run,
            scheduled_event_id: started.scheduled.scheduled_event_id,
            attempt: started.scheduled.attempt,
        };
        self.deadlines.push(now + timeout, deadline);
        run.state.workflow_task = WorkflowTaskState::Started(started);
        self.store.commit(task.run);
        response
    }

    /// The run whose started workflow task the token names.
    fn started_workflow_task(&self, token: &WorkflowTaskToken) -> Result<usize, ServiceError> {
        let index = self
            .store
            .resolve_hinted(&token.execution, token.run_hint)
            .ok_or_else(|| task_not_found(&token.execution))?;
        let run = self.store.at(index);
        match &run.state.workflow_task {
            WorkflowTaskState::Started(task)
                if run.status.is_running()
                    && task.scheduled.scheduled_event_id == token.scheduled_event_id
                    && task.scheduled.attempt == token.attempt =>
            {
                Ok(index)
            }
            _ => Err(task_not_found(format_args!(
                "workflow task {}#{} attempt {}",
                token.execution, token.scheduled_event_id, token.attempt
            ))),
        }
    }

    /// RespondWorkflowTaskCompleted: WorkflowTaskCompleted, the commands'
    /// events in order (rule 4), then buffered events and a new task if
    /// anything new happened (rule 5). Invalid commands, or a close while
    /// events are buffered (rule 7), fail the task instead.
    pub(super) fn respond_workflow_task_completed(
        &mut self,
        now: SimTime,
        r: &RespondWorkflowTaskCompletedRequest,
        fx: &mut Effects,
    ) -> Result<(), ServiceError> {
        let index = match self.started_workflow_task(&r.task_token) {
            Ok(index) => index,
            Err(stale) if self.sabotaged(Sabotage::StaleWorkflowTaskCompletion) => {
                return self.apply_stale_completion(now, r, fx, stale)
            }
            Err(stale) => return Err(stale),
        };
        if let Err(rejection) = commands::validate(&self.store.at(index).state, &r.commands) {
            let status_first = self.sabotaged(Sabotage::StatusBeforeClose)
                && rejection.cause == WorkflowTaskFailedCause::UnhandledCommand;
            let closing_status = r.commands.iter().find_map(closing_status_of);
            let failure = Failure::server(rejection.message, true);
            let end = TaskEnd::Failed {
                cause: rejection.cause,
                failure: Some(failure),
                identity: r.identity.clone(),
            };
            let run = self.store.at_mut(index);
            end_workflow_task_unsuccessfully(run, now, end, fx);
            if let Some(status) = closing_status.filter(|_| status_first) {
                // The sabotaged Service wrote the status when the close
                // command arrived, before knowing the close would be refused.
                // A closed run gets no more tasks.
                run.status = status;
                run.close_time = Some(now);
                fx.workflow_tasks.clear();
            }
            self.store.commit(index);
            return Ok(());
        }
        let mut plan = ClosePlan::default();
        match r.commands.iter().find(|c| c.closes_run()) {
            Some(Command::ContinueAsNewWorkflowExecution(_)) => {
                let run_id = RunId::derive(self.config.seed, self.store.take_sequence());
                plan.continue_as_new_run_id = Some(run_id);
            }
            Some(Command::FailWorkflowExecution { failure }) => {
                let retry = self.plan_workflow_retry(now, index, failure);
                if matches!(retry, WorkflowRetry::Stop(_)) {
                    plan.cron_next = self.plan_cron_run(now, index);
                }
                plan.workflow_retry = Some(retry);
            }
            Some(Command::CompleteWorkflowExecution { .. }) => {
                plan.cron_next = self.plan_cron_run(now, index);
            }
            _ => {}
        }
        let run = self.store.at_mut(index);
        let WorkflowTaskState::Started(task) =
            std::mem::replace(&mut run.state.workflow_task, WorkflowTaskState::None)
        else {
            unreachable!("validated above");
        };
        if task.scheduled.is_transient() {
            let timeout = run.state.workflow_task_timeout;
            let scheduled = task.scheduled.scheduled_event(timeout);
            let written = run.append(scheduled.event_time, scheduled.attributes);
            debug_assert_eq!(written, task.scheduled.scheduled_event_id);
            let started = task.started_event();
            let written = run.append(started.event_time, started.attributes);
            debug_assert_eq!(written, task.started_event_id);
        }
        let completed_event_id = run.append(
            now,
            EventAttributes::WorkflowTaskCompleted {
                scheduled_event_id: task.scheduled.scheduled_event_id,
                started_event_id: task.started_event_id,
                identity: r.identity.clone(),
            },
        );
        run.state.previous_started_event_id = task.started_event_id;
        run.state.sticky_queue = r.sticky_task_queue.clone();
        let outcome = commands::apply(
            run,
            now,
            completed_event_id,
            &r.commands,
            &r.identity,
            &plan,
            fx,
        );
        if run.status.is_running() {
            let had_buffered = run.flush_buffered(now);
            if had_buffered || outcome.needs_workflow_task {
                run.schedule_workflow_task(now, 1, fx);
            }
        }
        self.store.commit(index);
        if let Some(next) = outcome.continue_as_new {
            self.start_continued_run(now, index, *next, fx);
        }
        if let Some(cron) = plan.cron_next {
            let closed = outcome.workflow_result.is_some() || outcome.workflow_failure.is_some();
            if closed {
                let (result, failure) = (outcome.workflow_result, outcome.workflow_failure);
                self.start_cron_run(now, index, cron, result, failure, fx);
            }
        } else if let (Some(retry), Some(failure)) = (plan.workflow_retry, outcome.workflow_failure)
        {
            self.start_retry_run(now, index, retry, failure, fx);
        }
        Ok(())
    }

    /// Starts the run a ContinueAsNewWorkflowExecution named, linked to the
    /// run it continues, in the same chain (same expiration, first run).
    fn start_continued_run(
        &mut self,
        now: SimTime,
        previous: usize,
        next: ContinuedRun,
        fx: &mut Effects,
    ) {
        let run = self.store.at(previous);
        let WorkflowExecutionStartedAttributes {
            workflow_execution_timeout,
            workflow_execution_expiration_time,
            retry_policy,
            cron_schedule,
            ..
        } = run.started_attributes().into_owned();
        let start = RunStart {
            run_id: next.run_id,
            workflow_id: run.execution.workflow_id.clone(),
            workflow_type: next.command.workflow_type,
            task_queue: next.command.task_queue,
            input: next.command.input,
            workflow_execution_timeout,
            workflow_run_timeout: next.workflow_run_timeout,
            workflow_task_timeout: next.workflow_task_timeout,
            identity: SERVICE_IDENTITY.into(),
            retry_policy,
            cron_schedule,
            memo: next.memo,
            first_execution_run_id: Some(run.first_execution_run_id()),
            continued_from: Some((
                run.execution.run_id.clone(),
                ContinueAsNewInitiator::Workflow,
            )),
            execution_expiration_time: workflow_execution_expiration_time,
            first_workflow_task_backoff: next.command.backoff_start_interval,
            attempt: 1,
            continued_failure: None,
            last_completion_result: None,
            start_request_id: None,
            parent: run.state.parent.clone(),
        };
        // Signal request ids carry over, so a client's retried signal is not
        // applied a second time to the next run.
        let signal_request_ids = run.state.signal_request_ids.clone();
        let next_index = self.create_run(now, start, fx);
        self.store.at_mut(next_index).state.signal_request_ids = signal_request_ids;
    }

    /// RespondWorkflowTaskFailed: WorkflowTaskFailed (not for a transient
    /// attempt) and a retry on the normal queue.
    pub(super) fn respond_workflow_task_failed(
        &mut self,
        now: SimTime,
        r: RespondWorkflowTaskFailedRequest,
        fx: &mut Effects,
    ) -> Result<(), ServiceError> {
        let index = self.started_workflow_task(&r.task_token)?;
        let end = TaskEnd::Failed {
            cause: r.cause,
            failure: Some(r.failure),
            identity: r.identity,
        };
        end_workflow_task_unsuccessfully(self.store.at_mut(index), now, end, fx);
        self.store.commit(index);
        Ok(())
    }

    /// A started task's start-to-close timeout fired.
    pub(super) fn workflow_task_start_to_close_timeout(
        &mut self,
        now: SimTime,
        index: usize,
        scheduled_event_id: i64,
        attempt: u32,
        fx: &mut Effects,
    ) {
        let run = self.store.at_mut(index);
        let due = match &run.state.workflow_task {
            WorkflowTaskState::Started(task) => {
                run.status.is_running()
                    && task.scheduled.scheduled_event_id == scheduled_event_id
                    && task.scheduled.attempt == attempt
                    && task.started_time + run.state.workflow_task_timeout <= now
            }
            _ => false,
        };
        if due {
            end_workflow_task_unsuccessfully(run, now, TaskEnd::TimedOut, fx);
            self.store.commit(index);
        }
    }

    /// Nobody took a task from a sticky queue in time: WorkflowTaskTimedOut
    /// (SCHEDULE_TO_START) and a new task on the normal queue.
    pub(super) fn sticky_schedule_to_start_timeout(
        &mut self,
        now: SimTime,
        index: usize,
        scheduled_event_id: i64,
        fx: &mut Effects,
    ) {
        let run = self.store.at_mut(index);
        let due = matches!(&run.state.workflow_task, WorkflowTaskState::Scheduled(task)
            if task.sticky && task.scheduled_event_id == scheduled_event_id);
        if !due || !run.status.is_running() {
            return;
        }
        run.append(
            now,
            EventAttributes::WorkflowTaskTimedOut {
                scheduled_event_id,
                started_event_id: 0,
                timeout_type: TimeoutType::ScheduleToStart,
            },
        );
        run.state.workflow_task = WorkflowTaskState::None;
        run.state.sticky_queue = None;
        run.schedule_workflow_task(now, 1, fx);
        self.store.commit(index);
    }
}

/// Whether a queued reference still names the run's scheduled task.
fn workflow_task_is_current(run: &RunRecord, task: &WorkflowTaskRef) -> bool {
    run.status.is_running()
        && matches!(&run.state.workflow_task, WorkflowTaskState::Scheduled(s)
            if s.scheduled_event_id == task.scheduled_event_id && s.attempt == task.attempt)
}

/// The status a closing command would give the run.
fn closing_status_of(command: &Command) -> Option<WorkflowExecutionStatus> {
    use WorkflowExecutionStatus as S;
    match command {
        Command::CompleteWorkflowExecution { .. } => Some(S::Completed),
        Command::FailWorkflowExecution { .. } => Some(S::Failed),
        Command::CancelWorkflowExecution { .. } => Some(S::Canceled),
        Command::ContinueAsNewWorkflowExecution(_) => Some(S::ContinuedAsNew),
        _ => None,
    }
}

impl Service {
    /// Sabotage `stale_workflow_task_completion`: a completion whose token
    /// no longer names the started task is applied anyway when no task is
    /// started — WorkflowTaskCompleted for the token's task, then its
    /// commands if they are still valid.
    fn apply_stale_completion(
        &mut self,
        now: SimTime,
        r: &RespondWorkflowTaskCompletedRequest,
        fx: &mut Effects,
        stale: ServiceError,
    ) -> Result<(), ServiceError> {
        let Some(index) = self
            .store
            .resolve_hinted(&r.task_token.execution, r.task_token.run_hint)
        else {
            return Err(stale);
        };
        let run = self.store.at_mut(index);
        let applicable = run.status.is_running()
            && !matches!(run.state.workflow_task, WorkflowTaskState::Started(_))
            && r.task_token.scheduled_event_id < run.next_event_id();
        if !applicable {
            return Err(stale);
        }
        let completed_event_id = run.append(
            now,
            EventAttributes::WorkflowTaskCompleted {
                scheduled_event_id: r.task_token.scheduled_event_id,
                started_event_id: r.task_token.scheduled_event_id + 1,
                identity: r.identity.clone(),
            },
        );
        let commands_apply = !r
            .commands
            .iter()
            .any(|c| matches!(c, Command::ContinueAsNewWorkflowExecution(_)))
            && commands::validate(&run.state, &r.commands).is_ok();
        if commands_apply {
            let plan = ClosePlan::default();
            let outcome = commands::apply(
                run,
                now,
                completed_event_id,
                &r.commands,
                &r.identity,
                &plan,
                fx,
            );
            if outcome.needs_workflow_task && run.status.is_running() {
                run.ensure_workflow_task(now, fx);
            }
        }
        self.store.commit(index);
        Ok(())
    }
}

/// Ends the started task as failed or timed out: the event is written
/// unless the attempt is transient (rule 3), stickiness is cleared, buffered
/// events are written, and the next attempt is scheduled: transient if
/// nothing new happened, else a normal first attempt.
fn end_workflow_task_unsuccessfully(
    run: &mut RunRecord,
    now: SimTime,
    end: TaskEnd,
    fx: &mut Effects,
) {
    let WorkflowTaskState::Started(task) =
        std::mem::replace(&mut run.state.workflow_task, WorkflowTaskState::None)
    else {
        unreachable!("only a started workflow task fails or times out");
    };
    if !task.scheduled.is_transient() {
        let scheduled_event_id = task.scheduled.scheduled_event_id;
        let started_event_id = task.started_event_id;
        let attributes = match end {
            TaskEnd::Failed {
                cause,
                failure,
                identity,
            } => EventAttributes::WorkflowTaskFailed {
                scheduled_event_id,
                started_event_id,
                cause,
                failure,
                identity,
            },
            TaskEnd::TimedOut => EventAttributes::WorkflowTaskTimedOut {
                scheduled_event_id,
                started_event_id,
                timeout_type: TimeoutType::StartToClose,
            },
        };
        run.append(now, attributes);
    }
    run.state.sticky_queue = None;
    let next_attempt = if run.flush_buffered(now) {
        1
    } else {
        task.scheduled.attempt + 1
    };
    run.schedule_workflow_task(now, next_attempt, fx);
}
