//! Failures, shaped like Temporal's `temporal.api.failure.v1.Failure`: a
//! message, a kind-specific info, and an optional cause chain.

use super::{ActivityId, ActivityType, Payload, RetryState, WorkflowExecution, WorkflowType};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::{Deref, DerefMut};

/// Which of an activity's or workflow task's timeouts fired.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum TimeoutType {
    /// One attempt ran too long (`TIMEOUT_TYPE_START_TO_CLOSE`).
    StartToClose,
    /// The task waited in its queue too long (`TIMEOUT_TYPE_SCHEDULE_TO_START`).
    ScheduleToStart,
    /// All attempts together ran too long (`TIMEOUT_TYPE_SCHEDULE_TO_CLOSE`).
    ScheduleToClose,
    /// The activity stopped heartbeating (`TIMEOUT_TYPE_HEARTBEAT`).
    Heartbeat,
}

impl TimeoutType {
    /// Temporal's enum name, e.g. `TIMEOUT_TYPE_START_TO_CLOSE`.
    pub fn proto_name(self) -> &'static str {
        match self {
            TimeoutType::StartToClose => "TIMEOUT_TYPE_START_TO_CLOSE",
            TimeoutType::ScheduleToStart => "TIMEOUT_TYPE_SCHEDULE_TO_START",
            TimeoutType::ScheduleToClose => "TIMEOUT_TYPE_SCHEDULE_TO_CLOSE",
            TimeoutType::Heartbeat => "TIMEOUT_TYPE_HEARTBEAT",
        }
    }
}

/// What kind of failure this is, with the kind's own fields.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum FailureInfo {
    /// Raised by user code (`ApplicationFailureInfo`).
    Application {
        /// The error type name, matched against `non_retryable_error_types`.
        #[serde(rename = "type")]
        type_name: String,
        /// Set by the code to stop retries whatever the policy says.
        non_retryable: bool,
        /// Details attached by the code.
        details: Option<Payload>,
    },
    /// A timeout fired (`TimeoutFailureInfo`).
    Timeout {
        /// Which timeout.
        timeout_type: TimeoutType,
        /// Details from the last heartbeat, if any.
        last_heartbeat_details: Option<Payload>,
    },
    /// Cancellation (`CanceledFailureInfo`).
    Canceled {
        /// Details of the cancellation.
        details: Option<Payload>,
    },
    /// The execution was terminated (`TerminatedFailureInfo`).
    Terminated,
    /// Raised by the Service (`ServerFailureInfo`).
    Server {
        /// Whether retrying can help.
        non_retryable: bool,
    },
    /// Wraps the cause of an activity's failure as seen by workflow code
    /// (`ActivityFailureInfo`).
    Activity {
        /// The ActivityTaskScheduled event.
        scheduled_event_id: i64,
        /// The ActivityTaskStarted event.
        started_event_id: i64,
        /// The activity's type.
        activity_type: ActivityType,
        /// The activity's id.
        activity_id: ActivityId,
        /// Why retries stopped.
        retry_state: RetryState,
    },
    /// Wraps the cause of a child workflow's failure (`ChildWorkflowExecutionFailureInfo`).
    ChildWorkflow {
        /// The child.
        workflow_execution: WorkflowExecution,
        /// The child's type.
        workflow_type: WorkflowType,
        /// The StartChildWorkflowExecutionInitiated event.
        initiated_event_id: i64,
        /// The ChildWorkflowExecutionStarted event.
        started_event_id: i64,
        /// Why retries stopped.
        retry_state: RetryState,
    },
    /// A failure info Tempest does not model (e.g. `resetWorkflowFailureInfo`,
    /// `nexusOperationExecutionFailureInfo`), kept from an import so that it
    /// exports back unchanged. `info_key` is its proto3 JSON field name, empty
    /// when the failure had no info at all.
    Unmodelled {
        /// The JSON field name of the info, e.g. `resetWorkflowFailureInfo`.
        info_key: String,
        /// The info's JSON value as imported.
        attributes: serde_json::Value,
    },
}

/// A failure with its cause chain. Its fields live behind one pointer and
/// are reached through `Deref`, so that the many events and results that
/// may hold a failure stay small; it serializes exactly as its fields.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Failure(Box<FailureFields>);

/// The fields of a [`Failure`].
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct FailureFields {
    /// Human-readable message.
    pub message: String,
    /// Stack trace or other context, if any.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub stack_trace: String,
    /// The kind of failure.
    pub info: FailureInfo,
    /// The failure that caused this one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<Box<Failure>>,
}

impl From<FailureFields> for Failure {
    fn from(fields: FailureFields) -> Failure {
        Failure(Box::new(fields))
    }
}

impl Deref for Failure {
    type Target = FailureFields;
    fn deref(&self) -> &FailureFields {
        &self.0
    }
}

impl DerefMut for Failure {
    fn deref_mut(&mut self) -> &mut FailureFields {
        &mut self.0
    }
}

/// Written as the struct `Failure` was before its fields were boxed, so
/// that debug output does not change.
impl fmt::Debug for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Failure")
            .field("message", &self.message)
            .field("stack_trace", &self.stack_trace)
            .field("info", &self.info)
            .field("cause", &self.cause)
            .finish()
    }
}

impl Failure {
    /// An application failure of the given type; retryable unless the
    /// policy lists its type.
    pub fn application(type_name: impl Into<String>, message: impl Into<String>) -> Failure {
        Failure::from(FailureFields {
            message: message.into(),
            stack_trace: String::new(),
            info: FailureInfo::Application {
                type_name: type_name.into(),
                non_retryable: false,
                details: None,
            },
            cause: None,
        })
    }

    /// An application failure that must not be retried.
    pub fn non_retryable(type_name: impl Into<String>, message: impl Into<String>) -> Failure {
        let mut f = Failure::application(type_name, message);
        if let FailureInfo::Application { non_retryable, .. } = &mut f.info {
            *non_retryable = true;
        }
        f
    }

    /// A timeout failure.
    pub fn timeout(timeout_type: TimeoutType) -> Failure {
        Failure::from(FailureFields {
            message: format!("activity {} timeout", timeout_type.proto_name()),
            stack_trace: String::new(),
            info: FailureInfo::Timeout {
                timeout_type,
                last_heartbeat_details: None,
            },
            cause: None,
        })
    }

    /// A cancellation.
    pub fn canceled(message: impl Into<String>) -> Failure {
        Failure::from(FailureFields {
            message: message.into(),
            stack_trace: String::new(),
            info: FailureInfo::Canceled { details: None },
            cause: None,
        })
    }

    /// A failure raised by the Service itself.
    pub fn server(message: impl Into<String>, non_retryable: bool) -> Failure {
        Failure::from(FailureFields {
            message: message.into(),
            stack_trace: String::new(),
            info: FailureInfo::Server { non_retryable },
            cause: None,
        })
    }

    /// Attaches a cause.
    pub fn with_cause(mut self, cause: Failure) -> Failure {
        self.cause = Some(Box::new(cause));
        self
    }

    /// The application error type, if this is an application failure.
    pub fn application_type(&self) -> Option<&str> {
        match &self.info {
            FailureInfo::Application { type_name, .. } => Some(type_name),
            _ => None,
        }
    }

    /// Whether the failure itself forbids retries (an application failure
    /// marked non-retryable, or a non-retryable server failure).
    pub fn is_non_retryable(&self) -> bool {
        match &self.info {
            FailureInfo::Application { non_retryable, .. }
            | FailureInfo::Server { non_retryable } => *non_retryable,
            _ => false,
        }
    }

    /// The timeout type if this is a timeout failure.
    pub fn timeout_type(&self) -> Option<TimeoutType> {
        match &self.info {
            FailureInfo::Timeout { timeout_type, .. } => Some(*timeout_type),
            _ => None,
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.info {
            FailureInfo::Application { type_name, .. } => {
                write!(f, "{type_name}: {}", self.message)?
            }
            _ => write!(f, "{}", self.message)?,
        }
        if let Some(cause) = &self.cause {
            write!(f, " (cause: {cause})")?;
        }
        Ok(())
    }
}
