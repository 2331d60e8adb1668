//! A hook for judging a run while it happens: the world tells an observer
//! about every run a Service step committed, right after the step, with the
//! simulated time. The checkers implement it (`check::OnlineChecker`); the
//! world itself judges nothing.

use crate::model::SimTime;
use crate::service::RunRecord;

/// Sees each run a Service step committed, right after the step.
pub trait CommitObserver {
    /// `run` was committed at `now` by the world's step number `step`.
    fn committed(&mut self, now: SimTime, step: u64, run: &RunRecord);
}
