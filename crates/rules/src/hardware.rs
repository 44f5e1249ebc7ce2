//! Hardware profiles: `rules/hardware/*.toml`, public figures as ranges.

use crate::diagnostic::{DataFile, PackError};
use serde::{Deserialize, Serialize};

/// Whether a card supports a precision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Support {
    /// Supported.
    Supported,
    /// Not supported (or silently downgraded).
    Unsupported,
    /// No public figure.
    Unknown,
}

/// Precision support of a card.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrecisionSupport {
    /// 8-bit floating point.
    pub fp8: Support,
    /// 64-bit floating point.
    pub fp64: Support,
    /// bfloat16.
    pub bf16: Support,
    /// TF32 matrix math.
    pub tf32: Support,
}

/// Where the figures come from and how sure they are.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct About {
    /// What else to know about the card.
    pub note: String,
    /// The public source of the figures.
    pub source: String,
    /// How far to trust them.
    pub uncertainty: String,
}

/// One accelerator card.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Card {
    /// Id for `--device` (`910b`, `mlu590`).
    pub id: String,
    /// Other names `--device` accepts for it (a product's marketing name).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Product name.
    pub name: String,
    /// Vendor.
    pub vendor: String,
    /// Target id, or `baseline` for the NVIDIA cards code moves from.
    pub target: String,
    /// The instruction-set architecture code is built for (`gfx928`), where
    /// the target's compilers name one.
    pub architecture: Option<String>,
    /// The card the report uses for its target unless `--device` says otherwise.
    #[serde(default)]
    pub default: bool,
    /// FP16 peak, as published.
    pub fp16: String,
    /// Memory, as published.
    pub memory: String,
    /// Memory in GB as a range, when a figure exists.
    pub memory_gb: Option<[f64; 2]>,
    /// Memory bandwidth, as published.
    pub bandwidth: String,
    /// Interconnect.
    pub interconnect: String,
    /// Power.
    pub power: String,
    /// Precision support.
    pub precision: PrecisionSupport,
    /// Notes and source.
    pub about: About,
}

impl Card {
    /// Whether `--device name` means this card: its id or an alias, in any case.
    pub fn answers_to(&self, name: &str) -> bool {
        std::iter::once(&self.id)
            .chain(&self.aliases)
            .any(|n| n.eq_ignore_ascii_case(name))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCard {
    card: Card,
}

/// Parses one hardware profile.
pub fn parse_card(file: &DataFile) -> Result<Card, PackError> {
    toml::from_str::<RawCard>(&file.text)
        .map(|raw| raw.card)
        .map_err(|e| PackError::from_toml(file, &e))
}
