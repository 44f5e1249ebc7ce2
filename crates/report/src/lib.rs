//! Renders a [`ScanReport`](migscan_engine::ScanReport): the terminal report
//! and the JSON document (schema in `docs/json-schema.md`).
//!
//! Renderers only read: the scan's files are opened again here, for the
//! snippets of the findings shown, and nowhere else.

mod json;
mod rules_doc;
mod terminal;

pub use json::{write_json, JSON_SCHEMA_VERSION};
pub use rules_doc::render_rules_doc;
pub use terminal::{render_terminal, TerminalOptions};

use migscan_core::Severity;
use migscan_rules::Rule;

/// The severity of a finding of `rule`.
pub fn severity(rule: &Rule) -> Severity {
    rule.status.severity()
}

/// Formats hours as `1.5`, `12`, `240`: one decimal below ten.
pub fn hours(h: f64) -> String {
    if h < 10.0 {
        format!("{h:.1}")
    } else {
        format!("{h:.0}")
    }
}
