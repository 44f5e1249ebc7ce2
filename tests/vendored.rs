//! Vendored third-party libraries through the binary: summarised as one
//! finding each by default, itemised or skipped on request, with the
//! project's own uses of them itemised in every mode.

mod common;

use common::{finding_lines, migscan_in, repo, stdout_ok};

const CUTLASS_H: &str =
    "#pragma once\n#include <cuda_runtime.h>\n__global__ void gemm() { cudaMalloc(0, 0); }\n";
const CUTLASS_VERSION_H: &str =
    "#define CUTLASS_MAJOR 3\n#define CUTLASS_MINOR 9\n#define CUTLASS_PATCH 2\n";
const OWN_CU: &str = "#include \"cutlass/cutlass.h\"\ncudaStream_t stream;\n";

fn tree() -> tempfile::TempDir {
    repo(&[
        ("csrc/cutlass/include/cutlass/cutlass.h", CUTLASS_H),
        ("csrc/cutlass/include/cutlass/version.h", CUTLASS_VERSION_H),
        ("csrc/gemm.cu", OWN_CU),
        (
            "pkg/third_party/__init__.py",
            "from .fastnorm import norm\n",
        ),
        (
            "pkg/third_party/fastnorm/__init__.py",
            "__version__ = \"0.4.1\"\nimport torch\ntorch.cuda.synchronize()\n",
        ),
    ])
}

fn report(dir: &std::path::Path, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["--target", "hygon", "--format", "json", "."];
    args.extend(extra);
    serde_json::from_str(&stdout_ok(&migscan_in(dir, &args))).unwrap()
}

fn libraries(report: &serde_json::Value) -> Vec<String> {
    report["vendored"]["libraries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            format!(
                "{} {} {} files={} lines={} {}",
                l["path"].as_str().unwrap(),
                l["name"].as_str().unwrap(),
                l["version"].as_str().unwrap_or("-"),
                l["files"],
                l["lines"],
                l["evidence"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn a_vendored_library_is_one_finding_and_the_project_uses_stay_itemised() {
    let dir = tree();
    let report = report(dir.path(), &[]);
    assert_eq!(report["vendored"]["mode"], "summarize");
    assert_eq!(
        libraries(&report),
        [
            "csrc/cutlass cutlass 3.9.2 files=2 lines=6 its own files (cutlass/cutlass.h)",
            "pkg/third_party/fastnorm fastnorm 0.4.1 files=1 lines=3 under third_party/",
        ]
    );
    assert_eq!(
        finding_lines(&report),
        [
            "csrc/cutlass/include/cutlass/cutlass.h:1:1 hygon/vendored-cutlass unsupported cutlass",
            "csrc/gemm.cu:1:10 hygon/cutlass-header-cutlass unsupported cutlass/cutlass.h",
            "csrc/gemm.cu:2:1 hygon/cuda-stream-t auto cudaStream_t",
            "pkg/third_party/fastnorm/__init__.py:1:1 hygon/unknown-cuda-api unknown fastnorm",
        ]
    );
    // The library is priced once, as a dependency.
    let items = report["plans"][0]["steps"][0]["items"].as_array().unwrap();
    let cutlass = items
        .iter()
        .find(|i| i["rule_id"] == "hygon/vendored-cutlass")
        .unwrap();
    assert_eq!(cutlass["effort_class"], "vendored-library");
    assert_eq!(cutlass["sites"], 1);
    assert_eq!(cutlass["hours"]["likely"], 24.0);
}

#[test]
fn itemize_scans_the_library_and_skip_only_lists_it() {
    let dir = tree();
    let itemized = report(dir.path(), &["--vendored", "itemize"]);
    let lines = finding_lines(&itemized);
    assert!(lines.contains(
        &"csrc/cutlass/include/cutlass/cutlass.h:3:26 hygon/cuda-malloc auto cudaMalloc"
            .to_string()
    ));
    assert!(!lines.iter().any(|l| l.contains("vendored-")), "{lines:?}");
    assert_eq!(libraries(&itemized).len(), 2);

    let skipped = report(dir.path(), &["--vendored", "skip"]);
    assert_eq!(
        finding_lines(&skipped),
        [
            "csrc/gemm.cu:1:10 hygon/cutlass-header-cutlass unsupported cutlass/cutlass.h",
            "csrc/gemm.cu:2:1 hygon/cuda-stream-t auto cudaStream_t",
        ]
    );
    assert_eq!(skipped["summary"]["files_scanned"], 2);
    let text = stdout_ok(&migscan_in(
        dir.path(),
        &["--target", "hygon", "--vendored", "skip", "."],
    ));
    assert!(text.contains("Vendored libraries"), "{text}");
    assert!(
        text.contains("csrc/cutlass  cutlass 3.9.2: 2 files, 6 lines"),
        "{text}"
    );
}

#[test]
fn the_configuration_chooses_the_mode_and_a_bad_one_points_into_it() {
    let dir = tree();
    std::fs::write(dir.path().join("migscan.toml"), "vendored = \"skip\"\n").unwrap();
    assert_eq!(report(dir.path(), &[])["vendored"]["mode"], "skip");
    std::fs::write(dir.path().join("migscan.toml"), "vendored = \"inline\"\n").unwrap();
    let out = migscan_in(dir.path(), &["."]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("unknown vendored mode `inline`") && stderr.contains("migscan.toml:1:12"),
        "{stderr}"
    );
}

#[test]
fn sarif_says_why_a_vendored_library_has_no_results() {
    let dir = tree();
    let notes = |mode: &str| -> Vec<String> {
        let out = stdout_ok(&migscan_in(
            dir.path(),
            &[
                "--target",
                "hygon",
                "--format",
                "sarif",
                "--vendored",
                mode,
                ".",
            ],
        ));
        let sarif: serde_json::Value = serde_json::from_str(&out).unwrap();
        let invocation = &sarif["runs"][0]["invocations"][0];
        assert_eq!(invocation["executionSuccessful"], true);
        invocation["toolExecutionNotifications"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| {
                format!(
                    "{} {}: {}",
                    n["level"].as_str().unwrap(),
                    n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                        .as_str()
                        .unwrap(),
                    n["message"]["text"].as_str().unwrap()
                )
            })
            .collect()
    };
    let summarized = notes("summarize");
    assert!(summarized.iter().any(|n| n.starts_with(
        "note pkg/third_party/fastnorm: vendored library fastnorm 0.4.1 (under third_party/): 1 files, 3 lines; one result for the whole library"
    )), "{summarized:?}");
    assert!(notes("skip")
        .iter()
        .any(|n| n.ends_with("listed only, not scanned (--vendored skip)")),);
}

const CUTE_KERNEL_PY: &str = r#"import cutlass
import cutlass.cute as cute
from cutlass import Float32, Int32


@cute.kernel
def scale_kernel(x: cute.Tensor, factor: Float32):
    tidx, _, _ = cute.arch.thread_idx()
    bidx, _, _ = cute.arch.block_idx()
    i = bidx * 128 + tidx
    x[i] = x[i] * factor


@cute.jit
def scale(x: cute.Tensor, factor: Float32, n: Int32):
    scale_kernel(x, factor).launch(grid=[n // 128, 1, 1], block=[128, 1, 1])
"#;

#[test]
fn a_copy_of_flash_attentions_cute_package_inside_a_package_is_vendored() {
    let dir = repo(&[
        ("pkg/__init__.py", ""),
        ("pkg/vllm_flash_attn/__init__.py", ""),
        ("pkg/vllm_flash_attn/cute/__init__.py", ""),
        ("pkg/vllm_flash_attn/cute/flash_fwd.py", CUTE_KERNEL_PY),
        // The library's own repository holds the package at its top.
        ("flash_attn/cute/__init__.py", ""),
        ("flash_attn/cute/flash_fwd.py", CUTE_KERNEL_PY),
    ]);
    let report = report(dir.path(), &[]);
    // The copied package is the library; the project's package around it
    // stays the project's.
    assert_eq!(
        libraries(&report),
        ["pkg/vllm_flash_attn/cute flash-attn-cute - files=2 lines=16 its own files (cute/flash_fwd.py)"]
    );
    let lines = finding_lines(&report);
    assert!(lines.iter().any(|l| l.starts_with(
        "pkg/vllm_flash_attn/cute/__init__.py:1:1 hygon/vendored-flash-attn-cute manual"
    )));
    assert!(!lines
        .iter()
        .any(|l| l.starts_with("pkg/") && l.contains("cute-dsl-kernel")));
    // Not vendored at the top of its own repository: its kernels are
    // priced one by one, by their lines.
    assert!(lines.iter().any(|l| l.starts_with(
        "flash_attn/cute/flash_fwd.py:7:5 hygon/cute-dsl-kernel unsupported cute-dsl-kernel"
    )));
}

#[test]
fn cute_dsl_kernels_are_priced_by_their_lines_and_the_library_once() {
    let dir = repo(&[("ops/scale.py", CUTE_KERNEL_PY)]);
    let report = report(dir.path(), &[]);
    let lines = finding_lines(&report);
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.contains("cute-dsl-kernel"))
            .collect::<Vec<_>>(),
        [
            "ops/scale.py:7:5 hygon/cute-dsl-kernel unsupported cute-dsl-kernel",
            "ops/scale.py:15:5 hygon/cute-dsl-kernel unsupported cute-dsl-kernel",
        ]
    );
    let items: Vec<String> = report["plans"][0]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["items"].as_array().unwrap().iter())
        .map(|i| {
            format!(
                "{} {} {}",
                i["rule_id"].as_str().unwrap(),
                i["sites"],
                i["hours"]["likely"]
            )
        })
        .collect();
    // Kernels: one kernel port (8 h) plus 0.15 h for each of their 7 lines;
    // the library: adopted once (16 h), each of its 4 imports checked
    // (0.25 h), the two decorators covered by the kernels (0.25 h per API).
    assert_eq!(
        items,
        ["hygon/cutlass 6 17.5", "hygon/cute-dsl-kernel 2 9.05"]
    );
}
