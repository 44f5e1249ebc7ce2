//! Turns one target's findings into a [`MigrationPlan`]: the four steps in
//! order, each with its rules, sites and an effort range.
//!
//! Effort per rule = the class's `per_api` once per distinct API the rule
//! matched, plus `per_site` for every site. Ranges are summed point by point
//! (lows, likelies, highs) and the PERT mean is reported beside them.

mod compare;
mod hardware;
mod shim;

pub use compare::{Comparison, TargetSummary};
pub use hardware::{
    HardwareAssessment, ModelFit, Observations, Precision, PrecisionCheck, PARALLELISM_MARKERS,
};
pub use shim::ShimCoverage;

use migscan_core::{Finding, Status, Step, Target, UsageKind};
use migscan_rules::{Hours, RuleCatalog};
use serde::Serialize;
use std::collections::BTreeMap;

/// What one rule matched in the plan's target.
#[derive(Default)]
struct RuleTally<'f> {
    lines: u64,
    /// Each name imported and each name used, with the dearest class one of
    /// its sites is priced at.
    imports: BTreeMap<&'f str, &'f str>,
    uses: BTreeMap<&'f str, &'f str>,
    /// Sites per class they are priced at.
    sites: BTreeMap<&'f str, usize>,
}

impl RuleTally<'_> {
    fn sites(&self) -> usize {
        self.sites.values().sum()
    }

    /// Distinct APIs: the names used. An import is not an API of its own
    /// when the rule also matched what it imports (`import pynvml` then
    /// `pynvml.nvmlInit()` is one API to learn, not two).
    fn apis(&self) -> usize {
        if self.uses.is_empty() {
            self.imports.len()
        } else {
            self.uses.len()
        }
    }
}

/// One rule's share of a step.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PlanItem {
    /// Catalog index of the rule.
    #[serde(skip)]
    pub rule: usize,
    /// The rule's id.
    pub rule_id: String,
    /// The rule's status on the target.
    pub status: Status,
    /// The effort class used.
    pub effort_class: String,
    /// Places it matched.
    pub sites: usize,
    /// Distinct APIs (names, strings, variables) it matched.
    pub apis: usize,
    /// Estimated effort.
    pub hours: Hours,
}

/// One of the four steps.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PlanStep {
    /// Which step.
    pub step: Step,
    /// Its name.
    pub title: &'static str,
    /// Rules with findings in the step, costliest first.
    pub items: Vec<PlanItem>,
    /// Sum over the items.
    pub hours: Hours,
    /// Sites in the step.
    pub sites: usize,
}

/// How much of the migration is mechanical.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Readiness {
    /// Sites by status (supported sites included: they run unchanged).
    pub sites_by_status: SiteCounts,
    /// Share of changed sites (everything but supported) that are mechanical
    /// renames (`auto`), 0–1.
    pub mechanical_share: f64,
    /// Distinct APIs with status unsupported: blockers until rewritten.
    pub blockers: usize,
    /// Sites the project has already ported, left out of every figure: in
    /// `#if` branches the target's macros decide against (a port for another
    /// platform, CUDA-only code with a portable `#else`), or `auto` renames
    /// whose target name the same file already spells.
    pub ported_sites: usize,
}

impl Readiness {
    /// The share of all sites (ported ones included) that the project has
    /// already ported, 0–1.
    pub fn ported_share(&self) -> f64 {
        let all = self.ported_sites + self.sites_by_status.total();
        if all == 0 {
            0.0
        } else {
            self.ported_sites as f64 / all as f64
        }
    }
}

/// Sites per status, keyed by the status's JSON name so that reports list
/// them in one stable order; a status without sites counts 0.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct SiteCounts(BTreeMap<&'static str, usize>);

impl SiteCounts {
    /// Sites with `status`.
    pub fn get(&self, status: Status) -> usize {
        self.0.get(status.as_str()).copied().unwrap_or(0)
    }

    /// Sites of every status.
    pub fn total(&self) -> usize {
        self.0.values().sum()
    }

    /// Sites that need a change: every status but supported.
    fn changed(&self) -> usize {
        self.total() - self.get(Status::Supported)
    }

    fn add(&mut self, status: Status, sites: usize) {
        *self.0.entry(status.as_str()).or_default() += sites;
    }
}

/// The plan for one target.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MigrationPlan {
    /// The target.
    pub target: Target,
    /// Always four steps, in order, some possibly empty.
    pub steps: Vec<PlanStep>,
    /// Sum over the steps.
    pub total: Hours,
    /// PERT mean of the total.
    pub expected_hours: f64,
    /// Work on optional integrations (code behind `is_*_available()` or a
    /// guarded import with a fallback), priced apart: not in `total`.
    pub optional: OptionalWork,
    /// Mechanical versus manual work.
    pub readiness: Readiness,
    /// What the target's runtime shim would handle, for packs that name
    /// one.
    pub runtime_shim: Option<ShimCoverage>,
}

/// The optional part of a plan.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct OptionalWork {
    /// Sites in optional code.
    pub sites: usize,
    /// Their effort, summed like the steps'.
    pub hours: Hours,
    /// Per rule, costliest first.
    pub items: Vec<PlanItem>,
}

impl MigrationPlan {
    /// Plans `target` from the findings (of any target; others are ignored)
    /// and the count of supported sites.
    pub fn build(
        target: Target,
        findings: &[Finding],
        supported_sites: usize,
        ported_sites: usize,
        catalog: &RuleCatalog,
    ) -> Self {
        let of_target = || findings.iter().filter(|f| f.target == target);
        let mut by_status = SiteCounts::default();
        for finding in of_target().filter(|f| !f.optional) {
            by_status.add(catalog.rule(finding.rule).status, 1);
        }
        if supported_sites > 0 {
            by_status.add(Status::Supported, supported_sites);
        }
        let mut steps: Vec<PlanStep> = Step::ALL
            .into_iter()
            .map(|step| PlanStep {
                step,
                title: step.title(),
                items: vec![],
                hours: Hours::default(),
                sites: 0,
            })
            .collect();
        let mut blockers = 0;
        for item in priced(of_target().filter(|f| !f.optional), catalog) {
            if item.status == Status::Unsupported {
                blockers += item.apis;
            }
            let step = &mut steps[catalog.rule(item.rule).step.number() as usize - 1];
            step.hours += item.hours;
            step.sites += item.sites;
            step.items.push(item);
        }
        for step in &mut steps {
            sort_costliest_first(&mut step.items);
        }
        let mut optional_items = priced(of_target().filter(|f| f.optional), catalog);
        sort_costliest_first(&mut optional_items);
        let optional = OptionalWork {
            sites: optional_items.iter().map(|i| i.sites).sum(),
            hours: optional_items
                .iter()
                .fold(Hours::default(), |acc, i| acc + i.hours),
            items: optional_items,
        };
        let total = steps.iter().fold(Hours::default(), |acc, s| acc + s.hours);
        let runtime_shim = catalog
            .pack(target)
            .and_then(|pack| pack.runtime_shim.as_ref())
            .map(|shim| ShimCoverage::of(shim, &steps, catalog));
        let changed = by_status.changed();
        let auto = by_status.get(Status::Auto);
        Self {
            target,
            steps,
            total,
            expected_hours: total.expected(),
            optional,
            readiness: Readiness {
                sites_by_status: by_status,
                mechanical_share: if changed == 0 {
                    1.0
                } else {
                    auto as f64 / changed as f64
                },
                blockers,
                ported_sites,
            },
            runtime_shim,
        }
    }
}

/// One priced item per rule the findings matched, in rule order: per-API
/// cost once per distinct API, plus per-site and per-line costs.
///
/// A site is priced with the rule's class unless something else covers its
/// change: a kernel's port (`in-kernel`, inside a Triton kernel the file
/// sizes) or an adapter the file runs with (`adapter-covered`); the cheaper
/// class wins. An API is priced with the dearest class of its sites. A rule
/// that adopts an adapter is one change: one API at one site.
fn priced<'f>(
    findings: impl Iterator<Item = &'f Finding>,
    catalog: &'f RuleCatalog,
) -> Vec<PlanItem> {
    let effort = catalog.effort();
    let dearer = |a: &'f str, b: &'f str| if effort.capped_by(a, b) == a { b } else { a };
    let mut per_rule: BTreeMap<usize, RuleTally> = BTreeMap::new();
    for finding in findings {
        let rule = catalog.rule(finding.rule);
        let mut class = rule.effort.as_str();
        if finding.adapted {
            class = effort.capped_by(ADAPTER_COVERED, class);
        }
        if finding.in_kernel {
            class = effort.capped_by(IN_KERNEL, class);
        }
        let tally = per_rule.entry(finding.rule).or_default();
        *tally.sites.entry(class).or_default() += 1;
        // Only sized constructs (kernels) have lines to pay for.
        if finding.usage.weight > 1 {
            tally.lines += u64::from(finding.usage.weight);
        }
        let names = match finding.usage.kind {
            UsageKind::Import => &mut tally.imports,
            _ => &mut tally.uses,
        };
        let priced_as = names.entry(&finding.usage.name).or_insert(class);
        *priced_as = dearer(priced_as, class);
    }
    per_rule
        .into_iter()
        .map(|(rule_index, tally)| {
            let rule = catalog.rule(rule_index);
            let cost = |class: &str, apis: usize, sites: usize, lines: u64| {
                effort.class(class).map_or_else(Hours::default, |c| {
                    c.per_api.times(apis as f64)
                        + c.per_site.times(sites as f64)
                        + c.per_line.times(lines as f64)
                })
            };
            let base = rule.effort.as_str();
            let hours = if rule.adapter.is_some() {
                cost(base, 1, 1, 0)
            } else {
                let names = if tally.uses.is_empty() {
                    &tally.imports
                } else {
                    &tally.uses
                };
                // A library swapped as a whole is learned once, whichever
                // of its names the code imports or uses at the rule's own
                // class (a kernel may cover every use, the import still
                // adopts the library); names something else covers keep
                // their own price.
                let once = effort.class(base).is_some_and(|c| c.once_per_rule);
                let swapped = once
                    && tally
                        .uses
                        .values()
                        .chain(tally.imports.values())
                        .any(|class| *class == base);
                let apis = names
                    .values()
                    .filter(|class| !(once && **class == base))
                    .fold(Hours::default(), |acc, class| acc + cost(class, 1, 0, 0))
                    + if swapped {
                        cost(base, 1, 0, 0)
                    } else {
                        Hours::default()
                    };
                tally
                    .sites
                    .iter()
                    .fold(apis + cost(base, 0, 0, tally.lines), |acc, (class, &n)| {
                        acc + cost(class, 0, n, 0)
                    })
            };
            // The class most sites are priced at names the item.
            let class = tally
                .sites
                .iter()
                .max_by_key(|(class, &n)| (n, std::cmp::Reverse(*class)))
                .map_or(base, |(class, _)| class);
            PlanItem {
                rule: rule_index,
                rule_id: rule.id.clone(),
                status: rule.status,
                effort_class: class.to_string(),
                sites: tally.sites(),
                apis: tally.apis(),
                hours,
            }
        })
        .collect()
}

/// The class of CUDA tokens a kernel's port covers.
const IN_KERNEL: &str = "in-kernel";

/// The class of APIs an adopted adapter patches at import.
const ADAPTER_COVERED: &str = "adapter-covered";

fn sort_costliest_first(items: &mut [PlanItem]) {
    items.sort_by(|a, b| {
        b.hours
            .expected()
            .total_cmp(&a.hours.expected())
            .then_with(|| a.rule_id.cmp(&b.rule_id))
    });
}

#[cfg(test)]
mod tests;
