//! The registry of workflow and activity definitions a worker can run,
//! looked up by their registered names.

use super::{library, ActivityContext, WfContext, WfResult};
use crate::lookup::LookupMap;
use crate::model::{Failure, Payload};
use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

/// The future of one workflow run, as the executor holds it.
pub(crate) type WorkflowFuture = Pin<Box<dyn Future<Output = WfResult>>>;
type WorkflowFn = Rc<dyn Fn(WfContext, Payload) -> WorkflowFuture>;
/// An activity definition: a plain function of its attempt and input.
pub type ActivityFn = fn(&ActivityContext<'_>, Payload) -> Result<Payload, Failure>;

/// Workflow and activity definitions by name. Cloning is cheap (definitions
/// are shared). Looked up once per run and per activity attempt, so by hash;
/// names are listed sorted.
#[derive(Default, Clone)]
pub struct Registry {
    workflows: LookupMap<Rc<str>, WorkflowFn>,
    activities: LookupMap<String, ActivityFn>,
    /// The workflow last instantiated, with its name: runs mostly follow
    /// runs of the same workflow, and comparing a name costs less than
    /// hashing it. Forgotten whenever a workflow is registered.
    last_instantiated: RefCell<Option<(Rc<str>, WorkflowFn)>>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registry")
            .field("workflows", &self.workflow_names())
            .field("activities", &sorted_names(&self.activities))
            .finish()
    }
}

/// The keys of `map`, sorted.
fn sorted_names<K: AsRef<str>, V>(map: &LookupMap<K, V>) -> Vec<&str> {
    let mut names: Vec<&str> = map.keys().map(AsRef::as_ref).collect();
    names.sort_unstable();
    names
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Registry {
        Registry::default()
    }

    /// Every workflow and activity of the library (`workflow::library`).
    pub fn library() -> Registry {
        let mut registry = Registry::new();
        library::register_all(&mut registry);
        registry
    }

    /// Registers (or replaces) a workflow definition under `name`.
    pub fn register_workflow<F, Fut>(&mut self, name: &str, f: F)
    where
        F: Fn(WfContext, Payload) -> Fut + 'static,
        Fut: Future<Output = WfResult> + 'static,
    {
        let boxed: WorkflowFn = Rc::new(move |ctx, input| Box::pin(f(ctx, input)));
        self.workflows.insert(Rc::from(name), boxed);
        *self.last_instantiated.get_mut() = None;
    }

    /// Registers (or replaces) an activity definition under `name`.
    pub fn register_activity(&mut self, name: &str, f: ActivityFn) {
        self.activities.insert(name.to_owned(), f);
    }

    /// Makes `name` run the definition registered as `runs` — what a worker
    /// with changed code does after a deploy.
    pub fn alias_workflow(&mut self, name: &str, runs: &str) -> Result<(), String> {
        let definition = self
            .workflows
            .get(runs)
            .cloned()
            .ok_or_else(|| format!("unknown workflow type {runs:?}"))?;
        self.workflows.insert(Rc::from(name), definition);
        *self.last_instantiated.get_mut() = None;
        Ok(())
    }

    /// Whether a workflow is registered under `name`.
    pub fn has_workflow(&self, name: &str) -> bool {
        self.workflows.contains_key(name)
    }

    /// Whether an activity is registered under `name`.
    pub fn has_activity(&self, name: &str) -> bool {
        self.activities.contains_key(name)
    }

    /// The registered workflow names, sorted.
    pub fn workflow_names(&self) -> Vec<&str> {
        sorted_names(&self.workflows)
    }

    /// Creates the (not yet polled) future of a run of workflow `name`.
    pub(crate) fn instantiate(
        &self,
        name: &str,
        ctx: WfContext,
        input: Payload,
    ) -> Option<WorkflowFuture> {
        let definition = {
            let mut last = self.last_instantiated.borrow_mut();
            match &*last {
                Some((last_name, definition)) if **last_name == *name => definition.clone(),
                _ => {
                    let (name, definition) = self.workflows.get_key_value(name)?;
                    *last = Some((name.clone(), definition.clone()));
                    definition.clone()
                }
            }
        };
        // Not borrowed while the definition runs.
        Some(definition(ctx, input))
    }

    /// The activity registered under `name`.
    pub(crate) fn activity(&self, name: &str) -> Option<ActivityFn> {
        self.activities.get(name).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{RunId, TaskQueue, WorkflowId, WorkflowType};
    use crate::workflow::core::{RunCore, WorkflowInfo};
    use std::task::{Context, Poll, Waker};

    /// What a new run of workflow `name` returns at its first poll.
    fn first_poll(registry: &Registry, name: &str) -> Option<WfResult> {
        let info = WorkflowInfo {
            workflow_id: WorkflowId::new("w"),
            run_id: RunId::new("r"),
            workflow_type: WorkflowType::new(name),
            task_queue: TaskQueue::new("q"),
            attempt: 1,
            first_execution_run_id: RunId::new("r"),
        };
        let core = Rc::new(RefCell::new(RunCore::new(info, RunId::new("r"))));
        let mut future = registry.instantiate(name, WfContext::new(core), Payload::null())?;
        match future
            .as_mut()
            .poll(&mut Context::from_waker(Waker::noop()))
        {
            Poll::Ready(result) => Some(result),
            Poll::Pending => panic!("the test workflows return at once"),
        }
    }

    /// The definition remembered as the last instantiated is never one
    /// that a later registration or alias replaced.
    #[test]
    fn instantiates_the_definition_registered_last() {
        let mut registry = Registry::new();
        registry.register_workflow("a", |_: WfContext, _| async { Ok(Payload::from("a1")) });
        registry.register_workflow("b", |_: WfContext, _| async { Ok(Payload::from("b")) });
        assert_eq!(first_poll(&registry, "a"), Some(Ok(Payload::from("a1"))));
        assert_eq!(first_poll(&registry, "a"), Some(Ok(Payload::from("a1"))));
        assert_eq!(first_poll(&registry, "b"), Some(Ok(Payload::from("b"))));
        assert!(first_poll(&registry, "c").is_none());
        assert_eq!(first_poll(&registry, "a"), Some(Ok(Payload::from("a1"))));
        registry.register_workflow("a", |_: WfContext, _| async { Ok(Payload::from("a2")) });
        assert_eq!(first_poll(&registry, "a"), Some(Ok(Payload::from("a2"))));
        registry.alias_workflow("a", "b").unwrap();
        assert_eq!(first_poll(&registry, "a"), Some(Ok(Payload::from("b"))));
        let copy = registry.clone();
        assert_eq!(first_poll(&copy, "a"), Some(Ok(Payload::from("b"))));
        assert_eq!(registry.workflow_names(), ["a", "b"]);
    }
}
