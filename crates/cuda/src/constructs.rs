//! Constructs with no name of their own, recognised from their text. The
//! names are the `construct` values rule packs match.

/// Inline assembly (`asm`, `asm volatile`): PTX has no equivalent off NVIDIA.
pub const INLINE_ASM: &str = "inline-asm";
/// Tensor-core instructions in inline PTX (`mma.sync`, `wgmma`, `ldmatrix`).
pub const PTX_MMA: &str = "ptx-mma";
/// A full 32-lane mask (`0xffffffff`): a 64-lane wavefront has 64 lanes.
pub const FULL_WARP_MASK: &str = "full-warp-mask";
/// Warp size written as 32 in lane or warp arithmetic (`threadIdx.x % 32`).
pub const HARDCODED_WARP_SIZE: &str = "hardcoded-warp-size";

/// PTX mnemonics that drive tensor cores.
const MMA_MNEMONICS: &[&str] = &["mma.sync", "wgmma", "ldmatrix", "stmatrix", "tcgen05"];

/// Whether inline assembly text uses tensor-core instructions.
pub fn is_tensor_core_asm(text: &str) -> bool {
    MMA_MNEMONICS.iter().any(|m| text.contains(m))
}

/// Whether a number literal is the full 32-bit lane mask.
pub fn is_full_warp_mask(literal: &str) -> bool {
    let digits = literal.trim_end_matches(['u', 'U', 'l', 'L']);
    digits.eq_ignore_ascii_case("0xffffffff")
}

/// Whether `left <op> right` hard-codes the warp size: `% 32`, `/ 32` or
/// `& 31` applied to something that reads like a lane, warp or thread index.
pub fn is_hardcoded_warp_size(left: &str, operator: &str, right: &str) -> bool {
    let right = right.trim_end_matches(['u', 'U']);
    let literal = matches!((operator, right), ("%" | "/", "32") | ("&", "31"));
    let left = left.to_ascii_lowercase();
    literal
        && ["lane", "warp", "tid", "threadidx"]
            .iter()
            .any(|w| left.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_and_warp_arithmetic() {
        assert!(is_full_warp_mask("0xFFFFFFFFu"));
        assert!(!is_full_warp_mask("0xffff"));
        assert!(is_hardcoded_warp_size("threadIdx.x", "%", "32"));
        assert!(is_hardcoded_warp_size("tid", "&", "31"));
        assert!(!is_hardcoded_warp_size("n", "/", "32"));
        assert!(!is_hardcoded_warp_size("lane", "+", "32"));
    }
}
