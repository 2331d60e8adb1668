//! The scenario schema, its defaults and its validation.

use crate::model::{
    serde_duration, serde_opt_duration, Duration, RetryPolicy, WorkflowExecutionStatus,
};
use crate::sim::FaultProfile;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Most executions one scenario may start.
pub const MAX_EXECUTIONS: u64 = 2_000_000;
/// Most signals one execution may be sent (Temporal's per-run limit).
pub const MAX_SIGNALS_PER_EXECUTION: u32 = 10_000;
/// Most workers one scenario may run.
pub const MAX_WORKERS: u32 = 64;

/// A whole scenario.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Short name (the file stem by convention).
    pub name: String,
    /// What the scenario exercises.
    #[serde(default)]
    pub description: String,
    /// The workers.
    #[serde(default)]
    pub workers: WorkersSpec,
    /// Groups of executions to start.
    pub workflows: Vec<WorkflowGroup>,
    /// `"none"`, `"swarm"` (each seed draws its own profile), `"everything"`,
    /// or an explicit profile object.
    #[serde(default)]
    pub faults: FaultsSpec,
    /// Faults stop this long after the start.
    #[serde(default = "default_heal_after", with = "serde_duration")]
    pub heal_after: Duration,
    /// After healing (and after the last client operation), every execution
    /// must close within this bound.
    #[serde(default = "default_liveness_bound", with = "serde_duration")]
    pub liveness_bound: Duration,
    /// For scenarios that exist to be caught: the invariant id that must
    /// fire. A run of such a scenario passes only if it does.
    #[serde(default)]
    pub expect_violation: Option<String>,
    /// Caps the seeds `tempest explore` runs of this scenario (for very
    /// large scenarios).
    #[serde(default)]
    pub max_explore_seeds: Option<u64>,
}

fn default_heal_after() -> Duration {
    Duration::from_secs(600)
}

fn default_liveness_bound() -> Duration {
    Duration::from_secs(3600)
}

/// The workers of a scenario.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WorkersSpec {
    /// How many worker processes.
    pub count: u32,
    /// The task queues every worker polls (the first is the default queue).
    pub task_queues: Vec<String>,
    /// Workflow instances each worker keeps cached.
    pub cache_capacity: usize,
    /// Workers (by index) that run changed workflow code: workflow type →
    /// the library definition those workers run under that name.
    pub changed_code: Vec<ChangedCode>,
}

impl Default for WorkersSpec {
    fn default() -> Self {
        WorkersSpec {
            count: 2,
            task_queues: vec!["main".into()],
            cache_capacity: 1000,
            changed_code: Vec::new(),
        }
    }
}

/// Changed workflow code on some workers (a deploy gone wrong).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangedCode {
    /// Indexes of the workers that run the changed code.
    pub workers: Vec<u32>,
    /// Registered workflow type.
    pub workflow: String,
    /// Library definition that those workers run under that type's name.
    pub runs: String,
}

/// The fault setting of a scenario.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum FaultsSpec {
    /// `"none"`, `"swarm"` or `"everything"`.
    Named(String),
    /// An explicit profile.
    Profile(FaultProfile),
}

/// Untagged by hand, so that a profile object with a bad field or value is
/// reported as such (serde's untagged enums only say that no variant matched).
impl<'de> Deserialize<'de> for FaultsSpec {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        match serde_json::Value::deserialize(deserializer)? {
            serde_json::Value::String(name) => Ok(FaultsSpec::Named(name)),
            serde_json::Value::Object(fields) => {
                // Each field alone first, so that the error names the bad one.
                for (name, value) in &fields {
                    let single = serde_json::Map::from_iter([(name.clone(), value.clone())]);
                    if let Err(e) = FaultProfile::deserialize(serde_json::Value::Object(single)) {
                        return Err(D::Error::custom(format!("field `faults.{name}`: {e}")));
                    }
                }
                FaultProfile::deserialize(serde_json::Value::Object(fields))
                    .map(FaultsSpec::Profile)
                    .map_err(|e| D::Error::custom(format!("field `faults`: {e}")))
            }
            other => Err(D::Error::custom(format!(
                "field `faults`: expected a profile name (\"none\", \"swarm\", \"everything\") or an object, found {other}"
            ))),
        }
    }
}

impl Default for FaultsSpec {
    fn default() -> Self {
        FaultsSpec::Named("none".into())
    }
}

impl FaultsSpec {
    /// The profile a given seed runs under.
    pub fn profile_for(&self, seed: u64) -> FaultProfile {
        match self {
            FaultsSpec::Named(n) if n == "swarm" => FaultProfile::swarm(seed),
            FaultsSpec::Named(n) if n == "everything" => FaultProfile::everything(),
            FaultsSpec::Named(_) => FaultProfile::none(),
            FaultsSpec::Profile(p) => p.clone(),
        }
    }

    /// A short label for reports.
    pub fn label(&self) -> String {
        match self {
            FaultsSpec::Named(n) => n.clone(),
            FaultsSpec::Profile(_) => "custom".into(),
        }
    }
}

/// A group of executions of one workflow type.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkflowGroup {
    /// Registered workflow type.
    #[serde(rename = "type")]
    pub workflow_type: String,
    /// How many executions (ids `<id_prefix>-<n>`, n from 1).
    #[serde(default = "one")]
    pub count: u32,
    /// Workflow id prefix; defaults to the type.
    #[serde(default)]
    pub id_prefix: Option<String>,
    /// Task queue; defaults to the workers' first queue.
    #[serde(default)]
    pub task_queue: Option<String>,
    /// Input of every execution.
    #[serde(default)]
    pub input: serde_json::Value,
    /// When the first start is sent.
    #[serde(default, with = "serde_duration")]
    pub start_at: Duration,
    /// Starts are spread evenly over this window.
    #[serde(default, with = "serde_duration")]
    pub start_spread: Duration,
    /// Workflow execution timeout.
    #[serde(default, with = "serde_opt_duration")]
    pub execution_timeout: Option<Duration>,
    /// Workflow run timeout.
    #[serde(default, with = "serde_opt_duration")]
    pub run_timeout: Option<Duration>,
    /// Workflow task timeout.
    #[serde(default, with = "serde_opt_duration")]
    pub task_timeout: Option<Duration>,
    /// Initial memo.
    #[serde(default)]
    pub memo: BTreeMap<String, serde_json::Value>,
    /// Workflow retry policy.
    #[serde(default)]
    pub retry_policy: Option<RetryPolicy>,
    /// Cron schedule (5 fields).
    #[serde(default)]
    pub cron_schedule: Option<String>,
    /// Signals each execution is sent.
    #[serde(default)]
    pub signals: Vec<SignalSpec>,
    /// When each execution is asked to cancel (after the start).
    #[serde(default, with = "serde_opt_duration")]
    pub cancel_after: Option<Duration>,
    /// When each execution is terminated (after the start).
    #[serde(default, with = "serde_opt_duration")]
    pub terminate_after: Option<Duration>,
    /// What each execution must end with.
    #[serde(default)]
    pub expect: Expectation,
}

fn one() -> u32 {
    1
}

/// Signals sent to each execution of a group.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignalSpec {
    /// Signal name.
    pub name: String,
    /// Signal input.
    #[serde(default)]
    pub input: serde_json::Value,
    /// How many.
    #[serde(default = "one")]
    pub count: u32,
    /// When the first is sent, after the execution's start.
    #[serde(default, with = "serde_duration")]
    pub after: Duration,
    /// The signals are spread evenly over this window.
    #[serde(default, with = "serde_duration")]
    pub spread: Duration,
}

/// What each execution of a group must end with, where known.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Expectation {
    /// Final status.
    pub status: Option<WorkflowExecutionStatus>,
    /// Final result (for Completed).
    pub result: Option<serde_json::Value>,
    /// Exact state-transition count (only meaningful without faults).
    pub state_transitions: Option<u64>,
    /// Exact history length (only meaningful without faults).
    pub events: Option<u64>,
}

impl Scenario {
    /// Every execution the scenario starts.
    pub fn execution_count(&self) -> u64 {
        self.workflows.iter().map(|g| g.count as u64).sum()
    }

    /// The task queue executions of `group` run on.
    pub fn task_queue_of<'a>(&'a self, group: &'a WorkflowGroup) -> &'a str {
        group
            .task_queue
            .as_deref()
            .unwrap_or(&self.workers.task_queues[0])
    }

    /// Checks values serde cannot: ranges, counts, names, references.
    pub fn validate(&self) -> Result<(), String> {
        if self.name.trim().is_empty() {
            return Err("field `name`: must not be empty".into());
        }
        let w = &self.workers;
        if w.count == 0 || w.count > MAX_WORKERS {
            return Err(format!(
                "field `workers.count`: {} is out of range 1..={MAX_WORKERS}",
                w.count
            ));
        }
        if w.task_queues.is_empty() || w.task_queues.iter().any(|q| q.trim().is_empty()) {
            return Err(
                "field `workers.task_queues`: needs at least one non-empty queue name".into(),
            );
        }
        if w.cache_capacity == 0 {
            return Err("field `workers.cache_capacity`: must be at least 1".into());
        }
        for c in &w.changed_code {
            if let Some(bad) = c.workers.iter().find(|i| **i >= w.count) {
                return Err(format!("field `workers.changed_code.workers`: worker {bad} does not exist (count is {})", w.count));
            }
        }
        if let FaultsSpec::Named(n) = &self.faults {
            if !matches!(n.as_str(), "none" | "swarm" | "everything") {
                return Err(format!("field `faults`: unknown profile {n:?} (use \"none\", \"swarm\", \"everything\" or an object)"));
            }
        }
        if let FaultsSpec::Profile(p) = &self.faults {
            for (name, rate) in [
                ("drop_rate", p.drop_rate),
                ("duplicate_rate", p.duplicate_rate),
                ("reorder_rate", p.reorder_rate),
                ("activity_fail_rate", p.activity_fail_rate),
                ("activity_non_retryable_rate", p.activity_non_retryable_rate),
                ("activity_slow_rate", p.activity_slow_rate),
                (
                    "activity_heartbeat_loss_rate",
                    p.activity_heartbeat_loss_rate,
                ),
                ("activity_panic_rate", p.activity_panic_rate),
                ("workflow_panic_rate", p.workflow_panic_rate),
            ] {
                if !(0.0..=1.0).contains(&rate) {
                    return Err(format!(
                        "field `faults.{name}`: {rate} is not a probability in 0..=1"
                    ));
                }
            }
            for (name, d) in [
                ("partition_every", p.partition_every),
                ("worker_crash_every", p.worker_crash_every),
                ("service_crash_every", p.service_crash_every),
            ] {
                if d == Some(Duration::ZERO) {
                    return Err(format!("field `faults.{name}`: must be longer than zero"));
                }
            }
        }
        if let Some(id) = &self.expect_violation {
            if !crate::check::catalog().iter().any(|i| i.id == id) {
                return Err(format!(
                    "field `expect_violation`: unknown invariant {id:?} (see the invariant catalog)"
                ));
            }
        }
        if self.workflows.is_empty() {
            return Err("field `workflows`: needs at least one group".into());
        }
        let mut total = 0u64;
        for (i, g) in self.workflows.iter().enumerate() {
            let at = |field: &str| format!("field `workflows[{i}].{field}`");
            if g.workflow_type.trim().is_empty() {
                return Err(format!("{}: must not be empty", at("type")));
            }
            if g.count == 0 {
                return Err(format!("{}: must be at least 1", at("count")));
            }
            total += g.count as u64;
            if total > MAX_EXECUTIONS {
                return Err(format!(
                    "{}: scenario starts more than {MAX_EXECUTIONS} executions",
                    at("count")
                ));
            }
            if let Some(q) = &g.task_queue {
                if !w.task_queues.contains(q) {
                    return Err(format!("{}: no worker polls queue {q:?}", at("task_queue")));
                }
            }
            for (name, d) in [
                ("execution_timeout", g.execution_timeout),
                ("run_timeout", g.run_timeout),
                ("task_timeout", g.task_timeout),
            ] {
                if d == Some(Duration::ZERO) {
                    return Err(format!("{}: must be longer than zero", at(name)));
                }
            }
            if let Some(t) = g.task_timeout {
                if t > Duration::from_secs(120) {
                    return Err(format!(
                        "{}: at most 120s (Temporal's limit)",
                        at("task_timeout")
                    ));
                }
            }
            for (j, s) in g.signals.iter().enumerate() {
                if s.name.trim().is_empty() {
                    return Err(format!(
                        "{}: must not be empty",
                        at(&format!("signals[{j}].name"))
                    ));
                }
                if s.count == 0 || s.count > MAX_SIGNALS_PER_EXECUTION {
                    return Err(format!(
                        "{}: {} is out of range 1..={MAX_SIGNALS_PER_EXECUTION}",
                        at(&format!("signals[{j}].count")),
                        s.count
                    ));
                }
            }
            if let Some(cron) = &g.cron_schedule {
                crate::model::CronSchedule::parse(cron)
                    .map_err(|e| format!("{}: {e}", at("cron_schedule")))?;
            }
            if let Some(rp) = &g.retry_policy {
                if rp.backoff_coefficient < 1.0 || !rp.backoff_coefficient.is_finite() {
                    return Err(format!(
                        "{}: must be at least 1.0",
                        at("retry_policy.backoff_coefficient")
                    ));
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::scenario::parse;

    const MINIMAL: &str = r#"{"name": "x", "workflows": [{"type": "two_activities"}]}"#;

    #[test]
    fn defaults_fill_a_minimal_scenario() {
        let s = parse(MINIMAL).unwrap();
        assert_eq!(s.workers.count, 2);
        assert_eq!(s.workflows[0].count, 1);
        assert_eq!(s.task_queue_of(&s.workflows[0]), "main");
        assert_eq!(s.faults.label(), "none");
    }

    #[test]
    fn unknown_fields_are_named() {
        let e = parse(r#"{"name": "x", "workflows": [{"type": "a", "cuont": 3}]}"#).unwrap_err();
        assert!(e.contains("cuont"), "{e}");
    }

    #[test]
    fn bad_values_are_named() {
        for (text, field) in [
            (
                r#"{"name": "x", "workers": {"count": 0}, "workflows": [{"type": "a"}]}"#,
                "workers.count",
            ),
            (
                r#"{"name": "x", "workflows": [{"type": "a", "count": 3000000}]}"#,
                "count",
            ),
            (
                r#"{"name": "x", "workflows": [{"type": "a", "run_timeout": "-5s"}]}"#,
                "-5s",
            ),
            (
                r#"{"name": "x", "faults": "sometimes", "workflows": [{"type": "a"}]}"#,
                "faults",
            ),
            (r#"{"name": "x", "workflows": []}"#, "workflows"),
            (
                r#"{"name": "x", "faults": {"drop_rate": "high"}, "workflows": [{"type": "a"}]}"#,
                "faults.drop_rate",
            ),
            (
                r#"{"name": "x", "faults": 3, "workflows": [{"type": "a"}]}"#,
                "field `faults`",
            ),
            (
                r#"{"name": "x", "workflows": [{"type": "a", "cron_schedule": "daily"}]}"#,
                "workflows[0].cron_schedule",
            ),
            (
                r#"{"name": "x", "expect_violation": "no.such", "workflows": [{"type": "a"}]}"#,
                "expect_violation",
            ),
        ] {
            let e = parse(text).unwrap_err();
            assert!(e.contains(field), "{e} should name {field}");
        }
    }
}
