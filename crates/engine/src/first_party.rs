//! The scanned project's own package, whose names are never vendor APIs.
//!
//! Scanning vLLM must not report vLLM's `from vllm.config import ...` as a
//! use of the vLLM dependency, nor DeepSpeed's own `deepspeed.ops`, nor
//! Megatron-Core's `megatron.core` (a package inside the `megatron`
//! namespace package, which has no `__init__.py`). In C/C++, a header
//! included from beside the source (`#include "cuda_common.h"` next to
//! `cuda_common.h`) is the project's own, however CUDA-like its name.

use std::path::Path;

/// How a file's own package is imported: `vllm`, or `core` and
/// `megatron.core` for a package inside namespace directories.
#[derive(Debug, PartialEq, Eq)]
pub struct OwnPackage(Vec<String>);

impl OwnPackage {
    /// Whether a qualified name lives in the package.
    pub fn contains(&self, name: &str) -> bool {
        self.0.iter().any(|package| {
            name.strip_prefix(package.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
        })
    }
}

impl OwnPackage {
    /// Whether the package lies within the package `library` (`megatron.core`
    /// within `megatron`).
    pub fn within(&self, library: &str) -> bool {
        self.0.iter().any(|package| {
            package
                .strip_prefix(library)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
        })
    }
}

/// Whether `header`, a bare file name (`cuda_common.h`), is a file beside
/// the C/C++ source that includes it: the project's own header, whatever it
/// is called. A header with a directory (`cub/cub.cuh`) is left to the
/// rules: it may name a vendored library, whose includes stay findings.
pub fn is_sibling_header(source: &Path, header: &str) -> bool {
    !header.contains(['/', '\\'])
        && source
            .parent()
            .is_some_and(|dir| dir.join(header).is_file())
}

/// The top-level package a Python file belongs to: the outermost directory
/// of the unbroken chain of `__init__.py` directories above it, also under
/// the names the directories above it give it when they are namespace
/// packages (identifiers without `__init__.py`; an unpacked release's
/// `megatron_core-0.16.1/` is not one).
pub fn own_package(path: &Path) -> Option<OwnPackage> {
    let (chain, above) = package_chain(path.parent()?);
    let top = chain.first()?;
    Some(OwnPackage(with_namespaces(top, above)))
}

/// The dotted names the package in directory `dir` is imported by
/// (`vllm.triton_utils`, or `core.models` and `megatron.core.models`).
pub fn package_names(dir: &Path) -> Vec<String> {
    let (chain, above) = package_chain(dir);
    if chain.is_empty() {
        return Vec::new();
    }
    with_namespaces(&chain.join("."), above)
}

/// Directories climbed looking for a package's top.
const MAX_DEPTH: usize = 32;

/// The package directories from `dir` up to the outermost one with an
/// `__init__.py`, outermost first, and the directory above it. Directories
/// without one in between are namespace portions of the same package
/// (Megatron-Core ships `megatron/core/inference/communication/` without an
/// `__init__.py` between packages that have one), so they do not end it;
/// a name that is not an identifier (`megatron_core-0.16.1`) does.
fn package_chain(dir: &Path) -> (Vec<String>, Option<&Path>) {
    let mut names = Vec::new();
    let mut top = None;
    for d in dir.ancestors().take(MAX_DEPTH) {
        let Some(name) = d.file_name().map(|n| n.to_string_lossy()) else {
            break;
        };
        if !is_identifier(&name) {
            break;
        }
        names.push(name.into_owned());
        if d.join("__init__.py").is_file() {
            top = Some(names.len());
        }
    }
    let Some(depth) = top else {
        return (Vec::new(), None);
    };
    names.truncate(depth);
    names.reverse();
    (names, dir.ancestors().nth(depth))
}

/// Whether a directory name can be a Python package name.
fn is_identifier(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name.chars().all(|c| c.is_alphanumeric() || c == '_')
}

/// `name`, and `name` under each namespace package directory above it.
fn with_namespaces(name: &str, above: Option<&Path>) -> Vec<String> {
    let mut names = vec![name.to_string()];
    // PEP 420 namespaces nest rarely more than twice (`google.cloud.x`).
    for namespace in above.into_iter().flat_map(Path::ancestors).take(2) {
        let Some(part) = namespace.file_name().map(|n| n.to_string_lossy()) else {
            break;
        };
        if !is_identifier(&part) {
            break;
        }
        let inner = names.last().cloned().unwrap_or_default();
        names.push(format!("{part}.{inner}"));
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_package_inside_a_namespace_package_is_known_by_both_names() {
        let root = tempfile::tempdir().unwrap();
        let core = root
            .path()
            .join("megatron_core-0.16.1/megatron/core/tensor_parallel");
        std::fs::create_dir_all(&core).unwrap();
        for dir in [core.as_path(), core.parent().unwrap()] {
            std::fs::write(dir.join("__init__.py"), "").unwrap();
        }
        // A namespace portion inside the package, as Megatron-Core ships
        // `core/inference/communication/` between two packages.
        let nested = core.join("comm/triton");
        std::fs::create_dir_all(&nested).unwrap();
        std::fs::write(nested.join("__init__.py"), "").unwrap();
        let inner = own_package(&nested.join("barrier.py")).unwrap();
        assert!(inner.contains("megatron.core.utils"));
        assert_eq!(
            package_names(&nested),
            [
                "core.tensor_parallel.comm.triton",
                "megatron.core.tensor_parallel.comm.triton"
            ]
        );
        let own = own_package(&core.join("random.py")).unwrap();
        assert!(own.contains("megatron.core.parallel_state"));
        assert!(own.contains("core.utils"));
        assert!(!own.contains("megatron.training"));
        assert!(!own.contains("megatron_core"));
        assert_eq!(
            package_names(&core),
            ["core.tensor_parallel", "megatron.core.tensor_parallel"]
        );
    }
}
