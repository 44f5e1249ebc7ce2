//! `migscan rules check DIR`: validate a user's rule pack as a scan loads
//! it, then run each rule's `[[rule.examples]]` through the real frontend
//! and the pack's index, the way ast-grep tests its rules.

use miette::{miette, Result};
use migscan_engine::{extract_text, Language};
use migscan_rules::{RuleCatalog, Verdict};
use std::path::Path;
use std::process::ExitCode;

/// Validates the pack in `dir` and runs its examples; without `dir`, runs
/// the examples of the built-in packs.
pub fn run(dir: Option<&Path>) -> Result<ExitCode> {
    // The rules under test are those defined in files under `prefix`.
    let (catalog, name, prefix) = match dir {
        Some(dir) => {
            if !dir.is_dir() {
                return Err(miette!("{} is not a directory", dir.display()));
            }
            let catalog = RuleCatalog::with_user_packs(&[dir.to_path_buf()])?;
            let sep = std::path::MAIN_SEPARATOR;
            let prefix = format!("{}{sep}", dir.display().to_string().trim_end_matches(sep));
            (catalog, dir.display().to_string(), prefix)
        }
        None => (
            RuleCatalog::embedded()?,
            "built-in packs".to_string(),
            "rules/".to_string(),
        ),
    };
    let own: Vec<usize> = (0..catalog.rules().len())
        .filter(|&i| catalog.rule(i).location.file.starts_with(&prefix))
        .collect();
    let mut failures = Vec::new();
    let mut passed = 0;
    // One compiled index per target, not per rule: a pack of thousands of
    // rules would otherwise be checked in quadratic time.
    let mut indexes = std::collections::BTreeMap::new();
    for &index in &own {
        let rule = catalog.rule(index);
        let rules = indexes
            .entry(rule.target)
            .or_insert_with(|| catalog.index(rule.target));
        for example in &rule.examples {
            let at = format!("{}:{}", rule.location.file, example.line);
            let Some(language) = Language::parse(&example.language) else {
                failures.push(format!(
                    "{at}: unknown example language `{}`",
                    example.language
                ));
                continue;
            };
            let usages = match extract_text(language, &example.code) {
                Ok(extraction) => extraction.usages,
                Err(e) => {
                    failures.push(format!("{at}: {e}"));
                    continue;
                }
            };
            let matched = usages
                .iter()
                .any(|u| rules.lookup(u, catalog.rules()) == Some(Verdict::Rule(index)));
            if matched == example.matches {
                passed += 1;
            } else {
                let expected = if example.matches {
                    "match"
                } else {
                    "not match"
                };
                failures.push(format!(
                    "{at}: `{}` should {expected}:\n    {}",
                    rule.id,
                    example.code.replace('\n', "\n    ")
                ));
            }
        }
    }
    let mut out = format!(
        "{name}: {} rules valid, {passed} examples passed, {} failed\n",
        own.len(),
        failures.len()
    );
    for failure in &failures {
        out.push_str(&format!("  {failure}\n"));
    }
    crate::print(&out)?;
    Ok(if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
