//! The hardware section, as text lines shared by the renderers.

use migscan_core::plural;
use migscan_plan::HardwareAssessment;
use migscan_rules::Support;

/// One target's hardware section as plain sentences (renderers escape them).
pub fn hardware_lines(assessment: &HardwareAssessment) -> Vec<String> {
    let mut lines = Vec::new();
    let Some(card) = &assessment.card else {
        lines.push(format!("No hardware profile for {}.", assessment.target));
        return lines;
    };
    let architecture = card
        .architecture
        .as_deref()
        .map_or(String::new(), |a| format!(", {a}"));
    lines.push(format!(
        "Card: {} ({}{architecture}): FP16 {}; memory {}; bandwidth {}; interconnect {}; power {}. {}. Source: {}. {}.",
        card.name, card.vendor, card.fp16, card.memory, card.bandwidth, card.interconnect, card.power, card.about.note, card.about.source, card.about.uncertainty
    ));
    for check in &assessment.precision {
        let verdict = match check.support {
            Support::Supported => "supported",
            Support::Unsupported => {
                "NOT supported (rewrite or downgrade, and re-validate accuracy)"
            }
            Support::Unknown => "no public figure: confirm in a proof of concept",
        };
        lines.push(
            format!(
                "{:?} used at {}: {verdict} on {}.",
                check.feature,
                plural(check.sites, "site", "sites"),
                card.name
            )
            .replace("Fp8", "FP8")
            .replace("Fp64", "FP64")
            .replace("Bf16", "BF16")
            .replace("Tf32", "TF32"),
        );
    }
    for fit in &assessment.models {
        let cards = match fit.cards {
            Some([low, high]) if low == high => {
                format!("{} of {}", plural(low as usize, "card", "cards"), card.name)
            }
            Some([low, high]) => format!("{low}–{high} cards of {}", card.name),
            None => format!(
                "not sizable on {}, which has no public memory figure",
                card.name
            ),
        };
        lines.push(format!(
            "{} (~{}B parameters, loaded at {}) needs ~{:.0}–{:.0} GB for inference (BF16 weights + 15–30%): {cards}.",
            fit.model, fit.params_billion, fit.at, fit.needed_gb[0], fit.needed_gb[1]
        ));
    }
    if let Some(note) = &assessment.interconnect {
        lines.push(format!("{note}."));
    }
    lines
}
