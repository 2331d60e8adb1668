//! Read-only views: DescribeWorkflowExecution, ListWorkflowExecutions and
//! GetWorkflowExecutionHistory. They never commit.

use super::mutable_state::AttemptState;
use super::store::RunRecord;
use super::*;

/// The List/Describe row of a run.
fn execution_info(run: &RunRecord) -> WorkflowExecutionInfo {
    WorkflowExecutionInfo {
        execution: run.execution.clone(),
        workflow_type: run.workflow_type.clone(),
        task_queue: run.state.task_queue.clone(),
        status: run.status,
        start_time: run.start_time,
        close_time: run.close_time,
        history_length: run.history_len() as i64,
        memo: run.memo.clone(),
        state_transition_count: run.state_transitions,
        parent_execution: run.state.parent.as_ref().map(|p| p.execution.clone()),
        first_run_id: run.first_execution_run_id(),
    }
}

impl Service {
    /// DescribeWorkflowExecution: status, memo, parent, pending activities,
    /// timers and children, and every run of the chain.
    pub(super) fn describe_workflow_execution(
        &self,
        r: &DescribeWorkflowExecutionRequest,
    ) -> Result<DescribeWorkflowExecutionResponse, ServiceError> {
        let index = self.store.resolve(&r.workflow_execution).ok_or_else(|| {
            ServiceError::NotFound(format!("workflow execution {}", r.workflow_execution))
        })?;
        let run = self.store.at(index);
        let pending_activities = run
            .state
            .activities
            .values()
            .map(|a| PendingActivityInfo {
                activity_id: a.activity_id.clone(),
                activity_type: a.activity_type.clone(),
                scheduled_event_id: a.scheduled_event_id,
                started: matches!(a.attempt_state, AttemptState::Started { .. }),
                attempt: a.attempt,
                cancel_requested: a.cancel_requested_event_id.is_some(),
                last_failure: a.last_failure.clone(),
                last_heartbeat_details: a.heartbeat_details.clone(),
            })
            .collect();
        let pending_timers = run
            .state
            .timers
            .iter()
            .map(|(timer_id, t)| PendingTimerInfo {
                timer_id: timer_id.clone(),
                started_event_id: t.started_event_id,
                fire_time: t.fire_time,
            })
            .collect();
        let pending_children = run
            .state
            .children
            .iter()
            .map(|(&initiated_event_id, c)| PendingChildInfo {
                initiated_event_id,
                workflow_id: c.workflow_id.clone(),
                workflow_type: c.workflow_type.clone(),
                run_id: c.run_id.clone(),
                parent_close_policy: c.parent_close_policy,
            })
            .collect();
        let first_run_id = run.first_execution_run_id();
        let chain = self
            .store
            .runs_of(&run.execution.workflow_id)
            .iter()
            .map(|&i| self.store.at(i))
            .filter(|r| r.first_execution_run_id() == first_run_id)
            .map(execution_info)
            .collect();
        Ok(DescribeWorkflowExecutionResponse {
            info: execution_info(run),
            pending_activities,
            pending_timers,
            pending_children,
            chain,
        })
    }

    /// ListWorkflowExecutions: every run in start order, filtered by status
    /// and workflow id.
    pub(super) fn list_workflow_executions(
        &self,
        r: &ListWorkflowExecutionsRequest,
    ) -> ListWorkflowExecutionsResponse {
        let matches = |run: &&RunRecord| r.status.is_none_or(|s| run.status == s);
        let executions = match &r.workflow_id {
            Some(id) => self
                .store
                .runs_of(id)
                .iter()
                .map(|&i| self.store.at(i))
                .filter(matches)
                .map(execution_info)
                .collect(),
            None => self
                .store
                .runs()
                .filter(matches)
                .map(execution_info)
                .collect(),
        };
        ListWorkflowExecutionsResponse { executions }
    }

    /// GetWorkflowExecutionHistory: the whole committed history.
    pub(super) fn get_workflow_execution_history(
        &self,
        r: &GetWorkflowExecutionHistoryRequest,
    ) -> Result<GetWorkflowExecutionHistoryResponse, ServiceError> {
        let index = self.store.resolve(&r.workflow_execution).ok_or_else(|| {
            ServiceError::NotFound(format!("workflow execution {}", r.workflow_execution))
        })?;
        Ok(GetWorkflowExecutionHistoryResponse {
            history: self.store.at(index).history().into_owned(),
        })
    }
}
