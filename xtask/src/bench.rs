//! `cargo xtask bench`: the release binary on the real-world corpus, several
//! runs per case, with medians of wall time, CPU time and peak memory, the
//! per-stage breakdown, the parse-only floor, ast-grep for reference, the
//! prefilter equality check and a scaling check. Results go to
//! `target/bench/bench-<unix time>.json`; `docs/performance.md` explains them.

use std::path::{Path, PathBuf};
use std::process::Command;

/// One measured run.
#[derive(Clone, Copy, Default)]
struct Run {
    wall: f64,
    cpu: f64,
    rss_mb: f64,
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}

/// Runs `program args` once under GNU time: the figures and the standard
/// error.
fn run_once(dir: &Path, program: &Path, args: &[String]) -> Result<(Run, String), String> {
    let out = Command::new("/usr/bin/time")
        .arg("-f")
        .arg("@@time %e %U %S %M")
        .arg(program)
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(|e| format!("cannot run /usr/bin/time (Debian package `time`): {e}"))?;
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let line = stderr
        .lines()
        .find_map(|l| l.strip_prefix("@@time "))
        .ok_or_else(|| format!("no timing from {}: {stderr}", program.display()))?;
    let v: Vec<f64> = line
        .split_whitespace()
        .filter_map(|x| x.parse().ok())
        .collect();
    if v.len() != 4 {
        return Err(format!("bad timing line `{line}`"));
    }
    let run = Run {
        wall: v[0],
        cpu: v[1] + v[2],
        rss_mb: v[3] / 1024.0,
    };
    Ok((run, stderr))
}

/// The medians of `runs`.
fn medians(runs: &[Run]) -> Run {
    Run {
        wall: median(runs.iter().map(|r| r.wall).collect()),
        cpu: median(runs.iter().map(|r| r.cpu).collect()),
        rss_mb: median(runs.iter().map(|r| r.rss_mb).collect()),
    }
}

/// Runs `program args` `runs` times; the medians and the standard error of
/// the last run.
fn measure(
    dir: &Path,
    program: &Path,
    args: &[String],
    runs: usize,
) -> Result<(Run, String), String> {
    let case = Case {
        dir: dir.to_path_buf(),
        program: program.to_path_buf(),
        args: args.to_vec(),
    };
    let mut rounds = measure_rounds(&[case], runs)?;
    let (all, stderr) = rounds.pop().unwrap_or_default();
    Ok((medians(&all), stderr))
}

/// One command to measure.
struct Case {
    dir: PathBuf,
    program: PathBuf,
    args: Vec<String>,
}

/// Runs `cases` round by round, each once per round in order, so that a
/// machine whose speed drifts (a shared host does, by a factor of two
/// within minutes) slows the cases of a round alike and their ratio holds.
/// Per case: every run and the standard error of its last run.
fn measure_rounds(cases: &[Case], runs: usize) -> Result<Vec<(Vec<Run>, String)>, String> {
    let mut results: Vec<(Vec<Run>, String)> = cases.iter().map(|_| Default::default()).collect();
    for _ in 0..runs {
        for (case, (all, stderr)) in cases.iter().zip(&mut results) {
            let (run, err) = run_once(&case.dir, &case.program, &case.args)?;
            all.push(run);
            *stderr = err;
        }
    }
    Ok(results)
}

/// The median over rounds of `runs[i].wall / reference[i].wall`.
fn paired_ratio(runs: &[Run], reference: &[Run]) -> f64 {
    median(
        runs.iter()
            .zip(reference)
            .map(|(run, reference)| run.wall / reference.wall.max(1e-9))
            .collect(),
    )
}

fn corpus_bytes(dir: &Path) -> u64 {
    crate::walk::files_under(dir, |p| p.file_name().is_some_and(|n| n == ".dl"))
        .iter()
        .map(|f| std::fs::metadata(f).map_or(0, |m| m.len()))
        .sum()
}

/// Options of `cargo xtask bench`.
pub struct BenchOptions {
    pub corpus: Option<PathBuf>,
    pub runs: usize,
    pub ast_grep: Option<PathBuf>,
}

pub fn run(root: &Path, options: BenchOptions) -> Result<String, String> {
    let corpus = options.corpus.unwrap_or_else(|| root.join("target/corpus"));
    if !corpus.is_dir() {
        let script = root.join("../shared/corpus.sh");
        if !script.is_file() {
            return Err(format!(
                "no corpus at {} and no {} to fetch it: pass --corpus DIR",
                corpus.display(),
                script.display()
            ));
        }
        eprintln!("fetching the corpus into {} ...", corpus.display());
        let status = Command::new("sh")
            .arg(&script)
            .arg(&corpus)
            .status()
            .map_err(|e| e.to_string())?;
        if !status.success() {
            return Err("corpus.sh failed".into());
        }
    }
    let migscan = crate::release_binary(root)?;
    let out_dir = root.join("target/bench");
    std::fs::create_dir_all(&out_dir).map_err(|e| e.to_string())?;
    let corpus_arg = corpus.display().to_string();
    let json = |name: &str| out_dir.join(name).display().to_string();
    let scan = |extra: &[&str], output: &str| {
        let mut args: Vec<String> = vec![
            corpus_arg.clone(),
            "--format".into(),
            "json".into(),
            "-o".into(),
            output.to_string(),
            "--timings".into(),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        args
    };
    let bytes = corpus_bytes(&corpus) as f64;
    let mut rows = Vec::new();
    let mut record = |name: &str, run: Run, stderr: &str| {
        let timings = stderr
            .lines()
            .find(|l| l.starts_with('{'))
            .unwrap_or("{}")
            .to_string();
        let files: f64 = timings
            .split("\"files\": ")
            .nth(1)
            .and_then(|t| t.split([',', '}']).next())
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or(0.0);
        rows.push(format!(
            "{{\"case\": \"{name}\", \"wall_s\": {:.2}, \"cpu_s\": {:.2}, \"peak_rss_mb\": {:.0}, \"files_per_s\": {:.0}, \"mb_per_s\": {:.1}, \"stages\": {timings}}}",
            run.wall,
            run.cpu,
            run.rss_mb,
            files / run.wall.max(1e-9),
            bytes / 1e6 / run.wall.max(1e-9)
        ));
        println!("{name:<34} wall {:>6.2} s  cpu {:>6.2} s  rss {:>5.0} MB  {:>6.0} files/s  {:>5.1} MB/s", run.wall, run.cpu, run.rss_mb, files / run.wall.max(1e-9), bytes / 1e6 / run.wall.max(1e-9));
        if !timings.is_empty() && timings != "{}" {
            println!("{:<34} stages {timings}", "");
        }
    };
    let ast_grep = options.ast_grep.or_else(|| {
        ["ast-grep", "sg"].iter().find_map(|bin| {
            Command::new(bin)
                .arg("--version")
                .output()
                .ok()
                .filter(|o| o.status.success())
                .map(|_| PathBuf::from(bin))
        })
    });
    let rules_dir = root.join("../shared/bench/ast-grep");
    // The budget cases and ast-grep run interleaved, round by round.
    let mut budget = vec![
        Case {
            dir: root.to_path_buf(),
            program: migscan.clone(),
            args: scan(&["--target", "all"], &json("all.json")),
        },
        Case {
            dir: root.to_path_buf(),
            program: migscan.clone(),
            args: scan(
                &["--target", "all", "--vendored", "itemize"],
                &json("all-itemize.json"),
            ),
        },
    ];
    if let Some(bin) = &ast_grep {
        budget.push(Case {
            dir: rules_dir.clone(),
            program: bin.clone(),
            args: vec!["scan".into(), corpus_arg.clone()],
        });
    }
    let rounds = measure_rounds(&budget, options.runs)?;
    let (all_runs, err) = &rounds[0];
    record("scan, all four targets", medians(all_runs), err);
    let (itemized_runs, err) = &rounds[1];
    record(
        "scan, all targets, vendored itemized",
        medians(itemized_runs),
        err,
    );
    let (one, err) = measure(
        root,
        &migscan,
        &scan(&["--target", "ascend"], &json("ascend.json")),
        options.runs,
    )?;
    record("scan, ascend only", one, &err);
    let (parse, err) = measure(
        root,
        &migscan,
        &scan(
            &["--target", "all", "--parse-only", "--no-prefilter"],
            &json("parse.json"),
        ),
        options.runs,
    )?;
    record("parse only (the parsers' floor)", parse, &err);
    let (nopf, err) = measure(
        root,
        &migscan,
        &scan(
            &["--target", "all", "--no-prefilter"],
            &json("all-noprefilter.json"),
        ),
        1,
    )?;
    record("scan, all targets, no prefilter", nopf, &err);
    let findings = |path: &str| -> Result<String, String> {
        let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
        let start = text
            .find("\"findings\": [")
            .ok_or("no findings in the JSON report")?;
        let end = text[start..]
            .find("\n  \"skipped\"")
            .map_or(text.len(), |i| start + i);
        Ok(text[start..end].to_string())
    };
    let equal = findings(&json("all.json"))? == findings(&json("all-noprefilter.json"))?;
    println!(
        "prefilter on/off: findings {}",
        if equal { "identical" } else { "DIFFER" }
    );
    let mut reference = String::from("null");
    if let (Some(bin), Some((sg_runs, _))) = (&ast_grep, rounds.get(2)) {
        let version = Command::new(bin)
            .arg("--version")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_default();
        let sg = medians(sg_runs);
        println!(
            "{:<34} wall {:>6.2} s  cpu {:>6.2} s  rss {:>5.0} MB  ({version}, rules in {})",
            "ast-grep, 10 rules",
            sg.wall,
            sg.cpu,
            sg.rss_mb,
            rules_dir.display()
        );
        let ratio = paired_ratio(all_runs, sg_runs);
        let ratio_itemize = paired_ratio(itemized_runs, sg_runs);
        println!(
            "migscan / ast-grep wall time, median of the rounds' ratios: {ratio:.2}x (budget 0.5x); --vendored itemize {ratio_itemize:.2}x (budget 1.0x)"
        );
        reference = format!("{{\"version\": \"{version}\", \"wall_s\": {:.2}, \"cpu_s\": {:.2}, \"peak_rss_mb\": {:.0}, \"ratio\": {ratio:.2}, \"ratio_itemize\": {ratio_itemize:.2}}}", sg.wall, sg.cpu, sg.rss_mb);
    } else {
        println!(
            "ast-grep not found (pip install ast-grep-cli, or --ast-grep BIN): no reference figure"
        );
    }
    // Scaling: one, three, all packages of the corpus.
    let mut packages: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .map_err(|e| e.to_string())?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.is_dir()
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    packages.sort();
    let mut scaling = Vec::new();
    for n in [1, 3, packages.len()] {
        let mut args: Vec<String> = packages
            .iter()
            .take(n)
            .map(|p| p.display().to_string())
            .collect();
        args.extend(["--target", "all", "--format", "json", "-o", "/dev/null"].map(String::from));
        let (run, _) = measure(root, &migscan, &args, 1)?;
        let mb: f64 = packages
            .iter()
            .take(n)
            .map(|p| corpus_bytes(p) as f64 / 1e6)
            .sum();
        println!(
            "scaling: {n:>2} packages, {mb:>6.1} MB: {:>6.2} s ({:.1} MB/s)",
            run.wall,
            mb / run.wall.max(1e-9)
        );
        scaling.push(format!(
            "{{\"packages\": {n}, \"mb\": {mb:.1}, \"wall_s\": {:.2}}}",
            run.wall
        ));
    }
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let path = out_dir.join(format!("bench-{stamp}.json"));
    let document = format!(
        "{{\"corpus\": \"{}\", \"corpus_mb\": {:.1}, \"runs\": {}, \"cases\": [{}], \"prefilter_identical\": {equal}, \"ast_grep\": {reference}, \"scaling\": [{}]}}\n",
        corpus.display(),
        bytes / 1e6,
        options.runs,
        rows.join(", "),
        scaling.join(", ")
    );
    std::fs::write(&path, document).map_err(|e| e.to_string())?;
    if !equal {
        return Err("the prefilter changed the findings".into());
    }
    Ok(format!("results: {}", path.display()))
}
