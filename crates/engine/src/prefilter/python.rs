//! The Python side of the prefilter: which statements of a file can produce
//! a finding, so that only those are parsed.
//!
//! A Python usage is a name resolved through the file's own imports and
//! written `local.s1.s2`, where `local` is bound to a qualified name `P`.
//! When a rule `r1...rk` matches it (exactly, or as a dotted prefix), either
//! the site spells the rule's last two segments `r(k-1).rk` (the pair
//! anchors), or `local` alone decides it: `P` already matches or looks
//! CUDA-specific, or `P` is the rule's parent and `local` is not spelled
//! like `P`'s last segment (`tc.synchronize` for `import torch.cuda as tc`).
//! Such locals are found from the outline's imports and aliases. Imports are
//! judged by the rule index itself. Everything else a statement can yield
//! (methods, members, device/backend/environment strings, CUDA module
//! segments, precision and parallelism names) has a fixed spelling that a
//! text automaton finds.

use super::{ac, Boundary};
use crate::re_export::ReExports;
use aho_corasick::AhoCorasick;
use migscan_core::{Target, UsageKind};
use migscan_plan::PARALLELISM_MARKERS;
use migscan_python::{
    Anchors, Outline, Selection, CUDA_DEFAULT_AUTOCAST, CUDA_DEFAULT_AUTOCAST_CALLS,
    NVIDIA_SMI_OPTIONS, TRITON_LAUNCH_KEYWORDS,
};
use migscan_rules::{
    cuda_env_prefixes, looks_cuda_specific, python_unknown_anchors, Rule, RuleIndex, Selector,
};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

/// Names whose last segment marks a precision the hardware check counts
/// (`Precision::of`), matched anywhere in a name.
const PRECISION_MARKERS: &[&str] = &[
    "float8",
    "fp8",
    "float64",
    "double",
    "bfloat16",
    "allow_tf32",
];

/// Strings that make nvcc flags, CUDA sources, NVIDIA programs, C/C++
/// source in strings and compute-capability lists (`"8.0;9.0+PTX"`)
/// findings. A list without `+PTX` is only found in a statement something
/// else selects: it has no fixed spelling to look for.
const BUILD_MARKERS: &[&str] = &[
    "nvcc",
    ".cu",
    "nvidia-smi",
    "#include",
    "__global__",
    "+PTX",
];

/// What the selected packs need in Python code.
pub struct PythonAnchors<'a> {
    text: AhoCorasick,
    boundaries: Vec<Boundary>,
    /// Last segment → the segments before it, of every rule name.
    tails: HashMap<String, Vec<String>>,
    /// Every rule name without its last segment.
    parents: HashSet<String>,
    indexes: &'a [(Target, RuleIndex)],
    rules: &'a [Rule],
    /// Names the project's packages re-export: `from pkg import tl` binds
    /// `tl` to `triton.language`.
    re_exports: &'a ReExports,
}

impl<'a> PythonAnchors<'a> {
    /// The anchors of `rules` for the targets of `indexes`.
    pub fn new(
        rules: &'a [Rule],
        indexes: &'a [(Target, RuleIndex)],
        re_exports: &'a ReExports,
    ) -> Self {
        let mut patterns: Vec<(String, Boundary)> = Vec::new();
        let mut tails: HashMap<String, Vec<String>> = HashMap::default();
        let mut parents = HashSet::default();
        let selected = rules
            .iter()
            .filter(|r| indexes.iter().any(|(t, _)| *t == r.target));
        for rule in selected {
            let m = &rule.matcher;
            let value = m.value.clone();
            match m.selector {
                // Import-only rules are judged at the import itself.
                Selector::Name if m.kinds == [UsageKind::Import] => {}
                Selector::Name => {
                    if let Some((parent, last)) = value.rsplit_once('.') {
                        let head = parent.rsplit('.').next().unwrap_or(parent);
                        tails
                            .entry(last.to_string())
                            .or_default()
                            .push(head.to_string());
                        parents.insert(parent.to_string());
                    }
                }
                Selector::Method | Selector::Member | Selector::Backend | Selector::Device => {
                    patterns.push((value, Boundary::Word))
                }
                Selector::Env => patterns.push((value, Boundary::Start)),
                Selector::Setting => patterns.push((value, Boundary::Any)),
                // Calls whose form without a device type means CUDA are
                // names, like those rules name.
                Selector::Construct if value == CUDA_DEFAULT_AUTOCAST => {
                    for (name, _) in CUDA_DEFAULT_AUTOCAST_CALLS {
                        if let Some((parent, last)) = name.rsplit_once('.') {
                            tails
                                .entry(last.to_string())
                                .or_default()
                                .push(parent.to_string());
                            parents.insert(parent.to_string());
                        }
                    }
                }
                // Triton's launch options are keyword arguments.
                Selector::Construct => patterns.extend(
                    TRITON_LAUNCH_KEYWORDS
                        .iter()
                        .filter(|(_, construct)| *construct == value)
                        .map(|(keyword, _)| (keyword.to_string(), Boundary::Word)),
                ),
                // C/C++ names and headers, packages, images, resources and
                // commands never come from Python code; its other construct,
                // a CUDA extension source, needs `.cu` (a build marker).
                _ => {}
            }
        }
        let fixed = python_unknown_anchors()
            .map(|a| (a, Boundary::Word))
            .chain(["nccl", "cuda"].map(|a| (a, Boundary::Word)))
            .chain(cuda_env_prefixes().iter().map(|&a| (a, Boundary::Start)))
            .chain(PRECISION_MARKERS.iter().map(|&a| (a, Boundary::Any)))
            .chain(PARALLELISM_MARKERS.iter().map(|&a| (a, Boundary::Any)))
            .chain(BUILD_MARKERS.iter().map(|&a| (a, Boundary::Any)))
            .chain(NVIDIA_SMI_OPTIONS.iter().map(|&a| (a, Boundary::Any)));
        patterns.extend(fixed.map(|(a, b)| (a.to_string(), b)));
        let (text, boundaries) = ac(patterns);
        for heads in tails.values_mut() {
            heads.sort_unstable();
            heads.dedup();
        }
        Self {
            text,
            boundaries,
            tails,
            parents,
            indexes,
            rules,
            re_exports,
        }
    }

    /// Which statements of `text` to parse.
    pub fn select(&self, text: &str) -> Selection {
        let Some(outline) = Outline::new(text) else {
            return Selection::Whole;
        };
        let hits = super::hits(&self.text, &self.boundaries, text);
        outline.select(self, hits)
    }

    /// Whether a usage of `kind` named `name` matters to the scan, or looks
    /// CUDA-specific: a longer name under it may then be an unknown API even
    /// where this one is covered by a rule for other kinds of use.
    fn lookup(&self, kind: UsageKind, name: &str) -> bool {
        looks_cuda_specific(kind, name)
            || crate::usage_matters(self.indexes, self.rules, kind, name)
    }
}

impl Anchors for PythonAnchors<'_> {
    fn pair(&self, head: &str, tail: &str) -> bool {
        self.tails
            .get(tail)
            .is_some_and(|heads| heads.iter().any(|h| h == head))
    }

    fn binding(&self, local: &str, qualified: &str) -> bool {
        let resolved = self.re_exports.resolve(qualified);
        let qualified = resolved.as_deref().unwrap_or(qualified);
        let last = qualified.rsplit('.').next().unwrap_or(qualified);
        (local != last && self.parents.contains(qualified))
            || [UsageKind::Call, UsageKind::Attribute, UsageKind::Decorator]
                .into_iter()
                .any(|kind| self.lookup(kind, qualified))
    }

    fn import(&self, name: &str) -> bool {
        let resolved = self.re_exports.resolve(name);
        self.lookup(UsageKind::Import, resolved.as_deref().unwrap_or(name))
    }
}
