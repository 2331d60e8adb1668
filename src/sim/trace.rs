//! The trace: every step the world takes folds into a 64-bit hash, and, when
//! asked, is kept as a readable line. Same seed + same code = same hash.
//!
//! The hash is on the path of every step, so a step costs one short
//! dependency chain: its four words are spread by independent odd
//! multipliers (which run in parallel), combined, and folded into the state
//! by a xor, an odd multiply and a rotation — a bijection of the state, so
//! two traces that differ in one word never meet again. The SplitMix64
//! finaliser mixes the state once, when the hash is read.

use crate::model::{splitmix64, SimTime};

/// Odd multipliers that spread a step's time and words before they combine.
const SPREAD: [u64; 4] = [
    0x9E37_79B9_7F4A_7C15,
    0xC2B2_AE3D_27D4_EB4F,
    0x1656_67B1_9E37_79F9,
    0xD6E8_FEB8_6659_FD93,
];
/// The odd multiplier of a fold.
const FOLD: u64 = 0xBF58_476D_1CE4_E5B9;

/// A running trace of one simulation.
pub struct Trace {
    hash: u64,
    steps: u64,
    lines: Option<Vec<String>>,
}

impl Trace {
    /// A trace that keeps readable lines only if `keep_lines`.
    pub fn new(keep_lines: bool) -> Trace {
        Trace {
            hash: 0xcbf2_9ce4_8422_2325,
            steps: 0,
            lines: keep_lines.then(Vec::new),
        }
    }

    /// Folds one step into the hash. `describe` is only called when lines
    /// are kept, so the hot path never formats.
    pub fn record(&mut self, now: SimTime, words: [u64; 3], describe: impl FnOnce() -> String) {
        self.steps += 1;
        self.fold(
            now.as_nanos().wrapping_mul(SPREAD[0])
                ^ words[0].wrapping_mul(SPREAD[1])
                ^ words[1].wrapping_mul(SPREAD[2])
                ^ words[2].wrapping_mul(SPREAD[3]),
        );
        if let Some(lines) = &mut self.lines {
            lines.push(format!("{:>14.6}s {}", now.secs_since_start(), describe()));
        }
    }

    /// Folds one word into the hash without counting a step.
    pub fn fold(&mut self, word: u64) {
        self.hash = (self.hash ^ word).wrapping_mul(FOLD).rotate_left(29);
    }

    /// The trace hash so far.
    pub fn hash(&self) -> u64 {
        splitmix64(self.hash)
    }

    /// Number of steps recorded.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// The readable lines, if kept.
    pub fn lines(&self) -> &[String] {
        self.lines.as_deref().unwrap_or(&[])
    }
}

/// A small, fixed (not per-process seeded) hash of a string, for folding
/// names into the trace.
pub fn hash_str(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_depends_on_order_and_content() {
        let run = |words: &[[u64; 3]]| {
            let mut t = Trace::new(false);
            for w in words {
                t.record(SimTime::START, *w, String::new);
            }
            t.hash()
        };
        assert_eq!(run(&[[1, 2, 3], [4, 5, 6]]), run(&[[1, 2, 3], [4, 5, 6]]));
        assert_ne!(run(&[[1, 2, 3], [4, 5, 6]]), run(&[[4, 5, 6], [1, 2, 3]]));
        assert_ne!(run(&[[1, 2, 3]]), run(&[[1, 2, 4]]));
        assert_ne!(
            run(&[[1, 2, 3]]),
            run(&[[2, 1, 3]]),
            "words are not interchangeable"
        );
        assert_ne!(
            run(&[[1, 2, 3]]),
            run(&[[1, 2, 3], [0, 0, 0]]),
            "an empty step counts"
        );
        // A difference early on is never undone by the same later steps.
        let later: Vec<[u64; 3]> = (0..100).map(|i| [i, i * 7, i ^ 0xFF]).collect();
        let with = |first: [u64; 3]| {
            let mut steps = vec![first];
            steps.extend(&later);
            run(&steps)
        };
        assert_ne!(with([1, 2, 3]), with([1, 2, 5]));
    }

    #[test]
    fn lines_are_kept_only_when_asked() {
        let mut t = Trace::new(false);
        t.record(SimTime::START, [0; 3], || {
            panic!("formatted on the hot path")
        });
        assert!(t.lines().is_empty());
        let mut t = Trace::new(true);
        t.record(SimTime::START, [0; 3], || "hello".into());
        assert!(t.lines()[0].ends_with("hello"));
    }
}
