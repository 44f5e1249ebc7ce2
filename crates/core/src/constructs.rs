//! Every construct a frontend reports: code with no name of its own that
//! rule packs match with `match = { construct = "..." }`. A rule naming
//! anything else would match nothing, so the loader rejects it.

/// The construct both the Python and the C/C++ frontend report for a
/// comparison with an NVIDIA compute capability, so the same rules price
/// it in either language.
pub const CAPABILITY_GATE: &str = "capability-gate";

/// Construct names and what each marks.
pub const CONSTRUCTS: &[(&str, &str)] = &[
    ("kernel-definition", "a `__global__` function (CUDA C++)"),
    ("kernel-launch", "a `<<<...>>>` kernel launch (CUDA C++)"),
    ("device-function", "a `__device__` function (CUDA C++)"),
    ("device-fp64", "`double` in device code (CUDA C++)"),
    ("inline-asm", "inline assembly, `asm(...)` (CUDA C++)"),
    ("ptx-mma", "tensor-core PTX in inline assembly: `mma.sync`, `wgmma`, `ldmatrix` (CUDA C++)"),
    ("full-warp-mask", "a full 32-lane mask `0xffffffff` (CUDA C++)"),
    ("hardcoded-warp-size", "a warp size written as 32: lane arithmetic, a constant, a shuffle loop from 16, a 32-thread tile (CUDA C++, Python)"),
    ("triton-kernel", "a `@triton.jit` function (Python)"),
    ("cute-dsl-kernel", "a `@cute.kernel` or `@cute.jit` function of CUTLASS's CuTe Python DSL, sized by its lines (Python)"),
    ("cuda-default-autocast", "`torch.is_autocast_enabled()` or `torch.set_autocast_enabled(flag)` without a device type, which means CUDA's autocast (Python)"),
    ("triton-num-warps", "a Triton `num_warps=` launch or config argument (Python)"),
    ("triton-num-stages", "a Triton `num_stages=` launch or config argument (Python)"),
    ("capability-gate", "a comparison with an NVIDIA compute capability (Python; C/C++ on a `cudaDeviceProp`'s `major`/`minor`)"),
    ("cuda-extension-source", "a `.cu` source in an extension build (Python setup files)"),
    ("cuda-arch-list", "an NVIDIA architecture list such as `TORCH_CUDA_ARCH_LIST` values (Python, ops files)"),
    ("nvcc-recipe", "a Makefile recipe that runs nvcc"),
    ("cudnn-frontend-path", "a path into the cuDNN frontend's directory (build files)"),
    ("nvidia-pip-library-path", "a path into the CUDA libraries pip installs (build and ops files)"),
    ("cuda-local-version", "a `+cuXYZ` local version in a requirement"),
    ("cuda-wheel-index", "a PyTorch CUDA wheel index (`download.pytorch.org/whl/cuXYZ`)"),
    ("nvidia-package-index", "NVIDIA's package index (`pypi.nvidia.com`, `pypi.ngc.nvidia.com`)"),
];

/// Constructs that carry what follows the colon (`env-module:cuda` for
/// `module load cuda`).
pub const CONSTRUCT_PREFIXES: &[(&str, &str)] = &[(
    "env-module:",
    "an environment module loaded in a shell or Slurm script",
)];

/// Whether a frontend reports `name`.
pub fn is_construct(name: &str) -> bool {
    CONSTRUCTS.iter().any(|(known, _)| *known == name)
        || CONSTRUCT_PREFIXES
            .iter()
            .any(|(prefix, _)| name.len() > prefix.len() && name.starts_with(prefix))
}
