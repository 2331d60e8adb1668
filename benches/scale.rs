//! `scale/two_activities`: one world holding `TEMPEST_SCALE_EXECUTIONS`
//! (default 1,000,000) `two_activities` executions started together,
//! driven to completion. Criterion reports the wall time per world and the
//! rate in executions per second; the first run also prints its memory,
//! counted by a wrapping global allocator: the peak of live heap bytes
//! during the run, and the bytes still held per closed execution once the
//! run has ended (the Store the checkers read). A world this big keeps
//! closed histories in the compact encoding (`HistoryCompaction::Auto`,
//! from 10,000 executions).
//!
//! `cargo bench --bench scale` runs 11 worlds (one to warm up, then
//! criterion's minimum of 10 samples of one world each): about 8 minutes
//! at 1,000,000. Set `TEMPEST_SCALE_EXECUTIONS=100000` for a one-minute run
//! and `TEMPEST_SCALE_CACHE` for the workers' cache size (default 125,000
//! runs each of 8 workers: every open run of a million fits).

mod common;

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode, Throughput};
use std::alloc::{GlobalAlloc, Layout};
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::{Duration, Instant};
use tempest::scenario::{self, Scenario};
use tempest::workflow::Registry;

/// Counts live heap bytes and their peak around the allocator the binary
/// uses (the bench is single-threaded; the atomics only make the static
/// safe).
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(size: usize) {
    let live = LIVE.fetch_add(size, Relaxed) + size;
    PEAK.fetch_max(live, Relaxed);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        tempest::allocator::Allocator.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Relaxed);
        tempest::allocator::Allocator.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size >= layout.size() {
            grew(new_size - layout.size());
        } else {
            LIVE.fetch_sub(layout.size() - new_size, Relaxed);
        }
        tempest::allocator::Allocator.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn mib(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// A whole number from the environment, or `default`.
fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Runs one world to the end; returns its wall time and what to print
/// about it.
fn run_once(scenario: &Scenario, registry: &Rc<Registry>, executions: u64) -> (Duration, String) {
    let before = LIVE.load(Relaxed);
    PEAK.store(before, Relaxed);
    let started = Instant::now();
    let result = common::run_world(scenario, registry, 1);
    let wall = started.elapsed();
    let peak = PEAK.load(Relaxed) - before;
    let held = LIVE.load(Relaxed) - before;
    let closed = result
        .store
        .runs()
        .filter(|r| r.close_time().is_some())
        .count() as u64;
    assert_eq!(closed, executions, "every execution closed");
    let report = format!(
        "steps               {}\n  \
         wall time           {:.2} s\n  \
         peak heap           {:.1} MiB ({} bytes/execution)\n  \
         held after the run  {:.1} MiB ({} bytes/closed execution)",
        result.stats.steps,
        wall.as_secs_f64(),
        mib(peak),
        peak as u64 / executions,
        mib(held),
        held as u64 / executions
    );
    (wall, report)
}

fn scale(c: &mut Criterion) {
    tempest::allocator::keep_freed_memory();
    let executions = env_number("TEMPEST_SCALE_EXECUTIONS", 1_000_000);
    // Runs each of the 8 workers keeps cached between workflow tasks. The
    // default, 125,000, lets the fleet cache every open run of a million, as
    // a fleet sized for that many open workflows would: the bench measures
    // the engine holding them, not a cache that thrashes. With
    // TEMPEST_SCALE_CACHE=20000 the runs, all advancing in lockstep, miss
    // the cache on nearly every task (a ResetStickyTaskQueue failure and a
    // full replay each; 51 steps per execution instead of 43).
    let cache_capacity = env_number("TEMPEST_SCALE_CACHE", 125_000);
    let registry = common::registry();
    let text = format!(
        r#"{{ "name": "scale", "workers": {{ "count": 8, "cache_capacity": {cache_capacity} }},
              "workflows": [ {{ "type": "two_activities", "count": {executions}, "input": "Alice",
              "expect": {{ "status": "Completed", "result": "Alice A B" }} }} ] }}"#
    );
    let scenario = scenario::parse(&text).expect("scale scenario parses");
    let mut group = c.benchmark_group("scale");
    group.throughput(Throughput::Elements(executions));
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(1));
    // Far below one world's time: criterion then takes one world per sample
    // (and says it needed longer, which is expected here).
    group.measurement_time(Duration::from_secs(1));
    let mut reported = false;
    group.bench_function("two_activities", |b| {
        b.iter_custom(|iterations| {
            let mut total = Duration::ZERO;
            for _ in 0..iterations {
                let (wall, report) = run_once(&scenario, &registry, executions);
                total += wall;
                if !reported {
                    println!(
                        "scale/two_activities: {executions} executions, \
                         worker cache {cache_capacity} runs each (8 workers), first world:\n  {report}"
                    );
                    reported = true;
                }
            }
            total
        })
    });
    group.finish();
}

criterion_group!(benches, scale);
criterion_main!(benches);
