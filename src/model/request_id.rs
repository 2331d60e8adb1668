//! The request id of a started task: which poll took it.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Cow;
use std::fmt;
use std::rc::Rc;

/// The request id that a WorkflowTaskStarted or ActivityTaskStarted
/// records: the poll that took the task. The Service's own,
/// `poll-<call>`, are kept as the call's number and written out only when
/// read (a text made per task dispatched, and freed with the history,
/// cost more than the rest of the id's life); any other (an imported
/// history's) as its text. Request ids are equal when their texts are.
#[derive(Clone)]
pub enum RequestId {
    /// `poll-<n>`: the poll that was call `n`.
    Poll(u64),
    /// Any other text.
    Text(Rc<str>),
}

impl RequestId {
    /// The text of the id.
    pub fn text(&self) -> Cow<'_, str> {
        match self {
            RequestId::Poll(call) => Cow::Owned(format!("poll-{call}")),
            RequestId::Text(text) => Cow::Borrowed(text),
        }
    }
}

impl PartialEq for RequestId {
    fn eq(&self, other: &RequestId) -> bool {
        match (self, other) {
            (RequestId::Poll(a), RequestId::Poll(b)) => a == b,
            (RequestId::Text(a), RequestId::Text(b)) => a == b,
            _ => self.text() == other.text(),
        }
    }
}

impl Eq for RequestId {}

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RequestId::Poll(call) => write!(f, "poll-{call}"),
            RequestId::Text(text) => f.write_str(text),
        }
    }
}

/// As its text (as the `Rc<str>` it replaced).
impl fmt::Debug for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.text(), f)
    }
}

impl From<&str> for RequestId {
    fn from(text: &str) -> RequestId {
        RequestId::Text(Rc::from(text))
    }
}

impl From<String> for RequestId {
    fn from(text: String) -> RequestId {
        RequestId::Text(Rc::from(text))
    }
}

impl From<Rc<str>> for RequestId {
    fn from(text: Rc<str>) -> RequestId {
        RequestId::Text(text)
    }
}

/// A string, its text.
impl Serialize for RequestId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text())
    }
}

/// From a string.
impl<'de> Deserialize<'de> for RequestId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<RequestId, D::Error> {
        Rc::<str>::deserialize(deserializer).map(RequestId::Text)
    }
}

#[cfg(test)]
mod tests {
    use super::RequestId;

    #[test]
    fn a_poll_id_reads_and_compares_as_its_text() {
        for call in [0, 7, 10, 4711, u64::MAX] {
            let poll = RequestId::Poll(call);
            let text = format!("poll-{call}");
            assert_eq!(poll.text(), text);
            assert_eq!(poll.to_string(), text);
            assert_eq!(format!("{poll:?}"), format!("{text:?}"));
            assert_eq!(poll, RequestId::from(text.as_str()));
            assert_eq!(RequestId::from(text.as_str()), poll);
            assert_ne!(poll, RequestId::Poll(call.wrapping_add(1)));
            assert_ne!(poll, RequestId::from("poll-x"));
            let json = serde_json::to_string(&poll).unwrap();
            assert_eq!(json, format!("\"{text}\""));
            let back: RequestId = serde_json::from_str(&json).unwrap();
            assert_eq!(back, poll);
        }
        assert_ne!(RequestId::from("a"), RequestId::from("b"));
        assert_eq!(RequestId::from("a"), RequestId::from("a".to_string()));
    }
}
