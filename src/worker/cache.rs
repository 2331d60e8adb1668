//! The sticky cache: running instances kept between workflow tasks, up to a
//! capacity, evicting the least recently used. Runs are indexed by their
//! last-use tick too, so an eviction costs O(log n) instead of a scan.

use super::run::{Run, RunInstance};
use crate::lookup::LookupMap;
use crate::model::WorkflowExecution;
use std::collections::BTreeMap;

/// Cached runs with their last-use tick.
pub(crate) struct RunCache {
    capacity: usize,
    tick: u64,
    runs: LookupMap<WorkflowExecution, (u64, Run)>,
    /// The cached runs by last-use tick (ticks are unique), oldest first.
    by_tick: BTreeMap<u64, WorkflowExecution>,
}

impl RunCache {
    /// An empty cache holding at most `capacity` runs (0: no caching).
    pub(crate) fn new(capacity: usize) -> RunCache {
        RunCache {
            capacity,
            tick: 0,
            runs: LookupMap::default(),
            by_tick: BTreeMap::new(),
        }
    }

    /// The cached run, if any, now the most recently used (it keeps its
    /// tick if it already was).
    pub(crate) fn get_mut(&mut self, execution: &WorkflowExecution) -> Option<&mut RunInstance> {
        let (tick, run) = self.runs.get_mut(execution)?;
        if *tick != self.tick {
            self.tick += 1;
            if let Some(key) = self.by_tick.remove(tick) {
                self.by_tick.insert(self.tick, key);
            }
            *tick = self.tick;
        }
        Some(run)
    }

    /// Caches `run` as the most recently used, evicting the least recently used beyond capacity.
    pub(crate) fn put(&mut self, execution: WorkflowExecution, run: Run) {
        if self.capacity == 0 {
            return;
        }
        self.tick += 1;
        if let Some((tick, _)) = self.runs.insert(execution.clone(), (self.tick, run)) {
            self.by_tick.remove(&tick);
        }
        self.by_tick.insert(self.tick, execution);
        while self.runs.len() > self.capacity {
            match self.by_tick.pop_first() {
                Some((_, oldest)) => self.runs.remove(&oldest),
                None => break,
            };
        }
    }

    /// Drops the cached run, if any.
    pub(crate) fn evict(&mut self, execution: &WorkflowExecution) {
        if let Some((tick, _)) = self.runs.remove(execution) {
            self.by_tick.remove(&tick);
        }
    }

    /// How many runs are cached.
    pub(crate) fn len(&self) -> usize {
        self.runs.len()
    }
}
