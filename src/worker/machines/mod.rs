//! One state machine per command kind, as in Temporal's sdk-core. Each
//! machine is created when workflow code issues its command, and says which
//! history events it accepts in which state: a recorded command event is
//! offered to the machine of the next command the code produced, and later
//! events (results, fires) are routed to the machine
//! they refer to. Nondeterminism is simply "this machine does not accept
//! this event for this command". Machines do not keep their commands, only
//! what identifies them: a command is sent (or, in a replay, dropped) as
//! soon as its activation ends.

mod activity;
mod child;
mod close;
mod external;
mod marker;
mod properties;
mod timer;

pub(crate) use activity::ActivityMachine;
pub(crate) use child::ChildMachine;
pub(crate) use close::CloseMachine;
pub(crate) use external::ExternalMachine;
pub(crate) use marker::MarkerMachine;
pub(crate) use properties::PropertiesMachine;
pub(crate) use timer::TimerMachine;

use crate::model::*;

/// A value that a machine hands back to workflow code.
#[derive(Debug)]
pub(crate) enum Resolution {
    Activity {
        seq: u32,
        result: Result<Payload, Failure>,
    },
    Timer {
        seq: u32,
        result: Result<(), Failure>,
    },
    /// A child started (its execution) or could not be started.
    ChildStarted {
        seq: u32,
        result: Result<WorkflowExecution, Failure>,
    },
    ChildResult {
        seq: u32,
        result: Result<Payload, Failure>,
    },
    /// An external signal or cancel request was delivered, or not.
    External {
        seq: u32,
        result: Result<(), Failure>,
    },
}

/// What cancelling a machine's work requires.
#[allow(clippy::large_enum_variant)] // short-lived, consumed at once
pub(crate) enum CancelEffect {
    /// The command was never sent: drop it and resolve at once.
    DropCommand(Resolution),
    /// Send this cancel command and resolve at once.
    SendCommand(Command, Resolution),
    /// Already resolved: nothing to do.
    Nothing,
}

/// Why a machine refused an event (becomes a nondeterminism or malformed-history error).
pub(crate) type Rejection = String;

/// Any command kind's machine.
pub(crate) enum Machine {
    Activity(ActivityMachine),
    Timer(TimerMachine),
    Marker(MarkerMachine),
    Properties(PropertiesMachine),
    Close(CloseMachine),
    Child(ChildMachine),
    External(ExternalMachine),
}

impl Machine {
    /// A recorded command event, offered to the machine whose command is
    /// next in line.
    pub(crate) fn on_command_event(&mut self, event: &Event) -> Result<(), Rejection> {
        match self {
            Machine::Activity(m) => m.on_command_event(event),
            Machine::Timer(m) => m.on_command_event(event),
            Machine::Marker(m) => m.on_command_event(event),
            Machine::Properties(m) => m.on_command_event(event),
            Machine::Close(m) => m.on_command_event(event),
            Machine::Child(m) => m.on_command_event(event),
            Machine::External(m) => m.on_command_event(event),
        }
    }

    /// The machine's command awaiting its event, as nondeterminism reports show it.
    pub(crate) fn describe_command(&self) -> String {
        match self {
            Machine::Activity(m) => m.describe_command(),
            Machine::Timer(m) => m.describe_command(),
            Machine::Marker(m) => m.describe_command(),
            Machine::Properties(_) => "ModifyWorkflowProperties".to_owned(),
            Machine::Close(m) => m.describe_command(),
            Machine::Child(m) => m.describe_command(),
            Machine::External(m) => m.describe_command(),
        }
    }

    /// A later event referring to this machine's command event.
    pub(crate) fn on_event(&mut self, event: &Event) -> Result<Option<Resolution>, Rejection> {
        match self {
            Machine::Activity(m) => m.on_event(event),
            Machine::Timer(m) => m.on_event(event),
            Machine::Child(m) => m.on_event(event),
            Machine::External(m) => m.on_event(event),
            Machine::Marker(_) | Machine::Properties(_) | Machine::Close(_) => Err(format!(
                "{} refers to a command that has no outcome events",
                event.event_type().name()
            )),
        }
    }
}

/// An event as readable text with its identity, for nondeterminism reports.
pub(crate) fn describe_event(event: &Event) -> String {
    use EventAttributes as A;
    let name = event.event_type().name();
    match &event.attributes {
        A::ActivityTaskScheduled(scheduled) => format!(
            "{name}(activity_type={}, activity_id={})",
            scheduled.activity_type, scheduled.activity_id
        ),
        A::ActivityTaskCancelRequested {
            scheduled_event_id, ..
        } => {
            format!("{name}(scheduled_event_id={scheduled_event_id})")
        }
        A::TimerStarted { timer_id, .. } | A::TimerCanceled { timer_id, .. } => {
            format!("{name}(timer_id={timer_id})")
        }
        A::MarkerRecorded { marker_name, .. } => format!("{name}(marker_name={marker_name})"),
        A::StartChildWorkflowExecutionInitiated(initiated) => format!(
            "{name}(workflow_type={}, workflow_id={})",
            initiated.workflow_type, initiated.workflow_id
        ),
        A::SignalExternalWorkflowExecutionInitiated {
            workflow_execution,
            signal_name,
            ..
        } => format!(
            "{name}(workflow_id={}, signal_name={signal_name})",
            workflow_execution.workflow_id
        ),
        A::RequestCancelExternalWorkflowExecutionInitiated {
            workflow_execution, ..
        } => format!("{name}(workflow_id={})", workflow_execution.workflow_id),
        _ => name.to_owned(),
    }
}

/// The standard rejection text: what the machine expected versus what it got.
pub(crate) fn unexpected(expected: &str, event: &Event) -> Rejection {
    format!("expected {expected}, history has {}", describe_event(event))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::fixtures::activity_scheduled;

    fn scheduled_at(event_id: i64) -> Event {
        Event {
            event_id,
            event_time: SimTime::START,
            attributes: activity_scheduled(4),
        }
    }

    #[test]
    fn machines_describe_their_pending_commands_as_reports_show_them() {
        let target = WorkflowExecution {
            workflow_id: WorkflowId::new("other"),
            run_id: RunId::new(""),
        };
        let mut activity = ActivityMachine::new(
            1,
            &ScheduleActivity {
                activity_id: ActivityId::new("1"),
                activity_type: ActivityType::new("greet"),
                task_queue: TaskQueue::new("tq"),
                input: Payload::null(),
                schedule_to_close_timeout: None,
                schedule_to_start_timeout: None,
                start_to_close_timeout: None,
                heartbeat_timeout: None,
                retry_policy: None,
            },
        );
        let mut timer = TimerMachine::new(1, TimerId::new("1"), Duration::from_secs(1)).0;
        let child = ChildMachine::new(
            1,
            &StartChildWorkflow {
                namespace: Namespace::default(),
                workflow_id: WorkflowId::new("kid"),
                workflow_type: WorkflowType::new("Kid"),
                task_queue: TaskQueue::new("tq"),
                input: Payload::null(),
                workflow_execution_timeout: None,
                workflow_run_timeout: None,
                workflow_task_timeout: None,
                parent_close_policy: Default::default(),
                workflow_id_reuse_policy: Default::default(),
                retry_policy: None,
                cron_schedule: None,
                memo: Memo::new(),
            },
        );
        let signal = ExternalMachine::new(
            1,
            &Command::SignalExternalWorkflowExecution {
                namespace: Namespace::default(),
                workflow_execution: target.clone(),
                signal_name: "poke".to_owned(),
                input: Payload::null(),
                child_workflow_only: false,
            },
        );
        let cancel = ExternalMachine::new(
            2,
            &Command::RequestCancelExternalWorkflowExecution {
                namespace: Namespace::default(),
                workflow_execution: target,
                child_workflow_only: false,
                reason: "done".to_owned(),
            },
        );
        let close = CloseMachine::new(&Ok(Payload::null()));
        let described = |machine: Machine| machine.describe_command();
        assert_eq!(
            activity.describe_command(),
            "ScheduleActivityTask(activity_type=greet, activity_id=1)"
        );
        activity.on_command_event(&scheduled_at(5)).unwrap();
        activity.request_cancel();
        assert_eq!(
            activity.describe_command(),
            "RequestCancelActivityTask(scheduled_event_id=5)"
        );
        assert_eq!(timer.describe_command(), "StartTimer(timer_id=1)");
        let started = Event {
            event_id: 5,
            event_time: SimTime::START,
            attributes: EventAttributes::TimerStarted {
                timer_id: TimerId::new("1"),
                start_to_fire_timeout: Duration::from_secs(1),
                workflow_task_completed_event_id: 4,
            },
        };
        timer.on_command_event(&started).unwrap();
        timer.request_cancel();
        assert_eq!(timer.describe_command(), "CancelTimer(timer_id=1)");
        assert_eq!(
            described(Machine::Child(child)),
            "StartChildWorkflowExecution(workflow_type=Kid, workflow_id=kid)"
        );
        assert_eq!(
            described(Machine::External(signal)),
            "SignalExternalWorkflowExecution(workflow_id=other, signal_name=poke)"
        );
        assert_eq!(
            described(Machine::External(cancel)),
            "RequestCancelExternalWorkflowExecution(workflow_id=other)"
        );
        assert_eq!(
            described(Machine::Marker(MarkerMachine::new("SideEffect".to_owned()))),
            "RecordMarker(marker_name=SideEffect)"
        );
        assert_eq!(
            described(Machine::Close(close)),
            "CompleteWorkflowExecution"
        );
        assert_eq!(
            described(Machine::Properties(PropertiesMachine::new())),
            "ModifyWorkflowProperties"
        );
    }
}
