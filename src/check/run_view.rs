//! What the cross-history checkers (chains, children) see of a run: its
//! identity, status and history — nothing of the engine, so the same
//! checkers judge hand-built or imported histories.

use crate::model::*;
use crate::service::Store;
use std::borrow::Cow;

/// One run: identity, status, history (decoded, if the Store keeps it
/// compact) and the types of event its history holds.
#[derive(Clone, Debug)]
pub(crate) struct RunView<'a> {
    execution: &'a WorkflowExecution,
    status: WorkflowExecutionStatus,
    history: Cow<'a, [Event]>,
    types: EventTypes,
}

impl<'a> RunView<'a> {
    /// The view of a run with this identity, status and history.
    pub(crate) fn new(
        execution: &'a WorkflowExecution,
        status: WorkflowExecutionStatus,
        history: Cow<'a, [Event]>,
    ) -> RunView<'a> {
        let types = EventTypes::of(&history);
        RunView {
            execution,
            status,
            history,
            types,
        }
    }
    pub(crate) fn execution(&self) -> &'a WorkflowExecution {
        self.execution
    }
    pub(crate) fn status(&self) -> WorkflowExecutionStatus {
        self.status
    }
    pub(crate) fn history(&self) -> &[Event] {
        &self.history
    }
    /// Whether the history holds an event of type `event_type`: a checker
    /// that looks only at events of some types skips a history without any.
    pub(crate) fn has(&self, event_type: EventType) -> bool {
        self.types.contains(event_type)
    }
}

/// A set of event types: bit `t as u32` stands for type `t`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct EventTypes(u64);

// Every event type has its bit.
const _: () = assert!(EventType::ALL.len() < 64 && (EventType::Unmodelled as u32) < 64);

impl EventTypes {
    /// The types of the events of `history`.
    pub(crate) fn of(history: &[Event]) -> EventTypes {
        EventTypes(
            history
                .iter()
                .fold(0, |set, e| set | 1 << e.event_type() as u32),
        )
    }

    /// Whether `event_type` is in the set.
    pub(crate) fn contains(self, event_type: EventType) -> bool {
        self.0 & 1 << event_type as u32 != 0
    }
}

/// Every run of a Store, in start order.
pub(crate) fn views(store: &Store) -> Vec<RunView<'_>> {
    store
        .runs()
        .map(|r| RunView::new(r.execution(), r.status(), r.history()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::fixtures::one_activity_run;

    #[test]
    fn a_history_holds_exactly_the_types_of_its_events() {
        let history = one_activity_run();
        let types = EventTypes::of(&history);
        for &t in EventType::ALL.iter().chain([&EventType::Unmodelled]) {
            assert_eq!(
                types.contains(t),
                history.iter().any(|e| e.event_type() == t),
                "{t:?}"
            );
        }
        assert_eq!(EventTypes::of(&[]), EventTypes::default());
    }
}
