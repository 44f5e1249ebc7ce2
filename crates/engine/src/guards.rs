//! Findings in code a target never compiles. Each C/C++ file's `#if`
//! structure (`migscan_guards::Conditionals`, read while the file is
//! scanned) is evaluated with the target pack's `[pack.preprocessor]`
//! macros, plus the project's own macros that every definition of which
//! sits in a branch dead for the target (DeepSpeed defines `PTX_AVAILABLE`
//! only when `__HIP_PLATFORM_AMD__` is not defined, so `#ifdef
//! PTX_AVAILABLE` is dead on Hygon). Findings in dead branches are removed
//! and counted per target: the port exists, or the portable `#else` is what
//! the target compiles.

use crate::ported::remove_counted;
use migscan_core::{Finding, Target};
use migscan_guards::{Conditionals, MacroEnv};
use migscan_rules::RuleCatalog;
use rustc_hash::FxHashMap;
use std::ops::Range;

/// How often project macros are re-derived: a macro defined only under
/// another project macro that is dead needs a second round; real projects
/// never chain deeper.
const ROUNDS: usize = 3;

/// Removes the findings in branches dead for their target and adds them
/// to the target's count (`counts` in `targets` order). `conditionals[i]`
/// belongs to file `i` of the scan.
pub fn remove_guarded(
    findings: &mut Vec<Finding>,
    conditionals: &[Option<Conditionals>],
    targets: &[Target],
    catalog: &RuleCatalog,
    counts: &mut [usize],
) {
    if conditionals.iter().all(Option::is_none) {
        return;
    }
    // Per target, per file: the dead ranges.
    let dead: Vec<Vec<Vec<Range<usize>>>> = targets
        .iter()
        .map(|&target| {
            let env = project_env(target_env(target, catalog), conditionals);
            conditionals
                .iter()
                .map(|c| {
                    c.as_ref()
                        .map(|c| disjoint(c.dead_ranges(&env)))
                        .unwrap_or_default()
                })
                .collect()
        })
        .collect();
    remove_counted(findings, targets, counts, |f| {
        targets
            .iter()
            .position(|&t| t == f.target)
            .is_some_and(|slot| contains(&dead[slot][f.file], f.usage.span.start))
    });
}

/// Ranges sorted by start merged into disjoint ones, for binary search (a
/// generated file can hold thousands of branches and of findings).
fn disjoint(ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for range in ranges {
        match merged.last_mut() {
            Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
            _ => merged.push(range),
        }
    }
    merged
}

/// Whether disjoint sorted `ranges` contain `offset`.
fn contains(ranges: &[Range<usize>], offset: usize) -> bool {
    let after = ranges.partition_point(|r| r.start <= offset);
    after > 0 && ranges[after - 1].end > offset
}

/// The macros the target's pack states.
fn target_env(target: Target, catalog: &RuleCatalog) -> MacroEnv {
    let mut env = MacroEnv::default();
    if let Some(pack) = catalog.pack(target) {
        env.defined
            .extend(pack.preprocessor.defined.iter().cloned());
        env.undefined
            .extend(pack.preprocessor.undefined.iter().cloned());
    }
    env
}

/// `env` plus the project's macros that are defined only in branches the
/// target skips.
fn project_env(mut env: MacroEnv, conditionals: &[Option<Conditionals>]) -> MacroEnv {
    for _ in 0..ROUNDS {
        // Whether every definition of a name seen so far is dead.
        let mut only_dead: FxHashMap<&str, bool> = FxHashMap::default();
        for file in conditionals
            .iter()
            .flatten()
            .filter(|c| !c.defines.is_empty())
        {
            let dead = file.dead_ranges(&env);
            for define in &file.defines {
                let is_dead = dead.iter().any(|r| r.contains(&define.at));
                *only_dead.entry(define.name.as_str()).or_insert(true) &= is_dead;
            }
        }
        let newly: Vec<String> = only_dead
            .into_iter()
            .filter(|&(name, dead)| {
                dead && !env.defined.contains(name) && !env.undefined.contains(name)
            })
            .map(|(name, _)| name.to_string())
            .collect();
        if newly.is_empty() {
            break;
        }
        env.undefined.extend(newly);
    }
    env
}

/// For each of `paths` (C/C++ sources read as a scan reads them), the
/// 1-based lines inside `#if` branches dead for `target`, with the
/// project's macros derived from all of them: what a comparison with
/// another analyzer needs to tell an existing port from a miss.
pub fn dead_lines(
    paths: &[std::path::PathBuf],
    target: Target,
    catalog: &RuleCatalog,
) -> Vec<std::collections::BTreeSet<usize>> {
    use migscan_core::{read_source, LineIndex, TextEncoding, MAX_FILE_BYTES};
    let texts: Vec<String> = paths
        .iter()
        .map(|p| read_source(p, MAX_FILE_BYTES, TextEncoding::Utf8).unwrap_or_default())
        .collect();
    let conditionals: Vec<Option<Conditionals>> =
        texts.iter().map(|t| Some(Conditionals::read(t))).collect();
    let env = project_env(target_env(target, catalog), &conditionals);
    texts
        .iter()
        .zip(&conditionals)
        .map(|(text, conditionals)| {
            let lines = LineIndex::new(text);
            let dead = conditionals
                .as_ref()
                .map(|c| c.dead_ranges(&env))
                .unwrap_or_default();
            dead.iter()
                .flat_map(|r| {
                    let first = lines.span(r.start, r.start).line as usize;
                    let last = lines.span(r.end.saturating_sub(1), r.end).line as usize;
                    first..=last
                })
                .collect()
        })
        .collect()
}
