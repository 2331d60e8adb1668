//! Violation reports: the history in the text format with the offending
//! event's line marked, so a reader sees the event in its context.

use super::Violation;
use crate::codec::text::push_event_line;
use crate::model::{Event, SimTime};

/// The history in the text format, each line prefixed with `">> "` if it is
/// the event `event_id`, else with three spaces.
pub fn render_history_with_mark(history: &[Event], event_id: Option<i64>) -> String {
    render_history_with_marks(history, event_id.as_slice())
}

/// [`render_history_with_mark`] marking every event in `event_ids`.
pub fn render_history_with_marks(history: &[Event], event_ids: &[i64]) -> String {
    let origin = history.first().map_or(SimTime::ZERO, |e| e.event_time);
    let mut out = String::with_capacity(history.len() * 84);
    for event in history {
        out.push_str(if event_ids.contains(&event.event_id) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::fixtures::one_activity_run;

    #[test]
    fn only_the_offending_event_is_marked() {
        let history = one_activity_run();
        let text = render_history_with_mark(&history, Some(5));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), history.len());
        assert!(lines[4].starts_with(">>    5 +2s"), "{}", lines[4]);
        assert_eq!(lines.iter().filter(|l| l.starts_with(">>")).count(), 1);
        assert!(lines[0].starts_with("      1 +0s"));
    }

    #[test]
    fn every_listed_event_is_marked() {
        let history = one_activity_run();
        let text = render_history_with_marks(&history, &[2, 7]);
        let marked: Vec<usize> = text
            .lines()
            .enumerate()
            .filter(|(_, l)| l.starts_with(">>"))
            .map(|(i, _)| i + 1)
            .collect();
        assert_eq!(marked, vec![2, 7]);
    }

    #[test]
    fn violation_report_names_the_invariant_then_shows_the_history() {
        let history = one_activity_run();
        let violation = Violation {
            invariant: "history.single_outcome",
            message: "boom".into(),
            event_id: Some(7),
        };
        let report = render_violation(&history, &violation);
        assert!(report.starts_with("[history.single_outcome] event 7: boom\n"));
        assert!(report.contains(">>    7 +4s         ActivityTaskCompleted"));
    }
}
