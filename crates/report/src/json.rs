//! The JSON document: stable field names, versioned by
//! [`JSON_SCHEMA_VERSION`], documented in `docs/json-schema.md`.
//!
//! Written straight to the output with borrowed, typed records, so a report
//! of hundreds of thousands of findings never exists twice in memory.

use crate::severity;
use migscan_core::{Confidence, Status, Step, Target, UsageKind};
use migscan_engine::ScanReport;
use migscan_plan::{Comparison, HardwareAssessment, MigrationPlan};
use migscan_rules::{EffortClass, RuleCatalog};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{self, Write};

/// Bumped whenever a field changes meaning or disappears.
pub const JSON_SCHEMA_VERSION: u32 = 3;

/// What the effort figures assume.
const EFFORT_NOTE: &str = "estimates, not measurements: per class, per_api once per distinct API plus per_site per site (plus per_line per kernel line); ranges summed point by point, expected = PERT mean (low + 4 likely + high) / 6";

#[derive(Serialize)]
struct Document<'a> {
    schema_version: u32,
    tool: Tool,
    targets: &'a [Target],
    packs: Vec<Pack<'a>>,
    summary: Summary,
    effort_model: EffortModel<'a>,
    plans: &'a [MigrationPlan],
    comparison: Option<&'a Comparison>,
    hardware: &'a [HardwareAssessment],
    #[serde(serialize_with = "findings")]
    findings: (&'a ScanReport, &'a RuleCatalog),
    skipped: Vec<Skipped<'a>>,
    /// Files scanned as far as they parse.
    syntax_errors: Vec<&'a str>,
    vendored: Vendored<'a>,
}

#[derive(Serialize)]
struct Vendored<'a> {
    mode: &'static str,
    libraries: Vec<VendoredLibrary<'a>>,
}

#[derive(Serialize)]
struct VendoredLibrary<'a> {
    name: &'a str,
    path: &'a str,
    version: Option<&'a str>,
    contains: &'a [&'static str],
    evidence: &'a str,
    files: usize,
    lines: usize,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Pack<'a> {
    target: Target,
    version: Option<&'a str>,
    rules: usize,
    /// The stack version the plan assumes (`HIP 7.14.0 (newest the pack
    /// documents)`); absent when the pack's sources state none.
    stack: Option<String>,
}

#[derive(Serialize)]
struct Summary {
    files_scanned: usize,
    files_skipped: usize,
    files_with_syntax_errors: usize,
    findings: usize,
}

#[derive(Serialize)]
struct EffortModel<'a> {
    note: &'static str,
    classes: &'a BTreeMap<String, EffortClass>,
}

#[derive(Serialize)]
struct Finding<'a> {
    target: Target,
    rule_id: &'a str,
    status: Status,
    step: Step,
    severity: &'static str,
    path: &'a str,
    line: u32,
    column: u32,
    cell: Option<u32>,
    lines: Option<u32>,
    kind: &'static str,
    api: &'a str,
    message: &'a str,
    replacement: Option<String>,
    effort_class: &'a str,
    confidence: Confidence,
    source: &'a str,
    optional: bool,
}

#[derive(Serialize)]
struct Skipped<'a> {
    path: &'a str,
    reason: &'a str,
}

/// Serializes the findings one by one, as they are needed.
fn findings<S: serde::Serializer>(
    (report, catalog): &(&ScanReport, &RuleCatalog),
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(report.findings.iter().map(|f| {
        let rule = catalog.rule(f.rule);
        Finding {
            target: f.target,
            rule_id: &rule.id,
            status: rule.status,
            step: rule.step,
            severity: severity(rule).as_str(),
            path: &report.files[f.file].display,
            line: f.usage.span.line,
            column: f.usage.span.column,
            cell: f.usage.cell,
            lines: (f.usage.kind == UsageKind::KernelDef).then_some(f.usage.weight),
            kind: f.usage.kind.as_str(),
            api: &f.usage.name,
            message: &rule.message,
            replacement: rule.replacement_for(&f.usage.name),
            effort_class: &rule.effort,
            confidence: rule.confidence,
            source: &rule.source,
            optional: f.optional,
        }
    }))
}

/// Writes the report as a pretty-printed JSON document ending in a newline.
pub fn write_json(
    report: &ScanReport,
    catalog: &RuleCatalog,
    mut out: impl Write,
) -> io::Result<()> {
    let document = Document {
        schema_version: JSON_SCHEMA_VERSION,
        tool: Tool {
            name: "migscan",
            version: env!("CARGO_PKG_VERSION"),
        },
        targets: &report.targets,
        packs: report
            .targets
            .iter()
            .map(|&t| Pack {
                target: t,
                version: catalog.pack(t).map(|p| p.version.as_str()),
                rules: catalog.rules_for(t).count(),
                stack: catalog.stack_assumed(t),
            })
            .collect(),
        summary: Summary {
            files_scanned: report.files.len(),
            files_skipped: report.skipped.len(),
            files_with_syntax_errors: crate::unscanned::with_syntax_errors(report).count(),
            findings: report.findings.len(),
        },
        effort_model: EffortModel {
            note: EFFORT_NOTE,
            classes: &catalog.effort().classes,
        },
        plans: &report.plans,
        comparison: report.comparison.as_ref(),
        hardware: &report.hardware,
        findings: (report, catalog),
        skipped: report
            .skipped
            .iter()
            .map(|s| Skipped {
                path: &s.display,
                reason: &s.reason,
            })
            .collect(),
        syntax_errors: crate::unscanned::with_syntax_errors(report).collect(),
        vendored: Vendored {
            mode: report.vendored_mode.as_str(),
            libraries: report
                .vendored
                .iter()
                .map(|v| VendoredLibrary {
                    name: &v.name,
                    path: &v.display,
                    version: v.version.as_deref(),
                    contains: &v.contains,
                    evidence: &v.evidence,
                    files: v.files,
                    lines: v.lines,
                })
                .collect(),
        },
    };
    serde_json::to_writer_pretty(&mut out, &document).map_err(io::Error::from)?;
    out.write_all(b"\n")
}
