//! Catching panics of workflow and activity code so that they fail a task
//! instead of crashing the harness, and (opt-in) keeping them off stderr.

use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

thread_local! {
    /// Whether user code (a workflow poll or an activity) is running on this thread.
    static IN_USER_CODE: Cell<bool> = const { Cell::new(false) };
}

/// Installs, once per process, a panic hook that stays silent for panics
/// raised by workflow or activity code run through the worker (they become
/// task failures) and defers to the previous hook for every other panic.
/// Output only: it changes no behaviour.
pub fn quiet_panics() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !IN_USER_CODE.with(Cell::get) {
                previous(info);
            }
        }));
    });
}

/// Runs user code, turning a panic into its message.
pub(crate) fn catch_user_panic<R>(f: impl FnOnce() -> R) -> Result<R, String> {
    let was_inside = IN_USER_CODE.with(|flag| flag.replace(true));
    let outcome = panic::catch_unwind(AssertUnwindSafe(f));
    IN_USER_CODE.with(|flag| flag.set(was_inside));
    outcome.map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic with a non-text payload".to_owned())
    })
}
