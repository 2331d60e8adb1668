//! Runs one seed of a scenario and judges it: the world runs, then every
//! checker reads what it left behind. The outcome knows how to print itself
//! (text or JSON) and the one command that reproduces it.

use super::Scenario;
use crate::check::report::render_run_violation;
use crate::check::{check_run, OnlineChecker, OnlineViolation, RunViolation};
use crate::model::*;
use crate::sim::{RunOptions, RunResult, World};
use crate::workflow::Registry;
use serde_json::json;
use std::collections::BTreeMap;
use std::rc::Rc;

/// A judged run.
pub struct Outcome {
    /// The scenario's name.
    pub scenario: String,
    /// The fault setting (`none`, `swarm`, …, or `schedule` for a scripted run).
    pub faults_label: String,
    /// What the world left behind.
    pub result: RunResult,
    /// Every invariant that failed.
    pub violations: Vec<RunViolation>,
    /// For scenarios built to be caught: the invariant that had to fire.
    pub expect_violation: Option<String>,
    /// The first violation the checks during the run saw, with its time.
    pub first_caught: Option<OnlineViolation>,
}

/// Runs `scenario` under `options` and checks the result.
pub fn run(
    scenario: &Scenario,
    registry: &Rc<Registry>,
    options: &RunOptions,
) -> Result<Outcome, String> {
    let mut online = OnlineChecker::new();
    let mut world = World::new(scenario, registry, options)?;
    world.set_observer(&mut online);
    let result = world.run();
    let first_caught = online.first_violation().cloned();
    let mut violations = check_run(scenario, &result, registry);
    if let Some(caught) = &first_caught {
        let v = &caught.violation;
        let known = violations
            .iter()
            .any(|w| w.invariant == v.invariant && w.execution == v.execution);
        if !known {
            violations.insert(0, v.clone());
        }
    }
    let faults_label = if options.fault_schedule.is_some() {
        "schedule".to_string()
    } else {
        scenario.faults.label()
    };
    Ok(Outcome {
        scenario: scenario.name.clone(),
        faults_label,
        result,
        violations,
        expect_violation: scenario.expect_violation.clone(),
        first_caught,
    })
}

impl Outcome {
    /// Whether the run passed: no violation, or — for a scenario that exists
    /// to be caught — the expected violation fired.
    pub fn passed(&self) -> bool {
        match &self.expect_violation {
            None => self.violations.is_empty(),
            Some(id) => self.violations.iter().any(|v| v.invariant == id),
        }
    }

    /// Why a run failed, in one line.
    pub fn failure_line(&self) -> String {
        match (&self.expect_violation, self.violations.first()) {
            (Some(id), _) if self.violations.iter().all(|v| v.invariant != id) => {
                format!("expected violation {id} did not fire")
            }
            (_, Some(v)) => format!("{}: {}", v.invariant, v.message),
            _ => "passed".into(),
        }
    }

    /// The report of a failing run: seed, scenario and fault profile, then
    /// the first violation with its diff (if any) and the history of its
    /// run with the offending event marked. Empty for a passing run.
    pub fn violation_report(&self, registry: &Registry) -> String {
        if self.passed() {
            return String::new();
        }
        let mut s = format!(
            "VIOLATION REPORT\nseed         {}\nscenario     {}\nfaults       {}\n",
            self.result.seed, self.scenario, self.faults_label
        );
        match self.violations.first() {
            Some(v) => s.push_str(&render_run_violation(&self.result.store, registry, v)),
            None => s.push_str(&format!("{}\n", self.failure_line())),
        }
        s
    }

    /// Executions by status.
    pub fn status_counts(&self) -> BTreeMap<WorkflowExecutionStatus, u64> {
        let mut counts = BTreeMap::new();
        for run in self.result.store.runs() {
            *counts.entry(run.status()).or_insert(0) += 1;
        }
        counts
    }

    /// Simulated seconds from the start to the end of the run.
    pub fn sim_seconds(&self) -> f64 {
        self.result.end_time.secs_since_start()
    }

    /// The summary as one JSON object.
    pub fn summary_json(&self) -> serde_json::Value {
        let executions: Vec<_> = self
            .result
            .store
            .runs()
            .map(|r| {
                json!({
                    "workflow_id": r.execution().workflow_id.as_str(),
                    "run_id": r.execution().run_id.as_str(),
                    "workflow_type": r.workflow_type().as_str(),
                    "status": r.status().to_string(),
                    "events": r.history_len(),
                    "state_transitions": r.state_transitions(),
                })
            })
            .collect();
        let violations: Vec<_> = self
            .violations
            .iter()
            .map(|v| {
                json!({
                    "invariant": v.invariant,
                    "message": v.message,
                    "workflow_id": v.execution.as_ref().map(|e| e.workflow_id.as_str()),
                    "run_id": v.execution.as_ref().map(|e| e.run_id.as_str()),
                    "event_id": v.event_id,
                })
            })
            .collect();
        json!({
            "scenario": self.scenario,
            "seed": self.result.seed,
            "passed": self.passed(),
            "fault_profile": self.faults_label,
            "trace_hash": format!("{:016x}", self.result.trace_hash),
            "sim_time": self.sim_seconds(),
            "faults": self.result.fault_counts,
            "violations": violations,
            "executions": executions,
            "stats": {
                "steps": self.result.stats.steps,
                "messages": self.result.stats.messages,
                "workflow_tasks": self.result.stats.workflow_tasks,
                "activity_attempts": self.result.stats.activity_attempts,
                "replays": self.result.stats.replays,
                "worker_restarts": self.result.stats.worker_restarts,
                "service_restarts": self.result.stats.service_restarts,
            },
        })
    }

    /// The summary as readable text.
    pub fn summary_text(&self) -> String {
        let mut s = String::new();
        let events: usize = self.result.store.runs().map(|r| r.history_len()).sum();
        s.push_str(&format!(
            "scenario     {} (seed {}, faults {})\n",
            self.scenario, self.result.seed, self.faults_label
        ));
        s.push_str(&format!("sim time     {:.3}s\n", self.sim_seconds()));
        s.push_str(&format!("trace hash   {:016x}\n", self.result.trace_hash));
        let statuses: Vec<String> = self
            .status_counts()
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        s.push_str(&format!(
            "executions   {} ({})\n",
            self.result.store.runs().count(),
            statuses.join(", ")
        ));
        s.push_str(&format!("events       {events}\n"));
        let faults: Vec<String> = self
            .result
            .fault_counts
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        s.push_str(&format!(
            "faults       {}\n",
            if faults.is_empty() {
                "none".into()
            } else {
                faults.join(", ")
            }
        ));
        let st = &self.result.stats;
        s.push_str(&format!(
            "steps        {} ({} messages, {} workflow tasks, {} replays, {} activity attempts, {} worker restarts, {} service restarts)\n",
            st.steps, st.messages, st.workflow_tasks, st.replays, st.activity_attempts, st.worker_restarts, st.service_restarts
        ));
        if self.violations.is_empty() {
            s.push_str("violations   none\n");
        } else {
            s.push_str(&format!("violations   {}\n", self.violations.len()));
            for v in &self.violations {
                let at = v
                    .execution
                    .as_ref()
                    .map(|e| format!(" [{e}]"))
                    .unwrap_or_default();
                s.push_str(&format!("  {}{at}: {}\n", v.invariant, v.message));
            }
        }
        if let Some(caught) = &self.first_caught {
            s.push_str(&format!(
                "first caught at {} (step {}) by the checks during the run: {}\n",
                caught.at, caught.step, caught.violation.invariant
            ));
        }
        if let Some(id) = &self.expect_violation {
            s.push_str(&format!(
                "expected     {id} must fire: {}\n",
                if self.passed() {
                    "it did"
                } else {
                    "it did NOT"
                }
            ));
        }
        s
    }
}
