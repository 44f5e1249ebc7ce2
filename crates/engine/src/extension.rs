//! Sources that PyTorch's extension builder hipifies at build time.
//!
//! `torch.utils.cpp_extension` (`CUDAExtension`, `BuildExtension`,
//! `load`, `load_inline`) runs hipify over an extension's CUDA sources when
//! PyTorch is the ROCm build, so on such a target the mechanical renames
//! hipify makes in those sources are done by the build, not by people.
//! A tree that uses the builder anywhere is taken to build its C/C++
//! sources with it (DeepSpeed's `op_builder`, a `setup.py` beside `csrc/`),
//! except sources below a directory with a Makefile of its own: nvcc builds
//! those directly, so they need hipify like any standalone CUDA code. What
//! hipify cannot map (warp-size assumptions, PTX, CUTLASS, APIs HIP lacks)
//! is not `auto` and stays a finding. The `.cu` paths the build scripts
//! list are the sources the builder hipifies, so they are credited too.

use crate::ported::remove_counted;
use crate::{Language, ScannedFile};
use migscan_core::{Finding, Status, Target};
use migscan_python::CUDA_SOURCE;
use migscan_rules::Rule;
use rustc_hash::FxHashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// The names of `torch.utils.cpp_extension` that build a CUDA extension.
const BUILDERS: [&str; 5] = [
    "torch.utils.cpp_extension.CUDAExtension",
    "torch.utils.cpp_extension.BuildExtension",
    "torch.utils.cpp_extension.load",
    "torch.utils.cpp_extension.load_inline",
    "torch.utils.cpp_extension.CppExtension",
];

/// Whether a usage name is one of the extension builders.
pub fn is_builder(name: &str) -> bool {
    BUILDERS.contains(&name)
}

/// Moves the findings that the build's hipify resolves out of `findings`
/// into the supported counts: `auto` findings in the extension's C/C++
/// sources and on the `.cu` paths its build scripts list, for targets
/// whose PyTorch hipifies extensions.
pub fn credit_build_hipify(
    findings: &mut Vec<Finding>,
    files: &[ScannedFile],
    roots: &[PathBuf],
    rules: &[Rule],
    targets: &[Target],
    supported: &mut [usize],
) {
    let mut makefiles = MakefileDirs::default();
    let extension_source: Vec<bool> = files
        .iter()
        .map(|f| f.language == Language::Cpp && !makefiles.below_one(&f.path, roots))
        .collect();
    remove_counted(findings, targets, supported, |f| {
        (extension_source[f.file] || f.usage.name == CUDA_SOURCE) && converted(f, rules)
    });
}

/// Moves the findings in a Python file's C/C++ strings into the supported
/// counts, as for an extension's source files, when the file itself builds
/// them (`load_inline(cpp_sources=...)`): `sources` are the strings' byte
/// ranges.
pub fn credit_inline_sources(
    findings: &mut Vec<Finding>,
    sources: &[Range<usize>],
    rules: &[Rule],
    targets: &[Target],
    supported: &mut [usize],
) {
    if sources.is_empty() {
        return;
    }
    remove_counted(findings, targets, supported, |f| {
        sources.iter().any(|r| r.contains(&f.usage.span.start)) && converted(f, rules)
    });
}

/// Whether the build's hipify makes the change `finding` asks for.
fn converted(finding: &Finding, rules: &[Rule]) -> bool {
    finding.target.hipifies_extensions_at_build() && rules[finding.rule].status == Status::Auto
}

/// Which directories hold a Makefile, asked once each.
#[derive(Default)]
struct MakefileDirs(FxHashMap<PathBuf, (bool, bool)>);

impl MakefileDirs {
    /// Whether a directory above `file` holds a Makefile. The walk stops
    /// at the first directory with a `setup.py` (the extension's own root)
    /// and at the scanned root.
    fn below_one(&mut self, file: &Path, roots: &[PathBuf]) -> bool {
        for dir in file.ancestors().skip(1) {
            let (makefile, setup) = *self.0.entry(dir.to_path_buf()).or_insert_with(|| {
                let has = |name: &str| dir.join(name).is_file();
                let makefile = has("Makefile") || has("GNUmakefile") || has("makefile");
                (makefile, has("setup.py"))
            });
            if makefile {
                return true;
            }
            if setup || roots.iter().any(|root| root == dir) {
                return false;
            }
        }
        false
    }
}
