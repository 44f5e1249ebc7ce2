//! `pyproject.toml` dependencies (PEP 621 and Poetry).

use crate::lines::{normalize_package, Sink};
use crate::requirements::requirement;
use migscan_core::{ParseFailure, Usage, UsageKind};
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

#[derive(Deserialize, Default)]
struct PyProject {
    #[serde(default)]
    project: Project,
    #[serde(default)]
    tool: Tool,
}

#[derive(Deserialize, Default)]
struct Project {
    #[serde(default)]
    dependencies: Vec<Spanned<String>>,
    #[serde(default, rename = "optional-dependencies")]
    optional: BTreeMap<String, Vec<Spanned<String>>>,
}

#[derive(Deserialize, Default)]
struct Tool {
    #[serde(default)]
    poetry: Poetry,
}

#[derive(Deserialize, Default)]
struct Poetry {
    #[serde(default)]
    dependencies: BTreeMap<String, toml::Value>,
}

pub fn usages(source: &str) -> Result<Vec<Usage>, ParseFailure> {
    let project: PyProject = toml::from_str(source)
        .map_err(|e| ParseFailure(format!("invalid pyproject.toml: {}", e.message())))?;
    let mut sink = Sink::new(source);
    let specs = project
        .project
        .dependencies
        .iter()
        .chain(project.project.optional.values().flatten());
    for spec in specs {
        // The span covers the quotes; the requirement starts one byte in.
        let start = spec.span().start + 1;
        let text = &source[start..spec.span().end - 1];
        requirement(&mut sink, text, text.trim(), start);
    }
    let poetry = &project.tool.poetry.dependencies;
    if !poetry.is_empty() {
        poetry_keys(&mut sink, source, poetry);
    }
    Ok(sink.usages)
}

/// Poetry names dependencies by table keys; they are found in the text of
/// the `[tool.poetry.dependencies]` table.
fn poetry_keys(sink: &mut Sink, source: &str, names: &BTreeMap<String, toml::Value>) {
    let mut in_table = false;
    for (start, line) in crate::lines::with_offsets(source) {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            in_table = trimmed == "[tool.poetry.dependencies]";
            continue;
        }
        if !in_table {
            continue;
        }
        let Some((key, _)) = trimmed.split_once('=') else {
            continue;
        };
        let key = key.trim().trim_matches('"');
        if key != "python" && names.contains_key(key) {
            let offset = start + line.find(key).unwrap_or(0);
            sink.add(
                UsageKind::Package,
                normalize_package(key),
                offset,
                key.len(),
            );
        }
    }
}
