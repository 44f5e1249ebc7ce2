//! The prefilter: what of a file to parse at all.
//!
//! C, C++, CUDA and Rust files are judged whole, on tokens. Why it is sound:
//! every name a frontend reports is written out in the file, every string a
//! rule matches appears inside a literal, and every construct has a fixed
//! spelling (`__global__`, `<<<`, `asm`). So for each rule one *anchor* —
//! the last segment of its name, its string, its construct's spelling —
//! must occur in a file the rule matches. Matching is ASCII
//! case-insensitive, so it only errs towards parsing.
//!
//! Python files are judged statement by statement ([`python`]): only the
//! statements that can produce a finding are parsed. Build and ops files
//! are small and always read in full.

mod python;

use crate::re_export::ReExports;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use migscan_core::Target;
use migscan_discover::Language;
use migscan_python::Selection;
use migscan_rules::{native_unknown_anchors, Rule, RuleCatalog, RuleIndex, Selector};
use python::PythonAnchors;
use std::collections::BTreeSet;
use std::ops::Range;

/// Anchors of constructs (kernels, launches, inline PTX, warp-size
/// assumptions) and precision observations in C, C++, CUDA and Rust code,
/// beside the unknown-API check's. The check's `cu` (the driver API's
/// prefix) makes most native files pass, as it should.
const NATIVE_ALWAYS: &[&str] = &[
    "thrust",
    "__global__",
    // Device functions (`device-function`), also behind the known
    // qualifier macros (`CUTE_HOST_DEVICE`, `C10_DEVICE`, ...).
    "__device__",
    "_DEVICE",
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

/// What of each file the scan must parse for the selected packs.
pub struct Prefilter<'a> {
    native: NativeFilter,
    python: PythonAnchors<'a>,
}

/// What to parse of one file.
pub enum ParsePlan {
    /// Nothing: no finding can come from it.
    Skip,
    /// All of it.
    Whole,
    /// Only these byte ranges (Python statements).
    Ranges(Vec<Range<usize>>),
}

impl<'a> Prefilter<'a> {
    /// The prefilter of `catalog`'s rules for the targets of `indexes`;
    /// Python names are seen through the project's `re_exports`.
    pub fn new(
        catalog: &'a RuleCatalog,
        indexes: &'a [(Target, RuleIndex)],
        re_exports: &'a ReExports,
    ) -> Self {
        let targets: Vec<Target> = indexes.iter().map(|(t, _)| *t).collect();
        Self {
            native: NativeFilter::new(catalog, &targets),
            python: PythonAnchors::new(catalog.rules(), indexes, re_exports),
        }
    }

    /// What to parse of a file of `language` with `text`.
    pub fn plan(&self, language: Language, text: &str) -> ParsePlan {
        match language {
            // Strings name C functions in a module that loads them with
            // ctypes (`Function("cudaMalloc", ...)`); no anchor marks those.
            Language::Python if text.contains("ctypes") => ParsePlan::Whole,
            Language::Python => match self.python.select(text) {
                Selection::Nothing => ParsePlan::Skip,
                Selection::Whole => ParsePlan::Whole,
                // tree-sitter's cost per included range adds up: past a
                // few hundred (a generated file with a statement per line),
                // parsing the whole file is the cheaper way.
                Selection::Ranges(ranges) if ranges.len() > MAX_RANGES => ParsePlan::Whole,
                Selection::Ranges(ranges) => ParsePlan::Ranges(ranges),
            },
            Language::Cpp | Language::Rust if !self.native.needs_parsing(text) => ParsePlan::Skip,
            _ => ParsePlan::Whole,
        }
    }
}

/// Most statement ranges parsed on their own; more parse the whole file.
const MAX_RANGES: usize = 512;

/// How an anchor found by the text automaton must sit among identifier
/// characters to count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Boundary {
    /// A whole identifier or word (`cuda`, not `use_cuda`).
    Word,
    /// The start of one (`CUDA_` in `CUDA_VISIBLE_DEVICES`).
    Start,
    /// Anywhere.
    Any,
}

/// An ASCII case-insensitive automaton over `patterns`, with each
/// pattern's boundary by pattern id.
fn ac(patterns: Vec<(String, Boundary)>) -> (AhoCorasick, Vec<Boundary>) {
    let (patterns, boundaries): (Vec<String>, Vec<Boundary>) = patterns.into_iter().unzip();
    (automaton(&patterns), boundaries)
}

/// The automaton of every prefilter: ASCII case-insensitive, so it only
/// errs towards parsing, and a DFA (about 3× faster than the default for
/// about 10 MB).
fn automaton(patterns: &[String]) -> AhoCorasick {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .kind(Some(AhoCorasickKind::DFA))
        .match_kind(MatchKind::Standard)
        .build(patterns)
        .expect("anchors are plain strings")
}

/// Offsets in `text` where an anchor occurs within its boundaries.
fn hits<'t>(
    automaton: &'t AhoCorasick,
    boundaries: &'t [Boundary],
    text: &'t str,
) -> impl Iterator<Item = usize> + 't {
    let bytes = text.as_bytes();
    let ident = |i: usize| {
        bytes
            .get(i)
            .is_some_and(|&b| b.is_ascii_alphanumeric() || b == b'_')
    };
    automaton.find_overlapping_iter(text).filter_map(move |m| {
        let starts = m.start() == 0 || !ident(m.start() - 1);
        let ok = match boundaries[m.pattern().as_usize()] {
            Boundary::Any => true,
            Boundary::Start => starts,
            Boundary::Word => starts && !ident(m.end()),
        };
        ok.then_some(m.start())
    })
}

/// What must occur in a C, C++, CUDA or Rust file for some rule to match
/// it: each requirement is a set of anchors that must all be present (every
/// segment of a qualified name), and a file is parsed when any holds.
struct NativeFilter {
    automaton: AhoCorasick,
    requirements: Vec<Vec<usize>>,
    /// Per anchor, whether it is a requirement on its own: the first such
    /// anchor found decides, and the rest of the file is not searched.
    sufficient: Vec<bool>,
}

/// Collects anchors and requirements while the prefilter is built.
#[derive(Default)]
struct Builder {
    anchors: Vec<String>,
    ids: std::collections::HashMap<String, usize>,
    requirements: BTreeSet<Vec<usize>>,
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

    fn require(&mut self, anchors: &[&str]) {
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
        self.requirements.insert(ids);
    }
}

impl NativeFilter {
    /// The requirements of `catalog`'s rules for `targets`.
    fn new(catalog: &RuleCatalog, targets: &[Target]) -> Self {
        let mut b = Builder::default();
        for token in NATIVE_ALWAYS
            .iter()
            .copied()
            .chain(native_unknown_anchors())
        {
            b.require(&[token]);
        }
        for &target in targets {
            for (_, rule) in catalog.rules_for(target) {
                // Python-only selectors never match native code.
                let python_only = matches!(
                    rule.matcher.selector,
                    Selector::Name | Selector::Member | Selector::Device | Selector::Backend
                );
                if let Some(anchors) = anchors(rule).filter(|_| !python_only) {
                    let anchors: Vec<&str> = anchors.iter().map(String::as_str).collect();
                    b.require(&anchors);
                }
            }
        }
        let mut sufficient = vec![false; b.anchors.len()];
        for ids in &b.requirements {
            if let [id] = ids[..] {
                sufficient[id] = true;
            }
        }
        Self {
            automaton: automaton(&b.anchors),
            requirements: b.requirements.into_iter().collect(),
            sufficient,
        }
    }

    /// Whether some requirement holds in `text`.
    fn needs_parsing(&self, text: &str) -> bool {
        let mut present = vec![false; self.automaton.patterns_len()];
        for found in self.automaton.find_overlapping_iter(text) {
            let id = found.pattern().as_usize();
            if self.sufficient[id] {
                return true;
            }
            present[id] = true;
        }
        self.requirements
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
