//! The activity machine: ScheduleActivityTask → ActivityTaskScheduled →
//! (Started) → Completed | Failed | TimedOut | Canceled, with
//! RequestCancelActivityTask → ActivityTaskCancelRequested on the way.
//! Cancellation is Temporal's TRY_CANCEL: the code sees the activity
//! canceled at once; the outcome events that follow are accepted silently.

use super::{unexpected, CancelEffect, Rejection, Resolution};
use crate::model::*;

#[derive(Clone, Copy, Debug, PartialEq)]
enum State {
    /// Command issued, its ActivityTaskScheduled not seen yet.
    Created,
    /// Scheduled; waiting for an outcome.
    Scheduled { scheduled_event_id: i64 },
    /// Cancel command issued, its ActivityTaskCancelRequested not seen yet.
    CancelCreated { scheduled_event_id: i64 },
    /// Cancel recorded; the outcome event may still follow.
    CancelRecorded { scheduled_event_id: i64 },
    /// Canceled before its command was sent: it never existed for the Service.
    Abandoned,
    /// Outcome seen.
    Done,
}

/// One activity invocation of workflow code.
pub(crate) struct ActivityMachine {
    seq: u32,
    activity_id: ActivityId,
    activity_type: ActivityType,
    state: State,
}

impl ActivityMachine {
    /// The machine of the ScheduleActivityTask command with `options`.
    pub(crate) fn new(seq: u32, options: &ScheduleActivity) -> ActivityMachine {
        ActivityMachine {
            seq,
            activity_id: options.activity_id.clone(),
            activity_type: options.activity_type.clone(),
            state: State::Created,
        }
    }

    /// The activity type, while the machine's ScheduleActivityTask awaits its event.
    pub(crate) fn type_to_schedule(&self) -> Option<&ActivityType> {
        (self.state == State::Created).then_some(&self.activity_type)
    }

    /// The machine's command awaiting its event, as nondeterminism reports show it.
    pub(crate) fn describe_command(&self) -> String {
        match self.state {
            State::CancelCreated { scheduled_event_id } => {
                format!("RequestCancelActivityTask(scheduled_event_id={scheduled_event_id})")
            }
            _ => format!(
                "ScheduleActivityTask(activity_type={}, activity_id={})",
                self.activity_type, self.activity_id
            ),
        }
    }

    pub(crate) fn on_command_event(&mut self, event: &Event) -> Result<(), Rejection> {
        match (&event.attributes, self.state) {
            (EventAttributes::ActivityTaskScheduled(scheduled), State::Created)
                if scheduled.activity_id == self.activity_id
                    && scheduled.activity_type == self.activity_type =>
            {
                self.state = State::Scheduled {
                    scheduled_event_id: event.event_id,
                };
                Ok(())
            }
            (
                EventAttributes::ActivityTaskCancelRequested {
                    scheduled_event_id, ..
                },
                State::CancelCreated {
                    scheduled_event_id: id,
                },
            ) if *scheduled_event_id == id => {
                self.state = State::CancelRecorded {
                    scheduled_event_id: id,
                };
                Ok(())
            }
            _ => Err(unexpected(&self.describe_command(), event)),
        }
    }

    pub(crate) fn on_event(&mut self, event: &Event) -> Result<Option<Resolution>, Rejection> {
        use EventAttributes as A;
        let cancel_pending = matches!(
            self.state,
            State::CancelCreated { .. } | State::CancelRecorded { .. }
        );
        let scheduled = matches!(self.state, State::Scheduled { .. });
        if !(scheduled || cancel_pending) {
            return Err(format!(
                "activity {} is not awaiting an outcome; history has {}",
                self.activity_id,
                event.event_type().name()
            ));
        }
        let result = match &event.attributes {
            A::ActivityTaskStarted { .. } => return Ok(None),
            A::ActivityTaskCompleted { result, .. } => Ok(result.clone()),
            A::ActivityTaskFailed {
                failure,
                started_event_id,
                retry_state,
                ..
            }
            | A::ActivityTaskTimedOut {
                failure,
                started_event_id,
                retry_state,
                ..
            } => Err(self.wrap(failure.clone(), *started_event_id, *retry_state)),
            A::ActivityTaskCanceled {
                started_event_id, ..
            } => Err(self.wrap(
                Failure::canceled("activity canceled"),
                *started_event_id,
                RetryState::CancelRequested,
            )),
            _ => {
                return Err(format!(
                    "{} is not an activity outcome",
                    event.event_type().name()
                ))
            }
        };
        self.state = State::Done;
        Ok(if cancel_pending {
            None
        } else {
            Some(Resolution::Activity {
                seq: self.seq,
                result,
            })
        })
    }

    /// Cancels the activity (TRY_CANCEL).
    pub(crate) fn request_cancel(&mut self) -> CancelEffect {
        match self.state {
            State::Created => {
                self.state = State::Abandoned;
                CancelEffect::DropCommand(self.canceled_resolution(0))
            }
            State::Scheduled { scheduled_event_id } => {
                self.state = State::CancelCreated { scheduled_event_id };
                CancelEffect::SendCommand(
                    Command::RequestCancelActivityTask { scheduled_event_id },
                    self.canceled_resolution(scheduled_event_id),
                )
            }
            _ => CancelEffect::Nothing,
        }
    }

    /// The ActivityTaskScheduled event id, once recorded.
    pub(crate) fn scheduled_event_id(&self) -> Option<i64> {
        match self.state {
            State::Scheduled { scheduled_event_id }
            | State::CancelCreated { scheduled_event_id }
            | State::CancelRecorded { scheduled_event_id } => Some(scheduled_event_id),
            _ => None,
        }
    }

    fn canceled_resolution(&self, scheduled_event_id: i64) -> Resolution {
        let failure = Failure::canceled("activity canceled by the workflow");
        let wrapped = self.wrap_at(failure, scheduled_event_id, 0, RetryState::CancelRequested);
        Resolution::Activity {
            seq: self.seq,
            result: Err(wrapped),
        }
    }

    fn wrap(&self, cause: Failure, started_event_id: i64, retry_state: RetryState) -> Failure {
        self.wrap_at(
            cause,
            self.scheduled_event_id().unwrap_or(0),
            started_event_id,
            retry_state,
        )
    }

    /// Wraps a cause in an Activity failure, as workflow code sees it in Temporal.
    fn wrap_at(
        &self,
        cause: Failure,
        scheduled_event_id: i64,
        started_event_id: i64,
        retry_state: RetryState,
    ) -> Failure {
        Failure::from(FailureFields {
            message: "activity error".to_owned(),
            stack_trace: String::new(),
            info: FailureInfo::Activity {
                scheduled_event_id,
                started_event_id,
                activity_type: self.activity_type.clone(),
                activity_id: self.activity_id.clone(),
                retry_state,
            },
            cause: None,
        })
        .with_cause(cause)
    }
}
