//! The match index: one target's rules compiled for lookup by usage.

use crate::model::{Rule, Selector};
use migscan_core::{Usage, UsageKind};
use rustc_hash::FxHashMap as HashMap;
use std::cell::Cell;

/// How a usage fared against a pack.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The rule at this catalog index matched.
    Rule(usize),
    /// No rule matched, but the usage looks CUDA-specific.
    Unknown,
}

/// A target's rules, compiled once per run, looked up per usage.
///
/// Exact matches win over prefix matches, and a longer prefix over a shorter
/// one, so `torch.cuda.amp.GradScaler` can have its own rule under a
/// `torch.cuda` catch-all, and `cublasLt` its own under `cublas`.
#[derive(Debug, Default)]
pub struct RuleIndex {
    exact: HashMap<Selector, HashMap<String, Vec<usize>>>,
    /// Dotted-name prefixes, looked up segment by segment.
    dotted: HashMap<String, Vec<usize>>,
    /// String and identifier prefixes per selector, longest first.
    prefixes: HashMap<Selector, Vec<(String, usize)>>,
    /// The longest key of `exact` and of `dotted`: a longer candidate
    /// cannot match, and is not hashed (a generated `a::a::...` name of
    /// 100,000 segments would otherwise hash each of its suffixes).
    longest_exact: usize,
    longest_dotted: usize,
}

impl RuleIndex {
    /// Compiles `rules` (catalog index, rule) into an index.
    pub fn new<'r>(rules: impl IntoIterator<Item = (usize, &'r Rule)>) -> Self {
        let mut index = RuleIndex::default();
        for (i, rule) in rules {
            let m = &rule.matcher;
            let value = m.value.clone();
            match (m.prefix, m.selector) {
                (false, selector) => index
                    .exact
                    .entry(selector)
                    .or_default()
                    .entry(value)
                    .or_default()
                    .push(i),
                (true, Selector::Name) => index.dotted.entry(value).or_default().push(i),
                (true, selector) => index.prefixes.entry(selector).or_default().push((value, i)),
            }
        }
        for list in index.prefixes.values_mut() {
            list.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.1.cmp(&b.1)));
        }
        let longest =
            |keys: &mut dyn Iterator<Item = &String>| keys.map(String::len).max().unwrap_or(0);
        index.longest_exact = longest(&mut index.exact.values().flat_map(|m| m.keys()));
        index.longest_dotted = longest(&mut index.dotted.keys());
        index
    }

    /// The rule matching `usage`, or `Unknown` for an uncovered CUDA-looking
    /// usage, or `None`.
    ///
    /// A rule that names the usage but not its kind (`triton` counted at
    /// imports and `@triton.jit` kernels only) still covers it: the usage
    /// is part of what the rule already reports, not an unknown API.
    pub fn lookup(&self, usage: &Usage, rules: &[Rule]) -> Option<Verdict> {
        self.lookup_name(usage.kind, &usage.name, rules)
    }

    /// [`RuleIndex::lookup`] for a usage of `kind` named `name` that has not
    /// been built: frontends ask before they allocate one.
    pub fn lookup_name(&self, kind: UsageKind, name: &str, rules: &[Rule]) -> Option<Verdict> {
        let selector = Selector::of(kind);
        let key = Selector::name_key(kind, name);
        let covered = Cell::new(false);
        let accepts = |&&i: &&usize| {
            let m = &rules[i].matcher;
            if m.except.iter().any(|e| is_under(key, e)) {
                return false;
            }
            covered.set(true);
            m.kinds.is_empty() || m.kinds.contains(&kind)
        };
        let exact = self.exact.get(&selector);
        // Qualified C++ and Rust names also match by their trailing segments:
        // `c10::cuda::getCurrentCUDAStream` and a `using`-imported
        // `getCurrentCUDAStream` are one API, `tch::Device::Cuda` is `Device::Cuda`.
        let suffixes = || {
            let qualified = selector == Selector::Symbol;
            std::iter::once(key).chain(
                key.match_indices("::")
                    .map(move |(i, _)| &key[i + 2..])
                    .filter(move |_| qualified),
            )
        };
        for candidate in suffixes().filter(|c| c.len() <= self.longest_exact) {
            if let Some(found) = exact
                .and_then(|names| names.get(candidate))
                .and_then(|c| c.iter().find(accepts))
            {
                return Some(Verdict::Rule(*found));
            }
        }
        if selector == Selector::Name {
            for prefix in dotted_prefixes(key).filter(|p| p.len() <= self.longest_dotted) {
                if let Some(found) = self.dotted.get(prefix).and_then(|c| c.iter().find(accepts)) {
                    return Some(Verdict::Rule(*found));
                }
            }
        } else if let Some(list) = self.prefixes.get(&selector) {
            for candidate in suffixes() {
                let hit = list.iter().find(|(p, i)| {
                    let starts = match selector {
                        Selector::Symbol => has_identifier_prefix(candidate, p),
                        _ => candidate.starts_with(p.as_str()),
                    };
                    starts && accepts(&i)
                });
                if let Some((_, i)) = hit {
                    return Some(Verdict::Rule(*i));
                }
            }
        }
        (!covered.get() && looks_cuda_specific(kind, name)).then_some(Verdict::Unknown)
    }
}

/// Whether `name` is `parent` or a dotted descendant of it.
fn is_under(name: &str, parent: &str) -> bool {
    name.strip_prefix(parent)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
}

/// `a.b.c` → `a.b.c`, `a.b`, `a`.
fn dotted_prefixes(name: &str) -> impl Iterator<Item = &str> {
    std::iter::once(name).chain(name.rmatch_indices('.').map(move |(i, _)| &name[..i]))
}

/// Whether `name` starts with the identifier prefix `prefix`: the prefix,
/// then the end, an upper-case letter or a digit, the way NVIDIA's APIs
/// are named (`cuda` matches `cudaMemcpy`, `cu` matches `cuInit`; neither
/// matches `cudaify`, `custom_op` or a project's own `cuda_helper`). A
/// prefix ending in `_` or `::` (`CUDA_`, `at::cuda::`) matches anything;
/// one ending in `::` also matches the namespace itself (`at::cuda`, as
/// `using namespace at::cuda;` names it).
fn has_identifier_prefix(name: &str, prefix: &str) -> bool {
    if prefix.strip_suffix("::") == Some(name) {
        return true;
    }
    name.strip_prefix(prefix).is_some_and(|rest| {
        prefix.ends_with(['_', ':'])
            || rest.is_empty()
            || rest.starts_with(|c: char| c.is_ascii_uppercase() || c.is_ascii_digit())
    })
}

/// Module-path segments that only exist for NVIDIA hardware.
const CUDA_SEGMENTS: &[&str] = &[
    "cuda", "cudnn", "nccl", "nvtx", "nvml", "pynvml", "cupy", "pycuda", "cublas", "cufft",
    "curand", "cusparse", "cusolver", "cutlass", "tensorrt", "nvidia", "cudart",
];

/// Top-level packages that only run on NVIDIA GPUs (or need a vendor port).
const CUDA_PACKAGES: &[&str] = &[
    "flash_attn",
    "xformers",
    "apex",
    "amp_c",
    "bitsandbytes",
    "transformer_engine",
    "triton",
    "fused_layer_norm_cuda",
    "deepspeed_kernels",
    "vllm_flash_attn",
    "flashinfer",
    "mamba_ssm",
];

/// Environment variable prefixes that only NVIDIA software reads.
const CUDA_ENV_PREFIXES: &[&str] = &[
    "CUDA_",
    "NCCL_",
    "CUDNN_",
    "NVIDIA_",
    "CUBLAS",
    "PYTORCH_CUDA_",
    "TORCH_CUDA_",
    "NVTE_",
];

/// C/C++ identifier prefixes of NVIDIA APIs (identifier-boundary prefixes).
const CUDA_SYMBOL_PREFIXES: &[&str] = &[
    "cuda",
    "cu",
    "cublas",
    "cublasLt",
    "cudnn",
    "curand",
    "cufft",
    "cusparse",
    "cusolver",
    "nccl",
    "nvrtc",
    "nvtx",
    "nvml",
    "CUDA_",
    "CUBLAS_",
    "CUDNN_",
    "CURAND_",
    "CUFFT_",
    "CUSPARSE_",
    "CUSOLVER_",
    "NCCL_",
    "NVRTC_",
    "C10_CUDA_",
    "AT_CUDA_",
    "__nv_",
];

/// Header prefixes of NVIDIA libraries and of PyTorch's CUDA C++ API.
const CUDA_HEADER_PREFIXES: &[&str] = &[
    "cuda",
    "cublas",
    "cudnn",
    "curand",
    "cufft",
    "cusparse",
    "cusolver",
    "nccl",
    "nvrtc",
    "nvtx",
    "nvml",
    "cub/",
    "thrust/",
    "cutlass/",
    "cute/",
    "mma.h",
    "sm_",
    "ATen/cuda/",
    "c10/cuda/",
    "torch/csrc/cuda/",
    "cooperative_groups",
    "crt/",
];

/// Identifiers of which one occurs in a Python usage that
/// [`looks_cuda_specific`] accepts, or in the import binding its root: module
/// segments and packages. Environment variables start with one of
/// [`cuda_env_prefixes`]. Derived from the same tables, so the prefilter
/// cannot drift from the check.
pub fn python_unknown_anchors() -> impl Iterator<Item = &'static str> {
    CUDA_SEGMENTS.iter().chain(CUDA_PACKAGES).copied()
}

/// Prefixes of the environment variables that only NVIDIA software reads.
pub fn cuda_env_prefixes() -> &'static [&'static str] {
    CUDA_ENV_PREFIXES
}

/// Like [`python_unknown_anchors`], for C, C++, CUDA and Rust usages:
/// symbol and header prefixes and variables.
pub fn native_unknown_anchors() -> impl Iterator<Item = &'static str> {
    CUDA_SYMBOL_PREFIXES
        .iter()
        .chain(CUDA_HEADER_PREFIXES)
        .chain(CUDA_ENV_PREFIXES)
        .copied()
}

/// `torch._C._cuda_setRNGState`, `torch._C._cuda_clearCublasWorkspaces`:
/// the private bindings of PyTorch's CUDA backend, which the public
/// `torch.cuda` functions wrap.
fn is_private_cuda_binding(name: &str) -> bool {
    name.strip_prefix("torch._C._cuda")
        .is_some_and(|rest| rest.starts_with(|c: char| c == '_' || c.is_ascii_uppercase()))
}

/// Whether a usage no rule covers still looks tied to CUDA, so that gaps in a
/// pack show up as `unknown` instead of passing silently. Methods and members
/// on unknown receivers never count: `args.use_cuda` is the project's own name.
pub fn looks_cuda_specific(kind: UsageKind, name: &str) -> bool {
    match kind {
        UsageKind::Import | UsageKind::Call | UsageKind::Attribute | UsageKind::Decorator => {
            // Runs for every usage and target: compare without allocating.
            let among = |list: &[&str], s: &str| list.iter().any(|e| e.eq_ignore_ascii_case(s));
            let root = name.split('.').next().unwrap_or_default();
            among(CUDA_PACKAGES, root)
                || name.split('.').any(|s| among(CUDA_SEGMENTS, s))
                || is_private_cuda_binding(name)
        }
        UsageKind::DeviceString => name == "cuda",
        UsageKind::BackendString => name == "nccl",
        UsageKind::EnvVar => CUDA_ENV_PREFIXES.iter().any(|p| name.starts_with(p)),
        UsageKind::Symbol => {
            let last = name.rsplit("::").next().unwrap_or(name);
            name.contains("cuda::")
                || name.starts_with("nvcuda::")
                || CUDA_SYMBOL_PREFIXES
                    .iter()
                    .any(|p| has_identifier_prefix(last, p))
        }
        UsageKind::Include => CUDA_HEADER_PREFIXES.iter().any(|p| name.starts_with(p)),
        UsageKind::KernelDef | UsageKind::KernelLaunch | UsageKind::Construct => true,
        UsageKind::Package => {
            name.contains("cuda")
                || name.starts_with("nvidia-")
                || CUDA_PACKAGES.contains(&name.replace('-', "_").as_str())
        }
        UsageKind::Image => name.contains("nvidia/") || name.starts_with("nvcr.io/"),
        UsageKind::Resource => name.starts_with("nvidia.com/"),
        UsageKind::Command => {
            name.starts_with("nvidia-") || migscan_core::NVIDIA_PROGRAMS.contains(&name)
        }
        UsageKind::BuildSetting => {
            name.to_ascii_uppercase().contains("CUDA")
                || name.starts_with("-gencode")
                || name.starts_with("-arch")
        }
        // A vendored library no rule names: whether it runs on the target
        // is unknown until someone looks.
        UsageKind::Vendored => true,
        UsageKind::Method | UsageKind::Member | UsageKind::ModelRef => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_run_from_longest_to_shortest() {
        let all: Vec<_> = dotted_prefixes("torch.cuda.amp").collect();
        assert_eq!(all, ["torch.cuda.amp", "torch.cuda", "torch"]);
    }

    #[test]
    fn except_covers_descendants_only_on_segment_boundaries() {
        assert!(is_under("torch.cuda.amp.autocast", "torch.cuda.amp"));
        assert!(is_under("torch.cuda.amp", "torch.cuda.amp"));
        assert!(!is_under("torch.cuda.ampere", "torch.cuda.amp"));
    }

    #[test]
    fn identifier_prefixes_stop_at_lower_case_continuations() {
        assert!(has_identifier_prefix("cudaMemcpy", "cuda"));
        assert!(has_identifier_prefix("cuInit", "cu"));
        assert!(has_identifier_prefix("at::cuda", "at::cuda::"));
        assert!(!has_identifier_prefix("at::cudax", "at::cuda::"));
        assert!(has_identifier_prefix("CUDA_R_32F", "CUDA_"));
        assert!(has_identifier_prefix(
            "at::cuda::getCurrentCUDAStream",
            "at::cuda::"
        ));
        assert!(!has_identifier_prefix("cuda_helper", "cuda"));
        assert!(!has_identifier_prefix("custom_op", "cu"));
        assert!(!has_identifier_prefix("cudaify", "cuda"));
        assert!(!has_identifier_prefix("cublasSgemm", "cuda"));
    }
}
