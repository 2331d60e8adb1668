//! The Temporal-style Service: request/response handlers over an explicit
//! durable Store.

pub mod api;
