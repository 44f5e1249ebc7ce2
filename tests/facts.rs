//! Facts the packs hold for a stack version, checked through the binary on
//! code that uses them (see `docs/rules/` for every rule's source).

mod common;

use common::{finding_lines, json_report, repo};

const GDS_CU: &str = r#"#include <cuda_bf16.h>
#include <cuda_fp8.h>
#include <cufile.h>
#include <cublasLt.h>

__device__ __nv_bfloat162 clamp(__nv_bfloat162 a, __nv_bfloat162 b) {
  return __hmax2(a, b);
}
__device__ __half2_raw widen(__nv_fp8x2_storage_t v) {
  return __nv_cvt_fp8x2_to_halfraw2(v, __NV_E4M3);
}
__device__ float scale(__nv_fp8_e4m3 x) { return float(x); }

void read(CUfileHandle_t fh, void* buf) {
  cuFileRead(fh, buf, 4096, 0, 0);
}
cublasGemmAlgo_t algo = CUBLAS_GEMM_ALGO15_TENSOR_OP;
cublasLtEpilogue_t epilogue = CUBLASLT_EPILOGUE_DGELU;
"#;

#[test]
fn hygon_follows_the_current_hipify_tables() {
    let dir = repo(&[("csrc/gds.cu", GDS_CU)]);
    let lines: Vec<String> = finding_lines(&json_report(dir.path(), "hygon"))
        .into_iter()
        .filter(|f| !f.contains(" hygon/kernel") && !f.contains("device-function"))
        .collect();
    // `__hmax2` is HIP's since 5.7 and no finding; the fp8 conversions are
    // renames since HIP 6.2, the fp8 type and format map to FNUZ ones (a
    // manual change); cuFile is hipFile since HIP 7.2; HIPIFY has no
    // counterpart for the 16th cuBLAS algorithm, and hipBLASLt has the GELU
    // epilogue. Headers follow HIPIFY's include map.
    assert_eq!(
        lines,
        [
            "csrc/gds.cu:1:10 hygon/include-cuda-bf16-h auto cuda_bf16.h",
            "csrc/gds.cu:2:10 hygon/include-cuda-fp8-h auto cuda_fp8.h",
            "csrc/gds.cu:3:10 hygon/include-cufile-h auto cufile.h",
            "csrc/gds.cu:4:10 hygon/include-cublaslt-h auto cublasLt.h",
            "csrc/gds.cu:6:12 hygon/nv-bfloat162 auto __nv_bfloat162",
            "csrc/gds.cu:6:33 hygon/nv-bfloat162 auto __nv_bfloat162",
            "csrc/gds.cu:6:51 hygon/nv-bfloat162 auto __nv_bfloat162",
            "csrc/gds.cu:9:30 hygon/nv-fp8x2-storage-t auto __nv_fp8x2_storage_t",
            "csrc/gds.cu:10:10 hygon/nv-cvt-fp8x2-to-halfraw2 auto __nv_cvt_fp8x2_to_halfraw2",
            "csrc/gds.cu:10:40 hygon/nv-e4-m3 manual __NV_E4M3",
            "csrc/gds.cu:12:24 hygon/nv-fp8-e4m3 manual __nv_fp8_e4m3",
            "csrc/gds.cu:14:11 hygon/cufile-handle-t auto CUfileHandle_t",
            "csrc/gds.cu:15:3 hygon/cu-file-read auto cuFileRead",
            "csrc/gds.cu:17:1 hygon/cublas-gemm-algo-t auto cublasGemmAlgo_t",
            "csrc/gds.cu:17:25 hygon/cublas-gemm-algo15-tensor-op unsupported CUBLAS_GEMM_ALGO15_TENSOR_OP",
            "csrc/gds.cu:18:1 hygon/cublas-lt-epilogue-t auto cublasLtEpilogue_t",
            "csrc/gds.cu:18:31 hygon/cublaslt-epilogue-dgelu auto CUBLASLT_EPILOGUE_DGELU",
        ]
    );
}

const STREAMING_CU: &str = r#"__device__ float4 load(const float4* p) { return __ldcs(p); }
__device__ void store(float4* p, float4 v) { __stcs(p, v); }
__device__ float first(const float* p) { return __ldg(p); }
"#;

#[test]
fn hygon_cache_hint_loads_exist_only_for_half() {
    let dir = repo(&[("stream.cu", STREAMING_CU)]);
    let lines: Vec<String> = finding_lines(&json_report(dir.path(), "hygon"))
        .into_iter()
        .filter(|f| f.contains("/ld") || f.contains("/st"))
        .collect();
    // HIPIFY maps `__ldcs` by name, but HIP defines it for `__half` and
    // `__half2` only; `__stcs` it lacks; `__ldg` has every overload.
    assert_eq!(
        lines,
        [
            "stream.cu:1:50 hygon/ldcs manual __ldcs",
            "stream.cu:2:46 hygon/stcs unsupported __stcs",
        ]
    );
}

const LIBRARIES_PY: &str = "import accelerate
import flash_attn
import tensorrt
import nccl
from grouped_gemm import ops
";

#[test]
fn every_pack_has_a_story_for_the_libraries_another_prices() {
    let dir = repo(&[("serve.py", LIBRARIES_PY)]);
    let lines = |target: &str| -> Vec<String> {
        finding_lines(&json_report(dir.path(), target))
            .into_iter()
            .map(|l| {
                l.rsplit_once(' ')
                    .map_or(l.clone(), |(head, _)| head.to_string())
            })
            .collect()
    };
    // accelerate drives MLU and NPU itself: no finding; the rest have rules
    // (the module names are lower case: `NCCL` and `TensorRT` never matched).
    assert_eq!(
        lines("cambricon"),
        [
            "serve.py:2:8 cambricon/flash-attn manual",
            "serve.py:3:8 cambricon/tensorrt manual",
            "serve.py:4:8 cambricon/nccl manual",
            "serve.py:5:26 cambricon/grouped-gemm manual",
        ]
    );
    assert_eq!(
        lines("hygon"),
        [
            "serve.py:2:8 hygon/flash-attn manual",
            "serve.py:3:8 hygon/tensorrt manual",
            "serve.py:4:8 hygon/nccl4py manual",
            "serve.py:5:26 hygon/grouped-gemm manual",
        ]
    );
}
