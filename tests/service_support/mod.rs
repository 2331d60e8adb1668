//! A fake worker and client for driving the Service by hand in tests:
//! sends requests, collects responses, and moves simulated time.

#![allow(dead_code)] // each test file uses its own subset

use std::collections::BTreeMap;
use std::rc::Rc;
use tempest::model::*;
use tempest::service::api::*;
use tempest::service::{Service, ServiceConfig};

/// The task queue the tests' workflows run on.
pub const QUEUE: &str = "tq";
/// The task queue the tests' activities run on.
pub const ACTIVITY_QUEUE: &str = "atq";

/// A Service plus a clock and a call counter.
pub struct Harness {
    pub service: Service,
    config: ServiceConfig,
    pub now: SimTime,
    next_call: u64,
    /// Responses to calls other than the last one (answered parked polls).
    pub other_responses: Vec<(CallId, Response)>,
}

impl Default for Harness {
    fn default() -> Self {
        Harness::new(ServiceConfig {
            seed: 7,
            ..ServiceConfig::default()
        })
    }
}

impl Harness {
    pub fn new(config: ServiceConfig) -> Harness {
        Harness {
            service: Service::new(config.clone()),
            config,
            now: SimTime::START,
            next_call: 0,
            other_responses: Vec::new(),
        }
    }

    /// Crashes the Service and restarts it from its Store alone.
    pub fn restart(&mut self) {
        let crashed = std::mem::replace(&mut self.service, Service::new(self.config.clone()));
        self.service = Service::recover(self.config.clone(), crashed.into_store(), self.now);
    }

    /// Sends a request; returns its response if it was answered at once.
    pub fn send(&mut self, request: Request) -> (CallId, Option<Response>) {
        self.next_call += 1;
        let call = CallId(self.next_call);
        let mut out = Vec::new();
        self.service.handle(self.now, call, request, &mut out);
        let mut mine = None;
        for (c, r) in out {
            if c == call {
                mine = Some(r);
            } else {
                self.other_responses.push((c, r));
            }
        }
        (call, mine)
    }

    /// Sends a request that must be answered at once.
    pub fn call(&mut self, request: Request) -> Response {
        self.send(request).1.expect("answered at once")
    }

    /// Moves time forward and fires what is due; returns the answered polls.
    pub fn advance(&mut self, by: Duration) -> Vec<(CallId, Response)> {
        self.now = self.now + by;
        let mut out = Vec::new();
        self.service.advance(self.now, &mut out);
        out
    }

    pub fn start_request(&self, workflow_id: &str) -> StartWorkflowExecutionRequest {
        StartWorkflowExecutionRequest {
            namespace: Namespace::default(),
            workflow_id: WorkflowId::new(workflow_id),
            workflow_type: WorkflowType::new("wf"),
            task_queue: TaskQueue::new(QUEUE),
            input: Payload::from("in"),
            workflow_execution_timeout: None,
            workflow_run_timeout: None,
            workflow_task_timeout: None,
            identity: "client".into(),
            request_id: format!("start-{workflow_id}").into(),
            workflow_id_reuse_policy: WorkflowIdReusePolicy::AllowDuplicate,
            retry_policy: None,
            cron_schedule: None,
            memo: Memo::new(),
        }
    }

    /// Starts a workflow and returns its execution.
    pub fn start(&mut self, workflow_id: &str) -> WorkflowExecution {
        let request = self.start_request(workflow_id);
        self.start_with(request)
    }

    pub fn start_with(&mut self, request: StartWorkflowExecutionRequest) -> WorkflowExecution {
        let workflow_id = request.workflow_id.clone();
        match self.call(Request::StartWorkflowExecution(Box::new(request))) {
            Response::StartWorkflowExecution(r) => WorkflowExecution {
                workflow_id,
                run_id: r.run_id,
            },
            other => panic!("start failed: {other:?}"),
        }
    }

    /// Polls a workflow task queue; `None` if the poll parked.
    pub fn poll_workflow_task_on(&mut self, queue: &str) -> Option<PollWorkflowTaskQueueResponse> {
        let request = PollWorkflowTaskQueueRequest {
            namespace: Namespace::default(),
            task_queue: TaskQueue::new(queue),
            identity: "worker".into(),
        };
        match self.send(Request::PollWorkflowTaskQueue(request)).1 {
            Some(Response::PollWorkflowTaskQueue(Some(task))) => Some(*task),
            None => None,
            Some(other) => panic!("unexpected poll response {other:?}"),
        }
    }

    /// Polls the normal workflow queue and expects a task.
    pub fn poll_workflow_task(&mut self) -> PollWorkflowTaskQueueResponse {
        self.poll_workflow_task_on(QUEUE)
            .expect("a workflow task is waiting")
    }

    pub fn complete_workflow_task(
        &mut self,
        token: &WorkflowTaskToken,
        commands: Vec<Command>,
    ) -> Response {
        self.complete_workflow_task_sticky(token, commands, None)
    }

    pub fn complete_workflow_task_sticky(
        &mut self,
        token: &WorkflowTaskToken,
        commands: Vec<Command>,
        sticky: Option<&str>,
    ) -> Response {
        self.call(Request::RespondWorkflowTaskCompleted(Rc::new(
            RespondWorkflowTaskCompletedRequest {
                task_token: token.clone(),
                commands,
                identity: "worker".into(),
                sticky_task_queue: sticky.map(TaskQueue::new),
            },
        )))
    }

    pub fn fail_workflow_task(
        &mut self,
        token: &WorkflowTaskToken,
        cause: WorkflowTaskFailedCause,
    ) -> Response {
        self.call(Request::RespondWorkflowTaskFailed(
            RespondWorkflowTaskFailedRequest {
                task_token: token.clone(),
                cause,
                failure: Failure::application("Panic", "workflow code panicked"),
                identity: "worker".into(),
            },
        ))
    }

    /// Polls the activity queue; `None` if the poll parked.
    pub fn poll_activity_task(&mut self) -> Option<PollActivityTaskQueueResponse> {
        let request = PollActivityTaskQueueRequest {
            namespace: Namespace::default(),
            task_queue: TaskQueue::new(ACTIVITY_QUEUE),
            identity: "activity-worker".into(),
        };
        match self.send(Request::PollActivityTaskQueue(request)).1 {
            Some(Response::PollActivityTaskQueue(Some(task))) => Some(*task),
            None => None,
            Some(other) => panic!("unexpected poll response {other:?}"),
        }
    }

    pub fn complete_activity(&mut self, token: &ActivityTaskToken, result: Payload) -> Response {
        self.call(Request::RespondActivityTaskCompleted(
            RespondActivityTaskCompletedRequest {
                task_token: token.clone(),
                result,
                identity: "activity-worker".into(),
            },
        ))
    }

    pub fn fail_activity(&mut self, token: &ActivityTaskToken, failure: Failure) -> Response {
        self.call(Request::RespondActivityTaskFailed(
            RespondActivityTaskFailedRequest {
                task_token: token.clone(),
                failure,
                identity: "activity-worker".into(),
            },
        ))
    }

    pub fn heartbeat(&mut self, token: &ActivityTaskToken, details: Payload) -> Response {
        self.call(Request::RecordActivityTaskHeartbeat(
            RecordActivityTaskHeartbeatRequest {
                task_token: token.clone(),
                details: Some(details),
                identity: "activity-worker".into(),
            },
        ))
    }

    pub fn signal(
        &mut self,
        execution: &WorkflowExecution,
        name: &str,
        request_id: &str,
    ) -> Response {
        self.call(Request::SignalWorkflowExecution(
            SignalWorkflowExecutionRequest {
                namespace: Namespace::default(),
                workflow_execution: execution.clone(),
                signal_name: name.into(),
                input: Payload::from(name),
                identity: "client".into(),
                request_id: request_id.into(),
            },
        ))
    }

    pub fn terminate(&mut self, execution: &WorkflowExecution) -> Response {
        self.call(Request::TerminateWorkflowExecution(
            TerminateWorkflowExecutionRequest {
                namespace: Namespace::default(),
                workflow_execution: execution.clone(),
                reason: "test".into(),
                details: None,
                identity: "client".into(),
            },
        ))
    }

    pub fn describe(&mut self, execution: &WorkflowExecution) -> DescribeWorkflowExecutionResponse {
        match self.call(Request::DescribeWorkflowExecution(
            DescribeWorkflowExecutionRequest {
                namespace: Namespace::default(),
                workflow_execution: execution.clone(),
            },
        )) {
            Response::DescribeWorkflowExecution(d) => *d,
            other => panic!("describe failed: {other:?}"),
        }
    }

    /// The stored history of a run.
    pub fn history(&self, execution: &WorkflowExecution) -> Vec<Event> {
        self.service
            .store()
            .run(execution)
            .expect("run exists")
            .history()
            .to_vec()
    }

    /// The stored history's event types.
    pub fn types(&self, execution: &WorkflowExecution) -> Vec<EventType> {
        self.history(execution)
            .iter()
            .map(Event::event_type)
            .collect()
    }

    pub fn status(&self, execution: &WorkflowExecution) -> WorkflowExecutionStatus {
        self.service
            .store()
            .run(execution)
            .expect("run exists")
            .status()
    }

    pub fn transitions(&self, execution: &WorkflowExecution) -> u64 {
        self.service
            .store()
            .run(execution)
            .expect("run exists")
            .state_transitions()
    }
}

/// A ScheduleActivityTask command on the activity queue with a 10 s start-to-close timeout.
pub fn schedule_activity(id: &str) -> Command {
    Command::ScheduleActivityTask(ScheduleActivity {
        activity_id: ActivityId::new(id),
        activity_type: ActivityType::new("act"),
        task_queue: TaskQueue::new(ACTIVITY_QUEUE),
        input: Payload::from(id),
        schedule_to_close_timeout: None,
        schedule_to_start_timeout: None,
        start_to_close_timeout: Some(secs(10)),
        heartbeat_timeout: None,
        retry_policy: None,
    })
}

/// A ScheduleActivityTask command with the given options changed.
pub fn schedule_activity_with(id: &str, change: impl FnOnce(&mut ScheduleActivity)) -> Command {
    let Command::ScheduleActivityTask(mut a) = schedule_activity(id) else {
        unreachable!()
    };
    change(&mut a);
    Command::ScheduleActivityTask(a)
}

pub fn complete_workflow(result: &str) -> Command {
    Command::CompleteWorkflowExecution {
        result: Payload::from(result),
    }
}

pub fn start_timer(id: &str, after: Duration) -> Command {
    Command::StartTimer {
        timer_id: TimerId::new(id),
        start_to_fire_timeout: after,
    }
}

/// The error a response carries, if any.
pub fn error_of(response: &Response) -> Option<&ServiceError> {
    match response {
        Response::Error(e) => Some(e),
        _ => None,
    }
}

/// A memo from pairs.
pub fn memo(pairs: &[(&str, Payload)]) -> Memo {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect::<BTreeMap<_, _>>()
}
