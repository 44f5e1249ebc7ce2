//! The edit one finding asks for, from the text at its span and its rule's
//! replacement. Only changes that are exact at the span are made: a dotted
//! name written out in full, a method or attribute name, the device,
//! backend or environment variable inside a string or script, a C++ name or
//! included header. Anything else (an alias, a `from` import, a
//! replacement that is advice rather than code) is left for a person.

use migscan_core::{Finding, UsageKind};
use migscan_rules::Rule;

/// Replace `start..end` (bytes of the file's text) with `text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    /// First byte replaced.
    pub start: usize,
    /// One past the last byte replaced.
    pub end: usize,
    /// The new text.
    pub text: String,
    /// The rule (catalog index) that asked for it.
    pub rule: usize,
}

/// Why a finding of an `auto` rule gets no edit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum NoEdit {
    /// The code names it through an alias or a `from` import; the import
    /// is what changes.
    Indirect,
    /// The replacement is not code to paste (`DDP(device_ids=[npu:N])`).
    NotCode,
}

impl NoEdit {
    /// For the summary.
    pub fn as_str(self) -> &'static str {
        match self {
            NoEdit::Indirect => "named through an alias or a from-import",
            NoEdit::NotCode => "replacement is advice, not code",
        }
    }
}

/// The edit for `finding` of `rule` in `text`.
pub fn edit_for(finding: &Finding, rule: &Rule, text: &str) -> Result<Edit, NoEdit> {
    let usage = &finding.usage;
    let (start, end) = (usage.span.start, usage.span.end);
    let at = text.get(start..end).ok_or(NoEdit::NotCode)?;
    let replacement = rule.replacement_for(&usage.name).ok_or(NoEdit::NotCode)?;
    let new = match usage.kind {
        UsageKind::Import | UsageKind::Call | UsageKind::Attribute | UsageKind::Decorator => {
            if at != usage.name {
                return Err(NoEdit::Indirect);
            }
            dotted(&replacement).ok_or(NoEdit::NotCode)?.to_string()
        }
        // `.cuda()` → `.npu()`, `.is_cuda` → `.is_npu`: the span is the name.
        UsageKind::Method | UsageKind::Member => {
            let name = replacement.trim_start_matches('.').trim_end_matches("()");
            if at != usage.name.rsplit('.').next().unwrap_or(&usage.name) {
                return Err(NoEdit::Indirect);
            }
            identifier(name).ok_or(NoEdit::NotCode)?.to_string()
        }
        // `"cuda:0"` → `"npu:0"`, `f"cuda:{rank}"`, `"nccl"` → `"hccl"`, an
        // environment variable in a string or a script, a header in an
        // `#include`: the span holds the name; only the name changes.
        UsageKind::DeviceString | UsageKind::BackendString | UsageKind::EnvVar => {
            let to = replacement.trim_matches(|c| c == '"' || c == '\'');
            return within(at, start, &usage.name, identifier(to), finding.rule);
        }
        UsageKind::Include => {
            return within(at, start, &usage.name, header(&replacement), finding.rule);
        }
        // HIPIFY's renames (`cudaMalloc` → `hipMalloc`): the span is the name.
        UsageKind::Symbol => {
            if at != usage.name {
                return Err(NoEdit::Indirect);
            }
            symbol(&replacement).ok_or(NoEdit::NotCode)?.to_string()
        }
        _ => return Err(NoEdit::NotCode),
    };
    Ok(Edit {
        start,
        end,
        text: new,
        rule: finding.rule,
    })
}

/// The edit that replaces `from` inside the span text `at` (which starts at
/// byte `start`) with `to`.
fn within(
    at: &str,
    start: usize,
    from: &str,
    to: Option<&str>,
    rule: usize,
) -> Result<Edit, NoEdit> {
    let to = to.ok_or(NoEdit::NotCode)?;
    let offset = at.find(from).ok_or(NoEdit::NotCode)?;
    Ok(Edit {
        start: start + offset,
        end: start + offset + from.len(),
        text: to.to_string(),
        rule,
    })
}

/// `hip/hip_runtime.h`, if `text` is a header path and nothing else.
fn header(text: &str) -> Option<&str> {
    (!text.is_empty()
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '/' | '-')))
    .then_some(text)
}

/// `hipMalloc`, `hipcub::BlockReduce`: a C++ name, possibly qualified.
fn symbol(text: &str) -> Option<&str> {
    text.split("::")
        .all(|part| identifier(part).is_some())
        .then_some(text)
}

/// `torch.npu.synchronize`, if `text` is a dotted name and nothing else.
pub(crate) fn dotted(text: &str) -> Option<&str> {
    text.split('.')
        .all(|part| identifier(part).is_some())
        .then_some(text)
}

/// `npu`, if `text` is one Python identifier.
pub(crate) fn identifier(text: &str) -> Option<&str> {
    let mut chars = text.chars();
    let first = chars.next()?;
    ((first.is_alphabetic() || first == '_') && chars.all(|c| c.is_alphanumeric() || c == '_'))
        .then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_code_is_pasted() {
        assert_eq!(
            dotted("torch.npu.synchronize"),
            Some("torch.npu.synchronize")
        );
        assert_eq!(dotted("DDP(device_ids=[npu:N])"), None);
        assert_eq!(dotted("torch.npu.mstx (mark/range_push)"), None);
        assert_eq!(identifier("npu"), Some("npu"));
        assert_eq!(identifier("npu:0"), None);
        assert_eq!(header("hip/hip_runtime.h"), Some("hip/hip_runtime.h"));
        assert_eq!(header("hip/hip_runtime.h (HIP runtime)"), None);
        assert_eq!(symbol("hipcub::BlockReduce"), Some("hipcub::BlockReduce"));
        assert_eq!(symbol("hipMalloc or hipMallocAsync"), None);
    }
}
