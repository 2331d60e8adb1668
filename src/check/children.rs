//! Cross-history invariants between executions: a parent and its children
//! (each started child names its parent; each child outcome in a parent is
//! the child chain's own end; an ended child's outcome is not lost; close
//! policies are applied), and external signals (each delivered exactly
//! once). Judged from the histories of every run alone.

use super::chains::next_run_id;
use super::run::RunViolation;
use super::run_view::RunView;
use super::InvariantInfo;
use crate::lookup::SortedMap;
use crate::model::*;
use std::collections::BTreeMap;
use std::rc::Rc;

/// A child names its parent.
pub const PARENT_RECORDED: InvariantInfo = InvariantInfo {
    id: "children.parent_recorded",
    description: "a started child's WorkflowExecutionStarted names the parent and initiated event that started it",
};
/// The outcome in the parent is the child's own end.
pub const OUTCOME_MATCHES: InvariantInfo = InvariantInfo {
    id: "children.outcome_matches",
    description:
        "each child outcome in a parent matches the closing event of the child chain's last run",
};
/// A child's end reaches an open parent.
pub const OUTCOME_DELIVERED: InvariantInfo = InvariantInfo {
    id: "children.outcome_delivered",
    description:
        "a child chain that ended while its parent is still open has its outcome in the parent",
};
/// Parent close policies are applied.
pub const CLOSE_POLICY: InvariantInfo = InvariantInfo {
    id: "children.close_policy_applied",
    description: "when a parent closes, each of its open children is terminated, asked to cancel or left alone, as its policy says",
};
/// External signals are delivered exactly once.
pub const EXTERNAL_SIGNAL_ONCE: InvariantInfo = InvariantInfo {
    id: "children.external_signal_once",
    description: "a target records each external signal at most once, and every signal its sender saw confirmed",
};

/// Every run by its execution, and the runs of each workflow id.
struct Index<'a> {
    runs: SortedMap<&'a WorkflowExecution, &'a RunView<'a>>,
}

impl<'a> Index<'a> {
    fn new(runs: &'a [RunView<'a>]) -> Index<'a> {
        Index {
            runs: runs.iter().map(|r| (r.execution(), r)).collect(),
        }
    }

    /// The last run of the chain that starts at `first` (following
    /// continue-as-new, retries and cron).
    fn last_of_chain(&self, first: &WorkflowExecution) -> Option<&'a RunView<'a>> {
        let mut run = *self.runs.get(first)?;
        for _ in 0..self.runs.len() {
            let Some(next) = run
                .history()
                .last()
                .and_then(|e| next_run_id(&e.attributes))
            else {
                return Some(run);
            };
            let next = WorkflowExecution {
                workflow_id: first.workflow_id.clone(),
                run_id: next,
            };
            match self.runs.get(&next) {
                Some(r) => run = r,
                None => return Some(run),
            }
        }
        Some(run)
    }
}

/// Whether a child outcome in the parent says what the child's closing event says.
fn outcome_matches(outcome: &EventAttributes, closing: &EventAttributes) -> bool {
    use EventAttributes as A;
    match (outcome, closing) {
        (
            A::ChildWorkflowExecutionCompleted { result, .. },
            A::WorkflowExecutionCompleted { result: own, .. },
        ) => result == own,
        (
            A::ChildWorkflowExecutionFailed { failure, .. },
            A::WorkflowExecutionFailed { failure: own, .. },
        ) => failure == own,
        (A::ChildWorkflowExecutionCanceled { .. }, A::WorkflowExecutionCanceled { .. })
        | (A::ChildWorkflowExecutionTimedOut { .. }, A::WorkflowExecutionTimedOut { .. })
        | (A::ChildWorkflowExecutionTerminated { .. }, A::WorkflowExecutionTerminated { .. }) => {
            true
        }
        _ => false,
    }
}

/// The initiated event id of a child outcome event.
fn outcome_initiated_id(attributes: &EventAttributes) -> Option<i64> {
    use EventAttributes as A;
    match attributes {
        A::ChildWorkflowExecutionCompleted {
            initiated_event_id, ..
        }
        | A::ChildWorkflowExecutionFailed {
            initiated_event_id, ..
        }
        | A::ChildWorkflowExecutionCanceled {
            initiated_event_id, ..
        }
        | A::ChildWorkflowExecutionTimedOut {
            initiated_event_id, ..
        }
        | A::ChildWorkflowExecutionTerminated {
            initiated_event_id, ..
        } => Some(*initiated_event_id),
        _ => None,
    }
}

/// Holds every parent and child in `store` to the parent/child invariants.
pub(crate) fn check_children(runs: &[RunView], found: &mut Vec<RunViolation>) {
    // Only a child's start gives its parent something to answer for.
    let is_parent = |run: &&RunView| run.has(EventType::ChildWorkflowExecutionStarted);
    if !runs.iter().any(|run| is_parent(&run)) {
        return;
    }
    let index = Index::new(runs);
    for parent in runs.iter().filter(is_parent) {
        check_parent(&index, parent, found);
    }
}

fn check_parent(index: &Index, parent: &RunView, found: &mut Vec<RunViolation>) {
    let history = parent.history();
    let execution = parent.execution();
    let mut policies: BTreeMap<i64, ParentClosePolicy> = BTreeMap::new();
    let mut started: BTreeMap<i64, (i64, WorkflowExecution)> = BTreeMap::new();
    let mut outcomes: BTreeMap<i64, &Event> = BTreeMap::new();
    for e in history {
        match &e.attributes {
            EventAttributes::StartChildWorkflowExecutionInitiated(initiated) => {
                policies.insert(e.event_id, initiated.parent_close_policy);
            }
            EventAttributes::ChildWorkflowExecutionStarted {
                initiated_event_id,
                workflow_execution,
                ..
            } => {
                started.insert(
                    *initiated_event_id,
                    (e.event_id, workflow_execution.clone()),
                );
            }
            other => {
                if let Some(initiated) = outcome_initiated_id(other) {
                    outcomes.insert(initiated, e);
                }
            }
        }
    }
    for (initiated, (started_event_id, child)) in &started {
        let violation = |invariant: &'static str, event_id: i64, message: String| {
            RunViolation::new(invariant, Some(execution), Some(event_id), message)
        };
        let Some(first) = index.runs.get(child) else {
            found.push(violation(
                PARENT_RECORDED.id,
                *started_event_id,
                format!("child {child} has no history"),
            ));
            continue;
        };
        if let EventAttributes::WorkflowExecutionStarted(started_attrs) =
            &first.history()[0].attributes
        {
            let WorkflowExecutionStartedAttributes {
                parent_workflow_execution,
                parent_initiated_event_id,
                ..
            } = &**started_attrs;
            if parent_workflow_execution.as_ref() != Some(execution)
                || *parent_initiated_event_id != Some(*initiated)
            {
                found.push(violation(
                    PARENT_RECORDED.id,
                    *started_event_id,
                    format!("child {child} names parent {parent_workflow_execution:?} event {parent_initiated_event_id:?}"),
                ));
            }
        }
        let Some(last) = index.last_of_chain(child) else {
            continue;
        };
        let closing = last
            .history()
            .last()
            .filter(|e| e.event_type().is_closing());
        match (outcomes.get(initiated), closing) {
            (Some(outcome), Some(closing))
                if !outcome_matches(&outcome.attributes, &closing.attributes) =>
            {
                found.push(violation(
                    OUTCOME_MATCHES.id,
                    outcome.event_id,
                    format!(
                        "parent records {} but child {} ended with {}",
                        outcome.event_type().name(),
                        last.execution(),
                        closing.event_type().name()
                    ),
                ));
            }
            (Some(outcome), None) => found.push(violation(
                OUTCOME_MATCHES.id,
                outcome.event_id,
                format!(
                    "parent records {} but child {} is still running",
                    outcome.event_type().name(),
                    last.execution()
                ),
            )),
            (None, Some(_)) if parent.status().is_running() => found.push(violation(
                OUTCOME_DELIVERED.id,
                *started_event_id,
                format!(
                    "child {} ended but the open parent has no outcome for it",
                    last.execution()
                ),
            )),
            (None, None) if !parent.status().is_running() => {
                let policy = policies.get(initiated).copied().unwrap_or_default();
                check_close_policy(execution, policy, last, *started_event_id, found);
            }
            _ => {}
        }
    }
}

/// A parent closed while its child chain was open: the policy's effect must show.
fn check_close_policy(
    parent: &WorkflowExecution,
    policy: ParentClosePolicy,
    child_last: &RunView,
    started_event_id: i64,
    found: &mut Vec<RunViolation>,
) {
    let asked_by_parent = child_last.history().iter().any(|e| {
        matches!(&e.attributes, EventAttributes::WorkflowExecutionCancelRequested {
            external_workflow_execution: Some(by),
            external_initiated_event_id: None,
            ..
        } if by == parent)
    });
    let problem = match policy {
        ParentClosePolicy::Terminate => Some("was not terminated (policy Terminate)"),
        ParentClosePolicy::RequestCancel if !asked_by_parent => {
            Some("was not asked to cancel (policy RequestCancel)")
        }
        ParentClosePolicy::Abandon if asked_by_parent => {
            Some("was asked to cancel although abandoned")
        }
        _ => None,
    };
    if let Some(problem) = problem {
        found.push(RunViolation::new(
            CLOSE_POLICY.id,
            Some(parent),
            Some(started_event_id),
            format!(
                "the parent closed and child {} {problem}",
                child_last.execution()
            ),
        ));
    }
}

/// Each external signal is recorded by its target at most once, and at
/// least once when its sender saw it confirmed. A target identifies the
/// sender by the signal's identity `workflow <sender execution>`.
pub(crate) fn check_external_signals(runs: &[RunView], found: &mut Vec<RunViolation>) {
    // Only a run that initiated a signal is a sender.
    let is_sender = |run: &&RunView| run.has(EventType::SignalExternalWorkflowExecutionInitiated);
    if !runs.iter().any(|run| is_sender(&run)) {
        return;
    }
    let mut received: BTreeMap<(Rc<str>, &WorkflowId, &str), u64> = BTreeMap::new();
    for run in runs
        .iter()
        .filter(|r| r.has(EventType::WorkflowExecutionSignaled))
    {
        for e in run.history() {
            if let EventAttributes::WorkflowExecutionSignaled {
                signal_name,
                identity,
                ..
            } = &e.attributes
            {
                if identity.starts_with("workflow ") {
                    let key = (
                        identity.clone(),
                        &run.execution().workflow_id,
                        signal_name.as_str(),
                    );
                    *received.entry(key).or_insert(0) += 1;
                }
            }
        }
    }
    let mut initiated: BTreeMap<(Rc<str>, &WorkflowId, &str), (u64, u64)> = BTreeMap::new();
    for run in runs.iter().filter(is_sender) {
        // The identity its signals carry, made on its first signal.
        let mut sender: Option<Rc<str>> = None;
        let mut names: BTreeMap<i64, (&WorkflowId, &str)> = BTreeMap::new();
        for e in run.history() {
            match &e.attributes {
                EventAttributes::SignalExternalWorkflowExecutionInitiated {
                    workflow_execution,
                    signal_name,
                    ..
                } => {
                    let target = (&workflow_execution.workflow_id, signal_name.as_str());
                    names.insert(e.event_id, target);
                    let sender = sender
                        .get_or_insert_with(|| format!("workflow {}", run.execution()).into());
                    let key = (sender.clone(), target.0, target.1);
                    initiated.entry(key).or_insert((0, 0)).0 += 1;
                }
                EventAttributes::ExternalWorkflowExecutionSignaled {
                    initiated_event_id, ..
                } => {
                    if let (Some(&(id, name)), Some(sender)) =
                        (names.get(initiated_event_id), &sender)
                    {
                        initiated
                            .entry((sender.clone(), id, name))
                            .or_insert((0, 0))
                            .1 += 1;
                    }
                }
                _ => {}
            }
        }
    }
    for ((sender, target, name), (sent, confirmed)) in &initiated {
        let got = received
            .get(&(sender.clone(), *target, *name))
            .copied()
            .unwrap_or(0);
        if got > *sent || got < *confirmed {
            found.push(RunViolation::new(
                EXTERNAL_SIGNAL_ONCE.id,
                None,
                None,
                format!("{sender} sent {sent} {name:?} signals to {target} ({confirmed} confirmed), but it recorded {got}"),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::fixtures::{event, started};
    use WorkflowExecutionStatus as S;

    fn execution(workflow_id: &str) -> WorkflowExecution {
        WorkflowExecution {
            workflow_id: WorkflowId::new(workflow_id),
            run_id: RunId::new(format!("{workflow_id}-run")),
        }
    }

    fn ns() -> Namespace {
        Namespace::default()
    }

    /// A parent that started child `kid` (initiated 2, started 3) with `policy`.
    fn parent(policy: ParentClosePolicy, more: Vec<EventAttributes>) -> Vec<Event> {
        let mut attributes = vec![
            started(),
            EventAttributes::StartChildWorkflowExecutionInitiated(Box::new(
                StartChildWorkflowExecutionInitiatedAttributes {
                    namespace: ns(),
                    workflow_id: WorkflowId::new("kid"),
                    workflow_type: WorkflowType::new("Kid"),
                    task_queue: TaskQueue::new("tq"),
                    input: Payload::null(),
                    workflow_execution_timeout: None,
                    workflow_run_timeout: None,
                    workflow_task_timeout: secs(10),
                    parent_close_policy: policy,
                    workflow_task_completed_event_id: 1,
                    workflow_id_reuse_policy: WorkflowIdReusePolicy::AllowDuplicate,
                    retry_policy: None,
                    cron_schedule: None,
                    memo: Memo::new(),
                },
            )),
            EventAttributes::ChildWorkflowExecutionStarted {
                namespace: ns(),
                initiated_event_id: 2,
                workflow_execution: execution("kid"),
                workflow_type: WorkflowType::new("Kid"),
            },
        ];
        attributes.extend(more);
        numbered(attributes)
    }

    fn numbered(attributes: Vec<EventAttributes>) -> Vec<Event> {
        attributes
            .into_iter()
            .enumerate()
            .map(|(i, a)| event(i as i64 + 1, i as u64, a))
            .collect()
    }

    /// The child `kid`, naming the parent, with `more` events after its start.
    fn child(more: Vec<EventAttributes>) -> Vec<Event> {
        let mut first = started();
        if let EventAttributes::WorkflowExecutionStarted(started_attrs) = &mut first {
            let WorkflowExecutionStartedAttributes {
                parent_workflow_execution,
                parent_initiated_event_id,
                ..
            } = &mut **started_attrs;
            *parent_workflow_execution = Some(execution("parent"));
            *parent_initiated_event_id = Some(2);
        }
        let mut attributes = vec![first];
        attributes.extend(more);
        numbered(attributes)
    }

    fn completed(result: &str) -> EventAttributes {
        EventAttributes::WorkflowExecutionCompleted {
            result: Payload::from(result),
            workflow_task_completed_event_id: 1,
            new_execution_run_id: None,
        }
    }

    fn child_completed(result: &str) -> EventAttributes {
        EventAttributes::ChildWorkflowExecutionCompleted {
            result: Payload::from(result),
            namespace: ns(),
            workflow_execution: execution("kid"),
            workflow_type: WorkflowType::new("Kid"),
            initiated_event_id: 2,
            started_event_id: 3,
        }
    }

    fn check(
        runs: &[(WorkflowExecution, WorkflowExecutionStatus, Vec<Event>)],
    ) -> Vec<&'static str> {
        let views: Vec<RunView> = runs
            .iter()
            .map(|(execution, status, history)| RunView::new(execution, *status, history.into()))
            .collect();
        let mut found = Vec::new();
        check_children(&views, &mut found);
        check_external_signals(&views, &mut found);
        found.into_iter().map(|v| v.invariant).collect()
    }

    #[test]
    fn a_child_outcome_equal_to_the_child_end_passes() {
        let p = parent(
            ParentClosePolicy::Terminate,
            vec![child_completed("r"), completed("p")],
        );
        let c = child(vec![completed("r")]);
        let found = check(&[
            (execution("parent"), S::Completed, p),
            (execution("kid"), S::Completed, c),
        ]);
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn a_child_outcome_that_differs_from_the_child_end_is_caught() {
        let p = parent(ParentClosePolicy::Terminate, vec![child_completed("other")]);
        let c = child(vec![completed("r")]);
        let found = check(&[
            (execution("parent"), S::Running, p),
            (execution("kid"), S::Completed, c),
        ]);
        assert_eq!(found, [OUTCOME_MATCHES.id]);
    }

    #[test]
    fn a_child_end_missing_from_an_open_parent_is_caught() {
        let p = parent(ParentClosePolicy::Terminate, vec![]);
        let c = child(vec![completed("r")]);
        let found = check(&[
            (execution("parent"), S::Running, p),
            (execution("kid"), S::Completed, c),
        ]);
        assert_eq!(found, [OUTCOME_DELIVERED.id]);
    }

    #[test]
    fn a_child_left_running_under_the_terminate_policy_is_caught() {
        let p = parent(ParentClosePolicy::Terminate, vec![completed("p")]);
        let c = child(vec![]);
        let found = check(&[
            (execution("parent"), S::Completed, p.clone()),
            (execution("kid"), S::Running, c.clone()),
        ]);
        assert_eq!(found, [CLOSE_POLICY.id]);
        let abandoned = parent(ParentClosePolicy::Abandon, vec![completed("p")]);
        let found = check(&[
            (execution("parent"), S::Completed, abandoned),
            (execution("kid"), S::Running, c),
        ]);
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn a_child_naming_another_parent_is_caught() {
        let p = parent(ParentClosePolicy::Abandon, vec![]);
        let mut c = child(vec![]);
        if let EventAttributes::WorkflowExecutionStarted(started_attrs) = &mut c[0].attributes {
            let WorkflowExecutionStartedAttributes {
                parent_initiated_event_id,
                ..
            } = &mut **started_attrs;
            *parent_initiated_event_id = Some(9);
        }
        let found = check(&[
            (execution("parent"), S::Running, p),
            (execution("kid"), S::Running, c),
        ]);
        assert_eq!(found, [PARENT_RECORDED.id]);
    }

    #[test]
    fn an_external_signal_recorded_twice_is_caught() {
        let target = WorkflowExecution {
            workflow_id: WorkflowId::new("kid"),
            run_id: RunId::new(""),
        };
        let sender = numbered(vec![
            started(),
            EventAttributes::SignalExternalWorkflowExecutionInitiated {
                workflow_task_completed_event_id: 1,
                namespace: ns(),
                workflow_execution: target.clone(),
                signal_name: "ping".into(),
                input: Payload::null(),
                child_workflow_only: false,
            },
            EventAttributes::ExternalWorkflowExecutionSignaled {
                initiated_event_id: 2,
                namespace: ns(),
                workflow_execution: target,
            },
        ]);
        let signal = EventAttributes::WorkflowExecutionSignaled {
            signal_name: "ping".into(),
            input: Payload::null(),
            identity: format!("workflow {}", execution("sender")).into(),
        };
        let once = numbered(vec![started(), signal.clone()]);
        let twice = numbered(vec![started(), signal.clone(), signal]);
        let ok = check(&[
            (execution("sender"), S::Running, sender.clone()),
            (execution("kid"), S::Running, once),
        ]);
        assert!(ok.is_empty(), "{ok:?}");
        let found = check(&[
            (execution("sender"), S::Running, sender),
            (execution("kid"), S::Running, twice),
        ]);
        assert_eq!(found, [EXTERNAL_SIGNAL_ONCE.id]);
    }
}
