//! Faults: what a fault profile turns on, how each seed draws its own profile
//! (swarm testing), the faults a run actually injected (its realised fault
//! schedule, which can be written to a file), and the source the world asks
//! for fault decisions: either the seed's fault streams or such a file.

use super::network::{node_name, NodeId};
use super::rng::{Purpose, Rng};
use crate::model::{serde_opt_duration, Duration, SimTime};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Which faults are on and how often. All rates are probabilities per
/// opportunity (message, activity attempt, workflow task); the `*_every`
/// durations are mean times between process faults or partitions.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FaultProfile {
    /// A message is lost.
    pub drop_rate: f64,
    /// A message is delivered twice.
    pub duplicate_rate: f64,
    /// A message takes a large extra delay, so later ones overtake it.
    pub reorder_rate: f64,
    /// Mean time between partitions that cut one node off.
    #[serde(with = "serde_opt_duration")]
    pub partition_every: Option<Duration>,
    /// How long a partition lasts (at most).
    #[serde(with = "serde_opt_duration")]
    pub partition_for: Option<Duration>,
    /// Mean time between worker crashes.
    #[serde(with = "serde_opt_duration")]
    pub worker_crash_every: Option<Duration>,
    /// Mean time between Service crashes.
    #[serde(with = "serde_opt_duration")]
    pub service_crash_every: Option<Duration>,
    /// How long a crashed process stays down (at most).
    #[serde(with = "serde_opt_duration")]
    pub down_for: Option<Duration>,
    /// An activity attempt fails with a retryable error.
    pub activity_fail_rate: f64,
    /// An activity attempt fails with a non-retryable error.
    pub activity_non_retryable_rate: f64,
    /// An activity attempt runs past its start-to-close timeout.
    pub activity_slow_rate: f64,
    /// An activity attempt stops heartbeating.
    pub activity_heartbeat_loss_rate: f64,
    /// An activity attempt panics.
    pub activity_panic_rate: f64,
    /// Workflow code panics while processing a workflow task.
    pub workflow_panic_rate: f64,
}

impl FaultProfile {
    /// No faults at all.
    pub fn none() -> FaultProfile {
        FaultProfile::default()
    }

    /// Every fault on, at rates that leave room for progress.
    pub fn everything() -> FaultProfile {
        FaultProfile {
            drop_rate: 0.02,
            duplicate_rate: 0.02,
            reorder_rate: 0.02,
            partition_every: Some(Duration::from_secs(120)),
            partition_for: Some(Duration::from_secs(20)),
            worker_crash_every: Some(Duration::from_secs(90)),
            service_crash_every: Some(Duration::from_secs(180)),
            down_for: Some(Duration::from_secs(15)),
            activity_fail_rate: 0.05,
            activity_non_retryable_rate: 0.005,
            activity_slow_rate: 0.02,
            activity_heartbeat_loss_rate: 0.02,
            activity_panic_rate: 0.01,
            workflow_panic_rate: 0.02,
        }
    }

    /// Swarm testing: this seed's own profile. About one seed in five has no
    /// faults; otherwise each fault kind is on with probability one half, at
    /// a rate drawn between a tenth of and twice its `everything()` rate.
    pub fn swarm(seed: u64) -> FaultProfile {
        let mut rng = Rng::new(seed, Purpose::Profile);
        if rng.chance(0.2) {
            return FaultProfile::none();
        }
        let full = FaultProfile::everything();
        let mut rate = |base: f64| {
            if rng.chance(0.5) {
                base * (0.1 + 1.9 * rng.unit())
            } else {
                0.0
            }
        };
        let drop_rate = rate(full.drop_rate);
        let duplicate_rate = rate(full.duplicate_rate);
        let reorder_rate = rate(full.reorder_rate);
        let activity_fail_rate = rate(full.activity_fail_rate);
        let activity_non_retryable_rate = rate(full.activity_non_retryable_rate);
        let activity_slow_rate = rate(full.activity_slow_rate);
        let activity_heartbeat_loss_rate = rate(full.activity_heartbeat_loss_rate);
        let activity_panic_rate = rate(full.activity_panic_rate);
        let workflow_panic_rate = rate(full.workflow_panic_rate);
        let mut every = |base: Option<Duration>| {
            if rng.chance(0.5) {
                base.map(|d| d.mul_f64(0.5 + 2.0 * rng.unit()))
            } else {
                None
            }
        };
        FaultProfile {
            drop_rate,
            duplicate_rate,
            reorder_rate,
            partition_every: every(full.partition_every),
            partition_for: full.partition_for,
            worker_crash_every: every(full.worker_crash_every),
            service_crash_every: every(full.service_crash_every),
            down_for: full.down_for,
            activity_fail_rate,
            activity_non_retryable_rate,
            activity_slow_rate,
            activity_heartbeat_loss_rate,
            activity_panic_rate,
            workflow_panic_rate,
        }
    }

    /// Whether any fault is on.
    pub fn any(&self) -> bool {
        *self != FaultProfile::none()
    }
}

/// What to do to one activity attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ActivityFault {
    /// Fail with a retryable error.
    Fail,
    /// Fail with a non-retryable error.
    FailNonRetryable,
    /// Run past the start-to-close timeout.
    Slow,
    /// Stop heartbeating.
    HeartbeatLoss,
    /// Panic.
    Panic,
}

/// One fault the world injected. (Fields are described in each variant's doc.)
#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "fault", rename_all = "snake_case")]
pub enum Fault {
    /// Message number `message` (counted from 1 in send order) was lost.
    DropMessage { message: u64 },
    /// Message number `message` was delivered twice.
    DuplicateMessage { message: u64 },
    /// Message number `message` was held back for `delay_ms`.
    DelayMessage { message: u64, delay_ms: u64 },
    /// Node `node` was cut off from every other node for `duration_ms`.
    Partition { node: String, duration_ms: u64 },
    /// Worker `worker` crashed and restarted after `down_ms`.
    CrashWorker { worker: u32, down_ms: u64 },
    /// The Service crashed and restarted after `down_ms`; with
    /// `after_commit`, the request it was handling had been committed but its
    /// responses were lost.
    CrashService { down_ms: u64, after_commit: bool },
    /// Activity attempt number `attempt` (counted from 1 in dispatch order)
    /// suffered `kind`.
    Activity { attempt: u64, kind: ActivityFault },
    /// The workflow code of workflow task number `task` (counted from 1 in
    /// the order workers processed them) panicked.
    WorkflowPanic { task: u64 },
}

impl Fault {
    /// A short name of the fault's kind, for counting.
    pub fn kind(&self) -> &'static str {
        match self {
            Fault::DropMessage { .. } => "drop",
            Fault::DuplicateMessage { .. } => "duplicate",
            Fault::DelayMessage { .. } => "reorder",
            Fault::Partition { .. } => "partition",
            Fault::CrashWorker { .. } => "worker_crash",
            Fault::CrashService { .. } => "service_crash",
            Fault::Activity {
                kind: ActivityFault::Fail,
                ..
            } => "activity_fail",
            Fault::Activity {
                kind: ActivityFault::FailNonRetryable,
                ..
            } => "activity_non_retryable",
            Fault::Activity {
                kind: ActivityFault::Slow,
                ..
            } => "activity_slow",
            Fault::Activity {
                kind: ActivityFault::HeartbeatLoss,
                ..
            } => "activity_heartbeat_loss",
            Fault::Activity {
                kind: ActivityFault::Panic,
                ..
            } => "activity_panic",
            Fault::WorkflowPanic { .. } => "workflow_panic",
        }
    }
}

/// A fault at a time (milliseconds after the simulation start).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimedFault {
    /// When, in ms after the start.
    pub at_ms: u64,
    /// What.
    #[serde(flatten)]
    pub fault: Fault,
}

impl TimedFault {
    /// `fault`, befalling at `now` (whole milliseconds, as a schedule records).
    fn at(now: SimTime, fault: Fault) -> TimedFault {
        TimedFault {
            at_ms: now.since(SimTime::START).as_millis() as u64,
            fault,
        }
    }
}

/// A fault schedule file: the faults a run injected, or the faults to inject.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultSchedule {
    /// The faults, in the order they happened.
    pub faults: Vec<TimedFault>,
}

impl FaultSchedule {
    /// Parses a schedule file's text.
    pub fn from_json(text: &str) -> Result<FaultSchedule, String> {
        serde_json::from_str(text).map_err(|e| format!("bad fault schedule: {e}"))
    }

    /// The schedule as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("fault schedules always serialize")
    }
}

/// Decisions for one message.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MessageFate {
    /// Never delivered.
    pub dropped: bool,
    /// Delivered twice.
    pub duplicated: bool,
    /// Extra delay before delivery.
    pub extra_delay: Duration,
}

/// Where fault decisions come from: the seed (through a profile) or a file.
pub struct FaultSource {
    mode: Mode,
    heal_at: SimTime,
    realised: Vec<TimedFault>,
}

// One per world; the drawn mode's rng streams are inline on purpose.
#[allow(clippy::large_enum_variant)]
enum Mode {
    Drawn {
        profile: FaultProfile,
        network: Rng,
        behaviour: Rng,
    },
    Scripted {
        messages: BTreeMap<u64, Vec<Fault>>,
        activities: BTreeMap<u64, ActivityFault>,
        workflow_tasks: BTreeMap<u64, ()>,
    },
}

/// A timed process fault or partition, for the world to schedule.
#[derive(Clone, Debug, PartialEq)]
pub struct PlannedFault {
    /// When.
    pub at: SimTime,
    /// What.
    pub fault: Fault,
}

impl FaultSource {
    /// Faults drawn from the seed under `profile`, none after `heal_at`, in
    /// a world of the Service, the client and `workers` workers.
    /// Returns the source and the timed faults (crashes, partitions) to schedule.
    pub fn drawn(
        seed: u64,
        profile: FaultProfile,
        heal_at: SimTime,
        workers: u32,
    ) -> (FaultSource, Vec<PlannedFault>) {
        let mut process = Rng::new(seed, Purpose::ProcessFaults);
        let mut planned = Vec::new();
        let down_max = profile.down_for.unwrap_or(Duration::from_secs(10));
        let mut plan = |every: Option<Duration>, make: &mut dyn FnMut(&mut Rng, u64) -> Fault| {
            let Some(every) = every else { return };
            let mut t = SimTime::START;
            loop {
                t = t + Duration::from_nanos(process.exponential(every.as_nanos() as u64).max(1));
                if t >= heal_at {
                    break;
                }
                let down_ms = process.range(100, down_max.as_millis().max(100) as u64);
                // Whole milliseconds: the time a schedule file records.
                let at_ms = t.since(SimTime::START).as_millis() as u64;
                planned.push(PlannedFault {
                    at: SimTime::START + Duration::from_millis(at_ms),
                    fault: make(&mut process, down_ms),
                });
            }
        };
        if workers > 0 {
            plan(profile.worker_crash_every, &mut |r, down_ms| {
                Fault::CrashWorker {
                    worker: r.range(0, workers as u64 - 1) as u32,
                    down_ms,
                }
            });
        }
        plan(profile.service_crash_every, &mut |r, down_ms| {
            Fault::CrashService {
                down_ms,
                after_commit: r.chance(0.5),
            }
        });
        let partition_max = profile
            .partition_for
            .unwrap_or(Duration::from_secs(10))
            .as_millis() as u64;
        let nodes = 2 + workers;
        plan(profile.partition_every, &mut |r, _| Fault::Partition {
            node: node_name(r.range(0, nodes as u64 - 1) as NodeId),
            duration_ms: r.range(100, partition_max.max(100)),
        });
        planned.sort_by_key(|p| p.at);
        // A profile with every fault off draws nothing whenever it is
        // asked: the source is healed from the start, and answers at once.
        let heal_at = if profile.any() {
            heal_at
        } else {
            SimTime::START
        };
        let source = FaultSource {
            mode: Mode::Drawn {
                profile,
                network: Rng::new(seed, Purpose::NetworkFaults),
                behaviour: Rng::new(seed, Purpose::BehaviourFaults),
            },
            heal_at,
            realised: Vec::new(),
        };
        (source, planned)
    }

    /// Faults taken from a schedule file. Returns the source and the timed
    /// faults to schedule.
    pub fn scripted(
        schedule: &FaultSchedule,
        heal_at: SimTime,
    ) -> (FaultSource, Vec<PlannedFault>) {
        let mut messages: BTreeMap<u64, Vec<Fault>> = BTreeMap::new();
        let mut activities = BTreeMap::new();
        let mut workflow_tasks = BTreeMap::new();
        let mut planned = Vec::new();
        for tf in &schedule.faults {
            match &tf.fault {
                Fault::DropMessage { message }
                | Fault::DuplicateMessage { message }
                | Fault::DelayMessage { message, .. } => {
                    messages.entry(*message).or_default().push(tf.fault.clone())
                }
                Fault::Activity { attempt, kind } => {
                    activities.insert(*attempt, *kind);
                }
                Fault::WorkflowPanic { task } => {
                    workflow_tasks.insert(*task, ());
                }
                Fault::Partition { .. }
                | Fault::CrashWorker { .. }
                | Fault::CrashService { .. } => planned.push(PlannedFault {
                    at: SimTime::START + Duration::from_millis(tf.at_ms),
                    fault: tf.fault.clone(),
                }),
            }
        }
        let source = FaultSource {
            mode: Mode::Scripted {
                messages,
                activities,
                workflow_tasks,
            },
            heal_at,
            realised: Vec::new(),
        };
        (source, planned)
    }

    fn realise(&mut self, now: SimTime, fault: Fault) {
        self.realised.push(TimedFault::at(now, fault));
    }

    /// Records a timed fault (crash, partition) when the world applies it.
    pub fn record_timed(&mut self, now: SimTime, fault: Fault) {
        self.realise(now, fault);
    }

    /// Whether faults have stopped.
    pub fn healed(&self, now: SimTime) -> bool {
        now >= self.heal_at
    }

    /// The fate of message number `message`, sent at `now`. Inline: once
    /// healed (a run without faults is healed from the start), it answers
    /// at the call, for every message.
    #[inline]
    pub fn message_fate(&mut self, now: SimTime, message: u64) -> MessageFate {
        if self.healed(now) {
            return MessageFate::default();
        }
        self.message_fate_before_heal(now, message)
    }

    fn message_fate_before_heal(&mut self, now: SimTime, message: u64) -> MessageFate {
        let mut fate = MessageFate::default();
        let realised = &mut self.realised;
        let mut befall = |fault: Fault| {
            match fault {
                Fault::DropMessage { .. } => fate.dropped = true,
                Fault::DuplicateMessage { .. } => fate.duplicated = true,
                Fault::DelayMessage { delay_ms, .. } => {
                    fate.extra_delay = Duration::from_millis(delay_ms)
                }
                _ => {}
            }
            realised.push(TimedFault::at(now, fault));
        };
        match &mut self.mode {
            Mode::Drawn {
                profile, network, ..
            } => {
                if network.chance(profile.drop_rate) {
                    befall(Fault::DropMessage { message });
                } else {
                    if network.chance(profile.duplicate_rate) {
                        befall(Fault::DuplicateMessage { message });
                    }
                    if network.chance(profile.reorder_rate) {
                        befall(Fault::DelayMessage {
                            message,
                            delay_ms: network.range(200, 5_000),
                        });
                    }
                }
            }
            Mode::Scripted { messages, .. } => {
                for fault in messages.remove(&message).into_iter().flatten() {
                    befall(fault);
                }
            }
        }
        fate
    }

    /// The fault (if any) for activity attempt number `attempt` (inline
    /// for the same reason as [`FaultSource::message_fate`]).
    #[inline]
    pub fn activity_fault(&mut self, now: SimTime, attempt: u64) -> Option<ActivityFault> {
        if self.healed(now) {
            return None;
        }
        self.activity_fault_before_heal(now, attempt)
    }

    fn activity_fault_before_heal(&mut self, now: SimTime, attempt: u64) -> Option<ActivityFault> {
        let kind = match &mut self.mode {
            Mode::Drawn {
                profile, behaviour, ..
            } => {
                let p = [
                    (profile.activity_fail_rate, ActivityFault::Fail),
                    (
                        profile.activity_non_retryable_rate,
                        ActivityFault::FailNonRetryable,
                    ),
                    (profile.activity_slow_rate, ActivityFault::Slow),
                    (
                        profile.activity_heartbeat_loss_rate,
                        ActivityFault::HeartbeatLoss,
                    ),
                    (profile.activity_panic_rate, ActivityFault::Panic),
                ];
                p.iter()
                    .find(|(rate, _)| behaviour.chance(*rate))
                    .map(|(_, k)| *k)
            }
            Mode::Scripted { activities, .. } => activities.remove(&attempt),
        }?;
        self.realise(now, Fault::Activity { attempt, kind });
        Some(kind)
    }

    /// Whether the workflow code of workflow task number `task` panics
    /// (inline for the same reason as [`FaultSource::message_fate`]).
    #[inline]
    pub fn workflow_panics(&mut self, now: SimTime, task: u64) -> bool {
        !self.healed(now) && self.workflow_panics_before_heal(now, task)
    }

    fn workflow_panics_before_heal(&mut self, now: SimTime, task: u64) -> bool {
        let panics = match &mut self.mode {
            Mode::Drawn {
                profile, behaviour, ..
            } => behaviour.chance(profile.workflow_panic_rate),
            Mode::Scripted { workflow_tasks, .. } => workflow_tasks.remove(&task).is_some(),
        };
        if panics {
            self.realise(now, Fault::WorkflowPanic { task });
        }
        panics
    }

    /// The faults injected so far, in order.
    pub fn realised(&self) -> &[TimedFault] {
        &self.realised
    }

    /// Counts of injected faults by kind.
    pub fn counts(&self) -> BTreeMap<&'static str, u64> {
        let mut counts = BTreeMap::new();
        for f in &self.realised {
            *counts.entry(f.fault.kind()).or_insert(0) += 1;
        }
        counts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swarm_profiles_vary_by_seed_and_some_are_quiet() {
        let profiles: Vec<_> = (0..200).map(FaultProfile::swarm).collect();
        assert!(profiles.iter().any(|p| !p.any()), "no seed without faults");
        assert!(profiles
            .iter()
            .any(|p| p.drop_rate > 0.0 && p.worker_crash_every.is_none()));
        assert!(profiles.iter().any(|p| p.service_crash_every.is_some()));
        assert_eq!(FaultProfile::swarm(9), FaultProfile::swarm(9));
    }

    #[test]
    fn no_faults_after_heal() {
        let heal = SimTime::START + Duration::from_secs(1);
        let (mut src, planned) = FaultSource::drawn(
            3,
            FaultProfile {
                drop_rate: 1.0,
                ..FaultProfile::everything()
            },
            heal,
            1,
        );
        assert!(planned.iter().all(|p| p.at < heal));
        assert!(src.message_fate(SimTime::START, 1).dropped);
        assert!(!src.message_fate(heal, 2).dropped);
    }

    #[test]
    fn a_schedule_round_trips_through_json_and_replays_its_faults() {
        let schedule = FaultSchedule {
            faults: vec![
                TimedFault {
                    at_ms: 5,
                    fault: Fault::DropMessage { message: 3 },
                },
                TimedFault {
                    at_ms: 900,
                    fault: Fault::CrashWorker {
                        worker: 1,
                        down_ms: 500,
                    },
                },
                TimedFault {
                    at_ms: 901,
                    fault: Fault::Activity {
                        attempt: 2,
                        kind: ActivityFault::Slow,
                    },
                },
            ],
        };
        let parsed = FaultSchedule::from_json(&schedule.to_json()).unwrap();
        assert_eq!(parsed, schedule);
        let (mut src, planned) = FaultSource::scripted(&parsed, SimTime::MAX);
        assert_eq!(planned.len(), 1);
        assert!(!src.message_fate(SimTime::START, 2).dropped);
        assert!(src.message_fate(SimTime::START, 3).dropped);
        assert_eq!(
            src.activity_fault(SimTime::START, 2),
            Some(ActivityFault::Slow)
        );
        assert_eq!(src.activity_fault(SimTime::START, 2), None);
    }
}
