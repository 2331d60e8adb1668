//! Small hand-built histories for the checkers' unit tests: a valid
//! two-task run that the tests then break one invariant at a time.

use crate::model::*;

/// An event `id` at `START + seconds`.
pub fn event(id: i64, seconds: u64, attributes: EventAttributes) -> Event {
    Event {
        event_id: id,
        event_time: SimTime::START + secs(seconds),
        attributes,
    }
}

/// WorkflowExecutionStarted with defaults.
pub fn started() -> EventAttributes {
    EventAttributes::WorkflowExecutionStarted(Box::new(WorkflowExecutionStartedAttributes {
        workflow_type: WorkflowType::new("Greet"),
        parent_workflow_namespace: None,
        parent_workflow_execution: None,
        parent_initiated_event_id: None,
        task_queue: TaskQueue::new("tq"),
        input: Payload::null(),
        workflow_execution_timeout: None,
        workflow_run_timeout: None,
        workflow_task_timeout: secs(10),
        continued_execution_run_id: None,
        initiator: None,
        continued_failure: None,
        last_completion_result: None,
        original_execution_run_id: RunId::new("run"),
        identity: "".into(),
        first_execution_run_id: RunId::new("run"),
        retry_policy: None,
        attempt: 1,
        workflow_execution_expiration_time: None,
        cron_schedule: None,
        first_workflow_task_backoff: None,
        memo: Memo::new(),
    }))
}

/// WorkflowTaskScheduled.
pub fn task_scheduled() -> EventAttributes {
    EventAttributes::WorkflowTaskScheduled {
        task_queue: TaskQueue::new("tq"),
        start_to_close_timeout: secs(10),
        attempt: 1,
    }
}

/// WorkflowTaskStarted of `scheduled`.
pub fn task_started(scheduled: i64) -> EventAttributes {
    EventAttributes::WorkflowTaskStarted {
        scheduled_event_id: scheduled,
        identity: "".into(),
        request_id: "".into(),
    }
}

/// WorkflowTaskCompleted.
pub fn task_completed(scheduled: i64, started: i64) -> EventAttributes {
    EventAttributes::WorkflowTaskCompleted {
        scheduled_event_id: scheduled,
        started_event_id: started,
        identity: "".into(),
    }
}

/// ActivityTaskScheduled by the task completed at `wtc`.
pub fn activity_scheduled(wtc: i64) -> EventAttributes {
    EventAttributes::ActivityTaskScheduled(Box::new(ActivityTaskScheduledAttributes {
        activity_id: ActivityId::new("1"),
        activity_type: ActivityType::new("greet"),
        task_queue: TaskQueue::new("tq"),
        input: Payload::null(),
        schedule_to_close_timeout: None,
        schedule_to_start_timeout: None,
        start_to_close_timeout: Some(secs(10)),
        heartbeat_timeout: None,
        workflow_task_completed_event_id: wtc,
        retry_policy: None,
    }))
}

/// ActivityTaskStarted of `scheduled`.
pub fn activity_started(scheduled: i64) -> EventAttributes {
    EventAttributes::ActivityTaskStarted {
        scheduled_event_id: scheduled,
        identity: "".into(),
        request_id: "".into(),
        attempt: 1,
        last_failure: None,
    }
}

/// ActivityTaskCompleted.
pub fn activity_completed(scheduled: i64, started: i64) -> EventAttributes {
    EventAttributes::ActivityTaskCompleted {
        result: Payload::from("hi"),
        scheduled_event_id: scheduled,
        started_event_id: started,
        identity: "".into(),
    }
}

/// WorkflowExecutionSignaled.
pub fn signaled() -> EventAttributes {
    EventAttributes::WorkflowExecutionSignaled {
        signal_name: "poke".into(),
        input: Payload::null(),
        identity: "".into(),
    }
}

/// WorkflowExecutionCompleted by the task completed at `wtc`.
pub fn completed(wtc: i64) -> EventAttributes {
    EventAttributes::WorkflowExecutionCompleted {
        result: Payload::from("done"),
        workflow_task_completed_event_id: wtc,
        new_execution_run_id: None,
    }
}

/// A valid run: one activity, then completion.
pub fn one_activity_run() -> History {
    vec![
        event(1, 0, started()),
        event(2, 0, task_scheduled()),
        event(3, 1, task_started(2)),
        event(4, 2, task_completed(2, 3)),
        event(5, 2, activity_scheduled(4)),
        event(6, 3, activity_started(5)),
        event(7, 4, activity_completed(5, 6)),
        event(8, 4, task_scheduled()),
        event(9, 5, task_started(8)),
        event(10, 6, task_completed(8, 9)),
        event(11, 6, completed(10)),
    ]
}

/// The events renumbered 1..n in their current order.
pub fn renumbered(mut history: History) -> History {
    for (pos, event) in history.iter_mut().enumerate() {
        event.event_id = pos as i64 + 1;
    }
    history
}
