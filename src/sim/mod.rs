//! The simulated world: clock and seeded scheduler, randomness by purpose,
//! the network, process and behaviour faults, the nodes (Service, Workers,
//! Client), and the trace.

mod faults;
mod rng;
mod scheduler;
mod trace;

pub use faults::*;
pub use rng::{Purpose, Rng};
pub use scheduler::Scheduler;
pub use trace::{hash_str, Trace};
