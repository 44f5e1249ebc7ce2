//! The scan pipeline as one pure-ish function: [`scan`] discovers files,
//! extracts usages in parallel (one parser per worker), matches them against
//! every selected target's compiled index, and plans each target.
//!
//! Output order never depends on thread scheduling: files keep discovery
//! order and findings are sorted by file, position, target and rule.

mod adapters;
mod embedded;
mod extension;
mod first_party;
mod guards;
mod optional;
mod own_names;
mod platform_dirs;
mod ported;
mod prefilter;
mod re_export;
mod timing;
mod unreached;
mod vendored;

pub use migscan_core::MAX_FILE_BYTES;
pub use migscan_discover::{glob_problem, Language, Skipped};

pub use guards::dead_lines;
use migscan_core::{line_hash, visible, Finding, LineIndex, Status, Target, UsageKind};
use migscan_core::{read_source, Extraction, ParseFailure, TextEncoding};
use migscan_cuda::CudaFrontend;
use migscan_discover::{discover, DiscoverOptions};
use migscan_gate::{CommentSyntax, Suppression, Suppressions};
use migscan_ops::OpsFile;
use migscan_plan::{Comparison, HardwareAssessment, MigrationPlan, Observations};
use migscan_python::PythonFrontend;
use migscan_rules::{rule_named, Rule, RuleCatalog, RuleIndex, Selector, Verdict};
use prefilter::{ParsePlan, Prefilter};
use rayon::prelude::*;
use re_export::ReExports;
use rustc_hash::{FxHashMap, FxHashSet};
use std::borrow::Cow;
use std::cell::RefCell;
use std::path::PathBuf;
use std::time::Instant;
pub use timing::Timings;
use vendored::Vendoring;
pub use vendored::{VendoredMode, VendoredSummary};

/// The most worker threads a scan starts.
pub const MAX_JOBS: usize = 256;

/// What to scan and how.
#[derive(Clone, Debug)]
pub struct ScanOptions {
    /// Files and directories to scan.
    pub roots: Vec<PathBuf>,
    /// Targets whose packs are matched.
    pub targets: Vec<Target>,
    /// Extra exclude globs.
    pub excludes: Vec<String>,
    /// When not empty, only files matching one of these globs are scanned.
    pub includes: Vec<String>,
    /// Worker threads (at most [`MAX_JOBS`]); `None` for one per core.
    pub jobs: Option<usize>,
    /// Files larger than this many bytes are skipped.
    pub max_file_bytes: u64,
    /// The card the hardware section assesses for its target (`910b`).
    pub device: Option<String>,
    /// Rules whose findings are dropped (full ids or target-less names).
    pub ignore: Vec<String>,
    /// Skip parsing files that contain no token any rule needs (on by
    /// default; the result is the same either way).
    pub prefilter: bool,
    /// Parse every file but extract and match nothing: the parsers' floor,
    /// for benchmarks.
    pub parse_only: bool,
    /// What to do with vendored third-party libraries.
    pub vendored: VendoredMode,
}

/// A file that was scanned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScannedFile {
    /// Where it was read from.
    pub path: PathBuf,
    /// How reports name it.
    pub display: String,
    /// Its frontend.
    pub language: Language,
    /// Whether the parser recovered from syntax errors in it.
    pub syntax_errors: bool,
}

impl ScannedFile {
    /// Its text as the scan read it (for reports that quote it), without
    /// the size limit.
    pub fn read_text(&self) -> Result<String, String> {
        read_source(&self.path, u64::MAX, text_encoding(self.language))
    }
}

/// How files of `language` are decoded.
fn text_encoding(language: Language) -> TextEncoding {
    match language {
        Language::Python => TextEncoding::PythonCookie,
        _ => TextEncoding::Utf8,
    }
}

/// Everything a scan found, ready to render.
#[derive(Debug)]
pub struct ScanReport {
    /// Targets matched, in the order asked.
    pub targets: Vec<Target>,
    /// Files scanned; findings refer to them by index.
    pub files: Vec<ScannedFile>,
    /// Findings of every target, sorted by file, position, target, rule.
    pub findings: Vec<Finding>,
    /// Files not scanned, with the reason.
    pub skipped: Vec<Skipped>,
    /// One plan per target, in target order.
    pub plans: Vec<MigrationPlan>,
    /// The targets side by side, when more than one was planned.
    pub comparison: Option<Comparison>,
    /// Findings hidden by inline suppressions.
    pub suppressed: usize,
    /// Suppression comments that hid nothing: (file display path, comment).
    pub unused_suppressions: Vec<(String, Suppression)>,
    /// Suppression comments whose marker does not parse; they hide nothing.
    pub malformed_suppressions: Vec<(String, Suppression)>,
    /// What the code needs from the hardware.
    pub observations: Observations,
    /// The hardware section, one per target.
    pub hardware: Vec<HardwareAssessment>,
    /// Files the prefilter showed to need no parsing.
    pub prefiltered: usize,
    /// Vendored third-party libraries, by root.
    pub vendored: Vec<VendoredSummary>,
    /// What the scan did with them.
    pub vendored_mode: VendoredMode,
    /// Where the time went.
    pub timings: Timings,
}

/// Errors a user can fix before a scan starts.
#[derive(Debug)]
pub enum ScanError {
    /// An exclude or include glob does not parse.
    BadGlob {
        /// The pattern.
        pattern: String,
        /// Why.
        message: String,
    },
    /// The thread pool could not start.
    Threads(String),
}

impl std::fmt::Display for ScanError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ScanError::BadGlob { pattern, message } => {
                write!(f, "invalid glob `{pattern}`: {message}")
            }
            ScanError::Threads(message) => write!(f, "cannot start worker threads: {message}"),
        }
    }
}

impl std::error::Error for ScanError {}

/// The outcome of one file.
#[derive(Default)]
struct FileOutcome {
    findings: Vec<Finding>,
    prefiltered: bool,
    timings: Timings,
    suppressed: usize,
    unused_suppressions: Vec<Suppression>,
    malformed_suppressions: Vec<Suppression>,
    observations: Observations,
    supported: Vec<usize>,
    skipped: Option<String>,
    syntax_errors: bool,
    /// Whether the file builds a CUDA extension with PyTorch's builder.
    builds_extension: bool,
    /// The file's lines (vendored libraries report their size).
    lines: usize,
    /// A vendored file that was counted, not scanned.
    counted_only: bool,
    /// A C/C++ file's `#if` structure, for the guards stage.
    conditionals: Option<migscan_guards::Conditionals>,
    /// Findings left out per target because the file already has the
    /// target's name for them.
    ported: Vec<usize>,
    /// Names the file defines that a rule might take for vendor APIs.
    defined_names: Vec<String>,
    /// Python functions with findings in them, for the unreached stage.
    functions: Vec<migscan_core::FunctionDef>,
    /// Python branches for one platform, for the unreached stage.
    platform_branches: Vec<migscan_core::PlatformBranch>,
    /// The names those branches call (`unreached::branch_words`).
    branch_words: Vec<String>,
    /// A Python file's identifiers, hashed (`unreached::word_hashes`).
    word_hashes: Vec<u32>,
}

/// Runs the pipeline.
pub fn scan(options: &ScanOptions, catalog: &RuleCatalog) -> Result<ScanReport, ScanError> {
    scan_with_progress(options, catalog, &|_| {})
}

/// How far a scan is, for a status line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScanProgress {
    /// Walking the roots.
    Discovering,
    /// `done` of `total` files read, parsed and matched.
    Scanning {
        /// Files finished.
        done: usize,
        /// Files to scan.
        total: usize,
    },
    /// Building the plans.
    Planning,
}

/// [`scan`], telling `progress` how far it is. `progress` is called from
/// the worker threads, once per file: it should be cheap.
pub fn scan_with_progress(
    options: &ScanOptions,
    catalog: &RuleCatalog,
    progress: &(dyn Fn(ScanProgress) + Sync),
) -> Result<ScanReport, ScanError> {
    let discover_options =
        DiscoverOptions::new(&options.excludes, &options.includes).map_err(|e| {
            ScanError::BadGlob {
                pattern: e.pattern,
                message: e.message,
            }
        })?;
    let started = Instant::now();
    progress(ScanProgress::Discovering);
    let discovery = discover(&options.roots, &discover_options);
    let mut timings = Timings {
        discover: started.elapsed(),
        ..Timings::default()
    };
    let indexes: Vec<(Target, RuleIndex)> = options
        .targets
        .iter()
        .map(|&t| (t, catalog.index(t)))
        .collect();

    // Workers parse with explicit stacks; the larger stack is headroom for
    // the parsers' own recursion on pathological input.
    let mut pool = rayon::ThreadPoolBuilder::new().stack_size(16 * 1024 * 1024);
    if let Some(jobs) = options.jobs {
        // Each worker reserves a 16 MiB stack: a huge count would exhaust
        // memory before doing any work.
        pool = pool.num_threads(jobs.clamp(1, MAX_JOBS));
    }
    let pool = pool
        .build()
        .map_err(|e| ScanError::Threads(e.to_string()))?;
    // Largest files first, so that both cores finish together; the outcomes
    // are put back in discovery order afterwards.
    let mut order: Vec<(u64, usize)> = discovery
        .files
        .iter()
        .enumerate()
        .map(|(i, f)| (std::fs::metadata(&f.path).map_or(0, |m| m.len()), i))
        .collect();
    order.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let work = Instant::now();
    let re_exports = collect_re_exports(&discovery.files, &pool, catalog.rules());
    let prefilter = options
        .prefilter
        .then(|| Prefilter::new(catalog, &indexes, &re_exports));
    let context = FileContext {
        options,
        indexes: &indexes,
        catalog,
        prefilter: prefilter.as_ref(),
        re_exports: &re_exports,
    };
    let vendoring = Vendoring::new(&discovery.files, &options.roots, options.vendored);
    let total = discovery.files.len();
    let done = std::sync::atomic::AtomicUsize::new(0);
    let mut outcomes: Vec<(usize, FileOutcome)> = pool.install(|| {
        order
            .par_iter()
            // One file per task: big files first, then the pool balances the rest.
            .with_max_len(1)
            .map(|&(_, i)| {
                let file = &discovery.files[i];
                let outcome = if vendoring.counts_only(i) {
                    vendored_file(i, file, vendoring.library_usage(i), &context)
                } else {
                    FRONTENDS
                        .with(|frontends| scan_file(&mut frontends.borrow_mut(), i, file, &context))
                };
                let done = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                progress(ScanProgress::Scanning { done, total });
                (i, outcome)
            })
            .collect()
    });
    timings.files_wall = work.elapsed();
    progress(ScanProgress::Planning);
    outcomes.sort_by_key(|(i, _)| *i);

    let mut files = Vec::with_capacity(discovery.files.len());
    let mut findings = Vec::new();
    let mut skipped = discovery.skipped;
    let mut supported = vec![0; indexes.len()];
    let mut observations = Observations::default();
    let mut suppressed = 0;
    let mut unused_suppressions = Vec::new();
    let mut malformed_suppressions = Vec::new();
    let mut prefiltered = 0;
    let mut builds_extension = false;
    let mut conditionals = Vec::new();
    let mut ported = vec![0; indexes.len()];
    let mut defined_names = FxHashSet::default();
    let mut functions = Vec::new();
    let mut platform_branches = Vec::new();
    let mut branch_words = FxHashSet::default();
    let mut word_hashes = Vec::new();
    let vendored_lines: Vec<usize> = outcomes.iter().map(|(_, outcome)| outcome.lines).collect();
    let vendored = vendoring.summaries(&discovery.files, &vendored_lines);
    // Skipped files leave the file list, so findings are renumbered.
    for (file, (_, outcome)) in discovery.files.into_iter().zip(outcomes) {
        // First, as a vendored library whose rule says `supported` leaves
        // a count but no finding (skipped files have no counts).
        for (total, n) in supported.iter_mut().zip(outcome.supported) {
            *total += n;
        }
        // A vendored file that was only counted is not a scanned file,
        // unless its library's finding sits on it.
        if outcome.counted_only && outcome.findings.is_empty() {
            continue;
        }
        if let Some(reason) = outcome.skipped {
            skipped.push(Skipped {
                display: file.display,
                reason,
            });
            continue;
        }
        let index = files.len();
        findings.extend(outcome.findings.into_iter().map(|mut f| {
            f.file = index;
            f
        }));
        for (total, n) in ported.iter_mut().zip(outcome.ported) {
            *total += n;
        }
        observations.merge(outcome.observations);
        builds_extension |= outcome.builds_extension;
        suppressed += outcome.suppressed;
        prefiltered += usize::from(outcome.prefiltered);
        timings.add(&outcome.timings);
        for (list, found) in [
            (&mut unused_suppressions, outcome.unused_suppressions),
            (&mut malformed_suppressions, outcome.malformed_suppressions),
        ] {
            list.extend(found.into_iter().map(|s| (file.display.clone(), s)));
        }
        conditionals.push(outcome.conditionals);
        defined_names.extend(outcome.defined_names);
        functions.push(outcome.functions);
        platform_branches.push(outcome.platform_branches);
        branch_words.extend(outcome.branch_words);
        word_hashes.push(outcome.word_hashes);
        files.push(ScannedFile {
            path: file.path,
            display: file.display,
            language: file.language,
            syntax_errors: outcome.syntax_errors,
        });
    }
    let project = Instant::now();
    if builds_extension {
        extension::credit_build_hipify(
            &mut findings,
            &files,
            &options.roots,
            catalog.rules(),
            &options.targets,
            &mut supported,
        );
    }
    own_names::remove_own_names(&mut findings, &defined_names, catalog.rules());
    guards::remove_guarded(
        &mut findings,
        &conditionals,
        &options.targets,
        catalog,
        &mut ported,
    );
    unreached::remove_unreached(
        &mut findings,
        &files,
        &word_hashes,
        &functions,
        &platform_branches,
        &branch_words,
        &options.targets,
        &mut ported,
    );
    timings.project = project.elapsed();
    findings.sort_by(|a, b| {
        (a.file, a.usage.span, a.target, a.rule).cmp(&(b.file, b.usage.span, b.target, b.rule))
    });
    skipped.sort_by(|a, b| a.display.cmp(&b.display));
    let planning = Instant::now();
    let plans: Vec<MigrationPlan> = indexes
        .iter()
        .zip(supported.iter().zip(&ported))
        .map(|((target, _), (&supported, &ported))| {
            MigrationPlan::build(*target, &findings, supported, ported, catalog)
        })
        .collect();
    let comparison = Comparison::of(&plans);
    let hardware = options
        .targets
        .iter()
        .map(|&t| {
            let card = catalog.card_for(t, options.device.as_deref());
            HardwareAssessment::build(t, card, &observations)
        })
        .collect();
    timings.plan = planning.elapsed();
    Ok(ScanReport {
        prefiltered,
        timings,
        targets: options.targets.clone(),
        files,
        findings,
        skipped,
        plans,
        comparison,
        suppressed,
        unused_suppressions,
        malformed_suppressions,
        observations,
        hardware,
        vendored,
        vendored_mode: options.vendored,
    })
}

/// Lines of a file, as `wc -l` counts them.
fn line_count(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}

/// A vendored file that is counted, not scanned: its lines, and the
/// library's finding when `library` is the usage that stands for it.
fn vendored_file(
    index: usize,
    file: &migscan_discover::SourceFile,
    library: Option<migscan_core::Usage>,
    context: &FileContext,
) -> FileOutcome {
    let lines = std::fs::read(&file.path).map_or(0, |bytes| line_count(&bytes));
    let mut outcome = FileOutcome {
        supported: vec![0; context.indexes.len()],
        lines,
        counted_only: true,
        ..FileOutcome::default()
    };
    if let Some(usage) = library {
        match_usages(vec![usage], index, file, context, &mut outcome);
    }
    outcome
}

/// What the project's packages re-export from libraries the packs know,
/// read from their `__init__.py` files in parallel.
fn collect_re_exports(
    files: &[migscan_discover::SourceFile],
    pool: &rayon::ThreadPool,
    rules: &[Rule],
) -> ReExports {
    let roots: FxHashSet<&str> = rules
        .iter()
        .filter(|r| r.matcher.selector == Selector::Name)
        .filter_map(|r| r.matcher.value.split('.').next())
        .collect();
    let packages = pool.install(|| {
        files
            .par_iter()
            .filter(|f| f.language == Language::Python && f.path.ends_with("__init__.py"))
            .filter_map(|f| {
                let names = first_party::package_names(f.path.parent()?);
                if names.is_empty() {
                    return None;
                }
                let text = read_source(&f.path, MAX_FILE_BYTES, TextEncoding::PythonCookie).ok()?;
                let bindings = FRONTENDS
                    .with(|frontends| frontends.borrow_mut().python.module_bindings(&text))
                    .ok()?;
                Some((names, bindings))
            })
            .collect()
    });
    ReExports::new(packages, &roots)
}

/// Extracts the usages of `text` as `language` (for rule examples).
pub fn extract_text(language: Language, text: &str) -> Result<Extraction, ParseFailure> {
    Frontends::default().extract(language, text)
}

thread_local! {
    /// One set of parsers per worker thread, reused for every file it scans.
    static FRONTENDS: std::cell::RefCell<Frontends> = std::cell::RefCell::new(Frontends::default());
}

/// The parsers of one worker thread, reused across files.
#[derive(Default)]
struct Frontends {
    python: PythonFrontend,
    cuda: CudaFrontend,
}

impl Frontends {
    /// Parses `text` and drops the tree (benchmarks); whether it had errors.
    fn parse_only(&mut self, language: Language, text: &str) -> bool {
        match language {
            Language::Python => self.python.parse_only(text),
            Language::Cpp => self.cuda.parse_only(text),
            // The other frontends do not build trees.
            _ => false,
        }
    }

    fn extract(&mut self, language: Language, text: &str) -> Result<Extraction, ParseFailure> {
        match language {
            Language::Python => self.python.extract(text),
            Language::Notebook => self.python.extract_notebook(text),
            Language::Cpp => self.cuda.extract(text),
            Language::Rust => migscan_rust::extract(text),
            Language::CargoManifest => migscan_rust::extract_manifest(text),
            Language::Requirements => OpsFile::Requirements.extract(text),
            Language::PyProject => OpsFile::PyProject.extract(text),
            Language::Conda => OpsFile::Conda.extract(text),
            Language::CMake => OpsFile::CMake.extract(text),
            Language::Dockerfile => OpsFile::Dockerfile.extract(text),
            Language::Shell => OpsFile::Shell.extract(text),
            Language::Makefile => OpsFile::Makefile.extract(text),
            Language::Yaml => OpsFile::Yaml.extract(text),
        }
    }
}

/// What every file's scan shares.
struct FileContext<'a> {
    options: &'a ScanOptions,
    indexes: &'a [(Target, RuleIndex)],
    catalog: &'a RuleCatalog,
    prefilter: Option<&'a Prefilter<'a>>,
    re_exports: &'a ReExports,
}

/// Whether a usage of `kind` named `name` would change anything in a scan of
/// the packs in `indexes`: a rule (supported ones count sites), the
/// unknown-API check, or the hardware observations. Asked without building
/// the usage.
fn usage_matters(
    indexes: &[(Target, RuleIndex)],
    rules: &[Rule],
    kind: UsageKind,
    name: &str,
) -> bool {
    Observations::observes(kind, name)
        || indexes
            .iter()
            .any(|(_, index)| index.lookup_name(kind, name, rules).is_some())
}

/// `path` below the longest scan root it lies in (empty if none: what is
/// above a root is the user's, not the project's).
fn relative_to_root<'p>(path: &'p std::path::Path, roots: &[PathBuf]) -> &'p std::path::Path {
    roots
        .iter()
        .filter_map(|root| path.strip_prefix(root).ok())
        .min_by_key(|relative| relative.components().count())
        .unwrap_or(std::path::Path::new(""))
}

/// A Python file's identifiers, hashed, for the unreached stage (empty
/// for other languages).
fn python_word_hashes(language: Language, text: &str) -> Vec<u32> {
    if language == Language::Python {
        unreached::word_hashes(text)
    } else {
        Vec::new()
    }
}

/// Marks the findings inside a kernel the file sizes (`@triton.jit`): the
/// kernel's port covers them. A sized construct (the kernel itself) is
/// never inside another.
fn mark_in_kernel(findings: &mut [Finding], kernels: &[std::ops::Range<usize>]) {
    for finding in findings.iter_mut().filter(|f| f.usage.weight <= 1) {
        let at = finding.usage.span.start;
        finding.in_kernel = kernels.iter().any(|r| r.contains(&at));
    }
}

/// How comments and strings are written in files of `language`.
fn comment_syntax(language: Language) -> CommentSyntax {
    match language {
        Language::Python => CommentSyntax::Python,
        Language::Notebook => CommentSyntax::Notebook,
        Language::Cpp | Language::Rust => CommentSyntax::CLike,
        Language::CargoManifest
        | Language::Requirements
        | Language::PyProject
        | Language::Conda
        | Language::CMake
        | Language::Dockerfile
        | Language::Shell
        | Language::Makefile
        | Language::Yaml => CommentSyntax::Hash,
    }
}

/// Matches a file's usages against every target's index into `outcome`:
/// findings, counts of supported sites, observations. Names of the file's
/// own package are not vendor APIs, unless the package re-exports a library.
fn match_usages(
    usages: Vec<migscan_core::Usage>,
    file_index: usize,
    file: &migscan_discover::SourceFile,
    context: &FileContext,
    outcome: &mut FileOutcome,
) {
    let rules = context.catalog.rules();
    let own_package = first_party::own_package(&file.path);
    for mut usage in usages {
        if let Cow::Owned(shown) = visible(&usage.name) {
            // A name read from a string can hold anything.
            usage.name = shown;
        }
        outcome.observations.add(&usage, &file.display);
        outcome.builds_extension |= extension::is_builder(&usage.name);
        if usage.kind == UsageKind::ModelRef {
            continue;
        }
        if usage.kind.is_qualified() {
            if let Some(name) = context.re_exports.resolve(&usage.name) {
                usage.name = name;
            }
            if own_package
                .as_ref()
                .is_some_and(|package| package.contains(&usage.name))
            {
                continue;
            }
        }
        if usage.kind == UsageKind::Include
            && first_party::is_sibling_header(&file.path, &usage.name)
        {
            continue;
        }
        for (slot, (target, index)) in context.indexes.iter().enumerate() {
            let rule = match index.lookup(&usage, rules) {
                Some(Verdict::Rule(i)) if rules[i].status == Status::Supported => {
                    outcome.supported[slot] += 1;
                    continue;
                }
                Some(Verdict::Rule(i)) => i,
                Some(Verdict::Unknown) => match context.catalog.unknown_rule(*target, &usage) {
                    Some(rule) => rule,
                    None => continue,
                },
                None => continue,
            };
            outcome.findings.push(Finding {
                target: *target,
                rule,
                file: file_index,
                usage: usage.clone(),
                line_hash: 0,
                optional: false,
                in_kernel: false,
                adapted: false,
            });
        }
    }
}

fn scan_file(
    frontends: &mut Frontends,
    file_index: usize,
    file: &migscan_discover::SourceFile,
    context: &FileContext,
) -> FileOutcome {
    let options = context.options;
    let clock = Instant::now();
    let text = read_source(
        &file.path,
        options.max_file_bytes,
        text_encoding(file.language),
    );
    let read = clock.elapsed();
    match text {
        Ok(text) => {
            let mut outcome = scan_text(frontends, file_index, file, &text, context);
            outcome.timings.read = read;
            outcome.lines = line_count(text.as_bytes());
            outcome
        }
        Err(reason) => FileOutcome {
            skipped: Some(reason),
            ..FileOutcome::default()
        },
    }
}

/// Scans one file's `text`: prefilter, parse, match, suppress.
fn scan_text(
    frontends: &mut Frontends,
    file_index: usize,
    file: &migscan_discover::SourceFile,
    text: &str,
    context: &FileContext,
) -> FileOutcome {
    let FileContext {
        options,
        indexes,
        catalog,
        prefilter,
        ..
    } = *context;
    let ignore = &options.ignore;
    let mut timings = Timings::default();
    let clock = Instant::now();
    let plan = prefilter.map_or(ParsePlan::Whole, |p| p.plan(file.language, text));
    timings.prefilter = clock.elapsed();
    timings.read_bytes = text.len();
    timings.parsed_bytes = match &plan {
        ParsePlan::Skip => 0,
        ParsePlan::Whole => text.len(),
        ParsePlan::Ranges(ranges) => ranges.iter().map(|r| r.len()).sum(),
    };
    if let ParsePlan::Skip = plan {
        return FileOutcome {
            supported: vec![0; indexes.len()],
            prefiltered: true,
            timings,
            // It can still call a function that holds findings.
            word_hashes: python_word_hashes(file.language, text),
            ..FileOutcome::default()
        };
    }
    if options.parse_only {
        let clock = Instant::now();
        let syntax_errors = frontends.parse_only(file.language, text);
        timings.parse = clock.elapsed();
        return FileOutcome {
            supported: vec![0; indexes.len()],
            syntax_errors,
            timings,
            ..FileOutcome::default()
        };
    }
    let clock = Instant::now();
    let rules = catalog.rules();
    // Whether a usage of this kind and name could change anything; the C++
    // frontend asks before building one for every identifier (Python's
    // usages mostly resolve to names the packs know, so asking first would
    // only double the lookups). Symbols repeat (`size_t`, `cute::Int`), so
    // answers are kept per file.
    let decide = |kind: UsageKind, name: &str| usage_matters(indexes, rules, kind, name);
    let symbols: RefCell<FxHashMap<Box<str>, bool>> = RefCell::default();
    let matters = |kind: UsageKind, name: &str| {
        if kind != UsageKind::Symbol {
            return decide(kind, name);
        }
        if let Some(&known) = symbols.borrow().get(name) {
            return known;
        }
        let answer = decide(kind, name);
        symbols.borrow_mut().insert(name.into(), answer);
        answer
    };
    let extraction = match (&plan, file.language) {
        (ParsePlan::Ranges(ranges), _) => frontends.python.extract_ranges(text, ranges),
        (_, Language::Cpp) => frontends.cuda.extract_kept(text, &matters),
        _ => frontends.extract(file.language, text),
    };
    let extraction = extraction
        .map(|found| embedded::with_cpp_sources(found, text, &mut frontends.cuda, &matters));
    timings.parse = clock.elapsed();
    let extraction = match extraction {
        Ok(extraction) => extraction,
        Err(e) => {
            return FileOutcome {
                skipped: Some(e.to_string()),
                ..FileOutcome::default()
            }
        }
    };
    let clock = Instant::now();
    let mut outcome = FileOutcome {
        supported: vec![0; indexes.len()],
        syntax_errors: extraction.has_syntax_errors,
        conditionals: (file.language == Language::Cpp && text.contains('#'))
            .then(|| migscan_guards::Conditionals::read(text)),
        ..FileOutcome::default()
    };
    let Extraction {
        usages,
        mut platform_branches,
        optional_ranges,
        kernel_ranges,
        defined_names,
        cpp_sources,
        functions,
        ..
    } = extraction;
    outcome.defined_names = defined_names;
    let optional_packages = optional::optional_packages(&usages, &optional_ranges);
    match_usages(usages, file_index, file, context, &mut outcome);
    let targets = &options.targets;
    if outcome.builds_extension {
        extension::credit_inline_sources(
            &mut outcome.findings,
            &cpp_sources,
            rules,
            targets,
            &mut outcome.supported,
        );
    }
    optional::mark_optional(&mut outcome.findings, &optional_packages, &optional_ranges);
    mark_in_kernel(&mut outcome.findings, &kernel_ranges);
    adapters::mark_adapted(&mut outcome.findings, &file.path, rules);
    outcome.ported = vec![0; targets.len()];
    ported::remove_ported(
        &mut outcome.findings,
        text,
        rules,
        targets,
        &mut outcome.ported,
    );
    // Only the branches of `if`s name the calls that start a chain of
    // unreached functions: a whole file under a platform directory would
    // name all of its calls, costing more to search than they are worth.
    outcome.branch_words = unreached::branch_words(text, &platform_branches);
    platform_branches.extend(platform_dirs::file_branches(
        relative_to_root(&file.path, &options.roots),
        &file.path,
        text.len(),
    ));
    ported::remove_platform_branches(
        &mut outcome.findings,
        &platform_branches,
        targets,
        &mut outcome.ported,
    );
    outcome.word_hashes = python_word_hashes(file.language, text);
    outcome.platform_branches = platform_branches;
    if !outcome.findings.is_empty() {
        // Hashed once per line: a generated line can hold thousands of findings.
        let lines = LineIndex::new(text);
        let mut hashes = FxHashMap::default();
        for finding in &mut outcome.findings {
            let line = finding.usage.span.line;
            finding.line_hash = *hashes
                .entry(line)
                .or_insert_with(|| line_hash(lines.line_text(line)));
        }
    }
    let mut suppressions = Suppressions::parse(text, comment_syntax(file.language));
    let before = outcome.findings.len();
    outcome.findings.retain(|f| {
        let rule = &rules[f.rule];
        !ignore.iter().any(|id| rule_named(rule, id))
            && !suppressions.suppresses(f.usage.span.line, &rule.id)
    });
    outcome.suppressed = before - outcome.findings.len();
    outcome.unused_suppressions = suppressions.unused().cloned().collect();
    outcome.malformed_suppressions = suppressions.malformed().cloned().collect();
    let mut starts: Vec<usize> = outcome
        .findings
        .iter()
        .map(|f| f.usage.span.start)
        .collect();
    starts.sort_unstable();
    outcome.functions = functions
        .into_iter()
        .filter(|f| {
            let first = starts.partition_point(|&at| at < f.range.start);
            starts.get(first).is_some_and(|&at| at < f.range.end)
        })
        .collect();
    outcome.timings = Timings {
        matching: clock.elapsed(),
        ..timings
    };
    outcome
}
