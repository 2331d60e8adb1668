//! What the cross-history checkers (chains, children) see of a run: its
//! identity, status and history — nothing of the engine, so the same
//! checkers judge hand-built or imported histories.

use crate::model::*;
use crate::service::Store;
use std::borrow::Cow;

/// One run: identity, status and history (decoded, if the Store keeps it
/// compact).
#[derive(Clone, Debug)]
pub(crate) struct RunView<'a> {
    pub execution: &'a WorkflowExecution,
    pub status: WorkflowExecutionStatus,
    pub history: Cow<'a, [Event]>,
}

impl<'a> RunView<'a> {
    pub(crate) fn execution(&self) -> &'a WorkflowExecution {
        self.execution
    }
    pub(crate) fn status(&self) -> WorkflowExecutionStatus {
        self.status
    }
    pub(crate) fn history(&self) -> &[Event] {
        &self.history
    }
}

/// Every run of a Store, in start order.
pub(crate) fn views(store: &Store) -> Vec<RunView<'_>> {
    store
        .runs()
        .map(|r| RunView {
            execution: r.execution(),
            status: r.status(),
            history: r.history(),
        })
        .collect()
}
