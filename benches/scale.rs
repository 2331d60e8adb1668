//! `scale`: one world holding `TEMPEST_SCALE_EXECUTIONS` (default
//! 1,000,000) `two_activities` executions started together, driven to
//! completion. It reports wall time, executions per second, and memory
//! counted by a wrapping global allocator: the peak of live heap bytes
//! during the run, and the bytes still held per closed execution once the
//! run has ended (the Store the checkers read). One sample: it is slow.
//!
//! `cargo bench --bench scale` (set `TEMPEST_SCALE_EXECUTIONS=100000` for
//! a quicker run, `TEMPEST_SCALE_CACHE` for the workers' cache size).

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Instant;
use tempest::scenario;

/// Counts live heap bytes and their peak (the bench is single-threaded;
/// the atomics only make the static safe).
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
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Relaxed);
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size >= layout.size() {
            grew(new_size - layout.size());
        } else {
            LIVE.fetch_sub(layout.size() - new_size, Relaxed);
        }
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn mib(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn main() {
    // `cargo bench` passes `--bench` and maybe a filter; `cargo test` runs
    // benches with neither, and then this one only checks it can start.
    let args: Vec<String> = std::env::args().skip(1).collect();
    if !args.iter().any(|a| a == "--bench") {
        return;
    }
    if let Some(filter) = args.iter().find(|a| !a.starts_with('-')) {
        if !"scale/two_activities".contains(filter.as_str()) {
            return;
        }
    }
    let executions: u64 = std::env::var("TEMPEST_SCALE_EXECUTIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    // Runs each of the 8 workers keeps cached between workflow tasks. The
    // default thrashes once more than 160,000 runs are open at once (every
    // miss is a ResetStickyTaskQueue failure and a full replay), as a fleet
    // with a 20,000-run cache would; 125000 caches a million.
    let cache_capacity: u64 = std::env::var("TEMPEST_SCALE_CACHE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let registry = common::registry();
    let text = format!(
        r#"{{ "name": "scale", "workers": {{ "count": 8, "cache_capacity": {cache_capacity} }},
              "workflows": [ {{ "type": "two_activities", "count": {executions}, "input": "Alice",
              "expect": {{ "status": "Completed", "result": "Alice A B" }} }} ] }}"#
    );
    let scenario = scenario::parse(&text).expect("scale scenario parses");
    let before = LIVE.load(Relaxed);
    PEAK.store(before, Relaxed);
    let started = Instant::now();
    let result = common::run_world(&scenario, &registry, 1);
    let wall = started.elapsed().as_secs_f64();
    let peak = PEAK.load(Relaxed) - before;
    let held = LIVE.load(Relaxed) - before;
    let closed = result
        .store
        .runs()
        .filter(|r| r.close_time().is_some())
        .count() as u64;
    assert_eq!(closed, executions, "every execution closed");
    println!("scale/two_activities");
    println!("  executions          {executions}");
    println!("  worker cache        {cache_capacity} runs each, 8 workers");
    println!("  steps               {}", result.stats.steps);
    println!("  wall time           {wall:.2} s");
    println!(
        "  throughput          {:.0} executions/s",
        executions as f64 / wall
    );
    println!(
        "  peak heap           {:.1} MiB ({} bytes/execution)",
        mib(peak),
        peak as u64 / executions
    );
    println!(
        "  held after the run  {:.1} MiB ({} bytes/closed execution)",
        mib(held),
        held as u64 / executions
    );
}
