//! Third-party code vendored into a project. A migration treats such a
//! library as a dependency (replace it, or get the target's build of it),
//! not as thousands of the project's own lines to port, so the scan finds
//! the libraries before it reads the files.
//!
//! A library is recognised three ways: it is an entry of a vendoring
//! directory (`third_party/cutlass`, `vendor/pynvml.py`), a path listed in
//! a `.gitmodules` at a scanned root, or a known library's own files
//! anywhere (`include/cutlass/cutlass.h`, `cub/cub.cuh`). A known library
//! inside another vendored one (CUTLASS inside DeepGEMM) is listed as part
//! of it. A scanned root that is itself a known library is not vendored.

use crate::SourceFile;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Directory names whose entries are third-party code.
const VENDOR_DIRS: &[&str] = &[
    "third_party",
    "third-party",
    "thirdparty",
    "3rdparty",
    "vendor",
    "vendored",
    "_vendor",
    "external",
    "extern",
];

/// A library known by one of its own files: the file's path inside the
/// library's include tree, and the library's id.
struct KnownLibrary {
    id: &'static str,
    /// The marker, `/`-separated; its first component is the library's
    /// header directory, whose parent (or the parent of an `include/`
    /// directory above it) is the library's root.
    marker: &'static str,
    /// Whether the marker's directory is a Python package copied into the
    /// project (`vllm/vllm_flash_attn/cute`): the package itself is the
    /// library, and only when the package around it sits inside another
    /// one, since the library's own repository holds `flash_attn/cute` at
    /// its top.
    python_package: bool,
}

/// Header-only CUDA template libraries that projects copy in.
const KNOWN: &[KnownLibrary] = &[
    KnownLibrary {
        id: "cutlass",
        marker: "cutlass/cutlass.h",
        python_package: false,
    },
    KnownLibrary {
        id: "cute",
        marker: "cute/tensor.hpp",
        python_package: false,
    },
    KnownLibrary {
        id: "cub",
        marker: "cub/cub.cuh",
        python_package: false,
    },
    KnownLibrary {
        id: "thrust",
        marker: "thrust/version.h",
        python_package: false,
    },
    // flash-attention's CuTe DSL kernels (FlashAttention 4), by the module
    // its `cute/` package is built around.
    KnownLibrary {
        id: "flash-attn-cute",
        marker: "cute/flash_fwd.py",
        python_package: true,
    },
];

/// One vendored library.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VendoredLibrary {
    /// What rules match: a known library's id (`cutlass`), else the
    /// vendored entry's name without extension, lower-case (`deep_gemm`).
    pub name: String,
    /// Its root as reports name it (`vllm/third_party/deep_gemm`).
    pub display: String,
    /// Its root on disk.
    pub path: PathBuf,
    /// How it was recognised.
    pub evidence: Evidence,
    /// Known libraries found inside it, sorted (`cute`, `cutlass`).
    pub contains: Vec<&'static str>,
    /// Indices of its files in the discovery's file list, in order.
    pub files: Vec<usize>,
}

/// How a vendored library was recognised.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Evidence {
    /// An entry of a vendoring directory (`third_party/`).
    VendorDirectory(String),
    /// A path listed in `.gitmodules`.
    Submodule,
    /// A known library's own file (`cutlass/cutlass.h`).
    OwnFiles(&'static str),
}

impl std::fmt::Display for Evidence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Evidence::VendorDirectory(dir) => write!(f, "under {dir}/"),
            Evidence::Submodule => f.write_str("a git submodule (.gitmodules)"),
            Evidence::OwnFiles(marker) => write!(f, "its own files ({marker})"),
        }
    }
}

/// The vendored libraries among `files`, found from their paths and the
/// `.gitmodules` of `roots`; sorted by root.
pub fn find_vendored(files: &[SourceFile], roots: &[PathBuf]) -> Vec<VendoredLibrary> {
    let submodules = submodule_paths(roots);
    let mut libraries: BTreeMap<String, VendoredLibrary> = BTreeMap::new();
    let mut known: Vec<(String, &'static KnownLibrary, PathBuf)> = Vec::new();
    for file in files {
        if let Some((root, path, evidence)) = vendored_root(file, &submodules) {
            libraries
                .entry(root.clone())
                .or_insert_with(|| VendoredLibrary {
                    name: library_name(&root),
                    display: root,
                    path,
                    evidence,
                    contains: Vec::new(),
                    files: Vec::new(),
                });
        }
        for library in KNOWN {
            let Some((root, path)) = known_root(file, library.marker) else {
                continue;
            };
            if !library.python_package {
                known.push((root, library, path));
            } else if inside_package(&path) {
                // The copied package itself, not the project's package
                // around it.
                let package = library.marker.split('/').next().unwrap_or_default();
                known.push((format!("{root}/{package}"), library, path.join(package)));
            }
        }
    }
    for (root, library, path) in known {
        let outer = ancestors(&root)
            .find(|a| libraries.contains_key(*a))
            .map(str::to_string);
        match outer {
            Some(outer) => {
                let entry = libraries.get_mut(&outer).expect("found above");
                if !entry.contains.contains(&library.id) {
                    entry.contains.push(library.id);
                }
            }
            None => {
                libraries.insert(
                    root.clone(),
                    VendoredLibrary {
                        name: library.id.to_string(),
                        display: root,
                        path,
                        evidence: Evidence::OwnFiles(library.marker),
                        contains: Vec::new(),
                        files: Vec::new(),
                    },
                );
            }
        }
    }
    for (index, file) in files.iter().enumerate() {
        if let Some(root) = ancestors(&file.display).find(|a| libraries.contains_key(*a)) {
            let root = root.to_string();
            libraries
                .get_mut(&root)
                .expect("found above")
                .files
                .push(index);
        }
    }
    libraries
        .into_values()
        .map(|mut library| {
            library.contains.sort_unstable();
            library.contains.retain(|&id| id != library.name);
            library
        })
        .filter(|library| !library.files.is_empty())
        .collect()
}

/// `a/b/c.py` → `a`, `a/b`, `a/b/c.py`: outermost first.
fn ancestors(display: &str) -> impl Iterator<Item = &str> {
    display
        .match_indices('/')
        .map(move |(i, _)| &display[..i])
        .chain(std::iter::once(display))
}

/// The vendored entry `file` lies in, by a vendoring directory or a
/// submodule: its display root, path and evidence.
fn vendored_root(file: &SourceFile, submodules: &[PathBuf]) -> Option<(String, PathBuf, Evidence)> {
    if let Some(submodule) = submodules.iter().find(|s| file.path.starts_with(s)) {
        let inside = file.path.strip_prefix(submodule).ok()?.components().count();
        let root = strip_components(&file.display, inside)?;
        return Some((root.to_string(), submodule.clone(), Evidence::Submodule));
    }
    let parts: Vec<&str> = file.display.split('/').collect();
    let vendor = parts[..parts.len().saturating_sub(1)]
        .iter()
        .position(|p| VENDOR_DIRS.iter().any(|v| p.eq_ignore_ascii_case(v)))?;
    let entry = parts[vendor + 1];
    // The vendoring directory's own `__init__.py` is the project's glue.
    if vendor + 2 == parts.len() && entry == "__init__.py" {
        return None;
    }
    let root = parts[..vendor + 2].join("/");
    let inside = parts.len() - (vendor + 2);
    let path = strip_path(&file.path, inside)?;
    Some((
        root,
        path,
        Evidence::VendorDirectory(parts[vendor].to_string()),
    ))
}

/// The root of the known library whose `marker` `file` is.
fn known_root(file: &SourceFile, marker: &str) -> Option<(String, PathBuf)> {
    let display = &file.display;
    let before = display.strip_suffix(marker)?;
    if !(before.is_empty() || before.ends_with('/')) {
        return None;
    }
    let mut up = marker.matches('/').count() + 1;
    let mut root = before.trim_end_matches('/');
    if root == "include" || root.ends_with("/include") {
        root = root.rsplit_once('/').map_or("", |(parent, _)| parent);
        up += 1;
    }
    // The scanned project is the library itself.
    if root.is_empty() {
        return None;
    }
    Some((root.to_string(), strip_path(&file.path, up)?))
}

/// Whether the directory `root` lies in a Python package (its parent has
/// an `__init__.py`).
fn inside_package(root: &Path) -> bool {
    root.parent()
        .is_some_and(|parent| parent.join("__init__.py").is_file())
}

/// `display` without its last `n` components.
fn strip_components(display: &str, n: usize) -> Option<&str> {
    let mut root = display;
    for _ in 0..n {
        root = root.rsplit_once('/')?.0;
    }
    Some(root)
}

/// `path` without its last `n` components.
fn strip_path(path: &Path, n: usize) -> Option<PathBuf> {
    let mut root = path;
    for _ in 0..n {
        root = root.parent()?;
    }
    Some(root.to_path_buf())
}

/// `third_party/deep_gemm` → `deep_gemm`; `vendor/pynvml.py` → `pynvml`.
fn library_name(root: &str) -> String {
    let last = root.rsplit('/').next().unwrap_or(root);
    let stem = last.split_once('.').map_or(last, |(stem, _)| stem);
    stem.to_ascii_lowercase().replace('-', "_")
}

/// The submodule paths the `.gitmodules` at each root lists.
fn submodule_paths(roots: &[PathBuf]) -> Vec<PathBuf> {
    let mut paths = Vec::new();
    for root in roots.iter().filter(|r| r.is_dir()) {
        let Ok(text) = std::fs::read_to_string(root.join(".gitmodules")) else {
            continue;
        };
        for line in text.lines() {
            let Some((key, value)) = line.split_once('=') else {
                continue;
            };
            if key.trim() == "path" && !value.trim().is_empty() {
                paths.push(root.join(value.trim()));
            }
        }
    }
    paths
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Language;

    fn file(display: &str) -> SourceFile {
        SourceFile {
            path: PathBuf::from("/repo").join(display),
            display: display.to_string(),
            language: Language::Cpp,
        }
    }

    #[test]
    fn vendoring_directories_known_libraries_and_nesting() {
        let files: Vec<SourceFile> = [
            "pkg/third_party/__init__.py",
            "pkg/third_party/deep_gemm/include/cutlass/cutlass.h",
            "pkg/third_party/deep_gemm/include/cute/tensor.hpp",
            "pkg/third_party/deep_gemm/api.py",
            "pkg/third_party/pynvml.py",
            "csrc/cutlass/include/cutlass/cutlass.h",
            "csrc/cutlass/include/cutlass/gemm.h",
            "csrc/own.cu",
        ]
        .iter()
        .map(|d| file(d))
        .collect();
        let found = find_vendored(&files, &[]);
        let summary: Vec<String> = found
            .iter()
            .map(|l| {
                format!(
                    "{} {} {:?} {:?} [{}]",
                    l.name, l.display, l.contains, l.files, l.evidence
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                "cutlass csrc/cutlass [] [5, 6] [its own files (cutlass/cutlass.h)]",
                "deep_gemm pkg/third_party/deep_gemm [\"cute\", \"cutlass\"] [1, 2, 3] [under third_party/]",
                "pynvml pkg/third_party/pynvml.py [] [4] [under third_party/]",
            ]
        );
        assert_eq!(
            found[1].path,
            PathBuf::from("/repo/pkg/third_party/deep_gemm")
        );
    }

    #[test]
    fn a_scanned_library_is_not_vendored_in_itself() {
        let files = vec![file("include/cutlass/cutlass.h"), file("cutlass/gemm.h")];
        assert!(find_vendored(&files, &[]).is_empty());
    }
}
