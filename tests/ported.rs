//! Code the project has already ported, through the binary: `#if` branches
//! a target's compiler never sees (per target), a project macro defined only
//! for CUDA builds, and renames the same file already makes.

mod common;

use common::{finding_lines, json_report, repo};

const KERNEL_UTILS_H: &str = r#"#pragma once
#if defined(__HIP_PLATFORM_AMD__)
#include <hip/hip_runtime.h>
#else
#include <cuda_runtime.h>
#define PTX_AVAILABLE
#endif
"#;

const COPY_CUH: &str = r#"#include "kernel_utils.h"
__device__ void load(void* dst, const void* src) {
#ifdef PTX_AVAILABLE
    asm volatile("cp.async.ca.shared.global [%0], [%1], 16;\n" :: "r"(dst), "l"(src));
#else
    *(float4*)dst = *(const float4*)src;
#endif
}
__device__ float fast_exp(float x) {
#if __CUDA_ARCH__ >= 800
    asm("ex2.approx.f32 %0, %1;" : "=f"(x) : "f"(x));
#endif
    return x;
}
#ifdef USE_ROCM
#define WARP_SIZE 64
#else
#define WARP_SIZE 32
#endif
"#;

fn lines_of(report: &serde_json::Value, file: &str) -> Vec<String> {
    finding_lines(report)
        .into_iter()
        .filter(|l| l.starts_with(file))
        .collect()
}

#[test]
fn branches_a_target_never_compiles_are_not_work_for_it() {
    let dir = repo(&[
        ("csrc/kernel_utils.h", KERNEL_UTILS_H),
        ("csrc/copy.cuh", COPY_CUH),
    ]);
    let hygon = json_report(&dir.path().join("csrc"), "hygon");
    // PTX_AVAILABLE is defined only when __HIP_PLATFORM_AMD__ is not, and
    // HIP-Clang leaves __CUDA_ARCH__ undefined: both asm blocks are dead;
    // the CUDA include is the #else of a HIP branch, and so is the 32-lane
    // warp size. The arch test itself stays: it turns the fast path off.
    assert_eq!(
        lines_of(&hygon, "copy.cuh"),
        ["copy.cuh:10:5 hygon/cuda-arch manual __CUDA_ARCH__"]
    );
    assert_eq!(lines_of(&hygon, "kernel_utils.h"), Vec::<String>::new());
    let plan = &hygon["plans"][0]["readiness"];
    // Two asm blocks, the warp size, the CUDA include.
    assert_eq!(plan["ported_sites"], 4);

    // On Ascend the HIP branches are another platform's port; the CUDA
    // code stays work, the ROCm warp size does not.
    let ascend = json_report(&dir.path().join("csrc"), "ascend");
    let asm: Vec<String> = lines_of(&ascend, "copy.cuh")
        .into_iter()
        .filter(|l| l.contains("inline-asm") || l.contains("warp-size"))
        .collect();
    assert_eq!(
        asm,
        [
            "copy.cuh:4:5 ascend/inline-asm unsupported inline-asm",
            "copy.cuh:11:5 ascend/inline-asm unsupported inline-asm",
            "copy.cuh:18:19 ascend/hardcoded-warp-size manual hardcoded-warp-size",
        ]
    );
    assert_eq!(
        lines_of(&ascend, "kernel_utils.h"),
        ["kernel_utils.h:5:10 ascend/include-cuda-runtime-h manual cuda_runtime.h"]
    );
}

const CUDART_PY: &str = r#"import ctypes

functions = ["cudaSetDevice", "cudaMalloc"]
rocm_names = {"cudaSetDevice": "hipSetDevice"}
"#;

#[test]
fn a_rename_the_file_already_makes_is_counted_as_ported() {
    let dir = repo(&[("cudart.py", CUDART_PY)]);
    let hygon = json_report(dir.path(), "hygon");
    assert_eq!(
        finding_lines(&hygon),
        ["cudart.py:3:31 hygon/cuda-malloc auto cudaMalloc"]
    );
    assert_eq!(hygon["plans"][0]["readiness"]["ported_sites"], 1);
}

const PLATFORM_PY: &str = r#"import torch
from vllm.platforms import current_platform

def setup(x):
    if current_platform.is_rocm():
        x = x.cuda()
    else:
        torch.backends.cuda.matmul.allow_tf32 = True
    if hasattr(torch, "npu"):
        torch.npu.synchronize()
    elif torch.version.hip is not None:
        torch.cuda.empty_cache()
    torch.cuda.manual_seed(0)
    return x
"#;

#[test]
fn python_branches_for_one_platform_are_another_targets_path_or_the_port() {
    let dir = repo(&[("setup.py", PLATFORM_PY)]);
    let lines = |target: &str| -> Vec<String> {
        finding_lines(&json_report(dir.path(), target))
            .into_iter()
            .filter(|l| !l.contains("vllm"))
            .collect()
    };
    // Ascend: the ROCm branch and the `elif` after the NPU test are not its
    // path; the `else` of the ROCm test is.
    assert_eq!(
        lines("ascend"),
        [
            "setup.py:8:9 ascend/torch-backends-cuda-matmul-allow-tf32 manual torch.backends.cuda.matmul.allow_tf32",
            "setup.py:13:5 ascend/torch-cuda-manual-seed auto torch.cuda.manual_seed",
        ]
    );
    // Hygon: the `else` of the ROCm test never runs there.
    assert_eq!(lines("hygon"), Vec::<String>::new());
}

const CUDA_VERSION_PY: &str = r#"import os
import torch

def nccl_library():
    if torch.version.cuda is not None:
        return "libnccl.so.2"
    elif torch.version.hip is not None:
        return "librccl.so.1"
    raise ValueError("no NCCL")

def has_cache():
    if torch.version.cuda is None:
        return False
    major, _ = torch.cuda.get_device_capability()
    return major

if os.environ.get("BUILD") and torch.version.cuda:
    torch.cuda.get_device_capability()
print(f"CUDA {torch.version.cuda} on {torch.cuda.get_device_name()}")
"#;

#[test]
fn a_torch_version_cuda_test_routes_rocm_and_its_branch_is_cuda_only() {
    let dir = repo(&[("nccl.py", CUDA_VERSION_PY)]);
    // torch.version.cuda is None on ROCm: the tests are the port, the
    // branches they guard never run there, nor does what follows `if
    // torch.version.cuda is None: return False` (line 14).
    assert_eq!(
        finding_lines(&json_report(dir.path(), "hygon")),
        Vec::<String>::new()
    );
    // Ascend keeps the tests it has to extend and the CUDA-only code.
    let ascend = finding_lines(&json_report(dir.path(), "ascend"));
    for expected in [
        "nccl.py:5:8 ascend/torch-version-cuda",
        "nccl.py:12:8 ascend/torch-version-cuda",
        "nccl.py:17:32 ascend/torch-version-cuda",
        "nccl.py:18:5 ascend/torch-cuda-get-device-capability",
        "nccl.py:19:39 ascend/torch-cuda-get-device-name",
    ] {
        assert!(
            ascend.iter().any(|l| l.starts_with(expected)),
            "{expected} in {ascend:#?}"
        );
    }
    // A name formatted into a message is shown, not used.
    assert!(
        !ascend.iter().any(|l| l.starts_with("nccl.py:19:14")),
        "{ascend:#?}"
    );
}

const BUILDER_PY: &str = r#"import os
import torch


def installed_cuda_version():
    return torch.version.cuda


def cuda_home():
    return os.environ.get("CUDA_HOME")


class CUDAOpBuilder:
    def is_rocm_pytorch(self):
        return torch.version.hip is not None

    def compute_capability_args(self):
        arch = os.environ.get("TORCH_CUDA_ARCH_LIST")
        return [f"-gencode=arch=compute_{arch}", str(installed_cuda_version())]

    def nvcc_args(self):
        if self.is_rocm_pytorch():
            return ["-O3"]
        else:
            return ["--use_fast_math"] + self.compute_capability_args()
"#;

const FUSED_ADAM_PY: &str = r#"import torch
from .builder import CUDAOpBuilder, cuda_home


class FusedAdamBuilder(CUDAOpBuilder):
    def nvcc_args(self):
        args = ["-O3"]
        if not self.is_rocm_pytorch():
            args += self.compute_capability_args()
        print(cuda_home())
        return args
"#;

#[test]
fn a_function_only_skipped_branches_call_is_not_work_for_the_target() {
    let dir = repo(&[
        ("op_builder/__init__.py", ""),
        ("op_builder/builder.py", BUILDER_PY),
        ("op_builder/fused_adam.py", FUSED_ADAM_PY),
    ]);
    // Every call of `compute_capability_args` sits in a branch ROCm never
    // takes, and `installed_cuda_version` is only called from there: on
    // Hygon both are the CUDA path of a port that exists. `cuda_home` is
    // called on every platform and stays.
    let hygon = json_report(dir.path(), "hygon");
    assert_eq!(
        lines_of(&hygon, "op_builder/builder.py"),
        ["op_builder/builder.py:10:27 hygon/unknown-cuda-ops unknown CUDA_HOME"]
    );
    // Ascend takes those branches: the same lines are its work.
    let ascend = json_report(dir.path(), "ascend");
    let ascend_lines: Vec<String> = lines_of(&ascend, "op_builder/builder.py")
        .into_iter()
        .map(|l| l.split(' ').next().unwrap_or_default().to_string())
        .collect();
    for expected in ["op_builder/builder.py:6:12", "op_builder/builder.py:18:31"] {
        assert!(
            ascend_lines.iter().any(|l| l.starts_with(expected)),
            "{expected} in {ascend_lines:#?}"
        );
    }
}

#[test]
fn a_cuda_test_beside_an_or_with_the_targets_test_is_its_port() {
    let setup = "import torch\nimport torch.utils.cpp_extension\n\nis_rocm_pytorch = torch.version.hip is not None\n\nif torch.cuda.is_available() and ((torch.utils.cpp_extension.CUDA_HOME is not None) or is_rocm_pytorch):\n    print(\"building\")\nif torch.utils.cpp_extension.CUDA_HOME is not None:\n    print(\"found\")\n";
    let dir = repo(&[("setup.py", setup)]);
    // On Hygon the `or` on line 6 is true whatever CUDA_HOME says: the
    // test is routed already. The same test alone (line 8) is work.
    assert_eq!(
        finding_lines(&json_report(dir.path(), "hygon")),
        ["setup.py:8:4 hygon/torch-cpp-extension-cuda-home manual torch.utils.cpp_extension.CUDA_HOME"]
    );
}

#[test]
fn directories_named_for_a_platform_are_that_platforms_code() {
    let ops = "import pynvml\nimport torch\n\n\ndef sync():\n    torch.cuda.synchronize()\n    pynvml.nvmlInit()\n";
    let dir = repo(&[
        ("models/m/amd/ops.py", ops),
        ("models/m/nvidia/ops.py", ops),
        ("models/n/nvidia/ops.py", ops),
    ]);
    let files = |target: &str| -> Vec<String> {
        let mut files: Vec<String> = finding_lines(&json_report(dir.path(), target))
            .into_iter()
            .map(|l| l.split(':').next().unwrap_or_default().to_string())
            .collect();
        files.dedup();
        files
    };
    // `amd/` is the ROCm port: Ascend never runs it, and for Hygon it is
    // its own. Beside it, `m/nvidia/` is the CUDA path of a port Hygon has;
    // `n/nvidia/` has none and stays Hygon's work.
    assert_eq!(
        files("ascend"),
        ["models/m/nvidia/ops.py", "models/n/nvidia/ops.py"]
    );
    assert_eq!(files("hygon"), ["models/n/nvidia/ops.py"]);
}

#[test]
fn code_after_an_early_return_for_a_platform_is_the_other_platforms_path() {
    let src = "import pynvml\n\n\ndef probe(platform):\n    if platform.is_rocm():\n        return None\n    pynvml.nvmlInit()\n\n\ndef report(platform):\n    if platform.is_rocm():\n        print(\"rocm\")\n    pynvml.nvmlShutdown()\n";
    let dir = repo(&[("probe.py", src)]);
    let hygon: Vec<String> = finding_lines(&json_report(dir.path(), "hygon"))
        .into_iter()
        .filter(|l| !l.starts_with("probe.py:1:"))
        .collect();
    // After `return`, line 7 runs only where the test fails: not on ROCm.
    // Without the return (line 13) it runs everywhere.
    assert_eq!(
        hygon,
        ["probe.py:13:5 hygon/pynvml manual pynvml.nvmlShutdown"]
    );
}

#[test]
fn the_else_of_a_combined_platform_test_runs_on_that_platform_too() {
    let src = "import torch\n\n\ndef attn(platform, q, has_flash):\n    if has_flash and not platform.is_rocm():\n        return q\n    torch.cuda.synchronize()\n    return q\n";
    let dir = repo(&[("attn.py", src)]);
    // `not (has_flash and not rocm)` holds on every platform when
    // `has_flash` is false: the fallback on line 7 is everyone's code.
    assert!(finding_lines(&json_report(dir.path(), "ascend"))
        .iter()
        .any(|l| l.starts_with("attn.py:7:5 ascend/torch-cuda-synchronize")));
}
