//! Where in Python code a string names a device, a backend or an environment
//! variable. These tables are language knowledge (PyTorch's signatures), not
//! migration rules: they decide which strings become usages at all.

/// Keyword arguments whose value is a device (type) string. These are the
/// keywords `torch_npu.contrib.transfer_to_npu` rewrites (`device_kwargs_list`)
/// plus `device_ids` of DDP.
pub const DEVICE_KEYWORDS: &[&str] = &[
    "device",
    "device_type",
    "map_location",
    "device_id",
    "device_ids",
    "output_device",
];

/// Callees whose first positional argument is a device string.
pub const DEVICE_FIRST_ARG: &[&str] = &[
    "torch.device",
    "torch.autocast",
    "torch.amp.autocast",
    "torch.amp.GradScaler",
    "torch.get_device_module",
    "torch.set_default_device",
];

/// Methods (on any receiver) whose first positional argument may be a device.
pub const DEVICE_FIRST_ARG_METHODS: &[&str] = &["to", "to_empty"];

/// Callees whose first positional argument is a process-group backend.
pub const BACKEND_FIRST_ARG: &[&str] = &["torch.distributed.init_process_group"];

/// Keyword arguments whose value is a process-group backend.
pub const BACKEND_KEYWORDS: &[&str] = &["backend"];

/// Callees whose first positional argument is an environment variable name.
pub const ENV_FIRST_ARG: &[&str] = &[
    "os.getenv",
    "os.putenv",
    "os.unsetenv",
    "os.environ.get",
    "os.environ.setdefault",
    "os.environ.pop",
    "os.environ.__getitem__",
];

/// The mapping of environment variables; subscripts and `in` tests of it
/// name variables.
pub const ENVIRON: &str = "os.environ";

/// Whether a variable, attribute or parameter called `name` holds a device.
/// Assignments and defaults such as `device = "cuda"` or
/// `def f(device_type="cuda")` pick the device just as `device=` does.
/// Case does not matter: `DEVICE = "cuda"` is a module-level constant.
pub fn is_device_name(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    DEVICE_KEYWORDS.contains(&name.as_str()) || name.ends_with("_device")
}

/// The construct a call reading or setting CUDA's autocast state by
/// default is reported as.
pub const CUDA_DEFAULT_AUTOCAST: &str = "cuda-default-autocast";

/// Autocast calls whose form without a device type means CUDA, with the
/// number of arguments of that form.
pub const CUDA_DEFAULT_AUTOCAST_CALLS: &[(&str, usize)] = &[
    ("torch.is_autocast_enabled", 0),
    ("torch.set_autocast_enabled", 1),
];

/// Triton's launch options tuned for NVIDIA GPUs (`triton.Config(...,
/// num_warps=8, num_stages=2)`, `kernel[grid](..., num_warps=4)`), and the
/// construct each is reported as. `num_warps` counts 32-lane warps; the
/// keywords are Triton's own, so any call passing them launches or tunes a
/// Triton kernel.
pub const TRITON_LAUNCH_KEYWORDS: &[(&str, &str)] = &[
    ("num_warps", "triton-num-warps"),
    ("num_stages", "triton-num-stages"),
];

/// The build setting nvcc's argument list of a PyTorch extension is
/// reported as: the `"nvcc"` key of `extra_compile_args` (`{"nvcc": [...]}`,
/// `args["nvcc"].append(...)`), or `load(..., extra_cuda_cflags=[...])`.
pub const NVCC_ARGS: &str = "cpp-extension:nvcc-args";

/// The build setting `load(..., with_cuda=True)` is reported as: the
/// extension is compiled with the CUDA toolchain.
pub const WITH_CUDA: &str = "cpp-extension:with-cuda";

/// Keywords of extension builders whose list holds linker flags
/// (`extra_ldflags=["-lnccl"]`).
pub const LINK_FLAG_KEYWORDS: &[&str] = &["extra_ldflags", "extra_link_args"];

/// Decorators that compile a Python function into a GPU kernel, by the
/// end of the qualified name they resolve to (a package may re-export
/// `triton`: `from vllm.triton_utils import triton`), and the construct the
/// kernel is reported as (sized by its lines, like a CUDA kernel).
pub const KERNEL_DECORATORS: &[(&str, &str)] = &[
    ("triton.jit", "triton-kernel"),
    // CUTLASS's CuTe Python DSL: `@cute.kernel` GPU kernels and the
    // `@cute.jit` functions that build and launch them.
    ("cute.kernel", "cute-dsl-kernel"),
    ("cute.jit", "cute-dsl-kernel"),
];

/// The construct a `.cu`/`.cuh` path in Python code is reported as.
pub const CUDA_SOURCE: &str = "cuda-extension-source";

/// The construct a list of NVIDIA compute capabilities in Python code
/// (`"7.0;8.0;9.0+PTX"`) is reported as.
pub const CUDA_ARCH_LIST: &str = "cuda-arch-list";

/// Compiler flags only nvcc takes, or that undo CUDA's own header macros: a
/// string holding one is part of a CUDA build wherever it stands
/// (`flags.append("--use_fast_math")`, a list built up over a function),
/// not only in `extra_compile_args`.
pub const NVCC_ONLY_FLAGS: &[&str] = &[
    "-gencode",
    "--generate-code",
    "--use_fast_math",
    "-use_fast_math",
    "--expt-relaxed-constexpr",
    "--expt-extended-lambda",
    "--extended-lambda",
    "-Xptxas",
    "--ptxas-options",
    "-maxrregcount",
    "--maxrregcount",
    "--gpu-architecture",
    "-allow-unsupported-compiler",
    "-ccbin",
    "-Xcompiler",
    "--compiler-options",
    "-lineinfo",
    "--generate-line-info",
    "-U__CUDA_NO_HALF_OPERATORS__",
    "-U__CUDA_NO_HALF_CONVERSIONS__",
    "-U__CUDA_NO_HALF2_OPERATORS__",
    "-U__CUDA_NO_BFLOAT16_CONVERSIONS__",
    "-U__CUDA_NO_BFLOAT16_OPERATORS__",
    "-U__CUDA_NO_BFLOAT162_OPERATORS__",
    "-U__CUDA_NO_BFLOAT162_CONVERSIONS__",
];

/// Prefixes of NVIDIA's C libraries' names. In a module that uses `ctypes`,
/// a string that is such a name (`"cudaMalloc"`, `"ncclAllReduce"`) names
/// the C function it loads (`Function("cudaSetDevice", ...)`,
/// `lib.funcs["ncclCommInitRank"]`), and it changes as the C call would.
pub const C_API_PREFIXES: &[&str] = &[
    "cuda", "cu", "nccl", "cublas", "cublasLt", "cudnn", "cufft", "curand", "cusparse", "cusolver",
    "nvrtc", "nvml",
];

/// Options only `nvidia-smi` takes (its query mode, `nvidia-smi --help-query-gpu`): an
/// argument list holding one runs it, whatever its first item is (`[smi_path(),
/// "--query-gpu=name", "--format=csv"]`).
pub const NVIDIA_SMI_OPTIONS: &[&str] = &[
    "--query-gpu=",
    "--query-compute-apps=",
    "--query-accounted-apps=",
    "--query-supported-clocks=",
    "--query-retired-pages=",
    "--query-remapped-rows=",
];

/// NVIDIA's programs: a string that starts with one runs it
/// (`subprocess.run(["nvidia-smi", ...])`, `shutil.which("nvcc")`).
pub const NVIDIA_TOOLS: &[&str] = &["nvidia-smi", "nvcc"];
