//! One running workflow instance: its future, its shared state, its
//! command machines, and the walk over history that drives it. The same
//! walk serves a fresh run, a cached run fed only new events, and a full
//! replay: events are consumed in order; command events are matched
//! against the commands the code produced; other events become jobs,
//! applied to the shared state at once (the code sees them when it next
//! runs); and each WorkflowTaskStarted that was completed (or is the last
//! event) is an activation where the code runs.

use super::activation::{closing_command, poll_workflow, Job};
use super::machines::*;
use super::replay::ReplayError;
use crate::model::*;
use crate::workflow::core::{
    CodeRequest, RunCore, RunIdentity, SIDE_EFFECT_DATA, SIDE_EFFECT_MARKER, SIDE_EFFECT_SEQ,
};
use crate::workflow::registry::WorkflowFuture;
use crate::workflow::seq_map::SeqMap;
use crate::workflow::{Registry, WfContext, WfResult};
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::ops::{Deref, DerefMut};
use std::rc::Rc;

/// How many polls one activation may take before the code is declared stuck.
const MAX_POLLS_PER_ACTIVATION: usize = 10_000;

/// A workflow run being executed (see the module doc).
pub(crate) struct RunInstance {
    core: Rc<RefCell<RunCore>>,
    /// `None` once the code returned.
    future: Option<WorkflowFuture>,
    result: Option<WfResult>,
    machines: Vec<Machine>,
    /// Activity sequence number → machine.
    activity_machines: SeqMap<usize>,
    /// Timer sequence number → machine.
    timer_machines: SeqMap<usize>,
    /// Command event id (ActivityTaskScheduled, TimerStarted) → machine.
    /// Sorted by event id: command events are matched in history order.
    by_event_id: Vec<(i64, usize)>,
    /// The machines of the commands produced whose events have not been
    /// seen yet, in command order. Empty whenever an activation starts.
    unmatched: VecDeque<usize>,
    /// The commands of the activation answering a task, in order (their
    /// machines are `unmatched`, in the same order), to send.
    outgoing: Vec<Command>,
    /// Whether the activation running answers a task. One that replays a
    /// recorded task makes no commands, only their machines: the recorded
    /// command events follow it.
    answering: bool,
    last_event_id: i64,
    /// Sabotage `replay_ignores_activity_type`: a recorded activity of
    /// another type matches the code's command if the activity id does.
    ignore_activity_type: bool,
}

/// A [`RunInstance`] in a box that is recycled: dropping the run empties
/// the box (its buffers keep their capacity, its shared state its
/// allocation) and keeps it for the next run on this thread, so that runs
/// made one after another (the replay checker's replays, the worker's runs)
/// allocate little more than their workflow's future.
pub(crate) struct Run(Option<Box<RunInstance>>);

impl Run {
    /// Creates the run from its WorkflowExecutionStarted event (not yet polled).
    /// `execution` names the run when known (a worker's task); a bare replay has none.
    pub(crate) fn new(
        registry: &Registry,
        first: &Event,
        execution: Option<&WorkflowExecution>,
    ) -> Result<Run, ReplayError> {
        let recycled = RECYCLED.try_with(Cell::take).ok().flatten();
        RunInstance::start(registry, first, execution, recycled).map(|instance| Run(Some(instance)))
    }
}

impl Deref for Run {
    type Target = RunInstance;
    fn deref(&self) -> &RunInstance {
        self.0
            .as_deref()
            .expect("a run's instance is taken only when it is dropped")
    }
}

impl DerefMut for Run {
    fn deref_mut(&mut self) -> &mut RunInstance {
        self.0
            .as_deref_mut()
            .expect("a run's instance is taken only when it is dropped")
    }
}

impl Drop for Run {
    /// Keeps the emptied instance for the next run on this thread, unless
    /// its buffers grew large or the workflow code kept a handle on its
    /// shared state.
    fn drop(&mut self) {
        let Some(mut instance) = self.0.take() else {
            return;
        };
        if instance.empty() {
            // Nothing to keep it for once the thread-local is gone.
            let _ = RECYCLED.try_with(|kept| kept.set(Some(instance)));
        }
    }
}

/// Buffers for more machines than this are not kept.
const MAX_RECYCLED_MACHINES: usize = 256;

thread_local! {
    /// The instance the last dropped run left, emptied, if any.
    static RECYCLED: Cell<Option<Box<RunInstance>>> = const { Cell::new(None) };
}

impl RunInstance {
    /// The run that `first`, its WorkflowExecutionStarted event, starts (not
    /// yet polled), made in `recycled` (an instance emptied by [`Run`]'s
    /// drop) if given. `execution` names the run when known.
    fn start(
        registry: &Registry,
        first: &Event,
        execution: Option<&WorkflowExecution>,
        recycled: Option<Box<RunInstance>>,
    ) -> Result<Box<RunInstance>, ReplayError> {
        let EventAttributes::WorkflowExecutionStarted(started_attrs) = &first.attributes else {
            return Err(ReplayError::MalformedHistory(format!(
                "event {} is {}, not WorkflowExecutionStarted",
                first.event_id,
                first.event_type().name()
            )));
        };
        let WorkflowExecutionStartedAttributes {
            workflow_type,
            task_queue,
            input,
            original_execution_run_id,
            first_execution_run_id,
            attempt,
            ..
        } = &**started_attrs;
        if first.event_id != 1 {
            return Err(ReplayError::MalformedHistory(format!(
                "history starts at event {}, not 1",
                first.event_id
            )));
        }
        let bare_workflow_id;
        let identity = RunIdentity {
            workflow_id: match execution {
                Some(execution) => &execution.workflow_id,
                None => {
                    bare_workflow_id = WorkflowId::new("");
                    &bare_workflow_id
                }
            },
            run_id: execution.map_or(original_execution_run_id, |e| &e.run_id),
            workflow_type,
            task_queue,
            attempt: *attempt,
            first_execution_run_id,
            random_seed_run: original_execution_run_id,
        };
        let core = match &recycled {
            Some(instance) => {
                instance.core.borrow_mut().restart(&identity);
                instance.core.clone()
            }
            None => Rc::new(RefCell::new(RunCore::new(
                identity.info(),
                original_execution_run_id.clone(),
            ))),
        };
        let ctx = WfContext::new(core.clone());
        let future = super::panics::catch_user_panic(|| {
            registry.instantiate(workflow_type.as_str(), ctx, input.clone())
        })
        .map_err(ReplayError::WorkflowPanicked)?
        .ok_or_else(|| ReplayError::UnknownWorkflowType(workflow_type.clone()))?;
        Ok(match recycled {
            Some(mut instance) => {
                instance.future = Some(future);
                instance
            }
            None => Box::new(RunInstance {
                core,
                future: Some(future),
                result: None,
                machines: Vec::new(),
                activity_machines: SeqMap::new(),
                timer_machines: SeqMap::new(),
                by_event_id: Vec::new(),
                unmatched: VecDeque::new(),
                outgoing: Vec::new(),
                answering: false,
                last_event_id: 0,
                ignore_activity_type: false,
            }),
        })
    }

    /// Empties the instance for a later run, as a new instance is but for
    /// the capacity of its buffers and its shared state (which the next
    /// run restarts): whether it can be reused.
    fn empty(&mut self) -> bool {
        let RunInstance {
            core,
            future,
            result,
            machines,
            activity_machines,
            timer_machines,
            by_event_id,
            unmatched,
            outgoing,
            answering,
            last_event_id,
            ignore_activity_type,
        } = self;
        // The future first: it holds the code's handles on the shared state.
        *future = None;
        *result = None;
        machines.clear();
        activity_machines.clear();
        timer_machines.clear();
        by_event_id.clear();
        unmatched.clear();
        outgoing.clear();
        *answering = false;
        *last_event_id = 0;
        *ignore_activity_type = false;
        Rc::strong_count(core) == 1
            && Rc::weak_count(core) == 0
            && machines.capacity() <= MAX_RECYCLED_MACHINES
    }

    /// The id of the last event consumed.
    pub(crate) fn last_event_id(&self) -> i64 {
        self.last_event_id
    }

    /// What the code returned, once it has.
    pub(crate) fn result(&self) -> Option<&WfResult> {
        self.result.as_ref()
    }

    /// Consumes the next events of the history (which must continue from the
    /// last consumed one). Returns the commands of the final activation if
    /// the events end with a WorkflowTaskStarted still to be answered.
    pub(crate) fn feed(&mut self, events: &[Event]) -> Result<Option<Vec<Command>>, ReplayError> {
        let mut answer = None;
        for (index, event) in events.iter().enumerate() {
            if event.event_id != self.last_event_id + 1 {
                return Err(ReplayError::MalformedHistory(format!(
                    "event {} follows event {}",
                    event.event_id, self.last_event_id
                )));
            }
            self.last_event_id = event.event_id;
            if event
                .attributes
                .workflow_task_completed_event_id()
                .is_some()
            {
                self.match_command_event(event)?;
                continue;
            }
            let inside_batch = event.event_type() == EventType::WorkflowTaskCompleted
                || canceled_by_previous_event(event, index.checked_sub(1).map(|i| &events[i]));
            if !inside_batch {
                self.expect_all_matched(event)?;
            }
            match &event.attributes {
                EventAttributes::WorkflowTaskStarted { .. } => {
                    match events.get(index + 1).map(Event::event_type) {
                        None => answer = Some(self.answer(event)?),
                        Some(EventType::WorkflowTaskCompleted) => {
                            self.activate(event, &events[index + 1..])?;
                        }
                        // Failed or timed out: its events are seen by the next attempt.
                        Some(_) => {}
                    }
                }
                EventAttributes::WorkflowExecutionStarted { .. } if event.event_id == 1 => {}
                EventAttributes::WorkflowTaskScheduled { .. }
                | EventAttributes::WorkflowTaskCompleted { .. }
                | EventAttributes::WorkflowTaskFailed { .. }
                | EventAttributes::WorkflowTaskTimedOut { .. }
                | EventAttributes::WorkflowExecutionTerminated { .. }
                | EventAttributes::WorkflowExecutionTimedOut { .. }
                | EventAttributes::Unmodelled { .. } => {}
                EventAttributes::WorkflowExecutionSignaled {
                    signal_name, input, ..
                } => {
                    self.apply(Job::Signal {
                        name: signal_name.clone(),
                        input: input.clone(),
                    });
                }
                EventAttributes::WorkflowExecutionCancelRequested { .. } => {
                    self.apply(Job::CancelRequested)
                }
                EventAttributes::ActivityTaskStarted {
                    scheduled_event_id, ..
                }
                | EventAttributes::ActivityTaskCompleted {
                    scheduled_event_id, ..
                }
                | EventAttributes::ActivityTaskFailed {
                    scheduled_event_id, ..
                }
                | EventAttributes::ActivityTaskTimedOut {
                    scheduled_event_id, ..
                }
                | EventAttributes::ActivityTaskCanceled {
                    scheduled_event_id, ..
                } => {
                    self.route(event, *scheduled_event_id)?;
                }
                EventAttributes::TimerFired {
                    started_event_id, ..
                } => self.route(event, *started_event_id)?,
                EventAttributes::StartChildWorkflowExecutionFailed {
                    initiated_event_id, ..
                }
                | EventAttributes::ChildWorkflowExecutionStarted {
                    initiated_event_id, ..
                }
                | EventAttributes::ChildWorkflowExecutionCompleted {
                    initiated_event_id, ..
                }
                | EventAttributes::ChildWorkflowExecutionFailed {
                    initiated_event_id, ..
                }
                | EventAttributes::ChildWorkflowExecutionCanceled {
                    initiated_event_id, ..
                }
                | EventAttributes::ChildWorkflowExecutionTimedOut {
                    initiated_event_id, ..
                }
                | EventAttributes::ChildWorkflowExecutionTerminated {
                    initiated_event_id, ..
                }
                | EventAttributes::ExternalWorkflowExecutionSignaled {
                    initiated_event_id, ..
                }
                | EventAttributes::SignalExternalWorkflowExecutionFailed {
                    initiated_event_id,
                    ..
                }
                | EventAttributes::ExternalWorkflowExecutionCancelRequested {
                    initiated_event_id,
                    ..
                }
                | EventAttributes::RequestCancelExternalWorkflowExecutionFailed {
                    initiated_event_id,
                    ..
                } => self.route(event, *initiated_event_id)?,
                _ => {
                    return Err(ReplayError::MalformedHistory(format!(
                        "event {} ({}) is not supported by this worker",
                        event.event_id,
                        event.event_type().name()
                    )))
                }
            }
        }
        Ok(answer)
    }

    /// Hands a non-command event to the machine of the command event it refers to.
    fn route(&mut self, event: &Event, command_event_id: i64) -> Result<(), ReplayError> {
        let Some(machine) = self.machine_of_event(command_event_id) else {
            return Err(ReplayError::MalformedHistory(format!(
                "event {} ({}) refers to event {command_event_id}, which started no activity, timer, child or external request of this code",
                event.event_id,
                event.event_type().name()
            )));
        };
        let resolution = self.machines[machine].on_event(event).map_err(|why| {
            ReplayError::MalformedHistory(format!(
                "event {} ({}): {why}",
                event.event_id,
                event.event_type().name()
            ))
        })?;
        if let Some(resolution) = resolution {
            self.apply(Job::Resolve(resolution));
        }
        Ok(())
    }

    /// The machine whose command event is `event_id`.
    fn machine_of_event(&self, event_id: i64) -> Option<usize> {
        let index = self
            .by_event_id
            .binary_search_by_key(&event_id, |&(id, _)| id)
            .ok()?;
        Some(self.by_event_id[index].1)
    }

    /// Switches on sabotage `replay_ignores_activity_type` for this run.
    pub(crate) fn ignore_activity_type(&mut self) {
        self.ignore_activity_type = true;
    }

    /// Matches a recorded command event with the next command the code produced.
    fn match_command_event(&mut self, event: &Event) -> Result<(), ReplayError> {
        let Some(machine) = self.unmatched.pop_front() else {
            return Err(nondeterminism(
                event,
                "no command".to_owned(),
                describe_event(event),
            ));
        };
        let retyped;
        let event = match (&event.attributes, &self.machines[machine]) {
            (EventAttributes::ActivityTaskScheduled { .. }, Machine::Activity(activity))
                if self.ignore_activity_type =>
            {
                let mut copy = event.clone();
                if let (EventAttributes::ActivityTaskScheduled(scheduled), Some(activity_type)) =
                    (&mut copy.attributes, activity.type_to_schedule())
                {
                    scheduled.activity_type = activity_type.clone();
                }
                retyped = copy;
                &retyped
            }
            _ => event,
        };
        let accepted = self.machines[machine].on_command_event(event);
        if accepted.is_err() {
            return Err(nondeterminism(
                event,
                self.machines[machine].describe_command(),
                describe_event(event),
            ));
        }
        if matches!(
            event.event_type(),
            EventType::ActivityTaskScheduled
                | EventType::TimerStarted
                | EventType::StartChildWorkflowExecutionInitiated
                | EventType::SignalExternalWorkflowExecutionInitiated
                | EventType::RequestCancelExternalWorkflowExecutionInitiated
        ) {
            self.by_event_id.push((event.event_id, machine));
        }
        Ok(())
    }

    /// A non-command event: every command the code produced must have been recorded by now.
    fn expect_all_matched(&self, event: &Event) -> Result<(), ReplayError> {
        match self.unmatched.front() {
            Some(&machine) => Err(nondeterminism(
                event,
                self.machines[machine].describe_command(),
                describe_event(event),
            )),
            None => Ok(()),
        }
    }

    /// Runs the code for the task being answered, started by `started`:
    /// the commands it produced, to send.
    fn answer(&mut self, started: &Event) -> Result<Vec<Command>, ReplayError> {
        self.activate(started, &[])?;
        Ok(std::mem::take(&mut self.outgoing))
    }

    /// Runs the code for the task started by `started`; `completion` holds
    /// the recorded events from its WorkflowTaskCompleted on (empty for the
    /// task being answered). The machines of the commands produced are
    /// `unmatched`; the commands, if the task is being answered, `outgoing`.
    fn activate(&mut self, started: &Event, completion: &[Event]) -> Result<(), ReplayError> {
        self.answering = completion.is_empty();
        {
            let mut core = self.core.borrow_mut();
            core.now = started.event_time;
            if !core.recorded_side_effects.is_empty() {
                core.recorded_side_effects.clear();
            }
            core.recorded_side_effects
                .extend(recorded_side_effects(completion));
        }
        for _ in 0..MAX_POLLS_PER_ACTIVATION {
            let Some(future) = self.future.as_mut() else {
                return Ok(());
            };
            let progress_before = self.core.borrow().progress;
            let finished = poll_workflow(future.as_mut(), &mut self.result)
                .map_err(ReplayError::WorkflowPanicked)?;
            let had_requests = self.handle_requests();
            if let (true, Some(result)) = (finished, &self.result) {
                self.future = None;
                let machine = Machine::Close(CloseMachine::new(result));
                if self.answering {
                    self.send(closing_command(result));
                }
                self.add_command(machine);
                return Ok(());
            }
            if !had_requests && self.core.borrow().progress == progress_before {
                return Ok(());
            }
        }
        Err(ReplayError::WorkflowPanicked(format!(
            "workflow code kept making progress for {MAX_POLLS_PER_ACTIVATION} polls in one workflow task"
        )))
    }

    /// Handles the requests the code queued during a poll, in order, and
    /// gives their buffer back to the core for the next poll. Whether there were any.
    fn handle_requests(&mut self) -> bool {
        let mut requests = {
            let mut core = self.core.borrow_mut();
            if core.requests.is_empty() {
                return false;
            }
            std::mem::take(&mut core.requests)
        };
        // Reversed and popped, in the order asked: no `Drain` made and dropped.
        requests.reverse();
        while let Some(request) = requests.pop() {
            self.handle_request(request);
        }
        // Only workflow code queues requests, and it does not run here.
        self.core.borrow_mut().requests = requests;
        true
    }

    /// Adds the machine of a command the code produced; the command
    /// awaits its event. The command itself is sent (see [`Self::send`])
    /// only if the task is being answered.
    fn add_command(&mut self, machine: Machine) -> usize {
        let id = self.add_machine(machine);
        self.unmatched.push_back(id);
        id
    }

    /// Sends a command of the task being answered (a replayed task sends
    /// none: its command events are recorded), built where it is stored.
    #[inline]
    fn send(&mut self, command: Command) {
        if self.outgoing.capacity() == 0 {
            // Room for one, not `Vec`'s first four: a task is mostly
            // answered with one command, and the buffer is sent with it.
            self.outgoing.reserve_exact(1);
        }
        self.outgoing.push(command);
    }

    fn add_machine(&mut self, machine: Machine) -> usize {
        self.machines.push(machine);
        self.machines.len() - 1
    }

    /// Turns one request of the code into a machine and its command.
    fn handle_request(&mut self, request: CodeRequest) {
        match request {
            CodeRequest::ScheduleActivity { seq, options } => {
                let id = self.add_command(Machine::Activity(ActivityMachine::new(seq, &options)));
                self.activity_machines.insert(seq, id);
                if self.answering {
                    self.send(Command::ScheduleActivityTask(options));
                }
            }
            CodeRequest::StartTimer {
                seq,
                timer_id,
                duration,
            } => {
                let (machine, command) = TimerMachine::new(seq, timer_id, duration);
                let id = self.add_command(Machine::Timer(machine));
                self.timer_machines.insert(seq, id);
                if self.answering {
                    self.send(command);
                }
            }
            CodeRequest::CancelActivity { seq } => {
                let Some(&id) = self.activity_machines.get(seq) else {
                    return;
                };
                let Machine::Activity(machine) = &mut self.machines[id] else {
                    return;
                };
                let effect = machine.request_cancel();
                self.apply_cancel(id, effect);
            }
            CodeRequest::CancelTimer { seq } => {
                let Some(&id) = self.timer_machines.get(seq) else {
                    return;
                };
                let Machine::Timer(machine) = &mut self.machines[id] else {
                    return;
                };
                let effect = machine.request_cancel();
                self.apply_cancel(id, effect);
            }
            CodeRequest::RecordMarker {
                marker_name,
                details,
            } => {
                self.add_command(Machine::Marker(MarkerMachine::new(marker_name.clone())));
                if self.answering {
                    self.send(Command::RecordMarker {
                        marker_name,
                        details,
                        failure: None,
                    });
                }
            }
            CodeRequest::StartChild { seq, options } => {
                self.add_command(Machine::Child(ChildMachine::new(seq, &options)));
                if self.answering {
                    self.send(Command::StartChildWorkflowExecution(options));
                }
            }
            CodeRequest::External { seq, command } => {
                self.add_command(Machine::External(ExternalMachine::new(seq, &command)));
                if self.answering {
                    self.send(command);
                }
            }
            CodeRequest::UpsertMemo(upserted_memo) => {
                self.add_command(Machine::Properties(PropertiesMachine::new()));
                if self.answering {
                    self.send(Command::ModifyWorkflowProperties { upserted_memo });
                }
            }
        }
    }

    /// Carries out a cancellation the code requested. A command dropped
    /// unsent was produced in this activation (earlier ones are matched).
    fn apply_cancel(&mut self, id: usize, effect: CancelEffect) {
        let resolution = match effect {
            CancelEffect::Nothing => return,
            CancelEffect::DropCommand(resolution) => {
                // Produced in this activation: `outgoing`, if answering,
                // lines up with `unmatched`.
                if let Some(position) = self.unmatched.iter().position(|&machine| machine == id) {
                    self.unmatched.remove(position);
                    if self.answering {
                        self.outgoing.remove(position);
                    }
                }
                resolution
            }
            CancelEffect::SendCommand(command, resolution) => {
                self.unmatched.push_back(id);
                if self.answering {
                    self.outgoing.push(command);
                }
                resolution
            }
        };
        self.apply(Job::Resolve(resolution));
    }

    /// Makes a job visible to the code.
    fn apply(&self, job: Job) {
        job.apply(&mut self.core.borrow_mut());
    }
}

/// Whether feeding a run `history[..cut]` and then `history[cut..]` walks
/// it as feeding it `history` at once does. [`RunInstance::feed`] looks one
/// event back (a cancel in a batch) and one ahead (a task's fate), and an
/// activation reads the side-effect values its task recorded after its
/// WorkflowTaskCompleted: a cut right after a WorkflowTaskCompleted whose
/// task recorded none hides nothing from either.
pub(super) fn feeds_alike_when_cut(history: &[Event], cut: usize) -> bool {
    cut > 0
        && cut < history.len()
        && history[cut - 1].event_type() == EventType::WorkflowTaskCompleted
        && recorded_side_effects(&history[cut - 1..]).next().is_none()
}

/// The side-effect values recorded by a completed task, by sequence number:
/// the MarkerRecorded events among its command events.
fn recorded_side_effects(completion: &[Event]) -> impl Iterator<Item = (u32, Payload)> + '_ {
    let completed_event_id = completion.first().map(|completed| completed.event_id);
    completion
        .iter()
        .skip(1)
        .take_while(move |e| e.attributes.workflow_task_completed_event_id() == completed_event_id)
        .filter_map(|e| match &e.attributes {
            EventAttributes::MarkerRecorded {
                marker_name,
                details,
                ..
            } if marker_name == SIDE_EFFECT_MARKER => {
                let seq = details.get(SIDE_EFFECT_SEQ)?.as_i64()?;
                Some((
                    u32::try_from(seq).ok()?,
                    details.get(SIDE_EFFECT_DATA)?.clone(),
                ))
            }
            _ => None,
        })
}

/// Whether `event` is the ActivityTaskCanceled that the Service writes in
/// the middle of a command batch, right after the ActivityTaskCancelRequested
/// of an activity that had not started (more commands may follow it).
fn canceled_by_previous_event(event: &Event, previous: Option<&Event>) -> bool {
    match (&event.attributes, previous.map(|p| &p.attributes)) {
        (
            EventAttributes::ActivityTaskCanceled {
                scheduled_event_id, ..
            },
            Some(EventAttributes::ActivityTaskCancelRequested {
                scheduled_event_id: requested,
                ..
            }),
        ) => scheduled_event_id == requested,
        _ => false,
    }
}

fn nondeterminism(event: &Event, produced: String, expected: String) -> ReplayError {
    ReplayError::Nondeterminism {
        event_id: event.event_id,
        event_type: event.event_type(),
        expected,
        produced,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::fixtures::{event, one_activity_run, started, task_scheduled, task_started};
    use crate::worker::replay::{replay, ReplayOutcome};

    /// `Greet` (the fixtures' workflow): one `greet` activity, then `"done"`;
    /// `Keeper`: keeps a handle on its run's state, then returns.
    fn registry() -> Registry {
        let mut registry = Registry::new();
        registry.register_workflow("Greet", |ctx: WfContext, _input| async move {
            ctx.activity("greet", Payload::null()).await?;
            Ok(Payload::from("done"))
        });
        registry.register_workflow("Keeper", |ctx: WfContext, _input| async move {
            std::mem::forget(ctx.clone());
            Ok(Payload::null())
        });
        registry
    }

    /// Whether an emptied instance is kept for the next run.
    fn recycled_instance_kept() -> bool {
        RECYCLED.with(|kept| {
            let instance = kept.take();
            let is_kept = instance.is_some();
            kept.set(instance);
            is_kept
        })
    }

    fn forget_recycled_instance() {
        RECYCLED.with(Cell::take);
    }

    #[test]
    fn a_recycled_instance_replays_like_a_new_one() {
        let registry = registry();
        let history = one_activity_run();
        let first_task = &history[..3];
        forget_recycled_instance();
        let fresh = replay(&registry, first_task).unwrap();
        assert_eq!(fresh.commands.len(), 1);
        assert_eq!(fresh.result, None);

        let whole = replay(&registry, &history).unwrap();
        assert_eq!(whole.result, Some(Ok(Payload::from("done"))));
        assert!(recycled_instance_kept());
        let recycled: ReplayOutcome = replay(&registry, first_task).unwrap();
        assert_eq!(recycled, fresh);
    }

    #[test]
    fn an_instance_whose_state_the_code_kept_is_not_recycled() {
        let registry = registry();
        let mut first = event(1, 0, started());
        if let EventAttributes::WorkflowExecutionStarted(attributes) = &mut first.attributes {
            attributes.workflow_type = WorkflowType::new("Keeper");
        }
        let history = [
            first,
            event(2, 0, task_scheduled()),
            event(3, 1, task_started(2)),
        ];
        forget_recycled_instance();
        let outcome = replay(&registry, &history).unwrap();
        assert_eq!(outcome.result, Some(Ok(Payload::null())));
        assert!(!recycled_instance_kept());
        replay(&registry, &one_activity_run()).unwrap();
        assert!(recycled_instance_kept());
    }
}
