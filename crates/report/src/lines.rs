//! One-line formats for CI: `concise`, GitHub workflow annotations, and
//! per-rule statistics.

use crate::severity;
use migscan_core::Severity;
use migscan_engine::ScanReport;
use migscan_rules::RuleCatalog;
use std::collections::BTreeMap;
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

/// Findings per rule, most first.
pub fn render_statistics(report: &ScanReport, catalog: &RuleCatalog) -> String {
    let mut counts: BTreeMap<usize, usize> = BTreeMap::new();
    for f in &report.findings {
        *counts.entry(f.rule).or_default() += 1;
    }
    let mut rows: Vec<(usize, usize)> = counts.into_iter().collect();
    rows.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then(catalog.rule(a.0).id.cmp(&catalog.rule(b.0).id))
    });
    let mut out = String::new();
    for (rule, count) in rows {
        let rule = catalog.rule(rule);
        let _ = writeln!(out, "{count:>7}  {:<56} {}", rule.id, rule.status.as_str());
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
