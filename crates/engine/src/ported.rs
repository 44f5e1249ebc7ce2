//! Renames the file has already made. A project that supports the target
//! next to CUDA often writes both names in one file: a ROCm table
//! `{"cudaMalloc": "hipMalloc"}` beside the CUDA calls, an
//! `if is_npu: torch.npu.synchronize() else: torch.cuda.synchronize()`.
//! An `auto` finding whose replacement the same file already spells is
//! the port that exists, not work; it is counted, not listed. So is code in
//! a platform branch (`if current_platform.is_rocm():`) that the target
//! never runs or that is its own port.

use migscan_core::{Finding, PlatformBranch, Status, Target};
use migscan_rules::Rule;
use rustc_hash::FxHashMap as HashMap;

/// Shortest last segment a replacement must have to count: `torch.npu` or
/// `npu` name a namespace the file may use for anything; `hipMalloc` or
/// `torch.npu.synchronize` name one API.
const MIN_SEGMENT: usize = 6;

/// Removes the findings `drop` picks and adds each to its target's count;
/// `counts` is in `targets` order. Every stage that finds a port counts
/// what it removes the same way.
pub fn remove_counted(
    findings: &mut Vec<Finding>,
    targets: &[Target],
    counts: &mut [usize],
    mut drop: impl FnMut(&Finding) -> bool,
) {
    findings.retain(|finding| {
        let dropped = drop(finding);
        if dropped {
            if let Some(slot) = targets.iter().position(|&t| t == finding.target) {
                counts[slot] += 1;
            }
        }
        !dropped
    });
}

/// Removes the `auto` findings whose replacement `text` already contains
/// as a whole name, counting them per target.
pub fn remove_ported(
    findings: &mut Vec<Finding>,
    text: &str,
    rules: &[Rule],
    targets: &[Target],
    counts: &mut [usize],
) {
    // A file can hold thousands of findings with one replacement: each is
    // looked for in the text once.
    let mut spelled: HashMap<String, bool> = HashMap::default();
    remove_counted(findings, targets, counts, |finding| {
        let rule = &rules[finding.rule];
        rule.status == Status::Auto
            && rule.replacement_for(&finding.usage.name).is_some_and(|r| {
                r != finding.usage.name
                    && is_specific(&r)
                    && *spelled.entry(r).or_insert_with_key(|r| spells(text, r))
            })
    });
}

/// Removes the findings in platform branches that are not the target's
/// work: a branch for any one platform (another's path, or the target's own
/// port) and the `else` of the target's own test; counts them per target.
pub fn remove_platform_branches(
    findings: &mut Vec<Finding>,
    branches: &[PlatformBranch],
    targets: &[Target],
    counts: &mut [usize],
) {
    if branches.is_empty() {
        return;
    }
    remove_counted(findings, targets, counts, |finding| {
        let platform = finding.target.platform();
        let offset = finding.usage.span.start;
        branches
            .iter()
            .any(|b| b.range.contains(&offset) && b.skipped_on(platform))
    });
}

/// A replacement that names one API: code characters only, and a last
/// segment long enough not to be a namespace.
fn is_specific(replacement: &str) -> bool {
    let code = replacement
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b':'));
    let last = replacement.rsplit(['.', ':']).next().unwrap_or(replacement);
    code && last.len() >= MIN_SEGMENT
}

/// Whether `text` contains `name` with no identifier character on
/// either side.
fn spells(text: &str, name: &str) -> bool {
    let ident = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
    text.match_indices(name).any(|(at, _)| {
        !ident(text[..at].chars().next_back()) && !ident(text[at + name.len()..].chars().next())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_whole_specific_names_count() {
        assert!(is_specific("hipMalloc"));
        assert!(is_specific("torch.npu.synchronize"));
        assert!(!is_specific("torch.npu"));
        assert!(!is_specific("hip/hip_runtime.h"));
        assert!(spells("m = {\"cudaMalloc\": \"hipMalloc\"}", "hipMalloc"));
        assert!(!spells("hipMallocAsync(p)", "hipMalloc"));
    }
}
