//! Markdown: the whole report as a document to read, forward and archive.

use crate::text::{hours, md_cell, md_code, md_link_text, md_url};
use migscan_core::{Status, Step};
use migscan_engine::ScanReport;
use migscan_plan::MigrationPlan;
use migscan_rules::RuleCatalog;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// What a pack list says for a pack whose sources state no stack version.
pub const NO_STACK: &str = "stack version not stated by its sources";

/// What every effort figure rests on, said in every format.
pub const ASSUMPTIONS: &str = "Effort figures are estimates, not measurements. Each rule names an effort class of `rules/effort.toml`: a one-off cost per distinct API (learning and porting it once), a cost per site (editing and testing each place) and, for CUDA kernels, a cost per line of the kernel; warp intrinsics, inline PTX and tensor-core code in a kernel add their own findings. Ranges are summed point by point (low, likely, high) and the expected figure is the PERT mean (low + 4 × likely + high) / 6. Recalibrate the classes after a proof of concept.";

/// Renders the report as Markdown.
pub fn render_markdown(report: &ScanReport, catalog: &RuleCatalog) -> String {
    let mut out = String::from("# migscan migration report\n\n");
    let targets: Vec<&str> = report.targets.iter().map(|t| t.id()).collect();
    let _ = writeln!(
        out,
        "{} files scanned, {} skipped, {} findings, for {}.\n",
        report.files.len(),
        report.skipped.len(),
        report.findings.len(),
        targets.join(", ")
    );
    let _ = writeln!(out, "> {ASSUMPTIONS}\n");
    if let Some(comparison) = &report.comparison {
        out.push_str("## Targets side by side\n\n");
        out.push_str("| target | effort (h, low–high) | expected (h) | step 1 | step 2 | step 3 | step 4 | mechanical | blockers | unknown sites |\n|---|---|---|---|---|---|---|---|---|---|\n");
        for row in &comparison.ranking {
            let unknown = row.sites_by_status.get(Status::Unknown);
            let _ = writeln!(
                out,
                "| {} | {}–{} | {} | {} | {} | {} | {} | {:.0}% | {} | {} |",
                row.target.title(),
                hours(row.hours.low),
                hours(row.hours.high),
                hours(row.expected_hours),
                hours(row.likely_per_step[0]),
                hours(row.likely_per_step[1]),
                hours(row.likely_per_step[2]),
                hours(row.likely_per_step[3]),
                row.mechanical_share * 100.0,
                row.blockers,
                unknown
            );
        }
        let _ = writeln!(
            out,
            "\n**Recommendation.** {}\n",
            md_cell(&comparison.recommendation)
        );
    }
    for plan in &report.plans {
        render_plan(&mut out, report, plan, catalog);
    }
    out.push_str("## Hardware\n\n");
    for assessment in &report.hardware {
        let _ = writeln!(out, "### {}\n", assessment.target.title());
        for line in crate::hardware::hardware_lines(assessment) {
            let _ = writeln!(out, "- {}", md_cell(&line));
        }
        out.push('\n');
    }
    if !report.vendored.is_empty() {
        out.push_str("## Vendored libraries\n\n");
        let _ = writeln!(out, "{}\n", crate::vendored::vendored_intro(report));
        for library in &report.vendored {
            let _ = writeln!(
                out,
                "- {}: {}",
                md_code(&library.display),
                md_cell(&crate::vendored::vendored_line(library))
            );
        }
        out.push('\n');
    }
    render_effort_model(&mut out, catalog);
    out.push_str("## Rule packs\n\n");
    for &target in &report.targets {
        if let Some(pack) = catalog.pack(target) {
            let _ = writeln!(
                out,
                "- **{}** — pack {}, {}: {}",
                target.title(),
                pack.version,
                catalog
                    .stack_assumed(target)
                    .unwrap_or_else(|| NO_STACK.into()),
                md_cell(&pack.description)
            );
            for source in &pack.sources {
                let _ = writeln!(out, "  - {}", md_cell(source));
            }
        }
    }
    if !report.skipped.is_empty() {
        out.push_str("\n## Skipped files\n\n");
        for skipped in &report.skipped {
            let _ = writeln!(
                out,
                "- {}: {}",
                md_code(&skipped.display),
                md_cell(&skipped.reason)
            );
        }
    }
    let mut broken = crate::unscanned::with_syntax_errors(report).peekable();
    if broken.peek().is_some() {
        out.push_str("\n## Files with syntax errors\n\nScanned as far as they parse.\n\n");
        for path in broken {
            let _ = writeln!(out, "- {}", md_code(path));
        }
    }
    out
}

fn render_plan(out: &mut String, report: &ScanReport, plan: &MigrationPlan, catalog: &RuleCatalog) {
    let target = plan.target;
    let _ = writeln!(out, "## {}\n", target.title());
    let r = &plan.readiness;
    let count = |s: Status| r.sites_by_status.get(s);
    let _ = writeln!(
        out,
        "Estimated effort **{}–{} h** (expected {} h). Sites: {} auto, {} manual, {} unsupported, {} unknown, {} run unchanged. {:.0}% of the changes are mechanical renames; {} distinct APIs have no equivalent. {} sites ({:.0}%) are already ported: in `#if` branches this target does not compile, or renamed in the same file.\n",
        hours(plan.total.low),
        hours(plan.total.high),
        hours(plan.expected_hours),
        count(Status::Auto),
        count(Status::Manual),
        count(Status::Unsupported),
        count(Status::Unknown),
        count(Status::Supported),
        r.mechanical_share * 100.0,
        r.blockers,
        r.ported_sites,
        r.ported_share() * 100.0
    );
    out.push_str("| step | sites | low (h) | likely (h) | high (h) |\n|---|---|---|---|---|\n");
    for step in &plan.steps {
        let _ = writeln!(
            out,
            "| {}. {} | {} | {} | {} | {} |",
            step.step.number(),
            step.title,
            step.sites,
            hours(step.hours.low),
            hours(step.hours.likely),
            hours(step.hours.high)
        );
    }
    out.push('\n');
    if plan.optional.sites > 0 {
        let _ = writeln!(out, "{}\n", md_cell(&crate::text::optional_sentence(plan)));
    }
    if let Some(shim) = crate::text::shim_sentence(plan) {
        let _ = writeln!(out, "{}\n", md_cell(&shim));
    }
    // Findings of this target, by step and rule.
    let mut by_rule: BTreeMap<(Step, usize), Vec<usize>> = BTreeMap::new();
    for (i, f) in report
        .findings
        .iter()
        .enumerate()
        .filter(|(_, f)| f.target == target)
    {
        by_rule
            .entry((catalog.rule(f.rule).step, f.rule))
            .or_default()
            .push(i);
    }
    for step in Step::ALL {
        let rules: Vec<_> = by_rule.iter().filter(|((s, _), _)| *s == step).collect();
        if rules.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "### {} — step {}. {}\n",
            target,
            step.number(),
            step.title()
        );
        for ((_, rule_index), findings) in rules {
            let rule = catalog.rule(*rule_index);
            let _ = writeln!(
                out,
                "#### {} ({}, {} sites)\n",
                md_code(&rule.id),
                rule.status.as_str(),
                findings.len()
            );
            let _ = writeln!(out, "{}", md_cell(&rule.message));
            if let Some(replacement) = &rule.replacement {
                let _ = writeln!(
                    out,
                    "\nReplacement: {}",
                    md_code(&replacement.replace("{suffix}", "*"))
                );
            }
            let confidence = if rule.confidence == migscan_core::Confidence::Low {
                " (low confidence: confirm in a proof of concept)"
            } else {
                ""
            };
            let _ = writeln!(out, "\nSource: {}{}\n", md_cell(&rule.source), confidence);
            for &i in findings.iter().take(50) {
                let f = &report.findings[i];
                let path = &report.files[f.file].display;
                let _ = writeln!(
                    out,
                    "- [{}:{}:{}]({}#L{}) {}",
                    md_link_text(path),
                    f.usage.span.line,
                    f.usage.span.column,
                    md_url(path),
                    f.usage.span.line,
                    md_code(&f.usage.name)
                );
            }
            if findings.len() > 50 {
                let _ = writeln!(
                    out,
                    "- … {} more sites (see the JSON or CSV report)",
                    findings.len() - 50
                );
            }
            out.push('\n');
        }
    }
}

fn render_effort_model(out: &mut String, catalog: &RuleCatalog) {
    out.push_str("## Effort model\n\n| class | per API (h) | per site (h) | per kernel line (h) | meaning |\n|---|---|---|---|---|\n");
    for (name, class) in &catalog.effort().classes {
        let range = |h: migscan_rules::Hours| format!("{}/{}/{}", h.low, h.likely, h.high);
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            md_code(name),
            range(class.per_api),
            range(class.per_site),
            range(class.per_line),
            md_cell(&class.description)
        );
    }
    out.push_str("\nFigures are low/likely/high person-hours.\n\n");
}
