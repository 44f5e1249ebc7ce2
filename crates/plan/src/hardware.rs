//! What the code needs from the hardware — precision features, model sizes,
//! parallelism — against the chosen card of each target.

use migscan_core::{model_parameters, Target, Usage, UsageKind};
use migscan_rules::{Card, Support};
use serde::Serialize;
use std::collections::BTreeMap;

/// A precision feature with uneven support across cards.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Precision {
    /// 8-bit floating point (`torch.float8_*`, Transformer Engine fp8).
    Fp8,
    /// 64-bit floating point (`torch.float64`, `.double()`).
    Fp64,
    /// bfloat16 (`torch.bfloat16`, `__nv_bfloat16`).
    Bf16,
    /// TF32 matrix math (`allow_tf32`).
    Tf32,
}

impl Precision {
    /// The precision feature a usage relies on, if any.
    pub fn of(usage: &Usage) -> Option<Precision> {
        Self::of_name(usage.kind, &usage.name)
    }

    /// [`Precision::of`] a usage of `kind` named `name`.
    pub fn of_name(kind: UsageKind, name: &str) -> Option<Precision> {
        let last = name.rsplit(['.', ':']).next().unwrap_or(name);
        match kind {
            UsageKind::Method if name == "double" => Some(Precision::Fp64),
            UsageKind::Include if name == "cuda_bf16.h" => Some(Precision::Bf16),
            UsageKind::Include if name == "cuda_fp8.h" => Some(Precision::Fp8),
            UsageKind::Attribute | UsageKind::Call | UsageKind::Import | UsageKind::Symbol => {
                if last.starts_with("float8")
                    || last.contains("fp8")
                    || last.starts_with("__nv_fp8")
                {
                    Some(Precision::Fp8)
                } else if matches!(last, "float64" | "double" | "DoubleTensor") {
                    Some(Precision::Fp64)
                } else if last == "bfloat16" || last.starts_with("__nv_bfloat16") {
                    Some(Precision::Bf16)
                } else if last == "allow_tf32" {
                    Some(Precision::Tf32)
                } else {
                    None
                }
            }
            _ => None,
        }
    }

    fn support(self, card: &Card) -> Support {
        match self {
            Precision::Fp8 => card.precision.fp8,
            Precision::Fp64 => card.precision.fp64,
            Precision::Bf16 => card.precision.bf16,
            Precision::Tf32 => card.precision.tf32,
        }
    }
}

/// Parts of a qualified name (lower case) that mark tensor or pipeline
/// parallelism.
pub const PARALLELISM_MARKERS: &[&str] = &[
    "tensor_parallel",
    "pipeline_parallel",
    "tensor_model_parallel",
    "pipelining",
    "device_mesh",
];

/// Whether a qualified name has a [`PARALLELISM_MARKERS`] part, in any case.
/// Runs for every usage: compares without allocating.
fn names_parallelism(name: &str) -> bool {
    PARALLELISM_MARKERS.iter().any(|marker| {
        name.as_bytes()
            .windows(marker.len())
            .any(|w| w.eq_ignore_ascii_case(marker.as_bytes()))
    })
}

/// What the scanned code needs, gathered from every usage.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Observations {
    /// Sites per precision feature.
    pub precision: BTreeMap<Precision, usize>,
    /// Sized models the code loads: parameter count in billions and where
    /// the first load is (`path:line`).
    pub models: BTreeMap<String, (f64, String)>,
    /// Sites that use tensor or pipeline parallelism.
    pub parallelism: usize,
}

impl Observations {
    /// Whether a usage of `kind` named `name` would change the observations:
    /// frontends ask before they build one.
    pub fn observes(kind: UsageKind, name: &str) -> bool {
        kind == UsageKind::ModelRef
            || Precision::of_name(kind, name).is_some()
            || (kind.is_qualified() && names_parallelism(name))
    }

    /// Takes note of one usage of the file `path` names.
    pub fn add(&mut self, usage: &Usage, path: &str) {
        if let Some(p) = Precision::of(usage) {
            *self.precision.entry(p).or_default() += 1;
        }
        if usage.kind == UsageKind::ModelRef {
            if let Some(params) = model_parameters(&usage.name) {
                self.models
                    .entry(usage.name.clone())
                    .or_insert_with(|| (params, format!("{path}:{}", usage.span.line)));
            }
        }
        if usage.kind.is_qualified() && names_parallelism(&usage.name) {
            self.parallelism += 1;
        }
    }

    /// Adds another file's observations.
    pub fn merge(&mut self, other: Observations) {
        for (p, n) in other.precision {
            *self.precision.entry(p).or_default() += n;
        }
        // Files merge in discovery order: the first location stays.
        for (model, seen) in other.models {
            self.models.entry(model).or_insert(seen);
        }
        self.parallelism += other.parallelism;
    }
}

/// One precision feature against the card.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PrecisionCheck {
    /// The feature.
    pub feature: Precision,
    /// Sites that use it.
    pub sites: usize,
    /// The card's support.
    pub support: Support,
}

/// One model against the card's memory.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ModelFit {
    /// The model id as written.
    pub model: String,
    /// Where the code first loads it (`path:line`).
    pub at: String,
    /// Parameters, billions.
    pub params_billion: f64,
    /// Inference memory needed, GB: BF16/FP16 weights (2 bytes per
    /// parameter) plus 15–30% for KV cache and buffers.
    pub needed_gb: [f64; 2],
    /// Cards needed for that memory, when the card's memory is known.
    pub cards: Option<[u64; 2]>,
}

/// The hardware section for one target.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HardwareAssessment {
    /// The target.
    pub target: Target,
    /// The card assessed (`--device` or the target's default).
    pub card: Option<Card>,
    /// Precision features found, against the card.
    pub precision: Vec<PrecisionCheck>,
    /// Models found, against the card's memory.
    pub models: Vec<ModelFit>,
    /// Interconnect advice when the code uses tensor or pipeline parallelism.
    pub interconnect: Option<String>,
}

impl HardwareAssessment {
    /// Assesses `card` for what the code needs.
    pub fn build(target: Target, card: Option<&Card>, needs: &Observations) -> Self {
        let precision = needs
            .precision
            .iter()
            .map(|(&feature, &sites)| PrecisionCheck {
                feature,
                sites,
                support: card.map_or(Support::Unknown, |c| feature.support(c)),
            })
            .collect();
        let models = needs
            .models
            .iter()
            .map(|(model, (params, at))| {
                let params = *params;
                let weights = params * 2.0;
                let needed_gb = [weights * 1.15, weights * 1.3];
                let cards = card.and_then(|c| c.memory_gb).map(|[low, high]| {
                    [
                        (needed_gb[0] / high).ceil() as u64,
                        (needed_gb[1] / low).ceil() as u64,
                    ]
                });
                ModelFit {
                    model: model.clone(),
                    at: at.clone(),
                    params_billion: params,
                    needed_gb,
                    cards,
                }
            })
            .collect();
        let interconnect = (needs.parallelism > 0).then(|| {
            format!(
                "{} sites use tensor or pipeline parallelism: their collectives run over {}; check its bandwidth against the NVLink baseline (~600–900 GB/s) before keeping the parallel layout",
                needs.parallelism,
                card.map_or("the target's interconnect (no public figure)", |c| c.interconnect.as_str())
            )
        });
        Self {
            target,
            card: card.cloned(),
            precision,
            models,
            interconnect,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameter_counts_come_from_the_model_name() {
        assert_eq!(model_parameters("Qwen/Qwen2.5-7B-Instruct"), Some(7.0));
        assert_eq!(model_parameters("meta-llama/Llama-2-70b-hf"), Some(70.0));
        assert_eq!(model_parameters("org/model-1.5B"), Some(1.5));
        assert_eq!(model_parameters("org/bert-base"), None);
    }
}
