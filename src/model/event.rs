//! History events: one attributes variant per Temporal event type, with the
//! back-references (`scheduled_event_id`, `started_event_id`,
//! `initiated_event_id`, `workflow_task_completed_event_id`) that tie them
//! together. Field names follow `temporal.api.history.v1`.

use super::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::rc::Rc;

/// One event of a run's history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// 1, 2, 3, … without gaps within a history.
    pub event_id: i64,
    /// When the Service wrote it.
    pub event_time: SimTime,
    /// What happened.
    pub attributes: EventAttributes,
}

impl Event {
    /// The event's type.
    pub fn event_type(&self) -> EventType {
        self.attributes.event_type()
    }
}

/// A run's history: its events in order.
pub type History = Vec<Event>;

macro_rules! event_types {
    ($($variant:ident => $proto:literal,)*) => {
        /// The type of an event (`temporal.api.enums.v1.EventType`).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum EventType {
            $(
                #[doc = concat!("`", $proto, "`")]
                $variant,
            )*
            /// An event type Tempest does not model (kept from an import).
            Unmodelled,
        }

        impl EventType {
            /// Every modelled event type.
            pub const ALL: &'static [EventType] = &[$(EventType::$variant,)*];

            /// The CamelCase name, e.g. `WorkflowExecutionStarted`.
            pub fn name(self) -> &'static str {
                match self {
                    $(EventType::$variant => stringify!($variant),)*
                    EventType::Unmodelled => "Unmodelled",
                }
            }

            /// Temporal's enum name, e.g. `EVENT_TYPE_WORKFLOW_EXECUTION_STARTED`.
            pub fn proto_name(self) -> &'static str {
                match self {
                    $(EventType::$variant => $proto,)*
                    EventType::Unmodelled => "EVENT_TYPE_UNSPECIFIED",
                }
            }

            /// Looks a type up by its CamelCase or `EVENT_TYPE_*` name.
            pub fn from_name(name: &str) -> Option<EventType> {
                match name {
                    $(stringify!($variant) | $proto => Some(EventType::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

event_types! {
    WorkflowExecutionStarted => "EVENT_TYPE_WORKFLOW_EXECUTION_STARTED",
    WorkflowExecutionCompleted => "EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED",
    WorkflowExecutionFailed => "EVENT_TYPE_WORKFLOW_EXECUTION_FAILED",
    WorkflowExecutionTimedOut => "EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT",
    WorkflowTaskScheduled => "EVENT_TYPE_WORKFLOW_TASK_SCHEDULED",
    WorkflowTaskStarted => "EVENT_TYPE_WORKFLOW_TASK_STARTED",
    WorkflowTaskCompleted => "EVENT_TYPE_WORKFLOW_TASK_COMPLETED",
    WorkflowTaskTimedOut => "EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT",
    WorkflowTaskFailed => "EVENT_TYPE_WORKFLOW_TASK_FAILED",
    ActivityTaskScheduled => "EVENT_TYPE_ACTIVITY_TASK_SCHEDULED",
    ActivityTaskStarted => "EVENT_TYPE_ACTIVITY_TASK_STARTED",
    ActivityTaskCompleted => "EVENT_TYPE_ACTIVITY_TASK_COMPLETED",
    ActivityTaskFailed => "EVENT_TYPE_ACTIVITY_TASK_FAILED",
    ActivityTaskTimedOut => "EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT",
    ActivityTaskCancelRequested => "EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED",
    ActivityTaskCanceled => "EVENT_TYPE_ACTIVITY_TASK_CANCELED",
    TimerStarted => "EVENT_TYPE_TIMER_STARTED",
    TimerFired => "EVENT_TYPE_TIMER_FIRED",
    TimerCanceled => "EVENT_TYPE_TIMER_CANCELED",
    WorkflowExecutionCancelRequested => "EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED",
    WorkflowExecutionCanceled => "EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED",
    RequestCancelExternalWorkflowExecutionInitiated => "EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED",
    RequestCancelExternalWorkflowExecutionFailed => "EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED",
    ExternalWorkflowExecutionCancelRequested => "EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED",
    MarkerRecorded => "EVENT_TYPE_MARKER_RECORDED",
    WorkflowExecutionSignaled => "EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED",
    WorkflowExecutionTerminated => "EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED",
    WorkflowExecutionContinuedAsNew => "EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW",
    StartChildWorkflowExecutionInitiated => "EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED",
    StartChildWorkflowExecutionFailed => "EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED",
    ChildWorkflowExecutionStarted => "EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED",
    ChildWorkflowExecutionCompleted => "EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED",
    ChildWorkflowExecutionFailed => "EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED",
    ChildWorkflowExecutionCanceled => "EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED",
    ChildWorkflowExecutionTimedOut => "EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TIMED_OUT",
    ChildWorkflowExecutionTerminated => "EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TERMINATED",
    SignalExternalWorkflowExecutionInitiated => "EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED",
    SignalExternalWorkflowExecutionFailed => "EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED",
    ExternalWorkflowExecutionSignaled => "EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED",
    UpsertWorkflowSearchAttributes => "EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES",
    WorkflowPropertiesModified => "EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED",
}

impl EventType {
    /// Whether an event of this type closes the run.
    pub fn is_closing(self) -> bool {
        self.closing_status().is_some()
    }

    /// The status a closing event of this type gives the run.
    pub fn closing_status(self) -> Option<WorkflowExecutionStatus> {
        use WorkflowExecutionStatus as S;
        Some(match self {
            EventType::WorkflowExecutionCompleted => S::Completed,
            EventType::WorkflowExecutionFailed => S::Failed,
            EventType::WorkflowExecutionTimedOut => S::TimedOut,
            EventType::WorkflowExecutionCanceled => S::Canceled,
            EventType::WorkflowExecutionTerminated => S::Terminated,
            EventType::WorkflowExecutionContinuedAsNew => S::ContinuedAsNew,
            _ => return None,
        })
    }
}

/// What an event says, one variant per event type.
///
/// `workflow_execution.run_id` of an external target may be empty, meaning
/// "the current run of that workflow id", as in Temporal.
#[allow(missing_docs)]
// field names are Temporal's; see TEMPORAL.md for each
// The variants whose attributes are far larger than the rest are boxed, so
// that every event of a history is not stored at the size of the largest
// (memory per closed execution, docs/performance.md).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum EventAttributes {
    WorkflowExecutionStarted(Box<WorkflowExecutionStartedAttributes>),
    WorkflowExecutionCompleted {
        result: Payload,
        workflow_task_completed_event_id: i64,
        new_execution_run_id: Option<RunId>,
    },
    WorkflowExecutionFailed {
        failure: Failure,
        retry_state: RetryState,
        workflow_task_completed_event_id: i64,
        new_execution_run_id: Option<RunId>,
    },
    WorkflowExecutionTimedOut {
        retry_state: RetryState,
        new_execution_run_id: Option<RunId>,
    },
    WorkflowTaskScheduled {
        task_queue: TaskQueue,
        start_to_close_timeout: Duration,
        attempt: u32,
    },
    WorkflowTaskStarted {
        scheduled_event_id: i64,
        identity: Rc<str>,
        request_id: RequestId,
    },
    WorkflowTaskCompleted {
        scheduled_event_id: i64,
        started_event_id: i64,
        identity: Rc<str>,
    },
    WorkflowTaskTimedOut {
        scheduled_event_id: i64,
        started_event_id: i64,
        timeout_type: TimeoutType,
    },
    WorkflowTaskFailed {
        scheduled_event_id: i64,
        started_event_id: i64,
        cause: WorkflowTaskFailedCause,
        failure: Option<Failure>,
        identity: Rc<str>,
    },
    ActivityTaskScheduled(Box<ActivityTaskScheduledAttributes>),
    ActivityTaskStarted {
        scheduled_event_id: i64,
        identity: Rc<str>,
        request_id: RequestId,
        attempt: u32,
        last_failure: Option<Failure>,
    },
    ActivityTaskCompleted {
        result: Payload,
        scheduled_event_id: i64,
        started_event_id: i64,
        identity: Rc<str>,
    },
    ActivityTaskFailed {
        failure: Failure,
        scheduled_event_id: i64,
        started_event_id: i64,
        identity: Rc<str>,
        retry_state: RetryState,
    },
    ActivityTaskTimedOut {
        failure: Failure,
        scheduled_event_id: i64,
        started_event_id: i64,
        retry_state: RetryState,
    },
    ActivityTaskCancelRequested {
        scheduled_event_id: i64,
        workflow_task_completed_event_id: i64,
    },
    ActivityTaskCanceled {
        details: Option<Payload>,
        latest_cancel_requested_event_id: i64,
        scheduled_event_id: i64,
        /// 0 when the activity was canceled before any attempt started.
        started_event_id: i64,
        identity: Rc<str>,
    },
    TimerStarted {
        timer_id: TimerId,
        start_to_fire_timeout: Duration,
        workflow_task_completed_event_id: i64,
    },
    TimerFired {
        timer_id: TimerId,
        started_event_id: i64,
    },
    TimerCanceled {
        timer_id: TimerId,
        started_event_id: i64,
        workflow_task_completed_event_id: i64,
        identity: Rc<str>,
    },
    WorkflowExecutionCancelRequested {
        cause: String,
        external_initiated_event_id: Option<i64>,
        external_workflow_execution: Option<WorkflowExecution>,
        identity: Rc<str>,
    },
    WorkflowExecutionCanceled {
        workflow_task_completed_event_id: i64,
        details: Option<Payload>,
    },
    RequestCancelExternalWorkflowExecutionInitiated {
        workflow_task_completed_event_id: i64,
        namespace: Namespace,
        workflow_execution: WorkflowExecution,
        child_workflow_only: bool,
        reason: String,
    },
    RequestCancelExternalWorkflowExecutionFailed {
        cause: String,
        workflow_task_completed_event_id: i64,
        namespace: Namespace,
        workflow_execution: WorkflowExecution,
        initiated_event_id: i64,
    },
    ExternalWorkflowExecutionCancelRequested {
        initiated_event_id: i64,
        namespace: Namespace,
        workflow_execution: WorkflowExecution,
    },
    MarkerRecorded {
        marker_name: String,
        details: BTreeMap<String, Payload>,
        workflow_task_completed_event_id: i64,
        failure: Option<Failure>,
    },
    WorkflowExecutionSignaled {
        signal_name: String,
        input: Payload,
        identity: Rc<str>,
    },
    WorkflowExecutionTerminated {
        reason: String,
        details: Option<Payload>,
        identity: Rc<str>,
    },
    WorkflowExecutionContinuedAsNew(Box<WorkflowExecutionContinuedAsNewAttributes>),
    StartChildWorkflowExecutionInitiated(Box<StartChildWorkflowExecutionInitiatedAttributes>),
    StartChildWorkflowExecutionFailed {
        namespace: Namespace,
        workflow_id: WorkflowId,
        workflow_type: WorkflowType,
        cause: String,
        initiated_event_id: i64,
        workflow_task_completed_event_id: i64,
    },
    ChildWorkflowExecutionStarted {
        namespace: Namespace,
        initiated_event_id: i64,
        workflow_execution: WorkflowExecution,
        workflow_type: WorkflowType,
    },
    ChildWorkflowExecutionCompleted {
        result: Payload,
        namespace: Namespace,
        workflow_execution: WorkflowExecution,
        workflow_type: WorkflowType,
        initiated_event_id: i64,
        started_event_id: i64,
    },
    ChildWorkflowExecutionFailed {
        failure: Failure,
        namespace: Namespace,
        workflow_execution: WorkflowExecution,
        workflow_type: WorkflowType,
        initiated_event_id: i64,
        started_event_id: i64,
        retry_state: RetryState,
    },
    ChildWorkflowExecutionCanceled {
        details: Option<Payload>,
        namespace: Namespace,
        workflow_execution: WorkflowExecution,
        workflow_type: WorkflowType,
        initiated_event_id: i64,
        started_event_id: i64,
    },
    ChildWorkflowExecutionTimedOut {
        namespace: Namespace,
        workflow_execution: WorkflowExecution,
        workflow_type: WorkflowType,
        initiated_event_id: i64,
        started_event_id: i64,
        retry_state: RetryState,
    },
    ChildWorkflowExecutionTerminated {
        namespace: Namespace,
        workflow_execution: WorkflowExecution,
        workflow_type: WorkflowType,
        initiated_event_id: i64,
        started_event_id: i64,
    },
    SignalExternalWorkflowExecutionInitiated {
        workflow_task_completed_event_id: i64,
        namespace: Namespace,
        workflow_execution: WorkflowExecution,
        signal_name: String,
        input: Payload,
        child_workflow_only: bool,
    },
    SignalExternalWorkflowExecutionFailed {
        cause: String,
        workflow_task_completed_event_id: i64,
        namespace: Namespace,
        workflow_execution: WorkflowExecution,
        initiated_event_id: i64,
    },
    ExternalWorkflowExecutionSignaled {
        initiated_event_id: i64,
        namespace: Namespace,
        workflow_execution: WorkflowExecution,
    },
    UpsertWorkflowSearchAttributes {
        workflow_task_completed_event_id: i64,
        search_attributes: BTreeMap<String, Payload>,
    },
    WorkflowPropertiesModified {
        workflow_task_completed_event_id: i64,
        upserted_memo: Memo,
    },
    /// An event type Tempest does not model, kept whole from an import:
    /// its type name as written and its attributes as JSON.
    Unmodelled {
        event_type_name: String,
        attributes: serde_json::Value,
    },
}

/// The attributes of `WorkflowExecutionStarted`, boxed in [`EventAttributes`]
/// so that every other event stays small.
/// The child a child workflow's outcome event is about, and the events of
/// the parent that initiated and recorded its start.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ChildOutcome<'a> {
    /// The child's namespace.
    pub namespace: &'a Namespace,
    /// The child run.
    pub child: &'a WorkflowExecution,
    /// The child's workflow type.
    pub workflow_type: &'a WorkflowType,
    /// The parent's StartChildWorkflowExecutionInitiated.
    pub initiated_event_id: i64,
    /// The parent's ChildWorkflowExecutionStarted.
    pub started_event_id: i64,
}

#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WorkflowExecutionStartedAttributes {
    pub workflow_type: WorkflowType,
    pub parent_workflow_namespace: Option<Namespace>,
    pub parent_workflow_execution: Option<WorkflowExecution>,
    pub parent_initiated_event_id: Option<i64>,
    pub task_queue: TaskQueue,
    pub input: Payload,
    pub workflow_execution_timeout: Option<Duration>,
    pub workflow_run_timeout: Option<Duration>,
    pub workflow_task_timeout: Duration,
    pub continued_execution_run_id: Option<RunId>,
    pub initiator: Option<ContinueAsNewInitiator>,
    pub continued_failure: Option<Failure>,
    pub last_completion_result: Option<Payload>,
    pub original_execution_run_id: RunId,
    pub identity: Rc<str>,
    pub first_execution_run_id: RunId,
    pub retry_policy: Option<RetryPolicy>,
    pub attempt: u32,
    pub workflow_execution_expiration_time: Option<SimTime>,
    pub cron_schedule: Option<String>,
    pub first_workflow_task_backoff: Option<Duration>,
    pub memo: Memo,
}

/// The attributes of `WorkflowExecutionContinuedAsNew`, boxed in
/// [`EventAttributes`] so that every other event stays small.
#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WorkflowExecutionContinuedAsNewAttributes {
    pub new_execution_run_id: RunId,
    pub workflow_type: WorkflowType,
    pub task_queue: TaskQueue,
    pub input: Payload,
    pub workflow_run_timeout: Option<Duration>,
    pub workflow_task_timeout: Duration,
    pub workflow_task_completed_event_id: i64,
    pub backoff_start_interval: Option<Duration>,
    pub initiator: ContinueAsNewInitiator,
    pub failure: Option<Failure>,
    pub last_completion_result: Option<Payload>,
    pub memo: Memo,
}

/// The attributes of `StartChildWorkflowExecutionInitiated`, boxed in
/// [`EventAttributes`] so that every other event stays small.
#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StartChildWorkflowExecutionInitiatedAttributes {
    pub namespace: Namespace,
    pub workflow_id: WorkflowId,
    pub workflow_type: WorkflowType,
    pub task_queue: TaskQueue,
    pub input: Payload,
    pub workflow_execution_timeout: Option<Duration>,
    pub workflow_run_timeout: Option<Duration>,
    pub workflow_task_timeout: Duration,
    pub parent_close_policy: ParentClosePolicy,
    pub workflow_task_completed_event_id: i64,
    pub workflow_id_reuse_policy: WorkflowIdReusePolicy,
    pub retry_policy: Option<RetryPolicy>,
    pub cron_schedule: Option<String>,
    pub memo: Memo,
}

/// The attributes of `ActivityTaskScheduled`, boxed in [`EventAttributes`]
/// so that every other event stays small.
#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ActivityTaskScheduledAttributes {
    pub activity_id: ActivityId,
    pub activity_type: ActivityType,
    pub task_queue: TaskQueue,
    pub input: Payload,
    pub schedule_to_close_timeout: Option<Duration>,
    pub schedule_to_start_timeout: Option<Duration>,
    pub start_to_close_timeout: Option<Duration>,
    pub heartbeat_timeout: Option<Duration>,
    pub workflow_task_completed_event_id: i64,
    pub retry_policy: Option<RetryPolicy>,
}

impl EventAttributes {
    /// The event type of these attributes.
    pub fn event_type(&self) -> EventType {
        use EventAttributes as A;
        match self {
            A::WorkflowExecutionStarted { .. } => EventType::WorkflowExecutionStarted,
            A::WorkflowExecutionCompleted { .. } => EventType::WorkflowExecutionCompleted,
            A::WorkflowExecutionFailed { .. } => EventType::WorkflowExecutionFailed,
            A::WorkflowExecutionTimedOut { .. } => EventType::WorkflowExecutionTimedOut,
            A::WorkflowTaskScheduled { .. } => EventType::WorkflowTaskScheduled,
            A::WorkflowTaskStarted { .. } => EventType::WorkflowTaskStarted,
            A::WorkflowTaskCompleted { .. } => EventType::WorkflowTaskCompleted,
            A::WorkflowTaskTimedOut { .. } => EventType::WorkflowTaskTimedOut,
            A::WorkflowTaskFailed { .. } => EventType::WorkflowTaskFailed,
            A::ActivityTaskScheduled { .. } => EventType::ActivityTaskScheduled,
            A::ActivityTaskStarted { .. } => EventType::ActivityTaskStarted,
            A::ActivityTaskCompleted { .. } => EventType::ActivityTaskCompleted,
            A::ActivityTaskFailed { .. } => EventType::ActivityTaskFailed,
            A::ActivityTaskTimedOut { .. } => EventType::ActivityTaskTimedOut,
            A::ActivityTaskCancelRequested { .. } => EventType::ActivityTaskCancelRequested,
            A::ActivityTaskCanceled { .. } => EventType::ActivityTaskCanceled,
            A::TimerStarted { .. } => EventType::TimerStarted,
            A::TimerFired { .. } => EventType::TimerFired,
            A::TimerCanceled { .. } => EventType::TimerCanceled,
            A::WorkflowExecutionCancelRequested { .. } => {
                EventType::WorkflowExecutionCancelRequested
            }
            A::WorkflowExecutionCanceled { .. } => EventType::WorkflowExecutionCanceled,
            A::RequestCancelExternalWorkflowExecutionInitiated { .. } => {
                EventType::RequestCancelExternalWorkflowExecutionInitiated
            }
            A::RequestCancelExternalWorkflowExecutionFailed { .. } => {
                EventType::RequestCancelExternalWorkflowExecutionFailed
            }
            A::ExternalWorkflowExecutionCancelRequested { .. } => {
                EventType::ExternalWorkflowExecutionCancelRequested
            }
            A::MarkerRecorded { .. } => EventType::MarkerRecorded,
            A::WorkflowExecutionSignaled { .. } => EventType::WorkflowExecutionSignaled,
            A::WorkflowExecutionTerminated { .. } => EventType::WorkflowExecutionTerminated,
            A::WorkflowExecutionContinuedAsNew { .. } => EventType::WorkflowExecutionContinuedAsNew,
            A::StartChildWorkflowExecutionInitiated { .. } => {
                EventType::StartChildWorkflowExecutionInitiated
            }
            A::StartChildWorkflowExecutionFailed { .. } => {
                EventType::StartChildWorkflowExecutionFailed
            }
            A::ChildWorkflowExecutionStarted { .. } => EventType::ChildWorkflowExecutionStarted,
            A::ChildWorkflowExecutionCompleted { .. } => EventType::ChildWorkflowExecutionCompleted,
            A::ChildWorkflowExecutionFailed { .. } => EventType::ChildWorkflowExecutionFailed,
            A::ChildWorkflowExecutionCanceled { .. } => EventType::ChildWorkflowExecutionCanceled,
            A::ChildWorkflowExecutionTimedOut { .. } => EventType::ChildWorkflowExecutionTimedOut,
            A::ChildWorkflowExecutionTerminated { .. } => {
                EventType::ChildWorkflowExecutionTerminated
            }
            A::SignalExternalWorkflowExecutionInitiated { .. } => {
                EventType::SignalExternalWorkflowExecutionInitiated
            }
            A::SignalExternalWorkflowExecutionFailed { .. } => {
                EventType::SignalExternalWorkflowExecutionFailed
            }
            A::ExternalWorkflowExecutionSignaled { .. } => {
                EventType::ExternalWorkflowExecutionSignaled
            }
            A::UpsertWorkflowSearchAttributes { .. } => EventType::UpsertWorkflowSearchAttributes,
            A::WorkflowPropertiesModified { .. } => EventType::WorkflowPropertiesModified,
            A::Unmodelled { .. } => EventType::Unmodelled,
        }
    }

    /// What every outcome event of a child workflow (completed, failed,
    /// canceled, timed out, terminated) carries about the child.
    pub fn child_outcome(&self) -> Option<ChildOutcome<'_>> {
        use EventAttributes as A;
        match self {
            A::ChildWorkflowExecutionCompleted {
                namespace,
                workflow_execution,
                workflow_type,
                initiated_event_id,
                started_event_id,
                ..
            }
            | A::ChildWorkflowExecutionFailed {
                namespace,
                workflow_execution,
                workflow_type,
                initiated_event_id,
                started_event_id,
                ..
            }
            | A::ChildWorkflowExecutionCanceled {
                namespace,
                workflow_execution,
                workflow_type,
                initiated_event_id,
                started_event_id,
                ..
            }
            | A::ChildWorkflowExecutionTimedOut {
                namespace,
                workflow_execution,
                workflow_type,
                initiated_event_id,
                started_event_id,
                ..
            }
            | A::ChildWorkflowExecutionTerminated {
                namespace,
                workflow_execution,
                workflow_type,
                initiated_event_id,
                started_event_id,
            } => Some(ChildOutcome {
                namespace,
                child: workflow_execution,
                workflow_type,
                initiated_event_id: *initiated_event_id,
                started_event_id: *started_event_id,
            }),
            _ => None,
        }
    }

    /// The `started_event_id` of a child workflow's outcome event, to fill in.
    pub fn child_outcome_started_event_id_mut(&mut self) -> Option<&mut i64> {
        use EventAttributes as A;
        match self {
            A::ChildWorkflowExecutionCompleted {
                started_event_id, ..
            }
            | A::ChildWorkflowExecutionFailed {
                started_event_id, ..
            }
            | A::ChildWorkflowExecutionCanceled {
                started_event_id, ..
            }
            | A::ChildWorkflowExecutionTimedOut {
                started_event_id, ..
            }
            | A::ChildWorkflowExecutionTerminated {
                started_event_id, ..
            } => Some(started_event_id),
            _ => None,
        }
    }

    /// The WorkflowTaskCompleted event whose commands produced this event,
    /// for command-produced events.
    pub fn workflow_task_completed_event_id(&self) -> Option<i64> {
        use EventAttributes as A;
        match self {
            A::WorkflowExecutionCompleted {
                workflow_task_completed_event_id: id,
                ..
            }
            | A::WorkflowExecutionFailed {
                workflow_task_completed_event_id: id,
                ..
            }
            | A::ActivityTaskCancelRequested {
                workflow_task_completed_event_id: id,
                ..
            }
            | A::TimerStarted {
                workflow_task_completed_event_id: id,
                ..
            }
            | A::TimerCanceled {
                workflow_task_completed_event_id: id,
                ..
            }
            | A::WorkflowExecutionCanceled {
                workflow_task_completed_event_id: id,
                ..
            }
            | A::RequestCancelExternalWorkflowExecutionInitiated {
                workflow_task_completed_event_id: id,
                ..
            }
            | A::MarkerRecorded {
                workflow_task_completed_event_id: id,
                ..
            }
            | A::SignalExternalWorkflowExecutionInitiated {
                workflow_task_completed_event_id: id,
                ..
            }
            | A::UpsertWorkflowSearchAttributes {
                workflow_task_completed_event_id: id,
                ..
            }
            | A::WorkflowPropertiesModified {
                workflow_task_completed_event_id: id,
                ..
            } => Some(*id),
            A::ActivityTaskScheduled(a) => Some(a.workflow_task_completed_event_id),
            A::WorkflowExecutionContinuedAsNew(a) => Some(a.workflow_task_completed_event_id),
            A::StartChildWorkflowExecutionInitiated(a) => Some(a.workflow_task_completed_event_id),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every event of every history is stored at `size_of::<Event>()`, so a
    /// variant growing past the boxed ones multiplies memory per execution.
    #[test]
    fn events_stay_small_because_large_attributes_are_boxed() {
        assert!(
            std::mem::size_of::<Event>() <= 120,
            "Event is {} bytes",
            std::mem::size_of::<Event>()
        );
    }
}
