//! The durable Store: the only Service state that survives a crash.
//!
//! Every run's history and durable mutable state live here, indexed densely
//! by start order. Each mutation of a run is one [`Store::commit`], which
//! counts one state transition of that run; in the simulated world a crash
//! happens between handler calls, so a commit is atomic by construction.

use super::mutable_state::MutableState;
use crate::codec::compact::{CompactHistory, EventHeader};
use crate::lookup::LookupMap;
use crate::model::*;
use std::borrow::Cow;
use std::collections::hash_map::Entry;
use std::rc::Rc;

/// Everything the Service has committed. Cloning it is a snapshot.
#[derive(Clone, Debug, Default)]
pub struct Store {
    runs: Vec<RunRecord>,
    /// Whether the indexes below are kept: once the Store holds more than
    /// [`FEW_RUNS`] runs (or expects to from the start); until then
    /// lookups search `runs`, and the indexes stay empty.
    indexed: bool,
    by_execution: LookupMap<WorkflowExecution, usize>,
    /// The runs of each workflow id in start order; the last is the current run.
    by_workflow_id: LookupMap<WorkflowId, RunsOfWorkflow>,
    /// Start request ids already applied, and the run each created.
    start_request_ids: LookupMap<Rc<str>, usize>,
    /// Runs not yet closed (derived from `runs`: saves a scan of every run
    /// each time the world asks whether everything has closed).
    open_runs: usize,
    next_sequence: u64,
    commit_count: u64,
    /// Runs committed since the last [`Store::clear_recent_commits`], for
    /// observers of a run in progress (not part of the durable state).
    recent_commits: Vec<usize>,
    /// Runs committed with pending transfers since the Service last armed
    /// them (derived from `runs`; saves scanning every run per commit).
    transfer_runs: Vec<usize>,
}

/// Up to how many runs the Store searches its list of runs for a lookup
/// instead of keeping indexes: a small world's few comparisons cost less
/// than making, filling and dropping three hash maps.
const FEW_RUNS: usize = 16;

/// Room for the events of a short run from the start (the documented
/// two-activity workflow writes 17): growing from empty would copy its
/// history four times. A run's spare room is given back when it closes.
const INITIAL_HISTORY_CAPACITY: usize = 24;

/// One run: its history, status, memo and the durable mutable state that
/// the Service needs to continue it after a restart.
#[derive(Clone, Debug)]
pub struct RunRecord {
    pub(crate) index: usize,
    pub(crate) execution: WorkflowExecution,
    pub(crate) workflow_type: WorkflowType,
    pub(crate) status: WorkflowExecutionStatus,
    history: StoredHistory,
    pub(crate) state_transitions: u64,
    pub(crate) memo: Memo,
    pub(crate) start_time: SimTime,
    pub(crate) close_time: Option<SimTime>,
    pub(crate) state: MutableState,
    /// Whether [`Store::commit`] has counted this run's close.
    close_counted: bool,
    /// The request id of the start that created the run, if it had one.
    start_request_id: Option<Rc<str>>,
}

/// A run's history as the Store holds it: its events while the run is open
/// (shared with the workflow tasks that carry them, copied only if an event
/// is written while a task still holds them); once it has closed, in a
/// world that asks for it, in the compact encoding, which takes about a
/// seventh of the memory (nothing is appended after the closing event).
#[derive(Clone, Debug)]
enum StoredHistory {
    Events(Rc<Vec<Event>>),
    Compact(CompactHistory),
}

impl RunRecord {
    /// The run's identity.
    pub fn execution(&self) -> &WorkflowExecution {
        &self.execution
    }
    /// The workflow type the run executes.
    pub fn workflow_type(&self) -> &WorkflowType {
        &self.workflow_type
    }
    /// Running, or how the run closed.
    pub fn status(&self) -> WorkflowExecutionStatus {
        self.status
    }
    /// The committed history: borrowed, or decoded if the Store keeps it
    /// compact (a closed run in a world of many executions).
    pub fn history(&self) -> Cow<'_, [Event]> {
        match &self.history {
            StoredHistory::Events(events) => Cow::Borrowed(events),
            StoredHistory::Compact(compact) => Cow::Owned(compact.decode()),
        }
    }
    /// Calls `f` on the id, type and time of every event, in order
    /// (without decoding a compact history).
    pub fn for_each_event_header(&self, f: impl FnMut(EventHeader)) {
        match &self.history {
            StoredHistory::Events(events) => events.iter().map(EventHeader::from).for_each(f),
            StoredHistory::Compact(compact) => compact.headers().for_each(f),
        }
    }
    /// How many events the history has (without decoding it).
    pub fn history_len(&self) -> usize {
        match &self.history {
            StoredHistory::Events(events) => events.len(),
            StoredHistory::Compact(compact) => compact.len(),
        }
    }
    /// How many commits changed this run.
    pub fn state_transitions(&self) -> u64 {
        self.state_transitions
    }
    /// The current memo.
    pub fn memo(&self) -> &Memo {
        &self.memo
    }
    /// When the run started.
    pub fn start_time(&self) -> SimTime {
        self.start_time
    }
    /// When the run closed, if it has.
    pub fn close_time(&self) -> Option<SimTime> {
        self.close_time
    }
    /// The id the next written event gets.
    pub(crate) fn next_event_id(&self) -> i64 {
        self.history_len() as i64 + 1
    }
    /// The events of a run still open, to append to.
    #[inline]
    pub(crate) fn open_history(&mut self) -> &mut Vec<Event> {
        match &mut self.history {
            StoredHistory::Events(events) => {
                if Rc::get_mut(events).is_none() {
                    unshare(events);
                }
                Rc::get_mut(events).expect("unshared above")
            }
            StoredHistory::Compact(_) => unreachable!("no event follows the closing event"),
        }
    }
    /// The events of a run still open, to share with a workflow task.
    pub(crate) fn shared_open_history(&self) -> &Rc<Vec<Event>> {
        match &self.history {
            StoredHistory::Events(events) => events,
            StoredHistory::Compact(_) => unreachable!("a closed run has no workflow task"),
        }
    }
    /// The attributes of event 1 (WorkflowExecutionStarted): borrowed, or
    /// decoded from a compact history.
    pub(crate) fn started_attributes(&self) -> Cow<'_, WorkflowExecutionStartedAttributes> {
        match &self.history {
            StoredHistory::Events(events) => Cow::Borrowed(started_of(&events[0])),
            StoredHistory::Compact(compact) => {
                let first = compact.first().expect("a run has event 1");
                Cow::Owned(started_of(&first).clone())
            }
        }
    }
    /// The chain's first run, from event 1.
    pub(crate) fn first_execution_run_id(&self) -> RunId {
        self.started_attributes().first_execution_run_id.clone()
    }
    /// Keeps a closed run's history in the compact encoding.
    fn compact_if_closed(&mut self) {
        if let (StoredHistory::Events(events), false) = (&self.history, self.status.is_running()) {
            self.history = StoredHistory::Compact(CompactHistory::encode(events));
        }
    }
}

/// Copies a run's events that a workflow task still holds, so that the
/// run can write more (rare: a task's events are mostly dropped by the
/// time the run writes its next event).
#[cold]
#[inline(never)]
fn unshare(events: &mut Rc<Vec<Event>>) {
    Rc::make_mut(events);
}

/// The hint a task token carries for the run at `index` (see
/// [`Store::resolve_hinted`]); an index beyond `u32` gives a hint that
/// misses, which only costs a lookup.
pub(crate) fn run_hint(index: usize) -> u32 {
    u32::try_from(index).unwrap_or(u32::MAX)
}

/// The attributes of event 1, which is always WorkflowExecutionStarted.
fn started_of(event: &Event) -> &WorkflowExecutionStartedAttributes {
    match &event.attributes {
        EventAttributes::WorkflowExecutionStarted(started) => started,
        other => unreachable!(
            "event 1 is always WorkflowExecutionStarted, found {:?}",
            other.event_type()
        ),
    }
}

/// The runs of one workflow id, in start order. Most ids have one run,
/// which needs no allocation.
#[derive(Clone, Debug)]
enum RunsOfWorkflow {
    One(usize),
    Many(Vec<usize>),
}

impl RunsOfWorkflow {
    fn as_slice(&self) -> &[usize] {
        match self {
            RunsOfWorkflow::One(index) => std::slice::from_ref(index),
            RunsOfWorkflow::Many(indexes) => indexes,
        }
    }

    fn push(&mut self, index: usize) {
        match self {
            RunsOfWorkflow::One(first) => *self = RunsOfWorkflow::Many(vec![*first, index]),
            RunsOfWorkflow::Many(indexes) => indexes.push(index),
        }
    }
}

/// What a new run is created from; the Store assigns its index and
/// makes its fresh state in place (the caller sets the rest of it on the
/// inserted run: a state moved in would be copied twice on the way).
pub(crate) struct NewRun {
    pub execution: WorkflowExecution,
    pub workflow_type: WorkflowType,
    pub memo: Memo,
    pub start_time: SimTime,
    /// The run's normal task queue.
    pub task_queue: TaskQueue,
    /// Start-to-close timeout of each workflow task.
    pub workflow_task_timeout: Duration,
    pub start_request_id: Option<Rc<str>>,
}

impl Store {
    /// An empty Store with room for `runs` runs in its list and indexes.
    pub(crate) fn with_capacity(runs: usize) -> Store {
        if runs <= FEW_RUNS {
            return Store {
                runs: Vec::with_capacity(runs),
                ..Store::default()
            };
        }
        Store {
            runs: Vec::with_capacity(runs),
            indexed: true,
            by_execution: LookupMap::with_capacity_and_hasher(runs, Default::default()),
            by_workflow_id: LookupMap::with_capacity_and_hasher(runs, Default::default()),
            start_request_ids: LookupMap::with_capacity_and_hasher(runs, Default::default()),
            ..Store::default()
        }
    }

    /// Every run, in start order.
    pub fn runs(&self) -> impl Iterator<Item = &RunRecord> {
        self.runs.iter()
    }
    /// One run by its execution (an exact run id).
    pub fn run(&self, execution: &WorkflowExecution) -> Option<&RunRecord> {
        self.index_of(execution).map(|i| &self.runs[i])
    }
    /// How many commits the Store has taken.
    pub fn commit_count(&self) -> u64 {
        self.commit_count
    }
    /// How many runs are still running (not closed).
    pub fn open_run_count(&self) -> usize {
        self.open_runs
    }

    /// Takes the next durable sequence number (for run ids).
    pub(crate) fn take_sequence(&mut self) -> u64 {
        self.next_sequence += 1;
        self.next_sequence
    }
    /// The run at a dense index.
    pub(crate) fn at(&self, index: usize) -> &RunRecord {
        &self.runs[index]
    }
    /// The run at a dense index, for mutation before a commit.
    pub(crate) fn at_mut(&mut self, index: usize) -> &mut RunRecord {
        &mut self.runs[index]
    }
    /// How many runs exist.
    pub(crate) fn len(&self) -> usize {
        self.runs.len()
    }
    /// The dense index of an execution; an empty run id means the current run.
    pub(crate) fn resolve(&self, execution: &WorkflowExecution) -> Option<usize> {
        if execution.run_id.as_str().is_empty() {
            self.current_run(&execution.workflow_id)
        } else {
            self.index_of(execution)
        }
    }
    /// The dense index of an exact execution.
    fn index_of(&self, execution: &WorkflowExecution) -> Option<usize> {
        if self.indexed {
            self.by_execution.get(execution).copied()
        } else {
            self.runs.iter().position(|r| r.execution == *execution)
        }
    }
    /// The dense index a task token names: its hint if that run is the
    /// token's execution, else [`Store::resolve`].
    pub(crate) fn resolve_hinted(&self, execution: &WorkflowExecution, hint: u32) -> Option<usize> {
        let hint = hint as usize;
        match self.runs.get(hint) {
            Some(run) if run.execution == *execution => Some(hint),
            _ => self.resolve(execution),
        }
    }
    /// The latest run of a workflow id.
    pub(crate) fn current_run(&self, workflow_id: &WorkflowId) -> Option<usize> {
        if !self.indexed {
            let mut runs = self.runs.iter();
            return runs.rposition(|r| r.execution.workflow_id == *workflow_id);
        }
        self.by_workflow_id
            .get(workflow_id)
            .and_then(|runs| runs.as_slice().last().copied())
    }
    /// Every run of a workflow id, in start order.
    pub(crate) fn runs_of(&self, workflow_id: &WorkflowId) -> Cow<'_, [usize]> {
        if !self.indexed {
            let runs = self.runs.iter().enumerate();
            let of_id = runs.filter(|(_, r)| r.execution.workflow_id == *workflow_id);
            return Cow::Owned(of_id.map(|(i, _)| i).collect());
        }
        let runs = self.by_workflow_id.get(workflow_id);
        Cow::Borrowed(runs.map_or(&[], RunsOfWorkflow::as_slice))
    }
    /// The run a start request id created, if it was already applied.
    pub(crate) fn run_for_start_request(&self, request_id: &str) -> Option<usize> {
        if !self.indexed {
            let mut runs = self.runs.iter();
            return runs.position(|r| r.start_request_id.as_deref() == Some(request_id));
        }
        self.start_request_ids.get(request_id).copied()
    }

    /// Adds a run (not yet committed: the caller writes its first events
    /// and commits).
    pub(crate) fn insert_run(&mut self, new: NewRun) -> usize {
        let index = self.runs.len();
        self.runs.push(RunRecord {
            index,
            execution: new.execution,
            workflow_type: new.workflow_type,
            status: WorkflowExecutionStatus::Running,
            history: StoredHistory::Events(Rc::new(Vec::with_capacity(INITIAL_HISTORY_CAPACITY))),
            state_transitions: 0,
            memo: new.memo,
            start_time: new.start_time,
            close_time: None,
            state: MutableState::new(new.task_queue, new.workflow_task_timeout),
            close_counted: false,
            start_request_id: new.start_request_id,
        });
        if self.indexed {
            self.index_run(index);
        } else if self.runs.len() > FEW_RUNS {
            self.indexed = true;
            for index in 0..self.runs.len() {
                self.index_run(index);
            }
        }
        self.open_runs += 1;
        index
    }

    /// Adds the run at `index` to the indexes.
    fn index_run(&mut self, index: usize) {
        let run = &self.runs[index];
        self.by_execution.insert(run.execution.clone(), index);
        match self.by_workflow_id.entry(run.execution.workflow_id.clone()) {
            Entry::Occupied(runs) => runs.into_mut().push(index),
            Entry::Vacant(runs) => {
                runs.insert(RunsOfWorkflow::One(index));
            }
        }
        if let Some(request_id) = &run.start_request_id {
            self.start_request_ids.insert(request_id.clone(), index);
        }
    }

    /// Records one atomic update of a run: one state transition.
    pub(crate) fn commit(&mut self, index: usize) {
        let run = &mut self.runs[index];
        run.state_transitions += 1;
        if !run.close_counted && !run.status.is_running() {
            run.close_counted = true;
            self.open_runs -= 1;
        }
        self.commit_count += 1;
        if self.recent_commits.last() != Some(&index) {
            self.recent_commits.push(index);
        }
        if !self.runs[index].state.transfers.is_empty() && self.transfer_runs.last() != Some(&index)
        {
            self.transfer_runs.push(index);
        }
    }

    /// The runs committed with pending transfers since the last call, emptying the list.
    pub(crate) fn take_transfer_runs(&mut self) -> Vec<usize> {
        std::mem::take(&mut self.transfer_runs)
    }

    /// Notes every run that has pending transfers (after a restart).
    pub(crate) fn note_all_transfer_runs(&mut self) {
        self.transfer_runs = (0..self.runs.len())
            .filter(|&i| !self.runs[i].state.transfers.is_empty())
            .collect();
    }

    /// The indexes of the runs committed since the last
    /// [`Store::clear_recent_commits`] (a run may appear more than once).
    pub(crate) fn recent_commits(&self) -> &[usize] {
        &self.recent_commits
    }
    /// Keeps the histories of the runs that the recent commits closed in
    /// the compact encoding (after observers of the step have read them).
    pub(crate) fn compact_recently_closed(&mut self) {
        for &index in &self.recent_commits {
            self.runs[index].compact_if_closed();
        }
    }
    /// Forgets the recent commits, keeping the buffer for the next ones.
    pub(crate) fn clear_recent_commits(&mut self) {
        self.recent_commits.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::api::TaskHistory;

    fn store_with_one_run() -> (Store, usize) {
        let mut store = Store::default();
        let index = store.insert_run(NewRun {
            execution: WorkflowExecution {
                workflow_id: "wf".into(),
                run_id: "run".into(),
            },
            workflow_type: "type".into(),
            memo: Memo::default(),
            start_time: SimTime::START,
            task_queue: "queue".into(),
            workflow_task_timeout: Duration::from_secs(10),
            start_request_id: None,
        });
        (store, index)
    }

    proptest::proptest! {
        /// Lookups answer the same whether the Store searches its runs (few
        /// runs), indexes them from the start (many expected) or switches
        /// to indexes as it grows past a few runs.
        #[test]
        fn lookups_find_the_runs_inserted(
            runs in proptest::collection::vec((0u8..4, proptest::option::of(0u8..30)), 0..40),
        ) {
            let mut small = Store::with_capacity(1);
            let mut large = Store::with_capacity(1_000);
            let mut inserted: Vec<(WorkflowExecution, Option<Rc<str>>)> = Vec::new();
            for (i, (workflow, request)) in runs.into_iter().enumerate() {
                let execution = WorkflowExecution {
                    workflow_id: WorkflowId::new(format!("wf-{workflow}")),
                    run_id: RunId::new(format!("run-{i}")),
                };
                // A request id applied once creates one run only.
                let request_id: Option<Rc<str>> = request
                    .map(|r| Rc::from(format!("request-{r}")))
                    .filter(|id| inserted.iter().all(|(_, other)| other.as_ref() != Some(id)));
                for store in [&mut small, &mut large] {
                    let index = store.insert_run(NewRun {
                        execution: execution.clone(),
                        workflow_type: "type".into(),
                        memo: Memo::default(),
                        start_time: SimTime::START,
                        task_queue: "queue".into(),
                        workflow_task_timeout: Duration::from_secs(10),
                        start_request_id: request_id.clone(),
                    });
                    proptest::prop_assert_eq!(index, i);
                }
                inserted.push((execution, request_id));
                for store in [&small, &large] {
                    for (index, (execution, request_id)) in inserted.iter().enumerate() {
                        proptest::prop_assert_eq!(store.resolve(execution), Some(index));
                        proptest::prop_assert_eq!(store.run(execution).map(|r| r.index), Some(index));
                        if let Some(id) = request_id {
                            proptest::prop_assert_eq!(store.run_for_start_request(id), Some(index));
                        }
                        let id = &execution.workflow_id;
                        let of_id: Vec<usize> = (0..inserted.len())
                            .filter(|&j| inserted[j].0.workflow_id == *id)
                            .collect();
                        proptest::prop_assert_eq!(&*store.runs_of(id), &of_id[..]);
                        proptest::prop_assert_eq!(store.current_run(id), of_id.last().copied());
                        let current = WorkflowExecution {
                            workflow_id: id.clone(),
                            run_id: RunId::new(""),
                        };
                        proptest::prop_assert_eq!(store.resolve(&current), of_id.last().copied());
                    }
                    let absent = WorkflowExecution {
                        workflow_id: WorkflowId::new("wf-0"),
                        run_id: RunId::new("no-such-run"),
                    };
                    proptest::prop_assert_eq!(store.resolve(&absent), None);
                    proptest::prop_assert_eq!(store.current_run(&WorkflowId::new("wf-9")), None);
                    proptest::prop_assert_eq!(store.run_for_start_request("request-99"), None);
                }
            }
        }
    }

    fn timed_out(scheduled_event_id: i64) -> EventAttributes {
        EventAttributes::WorkflowTaskTimedOut {
            scheduled_event_id,
            started_event_id: 0,
            timeout_type: TimeoutType::ScheduleToStart,
        }
    }

    /// A task keeps the events it was given although the run goes on (the
    /// Store copies its events when it writes while a task holds them),
    /// and prints them exactly as a `Vec` of the same events would.
    #[test]
    fn a_shared_history_keeps_what_the_task_was_given() {
        let (mut store, index) = store_with_one_run();
        let run = store.at_mut(index);
        run.append(SimTime::START, timed_out(1));
        run.append(SimTime::START, timed_out(2));
        let task = TaskHistory::shared(Rc::clone(run.shared_open_history()), 1);
        run.append(SimTime::START, timed_out(3));
        assert_eq!(run.history_len(), 3);
        assert_eq!(task.len(), 1);
        assert_eq!(task[0].event_id, 2);
        let copied = run.history()[1..2].to_vec();
        assert_eq!(format!("{task:?}"), format!("{copied:?}"));
        assert_eq!(format!("{task:#?}"), format!("{copied:#?}"));
        assert_eq!(task, TaskHistory::from(copied));
    }
}
