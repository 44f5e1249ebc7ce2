//! `migscan fix`: scans for one target, turns the exact `auto` findings
//! into edits (`migscan_fix`), and prints the diff or applies it.

use crate::args::FixArgs;
use crate::{print, setup, Setup};
use miette::{miette, Result};
use migscan_engine::{scan, ScanOptions};
use migscan_fix::{plan_fixes, FixPlan, RuleChoice};
use std::fmt::Write as _;
use std::process::ExitCode;

/// Runs the command; exit 0 unless an error stopped it.
pub fn run(args: FixArgs) -> Result<ExitCode> {
    let Setup {
        roots,
        catalog,
        settings,
        excludes,
        includes,
    } = setup(&args.inputs)?;
    let options = ScanOptions {
        roots,
        targets: vec![args.target],
        excludes,
        includes,
        jobs: None,
        max_file_bytes: migscan_engine::MAX_FILE_BYTES,
        device: None,
        ignore: settings.ignore.clone(),
        prefilter: true,
        parse_only: false,
        vendored: migscan_engine::VendoredMode::default(),
    };
    for name in args.select.iter().chain(&args.ignore) {
        if !catalog.knows(name) {
            return Err(miette!(
                help = "`migscan rules list` shows every rule id",
                "no rule `{name}`"
            ));
        }
    }
    let report = scan(&options, &catalog).map_err(|e| miette!("{e}"))?;
    let choice = RuleChoice {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
    };
    let mut plan = plan_fixes(&report, &catalog, args.target, &choice);
    if args.apply {
        let mut written = Vec::new();
        for fix in std::mem::take(&mut plan.files) {
            match fix.apply() {
                Ok(()) => written.push(fix),
                Err(reason) => plan.left_alone.push((fix.display.clone(), reason)),
            }
        }
        plan.files = written;
        print(&summary(&plan, true))?;
    } else {
        let diff: String = plan.files.iter().map(|f| f.diff()).collect();
        if diff.is_empty() {
            // Nothing to change: the diff stays empty, as a second run's must.
            eprint!("{}", summary(&plan, false));
        } else {
            // The diff ends with the summary as `#` lines, which `git apply`
            // and `patch` pass over.
            let notes: String = summary(&plan, false)
                .lines()
                .map(|line| format!("# {line}\n"))
                .collect();
            print(&format!("{diff}{notes}"))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// What was changed per rule, what was left and why, and the plan's work
/// left for people.
fn summary(plan: &FixPlan, applied: bool) -> String {
    let edits: usize = plan.edits.values().sum();
    let mut out = format!(
        "migscan fix: {} in {} {}\n",
        migscan_core::plural(edits, "edit", "edits"),
        migscan_core::plural(plan.files.len(), "file", "files"),
        if applied {
            "written"
        } else {
            "(a diff; --apply writes it)"
        }
    );
    for (rule, count) in &plan.edits {
        let _ = writeln!(out, "  {count:>6}  {rule}");
    }
    if plan.follow > 0 {
        let _ = writeln!(
            out,
            "  follow a rewritten import or name: {} auto findings",
            plan.follow
        );
    }
    for (reason, count) in &plan.not_edited {
        let _ = writeln!(out, "  not edited: {count} auto findings ({reason})");
    }
    for (file, reason) in &plan.left_alone {
        let _ = writeln!(out, "  left alone: {file}: {reason}");
    }
    for (file, what) in &plan.by_hand {
        let _ = writeln!(out, "  by hand: {file}: {what}");
    }
    if !plan.left_for_people.is_empty() {
        let sites: usize = plan.left_for_people.values().map(|(sites, _)| sites).sum();
        let parts: Vec<String> = plan
            .left_for_people
            .iter()
            .map(|(status, (sites, hours))| {
                format!(
                    "{} {status} ({} h)",
                    migscan_core::group_digits(&sites.to_string()),
                    migscan_core::hours(*hours)
                )
            })
            .collect();
        let _ = writeln!(
            out,
            "  left for people: {}: {}",
            migscan_core::plural(sites, "site", "sites"),
            parts.join(", ")
        );
    }
    out
}
