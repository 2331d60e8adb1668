//! The Service's API: requests and responses, shaped like Temporal's
//! `WorkflowService` gRPC methods. Every message that crosses a process
//! boundary in the simulated world is one of these, so the network can delay,
//! drop, duplicate or reorder it.

use crate::model::*;
use serde::{Deserialize, Serialize};
use std::rc::Rc;

/// Identifies one outstanding call so the world can route its response.
/// Opaque to the Service.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct CallId(pub u64);

impl CallId {
    /// The request id that a task started by this poll records:
    /// `poll-<call>`.
    pub(crate) fn poll_request_id(self) -> RequestId {
        RequestId::Poll(self.0)
    }
}

/// A request to the Service. The start request, by far the largest, is
/// boxed: every request is moved through the network several times. A
/// workflow task's completion is shared (`Rc`): its caller keeps it for a
/// resend after a timeout, and the Service reads it by reference, so
/// keeping it copies no commands.
#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq)]
pub enum Request {
    StartWorkflowExecution(Box<StartWorkflowExecutionRequest>),
    SignalWorkflowExecution(SignalWorkflowExecutionRequest),
    RequestCancelWorkflowExecution(RequestCancelWorkflowExecutionRequest),
    TerminateWorkflowExecution(TerminateWorkflowExecutionRequest),
    DescribeWorkflowExecution(DescribeWorkflowExecutionRequest),
    ListWorkflowExecutions(ListWorkflowExecutionsRequest),
    GetWorkflowExecutionHistory(GetWorkflowExecutionHistoryRequest),
    PollWorkflowTaskQueue(PollWorkflowTaskQueueRequest),
    RespondWorkflowTaskCompleted(Rc<RespondWorkflowTaskCompletedRequest>),
    RespondWorkflowTaskFailed(RespondWorkflowTaskFailedRequest),
    PollActivityTaskQueue(PollActivityTaskQueueRequest),
    RecordActivityTaskHeartbeat(RecordActivityTaskHeartbeatRequest),
    RespondActivityTaskCompleted(RespondActivityTaskCompletedRequest),
    RespondActivityTaskFailed(RespondActivityTaskFailedRequest),
    RespondActivityTaskCanceled(RespondActivityTaskCanceledRequest),
}

/// A response from the Service (or, for `Error(Unavailable)`, from the
/// network on its behalf).
#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq)]
pub enum Response {
    StartWorkflowExecution(StartWorkflowExecutionResponse),
    SignalWorkflowExecution,
    RequestCancelWorkflowExecution,
    TerminateWorkflowExecution,
    DescribeWorkflowExecution(Box<DescribeWorkflowExecutionResponse>),
    ListWorkflowExecutions(ListWorkflowExecutionsResponse),
    GetWorkflowExecutionHistory(GetWorkflowExecutionHistoryResponse),
    /// `None`: the long poll expired with no task.
    PollWorkflowTaskQueue(Option<Box<PollWorkflowTaskQueueResponse>>),
    RespondWorkflowTaskCompleted,
    RespondWorkflowTaskFailed,
    /// `None`: the long poll expired with no task.
    PollActivityTaskQueue(Option<Box<PollActivityTaskQueueResponse>>),
    RecordActivityTaskHeartbeat(RecordActivityTaskHeartbeatResponse),
    RespondActivityTaskCompleted,
    RespondActivityTaskFailed,
    RespondActivityTaskCanceled,
    Error(ServiceError),
}

/// Errors the Service returns, named after Temporal's gRPC errors.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ServiceError {
    /// No such execution (or it is closed, for operations needing an open one).
    NotFound(String),
    /// A start for a workflow id whose run is open (or whose reuse policy forbids it).
    WorkflowExecutionAlreadyStarted {
        /// The existing run.
        run_id: RunId,
    },
    /// The request was malformed.
    InvalidArgument(String),
    /// The task token does not name the current task (stale, duplicate, or unknown).
    TaskNotFound(String),
    /// The Service could not be reached or is restarting.
    Unavailable,
}

impl std::fmt::Display for ServiceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ServiceError::NotFound(m) => write!(f, "not found: {m}"),
            ServiceError::WorkflowExecutionAlreadyStarted { run_id } => {
                write!(f, "workflow execution already started (run {run_id})")
            }
            ServiceError::InvalidArgument(m) => write!(f, "invalid argument: {m}"),
            ServiceError::TaskNotFound(m) => write!(f, "task not found: {m}"),
            ServiceError::Unavailable => write!(f, "service unavailable"),
        }
    }
}

/// Names one workflow task dispatch. Stale if the run has moved on.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct WorkflowTaskToken {
    /// The run.
    pub execution: WorkflowExecution,
    /// Where the run sits in the Service's Store: a hint that spares a
    /// lookup by `execution`, which alone decides (a hint naming another
    /// run is ignored).
    pub run_hint: u32,
    /// The task's WorkflowTaskScheduled id (for a transient attempt, the id it will get).
    pub scheduled_event_id: i64,
    /// The task's attempt.
    pub attempt: u32,
}

/// Names one activity attempt. Stale once that attempt has ended.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ActivityTaskToken {
    /// The run.
    pub execution: WorkflowExecution,
    /// Where the run sits in the Service's Store: a hint that spares a
    /// lookup by `execution`, which alone decides (a hint naming another
    /// run is ignored).
    pub run_hint: u32,
    /// The ActivityTaskScheduled event.
    pub scheduled_event_id: i64,
    /// The attempt this token was issued for.
    pub attempt: u32,
}

/// StartWorkflowExecution.
#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq)]
pub struct StartWorkflowExecutionRequest {
    pub namespace: Namespace,
    pub workflow_id: WorkflowId,
    pub workflow_type: WorkflowType,
    pub task_queue: TaskQueue,
    pub input: Payload,
    pub workflow_execution_timeout: Option<Duration>,
    pub workflow_run_timeout: Option<Duration>,
    /// `None`: 10 s.
    pub workflow_task_timeout: Option<Duration>,
    pub identity: Rc<str>,
    /// A retried request with the same id returns the same run.
    pub request_id: Rc<str>,
    pub workflow_id_reuse_policy: WorkflowIdReusePolicy,
    pub retry_policy: Option<RetryPolicy>,
    pub cron_schedule: Option<String>,
    pub memo: Memo,
}

/// The run a start created (or found, for a repeated request id).
#[derive(Clone, Debug, PartialEq)]
pub struct StartWorkflowExecutionResponse {
    /// The run.
    pub run_id: RunId,
}

/// SignalWorkflowExecution.
#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq)]
pub struct SignalWorkflowExecutionRequest {
    pub namespace: Namespace,
    /// An empty run id means the current run.
    pub workflow_execution: WorkflowExecution,
    pub signal_name: String,
    pub input: Payload,
    pub identity: Rc<str>,
    /// A retried request with the same id is applied once.
    pub request_id: Rc<str>,
}

/// RequestCancelWorkflowExecution.
#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq)]
pub struct RequestCancelWorkflowExecutionRequest {
    pub namespace: Namespace,
    /// An empty run id means the current run.
    pub workflow_execution: WorkflowExecution,
    pub identity: Rc<str>,
    pub request_id: Rc<str>,
    pub reason: String,
}

/// TerminateWorkflowExecution.
#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq)]
pub struct TerminateWorkflowExecutionRequest {
    pub namespace: Namespace,
    /// An empty run id means the current run.
    pub workflow_execution: WorkflowExecution,
    pub reason: String,
    pub details: Option<Payload>,
    pub identity: Rc<str>,
}

/// DescribeWorkflowExecution.
#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq)]
pub struct DescribeWorkflowExecutionRequest {
    pub namespace: Namespace,
    /// An empty run id means the current run.
    pub workflow_execution: WorkflowExecution,
}

/// One row of List, and the head of Describe.
#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WorkflowExecutionInfo {
    pub execution: WorkflowExecution,
    pub workflow_type: WorkflowType,
    pub task_queue: TaskQueue,
    pub status: WorkflowExecutionStatus,
    pub start_time: SimTime,
    pub close_time: Option<SimTime>,
    pub history_length: i64,
    pub memo: Memo,
    pub state_transition_count: u64,
    pub parent_execution: Option<WorkflowExecution>,
    /// The chain's first run.
    pub first_run_id: RunId,
}

/// An activity that has not reached its outcome.
#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PendingActivityInfo {
    pub activity_id: ActivityId,
    pub activity_type: ActivityType,
    pub scheduled_event_id: i64,
    /// Whether an attempt is running now.
    pub started: bool,
    pub attempt: u32,
    pub cancel_requested: bool,
    pub last_failure: Option<Failure>,
    pub last_heartbeat_details: Option<Payload>,
}

/// A timer that has not fired or been canceled.
#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PendingTimerInfo {
    pub timer_id: TimerId,
    pub started_event_id: i64,
    pub fire_time: SimTime,
}

/// A child this run started (or is starting) whose outcome is not yet recorded.
#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PendingChildInfo {
    pub initiated_event_id: i64,
    pub workflow_id: WorkflowId,
    pub workflow_type: WorkflowType,
    /// The child's first run, once started.
    pub run_id: Option<RunId>,
    pub parent_close_policy: ParentClosePolicy,
}

/// What Describe returns.
#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DescribeWorkflowExecutionResponse {
    pub info: WorkflowExecutionInfo,
    pub pending_activities: Vec<PendingActivityInfo>,
    pub pending_timers: Vec<PendingTimerInfo>,
    /// Children not yet closed (as far as this run has recorded).
    pub pending_children: Vec<PendingChildInfo>,
    /// Every run of this run's chain (same workflow id and first run), in
    /// start order: each run's status, memo and links.
    pub chain: Vec<WorkflowExecutionInfo>,
}

/// ListWorkflowExecutions: every run, optionally filtered.
#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ListWorkflowExecutionsRequest {
    pub namespace: Namespace,
    pub status: Option<WorkflowExecutionStatus>,
    pub workflow_id: Option<WorkflowId>,
}

/// The rows of List, in start order.
#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq)]
pub struct ListWorkflowExecutionsResponse {
    pub executions: Vec<WorkflowExecutionInfo>,
}

/// GetWorkflowExecutionHistory.
#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq)]
pub struct GetWorkflowExecutionHistoryRequest {
    pub namespace: Namespace,
    /// An empty run id means the current run.
    pub workflow_execution: WorkflowExecution,
}

/// A whole history.
#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq)]
pub struct GetWorkflowExecutionHistoryResponse {
    pub history: History,
}

/// PollWorkflowTaskQueue: a long poll on a normal or a sticky queue.
#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq)]
pub struct PollWorkflowTaskQueueRequest {
    pub namespace: Namespace,
    pub task_queue: TaskQueue,
    pub identity: Rc<str>,
}

/// A workflow task handed to a worker.
#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq)]
pub struct PollWorkflowTaskQueueResponse {
    pub task_token: WorkflowTaskToken,
    pub workflow_execution: WorkflowExecution,
    pub workflow_type: WorkflowType,
    /// The WorkflowTaskStarted of the last completed task (0 if none).
    pub previous_started_event_id: i64,
    /// This task's WorkflowTaskStarted id.
    pub started_event_id: i64,
    pub attempt: u32,
    /// The id of `history[0]`: 1 for a full history; later for a sticky task,
    /// which carries only the events the sticky worker has not seen.
    /// A transient task's Scheduled/Started events (attempt > 1) are included
    /// at the end although they are not yet in the stored history.
    pub first_event_id: i64,
    pub history: TaskHistory,
}

/// The events a workflow task carries: the end of the run's history from
/// some event on, shared with the Store instead of copied. Reads as a slice
/// of events.
#[derive(Clone)]
pub struct TaskHistory {
    events: Rc<Vec<Event>>,
    first_index: usize,
}

impl TaskHistory {
    /// The events of `events` from index `first_index` on.
    pub(crate) fn shared(events: Rc<Vec<Event>>, first_index: usize) -> TaskHistory {
        debug_assert!(first_index <= events.len());
        TaskHistory {
            events,
            first_index,
        }
    }
}

impl From<Vec<Event>> for TaskHistory {
    fn from(events: Vec<Event>) -> TaskHistory {
        TaskHistory::shared(Rc::new(events), 0)
    }
}

impl std::ops::Deref for TaskHistory {
    type Target = [Event];
    fn deref(&self) -> &[Event] {
        &self.events[self.first_index..]
    }
}

impl std::fmt::Debug for TaskHistory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&**self, f)
    }
}

impl PartialEq for TaskHistory {
    fn eq(&self, other: &TaskHistory) -> bool {
        **self == **other
    }
}

/// RespondWorkflowTaskCompleted.
#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq)]
pub struct RespondWorkflowTaskCompletedRequest {
    pub task_token: WorkflowTaskToken,
    pub commands: Vec<Command>,
    pub identity: Rc<str>,
    /// The worker's sticky queue: the next task of this run goes there.
    pub sticky_task_queue: Option<TaskQueue>,
}

/// RespondWorkflowTaskFailed.
#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq)]
pub struct RespondWorkflowTaskFailedRequest {
    pub task_token: WorkflowTaskToken,
    pub cause: WorkflowTaskFailedCause,
    pub failure: Failure,
    pub identity: Rc<str>,
}

/// PollActivityTaskQueue.
#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq)]
pub struct PollActivityTaskQueueRequest {
    pub namespace: Namespace,
    pub task_queue: TaskQueue,
    pub identity: Rc<str>,
}

/// An activity attempt handed to a worker.
#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq)]
pub struct PollActivityTaskQueueResponse {
    pub task_token: ActivityTaskToken,
    pub workflow_execution: WorkflowExecution,
    pub workflow_type: WorkflowType,
    pub activity_id: ActivityId,
    pub activity_type: ActivityType,
    pub input: Payload,
    pub attempt: u32,
    pub scheduled_time: SimTime,
    pub started_time: SimTime,
    pub schedule_to_close_timeout: Option<Duration>,
    pub start_to_close_timeout: Option<Duration>,
    pub heartbeat_timeout: Option<Duration>,
    pub heartbeat_details: Option<Payload>,
}

/// RecordActivityTaskHeartbeat.
#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq)]
pub struct RecordActivityTaskHeartbeatRequest {
    pub task_token: ActivityTaskToken,
    pub details: Option<Payload>,
    pub identity: Rc<str>,
}

/// Whether the workflow asked for the activity to be canceled.
#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq)]
pub struct RecordActivityTaskHeartbeatResponse {
    pub cancel_requested: bool,
}

/// RespondActivityTaskCompleted.
#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq)]
pub struct RespondActivityTaskCompletedRequest {
    pub task_token: ActivityTaskToken,
    pub result: Payload,
    pub identity: Rc<str>,
}

/// RespondActivityTaskFailed.
#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq)]
pub struct RespondActivityTaskFailedRequest {
    pub task_token: ActivityTaskToken,
    pub failure: Failure,
    pub identity: Rc<str>,
}

/// RespondActivityTaskCanceled.
#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq)]
pub struct RespondActivityTaskCanceledRequest {
    pub task_token: ActivityTaskToken,
    pub details: Option<Payload>,
    pub identity: Rc<str>,
}

#[cfg(test)]
mod tests {
    use super::CallId;

    #[test]
    fn poll_request_ids_read_as_formatted() {
        for call in [0, 1, 9, 10, 99, 12_345, u64::MAX] {
            assert_eq!(
                CallId(call).poll_request_id().text(),
                format!("poll-{call}")
            );
        }
    }
}
