//! Side-by-side readiness of several targets, and which is cheapest for the
//! scanned repository, with the figures that make it so.

use crate::{MigrationPlan, SiteCounts};
use migscan_core::{hours, plural, Status, Target};
use migscan_rules::Hours;
use serde::Serialize;

/// One target's line in the comparison.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TargetSummary {
    /// The target.
    pub target: Target,
    /// Total effort range.
    pub hours: Hours,
    /// PERT mean of the total.
    pub expected_hours: f64,
    /// Likely hours per step, steps 1–4.
    pub likely_per_step: [f64; 4],
    /// Sites by status.
    pub sites_by_status: SiteCounts,
    /// Distinct unsupported APIs.
    pub blockers: usize,
    /// Share of changed sites that are mechanical renames.
    pub mechanical_share: f64,
}

/// Every planned target side by side, cheapest first.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Comparison {
    /// Targets by expected effort, cheapest first.
    pub ranking: Vec<TargetSummary>,
    /// One paragraph: which target is cheapest for this repository, and why.
    pub recommendation: String,
}

impl Comparison {
    /// Compares the plans; `None` with fewer than two.
    pub fn of(plans: &[MigrationPlan]) -> Option<Self> {
        if plans.len() < 2 {
            return None;
        }
        let mut ranking: Vec<TargetSummary> = plans.iter().map(summary).collect();
        ranking.sort_by(|a, b| {
            a.expected_hours
                .total_cmp(&b.expected_hours)
                .then(a.target.cmp(&b.target))
        });
        let recommendation = recommend(&ranking, plans);
        Some(Self {
            ranking,
            recommendation,
        })
    }
}

fn summary(plan: &MigrationPlan) -> TargetSummary {
    let mut likely_per_step = [0.0; 4];
    for (slot, step) in likely_per_step.iter_mut().zip(&plan.steps) {
        *slot = step.hours.likely;
    }
    TargetSummary {
        target: plan.target,
        hours: plan.total,
        expected_hours: plan.expected_hours,
        likely_per_step,
        sites_by_status: plan.readiness.sites_by_status.clone(),
        blockers: plan.readiness.blockers,
        mechanical_share: plan.readiness.mechanical_share,
    }
}

fn recommend(ranking: &[TargetSummary], plans: &[MigrationPlan]) -> String {
    let best = &ranking[0];
    let next = &ranking[1];
    let plan_of = |t: Target| {
        plans
            .iter()
            .find(|p| p.target == t)
            .expect("ranked from the plans")
    };
    let mut text = format!(
        "{best_t} is the cheapest target for this repository: {} h expected ({}–{} h), against {} h for {next_t}, the next cheapest",
        hours(best.expected_hours),
        hours(best.hours.low),
        hours(best.hours.high),
        hours(next.expected_hours),
        best_t = best.target,
        next_t = next.target,
    );
    // The step that makes most of the difference to the runner-up, and the
    // runner-up's costliest rule in it.
    let gap = |i: usize| next.likely_per_step[i] - best.likely_per_step[i];
    let step = (0..4).max_by(|&a, &b| gap(a).total_cmp(&gap(b)).then(b.cmp(&a)));
    if let Some(i) = step.filter(|&i| gap(i) > 0.0) {
        let runner_up = &plan_of(next.target).steps[i];
        text.push_str(&format!(
            "; the largest difference is step {} ({}): {} h likely against {} h",
            runner_up.step.number(),
            runner_up.title,
            hours(best.likely_per_step[i]),
            hours(next.likely_per_step[i]),
        ));
        if let Some(item) = runner_up.items.first() {
            text.push_str(&format!(
                ", where the costliest rule on {} is `{}` ({}, {} h)",
                next.target,
                item.rule_id,
                plural(item.sites, "site", "sites"),
                hours(item.hours.likely)
            ));
        }
    }
    let unsupported = best.sites_by_status.get(Status::Unsupported);
    let unknown = best.sites_by_status.get(Status::Unknown);
    let caveat = if unknown > next.sites_by_status.get(Status::Unknown) {
        " Its pack covers less of this code than the runner-up's: unknown sites are priced as reviews, so confirm them before relying on the ranking."
    } else {
        ""
    };
    text.push_str(&format!(
        ". On {}, {:.0}% of the changed sites are mechanical renames, {} no equivalent ({}) and {} checking by hand (unknown).{caveat}",
        best.target,
        best.mechanical_share * 100.0,
        plural(best.blockers, "distinct API has", "distinct APIs have"),
        plural(unsupported, "site", "sites"),
        plural(unknown, "site needs", "sites need"),
    ));
    text
}
