//! Running one activity attempt: look the activity up, call it with its
//! context, and turn its result (or panic) into an outcome to report.

use super::panics::catch_user_panic;
use crate::model::{Failure, Payload};
use crate::service::api::PollActivityTaskQueueResponse;
use crate::workflow::{ActivityContext, Registry};

/// How one activity attempt ended.
#[derive(Clone, Debug, PartialEq)]
pub enum ActivityOutcome {
    /// The activity returned a result.
    Completed(Payload),
    /// The activity failed, panicked (type `PanicError`) or is not registered
    /// (type `ActivityNotRegistered`).
    Failed(Failure),
}

/// Runs the attempt described by `task` with the registered activity.
pub fn execute_activity(
    registry: &Registry,
    task: &PollActivityTaskQueueResponse,
) -> ActivityOutcome {
    let Some(activity) = registry.activity(task.activity_type.as_str()) else {
        return ActivityOutcome::Failed(Failure::application(
            "ActivityNotRegistered",
            format!(
                "activity type {} is not registered on this worker",
                task.activity_type
            ),
        ));
    };
    let ctx = ActivityContext {
        attempt: task.attempt,
        activity_id: &task.activity_id,
        activity_type: &task.activity_type,
        workflow_execution: &task.workflow_execution,
        heartbeat_details: task.heartbeat_details.as_ref(),
    };
    match catch_user_panic(|| activity(&ctx, task.input.clone())) {
        Ok(Ok(result)) => ActivityOutcome::Completed(result),
        Ok(Err(failure)) => ActivityOutcome::Failed(failure),
        Err(message) => ActivityOutcome::Failed(Failure::application("PanicError", message)),
    }
}
