//! `ratio`: `sim/two_activities` against `floor`, measured in pairs in one
//! process. Each pair times a batch of executions (as `sim/two_activities`
//! runs them: checks and replay included) and right after it a batch of the
//! bare loop (as `floor` runs it); the median of the per-pair ratios is
//! printed with its quartiles. A shared machine's speed drifts by tens of
//! percent from minute to minute, which two separate criterion benches see
//! at different moments; a pair sees it alike on both sides. Not a
//! criterion bench: it reports a ratio, not a rate.
//!
//! `cargo bench --bench ratio` (`TEMPEST_RATIO_PAIRS`, default 200, sets
//! how many pairs; each takes about 12 ms).

mod common;

/// The allocator the `tempest` binary uses, so that figures match it.
#[global_allocator]
static ALLOCATOR: tempest::allocator::Allocator = tempest::allocator::Allocator;

use common::bare_run;
use std::hint::black_box;
use std::time::Instant;

/// Executions per batch on the `sim` side (about 6 ms).
const SIM_BATCH: u64 = 1_000;
/// Bare-loop iterations per batch on the `floor` side (about 6 ms).
const FLOOR_BATCH: u64 = 10_000;

fn main() {
    tempest::allocator::keep_freed_memory();
    tempest::worker::quiet_panics();
    let pairs: usize = std::env::var("TEMPEST_RATIO_PAIRS")
        .ok()
        .and_then(|text| text.parse().ok())
        .filter(|&pairs| pairs > 0)
        .unwrap_or(200);
    let registry = common::registry();
    let scenario = common::bundled("two_activities");
    let stats = common::run_world(&scenario, &registry, 1).stats;
    let (mut seed, mut floor_seed) = (0u64, 0u64);
    let mut ratios = Vec::with_capacity(pairs);
    let mut sims = Vec::with_capacity(pairs);
    let mut floors = Vec::with_capacity(pairs);
    for _ in 0..pairs {
        let start = Instant::now();
        for _ in 0..SIM_BATCH {
            seed += 1;
            black_box(common::run_checked(&scenario, &registry, seed));
        }
        let sim = start.elapsed().as_secs_f64() / SIM_BATCH as f64;
        let start = Instant::now();
        for _ in 0..FLOOR_BATCH {
            floor_seed += 1;
            black_box(bare_run(floor_seed, stats.steps, stats.messages));
        }
        let floor = start.elapsed().as_secs_f64() / FLOOR_BATCH as f64;
        ratios.push(sim / floor);
        sims.push(sim);
        floors.push(floor);
    }
    let ratio = Quartiles::of(ratios);
    let (sim, floor) = (Quartiles::of(sims), Quartiles::of(floors));
    println!(
        "ratio/two_activities: sim/floor median {:.2}x (quartiles {:.2}-{:.2}x) over {pairs} pairs; \
         sim median {:.3} µs, floor median {:.1} ns",
        ratio.median,
        ratio.lower,
        ratio.upper,
        sim.median * 1e6,
        floor.median * 1e9
    );
}

/// The median and quartiles of some measurements.
struct Quartiles {
    lower: f64,
    median: f64,
    upper: f64,
}

impl Quartiles {
    fn of(mut values: Vec<f64>) -> Quartiles {
        values.sort_by(f64::total_cmp);
        let at = |fraction: f64| values[((values.len() - 1) as f64 * fraction).round() as usize];
        Quartiles {
            lower: at(0.25),
            median: at(0.5),
            upper: at(0.75),
        }
    }
}
