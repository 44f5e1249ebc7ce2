//! A byte-level prefilter: files that contain none of the tokens any rule
//! (or the unknown-API check) could need are not parsed at all.
//!
//! Why it is sound: every name a frontend reports is made of identifiers
//! that appear in the file (Python names are resolved from the file's own
//! imports and attribute chains; C++ and Rust paths are written out), every
//! string a rule matches appears inside a literal, and every construct has
//! a fixed spelling (`__global__`, `<<<`, `asm`). So for each rule one
//! *anchor* — the last segment of its name, its string, its construct's
//! spelling — must occur in a file the rule matches. Matching is ASCII
//! case-insensitive, so it only errs towards parsing. Build and ops files
//! are small and always read in full.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use migscan_discover::Language;
use migscan_rules::{native_unknown_anchors, python_unknown_anchors, Rule, RuleCatalog, Selector};
use std::collections::BTreeSet;

/// Anchors the hardware observations (`Precision::of`, model references)
/// and build settings need in Python code, beside the unknown-API check's.
const PYTHON_ALWAYS: &[&str] = &[
    "float8",
    "fp8",
    "float64",
    "double",
    "bfloat16",
    "allow_tf32",
    "nvcc",
    ".cu",
];

/// Anchors of constructs (kernels, launches, inline PTX, warp-size
/// assumptions) and precision observations in C, C++, CUDA and Rust code,
/// beside the unknown-API check's. The check's `cu` (the driver API's
/// prefix) makes most native files pass, as it should.
const NATIVE_ALWAYS: &[&str] = &[
    "thrust",
    "__global__",
    "<<<",
    "asm",
    "0xffffffff",
    "lane",
    "warp",
    "tid",
    "threadidx",
    "float8",
    "fp8",
    "bfloat16",
    "double",
    "DoubleTensor",
];

/// What must occur in a file for some rule to match it: each requirement
/// is a set of anchors that must all be present (every segment of a
/// qualified name), and a file is parsed when any requirement holds.
pub struct Prefilter {
    automaton: AhoCorasick,
    python: Vec<Vec<usize>>,
    native: Vec<Vec<usize>>,
}

/// Collects anchors and requirements while the prefilter is built.
#[derive(Default)]
struct Builder {
    anchors: Vec<String>,
    ids: std::collections::HashMap<String, usize>,
    python: BTreeSet<Vec<usize>>,
    native: BTreeSet<Vec<usize>>,
}

impl Builder {
    fn id(&mut self, anchor: &str) -> usize {
        let key = anchor.to_ascii_lowercase();
        if let Some(&id) = self.ids.get(&key) {
            return id;
        }
        self.anchors.push(key.clone());
        self.ids.insert(key, self.anchors.len() - 1);
        self.anchors.len() - 1
    }

    fn require(&mut self, anchors: &[&str], python: bool, native: bool) {
        let mut ids: Vec<usize> = anchors
            .iter()
            .filter(|a| !a.is_empty())
            .map(|a| self.id(a))
            .collect();
        if ids.is_empty() {
            return;
        }
        ids.sort_unstable();
        ids.dedup();
        if python {
            self.python.insert(ids.clone());
        }
        if native {
            self.native.insert(ids);
        }
    }
}

impl Prefilter {
    /// The requirements of `catalog`'s rules for the targets being scanned.
    pub fn new(catalog: &RuleCatalog, targets: &[migscan_core::Target]) -> Self {
        let mut b = Builder::default();
        for token in PYTHON_ALWAYS
            .iter()
            .copied()
            .chain(python_unknown_anchors())
        {
            b.require(&[token], true, false);
        }
        for token in NATIVE_ALWAYS
            .iter()
            .copied()
            .chain(native_unknown_anchors())
        {
            b.require(&[token], false, true);
        }
        for &target in targets {
            for (_, rule) in catalog.rules_for(target) {
                let Some(anchors) = anchors(rule) else {
                    continue;
                };
                let anchors: Vec<&str> = anchors.iter().map(String::as_str).collect();
                match rule.matcher.selector {
                    Selector::Name | Selector::Member | Selector::Device | Selector::Backend => {
                        b.require(&anchors, true, false)
                    }
                    Selector::Symbol | Selector::Include => b.require(&anchors, false, true),
                    // Methods, variables, constructs, commands and build
                    // settings occur in both kinds of source.
                    _ => b.require(&anchors, true, true),
                }
            }
        }
        let automaton = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&b.anchors)
            .expect("anchors are plain strings");
        Self {
            automaton,
            python: b.python.into_iter().collect(),
            native: b.native.into_iter().collect(),
        }
    }

    /// Whether a file of `language` with `text` may produce a finding and
    /// must be parsed.
    pub fn needs_parsing(&self, language: Language, text: &str) -> bool {
        let requirements = match language {
            Language::Python | Language::Notebook => &self.python,
            Language::Cpp | Language::Rust => &self.native,
            _ => return true,
        };
        let mut present = vec![false; self.automaton.patterns_len()];
        for found in self.automaton.find_overlapping_iter(text) {
            present[found.pattern().as_usize()] = true;
        }
        requirements
            .iter()
            .any(|ids| ids.iter().all(|&id| present[id]))
    }
}

/// The strings that must all occur in a file `rule` matches.
fn anchors(rule: &Rule) -> Option<Vec<String>> {
    let value = rule.matcher.value.as_str();
    let single = |s: &str| Some(vec![s.to_string()]);
    match rule.matcher.selector {
        // Every segment of a dotted or `::` name appears in the file: names
        // are resolved from the file's own imports and attribute chains. A
        // qualified symbol may match by its trailing segments only, and a
        // symbol prefix by its start: its last complete segment is enough.
        Selector::Name => Some(
            value
                .split('.')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
        ),
        Selector::Symbol => value.rsplit("::").find(|s| !s.is_empty()).and_then(single),
        Selector::Construct => match value {
            "kernel-definition" => single("__global__"),
            "kernel-launch" => single("<<<"),
            "inline-asm" | "ptx-mma" => single("asm"),
            "full-warp-mask" => single("0xffffffff"),
            // Needs lane/warp/tid/threadIdx, which are anchors already.
            "hardcoded-warp-size" => None,
            "cuda-extension-source" => single(".cu"),
            // Ops constructs come from files that are always read.
            _ => None,
        },
        _ => single(value),
    }
}
