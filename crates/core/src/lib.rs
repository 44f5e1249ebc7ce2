//! The vocabulary every migscan stage shares.
//!
//! Frontends produce [`Usage`]s, the rule index turns them into [`Finding`]s,
//! the planner groups findings into [`Step`]s. Nothing in this crate knows about
//! files, syntax trees, rule files or terminals.

mod constructs;
mod numbers;
mod requirement;
mod source;
mod span;
mod target;
mod usage;
mod visible;

pub use constructs::{is_construct, CAPABILITY_GATE, CONSTRUCTS, CONSTRUCT_PREFIXES};
pub use numbers::{group_digits, hours, plural};
pub use requirement::{normalize_package, requirement_spec, RequirementSpec};
pub use source::{read_source, TextEncoding, MAX_FILE_BYTES};
pub use span::{LineIndex, Span};
pub use target::{Confidence, Severity, Status, Step, Target, UnknownTarget};
pub use usage::{model_parameters, Usage, UsageKind, NVIDIA_PROGRAMS};
pub use visible::{visible, visible_lines};

/// Which usages a scan wants built, by kind and name. Frontends ask before
/// they build one: most identifiers in a file are never looked at again.
pub type Keep<'a> = &'a dyn Fn(UsageKind, &str) -> bool;

/// A [`Keep`] that wants every usage.
pub fn keep_all(_: UsageKind, _: &str) -> bool {
    true
}

/// What a frontend found in one file.
#[derive(Debug, Default)]
pub struct Extraction {
    /// Usages in source order.
    pub usages: Vec<Usage>,
    /// Whether the parser had to recover from syntax errors; usages are then
    /// extracted from the parts it could parse.
    pub has_syntax_errors: bool,
    /// Byte ranges of C/C++ source held in the file's string literals (a
    /// `load_inline` source, a CuPy kernel), for the C++ frontend to read.
    pub cpp_sources: Vec<std::ops::Range<usize>>,
    /// Code that runs on one accelerator platform only (Python's `if
    /// torch.version.hip:` and the like).
    pub platform_branches: Vec<PlatformBranch>,
    /// Optional integrations (Python's `if is_flash_attn_available():`
    /// bodies, `try:` imports with a fallback).
    pub optional_ranges: Vec<std::ops::Range<usize>>,
    /// Kernels written in a Python kernel language (`@triton.jit`
    /// functions with their decorators): what is used in them changes with
    /// the kernel's port, which the kernel's own finding prices.
    pub kernel_ranges: Vec<std::ops::Range<usize>>,
    /// Names the file defines that a rule might take for a vendor API (a
    /// C/C++ `cudaCheck` function or macro, a `CUDA_COMMON_H` include
    /// guard): the project's own, wherever they are used.
    pub defined_names: Vec<String>,
    /// Functions the file defines (Python `def`s at any depth), for telling
    /// code that only branches a target never runs call (see
    /// [`FunctionDef`]).
    pub functions: Vec<FunctionDef>,
}

/// A function definition: its name and the byte range of the whole
/// definition, header and body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunctionDef {
    /// The name it is called by (`compute_capability_args`).
    pub name: String,
    /// The definition.
    pub range: std::ops::Range<usize>,
}

/// A byte range that runs only when `platform` is (`holds`) or is not the
/// platform in use: the body of `if current_platform.is_rocm():` holds for
/// `rocm`, its `else` does not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlatformBranch {
    /// The range.
    pub range: std::ops::Range<usize>,
    /// `rocm`, `npu`, `mlu` or `gcu`.
    pub platform: &'static str,
    /// Whether the range runs on that platform (true) or everywhere else.
    pub holds: bool,
}

impl PlatformBranch {
    /// Whether the branch is not work for a target on `platform`: it runs
    /// on one other platform only (another's path), or it is a branch of
    /// the target's own test (its port, or the path it never takes).
    pub fn skipped_on(&self, platform: &str) -> bool {
        self.holds || self.platform == platform
    }
}

impl Extraction {
    /// Sorts usages into source order and drops exact repeats, so every
    /// frontend hands the matcher the same shape of list.
    pub fn normalized(mut usages: Vec<Usage>, has_syntax_errors: bool) -> Self {
        usages.sort_by(|a, b| a.span.cmp(&b.span).then_with(|| a.kind.cmp(&b.kind)));
        usages.dedup();
        Self {
            usages,
            has_syntax_errors,
            cpp_sources: Vec::new(),
            platform_branches: Vec::new(),
            optional_ranges: Vec::new(),
            kernel_ranges: Vec::new(),
            defined_names: Vec::new(),
            functions: Vec::new(),
        }
    }
}

/// Why a file could not be read by its frontend at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseFailure(pub String);

impl std::fmt::Display for ParseFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ParseFailure {}

/// One place in a scanned file that a rule (or the unknown-API check) flagged
/// for one target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// Target whose pack produced the finding.
    pub target: Target,
    /// Index of the matched rule in the rule catalog the scan was matched with.
    pub rule: usize,
    /// Index of the file in the scan's file list.
    pub file: usize,
    /// The usage the rule matched.
    pub usage: Usage,
    /// Hash of the finding's source line with whitespace normalized: with
    /// the rule and path, it recognizes the finding after unrelated edits
    /// move it (baselines, SARIF fingerprints).
    pub line_hash: u64,
    /// In an optional integration (code behind `is_flash_attn_available()`,
    /// a package the file imports only inside `try: ... except
    /// ImportError`): priced apart from the required work.
    pub optional: bool,
    /// Inside the body of a kernel the file sizes (a `@triton.jit`
    /// function): covered by that kernel's port, so priced
    /// no dearer than `in-kernel`.
    pub in_kernel: bool,
    /// In code that runs with an adapter the project adopts (a file that
    /// imports the library the adapter patches, or belongs to it), when the
    /// rule's change is one the adapter makes: priced no dearer than
    /// `adapter-covered`.
    pub adapted: bool,
}

/// FNV-1a, 64 bit, over the parts (each followed by a zero byte). Stable
/// across runs and machines, unlike the standard library's hasher.
pub fn stable_hash(parts: &[&str]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain(std::iter::once(0)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

/// The hash of a source line with its whitespace normalized.
pub fn line_hash(line: &str) -> u64 {
    let normalized: Vec<&str> = line.split_whitespace().collect();
    stable_hash(&[&normalized.join(" ")])
}
