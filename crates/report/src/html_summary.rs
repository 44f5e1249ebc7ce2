//! The HTML report's "Where the work is" section: the findings aggregated
//! per rule and per directory, costliest first, each row opening onto its
//! sites or files, so a big repository's picture is whole before any
//! table is cut.

use crate::text::{group_digits, hours, html_escape as esc};
use migscan_core::Target;
use migscan_engine::ScanReport;
use migscan_rules::RuleCatalog;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Sites listed under a rule, and files under a directory, when opened.
const DRILL_DOWN: usize = 20;

/// Path components that name a directory in the per-directory table.
const DIRECTORY_DEPTH: usize = 2;

/// Sites and hours of a group.
#[derive(Default)]
struct Tally {
    sites: usize,
    hours: f64,
}

/// Writes the section; `hours_of` is each finding's share of its rule's
/// expected hours ([`site_hours`](crate::statistics::site_hours)).
pub fn where_the_work_is(
    out: &mut String,
    report: &ScanReport,
    catalog: &RuleCatalog,
    hours_of: &[f64],
) {
    if report.findings.is_empty() {
        return;
    }
    out.push_str("<h2>Where the work is</h2><p>Every finding, grouped; costliest first (expected hours: each site's share of its rule's estimate). Open a row for its sites or files.</p>");
    by_rule(out, report, catalog, hours_of);
    by_directory(out, report, hours_of);
}

/// One row per target and rule.
fn by_rule(out: &mut String, report: &ScanReport, catalog: &RuleCatalog, hours_of: &[f64]) {
    let mut rules: BTreeMap<(Target, usize), (Tally, Vec<usize>)> = BTreeMap::new();
    for (i, f) in report.findings.iter().enumerate() {
        let (tally, sites) = rules.entry((f.target, f.rule)).or_default();
        tally.sites += 1;
        tally.hours += hours_of[i];
        sites.push(i);
    }
    let mut rows: Vec<_> = rules.into_iter().collect();
    rows.sort_by(|a, b| b.1 .0.hours.total_cmp(&a.1 .0.hours).then(a.0.cmp(&b.0)));
    out.push_str("<h3>By rule</h3><table id=\"by-rule\"><tr><th>target</th><th>rule</th><th>status</th><th>sites</th><th>hours</th></tr>");
    for ((target, rule), (tally, sites)) in rows {
        let rule = catalog.rule(rule);
        let _ = write!(
            out,
            "<tr><td>{}</td><td><details><summary><code>{}</code></summary><ul>",
            target.id(),
            esc(&rule.id)
        );
        for &i in sites.iter().take(DRILL_DOWN) {
            let f = &report.findings[i];
            let _ = write!(
                out,
                "<li>{}:{}:{} <code>{}</code></li>",
                esc(&report.files[f.file].display),
                f.usage.span.line,
                f.usage.span.column,
                esc(&f.usage.name)
            );
        }
        if let Some(more) = more(sites.len(), "sites") {
            let _ = write!(out, "<li>{more}</li>");
        }
        let _ = write!(
            out,
            "</ul></details></td><td class=\"status-{0}\">{0}</td><td class=\"num\">{1}</td><td class=\"num\">{2}</td></tr>",
            rule.status.as_str(),
            group_digits(&tally.sites.to_string()),
            hours(tally.hours)
        );
    }
    out.push_str("</table>");
}

/// One row per directory (its first [`DIRECTORY_DEPTH`] components), with
/// each target's sites and hours.
fn by_directory(out: &mut String, report: &ScanReport, hours_of: &[f64]) {
    type PerTarget = BTreeMap<Target, Tally>;
    let mut directories: BTreeMap<&str, (PerTarget, BTreeMap<&str, PerTarget>)> = BTreeMap::new();
    for (i, f) in report.findings.iter().enumerate() {
        let path = report.files[f.file].display.as_str();
        let (totals, files) = directories.entry(directory(path)).or_default();
        for tally in [
            totals.entry(f.target).or_default(),
            files.entry(path).or_default().entry(f.target).or_default(),
        ] {
            tally.sites += 1;
            tally.hours += hours_of[i];
        }
    }
    let total_hours = |per_target: &PerTarget| per_target.values().map(|t| t.hours).sum::<f64>();
    let mut rows: Vec<_> = directories.into_iter().collect();
    rows.sort_by(|a, b| {
        total_hours(&b.1 .0)
            .total_cmp(&total_hours(&a.1 .0))
            .then(a.0.cmp(b.0))
    });
    out.push_str("<h3>By directory</h3><table id=\"by-directory\"><tr><th>directory</th>");
    for target in &report.targets {
        let _ = write!(out, "<th>{0} sites</th><th>{0} hours</th>", target.id());
    }
    out.push_str("</tr>");
    let cells = |out: &mut String, per_target: &PerTarget| {
        for target in &report.targets {
            let tally = per_target.get(target);
            let _ = write!(
                out,
                "<td class=\"num\">{}</td><td class=\"num\">{}</td>",
                group_digits(&tally.map_or(0, |t| t.sites).to_string()),
                hours(tally.map_or(0.0, |t| t.hours))
            );
        }
    };
    for (directory, (totals, files)) in rows {
        let _ = write!(
            out,
            "<tr><td><details><summary><code>{}</code></summary><table>",
            esc(directory)
        );
        let mut files: Vec<_> = files.into_iter().collect();
        files.sort_by(|a, b| {
            total_hours(&b.1)
                .total_cmp(&total_hours(&a.1))
                .then(a.0.cmp(b.0))
        });
        let count = files.len();
        for (path, per_target) in files.into_iter().take(DRILL_DOWN) {
            let _ = write!(out, "<tr><td><code>{}</code></td>", esc(path));
            cells(out, &per_target);
            out.push_str("</tr>");
        }
        out.push_str("</table>");
        if let Some(more) = more(count, "files") {
            let _ = write!(out, "<p>{more}</p>");
        }
        out.push_str("</details></td>");
        cells(out, &totals);
        out.push_str("</tr>");
    }
    out.push_str("</table>");
}

/// `vllm/model_executor/layers/x.py` → `vllm/model_executor`; a file
/// nearer the root counts under its own directory (`.` at the root).
fn directory(path: &str) -> &str {
    let parent = path.rfind('/').map_or("", |at| &path[..at]);
    match parent.match_indices('/').nth(DIRECTORY_DEPTH - 1) {
        Some((at, _)) => &parent[..at],
        None if parent.is_empty() => ".",
        None => parent,
    }
}

/// `… and N more sites` when a list of `count` was cut.
fn more(count: usize, what: &str) -> Option<String> {
    (count > DRILL_DOWN).then(|| {
        format!(
            "… and {} more {what}",
            group_digits(&(count - DRILL_DOWN).to_string())
        )
    })
}

#[cfg(test)]
mod tests {
    use super::directory;

    #[test]
    fn directories_keep_two_components() {
        assert_eq!(
            directory("vllm/model_executor/layers/x.py"),
            "vllm/model_executor"
        );
        assert_eq!(directory("vllm/x.py"), "vllm");
        assert_eq!(directory("setup.py"), ".");
    }
}
