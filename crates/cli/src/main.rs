//! The `migscan` command line: parses flags, calls the libraries, prints.

mod alloc;
mod args;
mod check;
mod fix;
mod status;

use args::{
    Args, Command, FailLevel, Format, Inputs, RulesCommand, ScanArgs, TargetList, Vendored,
};
use clap::{CommandFactory, Parser, ValueEnum};
use miette::{miette, IntoDiagnostic, Result};
use migscan_config::{stack_choice, Config, Settings, StackError};
use migscan_core::{Severity, Target};
use migscan_engine::{scan, scan_with_progress, ScanOptions, ScanReport, VendoredMode};
use migscan_gate::{Baseline, BaselineEntry, FailOn};
use migscan_report::{
    render_concise, render_github, render_html, render_markdown, render_statistics,
    render_terminal, severity, unscanned_notice, write_api_csv, write_csv, write_json, write_sarif,
    TerminalOptions,
};
use migscan_rules::{Rule, RuleCatalog, StackVersion, VERSION_HELP};
use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    alloc::route_parsers();
    let args = Args::parse();
    match run(args) {
        Ok(code) => code,
        Err(report) => {
            eprintln!("{report:?}");
            ExitCode::from(2)
        }
    }
}

fn run(args: Args) -> Result<ExitCode> {
    match args.command {
        Some(Command::Rules { command }) => {
            let catalog = RuleCatalog::embedded()?;
            match command {
                RulesCommand::Cards => print(&cards(&catalog))?,
                RulesCommand::Constructs => print(&constructs())?,
                RulesCommand::Stacks => print(&stacks(&catalog))?,
                RulesCommand::List { target } => {
                    print(&rules_list(&catalog, &TargetList::or_all(target)))?
                }
                RulesCommand::Check { dir } => return check::run(dir.as_deref()),
            }
        }
        Some(Command::Explain { rule_id }) => {
            let catalog = RuleCatalog::embedded()?;
            // A full id, or a name that every target's pack may use
            // (`device-cuda`), as configuration and suppressions accept.
            let rules: Vec<&Rule> = catalog
                .rules()
                .iter()
                .filter(|r| migscan_rules::rule_named(r, &rule_id))
                .collect();
            if rules.is_empty() {
                let near = similar_rule_ids(&catalog, &rule_id);
                let help = if near.is_empty() {
                    "`migscan rules list` shows every rule id".to_string()
                } else {
                    format!("did you mean {}?", near.join(", "))
                };
                return Err(miette!(help = help, "no rule `{rule_id}`"));
            }
            let pages: Vec<String> = rules
                .iter()
                .map(|rule| args::explain(rule, &catalog))
                .collect();
            print(&pages.join("\n"))?;
        }
        Some(Command::Completions { shell }) => {
            let mut command = Args::command();
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut command, "migscan", &mut script);
            print(&String::from_utf8_lossy(&script))?;
        }
        Some(Command::Man) => {
            let mut page = Vec::new();
            clap_mangen::Man::new(Args::command())
                .render(&mut page)
                .into_diagnostic()?;
            print(&String::from_utf8_lossy(&page))?;
        }
        Some(Command::Fix(fix_args)) => return fix::run(fix_args),
        None => return scan_command(args.scan),
    }
    Ok(ExitCode::SUCCESS)
}

/// Up to three rule ids closest to a mistyped `id` (by edit distance,
/// against full ids and target-less names), for "did you mean".
fn similar_rule_ids(catalog: &RuleCatalog, id: &str) -> Vec<String> {
    let limit = (id.chars().count() / 4).max(2);
    let mut near: Vec<(usize, &str)> = catalog
        .rules()
        .iter()
        .filter_map(|r| {
            let name = r.id.split_once('/').map_or(r.id.as_str(), |(_, n)| n);
            let distance = edit_distance(id, &r.id).min(edit_distance(id, name));
            (distance <= limit).then_some((distance, r.id.as_str()))
        })
        .collect();
    near.sort();
    near.dedup();
    near.into_iter()
        .take(3)
        .map(|(_, id)| id.to_string())
        .collect()
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

/// Format names a configuration file may use.
fn format_names() -> Vec<String> {
    Format::value_variants()
        .iter()
        .filter_map(|f| f.to_possible_value().map(|v| v.get_name().to_string()))
        .collect()
}

/// What a scan and a fix start from.
struct Setup {
    roots: Vec<PathBuf>,
    catalog: RuleCatalog,
    settings: Settings,
    /// The configuration's globs, then the flags'.
    excludes: Vec<String>,
    includes: Vec<String>,
}

/// Checks the paths and globs, loads the configuration and the rule packs
/// and applies the configuration's rule settings.
fn setup(inputs: &Inputs) -> Result<Setup> {
    let roots: Vec<PathBuf> = if inputs.paths.is_empty() {
        vec![".".into()]
    } else {
        inputs.paths.clone()
    };
    // A path that does not exist is a typo, not an empty project: a gate
    // must not pass on it.
    if let Some(missing) = roots.iter().find(|r| std::fs::symlink_metadata(r).is_err()) {
        return Err(miette!("{}: no such file or directory", missing.display()));
    }
    check_globs("--exclude", &inputs.exclude)?;
    check_globs("--include", &inputs.include)?;
    let config = match (&inputs.config, inputs.isolated) {
        (_, true) => None,
        (Some(path), false) => Some(Config::load(path)?),
        (None, false) => Config::discover(&roots[0])?,
    };
    let mut rule_dirs = inputs.rules.clone();
    if let Some(config) = &config {
        rule_dirs.extend(config.rule_dirs());
    }
    let mut catalog = if rule_dirs.is_empty() {
        RuleCatalog::embedded()?
    } else {
        RuleCatalog::with_user_packs(&rule_dirs)?
    };
    let names = format_names();
    let name_refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let settings = match &config {
        Some(config) => config.apply(&mut catalog, &name_refs)?,
        None => Settings::default(),
    };
    let mut excludes = settings.exclude.clone();
    excludes.extend(inputs.exclude.iter().cloned());
    let mut includes = settings.include.clone();
    includes.extend(inputs.include.iter().cloned());
    Ok(Setup {
        roots,
        catalog,
        settings,
        excludes,
        includes,
    })
}

fn scan_command(args: ScanArgs) -> Result<ExitCode> {
    let Setup {
        roots,
        mut catalog,
        settings,
        excludes,
        includes,
    } = setup(&args.inputs)?;
    let format = match (args.format, &settings.format) {
        (Some(format), _) => format,
        (None, Some(name)) => Format::from_str(name, true).map_err(|e| miette!("{e}"))?,
        (None, None) => Format::Terminal,
    };
    let fail_on = match (args.fail_on, &settings.fail_on) {
        (Some(level), _) => level.into(),
        (None, Some(name)) => FailOn::parse(name).unwrap_or(FailOn::Never),
        (None, None) => FailOn::Never,
    };
    let options = ScanOptions {
        roots,
        targets: args
            .target
            .clone()
            .map(|t| t.0)
            .or(settings.targets.clone())
            .unwrap_or_else(|| Target::ALL.to_vec()),
        excludes,
        includes,
        jobs: args.jobs.map(usize::from),
        max_file_bytes: args.max_file_size * 1024,
        device: args.device.clone().or(settings.device.clone()),
        ignore: settings.ignore.clone(),
        prefilter: !args.no_prefilter,
        parse_only: args.parse_only,
        vendored: vendored_mode(args.vendored, settings.vendored.as_deref()),
    };
    assume_stacks(&mut catalog, &settings.stack, &args.stack)?;
    if let Some(device) = &options.device {
        check_device(&catalog, device, &options.targets)?;
    }
    // A status line only where a person watches it.
    let status = (!args.quiet && std::io::stderr().is_terminal()).then(status::StatusLine::new);
    let scanned = match &status {
        Some(line) => scan_with_progress(&options, &catalog, &|p| line.update(p)),
        None => scan(&options, &catalog),
    };
    if let Some(line) = &status {
        line.clear();
    }
    let mut report = scanned.map_err(|e| miette!("{e}"))?;
    for (path, s) in &report.malformed_suppressions {
        // A suppression that does not parse hides nothing: say so always.
        eprintln!(
            "migscan: warning: {path}:{}:{}: malformed `migscan: ignore` comment: {}; it suppresses nothing",
            s.line,
            s.column,
            s.malformed.unwrap_or_default()
        );
    }
    if let Some(output) = &args.output {
        refuse_overwriting_input(output, &options.roots, &report)?;
    }
    let rendering = std::time::Instant::now();

    if let Some(path) = &args.write_baseline {
        let baseline = Baseline::record(report.findings.iter().map(|f| {
            (
                f,
                catalog.rule(f.rule).id.as_str(),
                report.files[f.file].display.as_str(),
            )
        }));
        std::fs::write(path, baseline.to_json())
            .into_diagnostic()
            .map_err(|e| e.context(format!("cannot write {}", path.display())))?;
        if !args.quiet {
            eprintln!(
                "migscan: recorded {} findings in {}",
                baseline.len(),
                path.display()
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(path) = &args.baseline {
        let text = std::fs::read_to_string(path)
            .into_diagnostic()
            .map_err(|e| e.context(format!("cannot read baseline {}", path.display())))?;
        let baseline =
            Baseline::from_json(&text).map_err(|e| miette!("{}: {e}", path.display()))?;
        let files = &report.files;
        baseline.filter(&mut report.findings, |f| BaselineEntry {
            rule: catalog.rule(f.rule).id.clone(),
            path: files[f.file].display.clone(),
            api: f.usage.name.clone(),
            line_hash: format!("{:016x}", f.line_hash),
            line: f.usage.span.line,
        });
    }

    // `--output` is an explicit request for the report file; `--quiet` only
    // silences the terminal.
    if !args.quiet || args.output.is_some() {
        write_report(&args, format, &report, &catalog)?;
    }
    if args.timings {
        let t = &report.timings;
        eprintln!(
            "{{\"discover\": {:.3}, \"read\": {:.3}, \"prefilter\": {:.3}, \"parse_extract\": {:.3}, \"match\": {:.3}, \"files_wall\": {:.3}, \"project\": {:.3}, \"plan\": {:.3}, \"render\": {:.3}, \"files\": {}, \"prefiltered\": {}, \"read_bytes\": {}, \"parsed_bytes\": {}}}",
            t.discover.as_secs_f64(),
            t.read.as_secs_f64(),
            t.prefilter.as_secs_f64(),
            t.parse.as_secs_f64(),
            t.matching.as_secs_f64(),
            t.files_wall.as_secs_f64(),
            t.project.as_secs_f64(),
            t.plan.as_secs_f64(),
            rendering.elapsed().as_secs_f64(),
            report.files.len(),
            report.prefiltered,
            t.read_bytes,
            t.parsed_bytes
        );
    }
    let failing = report
        .findings
        .iter()
        .any(|f| fail_on.fails(severity(catalog.rule(f.rule))))
        || (args.report_unused_suppressions
            && !report.unused_suppressions.is_empty()
            && fail_on.fails(Severity::Warning));
    Ok(if failing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn write_report(
    args: &ScanArgs,
    format: Format,
    report: &ScanReport,
    catalog: &RuleCatalog,
) -> Result<()> {
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let sink: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(
            std::fs::File::create(path)
                .into_diagnostic()
                .map_err(|e| e.context(format!("cannot write {}", path.display())))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut sink = std::io::BufWriter::new(sink);
    let unused = args.report_unused_suppressions;
    let written = if args.statistics {
        match format {
            Format::Csv => write_api_csv(report, catalog, &mut sink),
            _ => sink.write_all(render_statistics(report, catalog).as_bytes()),
        }
    } else {
        match format {
            Format::Json => write_json(report, catalog, &mut sink),
            Format::Sarif => write_sarif(report, catalog, &mut sink),
            Format::Csv => write_csv(report, catalog, &mut sink),
            Format::Markdown => sink.write_all(render_markdown(report, catalog).as_bytes()),
            Format::Html => sink.write_all(render_html(report, catalog).as_bytes()),
            Format::Concise => sink.write_all(render_concise(report, catalog, unused).as_bytes()),
            Format::Github => sink.write_all(render_github(report, catalog, unused).as_bytes()),
            Format::Terminal => {
                let color = match args.color {
                    args::ColorChoice::Always => true,
                    args::ColorChoice::Never => false,
                    args::ColorChoice::Auto => {
                        to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    }
                };
                let options = TerminalOptions {
                    color,
                    snippets: args.snippets,
                    verbose: args.verbose,
                    width: terminal_width(),
                    ..TerminalOptions::default()
                };
                let mut text = render_terminal(report, catalog, options);
                if unused {
                    text.push_str(&render_concise_unused(report));
                }
                sink.write_all(text.as_bytes())
            }
        }
    };
    ignore_broken_pipe(written.and_then(|()| sink.flush()))?;
    // Formats with a line per finding have no place for the files not read
    // in full; the others list them.
    let lists_unscanned = !args.statistics
        && matches!(
            format,
            Format::Terminal | Format::Json | Format::Markdown | Format::Html | Format::Sarif
        );
    if !lists_unscanned {
        if let Some(notice) = unscanned_notice(report) {
            eprintln!("{notice}");
        }
    }
    Ok(())
}

/// Columns to wrap the terminal report to: `COLUMNS` when it is a number
/// of at least 40 (narrower would only stack words), else 100.
fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&c| c >= 40)
        .unwrap_or(100)
}

/// The unused suppressions alone, in concise form (for the terminal report).
fn render_concise_unused(report: &ScanReport) -> String {
    report
        .unused_suppressions
        .iter()
        .map(|(path, s)| {
            format!(
                "{path}:{}:{}: {} [warning] `migscan: ignore` suppresses no finding\n",
                s.line,
                s.column,
                migscan_report::UNUSED_SUPPRESSION
            )
        })
        .collect()
}

impl From<FailLevel> for FailOn {
    fn from(level: FailLevel) -> Self {
        match level {
            FailLevel::Info => FailOn::Info,
            FailLevel::Warning => FailOn::Warning,
            FailLevel::Error => FailOn::Error,
            FailLevel::Never => FailOn::Never,
        }
    }
}

/// The flag's mode, else the configuration's (validated there), else the
/// default.
fn vendored_mode(flag: Option<Vendored>, configured: Option<&str>) -> VendoredMode {
    match (flag, configured) {
        (Some(Vendored::Summarize), _) | (None, Some("summarize")) => VendoredMode::Summarize,
        (Some(Vendored::Itemize), _) | (None, Some("itemize")) => VendoredMode::Itemize,
        (Some(Vendored::Skip), _) | (None, Some("skip")) => VendoredMode::Skip,
        (None, _) => VendoredMode::default(),
    }
}

/// Applies the stack versions chosen in the configuration and with
/// `--stack` (which wins for its target).
fn assume_stacks(
    catalog: &mut RuleCatalog,
    configured: &[(Target, StackVersion)],
    flags: &[(String, String)],
) -> Result<()> {
    let mut chosen: BTreeMap<Target, StackVersion> = configured.iter().cloned().collect();
    for (target, version) in flags {
        let (target, version) = stack_choice(catalog, target, version).map_err(|e| match e {
            StackError::Target(message) => {
                miette!(
                    help = "`migscan rules stacks` lists the packs' stacks",
                    "--stack: {message}"
                )
            }
            StackError::Version(message) => {
                miette!(help = VERSION_HELP, "--stack: {message}")
            }
        })?;
        chosen.insert(target, version);
    }
    for (target, version) in chosen {
        catalog
            .assume_stack(target, version)
            .map_err(|e| miette!("{e}"))?;
    }
    Ok(())
}

/// Each pattern of a glob flag must compile: say which flag gave a bad one.
fn check_globs(flag: &str, patterns: &[String]) -> Result<()> {
    for pattern in patterns {
        if let Some(problem) = migscan_engine::glob_problem(pattern) {
            return Err(miette!(
                help = "a gitignore-like glob such as `tests/**` or `*.cu`",
                "invalid {flag} pattern `{pattern}`: {problem}"
            ));
        }
    }
    Ok(())
}

/// `-o` must not name a file the scan read (or skipped): the report would
/// silently replace the code it describes.
fn refuse_overwriting_input(
    output: &std::path::Path,
    roots: &[PathBuf],
    report: &ScanReport,
) -> Result<()> {
    let Ok(output) = output.canonicalize() else {
        // Not there yet, so not an input.
        return Ok(());
    };
    let name = output.file_name();
    // A root given as a file counts even when it was skipped.
    let read = report.files.iter().map(|f| f.path.as_path());
    let input = read
        .chain(roots.iter().map(PathBuf::as_path))
        .filter(|path| path.file_name() == name)
        .find(|path| path.canonicalize().is_ok_and(|p| p == output));
    match input {
        Some(path) => Err(miette!(
            help = "write the report elsewhere, or --exclude that file",
            "-o {} would overwrite {}, which this scan reads",
            output.display(),
            path.display()
        )),
        None => Ok(()),
    }
}

/// `--device` must name a card of a target the scan plans for: another
/// target's card, or a baseline NVIDIA card, would be silently ignored.
fn check_device(catalog: &RuleCatalog, device: &str, targets: &[Target]) -> Result<()> {
    let Some(card) = catalog.cards().iter().find(|c| c.answers_to(device)) else {
        let known: Vec<&str> = catalog.cards().iter().map(|c| c.id.as_str()).collect();
        return Err(miette!(
            help = format!("known cards: {}", known.join(", ")),
            "unknown device `{device}`"
        ));
    };
    if targets.iter().any(|t| t.id() == card.target) {
        return Ok(());
    }
    let planned: Vec<&str> = targets.iter().map(|t| t.id()).collect();
    let cards_of = |t: &Target| {
        catalog
            .cards()
            .iter()
            .filter(|c| c.target == t.id())
            .map(|c| c.id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let help = targets
        .iter()
        .map(|t| format!("{t}: {}", cards_of(t)))
        .collect::<Vec<_>>()
        .join("; ");
    let what = match Target::parse(&card.target) {
        Ok(target) => format!("a card for {}", target.title()),
        Err(_) => "an NVIDIA baseline card (the hardware code moves from)".to_string(),
    };
    Err(miette!(
        help = format!("cards of the planned targets: {help}"),
        "--device {device} is {what}, but the scan plans for {}",
        planned.join(", ")
    ))
}

fn cards(catalog: &RuleCatalog) -> String {
    let mut out = String::new();
    for card in catalog.cards() {
        let line = format!(
            "{:<12} {:<10} {:<28} {:<8} memory {:<22} {}{}",
            card.id,
            card.target,
            card.name,
            card.architecture.as_deref().unwrap_or("—"),
            card.memory,
            if card.default { "(default) " } else { "" },
            if card.aliases.is_empty() {
                String::new()
            } else {
                format!("also: {}", card.aliases.join(", "))
            }
        );
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn constructs() -> String {
    let known = migscan_core::CONSTRUCTS.iter();
    known
        .chain(migscan_core::CONSTRUCT_PREFIXES)
        .map(|(name, marks)| format!("{name:<26} {marks}\n"))
        .collect()
}

fn stacks(catalog: &RuleCatalog) -> String {
    let mut out = String::new();
    for target in Target::ALL {
        let Some(pack) = catalog.pack(target) else {
            continue;
        };
        let line = match &pack.stack {
            Some(stack) => {
                let versioned = catalog.versioned_rules(target);
                format!(
                    "{:<10} {:<24} newest documented {:<8} {versioned} rules carry a version\n{:<10} source: {}\n",
                    target.id(),
                    stack.name,
                    stack.documented.to_string(),
                    "",
                    stack.source
                )
            }
            None => format!(
                "{:<10} no stack version: the pack's sources do not state one\n",
                target.id()
            ),
        };
        out.push_str(&line);
    }
    out
}

fn rules_list(catalog: &RuleCatalog, targets: &[Target]) -> String {
    let mut out = String::new();
    for &target in targets {
        for (_, rule) in catalog.rules_for(target) {
            out.push_str(&format!(
                "{:<56} {:<11} step {}  {}\n",
                rule.id,
                rule.status.as_str(),
                rule.step.number(),
                rule.matcher.describe()
            ));
        }
    }
    out
}

/// Writes to stdout; a closed pipe (`migscan ... | head`) is not an error.
fn print(text: &str) -> Result<()> {
    ignore_broken_pipe(std::io::stdout().lock().write_all(text.as_bytes()))
}

fn ignore_broken_pipe(result: std::io::Result<()>) -> Result<()> {
    match result {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.into_diagnostic(),
    }
}
