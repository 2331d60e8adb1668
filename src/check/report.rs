//! Violation reports: the history in the text format with the offending
//! event's line marked, so a reader sees the event in its context, and a
//! unified diff (made with `similar`) wherever two things should have been
//! equal.

use super::run::RunViolation;
use super::{replay, Violation};
use crate::codec::text::push_event_line;
use crate::model::{Event, SimTime};
use crate::service::Store;
use crate::workflow::Registry;
use similar::TextDiff;

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

/// A unified line diff of `a` (labelled `a_label`) against `b`.
pub fn text_diff(a_label: &str, a: &str, b_label: &str, b: &str) -> String {
    TextDiff::from_lines(a, b)
        .unified_diff()
        .context_radius(3)
        .header(a_label, b_label)
        .to_string()
}

/// A run violation as a reader needs it: the invariant and message, a diff
/// of expected against produced commands for a replay failure, and the
/// history of the run concerned with the offending event marked.
pub fn render_run_violation(store: &Store, registry: &Registry, v: &RunViolation) -> String {
    let mut out = format!("invariant    {}\n", v.invariant);
    if let Some(execution) = &v.execution {
        out.push_str(&format!("execution    {execution}\n"));
    }
    if let Some(id) = v.event_id {
        out.push_str(&format!("event        {id}\n"));
    }
    out.push_str(&format!("message      {}\n", v.message));
    let Some(run) = v.execution.as_ref().and_then(|e| store.run(e)) else {
        return out;
    };
    if v.invariant == replay::DETERMINISTIC.id {
        if let Some((expected, produced)) =
            replay::first_mismatch(registry, run.execution(), &run.history())
        {
            out.push_str("diff (history recorded / code produced):\n");
            out.push_str(&text_diff(
                "history",
                &format!("{expected}\n"),
                "code",
                &format!("{produced}\n"),
            ));
        }
    }
    out.push_str("history (>> marks the offending event):\n");
    out.push_str(&render_history_with_mark(&run.history(), v.event_id));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::fixtures::one_activity_run;

    #[test]
    fn a_diff_shows_removed_and_added_lines_under_their_labels() {
        let diff = text_diff("run 1", "a\nb\nc\n", "run 2", "a\nx\nc\n");
        assert!(diff.starts_with("--- run 1\n+++ run 2\n"), "{diff}");
        assert!(diff.contains("\n-b\n+x\n"), "{diff}");
    }

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
