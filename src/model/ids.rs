//! Identities: namespaces, workflow ids, run ids, task queues, type names.
//! All are cheap to clone (`Rc<str>`); run ids are derived from the seed and a
//! durable sequence number, never from the operating system.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::rc::Rc;

macro_rules! name_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Eq, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Rc<str>);

        /// Equal texts; a name cloned from the other (the same `Rc`) is
        /// equal without comparing them.
        impl PartialEq for $name {
            #[inline]
            fn eq(&self, other: &Self) -> bool {
                Rc::ptr_eq(&self.0, &other.0) || self.0 == other.0
            }
        }

        /// The hash of the text (as derived; written out beside `eq`).
        impl std::hash::Hash for $name {
            fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
                self.0.hash(state);
            }
        }

        impl $name {
            /// Wraps a string.
            pub fn new(s: impl AsRef<str>) -> Self {
                Self(Rc::from(s.as_ref()))
            }
            /// The text of the name.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{:?}", &*self.0)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self::new(s)
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                Self(Rc::from(s))
            }
        }
    };
}

name_type!(
    /// A Temporal namespace (`default` unless a scenario says otherwise).
    Namespace
);
name_type!(
    /// The business identifier of a workflow execution chain.
    WorkflowId
);
name_type!(
    /// One run of a chain; unique per world, derived with [`RunId::derive`].
    RunId
);
name_type!(
    /// A task queue name that workers poll.
    TaskQueue
);
name_type!(
    /// The registered name of a workflow definition.
    WorkflowType
);
name_type!(
    /// The registered name of an activity definition.
    ActivityType
);
name_type!(
    /// The id of an activity within one run (unique per run).
    ActivityId
);
name_type!(
    /// The id of a timer within one run (unique per run).
    TimerId
);

thread_local! {
    /// The `default` namespace, made once per thread and shared.
    static DEFAULT_NAMESPACE: Namespace = Namespace::new("default");
}

/// `default`, shared (every world and every workflow context names it;
/// a clone, not an allocation each).
impl Default for Namespace {
    fn default() -> Self {
        DEFAULT_NAMESPACE.with(Namespace::clone)
    }
}

impl RunId {
    /// A UUID-shaped run id determined by the world's seed and a durable,
    /// monotonically increasing sequence number kept by the Store.
    pub fn derive(seed: u64, sequence: u64) -> RunId {
        let hi = splitmix64(seed ^ splitmix64(sequence));
        let lo = splitmix64(hi ^ sequence.rotate_left(32) ^ 0x5EED);
        // The 32 hex digits of hi and lo as 8-4-4-4-12 with the version
        // nibble forced to 4 (the 13th digit is dropped), written directly:
        // this runs once per run started.
        let mut hex = [0u8; 32];
        hex[..16].copy_from_slice(&hex_digits(hi));
        hex[16..].copy_from_slice(&hex_digits(lo));
        let mut uuid = [b'-'; 36];
        uuid[..8].copy_from_slice(&hex[..8]);
        uuid[9..13].copy_from_slice(&hex[8..12]);
        uuid[14] = b'4';
        uuid[15..18].copy_from_slice(&hex[13..16]);
        uuid[19..23].copy_from_slice(&hex[16..20]);
        uuid[24..].copy_from_slice(&hex[20..]);
        // SAFETY: hex digits and dashes are ASCII, hence UTF-8.
        RunId(Rc::from(unsafe { std::str::from_utf8_unchecked(&uuid) }))
    }
}

/// The 16 lowercase hex digits of `n`, most significant first, computed
/// for all digits at once: each nibble spread into a byte of its own, then
/// `'0'` added, and `'a' - '0' - 10` more where the nibble is 10 or more.
fn hex_digits(n: u64) -> [u8; 16] {
    const fn repeat(byte: u8) -> u128 {
        u128::from_ne_bytes([byte; 16])
    }
    let mut x = u128::from(n);
    x = (x | (x << 32)) & 0x0000_0000_FFFF_FFFF_0000_0000_FFFF_FFFF;
    x = (x | (x << 16)) & 0x0000_FFFF_0000_FFFF_0000_FFFF_0000_FFFF;
    x = (x | (x << 8)) & 0x00FF_00FF_00FF_00FF_00FF_00FF_00FF_00FF;
    x = (x | (x << 4)) & repeat(0x0F);
    // A nibble of 10 or more carries into bit 4 when 6 is added.
    let letters = ((x + repeat(0x06)) >> 4) & repeat(0x01);
    (x + repeat(b'0') + letters * u128::from(b'a' - b'0' - 10)).to_be_bytes()
}

/// The decimal text of `n`, written into the end of `buffer` without the
/// formatting machinery (for ids made on hot paths).
pub fn decimal_text(n: u64, buffer: &mut [u8; 20]) -> &str {
    let digits = decimal_digits(n, buffer);
    // SAFETY: ASCII digits are UTF-8 (this skips validating them again on
    // paths that make an id per task).
    unsafe { std::str::from_utf8_unchecked(digits) }
}

/// `prefix` followed by the decimal text of `n`, as a shared string (a
/// request id made per task dispatched or operation sent), written
/// without the formatting machinery. `prefix` is at most 44 bytes.
pub fn numbered_text(prefix: &str, n: u64) -> Rc<str> {
    let mut digits = [0; 20];
    let digits = decimal_digits(n, &mut digits);
    let mut text = [0u8; 64];
    let len = prefix.len() + digits.len();
    text[..prefix.len()].copy_from_slice(prefix.as_bytes());
    text[prefix.len()..len].copy_from_slice(digits);
    // SAFETY: a `str` followed by ASCII digits is UTF-8.
    Rc::from(unsafe { std::str::from_utf8_unchecked(&text[..len]) })
}

/// The concatenation of `parts` as a shared string: one allocation (the
/// shared string's) when it is at most 64 bytes long, a second beyond.
pub fn joined_text(parts: &[&str]) -> Rc<str> {
    let mut text = [0u8; 64];
    let mut len = 0;
    for part in parts {
        let Some(slot) = text.get_mut(len..len + part.len()) else {
            return Rc::from(parts.concat());
        };
        slot.copy_from_slice(part.as_bytes());
        len += part.len();
    }
    // SAFETY: a concatenation of `str`s is UTF-8.
    Rc::from(unsafe { std::str::from_utf8_unchecked(&text[..len]) })
}

/// The ASCII decimal digits of `n`, written into the end of `buffer`.
pub fn decimal_digits(n: u64, buffer: &mut [u8; 20]) -> &[u8] {
    let mut rest = n;
    let mut start = buffer.len();
    loop {
        start -= 1;
        buffer[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    &buffer[start..]
}

/// SplitMix64 finaliser: a fixed, well-mixed hash of one u64.
pub fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Identifies one run: (namespace is implied by the world) workflow id + run id.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Debug)]
pub struct WorkflowExecution {
    /// The chain's workflow id.
    pub workflow_id: WorkflowId,
    /// The run within the chain.
    pub run_id: RunId,
}

impl fmt::Display for WorkflowExecution {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.workflow_id, self.run_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_text_reads_as_formatted() {
        for n in [0, 1, 9, 10, 99, 100, 12_345, u64::from(u32::MAX), u64::MAX] {
            assert_eq!(decimal_text(n, &mut [0; 20]), n.to_string());
            assert_eq!(&*numbered_text("poll-", n), format!("poll-{n}"));
        }
    }

    #[test]
    fn joined_text_is_the_concatenation_short_or_long() {
        assert_eq!(&*joined_text(&[]), "");
        assert_eq!(&*joined_text(&["worker-0", "-sticky"]), "worker-0-sticky");
        let long = "é".repeat(40);
        assert_eq!(&*joined_text(&[&long, "-", "7"]), format!("{long}-7"));
        let exact = "x".repeat(64);
        assert_eq!(&*joined_text(&[&exact[..60], &exact[60..]]), exact);
    }

    proptest::proptest! {
        /// The hex digits computed at once read as formatted ones.
        #[test]
        fn hex_digits_read_as_formatted(n: u64) {
            let digits = hex_digits(n);
            proptest::prop_assert_eq!(std::str::from_utf8(&digits).unwrap(), format!("{n:016x}"));
        }
    }

    #[test]
    fn hex_digits_of_every_nibble_read_as_formatted() {
        for n in [
            0,
            u64::MAX,
            0x0123_4567_89ab_cdef,
            0xfedc_ba98_7654_3210,
            0x9a9a_a9a9_0f0f_f0f0,
        ] {
            assert_eq!(&hex_digits(n), format!("{n:016x}").as_bytes());
        }
    }

    #[test]
    fn names_are_equal_by_text_whether_or_not_they_share_it() {
        use std::hash::BuildHasher;
        let queue = TaskQueue::new("orders");
        assert_eq!(queue, queue.clone());
        assert_eq!(queue, TaskQueue::new("orders"));
        assert_ne!(queue, TaskQueue::new("order"));
        let state = std::collections::hash_map::RandomState::new();
        assert_eq!(
            state.hash_one(&queue),
            state.hash_one(TaskQueue::new("orders"))
        );
    }

    #[test]
    fn run_ids_are_stable_and_distinct() {
        let a = RunId::derive(7, 1);
        assert_eq!(a, RunId::derive(7, 1));
        assert_ne!(a, RunId::derive(7, 2));
        assert_ne!(a, RunId::derive(8, 1));
        assert_eq!(a.as_str().len(), 36);
        assert_eq!(&a.as_str()[14..15], "4");
    }

    /// The digits written by hand are exactly those of the hex formatting
    /// they replaced (every run id, hence every history, depends on them).
    #[test]
    fn run_ids_match_the_formatted_hex_of_their_two_words() {
        for (seed, sequence) in [(0, 0), (1, 1), (7, 42), (u64::MAX, 3), (12345, u64::MAX)] {
            let hi = splitmix64(seed ^ splitmix64(sequence));
            let lo = splitmix64(hi ^ sequence.rotate_left(32) ^ 0x5EED);
            let hex = format!("{hi:016x}{lo:016x}");
            let expected = format!(
                "{}-{}-4{}-{}-{}",
                &hex[0..8],
                &hex[8..12],
                &hex[13..16],
                &hex[16..20],
                &hex[20..32]
            );
            assert_eq!(RunId::derive(seed, sequence).as_str(), expected);
        }
        // The first run id of seed 1, as bundled histories show it.
        assert_eq!(
            RunId::derive(1, 1).as_str(),
            "e9fd6049-d65a-421e-8641-df5dd452c81d"
        );
    }
}
