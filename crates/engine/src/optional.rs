//! Findings in optional integrations. The Python frontend reports the
//! optional ranges (`if is_flash_attn_2_available():` bodies, `try:`
//! imports with a fallback); a finding in one is optional, and so is every
//! use in the file of a package imported there (`flash_attn_func(...)`
//! further down), since the file runs without it. PyTorch itself is never
//! optional.

use migscan_core::{Finding, Usage, UsageKind};
use std::ops::Range;

/// The packages `usages` import only inside `ranges` (never `torch`).
pub fn optional_packages(usages: &[Usage], ranges: &[Range<usize>]) -> Vec<String> {
    if ranges.is_empty() {
        return Vec::new();
    }
    let inside = |offset: usize| ranges.iter().any(|r| r.contains(&offset));
    let imports = || usages.iter().filter(|u| u.kind == UsageKind::Import);
    let mut packages: Vec<String> = imports()
        .filter(|u| inside(u.span.start))
        .map(|u| root(&u.name).to_string())
        .filter(|p| p != "torch")
        .collect();
    // Imported also outside an optional range: a required dependency.
    packages.retain(|p| !imports().any(|u| !inside(u.span.start) && root(&u.name) == p.as_str()));
    packages.sort_unstable();
    packages.dedup();
    packages
}

/// Marks the findings in `ranges`, or using one of `packages`, as optional.
pub fn mark_optional(findings: &mut [Finding], packages: &[String], ranges: &[Range<usize>]) {
    if ranges.is_empty() {
        return;
    }
    for finding in findings {
        let usage = &finding.usage;
        finding.optional = ranges.iter().any(|r| r.contains(&usage.span.start))
            || (usage.kind.is_qualified() && packages.iter().any(|p| p == root(&usage.name)));
    }
}

/// `flash_attn.flash_attn_func` → `flash_attn`.
fn root(name: &str) -> &str {
    name.split('.').next().unwrap_or(name)
}
