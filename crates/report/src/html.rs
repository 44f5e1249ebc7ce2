//! One self-contained HTML page: no network requests (inline CSS, JS and
//! SVG), charts of effort per step and sites by status per target, and a
//! findings table filtered by target, step, status and path. Every piece of
//! text from a scanned file is escaped.

use crate::markdown::{ASSUMPTIONS, NO_STACK};
use crate::severity;
use crate::statistics::site_hours;
use crate::text::group_digits;
use crate::text::{hours, html_escape as esc, source_line};
use migscan_core::{Status, Step};
use migscan_engine::ScanReport;
use migscan_plan::MigrationPlan;
use migscan_rules::RuleCatalog;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

/// Rows the findings table shows; the JSON and CSV reports list all.
const MAX_ROWS: usize = 10_000;

const STYLE: &str = r#"
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1200px;color:#1d2330;padding:0 16px}
h1{font-size:24px}h2{font-size:19px;margin-top:32px;border-bottom:1px solid #ddd}
table{border-collapse:collapse;width:100%;margin:8px 0}th,td{border:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#f3f5f8}td.num{text-align:right}code{background:#f3f5f8;padding:0 3px;border-radius:3px}
.note{background:#fff8e1;border-left:4px solid #f0b400;padding:8px 12px}.rec{background:#e8f5e9;border-left:4px solid #2e7d32;padding:8px 12px}
.status-auto{color:#2e7d32}.status-manual{color:#b26a00}.status-unsupported{color:#c62828;font-weight:600}.status-unknown{color:#6a1b9a}
.filters{display:flex;gap:12px;flex-wrap:wrap;margin:8px 0}.filters label{display:flex;gap:4px;align-items:center}
.src{font-family:ui-monospace,monospace;font-size:12px;white-space:pre-wrap;color:#444}
svg text{font:12px system-ui,sans-serif}
"#;

const SCRIPT: &str = r#"
(function(){
  var rows = Array.prototype.slice.call(document.querySelectorAll('#findings tbody tr'));
  var counts = JSON.parse(document.getElementById('counts').textContent);
  var ids = ['f-target','f-step','f-status','f-path'];
  function apply(){
    var t=document.getElementById('f-target').value, s=document.getElementById('f-step').value,
        st=document.getElementById('f-status').value, p=document.getElementById('f-path').value.toLowerCase();
    function match(target,step,status,path){
      return (!t||target===t)&&(!s||step===s)&&(!st||status===st)&&(!p||path.toLowerCase().indexOf(p)>=0);
    }
    var shown=0, matching=0;
    rows.forEach(function(r){
      var ok=match(r.dataset.target,r.dataset.step,r.dataset.status,r.dataset.path);
      r.style.display=ok?'':'none'; if(ok){shown++;}
    });
    counts.forEach(function(c){ if(match(c[0],String(c[1]),c[2],c[3])){matching+=c[4];} });
    var text=shown+' of '+matching+' matching findings shown';
    if(matching>shown){text+='; '+(matching-shown)+' are not in this table (the JSON and CSV reports list all)';}
    document.getElementById('shown').textContent=text;
    return shown;
  }
  ids.forEach(function(id){var e=document.getElementById(id); e.addEventListener('input',apply); e.addEventListener('change',apply);});
  apply();
  if (location.hash==='#selftest') {
    var first=document.getElementById('f-target').options[1];
    var all=apply(); if(first){document.getElementById('f-target').value=first.value;}
    var filtered=apply();
    document.body.setAttribute('data-selftest', 'ok ' + all + ' ' + filtered);
  }
})();
"#;

/// Renders the report as one HTML page.
pub fn render_html(report: &ScanReport, catalog: &RuleCatalog) -> String {
    let mut out = String::from("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>migscan migration report</title>");
    let _ = write!(out, "<style>{STYLE}</style></head><body>");
    out.push_str("<h1>migscan migration report</h1>");
    let targets: Vec<&str> = report.targets.iter().map(|t| t.id()).collect();
    let _ = write!(
        out,
        "<p>{} files scanned, {} skipped, {} findings, for {}.</p><p class=\"note\">{}</p>",
        report.files.len(),
        report.skipped.len(),
        report.findings.len(),
        esc(&targets.join(", ")),
        esc(ASSUMPTIONS)
    );
    if let Some(comparison) = &report.comparison {
        out.push_str("<h2>Targets side by side</h2><table><tr><th>target</th><th>effort (h)</th><th>expected (h)</th><th>step 1</th><th>step 2</th><th>step 3</th><th>step 4</th><th>mechanical</th><th>blockers</th></tr>");
        for row in &comparison.ranking {
            let _ = write!(
                out,
                "<tr><td>{}</td><td class=\"num\">{}–{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{:.0}%</td><td class=\"num\">{}</td></tr>",
                esc(row.target.title()),
                hours(row.hours.low),
                hours(row.hours.high),
                hours(row.expected_hours),
                hours(row.likely_per_step[0]),
                hours(row.likely_per_step[1]),
                hours(row.likely_per_step[2]),
                hours(row.likely_per_step[3]),
                row.mechanical_share * 100.0,
                row.blockers
            );
        }
        let _ = write!(
            out,
            "</table><p class=\"rec\"><b>Recommendation.</b> {}</p>",
            esc(&comparison.recommendation)
        );
    }
    out.push_str("<h2>Effort per step (likely hours, low–high whiskers)</h2>");
    out.push_str(&effort_chart(&report.plans));
    out.push_str("<h2>Sites by status</h2>");
    out.push_str(&status_chart(&report.plans));
    for plan in &report.plans {
        plan_table(&mut out, plan, catalog);
    }
    out.push_str("<h2>Hardware</h2>");
    for assessment in &report.hardware {
        let _ = write!(out, "<h3>{}</h3><ul>", esc(assessment.target.title()));
        for line in crate::hardware::hardware_lines(assessment) {
            let _ = write!(out, "<li>{}</li>", esc(&line));
        }
        out.push_str("</ul>");
    }
    // Each site's share of its rule's hours orders both the summary and
    // the findings table.
    let hours_of = site_hours(report);
    crate::html_summary::where_the_work_is(&mut out, report, catalog, &hours_of);
    findings_table(&mut out, report, catalog, &hours_of);
    out.push_str("<h2>Rule packs</h2><ul>");
    for &target in &report.targets {
        if let Some(pack) = catalog.pack(target) {
            let _ = write!(
                out,
                "<li><b>{}</b> — pack {}, {}: {}</li>",
                esc(target.title()),
                esc(&pack.version),
                esc(&catalog
                    .stack_assumed(target)
                    .unwrap_or_else(|| NO_STACK.into())),
                esc(&pack.description)
            );
        }
    }
    out.push_str("</ul>");
    if !report.vendored.is_empty() {
        let _ = write!(
            out,
            "<h2>Vendored libraries</h2><p>{}</p><ul>",
            esc(crate::vendored::vendored_intro(report))
        );
        for library in &report.vendored {
            let _ = write!(
                out,
                "<li><code>{}</code>: {}</li>",
                esc(&library.display),
                esc(&crate::vendored::vendored_line(library))
            );
        }
        out.push_str("</ul>");
    }
    if !report.skipped.is_empty() {
        out.push_str("<h2>Skipped files</h2><ul>");
        for s in &report.skipped {
            let _ = write!(
                out,
                "<li><code>{}</code>: {}</li>",
                esc(&s.display),
                esc(&s.reason)
            );
        }
        out.push_str("</ul>");
    }
    let mut broken = crate::unscanned::with_syntax_errors(report).peekable();
    if broken.peek().is_some() {
        out.push_str("<h2>Files with syntax errors</h2><p>Scanned as far as they parse.</p><ul>");
        for path in broken {
            let _ = write!(out, "<li><code>{}</code></li>", esc(path));
        }
        out.push_str("</ul>");
    }
    let _ = writeln!(out, "<script>{SCRIPT}</script></body></html>");
    out
}

const COLORS: [&str; 4] = ["#1565c0", "#2e7d32", "#ef6c00", "#6a1b9a"];

/// Grouped bars: per step, one bar per target (likely hours), whiskers low–high.
fn effort_chart(plans: &[MigrationPlan]) -> String {
    let max = plans
        .iter()
        .flat_map(|p| p.steps.iter().map(|s| s.hours.high))
        .fold(1.0_f64, f64::max);
    let (width, height, left, bottom) = (900.0, 260.0, 50.0, 40.0);
    let group = (width - left) / 4.0;
    let bar = (group - 20.0) / plans.len().max(1) as f64;
    let y = |h: f64| (height - bottom) - (h / max) * (height - bottom - 20.0);
    let mut svg = format!("<svg role=\"img\" aria-label=\"Effort per step and target\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\">");
    for (i, step) in Step::ALL.iter().enumerate() {
        let x0 = left + group * i as f64 + 10.0;
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}. {}</text>",
            x0 + (group - 20.0) / 2.0,
            height - 15.0,
            step.number(),
            esc(step.title())
        );
        for (j, plan) in plans.iter().enumerate() {
            let h = plan.steps[i].hours;
            let x = x0 + bar * j as f64;
            let _ = write!(
                svg,
                "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{}\"><title>{}: {} h likely ({}–{} h)</title></rect>",
                y(h.likely),
                (bar - 2.0).max(1.0),
                (height - bottom) - y(h.likely),
                COLORS[j % 4],
                plan.target,
                hours(h.likely),
                hours(h.low),
                hours(h.high)
            );
            let cx = x + (bar - 2.0) / 2.0;
            let _ = write!(
                svg,
                "<line x1=\"{cx:.1}\" x2=\"{cx:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"#333\"/>",
                y(h.low),
                y(h.high)
            );
        }
    }
    let _ = write!(svg, "<line x1=\"{left}\" x2=\"{width}\" y1=\"{0}\" y2=\"{0}\" stroke=\"#999\"/><text x=\"4\" y=\"24\">{1} h</text>", height - bottom, hours(max));
    for (j, plan) in plans.iter().enumerate() {
        let _ = write!(svg, "<rect x=\"{}\" y=\"4\" width=\"10\" height=\"10\" fill=\"{}\"/><text x=\"{}\" y=\"13\">{}</text>", left + 120.0 * j as f64 + 60.0, COLORS[j % 4], left + 120.0 * j as f64 + 74.0, plan.target);
    }
    svg.push_str("</svg>");
    svg
}

/// Stacked horizontal bars: sites per status, one bar per target.
fn status_chart(plans: &[MigrationPlan]) -> String {
    let statuses = [
        (Status::Auto, "#2e7d32"),
        (Status::Manual, "#ef6c00"),
        (Status::Unsupported, "#c62828"),
        (Status::Unknown, "#6a1b9a"),
        (Status::Supported, "#90a4ae"),
    ];
    let max = plans
        .iter()
        .map(|p| p.readiness.sites_by_status.total())
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let (width, row, left) = (900.0, 30.0, 90.0);
    let height = row * plans.len() as f64 + 40.0;
    let mut svg = format!("<svg role=\"img\" aria-label=\"Sites by status per target\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\">");
    for (j, plan) in plans.iter().enumerate() {
        let y = 10.0 + row * j as f64;
        let _ = write!(
            svg,
            "<text x=\"4\" y=\"{}\">{}</text>",
            y + 16.0,
            plan.target
        );
        let mut x = left;
        for (status, color) in statuses {
            let n = plan.readiness.sites_by_status.get(status);
            let w = n as f64 / max * (width - left - 10.0);
            if n > 0 {
                let _ = write!(svg, "<rect x=\"{x:.1}\" y=\"{y}\" width=\"{w:.1}\" height=\"22\" fill=\"{color}\"><title>{}: {} {} sites</title></rect>", plan.target, n, status.as_str());
            }
            x += w;
        }
    }
    let legend_y = height - 12.0;
    for (i, (status, color)) in statuses.iter().enumerate() {
        let x = left + 110.0 * i as f64;
        let _ = write!(svg, "<rect x=\"{x}\" y=\"{}\" width=\"10\" height=\"10\" fill=\"{color}\"/><text x=\"{}\" y=\"{legend_y}\">{}</text>", legend_y - 9.0, x + 14.0, status.as_str());
    }
    svg.push_str("</svg>");
    svg
}

fn plan_table(out: &mut String, plan: &MigrationPlan, catalog: &RuleCatalog) {
    let _ = write!(
        out,
        "<h2>{}</h2><p>Estimated effort <b>{}–{} h</b> (expected {} h); {:.0}% mechanical; {} blocking APIs; {} sites already ported ({:.0}%).</p><table><tr><th>step</th><th>rule</th><th>status</th><th>sites</th><th>APIs</th><th>hours (low–high)</th><th>replacement</th></tr>",
        esc(plan.target.title()),
        hours(plan.total.low),
        hours(plan.total.high),
        hours(plan.expected_hours),
        plan.readiness.mechanical_share * 100.0,
        plan.readiness.blockers,
        plan.readiness.ported_sites,
        plan.readiness.ported_share() * 100.0
    );
    for step in &plan.steps {
        for item in &step.items {
            let rule = catalog.rule(item.rule);
            let _ = write!(
                out,
                "<tr><td>{}. {}</td><td><code>{}</code></td><td class=\"status-{}\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}–{}</td><td>{}</td></tr>",
                step.step.number(),
                esc(step.title),
                esc(&item.rule_id),
                item.status.as_str(),
                item.status.as_str(),
                item.sites,
                item.apis,
                hours(item.hours.low),
                hours(item.hours.high),
                esc(&rule.replacement.as_deref().unwrap_or("").replace("{suffix}", "*"))
            );
        }
    }
    out.push_str("</table>");
    let optional = (plan.optional.sites > 0).then(|| crate::text::optional_sentence(plan));
    for note in optional.into_iter().chain(crate::text::shim_sentence(plan)) {
        let _ = write!(out, "<p class=\"note\">{}</p>", esc(&note));
    }
}

fn findings_table(out: &mut String, report: &ScanReport, catalog: &RuleCatalog, hours_of: &[f64]) {
    out.push_str("<h2>Findings</h2><div class=\"filters\"><label>target <select id=\"f-target\"><option value=\"\">all</option>");
    for t in &report.targets {
        let _ = write!(out, "<option value=\"{0}\">{0}</option>", t.id());
    }
    out.push_str(
        "</select></label><label>step <select id=\"f-step\"><option value=\"\">all</option>",
    );
    for s in Step::ALL {
        let _ = write!(
            out,
            "<option value=\"{}\">{}. {}</option>",
            s.number(),
            s.number(),
            s.title()
        );
    }
    out.push_str(
        "</select></label><label>status <select id=\"f-status\"><option value=\"\">all</option>",
    );
    for s in [
        Status::Auto,
        Status::Manual,
        Status::Unsupported,
        Status::Unknown,
    ] {
        let _ = write!(out, "<option value=\"{0}\">{0}</option>", s.as_str());
    }
    out.push_str("</select></label><label>path <input id=\"f-path\" type=\"search\" placeholder=\"part of a path\"></label><span id=\"shown\"></span></div>");
    if report.findings.len() > MAX_ROWS {
        let _ = write!(out, "<p class=\"note\">The table shows the {MAX_ROWS} costliest of {} findings (the sections above count them all; the JSON and CSV reports list all).</p>", group_digits(&report.findings.len().to_string()));
    }
    // How many findings each filter matches, including rows not in the
    // table: per target, step, status and file.
    let mut counts: BTreeMap<(&str, u8, &str, &str), usize> = BTreeMap::new();
    for f in &report.findings {
        let rule = catalog.rule(f.rule);
        let key = (
            f.target.id(),
            rule.step.number(),
            rule.status.as_str(),
            report.files[f.file].display.as_str(),
        );
        *counts.entry(key).or_default() += 1;
    }
    let counts: Vec<_> = counts
        .into_iter()
        .map(|((t, s, st, p), n)| (t, s, st, p, n))
        .collect();
    // `<` escaped, so no text inside can close the script element.
    let counts = serde_json::to_string(&counts)
        .unwrap_or_default()
        .replace('<', "\\u003c");
    let _ = write!(
        out,
        "<script type=\"application/json\" id=\"counts\">{counts}</script>"
    );
    out.push_str("<table id=\"findings\"><thead><tr><th>target</th><th>step</th><th>status</th><th>rule</th><th>location</th><th>API</th><th>source</th><th>replacement</th></tr></thead><tbody>");
    // Costliest first, so a cut table keeps what matters most.
    let mut order: Vec<usize> = (0..report.findings.len()).collect();
    order.sort_by(|&a, &b| hours_of[b].total_cmp(&hours_of[a]).then(a.cmp(&b)));
    let mut lines = HashMap::new();
    for f in order
        .into_iter()
        .take(MAX_ROWS)
        .map(|i| &report.findings[i])
    {
        let rule = catalog.rule(f.rule);
        let file = &report.files[f.file];
        let snippet = source_line(file, f.usage.span.line, &mut lines);
        let _ = write!(
            out,
            "<tr data-target=\"{t}\" data-step=\"{s}\" data-status=\"{st}\" data-path=\"{p}\" data-severity=\"{sev}\"><td>{t}</td><td>{s}</td><td class=\"status-{st}\">{st}</td><td><code>{r}</code></td><td>{p}:{l}:{c}</td><td><code>{a}</code></td><td class=\"src\">{src}</td><td>{rep}</td></tr>",
            t = f.target.id(),
            s = rule.step.number(),
            st = rule.status.as_str(),
            p = esc(&file.display),
            sev = severity(rule).as_str(),
            r = esc(&rule.id),
            l = f.usage.span.line,
            c = f.usage.span.column,
            a = esc(&f.usage.name),
            src = esc(&snippet),
            rep = esc(&rule.replacement_for(&f.usage.name).unwrap_or_default()),
        );
    }
    out.push_str("</tbody></table>");
}
