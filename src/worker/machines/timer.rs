//! The timer machine: StartTimer → TimerStarted → TimerFired, or
//! CancelTimer → TimerCanceled. A canceled timer resolves at once with a
//! canceled failure; a timer canceled before its command was sent never
//! reaches the Service.

use super::{unexpected, CancelEffect, Rejection, Resolution};
use crate::model::*;

#[derive(Clone, Copy, Debug, PartialEq)]
enum State {
    Created,
    Started,
    CancelCreated,
    Abandoned,
    Done,
}

/// One timer of workflow code.
pub(crate) struct TimerMachine {
    seq: u32,
    timer_id: TimerId,
    state: State,
}

impl TimerMachine {
    /// The machine of a StartTimer command; returns it with the command to send.
    pub(crate) fn new(seq: u32, timer_id: TimerId, duration: Duration) -> (TimerMachine, Command) {
        let command = Command::StartTimer {
            timer_id: timer_id.clone(),
            start_to_fire_timeout: duration,
        };
        let machine = TimerMachine {
            seq,
            timer_id,
            state: State::Created,
        };
        (machine, command)
    }

    /// The machine's command awaiting its event, as nondeterminism reports show it.
    pub(crate) fn describe_command(&self) -> String {
        match self.state {
            State::CancelCreated => format!("CancelTimer(timer_id={})", self.timer_id),
            _ => format!("StartTimer(timer_id={})", self.timer_id),
        }
    }

    pub(crate) fn on_command_event(&mut self, event: &Event) -> Result<(), Rejection> {
        match (&event.attributes, self.state) {
            (EventAttributes::TimerStarted { timer_id, .. }, State::Created)
                if *timer_id == self.timer_id =>
            {
                self.state = State::Started;
                Ok(())
            }
            (EventAttributes::TimerCanceled { timer_id, .. }, State::CancelCreated)
                if *timer_id == self.timer_id =>
            {
                self.state = State::Done;
                Ok(())
            }
            _ => Err(unexpected(&self.describe_command(), event)),
        }
    }

    pub(crate) fn on_event(&mut self, event: &Event) -> Result<Option<Resolution>, Rejection> {
        match (&event.attributes, self.state) {
            (EventAttributes::TimerFired { .. }, State::Started) => {
                self.state = State::Done;
                Ok(Some(Resolution::Timer {
                    seq: self.seq,
                    result: Ok(()),
                }))
            }
            // Fired while the cancel was in flight: the code already saw it canceled.
            (EventAttributes::TimerFired { .. }, State::CancelCreated) => Ok(None),
            _ => Err(format!(
                "timer {} does not accept {} now",
                self.timer_id,
                event.event_type().name()
            )),
        }
    }

    /// Cancels the timer.
    pub(crate) fn request_cancel(&mut self) -> CancelEffect {
        let resolution = Resolution::Timer {
            seq: self.seq,
            result: Err(Failure::canceled("timer canceled")),
        };
        match self.state {
            State::Created => {
                self.state = State::Abandoned;
                CancelEffect::DropCommand(resolution)
            }
            State::Started => {
                self.state = State::CancelCreated;
                CancelEffect::SendCommand(
                    Command::CancelTimer {
                        timer_id: self.timer_id.clone(),
                    },
                    resolution,
                )
            }
            _ => CancelEffect::Nothing,
        }
    }
}
