//! Temporal's JSON history format (proto3 JSON of
//! `temporal.api.history.v1.History`, as `temporal workflow show --output
//! json` prints it and the SDK replayers read it), both ways.
//!
//! Import reads the current spelling and the older one (`"eventType":
//! "WorkflowExecutionStarted"`, `"kind": "Normal"`, CamelCase enums, numeric
//! int64s). Nothing is dropped silently: event types Tempest does not model
//! become [`EventAttributes::Unmodelled`](crate::model::EventAttributes) and
//! export back as they were; fields the model does not hold (`taskId`,
//! `header`, `workerVersion`, …) and payloads that are not `json/plain` are
//! listed in [`ImportedHistory::unmodelled`]. Proto3 JSON omits default
//! values, so a field holding its default (`0`, `""`, `false`, `null`, `{}`,
//! `[]`) carries no information and is not listed.
//!
//! Payloads. A Tempest [`Payload`](crate::model::Payload) is one JSON value;
//! Temporal's `Payloads` is a list of encoded blobs. A list of one
//! `json/plain` payload maps to its JSON value; an absent or empty list to
//! `null` (to `None` where the field is optional). Anything else is kept in a
//! documented JSON shape that exports back byte for byte:
//! - a payload that is not plain JSON (`binary/null`, `binary/protobuf`,
//!   `json/protobuf`, extra metadata, undecodable data) becomes
//!   `{"$metadata": {<metadata exactly as in the file>}, "$data": "<base64 as in the file>"}`;
//! - a list of several payloads becomes `{"$payloads": [<each as above>]}`.
//!
//! Round trip: import → export → import gives an equal [`History`].

mod enums;
mod export;
mod import;
#[cfg(test)]
mod tests;

use crate::model::History;
use std::fmt;

pub use export::export_history;
pub use import::import_history;

/// A history read from Temporal's JSON, with what the model could not hold.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportedHistory {
    /// The events, in file order.
    pub events: History,
    /// Event types and fields that were read but are not modelled, in file order.
    pub unmodelled: Vec<UnmodelledItem>,
}

/// One piece of an imported history that Tempest keeps but does not model.
#[derive(Clone, Debug, PartialEq)]
pub struct UnmodelledItem {
    /// Position of the event in the file's `events` list (0-based).
    pub event_index: usize,
    /// The event's `eventId` as written.
    pub event_id: i64,
    /// Where: a dotted JSON path inside the event (`taskId`,
    /// `activityTaskScheduledEventAttributes.header`), or `eventType` for a
    /// whole event of an unmodelled type.
    pub field: String,
    /// The value as found (for an unmodelled event type: its type name).
    pub value: serde_json::Value,
}

/// Why a JSON history could not be imported: what was wrong and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportError {
    /// Position of the event in `events` (0-based), if the error is inside one.
    pub event_index: Option<usize>,
    /// Dotted JSON path of the offending field inside the event (or the document).
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.event_index, self.field.is_empty()) {
            (Some(i), false) => write!(f, "events[{i}].{}: {}", self.field, self.message),
            (Some(i), true) => write!(f, "events[{i}]: {}", self.message),
            (None, false) => write!(f, "{}: {}", self.field, self.message),
            (None, true) => write!(f, "{}", self.message),
        }
    }
}

impl std::error::Error for ImportError {}
