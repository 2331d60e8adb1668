//! Violation reports: the history in the text format with the offending
//! event's line marked, so a reader sees the event in its context.

use super::Violation;
use crate::codec::text::push_event_line;
use crate::model::{Event, SimTime};

/// The history in the text format, each line prefixed with `">> "` if it is
/// the event `event_id`, else with three spaces.
pub fn render_history_with_mark(history: &[Event], event_id: Option<i64>) -> String {
    let origin = history.first().map_or(SimTime::ZERO, |e| e.event_time);
    let mut out = String::with_capacity(history.len() * 84);
    for event in history {
        out.push_str(if Some(event.event_id) == event_id {
            ">> "
        } else {
            "   "
        });
        push_event_line(&mut out, event, origin);
        out.push('\n');
    }
    out
}

/// A violation as a reader needs it: the invariant, the message, and the
/// history with the offending event marked.
pub fn render_violation(history: &[Event], violation: &Violation) -> String {
    format!(
        "{violation}\n{}",
        render_history_with_mark(history, violation.event_id)
    )
}
