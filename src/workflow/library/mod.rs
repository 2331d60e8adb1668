//! The library of workflows and activities that scenarios run. Each
//! workflow's doc says what it does and the result it must reach whatever
//! faults the world injects (the oracle the checkers hold it to).

mod activities;
mod always_panics;
mod bounded_retries;
mod call_activity;
mod cancel_tree;
mod cancellable;
mod counter_continue_as_new;
mod cron_report;
mod failing;
mod parent_children;
mod ping_pong;
mod retrying_workflow;
mod saga;
mod signal_counter;
mod sleep_for;
mod two_activities;
mod two_activities_changed;

pub use activities::{
    activity_a, activity_b, echo, fail_permanently, flaky, saga_compensate, saga_step,
};
pub use always_panics::always_panics;
pub use bounded_retries::bounded_retries;
pub use call_activity::call_activity;
pub use cancel_tree::cancel_tree;
pub use cancellable::cancellable;
pub use counter_continue_as_new::counter_continue_as_new;
pub use cron_report::cron_report;
pub use failing::failing;
pub use parent_children::parent_children;
pub use ping_pong::{ping_pong, pong};
pub use retrying_workflow::retrying_workflow;
pub use saga::saga;
pub use signal_counter::signal_counter;
pub use sleep_for::sleep_for;
pub use two_activities::two_activities;
pub use two_activities_changed::two_activities_changed;

use super::Registry;
use crate::model::Payload;
use std::borrow::Cow;

/// Registers every library workflow and activity under its function's name.
pub(crate) fn register_all(registry: &mut Registry) {
    registry.register_workflow("two_activities", two_activities);
    registry.register_workflow("two_activities_changed", two_activities_changed);
    registry.register_workflow("sleep_for", sleep_for);
    registry.register_workflow("signal_counter", signal_counter);
    registry.register_workflow("saga", saga);
    registry.register_workflow("cancellable", cancellable);
    registry.register_workflow("failing", failing);
    registry.register_workflow("always_panics", always_panics);
    registry.register_workflow("call_activity", call_activity);
    registry.register_workflow("bounded_retries", bounded_retries);
    registry.register_workflow("parent_children", parent_children);
    registry.register_workflow("ping_pong", ping_pong);
    registry.register_workflow("pong", pong);
    registry.register_workflow("cancel_tree", cancel_tree);
    registry.register_workflow("counter_continue_as_new", counter_continue_as_new);
    registry.register_workflow("retrying_workflow", retrying_workflow);
    registry.register_workflow("cron_report", cron_report);
    registry.register_activity("activity_a", activity_a);
    registry.register_activity("activity_b", activity_b);
    registry.register_activity("echo", echo);
    registry.register_activity("flaky", flaky);
    registry.register_activity("fail_permanently", fail_permanently);
    registry.register_activity("saga_step", saga_step);
    registry.register_activity("saga_compensate", saga_compensate);
}

/// A payload as text: the string itself, or the JSON of anything else.
fn text_of(payload: &Payload) -> Cow<'_, str> {
    match payload.value() {
        serde_json::Value::String(s) => Cow::Borrowed(s),
        other => Cow::Owned(other.to_string()),
    }
}
