//! Per-run durable mutable state and the primitive transitions every handler
//! builds on: writing an event, buffering events while a workflow task is
//! started (rule 5), scheduling the next workflow task (rules 3 and 6),
//! flushing the buffer, and closing the run (rule 10).
//!
//! Handlers mutate a [`RunRecord`] through these methods and report the
//! work they made available (new tasks, deadlines) in [`Effects`]; the
//! Service applies the effects to its in-memory matching and deadline heap
//! after committing. Everything here is durable: `Service::recover`
//! rebuilds the in-memory side from it.

use super::pending_activities::PendingActivities;
use super::store::RunRecord;
use super::timers::Deadline;
use crate::lookup::SmallMap;
use crate::model::*;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

/// The durable state of one run beyond its history.
#[derive(Clone, Debug)]
pub(crate) struct MutableState {
    /// The run's normal task queue.
    pub task_queue: TaskQueue,
    /// Start-to-close timeout of each workflow task.
    pub workflow_task_timeout: Duration,
    /// The outstanding workflow task, if any (at most one: rule 3).
    pub workflow_task: WorkflowTaskState,
    /// The sticky queue of the worker that completed the last task.
    pub sticky_queue: Option<TaskQueue>,
    /// The WorkflowTaskStarted of the last completed task (0 if none).
    pub previous_started_event_id: i64,
    /// Events that arrived while a workflow task was started (rule 5).
    pub buffered: Vec<BufferedEvent>,
    /// Pending activities by ActivityTaskScheduled id.
    pub activities: PendingActivities,
    /// Pending activity ids, to reject duplicates (looked up only).
    pub activity_ids: SmallMap<ActivityId, i64>,
    /// Pending timers.
    pub timers: BTreeMap<TimerId, TimerInfo>,
    /// When the run times out: the earlier of the run timeout and the
    /// chain's execution expiration.
    pub run_expiration_time: Option<SimTime>,
    /// The chain's execution expiration.
    pub execution_expiration_time: Option<SimTime>,
    /// Signal request ids already applied.
    pub signal_request_ids: BTreeSet<Rc<str>>,
    /// Whether cancellation was requested (applied once).
    pub cancel_requested: bool,
    /// When the delayed first workflow task is due (continue-as-new
    /// backoff); until then new events schedule no task.
    pub first_workflow_task_at: Option<SimTime>,
    /// The parent that started this chain as a child, if any.
    pub parent: Option<ParentLink>,
    /// Children initiated by this run whose outcome is not yet recorded,
    /// by StartChildWorkflowExecutionInitiated id.
    pub children: BTreeMap<i64, ChildInfo>,
    /// Cross-run work this run's commits made durable and the Service has
    /// yet to carry out (the transfer queue of Temporal).
    pub transfers: Vec<Transfer>,
}

impl MutableState {
    /// A fresh run's state on its task queue.
    pub fn new(task_queue: TaskQueue, workflow_task_timeout: Duration) -> MutableState {
        MutableState {
            task_queue,
            workflow_task_timeout,
            workflow_task: WorkflowTaskState::None,
            sticky_queue: None,
            previous_started_event_id: 0,
            buffered: Vec::new(),
            activities: PendingActivities::default(),
            activity_ids: SmallMap::default(),
            timers: BTreeMap::new(),
            run_expiration_time: None,
            execution_expiration_time: None,
            signal_request_ids: BTreeSet::new(),
            cancel_requested: false,
            first_workflow_task_at: None,
            parent: None,
            children: BTreeMap::new(),
            transfers: Vec::new(),
        }
    }
}

/// The lifecycle of the run's single outstanding workflow task.
#[derive(Clone, Debug)]
pub(crate) enum WorkflowTaskState {
    /// No task outstanding.
    None,
    /// Waiting in a queue.
    Scheduled(ScheduledWorkflowTask),
    /// Handed to a worker.
    Started(StartedWorkflowTask),
}

/// A workflow task waiting in a queue.
#[derive(Clone, Debug)]
pub(crate) struct ScheduledWorkflowTask {
    /// Its WorkflowTaskScheduled id; for a transient attempt the id it will get.
    pub scheduled_event_id: i64,
    /// 1 for a normal task; from 2 on the task is transient (not yet in history).
    pub attempt: u32,
    /// When it was scheduled.
    pub scheduled_time: SimTime,
    /// The queue it waits in.
    pub queue: TaskQueue,
    /// Whether `queue` is a worker's sticky queue.
    pub sticky: bool,
}

/// A workflow task a worker is working on.
#[derive(Clone, Debug)]
pub(crate) struct StartedWorkflowTask {
    /// How it was scheduled.
    pub scheduled: ScheduledWorkflowTask,
    /// Its WorkflowTaskStarted id (predicted, for a transient attempt).
    pub started_event_id: i64,
    /// When the worker took it.
    pub started_time: SimTime,
    /// The worker.
    pub identity: Rc<str>,
    /// The poll that took it.
    pub request_id: RequestId,
}

impl ScheduledWorkflowTask {
    /// Whether this attempt's events are kept out of history until it completes.
    pub fn is_transient(&self) -> bool {
        self.attempt > 1
    }

    /// The WorkflowTaskScheduled event of this task.
    pub fn scheduled_event(&self, task_timeout: Duration) -> Event {
        Event {
            event_id: self.scheduled_event_id,
            event_time: self.scheduled_time,
            attributes: EventAttributes::WorkflowTaskScheduled {
                task_queue: self.queue.clone(),
                start_to_close_timeout: task_timeout,
                attempt: self.attempt,
            },
        }
    }
}

impl StartedWorkflowTask {
    /// The WorkflowTaskStarted event of this task.
    pub fn started_event(&self) -> Event {
        Event {
            event_id: self.started_event_id,
            event_time: self.started_time,
            attributes: EventAttributes::WorkflowTaskStarted {
                scheduled_event_id: self.scheduled.scheduled_event_id,
                identity: self.identity.clone(),
                request_id: self.request_id.clone(),
            },
        }
    }
}

/// An event waiting for the started workflow task to finish.
#[derive(Clone, Debug)]
pub(crate) struct BufferedEvent {
    /// What it says.
    pub attributes: EventAttributes,
    /// Whether its `started_event_id` is the ActivityTaskStarted buffered
    /// right before it (ids are assigned only when the buffer is written).
    pub references_previous: bool,
}

/// A pending activity.
#[derive(Clone, Debug)]
pub(crate) struct ActivityInfo {
    pub scheduled_event_id: i64,
    pub activity_id: ActivityId,
    pub activity_type: ActivityType,
    pub task_queue: TaskQueue,
    pub input: Payload,
    pub schedule_to_close_timeout: Option<Duration>,
    pub schedule_to_start_timeout: Option<Duration>,
    /// Effective: the command's, or schedule-to-close if unset.
    pub start_to_close_timeout: Duration,
    pub heartbeat_timeout: Option<Duration>,
    /// Effective: the command's, or the default policy.
    pub retry_policy: RetryPolicy,
    /// When the activity (its first attempt) was scheduled.
    pub scheduled_time: SimTime,
    /// The current attempt, 1-based.
    pub attempt: u32,
    pub attempt_state: AttemptState,
    pub last_failure: Option<Failure>,
    pub heartbeat_details: Option<Payload>,
    /// The ActivityTaskCancelRequested event, once the workflow asked.
    pub cancel_requested_event_id: Option<i64>,
}

impl ActivityInfo {
    /// When schedule-to-close runs out.
    pub fn schedule_to_close_deadline(&self) -> Option<SimTime> {
        self.schedule_to_close_timeout
            .map(|t| self.scheduled_time + t)
    }
}

/// Where the current attempt of an activity is.
#[derive(Clone, Debug)]
pub(crate) enum AttemptState {
    /// Waiting in its task queue since the given time.
    Queued { since: SimTime },
    /// Waiting out a retry backoff.
    BackingOff { until: SimTime },
    /// A worker runs it.
    Started {
        started_time: SimTime,
        last_heartbeat_time: SimTime,
        identity: Rc<str>,
        request_id: RequestId,
    },
}

/// A pending user timer.
#[derive(Clone, Debug)]
pub(crate) struct TimerInfo {
    pub started_event_id: i64,
    pub fire_time: SimTime,
}

/// Where a child chain reports its outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ParentLink {
    pub namespace: Namespace,
    pub execution: WorkflowExecution,
    /// The parent's StartChildWorkflowExecutionInitiated.
    pub initiated_event_id: i64,
}

/// A child this run initiated and has not yet heard the end of.
#[derive(Clone, Debug)]
pub(crate) struct ChildInfo {
    pub namespace: Namespace,
    pub workflow_id: WorkflowId,
    pub workflow_type: WorkflowType,
    pub parent_close_policy: ParentClosePolicy,
    /// The child's first run, once ChildWorkflowExecutionStarted is written.
    pub run_id: Option<RunId>,
}

/// One unit of cross-run work, kept in the source run's durable state until
/// the Service has applied it to its target and recorded the result.
#[derive(Clone, Debug)]
pub(crate) enum Transfer {
    /// Start the child of a StartChildWorkflowExecutionInitiated.
    StartChild {
        initiated_event_id: i64,
        workflow_task_completed_event_id: i64,
        command: StartChildWorkflow,
    },
    /// This chain closed: record its outcome in the parent.
    RecordChildClosed {
        parent: ParentLink,
        closing: Box<EventAttributes>,
    },
    /// The parent closed: apply its close policy to a child chain.
    ApplyParentClosePolicy {
        child: WorkflowExecution,
        policy: ParentClosePolicy,
    },
    /// Deliver a SignalExternalWorkflowExecutionInitiated.
    SignalExternal {
        initiated_event_id: i64,
        workflow_task_completed_event_id: i64,
        namespace: Namespace,
        target: WorkflowExecution,
        signal_name: String,
        input: Payload,
        child_workflow_only: bool,
    },
    /// Deliver a RequestCancelExternalWorkflowExecutionInitiated.
    CancelExternal {
        initiated_event_id: i64,
        workflow_task_completed_event_id: i64,
        namespace: Namespace,
        target: WorkflowExecution,
        child_workflow_only: bool,
        reason: String,
    },
}

/// Names a workflow task in a queue; stale once the run's task moved on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct WorkflowTaskRef {
    pub run: usize,
    pub scheduled_event_id: i64,
    pub attempt: u32,
}

/// Names an activity attempt in a queue; stale once that attempt moved on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ActivityTaskRef {
    pub run: usize,
    pub scheduled_event_id: i64,
    pub attempt: u32,
}

/// Work that a committed transition made available, for the Service to
/// apply to its in-memory queues and deadline heap.
#[derive(Default)]
pub(crate) struct Effects {
    /// New workflow tasks: (queue, sticky, task).
    pub workflow_tasks: Vec<(TaskQueue, bool, WorkflowTaskRef)>,
    /// New activity attempts: (queue, task).
    pub activity_tasks: Vec<(TaskQueue, ActivityTaskRef)>,
    /// New deadlines.
    pub deadlines: Vec<(SimTime, Deadline)>,
}

impl Effects {
    /// Whether these buffers are empty and hold room for at most `limit`
    /// entries each: worth keeping for another Service.
    pub(crate) fn fits_spare(&self, limit: usize) -> bool {
        self.workflow_tasks.is_empty()
            && self.activity_tasks.is_empty()
            && self.deadlines.is_empty()
            && self.workflow_tasks.capacity() <= limit
            && self.activity_tasks.capacity() <= limit
            && self.deadlines.capacity() <= limit
    }
}

impl RunRecord {
    /// Writes one event to history at once and returns its id.
    #[inline]
    pub(crate) fn append(&mut self, now: SimTime, mut attributes: EventAttributes) -> i64 {
        debug_assert!(
            self.status.is_running(),
            "no event may follow the closing event"
        );
        let history = self.open_history();
        let event_id = history.len() as i64 + 1;
        point_child_outcome_at_started(history, &mut attributes);
        debug_assert!(
            history.last().is_none_or(|e| e.event_time <= now),
            "event times never go back"
        );
        history.push(Event {
            event_id,
            event_time: now,
            attributes,
        });
        event_id
    }

    /// A new event for the workflow: buffered while a task is started
    /// (rule 5), otherwise written at once and followed by a workflow task
    /// unless one is already scheduled (rule 6).
    pub(crate) fn add_new_event(
        &mut self,
        now: SimTime,
        attributes: EventAttributes,
        fx: &mut Effects,
    ) {
        if matches!(self.state.workflow_task, WorkflowTaskState::Started(_)) {
            self.state.buffered.push(BufferedEvent {
                attributes,
                references_previous: false,
            });
        } else {
            self.append(now, attributes);
            self.ensure_workflow_task(now, fx);
        }
    }

    /// An activity's final outcome, preceded by its ActivityTaskStarted when
    /// an attempt was running (rule 8); buffered like any new event.
    pub(crate) fn add_activity_outcome(
        &mut self,
        now: SimTime,
        started: Option<EventAttributes>,
        mut outcome: EventAttributes,
        fx: &mut Effects,
    ) {
        if matches!(self.state.workflow_task, WorkflowTaskState::Started(_)) {
            let references_previous = started.is_some();
            if let Some(started) = started {
                self.state.buffered.push(BufferedEvent {
                    attributes: started,
                    references_previous: false,
                });
            }
            self.state.buffered.push(BufferedEvent {
                attributes: outcome,
                references_previous,
            });
        } else {
            if let Some(started) = started {
                let started_event_id = self.append(now, started);
                set_started_event_id(&mut outcome, started_event_id);
            }
            self.append(now, outcome);
            self.ensure_workflow_task(now, fx);
        }
    }

    /// Writes the buffered events; returns whether there were any.
    pub(crate) fn flush_buffered(&mut self, now: SimTime) -> bool {
        let buffered = std::mem::take(&mut self.state.buffered);
        let any = !buffered.is_empty();
        let mut last_event_id = 0;
        for BufferedEvent {
            mut attributes,
            references_previous,
        } in buffered
        {
            if references_previous {
                set_started_event_id(&mut attributes, last_event_id);
            }
            last_event_id = self.append(now, attributes);
        }
        any
    }

    /// Schedules a first-attempt workflow task unless one is outstanding
    /// or the run's first task is still delayed.
    pub(crate) fn ensure_workflow_task(&mut self, now: SimTime, fx: &mut Effects) {
        let idle = matches!(self.state.workflow_task, WorkflowTaskState::None);
        if idle && self.state.first_workflow_task_at.is_none() {
            self.schedule_workflow_task(now, 1, fx);
        }
    }

    /// Schedules a workflow task attempt: on the sticky queue if the last
    /// worker asked for one, else on the normal queue. Attempt 1 writes
    /// WorkflowTaskScheduled; later attempts are transient (rule 3).
    pub(crate) fn schedule_workflow_task(&mut self, now: SimTime, attempt: u32, fx: &mut Effects) {
        let (queue, sticky) = match &self.state.sticky_queue {
            Some(q) => (q.clone(), true),
            None => (self.state.task_queue.clone(), false),
        };
        let mut task = ScheduledWorkflowTask {
            scheduled_event_id: self.next_event_id(),
            attempt,
            scheduled_time: now,
            queue,
            sticky,
        };
        if !task.is_transient() {
            let event = task.scheduled_event(self.state.workflow_task_timeout);
            task.scheduled_event_id = self.append(now, event.attributes);
        }
        let task_ref = WorkflowTaskRef {
            run: self.index,
            scheduled_event_id: task.scheduled_event_id,
            attempt: task.attempt,
        };
        fx.workflow_tasks
            .push((task.queue.clone(), sticky, task_ref));
        self.state.workflow_task = WorkflowTaskState::Scheduled(task);
    }

    /// Writes the closing event and drops everything pending (rule 10).
    pub(crate) fn close(&mut self, now: SimTime, closing: EventAttributes) {
        let status = closing
            .event_type()
            .closing_status()
            .expect("close takes a closing event");
        let continues = closing_names_next_run(&closing);
        if let (Some(parent), false) = (&self.state.parent, continues) {
            let transfer = Transfer::RecordChildClosed {
                parent: parent.clone(),
                closing: Box::new(closing.clone()),
            };
            self.state.transfers.push(transfer);
        }
        for child in self.state.children.values() {
            let Some(run_id) = &child.run_id else {
                continue;
            };
            if child.parent_close_policy != ParentClosePolicy::Abandon {
                self.state.transfers.push(Transfer::ApplyParentClosePolicy {
                    child: WorkflowExecution {
                        workflow_id: child.workflow_id.clone(),
                        run_id: run_id.clone(),
                    },
                    policy: child.parent_close_policy,
                });
            }
        }
        self.append(now, closing);
        // No event follows the closing one: give back the history's spare
        // capacity (doubling growth leaves up to half of it unused).
        self.open_history().shrink_to_fit();
        self.status = status;
        self.close_time = Some(now);
        let state = &mut self.state;
        state.workflow_task = WorkflowTaskState::None;
        state.buffered = Vec::new();
        state.activities.clear();
        state.activity_ids = SmallMap::default();
        state.timers.clear();
    }
}

/// Points a child outcome (written with `started_event_id` 0, as its
/// ChildWorkflowExecutionStarted may have been buffered) at that event.
fn point_child_outcome_at_started(history: &[Event], attributes: &mut EventAttributes) {
    let Some(initiated) = attributes.child_outcome().map(|o| o.initiated_event_id) else {
        return;
    };
    if let Some(started) = attributes.child_outcome_started_event_id_mut() {
        if *started == 0 {
            *started = super::children::child_started_event_id(history, initiated);
        }
    }
}

/// Whether a closing event hands the chain on to a next run (continue-as-new,
/// a workflow retry or the next cron run): then the chain has not ended.
fn closing_names_next_run(closing: &EventAttributes) -> bool {
    use EventAttributes as A;
    match closing {
        A::WorkflowExecutionContinuedAsNew { .. } => true,
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
        } => new_execution_run_id.is_some(),
        _ => false,
    }
}

/// Points an activity outcome at its ActivityTaskStarted event.
fn set_started_event_id(attributes: &mut EventAttributes, id: i64) {
    use EventAttributes as A;
    match attributes {
        A::ActivityTaskCompleted {
            started_event_id, ..
        }
        | A::ActivityTaskFailed {
            started_event_id, ..
        }
        | A::ActivityTaskTimedOut {
            started_event_id, ..
        }
        | A::ActivityTaskCanceled {
            started_event_id, ..
        } => *started_event_id = id,
        other => unreachable!(
            "only activity outcomes reference an ActivityTaskStarted, not {:?}",
            other.event_type()
        ),
    }
}
