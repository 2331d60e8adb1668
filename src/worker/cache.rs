//! The sticky cache: running instances kept between workflow tasks, up to a
//! capacity, evicting the least recently used. Once the cache has been
//! full, runs are indexed by their last-use tick too, so an eviction costs
//! O(log n) instead of a scan; until then no eviction is needed, and
//! neither is the index. A worker mostly holds a few runs: they are found
//! by comparing executions (the same names, mostly: a pointer comparison)
//! until there are many, then by hash.

use super::run::{Run, RunInstance};
use crate::lookup::SmallMap;
use crate::model::WorkflowExecution;
use std::collections::BTreeMap;

/// Cached runs with their last-use tick.
pub(crate) struct RunCache {
    capacity: usize,
    tick: u64,
    runs: SmallMap<WorkflowExecution, (u64, Run)>,
    /// The cached runs by last-use tick (ticks are unique), oldest first;
    /// `None` until the cache first holds more than its capacity.
    by_tick: Option<BTreeMap<u64, WorkflowExecution>>,
}

impl RunCache {
    /// An empty cache holding at most `capacity` runs (0: no caching).
    pub(crate) fn new(capacity: usize) -> RunCache {
        RunCache {
            capacity,
            tick: 0,
            runs: SmallMap::default(),
            by_tick: None,
        }
    }

    /// The cached run, if any, now the most recently used (it keeps its
    /// tick if it already was).
    pub(crate) fn get_mut(&mut self, execution: &WorkflowExecution) -> Option<&mut RunInstance> {
        let (tick, run) = self.runs.get_mut(execution)?;
        if *tick != self.tick {
            self.tick += 1;
            if let Some(by_tick) = &mut self.by_tick {
                if let Some(key) = by_tick.remove(tick) {
                    by_tick.insert(self.tick, key);
                }
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
        match &mut self.by_tick {
            None => {
                self.runs.insert(execution, (self.tick, run));
            }
            Some(by_tick) => {
                if let Some((tick, _)) = self.runs.insert(execution.clone(), (self.tick, run)) {
                    by_tick.remove(&tick);
                }
                by_tick.insert(self.tick, execution);
            }
        }
        if self.runs.len() > self.capacity {
            let runs = &mut self.runs;
            let by_tick = self.by_tick.get_or_insert_with(|| {
                runs.iter()
                    .map(|(execution, (tick, _))| (*tick, execution.clone()))
                    .collect()
            });
            while runs.len() > self.capacity {
                match by_tick.pop_first() {
                    Some((_, oldest)) => runs.remove(&oldest),
                    None => break,
                };
            }
        }
    }

    /// Drops the cached run, if any.
    pub(crate) fn evict(&mut self, execution: &WorkflowExecution) {
        if let Some((tick, _)) = self.runs.remove(execution) {
            if let Some(by_tick) = &mut self.by_tick {
                by_tick.remove(&tick);
            }
        }
    }

    /// How many runs are cached.
    pub(crate) fn len(&self) -> usize {
        self.runs.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::fixtures::{event, started};
    use crate::model::{Payload, RunId, WorkflowId};
    use crate::workflow::{Registry, WfContext};

    fn execution(n: u64) -> WorkflowExecution {
        WorkflowExecution {
            workflow_id: WorkflowId::new("wf"),
            run_id: RunId::new(format!("run-{n}")),
        }
    }

    /// The cache against a list of executions, most recently used last,
    /// through a deterministic mix of puts, uses and evictions that fills
    /// it (building the tick index) and goes on well after.
    #[test]
    fn evicts_the_least_recently_used_before_and_after_its_index_is_built() {
        let mut registry = Registry::new();
        registry.register_workflow("Greet", |_: WfContext, _| async { Ok(Payload::null()) });
        let first = event(1, 0, started());
        let mut cache = RunCache::new(3);
        let mut model: Vec<WorkflowExecution> = Vec::new();
        let mut state = 7u64;
        for _ in 0..500 {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            let target = execution((state >> 33) % 6);
            match (state >> 40) % 3 {
                0 => {
                    cache.put(target.clone(), Run::new(&registry, &first, None).unwrap());
                    model.retain(|e| *e != target);
                    model.push(target);
                    if model.len() > 3 {
                        model.remove(0);
                    }
                }
                1 => {
                    let found = cache.get_mut(&target).is_some();
                    assert_eq!(found, model.contains(&target));
                    if found {
                        model.retain(|e| *e != target);
                        model.push(target);
                    }
                }
                _ => {
                    cache.evict(&target);
                    model.retain(|e| *e != target);
                }
            }
            assert_eq!(cache.len(), model.len());
        }
        assert!(cache.by_tick.is_some(), "the cache filled up at some point");
    }
}
