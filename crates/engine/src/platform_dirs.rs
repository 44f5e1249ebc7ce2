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

/// The platform branches a file of `len` bytes is, by its directories:
/// one that holds on a platform if a directory is named for it; else, for a
/// directory named for CUDA, one that runs everywhere but each platform a
/// sibling directory is named for. `display` is the path reports show,
/// `path` the file on disk.
pub fn file_branches(display: &str, path: &Path, len: usize) -> Vec<PlatformBranch> {
    let directories: Vec<&str> = display.split('/').collect();
    let Some((_, directories)) = directories.split_last() else {
        return Vec::new();
    };
    let branch = |platform: &'static str, holds: bool| PlatformBranch {
        range: 0..len,
        platform,
        holds,
    };
    let platform_of = |name: &str| {
        PLATFORM_DIRS
            .iter()
            .find(|(dir, _)| dir.eq_ignore_ascii_case(name))
            .map(|&(_, platform)| platform)
    };
    // The innermost directory that names a platform or CUDA decides.
    for (depth, name) in directories.iter().enumerate().rev() {
        if let Some(platform) = platform_of(name) {
            return vec![branch(platform, true)];
        }
        if CUDA_DIRS.iter().any(|dir| dir.eq_ignore_ascii_case(name)) {
            // The directory on disk: the file's path less the components
            // below it.
            let below = directories.len() - depth;
            let Some(parent) = path.ancestors().nth(below + 1) else {
                return Vec::new();
            };
            let mut platforms: Vec<&'static str> = PLATFORM_DIRS
                .iter()
                .filter(|(dir, _)| parent.join(dir).is_dir())
                .map(|&(_, platform)| platform)
                .collect();
            platforms.dedup();
            return platforms.into_iter().map(|p| branch(p, false)).collect();
        }
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_named_for_a_platform_holds_on_it() {
        let branches = file_branches(
            "vllm/models/kimi/amd/ops.py",
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
        assert!(file_branches("src/amd.py", Path::new("/none/src/amd.py"), 10).is_empty());
    }

    #[test]
    fn a_cuda_directory_runs_everywhere_but_where_a_sibling_port_exists() {
        let dir =
            std::env::temp_dir().join(format!("migscan-platform-dirs-{}", std::process::id()));
        let _ = std::fs::create_dir_all(dir.join("m/amd"));
        let _ = std::fs::create_dir_all(dir.join("m/nvidia"));
        let file = dir.join("m/nvidia/ops.py");
        let branches = file_branches("m/nvidia/ops.py", &file, 5);
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(
            branches,
            [PlatformBranch {
                range: 0..5,
                platform: "rocm",
                holds: false
            }]
        );
    }
}
