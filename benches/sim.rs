//! `sim`: whole simulated runs per second, checks included.
//! `sim/two_activities` — one execution of the documented workflow per
//! iteration (Service, Worker, network, end-of-run checks with replay, no
//! faults); `sim/chaos_mix` — one seed of `chaos_mix` with every fault on.

mod common;

/// The allocator the `tempest` binary uses, so that figures match it.
#[global_allocator]
static ALLOCATOR: tempest::allocator::Allocator = tempest::allocator::Allocator;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use tempest::scenario::runner;
use tempest::sim::RunOptions;

fn sim(c: &mut Criterion) {
    tempest::allocator::keep_freed_memory();
    let registry = common::registry();
    tempest::worker::quiet_panics();
    let mut group = c.benchmark_group("sim");

    let two = common::bundled("two_activities");
    group.throughput(Throughput::Elements(two.execution_count()));
    let mut seed = 0u64;
    group.bench_function("two_activities", |b| {
        b.iter(|| {
            seed += 1;
            common::run_checked(&two, &registry, seed)
        })
    });

    let chaos = common::bundled("chaos_mix");
    group.throughput(Throughput::Elements(1));
    group.sample_size(10);
    let mut seed = 0u64;
    group.bench_function("chaos_mix", |b| {
        b.iter(|| {
            seed += 1;
            let options = RunOptions {
                seed,
                ..RunOptions::default()
            };
            runner::run(&chaos, &registry, &options).expect("runs")
        })
    });
    group.finish();
}

criterion_group!(benches, sim);
criterion_main!(benches);
