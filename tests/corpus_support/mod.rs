//! The Temporal history corpus (`tests/data/temporal-histories/`), shared by
//! the tests that read it.

use std::path::{Path, PathBuf};

/// Every `.json` history of the corpus, in sorted path order (at least 50).
pub fn corpus_files() -> Vec<PathBuf> {
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
