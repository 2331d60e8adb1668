//! Matching: task queues (normal and sticky are just names) and the long
//! polls parked on them. Memory only: after a restart the queues are rebuilt
//! from the Store and parked polls are gone (their callers time out).
//!
//! Queues hold references to tasks, not tasks: an entry may go stale (the
//! run closed, the attempt timed out) and is then skipped when popped.
//!
//! Parked polls of every queue wait in one list, oldest first: a world has
//! a few pollers per worker, so the list is short, and one list costs less
//! to fill, search and drop than a queue of pollers per task queue plus a
//! map from call to queue.

use super::api::CallId;
use super::mutable_state::{ActivityTaskRef, WorkflowTaskRef};
use crate::model::TaskQueue;
use std::cell::Cell;
use std::collections::VecDeque;
use std::rc::Rc;

/// Which kind of task a poll asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PollKind {
    /// PollWorkflowTaskQueue.
    Workflow,
    /// PollActivityTaskQueue.
    Activity,
}

/// A long poll waiting for a task.
#[derive(Clone, Debug)]
pub(crate) struct ParkedPoll {
    pub call: CallId,
    pub identity: Rc<str>,
}

/// A parked poll and where it waits.
#[derive(Debug)]
struct Parked {
    poll: ParkedPoll,
    kind: PollKind,
    queue: TaskQueue,
    /// Whether this is the latest park of its call that no take or expiry
    /// has since ended (a duplicated request parks its call twice): only
    /// such a poll's call can expire. At most one entry per call has it.
    current: bool,
}

/// The tasks of one kind by queue name, in a short list: a Service has
/// a normal queue or two and a sticky queue per worker, and the names are
/// shared `Rc`s, so finding one is mostly pointer comparisons (a B-tree
/// compared the texts, and its nodes cost more to make and drop).
struct Queues<T>(Vec<(TaskQueue, VecDeque<T>)>);

impl<T> Default for Queues<T> {
    fn default() -> Self {
        Queues(Vec::new())
    }
}

impl<T> Queues<T> {
    /// The oldest task of the queue of that name, if any.
    fn pop(&mut self, name: &TaskQueue) -> Option<T> {
        self.0
            .iter_mut()
            .find_map(|(queue, tasks)| (queue == name).then_some(tasks))?
            .pop_front()
    }

    /// Appends a task to the queue of that name, made on first use.
    fn push(&mut self, name: TaskQueue, task: T) {
        match self.0.iter_mut().find(|(queue, _)| *queue == name) {
            Some((_, tasks)) => tasks.push_back(task),
            None => self.0.push((name, VecDeque::from([task]))),
        }
    }
}

/// A list of parked polls with room for more than this is not kept for the
/// next Service on the thread.
const MAX_SPARE_PARKED: usize = 256;

thread_local! {
    /// The emptied list of parked polls of the last Matching dropped on
    /// this thread, for the next one.
    static SPARE_PARKED: Cell<Vec<Parked>> = const { Cell::new(Vec::new()) };
}

/// All task queues of the Service, FIFO on both sides.
pub(crate) struct Matching {
    workflow_queues: Queues<WorkflowTaskRef>,
    activity_queues: Queues<ActivityTaskRef>,
    /// Parked polls of every queue, oldest first.
    parked: Vec<Parked>,
}

impl Default for Matching {
    fn default() -> Self {
        Matching {
            workflow_queues: Queues::default(),
            activity_queues: Queues::default(),
            parked: SPARE_PARKED.take(),
        }
    }
}

impl Drop for Matching {
    /// Leaves the list of parked polls, emptied, to the next Matching on
    /// the thread.
    fn drop(&mut self) {
        let mut parked = std::mem::take(&mut self.parked);
        if parked.capacity() > 0 && parked.capacity() <= MAX_SPARE_PARKED {
            parked.clear();
            SPARE_PARKED.set(parked);
        }
    }
}

impl Matching {
    /// Takes the oldest workflow task of a queue (possibly stale).
    pub fn pop_workflow_task(&mut self, queue: &TaskQueue) -> Option<WorkflowTaskRef> {
        self.workflow_queues.pop(queue)
    }
    /// Takes the oldest activity task of a queue (possibly stale).
    pub fn pop_activity_task(&mut self, queue: &TaskQueue) -> Option<ActivityTaskRef> {
        self.activity_queues.pop(queue)
    }
    /// Appends a workflow task nobody is polling for yet.
    pub fn push_workflow_task(&mut self, queue: TaskQueue, task: WorkflowTaskRef) {
        self.workflow_queues.push(queue, task);
    }
    /// Appends an activity task nobody is polling for yet.
    pub fn push_activity_task(&mut self, queue: TaskQueue, task: ActivityTaskRef) {
        self.activity_queues.push(queue, task);
    }

    /// Parks a poll until a task arrives or it expires.
    pub fn park(&mut self, kind: PollKind, queue: TaskQueue, poll: ParkedPoll) {
        self.forget_call(poll.call);
        self.parked.push(Parked {
            poll,
            kind,
            queue,
            current: true,
        });
    }

    /// Takes the oldest poll parked on a queue.
    pub fn take_poller(&mut self, kind: PollKind, queue: &TaskQueue) -> Option<ParkedPoll> {
        let at = self
            .parked
            .iter()
            .position(|p| p.kind == kind && p.queue == *queue)?;
        let taken = self.parked.remove(at);
        if !taken.current {
            self.forget_call(taken.poll.call);
        }
        Some(taken.poll)
    }

    /// Removes an expired poll; returns its kind if it was still parked.
    pub fn expire(&mut self, call: CallId) -> Option<PollKind> {
        let at = self
            .parked
            .iter()
            .position(|p| p.current && p.poll.call == call)?;
        let kind = self.parked[at].kind;
        let queue = self.parked[at].queue.clone();
        self.parked
            .retain(|p| !(p.poll.call == call && p.kind == kind && p.queue == queue));
        Some(kind)
    }

    /// Ends the current park of `call`, if any: its call no longer expires.
    fn forget_call(&mut self, call: CallId) {
        if let Some(p) = self
            .parked
            .iter_mut()
            .find(|p| p.current && p.poll.call == call)
        {
            p.current = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::{BTreeMap, HashMap};

    /// Parked polls as a map from call to where it waits plus a queue of
    /// pollers per (kind, queue name): the obvious structure.
    #[derive(Default)]
    struct Model {
        parked: HashMap<u64, (PollKind, &'static str)>,
        pollers: BTreeMap<(bool, &'static str), VecDeque<u64>>,
    }

    impl Model {
        fn park(&mut self, kind: PollKind, queue: &'static str, call: u64) {
            self.parked.insert(call, (kind, queue));
            let key = (kind == PollKind::Workflow, queue);
            self.pollers.entry(key).or_default().push_back(call);
        }
        fn take_poller(&mut self, kind: PollKind, queue: &'static str) -> Option<u64> {
            let key = (kind == PollKind::Workflow, queue);
            let call = self.pollers.get_mut(&key)?.pop_front()?;
            self.parked.remove(&call);
            Some(call)
        }
        fn expire(&mut self, call: u64) -> Option<PollKind> {
            let (kind, queue) = self.parked.remove(&call)?;
            let key = (kind == PollKind::Workflow, queue);
            self.pollers.get_mut(&key)?.retain(|&c| c != call);
            Some(kind)
        }
    }

    proptest! {
        /// Parks (a call parked twice, as a duplicated request is, on the
        /// same or another queue), takes and expiries answer as a map of
        /// calls and a queue of pollers per task queue do.
        #[test]
        fn parked_polls_answer_as_a_queue_per_task_queue_does(
            ops in proptest::collection::vec((0u8..3, 0u64..6, 0usize..2, 0usize..3), 0..300),
        ) {
            const NAMES: [&str; 3] = ["queue", "sticky-1", "sticky-2"];
            let queues: Vec<TaskQueue> = NAMES.iter().map(|&n| TaskQueue::new(n)).collect();
            let mut matching = Matching::default();
            let mut model = Model::default();
            for (op, call, kind, queue) in ops {
                let kind = [PollKind::Workflow, PollKind::Activity][kind];
                match op {
                    0 => {
                        // A fresh name each time: equal texts, other pointers.
                        let name = TaskQueue::new(NAMES[queue]);
                        let poll = ParkedPoll { call: CallId(call), identity: "w".into() };
                        matching.park(kind, name, poll);
                        model.park(kind, NAMES[queue], call);
                    }
                    1 => prop_assert_eq!(
                        matching.take_poller(kind, &queues[queue]).map(|p| p.call.0),
                        model.take_poller(kind, NAMES[queue])
                    ),
                    _ => prop_assert_eq!(matching.expire(CallId(call)), model.expire(call)),
                }
            }
        }
    }

    #[test]
    fn tasks_come_out_of_their_own_queue_in_order() {
        let mut matching = Matching::default();
        let task = |run| ActivityTaskRef {
            run,
            scheduled_event_id: 5,
            attempt: 1,
        };
        let (a, b) = (TaskQueue::new("a"), TaskQueue::new("b"));
        matching.push_activity_task(a.clone(), task(1));
        matching.push_activity_task(b.clone(), task(2));
        matching.push_activity_task(TaskQueue::new("a"), task(3));
        assert_eq!(matching.pop_workflow_task(&a), None);
        assert_eq!(matching.pop_activity_task(&a), Some(task(1)));
        assert_eq!(matching.pop_activity_task(&a), Some(task(3)));
        assert_eq!(matching.pop_activity_task(&a), None);
        assert_eq!(matching.pop_activity_task(&b), Some(task(2)));
    }
}
