//! Flags, defined once with their documentation (`--help` is generated
//! from these comments).

use clap::{Parser, Subcommand, ValueEnum};
use migscan_core::Target;
use migscan_rules::{Rule, RuleCatalog};
use std::path::PathBuf;

/// Find what must change to move a PyTorch/CUDA repository onto Huawei Ascend,
/// Cambricon MLU, Hygon DCU or Enflame GCU, in what order, and how much work it is.
///
/// Exit codes: 0 the scan ran and nothing reached --fail-on; 1 a finding at or
/// above the --fail-on level remains after suppressions and the baseline;
/// 2 usage, rule-pack or configuration error.
#[derive(Debug, Parser)]
#[command(name = "migscan", version, args_conflicts_with_subcommands = true)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub scan: ScanArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Inspect the built-in rule packs.
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
    /// Show one rule: what it matches, why, the replacement and its source.
    Explain {
        /// A rule id such as `ascend/torch-cuda-synchronize`.
        rule_id: String,
    },
    /// Make the mechanical part of the migration for one target: every
    /// `auto` finding whose change is exact at its place (`torch.cuda.x` →
    /// the target's namespace, also through `import ... as` and `from ...
    /// import` when every name moves, `.cuda()`, device and backend
    /// strings, plus the import the target needs; HIPIFY's renames in
    /// standalone CUDA sources and link flags in their build files; renamed
    /// environment variables). Prints a unified diff ending with a summary
    /// in `#` lines (`git apply` and `patch` take it); changes nothing
    /// unless --apply.
    Fix(FixArgs),
    /// Print a shell completion script (e.g. `migscan completions bash >
    /// ~/.local/share/bash-completion/completions/migscan`).
    Completions {
        /// The shell to complete in.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page in roff (`migscan man > migscan.1; man ./migscan.1`).
    Man,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List the hardware profiles `--device` accepts.
    Cards,
    /// List the constructs rules can match (`match = { construct = "..." }`).
    Constructs,
    /// List the vendor stack each pack's versions count in, the newest
    /// version it documents and how many rules carry a version (`--stack`).
    Stacks,
    /// Validate a rule-pack directory (laid out like `rules/`: `<dir>/<target>/*.toml`)
    /// and run the `[[rule.examples]]` of its rules; without a directory, run
    /// the examples of the built-in packs.
    Check {
        /// The pack directory; without one, the built-in packs' examples run.
        dir: Option<PathBuf>,
    },
    /// List rules: id, status, step and what they match.
    List {
        /// Only these targets (comma-separated; ids or aliases, or `all`).
        #[arg(long, value_parser = parse_targets)]
        target: Option<TargetList>,
    },
}

/// What to read, and with which configuration and rules: shared by a scan
/// and `fix`.
#[derive(Debug, clap::Args)]
pub struct Inputs {
    /// Files and directories to scan [default: .]
    pub paths: Vec<PathBuf>,
    /// Skip paths matching this glob (relative to the scanned root, or a file
    /// name); repeatable.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Scan only files matching this glob (relative path or file name);
    /// repeatable.
    #[arg(long, value_name = "GLOB")]
    pub include: Vec<String>,
    /// Use this configuration file instead of the nearest `migscan.toml` or
    /// `pyproject.toml` `[tool.migscan]` above the first path.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Ignore every configuration file.
    #[arg(long)]
    pub isolated: bool,
    /// Extra rule-pack directory (`<dir>/<target>/*.toml`); repeatable.
    #[arg(long, value_name = "DIR")]
    pub rules: Vec<PathBuf>,
}

/// Scanning a repository (the default command).
#[derive(Debug, clap::Args)]
pub struct ScanArgs {
    #[command(flatten)]
    pub inputs: Inputs,
    /// Targets to plan for, comma-separated: ascend (npu), cambricon (mlu),
    /// hygon (dcu, rocm), enflame (gcu), or all [default: all]
    #[arg(long, short, value_parser = parse_targets)]
    pub target: Option<TargetList>,
    /// Output format [default: terminal, or `format` in the configuration]
    #[arg(long, short, value_enum)]
    pub format: Option<Format>,
    /// Write the report to this file instead of standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Worker threads [default: one per core]; at most 256. Output is
    /// identical for any value.
    #[arg(long, short, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub jobs: Option<u16>,
    /// Skip files larger than this many KiB (reported as skipped).
    #[arg(long, value_name = "KIB", default_value_t = migscan_engine::MAX_FILE_BYTES / 1024)]
    pub max_file_size: u64,
    /// The card the hardware section assesses for its target, by id
    /// (`migscan rules cards` lists them) [default: each target's default card]
    #[arg(long, value_name = "CARD")]
    pub device: Option<String>,
    /// The vendor stack version to plan for, as TARGET=VERSION (`hygon=6.2`
    /// for HIP 6.2); repeatable. Rules that need a later version become
    /// unsupported. `migscan rules stacks` lists what each pack counts
    /// [default: the newest version each pack documents]
    #[arg(long, value_name = "TARGET=VERSION", value_parser = parse_stack)]
    pub stack: Vec<(String, String)>,
    /// Findings shown as source snippets in the terminal report.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub snippets: usize,
    /// When to colour the terminal report; `auto` means on a terminal and
    /// without `NO_COLOR`.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
    /// Exit with 1 when a finding at or above this level remains after
    /// suppressions and the baseline (unsupported → error; manual, unknown,
    /// auto → warning) [default: never, or `fail-on` in the configuration]
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub fail_on: Option<FailLevel>,
    /// Hide the findings recorded in this baseline file.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record the current findings as a baseline file (then exit 0).
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Report `migscan: ignore` comments that suppress nothing (as warnings).
    #[arg(long)]
    pub report_unused_suppressions: bool,
    /// Print statistics instead of the report: per target the converted and
    /// unconverted totals, findings and hours per rule, and each API with
    /// its replacement; with `--format csv`, one row per distinct API.
    #[arg(long)]
    pub statistics: bool,
    /// List every skipped file and file with syntax errors in the terminal
    /// report (otherwise the first 10 of each).
    #[arg(long, short)]
    pub verbose: bool,
    /// Print nothing; the exit code tells the result. A report asked for
    /// with `--output` is still written.
    #[arg(long, short)]
    pub quiet: bool,
    /// Vendored third-party libraries (under `third_party/`, `vendor/`, ...,
    /// in `.gitmodules`, or known by their files such as CUTLASS's): one
    /// finding each (summarize), every site (itemize), or only listed
    /// (skip) [default: summarize, or `vendored` in the configuration]
    #[arg(long, value_enum, value_name = "MODE")]
    pub vendored: Option<Vendored>,
    /// Parse every file, even those no rule could match (same findings,
    /// slower; for checking the prefilter).
    #[arg(long, hide = true)]
    pub no_prefilter: bool,
    /// Parse files and report nothing (benchmarks: the parsers' floor).
    #[arg(long, hide = true)]
    pub parse_only: bool,
    /// Print the time per stage as JSON on standard error (benchmarks).
    #[arg(long, hide = true)]
    pub timings: bool,
}

/// `migscan fix`.
#[derive(Debug, clap::Args)]
pub struct FixArgs {
    #[command(flatten)]
    pub inputs: Inputs,
    /// The one target to rewrite for: ascend (npu), cambricon (mlu), hygon
    /// (dcu, rocm) or enflame (gcu).
    #[arg(long, short, value_parser = parse_target)]
    pub target: Target,
    /// Write the changes into the files (each through a temporary file
    /// renamed over it, keeping its permissions) instead of printing the diff.
    #[arg(long)]
    pub apply: bool,
    /// Only these rules (ids, or names for every target); comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Vec<String>,
    /// Never these rules; comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Vec<String>,
}

fn parse_target(value: &str) -> Result<Target, String> {
    Target::parse(value).map_err(|e| e.to_string())
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FailLevel {
    Info,
    Warning,
    Error,
    Never,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    /// Plan per target and the top findings with source snippets.
    Terminal,
    /// Every finding and plan, schema in docs/json-schema.md.
    Json,
    /// The whole report as a Markdown document.
    Markdown,
    /// One self-contained HTML page with charts and a filterable findings table.
    Html,
    /// SARIF 2.1.0 for code-scanning tools (GitHub code scanning).
    Sarif,
    /// One row per finding.
    Csv,
    /// GitHub Actions workflow annotations.
    Github,
    /// One line per finding: `path:line:col: rule [status] message`.
    Concise,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Vendored {
    /// One finding per library, priced as a dependency; its files are not parsed.
    Summarize,
    /// Every site in the library, like the project's own code.
    Itemize,
    /// Listed in the report only.
    Skip,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Targets named on the command line, sorted and without repeats.
#[derive(Debug, Clone)]
pub struct TargetList(pub Vec<Target>);

impl TargetList {
    /// The targets, or all of them when none were named.
    pub fn or_all(list: Option<TargetList>) -> Vec<Target> {
        list.map_or_else(|| Target::ALL.to_vec(), |l| l.0)
    }
}

fn parse_targets(value: &str) -> Result<TargetList, String> {
    let mut targets = Vec::new();
    for name in value.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        if name.eq_ignore_ascii_case("all") {
            targets.extend(Target::ALL);
            continue;
        }
        targets.push(Target::parse(name).map_err(|e| e.to_string())?);
    }
    targets.sort();
    targets.dedup();
    if targets.is_empty() {
        return Err("no target given".into());
    }
    Ok(TargetList(targets))
}

/// `hygon=6.2` → (`hygon`, `6.2`); checked against the packs once loaded.
fn parse_stack(value: &str) -> Result<(String, String), String> {
    let (target, version) = value
        .split_once('=')
        .ok_or_else(|| format!("`{value}` is not TARGET=VERSION (e.g. hygon=6.2)"))?;
    Ok((target.trim().to_string(), version.trim().to_string()))
}

/// The text of `migscan explain`.
pub fn explain(rule: &Rule, catalog: &RuleCatalog) -> String {
    let effort = catalog.effort().class(&rule.effort);
    let mut out = format!("{}\n\n", rule.id);
    out.push_str(&format!("  target       {}\n", rule.target.title()));
    out.push_str(&format!("  matches      {}\n", rule.matcher.describe()));
    out.push_str(&format!("  status       {}\n", rule.status.as_str()));
    out.push_str(&format!(
        "  step         {}. {}\n",
        rule.step.number(),
        rule.step.title()
    ));
    if let Some(replacement) = &rule.replacement {
        out.push_str(&format!("  replacement  {replacement}\n"));
    }
    out.push_str(&format!("  effort       {}", rule.effort));
    if let Some(class) = effort {
        out.push_str(&format!(
            " ({}–{} h per API, {}–{} h per site)",
            class.per_api.low, class.per_api.high, class.per_site.low, class.per_site.high
        ));
    }
    out.push('\n');
    out.push_str(&format!(
        "  confidence   {}\n",
        match rule.confidence {
            migscan_core::Confidence::Low =>
                "low: public facts are thin, confirm in a proof of concept",
            migscan_core::Confidence::High => "high",
        }
    ));
    out.push_str(&format!("  source       {}\n", rule.source));
    if let Some(notes) = &rule.notes {
        out.push_str(&format!("  notes        {notes}\n"));
    }
    out.push_str(&format!(
        "  defined in   {}:{}\n\n",
        rule.location.file, rule.location.line
    ));
    out.push_str(&format!("{}\n", rule.message));
    out
}
