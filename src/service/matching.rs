//! Matching: task queues (normal and sticky are just names) and the long
//! polls parked on them. Memory only: after a restart the queues are rebuilt
//! from the Store and parked polls are gone (their callers time out).
//!
//! Queues hold references to tasks, not tasks: an entry may go stale (the
//! run closed, the attempt timed out) and is then skipped when popped.

use super::api::CallId;
use super::mutable_state::{ActivityTaskRef, WorkflowTaskRef};
use crate::lookup::SmallMap;
use crate::model::TaskQueue;
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

/// One queue: tasks waiting for pollers, or pollers waiting for tasks.
struct Queue<T> {
    tasks: VecDeque<T>,
    pollers: VecDeque<ParkedPoll>,
}

impl<T> Default for Queue<T> {
    fn default() -> Self {
        Queue {
            tasks: VecDeque::new(),
            pollers: VecDeque::new(),
        }
    }
}

/// The queues of one kind of task by name, in a short list: a Service has
/// a normal queue or two and a sticky queue per worker, and the names are
/// shared `Rc`s, so finding one is mostly pointer comparisons (a B-tree
/// compared the texts, and its nodes cost more to make and drop).
struct Queues<T>(Vec<(TaskQueue, Queue<T>)>);

impl<T> Default for Queues<T> {
    fn default() -> Self {
        Queues(Vec::new())
    }
}

impl<T> Queues<T> {
    /// The queue of that name, if it was ever used.
    fn get_mut(&mut self, name: &TaskQueue) -> Option<&mut Queue<T>> {
        self.0
            .iter_mut()
            .find_map(|(queue, tasks)| (queue == name).then_some(tasks))
    }

    /// The queue of that name, made empty on first use.
    fn entry(&mut self, name: TaskQueue) -> &mut Queue<T> {
        let index = match self.0.iter().position(|(queue, _)| *queue == name) {
            Some(index) => index,
            None => {
                self.0.push((name, Queue::default()));
                self.0.len() - 1
            }
        };
        &mut self.0[index].1
    }
}

/// All task queues of the Service, FIFO on both sides.
#[derive(Default)]
pub(crate) struct Matching {
    workflow_queues: Queues<WorkflowTaskRef>,
    activity_queues: Queues<ActivityTaskRef>,
    /// Where each parked poll waits (looked up by call only).
    parked: SmallMap<CallId, (PollKind, TaskQueue)>,
}

impl Matching {
    /// Takes the oldest workflow task of a queue (possibly stale).
    pub fn pop_workflow_task(&mut self, queue: &TaskQueue) -> Option<WorkflowTaskRef> {
        self.workflow_queues.get_mut(queue)?.tasks.pop_front()
    }
    /// Takes the oldest activity task of a queue (possibly stale).
    pub fn pop_activity_task(&mut self, queue: &TaskQueue) -> Option<ActivityTaskRef> {
        self.activity_queues.get_mut(queue)?.tasks.pop_front()
    }
    /// Appends a workflow task nobody is polling for yet.
    pub fn push_workflow_task(&mut self, queue: TaskQueue, task: WorkflowTaskRef) {
        self.workflow_queues.entry(queue).tasks.push_back(task);
    }
    /// Appends an activity task nobody is polling for yet.
    pub fn push_activity_task(&mut self, queue: TaskQueue, task: ActivityTaskRef) {
        self.activity_queues.entry(queue).tasks.push_back(task);
    }

    /// Parks a poll until a task arrives or it expires.
    pub fn park(&mut self, kind: PollKind, queue: TaskQueue, poll: ParkedPoll) {
        self.parked.insert(poll.call, (kind, queue.clone()));
        match kind {
            PollKind::Workflow => self.workflow_queues.entry(queue).pollers.push_back(poll),
            PollKind::Activity => self.activity_queues.entry(queue).pollers.push_back(poll),
        }
    }

    /// Takes the oldest poll parked on a queue.
    pub fn take_poller(&mut self, kind: PollKind, queue: &TaskQueue) -> Option<ParkedPoll> {
        let pollers = match kind {
            PollKind::Workflow => &mut self.workflow_queues.get_mut(queue)?.pollers,
            PollKind::Activity => &mut self.activity_queues.get_mut(queue)?.pollers,
        };
        let poll = pollers.pop_front()?;
        self.parked.remove(&poll.call);
        Some(poll)
    }

    /// Removes an expired poll; returns its kind if it was still parked.
    pub fn expire(&mut self, call: CallId) -> Option<PollKind> {
        let (kind, queue) = self.parked.remove(&call)?;
        let pollers = match kind {
            PollKind::Workflow => &mut self.workflow_queues.get_mut(&queue)?.pollers,
            PollKind::Activity => &mut self.activity_queues.get_mut(&queue)?.pollers,
        };
        pollers.retain(|p| p.call != call);
        Some(kind)
    }
}
