//! `replay`: events per second replaying long closed histories (1,000 and
//! 50,000 events, made by a workflow sleeping in a loop) against their code.

mod common;

/// The allocator the `tempest` binary uses, so that figures match it.
#[global_allocator]
static ALLOCATOR: tempest::allocator::Allocator = tempest::allocator::Allocator;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use tempest::worker::replay;

fn replay_bench(c: &mut Criterion) {
    tempest::allocator::keep_freed_memory();
    let registry = common::registry();
    let mut group = c.benchmark_group("replay");
    for events in [1_000usize, 50_000] {
        let history = common::long_history(&registry, events);
        group.throughput(Throughput::Elements(events as u64));
        if events > 10_000 {
            group.sample_size(20);
        }
        group.bench_with_input(BenchmarkId::from_parameter(events), &history, |b, h| {
            b.iter(|| replay(&registry, h).expect("replays"))
        });
    }
    group.finish();
}

criterion_group!(benches, replay_bench);
criterion_main!(benches);
