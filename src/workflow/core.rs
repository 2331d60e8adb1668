//! The state one workflow run shares between its code (through
//! [`WfContext`](super::WfContext) and the awaitables it hands out) and the
//! worker that drives it. The code only reads resolutions and queues
//! requests here; the worker turns requests into commands and history events
//! into resolutions, so workflow code never sees history directly.

use super::seq_map::SeqMap;
use crate::model::*;
use std::collections::{BTreeMap, VecDeque};

/// Who the run is, as workflow code sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct WorkflowInfo {
    /// The chain's workflow id (empty when replaying a history without one).
    pub workflow_id: WorkflowId,
    /// This run's id.
    pub run_id: RunId,
    /// The registered workflow name.
    pub workflow_type: WorkflowType,
    /// The run's task queue (activities default to it).
    pub task_queue: TaskQueue,
    /// The run's attempt (retries of the workflow itself).
    pub attempt: u32,
    /// The first run of the chain.
    pub first_execution_run_id: RunId,
}

/// Who a new run is, borrowed from its first event and its execution:
/// what a [`WorkflowInfo`] and the random stream's seed are made of.
pub(crate) struct RunIdentity<'a> {
    pub(crate) workflow_id: &'a WorkflowId,
    pub(crate) run_id: &'a RunId,
    pub(crate) workflow_type: &'a WorkflowType,
    pub(crate) task_queue: &'a TaskQueue,
    pub(crate) attempt: u32,
    pub(crate) first_execution_run_id: &'a RunId,
    /// The run whose id seeds the random stream.
    pub(crate) random_seed_run: &'a RunId,
}

impl RunIdentity<'_> {
    /// The run's info, cloned.
    pub(crate) fn info(&self) -> WorkflowInfo {
        WorkflowInfo {
            workflow_id: self.workflow_id.clone(),
            run_id: self.run_id.clone(),
            workflow_type: self.workflow_type.clone(),
            task_queue: self.task_queue.clone(),
            attempt: self.attempt,
            first_execution_run_id: self.first_execution_run_id.clone(),
        }
    }
}

impl WorkflowInfo {
    /// Becomes the info of `identity`, keeping the names it shares.
    fn assign(&mut self, identity: &RunIdentity<'_>) {
        let WorkflowInfo {
            workflow_id,
            run_id,
            workflow_type,
            task_queue,
            attempt,
            first_execution_run_id,
        } = self;
        set_shared(workflow_id, identity.workflow_id, WorkflowId::as_str);
        set_shared(run_id, identity.run_id, RunId::as_str);
        set_shared(workflow_type, identity.workflow_type, WorkflowType::as_str);
        set_shared(task_queue, identity.task_queue, TaskQueue::as_str);
        *attempt = identity.attempt;
        set_shared(
            first_execution_run_id,
            identity.first_execution_run_id,
            RunId::as_str,
        );
    }
}

/// Makes the name in `slot` a clone of `value`, unless the two already
/// share one text (the same allocation): no reference count changes then.
fn set_shared<T: Clone>(slot: &mut T, value: &T, text: fn(&T) -> &str) {
    if !std::ptr::eq(text(slot), text(value)) {
        *slot = value.clone();
    }
}

/// Something workflow code asked for during a poll, in the order asked.
#[derive(Clone, Debug)]
pub(crate) enum CodeRequest {
    ScheduleActivity {
        seq: u32,
        options: ScheduleActivity,
    },
    CancelActivity {
        seq: u32,
    },
    StartTimer {
        seq: u32,
        timer_id: TimerId,
        duration: Duration,
    },
    CancelTimer {
        seq: u32,
    },
    RecordMarker {
        marker_name: String,
        details: BTreeMap<String, Payload>,
    },
    UpsertMemo(Memo),
    StartChild {
        seq: u32,
        options: StartChildWorkflow,
    },
    /// A SignalExternal or RequestCancelExternal command.
    External {
        seq: u32,
        command: Command,
    },
}

/// The marker name of a recorded side effect, and the detail key of its value.
pub(crate) const SIDE_EFFECT_MARKER: &str = "SideEffect";
/// The detail key holding a side effect's value.
pub(crate) const SIDE_EFFECT_DATA: &str = "data";
/// The detail key holding a side effect's sequence number within the run.
pub(crate) const SIDE_EFFECT_SEQ: &str = "seq";

/// Shared run state; see the module doc.
pub(crate) struct RunCore {
    pub(crate) info: WorkflowInfo,
    pub(crate) now: SimTime,
    /// The run whose id seeds the random stream.
    random_seed_run: RunId,
    /// The random stream's state; `None` until the code first asks (most never do).
    rng_state: Option<u64>,
    next_activity_seq: u32,
    next_timer_seq: u32,
    next_side_effect_seq: u32,
    next_child_seq: u32,
    next_external_seq: u32,
    pub(crate) requests: Vec<CodeRequest>,
    activity_results: SeqMap<Result<Payload, Failure>>,
    timer_results: SeqMap<Result<(), Failure>>,
    /// Child starts as they resolve; kept (not taken) so it can be awaited again.
    child_starts: SeqMap<Result<WorkflowExecution, Failure>>,
    child_results: SeqMap<Result<Payload, Failure>>,
    external_results: SeqMap<Result<(), Failure>>,
    signals: BTreeMap<String, VecDeque<Payload>>,
    cancel_requested: bool,
    /// Side-effect values recorded in the history of the task being replayed, by sequence.
    pub(crate) recorded_side_effects: BTreeMap<u32, Payload>,
    /// Bumped on every resolution, so the driver knows when polling again can make progress.
    pub(crate) progress: u64,
}

impl RunCore {
    /// The state of a run that `info` names, whose random stream is seeded
    /// by `random_seed_run` (the chain's original run: the same on every
    /// replay).
    pub(crate) fn new(info: WorkflowInfo, random_seed_run: RunId) -> RunCore {
        RunCore {
            info,
            now: SimTime::ZERO,
            random_seed_run,
            rng_state: None,
            next_activity_seq: 1,
            next_timer_seq: 1,
            next_side_effect_seq: 1,
            next_child_seq: 1,
            next_external_seq: 1,
            // Room for one: code mostly asks one thing per activation, and a
            // million cached runs each holding room for four (`Vec`'s first
            // growth) would hold ~450 bytes more apiece.
            requests: Vec::with_capacity(1),
            activity_results: SeqMap::new(),
            timer_results: SeqMap::new(),
            child_starts: SeqMap::new(),
            child_results: SeqMap::new(),
            external_results: SeqMap::new(),
            signals: BTreeMap::new(),
            cancel_requested: false,
            recorded_side_effects: BTreeMap::new(),
            progress: 0,
        }
    }

    /// Makes this the state of the new run `identity` names, equal to what
    /// [`RunCore::new`] makes from its clones, in place: its buffers keep
    /// their capacity, and names that already share the new run's texts
    /// (a run replayed after itself) are kept rather than cloned.
    pub(crate) fn restart(&mut self, identity: &RunIdentity<'_>) {
        // Every field is named, so that a field added to the core must be reset here too.
        let RunCore {
            info: run_info,
            now,
            random_seed_run: seed_run,
            rng_state,
            next_activity_seq,
            next_timer_seq,
            next_side_effect_seq,
            next_child_seq,
            next_external_seq,
            requests,
            activity_results,
            timer_results,
            child_starts,
            child_results,
            external_results,
            signals,
            cancel_requested,
            recorded_side_effects,
            progress,
        } = self;
        run_info.assign(identity);
        *now = SimTime::ZERO;
        set_shared(seed_run, identity.random_seed_run, RunId::as_str);
        *rng_state = None;
        *next_activity_seq = 1;
        *next_timer_seq = 1;
        *next_side_effect_seq = 1;
        *next_child_seq = 1;
        *next_external_seq = 1;
        requests.clear();
        activity_results.clear();
        timer_results.clear();
        child_starts.clear();
        child_results.clear();
        external_results.clear();
        // Clearing an empty B-tree map still builds and drops an iterator.
        if !signals.is_empty() {
            signals.clear();
        }
        *cancel_requested = false;
        if !recorded_side_effects.is_empty() {
            recorded_side_effects.clear();
        }
        *progress = 0;
    }

    pub(crate) fn next_activity_seq(&mut self) -> u32 {
        let seq = self.next_activity_seq;
        self.next_activity_seq += 1;
        seq
    }

    pub(crate) fn next_timer_seq(&mut self) -> u32 {
        let seq = self.next_timer_seq;
        self.next_timer_seq += 1;
        seq
    }

    pub(crate) fn next_side_effect_seq(&mut self) -> u32 {
        let seq = self.next_side_effect_seq;
        self.next_side_effect_seq += 1;
        seq
    }

    pub(crate) fn next_child_seq(&mut self) -> u32 {
        let seq = self.next_child_seq;
        self.next_child_seq += 1;
        seq
    }

    pub(crate) fn next_external_seq(&mut self) -> u32 {
        let seq = self.next_external_seq;
        self.next_external_seq += 1;
        seq
    }

    /// A child started, or could not start (then its result is that failure too).
    pub(crate) fn resolve_child_started(
        &mut self,
        seq: u32,
        result: Result<WorkflowExecution, Failure>,
    ) {
        if let Err(failure) = &result {
            self.child_results.insert(seq, Err(failure.clone()));
        }
        self.child_starts.insert(seq, result);
        self.progress += 1;
    }

    pub(crate) fn child_start(&self, seq: u32) -> Option<Result<WorkflowExecution, Failure>> {
        self.child_starts.get(seq).cloned()
    }

    pub(crate) fn resolve_child_result(&mut self, seq: u32, result: Result<Payload, Failure>) {
        self.child_results.insert(seq, result);
        self.progress += 1;
    }

    pub(crate) fn take_child_result(&mut self, seq: u32) -> Option<Result<Payload, Failure>> {
        self.child_results.remove(seq)
    }

    pub(crate) fn resolve_external(&mut self, seq: u32, result: Result<(), Failure>) {
        self.external_results.insert(seq, result);
        self.progress += 1;
    }

    pub(crate) fn take_external_result(&mut self, seq: u32) -> Option<Result<(), Failure>> {
        self.external_results.remove(seq)
    }

    /// The next value of the run's deterministic random stream.
    pub(crate) fn next_random(&mut self) -> u64 {
        let state = self
            .rng_state
            .get_or_insert_with(|| stable_hash(self.random_seed_run.as_str()));
        *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        splitmix64(*state)
    }

    pub(crate) fn resolve_activity(&mut self, seq: u32, result: Result<Payload, Failure>) {
        self.activity_results.insert(seq, result);
        self.progress += 1;
    }

    pub(crate) fn take_activity_result(&mut self, seq: u32) -> Option<Result<Payload, Failure>> {
        self.activity_results.remove(seq)
    }

    pub(crate) fn resolve_timer(&mut self, seq: u32, result: Result<(), Failure>) {
        self.timer_results.insert(seq, result);
        self.progress += 1;
    }

    pub(crate) fn take_timer_result(&mut self, seq: u32) -> Option<Result<(), Failure>> {
        self.timer_results.remove(seq)
    }

    pub(crate) fn deliver_signal(&mut self, name: &str, input: Payload) {
        self.signals
            .entry(name.to_owned())
            .or_default()
            .push_back(input);
        self.progress += 1;
    }

    pub(crate) fn take_signal(&mut self, name: &str) -> Option<Payload> {
        self.signals.get_mut(name)?.pop_front()
    }

    pub(crate) fn request_cancel(&mut self) {
        self.cancel_requested = true;
        self.progress += 1;
    }

    pub(crate) fn is_cancel_requested(&self) -> bool {
        self.cancel_requested
    }
}

/// A fixed hash of a string (FNV-1a), used to seed a run's random stream.
fn stable_hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::rc::Rc;

    fn info() -> WorkflowInfo {
        WorkflowInfo {
            workflow_id: WorkflowId::new("w"),
            run_id: RunId::new("run-2"),
            workflow_type: WorkflowType::new("t"),
            task_queue: TaskQueue::new("q"),
            attempt: 1,
            first_execution_run_id: RunId::new("run-1"),
        }
    }

    fn identity<'a>(info: &'a WorkflowInfo, random_seed_run: &'a RunId) -> RunIdentity<'a> {
        RunIdentity {
            workflow_id: &info.workflow_id,
            run_id: &info.run_id,
            workflow_type: &info.workflow_type,
            task_queue: &info.task_queue,
            attempt: info.attempt,
            first_execution_run_id: &info.first_execution_run_id,
            random_seed_run,
        }
    }

    #[test]
    fn a_restarted_core_is_a_new_one() {
        let old = WorkflowInfo {
            workflow_id: WorkflowId::new("old-w"),
            run_id: RunId::new("old-run"),
            workflow_type: WorkflowType::new("old-t"),
            task_queue: TaskQueue::new("old-q"),
            attempt: 3,
            first_execution_run_id: RunId::new("old-first"),
        };
        let mut used = RunCore::new(old, RunId::new("old"));
        used.now = SimTime::START;
        for _ in 0..3 {
            used.next_activity_seq();
            used.next_timer_seq();
            used.next_side_effect_seq();
            used.next_child_seq();
            used.next_external_seq();
            used.next_random();
        }
        used.requests.push(CodeRequest::CancelTimer { seq: 1 });
        used.resolve_activity(1, Ok(Payload::null()));
        used.resolve_timer(1, Ok(()));
        used.resolve_child_started(1, Err(Failure::canceled("child")));
        used.resolve_external(1, Ok(()));
        used.deliver_signal("s", Payload::null());
        used.request_cancel();
        used.recorded_side_effects.insert(1, Payload::null());

        let (target, seed) = (info(), RunId::new("run-1"));
        used.restart(&identity(&target, &seed));
        let mut new = RunCore::new(info(), RunId::new("run-1"));
        for core in [&mut used, &mut new] {
            assert_eq!(core.info, info());
            assert_eq!(core.now, SimTime::ZERO);
            assert_eq!(core.progress, 0);
            assert!(core.requests.is_empty());
            assert!(core.recorded_side_effects.is_empty());
            assert!(!core.is_cancel_requested());
            assert_eq!(core.take_signal("s"), None);
            assert_eq!(core.take_activity_result(1), None);
            assert_eq!(core.take_timer_result(1), None);
            assert_eq!(core.child_start(1), None);
            assert_eq!(core.take_child_result(1), None);
            assert_eq!(core.take_external_result(1), None);
            assert_eq!(core.next_activity_seq(), 1);
            assert_eq!(core.next_timer_seq(), 1);
            assert_eq!(core.next_side_effect_seq(), 1);
            assert_eq!(core.next_child_seq(), 1);
            assert_eq!(core.next_external_seq(), 1);
        }
        assert_eq!(used.next_random(), new.next_random());

        // Restarted as the same run again, it keeps the names it shares.
        used.restart(&identity(&target, &seed));
        assert_eq!(used.info, target);
        assert!(Rc::ptr_eq(&used.info.run_id.0, &target.run_id.0));
        let mut fresh = RunCore::new(info(), RunId::new("run-1"));
        assert_eq!(used.next_random(), fresh.next_random());
    }

    #[test]
    fn the_random_stream_is_seeded_by_the_original_run_id() {
        let mut core = RunCore::new(info(), RunId::new("run-1"));
        // splitmix64 over FNV-1a("run-1"), stepped by the golden ratio.
        assert_eq!(core.next_random(), 1_765_330_518_796_435_643);
        assert_eq!(core.next_random(), 11_295_924_916_494_313_386);
    }
}
