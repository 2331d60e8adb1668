//! The data model shared by every part of Tempest: identities, payloads,
//! failures, retry policies, timeouts, statuses, events, commands, histories.
//!
//! Field names follow Temporal's protos (`temporal.api.*.v1`) so that the
//! export to Temporal's JSON history format stays mechanical.

mod command;
mod cron;
mod event;
mod failure;
mod ids;
mod payload;
mod request_id;
mod retry;
mod serde_util;
mod status;
mod time;

pub use command::*;
pub use cron::{CronError, CronSchedule};
pub use event::*;
pub use failure::*;
pub use ids::*;
pub use payload::*;
pub use request_id::RequestId;
pub use retry::*;
pub use serde_util::{format_duration, parse_duration, serde_duration, serde_opt_duration};
pub use status::*;
pub use time::*;
