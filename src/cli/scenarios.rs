//! Finding scenarios: a path to a JSON file, or the name of a bundled one.

use std::path::{Path, PathBuf};
use tempest::scenario::Scenario;

/// The folder of bundled scenarios (in the source tree).
pub fn bundled_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios")
}

/// The file a scenario argument names: an existing path, or
/// `scenarios/<name>.json` among the bundled ones.
pub fn resolve(arg: &str) -> Result<PathBuf, String> {
    let path = PathBuf::from(arg);
    if path.is_file() {
        return Ok(path);
    }
    let bundled = bundled_dir().join(format!("{arg}.json"));
    if bundled.is_file() {
        return Ok(bundled);
    }
    Err(format!(
        "no scenario file or bundled scenario named {arg:?} (bundled: {})",
        bundled_names().join(", ")
    ))
}

/// Loads a scenario by path or bundled name.
pub fn load(arg: &str) -> Result<Scenario, String> {
    tempest::scenario::load(&resolve(arg)?)
}

/// The names of every bundled scenario, sorted.
pub fn bundled_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(bundled_dir())
        .map(|dir| {
            dir.filter_map(|e| e.ok())
                .filter_map(|e| {
                    let p = e.path();
                    if p.extension()? != "json" {
                        return None;
                    }
                    Some(p.file_stem()?.to_string_lossy().into_owned())
                })
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// The command that reproduces one seed of a scenario exactly.
pub fn reproduce_command(
    scenario_arg: &str,
    seed: u64,
    faults: Option<&Path>,
    sabotage: Option<tempest::sabotage::Sabotage>,
) -> String {
    let mut cmd = format!("tempest replay {scenario_arg} --seed {seed}");
    if let Some(f) = faults {
        cmd.push_str(&format!(" --faults {}", f.display()));
    }
    if let Some(s) = sabotage {
        cmd.push_str(&format!(" --sabotage {s}"));
    }
    cmd
}

#[cfg(test)]
mod tests {
    use super::*;
    use tempest::sabotage::Sabotage;

    #[test]
    fn the_reproduce_command_names_the_faults_file_and_the_sabotage() {
        let cmd = reproduce_command(
            "sabotage_signals",
            7,
            Some(Path::new("min.json")),
            Some(Sabotage::StatusBeforeClose),
        );
        assert_eq!(
            cmd,
            "tempest replay sabotage_signals --seed 7 --faults min.json --sabotage status_before_close"
        );
    }
}
