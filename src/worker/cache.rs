//! The sticky cache: running instances kept between workflow tasks, up to a
//! capacity, evicting the least recently used.

use super::run::RunInstance;
use crate::model::WorkflowExecution;
use std::collections::BTreeMap;

/// Cached runs with their last-use tick.
pub(crate) struct RunCache {
    capacity: usize,
    tick: u64,
    runs: BTreeMap<WorkflowExecution, (u64, RunInstance)>,
}

impl RunCache {
    /// An empty cache holding at most `capacity` runs (0: no caching).
    pub(crate) fn new(capacity: usize) -> RunCache {
        RunCache {
            capacity,
            tick: 0,
            runs: BTreeMap::new(),
        }
    }

    /// Removes and returns the cached run, if any.
    pub(crate) fn take(&mut self, execution: &WorkflowExecution) -> Option<RunInstance> {
        self.runs.remove(execution).map(|(_, run)| run)
    }

    /// Caches `run` as the most recently used, evicting the least recently used beyond capacity.
    pub(crate) fn put(&mut self, execution: WorkflowExecution, run: RunInstance) {
        if self.capacity == 0 {
            return;
        }
        self.tick += 1;
        self.runs.insert(execution, (self.tick, run));
        while self.runs.len() > self.capacity {
            let oldest = self
                .runs
                .iter()
                .min_by_key(|(_, (tick, _))| *tick)
                .map(|(e, _)| e.clone());
            match oldest {
                Some(execution) => self.runs.remove(&execution),
                None => break,
            };
        }
    }

    /// Drops the cached run, if any.
    pub(crate) fn evict(&mut self, execution: &WorkflowExecution) {
        self.runs.remove(execution);
    }

    /// How many runs are cached.
    pub(crate) fn len(&self) -> usize {
        self.runs.len()
    }
}
