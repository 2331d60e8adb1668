//! `floor`: the same `sim::Scheduler` queue driven through as many steps
//! and messages as one `two_activities` run takes, with no engine in it.
//! `sim/two_activities` divided by this is the overhead the engine adds.

mod common;

/// The allocator the `tempest` binary uses, so that figures match it.
#[global_allocator]
static ALLOCATOR: tempest::allocator::Allocator = tempest::allocator::Allocator;

use common::bare_run;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;

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
