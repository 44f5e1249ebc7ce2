//! A standing audit of the packs: what loading cannot reject but a reader
//! would call a contradiction. Run by `cargo xtask audit` (a report per
//! target) and by the test suite (no problem may be left).

use crate::{code, Rule, RuleCatalog, Selector};
use migscan_core::{normalize_package, Confidence, Status, Target};
use std::collections::BTreeMap;

/// One target's audit.
#[derive(Debug)]
pub struct TargetAudit {
    /// The pack's target.
    pub target: Target,
    /// Rules in the pack.
    pub rules: usize,
    /// Rules marked `confidence = "low"`.
    pub low_confidence: usize,
    /// Rules per status.
    pub by_status: BTreeMap<&'static str, usize>,
    /// What contradicts itself, by rule id.
    pub problems: Vec<(String, String)>,
    /// Libraries another pack has a rule for and this one has none: their
    /// uses fall to `unknown` here, so the targets are not compared like
    /// with like (reported, not failed: each needs its own facts).
    pub gaps: Vec<String>,
}

/// Classes too dear for a change that is one line in a script or build file.
const DEAR_CLASSES: &[&str] = &["large", "rewrite", "library-rewrite", "vendored-library"];

/// Audits every pack of `catalog`.
pub fn audit(catalog: &RuleCatalog) -> Vec<TargetAudit> {
    let libraries: BTreeMap<Target, std::collections::BTreeSet<String>> = Target::ALL
        .into_iter()
        .map(|t| {
            let names = catalog
                .rules_for(t)
                .filter_map(|(_, r)| library(r))
                .collect();
            (t, names)
        })
        .collect();
    Target::ALL
        .into_iter()
        .filter_map(|target| {
            let rules: Vec<&Rule> = catalog.rules_for(target).map(|(_, r)| r).collect();
            if rules.is_empty() {
                return None;
            }
            let mut by_status = BTreeMap::new();
            for rule in &rules {
                *by_status.entry(rule.status.as_str()).or_default() += 1;
            }
            let mut problems: Vec<(String, String)> = rules
                .iter()
                .flat_map(|rule| rule_problems(rule).map(|p| (rule.id.clone(), p)))
                .collect();
            problems.extend(library_statuses(&rules));
            let own = &libraries[&target];
            let mut gaps: Vec<String> = libraries
                .iter()
                .filter(|(other, _)| **other != target)
                .flat_map(|(_, names)| names.iter())
                .filter(|name| !own.contains(*name))
                .cloned()
                .collect();
            gaps.sort();
            gaps.dedup();
            Some(TargetAudit {
                target,
                rules: rules.len(),
                low_confidence: rules
                    .iter()
                    .filter(|r| r.confidence == Confidence::Low)
                    .count(),
                by_status,
                problems,
                gaps,
            })
        })
        .collect()
}

/// What one rule says against itself.
fn rule_problems(rule: &Rule) -> impl Iterator<Item = String> + '_ {
    let message = rule.message.as_str();
    let says_equivalent = message.contains("has a direct equivalent");
    let says_none = message.contains("has no equivalent");
    let kind = rule.matcher.change_kind();
    [
        rule.source
            .trim()
            .is_empty()
            .then(|| "no source".to_string()),
        (rule.status == Status::Supported && rule.replacement.is_some())
            .then(|| "`supported`, yet names a replacement".to_string()),
        (says_equivalent && matches!(rule.status, Status::Unsupported | Status::Manual)).then(
            || {
                format!(
                    "`{}`, yet the message says \"direct equivalent\"",
                    rule.status.as_str()
                )
            },
        ),
        (says_none
            && matches!(
                rule.status,
                Status::Auto | Status::Supported | Status::Manual
            ))
        .then(|| {
            format!(
                "`{}`, yet the message says \"no equivalent\"",
                rule.status.as_str()
            )
        }),
        (kind != "api" && kind != "intrinsic" && DEAR_CLASSES.contains(&rule.effort.as_str()))
            .then(|| format!("a `{kind}` change priced `{}`", rule.effort)),
        advice_for_auto(rule).map(|replacement| {
            format!(
                "`auto`, yet its replacement is not code `migscan fix` can write: {replacement}"
            )
        }),
    ]
    .into_iter()
    .flatten()
}

/// The replacement of an `auto` rule whose usages `migscan fix` edits, when
/// it is advice rather than code (`DDP(device_ids=[npu:N])`): such a rule
/// is mechanical in name only. A rule with no replacement is left to a
/// build step (PyTorch's hipify) and is not advice.
fn advice_for_auto(rule: &Rule) -> Option<&str> {
    let replacement = rule.replacement.as_deref()?;
    let selector = rule.matcher.selector;
    let writable = code::code(selector, &replacement.replace("{suffix}", "X")).is_some();
    (rule.status == Status::Auto && code::is_editable(selector) && !writable).then_some(replacement)
}

/// The third-party library a rule prices, normalized (`flash-attn`): a
/// package rule, or a rule for a top-level Python module and everything
/// under it.
fn library(rule: &Rule) -> Option<String> {
    let m = &rule.matcher;
    let value = match m.selector {
        Selector::Package => m.value.as_str(),
        Selector::Name if m.prefix && !m.value.contains('.') => m.value.as_str(),
        _ => return None,
    };
    Some(normalize_package(value))
}

/// One library, one status: a package rule and the rule for the library's
/// imports (`flash-attn` and `flash_attn`) must agree.
fn library_statuses(rules: &[&Rule]) -> Vec<(String, String)> {
    let imports: BTreeMap<String, &Rule> = rules
        .iter()
        .filter(|r| r.matcher.selector == Selector::Name)
        .filter_map(|r| Some((library(r)?, *r)))
        .collect();
    rules
        .iter()
        .filter(|r| r.matcher.selector == Selector::Package)
        .filter_map(|package| {
            let library = imports.get(&library(package)?)?;
            (library.status != package.status).then(|| {
                (
                    package.id.clone(),
                    format!(
                        "`{}` for the package, `{}` for its imports (`{}`)",
                        package.status.as_str(),
                        library.status.as_str(),
                        library.id
                    ),
                )
            })
        })
        .collect()
}
