//! Writing the model as Temporal's JSON history: current spelling only
//! (`EVENT_TYPE_*`, int64s as strings, `"10s"` durations, RFC 3339 times,
//! base64 `json/plain` payloads), proto3 defaults left out.

use super::enums;
use super::import::attributes_key;
use crate::model::*;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// The history as `{"events": [...]}` in Temporal's JSON format.
pub fn export_history(history: &[Event]) -> Value {
    json!({ "events": history.iter().map(export_event).collect::<Vec<_>>() })
}

fn export_event(event: &Event) -> Value {
    let mut out = Map::new();
    out.insert("eventId".into(), Value::String(event.event_id.to_string()));
    out.insert(
        "eventTime".into(),
        Value::String(event.event_time.to_rfc3339()),
    );
    match &event.attributes {
        EventAttributes::Unmodelled {
            event_type_name,
            attributes,
        } => {
            out.insert("eventType".into(), Value::String(event_type_name.clone()));
            if let Value::Object(rest) = attributes {
                out.extend(rest.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
        }
        attributes => {
            let event_type = attributes.event_type();
            out.insert(
                "eventType".into(),
                Value::String(event_type.proto_name().into()),
            );
            let mut fields = Obj::default();
            write_attributes(&mut fields, attributes);
            out.insert(attributes_key(event_type), Value::Object(fields.0));
        }
    }
    Value::Object(out)
}

/// A JSON object under construction that leaves proto3 defaults out.
#[derive(Default)]
struct Obj(Map<String, Value>);

impl Obj {
    fn set(&mut self, key: &str, value: Value) {
        self.0.insert(key.to_string(), value);
    }

    fn str(&mut self, key: &str, value: &str) {
        if !value.is_empty() {
            self.set(key, Value::String(value.to_string()));
        }
    }

    fn opt_str(&mut self, key: &str, value: Option<&str>) {
        self.str(key, value.unwrap_or(""));
    }

    fn id(&mut self, key: &str, value: i64) {
        if value != 0 {
            self.set(key, Value::String(value.to_string()));
        }
    }

    fn int32(&mut self, key: &str, value: u32) {
        if value != 0 {
            self.set(key, Value::from(value));
        }
    }

    fn bool(&mut self, key: &str, value: bool) {
        if value {
            self.set(key, Value::Bool(true));
        }
    }

    fn duration(&mut self, key: &str, value: Duration) {
        if !value.is_zero() {
            self.set(key, Value::String(duration_to_proto_string(value)));
        }
    }

    fn opt_duration(&mut self, key: &str, value: Option<Duration>) {
        self.duration(key, value.unwrap_or(Duration::ZERO));
    }

    fn time(&mut self, key: &str, value: Option<SimTime>) {
        if let Some(t) = value {
            self.set(key, Value::String(t.to_rfc3339()));
        }
    }

    fn name(&mut self, key: &str, value: &str) {
        self.set(key, json!({ "name": value }));
    }

    fn task_queue(&mut self, key: &str, value: &TaskQueue) {
        self.set(
            key,
            json!({ "name": value.as_str(), "kind": "TASK_QUEUE_KIND_NORMAL" }),
        );
    }

    fn namespace(&mut self, value: &Namespace) {
        self.str("namespace", value.as_str());
    }

    fn execution(&mut self, key: &str, value: &WorkflowExecution) {
        let mut execution = Obj::default();
        execution.str("workflowId", value.workflow_id.as_str());
        execution.str("runId", value.run_id.as_str());
        self.set(key, Value::Object(execution.0));
    }

    fn enum_value(&mut self, key: &str, name: &str) {
        self.set(key, Value::String(name.to_string()));
    }

    fn retry_state(&mut self, value: RetryState) {
        if value != RetryState::Unspecified {
            self.enum_value("retryState", value.proto_name());
        }
    }

    /// A `Payloads` field that is left out when null.
    fn payload(&mut self, key: &str, value: &Payload) {
        if !value.is_null() {
            self.set(key, payloads(value));
        }
    }

    /// An optional `Payloads` field: `Some(null)` is written as a JSON null payload.
    fn opt_payload(&mut self, key: &str, value: &Option<Payload>) {
        if let Some(p) = value {
            self.set(key, payloads(p));
        }
    }

    fn payload_map(&mut self, key: &str, inner: &str, value: &BTreeMap<String, Payload>) {
        if !value.is_empty() {
            let fields: Map<String, Value> = value
                .iter()
                .map(|(k, v)| (k.clone(), single_payload(v.value())))
                .collect();
            self.set(key, json!({ inner: fields }));
        }
    }

    fn failure(&mut self, key: &str, value: &Failure) {
        self.set(key, failure(value));
    }

    fn opt_failure(&mut self, key: &str, value: &Option<Failure>) {
        if let Some(f) = value {
            self.failure(key, f);
        }
    }

    fn retry_policy(&mut self, value: &Option<RetryPolicy>) {
        let Some(policy) = value else { return };
        let mut p = Obj::default();
        p.duration("initialInterval", policy.initial_interval);
        p.set(
            "backoffCoefficient",
            Value::from(policy.backoff_coefficient),
        );
        p.opt_duration("maximumInterval", policy.maximum_interval);
        p.int32("maximumAttempts", policy.maximum_attempts);
        if !policy.non_retryable_error_types.is_empty() {
            p.set(
                "nonRetryableErrorTypes",
                Value::from(policy.non_retryable_error_types.clone()),
            );
        }
        self.set("retryPolicy", Value::Object(p.0));
    }
}

/// `{"payloads": [...]}` for one Tempest payload (see the module docs for
/// the `$payloads` and `$payload` shapes).
fn payloads(value: &Payload) -> Value {
    let list = match value.value().get("$payloads") {
        Some(Value::Array(items)) if value.value().as_object().is_some_and(|o| o.len() == 1) => {
            items.iter().map(single_payload).collect()
        }
        _ => vec![single_payload(value.value())],
    };
    json!({ "payloads": list })
}

/// One `Payload`: a kept raw payload as it was, anything else as `json/plain`.
fn single_payload(value: &Value) -> Value {
    if let Some(raw) = value.as_object().and_then(|o| o.get("$payload")) {
        return raw.clone();
    }
    json!({
        "metadata": { "encoding": "anNvbi9wbGFpbg==" },
        "data": BASE64.encode(value.to_string()),
    })
}

fn failure(value: &Failure) -> Value {
    let mut f = Obj::default();
    f.str("message", &value.message);
    f.str("stackTrace", &value.stack_trace);
    if let Some(cause) = &value.cause {
        f.set("cause", failure(cause));
    }
    let mut info = Obj::default();
    let key = match &value.info {
        FailureInfo::Application {
            type_name,
            non_retryable,
            details,
        } => {
            info.str("type", type_name);
            info.bool("nonRetryable", *non_retryable);
            info.opt_payload("details", details);
            "applicationFailureInfo"
        }
        FailureInfo::Timeout {
            timeout_type,
            last_heartbeat_details,
        } => {
            info.enum_value("timeoutType", timeout_type.proto_name());
            info.opt_payload("lastHeartbeatDetails", last_heartbeat_details);
            "timeoutFailureInfo"
        }
        FailureInfo::Canceled { details } => {
            info.opt_payload("details", details);
            "canceledFailureInfo"
        }
        FailureInfo::Terminated => "terminatedFailureInfo",
        FailureInfo::Server { non_retryable } => {
            info.bool("nonRetryable", *non_retryable);
            "serverFailureInfo"
        }
        FailureInfo::Activity {
            scheduled_event_id,
            started_event_id,
            activity_type,
            activity_id,
            retry_state,
        } => {
            info.id("scheduledEventId", *scheduled_event_id);
            info.id("startedEventId", *started_event_id);
            info.name("activityType", activity_type.as_str());
            info.str("activityId", activity_id.as_str());
            info.retry_state(*retry_state);
            "activityFailureInfo"
        }
        FailureInfo::ChildWorkflow {
            workflow_execution,
            workflow_type,
            initiated_event_id,
            started_event_id,
            retry_state,
        } => {
            info.execution("workflowExecution", workflow_execution);
            info.name("workflowType", workflow_type.as_str());
            info.id("initiatedEventId", *initiated_event_id);
            info.id("startedEventId", *started_event_id);
            info.retry_state(*retry_state);
            "childWorkflowExecutionFailureInfo"
        }
        FailureInfo::Unmodelled {
            info_key,
            attributes,
        } => {
            if !info_key.is_empty() {
                f.set(info_key, attributes.clone());
            }
            return Value::Object(f.0);
        }
    };
    f.set(key, Value::Object(info.0));
    Value::Object(f.0)
}

fn write_attributes(o: &mut Obj, attributes: &EventAttributes) {
    use EventAttributes as A;
    // Keys are sorted in the output (serde_json's `Map`), so writing the
    // child's common fields first changes nothing.
    if let Some(outcome) = attributes.child_outcome() {
        child_common(o, outcome);
    }
    match attributes {
        A::WorkflowExecutionStarted(started) => {
            let WorkflowExecutionStartedAttributes {
                workflow_type,
                parent_workflow_namespace,
                parent_workflow_execution,
                parent_initiated_event_id,
                task_queue,
                input,
                workflow_execution_timeout,
                workflow_run_timeout,
                workflow_task_timeout,
                continued_execution_run_id,
                initiator,
                continued_failure,
                last_completion_result,
                original_execution_run_id,
                identity,
                first_execution_run_id,
                retry_policy,
                attempt,
                workflow_execution_expiration_time,
                cron_schedule,
                first_workflow_task_backoff,
                memo,
            } = &**started;
            o.name("workflowType", workflow_type.as_str());
            o.opt_str(
                "parentWorkflowNamespace",
                parent_workflow_namespace.as_ref().map(Namespace::as_str),
            );
            if let Some(parent) = parent_workflow_execution {
                o.execution("parentWorkflowExecution", parent);
            }
            o.id(
                "parentInitiatedEventId",
                parent_initiated_event_id.unwrap_or(0),
            );
            o.task_queue("taskQueue", task_queue);
            o.payload("input", input);
            o.opt_duration("workflowExecutionTimeout", *workflow_execution_timeout);
            o.opt_duration("workflowRunTimeout", *workflow_run_timeout);
            o.duration("workflowTaskTimeout", *workflow_task_timeout);
            o.opt_str(
                "continuedExecutionRunId",
                continued_execution_run_id.as_ref().map(RunId::as_str),
            );
            if let Some(initiator) = initiator {
                o.enum_value("initiator", initiator.proto_name());
            }
            o.opt_failure("continuedFailure", continued_failure);
            o.opt_payload("lastCompletionResult", last_completion_result);
            o.str("originalExecutionRunId", original_execution_run_id.as_str());
            o.str("identity", identity);
            o.str("firstExecutionRunId", first_execution_run_id.as_str());
            o.retry_policy(retry_policy);
            o.int32("attempt", *attempt);
            o.time(
                "workflowExecutionExpirationTime",
                *workflow_execution_expiration_time,
            );
            o.opt_str("cronSchedule", cron_schedule.as_deref());
            o.opt_duration("firstWorkflowTaskBackoff", *first_workflow_task_backoff);
            o.payload_map("memo", "fields", memo);
        }
        A::WorkflowExecutionCompleted {
            result,
            workflow_task_completed_event_id,
            new_execution_run_id,
        } => {
            o.payload("result", result);
            o.id(
                "workflowTaskCompletedEventId",
                *workflow_task_completed_event_id,
            );
            o.opt_str(
                "newExecutionRunId",
                new_execution_run_id.as_ref().map(RunId::as_str),
            );
        }
        A::WorkflowExecutionFailed {
            failure,
            retry_state,
            workflow_task_completed_event_id,
            new_execution_run_id,
        } => {
            o.failure("failure", failure);
            o.retry_state(*retry_state);
            o.id(
                "workflowTaskCompletedEventId",
                *workflow_task_completed_event_id,
            );
            o.opt_str(
                "newExecutionRunId",
                new_execution_run_id.as_ref().map(RunId::as_str),
            );
        }
        A::WorkflowExecutionTimedOut {
            retry_state,
            new_execution_run_id,
        } => {
            o.retry_state(*retry_state);
            o.opt_str(
                "newExecutionRunId",
                new_execution_run_id.as_ref().map(RunId::as_str),
            );
        }
        A::WorkflowTaskScheduled {
            task_queue,
            start_to_close_timeout,
            attempt,
        } => {
            o.task_queue("taskQueue", task_queue);
            o.duration("startToCloseTimeout", *start_to_close_timeout);
            o.int32("attempt", *attempt);
        }
        A::WorkflowTaskStarted {
            scheduled_event_id,
            identity,
            request_id,
        } => {
            o.id("scheduledEventId", *scheduled_event_id);
            o.str("identity", identity);
            o.str("requestId", &request_id.text());
        }
        A::WorkflowTaskCompleted {
            scheduled_event_id,
            started_event_id,
            identity,
        } => {
            o.id("scheduledEventId", *scheduled_event_id);
            o.id("startedEventId", *started_event_id);
            o.str("identity", identity);
        }
        A::WorkflowTaskTimedOut {
            scheduled_event_id,
            started_event_id,
            timeout_type,
        } => {
            o.id("scheduledEventId", *scheduled_event_id);
            o.id("startedEventId", *started_event_id);
            o.enum_value("timeoutType", timeout_type.proto_name());
        }
        A::WorkflowTaskFailed {
            scheduled_event_id,
            started_event_id,
            cause,
            failure,
            identity,
        } => {
            o.id("scheduledEventId", *scheduled_event_id);
            o.id("startedEventId", *started_event_id);
            if cause.proto_name() != "WORKFLOW_TASK_FAILED_CAUSE_UNSPECIFIED" {
                o.enum_value("cause", cause.proto_name());
            }
            o.opt_failure("failure", failure);
            o.str("identity", identity);
        }
        A::ActivityTaskScheduled(scheduled) => {
            let ActivityTaskScheduledAttributes {
                activity_id,
                activity_type,
                task_queue,
                input,
                schedule_to_close_timeout,
                schedule_to_start_timeout,
                start_to_close_timeout,
                heartbeat_timeout,
                workflow_task_completed_event_id,
                retry_policy,
            } = &**scheduled;
            o.str("activityId", activity_id.as_str());
            o.name("activityType", activity_type.as_str());
            o.task_queue("taskQueue", task_queue);
            o.payload("input", input);
            o.opt_duration("scheduleToCloseTimeout", *schedule_to_close_timeout);
            o.opt_duration("scheduleToStartTimeout", *schedule_to_start_timeout);
            o.opt_duration("startToCloseTimeout", *start_to_close_timeout);
            o.opt_duration("heartbeatTimeout", *heartbeat_timeout);
            o.id(
                "workflowTaskCompletedEventId",
                *workflow_task_completed_event_id,
            );
            o.retry_policy(retry_policy);
        }
        A::ActivityTaskStarted {
            scheduled_event_id,
            identity,
            request_id,
            attempt,
            last_failure,
        } => {
            o.id("scheduledEventId", *scheduled_event_id);
            o.str("identity", identity);
            o.str("requestId", &request_id.text());
            o.int32("attempt", *attempt);
            o.opt_failure("lastFailure", last_failure);
        }
        A::ActivityTaskCompleted {
            result,
            scheduled_event_id,
            started_event_id,
            identity,
        } => {
            o.payload("result", result);
            o.id("scheduledEventId", *scheduled_event_id);
            o.id("startedEventId", *started_event_id);
            o.str("identity", identity);
        }
        A::ActivityTaskFailed {
            failure,
            scheduled_event_id,
            started_event_id,
            identity,
            retry_state,
        } => {
            o.failure("failure", failure);
            o.id("scheduledEventId", *scheduled_event_id);
            o.id("startedEventId", *started_event_id);
            o.str("identity", identity);
            o.retry_state(*retry_state);
        }
        A::ActivityTaskTimedOut {
            failure,
            scheduled_event_id,
            started_event_id,
            retry_state,
        } => {
            o.failure("failure", failure);
            o.id("scheduledEventId", *scheduled_event_id);
            o.id("startedEventId", *started_event_id);
            o.retry_state(*retry_state);
        }
        A::ActivityTaskCancelRequested {
            scheduled_event_id,
            workflow_task_completed_event_id,
        } => {
            o.id("scheduledEventId", *scheduled_event_id);
            o.id(
                "workflowTaskCompletedEventId",
                *workflow_task_completed_event_id,
            );
        }
        A::ActivityTaskCanceled {
            details,
            latest_cancel_requested_event_id,
            scheduled_event_id,
            started_event_id,
            identity,
        } => {
            o.opt_payload("details", details);
            o.id(
                "latestCancelRequestedEventId",
                *latest_cancel_requested_event_id,
            );
            o.id("scheduledEventId", *scheduled_event_id);
            o.id("startedEventId", *started_event_id);
            o.str("identity", identity);
        }
        A::TimerStarted {
            timer_id,
            start_to_fire_timeout,
            workflow_task_completed_event_id,
        } => {
            o.str("timerId", timer_id.as_str());
            o.duration("startToFireTimeout", *start_to_fire_timeout);
            o.id(
                "workflowTaskCompletedEventId",
                *workflow_task_completed_event_id,
            );
        }
        A::TimerFired {
            timer_id,
            started_event_id,
        } => {
            o.str("timerId", timer_id.as_str());
            o.id("startedEventId", *started_event_id);
        }
        A::TimerCanceled {
            timer_id,
            started_event_id,
            workflow_task_completed_event_id,
            identity,
        } => {
            o.str("timerId", timer_id.as_str());
            o.id("startedEventId", *started_event_id);
            o.id(
                "workflowTaskCompletedEventId",
                *workflow_task_completed_event_id,
            );
            o.str("identity", identity);
        }
        A::WorkflowExecutionCancelRequested {
            cause,
            external_initiated_event_id,
            external_workflow_execution,
            identity,
        } => {
            o.str("cause", cause);
            o.id(
                "externalInitiatedEventId",
                external_initiated_event_id.unwrap_or(0),
            );
            if let Some(external) = external_workflow_execution {
                o.execution("externalWorkflowExecution", external);
            }
            o.str("identity", identity);
        }
        A::WorkflowExecutionCanceled {
            workflow_task_completed_event_id,
            details,
        } => {
            o.id(
                "workflowTaskCompletedEventId",
                *workflow_task_completed_event_id,
            );
            o.opt_payload("details", details);
        }
        A::RequestCancelExternalWorkflowExecutionInitiated {
            workflow_task_completed_event_id,
            namespace,
            workflow_execution,
            child_workflow_only,
            reason,
        } => {
            o.id(
                "workflowTaskCompletedEventId",
                *workflow_task_completed_event_id,
            );
            o.namespace(namespace);
            o.execution("workflowExecution", workflow_execution);
            o.bool("childWorkflowOnly", *child_workflow_only);
            o.str("reason", reason);
        }
        A::RequestCancelExternalWorkflowExecutionFailed {
            cause,
            workflow_task_completed_event_id,
            namespace,
            workflow_execution,
            initiated_event_id,
        }
        | A::SignalExternalWorkflowExecutionFailed {
            cause,
            workflow_task_completed_event_id,
            namespace,
            workflow_execution,
            initiated_event_id,
        } => {
            o.str("cause", cause);
            o.id(
                "workflowTaskCompletedEventId",
                *workflow_task_completed_event_id,
            );
            o.namespace(namespace);
            o.execution("workflowExecution", workflow_execution);
            o.id("initiatedEventId", *initiated_event_id);
        }
        A::ExternalWorkflowExecutionCancelRequested {
            initiated_event_id,
            namespace,
            workflow_execution,
        }
        | A::ExternalWorkflowExecutionSignaled {
            initiated_event_id,
            namespace,
            workflow_execution,
        } => {
            o.id("initiatedEventId", *initiated_event_id);
            o.namespace(namespace);
            o.execution("workflowExecution", workflow_execution);
        }
        A::MarkerRecorded {
            marker_name,
            details,
            workflow_task_completed_event_id,
            failure,
        } => {
            o.str("markerName", marker_name);
            if !details.is_empty() {
                let map: Map<String, Value> = details
                    .iter()
                    .map(|(k, v)| (k.clone(), payloads(v)))
                    .collect();
                o.set("details", Value::Object(map));
            }
            o.id(
                "workflowTaskCompletedEventId",
                *workflow_task_completed_event_id,
            );
            o.opt_failure("failure", failure);
        }
        A::WorkflowExecutionSignaled {
            signal_name,
            input,
            identity,
        } => {
            o.str("signalName", signal_name);
            o.payload("input", input);
            o.str("identity", identity);
        }
        A::WorkflowExecutionTerminated {
            reason,
            details,
            identity,
        } => {
            o.str("reason", reason);
            o.opt_payload("details", details);
            o.str("identity", identity);
        }
        A::WorkflowExecutionContinuedAsNew(continued) => {
            let WorkflowExecutionContinuedAsNewAttributes {
                new_execution_run_id,
                workflow_type,
                task_queue,
                input,
                workflow_run_timeout,
                workflow_task_timeout,
                workflow_task_completed_event_id,
                backoff_start_interval,
                initiator,
                failure,
                last_completion_result,
                memo,
            } = &**continued;
            o.str("newExecutionRunId", new_execution_run_id.as_str());
            o.name("workflowType", workflow_type.as_str());
            o.task_queue("taskQueue", task_queue);
            o.payload("input", input);
            o.opt_duration("workflowRunTimeout", *workflow_run_timeout);
            o.duration("workflowTaskTimeout", *workflow_task_timeout);
            o.id(
                "workflowTaskCompletedEventId",
                *workflow_task_completed_event_id,
            );
            o.opt_duration("backoffStartInterval", *backoff_start_interval);
            o.enum_value("initiator", initiator.proto_name());
            o.opt_failure("failure", failure);
            o.opt_payload("lastCompletionResult", last_completion_result);
            o.payload_map("memo", "fields", memo);
        }
        A::StartChildWorkflowExecutionInitiated(initiated) => {
            let StartChildWorkflowExecutionInitiatedAttributes {
                namespace,
                workflow_id,
                workflow_type,
                task_queue,
                input,
                workflow_execution_timeout,
                workflow_run_timeout,
                workflow_task_timeout,
                parent_close_policy,
                workflow_task_completed_event_id,
                workflow_id_reuse_policy,
                retry_policy,
                cron_schedule,
                memo,
            } = &**initiated;
            o.namespace(namespace);
            o.str("workflowId", workflow_id.as_str());
            o.name("workflowType", workflow_type.as_str());
            o.task_queue("taskQueue", task_queue);
            o.payload("input", input);
            o.opt_duration("workflowExecutionTimeout", *workflow_execution_timeout);
            o.opt_duration("workflowRunTimeout", *workflow_run_timeout);
            o.duration("workflowTaskTimeout", *workflow_task_timeout);
            o.enum_value(
                "parentClosePolicy",
                enums::parent_close_policy_name(*parent_close_policy),
            );
            o.id(
                "workflowTaskCompletedEventId",
                *workflow_task_completed_event_id,
            );
            o.enum_value(
                "workflowIdReusePolicy",
                enums::reuse_policy_name(*workflow_id_reuse_policy),
            );
            o.retry_policy(retry_policy);
            o.opt_str("cronSchedule", cron_schedule.as_deref());
            o.payload_map("memo", "fields", memo);
        }
        A::StartChildWorkflowExecutionFailed {
            namespace,
            workflow_id,
            workflow_type,
            cause,
            initiated_event_id,
            workflow_task_completed_event_id,
        } => {
            o.namespace(namespace);
            o.str("workflowId", workflow_id.as_str());
            o.name("workflowType", workflow_type.as_str());
            o.str("cause", cause);
            o.id("initiatedEventId", *initiated_event_id);
            o.id(
                "workflowTaskCompletedEventId",
                *workflow_task_completed_event_id,
            );
        }
        A::ChildWorkflowExecutionStarted {
            namespace,
            initiated_event_id,
            workflow_execution,
            workflow_type,
        } => {
            o.namespace(namespace);
            o.id("initiatedEventId", *initiated_event_id);
            o.execution("workflowExecution", workflow_execution);
            o.name("workflowType", workflow_type.as_str());
        }
        A::ChildWorkflowExecutionCompleted { result, .. } => o.payload("result", result),
        A::ChildWorkflowExecutionFailed {
            failure,
            retry_state,
            ..
        } => {
            o.failure("failure", failure);
            o.retry_state(*retry_state);
        }
        A::ChildWorkflowExecutionCanceled { details, .. } => o.opt_payload("details", details),
        A::ChildWorkflowExecutionTimedOut { retry_state, .. } => o.retry_state(*retry_state),
        A::ChildWorkflowExecutionTerminated { .. } => {}
        A::SignalExternalWorkflowExecutionInitiated {
            workflow_task_completed_event_id,
            namespace,
            workflow_execution,
            signal_name,
            input,
            child_workflow_only,
        } => {
            o.id(
                "workflowTaskCompletedEventId",
                *workflow_task_completed_event_id,
            );
            o.namespace(namespace);
            o.execution("workflowExecution", workflow_execution);
            o.str("signalName", signal_name);
            o.payload("input", input);
            o.bool("childWorkflowOnly", *child_workflow_only);
        }
        A::UpsertWorkflowSearchAttributes {
            workflow_task_completed_event_id,
            search_attributes,
        } => {
            o.id(
                "workflowTaskCompletedEventId",
                *workflow_task_completed_event_id,
            );
            o.payload_map("searchAttributes", "indexedFields", search_attributes);
        }
        A::WorkflowPropertiesModified {
            workflow_task_completed_event_id,
            upserted_memo,
        } => {
            o.id(
                "workflowTaskCompletedEventId",
                *workflow_task_completed_event_id,
            );
            o.payload_map("upsertedMemo", "fields", upserted_memo);
        }
        A::Unmodelled { .. } => {}
    }
}

fn child_common(o: &mut Obj, outcome: ChildOutcome) {
    o.namespace(outcome.namespace);
    o.execution("workflowExecution", outcome.child);
    o.name("workflowType", outcome.workflow_type.as_str());
    o.id("initiatedEventId", outcome.initiated_event_id);
    o.id("startedEventId", outcome.started_event_id);
}
