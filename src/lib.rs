//! Tempest: a deterministic simulation testing harness for durable workflow
//! executions in the style of Temporal.
//!
//! One single-threaded process holds a whole world — a Temporal-style
//! Service, Workers running real async Rust workflow code, clients, and the
//! network between them — on a simulated clock driven by one seeded
//! scheduler. See `ARCHITECTURE.md` for the map.

#![warn(missing_docs)]

pub mod allocator;
pub mod check;
pub mod codec;
mod lookup;
pub mod model;
pub mod sabotage;
pub mod scenario;
pub mod service;
pub mod sim;
pub mod worker;
pub mod workflow;
