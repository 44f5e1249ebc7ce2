//! Whether a replacement is code to write at a finding's span, and which
//! text. An `auto` rule promises a mechanical change; `migscan fix` makes it
//! by pasting this text, and the audit holds every `auto` rule to it, so
//! the two agree on what "mechanical" means.

use crate::Selector;

/// The text that replaces the matched name for a rule of `selector` whose
/// replacement reads `replacement`, if that is code and nothing else:
/// `torch.npu.synchronize` for a name, `npu` for `.cuda()`'s method or a
/// device string, `hccl` for a backend, `hipMalloc` for a C++ symbol,
/// `hip/hip_runtime.h` for a header, `-lamdhip64` for a link flag. `None`
/// for advice (`DDP(device_ids=[npu:N])`) and for selectors `fix` does not
/// edit.
pub fn code(selector: Selector, replacement: &str) -> Option<&str> {
    reader(selector)?(replacement)
}

/// Whether `fix` edits usages of `selector` at all.
pub fn is_editable(selector: Selector) -> bool {
    reader(selector).is_some()
}

/// How a replacement of `selector` reads as code: the one list of the
/// selectors `fix` edits.
fn reader(selector: Selector) -> Option<fn(&str) -> Option<&str>> {
    Some(match selector {
        Selector::Name => dotted,
        Selector::Method | Selector::Member => method,
        Selector::Device | Selector::Backend | Selector::Env => unquoted,
        Selector::Symbol => symbol,
        Selector::Include => header,
        Selector::Setting => flag,
        _ => return None,
    })
}

/// `npu` of `.npu()` or `is_npu`: a method or member is written as its
/// bare name.
fn method(text: &str) -> Option<&str> {
    identifier(text.trim_start_matches('.').trim_end_matches("()"))
}

/// `hccl` of `"hccl"`: a device, backend or variable inside a string.
fn unquoted(text: &str) -> Option<&str> {
    identifier(text.trim_matches(|c| c == '"' || c == '\''))
}

/// `torch.npu.synchronize`, if `text` is a dotted name and nothing else.
pub fn dotted(text: &str) -> Option<&str> {
    text.split('.')
        .all(|part| identifier(part).is_some())
        .then_some(text)
}

/// `npu`, if `text` is one identifier.
pub fn identifier(text: &str) -> Option<&str> {
    let mut chars = text.chars();
    let first = chars.next()?;
    ((first.is_alphabetic() || first == '_') && chars.all(|c| c.is_alphanumeric() || c == '_'))
        .then_some(text)
}

/// `hipMalloc`, `hipcub::BlockReduce`: a C++ name, possibly qualified.
fn symbol(text: &str) -> Option<&str> {
    text.split("::")
        .all(|part| identifier(part).is_some())
        .then_some(text)
}

/// `-lamdhip64`, if `text` is one compiler or linker flag.
fn flag(text: &str) -> Option<&str> {
    (text.len() > 1
        && text.starts_with('-')
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '-' | '=' | '+')))
    .then_some(text)
}

/// `hip/hip_runtime.h`, if `text` is a header path and nothing else.
fn header(text: &str) -> Option<&str> {
    (!text.is_empty()
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '/' | '-')))
    .then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_code_is_pasted() {
        assert_eq!(
            code(Selector::Name, "torch.npu.synchronize"),
            Some("torch.npu.synchronize")
        );
        assert_eq!(code(Selector::Name, "DDP(device_ids=[npu:N])"), None);
        assert_eq!(
            code(Selector::Name, "torch.npu.mstx (mark/range_push)"),
            None
        );
        assert_eq!(code(Selector::Method, ".npu()"), Some("npu"));
        assert_eq!(code(Selector::Member, "is_npu"), Some("is_npu"));
        assert_eq!(code(Selector::Backend, "\"hccl\""), Some("hccl"));
        assert_eq!(code(Selector::Device, "npu:0"), None);
        assert_eq!(
            code(Selector::Include, "hip/hip_runtime.h"),
            Some("hip/hip_runtime.h")
        );
        assert_eq!(
            code(Selector::Include, "hip/hip_runtime.h (HIP runtime)"),
            None
        );
        assert_eq!(
            code(Selector::Symbol, "hipcub::BlockReduce"),
            Some("hipcub::BlockReduce")
        );
        assert_eq!(code(Selector::Symbol, "hipMalloc or hipMallocAsync"), None);
        assert_eq!(code(Selector::Symbol, "void*"), None);
        assert_eq!(code(Selector::Setting, "-lamdhip64"), Some("-lamdhip64"));
        assert_eq!(code(Selector::Setting, "link -lamdhip64 instead"), None);
        assert_eq!(code(Selector::Package, "torch-npu"), None);
    }
}
