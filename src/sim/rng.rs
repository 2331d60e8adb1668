//! Randomness: one seed, split into independent ChaCha streams by purpose, so
//! that drawing more numbers for one purpose never shifts another.

use crate::model::splitmix64;
use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};

/// What a stream of random numbers is used for. Each has its own stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// Message latencies.
    Network,
    /// Network faults: drops, duplicates, large delays, partitions.
    NetworkFaults,
    /// Process crashes and restarts.
    ProcessFaults,
    /// Activity durations and heartbeat timing.
    Activities,
    /// Injected activity and workflow-code faults.
    BehaviourFaults,
    /// Tie-breaks between steps due at the same instant.
    Scheduler,
    /// Which faults a seed turns on (swarm testing).
    Profile,
    /// Workload timing jitter.
    Workload,
}

impl Purpose {
    fn salt(self) -> u64 {
        match self {
            Purpose::Network => 0x6e65_7477_6f72_6b00,
            Purpose::NetworkFaults => 0x6e65_7466_6175_6c74,
            Purpose::ProcessFaults => 0x7072_6f63_6661_756c,
            Purpose::Activities => 0x6163_7469_7669_7479,
            Purpose::BehaviourFaults => 0x6265_6861_7669_6f72,
            Purpose::Scheduler => 0x7363_6865_6475_6c65,
            Purpose::Profile => 0x7072_6f66_696c_6500,
            Purpose::Workload => 0x776f_726b_6c6f_6164,
        }
    }
}

/// A deterministic random stream for one purpose. The generator is made
/// on the first draw (boxed: it buffers 256 bytes of output, and a world
/// holds several streams in structs that move), so a stream a run never
/// draws from — a fault stream in a run without faults — costs nothing.
pub struct Rng {
    seed: u64,
    purpose: Purpose,
    generator: Option<Box<ChaCha8Rng>>,
}

impl Rng {
    /// The stream for `purpose` under `seed`.
    pub fn new(seed: u64, purpose: Purpose) -> Rng {
        Rng {
            seed,
            purpose,
            generator: None,
        }
    }

    /// The generator, made from the seed and purpose on first use.
    fn generator(&mut self) -> &mut ChaCha8Rng {
        let (seed, purpose) = (self.seed, self.purpose);
        self.generator.get_or_insert_with(|| {
            let mut key = [0u8; 32];
            let a = splitmix64(seed ^ purpose.salt());
            let b = splitmix64(a);
            let c = splitmix64(b ^ seed);
            let d = splitmix64(c);
            for (chunk, word) in key.chunks_mut(8).zip([a, b, c, d]) {
                chunk.copy_from_slice(&word.to_le_bytes());
            }
            Box::new(ChaCha8Rng::from_seed(key))
        })
    }

    /// A uniform u64.
    pub fn next_u64(&mut self) -> u64 {
        self.generator().next_u64()
    }

    /// A uniform f64 in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// True with probability `p` (never draws when `p` is 0, so streams
    /// of runs without a fault stay identical whatever `p`'s siblings are).
    pub fn chance(&mut self, p: f64) -> bool {
        p > 0.0 && self.unit() < p
    }

    /// A uniform integer in `[lo, hi]` (inclusive; `lo` if `hi <= lo`).
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            lo
        } else {
            lo + self.next_u64() % (hi - lo + 1)
        }
    }

    /// An exponentially distributed wait with the given mean (nanoseconds).
    pub fn exponential(&mut self, mean_nanos: u64) -> u64 {
        let u = self.unit().max(1e-12);
        let x = -(u.ln()) * mean_nanos as f64;
        if x.is_finite() && x < u64::MAX as f64 {
            x as u64
        } else {
            u64::MAX
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream() {
        let mut a = Rng::new(42, Purpose::Network);
        let mut b = Rng::new(42, Purpose::Network);
        assert_eq!(a.next_u64(), b.next_u64());
    }

    #[test]
    fn purposes_are_independent() {
        let mut a = Rng::new(42, Purpose::Network);
        let mut b = Rng::new(42, Purpose::Scheduler);
        assert_ne!(a.next_u64(), b.next_u64());
    }

    #[test]
    fn range_is_inclusive_and_bounded() {
        let mut r = Rng::new(1, Purpose::Workload);
        for _ in 0..1000 {
            let x = r.range(3, 5);
            assert!((3..=5).contains(&x));
        }
        assert_eq!(r.range(7, 7), 7);
    }
}
