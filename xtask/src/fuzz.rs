//! `cargo xtask fuzz [--seconds N] [--runs N] [--corpus DIR] [--seed N]`:
//! mutates real inputs (the fixtures, the saved reproducers and, when given,
//! corpus files) across every file kind migscan reads, scans each mutant
//! in-process through the library with a time limit, and checks what a user
//! would see: no panic, no hang, JSON and SARIF that parse, text reports
//! free of control characters, spans inside the file, and the same findings
//! with the prefilter as without it.
//!
//! A failing input is shrunk (whole lines, then bytes, while it still
//! fails the same way) and saved under `tests/data/fuzz/<kind>-<hash>/`
//! with its file name, where `tests/fuzz_regressions.rs` scans it through
//! the binary on every `cargo test`.

use migscan_core::{Target, MAX_FILE_BYTES};
use migscan_engine::{scan, Language, ScanOptions};
use migscan_report::{
    render_concise, render_markdown, render_terminal, write_csv, write_json, write_sarif,
    TerminalOptions,
};
use migscan_rules::RuleCatalog;
use migscan_syntax::OVER_BUDGET;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long and on what to fuzz.
pub struct FuzzOptions {
    /// Stop after this long.
    pub seconds: Option<u64>,
    /// Stop after this many inputs.
    pub runs: Option<usize>,
    /// More seed files (a directory walked for files migscan reads).
    pub corpus: Option<PathBuf>,
    /// The random generator's seed: the same seed mutates the same way.
    pub seed: u64,
    /// A scan taking longer than this is a hang.
    pub limit: Duration,
    /// Where reproducers go; `None` to keep none.
    pub save: Option<PathBuf>,
    /// Mutated inputs are cut to this many bytes.
    pub max_input: usize,
}

/// What a fuzz run did.
#[derive(Debug, Default)]
pub struct FuzzSummary {
    /// Inputs scanned.
    pub runs: usize,
    /// Seed files mutated.
    pub seeds: usize,
    /// Failures by kind: `panic`, `timeout`, `invalid-json`, ...
    pub failures: Vec<Failure>,
    /// Inputs whose parse the time budget stopped (listed as skipped, as
    /// designed): not failures, but a count worth watching.
    pub over_budget: usize,
    /// Wall time.
    pub elapsed: Duration,
}

/// One failing input.
#[derive(Debug)]
pub struct Failure {
    /// What went wrong: `panic`, `timeout`, `json`, `sarif`, `control`,
    /// `span`, `prefilter`.
    pub kind: &'static str,
    /// The details (a panic message, the offending output).
    pub detail: String,
    /// The file name the input was scanned under.
    pub name: String,
    /// Where it was saved.
    pub saved: Option<PathBuf>,
}

impl std::fmt::Display for FuzzSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let count = |kind: &str| self.failures.iter().filter(|x| x.kind == kind).count();
        writeln!(
            f,
            "fuzz: {} inputs from {} seeds in {:.1} s: {} crashes, {} timeouts, {} other failures, \
             {} parses stopped by the time budget",
            self.runs,
            self.seeds,
            self.elapsed.as_secs_f64(),
            count("panic"),
            count("timeout"),
            self.failures.len() - count("panic") - count("timeout"),
            self.over_budget,
        )?;
        for failure in &self.failures {
            writeln!(
                f,
                "  {} on {}: {}{}",
                failure.kind,
                failure.name,
                failure.detail,
                failure
                    .saved
                    .as_ref()
                    .map(|p| format!(" (saved as {})", p.display()))
                    .unwrap_or_default()
            )?;
        }
        Ok(())
    }
}

/// A small, fast, seedable generator (xorshift64*): reproducible runs
/// without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number below `n` (`n` > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// A seed input: its file name (which picks the frontend) and bytes.
#[derive(Clone)]
struct Seed {
    name: String,
    bytes: Vec<u8>,
}

/// Fragments the mutator inserts: what breaks lexers, parsers, line
/// arithmetic and reports.
const FRAGMENTS: &[&str] = &[
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "\"",
    "'",
    "\"\"\"",
    "'''",
    "`",
    "\\\n",
    "\\",
    "\r",
    "\r\n",
    "\n",
    "\t",
    "    ",
    "\u{feff}",
    "é",
    "\u{202e}",
    "\u{1F600}",
    "\x1b[2J",
    "\x1b]0;t\x07",
    "<<<",
    ">>>",
    "<<<grid, block>>>",
    "__global__ void k() {",
    "__device__",
    "asm volatile(\"mov.u32 %0, %%laneid;\");",
    "# migscan: ignore",
    "# migscan: ignore[",
    "// migscan: ignore[]",
    "/*",
    "*/",
    "#ifdef X\n",
    "#else\n",
    "#endif\n",
    "#define WARP_SIZE 32\n",
    "torch.cuda.synchronize()",
    "\"cuda:0\"",
    ".cuda()",
    "import torch\n",
    "import torch.cuda as tc\n",
    "f\"{",
    "f'{x!r:>{w}}'",
    ":",
    "=",
    "@",
    "lambda",
    "class C:\n",
    "def f(",
    "async ",
    "RUN\\",
    "FROM\\",
    "ENV\\",
    "- name: x\n",
    "resources: {limits: {nvidia.com/gpu: 1}}",
    "#SBATCH --gres=gpu:8\n",
    "export CUDA_VISIBLE_DEVICES=0\n",
    "torch==2.1.0+cu121\n",
    "--extra-index-url https://download.pytorch.org/whl/cu121\n",
    "find_package(CUDA)\n",
    "${",
    "$(",
    "\"cells\": [",
    "\"source\": [\"",
    "\\u0000",
    "\\ud800",
    "cudaMalloc(&p, n);",
    "__shfl_down_sync(0xffffffff, v, 16)",
    "\0",
    "\u{ff}",
];

/// One random change to `bytes`.
fn mutate(rng: &mut Rng, bytes: &mut Vec<u8>, seeds: &[Seed], max_input: usize) {
    let len = bytes.len();
    let at = rng.below(len + 1);
    match rng.below(11) {
        0 => bytes.truncate(at),
        1..=3 => {
            let fragment = FRAGMENTS[rng.below(FRAGMENTS.len())].as_bytes();
            bytes.splice(at..at, fragment.iter().copied());
        }
        4 if len > 0 => {
            let i = rng.below(len);
            bytes[i] ^= 1 << rng.below(8);
        }
        5 => {
            // A line copied many times: long files, repeated findings.
            let line = line_around(bytes, at);
            let copies = 1 + rng.below(64);
            let insert: Vec<u8> = line.repeat(copies);
            bytes.splice(at..at, insert);
        }
        6 => {
            // A line's text repeated on one physical line: long lines.
            let mut line = line_around(bytes, at);
            if line.last() == Some(&b'\n') {
                line.pop();
            }
            let copies = 2 + rng.below(400);
            let insert: Vec<u8> = line.repeat(copies);
            bytes.splice(at..at, insert);
        }
        7 if len > 0 => {
            // Delete a span.
            let end = (at + 1 + rng.below(256)).min(len);
            bytes.drain(at.min(end)..end);
        }
        8 => {
            // Splice: this input's head, another seed's tail.
            let other = &seeds[rng.below(seeds.len())].bytes;
            let from = rng.below(other.len() + 1);
            bytes.truncate(at);
            bytes.extend_from_slice(&other[from..]);
        }
        9 => {
            // Deep nesting.
            let open = [b'(', b'[', b'{'][rng.below(3)];
            let depth = 1 + rng.below(3000);
            bytes.splice(at..at, std::iter::repeat_n(open, depth));
        }
        _ => {
            // Indent the first line, or every line.
            if rng.below(2) == 0 {
                bytes.splice(0..0, *b"  ");
            } else {
                let indented: Vec<u8> = bytes
                    .split(|&b| b == b'\n')
                    .flat_map(|l| [b"\t".as_slice(), l, b"\n"].concat())
                    .collect();
                *bytes = indented;
            }
        }
    }
    bytes.truncate(max_input);
}

/// The line around offset `at`, with its line break.
fn line_around(bytes: &[u8], at: usize) -> Vec<u8> {
    let at = at.min(bytes.len());
    let start = bytes[..at]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let end = bytes[at..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |i| at + i + 1);
    bytes[start..end].to_vec()
}

/// Files under `dir` that migscan reads, in name order, at most `max`
/// (spread over the whole tree) and each at most 256 KiB.
fn seeds_under(dir: &Path, max: usize) -> Vec<Seed> {
    let paths: Vec<PathBuf> = crate::walk::files_under(dir, |_| false)
        .into_iter()
        .filter(|p| Language::of(p).is_some())
        .collect();
    let step = paths.len().div_ceil(max.max(1)).max(1);
    paths
        .into_iter()
        .step_by(step)
        .filter_map(|path| {
            let name = path.file_name()?.to_string_lossy().into_owned();
            let bytes = std::fs::read(&path).ok()?;
            (bytes.len() <= 256 * 1024).then_some(Seed { name, bytes })
        })
        .collect()
}

/// What checking one input found: `None` when all is well.
type Verdict = Option<(&'static str, String)>;

/// Scans `dir` (holding one file of `len` bytes) and checks every output.
fn check(dir: &Path, catalog: &RuleCatalog, len: usize) -> Verdict {
    let mut options = ScanOptions {
        roots: vec![dir.to_path_buf()],
        targets: Target::ALL.to_vec(),
        excludes: Vec::new(),
        includes: Vec::new(),
        jobs: Some(1),
        max_file_bytes: MAX_FILE_BYTES,
        device: None,
        ignore: Vec::new(),
        prefilter: true,
        parse_only: false,
        vendored: migscan_engine::VendoredMode::default(),
    };
    let report = match scan(&options, catalog) {
        Ok(report) => report,
        Err(e) => return Some(("scan-error", e.to_string())),
    };
    if report
        .skipped
        .iter()
        .any(|s| s.reason.contains(OVER_BUDGET))
    {
        // Listed as skipped, as it should be; a second scan would only
        // spend the budget again.
        return Some(("over-budget", String::new()));
    }
    if let Some(f) = report.findings.iter().find(|f| f.usage.span.end > len) {
        return Some((
            "span",
            format!("{:?} past the end ({len} bytes)", f.usage.span),
        ));
    }
    // The prefilter only saves work: without it the findings are the same.
    options.prefilter = false;
    if let Ok(whole) = scan(&options, catalog) {
        let key = |f: &migscan_core::Finding| (f.usage.span, f.rule, f.usage.name.clone());
        let with: Vec<_> = report.findings.iter().map(key).collect();
        let without: Vec<_> = whole.findings.iter().map(key).collect();
        if with != without {
            let first = without
                .iter()
                .zip(&with)
                .position(|(a, b)| a != b)
                .unwrap_or(with.len().min(without.len()));
            return Some((
                "prefilter",
                format!(
                    "{} findings with the prefilter, {} without; first difference: {:?} vs {:?}",
                    with.len(),
                    without.len(),
                    with.get(first),
                    without.get(first)
                ),
            ));
        }
    }
    let mut json = Vec::new();
    let _ = write_json(&report, catalog, &mut json);
    if let Err(e) = serde_json::from_slice::<serde_json::Value>(&json) {
        return Some(("json", e.to_string()));
    }
    let mut sarif = Vec::new();
    let _ = write_sarif(&report, catalog, &mut sarif);
    if let Err(e) = serde_json::from_slice::<serde_json::Value>(&sarif) {
        return Some(("sarif", e.to_string()));
    }
    let mut csv = Vec::new();
    let _ = write_csv(&report, catalog, &mut csv);
    let texts = [
        (
            "terminal",
            render_terminal(&report, catalog, TerminalOptions::default()),
        ),
        ("concise", render_concise(&report, catalog, true)),
        ("markdown", render_markdown(&report, catalog)),
        ("csv", String::from_utf8_lossy(&csv).into_owned()),
    ];
    for (format, text) in texts {
        if let Some(line) = text.lines().find(|l| has_control(l)) {
            return Some(("control", format!("{format}: {line:?}")));
        }
    }
    None
}

/// Whether a line of output holds a control character a terminal would
/// act on (tabs are fine; the line break is already split off).
fn has_control(line: &str) -> bool {
    line.chars()
        .any(|c| (c.is_control() && c != '\t') || matches!(c, '\u{202a}'..='\u{202e}'))
}

/// Runs one input in a scratch directory under a time limit.
struct Runner {
    dir: PathBuf,
    catalog: Arc<RuleCatalog>,
    limit: Duration,
    panic: Arc<Mutex<Option<String>>>,
}

impl Runner {
    fn new(catalog: RuleCatalog, limit: Duration) -> Self {
        let dir = std::env::temp_dir().join(format!("migscan-fuzz-{}", std::process::id()));
        let panic = Arc::new(Mutex::new(None));
        let slot = Arc::clone(&panic);
        // Panics are findings here, not noise on the terminal.
        std::panic::set_hook(Box::new(move |info| {
            if let Ok(mut slot) = slot.lock() {
                slot.get_or_insert_with(|| info.to_string());
            }
        }));
        Self {
            dir,
            catalog: Arc::new(catalog),
            limit,
            panic,
        }
    }

    fn run(&self, name: &str, bytes: &[u8]) -> Verdict {
        let _ = std::fs::remove_dir_all(&self.dir);
        if std::fs::create_dir_all(&self.dir)
            .and_then(|()| std::fs::write(self.dir.join(name), bytes))
            .is_err()
        {
            return None;
        }
        if let Ok(mut slot) = self.panic.lock() {
            *slot = None;
        }
        let (send, receive) = mpsc::channel();
        let dir = self.dir.clone();
        let catalog = Arc::clone(&self.catalog);
        let len = bytes.len();
        let worker = std::thread::Builder::new()
            .stack_size(16 << 20)
            .spawn(move || {
                let verdict = std::panic::catch_unwind(|| check(&dir, &catalog, len))
                    .unwrap_or_else(|_| Some(("panic", String::new())));
                let _ = send.send(verdict);
            });
        if worker.is_err() {
            return None;
        }
        match receive.recv_timeout(self.limit) {
            Ok(Some(("panic", _))) => {
                let message = self.panic.lock().ok().and_then(|s| s.clone());
                Some(("panic", message.unwrap_or_default()))
            }
            Ok(verdict) => verdict,
            // The worker cannot be stopped; it is left to finish alone.
            Err(_) => Some(("timeout", format!("no result within {:?}", self.limit))),
        }
    }
}

impl Drop for Runner {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        let _ = std::panic::take_hook();
    }
}

/// Shrinks a failing input while it fails the same way: whole lines
/// first, then bytes, within a budget of attempts.
fn shrink(runner: &Runner, name: &str, bytes: &[u8], kind: &str) -> Vec<u8> {
    let mut best = bytes.to_vec();
    let mut budget = 300;
    let fails = |candidate: &[u8], budget: &mut usize| {
        *budget = budget.saturating_sub(1);
        matches!(runner.run(name, candidate), Some((k, _)) if k == kind)
    };
    for unit in [Unit::Lines, Unit::Bytes] {
        let mut chunk = unit.count(&best) / 2;
        while chunk >= 1 && budget > 0 {
            let mut i = 0;
            while i < unit.count(&best) && budget > 0 {
                let candidate = unit.without(&best, i, chunk);
                if fails(&candidate, &mut budget) {
                    best = candidate;
                } else {
                    i += chunk;
                }
            }
            chunk /= 2;
        }
    }
    best
}

/// What [`shrink`] removes.
#[derive(Clone, Copy)]
enum Unit {
    Lines,
    Bytes,
}

impl Unit {
    fn count(self, bytes: &[u8]) -> usize {
        match self {
            Unit::Lines => bytes.split_inclusive(|&b| b == b'\n').count(),
            Unit::Bytes => bytes.len(),
        }
    }

    /// `bytes` without `n` units from unit `i`.
    fn without(self, bytes: &[u8], i: usize, n: usize) -> Vec<u8> {
        match self {
            Unit::Lines => bytes
                .split_inclusive(|&b| b == b'\n')
                .enumerate()
                .filter(|(k, _)| *k < i || *k >= i + n)
                .flat_map(|(_, l)| l.iter().copied())
                .collect(),
            Unit::Bytes => [&bytes[..i], &bytes[(i + n).min(bytes.len())..]].concat(),
        }
    }
}

/// FNV-1a of `bytes`: a stable name for a reproducer.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Fuzzes from the repository at `root`.
pub fn run(root: &Path, options: FuzzOptions) -> Result<FuzzSummary, String> {
    let catalog = RuleCatalog::embedded().map_err(|e| e.to_string())?;
    let mut seeds = seeds_under(&root.join("fixtures"), usize::MAX);
    seeds.extend(seeds_under(&root.join("tests/data/fuzz"), usize::MAX));
    if let Some(corpus) = &options.corpus {
        seeds.extend(seeds_under(corpus, 3000));
    }
    if seeds.is_empty() {
        return Err("no seed files found".into());
    }
    let runner = Runner::new(catalog, options.limit);
    let mut rng = Rng(options.seed | 1);
    let started = Instant::now();
    let mut summary = FuzzSummary {
        seeds: seeds.len(),
        ..FuzzSummary::default()
    };
    let deadline = options.seconds.map(Duration::from_secs);
    while options.runs.is_none_or(|n| summary.runs < n)
        && deadline.is_none_or(|d| started.elapsed() < d)
    {
        let seed = &seeds[rng.below(seeds.len())];
        // Now and then another kind's name: text of one language read by
        // another frontend.
        let name = if rng.below(8) == 0 {
            seeds[rng.below(seeds.len())].name.clone()
        } else {
            seed.name.clone()
        };
        let mut bytes = seed.bytes.clone();
        for _ in 0..1 + rng.below(4) {
            mutate(&mut rng, &mut bytes, &seeds, options.max_input);
        }
        summary.runs += 1;
        let Some((kind, detail)) = runner.run(&name, &bytes) else {
            continue;
        };
        if kind == "over-budget" {
            summary.over_budget += 1;
            continue;
        }
        let saved = match &options.save {
            Some(dir) => {
                // A hang is saved as it is: shrinking it would take a
                // time limit per attempt.
                let small = if kind == "timeout" {
                    bytes.clone()
                } else {
                    shrink(&runner, &name, &bytes, kind)
                };
                let folder = dir.join(format!("{kind}-{:016x}", fnv(&small)));
                std::fs::create_dir_all(&folder)
                    .and_then(|()| std::fs::write(folder.join(&name), &small))
                    .map_err(|e| format!("cannot save {}: {e}", folder.display()))?;
                Some(folder)
            }
            None => None,
        };
        summary.failures.push(Failure {
            kind,
            detail: detail.chars().take(300).collect(),
            name: name.clone(),
            saved,
        });
        // A hung worker keeps a core busy; stop rather than pile them up.
        if kind == "timeout" {
            break;
        }
    }
    summary.elapsed = started.elapsed();
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A short fuzz of the fixtures and saved reproducers on every
    /// `cargo test`, with a fixed seed: the same inputs every run, bounded
    /// by count, not time. `cargo xtask fuzz` runs the long, random ones.
    #[test]
    fn a_short_fuzz_finds_no_crash_hang_or_bad_output() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
        let summary = run(
            &root,
            FuzzOptions {
                seconds: None,
                runs: Some(300),
                corpus: None,
                seed: 0x006d_6967_7363_616e,
                limit: Duration::from_secs(120),
                save: None,
                // An unoptimised build formats a 1 MiB input's hundreds of
                // thousands of findings for minutes: that is not a hang.
                max_input: 128 * 1024,
            },
        )
        .unwrap();
        assert!(summary.failures.is_empty(), "{summary}");
        assert_eq!(summary.runs, 300);
    }

    #[test]
    fn shrinking_keeps_the_failure_and_drops_the_rest() {
        let bytes = b"a\nb\nBAD\nc\n";
        let unit = Unit::Lines;
        assert_eq!(unit.count(bytes), 4);
        assert_eq!(unit.without(bytes, 1, 2), b"a\nc\n");
        assert_eq!(Unit::Bytes.without(bytes, 0, 2), b"b\nBAD\nc\n");
    }
}
