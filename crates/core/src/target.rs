use serde::{Deserialize, Serialize};
use std::fmt;

/// An accelerator stack migscan can plan a migration to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Target {
    /// Huawei Ascend (CANN, torch_npu).
    Ascend,
    /// Cambricon MLU (Neuware, torch_mlu).
    Cambricon,
    /// Hygon DCU (DTK, PyTorch's ROCm build).
    Hygon,
    /// Enflame GCU (TopsRider, torch_gcu).
    Enflame,
}

/// A target name that is neither an id nor an alias.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownTarget(pub String);

impl fmt::Display for UnknownTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown target `{}` (expected one of: ascend|npu, cambricon|mlu, hygon|dcu|rocm, enflame|gcu)",
            self.0
        )
    }
}

impl std::error::Error for UnknownTarget {}

impl Target {
    /// Every target, in report order.
    pub const ALL: [Target; 4] = [
        Target::Ascend,
        Target::Cambricon,
        Target::Hygon,
        Target::Enflame,
    ];

    /// Whether the target's PyTorch build hipifies CUDA extension sources
    /// when `torch.utils.cpp_extension` builds them (PyTorch for ROCm).
    pub fn hipifies_extensions_at_build(self) -> bool {
        self == Target::Hygon
    }

    /// The platform Python code tests for when it runs on the target:
    /// PyTorch for ROCm (`torch.version.hip`), torch_npu's `npu`,
    /// torch_mlu's `mlu`, torch_gcu's `gcu` (as `PlatformBranch` names them).
    pub fn platform(self) -> &'static str {
        match self {
            Target::Ascend => "npu",
            Target::Cambricon => "mlu",
            Target::Hygon => "rocm",
            Target::Enflame => "gcu",
        }
    }

    /// The canonical id, also the rule-pack directory and rule-id prefix.
    pub fn id(self) -> &'static str {
        match self {
            Target::Ascend => "ascend",
            Target::Cambricon => "cambricon",
            Target::Hygon => "hygon",
            Target::Enflame => "enflame",
        }
    }

    /// Other names users type for the target.
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Target::Ascend => &["npu"],
            Target::Cambricon => &["mlu"],
            Target::Hygon => &["dcu", "rocm"],
            Target::Enflame => &["gcu"],
        }
    }

    /// Vendor and stack, for report headings.
    pub fn title(self) -> &'static str {
        match self {
            Target::Ascend => "Huawei Ascend (CANN, torch_npu)",
            Target::Cambricon => "Cambricon MLU (Neuware, torch_mlu)",
            Target::Hygon => "Hygon DCU (DTK/ROCm, PyTorch ROCm build)",
            Target::Enflame => "Enflame GCU (TopsRider, torch_gcu)",
        }
    }

    /// Parses an id or alias, case-insensitively.
    pub fn parse(name: &str) -> Result<Target, UnknownTarget> {
        let lower = name.trim().to_ascii_lowercase();
        Target::ALL
            .into_iter()
            .find(|t| t.id() == lower || t.aliases().contains(&lower.as_str()))
            .ok_or_else(|| UnknownTarget(name.to_string()))
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// The four migration steps, always planned in this order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Step {
    /// 1. Make every operator run on the target.
    OperatorCoverage = 1,
    /// 2. Make it build and run fast.
    CompilationOptimization = 2,
    /// 3. Make collectives and launchers work.
    DistributedCommunication = 3,
    /// 4. Devices, monitoring, images and schedulers.
    ClusterGovernance = 4,
}

impl Step {
    /// Every step, in plan order.
    pub const ALL: [Step; 4] = [
        Step::OperatorCoverage,
        Step::CompilationOptimization,
        Step::DistributedCommunication,
        Step::ClusterGovernance,
    ];

    /// The step with number `n` (1–4).
    pub fn from_number(n: i64) -> Option<Step> {
        Step::ALL.into_iter().find(|s| s.number() as i64 == n)
    }

    /// The step's number, 1–4.
    pub fn number(self) -> u8 {
        self as u8
    }

    /// The step's name.
    pub fn title(self) -> &'static str {
        match self {
            Step::OperatorCoverage => "Operator coverage",
            Step::CompilationOptimization => "Compilation optimization",
            Step::DistributedCommunication => "Distributed communication",
            Step::ClusterGovernance => "Cluster governance",
        }
    }
}

impl Serialize for Step {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(self.number())
    }
}

/// How a usage fares on a target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// A mechanical rename or a change a migration tool makes by itself.
    Auto,
    /// An equivalent exists but the change needs a person.
    Manual,
    /// No equivalent on the target: rewrite or drop.
    Unsupported,
    /// Runs unchanged on the target; counted, never reported as a finding.
    Supported,
    /// Looks CUDA-specific but no rule of the pack covers it.
    Unknown,
}

impl Status {
    /// Lower-case name for output.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Auto => "auto",
            Status::Manual => "manual",
            Status::Unsupported => "unsupported",
            Status::Supported => "supported",
            Status::Unknown => "unknown",
        }
    }

    /// The default severity of a finding with this status.
    pub fn severity(self) -> Severity {
        match self {
            Status::Unsupported => Severity::Error,
            Status::Manual | Status::Unknown | Status::Auto => Severity::Warning,
            Status::Supported => Severity::Info,
        }
    }
}

/// How loudly a finding is reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// Informational.
    Info,
    /// Needs work before the code runs well on the target.
    Warning,
    /// Blocks the migration until rewritten.
    Error,
}

impl Severity {
    /// Lower-case name for output.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// How sure a rule's facts are.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Confidence {
    /// Public facts are thin: confirm in a proof of concept.
    Low,
    /// Read from a vendor package or documentation.
    #[default]
    High,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_parse_by_id_and_alias() {
        assert_eq!(Target::parse("NPU"), Ok(Target::Ascend));
        assert_eq!(Target::parse("rocm"), Ok(Target::Hygon));
        assert_eq!(Target::parse("gcu"), Ok(Target::Enflame));
        assert!(Target::parse("cuda").is_err());
    }

    #[test]
    fn steps_round_trip_their_numbers() {
        for step in Step::ALL {
            assert_eq!(Step::from_number(step.number() as i64), Some(step));
        }
        assert_eq!(Step::from_number(5), None);
    }
}
