//! What activity code knows about the attempt it runs in. Activities are
//! plain sync functions: the simulated world decides how long they take and
//! which faults hit them, so they only compute a result from this context
//! and their input.

use crate::model::*;

/// The attempt an activity function is running in, borrowed from its task
/// (an attempt copies none of its names).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ActivityContext<'a> {
    /// The attempt number, from 1.
    pub attempt: u32,
    /// The activity's id within its run.
    pub activity_id: &'a ActivityId,
    /// The activity's registered name.
    pub activity_type: &'a ActivityType,
    /// The run that scheduled it.
    pub workflow_execution: &'a WorkflowExecution,
    /// Details of the last heartbeat of an earlier attempt, if any.
    pub heartbeat_details: Option<&'a Payload>,
}
