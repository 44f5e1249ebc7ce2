//! The `migscan` command line: parses flags, calls the library, prints.

mod args;

use args::{Args, Command, Format, RulesCommand, TargetList};
use clap::Parser;
use miette::{miette, IntoDiagnostic, Result};
use migscan_core::Target;
use migscan_engine::{scan, ScanOptions};
use migscan_report::{
    render_html, render_markdown, render_terminal, write_csv, write_json, write_sarif,
    TerminalOptions,
};
use migscan_rules::RuleCatalog;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
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
    let catalog = RuleCatalog::embedded()?;
    match args.command {
        Some(Command::Rules {
            command: RulesCommand::Cards,
        }) => {
            let mut out = String::new();
            for card in catalog.cards() {
                out.push_str(&format!(
                    "{:<12} {:<10} {:<28} memory {:<22} {}\n",
                    card.id,
                    card.target,
                    card.name,
                    card.memory,
                    if card.default { "(default)" } else { "" }
                ));
            }
            print(&out)?;
        }
        Some(Command::Rules {
            command: RulesCommand::List { target },
        }) => {
            print(&rules_list(&catalog, &TargetList::or_all(target)))?;
        }
        Some(Command::Explain { rule_id }) => {
            let rule = catalog.find(&rule_id).ok_or_else(|| {
                miette!(
                    help = "`migscan rules list` shows every rule id",
                    "no rule `{rule_id}`"
                )
            })?;
            print(&args::explain(rule, &catalog))?;
        }
        None => scan_command(args.scan, &catalog)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn scan_command(args: args::ScanArgs, catalog: &RuleCatalog) -> Result<()> {
    let options = ScanOptions {
        roots: if args.paths.is_empty() {
            vec![".".into()]
        } else {
            args.paths
        },
        targets: TargetList::or_all(args.target),
        excludes: args.exclude,
        jobs: args.jobs,
        max_file_bytes: args.max_file_size * 1024,
        device: args.device,
    };
    if let Some(device) = &options.device {
        if !catalog
            .cards()
            .iter()
            .any(|c| c.id.eq_ignore_ascii_case(device))
        {
            let known: Vec<&str> = catalog.cards().iter().map(|c| c.id.as_str()).collect();
            return Err(miette!(
                help = format!("known cards: {}", known.join(", ")),
                "unknown device `{device}`"
            ));
        }
    }
    let report = scan(&options, catalog).map_err(|e| miette!("{e}"))?;
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
    let written = match args.format {
        Format::Json => write_json(&report, catalog, &mut sink),
        Format::Sarif => write_sarif(&report, catalog, &mut sink),
        Format::Csv => write_csv(&report, catalog, &mut sink),
        Format::Markdown => sink.write_all(render_markdown(&report, catalog).as_bytes()),
        Format::Html => sink.write_all(render_html(&report, catalog).as_bytes()),
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
                ..TerminalOptions::default()
            };
            sink.write_all(render_terminal(&report, catalog, options).as_bytes())
        }
    };
    ignore_broken_pipe(written.and_then(|()| sink.flush()))
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
