//! The worker side: answering workflow tasks with a sticky cache of running
//! instances and a deterministic executor (single-threaded, no-op waker),
//! replay of recorded histories with nondeterminism detection, and running
//! activity attempts.
//!
//! Map: `workflow_worker` answers tasks using `cache` and `run` (one
//! instance's walk over history), which uses `activation` (jobs, polling)
//! and `machines/` (one state machine per command kind); `replay` is the
//! same walk over a whole recorded history; `activity` runs attempts;
//! `panics` keeps user panics from crashing the harness.

// `Result<_, Failure>` is the contract of activities and workflow awaitables.
#![allow(clippy::result_large_err)]

mod activation;
mod activity;
mod cache;
mod machines;
mod panics;
mod replay;
mod run;
mod workflow_worker;

pub use activity::{execute_activity, ActivityOutcome};
pub use panics::quiet_panics;
pub use replay::{replay, replay_execution, ReplayError, ReplayOutcome};
pub(crate) use replay::{replay_execution_with, replay_prefix_then_whole_with};
pub use workflow_worker::WorkflowWorker;
