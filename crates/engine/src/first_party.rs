//! The scanned project's own package, whose names are never vendor APIs.
//!
//! Scanning vLLM must not report vLLM's `from vllm.config import ...` as a
//! use of the vLLM dependency, nor DeepSpeed's own `deepspeed.ops`.

use std::path::Path;

/// The top-level package a Python file belongs to: the outermost directory
/// of the unbroken chain of `__init__.py` directories above it.
pub fn own_package(path: &Path) -> Option<String> {
    let mut package = None;
    let mut dir = path.parent();
    while let Some(d) = dir {
        if !d.join("__init__.py").is_file() {
            break;
        }
        package = d.file_name().map(|n| n.to_string_lossy().into_owned());
        dir = d.parent();
    }
    package
}

/// Whether a qualified name lives in `package`.
pub fn is_within(name: &str, package: &str) -> bool {
    name.strip_prefix(package)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
}
