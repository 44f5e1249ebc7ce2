//! The match index: one target's rules compiled for lookup by usage.

use crate::model::{Rule, Selector};
use migscan_core::{Usage, UsageKind};
use std::collections::HashMap;

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
/// `torch.cuda` catch-all.
#[derive(Debug, Default)]
pub struct RuleIndex {
    exact: HashMap<Selector, HashMap<String, Vec<usize>>>,
    prefix: HashMap<String, Vec<usize>>,
    env_prefixes: Vec<(String, usize)>,
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
                (true, Selector::Env) => index.env_prefixes.push((value, i)),
                // Validation allows prefixes on names and env vars only.
                (true, _) => index.prefix.entry(value).or_default().push(i),
            }
        }
        // Longest env prefix first.
        index
            .env_prefixes
            .sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.1.cmp(&b.1)));
        index
    }

    /// The rule matching `usage`, or `Unknown` for an uncovered CUDA-looking
    /// usage, or `None`.
    ///
    /// A rule that names the usage but not its kind (`triton` counted at
    /// imports and `@triton.jit` kernels only) still covers it: the usage
    /// is part of what the rule already reports, not an unknown API.
    pub fn lookup(&self, usage: &Usage, rules: &[Rule]) -> Option<Verdict> {
        let selector = Selector::of(usage.kind);
        let covered = std::cell::Cell::new(false);
        let accepts = |&&i: &&usize| {
            let m = &rules[i].matcher;
            if m.except.iter().any(|e| is_under(&usage.name, e)) {
                return false;
            }
            covered.set(true);
            m.kinds.is_empty() || m.kinds.contains(&usage.kind)
        };
        if let Some(found) = self
            .exact
            .get(&selector)
            .and_then(|names| names.get(usage.name.as_str()))
            .and_then(|c| c.iter().find(accepts))
        {
            return Some(Verdict::Rule(*found));
        }
        match selector {
            Selector::Name => {
                for prefix in dotted_prefixes(&usage.name) {
                    if let Some(found) =
                        self.prefix.get(prefix).and_then(|c| c.iter().find(accepts))
                    {
                        return Some(Verdict::Rule(*found));
                    }
                }
            }
            Selector::Env => {
                if let Some((_, i)) = self
                    .env_prefixes
                    .iter()
                    .find(|(p, _)| usage.name.starts_with(p.as_str()))
                {
                    return Some(Verdict::Rule(*i));
                }
            }
            _ => {}
        }
        (!covered.get() && looks_cuda_specific(usage)).then_some(Verdict::Unknown)
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

/// Whether a usage no rule covers still looks tied to CUDA, so that gaps in a
/// pack show up as `unknown` instead of passing silently. Methods and members
/// on unknown receivers never count: `args.use_cuda` is the project's own name.
pub fn looks_cuda_specific(usage: &Usage) -> bool {
    match usage.kind {
        UsageKind::Import | UsageKind::Call | UsageKind::Attribute | UsageKind::Decorator => {
            let root = usage
                .name
                .split('.')
                .next()
                .unwrap_or_default()
                .to_ascii_lowercase();
            CUDA_PACKAGES.contains(&root.as_str())
                || usage
                    .name
                    .split('.')
                    .any(|segment| CUDA_SEGMENTS.contains(&segment.to_ascii_lowercase().as_str()))
        }
        UsageKind::DeviceString => usage.name == "cuda",
        UsageKind::BackendString => usage.name == "nccl",
        UsageKind::EnvVar => CUDA_ENV_PREFIXES.iter().any(|p| usage.name.starts_with(p)),
        UsageKind::Method | UsageKind::Member => false,
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
}
