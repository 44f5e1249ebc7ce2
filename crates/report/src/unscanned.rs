//! Files the scan could not read in full: those skipped (with the reason)
//! and those with syntax errors (scanned as far as they parse). Every
//! format says so, since findings missing from them are otherwise silent.

use migscan_engine::ScanReport;

/// The display paths of scanned files whose parser recovered from syntax
/// errors, in report order.
pub fn with_syntax_errors(report: &ScanReport) -> impl Iterator<Item = &str> {
    report
        .files
        .iter()
        .filter(|f| f.syntax_errors)
        .map(|f| f.display.as_str())
}

/// One line for formats with no room for the lists (`concise`, `github`,
/// `csv`, `--statistics`), or `None` when every file was read in full.
pub fn unscanned_notice(report: &ScanReport) -> Option<String> {
    let skipped = report.skipped.len();
    let broken = with_syntax_errors(report).count();
    let mut parts = Vec::new();
    if skipped > 0 {
        parts.push(format!("{} skipped", files(skipped)));
    }
    if broken > 0 {
        parts.push(format!(
            "{} with syntax errors (scanned as far as they parse)",
            files(broken)
        ));
    }
    (!parts.is_empty()).then(|| {
        format!(
            "migscan: {}; `--format json` or the terminal report with --verbose lists them",
            parts.join(", ")
        )
    })
}

/// `1 file`, `2 files`.
fn files(count: usize) -> String {
    crate::text::plural(count, "file", "files")
}
