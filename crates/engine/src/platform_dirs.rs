//! Directories named for one platform. vLLM keeps a model's ROCm code in
//! `models/<model>/amd/` beside its CUDA code in `models/<model>/nvidia/`:
//! what lies under `amd/` is the ROCm port (not work for Hygon, and a path
//! Ascend never runs), and beside it the `nvidia/` code is the CUDA path of
//! a port Hygon already has. A file under such a directory is one platform
//! branch as a whole, applied per target like the branches of an `if`
//! (`ported.rs`).

use migscan_core::PlatformBranch;
use std::path::Path;

/// Directory names that hold one platform's code, and the platform as
/// `PlatformBranch::platform` names it (`xpu` and `tpu` are no target's).
const PLATFORM_DIRS: &[(&str, &str)] = &[
    ("amd", "rocm"),
    ("rocm", "rocm"),
    ("hip", "rocm"),
    ("npu", "npu"),
    ("ascend", "npu"),
    ("mlu", "mlu"),
    ("cambricon", "mlu"),
    ("gcu", "gcu"),
    ("enflame", "gcu"),
    ("xpu", "xpu"),
    ("tpu", "tpu"),
];

/// Directory names that hold the CUDA code of a component.
const CUDA_DIRS: &[&str] = &["nvidia", "cuda"];

/// The platform branches a file of `len` bytes is, by the directories
/// between its scan root and it (`relative`; directories above the root
/// are the user's, not the project's): one that holds on a platform if a
/// directory is named for it; else, for a directory named for CUDA, one
/// that runs everywhere but each platform a sibling directory is named
/// for. `path` is the file on disk.
pub fn file_branches(relative: &Path, path: &Path, len: usize) -> Vec<PlatformBranch> {
    let components: Vec<&str> = relative
        .components()
        .filter_map(|c| c.as_os_str().to_str())
        .collect();
    let Some((_, directories)) = components.split_last() else {
        return Vec::new();
    };
    let branch = |platform: &'static str, holds: bool| PlatformBranch {
        range: 0..len,
        platform,
        holds,
    };
    // The innermost directory that names a platform, or a CUDA directory
    // with a platform's sibling, decides.
    for (depth, name) in directories.iter().enumerate().rev() {
        if let Some(platform) = platform_of(name) {
            return vec![branch(platform, true)];
        }
        if CUDA_DIRS.iter().any(|dir| dir.eq_ignore_ascii_case(name)) {
            // The directory on disk: the file's path less the components
            // below it.
            let below = directories.len() - depth;
            let platforms = path
                .ancestors()
                .nth(below + 1)
                .map(sibling_platforms)
                .unwrap_or_default();
            if !platforms.is_empty() {
                return platforms.into_iter().map(|p| branch(p, false)).collect();
            }
        }
    }
    Vec::new()
}

/// The platform a directory name is for.
fn platform_of(name: &str) -> Option<&'static str> {
    PLATFORM_DIRS
        .iter()
        .find(|(dir, _)| dir.eq_ignore_ascii_case(name))
        .map(|&(_, platform)| platform)
}

/// The platforms the subdirectories of `parent` are named for, any case.
fn sibling_platforms(parent: &Path) -> Vec<&'static str> {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return Vec::new();
    };
    let mut platforms: Vec<&'static str> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| e.file_name().to_str().and_then(platform_of))
        .collect();
    platforms.sort_unstable();
    platforms.dedup();
    platforms
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_named_for_a_platform_holds_on_it() {
        let branches = file_branches(
            Path::new("vllm/models/kimi/amd/ops.py"),
            Path::new("/none/vllm/models/kimi/amd/ops.py"),
            10,
        );
        assert_eq!(
            branches,
            [PlatformBranch {
                range: 0..10,
                platform: "rocm",
                holds: true
            }]
        );
        assert!(
            file_branches(Path::new("src/amd.py"), Path::new("/none/src/amd.py"), 10).is_empty()
        );
        // Directories above the scan root are not the project's.
        assert!(file_branches(Path::new("ops.py"), Path::new("/home/npu/ops.py"), 10).is_empty());
    }

    #[test]
    fn a_cuda_directory_runs_everywhere_but_where_a_sibling_port_exists() {
        let dir =
            std::env::temp_dir().join(format!("migscan-platform-dirs-{}", std::process::id()));
        let _ = std::fs::create_dir_all(dir.join("m/AMD"));
        let _ = std::fs::create_dir_all(dir.join("m/nvidia"));
        let file = dir.join("m/nvidia/ops.py");
        let branches = file_branches(Path::new("m/nvidia/ops.py"), &file, 5);
        // A CUDA directory with no sibling lets an outer platform decide.
        let _ = std::fs::create_dir_all(dir.join("csrc/rocm/cuda"));
        let outer = file_branches(
            Path::new("csrc/rocm/cuda/x.cu"),
            &dir.join("csrc/rocm/cuda/x.cu"),
            5,
        );
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(
            branches,
            [PlatformBranch {
                range: 0..5,
                platform: "rocm",
                holds: false
            }]
        );
        assert_eq!(
            outer,
            [PlatformBranch {
                range: 0..5,
                platform: "rocm",
                holds: true
            }]
        );
    }
}
