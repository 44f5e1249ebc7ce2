use crate::Span;
use serde::{Deserialize, Serialize};

/// What kind of use of a name a frontend saw.
///
/// Rules select usages by kind; see `docs/rules.md` for which rule `match`
/// keys select which kinds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum UsageKind {
    /// A module or a name imported from one (`import flash_attn`,
    /// `from torch.cuda.amp import GradScaler`): the qualified name imported.
    Import,
    /// A call of a resolved qualified name (`torch.cuda.synchronize()`).
    Call,
    /// A reference to a resolved qualified name that is not called
    /// (`torch.float64`, `torch.backends.cudnn.benchmark = True`).
    Attribute,
    /// A decorator naming a resolved qualified name (`@torch.compile`).
    Decorator,
    /// A method called on a receiver whose type is unknown (`x.cuda()`): the
    /// method name.
    Method,
    /// An attribute read on a receiver whose type is unknown (`x.is_cuda`).
    Member,
    /// A string in a device position (`device="cuda:0"`): the device type
    /// before any `:index`.
    DeviceString,
    /// A string in a distributed-backend position (`backend="nccl"`).
    BackendString,
    /// An environment variable read or written (`os.environ["CUDA_VISIBLE_DEVICES"]`,
    /// `export NCCL_DEBUG=INFO`, `ENV CUDA_HOME=...`).
    EnvVar,
    /// A C/C++ header included (`cuda_runtime.h`, `cub/cub.cuh`).
    Include,
    /// A C/C++ or Rust identifier used (called, named as a type, macro or
    /// constant): `cudaMemcpyAsync`, `at::cuda::getCurrentCUDAStream`,
    /// `Device::Cuda`.
    Symbol,
    /// A CUDA kernel definition (`__global__`): the kernel's name; the
    /// usage's weight is its length in lines.
    KernelDef,
    /// A kernel launch (`kernel<<<grid, block>>>(...)`): the kernel's name.
    KernelLaunch,
    /// A language construct with no name of its own: `inline-asm`,
    /// `ptx-mma`, `full-warp-mask`, `hardcoded-warp-size`, ...
    Construct,
    /// A package named in a requirements file, `pyproject.toml`,
    /// `environment.yml` or `Cargo.toml` (normalized: lower case, `-`).
    Package,
    /// A container base image (`FROM nvidia/cuda:12.1.0-devel-ubuntu22.04`).
    Image,
    /// A cluster resource: Kubernetes resource names, node selectors, Slurm gres.
    Resource,
    /// A program run from a script or container build (`nvidia-smi`, `nvcc`).
    Command,
    /// A build-system setting: CMake languages, packages, variables and
    /// targets; compiler flags.
    BuildSetting,
    /// A third-party library vendored into the project (a directory under
    /// `third_party/`, a library known by its own files such as
    /// `include/cutlass/cutlass.h`): the library's name; the weight is its
    /// lines. One usage stands for the whole library.
    Vendored,
    /// A model named by its hub id with a size (`"Qwen/Qwen2.5-7B-Instruct"`):
    /// read by the hardware section, never matched by rules.
    ModelRef,
}

impl UsageKind {
    /// Kebab-case name used in JSON output and rule documentation.
    pub fn as_str(self) -> &'static str {
        match self {
            UsageKind::Import => "import",
            UsageKind::Call => "call",
            UsageKind::Attribute => "attribute",
            UsageKind::Decorator => "decorator",
            UsageKind::Method => "method",
            UsageKind::Member => "member",
            UsageKind::DeviceString => "device-string",
            UsageKind::BackendString => "backend-string",
            UsageKind::EnvVar => "env-var",
            UsageKind::Include => "include",
            UsageKind::Symbol => "symbol",
            UsageKind::KernelDef => "kernel-def",
            UsageKind::KernelLaunch => "kernel-launch",
            UsageKind::Construct => "construct",
            UsageKind::Package => "package",
            UsageKind::Image => "image",
            UsageKind::Resource => "resource",
            UsageKind::Command => "command",
            UsageKind::BuildSetting => "build-setting",
            UsageKind::Vendored => "vendored",
            UsageKind::ModelRef => "model-ref",
        }
    }

    /// Whether the usage's name is a resolved, dotted qualified name.
    pub fn is_qualified(self) -> bool {
        matches!(
            self,
            UsageKind::Import | UsageKind::Call | UsageKind::Attribute | UsageKind::Decorator
        )
    }
}

/// One language-neutral fact a frontend extracted from a file.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Usage {
    /// What kind of use this is.
    pub kind: UsageKind,
    /// The qualified name, method name, string value or variable name.
    pub name: String,
    /// Where it is; for strings, the string literal.
    pub span: Span,
    /// How big the used construct is, for effort: a kernel's lines; 1 for
    /// everything else.
    pub weight: u32,
    /// In a notebook, the 1-based number of the cell the usage is in (the
    /// span points into the `.ipynb` file itself).
    pub cell: Option<u32>,
}

impl Usage {
    /// A usage of weight 1.
    pub fn new(kind: UsageKind, name: impl Into<String>, span: Span) -> Self {
        Self {
            kind,
            name: name.into(),
            span,
            weight: 1,
            cell: None,
        }
    }
}

/// `kind name @line:column`, the compact form frontends' tests and debug
/// output compare against.
impl std::fmt::Display for Usage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {} @{}:{}",
            self.kind.as_str(),
            self.name,
            self.span.line,
            self.span.column
        )
    }
}

/// The parameter count, in billions, a hub model id states in its name:
/// `Qwen/Qwen2.5-7B-Instruct` → 7, `meta-llama/Llama-2-70b-hf` → 70.
pub fn model_parameters(model_id: &str) -> Option<f64> {
    let name = model_id.rsplit('/').next()?;
    name.split(['-', '_']).find_map(|token| {
        let number = token.strip_suffix(['B', 'b'])?;
        let digits = !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit() || b == b'.');
        number.parse::<f64>().ok().filter(|n| digits && *n > 0.0)
    })
}

/// Programs only NVIDIA's stack ships: the driver's and the toolkit's
/// command-line tools, which a build or a job script runs by name.
pub const NVIDIA_PROGRAMS: &[&str] = &[
    "nvcc",
    "nvidia-smi",
    "nsys",
    "ncu",
    "nvprof",
    "dcgmi",
    "cuobjdump",
    "nvdisasm",
    "ptxas",
    "fatbinary",
    "compute-sanitizer",
    "cuda-memcheck",
    "cuda-gdb",
    "__nvcc_device_query",
];
