//! One-line formats for CI: `concise` and GitHub workflow annotations.

use crate::severity;
use migscan_core::Severity;
use migscan_engine::ScanReport;
use migscan_rules::RuleCatalog;
use std::fmt::Write as _;

/// The pseudo-rule unused suppressions are reported under.
pub const UNUSED_SUPPRESSION: &str = "migscan/unused-suppression";

/// `path:line:col: rule [status] message (→ replacement)`, one per finding,
/// then the unused suppressions when asked for.
pub fn render_concise(report: &ScanReport, catalog: &RuleCatalog, unused: bool) -> String {
    let mut out = String::new();
    for f in &report.findings {
        let rule = catalog.rule(f.rule);
        let replacement = rule
            .replacement_for(&f.usage.name)
            .map(|r| format!(" (→ {r})"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{}:{}:{}: {} [{}] {}: {}{replacement}",
            report.files[f.file].display,
            f.usage.span.line,
            f.usage.span.column,
            rule.id,
            rule.status.as_str(),
            f.usage.name,
            rule.message
        );
    }
    if unused {
        for (path, s) in &report.unused_suppressions {
            let _ = writeln!(out, "{path}:{}:{}: {UNUSED_SUPPRESSION} [warning] `migscan: ignore` suppresses no finding", s.line, s.column);
        }
    }
    out
}

/// GitHub Actions annotations (`::warning file=...,line=...::message`).
pub fn render_github(report: &ScanReport, catalog: &RuleCatalog, unused: bool) -> String {
    let mut out = String::new();
    for f in &report.findings {
        let rule = catalog.rule(f.rule);
        let level = match severity(rule) {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let replacement = rule
            .replacement_for(&f.usage.name)
            .map(|r| format!(" Replacement: {r}."))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "::{level} file={},line={},col={},title={}::{}",
            property(&report.files[f.file].display),
            f.usage.span.line,
            f.usage.span.column,
            property(&rule.id),
            data(&format!("{}: {}.{replacement}", f.usage.name, rule.message))
        );
    }
    if unused {
        for (path, s) in &report.unused_suppressions {
            let _ = writeln!(out, "::warning file={},line={},col={},title={UNUSED_SUPPRESSION}::migscan: ignore suppresses no finding", property(path), s.line, s.column);
        }
    }
    out
}

/// Escapes a workflow-command message.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow-command property.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}
