//! Terse builders of hand-made histories and workflow tasks for the worker tests.

#![allow(dead_code)] // each test binary uses a different part

use std::collections::BTreeMap;
use tempest::model::*;
use tempest::service::api::*;

/// The execution every test run belongs to.
pub fn execution() -> WorkflowExecution {
    WorkflowExecution {
        workflow_id: WorkflowId::new("wf-1"),
        run_id: RunId::new("run-1"),
    }
}

/// Builds a history event by event; each event is one second after the previous.
pub struct HistoryBuilder {
    events: Vec<Event>,
    last_completed: i64,
}

impl HistoryBuilder {
    /// WorkflowExecutionStarted (1) and the first WorkflowTaskScheduled (2).
    pub fn start(workflow_type: &str, input: impl Into<Payload>) -> HistoryBuilder {
        let mut b = HistoryBuilder {
            events: Vec::new(),
            last_completed: 0,
        };
        b.push(EventAttributes::WorkflowExecutionStarted(Box::new(
            WorkflowExecutionStartedAttributes {
                workflow_type: WorkflowType::new(workflow_type),
                parent_workflow_namespace: None,
                parent_workflow_execution: None,
                parent_initiated_event_id: None,
                task_queue: TaskQueue::new("tq"),
                input: input.into(),
                workflow_execution_timeout: None,
                workflow_run_timeout: None,
                workflow_task_timeout: secs(10),
                continued_execution_run_id: None,
                initiator: None,
                continued_failure: None,
                last_completion_result: None,
                original_execution_run_id: RunId::new("run-1"),
                identity: "client".into(),
                first_execution_run_id: RunId::new("run-1"),
                retry_policy: None,
                attempt: 1,
                workflow_execution_expiration_time: None,
                cron_schedule: None,
                first_workflow_task_backoff: None,
                memo: Memo::new(),
            },
        )));
        b.wft_scheduled(1);
        b
    }

    pub fn push(&mut self, attributes: EventAttributes) -> i64 {
        let event_id = self.events.len() as i64 + 1;
        let event_time = SimTime::START + secs(event_id as u64);
        self.events.push(Event {
            event_id,
            event_time,
            attributes,
        });
        event_id
    }

    pub fn last_id(&self) -> i64 {
        self.events.len() as i64
    }

    pub fn wft_scheduled(&mut self, attempt: u32) -> i64 {
        self.push(EventAttributes::WorkflowTaskScheduled {
            task_queue: TaskQueue::new("tq"),
            start_to_close_timeout: secs(10),
            attempt,
        })
    }

    /// WorkflowTaskStarted for the last scheduled task.
    pub fn wft_started(&mut self) -> i64 {
        let scheduled_event_id = self.last_id();
        self.push(EventAttributes::WorkflowTaskStarted {
            scheduled_event_id,
            identity: "worker".into(),
            request_id: "r".into(),
        })
    }

    pub fn wft_completed(&mut self) -> i64 {
        let started_event_id = self.last_id();
        let id = self.push(EventAttributes::WorkflowTaskCompleted {
            scheduled_event_id: started_event_id - 1,
            started_event_id,
            identity: "worker".into(),
        });
        self.last_completed = id;
        id
    }

    pub fn wft_failed(&mut self, cause: WorkflowTaskFailedCause) -> i64 {
        let started_event_id = self.last_id();
        self.push(EventAttributes::WorkflowTaskFailed {
            scheduled_event_id: started_event_id - 1,
            started_event_id,
            cause,
            failure: None,
            identity: "worker".into(),
        })
    }

    /// Started + Completed of the task scheduled last.
    pub fn wft_started_completed(&mut self) -> i64 {
        self.wft_started();
        self.wft_completed()
    }

    /// A whole workflow task: Scheduled + Started + Completed.
    pub fn wft(&mut self) -> i64 {
        self.wft_scheduled(1);
        self.wft_started_completed()
    }

    pub fn activity_scheduled(
        &mut self,
        activity_id: &str,
        activity_type: &str,
        input: impl Into<Payload>,
    ) -> i64 {
        self.push(EventAttributes::ActivityTaskScheduled(Box::new(
            ActivityTaskScheduledAttributes {
                activity_id: ActivityId::new(activity_id),
                activity_type: ActivityType::new(activity_type),
                task_queue: TaskQueue::new("tq"),
                input: input.into(),
                schedule_to_close_timeout: None,
                schedule_to_start_timeout: None,
                start_to_close_timeout: Some(secs(10)),
                heartbeat_timeout: None,
                workflow_task_completed_event_id: self.last_completed,
                retry_policy: None,
            },
        )))
    }

    fn activity_started(&mut self, scheduled_event_id: i64) -> i64 {
        self.push(EventAttributes::ActivityTaskStarted {
            scheduled_event_id,
            identity: "worker".into(),
            request_id: "r".into(),
            attempt: 1,
            last_failure: None,
        })
    }

    /// ActivityTaskStarted + ActivityTaskCompleted.
    pub fn activity_completed(
        &mut self,
        scheduled_event_id: i64,
        result: impl Into<Payload>,
    ) -> i64 {
        let started_event_id = self.activity_started(scheduled_event_id);
        self.push(EventAttributes::ActivityTaskCompleted {
            result: result.into(),
            scheduled_event_id,
            started_event_id,
            identity: "worker".into(),
        })
    }

    /// ActivityTaskStarted + ActivityTaskFailed.
    pub fn activity_failed(&mut self, scheduled_event_id: i64, failure: Failure) -> i64 {
        let started_event_id = self.activity_started(scheduled_event_id);
        self.push(EventAttributes::ActivityTaskFailed {
            failure,
            scheduled_event_id,
            started_event_id,
            identity: "worker".into(),
            retry_state: RetryState::NonRetryableFailure,
        })
    }

    pub fn timer_started(&mut self, timer_id: &str, duration: Duration) -> i64 {
        self.push(EventAttributes::TimerStarted {
            timer_id: TimerId::new(timer_id),
            start_to_fire_timeout: duration,
            workflow_task_completed_event_id: self.last_completed,
        })
    }

    pub fn timer_fired(&mut self, timer_id: &str, started_event_id: i64) -> i64 {
        self.push(EventAttributes::TimerFired {
            timer_id: TimerId::new(timer_id),
            started_event_id,
        })
    }

    pub fn signal(&mut self, name: &str, input: impl Into<Payload>) -> i64 {
        self.push(EventAttributes::WorkflowExecutionSignaled {
            signal_name: name.into(),
            input: input.into(),
            identity: "client".into(),
        })
    }

    pub fn cancel_requested(&mut self) -> i64 {
        self.push(EventAttributes::WorkflowExecutionCancelRequested {
            cause: "test".into(),
            external_initiated_event_id: None,
            external_workflow_execution: None,
            identity: "client".into(),
        })
    }

    pub fn marker(&mut self, marker_name: &str, details: BTreeMap<String, Payload>) -> i64 {
        self.push(EventAttributes::MarkerRecorded {
            marker_name: marker_name.into(),
            details,
            workflow_task_completed_event_id: self.last_completed,
            failure: None,
        })
    }

    pub fn workflow_completed(&mut self, result: impl Into<Payload>) -> i64 {
        self.push(EventAttributes::WorkflowExecutionCompleted {
            result: result.into(),
            workflow_task_completed_event_id: self.last_completed,
            new_execution_run_id: None,
        })
    }

    pub fn events(&self) -> Vec<Event> {
        self.events.clone()
    }

    /// A task answering the last WorkflowTaskStarted, carrying the events from `first_event_id`.
    pub fn task(&self, first_event_id: i64) -> PollWorkflowTaskQueueResponse {
        let started_event_id = self.last_id();
        let attempt = self
            .events
            .iter()
            .rev()
            .find_map(|e| match &e.attributes {
                EventAttributes::WorkflowTaskScheduled { attempt, .. } => Some(*attempt),
                _ => None,
            })
            .unwrap_or(1);
        PollWorkflowTaskQueueResponse {
            task_token: WorkflowTaskToken {
                execution: execution(),
                run_hint: 0,
                scheduled_event_id: started_event_id - 1,
                attempt,
            },
            workflow_execution: execution(),
            workflow_type: WorkflowType::new("test"),
            previous_started_event_id: 0,
            started_event_id,
            attempt,
            first_event_id,
            history: self.events[(first_event_id - 1) as usize..].to_vec().into(),
        }
    }
}

/// The commands of a completed task response; panics (failing the test) otherwise.
pub fn completed_commands(request: Request) -> Vec<Command> {
    match request {
        Request::RespondWorkflowTaskCompleted(r) => r.commands.clone(),
        other => panic!("expected RespondWorkflowTaskCompleted, got {other:?}"),
    }
}

/// The failure of a failed task response; panics (failing the test) otherwise.
pub fn failed_task(request: Request) -> RespondWorkflowTaskFailedRequest {
    match request {
        Request::RespondWorkflowTaskFailed(r) => r,
        other => panic!("expected RespondWorkflowTaskFailed, got {other:?}"),
    }
}

/// The activity type and id of a ScheduleActivityTask command.
pub fn scheduled_activity(command: &Command) -> (String, String, Payload) {
    match command {
        Command::ScheduleActivityTask(a) => (
            a.activity_type.to_string(),
            a.activity_id.to_string(),
            a.input.clone(),
        ),
        other => panic!("expected ScheduleActivityTask, got {other:?}"),
    }
}
