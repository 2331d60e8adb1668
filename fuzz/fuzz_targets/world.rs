//! The whole world from arbitrary bytes: a small scenario (1–5 groups of
//! library workflows with valid inputs, at most 5 executions each) and a
//! scripted fault schedule of a few faults run with every checker. With no
//! sabotage on, any violation is a finding: the target panics with the
//! scenario, the schedule and the command that reproduces the run.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};
use std::rc::Rc;
use tempest::scenario::{self, runner};
use tempest::sim::{ActivityFault, Fault, FaultSchedule, RunOptions, TimedFault};
use tempest::workflow::Registry;

/// A library workflow with a valid input.
#[derive(Arbitrary, Debug)]
enum Kind {
    TwoActivities,
    SignalCounter {
        signals: u8,
    },
    SleepFor {
        secs: u8,
    },
    Saga {
        steps: u8,
        fail_at: Option<u8>,
    },
    Cancellable {
        iterations: u8,
        end: u8,
        after_secs: u8,
    },
    Flaky {
        succeed_on_attempt: u8,
    },
    ParentChildren {
        children: u8,
    },
    PingPong {
        rounds: u8,
    },
}

#[derive(Arbitrary, Debug)]
struct Group {
    kind: Kind,
    count: u8,
    start_at_secs: u8,
}

/// One scripted fault; times are seconds after the start.
#[derive(Arbitrary, Debug)]
enum ArbFault {
    Drop {
        message: u16,
    },
    Duplicate {
        message: u16,
    },
    Delay {
        message: u16,
        delay_secs: u8,
    },
    Partition {
        at_secs: u16,
        node: u8,
        for_secs: u8,
    },
    CrashWorker {
        at_secs: u16,
        worker: u8,
        down_secs: u8,
    },
    CrashService {
        at_secs: u16,
        down_secs: u8,
        after_commit: bool,
    },
    Activity {
        attempt: u8,
        kind: u8,
    },
    WorkflowPanic {
        task: u8,
    },
}

#[derive(Arbitrary, Debug)]
struct Input {
    groups: Vec<Group>,
    workers: u8,
    faults: Vec<ArbFault>,
    seed: u64,
}

impl Kind {
    fn fields(&self) -> Value {
        match *self {
            Kind::TwoActivities => json!({ "type": "two_activities", "input": "Ann" }),
            Kind::SignalCounter { signals } => {
                let n = 1 + signals % 4;
                json!({ "type": "signal_counter", "input": { "signals": n },
                        "signals": [{ "name": "increment", "input": 1, "count": n,
                                      "after": "1s", "spread": "10s" }],
                        "expect": { "status": "Completed", "result": n } })
            }
            Kind::SleepFor { secs } => json!({ "type": "sleep_for",
                "input": format!("{}s", 1 + secs as u32) }),
            Kind::Saga { steps, fail_at } => {
                let steps = 1 + steps % 4;
                match fail_at.map(|i| i % steps) {
                    Some(i) => json!({ "type": "saga", "input": { "steps": steps, "fail_at": i },
                                       "expect": { "status": "Failed" } }),
                    None => json!({ "type": "saga", "input": { "steps": steps },
                                    "expect": { "status": "Completed" } }),
                }
            }
            Kind::Cancellable {
                iterations,
                end,
                after_secs,
            } => {
                let mut g = json!({ "type": "cancellable",
                                    "input": { "iterations": 1 + iterations % 20 } });
                let after = format!("{}s", after_secs % 30);
                match end % 3 {
                    0 => {}
                    1 => g["cancel_after"] = json!(after),
                    _ => g["terminate_after"] = json!(after),
                }
                g
            }
            Kind::Flaky { succeed_on_attempt } => json!({ "type": "call_activity",
                "input": { "activity": "flaky",
                           "input": { "succeed_on_attempt": 1 + succeed_on_attempt % 3,
                                      "value": "ok" } } }),
            Kind::ParentChildren { children } => json!({ "type": "parent_children",
                "input": { "children": 1 + children % 3 } }),
            Kind::PingPong { rounds } => json!({ "type": "ping_pong",
                "input": { "rounds": 1 + rounds % 3 } }),
        }
    }
}

impl ArbFault {
    fn timed(&self, workers: u8) -> TimedFault {
        let secs = |s: u16| s as u64 % 600 * 1000;
        let (at_ms, fault) = match *self {
            ArbFault::Drop { message } => (
                0,
                Fault::DropMessage {
                    message: message as u64,
                },
            ),
            ArbFault::Duplicate { message } => (
                0,
                Fault::DuplicateMessage {
                    message: message as u64,
                },
            ),
            ArbFault::Delay {
                message,
                delay_secs,
            } => (
                0,
                Fault::DelayMessage {
                    message: message as u64,
                    delay_ms: 1000 * (1 + delay_secs as u64 % 60),
                },
            ),
            ArbFault::Partition {
                at_secs,
                node,
                for_secs,
            } => {
                let node = match node % (workers + 2) {
                    0 => "service".to_string(),
                    1 => "client".to_string(),
                    w => format!("worker-{}", w - 2),
                };
                let duration_ms = 1000 * (1 + for_secs as u64 % 60);
                (secs(at_secs), Fault::Partition { node, duration_ms })
            }
            ArbFault::CrashWorker {
                at_secs,
                worker,
                down_secs,
            } => (
                secs(at_secs),
                Fault::CrashWorker {
                    worker: (worker % workers) as u32,
                    down_ms: 1000 * (1 + down_secs as u64 % 30),
                },
            ),
            ArbFault::CrashService {
                at_secs,
                down_secs,
                after_commit,
            } => (
                secs(at_secs),
                Fault::CrashService {
                    down_ms: 1000 * (1 + down_secs as u64 % 30),
                    after_commit,
                },
            ),
            ArbFault::Activity { attempt, kind } => {
                let kind = match kind % 5 {
                    0 => ActivityFault::Fail,
                    1 => ActivityFault::FailNonRetryable,
                    2 => ActivityFault::Slow,
                    3 => ActivityFault::HeartbeatLoss,
                    _ => ActivityFault::Panic,
                };
                (
                    0,
                    Fault::Activity {
                        attempt: 1 + attempt as u64,
                        kind,
                    },
                )
            }
            ArbFault::WorkflowPanic { task } => (
                0,
                Fault::WorkflowPanic {
                    task: 1 + task as u64,
                },
            ),
        };
        TimedFault { at_ms, fault }
    }

    /// A non-retryable activity failure legitimately changes an outcome.
    fn changes_outcomes(&self) -> bool {
        matches!(self, ArbFault::Activity { kind, .. } if kind % 5 == 1)
    }
}

fuzz_target!(|input: Input| {
    if input.groups.is_empty() {
        return;
    }
    tempest::worker::quiet_panics();
    let workers = 1 + input.workers % 3;
    let faults: Vec<&ArbFault> = input.faults.iter().take(8).collect();
    let keep_expectations = !faults.iter().any(|f| f.changes_outcomes());
    let groups: Vec<Value> = input
        .groups
        .iter()
        .take(5)
        .enumerate()
        .map(|(i, g)| {
            let mut group = g.kind.fields();
            if !keep_expectations {
                group.as_object_mut().unwrap().remove("expect");
            }
            let prefix = format!("g{i}-{}", group["type"].as_str().unwrap());
            group["id_prefix"] = json!(prefix);
            group["count"] = json!(1 + g.count % 5);
            group["start_at"] = json!(format!("{}s", g.start_at_secs % 30));
            group
        })
        .collect();
    let scenario_json = json!({
        "name": "fuzz_world",
        "workers": { "count": workers },
        "workflows": groups,
    });
    let text = serde_json::to_string_pretty(&scenario_json).unwrap();
    let scenario = scenario::parse(&text).expect("the target builds valid scenarios");
    let schedule = FaultSchedule {
        faults: faults.iter().map(|f| f.timed(workers)).collect(),
    };
    let registry = Rc::new(Registry::library());
    let options = RunOptions {
        seed: input.seed,
        fault_schedule: Some(schedule.clone()),
        keep_trace: false,
        sabotage: None,
        ..RunOptions::default()
    };
    let outcome = runner::run(&scenario, &registry, &options).expect("the world accepts it");
    if !outcome.passed() {
        panic!(
            "finding: {}\nreproduce: save the scenario as fuzz_world.json and the schedule as \
             faults.json, then run `tempest replay fuzz_world.json --seed {} --faults faults.json`\n\
             scenario:\n{text}\nschedule:\n{}\n{}",
            outcome.failure_line(),
            input.seed,
            schedule.to_json(),
            outcome.violation_report(&registry)
        );
    }
});
