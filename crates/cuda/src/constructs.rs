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
/// `double` in device code: fp64 arithmetic on the device.
pub const DEVICE_FP64: &str = "device-fp64";

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
    let literal = matches!(
        (operator, integer_value(right)),
        ("%" | "/", Some(32)) | ("&", Some(31)) | (">>" | "<<", Some(5))
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

/// The value an identifier's name says a warp-size constant of the code's
/// own holds: 32 for `WARP_SIZE`, `kWarpSize`, `THREADS_PER_WARP`; 5 for
/// its log2, `WARP_SIZE_BITS`, `LOG_WARP_SIZE`. Such a constant is the
/// 32-lane assumption in one place, and every use carries it. CUDA's own
/// `warpSize` is the portable spelling and is not one.
pub fn warp_constant_value(name: &str) -> Option<u64> {
    if name == "warpSize" || name.len() > 24 {
        return None;
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
    match normalized.as_str() {
        "warpsize" | "threadsperwarp" | "warpthreads" | "numthreadsperwarp" | "warpsz" => Some(32),
        "warpsizebits" | "warpbits" | "logwarpsize" | "log2warpsize" | "warpsizelog2"
        | "warpshift" => Some(5),
        _ => None,
    }
}

/// The value of an integer literal (`32`, `32u`, `(32)`, `0x1f`).
pub fn integer_value(literal: &str) -> Option<u64> {
    let digits = literal
        .trim_matches(|c| c == '(' || c == ')' || char::is_whitespace(c))
        .trim_end_matches(['u', 'U', 'l', 'L']);
    match digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => digits.parse().ok(),
    }
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
        assert!(is_hardcoded_warp_size("threadIdx.x", "&", "0x1f"));
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
            assert_eq!(warp_constant_value(name), Some(32), "{name}");
        }
        assert_eq!(warp_constant_value("WARP_SIZE_BITS"), Some(5));
        assert_eq!(warp_constant_value("kLog2WarpSize"), Some(5));
        for name in ["warpSize", "kernel", "warp_id", "MAX_WARP_SIZE_LOG"] {
            assert_eq!(warp_constant_value(name), None, "{name}");
        }
        assert_eq!(integer_value("(32)"), Some(32));
        assert_eq!(integer_value("32u"), Some(32));
        assert_eq!(integer_value("0x20"), Some(32));
        assert_eq!(integer_value("320"), Some(320));
        assert_eq!(integer_value("n"), None);
    }
}
