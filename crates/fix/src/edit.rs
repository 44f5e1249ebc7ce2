//! The edit one finding asks for, from the text at its span and its rule's
//! replacement. Only changes that are exact at the span are made: a dotted
//! name written out in full, a method or attribute name, the device,
//! backend or environment variable inside a string or script, a C++ name,
//! an included header or a link flag. Anything else (an alias, a `from` import, a
//! replacement that is advice rather than code) is left for a person.

use migscan_core::{Finding, UsageKind};
use migscan_rules::code::{code, is_editable};
use migscan_rules::{Rule, Selector};

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
    /// The rule names no replacement (an include HIPIFY deletes, a name
    /// PyTorch's build rewrites).
    NoReplacement,
    /// An aliased import (`import torch.cuda as tc`) with a use through the
    /// alias that does not move with it (`tc.nvtx` on Ascend).
    AliasUse,
    /// `fix` does not rewrite this kind of usage (constructs, packages,
    /// images, commands).
    NotEditable,
}

impl NoEdit {
    /// For the summary.
    pub fn as_str(self) -> &'static str {
        match self {
            NoEdit::Indirect => "named through an alias or a from-import",
            NoEdit::NotCode => "replacement is advice, not code",
            NoEdit::NoReplacement => "the rule names no replacement",
            NoEdit::NotEditable => "a kind of change fix does not make",
            NoEdit::AliasUse => "an aliased import with a use that needs a person",
        }
    }
}

/// The edit for `finding` of `rule` in `text`.
pub fn edit_for(finding: &Finding, rule: &Rule, text: &str) -> Result<Edit, NoEdit> {
    let usage = &finding.usage;
    let (start, end) = (usage.span.start, usage.span.end);
    let selector = Selector::of(usage.kind);
    if !is_editable(selector) {
        return Err(NoEdit::NotEditable);
    }
    let at = text.get(start..end).ok_or(NoEdit::NotCode)?;
    let replacement = rule
        .replacement_for(&usage.name)
        .ok_or(NoEdit::NoReplacement)?;
    let new = code(selector, &replacement).ok_or(NoEdit::NotCode)?;
    let name = usage.name.as_str();
    // Where in the span the name to replace lies.
    let offset = match usage.kind {
        // A dotted name written out in full: the span is the name.
        UsageKind::Import | UsageKind::Call | UsageKind::Attribute | UsageKind::Decorator => {
            whole(at, name)?
        }
        // HIPIFY's rename (`cudaMalloc` → `hipMalloc`): the span is the
        // name, with a qualified template's arguments after it
        // (`cub::BlockReduce<float, 128>`).
        UsageKind::Symbol if at.strip_prefix(name).is_some_and(|r| r.starts_with('<')) => 0,
        UsageKind::Symbol => whole(at, name)?,
        // `.cuda()` → `.npu()`, `.is_cuda` → `.is_npu`: the span is the
        // method's name.
        UsageKind::Method | UsageKind::Member => {
            let method = name.rsplit('.').next().unwrap_or(name);
            return Ok(edit_at(
                start,
                whole(at, method)?,
                method.len(),
                new,
                finding.rule,
            ));
        }
        // `"cuda:0"` → `"npu:0"`, `f"cuda:{rank}"`, `"nccl"` → `"hccl"`, an
        // environment variable in a string or a script, a header in an
        // `#include`, a link flag: the span holds the name; only the name
        // changes.
        _ => at.find(name).ok_or(NoEdit::NotCode)?,
    };
    Ok(edit_at(start, offset, name.len(), new, finding.rule))
}

/// 0 when the span's text `at` is `name` itself; otherwise the code names
/// it another way (an alias, a `from` import).
fn whole(at: &str, name: &str) -> Result<usize, NoEdit> {
    if at == name {
        Ok(0)
    } else {
        Err(NoEdit::Indirect)
    }
}

/// The edit writing `text` over `len` bytes at `offset` into the span that
/// starts at byte `start`.
fn edit_at(start: usize, offset: usize, len: usize, text: &str, rule: usize) -> Edit {
    Edit {
        start: start + offset,
        end: start + offset + len,
        text: text.to_string(),
        rule,
    }
}
