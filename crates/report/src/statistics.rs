//! `--statistics`: per target the totals, findings and hours per rule, and
//! per API what it becomes (`from → to: count`) with converted and
//! unconverted totals, the way HIPIFY's `--print-stats` counts; and the
//! per-API rows the CSV variant writes (the de-duplicated API sheet
//! Huawei's analysis tool gives).

use crate::text::{group_digits, plural};
use crate::{hours, text::optional_sentence};
use migscan_core::{Status, Target};
use migscan_engine::ScanReport;
use migscan_rules::RuleCatalog;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// One distinct API of one target, with where it occurs.
pub struct ApiRow<'a> {
    /// The target whose pack matched it.
    pub target: Target,
    /// The matched name.
    pub api: &'a str,
    /// The rule that matched it (catalog index).
    pub rule: usize,
    /// Sites.
    pub sites: usize,
    /// Distinct files.
    pub files: usize,
    /// The first site (display path, line).
    pub first: (&'a str, u32),
}

/// Order of statuses in statistics: what needs a person first.
fn status_rank(status: Status) -> u8 {
    match status {
        Status::Unsupported => 0,
        Status::Unknown => 1,
        Status::Manual => 2,
        Status::Auto => 3,
        Status::Supported => 4,
    }
}

/// The distinct APIs per target: unsupported first, then unknown, manual,
/// auto; most sites first within a status.
pub fn api_rows<'a>(report: &'a ScanReport, catalog: &RuleCatalog) -> Vec<ApiRow<'a>> {
    // Findings come sorted by file, so a row's files are counted by
    // noting when its file changes.
    let mut rows: BTreeMap<(Target, &str, usize), (ApiRow, usize)> = BTreeMap::new();
    for f in &report.findings {
        let file = &report.files[f.file];
        let (row, last_file) = rows
            .entry((f.target, f.usage.name.as_str(), f.rule))
            .or_insert_with(|| {
                let row = ApiRow {
                    target: f.target,
                    api: &f.usage.name,
                    rule: f.rule,
                    sites: 0,
                    files: 0,
                    first: (file.display.as_str(), f.usage.span.line),
                };
                (row, usize::MAX)
            });
        row.sites += 1;
        if *last_file != f.file {
            row.files += 1;
            *last_file = f.file;
        }
    }
    let mut rows: Vec<ApiRow> = rows.into_values().map(|(row, _)| row).collect();
    rows.sort_by(|a, b| {
        let rank = |r: &ApiRow| status_rank(catalog.rule(r.rule).status);
        (a.target, rank(a), std::cmp::Reverse(a.sites), a.api).cmp(&(
            b.target,
            rank(b),
            std::cmp::Reverse(b.sites),
            b.api,
        ))
    });
    rows
}

/// Expected hours per (target, rule) from the plans, required and optional
/// work together.
pub fn rule_hours(report: &ScanReport) -> BTreeMap<(Target, usize), f64> {
    let mut hours = BTreeMap::new();
    for plan in &report.plans {
        let items = plan.steps.iter().flat_map(|s| &s.items);
        for item in items.chain(&plan.optional.items) {
            *hours.entry((plan.target, item.rule)).or_default() += item.hours.expected();
        }
    }
    hours
}

/// Each finding's share of its rule's expected hours, by finding index: a
/// rule's hours spread evenly over its sites, so that the shares of a
/// target's findings sum to its plan's expected total (required and
/// optional work).
pub fn site_hours(report: &ScanReport) -> Vec<f64> {
    let hours = rule_hours(report);
    let mut sites: BTreeMap<(Target, usize), usize> = BTreeMap::new();
    for f in &report.findings {
        *sites.entry((f.target, f.rule)).or_default() += 1;
    }
    report
        .findings
        .iter()
        .map(|f| {
            let key = (f.target, f.rule);
            hours.get(&key).copied().unwrap_or_default() / sites[&key] as f64
        })
        .collect()
}

/// The text of `--statistics`.
pub fn render_statistics(report: &ScanReport, catalog: &RuleCatalog) -> String {
    let mut out = format!(
        "migscan statistics: {} scanned, {}\n",
        plural(report.files.len(), "file", "files"),
        plural(report.findings.len(), "finding", "findings")
    );
    let apis = api_rows(report, catalog);
    let hours_of = rule_hours(report);
    for plan in &report.plans {
        let target = plan.target;
        let of_target: Vec<&ApiRow> = apis.iter().filter(|r| r.target == target).collect();
        let stack = catalog
            .stack_assumed(target)
            .map(|s| format!(", {s}"))
            .unwrap_or_default();
        let findings = of_target.iter().map(|r| r.sites).sum();
        let _ = writeln!(
            out,
            "\n{}{stack}: {}, {} h expected",
            target.id(),
            plural(findings, "finding", "findings"),
            hours(plan.expected_hours)
        );
        render_conversion(&mut out, &of_target, catalog);
        if !plan.optional.items.is_empty() {
            let _ = writeln!(out, "  {}", optional_sentence(plan));
        }
        if let Some(shim) = crate::text::shim_sentence(plan) {
            let _ = writeln!(out, "  {shim}");
        }
        render_rules(&mut out, &of_target, catalog, &hours_of, target);
        render_apis(&mut out, &of_target, catalog);
    }
    out
}

/// Converted (auto) and unconverted sites and APIs, by status.
fn render_conversion(out: &mut String, rows: &[&ApiRow], catalog: &RuleCatalog) {
    let mut by_status: BTreeMap<u8, (Status, usize, usize)> = BTreeMap::new();
    for row in rows {
        let status = catalog.rule(row.rule).status;
        let entry = by_status
            .entry(status_rank(status))
            .or_insert((status, 0, 0));
        entry.1 += row.sites;
        entry.2 += 1;
    }
    let (mut converted, mut unconverted) = ((0, 0), (0, 0));
    let mut parts = Vec::new();
    for (status, sites, apis) in by_status.values() {
        if *status == Status::Auto {
            converted = (*sites, *apis);
        } else {
            unconverted.0 += sites;
            unconverted.1 += apis;
            parts.push(format!(
                "{} {}",
                status.as_str(),
                group_digits(&sites.to_string())
            ));
        }
    }
    let _ = writeln!(
        out,
        "  converted (auto):  {} of {}",
        plural(converted.0, "site", "sites"),
        plural(converted.1, "API", "APIs")
    );
    let _ = writeln!(
        out,
        "  unconverted:       {} of {}{}",
        plural(unconverted.0, "site", "sites"),
        plural(unconverted.1, "API", "APIs"),
        if parts.is_empty() {
            String::new()
        } else {
            format!(" ({})", parts.join(", "))
        }
    );
}

/// Findings and expected hours per rule, most findings first.
fn render_rules(
    out: &mut String,
    rows: &[&ApiRow],
    catalog: &RuleCatalog,
    hours_of: &BTreeMap<(Target, usize), f64>,
    target: Target,
) {
    let mut per_rule: BTreeMap<usize, usize> = BTreeMap::new();
    for row in rows {
        *per_rule.entry(row.rule).or_default() += row.sites;
    }
    let mut per_rule: Vec<(usize, usize)> = per_rule.into_iter().collect();
    per_rule.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then(catalog.rule(a.0).id.cmp(&catalog.rule(b.0).id))
    });
    let _ = writeln!(
        out,
        "\n  {:>8}  {:>8}  {:<11}  rule",
        "findings", "hours", "status"
    );
    for (rule, count) in per_rule {
        let hours = hours_of.get(&(target, rule)).copied().unwrap_or_default();
        let rule = catalog.rule(rule);
        let _ = writeln!(
            out,
            "  {:>8}  {:>8}  {:<11}  {}",
            group_digits(&count.to_string()),
            crate::hours(hours),
            rule.status.as_str(),
            rule.id
        );
    }
}

/// `count  from → to` per API; APIs without a replacement show their
/// status instead.
fn render_apis(out: &mut String, rows: &[&ApiRow], catalog: &RuleCatalog) {
    let _ = writeln!(out, "\n  {:>8}  API → replacement", "sites");
    for row in rows {
        let rule = catalog.rule(row.rule);
        let to = match (rule.status, rule.replacement_for(row.api)) {
            (Status::Auto, Some(to)) => format!(" → {to}"),
            (status, Some(to)) => format!(" → {to} [{}]", status.as_str()),
            (status, None) => format!(" [{}]", status.as_str()),
        };
        let _ = writeln!(
            out,
            "  {:>8}  {}{to}",
            group_digits(&row.sites.to_string()),
            row.api
        );
    }
}
