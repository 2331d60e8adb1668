//! Reading Temporal's JSON history into the model. Every field is read
//! through [`Fields`], which remembers what was read and, when dropped,
//! reports whatever it did not read, so a field can only be ignored loudly.

use super::enums::{self, full_enum_name};
use super::{ImportError, ImportedHistory, UnmodelledItem};
use crate::codec::rfc3339::parse_rfc3339;
use crate::model::*;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine;
use serde_json::{Map, Value};
use std::cell::RefCell;
use std::collections::BTreeMap;

/// Standard base64, with or without padding.
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Reads `{"events": [...]}` in Temporal's JSON history format (current or
/// older spelling). Malformed input gives an [`ImportError`], never a panic.
pub fn import_history(json_text: &str) -> Result<ImportedHistory, ImportError> {
    let document: Value = serde_json::from_str(json_text).map_err(|e| ImportError {
        event_index: None,
        field: String::new(),
        message: format!("not valid JSON: {e}"),
    })?;
    let events = document
        .get("events")
        .and_then(Value::as_array)
        .ok_or_else(|| ImportError {
            event_index: None,
            field: "events".into(),
            message: "missing or not a list; expected {\"events\": [...]}".into(),
        })?;
    let sink = RefCell::new(Vec::new());
    let mut history = Vec::with_capacity(events.len());
    for (index, event) in events.iter().enumerate() {
        history.push(import_event(index, event, &sink)?);
    }
    Ok(ImportedHistory {
        events: history,
        unmodelled: sink.into_inner(),
    })
}

fn import_event(
    index: usize,
    event: &Value,
    sink: &RefCell<Vec<UnmodelledItem>>,
) -> Result<Event, ImportError> {
    let mut top = Fields::open(
        Some(event),
        String::new(),
        Location { index, event_id: 0 },
        sink,
    )?;
    let event_id = top.int("eventId")?;
    top.location.event_id = event_id;
    let event_time = match top.get("eventTime") {
        Some(Value::String(text)) => parse_rfc3339(text).map_err(|m| top.error("eventTime", &m))?,
        _ => return Err(top.error("eventTime", "missing or not a string")),
    };
    let type_name = match top.get("eventType") {
        Some(Value::String(text)) => text.as_str(),
        _ => return Err(top.error("eventType", "missing or not a string")),
    };
    let attributes = match EventType::from_name(type_name) {
        Some(event_type) => {
            let key = attributes_key(event_type);
            let mut attributes = top.child(&key)?;
            read_attributes(event_type, &mut attributes)?
        }
        None => {
            top.report("eventType", Value::from(type_name));
            let rest: Map<String, Value> = top
                .map
                .into_iter()
                .flatten()
                .filter(|(k, _)| !matches!(k.as_str(), "eventId" | "eventTime" | "eventType"))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            top.map = None;
            EventAttributes::Unmodelled {
                event_type_name: type_name.to_string(),
                attributes: Value::Object(rest),
            }
        }
    };
    Ok(Event {
        event_id,
        event_time,
        attributes,
    })
}

/// `activityTaskScheduledEventAttributes` for `ActivityTaskScheduled`.
pub(super) fn attributes_key(event_type: EventType) -> String {
    let name = event_type.name();
    let mut key = String::with_capacity(name.len() + 15);
    let mut chars = name.chars();
    if let Some(first) = chars.next() {
        key.push(first.to_ascii_lowercase());
    }
    key.extend(chars);
    key.push_str("EventAttributes");
    key
}

#[derive(Clone, Copy)]
struct Location {
    index: usize,
    event_id: i64,
}

/// A JSON object being read; reports its unread, non-default fields on drop.
struct Fields<'v, 's> {
    map: Option<&'v Map<String, Value>>,
    path: String,
    read: Vec<&'v str>,
    location: Location,
    sink: &'s RefCell<Vec<UnmodelledItem>>,
}

impl Drop for Fields<'_, '_> {
    fn drop(&mut self) {
        let Some(map) = self.map else { return };
        let mut sink = self.sink.borrow_mut();
        for (key, value) in map {
            if !self.read.contains(&key.as_str()) && !is_default(value) {
                sink.push(UnmodelledItem {
                    event_index: self.location.index,
                    event_id: self.location.event_id,
                    field: join(&self.path, key),
                    value: value.clone(),
                });
            }
        }
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// Proto3 JSON leaves defaults out; one written anyway says nothing.
fn is_default(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::String(s) => s.is_empty() || s == "0",
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
    }
}

impl<'v, 's> Fields<'v, 's> {
    fn open(
        value: Option<&'v Value>,
        path: String,
        location: Location,
        sink: &'s RefCell<Vec<UnmodelledItem>>,
    ) -> Result<Self, ImportError> {
        let map = match value {
            None | Some(Value::Null) => None,
            Some(Value::Object(map)) => Some(map),
            Some(other) => {
                return Err(ImportError {
                    event_index: Some(location.index),
                    field: path,
                    message: format!("expected an object, found {}", kind_of(other)),
                })
            }
        };
        Ok(Fields {
            map,
            path,
            read: Vec::new(),
            location,
            sink,
        })
    }

    fn error(&self, key: &str, message: &str) -> ImportError {
        ImportError {
            event_index: Some(self.location.index),
            field: join(&self.path, key),
            message: message.to_string(),
        }
    }

    fn report(&self, key: &str, value: Value) {
        self.sink.borrow_mut().push(UnmodelledItem {
            event_index: self.location.index,
            event_id: self.location.event_id,
            field: join(&self.path, key),
            value,
        });
    }

    /// The value of `key` (None if absent or null), marking it read.
    fn get(&mut self, key: &str) -> Option<&'v Value> {
        let (k, v) = self.map?.get_key_value(key)?;
        self.read.push(k.as_str());
        if v.is_null() {
            None
        } else {
            Some(v)
        }
    }

    fn has(&self, key: &str) -> bool {
        self.map
            .is_some_and(|m| m.get(key).is_some_and(|v| !v.is_null()))
    }

    fn child(&mut self, key: &str) -> Result<Fields<'v, 's>, ImportError> {
        let value = self.get(key);
        Fields::open(value, join(&self.path, key), self.location, self.sink)
    }

    fn str(&mut self, key: &str) -> Result<String, ImportError> {
        match self.get(key) {
            None => Ok(String::new()),
            Some(Value::String(s)) => Ok(s.clone()),
            Some(other) => {
                Err(self.error(key, &format!("expected a string, found {}", kind_of(other))))
            }
        }
    }

    fn opt_str(&mut self, key: &str) -> Result<Option<String>, ImportError> {
        Ok(Some(self.str(key)?).filter(|s| !s.is_empty()))
    }

    fn int(&mut self, key: &str) -> Result<i64, ImportError> {
        match self.get(key) {
            None => Ok(0),
            Some(Value::Number(n)) => n
                .as_i64()
                .ok_or_else(|| self.error(key, &format!("{n} is not a 64-bit integer"))),
            Some(Value::String(s)) => s
                .parse()
                .map_err(|_| self.error(key, &format!("{s:?} is not an integer"))),
            Some(other) => Err(self.error(
                key,
                &format!("expected an integer, found {}", kind_of(other)),
            )),
        }
    }

    fn opt_id(&mut self, key: &str) -> Result<Option<i64>, ImportError> {
        Ok(Some(self.int(key)?).filter(|id| *id != 0))
    }

    fn u32(&mut self, key: &str) -> Result<u32, ImportError> {
        let value = self.int(key)?;
        u32::try_from(value).map_err(|_| self.error(key, &format!("{value} is out of range")))
    }

    fn bool(&mut self, key: &str) -> Result<bool, ImportError> {
        match self.get(key) {
            None => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(other) => Err(self.error(
                key,
                &format!("expected true or false, found {}", kind_of(other)),
            )),
        }
    }

    fn duration(&mut self, key: &str) -> Result<Duration, ImportError> {
        match self.get(key) {
            None => Ok(Duration::ZERO),
            Some(Value::String(s)) => parse_proto_duration(s).ok_or_else(|| {
                self.error(
                    key,
                    &format!("{s:?} is not a duration like \"10s\" or \"0.5s\""),
                )
            }),
            Some(other) => Err(self.error(
                key,
                &format!("expected a duration string, found {}", kind_of(other)),
            )),
        }
    }

    /// A duration where zero (or absent) means "not set", as in Temporal.
    fn opt_duration(&mut self, key: &str) -> Result<Option<Duration>, ImportError> {
        Ok(Some(self.duration(key)?).filter(|d| !d.is_zero()))
    }

    /// An optional time; Go's zero time (`0001-01-01T00:00:00Z`) means unset.
    fn time(&mut self, key: &str) -> Result<Option<SimTime>, ImportError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) if s == "0001-01-01T00:00:00Z" => Ok(None),
            Some(Value::String(s)) => parse_rfc3339(s).map(Some).map_err(|m| self.error(key, &m)),
            Some(other) => Err(self.error(
                key,
                &format!("expected a time string, found {}", kind_of(other)),
            )),
        }
    }

    /// `{"name": ...}` (workflow and activity types).
    fn name(&mut self, key: &str) -> Result<String, ImportError> {
        self.child(key)?.str("name")
    }

    fn task_queue(&mut self, key: &str) -> Result<TaskQueue, ImportError> {
        let mut queue = self.child(key)?;
        let name = queue.str("name")?;
        let normal = match queue.map.and_then(|m| m.get("kind")) {
            None | Some(Value::Null) => true,
            Some(Value::String(kind)) => matches!(
                kind.as_str(),
                "TASK_QUEUE_KIND_NORMAL" | "Normal" | "TASK_QUEUE_KIND_UNSPECIFIED" | "Unspecified"
            ),
            Some(_) => false,
        };
        if normal {
            queue.get("kind");
        }
        Ok(TaskQueue::new(name))
    }

    fn execution(&mut self, key: &str) -> Result<WorkflowExecution, ImportError> {
        let mut execution = self.child(key)?;
        Ok(WorkflowExecution {
            workflow_id: WorkflowId::new(execution.str("workflowId")?),
            run_id: RunId::new(execution.str("runId")?),
        })
    }

    fn opt_execution(&mut self, key: &str) -> Result<Option<WorkflowExecution>, ImportError> {
        if self.has(key) {
            self.execution(key).map(Some)
        } else {
            self.get(key);
            Ok(None)
        }
    }

    fn enum_name(&mut self, key: &str, prefix: &str) -> Result<Option<String>, ImportError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) if s.is_empty() => Ok(None),
            Some(Value::String(s)) => Ok(Some(full_enum_name(s, prefix))),
            Some(other) => Err(self.error(
                key,
                &format!("expected an enum name, found {}", kind_of(other)),
            )),
        }
    }

    fn retry_state(&mut self, key: &str) -> Result<RetryState, ImportError> {
        match self.enum_name(key, enums::RETRY_STATE)? {
            None => Ok(RetryState::Unspecified),
            Some(name) => enums::retry_state(&name)
                .ok_or_else(|| self.error(key, &format!("unknown retry state {name}"))),
        }
    }

    /// Absent means `TIMEOUT_TYPE_START_TO_CLOSE` (older histories leave it out).
    fn timeout_type(&mut self, key: &str) -> Result<TimeoutType, ImportError> {
        match self.enum_name(key, enums::TIMEOUT_TYPE)? {
            None => Ok(TimeoutType::StartToClose),
            Some(name) => enums::timeout_type(&name)
                .ok_or_else(|| self.error(key, &format!("unknown timeout type {name}"))),
        }
    }

    fn parent_close_policy(&mut self, key: &str) -> Result<ParentClosePolicy, ImportError> {
        match self.enum_name(key, enums::PARENT_CLOSE_POLICY)? {
            None => Ok(ParentClosePolicy::default()),
            Some(name) => enums::parent_close_policy(&name)
                .ok_or_else(|| self.error(key, &format!("unknown parent close policy {name}"))),
        }
    }

    fn reuse_policy(&mut self, key: &str) -> Result<WorkflowIdReusePolicy, ImportError> {
        match self.enum_name(key, enums::WORKFLOW_ID_REUSE_POLICY)? {
            None => Ok(WorkflowIdReusePolicy::default()),
            Some(name) => enums::reuse_policy(&name).ok_or_else(|| {
                self.error(key, &format!("unknown workflow id reuse policy {name}"))
            }),
        }
    }

    fn initiator(&mut self, key: &str) -> Result<Option<ContinueAsNewInitiator>, ImportError> {
        match self.enum_name(key, enums::CONTINUE_AS_NEW_INITIATOR)? {
            None => Ok(None),
            Some(name) => enums::initiator(&name)
                .ok_or_else(|| self.error(key, &format!("unknown initiator {name}"))),
        }
    }

    /// `Payloads`: `None` when absent or empty.
    fn payloads(&mut self, key: &str) -> Result<Option<Payload>, ImportError> {
        let mut payloads = self.child(key)?;
        let list = match payloads.get("payloads") {
            None => return Ok(None),
            Some(Value::Array(list)) => list,
            Some(other) => {
                return Err(payloads.error(
                    "payloads",
                    &format!("expected a list, found {}", kind_of(other)),
                ));
            }
        };
        let mut values = Vec::with_capacity(list.len());
        for (i, payload) in list.iter().enumerate() {
            values.push(payloads.single_payload_value(&format!("payloads.{i}"), payload)?);
        }
        Ok(match values.len() {
            0 => None,
            1 => values.pop().map(Payload::new),
            _ => Some(Payload::new(serde_json::json!({ "$payloads": values }))),
        })
    }

    fn payload(&mut self, key: &str) -> Result<Payload, ImportError> {
        Ok(self.payloads(key)?.unwrap_or_default())
    }

    /// One `Payload`: its JSON value if it is `json/plain`, else the raw form.
    fn single_payload_value(&self, key: &str, payload: &Value) -> Result<Value, ImportError> {
        let Some(object) = payload.as_object() else {
            return Err(self.error(
                key,
                &format!("expected a payload object, found {}", kind_of(payload)),
            ));
        };
        if let Some(value) = plain_json(object) {
            return Ok(value);
        }
        let mut raw = Map::new();
        if let Some(encoding) = object
            .get("metadata")
            .and_then(|m| m.get("encoding"))
            .and_then(Value::as_str)
            .and_then(|e| BASE64.decode(e).ok())
            .and_then(|bytes| String::from_utf8(bytes).ok())
        {
            raw.insert("$encoding".into(), Value::String(encoding));
        }
        raw.insert("$payload".into(), payload.clone());
        self.report(key, payload.clone());
        Ok(Value::Object(raw))
    }

    /// `{"fields": {key: Payload}}` (memo) or `{"indexedFields": ...}` (search attributes).
    fn payload_map(
        &mut self,
        key: &str,
        inner: &str,
    ) -> Result<BTreeMap<String, Payload>, ImportError> {
        let mut outer = self.child(key)?;
        let mut fields = outer.child(inner)?;
        let mut map = BTreeMap::new();
        for (name, payload) in fields.map.into_iter().flatten() {
            map.insert(
                name.clone(),
                Payload::new(fields.single_payload_value(name, payload)?),
            );
        }
        fields.map = None;
        Ok(map)
    }

    /// `{key: Payloads}` (marker details).
    fn payloads_map(&mut self, key: &str) -> Result<BTreeMap<String, Payload>, ImportError> {
        let mut details = self.child(key)?;
        let mut map = BTreeMap::new();
        let names: Vec<&String> = details.map.into_iter().flatten().map(|(k, _)| k).collect();
        for name in names {
            map.insert(name.clone(), details.payloads(name)?.unwrap_or_default());
        }
        Ok(map)
    }

    fn failure(&mut self, key: &str) -> Result<Option<Failure>, ImportError> {
        if !self.has(key) {
            self.get(key);
            return Ok(None);
        }
        let mut failure = self.child(key)?;
        read_failure(&mut failure).map(Some)
    }

    fn required_failure(&mut self, key: &str) -> Result<Failure, ImportError> {
        Ok(self.failure(key)?.unwrap_or_else(|| {
            Failure::from(FailureFields {
                message: String::new(),
                stack_trace: String::new(),
                info: FailureInfo::Unmodelled {
                    info_key: String::new(),
                    attributes: Value::Null,
                },
                cause: None,
            })
        }))
    }

    fn retry_policy(&mut self, key: &str) -> Result<Option<RetryPolicy>, ImportError> {
        if !self.has(key) {
            self.get(key);
            return Ok(None);
        }
        let mut p = self.child(key)?;
        let defaults = RetryPolicy::default();
        let backoff_coefficient = match p.get("backoffCoefficient") {
            None => defaults.backoff_coefficient,
            Some(Value::Number(n)) => n.as_f64().unwrap_or(defaults.backoff_coefficient),
            Some(other) => {
                return Err(p.error(
                    "backoffCoefficient",
                    &format!("expected a number, found {}", kind_of(other)),
                ))
            }
        };
        let non_retryable_error_types = match p.get("nonRetryableErrorTypes") {
            None => Vec::new(),
            Some(Value::Array(list)) => list
                .iter()
                .map(|t| t.as_str().map(str::to_string))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| p.error("nonRetryableErrorTypes", "expected a list of strings"))?,
            Some(other) => {
                return Err(p.error(
                    "nonRetryableErrorTypes",
                    &format!("expected a list, found {}", kind_of(other)),
                ))
            }
        };
        Ok(Some(RetryPolicy {
            initial_interval: p
                .opt_duration("initialInterval")?
                .unwrap_or(defaults.initial_interval),
            backoff_coefficient,
            maximum_interval: p.opt_duration("maximumInterval")?,
            maximum_attempts: p.u32("maximumAttempts")?,
            non_retryable_error_types,
        }))
    }
}

/// The JSON value of a payload that is exactly `json/plain` with valid JSON data.
fn plain_json(object: &Map<String, Value>) -> Option<Value> {
    if object.keys().any(|k| k != "metadata" && k != "data") {
        return None;
    }
    let metadata = object.get("metadata")?.as_object()?;
    if metadata.len() != 1
        || BASE64.decode(metadata.get("encoding")?.as_str()?).ok()? != b"json/plain"
    {
        return None;
    }
    let data = BASE64.decode(object.get("data")?.as_str()?).ok()?;
    serde_json::from_slice(&data).ok()
}

/// The `temporal.api.failure.v1.Failure` fields (info kinds Tempest does not
/// model are kept whole as [`FailureInfo::Unmodelled`]).
fn read_failure(f: &mut Fields<'_, '_>) -> Result<Failure, ImportError> {
    let message = f.str("message")?;
    let stack_trace = f.str("stackTrace")?;
    let cause = f.failure("cause")?.map(Box::new);
    let info = if f.has("applicationFailureInfo") {
        let mut c = f.child("applicationFailureInfo")?;
        FailureInfo::Application {
            type_name: c.str("type")?,
            non_retryable: c.bool("nonRetryable")?,
            details: c.payloads("details")?,
        }
    } else if f.has("timeoutFailureInfo") {
        let mut c = f.child("timeoutFailureInfo")?;
        FailureInfo::Timeout {
            timeout_type: c.timeout_type("timeoutType")?,
            last_heartbeat_details: c.payloads("lastHeartbeatDetails")?,
        }
    } else if f.has("canceledFailureInfo") {
        FailureInfo::Canceled {
            details: f.child("canceledFailureInfo")?.payloads("details")?,
        }
    } else if f.has("terminatedFailureInfo") {
        f.child("terminatedFailureInfo")?;
        FailureInfo::Terminated
    } else if f.has("serverFailureInfo") {
        FailureInfo::Server {
            non_retryable: f.child("serverFailureInfo")?.bool("nonRetryable")?,
        }
    } else if f.has("activityFailureInfo") {
        let mut c = f.child("activityFailureInfo")?;
        FailureInfo::Activity {
            scheduled_event_id: c.int("scheduledEventId")?,
            started_event_id: c.int("startedEventId")?,
            activity_type: ActivityType::new(c.name("activityType")?),
            activity_id: ActivityId::new(c.str("activityId")?),
            retry_state: c.retry_state("retryState")?,
        }
    } else if f.has("childWorkflowExecutionFailureInfo") {
        let mut c = f.child("childWorkflowExecutionFailureInfo")?;
        FailureInfo::ChildWorkflow {
            workflow_execution: c.execution("workflowExecution")?,
            workflow_type: WorkflowType::new(c.name("workflowType")?),
            initiated_event_id: c.int("initiatedEventId")?,
            started_event_id: c.int("startedEventId")?,
            retry_state: c.retry_state("retryState")?,
        }
    } else {
        let other = f
            .map
            .into_iter()
            .flatten()
            .find(|(k, v)| k.ends_with("FailureInfo") && !v.is_null());
        match other {
            Some((key, value)) => {
                f.get(key);
                FailureInfo::Unmodelled {
                    info_key: key.clone(),
                    attributes: value.clone(),
                }
            }
            None => FailureInfo::Unmodelled {
                info_key: String::new(),
                attributes: Value::Null,
            },
        }
    };
    Ok(Failure::from(FailureFields {
        message,
        stack_trace,
        info,
        cause,
    }))
}

/// Proto3 JSON durations: `"10s"`, `"0.5s"`, `"1.000000001s"`.
fn parse_proto_duration(text: &str) -> Option<Duration> {
    let number = text.strip_suffix('s')?;
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) || fraction.len() > 9 {
        return None;
    }
    if !fraction.bytes().all(|b| b.is_ascii_digit())
        || (number.contains('.') && fraction.is_empty())
    {
        return None;
    }
    let secs: u64 = whole.parse().ok()?;
    let nanos: u32 = if fraction.is_empty() {
        0
    } else {
        format!("{fraction:0<9}").parse().ok()?
    };
    Some(Duration::new(secs, nanos))
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn read_attributes(
    event_type: EventType,
    a: &mut Fields<'_, '_>,
) -> Result<EventAttributes, ImportError> {
    use EventAttributes as A;
    use EventType as T;
    let ns = |a: &mut Fields<'_, '_>| a.str("namespace").map(Namespace::new);
    Ok(match event_type {
        T::WorkflowExecutionStarted => {
            A::WorkflowExecutionStarted(Box::new(WorkflowExecutionStartedAttributes {
                workflow_type: WorkflowType::new(a.name("workflowType")?),
                parent_workflow_namespace: a
                    .opt_str("parentWorkflowNamespace")?
                    .map(Namespace::new),
                parent_workflow_execution: a.opt_execution("parentWorkflowExecution")?,
                parent_initiated_event_id: a.opt_id("parentInitiatedEventId")?,
                task_queue: a.task_queue("taskQueue")?,
                input: a.payload("input")?,
                workflow_execution_timeout: a.opt_duration("workflowExecutionTimeout")?,
                workflow_run_timeout: a.opt_duration("workflowRunTimeout")?,
                workflow_task_timeout: a.duration("workflowTaskTimeout")?,
                continued_execution_run_id: a.opt_str("continuedExecutionRunId")?.map(RunId::new),
                initiator: a.initiator("initiator")?,
                continued_failure: a.failure("continuedFailure")?,
                last_completion_result: a.payloads("lastCompletionResult")?,
                original_execution_run_id: RunId::new(a.str("originalExecutionRunId")?),
                identity: a.str("identity")?.into(),
                first_execution_run_id: RunId::new(a.str("firstExecutionRunId")?),
                retry_policy: a.retry_policy("retryPolicy")?,
                attempt: a.u32("attempt")?,
                workflow_execution_expiration_time: a.time("workflowExecutionExpirationTime")?,
                cron_schedule: a.opt_str("cronSchedule")?,
                first_workflow_task_backoff: a.opt_duration("firstWorkflowTaskBackoff")?,
                memo: a.payload_map("memo", "fields")?,
            }))
        }
        T::WorkflowExecutionCompleted => A::WorkflowExecutionCompleted {
            result: a.payload("result")?,
            workflow_task_completed_event_id: a.int("workflowTaskCompletedEventId")?,
            new_execution_run_id: a.opt_str("newExecutionRunId")?.map(RunId::new),
        },
        T::WorkflowExecutionFailed => A::WorkflowExecutionFailed {
            failure: a.required_failure("failure")?,
            retry_state: a.retry_state("retryState")?,
            workflow_task_completed_event_id: a.int("workflowTaskCompletedEventId")?,
            new_execution_run_id: a.opt_str("newExecutionRunId")?.map(RunId::new),
        },
        T::WorkflowExecutionTimedOut => A::WorkflowExecutionTimedOut {
            retry_state: a.retry_state("retryState")?,
            new_execution_run_id: a.opt_str("newExecutionRunId")?.map(RunId::new),
        },
        T::WorkflowTaskScheduled => A::WorkflowTaskScheduled {
            task_queue: a.task_queue("taskQueue")?,
            start_to_close_timeout: a.duration("startToCloseTimeout")?,
            attempt: a.u32("attempt")?,
        },
        T::WorkflowTaskStarted => A::WorkflowTaskStarted {
            scheduled_event_id: a.int("scheduledEventId")?,
            identity: a.str("identity")?.into(),
            request_id: a.str("requestId")?.into(),
        },
        T::WorkflowTaskCompleted => A::WorkflowTaskCompleted {
            scheduled_event_id: a.int("scheduledEventId")?,
            started_event_id: a.int("startedEventId")?,
            identity: a.str("identity")?.into(),
        },
        T::WorkflowTaskTimedOut => A::WorkflowTaskTimedOut {
            scheduled_event_id: a.int("scheduledEventId")?,
            started_event_id: a.int("startedEventId")?,
            timeout_type: a.timeout_type("timeoutType")?,
        },
        T::WorkflowTaskFailed => A::WorkflowTaskFailed {
            scheduled_event_id: a.int("scheduledEventId")?,
            started_event_id: a.int("startedEventId")?,
            cause: enums::workflow_task_failed_cause(
                a.enum_name("cause", enums::WORKFLOW_TASK_FAILED_CAUSE)?
                    .unwrap_or_else(|| "WORKFLOW_TASK_FAILED_CAUSE_UNSPECIFIED".into()),
            ),
            failure: a.failure("failure")?,
            identity: a.str("identity")?.into(),
        },
        T::ActivityTaskScheduled => {
            A::ActivityTaskScheduled(Box::new(ActivityTaskScheduledAttributes {
                activity_id: ActivityId::new(a.str("activityId")?),
                activity_type: ActivityType::new(a.name("activityType")?),
                task_queue: a.task_queue("taskQueue")?,
                input: a.payload("input")?,
                schedule_to_close_timeout: a.opt_duration("scheduleToCloseTimeout")?,
                schedule_to_start_timeout: a.opt_duration("scheduleToStartTimeout")?,
                start_to_close_timeout: a.opt_duration("startToCloseTimeout")?,
                heartbeat_timeout: a.opt_duration("heartbeatTimeout")?,
                workflow_task_completed_event_id: a.int("workflowTaskCompletedEventId")?,
                retry_policy: a.retry_policy("retryPolicy")?,
            }))
        }
        T::ActivityTaskStarted => A::ActivityTaskStarted {
            scheduled_event_id: a.int("scheduledEventId")?,
            identity: a.str("identity")?.into(),
            request_id: a.str("requestId")?.into(),
            attempt: a.u32("attempt")?,
            last_failure: a.failure("lastFailure")?,
        },
        T::ActivityTaskCompleted => A::ActivityTaskCompleted {
            result: a.payload("result")?,
            scheduled_event_id: a.int("scheduledEventId")?,
            started_event_id: a.int("startedEventId")?,
            identity: a.str("identity")?.into(),
        },
        T::ActivityTaskFailed => A::ActivityTaskFailed {
            failure: a.required_failure("failure")?,
            scheduled_event_id: a.int("scheduledEventId")?,
            started_event_id: a.int("startedEventId")?,
            identity: a.str("identity")?.into(),
            retry_state: a.retry_state("retryState")?,
        },
        T::ActivityTaskTimedOut => A::ActivityTaskTimedOut {
            failure: a.required_failure("failure")?,
            scheduled_event_id: a.int("scheduledEventId")?,
            started_event_id: a.int("startedEventId")?,
            retry_state: a.retry_state("retryState")?,
        },
        T::ActivityTaskCancelRequested => A::ActivityTaskCancelRequested {
            scheduled_event_id: a.int("scheduledEventId")?,
            workflow_task_completed_event_id: a.int("workflowTaskCompletedEventId")?,
        },
        T::ActivityTaskCanceled => A::ActivityTaskCanceled {
            details: a.payloads("details")?,
            latest_cancel_requested_event_id: a.int("latestCancelRequestedEventId")?,
            scheduled_event_id: a.int("scheduledEventId")?,
            started_event_id: a.int("startedEventId")?,
            identity: a.str("identity")?.into(),
        },
        T::TimerStarted => A::TimerStarted {
            timer_id: TimerId::new(a.str("timerId")?),
            start_to_fire_timeout: a.duration("startToFireTimeout")?,
            workflow_task_completed_event_id: a.int("workflowTaskCompletedEventId")?,
        },
        T::TimerFired => A::TimerFired {
            timer_id: TimerId::new(a.str("timerId")?),
            started_event_id: a.int("startedEventId")?,
        },
        T::TimerCanceled => A::TimerCanceled {
            timer_id: TimerId::new(a.str("timerId")?),
            started_event_id: a.int("startedEventId")?,
            workflow_task_completed_event_id: a.int("workflowTaskCompletedEventId")?,
            identity: a.str("identity")?.into(),
        },
        T::WorkflowExecutionCancelRequested => A::WorkflowExecutionCancelRequested {
            cause: a.str("cause")?,
            external_initiated_event_id: a.opt_id("externalInitiatedEventId")?,
            external_workflow_execution: a.opt_execution("externalWorkflowExecution")?,
            identity: a.str("identity")?.into(),
        },
        T::WorkflowExecutionCanceled => A::WorkflowExecutionCanceled {
            workflow_task_completed_event_id: a.int("workflowTaskCompletedEventId")?,
            details: a.payloads("details")?,
        },
        T::RequestCancelExternalWorkflowExecutionInitiated => {
            A::RequestCancelExternalWorkflowExecutionInitiated {
                workflow_task_completed_event_id: a.int("workflowTaskCompletedEventId")?,
                namespace: ns(a)?,
                workflow_execution: a.execution("workflowExecution")?,
                child_workflow_only: a.bool("childWorkflowOnly")?,
                reason: a.str("reason")?,
            }
        }
        T::RequestCancelExternalWorkflowExecutionFailed => {
            A::RequestCancelExternalWorkflowExecutionFailed {
                cause: a.str("cause")?,
                workflow_task_completed_event_id: a.int("workflowTaskCompletedEventId")?,
                namespace: ns(a)?,
                workflow_execution: a.execution("workflowExecution")?,
                initiated_event_id: a.int("initiatedEventId")?,
            }
        }
        T::ExternalWorkflowExecutionCancelRequested => {
            A::ExternalWorkflowExecutionCancelRequested {
                initiated_event_id: a.int("initiatedEventId")?,
                namespace: ns(a)?,
                workflow_execution: a.execution("workflowExecution")?,
            }
        }
        T::MarkerRecorded => A::MarkerRecorded {
            marker_name: a.str("markerName")?,
            details: a.payloads_map("details")?,
            workflow_task_completed_event_id: a.int("workflowTaskCompletedEventId")?,
            failure: a.failure("failure")?,
        },
        T::WorkflowExecutionSignaled => A::WorkflowExecutionSignaled {
            signal_name: a.str("signalName")?,
            input: a.payload("input")?,
            identity: a.str("identity")?.into(),
        },
        T::WorkflowExecutionTerminated => A::WorkflowExecutionTerminated {
            reason: a.str("reason")?,
            details: a.payloads("details")?,
            identity: a.str("identity")?.into(),
        },
        T::WorkflowExecutionContinuedAsNew => A::WorkflowExecutionContinuedAsNew(Box::new(
            WorkflowExecutionContinuedAsNewAttributes {
                new_execution_run_id: RunId::new(a.str("newExecutionRunId")?),
                workflow_type: WorkflowType::new(a.name("workflowType")?),
                task_queue: a.task_queue("taskQueue")?,
                input: a.payload("input")?,
                workflow_run_timeout: a.opt_duration("workflowRunTimeout")?,
                workflow_task_timeout: a.duration("workflowTaskTimeout")?,
                workflow_task_completed_event_id: a.int("workflowTaskCompletedEventId")?,
                backoff_start_interval: a.opt_duration("backoffStartInterval")?,
                // Absent (UNSPECIFIED) in older histories: a workflow's own continue-as-new.
                initiator: a
                    .initiator("initiator")?
                    .unwrap_or(ContinueAsNewInitiator::Workflow),
                failure: a.failure("failure")?,
                last_completion_result: a.payloads("lastCompletionResult")?,
                memo: a.payload_map("memo", "fields")?,
            },
        )),
        T::StartChildWorkflowExecutionInitiated => A::StartChildWorkflowExecutionInitiated(
            Box::new(StartChildWorkflowExecutionInitiatedAttributes {
                namespace: ns(a)?,
                workflow_id: WorkflowId::new(a.str("workflowId")?),
                workflow_type: WorkflowType::new(a.name("workflowType")?),
                task_queue: a.task_queue("taskQueue")?,
                input: a.payload("input")?,
                workflow_execution_timeout: a.opt_duration("workflowExecutionTimeout")?,
                workflow_run_timeout: a.opt_duration("workflowRunTimeout")?,
                workflow_task_timeout: a.duration("workflowTaskTimeout")?,
                parent_close_policy: a.parent_close_policy("parentClosePolicy")?,
                workflow_task_completed_event_id: a.int("workflowTaskCompletedEventId")?,
                workflow_id_reuse_policy: a.reuse_policy("workflowIdReusePolicy")?,
                retry_policy: a.retry_policy("retryPolicy")?,
                cron_schedule: a.opt_str("cronSchedule")?,
                memo: a.payload_map("memo", "fields")?,
            }),
        ),
        T::StartChildWorkflowExecutionFailed => A::StartChildWorkflowExecutionFailed {
            namespace: ns(a)?,
            workflow_id: WorkflowId::new(a.str("workflowId")?),
            workflow_type: WorkflowType::new(a.name("workflowType")?),
            cause: a.str("cause")?,
            initiated_event_id: a.int("initiatedEventId")?,
            workflow_task_completed_event_id: a.int("workflowTaskCompletedEventId")?,
        },
        T::ChildWorkflowExecutionStarted => A::ChildWorkflowExecutionStarted {
            namespace: ns(a)?,
            initiated_event_id: a.int("initiatedEventId")?,
            workflow_execution: a.execution("workflowExecution")?,
            workflow_type: WorkflowType::new(a.name("workflowType")?),
        },
        T::ChildWorkflowExecutionCompleted => A::ChildWorkflowExecutionCompleted {
            result: a.payload("result")?,
            namespace: ns(a)?,
            workflow_execution: a.execution("workflowExecution")?,
            workflow_type: WorkflowType::new(a.name("workflowType")?),
            initiated_event_id: a.int("initiatedEventId")?,
            started_event_id: a.int("startedEventId")?,
        },
        T::ChildWorkflowExecutionFailed => A::ChildWorkflowExecutionFailed {
            failure: a.required_failure("failure")?,
            namespace: ns(a)?,
            workflow_execution: a.execution("workflowExecution")?,
            workflow_type: WorkflowType::new(a.name("workflowType")?),
            initiated_event_id: a.int("initiatedEventId")?,
            started_event_id: a.int("startedEventId")?,
            retry_state: a.retry_state("retryState")?,
        },
        T::ChildWorkflowExecutionCanceled => A::ChildWorkflowExecutionCanceled {
            details: a.payloads("details")?,
            namespace: ns(a)?,
            workflow_execution: a.execution("workflowExecution")?,
            workflow_type: WorkflowType::new(a.name("workflowType")?),
            initiated_event_id: a.int("initiatedEventId")?,
            started_event_id: a.int("startedEventId")?,
        },
        T::ChildWorkflowExecutionTimedOut => A::ChildWorkflowExecutionTimedOut {
            namespace: ns(a)?,
            workflow_execution: a.execution("workflowExecution")?,
            workflow_type: WorkflowType::new(a.name("workflowType")?),
            initiated_event_id: a.int("initiatedEventId")?,
            started_event_id: a.int("startedEventId")?,
            retry_state: a.retry_state("retryState")?,
        },
        T::ChildWorkflowExecutionTerminated => A::ChildWorkflowExecutionTerminated {
            namespace: ns(a)?,
            workflow_execution: a.execution("workflowExecution")?,
            workflow_type: WorkflowType::new(a.name("workflowType")?),
            initiated_event_id: a.int("initiatedEventId")?,
            started_event_id: a.int("startedEventId")?,
        },
        T::SignalExternalWorkflowExecutionInitiated => {
            A::SignalExternalWorkflowExecutionInitiated {
                workflow_task_completed_event_id: a.int("workflowTaskCompletedEventId")?,
                namespace: ns(a)?,
                workflow_execution: a.execution("workflowExecution")?,
                signal_name: a.str("signalName")?,
                input: a.payload("input")?,
                child_workflow_only: a.bool("childWorkflowOnly")?,
            }
        }
        T::SignalExternalWorkflowExecutionFailed => A::SignalExternalWorkflowExecutionFailed {
            cause: a.str("cause")?,
            workflow_task_completed_event_id: a.int("workflowTaskCompletedEventId")?,
            namespace: ns(a)?,
            workflow_execution: a.execution("workflowExecution")?,
            initiated_event_id: a.int("initiatedEventId")?,
        },
        T::ExternalWorkflowExecutionSignaled => A::ExternalWorkflowExecutionSignaled {
            initiated_event_id: a.int("initiatedEventId")?,
            namespace: ns(a)?,
            workflow_execution: a.execution("workflowExecution")?,
        },
        T::UpsertWorkflowSearchAttributes => A::UpsertWorkflowSearchAttributes {
            workflow_task_completed_event_id: a.int("workflowTaskCompletedEventId")?,
            search_attributes: a.payload_map("searchAttributes", "indexedFields")?,
        },
        T::WorkflowPropertiesModified => A::WorkflowPropertiesModified {
            workflow_task_completed_event_id: a.int("workflowTaskCompletedEventId")?,
            upserted_memo: a.payload_map("upsertedMemo", "fields")?,
        },
        T::Unmodelled => {
            return Err(a.error("", "the Unmodelled event type has no attributes to read"))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proto_durations_parse_exactly() {
        assert_eq!(parse_proto_duration("10s"), Some(Duration::from_secs(10)));
        assert_eq!(
            parse_proto_duration("0.5s"),
            Some(Duration::from_millis(500))
        );
        assert_eq!(
            parse_proto_duration("1.000000001s"),
            Some(Duration::new(1, 1))
        );
        for bad in ["10", "s", "1.s", "-1s", "1.0000000001s", "1e3s", "ten s"] {
            assert_eq!(parse_proto_duration(bad), None, "{bad}");
        }
    }

    #[test]
    fn attributes_keys_are_lower_camel_case() {
        assert_eq!(
            attributes_key(EventType::ActivityTaskScheduled),
            "activityTaskScheduledEventAttributes"
        );
    }
}
