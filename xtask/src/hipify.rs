//! `cargo xtask hipify-agreement`: a second oracle for `--target hygon`.
//!
//! hipify-perl (from the public ROCm/HIPIFY repository; `perl` runs it)
//! rewrites every C/C++/CUDA source of the corpus to stdout; the code lines it
//! changes are lines a port to HIP must touch. migscan scans the same
//! sources for hygon, and the two sets of lines are compared:
//! - agreement: the share of hipify's lines that migscan flags;
//! - migscan's other lines, by rule: the changes hipify does not make
//!   (warp-size hazards, kernels to review, PTX, PyTorch C++ API, ...).
//!
//! Lines are compared after dropping comments and string literals on both
//! sides, so a rewrite inside a comment or a message does not count. The
//! sources are scanned alone (`--include`), so a setup.py's build-time
//! hipify credit does not hide what migscan knows about them.

use serde_json::Value;
use similar::{DiffOp, TextDiff};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The sources compared: CUDA and the C/C++ files beside it, all of which
/// hipify-perl rewrites.
const EXTENSIONS: [&str; 7] = ["cu", "cuh", "h", "hpp", "cpp", "cc", "cxx"];

/// Where the sources and the two tools are.
pub struct AgreementOptions {
    /// The corpus of `../shared/corpus.sh`.
    pub corpus: PathBuf,
    /// `bin/hipify-perl` of a ROCm/HIPIFY checkout; `None` to take it
    /// from the mirror `ROCm+HIPIFY` under `mirrors`.
    pub hipify: Option<PathBuf>,
    /// Folder holding the bare git mirrors (`owner+name/repo`).
    pub mirrors: PathBuf,
    /// Where the script taken from the mirror is written.
    pub scratch: PathBuf,
    /// The migscan binary.
    pub migscan: PathBuf,
    /// Print every hipify line migscan does not flag.
    pub verbose: bool,
}

/// Lines (1-based) per file, paths relative to the corpus.
type Lines = BTreeMap<String, BTreeSet<usize>>;

/// The rules of the findings on each (file, line).
type RulesAt = BTreeMap<(String, usize), BTreeSet<String>>;

/// Compares the two tools on the corpus; the report as Markdown.
pub fn run(options: &AgreementOptions) -> Result<String, String> {
    let sources = cuda_sources(&options.corpus);
    if sources.is_empty() {
        return Err(format!(
            "no C/C++/CUDA sources under {}",
            options.corpus.display()
        ));
    }
    let (hipify, version) = match &options.hipify {
        Some(script) => (script.clone(), script.display().to_string()),
        None => hipify_from_mirror(&options.mirrors, &options.scratch)?,
    };
    let (flagged, rules_at) = migscan_lines(options)?;
    let mut rewritten = Lines::new();
    for path in &sources {
        let lines = hipify_lines(&hipify, &options.corpus.join(path))?;
        if !lines.is_empty() {
            rewritten.insert(path.clone(), lines);
        }
    }
    let catalog = migscan_rules::RuleCatalog::embedded().map_err(|e| e.to_string())?;
    let paths: Vec<PathBuf> = sources.iter().map(|s| options.corpus.join(s)).collect();
    let dead = migscan_engine::dead_lines(&paths, migscan_core::Target::Hygon, &catalog);
    let ported: Lines = sources.iter().cloned().zip(dead).collect();
    let mut out = format!("hipify-perl: {version}\n\n");
    out.push_str(&report(
        &sources,
        &rewritten,
        &Flagged {
            lines: &flagged,
            ported: &ported,
            rules_at: &rules_at,
        },
        options.verbose,
    ));
    Ok(out)
}

/// Writes `bin/hipify-perl` of the mirrored ROCm/HIPIFY (read with git,
/// no checkout) into `scratch`; its path and the commit it comes from.
fn hipify_from_mirror(mirrors: &Path, scratch: &Path) -> Result<(PathBuf, String), String> {
    let git_dir = mirrors.join("ROCm+HIPIFY/repo");
    let git = |args: &[&str]| {
        Command::new("git")
            .arg("--git-dir")
            .arg(&git_dir)
            .args(args)
            .output()
            .map_err(|e| format!("cannot run git: {e}"))
            .and_then(|o| {
                if o.status.success() {
                    Ok(o.stdout)
                } else {
                    Err(format!(
                        "git {} in {}: {}",
                        args.join(" "),
                        git_dir.display(),
                        String::from_utf8_lossy(&o.stderr).trim()
                    ))
                }
            })
    };
    let commit = String::from_utf8_lossy(&git(&["rev-parse", "HEAD"])?)
        .trim()
        .to_string();
    let script = git(&["show", "HEAD:bin/hipify-perl"])?;
    std::fs::create_dir_all(scratch).map_err(|e| format!("{}: {e}", scratch.display()))?;
    let path = scratch.join("hipify-perl");
    std::fs::write(&path, script).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok((path, format!("ROCm/HIPIFY@{commit} bin/hipify-perl")))
}

/// The C/C++/CUDA sources under `corpus` (by [`EXTENSIONS`]), relative
/// and sorted.
fn cuda_sources(corpus: &Path) -> Vec<String> {
    crate::walk::files_under(corpus, |_| false)
        .into_iter()
        .filter(|p| {
            p.extension()
                .is_some_and(|x| EXTENSIONS.iter().any(|e| x == *e))
        })
        .filter_map(|p| {
            let relative = p.strip_prefix(corpus).ok()?;
            Some(relative.to_string_lossy().replace('\\', "/"))
        })
        .collect()
}

/// The lines migscan's hygon findings start on, and the rules on each.
fn migscan_lines(options: &AgreementOptions) -> Result<(Lines, RulesAt), String> {
    let mut command = Command::new(&options.migscan);
    // hipify rewrites vendored copies too: compare site by site.
    command.arg(&options.corpus).args([
        "--target",
        "hygon",
        "--format",
        "json",
        "--vendored",
        "itemize",
    ]);
    for extension in EXTENSIONS {
        command.args(["--include", &format!("**/*.{extension}")]);
    }
    let output = command
        .output()
        .map_err(|e| format!("cannot run {}: {e}", options.migscan.display()))?;
    // Findings exit non-zero under a gate; only a usage error stops here.
    if output.status.code() == Some(2) {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    let report: Value = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("migscan's JSON does not parse: {e}"))?;
    let mut lines = Lines::new();
    let mut rules = BTreeMap::new();
    for site in crate::sites::sites(&report) {
        lines
            .entry(site.path.to_string())
            .or_default()
            .insert(site.line);
        rules
            .entry((site.path.to_string(), site.line))
            .or_insert_with(BTreeSet::new)
            .insert(site.rule.to_string());
    }
    Ok((lines, rules))
}

/// The code lines of `file` hipify-perl rewrites (1-based, in `file`).
fn hipify_lines(hipify: &Path, file: &Path) -> Result<BTreeSet<usize>, String> {
    // Without -quiet-warnings it spends a hundred times longer looking
    // for unknown identifiers to warn about; the output is the same.
    let output = Command::new("perl")
        .arg(hipify)
        .arg("-quiet-warnings")
        .arg(file)
        .output()
        .map_err(|e| format!("cannot run perl {}: {e}", hipify.display()))?;
    if !output.status.success() {
        return Err(format!(
            "hipify-perl failed on {}: {}",
            file.display(),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let original = std::fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let before = strip_comments_and_strings(&String::from_utf8_lossy(&original));
    let after = strip_comments_and_strings(&String::from_utf8_lossy(&output.stdout));
    let diff = TextDiff::from_lines(&before, &after);
    let mut changed = BTreeSet::new();
    for op in diff.ops() {
        // Inserted lines (the `hip_runtime.h` include) have no original line.
        if let DiffOp::Replace {
            old_index, old_len, ..
        }
        | DiffOp::Delete {
            old_index, old_len, ..
        } = *op
        {
            changed.extend(old_index + 1..=old_index + old_len);
        }
    }
    Ok(changed)
}

/// `text` without the inside of its comments and string or character
/// literals, line breaks kept: what remains is code. (Dropped, not blanked:
/// `cub::` becoming `hipcub::` in a comment changes no code line.)
fn strip_comments_and_strings(text: &str) -> String {
    #[derive(PartialEq)]
    enum State {
        Code,
        Line,
        Block,
        Quoted(char),
    }
    let mut out = String::with_capacity(text.len());
    let mut state = State::Code;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let keep_break = |out: &mut String, c: char| {
            if c == '\n' {
                out.push('\n');
            }
        };
        match state {
            State::Code => match (c, chars.peek()) {
                ('/', Some('/')) => state = State::Line,
                ('/', Some('*')) => {
                    chars.next();
                    state = State::Block;
                }
                ('"' | '\'', _) => {
                    out.push(c);
                    state = State::Quoted(c);
                    continue;
                }
                _ => {
                    out.push(c);
                    continue;
                }
            },
            State::Line if c == '\n' => state = State::Code,
            State::Block if c == '*' && chars.peek() == Some(&'/') => {
                chars.next();
                state = State::Code;
                continue;
            }
            State::Quoted(quote) if c == quote || c == '\n' => {
                out.push(c);
                state = State::Code;
                continue;
            }
            State::Quoted(_) if c == '\\' => {
                if let Some(next) = chars.next() {
                    keep_break(&mut out, next);
                }
                continue;
            }
            _ => {}
        }
        keep_break(&mut out, c);
    }
    out
}

/// What migscan says about the corpus's lines.
struct Flagged<'a> {
    /// Lines with a hygon finding.
    lines: &'a Lines,
    /// Lines in `#if` branches HIP-Clang never compiles (the project's
    /// own ROCm port, or CUDA-only code with a portable `#else`).
    ported: &'a Lines,
    /// The rules on each flagged line.
    rules_at: &'a RulesAt,
}

/// The Markdown report.
fn report(sources: &[String], rewritten: &Lines, flagged: &Flagged, verbose: bool) -> String {
    let rules_at = flagged.rules_at;
    let total: usize = rewritten.values().map(BTreeSet::len).sum();
    let mut agreed = 0;
    let mut ported = 0;
    let mut missed = String::new();
    let mut missed_by_file: BTreeMap<&str, usize> = BTreeMap::new();
    for (path, lines) in rewritten {
        let ours = flagged.lines.get(path);
        let dead = flagged.ported.get(path);
        for line in lines {
            if ours.is_some_and(|o| o.contains(line)) {
                agreed += 1;
            } else if dead.is_some_and(|d| d.contains(line)) {
                ported += 1;
            } else {
                *missed_by_file.entry(path).or_default() += 1;
                let _ = writeln!(missed, "hipify only: {path}:{line}");
            }
        }
    }
    // migscan's lines hipify leaves alone, by the rules on them.
    let mut beyond: BTreeMap<&str, usize> = BTreeMap::new();
    let mut beyond_lines = 0;
    for ((path, line), rules) in rules_at {
        if rewritten.get(path).is_some_and(|l| l.contains(line)) {
            continue;
        }
        beyond_lines += 1;
        for rule in rules {
            *beyond.entry(rule).or_default() += 1;
        }
    }
    let mut out = String::new();
    let share = |a: usize, b: usize| if b == 0 { 1.0 } else { a as f64 / b as f64 };
    let _ = writeln!(
        out,
        "{} C/C++/CUDA sources; hipify-perl rewrites {total} code lines in {} of them.\n",
        sources.len(),
        rewritten.len()
    );
    let _ = writeln!(
        out,
        "agreement: migscan flags {agreed} of hipify's {total} lines ({:.1}%); {ported} more are in #if branches HIP-Clang never compiles (the project's ROCm port), so {:.1}% are accounted for\n",
        100.0 * share(agreed, total),
        100.0 * share(agreed + ported, total)
    );
    let mut files: Vec<(&str, usize)> = missed_by_file.into_iter().collect();
    files.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    if !files.is_empty() {
        let _ = writeln!(
            out,
            "| file | hipify lines migscan does not flag |\n|---|---|"
        );
        for (path, n) in files.iter().take(15) {
            let _ = writeln!(out, "| {path} | {n} |");
        }
        let _ = writeln!(out);
    }
    let _ = writeln!(
        out,
        "migscan flags {beyond_lines} more lines that hipify leaves alone; by rule:\n\n| rule | lines |\n|---|---|"
    );
    let mut rules: Vec<(&str, usize)> = beyond.into_iter().collect();
    rules.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    for (rule, n) in rules.iter().take(25) {
        let _ = writeln!(out, "| {rule} | {n} |");
    }
    if verbose {
        out.push('\n');
        out.push_str(&missed);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_and_strings_are_dropped_and_line_breaks_kept() {
        let code = "cudaMalloc(&p, n); // cudaFree\nprintf(\"cuda \\\" x\"); /* a\ncudaMemcpy */ int c = '\"';\n";
        assert_eq!(
            strip_comments_and_strings(code),
            "cudaMalloc(&p, n); \nprintf(\"\"); \n int c = '';\n"
        );
    }
}
