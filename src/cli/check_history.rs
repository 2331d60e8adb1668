//! `tempest check-history FILE...`: judges Temporal JSON histories (from a
//! real cluster, an SDK's test data, or `tempest history --format temporal`)
//! with every invariant that needs no workflow code, and says what it kept
//! without modelling. Breaches of the advisory invariants
//! ([`tempest::check::ADVISORY_FOR_RECORDED`]) are warnings unless `--strict`.

use clap::Args;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use tempest::check::{
    check_recorded_history, implied_status, render_history_with_marks, RecordedFindings, Violation,
};
use tempest::codec::{import_history, ImportedHistory, UnmodelledItem};

/// Arguments of `check-history`.
#[derive(Args)]
pub struct CheckHistoryArgs {
    /// Temporal JSON history files (`{"events": [...]}`), current or older spelling.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Treat the advisory invariants (event times in order; command events
    /// naming and following their WorkflowTaskCompleted) as violations too.
    #[arg(long)]
    pub strict: bool,
}

/// Checks every file; exit 2 if any file cannot be read or parsed, else 1 if
/// any history breaks an invariant, else 0.
pub fn check_history(args: CheckHistoryArgs) -> Result<i32, String> {
    let mut unreadable = false;
    let mut violated = false;
    for path in &args.files {
        match read_history(path) {
            Ok(imported) => {
                let findings = check_recorded_history(&imported.events, args.strict);
                print!("{}", report(path, &imported, &findings));
                violated |= !findings.violations.is_empty();
            }
            Err(message) => {
                eprintln!("tempest: error: {message}");
                unreadable = true;
            }
        }
    }
    Ok(if unreadable {
        super::EXIT_BAD_INPUT
    } else if violated {
        super::EXIT_VIOLATION
    } else {
        super::EXIT_OK
    })
}

/// Reads and imports one file (at least one event); the error is one line
/// naming the file.
fn read_history(path: &Path) -> Result<ImportedHistory, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    let imported = import_history(&text)
        .map_err(|e| format!("{}: not a Temporal JSON history: {e}", path.display()))?;
    if imported.events.is_empty() {
        return Err(format!("{}: the history has no events", path.display()));
    }
    Ok(imported)
}

/// One file's report: a verdict line, the violations and warnings, the
/// history with every offending event marked, and the unmodelled event types
/// and fields kept.
fn report(path: &Path, imported: &ImportedHistory, findings: &RecordedFindings) -> String {
    let events = &imported.events;
    let RecordedFindings {
        violations,
        warnings,
    } = findings;
    let mut out = format!(
        "{}: {} events, {}: ",
        path.display(),
        events.len(),
        implied_status(events)
    );
    out.push_str(&match (violations.len(), warnings.len()) {
        (0, 0) => "ok\n".to_string(),
        (0, w) => format!("ok, {w} warning(s)\n"),
        (v, 0) => format!("{v} violation(s)\n"),
        (v, w) => format!("{v} violation(s), {w} warning(s)\n"),
    });
    push_findings(&mut out, "", violations);
    push_findings(&mut out, "warning: ", warnings);
    if !violations.is_empty() || !warnings.is_empty() {
        let marked: Vec<i64> = violations
            .iter()
            .chain(warnings)
            .filter_map(|v| v.event_id)
            .collect();
        out.push_str(&render_history_with_marks(events, &marked));
    }
    for line in unmodelled_summary(&imported.unmodelled) {
        out.push_str(&format!("  kept, not modelled: {line}\n"));
    }
    out
}

/// One indented line per finding, each behind `prefix`.
fn push_findings(out: &mut String, prefix: &str, findings: &[Violation]) {
    for finding in findings {
        out.push_str(&format!("  {prefix}{finding}\n"));
    }
}

/// Unmodelled items grouped by what they are (an event type, or a field
/// path), in order of first appearance, each with the events it occurs in.
fn unmodelled_summary(items: &[UnmodelledItem]) -> Vec<String> {
    let mut order: Vec<String> = Vec::new();
    let mut events: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for item in items {
        let what = if item.field == "eventType" {
            format!("event type {}", item.value.as_str().unwrap_or("?"))
        } else {
            format!("field {}", item.field)
        };
        let ids = events.entry(what.clone()).or_default();
        if ids.is_empty() {
            order.push(what);
        }
        if ids.last() != Some(&item.event_id) {
            ids.push(item.event_id);
        }
    }
    order
        .into_iter()
        .map(|what| {
            let ids = &events[&what];
            format!("{what} ({})", event_list(ids))
        })
        .collect()
}

/// `event 3`, `events 3, 7, 9`, or `12 events: 1, 2, 3, …` for long lists.
fn event_list(ids: &[i64]) -> String {
    const SHOWN: usize = 5;
    let shown: Vec<String> = ids.iter().take(SHOWN).map(i64::to_string).collect();
    match ids.len() {
        1 => format!("event {}", shown[0]),
        n if n <= SHOWN => format!("events {}", shown.join(", ")),
        n => format!("{n} events: {}, …", shown.join(", ")),
    }
}
