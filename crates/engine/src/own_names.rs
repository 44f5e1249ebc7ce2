//! Names the project defines for itself are not vendor APIs.
//!
//! A rule that matches a family of names (`cuda*`, `CUDA_*`) or the
//! unknown-API check guesses from the spelling. When the scanned project
//! defines the name itself, as a function or macro (llm.c's `cudaCheck`,
//! detectron2's `CUDA_1D_KERNEL_LOOP`, a `CUDA_COMMON_H` include guard), the
//! guess is wrong in every file that uses it, so the findings go. Rules that
//! name the API exactly stay: a project that defines `cudaMalloc` is shimming
//! the vendor's API, not replacing it.

use migscan_core::{Finding, Status, UsageKind};
use migscan_rules::Rule;
use rustc_hash::FxHashSet;

/// Drops the findings on names in `defined` that their rule only guessed.
pub fn remove_own_names(findings: &mut Vec<Finding>, defined: &FxHashSet<String>, rules: &[Rule]) {
    if defined.is_empty() {
        return;
    }
    findings.retain(|f| {
        !(f.usage.kind == UsageKind::Symbol
            && defined.contains(&f.usage.name)
            && guesses(&rules[f.rule], &f.usage.name))
    });
}

/// Whether `rule` matches `name` by its spelling rather than by naming it.
fn guesses(rule: &Rule, name: &str) -> bool {
    rule.status == Status::Unknown || (rule.matcher.prefix && rule.matcher.value != name)
}
