//! Payloads: JSON values shared by reference so that histories, commands and
//! workflow code can hold the same value without copying it.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::rc::Rc;

/// One JSON value (Temporal's `Payload` with `json/plain` encoding).
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Payload(pub Rc<serde_json::Value>);

impl Payload {
    /// Wraps a JSON value.
    pub fn new(v: serde_json::Value) -> Self {
        Payload(Rc::new(v))
    }
    /// JSON `null`, the payload of "no value".
    pub fn null() -> Self {
        Payload::new(serde_json::Value::Null)
    }
    /// The JSON value.
    pub fn value(&self) -> &serde_json::Value {
        &self.0
    }
    /// Whether this is JSON `null` (an empty memo value deletes the key).
    pub fn is_null(&self) -> bool {
        self.0.is_null()
    }
    /// The value as an i64, if it is an integer.
    pub fn as_i64(&self) -> Option<i64> {
        self.0.as_i64()
    }
    /// Compact JSON text.
    pub fn to_json_string(&self) -> String {
        self.0.to_string()
    }
}

impl Default for Payload {
    fn default() -> Self {
        Payload::null()
    }
}

impl fmt::Debug for Payload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl fmt::Display for Payload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl From<serde_json::Value> for Payload {
    fn from(v: serde_json::Value) -> Self {
        Payload::new(v)
    }
}

impl From<i64> for Payload {
    fn from(v: i64) -> Self {
        Payload::new(v.into())
    }
}

impl From<&str> for Payload {
    fn from(v: &str) -> Self {
        Payload::new(v.into())
    }
}

/// A memo: a non-indexed map of payloads, ordered by key for determinism.
pub type Memo = BTreeMap<String, Payload>;
