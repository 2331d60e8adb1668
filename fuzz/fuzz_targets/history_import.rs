//! Temporal JSON histories from arbitrary bytes: import returns an error or
//! a history, never panics; an imported history goes through the checkers
//! and back out through export without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(imported) = tempest::codec::import_history(text) {
        let _ = tempest::check::check_history(&imported.events);
        let _ = tempest::codec::export_history(&imported.events);
    }
});
