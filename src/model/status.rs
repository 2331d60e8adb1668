//! Execution statuses and the small enums that events and commands carry.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The status of one run (`temporal.api.enums.v1.WorkflowExecutionStatus`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum WorkflowExecutionStatus {
    /// Open: no closing event yet.
    Running,
    /// Closed by WorkflowExecutionCompleted.
    Completed,
    /// Closed by WorkflowExecutionFailed.
    Failed,
    /// Closed by WorkflowExecutionCanceled.
    Canceled,
    /// Closed by WorkflowExecutionTerminated.
    Terminated,
    /// Closed by WorkflowExecutionContinuedAsNew.
    ContinuedAsNew,
    /// Closed by WorkflowExecutionTimedOut.
    TimedOut,
}

impl WorkflowExecutionStatus {
    /// All statuses, in declaration order.
    pub const ALL: [WorkflowExecutionStatus; 7] = [
        Self::Running,
        Self::Completed,
        Self::Failed,
        Self::Canceled,
        Self::Terminated,
        Self::ContinuedAsNew,
        Self::TimedOut,
    ];

    /// Whether the run is still open.
    pub fn is_running(self) -> bool {
        self == Self::Running
    }

    /// Temporal's enum name, e.g. `WORKFLOW_EXECUTION_STATUS_COMPLETED`.
    pub fn proto_name(self) -> &'static str {
        match self {
            Self::Running => "WORKFLOW_EXECUTION_STATUS_RUNNING",
            Self::Completed => "WORKFLOW_EXECUTION_STATUS_COMPLETED",
            Self::Failed => "WORKFLOW_EXECUTION_STATUS_FAILED",
            Self::Canceled => "WORKFLOW_EXECUTION_STATUS_CANCELED",
            Self::Terminated => "WORKFLOW_EXECUTION_STATUS_TERMINATED",
            Self::ContinuedAsNew => "WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW",
            Self::TimedOut => "WORKFLOW_EXECUTION_STATUS_TIMED_OUT",
        }
    }
}

impl fmt::Display for WorkflowExecutionStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// Why a workflow task failed (`temporal.api.enums.v1.WorkflowTaskFailedCause`),
/// limited to the causes Tempest produces plus an escape hatch for imports.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum WorkflowTaskFailedCause {
    /// A command did not match the recorded history on replay.
    NonDeterministicError,
    /// Workflow code panicked or returned an SDK-level error.
    WorkflowWorkerUnhandledFailure,
    /// The task tried to close the run while new events were buffered.
    UnhandledCommand,
    /// A sticky worker lost the cached execution; the task goes back to the normal queue.
    ResetStickyTaskQueue,
    /// A command was malformed (e.g. duplicate activity id).
    BadScheduleActivityAttributes,
    /// A command was malformed (e.g. duplicate timer id).
    BadStartTimerAttributes,
    /// The history grew past the configured limit.
    ForceCloseCommand,
    /// A cause Tempest does not model, kept by name (imports).
    Other(String),
}

impl WorkflowTaskFailedCause {
    /// Temporal's enum name.
    pub fn proto_name(&self) -> &str {
        match self {
            Self::NonDeterministicError => "WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR",
            Self::WorkflowWorkerUnhandledFailure => "WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE",
            Self::UnhandledCommand => "WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND",
            Self::ResetStickyTaskQueue => "WORKFLOW_TASK_FAILED_CAUSE_RESET_STICKY_TASK_QUEUE",
            Self::BadScheduleActivityAttributes => "WORKFLOW_TASK_FAILED_CAUSE_BAD_SCHEDULE_ACTIVITY_ATTRIBUTES",
            Self::BadStartTimerAttributes => "WORKFLOW_TASK_FAILED_CAUSE_BAD_START_TIMER_ATTRIBUTES",
            Self::ForceCloseCommand => "WORKFLOW_TASK_FAILED_CAUSE_FORCE_CLOSE_COMMAND",
            Self::Other(s) => s,
        }
    }
}

/// What a parent does to a child when the parent closes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ParentClosePolicy {
    /// Terminate the child (the default).
    #[default]
    Terminate,
    /// Ask the child to cancel.
    RequestCancel,
    /// Let the child run on.
    Abandon,
}

/// What a start does when the workflow id already has runs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum WorkflowIdReusePolicy {
    /// Start if no run is open (the default).
    #[default]
    AllowDuplicate,
    /// Start only if the last run failed, was canceled, terminated or timed out.
    AllowDuplicateFailedOnly,
    /// Never start a second run.
    RejectDuplicate,
    /// Terminate an open run, then start.
    TerminateIfRunning,
}

/// Who started a run of a chain (`ContinueAsNewInitiator`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ContinueAsNewInitiator {
    /// The workflow continued as new.
    Workflow,
    /// A retry of a failed or timed-out run.
    Retry,
    /// The next slot of a cron schedule.
    CronSchedule,
}

impl ContinueAsNewInitiator {
    /// Temporal's enum name.
    pub fn proto_name(self) -> &'static str {
        match self {
            Self::Workflow => "CONTINUE_AS_NEW_INITIATOR_WORKFLOW",
            Self::Retry => "CONTINUE_AS_NEW_INITIATOR_RETRY",
            Self::CronSchedule => "CONTINUE_AS_NEW_INITIATOR_CRON_SCHEDULE",
        }
    }
}
