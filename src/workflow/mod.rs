//! The workflow author's side: the [`WfContext`] API that workflow code
//! uses, the awaitables it hands out, the [`Registry`] of definitions, and
//! the library of workflows and activities that scenarios run.
//!
//! Workflow definitions are ordinary `async fn(WfContext, Payload) -> WfResult`;
//! the worker (`crate::worker`) polls them deterministically.

// `Result<_, Failure>` is the contract of activities and workflow awaitables.
#![allow(clippy::result_large_err)]

mod activity;
mod activity_context;
mod child;
mod combinators;
mod context;
pub(crate) mod core;
pub mod library;
mod names;
pub(crate) mod registry;
pub(crate) mod seq_map;
mod signal;
mod timer;

pub use activity::{ActivityBuilder, ActivityHandle, DEFAULT_START_TO_CLOSE};
pub use activity_context::ActivityContext;
pub use child::{ChildBuilder, ChildHandle, ChildResult, ChildStarted, ExternalRequest};
pub use combinators::{select, Either, Select};
pub use context::{Cancelled, WaitCondition, WfContext};
pub use core::WorkflowInfo;
pub use registry::{ActivityFn, Registry};
pub use signal::{SignalChannel, SignalReceive};
pub use timer::TimerHandle;

use crate::model::{ContinueAsNew, Failure, Payload};

/// What a workflow run returns: its result, or how it exits otherwise.
pub type WfResult = Result<Payload, WfExit>;

/// How a workflow run ends other than by completing.
#[derive(Clone, Debug, PartialEq)]
pub enum WfExit {
    /// Fails the run (FailWorkflowExecution).
    Failed(Failure),
    /// Ends the run as canceled (CancelWorkflowExecution), after a cancel request.
    Canceled,
    /// Continues as a new run (ContinueAsNewWorkflowExecution).
    ContinueAsNew(ContinueAsNew),
}

impl From<Failure> for WfExit {
    fn from(failure: Failure) -> WfExit {
        WfExit::Failed(failure)
    }
}
