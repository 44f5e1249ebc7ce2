//! SARIF 2.1.0, as GitHub code scanning ingests it: one run per target,
//! each its own category (`migscan/ascend/`), with the rules its findings
//! refer to (with help), results located relative to the scanned root
//! (`%SRCROOT%`), and `partialFingerprints` that survive line shifts.
//!
//! One run per target, not one run for all: a line that needs a change on
//! four targets is four findings with four rules and messages, and code
//! scanning can then filter them by category; a target's alerts keep their
//! category whether it was scanned alone or with others, so switching from
//! `--target ascend` to `--target all` closes and reopens nothing.

use crate::markdown::ASSUMPTIONS;
use crate::severity;
use migscan_core::{stable_hash, Finding, Severity, Target};
use migscan_engine::{ScanReport, VendoredMode};
use migscan_rules::{Rule, RuleCatalog};
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::{self, Write};

/// Where the generated rule pages are published.
const RULE_DOCS: &str = "https://github.com/migscan/migscan/blob/main/docs/rules";

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn rule_descriptor(rule: &Rule) -> Value {
    let replacement = rule
        .replacement
        .as_deref()
        .map(|r| format!("\n\n**Replacement:** `{}`", r.replace("{suffix}", "*")))
        .unwrap_or_default();
    json!({
        "id": rule.id,
        "name": rule.id.replace(['/', '-'], "_"),
        "shortDescription": { "text": format!("{} on {}", rule.matcher.describe(), rule.target) },
        "fullDescription": { "text": rule.message },
        "helpUri": format!("{RULE_DOCS}/{}.md", rule.target),
        "help": {
            "text": format!("{} Source: {}", rule.message, rule.source),
            "markdown": format!("{}{replacement}\n\n**Status on {}:** {} (step {}: {})\n\n**Source:** {}", rule.message, rule.target, rule.status.as_str(), rule.step.number(), rule.step.title(), rule.source),
        },
        "defaultConfiguration": { "level": level(severity(rule)) },
        "properties": {
            "tags": [rule.target.id(), format!("step-{}", rule.step.number()), rule.status.as_str()],
            "precision": if rule.confidence == migscan_core::Confidence::Low { "low" } else { "high" },
        },
    })
}

/// The log, its keys in the order `json!` would sort them, so the output is
/// the same as a `Value`'s; the results are streamed.
#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    runs: Vec<Run<'a>>,
    version: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    automation_details: Value,
    invocations: Value,
    original_uri_base_ids: Value,
    properties: Value,
    results: Results<'a>,
    tool: Value,
}

/// The results, serialized one by one as they are written: a generated file
/// can hold hundreds of thousands of findings.
struct Results<'a> {
    report: &'a ScanReport,
    catalog: &'a RuleCatalog,
    target: Target,
    rule_index: BTreeMap<usize, usize>,
}

impl Serialize for Results<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.findings().map(|f| self.result(f)))
    }
}

impl<'a> Results<'a> {
    /// The results of `target`, with the index of each rule they use in
    /// the order rules first appear.
    fn new(report: &'a ScanReport, catalog: &'a RuleCatalog, target: Target) -> Self {
        let mut results = Results {
            report,
            catalog,
            target,
            rule_index: BTreeMap::new(),
        };
        let rules: Vec<usize> = results.findings().map(|f| f.rule).collect();
        for rule in rules {
            let next = results.rule_index.len();
            results.rule_index.entry(rule).or_insert(next);
        }
        results
    }

    fn findings(&self) -> impl Iterator<Item = &'a Finding> {
        let target = self.target;
        self.report
            .findings
            .iter()
            .filter(move |f| f.target == target)
    }

    /// The descriptors of the rules the results use, in index order.
    fn rules(&self) -> Vec<Value> {
        let mut ordered: Vec<(usize, usize)> =
            self.rule_index.iter().map(|(&r, &i)| (i, r)).collect();
        ordered.sort();
        ordered
            .iter()
            .map(|&(_, r)| rule_descriptor(self.catalog.rule(r)))
            .collect()
    }

    fn result(&self, f: &Finding) -> Value {
        let rule = self.catalog.rule(f.rule);
        let file = &self.report.files[f.file];
        let replacement = rule
            .replacement_for(&f.usage.name)
            .map(|r| format!(" Replacement: {r}."))
            .unwrap_or_default();
        let mut message = format!(
            "[{}] {}: {}.{replacement}",
            f.target, f.usage.name, rule.message
        );
        if let Some(cell) = f.usage.cell {
            message.push_str(&format!(" (notebook cell {cell})"));
        }
        json!({
            "ruleId": rule.id,
            "ruleIndex": self.rule_index[&f.rule],
            "level": level(severity(rule)),
            "message": { "text": message },
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": { "uri": file.display, "uriBaseId": "%SRCROOT%" },
                    "region": { "startLine": f.usage.span.line, "startColumn": f.usage.span.column },
                }
            }],
            "partialFingerprints": {
                "migscanLine/v1": format!("{:016x}", stable_hash(&[&rule.id, &file.display, &f.usage.name, &f.line_hash.to_string()])),
            },
            "properties": {
                "target": f.target.id(),
                "step": rule.step.number(),
                "status": rule.status.as_str(),
                "effortClass": rule.effort,
            },
        })
    }
}

/// One note per vendored library, so code scanning says why a library's
/// own sites have no results (`--vendored summarize` or `skip`).
fn vendored_notifications(report: &ScanReport) -> Vec<Value> {
    let treatment = match report.vendored_mode {
        VendoredMode::Summarize => {
            "one result for the whole library (--vendored summarize); its own sites are not results"
        }
        VendoredMode::Itemize => "its sites are results like the project's (--vendored itemize)",
        VendoredMode::Skip => "listed only, not scanned (--vendored skip)",
    };
    report
        .vendored
        .iter()
        .map(|library| {
            let version = library
                .version
                .as_deref()
                .map(|v| format!(" {v}"))
                .unwrap_or_default();
            json!({
                "level": "note",
                "descriptor": { "id": "vendored-library" },
                "message": { "text": format!(
                    "vendored library {}{version} ({}): {} files, {} lines; {treatment}",
                    library.name, library.evidence, library.files, library.lines
                ) },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": library.display, "uriBaseId": "%SRCROOT%" },
                    }
                }],
            })
        })
        .collect()
}

/// One warning per skipped file and one note per file with syntax errors,
/// so code scanning says why a file has fewer results than it might.
fn unscanned_notifications(report: &ScanReport) -> Vec<Value> {
    let location = |path: &str| {
        json!([{
            "physicalLocation": {
                "artifactLocation": { "uri": path, "uriBaseId": "%SRCROOT%" },
            }
        }])
    };
    let skipped = report.skipped.iter().map(|s| {
        json!({
            "level": "warning",
            "descriptor": { "id": "skipped-file" },
            "message": { "text": format!("not scanned: {}", s.reason) },
            "locations": location(&s.display),
        })
    });
    let broken = crate::unscanned::with_syntax_errors(report).map(|path| {
        json!({
            "level": "note",
            "descriptor": { "id": "syntax-errors" },
            "message": { "text": "syntax errors: scanned as far as the parser recovered" },
            "locations": location(path),
        })
    });
    skipped.chain(broken).collect()
}

/// The run of one target, with the notifications every run carries.
fn run<'a>(
    report: &'a ScanReport,
    catalog: &'a RuleCatalog,
    target: Target,
    notifications: &[Value],
) -> Run<'a> {
    let results = Results::new(report, catalog, target);
    Run {
        tool: json!({
            "driver": {
                "name": "migscan",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/migscan/migscan",
                "rules": results.rules(),
            }
        }),
        automation_details: json!({ "id": format!("migscan/{}/", target.id()) }),
        invocations: json!([{
            "executionSuccessful": true,
            "toolExecutionNotifications": notifications,
        }]),
        original_uri_base_ids: json!({ "%SRCROOT%": { "description": { "text": "The scanned root." } } }),
        properties: json!({
            "target": target.id(),
            "pack": { "version": catalog.pack(target).map(|p| p.version.clone()), "stack": catalog.stack_assumed(target) },
            "effortAssumptions": ASSUMPTIONS,
        }),
        results,
    }
}

/// Writes the report as a SARIF 2.1.0 log: one run per target.
pub fn write_sarif(
    report: &ScanReport,
    catalog: &RuleCatalog,
    mut out: impl Write,
) -> io::Result<()> {
    // Built once: they hold for every target.
    let mut notifications = vendored_notifications(report);
    notifications.extend(unscanned_notifications(report));
    let log = Log {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: report
            .targets
            .iter()
            .map(|&target| run(report, catalog, target, &notifications))
            .collect(),
    };
    serde_json::to_writer_pretty(&mut out, &log).map_err(io::Error::from)?;
    out.write_all(b"\n")
}
