//! Shape invariants of one run's history, checked in one pass over the
//! events with Vec-indexed lookups and no per-event allocation.
//!
//! What real Temporal histories show, and is encoded here precisely:
//! - a history may end anywhere (a partial history captured mid-run): an
//!   outstanding workflow task, activity or timer at the end is fine;
//! - a workflow task may fail with any cause (including `ResetWorkflow`) and
//!   a new one is scheduled later; a never-started (sticky) workflow task
//!   may time out `ScheduleToStart` with `started_event_id` 0;
//! - an activity canceled before any attempt started has
//!   `started_event_id` 0, and when its cancel request came from the same
//!   workflow task the Service writes ActivityTaskCanceled inside that
//!   task's command batch;
//! - event types Tempest does not model (updates, Nexus, unknown) are
//!   neither checked nor allowed to break a command batch: an update's
//!   acceptance is written among the commands of its workflow task.

use super::{InvariantInfo, Violation};
use crate::model::{
    ChildOutcome, Event, EventAttributes as A, EventType as T, SimTime, TimeoutType,
};

/// `history.starts_with_workflow_execution_started`
pub const STARTS_WITH_STARTED: InvariantInfo = InvariantInfo {
    id: "history.starts_with_workflow_execution_started",
    description: "The first event, and no other, is WorkflowExecutionStarted",
};
/// `history.ids_contiguous`
pub const IDS_CONTIGUOUS: InvariantInfo = InvariantInfo {
    id: "history.ids_contiguous",
    description: "Event ids are 1, 2, 3, … in order, without gaps",
};
/// `history.time_monotonic`
pub const TIME_MONOTONIC: InvariantInfo = InvariantInfo {
    id: "history.time_monotonic",
    description: "Event times never go back, except a late-written ActivityTaskStarted (not before its \
                  ActivityTaskScheduled) and events buffered during a workflow task (not before its WorkflowTaskStarted)",
};
/// `history.workflow_task_lifecycle`
pub const WORKFLOW_TASK_LIFECYCLE: InvariantInfo = InvariantInfo {
    id: "history.workflow_task_lifecycle",
    description: "At most one workflow task is outstanding; each goes Scheduled → Started → Completed | Failed | \
                  TimedOut(StartToClose), or Scheduled → TimedOut(ScheduleToStart)",
};
/// `history.command_events_follow_their_task`
pub const COMMAND_EVENTS_FOLLOW_THEIR_TASK: InvariantInfo = InvariantInfo {
    id: "history.command_events_follow_their_task",
    description: "Every command-produced event names an earlier WorkflowTaskCompleted and directly follows it, in \
                  one batch with that task's other command events",
};
/// `history.back_references_valid`
pub const BACK_REFERENCES: InvariantInfo = InvariantInfo {
    id: "history.back_references_valid",
    description: "Every scheduled/started/initiated/cancel-requested id points to an earlier event of the right \
                  type and of the same activity, timer, child or external request; every workflow-task-completed id \
                  to an event of a workflow task",
};
/// `history.single_outcome`
pub const SINGLE_OUTCOME: InvariantInfo = InvariantInfo {
    id: "history.single_outcome",
    description: "Each activity, timer, child workflow and external signal or cancel request has at most one \
                  start, at most one cancel request and at most one outcome, and nothing happens to it after its outcome",
};
/// `history.close_is_last`
pub const CLOSE_IS_LAST: InvariantInfo = InvariantInfo {
    id: "history.close_is_last",
    description: "At most one closing event, and it is the last event",
};

/// Checks every shape invariant of `history`.
pub fn check(history: &[Event]) -> Vec<Violation> {
    let mut checker = Checker::new(history);
    for (pos, event) in history.iter().enumerate() {
        checker.visit(pos, event);
    }
    checker.violations
}

/// What happened to one activity, timer, child or external request, kept at
/// the position of the event that began it.
#[derive(Clone, Copy, Default)]
struct Slot {
    started: i64,
    outcome: i64,
    cancel_requested: i64,
}

/// The workflow task outstanding, if any.
#[derive(Clone, Copy)]
enum Task {
    Idle,
    Scheduled { scheduled: i64 },
    Started { scheduled: i64, started: i64 },
}

impl Task {
    fn describe(self) -> String {
        match self {
            Task::Idle => "no workflow task is outstanding".into(),
            Task::Scheduled { scheduled } => {
                format!("the outstanding workflow task is scheduled={scheduled}, not started")
            }
            Task::Started { scheduled, started } => {
                format!("the outstanding workflow task is scheduled={scheduled} started={started}")
            }
        }
    }
}

/// Finds an event's position by its id.
enum Index {
    /// Ids are 1..=n: id `k` is at position `k - 1`.
    Contiguous,
    /// Ids are broken; (id, position) sorted by id, first occurrence wins.
    Sorted(Vec<(i64, usize)>),
}

struct Checker<'h> {
    history: &'h [Event],
    index: Index,
    slots: Vec<Slot>,
    task: Task,
    /// The WorkflowTaskCompleted whose command batch is still being written.
    batch: Option<i64>,
    closed_by: Option<i64>,
    /// The latest time (and its event) of events written on time.
    clock: (SimTime, i64),
    /// While buffered events are being written: the time (and event) they
    /// may not precede.
    buffered_since: Option<(SimTime, i64)>,
    violations: Vec<Violation>,
}

/// Whether events of `event_type` belong to a workflow task.
pub(super) fn is_workflow_task_event(event_type: T) -> bool {
    matches!(
        event_type,
        T::WorkflowTaskScheduled
            | T::WorkflowTaskStarted
            | T::WorkflowTaskCompleted
            | T::WorkflowTaskFailed
            | T::WorkflowTaskTimedOut
    )
}

impl<'h> Checker<'h> {
    fn new(history: &'h [Event]) -> Self {
        let contiguous = history
            .iter()
            .enumerate()
            .all(|(pos, e)| e.event_id == pos as i64 + 1);
        let index = if contiguous {
            Index::Contiguous
        } else {
            let mut ids: Vec<(i64, usize)> = history
                .iter()
                .enumerate()
                .map(|(pos, e)| (e.event_id, pos))
                .collect();
            ids.sort_unstable();
            ids.dedup_by_key(|(id, _)| *id);
            Index::Sorted(ids)
        };
        Checker {
            history,
            index,
            slots: vec![Slot::default(); history.len()],
            task: Task::Idle,
            batch: None,
            closed_by: None,
            clock: (SimTime::ZERO, 0),
            buffered_since: None,
            violations: Vec::new(),
        }
    }

    fn position(&self, id: i64) -> Option<usize> {
        match &self.index {
            Index::Contiguous => {
                // Ids below 1 wrap to positions past the end.
                let p = (id as u64).wrapping_sub(1);
                (p < self.history.len() as u64).then_some(p as usize)
            }
            Index::Sorted(ids) => ids
                .binary_search_by_key(&id, |(id, _)| *id)
                .ok()
                .map(|i| ids[i].1),
        }
    }

    /// Records a violation (out of line: histories are mostly sound).
    #[cold]
    fn report(&mut self, invariant: &InvariantInfo, event: &Event, message: String) {
        self.violations.push(Violation {
            invariant: invariant.id,
            message,
            event_id: Some(event.event_id),
        });
    }

    /// The position of event `id` if it is earlier than `pos` and of type
    /// `expected`; reports a broken back-reference otherwise.
    #[inline]
    fn refer(
        &mut self,
        pos: usize,
        event: &Event,
        field: &str,
        id: i64,
        expected: T,
    ) -> Option<usize> {
        if let Some(p) = self.position(id) {
            if p < pos && self.history[p].event_type() == expected {
                return Some(p);
            }
        }
        self.broken_reference(pos, event, field, id, expected);
        None
    }

    /// Reports that `event.field` = `id` does not point to an earlier
    /// event of type `expected` (out of line: histories are mostly sound).
    #[cold]
    #[inline(never)]
    fn broken_reference(&mut self, pos: usize, event: &Event, field: &str, id: i64, expected: T) {
        let found = self.position(id);
        let problem = match found {
            None => format!("there is no event {id}"),
            Some(p) if p >= pos => format!("event {id} is not earlier"),
            Some(p) => format!("event {id} is {}", self.history[p].event_type().name()),
        };
        let message = format!(
            "{}.{field}={id} must point to an earlier {}, but {problem}",
            event.event_type().name(),
            expected.name()
        );
        self.report(&BACK_REFERENCES, event, message);
    }

    fn visit(&mut self, pos: usize, event: &Event) {
        let event_type = event.event_type();
        self.check_order(pos, event, event_type);
        let closed_batch = self.check_batch(pos, event);
        self.check_time(pos, event, event_type, closed_batch);
        self.check_references(pos, event);
    }

    /// Times never go back, except where Temporal writes an event later than
    /// it happened: a late ActivityTaskStarted keeps its attempt's start time
    /// (not before its ActivityTaskScheduled), and events buffered during a
    /// workflow task keep their arrival time (not before that task's
    /// WorkflowTaskStarted, and in arrival order).
    fn check_time(&mut self, pos: usize, event: &Event, event_type: T, closed_batch: Option<i64>) {
        let time = event.event_time;
        if let Some(batch) = closed_batch {
            self.buffered_since = self
                .task_started_event(batch)
                .map(|e| (e.event_time, e.event_id));
        }
        if let A::ActivityTaskStarted {
            scheduled_event_id, ..
        } = event.attributes
        {
            let scheduled = self
                .position(scheduled_event_id)
                .filter(|p| *p < pos)
                .map(|p| &self.history[p]);
            if let Some(scheduled) = scheduled {
                if time < scheduled.event_time {
                    let message = format!(
                        "time {time} is before the time of its ActivityTaskScheduled {} ({})",
                        scheduled.event_id, scheduled.event_time
                    );
                    self.report(&TIME_MONOTONIC, event, message);
                }
            }
            return;
        }
        if is_workflow_task_event(event_type) {
            self.buffered_since = None;
        }
        let now = (time, event.event_id);
        // After a violation the clock follows the offending event, so one
        // bad time is reported once, not for every event after it.
        match self.buffered_since {
            None => {
                if time < self.clock.0 {
                    self.time_went_back(event, self.clock, false);
                }
                self.clock = now;
            }
            Some(floor) => {
                let back = time < floor.0;
                if back {
                    self.time_went_back(event, floor, true);
                }
                self.buffered_since = Some(now);
                if back || time >= self.clock.0 {
                    self.clock = now;
                }
            }
        }
    }

    /// Reports that `event` is earlier than `floor` (the time and id of an
    /// earlier event), `buffered` if it is a buffered event.
    #[cold]
    #[inline(never)]
    fn time_went_back(&mut self, event: &Event, floor: (SimTime, i64), buffered: bool) {
        let (time, (floor, floor_event)) = (event.event_time, floor);
        let message = if buffered {
            format!("time {time} of an event buffered during a workflow task is before event {floor_event} ({floor})")
        } else {
            format!("time {time} is before the time of event {floor_event} ({floor})")
        };
        self.report(&TIME_MONOTONIC, event, message);
    }

    /// The WorkflowTaskStarted of the task completed by event `completed`.
    fn task_started_event(&self, completed: i64) -> Option<&'h Event> {
        let history = self.history;
        match history.get(self.position(completed)?)?.attributes {
            A::WorkflowTaskCompleted {
                started_event_id, ..
            } => history.get(self.position(started_event_id)?),
            _ => None,
        }
    }

    /// Start, ids, times and closing.
    fn check_order(&mut self, pos: usize, event: &Event, event_type: T) {
        if pos == 0 {
            if event.event_id != 1 {
                self.report(
                    &IDS_CONTIGUOUS,
                    event,
                    format!("the first event has id {}, not 1", event.event_id),
                );
            }
            if event_type != T::WorkflowExecutionStarted {
                let message = format!(
                    "the first event is {}, not WorkflowExecutionStarted",
                    event_type.name()
                );
                self.report(&STARTS_WITH_STARTED, event, message);
            }
        } else {
            let previous = &self.history[pos - 1];
            let expected = previous.event_id.wrapping_add(1);
            if event.event_id != expected {
                let message = format!(
                    "id {} follows event {}; expected {expected}",
                    event.event_id, previous.event_id
                );
                self.report(&IDS_CONTIGUOUS, event, message);
            }
            if event_type == T::WorkflowExecutionStarted {
                self.report(
                    &STARTS_WITH_STARTED,
                    event,
                    "WorkflowExecutionStarted after event 1".into(),
                );
            }
        }
        if let Some(closing) = self.closed_by {
            if pos > 0 && self.history[pos - 1].event_id == closing {
                let message = format!("{} follows closing event {closing}", event_type.name());
                self.report(&CLOSE_IS_LAST, event, message);
            }
        } else if event_type.is_closing() {
            self.closed_by = Some(event.event_id);
        }
    }

    /// Command events come right after their WorkflowTaskCompleted. Returns
    /// the WorkflowTaskCompleted whose batch this event ends, if any.
    fn check_batch(&mut self, pos: usize, event: &Event) -> Option<i64> {
        if let Some(wtc) = event.attributes.workflow_task_completed_event_id() {
            self.check_command_task_reference(pos, event, wtc);
            if self.batch != Some(wtc) {
                let problem = match self.batch {
                    Some(other) => {
                        format!("it follows the commands of WorkflowTaskCompleted {other}")
                    }
                    None => {
                        let previous = pos.checked_sub(1).map(|p| &self.history[p]);
                        match previous {
                            Some(p) => format!(
                                "event {} ({}) comes between them",
                                p.event_id,
                                p.event_type().name()
                            ),
                            None => "it is the first event".into(),
                        }
                    }
                };
                let message = format!(
                    "{} must directly follow WorkflowTaskCompleted {wtc} and that task's other command events, but {problem}",
                    event.event_type().name()
                );
                self.report(&COMMAND_EVENTS_FOLLOW_THEIR_TASK, event, message);
            }
            return None;
        }
        match &event.attributes {
            A::WorkflowTaskCompleted { .. } => {
                self.batch = Some(event.event_id);
                None
            }
            A::Unmodelled { .. } => None,
            A::ActivityTaskCanceled {
                started_event_id: 0,
                latest_cancel_requested_event_id,
                ..
            } if self.cancel_requested_in_batch(pos, *latest_cancel_requested_event_id) => None,
            _ => self.batch.take(),
        }
    }

    /// A command event's `workflow_task_completed_event_id` must name an
    /// earlier WorkflowTaskCompleted. Naming another event of some workflow
    /// task (its Started, or a later Completed) keeps the event tied to a
    /// workflow task but misplaces it: that is a batch error
    /// (`command_events_follow_their_task`), which `check-history` reports
    /// as a warning. Naming no event, or an event that is no workflow task's,
    /// is a broken back-reference.
    fn check_command_task_reference(&mut self, pos: usize, event: &Event, wtc: i64) {
        let named = self.position(wtc).filter(|&p| p != pos);
        match named.map(|p| (p, &self.history[p])) {
            Some((p, named)) if p < pos && named.event_type() == T::WorkflowTaskCompleted => {}
            Some((_, named)) if is_workflow_task_event(named.event_type()) => {
                let message = format!(
                    "{}.workflow_task_completed_event_id={wtc} names {} {wtc}, not an earlier WorkflowTaskCompleted",
                    event.event_type().name(),
                    named.event_type().name(),
                );
                self.report(&COMMAND_EVENTS_FOLLOW_THEIR_TASK, event, message);
            }
            _ => {
                self.refer(
                    pos,
                    event,
                    "workflow_task_completed_event_id",
                    wtc,
                    T::WorkflowTaskCompleted,
                );
            }
        }
    }

    /// Whether the ActivityTaskCancelRequested `id` is a command of the open batch.
    fn cancel_requested_in_batch(&self, pos: usize, id: i64) -> bool {
        let Some(batch) = self.batch else {
            return false;
        };
        self.position(id).is_some_and(|p| {
            p < pos
                && matches!(
                    self.history[p].attributes,
                    A::ActivityTaskCancelRequested { workflow_task_completed_event_id, .. }
                        if workflow_task_completed_event_id == batch
                )
        })
    }

    fn check_references(&mut self, pos: usize, event: &Event) {
        match &event.attributes {
            A::WorkflowTaskScheduled { .. } => {
                if !matches!(self.task, Task::Idle) {
                    let message = format!(
                        "a workflow task is scheduled while {}",
                        self.task.describe()
                    );
                    self.report(&WORKFLOW_TASK_LIFECYCLE, event, message);
                }
                self.task = Task::Scheduled {
                    scheduled: event.event_id,
                };
            }
            A::WorkflowTaskStarted {
                scheduled_event_id, ..
            } => {
                let s = *scheduled_event_id;
                self.refer(
                    pos,
                    event,
                    "scheduled_event_id",
                    s,
                    T::WorkflowTaskScheduled,
                );
                if !matches!(self.task, Task::Scheduled { scheduled } if scheduled == s) {
                    let message = format!(
                        "workflow task scheduled={s} starts, but {}",
                        self.task.describe()
                    );
                    self.report(&WORKFLOW_TASK_LIFECYCLE, event, message);
                }
                self.task = Task::Started {
                    scheduled: s,
                    started: event.event_id,
                };
            }
            A::WorkflowTaskCompleted {
                scheduled_event_id,
                started_event_id,
                ..
            }
            | A::WorkflowTaskFailed {
                scheduled_event_id,
                started_event_id,
                ..
            } => {
                self.started_task_ends(pos, event, *scheduled_event_id, *started_event_id);
            }
            A::WorkflowTaskTimedOut {
                scheduled_event_id,
                started_event_id: 0,
                timeout_type,
            } => {
                let s = *scheduled_event_id;
                self.refer(
                    pos,
                    event,
                    "scheduled_event_id",
                    s,
                    T::WorkflowTaskScheduled,
                );
                if !matches!(self.task, Task::Scheduled { scheduled } if scheduled == s) {
                    let message = format!(
                        "unstarted workflow task scheduled={s} times out, but {}",
                        self.task.describe()
                    );
                    self.report(&WORKFLOW_TASK_LIFECYCLE, event, message);
                }
                if *timeout_type != TimeoutType::ScheduleToStart {
                    let message = format!("a workflow task that never started times out ScheduleToStart, not {timeout_type:?}");
                    self.report(&WORKFLOW_TASK_LIFECYCLE, event, message);
                }
                self.task = Task::Idle;
            }
            A::WorkflowTaskTimedOut {
                scheduled_event_id,
                started_event_id,
                timeout_type,
            } => {
                self.started_task_ends(pos, event, *scheduled_event_id, *started_event_id);
                if *timeout_type != TimeoutType::StartToClose {
                    let message = format!(
                        "a started workflow task times out StartToClose, not {timeout_type:?}"
                    );
                    self.report(&WORKFLOW_TASK_LIFECYCLE, event, message);
                }
            }
            A::ActivityTaskStarted {
                scheduled_event_id, ..
            } => {
                if let Some(sp) = self.refer(
                    pos,
                    event,
                    "scheduled_event_id",
                    *scheduled_event_id,
                    T::ActivityTaskScheduled,
                ) {
                    self.starts(event, sp, "activity scheduled at");
                }
            }
            A::ActivityTaskCompleted {
                scheduled_event_id,
                started_event_id,
                ..
            }
            | A::ActivityTaskFailed {
                scheduled_event_id,
                started_event_id,
                ..
            } => {
                self.activity_outcome(pos, event, *scheduled_event_id, *started_event_id, false);
            }
            A::ActivityTaskTimedOut {
                scheduled_event_id,
                started_event_id,
                ..
            } => {
                self.activity_outcome(pos, event, *scheduled_event_id, *started_event_id, true);
            }
            A::ActivityTaskCanceled {
                scheduled_event_id,
                started_event_id,
                latest_cancel_requested_event_id,
                ..
            } => {
                let sp =
                    self.activity_outcome(pos, event, *scheduled_event_id, *started_event_id, true);
                let l = *latest_cancel_requested_event_id;
                if self
                    .refer(
                        pos,
                        event,
                        "latest_cancel_requested_event_id",
                        l,
                        T::ActivityTaskCancelRequested,
                    )
                    .is_some()
                {
                    if let Some(sp) = sp {
                        let latest = self.slots[sp].cancel_requested;
                        if latest != l {
                            let message = format!(
                                "latest_cancel_requested_event_id={l}, but the latest cancel request of the activity \
                                 scheduled at {scheduled_event_id} is event {latest}"
                            );
                            self.report(&BACK_REFERENCES, event, message);
                        }
                    }
                }
            }
            A::ActivityTaskCancelRequested {
                scheduled_event_id, ..
            } => {
                if let Some(sp) = self.refer(
                    pos,
                    event,
                    "scheduled_event_id",
                    *scheduled_event_id,
                    T::ActivityTaskScheduled,
                ) {
                    self.not_after_outcome(event, sp, "activity scheduled at");
                    // The Service rejects a duplicate cancellation of one activity.
                    let earlier = self.slots[sp].cancel_requested;
                    if earlier != 0 {
                        let message = format!(
                            "second cancel request of the activity scheduled at {scheduled_event_id} (first: event {earlier})"
                        );
                        self.report(&SINGLE_OUTCOME, event, message);
                    }
                    self.slots[sp].cancel_requested = event.event_id;
                }
            }
            A::TimerFired {
                timer_id,
                started_event_id,
            }
            | A::TimerCanceled {
                timer_id,
                started_event_id,
                ..
            } => {
                if let Some(sp) = self.refer(
                    pos,
                    event,
                    "started_event_id",
                    *started_event_id,
                    T::TimerStarted,
                ) {
                    if let A::TimerStarted {
                        timer_id: started_id,
                        ..
                    } = &self.history[sp].attributes
                    {
                        if started_id != timer_id {
                            let message =
                                format!("timer_id={timer_id}, but TimerStarted {started_event_id} started timer {started_id}");
                            self.report(&BACK_REFERENCES, event, message);
                        }
                    }
                    self.outcome(event, sp, "timer started at");
                }
            }
            A::StartChildWorkflowExecutionFailed {
                initiated_event_id,
                workflow_task_completed_event_id,
                ..
            } => {
                let i = *initiated_event_id;
                if let Some(ip) = self.refer(
                    pos,
                    event,
                    "initiated_event_id",
                    i,
                    T::StartChildWorkflowExecutionInitiated,
                ) {
                    self.same_task_as_initiation(event, ip, *workflow_task_completed_event_id);
                    let started = self.slots[ip].started;
                    if started != 0 {
                        let message =
                            format!("the child initiated at {i} already started (event {started})");
                        self.report(&SINGLE_OUTCOME, event, message);
                    }
                    self.outcome(event, ip, "child workflow initiated at");
                }
            }
            A::ChildWorkflowExecutionStarted {
                initiated_event_id, ..
            } => {
                let i = *initiated_event_id;
                if let Some(ip) = self.refer(
                    pos,
                    event,
                    "initiated_event_id",
                    i,
                    T::StartChildWorkflowExecutionInitiated,
                ) {
                    self.starts(event, ip, "child workflow initiated at");
                }
            }
            A::ExternalWorkflowExecutionSignaled {
                initiated_event_id, ..
            } => {
                let i = *initiated_event_id;
                let kind = T::SignalExternalWorkflowExecutionInitiated;
                if let Some(ip) = self.refer(pos, event, "initiated_event_id", i, kind) {
                    self.outcome(event, ip, "external signal initiated at");
                }
            }
            A::SignalExternalWorkflowExecutionFailed {
                initiated_event_id,
                workflow_task_completed_event_id,
                ..
            } => {
                let i = *initiated_event_id;
                let kind = T::SignalExternalWorkflowExecutionInitiated;
                if let Some(ip) = self.refer(pos, event, "initiated_event_id", i, kind) {
                    self.same_task_as_initiation(event, ip, *workflow_task_completed_event_id);
                    self.outcome(event, ip, "external signal initiated at");
                }
            }
            A::ExternalWorkflowExecutionCancelRequested {
                initiated_event_id, ..
            } => {
                let i = *initiated_event_id;
                let kind = T::RequestCancelExternalWorkflowExecutionInitiated;
                if let Some(ip) = self.refer(pos, event, "initiated_event_id", i, kind) {
                    self.outcome(event, ip, "external cancel request initiated at");
                }
            }
            A::RequestCancelExternalWorkflowExecutionFailed {
                initiated_event_id,
                workflow_task_completed_event_id,
                ..
            } => {
                let i = *initiated_event_id;
                let kind = T::RequestCancelExternalWorkflowExecutionInitiated;
                if let Some(ip) = self.refer(pos, event, "initiated_event_id", i, kind) {
                    self.same_task_as_initiation(event, ip, *workflow_task_completed_event_id);
                    self.outcome(event, ip, "external cancel request initiated at");
                }
            }
            attributes => {
                if let Some(outcome) = attributes.child_outcome() {
                    self.check_child_outcome(pos, event, outcome);
                }
            }
        }
    }

    /// A child's outcome names the child's initiation and its recorded start.
    fn check_child_outcome(&mut self, pos: usize, event: &Event, outcome: ChildOutcome) {
        let i = outcome.initiated_event_id;
        let kind = T::StartChildWorkflowExecutionInitiated;
        let Some(ip) = self.refer(pos, event, "initiated_event_id", i, kind) else {
            return;
        };
        let started = self.slots[ip].started;
        let started_event_id = outcome.started_event_id;
        if started == 0 || started != started_event_id {
            let message = format!(
                "started_event_id={started_event_id}, but the child initiated at {i} {}",
                if started == 0 {
                    "never started".to_string()
                } else {
                    format!("started at event {started}")
                }
            );
            self.report(&BACK_REFERENCES, event, message);
        }
        self.outcome(event, ip, "child workflow initiated at");
    }

    /// A started workflow task completes, fails or times out.
    fn started_task_ends(&mut self, pos: usize, event: &Event, s: i64, t: i64) {
        self.refer(
            pos,
            event,
            "scheduled_event_id",
            s,
            T::WorkflowTaskScheduled,
        );
        self.refer(pos, event, "started_event_id", t, T::WorkflowTaskStarted);
        if !matches!(self.task, Task::Started { scheduled, started } if scheduled == s && started == t)
        {
            let message = format!(
                "{} of workflow task scheduled={s} started={t}, but {}",
                event.event_type().name(),
                self.task.describe()
            );
            self.report(&WORKFLOW_TASK_LIFECYCLE, event, message);
        }
        self.task = Task::Idle;
    }

    /// An activity's final event; `unstarted_ok` when it may come with no
    /// ActivityTaskStarted (timed out or canceled before any attempt started).
    fn activity_outcome(
        &mut self,
        pos: usize,
        event: &Event,
        s: i64,
        t: i64,
        unstarted_ok: bool,
    ) -> Option<usize> {
        let sp = self.refer(
            pos,
            event,
            "scheduled_event_id",
            s,
            T::ActivityTaskScheduled,
        )?;
        let started = self.slots[sp].started;
        if t != started || (t == 0 && !unstarted_ok) {
            let actual = if started == 0 {
                "never started".to_string()
            } else {
                format!("started at event {started}")
            };
            let message =
                format!("started_event_id={t}, but the activity scheduled at {s} {actual}");
            self.report(&BACK_REFERENCES, event, message);
        }
        self.outcome(event, sp, "activity scheduled at");
        Some(sp)
    }

    /// Records the start of the thing begun at `origin`: at most one, before its outcome.
    fn starts(&mut self, event: &Event, origin: usize, kind: &str) {
        self.not_after_outcome(event, origin, kind);
        let slot = self.slots[origin];
        if slot.started != 0 {
            let message = format!(
                "second start of the {kind} {} (first: event {})",
                self.history[origin].event_id, slot.started
            );
            self.report(&SINGLE_OUTCOME, event, message);
        } else {
            self.slots[origin].started = event.event_id;
        }
    }

    /// Records the outcome of the thing begun at `origin`: at most one.
    fn outcome(&mut self, event: &Event, origin: usize, kind: &str) {
        let first = self.slots[origin].outcome;
        if first != 0 {
            let message = format!(
                "second outcome of the {kind} {} (first: event {first})",
                self.history[origin].event_id
            );
            self.report(&SINGLE_OUTCOME, event, message);
        } else {
            self.slots[origin].outcome = event.event_id;
        }
    }

    fn not_after_outcome(&mut self, event: &Event, origin: usize, kind: &str) {
        let outcome = self.slots[origin].outcome;
        if outcome != 0 {
            let message = format!(
                "{} for the {kind} {} after its outcome (event {outcome})",
                event.event_type().name(),
                self.history[origin].event_id
            );
            self.report(&SINGLE_OUTCOME, event, message);
        }
    }

    /// A server-written failure of an initiated command names the same
    /// WorkflowTaskCompleted as the initiation.
    fn same_task_as_initiation(&mut self, event: &Event, initiated: usize, wtc: i64) {
        let expected = self.history[initiated]
            .attributes
            .workflow_task_completed_event_id();
        if expected != Some(wtc) {
            let message = format!(
                "workflow_task_completed_event_id={wtc}, but its initiating event {} names {}",
                self.history[initiated].event_id,
                expected.unwrap_or(0)
            );
            self.report(&BACK_REFERENCES, event, message);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::fixtures::*;
    use crate::model::{millis, secs, EventAttributes, TimerId};

    fn broken(history: &[Event]) -> Vec<(&'static str, Option<i64>)> {
        check(history)
            .into_iter()
            .map(|v| (v.invariant, v.event_id))
            .collect()
    }

    #[test]
    fn valid_run_has_no_violations() {
        assert_eq!(check(&one_activity_run()), vec![]);
    }

    #[test]
    fn partial_history_with_outstanding_work_is_valid() {
        let mut history = one_activity_run();
        history.truncate(6);
        assert_eq!(check(&history), vec![]);
    }

    #[test]
    fn first_event_must_be_workflow_execution_started() {
        let mut history = one_activity_run();
        history[0].attributes = signaled();
        assert_eq!(broken(&history), vec![(STARTS_WITH_STARTED.id, Some(1))]);
    }

    #[test]
    fn an_id_gap_is_reported_once_where_it_occurs() {
        let mut history = one_activity_run();
        history.remove(7); // WorkflowTaskScheduled 8
        let found = broken(&history);
        assert_eq!(
            found
                .iter()
                .filter(|(id, _)| *id == IDS_CONTIGUOUS.id)
                .count(),
            1
        );
        assert!(found.contains(&(IDS_CONTIGUOUS.id, Some(9))));
    }

    #[test]
    fn a_command_naming_another_workflow_task_event_is_a_batch_error() {
        let mut history = one_activity_run();
        // ActivityTaskScheduled 5 names WorkflowTaskStarted 3 (an event of a
        // workflow task, but not its WorkflowTaskCompleted).
        history[4].attributes = activity_scheduled(3);
        let found = broken(&history);
        assert_eq!(
            found,
            vec![
                (COMMAND_EVENTS_FOLLOW_THEIR_TASK.id, Some(5)),
                (COMMAND_EVENTS_FOLLOW_THEIR_TASK.id, Some(5)),
            ]
        );
        // Naming the later WorkflowTaskCompleted 10 is the same kind of error.
        history[4].attributes = activity_scheduled(10);
        assert!(broken(&history)
            .iter()
            .all(|(id, _)| *id == COMMAND_EVENTS_FOLLOW_THEIR_TASK.id));
    }

    #[test]
    fn a_command_naming_no_workflow_task_event_is_a_broken_back_reference() {
        let mut history = one_activity_run();
        for wtc in [1, 5, 7, 99] {
            history[4].attributes = activity_scheduled(wtc);
            assert!(
                broken(&history).contains(&(BACK_REFERENCES.id, Some(5))),
                "wtc={wtc}: {:?}",
                broken(&history)
            );
        }
    }

    #[test]
    fn time_going_back_is_reported() {
        let mut history = one_activity_run();
        history[8].event_time = history[7].event_time - secs(1);
        assert_eq!(broken(&history), vec![(TIME_MONOTONIC.id, Some(9))]);
    }

    #[test]
    fn late_written_activity_started_keeps_its_earlier_start_time() {
        let mut history = one_activity_run();
        history.insert(5, event(6, 3, signaled()));
        history.insert(6, event(7, 3, task_scheduled()));
        history.insert(7, event(8, 3, task_started(7)));
        history.insert(8, event(9, 4, task_completed(7, 8)));
        let mut history = renumbered(history);
        // Activity started at +2s, written after the task completed at +4s.
        history[9].attributes = activity_started(5);
        history[9].event_time = history[4].event_time;
        history[10].attributes = activity_completed(5, 10);
        let history: Vec<Event> = history.into_iter().take(11).collect();
        assert_eq!(check(&history), vec![]);
        let mut before_scheduled = history.clone();
        before_scheduled[9].event_time = history[4].event_time - secs(1);
        assert_eq!(
            broken(&before_scheduled),
            vec![(TIME_MONOTONIC.id, Some(10))]
        );
    }

    #[test]
    fn event_buffered_during_a_task_keeps_its_arrival_time_but_not_before_the_task_started() {
        let mut history = one_activity_run();
        // A signal arrives at +1.5s (task started at +1s, completed at +2s)
        // and is written after the task's command.
        history.insert(
            5,
            Event {
                event_id: 0,
                event_time: SimTime::START + millis(1500),
                attributes: signaled(),
            },
        );
        history.truncate(6);
        let history = renumbered(history);
        assert_eq!(check(&history), vec![]);
        let mut too_early = history.clone();
        too_early[5].event_time = SimTime::START + millis(500);
        assert_eq!(broken(&too_early), vec![(TIME_MONOTONIC.id, Some(6))]);
    }

    #[test]
    fn second_workflow_task_while_one_is_outstanding_is_reported() {
        let mut history = one_activity_run();
        history[5].attributes = task_scheduled();
        history[6].attributes = signaled();
        assert!(broken(&history).contains(&(WORKFLOW_TASK_LIFECYCLE.id, Some(8))));
    }

    #[test]
    fn workflow_task_completed_must_name_the_started_task() {
        let mut history = one_activity_run();
        history[9].attributes = task_completed(8, 3);
        assert!(broken(&history).contains(&(WORKFLOW_TASK_LIFECYCLE.id, Some(10))));
    }

    #[test]
    fn unstarted_workflow_task_may_time_out_schedule_to_start_only() {
        let mut history = one_activity_run();
        history.truncate(8);
        let timed_out = |timeout_type| EventAttributes::WorkflowTaskTimedOut {
            scheduled_event_id: 8,
            started_event_id: 0,
            timeout_type,
        };
        history.push(event(9, 5, timed_out(TimeoutType::ScheduleToStart)));
        assert_eq!(check(&history), vec![]);
        history[8].attributes = timed_out(TimeoutType::StartToClose);
        assert_eq!(
            broken(&history),
            vec![(WORKFLOW_TASK_LIFECYCLE.id, Some(9))]
        );
    }

    #[test]
    fn command_event_separated_from_its_task_is_reported() {
        let mut history = one_activity_run();
        history.insert(4, event(0, 2, signaled()));
        let mut history = renumbered(history);
        history[5].attributes = activity_scheduled(4);
        history[6].attributes = activity_started(6);
        history[7].attributes = activity_completed(6, 7);
        history[9].attributes = task_started(9);
        history[10].attributes = task_completed(9, 10);
        history[11].attributes = completed(11);
        assert_eq!(
            broken(&history),
            vec![(COMMAND_EVENTS_FOLLOW_THEIR_TASK.id, Some(6))]
        );
    }

    #[test]
    fn unmodelled_events_inside_a_command_batch_keep_it_open() {
        let mut history = one_activity_run();
        let update = EventAttributes::Unmodelled {
            event_type_name: "EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED".into(),
            attributes: serde_json::Value::Null,
        };
        history.insert(4, event(0, 2, update));
        let mut history = renumbered(history);
        history[5].attributes = activity_scheduled(4);
        history[6].attributes = activity_started(6);
        history[7].attributes = activity_completed(6, 7);
        history[9].attributes = task_started(9);
        history[10].attributes = task_completed(9, 10);
        history[11].attributes = completed(11);
        assert_eq!(check(&history), vec![]);
    }

    #[test]
    fn activity_canceled_before_start_is_written_inside_the_batch() {
        let history = vec![
            event(1, 0, started()),
            event(2, 0, task_scheduled()),
            event(3, 1, task_started(2)),
            event(4, 2, task_completed(2, 3)),
            event(5, 2, activity_scheduled(4)),
            event(6, 3, task_scheduled()),
            event(7, 3, task_started(6)),
            event(8, 4, task_completed(6, 7)),
            event(
                9,
                4,
                EventAttributes::ActivityTaskCancelRequested {
                    scheduled_event_id: 5,
                    workflow_task_completed_event_id: 8,
                },
            ),
            event(
                10,
                4,
                EventAttributes::ActivityTaskCanceled {
                    details: None,
                    latest_cancel_requested_event_id: 9,
                    scheduled_event_id: 5,
                    started_event_id: 0,
                    identity: "".into(),
                },
            ),
            event(
                11,
                4,
                EventAttributes::TimerStarted {
                    timer_id: TimerId::new("t"),
                    start_to_fire_timeout: secs(1),
                    workflow_task_completed_event_id: 8,
                },
            ),
        ];
        assert_eq!(check(&history), vec![]);
    }

    #[test]
    fn back_reference_to_an_event_of_the_wrong_type_is_reported() {
        let mut history = one_activity_run();
        history[6].attributes = activity_completed(4, 6);
        assert!(broken(&history).contains(&(BACK_REFERENCES.id, Some(7))));
    }

    #[test]
    fn activity_outcome_must_name_the_activity_start() {
        let mut history = one_activity_run();
        history[6].attributes = activity_completed(5, 0);
        assert_eq!(broken(&history), vec![(BACK_REFERENCES.id, Some(7))]);
    }

    #[test]
    fn second_activity_outcome_is_reported() {
        let mut history = one_activity_run();
        history.insert(7, event(8, 4, activity_completed(5, 6)));
        let mut history = renumbered(history);
        history[9].attributes = task_started(9);
        history[10].attributes = task_completed(9, 10);
        history[11].attributes = completed(11);
        assert_eq!(broken(&history), vec![(SINGLE_OUTCOME.id, Some(8))]);
    }

    #[test]
    fn event_after_the_closing_event_is_reported() {
        let mut history = one_activity_run();
        history.push(event(12, 7, signaled()));
        assert_eq!(broken(&history), vec![(CLOSE_IS_LAST.id, Some(12))]);
    }

    #[test]
    fn timer_outcome_must_name_the_same_timer() {
        let mut history = one_activity_run();
        history[4].attributes = EventAttributes::TimerStarted {
            timer_id: TimerId::new("a"),
            start_to_fire_timeout: secs(1),
            workflow_task_completed_event_id: 4,
        };
        history[5].attributes = EventAttributes::TimerFired {
            timer_id: TimerId::new("b"),
            started_event_id: 5,
        };
        history[6].attributes = task_scheduled();
        history.truncate(7);
        assert_eq!(broken(&history), vec![(BACK_REFERENCES.id, Some(6))]);
    }
}
