//! Repository chores: `cargo xtask <task>`.
//!
//! - `rules-doc [--check]`: writes `docs/rules/<target>.md` from the packs;
//!   with `--check`, fails if a page is out of date.
//! - `html-check [FIXTURE]`: renders the HTML report of a fixture (default
//!   `cuda-extension`, all targets), opens it in headless Chromium
//!   (`$CHROMIUM`, default `chromium`), fails on console errors or a broken
//!   filter, and saves a screenshot under `target/html-check/`.
//! - `bench [--corpus DIR] [--runs N] [--ast-grep BIN]`: see `bench.rs` and
//!   `docs/performance.md`.
//! - `fuzz [--seconds N] [--runs N] [--corpus DIR] [--seed N] [--limit SECONDS]`:
//!   mutation fuzzing through the library; see `fuzz.rs`. Reproducers go
//!   to `tests/data/fuzz/`.
//! - `recall [--corpus DIR] [--mirrors DIR] [--migscan BIN] [--verbose]`: scores the
//!   release binary against `tests/accuracy/labels/`; see `recall.rs` and
//!   `docs/accuracy.md`.
//! - `hipify-rules --tables DIR --commit SHA [--write]`: regenerates
//!   `rules/hygon/hipify-table.toml` from a checkout of HIPIFY's
//!   `docs/reference/tables/` and lists the hand-written Hygon rules that
//!   disagree with the tables; see `hipify_rules.rs`.
//! - `audit`: the packs' standing audit (`migscan_rules::audit`): per
//!   target, rules by status, the low-confidence share, every rule that
//!   contradicts itself (fails if there is one), and the libraries other
//!   packs price that it has no rule for.
//! - `precommit-check`: installs `pre-commit` from the Python registry into
//!   a throwaway virtualenv, makes a throwaway git repository that uses this
//!   repository's committed `HEAD` as a hook source, and checks that a
//!   commit adding `.cuda()` is rejected and a suppressed one passes.

mod bench;
mod fuzz;
mod hipify;
mod hipify_rules;
mod recall;
mod sites;
mod walk;

use migscan_core::Target;
use migscan_report::render_rules_doc;
use migscan_rules::RuleCatalog;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Prints the packs' audit; fails when a rule contradicts itself.
fn audit() -> ExitCode {
    let catalog = match RuleCatalog::embedded() {
        Ok(catalog) => catalog,
        Err(e) => {
            eprintln!("audit: {e:?}");
            return ExitCode::FAILURE;
        }
    };
    let audits = migscan_rules::audit(&catalog);
    println!("| target | rules | by status | low confidence | problems | library gaps |\n|---|---|---|---|---|---|");
    for a in &audits {
        let statuses: Vec<String> = a
            .by_status
            .iter()
            .map(|(s, n)| format!("{s} {n}"))
            .collect();
        println!(
            "| {} | {} | {} | {} ({:.0}%) | {} | {} |",
            a.target,
            a.rules,
            statuses.join(", "),
            a.low_confidence,
            100.0 * a.low_confidence as f64 / a.rules.max(1) as f64,
            a.problems.len(),
            a.gaps.len()
        );
    }
    for a in &audits {
        if !a.gaps.is_empty() {
            println!("{} has no rule for: {}", a.target, a.gaps.join(", "));
        }
    }
    let problems: Vec<_> = audits.iter().flat_map(|a| &a.problems).collect();
    for (rule, problem) in &problems {
        println!("{rule}: {problem}");
    }
    if problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("rules-doc") => rules_doc(args.iter().any(|a| a == "--check")),
        Some("audit") => audit(),
        Some("html-check") => html_check(args.get(1).map_or("cuda-extension", String::as_str)),
        Some("bench") => {
            let value = |flag: &str| flag_value(&args, flag);
            let options = bench::BenchOptions {
                corpus: value("--corpus").map(PathBuf::from),
                runs: value("--runs").and_then(|n| n.parse().ok()).unwrap_or(3),
                ast_grep: value("--ast-grep").map(PathBuf::from),
            };
            let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
            match bench::run(&root, options) {
                Ok(summary) => {
                    println!("{summary}");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("bench: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Some("fuzz") => {
            let value = |flag: &str| flag_value(&args, flag);
            let number = |flag: &str| value(flag).and_then(|n| n.parse::<u64>().ok());
            let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
            let root = manifest.parent().unwrap_or(&manifest).to_path_buf();
            let options = fuzz::FuzzOptions {
                seconds: number("--seconds").or(Some(60)),
                runs: number("--runs").map(|n| n as usize),
                corpus: value("--corpus").map(PathBuf::from),
                seed: number("--seed").unwrap_or_else(|| {
                    std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map_or(1, |d| d.as_nanos() as u64)
                }),
                // Above the parse budget, which lists a stuck file as skipped.
                limit: std::time::Duration::from_secs(number("--limit").unwrap_or(30)),
                save: Some(root.join("tests/data/fuzz")),
                max_input: 1 << 20,
            };
            let seed = options.seed;
            match fuzz::run(&root, options) {
                Ok(summary) => {
                    print!("{summary}");
                    println!("fuzz: seed {seed}");
                    if summary.failures.is_empty() {
                        ExitCode::SUCCESS
                    } else {
                        ExitCode::FAILURE
                    }
                }
                Err(e) => {
                    eprintln!("fuzz: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Some("recall") => {
            let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
            let run = || {
                let options = recall::RecallOptions {
                    corpus: path_flag(&args, "--corpus", "/tmp/corpus"),
                    mirrors: path_flag(&args, "--mirrors", "/work/.mirror"),
                    verbose: args.iter().any(|a| a == "--verbose"),
                    migscan: migscan_to_score(&args, &root)?,
                };
                recall::run(&root, options)
            };
            print_report("recall", run())
        }
        Some("hipify-agreement") => {
            let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
            let run = || {
                let options = hipify::AgreementOptions {
                    corpus: path_flag(&args, "--corpus", "/tmp/corpus"),
                    hipify: flag_value(&args, "--hipify").map(PathBuf::from),
                    mirrors: path_flag(&args, "--mirrors", "/work/.mirror"),
                    scratch: root.join("target/hipify"),
                    migscan: migscan_to_score(&args, &root)?,
                    verbose: args.iter().any(|a| a == "--verbose"),
                };
                hipify::run(&options)
            };
            print_report("hipify-agreement", run())
        }
        Some("hipify-rules") => {
            let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
            let run = || {
                let options = hipify_rules::HipifyRulesOptions {
                    tables: flag_value(&args, "--tables")
                        .map(PathBuf::from)
                        .ok_or("--tables DIR (HIPIFY's docs/reference/tables) is required")?,
                    commit: flag_value(&args, "--commit")
                        .cloned()
                        .ok_or("--commit SHA (the HIPIFY commit of the tables) is required")?,
                    write: args.iter().any(|a| a == "--write"),
                };
                hipify_rules::run(&root, &options)
            };
            print_report("hipify-rules", run())
        }
        Some("precommit-check") => match precommit_check() {
            Ok(summary) => {
                println!("{summary}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("precommit-check: {e}");
                ExitCode::FAILURE
            }
        },
        _ => {
            eprintln!(
                "usage: cargo xtask rules-doc [--check] | html-check [FIXTURE] | bench [...] | fuzz [--seconds N] [--runs N] [--corpus DIR] [--seed N] [--limit S] | recall [--corpus DIR] [--mirrors DIR] [--migscan BIN] [--verbose] | hipify-rules --tables DIR --commit SHA [--write] | audit | precommit-check"
            );
            ExitCode::from(2)
        }
    }
}

/// The word after `flag` on the command line.
/// Prints a task's Markdown report, or its error under the task's name.
fn print_report(task: &str, report: Result<String, String>) -> ExitCode {
    match report {
        Ok(table) => {
            print!("{table}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{task}: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The binary a scoring task runs: `--migscan BIN` (an older build, for
/// before/after figures), or this tree's release build.
fn migscan_to_score(args: &[String], root: &std::path::Path) -> Result<PathBuf, String> {
    match flag_value(args, "--migscan") {
        Some(binary) => Ok(PathBuf::from(binary)),
        None => release_binary(root),
    }
}

/// A path flag's value, or `default`.
fn path_flag(args: &[String], flag: &str, default: &str) -> PathBuf {
    flag_value(args, flag).map_or_else(|| PathBuf::from(default), PathBuf::from)
}

/// Builds the release binary and returns its path.
fn release_binary(root: &std::path::Path) -> Result<PathBuf, String> {
    let status = std::process::Command::new("cargo")
        .args(["build", "--release", "--quiet", "--bin", "migscan"])
        .current_dir(root)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("cargo build --release failed".into());
    }
    Ok(root.join("target/release/migscan"))
}

fn flag_value<'a>(args: &'a [String], flag: &str) -> Option<&'a String> {
    args.iter()
        .position(|a| a == flag)
        .and_then(|i| args.get(i + 1))
}

fn rules_doc(check: bool) -> ExitCode {
    let catalog = match RuleCatalog::embedded() {
        Ok(catalog) => catalog,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/rules");
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("cannot create {}: {e}", dir.display());
        return ExitCode::FAILURE;
    }
    let mut stale = Vec::new();
    for target in Target::ALL {
        let path = dir.join(format!("{target}.md"));
        let page = render_rules_doc(&catalog, target);
        if check {
            if std::fs::read_to_string(&path).ok().as_deref() != Some(page.as_str()) {
                stale.push(path);
            }
        } else if let Err(e) = std::fs::write(&path, page) {
            eprintln!("cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    }
    if stale.is_empty() {
        ExitCode::SUCCESS
    } else {
        for path in stale {
            eprintln!(
                "out of date: {} (run `cargo xtask rules-doc`)",
                path.display()
            );
        }
        ExitCode::FAILURE
    }
}

fn html_check(fixture: &str) -> ExitCode {
    match try_html_check(fixture) {
        Ok(summary) => {
            println!("{summary}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("html-check: {e}");
            ExitCode::FAILURE
        }
    }
}

fn try_html_check(fixture: &str) -> Result<String, String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let catalog = RuleCatalog::embedded().map_err(|e| e.to_string())?;
    let options = migscan_engine::ScanOptions {
        roots: vec![root.join("fixtures").join(fixture)],
        targets: Target::ALL.to_vec(),
        excludes: vec![],
        includes: vec![],
        jobs: None,
        max_file_bytes: migscan_engine::MAX_FILE_BYTES,
        device: None,
        ignore: vec![],
        prefilter: true,
        parse_only: false,
        vendored: migscan_engine::VendoredMode::default(),
    };
    let report = migscan_engine::scan(&options, &catalog).map_err(|e| e.to_string())?;
    let dir = root.join("target/html-check");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let page = dir.join("report.html");
    std::fs::write(&page, migscan_report::render_html(&report, &catalog))
        .map_err(|e| e.to_string())?;
    let url = format!(
        "file://{}",
        page.canonicalize().map_err(|e| e.to_string())?.display()
    );
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "chromium".into());
    let run = |extra: &[String], profile: &str| {
        std::process::Command::new(&chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--enable-logging=stderr",
                "--v=0",
            ])
            .arg(format!("--user-data-dir={}", dir.join(profile).display()))
            .args(extra)
            .output()
            .map_err(|e| {
                format!("cannot run {chromium}: {e} (install Debian's chromium or set CHROMIUM)")
            })
    };
    // The page filters its own table when opened with #selftest and records
    // the row counts before and after in <body data-selftest>.
    let dom = run(
        &["--dump-dom".into(), format!("{url}#selftest")],
        "profile-dom",
    )?;
    let html = String::from_utf8_lossy(&dom.stdout);
    let marker = html
        .split("data-selftest=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .ok_or("the page's script did not run (no data-selftest on <body>)")?;
    let counts: Vec<usize> = marker
        .split_whitespace()
        .skip(1)
        .filter_map(|n| n.parse().ok())
        .collect();
    let (all, filtered) = match counts.as_slice() {
        [all, filtered] => (*all, *filtered),
        _ => return Err(format!("unexpected self-test result `{marker}`")),
    };
    if all != report.findings.len().min(10_000) || filtered == 0 || filtered >= all {
        return Err(format!(
            "filter self-test failed: {all} rows, {filtered} after filtering by target"
        ));
    }
    let shot = dir.join("report.png");
    let screenshot = run(
        &[
            format!("--screenshot={}", shot.display()),
            "--window-size=1280,2000".into(),
            url,
        ],
        "profile-shot",
    )?;
    let mut errors = Vec::new();
    for output in [&dom, &screenshot] {
        for line in String::from_utf8_lossy(&output.stderr).lines() {
            // The page logs nothing, so any console line (errors, uncaught
            // exceptions, warnings) is a failure.
            if line.contains(":CONSOLE") {
                errors.push(line.to_string());
            }
        }
    }
    if !errors.is_empty() {
        return Err(format!("console errors:\n{}", errors.join("\n")));
    }
    if !shot.is_file() {
        return Err("no screenshot was written".into());
    }
    Ok(format!(
        "ok: {} ({} findings, filter {all} -> {filtered} rows), screenshot {}",
        page.display(),
        report.findings.len(),
        shot.display()
    ))
}

/// Runs `program` with `args` in `dir`; the output, or why it failed.
fn sh(dir: &std::path::Path, program: &str, args: &[&str]) -> Result<std::process::Output, String> {
    std::process::Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(|e| format!("cannot run {program}: {e}"))
}

/// Fails with the command's output unless it succeeded.
fn succeeded(out: std::process::Output, what: &str) -> Result<std::process::Output, String> {
    if out.status.success() {
        Ok(out)
    } else {
        Err(format!(
            "{what} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// Runs the pre-commit hook for real, twice: as this repository's hook
/// (`language: rust`, built by `cargo install`), and as a local
/// `language: python` hook that installs the wheel, as a machine without
/// a Rust toolchain would.
fn precommit_check() -> Result<String, String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .map_err(|e| e.to_string())?;
    let work = root.join("target/precommit-check");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    succeeded(
        sh(&work, "python3", &["-m", "venv", "venv"])?,
        "python3 -m venv",
    )?;
    let pip = work.join("venv/bin/pip");
    let pip = pip.to_str().unwrap();
    succeeded(
        sh(&work, pip, &["install", "-q", "pre-commit"])?,
        "pip install pre-commit",
    )?;
    let pre_commit = work.join("venv/bin/pre-commit");
    let head = succeeded(sh(&root, "git", &["rev-parse", "HEAD"])?, "git rev-parse")?;
    let rev = String::from_utf8_lossy(&head.stdout).trim().to_string();
    let args = "[--fail-on, warning, --format, concise, --target, ascend]";
    let rust = format!(
        "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: migscan\n        args: {args}\n",
        root.display()
    );
    let rust = hook_round(&work.join("rust"), &pre_commit, &rust)?;
    // The wheel, built once; pre-commit then installs it into the hook's
    // own virtualenv without compiling anything.
    let wheels = work.join("wheels");
    succeeded(
        sh(
            &root,
            pip,
            &[
                "wheel",
                "-q",
                "--no-deps",
                "-w",
                wheels.to_str().unwrap(),
                ".",
            ],
        )?,
        "pip wheel",
    )?;
    let wheel = std::fs::read_dir(&wheels)
        .map_err(|e| e.to_string())?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "whl"))
        .ok_or("pip wheel wrote no wheel")?;
    let python = format!(
        "repos:\n  - repo: local\n    hooks:\n      - id: migscan\n        name: migscan\n        entry: migscan\n        language: python\n        additional_dependencies: [\"{}\"]\n        files: '\\.py$'\n        args: {args}\n",
        wheel.display()
    );
    let python = hook_round(&work.join("python"), &pre_commit, &python)?;
    Ok(format!("ok: pre-commit hook from {rev:.12} (language: rust): {rust}\nok: local hook installing {} (language: python): {python}", wheel.file_name().unwrap_or_default().to_string_lossy()))
}

/// In a new repository under `repo` with `config`: the first commit
/// installs the hook and passes, a commit adding `.cuda()` is rejected
/// with the finding, and the same line suppressed passes.
fn hook_round(repo: &Path, pre_commit: &Path, config: &str) -> Result<String, String> {
    std::fs::create_dir_all(repo).map_err(|e| e.to_string())?;
    for args in [
        vec!["init", "-q"],
        vec!["config", "user.email", "ci@example.com"],
        vec!["config", "user.name", "ci"],
    ] {
        succeeded(sh(repo, "git", &args)?, "git init")?;
    }
    std::fs::write(repo.join(".pre-commit-config.yaml"), config).map_err(|e| e.to_string())?;
    succeeded(
        sh(repo, pre_commit.to_str().unwrap(), &["install"])?,
        "pre-commit install",
    )?;
    succeeded(
        sh(repo, "git", &["add", ".pre-commit-config.yaml"])?,
        "git add",
    )?;
    // The first commit installs the hook and must pass: no Python yet.
    let started = std::time::Instant::now();
    succeeded(
        sh(repo, "git", &["commit", "-q", "-m", "config"])?,
        "first commit",
    )?;
    let install = started.elapsed();
    std::fs::write(
        repo.join("train.py"),
        "import torch\nmodel = model.cuda()\n",
    )
    .map_err(|e| e.to_string())?;
    succeeded(sh(repo, "git", &["add", "train.py"])?, "git add")?;
    let started = std::time::Instant::now();
    let rejected = sh(repo, "git", &["commit", "-q", "-m", "add cuda"])?;
    let hook_time = started.elapsed();
    if rejected.status.success() {
        return Err("a commit adding .cuda() was accepted".into());
    }
    let said = String::from_utf8_lossy(&rejected.stdout).to_string()
        + &String::from_utf8_lossy(&rejected.stderr);
    if !said.contains("train.py:2:15: ascend/tensor-cuda-method") {
        return Err(format!("the hook did not report the finding:\n{said}"));
    }
    std::fs::write(
        repo.join("train.py"),
        "import torch\nmodel = model.cuda()  # migscan: ignore[tensor-cuda-method]\n",
    )
    .map_err(|e| e.to_string())?;
    succeeded(sh(repo, "git", &["add", "train.py"])?, "git add")?;
    succeeded(
        sh(repo, "git", &["commit", "-q", "-m", "add suppressed cuda"])?,
        "suppressed commit",
    )?;
    Ok(format!(
        "a commit adding .cuda() was rejected, the suppressed one passed; first run (installs the hook) {:.1} s, hook run on a one-file commit {:.2} s",
        install.as_secs_f64(),
        hook_time.as_secs_f64()
    ))
}
