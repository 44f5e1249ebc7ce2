//! Conda `environment.yml`: the package items under `dependencies:`
//! (including its `pip:` list).

use crate::lines::{normalize_package, offset_in, strip_hash_comment, with_offsets, Sink};
use migscan_core::{Usage, UsageKind};

pub fn usages(source: &str) -> Vec<Usage> {
    let mut sink = Sink::new(source);
    let mut in_dependencies = false;
    for (start, line) in with_offsets(source) {
        let code = strip_hash_comment(line);
        let trimmed = code.trim();
        if trimmed.is_empty() {
            continue;
        }
        if !code.starts_with([' ', '\t', '-']) {
            in_dependencies = trimmed.starts_with("dependencies:");
            continue;
        }
        let Some(item) = trimmed.strip_prefix("- ") else {
            continue;
        };
        if !in_dependencies || item.ends_with(':') {
            continue;
        }
        // `conda-forge::pytorch-cuda=12.1`, `cudatoolkit=11.8`, `flash-attn==2.5.0`
        let item = item.trim().trim_matches(['"', '\'']);
        let item = item.rsplit("::").next().unwrap_or(item);
        let end = item
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
            .unwrap_or(item.len());
        let name = &item[..end];
        if !name.is_empty() {
            sink.add(
                UsageKind::Package,
                normalize_package(name),
                start + offset_in(line, name),
                name.len(),
            );
        }
    }
    sink.usages
}
