//! Adapters: libraries that patch another at import, so that code written
//! for it runs on the target (MindSpeed's `megatron_adaptor` makes
//! Megatron's apex, Transformer Engine and fused-kernel calls run on
//! Ascend). A pack declares one on the rule that adopts it (`adapter =
//! "mindspeed"`) and names it on the rules whose change it makes
//! (`covered_by = "mindspeed"`). Those changes are the adapter's where it
//! applies: in a file that imports the adapted library, or belongs to it.
//! Elsewhere (DeepSpeed's two Megatron integration modules do not make
//! DeepSpeed a Megatron program) they are priced as before.

use crate::first_party;
use migscan_core::{Finding, Target};
use migscan_rules::Rule;
use std::path::Path;

/// Marks the findings of `path` whose change an adapter that applies to the
/// file makes.
pub fn mark_adapted(findings: &mut [Finding], path: &Path, rules: &[Rule]) {
    if !findings.iter().any(|f| rules[f.rule].covered_by.is_some()) {
        return;
    }
    // The file imports the adapted library: the adapter's own rule matched.
    let mut applies: Vec<(Target, &str)> = findings
        .iter()
        .filter_map(|f| Some((f.target, rules[f.rule].adapter.as_deref()?)))
        .collect();
    // The file is part of the adapted library (Megatron-Core's own files).
    if let Some(own) = first_party::own_package(path) {
        applies.extend(rules.iter().filter_map(|rule| {
            let adapter = rule.adapter.as_deref()?;
            own.within(&rule.matcher.value)
                .then_some((rule.target, adapter))
        }));
    }
    for finding in findings.iter_mut() {
        if let Some(adapter) = rules[finding.rule].covered_by.as_deref() {
            finding.adapted = applies.contains(&(finding.target, adapter));
        }
    }
}
