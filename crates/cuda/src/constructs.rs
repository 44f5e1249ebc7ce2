//! Constructs with no name of their own, recognised from their text. The
//! names are the `construct` values rule packs match.

/// Inline assembly (`asm`, `asm volatile`): PTX has no equivalent off NVIDIA.
pub const INLINE_ASM: &str = "inline-asm";
/// Tensor-core instructions in inline PTX (`mma.sync`, `wgmma`, `ldmatrix`).
pub const PTX_MMA: &str = "ptx-mma";
/// A full 32-lane mask (`0xffffffff`): a 64-lane wavefront has 64 lanes.
pub const FULL_WARP_MASK: &str = "full-warp-mask";
/// Warp size written as 32 in lane or warp arithmetic (`threadIdx.x % 32`),
/// a warp-size constant defined as 32 or used, a shuffle loop starting at
/// 16, a 32-thread tile.
pub const HARDCODED_WARP_SIZE: &str = "hardcoded-warp-size";
/// A `__device__` function (also `__host__ __device__`): device code to
/// port, sized by its lines like a kernel.
pub const DEVICE_FUNCTION: &str = "device-function";

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
    let literal = matches!(
        (operator, right),
        ("%" | "/", "32") | ("&", "31") | (">>" | "<<", "5")
    );
    // An index expression is short; the left side of a long chain
    // (`a / 32 / 32 / ...`) holds the whole chain before it, and reading
    // it at every link would be quadratic.
    if !literal || left.len() > MAX_INDEX_EXPRESSION {
        return false;
    }
    let left = left.to_ascii_lowercase();
    ["lane", "warp", "tid", "threadidx"]
        .iter()
        .any(|w| left.contains(w))
}

/// Whether an identifier names a warp-size constant of the code's own
/// (`WARP_SIZE`, `kWarpSize`, `THREADS_PER_WARP`): such a constant is the
/// 32-lane assumption in one place, and every use carries it. CUDA's own
/// `warpSize` is the portable spelling and is not one.
pub fn is_warp_size_name(name: &str) -> bool {
    if name == "warpSize" || name.len() > 24 {
        return false;
    }
    // `kWarpSize`: a constant's `k` prefix.
    let bare = match name.strip_prefix('k') {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_uppercase()) => rest,
        _ => name,
    };
    let normalized: String = bare
        .chars()
        .filter(|&c| c != '_')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    matches!(
        normalized.as_str(),
        "warpsize" | "threadsperwarp" | "warpthreads" | "numthreadsperwarp" | "warpsz"
    )
}

/// Whether a literal is 32 (`32`, `32u`, `(32)`).
pub fn is_thirty_two(literal: &str) -> bool {
    literal
        .trim_matches(|c| c == '(' || c == ')' || char::is_whitespace(c))
        .trim_end_matches(['u', 'U', 'l', 'L'])
        == "32"
}

/// The longest left operand [`is_hardcoded_warp_size`] reads, in bytes.
const MAX_INDEX_EXPRESSION: usize = 256;

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
        assert!(is_hardcoded_warp_size("threadIdx.x", ">>", "5"));
    }

    #[test]
    fn warp_size_constants_by_name() {
        for name in [
            "WARP_SIZE",
            "kWarpSize",
            "warp_size",
            "THREADS_PER_WARP",
            "WARPSIZE",
        ] {
            assert!(is_warp_size_name(name), "{name}");
        }
        for name in ["warpSize", "kernel", "warp_id", "MAX_WARP_SIZE_LOG"] {
            assert!(!is_warp_size_name(name), "{name}");
        }
        assert!(is_thirty_two("(32)"));
        assert!(is_thirty_two("32u"));
        assert!(!is_thirty_two("320"));
    }
}
