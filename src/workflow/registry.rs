//! The registry of workflow and activity definitions a worker can run,
//! looked up by their registered names.

use super::{library, ActivityContext, WfContext, WfResult};
use crate::lookup::LookupMap;
use crate::model::{Failure, Payload};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

/// The future of one workflow run, as the executor holds it.
pub(crate) type WorkflowFuture = Pin<Box<dyn Future<Output = WfResult>>>;
type WorkflowFn = Rc<dyn Fn(WfContext, Payload) -> WorkflowFuture>;
/// An activity definition: a plain function of its attempt and input.
pub type ActivityFn = fn(&ActivityContext, Payload) -> Result<Payload, Failure>;

/// Workflow and activity definitions by name. Cloning is cheap (definitions
/// are shared). Looked up once per run and per activity attempt, so by hash;
/// names are listed sorted.
#[derive(Default, Clone)]
pub struct Registry {
    workflows: LookupMap<String, WorkflowFn>,
    activities: LookupMap<String, ActivityFn>,
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
fn sorted_names<V>(map: &LookupMap<String, V>) -> Vec<&str> {
    let mut names: Vec<&str> = map.keys().map(String::as_str).collect();
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
        self.workflows.insert(name.to_owned(), boxed);
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
        self.workflows.insert(name.to_owned(), definition);
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
        self.workflows.get(name).map(|f| f(ctx, input))
    }

    /// The activity registered under `name`.
    pub(crate) fn activity(&self, name: &str) -> Option<ActivityFn> {
        self.activities.get(name).copied()
    }
}
