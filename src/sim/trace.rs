//! The trace: every step the world takes folds into a 64-bit hash, and, when
//! asked, is kept as a readable line. Same seed + same code = same hash.

use crate::model::{splitmix64, SimTime};

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
        self.fold(now.as_nanos());
        for w in words {
            self.fold(w);
        }
        if let Some(lines) = &mut self.lines {
            lines.push(format!("{:>14.6}s {}", now.secs_since_start(), describe()));
        }
    }

    /// Folds one word into the hash without counting a step.
    pub fn fold(&mut self, word: u64) {
        self.hash = splitmix64(self.hash ^ word).wrapping_add(self.hash.rotate_left(17));
    }

    /// The trace hash so far.
    pub fn hash(&self) -> u64 {
        self.hash
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
