//! `check`: events per second through the history-shape invariants
//! (`check_history`) over long closed histories.

mod common;

/// The allocator the `tempest` binary uses, so that figures match it.
#[global_allocator]
static ALLOCATOR: tempest::allocator::Allocator = tempest::allocator::Allocator;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use tempest::check::check_history;

fn check(c: &mut Criterion) {
    tempest::allocator::keep_freed_memory();
    let registry = common::registry();
    let mut group = c.benchmark_group("check");
    for events in [1_000usize, 50_000] {
        let history = common::long_history(&registry, events);
        assert!(check_history(&history).is_empty(), "the history is clean");
        group.throughput(Throughput::Elements(events as u64));
        group.bench_with_input(BenchmarkId::from_parameter(events), &history, |b, h| {
            b.iter(|| check_history(h))
        });
    }
    group.finish();
}

criterion_group!(benches, check);
criterion_main!(benches);
