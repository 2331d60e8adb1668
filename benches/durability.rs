//! `durability`: wall time of one workflow that sleeps one simulated year,
//! end to end (world run and checks).

mod common;

/// The allocator the `tempest` binary uses, so that figures match it.
#[global_allocator]
static ALLOCATOR: tempest::allocator::Allocator = tempest::allocator::Allocator;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use tempest::scenario;

fn durability(c: &mut Criterion) {
    tempest::allocator::keep_freed_memory();
    let registry = common::registry();
    let scenario = scenario::parse(
        r#"{ "name": "one_year", "workflows": [ { "type": "sleep_for", "input": "365d",
             "expect": { "status": "Completed", "result": "365d" } } ], "liveness_bound": "400d" }"#,
    )
    .expect("scenario parses");
    let mut group = c.benchmark_group("durability");
    group.throughput(Throughput::Elements(1));
    let mut seed = 0u64;
    group.bench_function("one_year_sleep", |b| {
        b.iter(|| {
            seed += 1;
            common::run_checked(&scenario, &registry, seed)
        })
    });
    group.finish();
}

criterion_group!(benches, durability);
criterion_main!(benches);
