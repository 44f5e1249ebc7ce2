//! `Cargo.toml`: dependencies and CUDA features, read line by line after the
//! manifest has been checked to be valid TOML.

use migscan_core::{LineIndex, ParseFailure, Usage, UsageKind};

/// Prefix of the build settings CUDA features are reported as.
pub const FEATURE: &str = "cargo-feature:";

pub fn manifest_usages(source: &str) -> Result<Vec<Usage>, ParseFailure> {
    toml::from_str::<toml::Table>(source)
        .map_err(|e| ParseFailure(format!("invalid Cargo.toml: {}", e.message())))?;
    let lines = LineIndex::new(source);
    let mut out = Vec::new();
    let mut table = String::new();
    let mut in_feature_list = false;
    let mut offset = 0;
    for line in source.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let code = line.split('#').next().unwrap_or_default();
        let trimmed = code.trim();
        if trimmed.starts_with('[') {
            table = trimmed.trim_matches(['[', ']']).to_string();
            in_feature_list = false;
            continue;
        }
        let dependency_table = table.ends_with("dependencies");
        if dependency_table && !in_feature_list {
            if let Some((key, _)) = trimmed.split_once('=') {
                let name = key.trim().trim_matches('"');
                if !name.is_empty() && !name.contains('.') {
                    let at = start + line.find(name).unwrap_or(0);
                    out.push(Usage::new(
                        UsageKind::Package,
                        name,
                        lines.span(at, at + name.len()),
                    ));
                }
            }
        }
        let lists_features = (dependency_table && code.contains("features")) || table == "features";
        if lists_features || in_feature_list {
            // On a dependency line only the strings after `features` are features.
            let skip = match (dependency_table, code.find("features")) {
                (true, Some(i)) => i,
                _ => 0,
            };
            for (at, value) in quoted(&code[skip..]) {
                let at = at + skip;
                let feature = value.rsplit('/').next().unwrap_or(value);
                let at = start + at + (value.len() - feature.len());
                out.push(Usage::new(
                    UsageKind::BuildSetting,
                    format!("{FEATURE}{feature}"),
                    lines.span(at, at + feature.len()),
                ));
            }
            if dependency_table {
                in_feature_list = code.contains('[') && !code.contains(']')
                    || (in_feature_list && !code.contains(']'));
            }
        }
    }
    Ok(out)
}

/// Quoted strings of a line with their byte offsets (inside the quotes).
fn quoted(line: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut rest = line;
    let mut base = 0;
    while let Some(open) = rest.find('"') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('"') else {
            break;
        };
        out.push((base + open + 1, &after[..close]));
        base += open + close + 2;
        rest = &after[close + 1..];
    }
    out
}
