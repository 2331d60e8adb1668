//! The simulated world: clock and seeded scheduler, randomness by purpose,
//! the network, process and behaviour faults, the nodes (Service, Workers,
//! Client), and the trace.

mod faults;
mod network;
mod observer;
mod open_calls;
mod rng;
mod scheduler;
mod step_queue;
mod trace;
mod workload;
mod world;

pub use faults::*;
pub use network::{node_by_name, node_name, Network, NodeId, CLIENT, SERVICE};
pub use observer::CommitObserver;
pub use rng::{Purpose, Rng};
pub use scheduler::Scheduler;
pub use trace::{hash_str, Trace};
pub use workload::{Op, OpKind, OpState, PlannedExecution, Workload};
pub use world::{
    HistoryCompaction, RunOptions, RunResult, RunStats, World, COMPACT_HISTORIES_FROM,
};
