//! The classes of migration points found in real repositories, each
//! through the binary on a small tree shaped like the real ones: exact
//! lines, rules and statuses (see `docs/accuracy.md` for the labelled set
//! these mechanisms are measured on).

mod common;

use common::{finding_lines, json_report, repo};

/// The finding lines of a scan for `target` that mention `text`.
fn findings_naming(dir: &std::path::Path, target: &str, text: &str) -> Vec<String> {
    finding_lines(&json_report(dir, target))
        .into_iter()
        .filter(|f| f.contains(text))
        .collect()
}

const REDUCE_CU: &str = r#"#include <cuda_runtime.h>
#define WARP_SIZE 32
__device__ __forceinline__ float warp_sum(float v) {
  for (int offset = 16; offset > 0; offset /= 2)
    v += __shfl_xor_sync(0xffffffff, v, offset);
  return v;
}
__global__ void reduce(const float* x, float* out) {
  int lane = threadIdx.x % WARP_SIZE;
  int warp = threadIdx.x >> 5;
  float v = warp_sum(x[threadIdx.x]);
  if (lane == 0) out[warp] = v;
}
"#;

#[test]
fn device_functions_and_warp_size_spellings_are_reported() {
    let dir = repo(&[("kernels/reduce.cu", REDUCE_CU)]);
    let report = json_report(&dir.path().join("kernels"), "hygon");
    let warp: Vec<String> = finding_lines(&report)
        .into_iter()
        .filter(|f| f.contains("warp"))
        .collect();
    assert_eq!(
        warp,
        [
            "reduce.cu:2:19 hygon/hardcoded-warp-size manual hardcoded-warp-size",
            "reduce.cu:4:21 hygon/hardcoded-warp-size manual hardcoded-warp-size",
            "reduce.cu:5:26 hygon/full-warp-mask manual full-warp-mask",
            "reduce.cu:9:28 hygon/hardcoded-warp-size manual hardcoded-warp-size",
            "reduce.cu:10:29 hygon/hardcoded-warp-size manual hardcoded-warp-size",
        ]
    );
    let report = json_report(&dir.path().join("kernels"), "ascend");
    let device: Vec<String> = finding_lines(&report)
        .into_iter()
        .filter(|f| f.contains("device-function") || f.contains("kernel-definition"))
        .collect();
    assert_eq!(
        device,
        [
            "reduce.cu:3:34 ascend/device-function manual device-function",
            "reduce.cu:8:17 ascend/kernel-definition manual reduce",
        ]
    );
}

const MAKEFILE: &str = "CUDA_HOME ?= /usr/local/cuda\nNVCC := $(CUDA_HOME)/bin/nvcc\nNVCC_FLAGS = -O3 -gencode arch=compute_80,code=sm_80\n\ntrain: train.cu\n\t$(NVCC) $(NVCC_FLAGS) -lineinfo -Xcompiler -fopenmp $< -lcudart -lcublas -lnccl -o $@\n";

#[test]
fn makefiles_report_nvcc_flags_and_cuda_libraries() {
    let dir = repo(&[("Makefile", MAKEFILE)]);
    // On hygon the compiler is changed where the variable is assigned;
    // hipcc takes the recipe as it is but for nvcc's own options.
    let report = json_report(dir.path(), "hygon");
    assert_eq!(
        finding_lines(&report),
        [
            "Makefile:1:1 hygon/unknown-cuda-ops unknown CUDA_HOME",
            "Makefile:2:11 hygon/unknown-cuda-ops unknown CUDA_HOME",
            "Makefile:2:26 hygon/command-nvcc manual nvcc",
            "Makefile:3:18 hygon/build-gencode manual -gencode",
            "Makefile:6:24 hygon/build-lineinfo manual -lineinfo",
            "Makefile:6:34 hygon/build-xcompiler manual -Xcompiler",
            "Makefile:6:57 hygon/link-cudart auto -lcudart",
            "Makefile:6:66 hygon/link-cublas auto -lcublas",
            "Makefile:6:75 hygon/link-nccl auto -lnccl",
        ]
    );
    // On ascend every recipe that compiles CUDA is rewritten for CANN.
    let report = json_report(dir.path(), "ascend");
    let recipes: Vec<String> = finding_lines(&report)
        .into_iter()
        .filter(|f| f.starts_with("Makefile:6:2 "))
        .collect();
    assert_eq!(
        recipes,
        ["Makefile:6:2 ascend/nvcc-recipe manual nvcc-recipe"]
    );
}

const SETUP_PY: &str = r#"from setuptools import setup
from torch.utils.cpp_extension import BuildExtension, CUDAExtension

NVCC_ARGS = ["-D__CUDA_NO_HALF_OPERATORS__", "-U__CUDA_NO_BFLOAT16_OPERATORS__", "-lineinfo"]

setup(
    name="ops",
    ext_modules=[CUDAExtension("ops._C", ["csrc/ops.cu"], extra_compile_args={"nvcc": NVCC_ARGS})],
    cmdclass={"build_ext": BuildExtension},
)
"#;

const OPS_CU: &str = "#include <cuda_runtime.h>\nvoid copy(float* d, const float* h, size_t n, cudaStream_t s) {\n  cudaMemcpyAsync(d, h, n, cudaMemcpyHostToDevice, s);\n  asm volatile(\"membar.gl;\");\n}\n";

#[test]
fn hygon_leaves_what_the_extension_build_hipifies_to_the_build() {
    let dir = repo(&[
        ("setup.py", SETUP_PY),
        ("csrc/ops.cu", OPS_CU),
        // Built by nvcc directly: hipify is work here.
        (
            "bench/Makefile",
            "bench: bench.cu\n\tnvcc -o bench bench.cu\n",
        ),
        ("bench/bench.cu", OPS_CU),
    ]);
    let lines = finding_lines(&json_report(dir.path(), "hygon"));
    let in_file =
        |file: &str| -> Vec<&String> { lines.iter().filter(|l| l.starts_with(file)).collect() };
    // Only what hipify cannot convert stays in the extension's source.
    assert_eq!(
        in_file("csrc/ops.cu"),
        ["csrc/ops.cu:4:3 hygon/inline-asm unsupported inline-asm"]
    );
    // The `.cu` source the build lists and the CUDA half macros it defines
    // or undoes need nothing on ROCm; an option only nvcc takes does.
    assert_eq!(
        in_file("setup.py"),
        ["setup.py:4:82 hygon/build-lineinfo manual -lineinfo"]
    );
    assert!(
        in_file("bench/bench.cu")
            .iter()
            .any(|l| l.contains("cudaMemcpyAsync") && l.contains(" auto ")),
        "{lines:?}"
    );
    // On ascend nothing is converted by the build.
    let ascend = finding_lines(&json_report(dir.path(), "ascend"));
    assert!(
        ascend.iter().any(|l| l.starts_with("csrc/ops.cu:3:3")),
        "{ascend:?}"
    );
}

const TRITON_UTILS: &str = "import triton\nimport triton.language as tl\n";
const SSD_KERNEL: &str = r#"from pkg.triton_utils import tl, triton


@triton.autotune(
    configs=[triton.Config({"BLOCK": 32}, num_stages=2, num_warps=8)],
    key=["n"],
)
@triton.jit
def scan_kernel(x_ptr, n, BLOCK: tl.constexpr):
    pid = tl.program_id(axis=0)


def scan(x):
    scan_kernel[(1,)](x, x.numel(), num_warps=4)
"#;

#[test]
fn triton_re_exported_by_a_package_and_its_launch_options_are_reported() {
    let dir = repo(&[
        ("pkg/__init__.py", ""),
        ("pkg/triton_utils/__init__.py", TRITON_UTILS),
        ("pkg/ops/__init__.py", ""),
        ("pkg/ops/ssd.py", SSD_KERNEL),
    ]);
    let kernel_lines = |target: &str| -> Vec<String> {
        finding_lines(&json_report(dir.path(), target))
            .into_iter()
            .filter(|f| f.starts_with("pkg/ops/ssd.py"))
            .collect()
    };
    assert_eq!(
        kernel_lines("ascend"),
        [
            "pkg/ops/ssd.py:1:30 ascend/triton manual triton.language",
            "pkg/ops/ssd.py:1:34 ascend/triton manual triton",
            "pkg/ops/ssd.py:4:2 ascend/triton manual triton.autotune",
            "pkg/ops/ssd.py:5:43 ascend/triton-num-stages manual triton-num-stages",
            "pkg/ops/ssd.py:5:57 ascend/triton-num-warps manual triton-num-warps",
            "pkg/ops/ssd.py:8:2 ascend/triton manual triton.jit",
            "pkg/ops/ssd.py:9:5 ascend/triton-kernel manual triton-kernel",
            "pkg/ops/ssd.py:14:37 ascend/triton-num-warps manual triton-num-warps",
        ]
    );
    // Upstream Triton does not target Hygon's cards: the DTK build of
    // Triton builds the kernels, and warps of 32 lanes become wavefronts
    // of 64.
    assert_eq!(
        kernel_lines("hygon"),
        [
            "pkg/ops/ssd.py:1:30 hygon/triton manual triton.language",
            "pkg/ops/ssd.py:1:34 hygon/triton manual triton",
            "pkg/ops/ssd.py:4:2 hygon/triton manual triton.autotune",
            "pkg/ops/ssd.py:5:57 hygon/triton-num-warps manual triton-num-warps",
            "pkg/ops/ssd.py:8:2 hygon/triton manual triton.jit",
            "pkg/ops/ssd.py:9:5 hygon/triton-kernel manual triton-kernel",
            "pkg/ops/ssd.py:14:37 hygon/triton-num-warps manual triton-num-warps",
        ]
    );
}

const CUBLAS_WRAPPERS_H: &str = r#"#include <cublas_v2.h>

int cublas_gemm_ex(cublasHandle_t handle,
                   cublasOperation_t transa,
                   float* C,
#if defined(USE_ROCBLAS)
                   rocblas_gemm_algo algo = rocblas_gemm_algo_standard);
#else
                   cublasGemmAlgo_t algo = CUBLAS_GEMM_DEFAULT);
#endif

float const &real(cuFloatComplex const &z) { return z.x; }

template <typename T>
Layer<T>::Layer(int b)
    : _scores(typename Gemm<T>::Config(b,
                                       CUBLAS_OP_T,
                                       algos[3])),
      _handle(nullptr)
{
}
struct Workspace {
  void init(void* w = nullptr, cudaStream_t stream = nullptr);
};
template <>
at::ScalarType scalar_type<__nv_bfloat16>() { return at::kBFloat16; }
"#;

#[test]
fn declarations_the_grammar_nests_oddly_are_read() {
    let dir = repo(&[("csrc/cublas_wrappers.h", CUBLAS_WRAPPERS_H)]);
    let report = json_report(&dir.path().join("csrc"), "hygon");
    assert_eq!(
        finding_lines(&report),
        [
            "cublas_wrappers.h:1:10 hygon/cublas-v2-h auto cublas_v2.h",
            "cublas_wrappers.h:3:20 hygon/cublas-handle-t auto cublasHandle_t",
            "cublas_wrappers.h:4:20 hygon/cublas-operation-t auto cublasOperation_t",
            "cublas_wrappers.h:9:20 hygon/cublas-gemm-algo-t auto cublasGemmAlgo_t",
            "cublas_wrappers.h:9:44 hygon/cublas-gemm-default auto CUBLAS_GEMM_DEFAULT",
            "cublas_wrappers.h:12:19 hygon/cu-float-complex auto cuFloatComplex",
            "cublas_wrappers.h:17:40 hygon/cublas-op-t auto CUBLAS_OP_T",
            "cublas_wrappers.h:23:32 hygon/cuda-stream-t auto cudaStream_t",
            "cublas_wrappers.h:26:28 hygon/nv-bfloat16 auto __nv_bfloat16",
        ]
    );
}

const GLOB_SETUP_PY: &str = r#"import glob
import os
from torch.utils.cpp_extension import CUDAExtension

sources = glob.glob(os.path.join("csrc", "**", "*.cu"))
extra_compile_args = {"cxx": []}
extra_compile_args["nvcc"] = ["-O3"]
CC = os.environ.get("CC", None)
if CC is not None:
    extra_compile_args["nvcc"].append("-ccbin={}".format(CC))
"""Build notes: see csrc/kernel.cu"""
"#;

#[test]
fn cuda_sources_and_nvcc_only_flags_count_wherever_a_build_script_names_them() {
    let dir = repo(&[("setup.py", GLOB_SETUP_PY)]);
    let report = json_report(dir.path(), "ascend");
    let build: Vec<String> = finding_lines(&report)
        .into_iter()
        .filter(|f| !f.contains("cudaextension"))
        .collect();
    // The docstring names a file in prose: no finding.
    assert_eq!(
        build,
        [
            "setup.py:5:48 ascend/cuda-extension-source manual cuda-extension-source",
            "setup.py:7:20 ascend/cpp-extension-nvcc-args manual cpp-extension:nvcc-args",
            "setup.py:10:24 ascend/cpp-extension-nvcc-args manual cpp-extension:nvcc-args",
            "setup.py:10:39 ascend/build-ccbin manual -ccbin",
        ]
    );
}

const COMPOSE_BLOCK_LISTS: &str = "services:\n  app:\n    deploy:\n      resources:\n        reservations:\n          devices:\n            - capabilities:\n              - gpu\n    environment:\n      - NVIDIA_VISIBLE_DEVICES=all\n      - \"NVIDIA_DRIVER_CAPABILITIES=compute,utility\"\n";

#[test]
fn compose_block_lists_reserve_gpus_and_set_nvidia_variables() {
    let dir = repo(&[("docker-compose.yml", COMPOSE_BLOCK_LISTS)]);
    let report = json_report(dir.path(), "hygon");
    assert_eq!(
        finding_lines(&report),
        [
            "docker-compose.yml:8:17 hygon/compose-capabilities-gpu manual compose:capabilities=gpu",
            "docker-compose.yml:10:9 hygon/unknown-cuda-ops unknown NVIDIA_VISIBLE_DEVICES",
            "docker-compose.yml:11:10 hygon/unknown-cuda-ops unknown NVIDIA_DRIVER_CAPABILITIES",
        ]
    );
}

const SOFTMAX_CU: &str = r#"#define WARP_SIZE_BITS 5
__global__ void softmax(float* x) {
  int warps = blockDim.x >> WARP_SIZE_BITS;
  int lane = threadIdx.x & 0x1f;
  x[lane] = warps;
}
"#;

#[test]
fn warp_size_written_as_bits_or_in_hex_is_reported() {
    let dir = repo(&[("csrc/softmax.cu", SOFTMAX_CU)]);
    let report = json_report(&dir.path().join("csrc"), "hygon");
    let warp: Vec<String> = finding_lines(&report)
        .into_iter()
        .filter(|f| f.contains("hardcoded-warp-size"))
        .collect();
    assert_eq!(
        warp,
        [
            "softmax.cu:1:24 hygon/hardcoded-warp-size manual hardcoded-warp-size",
            "softmax.cu:3:29 hygon/hardcoded-warp-size manual hardcoded-warp-size",
            "softmax.cu:4:28 hygon/hardcoded-warp-size manual hardcoded-warp-size",
        ]
    );
}

const GROUPS_CU: &str = r#"#include <cooperative_groups.h>
namespace cg = cooperative_groups;
__global__ void norm(float* x) {
  cg::thread_block block = cg::this_thread_block();
  cg::thread_block_tile<32> warp = cg::tiled_partition<32>(block);
  float v = warp.shfl_xor(x[warp.thread_rank()], 1);
  block.sync();
  cudaDeviceProp prop;
  x[0] = v * prop.multiProcessorCount;
}
"#;

#[test]
fn members_of_cooperative_groups_and_device_properties_are_reported() {
    let dir = repo(&[("csrc/norm.cu", GROUPS_CU)]);
    let report = json_report(&dir.path().join("csrc"), "ascend");
    let members: Vec<String> = finding_lines(&report)
        .into_iter()
        .filter(|f| {
            f.contains(":2:") || f.contains(":6:") || f.contains(":7:") || f.contains(":9:")
        })
        .collect();
    assert_eq!(
        members,
        [
            "norm.cu:2:16 ascend/cooperative-groups-ns manual cooperative_groups",
            "norm.cu:6:18 ascend/cooperative-groups-ns manual cooperative_groups::thread_block_tile::shfl_xor",
            "norm.cu:6:34 ascend/cooperative-groups-ns manual cooperative_groups::thread_block_tile::thread_rank",
            "norm.cu:7:9 ascend/cooperative-groups-ns manual cooperative_groups::thread_block::sync",
            "norm.cu:9:19 ascend/cuda-runtime manual cudaDeviceProp::multiProcessorCount",
        ]
    );
    // HIP has both: the members are no work on hygon.
    let report = json_report(&dir.path().join("csrc"), "hygon");
    let lines: Vec<String> = finding_lines(&report)
        .into_iter()
        .filter(|f| f.contains(":6:") || f.contains(":7:") || f.contains(":9:"))
        .collect();
    assert_eq!(lines, Vec::<String>::new());
}

const NCCL_ALLOCATOR_PY: &str = r#"import torch.utils.cpp_extension

SOURCE = """
#include <nccl.h>
extern "C" void* alloc(size_t size) {
    void* ptr;
    ncclMemAlloc(&ptr, size);
    return ptr;
}
"""

def build():
    """Builds the allocator; the C++ reads like `#include <nccl.h>`
    and stays prose here."""
    return torch.utils.cpp_extension.load_inline(name="alloc", cpp_sources=SOURCE)
"#;

#[test]
fn cpp_source_in_python_strings_is_read_as_cpp() {
    let dir = repo(&[("alloc.py", NCCL_ALLOCATOR_PY)]);
    let report = json_report(dir.path(), "ascend");
    let embedded: Vec<String> = finding_lines(&report)
        .into_iter()
        .filter(|f| f.contains("nccl"))
        .collect();
    assert_eq!(
        embedded,
        [
            "alloc.py:4:10 ascend/include-nccl manual nccl.h",
            "alloc.py:7:5 ascend/nccl manual ncclMemAlloc",
        ]
    );
    // On hygon `load_inline` hipifies the string as it builds it: what
    // hipify maps (`nccl.h` → `rccl/rccl.h`) is the build's work.
    let report = json_report(dir.path(), "hygon");
    assert_eq!(finding_lines(&report), Vec::<String>::new());
}

const CUDART_PY: &str = r#"import ctypes

functions = [
    ("cudaSetDevice", ctypes.c_int),
    ("cudaMalloc", ctypes.c_int),
]
rocm_names = {"cudaSetDevice": "hipSetDevice"}

def set_device(lib, device):
    return lib.funcs["cudaSetDevice"](device)
"#;

#[test]
fn strings_naming_cuda_functions_loaded_with_ctypes_are_reported() {
    let dir = repo(&[("cudart.py", CUDART_PY)]);
    let report = json_report(dir.path(), "ascend");
    // The ROCm name table (line 7) is the port, not a use.
    assert_eq!(
        finding_lines(&report),
        [
            "cudart.py:4:6 ascend/cuda-set-device manual cudaSetDevice",
            "cudart.py:5:6 ascend/cuda-malloc manual cudaMalloc",
            "cudart.py:10:22 ascend/cuda-set-device manual cudaSetDevice",
        ]
    );
}

const QUALIFIER_MACROS_CU: &str = r#"#define DEV_INLINE __device__ __forceinline__
DEV_INLINE float twice(float x) { return 2 * x; }
C10_HOST_DEVICE inline __half half_of(float x) { return __float2half(x); }
C10_LAUNCH_BOUNDS_1(256) __global__ void scale(float* x) { x[threadIdx.x] = twice(x[0]); }
"#;

#[test]
fn qualifier_macros_are_read_as_the_qualifiers_they_stand_for() {
    let dir = repo(&[("csrc/scale.cu", QUALIFIER_MACROS_CU)]);
    let report = json_report(&dir.path().join("csrc"), "ascend");
    let device: Vec<String> = finding_lines(&report)
        .into_iter()
        .filter(|f| {
            f.contains("device-function") || f.contains("kernel-definition") || f.contains("half")
        })
        .collect();
    assert_eq!(
        device,
        [
            "scale.cu:2:18 ascend/device-function manual device-function",
            "scale.cu:3:24 ascend/cuda-half manual __half",
            "scale.cu:3:31 ascend/device-function manual device-function",
            "scale.cu:3:57 ascend/float2half manual __float2half",
            "scale.cu:4:42 ascend/kernel-definition manual scale",
        ]
    );
}

const GPU_INFO_PY: &str = r#"import os, subprocess

def smi():
    return f"{os.environ['systemdrive']}\\Program Files\\NVIDIA Corporation\\NVSMI\\nvidia-smi.exe"

out = subprocess.check_output([smi(), "--query-gpu=count,name", "--format=csv,noheader"])
note = f"{out} came from the NVIDIA driver"
"#;

#[test]
fn nvidia_smi_is_found_by_its_query_options_and_in_f_string_paths() {
    let dir = repo(&[("gpu_info.py", GPU_INFO_PY)]);
    let report = json_report(dir.path(), "ascend");
    assert_eq!(
        finding_lines(&report),
        [
            "gpu_info.py:4:12 ascend/command-nvidia-smi manual nvidia-smi",
            "gpu_info.py:6:39 ascend/command-nvidia-smi manual nvidia-smi",
        ]
    );
}

const TRAIN_DOCKERFILE: &str = r#"ARG BASE_IMAGE=nvcr.io/nvidia/pytorch:24.01-py3
FROM pytorch/pytorch:2.3.0-cuda12.1-cudnn8-runtime
ARG USE_CUDA=1
ENV FORCE_CUDA="1"
RUN pip install --no-cache-dir -r requirements.txt xformers==0.0.26 "flash-attn>=2" \
    tensorrt_llm --extra-index-url https://pypi.nvidia.com
"#;

const JOB_SLURM: &str =
    "#!/bin/bash\n#SBATCH --nodes=1\nmodule load cuda/12.4\nmake train USE_CUDNN=1\n";

const BUILD_PY: &str = r#"from torch.utils.cpp_extension import load

args = {"cxx": ["-O3"]}
args["nvcc"] = ["-O3"]
ext = load(
    name="ops",
    sources=["ops.cpp"],
    extra_cuda_cflags=["-O3"],
    extra_ldflags=["-lnccl"],
    with_cuda=True,
)
"#;

#[test]
fn build_switches_installs_images_and_modules_in_ops_files_are_reported() {
    let dir = repo(&[
        ("docker/Dockerfile", TRAIN_DOCKERFILE),
        ("jobs/train.slurm", JOB_SLURM),
        ("build.py", BUILD_PY),
    ]);
    let report = json_report(dir.path(), "ascend");
    assert_eq!(
        finding_lines(&report),
        [
            // The import names `load`; the call is the JIT build.
            "build.py:1:39 ascend/torch-utils-cpp-extension-load manual torch.utils.cpp_extension.load",
            "build.py:4:6 ascend/cpp-extension-nvcc-args manual cpp-extension:nvcc-args",
            "build.py:5:7 ascend/torch-utils-cpp-extension-load manual torch.utils.cpp_extension.load",
            "build.py:8:5 ascend/cpp-extension-nvcc-args manual cpp-extension:nvcc-args",
            "build.py:9:20 ascend/link-nccl manual -lnccl",
            "build.py:10:5 ascend/cpp-extension-with-cuda manual cpp-extension:with-cuda",
            "docker/Dockerfile:1:16 ascend/image-nvcr-io-nvidia manual nvcr.io/nvidia/pytorch:24.01-py3",
            "docker/Dockerfile:2:6 ascend/image-pytorch-pytorch manual pytorch/pytorch:2.3.0-cuda12.1-cudnn8-runtime",
            "docker/Dockerfile:3:5 ascend/env-use-cuda manual USE_CUDA",
            "docker/Dockerfile:4:5 ascend/env-force-cuda manual FORCE_CUDA",
            // Installed packages: the options and their values are not packages.
            "docker/Dockerfile:5:52 ascend/package-xformers unsupported xformers",
            "docker/Dockerfile:5:70 ascend/package-flash-attn unsupported flash-attn",
            "docker/Dockerfile:6:36 ascend/nvidia-package-index manual nvidia-package-index",
            "jobs/train.slurm:3:13 ascend/env-module-cuda manual env-module:cuda",
            "jobs/train.slurm:4:12 ascend/env-use-cudnn manual USE_CUDNN",
        ]
    );
}

#[test]
fn hygon_leaves_nvcc_args_and_forced_cuda_builds_to_pytorch_for_rocm() {
    let dir = repo(&[
        ("docker/Dockerfile", TRAIN_DOCKERFILE),
        ("build.py", BUILD_PY),
    ]);
    let report = json_report(dir.path(), "hygon");
    let build: Vec<String> = finding_lines(&report)
        .into_iter()
        .filter(|f| f.contains("cpp-extension") || f.contains("-cuda "))
        .collect();
    // A PyTorch source build still changes; what the extension build
    // hands to hipcc does not.
    assert_eq!(
        build,
        ["docker/Dockerfile:3:5 hygon/env-use-cuda manual USE_CUDA"]
    );
    // `load` twice, the nvcc list twice, `with_cuda`, `FORCE_CUDA`.
    assert_eq!(
        report["plans"][0]["readiness"]["sites_by_status"]["supported"],
        6
    );
}

const ROCM_AWARE_SETUP_PY: &str = r#"import torch
from torch.utils.cpp_extension import CUDAExtension, ROCM_HOME

is_rocm_pytorch = torch.version.hip is not None and ROCM_HOME is not None
extra_compile_args = {"cxx": []}
if not is_rocm_pytorch:
    extra_compile_args["nvcc"] = ["-D__CUDA_NO_HALF_OPERATORS__", "--use_fast_math"]
else:
    extra_compile_args["nvcc"] = []
"#;

const MESSAGES_MAKEFILE: &str = "NVCC := $(shell which nvcc 2>/dev/null)\nifeq ($(NVCC),)\n    $(info nvcc not found, skipping GPU builds)\nendif\nall:\n\t@echo \"building with nvcc\"\n\t$(NVCC) -o app app.cu\n";

#[test]
fn flags_named_for_a_platform_guard_its_branches_and_messages_run_nothing() {
    let dir = repo(&[
        ("setup.py", ROCM_AWARE_SETUP_PY),
        ("Makefile", MESSAGES_MAKEFILE),
    ]);
    let hygon = finding_lines(&json_report(dir.path(), "hygon"));
    // The CUDA-only branch is dead on ROCm; the `else` is the port.
    assert!(
        !hygon
            .iter()
            .any(|f| f.starts_with("setup.py:7") || f.starts_with("setup.py:9")),
        "{hygon:?}"
    );
    // On ascend the CUDA branch is work and the ROCm branch is not.
    let ascend = finding_lines(&json_report(dir.path(), "ascend"));
    let lines = |report: &[String], file: &str| -> Vec<String> {
        report
            .iter()
            .filter(|f| f.starts_with(file))
            .map(|f| f.split(' ').next().unwrap_or_default().to_string())
            .collect()
    };
    assert_eq!(
        lines(&ascend, "setup.py"),
        [
            "setup.py:2:39",
            "setup.py:7:24",
            "setup.py:7:35",
            "setup.py:7:67"
        ]
    );
    // `which nvcc` and the recipe run nvcc; the two messages do not.
    assert_eq!(
        lines(&ascend, "Makefile"),
        ["Makefile:1:23", "Makefile:7:2"]
    );
}

#[test]
fn effort_follows_the_kind_of_change_not_only_the_status() {
    // An environment variable with no HCCL counterpart is unsupported on
    // ascend, but dropping it is a small change, not a library port.
    let dir = repo(&[(
        "launch.sh",
        "export TORCH_NCCL_NAN_CHECK=1\nexport CUDA_VISIBLE_DEVICES=0,1\n",
    )]);
    let report = json_report(dir.path(), "ascend");
    let items: Vec<String> = report["plans"][0]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["items"].as_array().unwrap())
        .map(|i| {
            format!(
                "{} {} {} {}",
                i["rule_id"].as_str().unwrap(),
                i["status"].as_str().unwrap(),
                i["effort_class"].as_str().unwrap(),
                i["hours"]["likely"]
            )
        })
        .collect();
    assert_eq!(
        items,
        [
            "ascend/torch-nccl-nan-check unsupported small 1.25",
            "ascend/cuda-visible-devices manual small 1.25",
        ]
    );
}

const TRITON_KERNEL_PY: &str = r#"import triton
import triton.language as tl


@triton.jit
def add_kernel(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    pid = tl.program_id(axis=0)
    offs = pid * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    tl.store(y_ptr + offs, tl.load(x_ptr + offs, mask=mask), mask=mask)


def add(x, y):
    add_kernel[(triton.cdiv(x.numel(), 1024),)](x, y, x.numel(), BLOCK=1024)
"#;

#[test]
fn triton_kernels_are_sized_and_what_they_use_is_priced_with_them() {
    let dir = repo(&[("ops/add.py", TRITON_KERNEL_PY)]);
    let report = json_report(dir.path(), "ascend");
    let lines = finding_lines(&report);
    assert!(
        lines.contains(&"ops/add.py:6:5 ascend/triton-kernel manual triton-kernel".to_string()),
        "{lines:?}"
    );
    let items: Vec<&serde_json::Value> = report["plans"][0]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["items"].as_array().unwrap())
        .collect();
    let item = |id: &str| {
        *items
            .iter()
            .find(|i| i["rule_id"] == id)
            .unwrap_or_else(|| panic!("no {id} in {items:?}"))
    };
    // One kernel of 5 lines: 1 h to set the backend up, 1.5 h for the
    // kernel, 0.01 h per line.
    let kernel = item("ascend/triton-kernel");
    assert_eq!(kernel["sites"], 1);
    assert_eq!(kernel["hours"]["likely"], 2.55);
    // The `@triton.jit` decorator is inside the kernel: its API costs the
    // in-kernel rate (0.25 h once, nothing per site); the two imports keep
    // the rule's `large` rate per site (1 h each).
    let triton = item("ascend/triton");
    assert_eq!(triton["effort_class"], "large");
    assert_eq!(triton["sites"], 3);
    assert_eq!(triton["hours"]["likely"], 2.25);
}

const DISPATCH_CU: &str = r#"#include <ATen/ATen.h>
at::Tensor nms(const at::Tensor& boxes) {
  AT_DISPATCH_FLOATING_TYPES(boxes.scalar_type(), "nms", [&] { run<scalar_t>(boxes); });
  AT_DISPATCH_FLOATING_TYPES_AND_HALF(boxes.scalar_type(), "nms_half", [&] { run<scalar_t>(boxes); });
  return boxes;
}
"#;

#[test]
fn dispatch_over_double_is_a_precision_change_on_ascend() {
    let dir = repo(&[("csrc/nms.cu", DISPATCH_CU)]);
    let dispatch = |target: &str| findings_naming(dir.path(), target, "AT_DISPATCH");
    assert_eq!(
        dispatch("ascend"),
        [
            "csrc/nms.cu:3:3 ascend/at-dispatch-floating-types manual AT_DISPATCH_FLOATING_TYPES",
            "csrc/nms.cu:4:3 ascend/at-dispatch-floating-types-and manual AT_DISPATCH_FLOATING_TYPES_AND_HALF",
        ]
    );
    // Double runs as double on ROCm.
    assert!(dispatch("hygon").is_empty());
}

#[test]
fn headers_beside_the_source_are_the_projects_own() {
    let dir = repo(&[
        (
            "llmc/cuda_common.h",
            "#pragma once\n#include <cuda_runtime.h>\n",
        ),
        (
            "llmc/cublas_wrappers.h",
            "#pragma once\n#include <cublas_v2.h>\n",
        ),
        (
            "llmc/layernorm.cuh",
            "#include \"cuda_common.h\"\n#include \"cublas_wrappers.h\"\n#include \"cuda_missing.h\"\n",
        ),
    ]);
    let includes: Vec<String> = finding_lines(&json_report(dir.path(), "ascend"))
        .into_iter()
        .filter(|f| f.starts_with("llmc/layernorm.cuh"))
        .collect();
    // The two headers that exist beside it are the project's; one that
    // does not exist there is looked up as before.
    assert_eq!(
        includes,
        ["llmc/layernorm.cuh:3:10 ascend/unknown-cuda-api unknown cuda_missing.h"]
    );
}

const FBGEMM_PY: &str = r#"import torch
import fbgemm_gpu.experimental.gen_ai


def gemm(x, w, xs, ws):
    return torch.ops.fbgemm.f8f8bf16_rowwise(x, w, xs, ws)
"#;

#[test]
fn fbgemm_operators_are_a_third_party_cuda_library() {
    let dir = repo(&[("quant/fp8.py", FBGEMM_PY)]);
    let fbgemm = |target: &str| findings_naming(dir.path(), target, "fbgemm");
    assert_eq!(
        fbgemm("ascend"),
        [
            "quant/fp8.py:2:8 ascend/fbgemm-genai unsupported fbgemm_gpu.experimental.gen_ai",
            "quant/fp8.py:6:12 ascend/torch-ops-fbgemm manual torch.ops.fbgemm.f8f8bf16_rowwise",
        ]
    );
    // FBGEMM_GPU has a ROCm build; its GenAI part does not.
    assert_eq!(
        fbgemm("hygon"),
        [
            "quant/fp8.py:2:8 hygon/fbgemm-genai unsupported fbgemm_gpu.experimental.gen_ai",
            "quant/fp8.py:6:12 hygon/torch-ops-fbgemm manual torch.ops.fbgemm.f8f8bf16_rowwise",
        ]
    );
}

#[test]
fn cudnn_switches_of_pytorch_have_no_counterpart_on_ascend() {
    let dir = repo(&[(
        "docker-compose.yaml",
        "services:\n  train:\n    environment:\n      TORCH_CUDNN_V8_API_ENABLED: 1\n      TORCH_CUDNN_V8_API_DISABLED: 0\n",
    )]);
    assert_eq!(
        finding_lines(&json_report(dir.path(), "ascend")),
        [
            // Any TORCH_CUDNN_ switch; a rule of its own where one exists.
            "docker-compose.yaml:4:7 ascend/torch-cudnn-env unsupported TORCH_CUDNN_V8_API_ENABLED",
            "docker-compose.yaml:5:7 ascend/torch-cudnn-v8-api-disabled unsupported TORCH_CUDNN_V8_API_DISABLED",
        ]
    );
}

#[test]
fn warp_arithmetic_is_known_by_the_name_of_its_result() {
    let src = "__global__ void k(int* out) {\n  int id = threadIdx.x;\n  int lane = id & 0x1f;\n  int warps = blockDim.x / 32;\n  int half = id / 32;\n  out[id] = lane + warps + half;\n}\n";
    let dir = repo(&[("csrc/k.cu", src)]);
    // `half = id / 32` names neither a lane nor a warp: left alone.
    assert_eq!(
        findings_naming(dir.path(), "hygon", "hardcoded-warp-size"),
        [
            "csrc/k.cu:3:19 hygon/hardcoded-warp-size manual hardcoded-warp-size",
            "csrc/k.cu:4:28 hygon/hardcoded-warp-size manual hardcoded-warp-size",
        ]
    );
}

const OWN_COMMON_H: &str = r#"#ifndef CUDA_COMMON_H
#define CUDA_COMMON_H
#include <cuda_runtime.h>
#ifndef CUDA_VERSION
#define CUDA_VERSION 11000
#endif
#define cudaStreamCaptureModeRelaxed hipStreamCaptureModeRelaxed
inline void cudaCheck_(cudaError_t error, const char *file, int line) {
  if (error != cudaSuccess) { exit(1); }
}
#define cudaCheck(err) (cudaCheck_(err, __FILE__, __LINE__))
#endif
"#;

const OWN_TRAIN_CU: &str = r#"#include "common.h"
void setup(float** p) {
  cudaCheck(cudaMalloc(p, 64));
  cudaCheck(cudaFree(*p));
  int mode = cudaStreamCaptureModeRelaxed;
#if CUDA_VERSION >= 12000
  cudaCheck(cudaDeviceSynchronize());
#endif
}
"#;

#[test]
fn names_the_project_defines_are_its_own_not_vendor_apis() {
    let dir = repo(&[("common.h", OWN_COMMON_H), ("train.cu", OWN_TRAIN_CU)]);
    let lines = finding_lines(&json_report(dir.path(), "ascend"));
    // The project's `cudaCheck`, `cudaCheck_` and include guard go, in the
    // file that defines them and in the one that uses them; the CUDA calls
    // inside stay. A fallback for a vendor macro (`CUDA_VERSION`) and an
    // alias of a vendor name stay vendor names.
    assert_eq!(
        lines,
        [
            "common.h:3:10 ascend/include-cuda-runtime-h manual cuda_runtime.h",
            "common.h:4:9 ascend/cuda-version-macro manual CUDA_VERSION",
            "common.h:8:24 ascend/cuda-runtime manual cudaError_t",
            "common.h:9:16 ascend/cuda-runtime manual cudaSuccess",
            "train.cu:3:13 ascend/cuda-malloc manual cudaMalloc",
            "train.cu:4:13 ascend/cuda-free manual cudaFree",
            "train.cu:5:14 ascend/cuda-runtime manual cudaStreamCaptureModeRelaxed",
            "train.cu:6:5 ascend/cuda-version-macro manual CUDA_VERSION",
            "train.cu:7:13 ascend/cuda-device-synchronize manual cudaDeviceSynchronize",
        ]
    );
}

const SETUP_DEPS_PY: &str = r#"from setuptools import setup

_deps = [
    "bitsandbytes>=0.43.0",
    "jieba",
    "trl[vllm]==0.18.0",
    "torch=={}".format(TORCH),
]
deps = {d.split(">=")[0]: d for d in _deps}
setup(name="recipes", install_requires=[deps["bitsandbytes"]])
"#;

#[test]
fn requirement_strings_in_python_name_the_packages_they_install() {
    let dir = repo(&[
        ("setup.py", SETUP_DEPS_PY),
        ("requirements.txt", "distilabel[vllm,ray]>=1.5\n"),
    ]);
    let lines: Vec<String> = finding_lines(&json_report(dir.path(), "ascend"))
        .into_iter()
        .filter(|f| f.contains("package") || f.contains("bitsandbytes"))
        .collect();
    // A constrained requirement names its package and the packages its
    // extras install; a bare word and a dictionary key are not
    // requirements.
    assert_eq!(
        lines,
        [
            "requirements.txt:1:12 ascend/package-vllm manual vllm",
            "setup.py:4:6 ascend/package-bitsandbytes manual bitsandbytes",
            "setup.py:6:10 ascend/package-vllm manual vllm",
        ]
    );
}

#[test]
fn cuda_build_variants_named_in_scripts_are_reported() {
    let script = "#!/bin/bash\nbuild_one() {\n  case \"$1\" in\n    cu*) echo cuda ;;\n  esac\n}\nbuild_one cu118 2.1\nbuild_one cpu 2.1\nCU_VERSION=cu121 ./build.sh\n";
    let dir = repo(&[("dev/build_all.sh", script)]);
    let lines = findings_naming(dir.path(), "hygon", "cuda-local-version");
    // The case pattern `cu*` and the CPU build are not CUDA builds.
    assert_eq!(
        lines,
        [
            "dev/build_all.sh:7:11 hygon/cuda-local-version manual cuda-local-version",
            "dev/build_all.sh:9:12 hygon/cuda-local-version manual cuda-local-version",
        ]
    );
}

/// `rule_id sites apis class likely-hours` of the ascend plan's items
/// whose rule id contains `text`.
fn plan_items(dir: &std::path::Path, text: &str) -> Vec<String> {
    let report = json_report(dir, "ascend");
    report["plans"][0]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["items"].as_array().unwrap())
        .filter(|i| i["rule_id"].as_str().unwrap().contains(text))
        .map(|i| {
            format!(
                "{} {} {} {} {}",
                i["rule_id"].as_str().unwrap(),
                i["sites"],
                i["apis"],
                i["effort_class"].as_str().unwrap(),
                i["hours"]["likely"]
            )
        })
        .collect()
}

#[test]
fn an_adapter_is_priced_once_and_covers_its_library_where_it_applies() {
    let train = "import torch\nfrom megatron.training import get_args\nfrom megatron.legacy import mpu\nimport transformer_engine\n";
    let mut files = vec![
        ("megatron/core/__init__.py", ""),
        ("megatron/core/te_ext.py", "import transformer_engine\n"),
        ("pretrain.py", train),
    ];
    let dir = repo(&files);
    // MindSpeed's megatron_adaptor is one change at one place, however
    // many Megatron APIs the project imports (large: 16 h likely + 1 h);
    // Transformer Engine in Megatron's own files and in a file that
    // imports Megatron is the adapter's: a check per API.
    assert_eq!(
        plan_items(dir.path(), "megatron"),
        ["ascend/megatron 2 2 large 17.0"]
    );
    assert_eq!(
        plan_items(dir.path(), "transformer-engine"),
        ["ascend/transformer-engine 2 1 adapter-covered 0.5"]
    );
    // A file that runs without Megatron gets no help from its adapter: the
    // library is swapped for MindSpeed's TE adaptation there (16 h once,
    // 0.25 h for its site).
    files.push(("tools/convert.py", "import transformer_engine\n"));
    let dir = repo(&files);
    assert_eq!(
        plan_items(dir.path(), "transformer-engine"),
        ["ascend/transformer-engine 3 1 adapter-covered 16.25"]
    );
}

#[test]
fn float64_is_a_precision_review_not_a_rename_or_a_library_port() {
    let code = "import torch\n\nx = torch.cuda.DoubleTensor(4)\ny = x.double()\n";
    let dir = repo(&[("stats.py", code)]);
    // Ascend computes float64 as float32: renaming the type is not the
    // work, checking the numbers is.
    assert_eq!(
        plan_items(dir.path(), "double"),
        [
            "ascend/tensor-double-method 1 1 precision-review 4.25",
            "ascend/torch-cuda-doubletensor 1 1 precision-review 4.25",
        ]
    );
    assert_eq!(
        findings_naming(dir.path(), "cambricon", "double"),
        ["stats.py:4:7 cambricon/tensor-double-method manual double"]
    );
}

const ARCH_LIST_SETUP_PY: &str = r#"import os
from torch.utils.cpp_extension import CUDAExtension
os.environ["TORCH_CUDA_ARCH_LIST"] = "7.0;8.0;9.0+PTX"
caps = "8.0"
caps += ";8.6"
version = "1.2;3.4"
"#;

#[test]
fn compute_capability_lists_in_build_scripts_are_reported() {
    let dir = repo(&[("setup.py", ARCH_LIST_SETUP_PY)]);
    let lists = |target: &str| -> Vec<String> {
        finding_lines(&json_report(dir.path(), target))
            .into_iter()
            .filter(|f| f.contains("arch"))
            .collect()
    };
    // A single version and versions NVIDIA never shipped are not lists.
    assert_eq!(
        lists("ascend"),
        [
            "setup.py:3:12 ascend/torch-cuda-arch-list manual TORCH_CUDA_ARCH_LIST",
            "setup.py:3:38 ascend/cuda-arch-list manual cuda-arch-list",
            "setup.py:5:9 ascend/cuda-arch-list manual cuda-arch-list",
        ]
    );
    // PyTorch for ROCm ignores the list; setting the variable is the change.
    assert_eq!(
        lists("hygon"),
        ["setup.py:3:12 hygon/env-torch-cuda-arch-list manual TORCH_CUDA_ARCH_LIST"]
    );
}

const PRIVATE_BINDINGS_PY: &str = r#"import torch
from torch import _C


def clear(state):
    if hasattr(torch._C, "_cuda_clearCublasWorkspaces"):
        torch._C._cuda_clearCublasWorkspaces()
    if hasattr(_C, "_cuda_setRNGState"):
        _C._cuda_setRNGState(state)
"#;

#[test]
fn private_cuda_bindings_are_reported_also_when_named_by_strings() {
    let dir = repo(&[("memory.py", PRIVATE_BINDINGS_PY)]);
    assert_eq!(
        finding_lines(&json_report(dir.path(), "ascend")),
        [
            "memory.py:6:26 ascend/unknown-cuda-api unknown torch._C._cuda_clearCublasWorkspaces",
            "memory.py:7:9 ascend/unknown-cuda-api unknown torch._C._cuda_clearCublasWorkspaces",
            "memory.py:8:20 ascend/unknown-cuda-api unknown torch._C._cuda_setRNGState",
            "memory.py:9:9 ascend/unknown-cuda-api unknown torch._C._cuda_setRNGState",
        ]
    );
    // PyTorch for ROCm has the same bindings.
    assert_eq!(
        finding_lines(&json_report(dir.path(), "hygon")),
        Vec::<String>::new()
    );
}

const CUDNN_MAKEFILE: &str = "ifeq ($(shell [ -d $(HOME)/cudnn-frontend/include ] && echo \"exists\"), exists)\n  CUDNN_FRONTEND_PATH ?= $(HOME)/cudnn-frontend/include\nendif\n# the include/ directory is not a library of NVIDIA's\nINCLUDES = -Iinclude\nifneq ($(call file_exists_in_path, nvidia-smi),)\n  GPU_CC=$(nvidia-smi --query-gpu=compute_cap)\nendif\n%.ptx: %\n\tcuobjdump --dump-ptx $< > $@\n";

const PIP_LIBRARIES_SLURM: &str = "#!/bin/bash\nexport LD_LIBRARY_PATH=.venv/lib/python3.11/site-packages/nvidia/nvjitlink/lib\nLD_PRELOAD=/opt/site-packages/nvidia/nccl/lib/libnccl.so.2 python train.py\n";

#[test]
fn nvidia_library_directories_in_build_files_are_reported() {
    let dir = repo(&[
        ("Makefile", CUDNN_MAKEFILE),
        ("slurm/train.slurm", PIP_LIBRARIES_SLURM),
    ]);
    let paths: Vec<String> = finding_lines(&json_report(dir.path(), "hygon"))
        .into_iter()
        .filter(|f| f.contains("-path ") || f.contains("nvidia-smi") || f.contains("cuobjdump"))
        .collect();
    // NVIDIA's programs count also where Make runs them through `$(...)`.
    assert_eq!(
        paths,
        [
            "Makefile:1:20 hygon/cudnn-frontend-path manual cudnn-frontend-path",
            "Makefile:2:26 hygon/cudnn-frontend-path manual cudnn-frontend-path",
            "Makefile:6:36 hygon/command-nvidia-smi manual nvidia-smi",
            "Makefile:7:12 hygon/command-nvidia-smi manual nvidia-smi",
            "Makefile:10:2 hygon/unknown-cuda-ops unknown cuobjdump",
            "slurm/train.slurm:2:24 hygon/nvidia-pip-library-path manual nvidia-pip-library-path",
            "slurm/train.slurm:3:12 hygon/nvidia-pip-library-path manual nvidia-pip-library-path",
        ]
    );
}

const FP64_KERNEL_CU: &str = r#"__device__ float area(const float* b) {
  double theta = b[4] * 0.01745329251;
  return (float)theta;
}
__global__ void nms(const double threshold, float* out) {
  out[threadIdx.x] = area(out) > threshold;
}
double host_threshold() { return 0.5; }
"#;

#[test]
fn fp64_in_device_code_is_a_precision_decision_where_targets_lack_it() {
    let dir = repo(&[("nms.cu", FP64_KERNEL_CU)]);
    let fp64 = |target: &str| -> Vec<String> {
        finding_lines(&json_report(dir.path(), target))
            .into_iter()
            .filter(|f| f.contains("device-fp64"))
            .collect()
    };
    // Host code's `double` is not device arithmetic.
    assert_eq!(
        fp64("ascend"),
        [
            "nms.cu:2:3 ascend/device-fp64 manual device-fp64",
            "nms.cu:5:27 ascend/device-fp64 manual device-fp64",
        ]
    );
    assert_eq!(fp64("hygon"), Vec::<String>::new());
}

const CAPABILITY_GATES_PY: &str = r#"import torch


def supports_fp8(device):
    major, minor = torch.cuda.get_device_capability(device)
    name = torch.cuda.get_device_name(device)
    if (major, minor) >= (8, 9) or major >= 9:
        return True
    return torch.cuda.get_device_capability()[0] >= 10 and len(name) > 3
"#;

#[test]
fn compute_capability_gates_are_reported_where_they_decide() {
    let dir = repo(&[("fp8.py", CAPABILITY_GATES_PY)]);
    let gates = |target: &str| -> Vec<String> {
        finding_lines(&json_report(dir.path(), target))
            .into_iter()
            .filter(|f| f.contains("capability-gate"))
            .collect()
    };
    // A comparison of something else (`len(name) > 3`) is no gate.
    assert_eq!(
        gates("hygon"),
        [
            "fp8.py:7:8 hygon/capability-gate manual capability-gate",
            "fp8.py:7:36 hygon/capability-gate manual capability-gate",
            "fp8.py:9:12 hygon/capability-gate manual capability-gate",
        ]
    );
    assert_eq!(gates("ascend").len(), 3);
}

#[test]
fn env_files_are_read_as_variable_assignments() {
    let dir = repo(&[(
        "docker/.env.example",
        "# TORCH_CUDA_ARCH_LIST: the GPUs to build for\nTORCH_CUDA_ARCH_LIST=8.6;8.9+PTX\nAPP_PORT=7860\n",
    )]);
    assert_eq!(
        finding_lines(&json_report(dir.path(), "hygon")),
        ["docker/.env.example:2:1 hygon/env-torch-cuda-arch-list manual TORCH_CUDA_ARCH_LIST"]
    );
}

#[test]
fn wheel_indexes_named_by_a_cuda_variant_variable_are_cuda_builds() {
    let dir = repo(&[(
        "dev/build_wheel.sh",
        "#!/bin/bash\npip install \"torch==$PYTORCH_VERSION\" \\\n  -f https://download.pytorch.org/whl/\"$CU_VERSION\"/torch_stable.html\npip install -f https://example.com/\"$VERSION\"/index.html tool\n",
    )]);
    let indexes: Vec<String> = finding_lines(&json_report(dir.path(), "ascend"))
        .into_iter()
        .filter(|f| f.contains("wheel-index"))
        .collect();
    assert_eq!(
        indexes,
        ["dev/build_wheel.sh:3:6 ascend/cuda-wheel-index manual cuda-wheel-index"]
    );
}

const ALIAS_SETUP_PY: &str = r#"import torch
from torch.utils.cpp_extension import CppExtension, CUDAExtension

extension = CppExtension
if torch.cuda.is_available():
    extension = CUDAExtension
modules = [extension("ops._C", ["ops.cpp"])]
amp = torch.cuda.amp
scaler = amp.GradScaler()
"#;

#[test]
fn uses_of_a_local_alias_are_reported_where_it_is_assigned() {
    let dir = repo(&[("setup.py", ALIAS_SETUP_PY)]);
    let lines: Vec<String> = finding_lines(&json_report(dir.path(), "ascend"))
        .into_iter()
        .map(|f| f.split(' ').take(2).collect::<Vec<_>>().join(" "))
        .collect();
    // `extension(...)` on line 7 calls what line 6 named; `amp.GradScaler`
    // through the alias names something new.
    assert_eq!(
        lines,
        [
            "setup.py:2:53 ascend/torch-utils-cpp-extension-cudaextension",
            "setup.py:5:4 ascend/torch-cuda-is-available",
            "setup.py:6:17 ascend/torch-utils-cpp-extension-cudaextension",
            "setup.py:8:7 ascend/torch-cuda-amp",
            "setup.py:9:10 ascend/torch-cuda-amp-gradscaler",
        ]
    );
}

#[test]
fn a_header_of_device_functions_only_is_read() {
    // Nothing in it but device helpers: the prefilter must still parse it.
    let dir = repo(&[
        (
            "csrc/act.cuh",
            "#pragma once\n__device__ __forceinline__ float sigmoid(float x) {\n  return 1.f / (1.f + expf(-x));\n}\n",
        ),
        (
            "csrc/tile.hpp",
            "#pragma once\nCUTE_HOST_DEVICE int tile_of(int i) {\n  return i / 16;\n}\n",
        ),
    ]);
    for extra in [&[][..], &["--no-prefilter"][..]] {
        let mut args = vec!["--target", "ascend", "--format", "json"];
        args.extend_from_slice(extra);
        args.push(".");
        let report: serde_json::Value =
            serde_json::from_str(&common::stdout_ok(&common::migscan_in(dir.path(), &args)))
                .unwrap();
        let lines: Vec<String> = finding_lines(&report)
            .into_iter()
            .filter(|l| l.contains("device-function"))
            .collect();
        assert_eq!(
            lines,
            [
                "csrc/act.cuh:2:34 ascend/device-function manual device-function",
                "csrc/tile.hpp:2:22 ascend/device-function manual device-function",
            ],
            "{extra:?}"
        );
    }
}

#[test]
fn a_loop_behind_an_unroll_pragma_macro_parses() {
    // CUTLASS writes `CUTLASS_PRAGMA_UNROLL` before its loops; read as an
    // expression statement it cost the loop its parse, and the butterfly
    // reduction in it went unseen.
    let dir = repo(&[(
        "csrc/reduce.cuh",
        "#pragma once\n__device__ float warp_sum(float v) {\n  CUTLASS_PRAGMA_UNROLL\n  for (int mask = 16; mask > 0; mask /= 2) {\n    v += __shfl_xor_sync(0xffffffffu, v, mask);\n  }\n  return v;\n}\n",
    )]);
    let report: serde_json::Value = serde_json::from_str(&common::stdout_ok(&common::migscan_in(
        dir.path(),
        &["--target", "hygon", "--format", "json", "."],
    )))
    .unwrap();
    assert_eq!(report["syntax_errors"], serde_json::json!([]));
    let lines: Vec<String> = finding_lines(&report)
        .into_iter()
        .filter(|l| l.contains("warp-size"))
        .collect();
    assert_eq!(
        lines,
        ["csrc/reduce.cuh:4:19 hygon/hardcoded-warp-size manual hardcoded-warp-size"]
    );
}

#[test]
fn the_ascend_plan_says_what_transfer_to_npu_handles_and_what_it_leaves() {
    let report = common::json_report(&common::fixture("ddp-amp-package"), "ascend");
    let shim = &report["plans"][0]["runtime_shim"];
    assert_eq!(shim["import"], "import torch_npu.contrib.transfer_to_npu");
    // Its 14 auto sites (torch.cuda.*, "cuda", nccl) are the shim's; the
    // environment variables, apex, flash-attn, TF32 flags and torch.compile
    // are left. DDP runs unchanged with integer device ids: not a site.
    assert_eq!(
        (&shim["sites_handled"], &shim["sites_left"]),
        (&14.into(), &13.into())
    );
    assert_eq!(shim["rules_handled"], 11);
    let text = common::stdout_ok(&common::migscan_env(
        &[
            "--target",
            "ascend,hygon",
            "--color",
            "never",
            "--snippets",
            "0",
            "fixtures/ddp-amp-package",
        ],
        &[("COLUMNS", "1000")],
    ));
    assert!(
        text.contains("Runtime shim: `import torch_npu.contrib.transfer_to_npu` would handle 14 of 27 sites at run time (11 rules,"),
        "{text}"
    );
    assert_eq!(
        text.matches("Runtime shim:").count(),
        1,
        "only Ascend names one"
    );
    let hygon = common::json_report(&common::fixture("ddp-amp-package"), "hygon");
    assert!(hygon["plans"][0]["runtime_shim"].is_null());
}

#[test]
fn a_library_swapped_for_the_targets_build_is_priced_once_not_per_api() {
    let dir = repo(&[(
        "model.py",
        "import torch\nimport transformer_engine.pytorch as te\n\nclass Block(torch.nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = te.Linear(16, 16)\n        self.norm = te.LayerNorm(16)\n        self.ln_fc = te.LayerNormLinear(16, 16)\n\n    def forward(self, x):\n        with te.fp8_autocast(enabled=False):\n            return self.ln_fc(self.norm(self.fc(x)))\n",
    )]);
    let report = json_report(dir.path(), "hygon");
    let item = report["plans"][0]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["items"].as_array().unwrap())
        .find(|i| i["rule_id"] == "hygon/transformer-engine")
        .expect("the Transformer Engine item")
        .clone();
    assert_eq!(item["effort_class"], "library-swap");
    // Four names of one library (plus its import): the ROCm/DAS build keeps
    // the API, so the library is learned once (16 h likely) and each site
    // checked (0.25 h), not 16 h per name as a CUDA-only library.
    let sites = item["sites"].as_f64().unwrap();
    assert_eq!(item["apis"], 4);
    assert_eq!(
        item["hours"]["likely"].as_f64().unwrap(),
        16.0 + 0.25 * sites
    );
}

const TILED_SOFTMAX_CU: &str = r#"#include <cooperative_groups.h>
namespace cg = cooperative_groups;
#define WARP_SIZE 32
template <int tbSize, int tbSeq>
__global__ void softmax(float* x) {
  __shared__ float partial[WARP_SIZE];
  cg::thread_block b = cg::this_thread_block();
  cg::thread_block_tile<tbSize> g = cg::tiled_partition<tbSize>(b);
  for (int i = 1; i < tbSize; i *= 2) x[0] += g.shfl_xor(x[0], i);
  int chunk = WARP_SIZE * tbSeq;
  int rounded = 32 * tbSeq;
  int blocks = 32 * 4;
  partial[0] = chunk + rounded + blocks;
}
void launch(float* x, int n) {
  if (n <= 16) softmax<16, 1><<<1, 16>>>(x);
  else softmax<32, 32><<<1, 32>>>(x);
}
"#;

#[test]
fn warp_widths_spelled_through_templates_arrays_and_mirrored_literals_are_reported() {
    let dir = repo(&[("csrc/softmax.cu", TILED_SOFTMAX_CU)]);
    // The template stays generic (line 8 names its parameter); the 32
    // given for that parameter is the assumption (17:16), not the 32 for
    // `tbSeq` (17:20). The array sized by the warp-size constant (6) and the
    // literal standing where the file writes it (`32 * tbSeq`, 11) are
    // reported; `32 * 4` mirrors nothing.
    assert_eq!(
        findings_naming(dir.path(), "hygon", "hardcoded-warp-size"),
        [
            "csrc/softmax.cu:3:19 hygon/hardcoded-warp-size manual hardcoded-warp-size",
            "csrc/softmax.cu:6:28 hygon/hardcoded-warp-size manual hardcoded-warp-size",
            "csrc/softmax.cu:10:15 hygon/hardcoded-warp-size manual hardcoded-warp-size",
            "csrc/softmax.cu:11:17 hygon/hardcoded-warp-size manual hardcoded-warp-size",
            "csrc/softmax.cu:17:16 hygon/hardcoded-warp-size manual hardcoded-warp-size",
        ]
    );
}

#[test]
fn a_device_given_as_the_default_of_a_lookup_is_a_device() {
    let src = "import os\nimport torch\n\ndef setup(args, cfg):\n    init_device(device=getattr(args, \"device\", \"cuda\"))\n    x = torch.zeros(1, device=cfg.get(\"device\", \"cuda:0\"))\n    y = torch.zeros(1, device=cfg.get(\"device\"))\n    return x, y\n";
    let dir = repo(&[("train.py", src)]);
    assert_eq!(
        findings_naming(dir.path(), "ascend", "device-cuda"),
        [
            "train.py:5:48 ascend/device-cuda auto cuda",
            "train.py:6:49 ascend/device-cuda auto cuda",
        ]
    );
}

#[test]
fn aliases_watch_and_trusted_hosts_run_and_name_what_they_say() {
    let dockerfile = "FROM ubuntu:22.04\nRUN { echo \"alias ll='ls -lh'\"; \\\n      echo \"alias wns='watch nvidia-smi'\"; } >> ~/.zshrc\nRUN pip install --trusted-host pypi.ngc.nvidia.com torch\n";
    let compose = "services:\n  train:\n    environment:\n      TRUSTED_HOST: ${TRUSTED_HOST:-pypi.ngc.nvidia.com}\n      EXTRA_INDEX_URL: https://pypi.ngc.nvidia.com\n";
    let script = "#!/bin/bash\nwatch -n 1 nvidia-smi\nalias gpus=\"nvidia-smi -L\"\necho \"run nvidia-smi to see the cards\"\n";
    let dir = repo(&[
        ("Dockerfile", dockerfile),
        ("docker-compose.yaml", compose),
        ("run.sh", script),
    ]);
    // An alias's value is a command line, also when echoed into an rc
    // file; `watch` runs its operand; NVIDIA's index is named by its host
    // for pip's trusted hosts, and once per URL. A message stays prose.
    assert_eq!(
        finding_lines(&json_report(dir.path(), "hygon")),
        [
            "Dockerfile:3:30 hygon/command-nvidia-smi manual nvidia-smi",
            "Dockerfile:4:32 hygon/nvidia-package-index manual nvidia-package-index",
            "docker-compose.yaml:4:37 hygon/nvidia-package-index manual nvidia-package-index",
            "docker-compose.yaml:5:24 hygon/nvidia-package-index manual nvidia-package-index",
            "run.sh:2:12 hygon/command-nvidia-smi manual nvidia-smi",
            "run.sh:3:13 hygon/command-nvidia-smi manual nvidia-smi",
        ]
    );
}

const TF32_GATE_CU: &str = r#"#include <cuda_runtime.h>
extern cudaDeviceProp deviceProp;
int cuda_arch_major = 0;
int cc_guess = 7;

bool use_tf32(void) {
    int enable_tf32 = cuda_arch_major >= 8 ? 1 : 0;
    return enable_tf32 && cc_guess > 6;
}

void setup(void) {
    cudaGetDeviceProperties(&deviceProp, 0);
    cuda_arch_major = deviceProp.major;
    if (deviceProp.minor == 9) { cc_guess = 9; }
}
"#;

#[test]
fn compute_capability_gates_in_cpp_are_reported() {
    let dir = repo(&[("common.cu", TF32_GATE_CU)]);
    // A comparison of a variable the file assigns from `deviceProp.major`
    // (assigned after the comparison) and of a field directly; a
    // comparison of an unrelated variable is not a gate.
    assert_eq!(
        findings_naming(dir.path(), "hygon", "capability-gate"),
        [
            "common.cu:7:23 hygon/capability-gate manual capability-gate",
            "common.cu:14:9 hygon/capability-gate manual capability-gate",
        ]
    );
}

#[test]
fn autocast_calls_without_a_device_type_mean_cuda() {
    let src = "import torch\n\n\ndef f(x):\n    if torch.is_autocast_enabled():\n        return x.float()\n    return x\n\n\nclass A:\n    def g(self):\n        torch.set_autocast_enabled(False)\n        torch.set_autocast_enabled(\"cpu\", False)\n        return torch.is_autocast_enabled(\"cuda\")\n";
    let dir = repo(&[("amp_utils.py", src)]);
    // The forms without a device type read and set CUDA's autocast; the
    // rule is the only one on these lines, so the file's sole findings.
    assert_eq!(
        finding_lines(&json_report(dir.path(), "ascend"))
            .into_iter()
            .filter(|l| l.contains("autocast"))
            .collect::<Vec<_>>(),
        [
            "amp_utils.py:5:8 ascend/cuda-default-autocast manual cuda-default-autocast",
            "amp_utils.py:12:9 ascend/cuda-default-autocast manual cuda-default-autocast",
        ]
    );
    // PyTorch for ROCm: CUDA's autocast is the GPU's.
    assert!(findings_naming(dir.path(), "hygon", "cuda-default-autocast").is_empty());
}
