//! What a target's runtime shim (`import torch_npu.contrib.transfer_to_npu`
//! on Ascend) would handle of a plan: the sites of rules whose change it
//! makes at run time, and what it leaves for people.

use crate::PlanStep;
use migscan_rules::{Hours, RuleCatalog, RuntimeShim};
use serde::Serialize;

/// The part of a plan a runtime shim covers.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ShimCoverage {
    /// The statement that adopts the shim.
    pub import: String,
    /// What it changes, in one sentence.
    pub does: String,
    /// Where that comes from.
    pub source: String,
    /// Required sites whose change the shim makes at run time.
    pub sites_handled: usize,
    /// Required sites it leaves.
    pub sites_left: usize,
    /// Rules whose every site it handles.
    pub rules_handled: usize,
    /// The plan's effort for those sites (already in the plan's total: the
    /// shim replaces that work, it does not add to it).
    pub hours_handled: Hours,
}

impl ShimCoverage {
    /// The coverage of `shim` over the priced steps of a plan.
    pub fn of(shim: &RuntimeShim, steps: &[PlanStep], catalog: &RuleCatalog) -> Self {
        let mut coverage = ShimCoverage {
            import: shim.import.clone(),
            does: shim.does.clone(),
            source: shim.source.clone(),
            sites_handled: 0,
            sites_left: 0,
            rules_handled: 0,
            hours_handled: Hours::default(),
        };
        for item in steps.iter().flat_map(|s| &s.items) {
            if catalog.rule(item.rule).runtime_shim {
                coverage.sites_handled += item.sites;
                coverage.rules_handled += 1;
                coverage.hours_handled += item.hours;
            } else {
                coverage.sites_left += item.sites;
            }
        }
        coverage
    }
}
