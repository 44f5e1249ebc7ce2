use super::*;
use migscan_core::UsageKind;

fn usages(source: &str, kinds: &[UsageKind]) -> Vec<String> {
    CudaFrontend::new()
        .extract(source)
        .unwrap()
        .usages
        .into_iter()
        .filter(|u| kinds.contains(&u.kind))
        .map(|u| u.to_string())
        .collect()
}

const KERNEL: &str = r#"#include <cuda_runtime.h>
#include "cublas_v2.h"
#include <ATen/cuda/CUDAContext.h>
// cudaMemcpy in a comment is not a usage
template <typename T>
__global__ void add_kernel(const T* x, T* y, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  int lane = threadIdx.x % 32;
  unsigned mask = __ballot_sync(0xffffffff, i < n);
  asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0}, {%1};" : "=r"(i) : "r"(n));
  if (i < n) y[i] += x[i];
}
void launch(torch::Tensor x, cudaStream_t stream) {
  TORCH_CHECK(x.is_cuda(), "x must be a cudaMemcpy tensor");
  const at::cuda::OptionalCUDAGuard guard(device_of(x));
  auto s = at::cuda::getCurrentCUDAStream();
  add_kernel<float><<<(n + 255) / 256, 256, 0, stream>>>(x.data_ptr<float>(), y, n);
  C10_CUDA_KERNEL_LAUNCH_CHECK();
  cudaMemcpyAsync(d, h, n, cudaMemcpyHostToDevice, stream);
  nvcuda::wmma::fragment<nvcuda::wmma::matrix_a, 16, 16, 16, half> a;
}
#define CUDA_CHECK(x) do { cudaError_t e = (x); if (e != cudaSuccess) throw cudaGetErrorString(e); } while (0)
"#;

#[test]
fn includes_kernels_launches_and_constructs() {
    use UsageKind::*;
    assert_eq!(
        usages(
            KERNEL,
            &[Include, KernelDef, KernelLaunch, Construct, Method]
        ),
        [
            "include cuda_runtime.h @1:10",
            "include cublas_v2.h @2:10",
            "include ATen/cuda/CUDAContext.h @3:10",
            "kernel-def add_kernel @6:17",
            "construct hardcoded-warp-size @8:28",
            "construct full-warp-mask @9:33",
            "construct inline-asm @10:3",
            "construct ptx-mma @10:3",
            "method is_cuda @14:17",
            "kernel-launch add_kernel @17:20",
            "method data_ptr @17:60",
        ]
    );
    let extraction = CudaFrontend::new().extract(KERNEL).unwrap();
    let kernel = extraction
        .usages
        .iter()
        .find(|u| u.kind == KernelDef)
        .unwrap();
    assert_eq!(kernel.weight, 7);
}

#[test]
fn symbols_are_what_the_code_uses_not_what_it_defines() {
    let symbols: Vec<String> = usages(KERNEL, &[UsageKind::Symbol])
        .into_iter()
        .map(|s| s.split(' ').nth(1).unwrap().to_string())
        .collect();
    for used in [
        "__ballot_sync",
        "cudaStream_t",
        "at::cuda::OptionalCUDAGuard",
        "at::cuda::getCurrentCUDAStream",
        "C10_CUDA_KERNEL_LAUNCH_CHECK",
        "cudaMemcpyAsync",
        "cudaMemcpyHostToDevice",
        "nvcuda::wmma::fragment",
        "nvcuda::wmma::matrix_a",
        "cudaError_t",
        "cudaSuccess",
        "cudaGetErrorString",
        "torch::Tensor",
    ] {
        assert!(
            symbols.contains(&used.to_string()),
            "{used} missing from {symbols:?}"
        );
    }
    // Definitions, parameters and comments/strings are not uses.
    for defined in [
        "add_kernel",
        "launch",
        "lane",
        "mask",
        "cudaMemcpy",
        "CUDA_CHECK",
    ] {
        assert!(
            !symbols.contains(&defined.to_string()),
            "{defined} reported"
        );
    }
}

#[test]
fn deep_nesting_does_not_overflow_the_stack() {
    let depth = 20_000;
    let src = format!(
        "int f() {{ return {}cudaGetLastError(){}; }}",
        "(".repeat(depth),
        ")".repeat(depth)
    );
    let extraction = CudaFrontend::new().extract(&src).unwrap();
    assert!(extraction
        .usages
        .iter()
        .any(|u| u.name == "cudaGetLastError"));
}

#[test]
fn launches_inside_macros_are_found() {
    let src = "#define LAUNCH(T, N) \\\n  scale_kernel<T, N><<<grid, block, 0, stream>>>(x, n); \\\n  other<<<1, 1>>>()\n";
    assert_eq!(
        usages(src, &[UsageKind::KernelLaunch]),
        [
            "kernel-launch scale_kernel @2:3",
            "kernel-launch other @3:3"
        ]
    );
}

#[test]
fn device_functions_and_warp_size_however_spelled() {
    let source = r#"#define WARP_SIZE 32
constexpr int kWarpSize = 32;
__device__ __forceinline__ float warp_sum(float v) {
  for (int o = 16; o > 0; o /= 2) v += __shfl_xor_sync(0xffffffffu, v, o);
  return v;
}
__host__ __device__ int lane_of(int tid) { return tid >> 5; }
__global__ void k(float* x) {
  auto tile = cg::tiled_partition<32>(cg::this_thread_block());
  int warps = blockDim.x / WARP_SIZE;
  for (int s = 16; s > 0; s--) {}
  int n = warpSize;
}
"#;
    assert_eq!(
        usages(source, &[UsageKind::KernelDef, UsageKind::Construct]),
        [
            "construct hardcoded-warp-size @1:19",
            "construct hardcoded-warp-size @2:27",
            "construct device-function @3:34",
            "construct hardcoded-warp-size @4:16",
            "construct full-warp-mask @4:56",
            "construct device-function @7:25",
            "construct hardcoded-warp-size @7:58",
            "kernel-def k @8:17",
            "construct hardcoded-warp-size @9:34",
            "construct hardcoded-warp-size @10:28",
        ]
    );
    let extraction = CudaFrontend::new().extract(source).unwrap();
    let weights: Vec<u32> = extraction
        .usages
        .iter()
        .filter(|u| u.name == "device-function")
        .map(|u| u.weight)
        .collect();
    assert_eq!(weights, [4, 1]);
}

#[test]
fn namespace_aliases_and_declarations_the_grammar_loses() {
    let source = "namespace cg = cooperative_groups;\ntemplate <>\nDS_D_INLINE __half init<Op::Add>()\n{\n    cg::thread_block tb = cg::this_thread_block();\n    return __half(0); // __nv_bfloat16 in a comment\n}\n";
    assert_eq!(
        usages(source, &[UsageKind::Symbol])
            .into_iter()
            .filter(|u| u.contains("__") || u.contains("cooperative_groups"))
            .collect::<Vec<_>>(),
        [
            "symbol cooperative_groups @1:16",
            "symbol __half @3:13",
            "symbol cooperative_groups::thread_block @5:5",
            "symbol cooperative_groups::this_thread_block @5:27",
            "symbol __half @6:12",
        ]
    );
}

#[test]
fn memory_spaces_and_launch_bounds_are_symbols() {
    let source = "__shared__ float s[32];\n__global__ void __launch_bounds__(256) k() {\n  extern __shared__ char buf[];\n  __constant__ int c;\n}\n";
    assert_eq!(
        usages(source, &[UsageKind::Symbol])
            .into_iter()
            .filter(|u| u.contains("__"))
            .collect::<Vec<_>>(),
        [
            "symbol __shared__ @1:1",
            "symbol __launch_bounds__ @2:17",
            "symbol __shared__ @3:10",
            "symbol __constant__ @4:3",
        ]
    );
}
