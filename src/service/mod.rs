//! The Temporal-style Service: request/response handlers over an explicit
//! durable [`Store`]. A pure state machine: no I/O and no clock; the
//! simulated world calls [`Service::handle`] for each request and
//! [`Service::advance`] when simulated time passes.
//!
//! Map of this module:
//! - `store`: the durable Store and its run records (what survives a crash);
//! - `mutable_state`: per-run durable state and its primitive transitions
//!   (event writing, buffering, workflow task scheduling, closing);
//! - `executions`: start, signal, cancel request, terminate, run timeouts;
//! - `workflow_tasks`: workflow task dispatch, completion, failure, timeouts;
//! - `commands`: the commands of a completed workflow task, validated then applied;
//! - `activities`: activity dispatch, heartbeats, outcomes, timeouts, retries;
//! - `pending_activities`: a run's pending activities, in id order;
//! - `user_timers`: timers started by workflow code;
//! - `workflow_retries`: retrying a failed or timed-out run as a new run;
//! - `cron_runs`: cron schedules: waiting for a slot, the next run of the chain;
//! - `transfers`: cross-run work (the transfer queue): arming, dispatch,
//!   external signals and cancel requests;
//! - `children`: child workflows: initiation, start, outcome in the parent,
//!   parent close policies;
//! - `matching`: task queues and parked long polls (memory only);
//! - `timers`: the deadline heap (memory only);
//! - `visibility`: describe, list and history reads.
//!
//! Every handler or deadline that changes a run is exactly one
//! `Store::commit` of that run. Work a commit makes available (a task for a
//! parked poller, a new deadline) is collected in `Effects` and applied to
//! the in-memory side afterwards, so the in-memory side is always derivable
//! from the Store alone (`Service::recover`).
//!
//! Choices where TEMPORAL.md leaves room, or where Tempest differs:
//! - Stickiness is not kept across a restart: `recover` moves a task waiting
//!   on a sticky queue to the normal queue and clears each run's sticky
//!   queue, so the next tasks carry full histories. Any failed or timed-out
//!   workflow task also clears stickiness (as Temporal does).
//! - A transient workflow task (attempt 2 and later) becomes a normal first
//!   attempt if events were written while it waited (as Temporal does).
//! - Buffered events are stamped with the time they are written, so event
//!   times never go back.
//! - Terminate writes WorkflowTaskFailed (ForceCloseCommand) for a started
//!   task, a run timeout writes WorkflowTaskTimedOut; then buffered events,
//!   then the closing event.
//! - A heartbeat is one commit (Temporal counts its timer as a second).
//! - RespondWorkflowTaskCompleted whose commands are rejected answers OK:
//!   the task is failed in history and retried.
//! - Cross-run work (start a child, report a child's outcome to its parent,
//!   apply a parent close policy, deliver an external signal or cancel) is
//!   durable in the source run's state and carried out at the next
//!   `advance`, so a crash in between redoes it from the Store; each target
//!   checks it has not applied the work before (exactly once). Removing a
//!   done transfer is not counted as a state transition (Temporal's queue
//!   ack is not one either).
//! - Cron slots are computed in UTC; a retry policy retries a failed cron
//!   run before the schedule moves on. Namespaces are not separated; size/count limits are not enforced.
//! - `next_deadline` may name a moot deadline (a timeout of a task that has
//!   since completed): `advance` then changes nothing.

mod activities;
pub mod api;
mod children;
mod commands;
mod cron_runs;
mod executions;
mod matching;
mod mutable_state;
mod pending_activities;
mod store;
mod timers;
mod transfers;
mod user_timers;
mod visibility;
mod workflow_retries;
mod workflow_tasks;

pub use store::{RunRecord, Store};

use crate::model::*;
use crate::sabotage::Sabotage;
use api::*;
use matching::{Matching, ParkedPoll, PollKind};
use mutable_state::{ActivityTaskRef, AttemptState, Effects, WorkflowTaskRef, WorkflowTaskState};
use std::rc::Rc;
use timers::{Deadline, DeadlineQueue};

/// Tunables of the Service.
#[derive(Clone, Debug)]
pub struct ServiceConfig {
    /// Seeds run ids: `RunId::derive(seed, store sequence)`.
    pub seed: u64,
    /// A parked poll is answered with `None` after this; `None` holds it
    /// until a task arrives or its caller goes away ([`Service::cancel_poll`]).
    pub long_poll_timeout: Option<Duration>,
    /// How long a task waits on a sticky queue before going to the normal queue.
    pub sticky_schedule_to_start_timeout: Duration,
    /// Workflow task start-to-close timeout when a start does not give one.
    pub default_workflow_task_timeout: Duration,
    /// A planted bug to switch on (tests of the checkers only).
    pub sabotage: Option<Sabotage>,
    /// Keep closed runs' histories in the compact encoding
    /// ([`crate::codec::compact`]), once [`Service::for_recent_commits`] has
    /// shown them: less memory per closed run, some CPU to encode at close
    /// and to decode on every read.
    pub compact_closed_histories: bool,
    /// How many runs the Store should have room for from the start (a
    /// hint: it grows past it).
    pub expected_runs: usize,
}

impl Default for ServiceConfig {
    fn default() -> Self {
        ServiceConfig {
            seed: 0,
            long_poll_timeout: Some(Duration::from_secs(60)),
            sticky_schedule_to_start_timeout: Duration::from_secs(5),
            default_workflow_task_timeout: Duration::from_secs(10),
            sabotage: None,
            compact_closed_histories: false,
            expected_runs: 0,
        }
    }
}

/// Effect buffers holding more entries than this are not kept for the
/// next Service on the thread (a world of a million runs grows them).
const MAX_SPARE_EFFECTS: usize = 256;

thread_local! {
    /// The emptied effect buffers of the last Service dropped on this
    /// thread, for the next one (a world of a few runs then allocates
    /// none of them).
    static SPARE_EFFECTS: std::cell::Cell<Option<Box<Effects>>> =
        const { std::cell::Cell::new(None) };
}

/// The Service: durable Store plus memory-only matching and deadlines.
pub struct Service {
    config: ServiceConfig,
    store: Store,
    matching: Matching,
    deadlines: DeadlineQueue,
    /// Runs whose pending transfers already have a `Deadline::Transfers`.
    transfers_armed: std::collections::BTreeSet<usize>,
    /// Emptied effect buffers kept for the next commit, so that collecting
    /// effects does not allocate on every request (`None` while in use).
    /// Boxed: taking them out and putting them back moves a pointer.
    spare_effects: Option<Box<Effects>>,
}

impl Drop for Service {
    /// Leaves the emptied effect buffers to the next Service on the thread.
    fn drop(&mut self) {
        if let Some(fx) = self.spare_effects.take() {
            if fx.fits_spare(MAX_SPARE_EFFECTS) {
                SPARE_EFFECTS.set(Some(fx));
            }
        }
    }
}

impl Service {
    /// A Service with an empty Store (inline: built where its owner keeps it).
    #[inline]
    pub fn new(config: ServiceConfig) -> Service {
        Service {
            store: Store::with_capacity(config.expected_runs),
            config,
            matching: Matching::default(),
            deadlines: DeadlineQueue::default(),
            transfers_armed: Default::default(),
            spare_effects: SPARE_EFFECTS.take(),
        }
    }

    /// Restarts after a crash: memory is lost, so task queues, deadlines and
    /// timers are rebuilt from the Store alone. Parked polls are gone.
    /// Deadlines already past `now` fire at the next [`Service::advance`].
    pub fn recover(config: ServiceConfig, store: Store, now: SimTime) -> Service {
        let mut service = Service::new(config);
        service.store = store;
        service.store.note_all_transfer_runs();
        let mut out = Vec::new();
        for index in 0..service.store.len() {
            let fx = service.rebuild_run(index);
            service.apply(now, Box::new(fx), &mut out);
        }
        debug_assert!(out.is_empty(), "no poll is parked right after a restart");
        service
    }

    /// Handles one request. Pushes the response to `call` unless it is a
    /// long poll that parks, and responses to parked polls the request made
    /// matchable.
    pub fn handle(
        &mut self,
        now: SimTime,
        call: CallId,
        request: Request,
        out: &mut Vec<(CallId, Response)>,
    ) {
        let mut fx = self.spare_effects.take().unwrap_or_default();
        let result = match request {
            Request::StartWorkflowExecution(r) => self
                .start_workflow_execution(now, r, &mut fx)
                .map(Response::StartWorkflowExecution),
            Request::SignalWorkflowExecution(r) => self
                .signal_workflow_execution(now, r, &mut fx)
                .map(|()| Response::SignalWorkflowExecution),
            Request::RequestCancelWorkflowExecution(r) => self
                .request_cancel_workflow_execution(now, r, &mut fx)
                .map(|()| Response::RequestCancelWorkflowExecution),
            Request::TerminateWorkflowExecution(r) => self
                .terminate_workflow_execution(now, r)
                .map(|()| Response::TerminateWorkflowExecution),
            Request::DescribeWorkflowExecution(r) => self
                .describe_workflow_execution(&r)
                .map(|d| Response::DescribeWorkflowExecution(Box::new(d))),
            Request::ListWorkflowExecutions(r) => Ok(Response::ListWorkflowExecutions(
                self.list_workflow_executions(&r),
            )),
            Request::GetWorkflowExecutionHistory(r) => self
                .get_workflow_execution_history(&r)
                .map(Response::GetWorkflowExecutionHistory),
            Request::PollWorkflowTaskQueue(r) => {
                match self.poll_workflow_task_queue(now, call, r) {
                    Some(task) => Ok(Response::PollWorkflowTaskQueue(Some(task))),
                    None => {
                        // Parked: nothing to answer or apply yet.
                        self.spare_effects = Some(fx);
                        return;
                    }
                }
            }
            Request::RespondWorkflowTaskCompleted(r) => self
                .respond_workflow_task_completed(now, &r, &mut fx)
                .map(|()| Response::RespondWorkflowTaskCompleted),
            Request::RespondWorkflowTaskFailed(r) => self
                .respond_workflow_task_failed(now, r, &mut fx)
                .map(|()| Response::RespondWorkflowTaskFailed),
            Request::PollActivityTaskQueue(r) => {
                match self.poll_activity_task_queue(now, call, r) {
                    Some(task) => Ok(Response::PollActivityTaskQueue(Some(task))),
                    None => {
                        // Parked: nothing to answer or apply yet.
                        self.spare_effects = Some(fx);
                        return;
                    }
                }
            }
            Request::RecordActivityTaskHeartbeat(r) => self
                .record_activity_task_heartbeat(now, r, &mut fx)
                .map(Response::RecordActivityTaskHeartbeat),
            Request::RespondActivityTaskCompleted(r) => self
                .respond_activity_task_completed(now, r, &mut fx)
                .map(|()| Response::RespondActivityTaskCompleted),
            Request::RespondActivityTaskFailed(r) => self
                .respond_activity_task_failed(now, r, &mut fx)
                .map(|()| Response::RespondActivityTaskFailed),
            Request::RespondActivityTaskCanceled(r) => self
                .respond_activity_task_canceled(now, r, &mut fx)
                .map(|()| Response::RespondActivityTaskCanceled),
        };
        out.push((call, result.unwrap_or_else(Response::Error)));
        self.apply(now, fx, out);
    }

    /// Fires everything due at or before `now`: timers, timeouts, retry
    /// backoffs, run timeouts and long-poll expiries. Events are stamped `now`.
    pub fn advance(&mut self, now: SimTime, out: &mut Vec<(CallId, Response)>) {
        while let Some((_, deadline)) = self.deadlines.pop_due(now) {
            let mut fx = self.spare_effects.take().unwrap_or_default();
            match deadline {
                Deadline::WorkflowTaskStartToClose {
                    run,
                    scheduled_event_id,
                    attempt,
                } => self.workflow_task_start_to_close_timeout(
                    now,
                    run,
                    scheduled_event_id,
                    attempt,
                    &mut fx,
                ),
                Deadline::StickyScheduleToStart {
                    run,
                    scheduled_event_id,
                } => self.sticky_schedule_to_start_timeout(now, run, scheduled_event_id, &mut fx),
                Deadline::ActivityTimeout {
                    run,
                    scheduled_event_id,
                    attempt,
                    timeout_type,
                } => self.activity_timeout(
                    now,
                    run,
                    scheduled_event_id,
                    attempt,
                    timeout_type,
                    &mut fx,
                ),
                Deadline::ActivityRetry {
                    run,
                    scheduled_event_id,
                    attempt,
                } => self.activity_retry_due(now, run, scheduled_event_id, attempt, &mut fx),
                Deadline::UserTimer {
                    run,
                    timer_id,
                    started_event_id,
                } => self.fire_user_timer(now, run, &timer_id, started_event_id, &mut fx),
                Deadline::FirstWorkflowTask { run } => {
                    self.first_workflow_task_due(now, run, &mut fx)
                }
                Deadline::RunTimeout { run } => self.run_timeout(now, run, &mut fx),
                Deadline::Transfers { run } => self.run_transfers(now, run, &mut fx),
                Deadline::PollExpiry { call } => match self.matching.expire(call) {
                    Some(PollKind::Workflow) => {
                        out.push((call, Response::PollWorkflowTaskQueue(None)))
                    }
                    Some(PollKind::Activity) => {
                        out.push((call, Response::PollActivityTaskQueue(None)))
                    }
                    None => {}
                },
            }
            self.apply(now, fx, out);
        }
    }

    /// Forgets a parked poll whose caller went away (its connection broke),
    /// so no task is handed to it. Nothing happens if it is not parked.
    pub fn cancel_poll(&mut self, call: CallId) {
        self.matching.expire(call);
    }

    /// The earliest pending time-based action (it may turn out to be moot).
    pub fn next_deadline(&self) -> Option<SimTime> {
        self.deadlines.peek_time()
    }

    /// Whether the planted bug `sabotage` is switched on.
    fn sabotaged(&self, sabotage: Sabotage) -> bool {
        self.config.sabotage == Some(sabotage)
    }

    /// The durable Store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Calls `f` on every run committed since the last call, in commit
    /// order; then compacts the histories those commits closed, if the
    /// configuration asks for it.
    pub fn for_recent_commits(&mut self, mut f: impl FnMut(&RunRecord)) {
        let store = &self.store;
        for &index in store.recent_commits() {
            f(store.at(index));
        }
        if self.config.compact_closed_histories {
            self.store.compact_recently_closed();
        }
        self.store.clear_recent_commits();
    }

    /// Gives up the Service, keeping only what survives a crash.
    pub fn into_store(mut self) -> Store {
        self.take_store()
    }

    /// Takes the Store out, leaving the Service an empty one (at the end
    /// of a run: cheaper than moving the whole Service out to give it up).
    pub fn take_store(&mut self) -> Store {
        std::mem::take(&mut self.store)
    }

    /// Applies a commit's effects: deadlines go to the heap, new tasks go to
    /// a parked poller at once or wait in their queue. The emptied buffers
    /// are kept for the next commit.
    fn apply(&mut self, now: SimTime, mut fx: Box<Effects>, out: &mut Vec<(CallId, Response)>) {
        for (at, deadline) in fx.deadlines.drain(..) {
            self.deadlines.push(at, deadline);
        }
        for (queue, sticky, task) in fx.workflow_tasks.drain(..) {
            if sticky {
                let deadline = Deadline::StickyScheduleToStart {
                    run: task.run,
                    scheduled_event_id: task.scheduled_event_id,
                };
                self.deadlines
                    .push(now + self.config.sticky_schedule_to_start_timeout, deadline);
            }
            match self.matching.take_poller(PollKind::Workflow, &queue) {
                Some(poll) => {
                    let response =
                        self.dispatch_workflow_task(now, &task, poll.identity, poll.call);
                    out.push((poll.call, Response::PollWorkflowTaskQueue(Some(response))));
                }
                None => self.matching.push_workflow_task(queue, task),
            }
        }
        for (queue, task) in fx.activity_tasks.drain(..) {
            match self.matching.take_poller(PollKind::Activity, &queue) {
                Some(poll) => {
                    let response =
                        self.dispatch_activity_task(now, &task, poll.identity, poll.call);
                    out.push((poll.call, Response::PollActivityTaskQueue(Some(response))));
                }
                None => self.matching.push_activity_task(queue, task),
            }
        }
        self.arm_transfers(now);
        self.spare_effects = Some(fx);
    }

    /// Parks a long poll and arms its expiry.
    fn park_poll(
        &mut self,
        now: SimTime,
        kind: PollKind,
        queue: TaskQueue,
        call: CallId,
        identity: Rc<str>,
    ) {
        self.matching
            .park(kind, queue, ParkedPoll { call, identity });
        if let Some(timeout) = self.config.long_poll_timeout {
            self.deadlines
                .push(now + timeout, Deadline::PollExpiry { call });
        }
    }

    /// The in-memory work of one run, derived from its durable state.
    fn rebuild_run(&mut self, index: usize) -> Effects {
        let mut fx = Effects::default();
        let timers_persisted = !self.sabotaged(Sabotage::TimerNotPersisted);
        let keep_buffered = !self.sabotaged(Sabotage::BufferedEventsDroppedOnRestart);
        let run = self.store.at_mut(index);
        if !run.status.is_running() {
            return fx;
        }
        let state = &mut run.state;
        state.sticky_queue = None;
        if !keep_buffered {
            state.buffered.clear();
        }
        if let Some(at) = state.run_expiration_time {
            fx.deadlines.push((at, Deadline::RunTimeout { run: index }));
        }
        if let Some(at) = state.first_workflow_task_at {
            fx.deadlines
                .push((at, Deadline::FirstWorkflowTask { run: index }));
        }
        match &mut state.workflow_task {
            WorkflowTaskState::None => {}
            WorkflowTaskState::Scheduled(task) => {
                if task.sticky {
                    task.sticky = false;
                    task.queue = state.task_queue.clone();
                }
                let task_ref = WorkflowTaskRef {
                    run: index,
                    scheduled_event_id: task.scheduled_event_id,
                    attempt: task.attempt,
                };
                fx.workflow_tasks
                    .push((task.queue.clone(), false, task_ref));
            }
            WorkflowTaskState::Started(task) => {
                let deadline = Deadline::WorkflowTaskStartToClose {
                    run: index,
                    scheduled_event_id: task.scheduled.scheduled_event_id,
                    attempt: task.scheduled.attempt,
                };
                fx.deadlines
                    .push((task.started_time + state.workflow_task_timeout, deadline));
            }
        }
        for activity in state.activities.values() {
            activities::arm_activity(index, activity, &mut fx);
        }
        if !timers_persisted {
            // The sabotaged Service kept fire times in memory only.
            return fx;
        }
        for (timer_id, timer) in &state.timers {
            let deadline = Deadline::UserTimer {
                run: index,
                timer_id: timer_id.clone(),
                started_event_id: timer.started_event_id,
            };
            fx.deadlines.push((timer.fire_time, deadline));
        }
        fx
    }
}

/// The error for a task token that does not name the current task.
fn task_not_found(what: impl std::fmt::Display) -> ServiceError {
    ServiceError::TaskNotFound(what.to_string())
}
