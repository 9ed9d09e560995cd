//! The real vendor captures (DESIGN: tests read them from `../shared/fixtures/real-captures`).

use std::path::PathBuf;

/// The real-captures folder: `$MSTORE_FIXTURES_DIR` if set, else `../shared` beside the
/// checkout, else `$MSTORE_SHARED/fixtures/real-captures` (worktrees outside the main checkout).
/// When none is a folder the test is skipped loudly.
pub fn fixtures() -> Option<PathBuf> {
    let beside = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/fixtures/real-captures"
    ));
    let wanted = match std::env::var_os("MSTORE_FIXTURES_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => beside,
    };
    if wanted.is_dir() {
        return Some(wanted);
    }
    if let Some(s) = std::env::var_os("MSTORE_SHARED") {
        let p = PathBuf::from(s).join("fixtures/real-captures");
        if p.is_dir() {
            return Some(p);
        }
    }
    eprintln!("SKIPPED: fixtures not found at {}", wanted.display());
    None
}
