//! Scenario files from arbitrary bytes: parsing and validation must return
//! an error for anything malformed, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = tempest::scenario::parse(text);
    }
});
