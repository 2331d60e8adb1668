//! The text format of a history: one event per line, made to be read in a
//! code-review diff (snapshots), a violation report or the CLI.
//!
//! ```text
//!    1 +0s         WorkflowExecutionStarted type=TwoActivities task_queue=tq input="Alice"
//!    5 +0s         ActivityTaskScheduled activity_id=1 type=activity_a input="Alice" wtc=4 start_to_close=10s
//!    7 +1.5s       ActivityTaskCompleted scheduled=5 started=6 result="Hello Alice"
//! ```
//!
//! Columns: the event id right-aligned in 4 characters; the time relative to
//! event 1 (`+0s`, `+10.5s`, `+2m5s`, `+365d`), padded to 11 characters; the
//! CamelCase event type; then `key=value` attributes that matter, defaults
//! and empties left out. Times are relative, not absolute, so that two runs
//! started at different instants diff only where they differ; widths are
//! fixed, not fitted to the history, so that one longer value does not
//! re-indent every line. Back-references use short keys (`scheduled=5
//! started=6 initiated=5 wtc=4 cancel_requested=9`); payloads are compact
//! JSON; text with spaces or quotes is JSON-quoted; failures print as
//! `<type>:"<message>"` followed by `<-` and their causes.

use crate::model::{
    ActivityTaskScheduledAttributes, Duration, Event, EventAttributes as A, Failure, FailureInfo,
    Payload, RetryPolicy, RetryState, SimTime, StartChildWorkflowExecutionInitiatedAttributes,
    WorkflowExecution, WorkflowExecutionContinuedAsNewAttributes,
    WorkflowExecutionStartedAttributes,
};
use std::collections::BTreeMap;
use std::fmt::Write;

/// The whole history, one line per event, each ending in `\n`.
pub fn history_to_text(history: &[Event]) -> String {
    let mut out = String::with_capacity(history.len() * 80);
    let origin = history.first().map_or(SimTime::ZERO, |e| e.event_time);
    for event in history {
        push_event_line(&mut out, event, origin);
        out.push('\n');
    }
    out
}

/// Appends one event's line (without the newline), its time relative to `origin`.
pub fn push_event_line(out: &mut String, event: &Event, origin: SimTime) {
    let time = relative_time(event.event_time, origin);
    let _ = write!(
        out,
        "{:>4} {:<11} {}",
        event.event_id,
        time,
        event.event_type().name()
    );
    let mut line = Line(out);
    push_attributes(&mut line, &event.attributes);
}

/// `+<days>d<hours>h<minutes>m<seconds>[.<fraction>]s`, zero parts left out.
fn relative_time(time: SimTime, origin: SimTime) -> String {
    let (sign, nanos) = if time >= origin {
        ('+', time.0 - origin.0)
    } else {
        ('-', origin.0 - time.0)
    };
    let mut text = String::new();
    text.push(sign);
    push_compact_duration(&mut text, Duration::from_nanos(nanos));
    text
}

/// A duration as `1d2h3m4.5s` with zero parts left out (`0s` when zero).
fn push_compact_duration(out: &mut String, duration: Duration) {
    let total = duration.as_secs();
    let (days, hours, minutes, seconds) = (
        total / 86_400,
        (total / 3600) % 24,
        (total / 60) % 60,
        total % 60,
    );
    let nanos = duration.subsec_nanos();
    for (value, unit) in [(days, 'd'), (hours, 'h'), (minutes, 'm')] {
        if value != 0 {
            let _ = write!(out, "{value}{unit}");
        }
    }
    if seconds != 0 || nanos != 0 || total == 0 {
        let _ = write!(out, "{seconds}");
        if nanos != 0 {
            let fraction = format!("{nanos:09}");
            let _ = write!(out, ".{}", fraction.trim_end_matches('0'));
        }
        out.push('s');
    }
}

/// Writes ` key=value` pairs onto one line.
struct Line<'a>(&'a mut String);

impl Line<'_> {
    fn key(&mut self, key: &str) -> &mut String {
        self.0.push(' ');
        self.0.push_str(key);
        self.0.push('=');
        self.0
    }

    fn text(&mut self, key: &str, value: &str) {
        if !value.is_empty() {
            let out = self.key(key);
            push_text(out, value);
        }
    }

    fn id(&mut self, key: &str, value: i64) {
        let _ = write!(self.key(key), "{value}");
    }

    fn nonzero_id(&mut self, key: &str, value: i64) {
        if value != 0 {
            self.id(key, value);
        }
    }

    fn payload(&mut self, key: &str, value: &Payload) {
        if !value.is_null() {
            let _ = write!(self.key(key), "{}", value.value());
        }
    }

    fn opt_payload(&mut self, key: &str, value: &Option<Payload>) {
        if let Some(p) = value {
            self.payload(key, p);
        }
    }

    fn duration(&mut self, key: &str, value: Duration) {
        push_compact_duration(self.key(key), value);
    }

    fn opt_duration(&mut self, key: &str, value: Option<Duration>) {
        if let Some(d) = value {
            self.duration(key, d);
        }
    }

    fn failure(&mut self, key: &str, value: &Failure) {
        let out = self.key(key);
        let mut failure = Some(value);
        let mut first = true;
        while let Some(f) = failure {
            if !first {
                out.push_str("<-");
            }
            first = false;
            push_failure_kind(out, &f.info);
            out.push(':');
            push_json_string(out, &f.message);
            failure = f.cause.as_deref();
        }
    }

    fn opt_failure(&mut self, key: &str, value: &Option<Failure>) {
        if let Some(f) = value {
            self.failure(key, f);
        }
    }

    fn retry_state(&mut self, value: RetryState) {
        if value != RetryState::Unspecified {
            let _ = write!(self.key("retry_state"), "{value:?}");
        }
    }

    fn execution(&mut self, key: &str, value: &WorkflowExecution) {
        let out = self.key(key);
        push_text(out, value.workflow_id.as_str());
        if !value.run_id.as_str().is_empty() {
            out.push('/');
            push_text(out, value.run_id.as_str());
        }
    }

    fn map(&mut self, key: &str, value: &BTreeMap<String, Payload>) {
        if !value.is_empty() {
            let out = self.key(key);
            out.push('{');
            for (i, (k, v)) in value.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                push_json_string(out, k);
                let _ = write!(out, ":{}", v.value());
            }
            out.push('}');
        }
    }

    fn retry_policy(&mut self, value: &Option<RetryPolicy>) {
        if let Some(policy) = value {
            if policy.maximum_attempts != 0 {
                self.id("max_attempts", i64::from(policy.maximum_attempts));
            }
        }
    }

    fn flag(&mut self, key: &str, value: bool) {
        if value {
            self.key(key).push_str("true");
        }
    }

    fn attempt(&mut self, value: u32) {
        if value > 1 {
            self.id("attempt", i64::from(value));
        }
    }
}

fn push_failure_kind(out: &mut String, info: &FailureInfo) {
    match info {
        FailureInfo::Application {
            type_name,
            non_retryable,
            ..
        } => {
            push_text(
                out,
                if type_name.is_empty() {
                    "Application"
                } else {
                    type_name
                },
            );
            if *non_retryable {
                out.push_str("[non_retryable]");
            }
        }
        FailureInfo::Timeout { timeout_type, .. } => {
            let _ = write!(out, "Timeout[{timeout_type:?}]");
        }
        FailureInfo::Canceled { .. } => out.push_str("Canceled"),
        FailureInfo::Terminated => out.push_str("Terminated"),
        FailureInfo::Server { .. } => out.push_str("Server"),
        FailureInfo::Activity { .. } => out.push_str("ActivityFailure"),
        FailureInfo::ChildWorkflow { .. } => out.push_str("ChildWorkflowFailure"),
        FailureInfo::Unmodelled { info_key, .. } if info_key.is_empty() => out.push_str("Failure"),
        FailureInfo::Unmodelled { info_key, .. } => push_text(out, info_key),
    }
}

/// Plain text when it is a single token, JSON-quoted otherwise.
fn push_text(out: &mut String, value: &str) {
    let plain = !value.is_empty()
        && value
            .chars()
            .all(|c| !c.is_whitespace() && !c.is_control() && !matches!(c, '"' | '=' | '\\'));
    if plain {
        out.push_str(value);
    } else {
        push_json_string(out, value);
    }
}

fn push_json_string(out: &mut String, value: &str) {
    let _ = write!(out, "{}", serde_json::Value::from(value));
}

fn push_attributes(line: &mut Line<'_>, attributes: &A) {
    if let Some(outcome) = attributes.child_outcome() {
        line.execution("child", outcome.child);
        line.id("initiated", outcome.initiated_event_id);
        line.id("started", outcome.started_event_id);
    }
    match attributes {
        A::WorkflowExecutionStarted(started) => {
            let WorkflowExecutionStartedAttributes {
                workflow_type,
                parent_workflow_execution,
                parent_initiated_event_id,
                task_queue,
                input,
                workflow_execution_timeout,
                workflow_run_timeout,
                continued_execution_run_id,
                initiator,
                retry_policy,
                attempt,
                cron_schedule,
                first_workflow_task_backoff,
                memo,
                ..
            } = &**started;
            line.text("type", workflow_type.as_str());
            line.text("task_queue", task_queue.as_str());
            line.payload("input", input);
            line.opt_duration("execution_timeout", *workflow_execution_timeout);
            line.opt_duration("run_timeout", *workflow_run_timeout);
            if let Some(parent) = parent_workflow_execution {
                line.execution("parent", parent);
            }
            line.nonzero_id("parent_initiated", parent_initiated_event_id.unwrap_or(0));
            if let Some(run) = continued_execution_run_id {
                line.text("continued_from", run.as_str());
            }
            if let Some(initiator) = initiator {
                let _ = write!(line.key("initiator"), "{initiator:?}");
            }
            line.retry_policy(retry_policy);
            line.attempt(*attempt);
            line.text("cron", cron_schedule.as_deref().unwrap_or(""));
            line.opt_duration("first_task_backoff", *first_workflow_task_backoff);
            line.map("memo", memo);
        }
        A::WorkflowExecutionCompleted {
            result,
            workflow_task_completed_event_id,
            new_execution_run_id,
        } => {
            line.payload("result", result);
            line.id("wtc", *workflow_task_completed_event_id);
            line.text(
                "new_run",
                new_execution_run_id.as_ref().map_or("", |r| r.as_str()),
            );
        }
        A::WorkflowExecutionFailed {
            failure,
            retry_state,
            workflow_task_completed_event_id,
            new_execution_run_id,
        } => {
            line.failure("failure", failure);
            line.retry_state(*retry_state);
            line.id("wtc", *workflow_task_completed_event_id);
            line.text(
                "new_run",
                new_execution_run_id.as_ref().map_or("", |r| r.as_str()),
            );
        }
        A::WorkflowExecutionTimedOut {
            retry_state,
            new_execution_run_id,
        } => {
            line.retry_state(*retry_state);
            line.text(
                "new_run",
                new_execution_run_id.as_ref().map_or("", |r| r.as_str()),
            );
        }
        A::WorkflowTaskScheduled {
            task_queue,
            attempt,
            ..
        } => {
            line.text("task_queue", task_queue.as_str());
            line.attempt(*attempt);
        }
        A::WorkflowTaskStarted {
            scheduled_event_id, ..
        } => line.id("scheduled", *scheduled_event_id),
        A::WorkflowTaskCompleted {
            scheduled_event_id,
            started_event_id,
            ..
        } => {
            line.id("scheduled", *scheduled_event_id);
            line.id("started", *started_event_id);
        }
        A::WorkflowTaskTimedOut {
            scheduled_event_id,
            started_event_id,
            timeout_type,
        } => {
            line.id("scheduled", *scheduled_event_id);
            line.id("started", *started_event_id);
            let _ = write!(line.key("timeout"), "{timeout_type:?}");
        }
        A::WorkflowTaskFailed {
            scheduled_event_id,
            started_event_id,
            cause,
            failure,
            ..
        } => {
            line.id("scheduled", *scheduled_event_id);
            line.id("started", *started_event_id);
            let cause = cause.proto_name();
            line.text(
                "cause",
                cause
                    .strip_prefix("WORKFLOW_TASK_FAILED_CAUSE_")
                    .unwrap_or(cause),
            );
            line.opt_failure("failure", failure);
        }
        A::ActivityTaskScheduled(scheduled) => {
            let ActivityTaskScheduledAttributes {
                activity_id,
                activity_type,
                input,
                schedule_to_close_timeout,
                schedule_to_start_timeout,
                start_to_close_timeout,
                heartbeat_timeout,
                workflow_task_completed_event_id,
                retry_policy,
                ..
            } = &**scheduled;
            line.text("activity_id", activity_id.as_str());
            line.text("type", activity_type.as_str());
            line.payload("input", input);
            line.id("wtc", *workflow_task_completed_event_id);
            line.opt_duration("schedule_to_close", *schedule_to_close_timeout);
            line.opt_duration("schedule_to_start", *schedule_to_start_timeout);
            line.opt_duration("start_to_close", *start_to_close_timeout);
            line.opt_duration("heartbeat", *heartbeat_timeout);
            line.retry_policy(retry_policy);
        }
        A::ActivityTaskStarted {
            scheduled_event_id,
            attempt,
            last_failure,
            ..
        } => {
            line.id("scheduled", *scheduled_event_id);
            line.attempt(*attempt);
            line.opt_failure("last_failure", last_failure);
        }
        A::ActivityTaskCompleted {
            result,
            scheduled_event_id,
            started_event_id,
            ..
        } => {
            line.id("scheduled", *scheduled_event_id);
            line.id("started", *started_event_id);
            line.payload("result", result);
        }
        A::ActivityTaskFailed {
            failure,
            scheduled_event_id,
            started_event_id,
            retry_state,
            ..
        }
        | A::ActivityTaskTimedOut {
            failure,
            scheduled_event_id,
            started_event_id,
            retry_state,
        } => {
            line.id("scheduled", *scheduled_event_id);
            line.id("started", *started_event_id);
            line.failure("failure", failure);
            line.retry_state(*retry_state);
        }
        A::ActivityTaskCancelRequested {
            scheduled_event_id,
            workflow_task_completed_event_id,
        } => {
            line.id("scheduled", *scheduled_event_id);
            line.id("wtc", *workflow_task_completed_event_id);
        }
        A::ActivityTaskCanceled {
            details,
            latest_cancel_requested_event_id,
            scheduled_event_id,
            started_event_id,
            ..
        } => {
            line.id("scheduled", *scheduled_event_id);
            line.id("started", *started_event_id);
            line.id("cancel_requested", *latest_cancel_requested_event_id);
            line.opt_payload("details", details);
        }
        A::TimerStarted {
            timer_id,
            start_to_fire_timeout,
            workflow_task_completed_event_id,
        } => {
            line.text("timer_id", timer_id.as_str());
            line.duration("duration", *start_to_fire_timeout);
            line.id("wtc", *workflow_task_completed_event_id);
        }
        A::TimerFired {
            timer_id,
            started_event_id,
        } => {
            line.text("timer_id", timer_id.as_str());
            line.id("started", *started_event_id);
        }
        A::TimerCanceled {
            timer_id,
            started_event_id,
            workflow_task_completed_event_id,
            ..
        } => {
            line.text("timer_id", timer_id.as_str());
            line.id("started", *started_event_id);
            line.id("wtc", *workflow_task_completed_event_id);
        }
        A::WorkflowExecutionCancelRequested {
            cause,
            external_initiated_event_id,
            external_workflow_execution,
            ..
        } => {
            line.text("cause", cause);
            line.nonzero_id(
                "external_initiated",
                external_initiated_event_id.unwrap_or(0),
            );
            if let Some(external) = external_workflow_execution {
                line.execution("external", external);
            }
        }
        A::WorkflowExecutionCanceled {
            workflow_task_completed_event_id,
            details,
        } => {
            line.id("wtc", *workflow_task_completed_event_id);
            line.opt_payload("details", details);
        }
        A::RequestCancelExternalWorkflowExecutionInitiated {
            workflow_task_completed_event_id,
            workflow_execution,
            child_workflow_only,
            reason,
            ..
        } => {
            line.execution("target", workflow_execution);
            line.flag("child_only", *child_workflow_only);
            line.text("reason", reason);
            line.id("wtc", *workflow_task_completed_event_id);
        }
        A::RequestCancelExternalWorkflowExecutionFailed {
            cause,
            workflow_task_completed_event_id,
            workflow_execution,
            initiated_event_id,
            ..
        }
        | A::SignalExternalWorkflowExecutionFailed {
            cause,
            workflow_task_completed_event_id,
            workflow_execution,
            initiated_event_id,
            ..
        } => {
            line.execution("target", workflow_execution);
            line.text("cause", cause);
            line.id("initiated", *initiated_event_id);
            line.id("wtc", *workflow_task_completed_event_id);
        }
        A::ExternalWorkflowExecutionCancelRequested {
            initiated_event_id,
            workflow_execution,
            ..
        }
        | A::ExternalWorkflowExecutionSignaled {
            initiated_event_id,
            workflow_execution,
            ..
        } => {
            line.execution("target", workflow_execution);
            line.id("initiated", *initiated_event_id);
        }
        A::MarkerRecorded {
            marker_name,
            details,
            workflow_task_completed_event_id,
            failure,
        } => {
            line.text("name", marker_name);
            line.map("details", details);
            line.opt_failure("failure", failure);
            line.id("wtc", *workflow_task_completed_event_id);
        }
        A::WorkflowExecutionSignaled {
            signal_name, input, ..
        } => {
            line.text("signal", signal_name);
            line.payload("input", input);
        }
        A::WorkflowExecutionTerminated {
            reason,
            details,
            identity,
        } => {
            line.text("reason", reason);
            line.opt_payload("details", details);
            line.text("identity", identity);
        }
        A::WorkflowExecutionContinuedAsNew(continued) => {
            let WorkflowExecutionContinuedAsNewAttributes {
                new_execution_run_id,
                workflow_type,
                task_queue,
                input,
                workflow_run_timeout,
                workflow_task_completed_event_id,
                backoff_start_interval,
                initiator,
                failure,
                memo,
                ..
            } = &**continued;
            line.text("new_run", new_execution_run_id.as_str());
            line.text("type", workflow_type.as_str());
            line.text("task_queue", task_queue.as_str());
            line.payload("input", input);
            line.opt_duration("run_timeout", *workflow_run_timeout);
            line.opt_duration("backoff", *backoff_start_interval);
            let _ = write!(line.key("initiator"), "{initiator:?}");
            line.opt_failure("failure", failure);
            line.map("memo", memo);
            line.id("wtc", *workflow_task_completed_event_id);
        }
        A::StartChildWorkflowExecutionInitiated(initiated) => {
            let StartChildWorkflowExecutionInitiatedAttributes {
                namespace,
                workflow_id,
                workflow_type,
                input,
                parent_close_policy,
                workflow_task_completed_event_id,
                cron_schedule,
                retry_policy,
                ..
            } = &**initiated;
            if namespace.as_str() != "default" {
                line.text("namespace", namespace.as_str());
            }
            line.text("workflow_id", workflow_id.as_str());
            line.text("type", workflow_type.as_str());
            line.payload("input", input);
            if *parent_close_policy != Default::default() {
                let _ = write!(line.key("parent_close"), "{parent_close_policy:?}");
            }
            line.retry_policy(retry_policy);
            line.text("cron", cron_schedule.as_deref().unwrap_or(""));
            line.id("wtc", *workflow_task_completed_event_id);
        }
        A::StartChildWorkflowExecutionFailed {
            workflow_id,
            workflow_type,
            cause,
            initiated_event_id,
            workflow_task_completed_event_id,
            ..
        } => {
            line.text("workflow_id", workflow_id.as_str());
            line.text("type", workflow_type.as_str());
            line.text("cause", cause);
            line.id("initiated", *initiated_event_id);
            line.id("wtc", *workflow_task_completed_event_id);
        }
        A::ChildWorkflowExecutionStarted {
            initiated_event_id,
            workflow_execution,
            ..
        } => {
            line.execution("child", workflow_execution);
            line.id("initiated", *initiated_event_id);
        }
        // The child and its initiated and started events come first (above).
        A::ChildWorkflowExecutionCompleted { result, .. } => line.payload("result", result),
        A::ChildWorkflowExecutionFailed {
            failure,
            retry_state,
            ..
        } => {
            line.failure("failure", failure);
            line.retry_state(*retry_state);
        }
        A::ChildWorkflowExecutionCanceled { details, .. } => line.opt_payload("details", details),
        A::ChildWorkflowExecutionTimedOut { retry_state, .. } => line.retry_state(*retry_state),
        A::ChildWorkflowExecutionTerminated { .. } => {}
        A::SignalExternalWorkflowExecutionInitiated {
            workflow_task_completed_event_id,
            workflow_execution,
            signal_name,
            input,
            child_workflow_only,
            ..
        } => {
            line.execution("target", workflow_execution);
            line.text("signal", signal_name);
            line.payload("input", input);
            line.flag("child_only", *child_workflow_only);
            line.id("wtc", *workflow_task_completed_event_id);
        }
        A::UpsertWorkflowSearchAttributes {
            workflow_task_completed_event_id,
            search_attributes,
        } => {
            line.map("search_attributes", search_attributes);
            line.id("wtc", *workflow_task_completed_event_id);
        }
        A::WorkflowPropertiesModified {
            workflow_task_completed_event_id,
            upserted_memo,
        } => {
            line.map("memo", upserted_memo);
            line.id("wtc", *workflow_task_completed_event_id);
        }
        A::Unmodelled {
            event_type_name, ..
        } => line.text("type", event_type_name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::*;
    use serde_json::json;

    fn event(event_id: i64, after: Duration, attributes: EventAttributes) -> Event {
        Event {
            event_id,
            event_time: SimTime::START + after,
            attributes,
        }
    }

    fn two_activity_history() -> History {
        let tq = TaskQueue::new("tq");
        vec![
            event(
                1,
                secs(0),
                EventAttributes::WorkflowExecutionStarted(Box::new(
                    WorkflowExecutionStartedAttributes {
                        workflow_type: WorkflowType::new("Greet"),
                        parent_workflow_namespace: None,
                        parent_workflow_execution: None,
                        parent_initiated_event_id: None,
                        task_queue: tq.clone(),
                        input: Payload::from("Alice"),
                        workflow_execution_timeout: None,
                        workflow_run_timeout: None,
                        workflow_task_timeout: secs(10),
                        continued_execution_run_id: None,
                        initiator: None,
                        continued_failure: None,
                        last_completion_result: None,
                        original_execution_run_id: RunId::new("r1"),
                        identity: "client".into(),
                        first_execution_run_id: RunId::new("r1"),
                        retry_policy: None,
                        attempt: 1,
                        workflow_execution_expiration_time: None,
                        cron_schedule: None,
                        first_workflow_task_backoff: None,
                        memo: Memo::new(),
                    },
                )),
            ),
            event(
                2,
                secs(0),
                EventAttributes::WorkflowTaskScheduled {
                    task_queue: tq.clone(),
                    start_to_close_timeout: secs(10),
                    attempt: 1,
                },
            ),
            event(
                3,
                millis(500),
                EventAttributes::WorkflowTaskStarted {
                    scheduled_event_id: 2,
                    identity: "w1".into(),
                    request_id: "q".into(),
                },
            ),
            event(
                4,
                secs(1),
                EventAttributes::WorkflowTaskCompleted {
                    scheduled_event_id: 2,
                    started_event_id: 3,
                    identity: "w1".into(),
                },
            ),
            event(
                5,
                secs(1),
                EventAttributes::ActivityTaskScheduled(Box::new(ActivityTaskScheduledAttributes {
                    activity_id: ActivityId::new("1"),
                    activity_type: ActivityType::new("greet"),
                    task_queue: tq.clone(),
                    input: Payload::new(json!({"name": "Alice"})),
                    schedule_to_close_timeout: None,
                    schedule_to_start_timeout: None,
                    start_to_close_timeout: Some(secs(10)),
                    heartbeat_timeout: None,
                    workflow_task_completed_event_id: 4,
                    retry_policy: Some(RetryPolicy {
                        maximum_attempts: 3,
                        ..RetryPolicy::default()
                    }),
                })),
            ),
            event(
                6,
                millis(11_500),
                EventAttributes::ActivityTaskStarted {
                    scheduled_event_id: 5,
                    identity: "w1".into(),
                    request_id: "r".into(),
                    attempt: 2,
                    last_failure: Some(Failure::application("Flaky", "try again")),
                },
            ),
            event(
                7,
                secs(125),
                EventAttributes::ActivityTaskFailed {
                    failure: Failure::non_retryable("Fatal", "bad input"),
                    scheduled_event_id: 5,
                    started_event_id: 6,
                    identity: "w1".into(),
                    retry_state: RetryState::NonRetryableFailure,
                },
            ),
            event(
                8,
                secs(365 * 86_400),
                EventAttributes::WorkflowExecutionTerminated {
                    reason: "stuck".into(),
                    details: None,
                    identity: "operator".into(),
                },
            ),
        ]
    }

    #[test]
    fn history_prints_one_aligned_line_per_event() {
        let expected = [
            r#"   1 +0s         WorkflowExecutionStarted type=Greet task_queue=tq input="Alice""#,
            r#"   2 +0s         WorkflowTaskScheduled task_queue=tq"#,
            r#"   3 +0.5s       WorkflowTaskStarted scheduled=2"#,
            r#"   4 +1s         WorkflowTaskCompleted scheduled=2 started=3"#,
            r#"   5 +1s         ActivityTaskScheduled activity_id=1 type=greet input={"name":"Alice"} wtc=4 start_to_close=10s max_attempts=3"#,
            r#"   6 +11.5s      ActivityTaskStarted scheduled=5 attempt=2 last_failure=Flaky:"try again""#,
            r#"   7 +2m5s       ActivityTaskFailed scheduled=5 started=6 failure=Fatal[non_retryable]:"bad input" retry_state=NonRetryableFailure"#,
            r#"   8 +365d       WorkflowExecutionTerminated reason=stuck identity=operator"#,
        ];
        let text = history_to_text(&two_activity_history());
        assert_eq!(text.lines().collect::<Vec<_>>(), expected);
        assert!(text.ends_with('\n'));
    }

    #[test]
    fn failure_causes_are_chained_and_text_with_spaces_is_quoted() {
        let failure = Failure::application("ActivityError", "activity failed")
            .with_cause(Failure::timeout(TimeoutType::StartToClose));
        let history = vec![event(
            1,
            secs(0),
            EventAttributes::WorkflowExecutionFailed {
                failure,
                retry_state: RetryState::RetryPolicyNotSet,
                workflow_task_completed_event_id: 4,
                new_execution_run_id: None,
            },
        )];
        assert_eq!(
            history_to_text(&history),
            "   1 +0s         WorkflowExecutionFailed failure=ActivityError:\"activity failed\"<-Timeout[StartToClose]:\"activity TIMEOUT_TYPE_START_TO_CLOSE timeout\" retry_state=RetryPolicyNotSet wtc=4\n"
        );
    }

    #[test]
    fn relative_times_use_the_largest_units_and_omit_zero_parts() {
        let t0 = SimTime::START;
        assert_eq!(relative_time(t0, t0), "+0s");
        assert_eq!(relative_time(t0 + millis(10_500), t0), "+10.5s");
        assert_eq!(relative_time(t0 + secs(3600 + 2), t0), "+1h2s");
        assert_eq!(
            relative_time(t0 + Duration::from_nanos(1), t0),
            "+0.000000001s"
        );
        assert_eq!(relative_time(t0, t0 + secs(90)), "-1m30s");
    }
}
