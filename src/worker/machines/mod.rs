//! One state machine per command kind, as in Temporal's sdk-core. Each
//! machine is created when workflow code issues its command, and says which
//! history events it accepts in which state: a recorded command event is
//! offered, with the next command the code produced, to that command's
//! machine, and later events (results, fires) are routed to the machine
//! they refer to. Nondeterminism is simply "this machine does not accept
//! this event for this command". Machines do not keep their commands: the
//! run holds each command only until its event is recorded.

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
    /// A recorded command event, offered to the machine of `command`, the
    /// command next in line.
    pub(crate) fn on_command_event(
        &mut self,
        event: &Event,
        command: &Command,
    ) -> Result<(), Rejection> {
        match self {
            Machine::Activity(m) => m.on_command_event(event, command),
            Machine::Timer(m) => m.on_command_event(event, command),
            Machine::Marker(m) => m.on_command_event(event, command),
            Machine::Properties(m) => m.on_command_event(event),
            Machine::Close(m) => m.on_command_event(event, command),
            Machine::Child(m) => m.on_command_event(event, command),
            Machine::External(m) => m.on_command_event(event, command),
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

/// A command as readable text with its identity, for nondeterminism reports.
pub(crate) fn describe_command(command: &Command) -> String {
    match command {
        Command::ScheduleActivityTask(a) => {
            format!(
                "ScheduleActivityTask(activity_type={}, activity_id={})",
                a.activity_type, a.activity_id
            )
        }
        Command::RequestCancelActivityTask { scheduled_event_id } => {
            format!("RequestCancelActivityTask(scheduled_event_id={scheduled_event_id})")
        }
        Command::StartTimer { timer_id, .. } => format!("StartTimer(timer_id={timer_id})"),
        Command::CancelTimer { timer_id } => format!("CancelTimer(timer_id={timer_id})"),
        Command::RecordMarker { marker_name, .. } => {
            format!("RecordMarker(marker_name={marker_name})")
        }
        Command::StartChildWorkflowExecution(c) => format!(
            "StartChildWorkflowExecution(workflow_type={}, workflow_id={})",
            c.workflow_type, c.workflow_id
        ),
        Command::SignalExternalWorkflowExecution {
            workflow_execution,
            signal_name,
            ..
        } => format!(
            "SignalExternalWorkflowExecution(workflow_id={}, signal_name={signal_name})",
            workflow_execution.workflow_id
        ),
        Command::RequestCancelExternalWorkflowExecution {
            workflow_execution, ..
        } => format!(
            "RequestCancelExternalWorkflowExecution(workflow_id={})",
            workflow_execution.workflow_id
        ),
        other => other.name().to_owned(),
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
