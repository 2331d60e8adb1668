//! Scenario files: which workflows to start, when and how many, with which
//! inputs; the signals, cancels and terminations clients send; the workers;
//! the fault profile; the heal time and liveness bound; and what the run is
//! expected to produce. Parsed with serde; unknown fields and bad values are
//! rejected with a message naming the file and the field.

pub mod minimize;
pub mod runner;
mod schema;

pub use schema::*;

use std::path::Path;

/// Reads and validates a scenario file. The error is one line that names
/// the file and, where serde can tell, the field, line and column.
pub fn load(path: &Path) -> Result<Scenario, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read scenario: {e}", path.display()))?;
    parse(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Parses and validates a scenario from JSON text.
pub fn parse(text: &str) -> Result<Scenario, String> {
    let scenario: Scenario = serde_json::from_str(text).map_err(|e| e.to_string())?;
    scenario.validate()?;
    Ok(scenario)
}
