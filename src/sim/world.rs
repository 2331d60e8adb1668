//! The world: one Service, several Workers and a Client exchanging messages
//! through the simulated network, driven step by step by the seeded
//! scheduler, with faults injected from the seed (or a fault schedule).
//!
//! The engine does not know it is simulated: the Service and the Workers are
//! the same state machines a test drives by hand. This file only moves
//! messages, runs timers, crashes and restarts processes, and keeps the trace.

use super::faults::{ActivityFault, Fault, FaultProfile, FaultSchedule, FaultSource, PlannedFault};
use super::network::{node_by_name, node_name, Network, NodeId, CLIENT, SERVICE};
use super::observer::CommitObserver;
use super::open_calls::OpenCalls;
use super::rng::{Purpose, Rng};
use super::scheduler::{Scheduler, Spare};
use super::trace::Trace;
use super::workload::{Op, OpKind, OpState, Workload};
use crate::model::*;
use crate::sabotage::Sabotage;
use crate::scenario::Scenario;
use crate::service::api::*;
use crate::service::{Service, ServiceConfig, Store};
use crate::worker::{execute_activity, ActivityOutcome, WorkflowWorker};
use crate::workflow::Registry;
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;

/// How long a client waits for an answer before retrying with the same request id.
const CLIENT_RPC_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a worker waits for the answer to a task response before resending it.
const RESPOND_RPC_TIMEOUT: Duration = Duration::from_secs(5);
/// How often a worker sends a task response before giving up on it.
const RESPOND_ATTEMPTS: u32 = 3;

thread_local! {
    /// The buffers the last finished world's scheduler left, for the next
    /// world on this thread.
    static SPARE_SCHEDULER: Cell<Option<Spare<Step>>> = const { Cell::new(None) };
}

/// How a run is set up, besides its scenario.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// The seed: it decides everything.
    pub seed: u64,
    /// Inject exactly these faults instead of drawing them from the seed.
    pub fault_schedule: Option<FaultSchedule>,
    /// Keep a readable line per step.
    pub keep_trace: bool,
    /// A planted bug to switch on in the Service and the workers.
    pub sabotage: Option<Sabotage>,
    /// Whether the Store keeps closed runs' histories compact.
    pub history_compaction: HistoryCompaction,
}

/// Scenarios of at least this many executions compact closed histories
/// under [`HistoryCompaction::Auto`].
pub const COMPACT_HISTORIES_FROM: u64 = 10_000;

/// Whether the Store keeps the histories of closed runs in the compact
/// encoding ([`crate::codec::compact`]): about a seventh of the memory, for
/// some CPU to encode each at close and to decode it on every read. It is
/// lossless: histories, reports and trace hashes are the same either way.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum HistoryCompaction {
    /// On for scenarios of at least [`COMPACT_HISTORIES_FROM`] executions,
    /// where memory limits a run; off for smaller ones, where it would
    /// only cost time.
    #[default]
    Auto,
    /// Always on.
    On,
    /// Always off.
    Off,
}

impl HistoryCompaction {
    /// Whether a scenario of `executions` executions compacts.
    pub fn applies_to(self, executions: u64) -> bool {
        match self {
            HistoryCompaction::Auto => executions >= COMPACT_HISTORIES_FROM,
            HistoryCompaction::On => true,
            HistoryCompaction::Off => false,
        }
    }
}

/// What a finished run leaves behind, for the checkers and the report.
pub struct RunResult {
    /// The seed.
    pub seed: u64,
    /// The fault profile the run was under (empty for a scripted run).
    pub profile: FaultProfile,
    /// The hash over every step.
    pub trace_hash: u64,
    /// Readable trace lines, if kept.
    pub trace: Vec<String>,
    /// When the run ended.
    pub end_time: SimTime,
    /// When faults stopped.
    pub heal_time: SimTime,
    /// When every execution had to be closed by (liveness).
    pub liveness_deadline: SimTime,
    /// The faults injected, in order.
    pub faults: FaultSchedule,
    /// Counts of faults by kind.
    pub fault_counts: BTreeMap<&'static str, u64>,
    /// The Service's durable state at the end: histories, statuses, memos.
    pub store: Store,
    /// Every signal the Service acknowledged: (workflow id, signal name, input).
    pub acknowledged_signals: Vec<(WorkflowId, Rc<str>, Payload)>,
    /// The executions the scenario planned (each with the run id its start
    /// was acknowledged with) and the client operations sent.
    pub workload: Workload,
    /// Steps taken, messages sent, process restarts and the like.
    pub stats: RunStats,
}

/// Counters of what happened in a run (coverage marks).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunStats {
    /// Steps the scheduler ran.
    pub steps: u64,
    /// Messages sent.
    pub messages: u64,
    /// Workflow tasks processed by workers.
    pub workflow_tasks: u64,
    /// Activity attempts run by workers.
    pub activity_attempts: u64,
    /// Workflow tasks that needed a full replay (cache misses).
    pub replays: u64,
    /// Worker restarts after crashes.
    pub worker_restarts: u64,
    /// Service restarts from its Store.
    pub service_restarts: u64,
}

enum Message {
    Request {
        call: CallId,
        from: NodeId,
        request: Request,
    },
    Response(CallId, Response),
}

enum Step {
    Deliver {
        to: NodeId,
        msg: Box<Message>,
    },
    ServiceWake,
    ClientOp(u32),
    CallTimeout(u64),
    ConnectionBroken(u64),
    Poll {
        worker: u32,
        incarnation: u32,
        poller: u32,
    },
    ActivityFinish {
        worker: u32,
        incarnation: u32,
        slot: u32,
    },
    Heartbeat {
        worker: u32,
        incarnation: u32,
        slot: u32,
    },
    Fault(u32),
    RestartWorker(u32),
    RestartService,
    Heal,
    Check,
}

/// Why a call was made. A client call records whether the client knew the
/// execution had started when it sent the call.
enum CallPurpose {
    Poll {
        poller: u32,
    },
    Respond {
        request: Box<Request>,
        attempts: u32,
    },
    Heartbeat {
        slot: u32,
    },
    Client {
        op: u32,
        started: bool,
    },
}

struct Call {
    node: NodeId,
    incarnation: u32,
    purpose: CallPurpose,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum PollerKind {
    Workflow,
    Activity,
}

struct Poller {
    kind: PollerKind,
    queue: TaskQueue,
}

struct RunningActivity {
    token: ActivityTaskToken,
    outcome: ActivityOutcome,
    finish_at: SimTime,
    heartbeat_every: Option<Duration>,
    cancel_requested: bool,
}

struct WorkerNode {
    identity: Rc<str>,
    up: bool,
    incarnation: u32,
    registry: Rc<Registry>,
    cache_capacity: usize,
    sabotage: Option<Sabotage>,
    worker: WorkflowWorker,
    pollers: Vec<Poller>,
    activities: Vec<Option<RunningActivity>>,
}

impl WorkerNode {
    fn new(
        index: u32,
        registry: Rc<Registry>,
        queues: &[String],
        cache_capacity: usize,
        sabotage: Option<Sabotage>,
    ) -> WorkerNode {
        let (identity, sticky_queue) = worker_names(index);
        let mut worker = WorkflowWorker::with_sticky_queue(
            identity.clone(),
            sticky_queue,
            registry.clone(),
            cache_capacity,
        );
        worker.set_sabotage(sabotage);
        let mut pollers = Vec::with_capacity(2 * queues.len() + 1);
        for q in queues {
            let queue = TaskQueue::new(q);
            pollers.push(Poller {
                kind: PollerKind::Workflow,
                queue: queue.clone(),
            });
            pollers.push(Poller {
                kind: PollerKind::Activity,
                queue,
            });
        }
        pollers.push(Poller {
            kind: PollerKind::Workflow,
            queue: worker.sticky_queue().clone(),
        });
        WorkerNode {
            identity,
            up: true,
            incarnation: 0,
            registry,
            cache_capacity,
            sabotage,
            worker,
            pollers,
            activities: Vec::new(),
        }
    }

    fn store_activity(&mut self, run: RunningActivity) -> u32 {
        if let Some(i) = self.activities.iter().position(Option::is_none) {
            self.activities[i] = Some(run);
            i as u32
        } else {
            self.activities.push(Some(run));
            self.activities.len() as u32 - 1
        }
    }
}

thread_local! {
    /// The identity and sticky queue of each worker index, made once per
    /// thread: every world names its workers the same.
    static WORKER_NAMES: RefCell<Vec<(Rc<str>, TaskQueue)>> = const { RefCell::new(Vec::new()) };
}

thread_local! {
    /// The identity the client names in its requests, made once per thread.
    static CLIENT_IDENTITY: Rc<str> = Rc::from("client");
}

/// Worker `index`'s identity (`worker-<index>`) and sticky queue, shared
/// with the earlier worlds of this thread.
fn worker_names(index: u32) -> (Rc<str>, TaskQueue) {
    WORKER_NAMES.with_borrow_mut(|names| {
        while names.len() <= index as usize {
            let identity = numbered_text("worker-", names.len() as u64);
            let sticky_queue = WorkflowWorker::sticky_queue_of(&identity);
            names.push((identity, sticky_queue));
        }
        names[index as usize].clone()
    })
}

/// One simulation: build it from a scenario and options, then [`World::run`].
pub struct World<'s> {
    scenario: &'s Scenario,
    seed: u64,
    profile: FaultProfile,
    sched: Scheduler<Step>,
    net: Network,
    faults: FaultSource,
    planned_faults: Vec<PlannedFault>,
    service_config: ServiceConfig,
    service: Option<Service>,
    crashed_store: Option<Store>,
    /// A crash waiting for the next request's commit, and how long the Service stays down.
    crash_after_commit: Option<Duration>,
    service_wake_at: Option<SimTime>,
    workers: Vec<WorkerNode>,
    /// Open calls by id.
    calls: OpenCalls<Call>,
    /// The namespace every request names (shared, not made per request).
    namespace: Namespace,
    next_call: u64,
    workload: Workload,
    next_op: usize,
    pending_ops: usize,
    acknowledged_signals: Vec<(WorkflowId, Rc<str>, Payload)>,
    activity_rng: Rng,
    trace: Trace,
    stats: RunStats,
    heal_at: SimTime,
    deadline: SimTime,
    activity_attempts: u64,
    out: Vec<(CallId, Response)>,
    observer: Option<&'s mut dyn CommitObserver>,
}

impl<'s> World<'s> {
    /// Builds the world for `scenario` under `options`. Fails (with a
    /// one-line message) if the scenario names unknown workflow types or the
    /// fault schedule names unknown nodes.
    pub fn new(
        scenario: &'s Scenario,
        registry: &Rc<Registry>,
        options: &RunOptions,
    ) -> Result<Box<World<'s>>, String> {
        for g in &scenario.workflows {
            if !registry.has_workflow(&g.workflow_type) {
                return Err(format!(
                    "unknown workflow type {:?} (see `tempest workflows`)",
                    g.workflow_type
                ));
            }
        }
        let seed = options.seed;
        let worker_count = scenario.workers.count;
        let heal_at = SimTime::START + scenario.heal_after;
        let (profile, (faults, planned_faults)) = match &options.fault_schedule {
            Some(schedule) => {
                for f in &schedule.faults {
                    let bad = match &f.fault {
                        Fault::Partition { node, .. } => node_by_name(node, worker_count).is_none(),
                        Fault::CrashWorker { worker, .. } => *worker >= worker_count,
                        _ => false,
                    };
                    if bad {
                        return Err(format!(
                            "fault schedule names a node this scenario does not have: {:?}",
                            f.fault
                        ));
                    }
                }
                (
                    FaultProfile::none(),
                    FaultSource::scripted(schedule, heal_at),
                )
            }
            None => {
                let profile = scenario.faults.profile_for(seed);
                let drawn = FaultSource::drawn(seed, profile.clone(), heal_at, worker_count);
                (profile, drawn)
            }
        };
        let mut workers = Vec::with_capacity(worker_count as usize);
        for i in 0..worker_count {
            let mut worker_registry = registry.clone();
            for change in scenario
                .workers
                .changed_code
                .iter()
                .filter(|c| c.workers.contains(&i))
            {
                let mut changed = (*worker_registry).clone();
                changed
                    .alias_workflow(&change.workflow, &change.runs)
                    .map_err(|e| format!("workers.changed_code: {e}"))?;
                worker_registry = Rc::new(changed);
            }
            workers.push(WorkerNode::new(
                i,
                worker_registry,
                &scenario.workers.task_queues,
                scenario.workers.cache_capacity,
                options.sabotage,
            ));
        }
        let workload = Workload::new(scenario);
        let workload_len = workload.ops.len();
        let deadline = heal_at.max(workload.last_op_time()) + scenario.liveness_bound;
        // Long polls are held until a task arrives or the connection breaks
        // (crash, partition, lost message): a real server's 60 s expiry would
        // only add empty poll cycles, and make a one-year timer cost half a
        // million of them.
        let service_config = ServiceConfig {
            seed,
            long_poll_timeout: None,
            sabotage: options.sabotage,
            compact_closed_histories: options
                .history_compaction
                .applies_to(scenario.execution_count()),
            expected_runs: scenario.execution_count() as usize,
            ..ServiceConfig::default()
        };
        // Boxed: the world is large, and a box moves as one pointer from
        // here through `run` to `finish`. Allocated first and written in
        // place, not built on the stack and copied.
        let mut world = Box::write(
            Box::new_uninit(),
            World {
                scenario,
                seed,
                profile,
                sched: Scheduler::in_spare(seed, SPARE_SCHEDULER.take()),
                net: Network::new(seed, 2 + worker_count),
                faults,
                planned_faults,
                service: Some(Service::new(service_config.clone())),
                service_config,
                crashed_store: None,
                crash_after_commit: None,
                service_wake_at: None,
                workers,
                calls: OpenCalls::default(),
                namespace: Namespace::default(),
                next_call: 0,
                workload,
                pending_ops: workload_len,
                next_op: 0,
                acknowledged_signals: Vec::new(),
                activity_rng: Rng::new(seed, Purpose::Activities),
                trace: Trace::new(options.keep_trace),
                stats: RunStats::default(),
                heal_at,
                deadline,
                activity_attempts: 0,
                out: Vec::new(),
                observer: None,
            },
        );
        world.schedule_start();
        Ok(world)
    }

    /// Has `observer` see every run the Service commits, right after the
    /// step that committed it.
    pub fn set_observer(&mut self, observer: &'s mut dyn CommitObserver) {
        self.observer = Some(observer);
    }

    /// Tells the observer (if any) about the runs the last Service step
    /// committed. Inline: about half the steps commit nothing.
    #[inline]
    fn notify_observer(&mut self) {
        let committed = self
            .service
            .as_ref()
            .is_some_and(|service| !service.store().recent_commits().is_empty());
        if committed {
            self.notify_observer_of_commits();
        }
    }

    fn notify_observer_of_commits(&mut self) {
        let now = self.now();
        let step = self.stats.steps;
        let Some(service) = self.service.as_mut() else {
            return;
        };
        match self.observer.as_deref_mut() {
            Some(observer) => {
                service.for_recent_commits(|run| observer.committed(now, step, run));
            }
            None => service.for_recent_commits(|_| {}),
        }
    }

    fn schedule_start(&mut self) {
        for (i, f) in self.planned_faults.iter().enumerate() {
            self.sched.at_untied(f.at, Step::Fault(i as u32));
        }
        if !self.planned_faults.is_empty() || self.profile.any() {
            self.sched.at_untied(self.heal_at, Step::Heal);
        }
        if let Some(first) = self.workload.ops.first() {
            self.sched.at(first.at, Step::ClientOp(0));
            self.next_op = 1;
        }
        for w in 0..self.workers.len() as u32 {
            for p in 0..self.workers[w as usize].pollers.len() as u32 {
                self.sched.after(
                    Duration::ZERO,
                    Step::Poll {
                        worker: w,
                        incarnation: 0,
                        poller: p,
                    },
                );
            }
        }
        self.sched.after(Duration::from_secs(1), Step::Check);
    }

    /// Runs until every execution has closed and every client operation is
    /// settled, or until the liveness deadline passes.
    pub fn run(mut self: Box<Self>) -> RunResult {
        while let Some(step) = self.sched.pop() {
            if self.sched.now() > self.deadline {
                break;
            }
            self.stats.steps += 1;
            if self.step(step) {
                break;
            }
        }
        self.finish()
    }

    fn finish(mut self: Box<Self>) -> RunResult {
        let end_time = self.sched.now().min(self.deadline);
        let store = match self.service.as_mut() {
            Some(service) => service.take_store(),
            None => self
                .crashed_store
                .take()
                .expect("the store exists whether the service is up or down"),
        };
        for run in store.runs() {
            run.for_each_event_header(|e| {
                self.trace.fold(
                    e.event_id as u64
                        ^ ((e.event_type as u64) << 32)
                        ^ e.event_time.as_nanos().rotate_left(7),
                )
            });
        }
        self.stats.messages = self.net.messages_sent();
        SPARE_SCHEDULER.set(self.sched.into_spare());
        RunResult {
            seed: self.seed,
            profile: self.profile,
            trace_hash: self.trace.hash(),
            trace: self.trace.lines().to_vec(),
            end_time,
            heal_time: self.heal_at,
            liveness_deadline: self.deadline,
            faults: FaultSchedule {
                faults: self.faults.realised().to_vec(),
            },
            fault_counts: self.faults.counts(),
            store,
            acknowledged_signals: self.acknowledged_signals,
            workload: self.workload,
            stats: self.stats,
        }
    }

    fn now(&self) -> SimTime {
        self.sched.now()
    }

    /// Runs one step; true when the run is over.
    fn step(&mut self, step: Step) -> bool {
        match step {
            Step::Deliver { to, msg } => self.deliver(to, *msg),
            Step::ServiceWake => self.service_wake(),
            Step::ClientOp(op) => self.client_send(op),
            Step::CallTimeout(call) => self.call_timed_out(call),
            Step::ConnectionBroken(call) => self.connection_broken(call),
            Step::Poll {
                worker,
                incarnation,
                poller,
            } => self.poll(worker, incarnation, poller),
            Step::ActivityFinish {
                worker,
                incarnation,
                slot,
            } => self.activity_finish(worker, incarnation, slot),
            Step::Heartbeat {
                worker,
                incarnation,
                slot,
            } => self.heartbeat(worker, incarnation, slot),
            Step::Fault(i) => self.apply_fault(i),
            Step::RestartWorker(w) => self.restart_worker(w),
            Step::RestartService => self.restart_service(),
            Step::Heal => {
                self.net.heal();
                self.trace
                    .record(self.now(), [10, 0, 0], || "heal: faults stop".into());
            }
            Step::Check => return self.check_done(),
        }
        false
    }

    // ---- network -------------------------------------------------------
    //
    // Calls travel over connections: a message that cannot arrive (partition,
    // a dropped packet, a crashed Service) breaks its connection, and the
    // caller learns it as `Unavailable` instead of waiting forever.

    fn send(&mut self, to: NodeId, msg: Message) {
        let number = self.net.next_message_number();
        let now = self.now();
        let (from, call) = match &msg {
            Message::Request { call, from, .. } => (*from, *call),
            Message::Response(call, _) => (SERVICE, *call),
        };
        if !self.net.connected(now, from, to) {
            self.trace.record(now, [1, number, 1], || {
                format!(
                    "msg#{number} {} -> {} cut by partition",
                    node_name(from),
                    node_name(to)
                )
            });
            return self.break_connection(call);
        }
        let fate = self.faults.message_fate(now, number);
        if fate.dropped {
            self.trace.record(now, [1, number, 2], || {
                format!("msg#{number} {} -> {} lost", node_name(from), node_name(to))
            });
            return self.break_connection(call);
        }
        let delay = self.net.latency() + fate.extra_delay;
        if fate.duplicated {
            let copy = match &msg {
                Message::Request {
                    call,
                    from,
                    request,
                } => Message::Request {
                    call: *call,
                    from: *from,
                    request: request.clone(),
                },
                Message::Response(c, r) => Message::Response(*c, r.clone()),
            };
            let delay2 = self.net.latency() + fate.extra_delay;
            self.sched.after(
                delay2,
                Step::Deliver {
                    to,
                    msg: Box::new(copy),
                },
            );
        }
        self.sched.after(
            delay,
            Step::Deliver {
                to,
                msg: Box::new(msg),
            },
        );
    }

    /// The caller of `call` sees its connection break: it gets
    /// `Unavailable`, and the Service forgets a poll parked for it.
    fn break_connection(&mut self, call: CallId) {
        if !self.calls.contains(call.0) {
            return;
        }
        if let Some(service) = self.service.as_mut() {
            service.cancel_poll(call);
        }
        // The caller notices locally, after about one network latency.
        let delay = self.net.latency();
        self.sched.after(delay, Step::ConnectionBroken(call.0));
    }

    fn connection_broken(&mut self, call: u64) {
        if let Some(c) = self.calls.remove(call) {
            self.trace.record(self.now(), [11, call, 0], || {
                format!("call#{call} of {}: connection broken", node_name(c.node))
            });
            self.on_response(c, CallId(call), Response::Error(ServiceError::Unavailable));
        }
    }

    fn deliver(&mut self, to: NodeId, msg: Message) {
        let now = self.now();
        match msg {
            Message::Request {
                call,
                from,
                request,
            } => {
                if !self.net.connected(now, from, SERVICE) || self.service.is_none() {
                    // Cut off, or connection refused by a crashed Service.
                    return self.break_connection(call);
                }
                self.service_handle(call, request, from);
            }
            Message::Response(call, response) => {
                let Some(c) = self.calls.get(call.0) else {
                    return;
                };
                if c.node != to {
                    return;
                }
                if !self.net.connected(now, SERVICE, to) {
                    return self.break_connection(call);
                }
                let c = self.calls.remove(call.0).expect("checked above");
                self.on_response(c, call, response);
            }
        }
    }

    fn new_call(
        &mut self,
        node: NodeId,
        incarnation: u32,
        purpose: CallPurpose,
        timeout: Option<Duration>,
    ) -> CallId {
        self.next_call += 1;
        let id = self.next_call;
        self.calls.insert(
            id,
            Call {
                node,
                incarnation,
                purpose,
            },
        );
        if let Some(timeout) = timeout {
            // One of two constants: a FIFO lane, not the heap.
            self.sched.after_fixed(timeout, Step::CallTimeout(id));
        }
        CallId(id)
    }

    fn call_service(
        &mut self,
        node: NodeId,
        incarnation: u32,
        purpose: CallPurpose,
        timeout: Option<Duration>,
        request: Request,
    ) {
        let call = self.new_call(node, incarnation, purpose, timeout);
        self.send(
            SERVICE,
            Message::Request {
                call,
                from: node,
                request,
            },
        );
    }

    fn call_timed_out(&mut self, call: u64) {
        if let Some(c) = self.calls.remove(call) {
            self.trace.record(self.now(), [2, call, 0], || {
                format!("call#{call} of {} timed out", node_name(c.node))
            });
            self.on_response(c, CallId(call), Response::Error(ServiceError::Unavailable));
        }
    }

    /// The open calls that `which` picks, in the order they were made (the
    /// map of calls is for lookups; its own order must not reach the run).
    fn calls_of(&self, which: impl Fn(&Call) -> bool) -> Vec<u64> {
        let mut ids: Vec<u64> = self
            .calls
            .iter()
            .filter(|(_, c)| which(c))
            .map(|(id, _)| id)
            .collect();
        ids.sort_unstable();
        ids
    }

    /// A partition resets the connections of `node` (of everyone, for the
    /// Service): each of its calls breaks.
    fn reset_connections(&mut self, node: NodeId) {
        for call in self.calls_of(|c| node == SERVICE || c.node == node) {
            self.break_connection(CallId(call));
        }
    }

    /// A crashed worker's calls die with it; the Service forgets its parked polls.
    fn drop_calls_of(&mut self, node: NodeId) {
        for call in self.calls_of(|c| c.node == node) {
            self.calls.remove(call);
            if let Some(service) = self.service.as_mut() {
                service.cancel_poll(CallId(call));
            }
        }
    }

    // ---- service -------------------------------------------------------

    fn service_handle(&mut self, call: CallId, request: Request, from: NodeId) {
        let now = self.now();
        let Some(service) = self.service.as_mut() else {
            return;
        };
        self.trace.record(now, [3, call.0, from as u64], || {
            format!(
                "service <- {} call#{}: {}",
                node_name(from),
                call.0,
                request_name(&request)
            )
        });
        service.handle(now, call, request, &mut self.out);
        self.notify_observer();
        if let Some(down) = self.crash_after_commit.take() {
            // The restart counts from the crash, not from when it was armed.
            self.sched.after(down, Step::RestartService);
            self.out.clear();
            self.trace.record(now, [4, call.0, 1], || {
                "service crashed after committing, before answering".into()
            });
            return self.crash_service();
        }
        self.route_service_output();
        self.schedule_service_wake();
    }

    /// Sends the Service's responses in the order it gave them, emptying
    /// `out` (reversed and popped: taking the buffer out of the world and
    /// back, and draining it, cost more than the sends of a typical step).
    fn route_service_output(&mut self) {
        self.out.reverse();
        while let Some((call, response)) = self.out.pop() {
            let Some(to) = self.calls.get(call.0).map(|c| c.node) else {
                continue;
            };
            self.send(to, Message::Response(call, response));
        }
    }

    fn schedule_service_wake(&mut self) {
        let Some(service) = &self.service else { return };
        if let Some(due) = service.next_deadline() {
            if self.service_wake_at.is_none_or(|w| due < w) {
                self.service_wake_at = Some(due);
                self.sched.at(due, Step::ServiceWake);
            }
        }
    }

    fn service_wake(&mut self) {
        let now = self.now();
        if self.service_wake_at.is_some_and(|w| w <= now) {
            self.service_wake_at = None;
        }
        let Some(service) = self.service.as_mut() else {
            return;
        };
        service.advance(now, &mut self.out);
        self.notify_observer();
        self.trace.record(now, [5, self.out.len() as u64, 0], || {
            "service wakes for its timers".into()
        });
        self.route_service_output();
        self.schedule_service_wake();
    }

    fn crash_service(&mut self) {
        let Some(service) = self.service.take() else {
            return;
        };
        self.crashed_store = Some(service.into_store());
        self.service_wake_at = None;
        // Every open connection to the crashed process breaks.
        self.reset_connections(SERVICE);
    }

    fn restart_service(&mut self) {
        let Some(store) = self.crashed_store.take() else {
            return;
        };
        let now = self.now();
        self.service = Some(Service::recover(self.service_config.clone(), store, now));
        self.stats.service_restarts += 1;
        self.trace
            .record(now, [6, 0, 0], || "service restarts from its store".into());
        self.schedule_service_wake();
    }

    // ---- faults --------------------------------------------------------

    fn apply_fault(&mut self, index: u32) {
        let now = self.now();
        let fault = self.planned_faults[index as usize].fault.clone();
        match &fault {
            Fault::CrashWorker { worker, down_ms } => {
                let w = &mut self.workers[*worker as usize];
                if !w.up {
                    return;
                }
                w.up = false;
                w.incarnation += 1;
                w.activities.clear();
                self.drop_calls_of(2 + *worker);
                self.sched.after(
                    Duration::from_millis(*down_ms),
                    Step::RestartWorker(*worker),
                );
            }
            Fault::CrashService {
                down_ms,
                after_commit,
            } => {
                if self.service.is_none() {
                    return;
                }
                let down = Duration::from_millis(*down_ms);
                if *after_commit {
                    self.crash_after_commit = Some(down);
                } else {
                    self.crash_service();
                    self.sched.after(down, Step::RestartService);
                }
            }
            Fault::Partition { node, duration_ms } => {
                let id = node_by_name(node, self.workers.len() as u32)
                    .expect("validated when the world was built");
                self.net
                    .partition(id, now + Duration::from_millis(*duration_ms));
                self.reset_connections(id);
            }
            _ => unreachable!("only timed faults are planned"),
        }
        self.trace
            .record(now, [7, index as u64, 0], || format!("fault: {fault:?}"));
        self.faults.record_timed(now, fault);
    }

    fn restart_worker(&mut self, w: u32) {
        let now = self.now();
        let node = &mut self.workers[w as usize];
        if node.up {
            return;
        }
        node.up = true;
        node.worker = WorkflowWorker::with_sticky_queue(
            node.identity.clone(),
            node.worker.sticky_queue().clone(),
            node.registry.clone(),
            node.cache_capacity,
        );
        node.worker.set_sabotage(node.sabotage);
        let incarnation = node.incarnation;
        self.stats.worker_restarts += 1;
        self.trace.record(now, [8, w as u64, 0], || {
            format!("{} restarts with an empty cache", node_name(2 + w))
        });
        for p in 0..self.workers[w as usize].pollers.len() as u32 {
            self.sched.after(
                Duration::ZERO,
                Step::Poll {
                    worker: w,
                    incarnation,
                    poller: p,
                },
            );
        }
    }

    // ---- workers -------------------------------------------------------

    fn poll(&mut self, w: u32, incarnation: u32, poller: u32) {
        let node = &self.workers[w as usize];
        if !node.up || node.incarnation != incarnation {
            return;
        }
        let p = &node.pollers[poller as usize];
        let namespace = self.namespace.clone();
        let identity = node.identity.clone();
        let request = match p.kind {
            PollerKind::Workflow => Request::PollWorkflowTaskQueue(PollWorkflowTaskQueueRequest {
                namespace,
                task_queue: p.queue.clone(),
                identity,
            }),
            PollerKind::Activity => Request::PollActivityTaskQueue(PollActivityTaskQueueRequest {
                namespace,
                task_queue: p.queue.clone(),
                identity,
            }),
        };
        self.call_service(
            2 + w,
            incarnation,
            CallPurpose::Poll { poller },
            None,
            request,
        );
    }

    fn on_response(&mut self, call: Call, id: CallId, response: Response) {
        let now = self.now();
        self.trace.record(now, [9, id.0, call.node as u64], || {
            format!(
                "{} <- call#{}: {}",
                node_name(call.node),
                id.0,
                response_name(&response)
            )
        });
        if call.node == CLIENT {
            if let CallPurpose::Client { op, started } = call.purpose {
                self.client_answer(op, started, response);
            }
            return;
        }
        let w = call.node - 2;
        let node = &self.workers[w as usize];
        if !node.up || node.incarnation != call.incarnation {
            return;
        }
        let incarnation = call.incarnation;
        match call.purpose {
            CallPurpose::Poll { poller } => {
                let again = match response {
                    Response::PollWorkflowTaskQueue(Some(task)) => {
                        self.workflow_task(w, &task);
                        Duration::ZERO
                    }
                    Response::PollActivityTaskQueue(Some(task)) => {
                        self.activity_task(w, *task);
                        Duration::ZERO
                    }
                    Response::PollWorkflowTaskQueue(None)
                    | Response::PollActivityTaskQueue(None) => Duration::ZERO,
                    _ => Duration::from_secs(1),
                };
                self.sched.after(
                    again,
                    Step::Poll {
                        worker: w,
                        incarnation,
                        poller,
                    },
                );
            }
            CallPurpose::Respond { request, attempts } => {
                if response == Response::Error(ServiceError::Unavailable)
                    && attempts < RESPOND_ATTEMPTS
                {
                    self.call_service(
                        call.node,
                        incarnation,
                        CallPurpose::Respond {
                            request: request.clone(),
                            attempts: attempts + 1,
                        },
                        Some(RESPOND_RPC_TIMEOUT),
                        *request,
                    );
                }
            }
            CallPurpose::Heartbeat { slot } => {
                let Some(Some(run)) = self.workers[w as usize].activities.get_mut(slot as usize)
                else {
                    return;
                };
                match response {
                    Response::RecordActivityTaskHeartbeat(r)
                        if r.cancel_requested && !run.cancel_requested =>
                    {
                        run.cancel_requested = true;
                        run.finish_at = now;
                        self.sched.after(
                            Duration::ZERO,
                            Step::ActivityFinish {
                                worker: w,
                                incarnation,
                                slot,
                            },
                        );
                    }
                    Response::Error(ServiceError::TaskNotFound(_))
                    | Response::Error(ServiceError::NotFound(_)) => {
                        // The attempt is over at the Service (timed out or closed): abandon it.
                        self.workers[w as usize].activities[slot as usize] = None;
                    }
                    _ => {}
                }
            }
            CallPurpose::Client { .. } => unreachable!("client calls belong to the client node"),
        }
    }

    fn workflow_task(&mut self, w: u32, task: &PollWorkflowTaskQueueResponse) {
        self.stats.workflow_tasks += 1;
        let panics = self
            .faults
            .workflow_panics(self.sched.now(), self.stats.workflow_tasks);
        let node = &mut self.workers[w as usize];
        let replays_before = node.worker.replays();
        let request = if panics {
            node.worker.process_panicking(task)
        } else {
            node.worker.process(task)
        };
        self.stats.replays += node.worker.replays() - replays_before;
        let incarnation = node.incarnation;
        self.call_service(
            2 + w,
            incarnation,
            CallPurpose::Respond {
                request: Box::new(request.clone()),
                attempts: 1,
            },
            Some(RESPOND_RPC_TIMEOUT),
            request,
        );
    }

    fn activity_task(&mut self, w: u32, task: PollActivityTaskQueueResponse) {
        let now = self.now();
        self.stats.activity_attempts += 1;
        self.activity_attempts += 1;
        let fault = self.faults.activity_fault(now, self.activity_attempts);
        let heartbeat_timeout = task.heartbeat_timeout;
        let mut duration = match heartbeat_timeout {
            Some(h) => Duration::from_nanos(self.activity_rng.range(
                1_000_000,
                (h.as_nanos() as u64).saturating_mul(3).max(1_000_000),
            )),
            None => Duration::from_micros(self.activity_rng.range(1_000, 200_000)),
        };
        let node = &mut self.workers[w as usize];
        let outcome = match fault {
            Some(ActivityFault::Fail) => ActivityOutcome::Failed(Failure::application(
                "InjectedFailure",
                "injected retryable activity failure",
            )),
            Some(ActivityFault::FailNonRetryable) => ActivityOutcome::Failed(
                Failure::non_retryable("InjectedFatal", "injected non-retryable activity failure"),
            ),
            Some(ActivityFault::Panic) => ActivityOutcome::Failed(Failure::application(
                "PanicError",
                "activity panicked: injected panic",
            )),
            _ => execute_activity(&node.registry, &task),
        };
        if fault == Some(ActivityFault::Slow) {
            let limit = task
                .start_to_close_timeout
                .or(task.schedule_to_close_timeout)
                .unwrap_or(Duration::from_secs(3600));
            duration = limit + Duration::from_millis(self.activity_rng.range(1, 5_000));
        }
        let heartbeat_every = match (heartbeat_timeout, fault) {
            (_, Some(ActivityFault::HeartbeatLoss)) => {
                if let Some(h) = heartbeat_timeout {
                    duration = duration.max(h * 3);
                }
                None
            }
            (Some(h), _) => Some((h / 2).max(Duration::from_millis(1))),
            (None, _) => None,
        };
        let run = RunningActivity {
            token: task.task_token.clone(),
            outcome,
            finish_at: now + duration,
            heartbeat_every,
            cancel_requested: false,
        };
        let slot = node.store_activity(run);
        let incarnation = node.incarnation;
        self.sched.after(
            duration,
            Step::ActivityFinish {
                worker: w,
                incarnation,
                slot,
            },
        );
        if let Some(every) = heartbeat_every {
            if every < duration {
                self.sched.after(
                    every,
                    Step::Heartbeat {
                        worker: w,
                        incarnation,
                        slot,
                    },
                );
            }
        }
    }

    fn heartbeat(&mut self, w: u32, incarnation: u32, slot: u32) {
        let now = self.now();
        let node = &self.workers[w as usize];
        if !node.up || node.incarnation != incarnation {
            return;
        }
        let Some(Some(run)) = node.activities.get(slot as usize) else {
            return;
        };
        let Some(every) = run.heartbeat_every else {
            return;
        };
        let request = Request::RecordActivityTaskHeartbeat(RecordActivityTaskHeartbeatRequest {
            task_token: run.token.clone(),
            details: None,
            identity: node.identity.clone(),
        });
        if now + every < run.finish_at {
            self.sched.after(
                every,
                Step::Heartbeat {
                    worker: w,
                    incarnation,
                    slot,
                },
            );
        }
        self.call_service(
            2 + w,
            incarnation,
            CallPurpose::Heartbeat { slot },
            Some(RESPOND_RPC_TIMEOUT),
            request,
        );
    }

    fn activity_finish(&mut self, w: u32, incarnation: u32, slot: u32) {
        let now = self.now();
        let node = &mut self.workers[w as usize];
        if !node.up || node.incarnation != incarnation {
            return;
        }
        let Some(run) = node
            .activities
            .get_mut(slot as usize)
            .and_then(Option::take)
        else {
            return;
        };
        if run.finish_at > now {
            // Finished early by a cancel; this is the original, now stale, finish step.
            node.activities[slot as usize] = Some(run);
            return;
        }
        let identity = node.identity.clone();
        let task_token = run.token;
        let request = if run.cancel_requested {
            Request::RespondActivityTaskCanceled(RespondActivityTaskCanceledRequest {
                task_token,
                details: None,
                identity,
            })
        } else {
            match run.outcome {
                ActivityOutcome::Completed(result) => {
                    Request::RespondActivityTaskCompleted(RespondActivityTaskCompletedRequest {
                        task_token,
                        result,
                        identity,
                    })
                }
                ActivityOutcome::Failed(failure) => {
                    Request::RespondActivityTaskFailed(RespondActivityTaskFailedRequest {
                        task_token,
                        failure,
                        identity,
                    })
                }
            }
        };
        self.call_service(
            2 + w,
            incarnation,
            CallPurpose::Respond {
                request: Box::new(request.clone()),
                attempts: 1,
            },
            Some(RESPOND_RPC_TIMEOUT),
            request,
        );
    }

    // ---- client --------------------------------------------------------

    fn client_send(&mut self, op: u32) {
        let index = op as usize;
        if self.next_op == index + 1
            || (self.workload.ops[index].attempts == 0 && self.next_op <= index)
        {
            // First send of this op: queue the next op in time order.
            if let Some(next) = self.workload.ops.get(self.next_op) {
                self.sched.at(next.at, Step::ClientOp(self.next_op as u32));
                self.next_op += 1;
            }
        }
        let o = &mut self.workload.ops[index];
        if o.state != OpState::Pending {
            return;
        }
        o.attempts += 1;
        let request_id = Op::request_id(index);
        let e = &self.workload.executions[o.execution as usize];
        let g = &self.scenario.workflows[e.group];
        let namespace = self.namespace.clone();
        let current = WorkflowExecution {
            workflow_id: e.workflow_id.clone(),
            run_id: RunId::new(""),
        };
        let identity = CLIENT_IDENTITY.with(Rc::clone);
        let request = match &o.kind {
            OpKind::Start => {
                Request::StartWorkflowExecution(Box::new(StartWorkflowExecutionRequest {
                    namespace,
                    workflow_id: e.workflow_id.clone(),
                    workflow_type: WorkflowType::new(&g.workflow_type),
                    task_queue: TaskQueue::new(self.scenario.task_queue_of(g)),
                    input: Payload::new(g.input.clone()),
                    workflow_execution_timeout: g.execution_timeout,
                    workflow_run_timeout: g.run_timeout,
                    workflow_task_timeout: g.task_timeout,
                    identity,
                    request_id,
                    workflow_id_reuse_policy: WorkflowIdReusePolicy::AllowDuplicate,
                    retry_policy: g.retry_policy.clone(),
                    cron_schedule: g.cron_schedule.clone(),
                    memo: g
                        .memo
                        .iter()
                        .map(|(k, v)| (k.clone(), Payload::new(v.clone())))
                        .collect(),
                }))
            }
            OpKind::Signal { name, input } => {
                Request::SignalWorkflowExecution(SignalWorkflowExecutionRequest {
                    namespace,
                    workflow_execution: current,
                    signal_name: name.to_string(),
                    input: input.clone(),
                    identity,
                    request_id,
                })
            }
            OpKind::Cancel => {
                Request::RequestCancelWorkflowExecution(RequestCancelWorkflowExecutionRequest {
                    namespace,
                    workflow_execution: current,
                    identity,
                    request_id,
                    reason: "scenario cancel".into(),
                })
            }
            OpKind::Terminate => {
                Request::TerminateWorkflowExecution(TerminateWorkflowExecutionRequest {
                    namespace,
                    workflow_execution: current,
                    reason: "scenario terminate".into(),
                    details: None,
                    identity,
                })
            }
        };
        let started = e.run_id.is_some();
        self.call_service(
            CLIENT,
            0,
            CallPurpose::Client { op, started },
            Some(CLIENT_RPC_TIMEOUT),
            request,
        );
    }

    /// `started_when_sent`: a NotFound for a call sent before the start was
    /// acknowledged is retried, even if the start was acknowledged since.
    fn client_answer(&mut self, op: u32, started_when_sent: bool, response: Response) {
        let o = &mut self.workload.ops[op as usize];
        if o.state != OpState::Pending {
            return;
        }
        let execution = o.execution as usize;
        let started = started_when_sent;
        let retry = match response {
            Response::StartWorkflowExecution(r) => {
                o.state = OpState::Acknowledged;
                self.workload.executions[execution].run_id = Some(r.run_id);
                false
            }
            Response::SignalWorkflowExecution => {
                o.state = OpState::Acknowledged;
                if let OpKind::Signal { name, input } = &o.kind {
                    let id = self.workload.executions[execution].workflow_id.clone();
                    self.acknowledged_signals
                        .push((id, name.clone(), input.clone()));
                }
                false
            }
            Response::RequestCancelWorkflowExecution | Response::TerminateWorkflowExecution => {
                o.state = OpState::Acknowledged;
                false
            }
            Response::Error(ServiceError::Unavailable) => true,
            Response::Error(ServiceError::NotFound(_)) if !started => true,
            Response::Error(ServiceError::WorkflowExecutionAlreadyStarted { run_id })
                if matches!(o.kind, OpKind::Start) =>
            {
                o.state = OpState::Acknowledged;
                self.workload.executions[execution].run_id = Some(run_id);
                false
            }
            _ => {
                o.state = OpState::Refused;
                false
            }
        };
        if retry {
            let backoff = Duration::from_millis(500 * (1u64 << o.attempts.min(5)))
                .min(Duration::from_secs(10));
            self.sched.after(backoff, Step::ClientOp(op));
        } else {
            self.pending_ops -= 1;
        }
    }

    // ---- end of run ----------------------------------------------------

    fn check_done(&mut self) -> bool {
        if self.pending_ops == 0 && self.next_op >= self.workload.ops.len() {
            if let Some(service) = &self.service {
                if service.store().open_run_count() == 0 {
                    return true;
                }
            }
        }
        // Check again in a second of simulated time, or when something next
        // happens if that is later: an idle year costs one check, not millions.
        let next = (self.now() + Duration::from_secs(1))
            .max(self.sched.peek_time().unwrap_or(SimTime::MAX));
        if next < SimTime::MAX {
            self.sched.at(next, Step::Check);
        }
        false
    }
}

fn request_name(r: &Request) -> &'static str {
    match r {
        Request::StartWorkflowExecution(_) => "StartWorkflowExecution",
        Request::SignalWorkflowExecution(_) => "SignalWorkflowExecution",
        Request::RequestCancelWorkflowExecution(_) => "RequestCancelWorkflowExecution",
        Request::TerminateWorkflowExecution(_) => "TerminateWorkflowExecution",
        Request::DescribeWorkflowExecution(_) => "DescribeWorkflowExecution",
        Request::ListWorkflowExecutions(_) => "ListWorkflowExecutions",
        Request::GetWorkflowExecutionHistory(_) => "GetWorkflowExecutionHistory",
        Request::PollWorkflowTaskQueue(_) => "PollWorkflowTaskQueue",
        Request::RespondWorkflowTaskCompleted(_) => "RespondWorkflowTaskCompleted",
        Request::RespondWorkflowTaskFailed(_) => "RespondWorkflowTaskFailed",
        Request::PollActivityTaskQueue(_) => "PollActivityTaskQueue",
        Request::RecordActivityTaskHeartbeat(_) => "RecordActivityTaskHeartbeat",
        Request::RespondActivityTaskCompleted(_) => "RespondActivityTaskCompleted",
        Request::RespondActivityTaskFailed(_) => "RespondActivityTaskFailed",
        Request::RespondActivityTaskCanceled(_) => "RespondActivityTaskCanceled",
    }
}

fn response_name(r: &Response) -> String {
    match r {
        Response::PollWorkflowTaskQueue(Some(t)) => format!(
            "workflow task for {} (attempt {})",
            t.workflow_execution, t.attempt
        ),
        Response::PollActivityTaskQueue(Some(t)) => format!(
            "activity task {} for {} (attempt {})",
            t.activity_type, t.workflow_execution, t.attempt
        ),
        Response::PollWorkflowTaskQueue(None) | Response::PollActivityTaskQueue(None) => {
            "empty poll".into()
        }
        Response::Error(e) => format!("error: {e}"),
        other => {
            let text = format!("{other:?}");
            text.split(['(', ' ', '{'])
                .next()
                .unwrap_or_default()
                .to_string()
        }
    }
}
