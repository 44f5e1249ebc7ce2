//! CSV: one row per finding, the shape of the per-API sheets migration
//! teams already keep in spreadsheets; with `--statistics`, one row per
//! distinct API per target.

use crate::severity;
use crate::statistics::{api_rows, site_hours};
use migscan_engine::ScanReport;
use migscan_rules::RuleCatalog;
use std::io::{self, Write};

/// Column names, in order.
pub const CSV_COLUMNS: &[&str] = &[
    "target",
    "step",
    "status",
    "severity",
    "rule",
    "path",
    "line",
    "column",
    "kind",
    "api",
    "replacement",
    "effort_class",
    "confidence",
    "message",
    "hours",
    "source",
];

/// Column names of the per-API sheet (`--statistics --format csv`), in order.
pub const API_CSV_COLUMNS: &[&str] = &[
    "target",
    "status",
    "api",
    "replacement",
    "sites",
    "files",
    "first_path",
    "first_line",
    "rule",
    "step",
    "effort_class",
    "confidence",
    "message",
    "source",
];

/// Writes the findings as CSV (RFC 4180, CRLF line ends).
pub fn write_csv(
    report: &ScanReport,
    catalog: &RuleCatalog,
    mut out: impl Write,
) -> io::Result<()> {
    write_row(&mut out, CSV_COLUMNS.iter().map(|c| c.to_string()))?;
    // A site's hours are its share of its rule's expected hours, so the
    // column sums to the plans' expected totals (required and optional).
    let site_hours = site_hours(report);
    for (f, hours) in report.findings.iter().zip(site_hours) {
        let rule = catalog.rule(f.rule);
        write_row(
            &mut out,
            [
                f.target.id().to_string(),
                rule.step.number().to_string(),
                rule.status.as_str().to_string(),
                severity(rule).as_str().to_string(),
                rule.id.clone(),
                report.files[f.file].display.clone(),
                f.usage.span.line.to_string(),
                f.usage.span.column.to_string(),
                f.usage.kind.as_str().to_string(),
                f.usage.name.clone(),
                rule.replacement_for(&f.usage.name).unwrap_or_default(),
                rule.effort.clone(),
                format!("{:?}", rule.confidence).to_ascii_lowercase(),
                rule.message.clone(),
                format!("{hours:.3}"),
                rule.source.clone(),
            ],
        )?;
    }
    out.flush()
}

/// Writes one row per distinct API per target: what needs a person first
/// (unsupported, unknown, manual, then auto), most sites first.
pub fn write_api_csv(
    report: &ScanReport,
    catalog: &RuleCatalog,
    mut out: impl Write,
) -> io::Result<()> {
    write_row(&mut out, API_CSV_COLUMNS.iter().map(|c| c.to_string()))?;
    for row in api_rows(report, catalog) {
        let rule = catalog.rule(row.rule);
        write_row(
            &mut out,
            [
                row.target.id().to_string(),
                rule.status.as_str().to_string(),
                row.api.to_string(),
                rule.replacement_for(row.api).unwrap_or_default(),
                row.sites.to_string(),
                row.files.to_string(),
                row.first.0.to_string(),
                row.first.1.to_string(),
                rule.id.clone(),
                rule.step.number().to_string(),
                rule.effort.clone(),
                format!("{:?}", rule.confidence).to_ascii_lowercase(),
                rule.message.clone(),
                rule.source.clone(),
            ],
        )?;
    }
    out.flush()
}

fn write_row(out: &mut impl Write, cells: impl IntoIterator<Item = String>) -> io::Result<()> {
    let row: Vec<String> = cells.into_iter().map(|c| cell(&c)).collect();
    out.write_all(row.join(",").as_bytes())?;
    out.write_all(b"\r\n")
}

/// Quotes a cell when needed; a leading `=`, `+`, `-` or `@` gets a `'` so
/// spreadsheets show the text (`-gencode`) instead of evaluating a formula.
fn cell(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn cells_are_quoted_and_formulas_defused() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("-gencode"), "'-gencode");
        assert_eq!(cell("=cmd()"), "'=cmd()");
    }
}
