//! [`WorkflowWorker`]: answers workflow tasks. It keeps running instances
//! in a sticky cache, continues a cached run with only the new events,
//! replays from event 1 after a cache miss, and turns nondeterminism and
//! panics into failed workflow tasks.

use super::cache::RunCache;
use super::replay::ReplayError;
use super::run::{Run, RunInstance};
use crate::model::*;
use crate::sabotage::Sabotage;
use crate::service::api::*;
use crate::workflow::Registry;
use std::rc::Rc;

/// A worker process's workflow side.
pub struct WorkflowWorker {
    identity: Rc<str>,
    sticky_queue: TaskQueue,
    registry: Rc<Registry>,
    cache: RunCache,
    replays: u64,
    sabotage: Option<Sabotage>,
}

impl std::fmt::Debug for WorkflowWorker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WorkflowWorker")
            .field("identity", &self.identity)
            .field("cached_runs", &self.cache.len())
            .finish()
    }
}

impl WorkflowWorker {
    /// A worker named `identity` keeping up to `cache_capacity` runs cached.
    pub fn new(
        identity: impl Into<Rc<str>>,
        registry: Rc<Registry>,
        cache_capacity: usize,
    ) -> WorkflowWorker {
        let identity = identity.into();
        let sticky_queue = WorkflowWorker::sticky_queue_of(&identity);
        WorkflowWorker::with_sticky_queue(identity, sticky_queue, registry, cache_capacity)
    }

    /// [`WorkflowWorker::new`] with the sticky queue already named (by
    /// [`WorkflowWorker::sticky_queue_of`]), for a caller that keeps the
    /// names of its workers.
    pub fn with_sticky_queue(
        identity: Rc<str>,
        sticky_queue: TaskQueue,
        registry: Rc<Registry>,
        cache_capacity: usize,
    ) -> WorkflowWorker {
        WorkflowWorker {
            sticky_queue,
            identity,
            registry,
            cache: RunCache::new(cache_capacity),
            replays: 0,
            sabotage: None,
        }
    }

    /// The sticky queue of the worker named `identity`: `<identity>-sticky`.
    pub fn sticky_queue_of(identity: &str) -> TaskQueue {
        TaskQueue(joined_text(&[identity, "-sticky"]))
    }

    /// Switches on a planted bug (tests of the checkers only); only the
    /// worker-side sabotages change what the worker does.
    pub fn set_sabotage(&mut self, sabotage: Option<Sabotage>) {
        self.sabotage = sabotage;
    }

    /// The identity this worker reports to the Service.
    pub fn identity(&self) -> &str {
        &self.identity
    }

    /// This worker's sticky queue (`<identity>-sticky`).
    pub fn sticky_queue(&self) -> &TaskQueue {
        &self.sticky_queue
    }

    /// Answers one workflow task: RespondWorkflowTaskCompleted with the
    /// commands, or RespondWorkflowTaskFailed with the cause.
    pub fn process(&mut self, task: &PollWorkflowTaskQueueResponse) -> Request {
        let outcome = self.run_task(task);
        self.respond(task, outcome)
    }

    /// Answers a workflow task during which the workflow code panics (a
    /// fault the world injects): the panic is raised where the code would
    /// run and caught like any workflow panic; the run is evicted and the
    /// task fails with WORKFLOW_WORKER_UNHANDLED_FAILURE, to be retried.
    pub fn process_panicking(&mut self, task: &PollWorkflowTaskQueueResponse) -> Request {
        self.cache.evict(&task.workflow_execution);
        let message = super::panics::catch_user_panic(|| panic!("injected workflow panic"))
            .expect_err("the injected code always panics");
        let outcome = Err(task_failure(&ReplayError::WorkflowPanicked(message)));
        self.respond(task, outcome)
    }

    fn respond(
        &self,
        task: &PollWorkflowTaskQueueResponse,
        outcome: Result<Vec<Command>, TaskFailure>,
    ) -> Request {
        match outcome {
            Ok(commands) => Request::RespondWorkflowTaskCompleted(Rc::new(
                RespondWorkflowTaskCompletedRequest {
                    task_token: task.task_token.clone(),
                    commands,
                    identity: self.identity.clone(),
                    sticky_task_queue: Some(self.sticky_queue.clone()),
                },
            )),
            Err((cause, failure)) => {
                Request::RespondWorkflowTaskFailed(RespondWorkflowTaskFailedRequest {
                    task_token: task.task_token.clone(),
                    cause,
                    failure,
                    identity: self.identity.clone(),
                })
            }
        }
    }

    /// Drops the cached run, if any.
    pub fn evict(&mut self, execution: &WorkflowExecution) {
        self.cache.evict(execution);
    }

    /// How many tasks needed a replay from event 1 of a run that had made
    /// progress before (a cache miss: eviction, crash, or another worker).
    pub fn replays(&self) -> u64 {
        self.replays
    }

    /// How many runs are cached.
    pub fn cache_len(&self) -> usize {
        self.cache.len()
    }

    /// Answers `task` with the cached run if it can continue with the
    /// task's history, else with a new run replayed from event 1 (a full
    /// history is needed then). Keeps the run cached unless it failed or finished.
    fn run_task(
        &mut self,
        task: &PollWorkflowTaskQueueResponse,
    ) -> Result<Vec<Command>, TaskFailure> {
        let execution = &task.workflow_execution;
        if let Some(run) = self.cache.get_mut(execution) {
            if let Some(new_events) = unseen_events(run, task) {
                let outcome = answer(run, new_events, task);
                if outcome.is_err() || run.result().is_some() {
                    self.cache.evict(execution);
                }
                return outcome;
            }
            self.cache.evict(execution);
        }
        if task.first_event_id != 1 {
            return Err((
                WorkflowTaskFailedCause::ResetStickyTaskQueue,
                Failure::application(
                    "ResetStickyTaskQueue",
                    format!("run {execution} is not cached here; a full history is needed"),
                ),
            ));
        }
        let mut run = self.new_run(task)?;
        let outcome = answer(&mut run, &task.history, task);
        if outcome.is_ok() && run.result().is_none() {
            self.cache.put(execution.clone(), run);
        }
        outcome
    }

    /// A new instance of the task's run, from event 1 of its history.
    fn new_run(&mut self, task: &PollWorkflowTaskQueueResponse) -> Result<Run, TaskFailure> {
        if task.previous_started_event_id > 0 {
            self.replays += 1;
        }
        let first = task
            .history
            .first()
            .ok_or_else(|| task_failure(&malformed("the task has no history")))?;
        let mut run = Run::new(&self.registry, first, Some(&task.workflow_execution))
            .map_err(|e| task_failure(&e))?;
        if self.sabotage == Some(Sabotage::ReplayIgnoresActivityType) {
            run.ignore_activity_type();
        }
        Ok(run)
    }
}

/// Why a workflow task could not be completed.
type TaskFailure = (WorkflowTaskFailedCause, Failure);

/// Feeds `events` to `run`: the commands answering `task`, whose
/// WorkflowTaskStarted must be the last event.
fn answer(
    run: &mut RunInstance,
    events: &[Event],
    task: &PollWorkflowTaskQueueResponse,
) -> Result<Vec<Command>, TaskFailure> {
    let commands = run.feed(events).map_err(|e| task_failure(&e))?;
    commands
        .filter(|_| run.last_event_id() == task.started_event_id)
        .ok_or_else(|| {
            task_failure(&malformed(&format!(
                "the history does not end with the task's WorkflowTaskStarted (event {})",
                task.started_event_id
            )))
        })
}

/// The events of the task's history (sticky or full) that the cached run
/// has not seen, if the history continues exactly after the run's last
/// task, with that task's completion.
fn unseen_events<'t>(
    run: &RunInstance,
    task: &'t PollWorkflowTaskQueueResponse,
) -> Option<&'t [Event]> {
    let seen_in_task = usize::try_from(
        run.last_event_id()
            .checked_sub(task.first_event_id.checked_sub(1)?)?,
    )
    .ok()?;
    let new_events = task.history.get(seen_in_task..)?;
    match new_events.first().map(|e| &e.attributes) {
        Some(EventAttributes::WorkflowTaskCompleted {
            started_event_id, ..
        }) if *started_event_id == run.last_event_id() => Some(new_events),
        _ => None,
    }
}

fn malformed(why: &str) -> ReplayError {
    ReplayError::MalformedHistory(why.to_owned())
}

/// The cause and failure of a workflow task the code could not complete.
fn task_failure(error: &ReplayError) -> TaskFailure {
    match error {
        ReplayError::Nondeterminism { .. } => (
            WorkflowTaskFailedCause::NonDeterministicError,
            Failure::application("NondeterminismError", error.to_string()),
        ),
        ReplayError::WorkflowPanicked(_) => (
            WorkflowTaskFailedCause::WorkflowWorkerUnhandledFailure,
            Failure::application("PanicError", error.to_string()),
        ),
        ReplayError::UnknownWorkflowType(_) | ReplayError::MalformedHistory(_) => (
            WorkflowTaskFailedCause::WorkflowWorkerUnhandledFailure,
            Failure::application("WorkflowTaskError", error.to_string()),
        ),
    }
}
