//! Commands: what workflow code asks the Service to do at the end of a
//! workflow task (`temporal.api.command.v1`). Each command, once accepted,
//! becomes one event after the task's WorkflowTaskCompleted.

use super::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Options of a ScheduleActivityTask command.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScheduleActivity {
    /// Unique within the run.
    pub activity_id: ActivityId,
    /// The registered activity name.
    pub activity_type: ActivityType,
    /// Where workers poll for it.
    pub task_queue: TaskQueue,
    /// The argument.
    pub input: Payload,
    /// Across all attempts.
    pub schedule_to_close_timeout: Option<Duration>,
    /// Waiting in the queue.
    pub schedule_to_start_timeout: Option<Duration>,
    /// One attempt.
    pub start_to_close_timeout: Option<Duration>,
    /// Between heartbeats.
    pub heartbeat_timeout: Option<Duration>,
    /// `None` means Temporal's default policy (activities retry by default).
    pub retry_policy: Option<RetryPolicy>,
}

/// Options of a StartChildWorkflowExecution command.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StartChildWorkflow {
    /// The child's namespace.
    pub namespace: Namespace,
    /// The child's workflow id.
    pub workflow_id: WorkflowId,
    /// The child's type.
    pub workflow_type: WorkflowType,
    /// The child's task queue.
    pub task_queue: TaskQueue,
    /// The child's input.
    pub input: Payload,
    /// The child chain's timeout.
    pub workflow_execution_timeout: Option<Duration>,
    /// The child run's timeout.
    pub workflow_run_timeout: Option<Duration>,
    /// The child's workflow task timeout.
    pub workflow_task_timeout: Option<Duration>,
    /// What happens to the child when the parent closes.
    pub parent_close_policy: ParentClosePolicy,
    /// How an existing workflow id is treated.
    pub workflow_id_reuse_policy: WorkflowIdReusePolicy,
    /// Retries of the child workflow.
    pub retry_policy: Option<RetryPolicy>,
    /// A cron schedule for the child.
    pub cron_schedule: Option<String>,
    /// The child's initial memo.
    pub memo: Memo,
}

/// Options of a ContinueAsNewWorkflowExecution command.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ContinueAsNew {
    /// The next run's type (usually the same).
    pub workflow_type: WorkflowType,
    /// The next run's task queue.
    pub task_queue: TaskQueue,
    /// The next run's input.
    pub input: Payload,
    /// The next run's run timeout (`None`: keep the current one).
    pub workflow_run_timeout: Option<Duration>,
    /// The next run's workflow task timeout (`None`: keep the current one).
    pub workflow_task_timeout: Option<Duration>,
    /// Delay before the next run's first workflow task.
    pub backoff_start_interval: Option<Duration>,
    /// The next run's memo (`None`: carry the current memo forward).
    pub memo: Option<Memo>,
}

/// A command produced by workflow code.
#[allow(missing_docs)] // field names are Temporal's
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Command {
    ScheduleActivityTask(ScheduleActivity),
    RequestCancelActivityTask { scheduled_event_id: i64 },
    StartTimer { timer_id: TimerId, start_to_fire_timeout: Duration },
    CancelTimer { timer_id: TimerId },
    CompleteWorkflowExecution { result: Payload },
    FailWorkflowExecution { failure: Failure },
    CancelWorkflowExecution { details: Option<Payload> },
    ContinueAsNewWorkflowExecution(ContinueAsNew),
    RecordMarker { marker_name: String, details: BTreeMap<String, Payload>, failure: Option<Failure> },
    ModifyWorkflowProperties { upserted_memo: Memo },
    UpsertWorkflowSearchAttributes { search_attributes: BTreeMap<String, Payload> },
    StartChildWorkflowExecution(StartChildWorkflow),
    SignalExternalWorkflowExecution {
        namespace: Namespace,
        /// `run_id` may be empty: the current run of the workflow id.
        workflow_execution: WorkflowExecution,
        signal_name: String,
        input: Payload,
        child_workflow_only: bool,
    },
    RequestCancelExternalWorkflowExecution {
        namespace: Namespace,
        /// `run_id` may be empty: the current run of the workflow id.
        workflow_execution: WorkflowExecution,
        child_workflow_only: bool,
        reason: String,
    },
}

impl Command {
    /// Temporal's command type name, e.g. `ScheduleActivityTask`.
    pub fn name(&self) -> &'static str {
        match self {
            Command::ScheduleActivityTask(_) => "ScheduleActivityTask",
            Command::RequestCancelActivityTask { .. } => "RequestCancelActivityTask",
            Command::StartTimer { .. } => "StartTimer",
            Command::CancelTimer { .. } => "CancelTimer",
            Command::CompleteWorkflowExecution { .. } => "CompleteWorkflowExecution",
            Command::FailWorkflowExecution { .. } => "FailWorkflowExecution",
            Command::CancelWorkflowExecution { .. } => "CancelWorkflowExecution",
            Command::ContinueAsNewWorkflowExecution(_) => "ContinueAsNewWorkflowExecution",
            Command::RecordMarker { .. } => "RecordMarker",
            Command::ModifyWorkflowProperties { .. } => "ModifyWorkflowProperties",
            Command::UpsertWorkflowSearchAttributes { .. } => "UpsertWorkflowSearchAttributes",
            Command::StartChildWorkflowExecution(_) => "StartChildWorkflowExecution",
            Command::SignalExternalWorkflowExecution { .. } => "SignalExternalWorkflowExecution",
            Command::RequestCancelExternalWorkflowExecution { .. } => "RequestCancelExternalWorkflowExecution",
        }
    }

    /// The event type this command produces when accepted.
    pub fn event_type(&self) -> EventType {
        match self {
            Command::ScheduleActivityTask(_) => EventType::ActivityTaskScheduled,
            Command::RequestCancelActivityTask { .. } => EventType::ActivityTaskCancelRequested,
            Command::StartTimer { .. } => EventType::TimerStarted,
            Command::CancelTimer { .. } => EventType::TimerCanceled,
            Command::CompleteWorkflowExecution { .. } => EventType::WorkflowExecutionCompleted,
            Command::FailWorkflowExecution { .. } => EventType::WorkflowExecutionFailed,
            Command::CancelWorkflowExecution { .. } => EventType::WorkflowExecutionCanceled,
            Command::ContinueAsNewWorkflowExecution(_) => EventType::WorkflowExecutionContinuedAsNew,
            Command::RecordMarker { .. } => EventType::MarkerRecorded,
            Command::ModifyWorkflowProperties { .. } => EventType::WorkflowPropertiesModified,
            Command::UpsertWorkflowSearchAttributes { .. } => EventType::UpsertWorkflowSearchAttributes,
            Command::StartChildWorkflowExecution(_) => EventType::StartChildWorkflowExecutionInitiated,
            Command::SignalExternalWorkflowExecution { .. } => EventType::SignalExternalWorkflowExecutionInitiated,
            Command::RequestCancelExternalWorkflowExecution { .. } => EventType::RequestCancelExternalWorkflowExecutionInitiated,
        }
    }

    /// Whether accepting this command closes the run.
    pub fn closes_run(&self) -> bool {
        self.event_type().is_closing()
    }
}
