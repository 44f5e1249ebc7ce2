//! The JSON document: stable field names, versioned by
//! [`JSON_SCHEMA_VERSION`], documented in `docs/json-schema.md`.

use crate::severity;
use migscan_core::UsageKind;
use migscan_engine::ScanReport;
use migscan_rules::RuleCatalog;
use serde_json::{json, Value};

/// Bumped whenever a field changes meaning or disappears.
pub const JSON_SCHEMA_VERSION: u32 = 1;

/// The report as a pretty-printed JSON document ending in a newline.
pub fn render_json(report: &ScanReport, catalog: &RuleCatalog) -> String {
    let findings: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let rule = catalog.rule(f.rule);
            json!({
                "target": f.target,
                "rule_id": rule.id,
                "status": rule.status,
                "step": rule.step,
                "severity": severity(rule).as_str(),
                "path": report.files[f.file].display,
                "line": f.usage.span.line,
                "column": f.usage.span.column,
                "cell": f.usage.cell,
                "lines": (f.usage.kind == UsageKind::KernelDef).then_some(f.usage.weight),
                "kind": f.usage.kind.as_str(),
                "api": f.usage.name,
                "message": rule.message,
                "replacement": rule.replacement_for(&f.usage.name),
                "effort_class": rule.effort,
                "confidence": rule.confidence,
                "source": rule.source,
            })
        })
        .collect();
    let packs: Vec<Value> = report
        .targets
        .iter()
        .map(|&t| {
            json!({
                "target": t,
                "version": catalog.pack(t).map(|p| p.version.as_str()),
                "rules": catalog.rules_for(t).count(),
            })
        })
        .collect();
    let document = json!({
        "schema_version": JSON_SCHEMA_VERSION,
        "tool": { "name": "migscan", "version": env!("CARGO_PKG_VERSION") },
        "targets": report.targets,
        "packs": packs,
        "summary": {
            "files_scanned": report.files.len(),
            "files_skipped": report.skipped.len(),
            "files_with_syntax_errors": report.files.iter().filter(|f| f.syntax_errors).count(),
            "findings": report.findings.len(),
        },
        "effort_model": {
            "note": "estimates, not measurements: per class, per_api once per distinct API plus per_site per site; ranges summed point by point, expected = PERT mean (low + 4 likely + high) / 6",
            "classes": catalog.effort().classes,
        },
        "plans": report.plans,
        "findings": findings,
        "skipped": report.skipped.iter().map(|s| json!({ "path": s.display, "reason": s.reason })).collect::<Vec<_>>(),
    });
    let mut text = serde_json::to_string_pretty(&document).expect("JSON values always serialize");
    text.push('\n');
    text
}
