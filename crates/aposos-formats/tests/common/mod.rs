//! Shared by the integration tests of `aposos-formats`.
#![allow(dead_code)]

/// The real CelesTrak catalog (`active.txt`) named by `$APOSOS_ACTIVE_TLE`, as
/// `(path, text)`. When the variable is unset, prints a note and returns `None`,
/// except under `CI=true` (set by CI, where `scripts/test` provides the file),
/// where it panics: the real-catalog tests must not be skipped silently there.
/// There is no fallback path.
pub fn active_catalog(test: &str) -> Option<(String, String)> {
    let Ok(path) = std::env::var("APOSOS_ACTIVE_TLE") else {
        let ci = std::env::var("CI").is_ok_and(|v| v == "true");
        assert!(
            !ci,
            "{test}: CI=true but APOSOS_ACTIVE_TLE is not set (scripts/test sets it)"
        );
        println!("note: APOSOS_ACTIVE_TLE is not set; {test} skipped");
        return None;
    };
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{test}: APOSOS_ACTIVE_TLE={path}: {e}"));
    Some((path, text))
}
