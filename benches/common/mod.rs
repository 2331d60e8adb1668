//! What the benches share: bundled scenarios by name, the library registry,
//! and long histories made by a workflow that sleeps in a loop.

#![allow(dead_code)] // each bench uses part of this module

use std::path::Path;
use std::rc::Rc;
use tempest::model::{millis, secs, Event, Payload, SimTime};
use tempest::scenario::{self, runner, Scenario};
use tempest::sim::{RunOptions, RunResult, Scheduler, World};
use tempest::workflow::{Registry, WfContext, WfResult};

/// A bundled scenario from `scenarios/`, by name.
pub fn bundled(name: &str) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(format!("{name}.json"));
    scenario::load(&path).unwrap_or_else(|e| panic!("scenario {name}: {e}"))
}

/// The library registry plus `timer_loop`, the long-history workflow.
pub fn registry() -> Rc<Registry> {
    let mut registry = Registry::library();
    registry.register_workflow("timer_loop", timer_loop);
    Rc::new(registry)
}

/// Sleeps one second `input` times: five events per iteration
/// (workflow task scheduled, started, completed; timer started, fired).
async fn timer_loop(ctx: WfContext, input: Payload) -> WfResult {
    let iterations = input.value().as_i64().unwrap_or(0);
    for _ in 0..iterations {
        ctx.sleep(secs(1)).await?;
    }
    Ok(Payload::from(iterations))
}

/// Runs one seed of `scenario` as the `sim` benches time it: checks and
/// replay included; the run must pass.
pub fn run_checked(scenario: &Scenario, registry: &Rc<Registry>, seed: u64) -> runner::Outcome {
    let options = RunOptions {
        seed,
        ..RunOptions::default()
    };
    let outcome = runner::run(scenario, registry, &options).expect("runs");
    assert!(outcome.passed());
    outcome
}

/// Runs one seed of `scenario` with no checks.
pub fn run_world(scenario: &Scenario, registry: &Rc<Registry>, seed: u64) -> RunResult {
    let options = RunOptions {
        seed,
        ..RunOptions::default()
    };
    World::new(scenario, registry, &options)
        .expect("scenario builds")
        .run()
}

/// A closed history of at least `events` events, made by running
/// `timer_loop` in the world, cut to exactly `events` events.
pub fn long_history(registry: &Rc<Registry>, events: usize) -> Vec<Event> {
    let iterations = events / 5 + 1;
    let text = format!(
        r#"{{ "name": "long_history", "workflows": [ {{ "type": "timer_loop", "input": {iterations},
              "expect": {{ "status": "Completed" }} }} ], "liveness_bound": "3650d" }}"#
    );
    let scenario = scenario::parse(&text).expect("long-history scenario parses");
    let result = run_world(&scenario, registry, 1);
    let run = result.store.runs().next().expect("one run");
    assert!(run.history().len() >= events, "history too short");
    run.history()[..events].to_vec()
}

/// A step of the bare loop: a message carries a boxed body, as the
/// world's `Step::Deliver` does.
enum Step {
    Deliver(Box<[u64; 8]>),
    Wake(u64),
}

/// One execution's worth of scheduling: `steps` pops, `messages` of them
/// deliveries, each step queueing the next one.
pub fn bare_run(seed: u64, steps: u64, messages: u64) -> u64 {
    let mut scheduler = Scheduler::new(seed);
    let mut sum = 0u64;
    scheduler.at(SimTime::START, Step::Wake(0));
    let mut sent = 0u64;
    let mut taken = 0u64;
    while let Some(step) = scheduler.pop() {
        taken += 1;
        sum = sum.wrapping_add(match step {
            Step::Deliver(body) => body[0],
            Step::Wake(n) => n,
        });
        if taken == steps {
            break;
        }
        if sent < messages {
            sent += 1;
            scheduler.after(millis(1), Step::Deliver(Box::new([sent; 8])));
        } else {
            scheduler.after(millis(1), Step::Wake(taken));
        }
    }
    sum
}
