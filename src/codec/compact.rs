//! A compact, lossless binary encoding of histories, in which the Store
//! keeps the histories of closed runs when a world holds very many of them
//! (docs/performance.md, memory per closed execution).
//!
//! An [`Event`] is 112 bytes in memory, plus its boxed attributes and
//! payloads; encoded, a `two_activities` history of 17 events takes about
//! 430 bytes. Decoding gives back events equal to the ones encoded, so the
//! same `Debug` text and JSON.
//!
//! The format, private to this module: the event count and the length of
//! the header section; the headers, one per event: the difference of its
//! id from the previous id plus one and of its time from the previous time
//! (zigzag varints, so imported histories with gaps or times going back
//! encode too) and its [`EventType`] as a byte; then the attributes of
//! every event, their fields in declaration order. The headers come apart
//! from the attributes so that [`CompactHistory::headers`] reads ids, types
//! and times without decoding anything else. Integers are LEB128 varints
//! (signed ones zigzag), `f64`s their 8 bits. Every string is written once
//! per history: a string already written is the varint of its position in
//! the history's string table plus one, a new one is 0, its length and its
//! bytes. Decoding hands out one shared `Rc<str>` per distinct string.

use crate::lookup::LookupMap;
use crate::model::*;
use rustc_hash::FxBuildHasher;
use serde_json::{Map, Number, Value};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::hash::BuildHasher;
use std::rc::Rc;

/// A history in the compact encoding. Only [`CompactHistory::encode`]
/// makes one, so decoding it cannot fail.
#[derive(Clone, Debug, PartialEq)]
pub struct CompactHistory(Box<[u8]>);

/// What identifies an event in its history, without its attributes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EventHeader {
    /// The event's id.
    pub event_id: i64,
    /// The event's type.
    pub event_type: EventType,
    /// When it was written.
    pub event_time: SimTime,
}

impl From<&Event> for EventHeader {
    fn from(event: &Event) -> EventHeader {
        EventHeader {
            event_id: event.event_id,
            event_type: event.event_type(),
            event_time: event.event_time,
        }
    }
}

impl CompactHistory {
    /// Encodes a history.
    pub fn encode(events: &[Event]) -> CompactHistory {
        WRITER.with(|writer| writer.borrow_mut().encode(events))
    }

    /// How many events the history has (read from the encoding's first bytes).
    pub fn len(&self) -> usize {
        Reader::new(&self.0).varint() as usize
    }

    /// Whether the history has no events.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many bytes the encoding takes.
    pub fn encoded_size(&self) -> usize {
        self.0.len()
    }

    /// The id, type and time of every event, decoding nothing else.
    pub fn headers(&self) -> impl Iterator<Item = EventHeader> + '_ {
        let (len, mut headers, _) = self.sections();
        (0..len).map(move |_| headers.header())
    }

    /// Decodes the whole history.
    pub fn decode(&self) -> Vec<Event> {
        let (len, mut headers, mut attributes) = self.sections();
        (0..len)
            .map(|_| read_event(&mut headers, &mut attributes))
            .collect()
    }

    /// Decodes only the first event, if there is one.
    pub fn first(&self) -> Option<Event> {
        let (len, mut headers, mut attributes) = self.sections();
        (len > 0).then(|| read_event(&mut headers, &mut attributes))
    }

    /// The event count, and readers at the headers and at the attributes.
    fn sections(&self) -> (usize, Reader<'_>, Reader<'_>) {
        let mut r = Reader::new(&self.0);
        let len = r.varint() as usize;
        let headers_len = r.varint() as usize;
        let start = r.position;
        let headers = Reader::new(&self.0[start..start + headers_len]);
        let mut attributes = Reader::new(&self.0[start + headers_len..]);
        // About one distinct string per event: room for them at once.
        attributes.strings.reserve(len);
        (len, headers, attributes)
    }
}

/// The next event: its header, then its attributes.
fn read_event(headers: &mut Reader, attributes: &mut Reader) -> Event {
    let header = headers.header();
    Event {
        event_id: header.event_id,
        event_time: header.event_time,
        attributes: EventAttributes::take_of(header.event_type, attributes),
    }
}

thread_local! {
    /// The thread's writer, reused so that encoding a history allocates
    /// only the result (its buffers keep the size of the largest history
    /// encoded).
    static WRITER: RefCell<Writer> = RefCell::new(Writer::default());
}

/// Builds an encoding: the headers and the attributes in two buffers, and
/// the string table of the attributes written so far.
#[derive(Default)]
struct Writer {
    headers: Vec<u8>,
    bytes: Vec<u8>,
    /// Where each string of the table is in `bytes`: start and length.
    strings: Vec<(usize, usize)>,
    /// The position in `strings` of the first string with a given hash.
    by_hash: LookupMap<u64, usize>,
}

impl Writer {
    fn encode(&mut self, events: &[Event]) -> CompactHistory {
        self.headers.clear();
        self.bytes.clear();
        self.strings.clear();
        self.by_hash.clear();
        let (mut previous_id, mut previous_time) = (0i64, 0u64);
        for event in events {
            let id_step = event.event_id.wrapping_sub(previous_id.wrapping_add(1));
            put_signed(&mut self.headers, id_step);
            put_signed(
                &mut self.headers,
                event.event_time.0.wrapping_sub(previous_time) as i64,
            );
            self.headers.push(event.event_type() as u8);
            event.attributes.put(self);
            previous_id = event.event_id;
            previous_time = event.event_time.0;
        }
        let mut out = Vec::with_capacity(20 + self.headers.len() + self.bytes.len());
        put_varint(&mut out, events.len() as u64);
        put_varint(&mut out, self.headers.len() as u64);
        out.extend_from_slice(&self.headers);
        out.extend_from_slice(&self.bytes);
        CompactHistory(out.into_boxed_slice())
    }

    fn byte(&mut self, b: u8) {
        self.bytes.push(b);
    }

    fn varint(&mut self, v: u64) {
        put_varint(&mut self.bytes, v);
    }

    fn signed(&mut self, v: i64) {
        put_signed(&mut self.bytes, v);
    }

    fn f64(&mut self, v: f64) {
        self.bytes.extend_from_slice(&v.to_bits().to_le_bytes());
    }

    /// A string: its table position plus one if an equal string was
    /// written before; else 0, its length and its bytes, and it joins the
    /// table. (Of two strings with the same hash only the first is found
    /// again; the second is written out each time, which decodes the same.)
    fn str(&mut self, s: &str) {
        let hash = FxBuildHasher.hash_one(s);
        match self.by_hash.get(&hash) {
            Some(&position) => {
                let (start, len) = self.strings[position];
                if &self.bytes[start..start + len] == s.as_bytes() {
                    self.varint(position as u64 + 1);
                    return;
                }
            }
            None => {
                self.by_hash.insert(hash, self.strings.len());
            }
        }
        self.varint(0);
        self.varint(s.len() as u64);
        self.strings.push((self.bytes.len(), s.len()));
        self.bytes.extend_from_slice(s.as_bytes());
    }
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push(v as u8 | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Zigzag: small negative numbers take few bytes too.
fn put_signed(out: &mut Vec<u8>, v: i64) {
    put_varint(out, ((v << 1) ^ (v >> 63)) as u64);
}

/// Reads one section of an encoding; holds the strings read so far and,
/// for the headers, the previous event's id and time.
struct Reader<'b> {
    bytes: &'b [u8],
    position: usize,
    strings: Vec<Rc<str>>,
    previous_id: i64,
    previous_time: u64,
}

impl<'b> Reader<'b> {
    fn new(bytes: &'b [u8]) -> Reader<'b> {
        Reader {
            bytes,
            position: 0,
            strings: Vec::new(),
            previous_id: 0,
            previous_time: 0,
        }
    }

    fn byte(&mut self) -> u8 {
        let b = self.bytes[self.position];
        self.position += 1;
        b
    }

    fn varint(&mut self) -> u64 {
        let mut v = 0u64;
        let mut shift = 0;
        loop {
            let b = self.byte();
            v |= u64::from(b & 0x7F) << shift;
            if b < 0x80 {
                return v;
            }
            shift += 7;
        }
    }

    fn signed(&mut self) -> i64 {
        let v = self.varint();
        (v >> 1) as i64 ^ -((v & 1) as i64)
    }

    fn str(&mut self) -> Rc<str> {
        match self.varint() {
            0 => {
                let len = self.varint() as usize;
                let end = self.position + len;
                let text = std::str::from_utf8(&self.bytes[self.position..end])
                    .expect("the encoder wrote a str");
                self.position = end;
                let s: Rc<str> = Rc::from(text);
                self.strings.push(s.clone());
                s
            }
            position => self.strings[position as usize - 1].clone(),
        }
    }

    fn header(&mut self) -> EventHeader {
        let event_id = self.previous_id.wrapping_add(1).wrapping_add(self.signed());
        let event_time = SimTime(self.previous_time.wrapping_add(self.signed() as u64));
        self.previous_id = event_id;
        self.previous_time = event_time.0;
        let tag = self.byte();
        let event_type = EventType::ALL
            .get(usize::from(tag))
            .copied()
            .unwrap_or(EventType::Unmodelled);
        EventHeader {
            event_id,
            event_type,
            event_time,
        }
    }
}

/// A value that can be written to and read back from the encoding.
trait Compact: Sized {
    fn put(&self, w: &mut Writer);
    fn take(r: &mut Reader) -> Self;
}

impl Compact for u32 {
    fn put(&self, w: &mut Writer) {
        w.varint(u64::from(*self));
    }
    fn take(r: &mut Reader) -> Self {
        u32::try_from(r.varint()).expect("the encoder wrote a u32")
    }
}

impl Compact for i64 {
    fn put(&self, w: &mut Writer) {
        w.signed(*self);
    }
    fn take(r: &mut Reader) -> Self {
        r.signed()
    }
}

impl Compact for bool {
    fn put(&self, w: &mut Writer) {
        w.byte(u8::from(*self));
    }
    fn take(r: &mut Reader) -> Self {
        r.byte() != 0
    }
}

impl Compact for f64 {
    fn put(&self, w: &mut Writer) {
        w.f64(*self);
    }
    fn take(r: &mut Reader) -> Self {
        let bits: [u8; 8] = std::array::from_fn(|_| r.byte());
        f64::from_bits(u64::from_le_bytes(bits))
    }
}

impl Compact for Rc<str> {
    fn put(&self, w: &mut Writer) {
        w.str(self);
    }
    fn take(r: &mut Reader) -> Self {
        r.str()
    }
}

/// A poll's number (tag 0) or a text (tag 1).
impl Compact for RequestId {
    fn put(&self, w: &mut Writer) {
        match self {
            RequestId::Poll(call) => {
                w.byte(0);
                w.varint(*call);
            }
            RequestId::Text(text) => {
                w.byte(1);
                w.str(text);
            }
        }
    }
    fn take(r: &mut Reader) -> Self {
        match r.byte() {
            0 => RequestId::Poll(r.varint()),
            1 => RequestId::Text(r.str()),
            tag => unreachable!("the encoder wrote no request id tag {tag}"),
        }
    }
}

impl Compact for String {
    fn put(&self, w: &mut Writer) {
        w.str(self);
    }
    fn take(r: &mut Reader) -> Self {
        String::from(&*r.str())
    }
}

impl Compact for Duration {
    fn put(&self, w: &mut Writer) {
        w.varint(self.as_secs());
        w.varint(u64::from(self.subsec_nanos()));
    }
    fn take(r: &mut Reader) -> Self {
        let secs = r.varint();
        Duration::new(secs, u32::take(r))
    }
}

impl Compact for SimTime {
    fn put(&self, w: &mut Writer) {
        w.varint(self.0);
    }
    fn take(r: &mut Reader) -> Self {
        SimTime(r.varint())
    }
}

impl<T: Compact> Compact for Option<T> {
    fn put(&self, w: &mut Writer) {
        match self {
            None => w.byte(0),
            Some(v) => {
                w.byte(1);
                v.put(w);
            }
        }
    }
    fn take(r: &mut Reader) -> Self {
        (r.byte() != 0).then(|| T::take(r))
    }
}

impl<T: Compact> Compact for Box<T> {
    fn put(&self, w: &mut Writer) {
        (**self).put(w);
    }
    fn take(r: &mut Reader) -> Self {
        Box::new(T::take(r))
    }
}

impl<T: Compact> Compact for Vec<T> {
    fn put(&self, w: &mut Writer) {
        w.varint(self.len() as u64);
        for v in self {
            v.put(w);
        }
    }
    fn take(r: &mut Reader) -> Self {
        let len = r.varint() as usize;
        (0..len).map(|_| T::take(r)).collect()
    }
}

impl<V: Compact> Compact for BTreeMap<String, V> {
    fn put(&self, w: &mut Writer) {
        w.varint(self.len() as u64);
        for (k, v) in self {
            w.str(k);
            v.put(w);
        }
    }
    fn take(r: &mut Reader) -> Self {
        let len = r.varint() as usize;
        (0..len).map(|_| (String::take(r), V::take(r))).collect()
    }
}

impl Compact for Payload {
    fn put(&self, w: &mut Writer) {
        self.value().put(w);
    }
    fn take(r: &mut Reader) -> Self {
        Payload::new(<Value as Compact>::take(r))
    }
}

/// JSON values: a tag, then the value. Numbers keep the form serde_json
/// holds them in (u64, i64 or f64), so they print as they did.
impl Compact for Value {
    fn put(&self, w: &mut Writer) {
        match self {
            Value::Null => w.byte(0),
            Value::Bool(b) => w.byte(1 + u8::from(*b)),
            Value::Number(n) => {
                if let Some(u) = n.as_u64() {
                    w.byte(3);
                    w.varint(u);
                } else if let Some(i) = n.as_i64() {
                    w.byte(4);
                    w.signed(i);
                } else {
                    w.byte(5);
                    w.f64(n.as_f64().expect("a JSON number is u64, i64 or f64"));
                }
            }
            Value::String(s) => {
                w.byte(6);
                w.str(s);
            }
            Value::Array(items) => {
                w.byte(7);
                items.put(w);
            }
            Value::Object(map) => {
                w.byte(8);
                w.varint(map.len() as u64);
                for (k, v) in map {
                    w.str(k);
                    v.put(w);
                }
            }
        }
    }
    fn take(r: &mut Reader) -> Self {
        match r.byte() {
            0 => Value::Null,
            1 => Value::Bool(false),
            2 => Value::Bool(true),
            3 => Value::Number(r.varint().into()),
            4 => Value::Number(r.signed().into()),
            5 => Value::Number(
                Number::from_f64(f64::take(r)).expect("the encoder wrote a finite f64"),
            ),
            6 => Value::String(String::take(r)),
            7 => Value::Array(Vec::take(r)),
            8 => {
                let len = r.varint() as usize;
                let mut map = Map::new();
                for _ in 0..len {
                    let k = String::take(r);
                    map.insert(k, <Value as Compact>::take(r));
                }
                Value::Object(map)
            }
            tag => unreachable!("the encoder wrote no JSON value tag {tag}"),
        }
    }
}

/// The names (all an `Rc<str>`) go through the string table.
macro_rules! compact_names {
    ($($name:ident)*) => {$(
        impl Compact for $name {
            fn put(&self, w: &mut Writer) {
                w.str(&self.0);
            }
            fn take(r: &mut Reader) -> Self {
                $name(r.str())
            }
        }
    )*};
}

compact_names!(Namespace WorkflowId RunId TaskQueue WorkflowType ActivityType ActivityId TimerId);

/// A struct: its fields in the order listed. Listing every field is
/// enforced by the compiler (the pattern and the literal name them all).
macro_rules! compact_struct {
    ($ty:ident { $($field:ident),* $(,)? }) => {
        impl Compact for $ty {
            fn put(&self, w: &mut Writer) {
                let $ty { $($field),* } = self;
                $($field.put(w);)*
            }
            fn take(r: &mut Reader) -> Self {
                $ty { $($field: Compact::take(r)),* }
            }
        }
    };
}

/// An enum: a tag byte, then the variant's fields in the order listed.
/// A variant is written `Name`, `Name(field)` or `Name { fields }`; the
/// compiler checks that every variant and field is listed.
macro_rules! compact_enum {
    ($ty:ident { $($tag:literal => $variant:ident $(($inner:ident))? $({ $($field:ident),* $(,)? })?,)* }) => {
        impl Compact for $ty {
            fn put(&self, w: &mut Writer) {
                match self {
                    $($ty::$variant $(($inner))? $({ $($field),* })? => {
                        w.byte($tag);
                        $($inner.put(w);)?
                        $($($field.put(w);)*)?
                    })*
                }
            }
            fn take(r: &mut Reader) -> Self {
                match r.byte() {
                    $($tag => $ty::$variant
                        $(({ let $inner = Compact::take(r); $inner }))?
                        $({ $($field: Compact::take(r)),* })?,)*
                    tag => unreachable!(concat!("the encoder wrote no ", stringify!($ty), " tag {}"), tag),
                }
            }
        }
    };
}

/// The attributes of an event: no tag of their own (the header holds the
/// event type), then the variant's fields in the order listed.
macro_rules! compact_attributes {
    ($($variant:ident $(($inner:ident))? $({ $($field:ident),* $(,)? })?,)*) => {
        impl EventAttributes {
            fn put(&self, w: &mut Writer) {
                match self {
                    $(EventAttributes::$variant $(($inner))? $({ $($field),* })? => {
                        $($inner.put(w);)?
                        $($($field.put(w);)*)?
                    })*
                }
            }
            fn take_of(event_type: EventType, r: &mut Reader) -> Self {
                match event_type {
                    $(EventType::$variant => EventAttributes::$variant
                        $(({ let $inner = Compact::take(r); $inner }))?
                        $({ $($field: Compact::take(r)),* })?,)*
                }
            }
        }
    };
}

compact_struct!(WorkflowExecution {
    workflow_id,
    run_id
});

compact_struct!(RetryPolicy {
    initial_interval,
    backoff_coefficient,
    maximum_interval,
    maximum_attempts,
    non_retryable_error_types,
});

compact_struct!(FailureFields {
    message,
    stack_trace,
    info,
    cause
});

impl Compact for Failure {
    fn put(&self, w: &mut Writer) {
        (**self).put(w);
    }
    fn take(r: &mut Reader) -> Self {
        Failure::from(FailureFields::take(r))
    }
}

compact_enum!(FailureInfo {
    0 => Application { type_name, non_retryable, details },
    1 => Timeout { timeout_type, last_heartbeat_details },
    2 => Canceled { details },
    3 => Terminated,
    4 => Server { non_retryable },
    5 => Activity { scheduled_event_id, started_event_id, activity_type, activity_id, retry_state },
    6 => ChildWorkflow { workflow_execution, workflow_type, initiated_event_id, started_event_id, retry_state },
    7 => Unmodelled { info_key, attributes },
});

compact_enum!(TimeoutType {
    0 => StartToClose,
    1 => ScheduleToStart,
    2 => ScheduleToClose,
    3 => Heartbeat,
});

compact_enum!(RetryState {
    0 => Unspecified,
    1 => InProgress,
    2 => NonRetryableFailure,
    3 => Timeout,
    4 => MaximumAttemptsReached,
    5 => RetryPolicyNotSet,
    6 => InternalServerError,
    7 => CancelRequested,
});

compact_enum!(WorkflowTaskFailedCause {
    0 => NonDeterministicError,
    1 => WorkflowWorkerUnhandledFailure,
    2 => UnhandledCommand,
    3 => ResetStickyTaskQueue,
    4 => BadScheduleActivityAttributes,
    5 => BadStartTimerAttributes,
    6 => ForceCloseCommand,
    7 => Other(cause),
});

compact_enum!(ParentClosePolicy {
    0 => Terminate,
    1 => RequestCancel,
    2 => Abandon,
});

compact_enum!(WorkflowIdReusePolicy {
    0 => AllowDuplicate,
    1 => AllowDuplicateFailedOnly,
    2 => RejectDuplicate,
    3 => TerminateIfRunning,
});

compact_enum!(ContinueAsNewInitiator {
    0 => Workflow,
    1 => Retry,
    2 => CronSchedule,
});

compact_struct!(WorkflowExecutionStartedAttributes {
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
});

compact_struct!(WorkflowExecutionContinuedAsNewAttributes {
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
});

compact_struct!(StartChildWorkflowExecutionInitiatedAttributes {
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
});

compact_struct!(ActivityTaskScheduledAttributes {
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
});

compact_attributes! {
    WorkflowExecutionStarted(started),
    WorkflowExecutionCompleted { result, workflow_task_completed_event_id, new_execution_run_id },
    WorkflowExecutionFailed { failure, retry_state, workflow_task_completed_event_id, new_execution_run_id },
    WorkflowExecutionTimedOut { retry_state, new_execution_run_id },
    WorkflowTaskScheduled { task_queue, start_to_close_timeout, attempt },
    WorkflowTaskStarted { scheduled_event_id, identity, request_id },
    WorkflowTaskCompleted { scheduled_event_id, started_event_id, identity },
    WorkflowTaskTimedOut { scheduled_event_id, started_event_id, timeout_type },
    WorkflowTaskFailed { scheduled_event_id, started_event_id, cause, failure, identity },
    ActivityTaskScheduled(scheduled),
    ActivityTaskStarted { scheduled_event_id, identity, request_id, attempt, last_failure },
    ActivityTaskCompleted { result, scheduled_event_id, started_event_id, identity },
    ActivityTaskFailed { failure, scheduled_event_id, started_event_id, identity, retry_state },
    ActivityTaskTimedOut { failure, scheduled_event_id, started_event_id, retry_state },
    ActivityTaskCancelRequested { scheduled_event_id, workflow_task_completed_event_id },
    ActivityTaskCanceled { details, latest_cancel_requested_event_id, scheduled_event_id, started_event_id, identity },
    TimerStarted { timer_id, start_to_fire_timeout, workflow_task_completed_event_id },
    TimerFired { timer_id, started_event_id },
    TimerCanceled { timer_id, started_event_id, workflow_task_completed_event_id, identity },
    WorkflowExecutionCancelRequested { cause, external_initiated_event_id, external_workflow_execution, identity },
    WorkflowExecutionCanceled { workflow_task_completed_event_id, details },
    RequestCancelExternalWorkflowExecutionInitiated { workflow_task_completed_event_id, namespace, workflow_execution, child_workflow_only, reason },
    RequestCancelExternalWorkflowExecutionFailed { cause, workflow_task_completed_event_id, namespace, workflow_execution, initiated_event_id },
    ExternalWorkflowExecutionCancelRequested { initiated_event_id, namespace, workflow_execution },
    MarkerRecorded { marker_name, details, workflow_task_completed_event_id, failure },
    WorkflowExecutionSignaled { signal_name, input, identity },
    WorkflowExecutionTerminated { reason, details, identity },
    WorkflowExecutionContinuedAsNew(continued),
    StartChildWorkflowExecutionInitiated(initiated),
    StartChildWorkflowExecutionFailed { namespace, workflow_id, workflow_type, cause, initiated_event_id, workflow_task_completed_event_id },
    ChildWorkflowExecutionStarted { namespace, initiated_event_id, workflow_execution, workflow_type },
    ChildWorkflowExecutionCompleted { result, namespace, workflow_execution, workflow_type, initiated_event_id, started_event_id },
    ChildWorkflowExecutionFailed { failure, namespace, workflow_execution, workflow_type, initiated_event_id, started_event_id, retry_state },
    ChildWorkflowExecutionCanceled { details, namespace, workflow_execution, workflow_type, initiated_event_id, started_event_id },
    ChildWorkflowExecutionTimedOut { namespace, workflow_execution, workflow_type, initiated_event_id, started_event_id, retry_state },
    ChildWorkflowExecutionTerminated { namespace, workflow_execution, workflow_type, initiated_event_id, started_event_id },
    SignalExternalWorkflowExecutionInitiated { workflow_task_completed_event_id, namespace, workflow_execution, signal_name, input, child_workflow_only },
    SignalExternalWorkflowExecutionFailed { cause, workflow_task_completed_event_id, namespace, workflow_execution, initiated_event_id },
    ExternalWorkflowExecutionSignaled { initiated_event_id, namespace, workflow_execution },
    UpsertWorkflowSearchAttributes { workflow_task_completed_event_id, search_attributes },
    WorkflowPropertiesModified { workflow_task_completed_event_id, upserted_memo },
    Unmodelled { event_type_name, attributes },
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn round_trip(events: &[Event]) {
        let compact = CompactHistory::encode(events);
        let decoded = compact.decode();
        assert_eq!(decoded, events);
        assert_eq!(format!("{decoded:?}"), format!("{events:?}"));
        assert_eq!(compact.len(), events.len());
    }

    /// The header stores an event type as its position in `EventType::ALL`.
    #[test]
    fn event_types_are_their_position_in_all() {
        for (position, event_type) in EventType::ALL.iter().enumerate() {
            assert_eq!(*event_type as usize, position);
        }
        assert_eq!(EventType::Unmodelled as usize, EventType::ALL.len());
    }

    /// A poll's request id comes back as the number it was, a text as
    /// its text.
    #[test]
    fn request_ids_round_trip_as_they_were_kept() {
        let started = |id, request_id| Event {
            event_id: id,
            event_time: SimTime(id as u64),
            attributes: EventAttributes::WorkflowTaskStarted {
                scheduled_event_id: id - 1,
                identity: "w1".into(),
                request_id,
            },
        };
        let events = [
            started(3, RequestId::Poll(u64::MAX)),
            started(7, RequestId::from("poll-7")),
        ];
        round_trip(&events);
        let decoded = CompactHistory::encode(&events).decode();
        let ids: Vec<_> = decoded
            .iter()
            .map(|event| match &event.attributes {
                EventAttributes::WorkflowTaskStarted { request_id, .. } => request_id.clone(),
                other => panic!("{other:?}"),
            })
            .collect();
        assert!(matches!(ids[0], RequestId::Poll(u64::MAX)));
        assert!(matches!(&ids[1], RequestId::Text(text) if &**text == "poll-7"));
    }

    #[test]
    fn an_empty_history_round_trips() {
        round_trip(&[]);
        assert!(CompactHistory::encode(&[]).is_empty());
        assert_eq!(CompactHistory::encode(&[]).first(), None);
    }

    /// Ids with gaps, times going back, every form of JSON number, nested
    /// values, repeated and non-ASCII strings.
    #[test]
    fn odd_ids_times_and_values_round_trip() {
        let value = json!({
            "u": u64::MAX, "i": i64::MIN, "f": 0.1, "big": 1e300, "neg_zero": -0.0,
            "whole_float": 2.0, "list": [null, true, false, "ünïcode", "ünïcode", []],
            "nested": { "u": 1 }
        });
        let unmodelled = |id, time| Event {
            event_id: id,
            event_time: SimTime(time),
            attributes: EventAttributes::Unmodelled {
                event_type_name: "EVENT_TYPE_SOMETHING_NEW".into(),
                attributes: value.clone(),
            },
        };
        round_trip(&[
            unmodelled(5, u64::MAX),
            unmodelled(3, 0),
            unmodelled(i64::MAX, 7),
            unmodelled(i64::MIN, 7),
        ]);
    }
}
