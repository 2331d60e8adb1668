//! `floor`: the same `sim::Scheduler` queue driven through as many steps
//! and messages as one `two_activities` run takes, with no engine in it.
//! `sim/two_activities` divided by this is the overhead the engine adds.

mod common;

/// The allocator the `tempest` binary uses, so that figures match it.
#[global_allocator]
static ALLOCATOR: tempest::allocator::Allocator = tempest::allocator::Allocator;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;
use tempest::model::{millis, SimTime};
use tempest::sim::Scheduler;

/// A step of the bare loop: a message carries a boxed body, as the
/// world's `Step::Deliver` does.
enum Step {
    Deliver(Box<[u64; 8]>),
    Wake(u64),
}

/// One execution's worth of scheduling: `steps` pops, `messages` of them
/// deliveries, each step queueing the next one.
fn bare_run(seed: u64, steps: u64, messages: u64) -> u64 {
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

fn floor(c: &mut Criterion) {
    tempest::allocator::keep_freed_memory();
    let registry = common::registry();
    let stats = common::run_world(&common::bundled("two_activities"), &registry, 1).stats;
    let mut group = c.benchmark_group("floor");
    group.throughput(Throughput::Elements(1));
    let mut seed = 0u64;
    group.bench_function("two_activities", |b| {
        b.iter(|| {
            seed += 1;
            black_box(bare_run(seed, stats.steps, stats.messages))
        })
    });
    group.finish();
}

criterion_group!(benches, floor);
criterion_main!(benches);
