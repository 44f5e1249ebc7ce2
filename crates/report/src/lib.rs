//! Renders a [`ScanReport`](migscan_engine::ScanReport): the terminal report,
//! the JSON document (schema in `docs/json-schema.md`), Markdown, CSV, SARIF
//! and self-contained HTML.
//!
//! Renderers only read: the scan's files are opened again here, for the
//! snippets of the findings shown, and nowhere else.

mod csv;
mod hardware;
mod html;
mod html_summary;
mod json;
mod lines;
mod markdown;
mod rules_doc;
mod sarif;
mod snippet;
mod statistics;
mod terminal;
mod text;
mod unscanned;
mod vendored;

pub use csv::{write_api_csv, write_csv};
pub use html::render_html;
pub use json::{write_json, JSON_SCHEMA_VERSION};
pub use lines::{render_concise, render_github, UNUSED_SUPPRESSION};
pub use markdown::render_markdown;
pub use rules_doc::render_rules_doc;
pub use sarif::write_sarif;
pub use statistics::render_statistics;
pub use terminal::{render_terminal, TerminalOptions};
pub use unscanned::unscanned_notice;

use migscan_core::Severity;
use migscan_rules::Rule;

/// The severity of a finding of `rule`.
pub fn severity(rule: &Rule) -> Severity {
    rule.severity()
}

pub use text::hours;
