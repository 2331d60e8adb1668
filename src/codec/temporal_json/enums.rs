//! Temporal's enum spellings: the current full names (`RETRY_STATE_TIMEOUT`)
//! that export writes, and the older CamelCase names (`Timeout`) that import
//! also reads, mapped onto Tempest's enums.

use crate::model::{
    ContinueAsNewInitiator, ParentClosePolicy, RetryState, TimeoutType, WorkflowIdReusePolicy,
    WorkflowTaskFailedCause,
};

/// The full enum name: `text` itself if it already carries `prefix`,
/// otherwise its CamelCase spelling turned into `PREFIX_UPPER_SNAKE`
/// (`"UnhandledCommand"` → `"WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND"`).
pub fn full_enum_name(text: &str, prefix: &str) -> String {
    if text.starts_with(prefix) {
        return text.to_string();
    }
    let mut name = String::with_capacity(prefix.len() + text.len() + 8);
    name.push_str(prefix);
    for (i, c) in text.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            name.push('_');
        }
        name.push(c.to_ascii_uppercase());
    }
    name
}

/// `RETRY_STATE_*`.
pub const RETRY_STATE: &str = "RETRY_STATE_";
/// `TIMEOUT_TYPE_*`.
pub const TIMEOUT_TYPE: &str = "TIMEOUT_TYPE_";
/// `WORKFLOW_TASK_FAILED_CAUSE_*`.
pub const WORKFLOW_TASK_FAILED_CAUSE: &str = "WORKFLOW_TASK_FAILED_CAUSE_";
/// `PARENT_CLOSE_POLICY_*`.
pub const PARENT_CLOSE_POLICY: &str = "PARENT_CLOSE_POLICY_";
/// `WORKFLOW_ID_REUSE_POLICY_*`.
pub const WORKFLOW_ID_REUSE_POLICY: &str = "WORKFLOW_ID_REUSE_POLICY_";
/// `CONTINUE_AS_NEW_INITIATOR_*`.
pub const CONTINUE_AS_NEW_INITIATOR: &str = "CONTINUE_AS_NEW_INITIATOR_";

/// Reads a retry state by its full name.
pub fn retry_state(full: &str) -> Option<RetryState> {
    [
        RetryState::Unspecified,
        RetryState::InProgress,
        RetryState::NonRetryableFailure,
        RetryState::Timeout,
        RetryState::MaximumAttemptsReached,
        RetryState::RetryPolicyNotSet,
        RetryState::InternalServerError,
        RetryState::CancelRequested,
    ]
    .into_iter()
    .find(|s| s.proto_name() == full)
}

/// Reads a timeout type by its full name.
pub fn timeout_type(full: &str) -> Option<TimeoutType> {
    [
        TimeoutType::StartToClose,
        TimeoutType::ScheduleToStart,
        TimeoutType::ScheduleToClose,
        TimeoutType::Heartbeat,
    ]
    .into_iter()
    .find(|t| t.proto_name() == full)
}

/// Reads a workflow task failure cause by its full name; causes Tempest does
/// not model are kept by name.
pub fn workflow_task_failed_cause(full: String) -> WorkflowTaskFailedCause {
    use WorkflowTaskFailedCause as C;
    [
        C::NonDeterministicError,
        C::WorkflowWorkerUnhandledFailure,
        C::UnhandledCommand,
        C::ResetStickyTaskQueue,
        C::BadScheduleActivityAttributes,
        C::BadStartTimerAttributes,
        C::ForceCloseCommand,
    ]
    .into_iter()
    .find(|c| c.proto_name() == full)
    .unwrap_or(C::Other(full))
}

/// Temporal's name of a parent close policy.
pub fn parent_close_policy_name(policy: ParentClosePolicy) -> &'static str {
    match policy {
        ParentClosePolicy::Terminate => "PARENT_CLOSE_POLICY_TERMINATE",
        ParentClosePolicy::RequestCancel => "PARENT_CLOSE_POLICY_REQUEST_CANCEL",
        ParentClosePolicy::Abandon => "PARENT_CLOSE_POLICY_ABANDON",
    }
}

/// Reads a parent close policy; `UNSPECIFIED` is Temporal's default, Terminate.
pub fn parent_close_policy(full: &str) -> Option<ParentClosePolicy> {
    if full == "PARENT_CLOSE_POLICY_UNSPECIFIED" {
        return Some(ParentClosePolicy::Terminate);
    }
    [
        ParentClosePolicy::Terminate,
        ParentClosePolicy::RequestCancel,
        ParentClosePolicy::Abandon,
    ]
    .into_iter()
    .find(|p| parent_close_policy_name(*p) == full)
}

/// Temporal's name of a workflow id reuse policy.
pub fn reuse_policy_name(policy: WorkflowIdReusePolicy) -> &'static str {
    match policy {
        WorkflowIdReusePolicy::AllowDuplicate => "WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE",
        WorkflowIdReusePolicy::AllowDuplicateFailedOnly => {
            "WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY"
        }
        WorkflowIdReusePolicy::RejectDuplicate => "WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE",
        WorkflowIdReusePolicy::TerminateIfRunning => {
            "WORKFLOW_ID_REUSE_POLICY_TERMINATE_IF_RUNNING"
        }
    }
}

/// Reads a workflow id reuse policy; `UNSPECIFIED` is the default, AllowDuplicate.
pub fn reuse_policy(full: &str) -> Option<WorkflowIdReusePolicy> {
    use WorkflowIdReusePolicy as P;
    if full == "WORKFLOW_ID_REUSE_POLICY_UNSPECIFIED" {
        return Some(P::AllowDuplicate);
    }
    [
        P::AllowDuplicate,
        P::AllowDuplicateFailedOnly,
        P::RejectDuplicate,
        P::TerminateIfRunning,
    ]
    .into_iter()
    .find(|p| reuse_policy_name(*p) == full)
}

/// Reads a continue-as-new initiator; `UNSPECIFIED` is none.
pub fn initiator(full: &str) -> Option<Option<ContinueAsNewInitiator>> {
    if full == "CONTINUE_AS_NEW_INITIATOR_UNSPECIFIED" {
        return Some(None);
    }
    [
        ContinueAsNewInitiator::Workflow,
        ContinueAsNewInitiator::Retry,
        ContinueAsNewInitiator::CronSchedule,
    ]
    .into_iter()
    .find(|i| i.proto_name() == full)
    .map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_camel_case_names_become_full_names() {
        assert_eq!(
            full_enum_name("UnhandledCommand", WORKFLOW_TASK_FAILED_CAUSE),
            "WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND"
        );
        assert_eq!(
            full_enum_name("RETRY_STATE_TIMEOUT", RETRY_STATE),
            "RETRY_STATE_TIMEOUT"
        );
        assert_eq!(
            full_enum_name("Abandon", PARENT_CLOSE_POLICY),
            "PARENT_CLOSE_POLICY_ABANDON"
        );
    }

    #[test]
    fn unknown_causes_are_kept_by_name() {
        let cause =
            workflow_task_failed_cause(full_enum_name("ResetWorkflow", WORKFLOW_TASK_FAILED_CAUSE));
        assert_eq!(
            cause,
            WorkflowTaskFailedCause::Other("WORKFLOW_TASK_FAILED_CAUSE_RESET_WORKFLOW".into())
        );
    }
}
