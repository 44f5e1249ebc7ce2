//! The terminal report: per target, the four-step plan with effort ranges,
//! then the most important findings as miette snippets.

use crate::severity;
use crate::snippet::SnippetSource;
use crate::text::{group_digits, hours, plural, wrap};
use crate::unscanned::with_syntax_errors;
use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan};
use migscan_core::{Severity, Status};
use migscan_engine::ScanReport;
use migscan_plan::{Comparison, MigrationPlan};
use migscan_rules::RuleCatalog;
use std::fmt::{self, Write as _};

/// How the terminal report looks.
#[derive(Clone, Copy, Debug)]
pub struct TerminalOptions {
    /// ANSI colours (only on a terminal, and never with `NO_COLOR`).
    pub color: bool,
    /// Findings shown as source snippets, most severe first.
    pub snippets: usize,
    /// Rules listed per step.
    pub rules_per_step: usize,
    /// List every skipped file and file with syntax errors, not the first
    /// [`UNSCANNED_SHOWN`].
    pub verbose: bool,
    /// Columns to wrap prose and tables to.
    pub width: usize,
}

/// Skipped files and files with syntax errors listed without `--verbose`.
const UNSCANNED_SHOWN: usize = 10;

impl Default for TerminalOptions {
    fn default() -> Self {
        Self {
            color: false,
            snippets: 10,
            rules_per_step: 8,
            verbose: false,
            width: 100,
        }
    }
}

struct Style {
    color: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
    fn bold(&self, text: &str) -> String {
        self.paint("1", text)
    }
    fn dim(&self, text: &str) -> String {
        self.paint("2", text)
    }
    fn status(&self, status: Status) -> String {
        let code = match status {
            Status::Unsupported => "31",
            Status::Manual | Status::Unknown => "33",
            Status::Auto => "32",
            Status::Supported => "36",
        };
        self.paint(code, &format!("{:<11}", status.as_str()))
    }
}

/// Renders the whole terminal report.
pub fn render_terminal(
    report: &ScanReport,
    catalog: &RuleCatalog,
    options: TerminalOptions,
) -> String {
    let style = Style {
        color: options.color,
    };
    let mut out = String::new();
    let with_errors = report.files.iter().filter(|f| f.syntax_errors).count();
    let _ = writeln!(
        out,
        "{} {} scanned, {} skipped{}, {}",
        style.bold("migscan"),
        plural(report.files.len(), "file", "files"),
        group_digits(&report.skipped.len().to_string()),
        if with_errors > 0 {
            format!(
                ", {} with syntax errors (scanned as far as they parse)",
                group_digits(&with_errors.to_string())
            )
        } else {
            String::new()
        },
        plural(report.findings.len(), "finding", "findings")
    );
    if report.files.is_empty() {
        // No plan rests on nothing: say so instead of recommending a target.
        let nothing = format!(
            "nothing to scan: no Python, CUDA/C++, Rust, build, container or cluster file under the given paths{}",
            if report.skipped.is_empty() {
                ""
            } else {
                " that could be read (see the skipped files below)"
            }
        );
        let _ = writeln!(out, "\n{}", wrap(&nothing, options.width, 0, 0));
        render_unscanned(&mut out, report, &style, options.verbose);
        return out;
    }
    if let Some(comparison) = &report.comparison {
        render_comparison(&mut out, comparison, &style, options.width);
    }
    for plan in &report.plans {
        out.push('\n');
        render_plan(&mut out, plan, catalog, &style, &options);
    }
    let _ = writeln!(out, "\n{}", style.bold("Hardware"));
    for assessment in &report.hardware {
        for (i, line) in crate::hardware::hardware_lines(assessment)
            .iter()
            .enumerate()
        {
            let lead = if i == 0 {
                format!("{:<10}", assessment.target.id())
            } else {
                " ".repeat(10)
            };
            let _ = writeln!(out, "  {lead} {}", wrap(line, options.width, 13, 13));
        }
    }
    render_snippets(&mut out, report, catalog, &style, options);
    if !report.vendored.is_empty() {
        let _ = writeln!(out, "\n{}", style.bold("Vendored libraries"));
        let _ = writeln!(
            out,
            "  {}",
            style.dim(&wrap(
                crate::vendored::vendored_intro(report),
                options.width,
                2,
                2
            ))
        );
        for library in &report.vendored {
            let line = format!(
                "{}  {}",
                library.display,
                crate::vendored::vendored_line(library)
            );
            let _ = writeln!(out, "  {}", wrap(&line, options.width, 2, 4));
        }
    }
    render_unscanned(&mut out, report, &style, options.verbose);
    let note = "Effort figures are estimates from rules/effort.toml, not measurements: per effort class, a one-off cost per distinct API plus a cost per site (plus a cost per line of each CUDA kernel), summed as low–high ranges with the PERT mean. `migscan explain <rule-id>` shows a rule's facts and source.";
    let _ = writeln!(out, "\n{}", style.dim(&wrap(note, options.width, 0, 0)));
    out
}

/// The skipped files with their reasons and the files with syntax errors:
/// the first few, or all with `--verbose`.
fn render_unscanned(out: &mut String, report: &ScanReport, style: &Style, verbose: bool) {
    let skipped: Vec<String> = report
        .skipped
        .iter()
        .map(|s| format!("{}: {}", s.display, s.reason))
        .collect();
    let broken: Vec<String> = with_syntax_errors(report).map(str::to_string).collect();
    for (title, lines) in [
        ("Skipped files", skipped),
        (
            "Files with syntax errors (scanned as far as they parse)",
            broken,
        ),
    ] {
        if lines.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{}", style.bold(title));
        let shown = if verbose {
            lines.len()
        } else {
            UNSCANNED_SHOWN
        };
        for line in lines.iter().take(shown) {
            let _ = writeln!(out, "  {line}");
        }
        if lines.len() > shown {
            let _ = writeln!(
                out,
                "  {}",
                style.dim(&format!(
                    "… and {} more (--verbose lists them all)",
                    lines.len() - shown
                ))
            );
        }
    }
}

fn render_comparison(out: &mut String, comparison: &Comparison, style: &Style, width: usize) {
    let _ = writeln!(
        out,
        "\n{}",
        style.bold("Targets side by side (cheapest first)")
    );
    let _ = writeln!(
        out,
        "  {:<10} {:>16} {:>9} {:>8} {:>8} {:>8} {:>8}  {:>6} {:>8} {:>7}",
        "target",
        "effort (h)",
        "expected",
        "step 1",
        "step 2",
        "step 3",
        "step 4",
        "auto",
        "blockers",
        "unknown"
    );
    for row in &comparison.ranking {
        let count = |s: Status| row.sites_by_status.get(s);
        let _ = writeln!(
            out,
            "  {:<10} {:>16} {:>9} {:>8} {:>8} {:>8} {:>8}  {:>5.0}% {:>8} {:>7}",
            row.target.id(),
            format!("{}–{}", hours(row.hours.low), hours(row.hours.high)),
            hours(row.expected_hours),
            hours(row.likely_per_step[0]),
            hours(row.likely_per_step[1]),
            hours(row.likely_per_step[2]),
            hours(row.likely_per_step[3]),
            row.mechanical_share * 100.0,
            row.blockers,
            count(Status::Unknown),
        );
    }
    let _ = writeln!(out, "  {}", wrap(&comparison.recommendation, width, 2, 2));
}

/// One target's plan: its header, then a table of steps and, under each,
/// its costliest rules.
fn render_plan(
    out: &mut String,
    plan: &MigrationPlan,
    catalog: &RuleCatalog,
    style: &Style,
    options: &TerminalOptions,
) {
    let target = plan.target;
    let pack = catalog.pack(target).map_or(String::new(), |p| {
        let stack = catalog
            .stack_assumed(target)
            .map_or(String::new(), |s| format!(" · {s}"));
        format!(" · pack {}{stack}", p.version)
    });
    let title = format!("{target}: {}", target.title());
    let _ = writeln!(
        out,
        "{}{}",
        style.bold(&title),
        style.dim(&if pack.is_empty() {
            pack.clone()
        } else {
            format!(
                " {}",
                wrap(
                    pack.trim_start(),
                    options.width,
                    title.chars().count() + 1,
                    4
                )
            )
        })
    );
    let r = &plan.readiness;
    let count = |s: Status| r.sites_by_status.get(s);
    let summary = format!(
        "effort {}–{} h (expected {} h) · {:.0}% mechanical · {} · {} already ported ({:.0}%) · sites: {} auto, {} manual, {} unsupported, {} unknown, {} supported",
        hours(plan.total.low),
        hours(plan.total.high),
        hours(plan.expected_hours),
        r.mechanical_share * 100.0,
        plural(r.blockers, "blocking API", "blocking APIs"),
        plural(r.ported_sites, "site", "sites"),
        r.ported_share() * 100.0,
        group_digits(&count(Status::Auto).to_string()),
        group_digits(&count(Status::Manual).to_string()),
        group_digits(&count(Status::Unsupported).to_string()),
        group_digits(&count(Status::Unknown).to_string()),
        group_digits(&count(Status::Supported).to_string()),
    );
    let _ = writeln!(out, "  {}", wrap(&summary, options.width, 2, 2));
    let shown = |step: &'_ migscan_plan::PlanStep| step.items.len().min(options.rules_per_step);
    // The rule column fits the longest rule id shown.
    let rule_width = plan
        .steps
        .iter()
        .flat_map(|step| step.items.iter().take(shown(step)))
        .map(|item| item.rule_id.chars().count())
        .max()
        .unwrap_or(0)
        .max(24);
    // `     status      rule…` is as wide as `  1. step title…`.
    let lead = 5 + 12 + rule_width;
    let numbers = |sites: String, apis: String, low: f64, high: f64| {
        format!(
            "{sites:>7} {apis:>5} {:>12}",
            format!("{}–{}", hours(low), hours(high))
        )
    };
    let _ = writeln!(
        out,
        "{}",
        style.dim(&format!(
            "  {:<width$}{:>7} {:>5} {:>12}  replacement",
            "step, status and rule",
            "sites",
            "APIs",
            "hours",
            width = lead - 2
        ))
    );
    let replacement_at = lead + 7 + 1 + 5 + 1 + 12 + 2;
    for step in &plan.steps {
        let title = format!("{}. {}", step.step.number(), step.title);
        let _ = writeln!(
            out,
            "  {title:<width$}{}",
            numbers(
                group_digits(&step.sites.to_string()),
                String::new(),
                step.hours.low,
                step.hours.high
            ),
            width = lead - 2
        );
        for item in step.items.iter().take(shown(step)) {
            let rule = catalog.rule(item.rule);
            let line = format!(
                "     {} {:<rule_width$}{}",
                style.status(item.status),
                item.rule_id,
                numbers(
                    group_digits(&item.sites.to_string()),
                    group_digits(&item.apis.to_string()),
                    item.hours.low,
                    item.hours.high
                ),
            );
            let _ = write!(out, "{line}");
            if let Some(replacement) = &rule.replacement {
                let replacement = replacement.replace("{suffix}", "*");
                // Beside the row when it fits, else on a line of its own.
                let text = if replacement_at + replacement.chars().count() <= options.width {
                    format!("  {replacement}")
                } else {
                    format!(
                        "\n{}→ {}",
                        " ".repeat(17),
                        wrap(&replacement, options.width, 19, 19)
                    )
                };
                let _ = write!(out, "{}", style.dim(&text));
            }
            out.push('\n');
        }
        if step.items.len() > shown(step) {
            let _ = writeln!(
                out,
                "     {}",
                style.dim(&{
                    let more = step.items.len() - shown(step);
                    format!("… {more} more {}", if more == 1 { "rule" } else { "rules" })
                })
            );
        }
    }
    let optional = (plan.optional.sites > 0).then(|| crate::text::optional_sentence(plan));
    for note in optional.into_iter().chain(crate::text::shim_sentence(plan)) {
        let _ = writeln!(out, "  {}", style.dim(&wrap(&note, options.width, 2, 2)));
    }
}

/// A finding as miette renders it.
struct FindingDiagnostic {
    message: String,
    code: String,
    severity: miette::Severity,
    source: SnippetSource,
    label: LabeledSpan,
    help: Option<String>,
}

impl fmt::Debug for FindingDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for FindingDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FindingDiagnostic {}

impl Diagnostic for FindingDiagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.code))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(self.label.clone())))
    }
}

fn render_snippets(
    out: &mut String,
    report: &ScanReport,
    catalog: &RuleCatalog,
    style: &Style,
    options: TerminalOptions,
) {
    if options.snippets == 0 || report.findings.is_empty() {
        return;
    }
    // Most severe first; within a severity, scan order. A stable sort keeps
    // the report deterministic.
    let mut order: Vec<usize> = (0..report.findings.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(severity(catalog.rule(report.findings[i].rule))));
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_context_lines(1)
        .with_width(options.width);
    let _ = writeln!(out, "\n{}", style.bold("Top findings"));
    let mut shown = 0;
    for i in order.into_iter().take(options.snippets) {
        let finding = &report.findings[i];
        let file = &report.files[finding.file];
        // Read as the scan read it: without a byte-order mark, lone `\r`
        // turned into line breaks.
        let Ok(text) = file.read_text() else {
            continue;
        };
        let rule = catalog.rule(finding.rule);
        let span = finding.usage.span;
        if span.end > text.len() {
            continue;
        }
        let (source, finding_span) = SnippetSource::new(file.display.clone(), &text, span);
        let diagnostic = FindingDiagnostic {
            message: match finding.usage.cell {
                Some(cell) => format!(
                    "[{}] {} (notebook cell {cell})",
                    finding.target, rule.message
                ),
                None => format!("[{}] {}", finding.target, rule.message),
            },
            code: rule.id.clone(),
            severity: match severity(rule) {
                Severity::Error => miette::Severity::Error,
                Severity::Warning => miette::Severity::Warning,
                Severity::Info => miette::Severity::Advice,
            },
            source,
            label: LabeledSpan::new_primary_with_span(
                Some(rule.status.as_str().to_string()),
                finding_span,
            ),
            help: rule
                .replacement_for(&finding.usage.name)
                .map(|r| format!("replace with {r}")),
        };
        let _ = handler.render_report(out, &diagnostic);
        shown += 1;
    }
    if report.findings.len() > shown {
        let _ = writeln!(
            out,
            "{}",
            style.dim(&format!(
                "… and {} more findings: `--format json` lists them all",
                report.findings.len() - shown
            ))
        );
    }
}
