//! Retry policies with Temporal's defaults, and the retry decision the Service
//! makes after a failed attempt.

use super::{Duration, Failure, SimTime};
use serde::{Deserialize, Serialize};

/// Why retrying stopped, or that it goes on (`temporal.api.enums.v1.RetryState`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum RetryState {
    /// Not set.
    Unspecified,
    /// Another attempt is scheduled.
    InProgress,
    /// The failure was non-retryable (flag or listed type).
    NonRetryableFailure,
    /// The next attempt could not start before the overall deadline.
    Timeout,
    /// `maximum_attempts` was reached.
    MaximumAttemptsReached,
    /// No retry policy applies.
    RetryPolicyNotSet,
    /// An internal error stopped retries.
    InternalServerError,
    /// Cancellation was requested.
    CancelRequested,
}

impl RetryState {
    /// Temporal's enum name, e.g. `RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED`.
    pub fn proto_name(self) -> &'static str {
        match self {
            RetryState::Unspecified => "RETRY_STATE_UNSPECIFIED",
            RetryState::InProgress => "RETRY_STATE_IN_PROGRESS",
            RetryState::NonRetryableFailure => "RETRY_STATE_NON_RETRYABLE_FAILURE",
            RetryState::Timeout => "RETRY_STATE_TIMEOUT",
            RetryState::MaximumAttemptsReached => "RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED",
            RetryState::RetryPolicyNotSet => "RETRY_STATE_RETRY_POLICY_NOT_SET",
            RetryState::InternalServerError => "RETRY_STATE_INTERNAL_SERVER_ERROR",
            RetryState::CancelRequested => "RETRY_STATE_CANCEL_REQUESTED",
        }
    }
}

/// How an activity or workflow is retried (`temporal.api.common.v1.RetryPolicy`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RetryPolicy {
    /// Wait before the second attempt. Default 1 s.
    #[serde(with = "crate::model::serde_duration")]
    pub initial_interval: Duration,
    /// Growth of the wait per attempt. Default 2.0.
    pub backoff_coefficient: f64,
    /// Cap on the wait; `None` means 100 × `initial_interval`.
    #[serde(with = "crate::model::serde_opt_duration")]
    pub maximum_interval: Option<Duration>,
    /// Total attempts allowed; 0 means unlimited.
    pub maximum_attempts: u32,
    /// Application failure types that stop retries.
    pub non_retryable_error_types: Vec<String>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            initial_interval: Duration::from_secs(1),
            backoff_coefficient: 2.0,
            maximum_interval: None,
            maximum_attempts: 0,
            non_retryable_error_types: Vec::new(),
        }
    }
}

/// What to do after a failed attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetryDecision {
    /// Start attempt `attempt + 1` after this wait.
    Retry(Duration),
    /// Stop; the failure is final for this reason.
    Stop(RetryState),
}

impl RetryPolicy {
    /// A policy that never retries (one attempt).
    pub fn no_retries() -> RetryPolicy {
        RetryPolicy { maximum_attempts: 1, ..RetryPolicy::default() }
    }

    /// The cap on the wait between attempts.
    pub fn effective_maximum_interval(&self) -> Duration {
        self.maximum_interval.unwrap_or(self.initial_interval * 100)
    }

    /// The wait before attempt `attempt + 1`, after attempt `attempt` (1-based)
    /// failed: `min(initial × coefficient^(attempt-1), maximum)`.
    pub fn backoff_after(&self, attempt: u32) -> Duration {
        let max = self.effective_maximum_interval();
        let factor = self.backoff_coefficient.max(1.0).powi(attempt.saturating_sub(1).min(1000) as i32);
        let nanos = self.initial_interval.as_nanos() as f64 * factor;
        if !nanos.is_finite() || nanos >= max.as_nanos() as f64 {
            max
        } else {
            Duration::from_nanos(nanos as u64)
        }
    }

    /// Decides whether attempt `attempt` (1-based), which failed with
    /// `failure` at `now`, is retried, given an optional overall `deadline`
    /// (schedule-to-close or the execution's expiration).
    pub fn decide(&self, attempt: u32, failure: &Failure, now: SimTime, deadline: Option<SimTime>) -> RetryDecision {
        if failure.is_non_retryable() {
            return RetryDecision::Stop(RetryState::NonRetryableFailure);
        }
        if let Some(t) = failure.application_type() {
            if self.non_retryable_error_types.iter().any(|n| n == t) {
                return RetryDecision::Stop(RetryState::NonRetryableFailure);
            }
        }
        if self.maximum_attempts != 0 && attempt >= self.maximum_attempts {
            return RetryDecision::Stop(RetryState::MaximumAttemptsReached);
        }
        let wait = self.backoff_after(attempt);
        if let Some(deadline) = deadline {
            if now + wait >= deadline {
                return RetryDecision::Stop(RetryState::Timeout);
            }
        }
        RetryDecision::Retry(wait)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_backoff_doubles_up_to_one_hundred_times_initial() {
        let p = RetryPolicy::default();
        assert_eq!(p.backoff_after(1), Duration::from_secs(1));
        assert_eq!(p.backoff_after(2), Duration::from_secs(2));
        assert_eq!(p.backoff_after(3), Duration::from_secs(4));
        assert_eq!(p.backoff_after(8), Duration::from_secs(100));
        assert_eq!(p.backoff_after(500), Duration::from_secs(100));
    }

    #[test]
    fn maximum_attempts_stops() {
        let p = RetryPolicy { maximum_attempts: 3, ..Default::default() };
        let f = Failure::application("Boom", "x");
        assert!(matches!(p.decide(2, &f, SimTime::ZERO, None), RetryDecision::Retry(_)));
        assert_eq!(p.decide(3, &f, SimTime::ZERO, None), RetryDecision::Stop(RetryState::MaximumAttemptsReached));
    }

    #[test]
    fn listed_and_flagged_failures_are_not_retried() {
        let p = RetryPolicy { non_retryable_error_types: vec!["Fatal".into()], ..Default::default() };
        let listed = Failure::application("Fatal", "x");
        let flagged = Failure::non_retryable("Other", "x");
        assert_eq!(p.decide(1, &listed, SimTime::ZERO, None), RetryDecision::Stop(RetryState::NonRetryableFailure));
        assert_eq!(p.decide(1, &flagged, SimTime::ZERO, None), RetryDecision::Stop(RetryState::NonRetryableFailure));
    }

    #[test]
    fn deadline_stops_retries() {
        let p = RetryPolicy::default();
        let f = Failure::application("Boom", "x");
        let deadline = SimTime::ZERO + Duration::from_millis(500);
        assert_eq!(p.decide(1, &f, SimTime::ZERO, Some(deadline)), RetryDecision::Stop(RetryState::Timeout));
    }
}
