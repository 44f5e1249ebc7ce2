//! `import torch.cuda as tc`: the import's edit (`import torch.npu as tc`)
//! moves every use through `tc` with it. It is made only when every finding
//! reached through the alias moves the same way (an `auto` rule whose
//! replacement is the new module plus the same rest); one use that needs a
//! person (`tc.nvtx` on Ascend, which torch.npu lacks) keeps the old module
//! for all of them.

use crate::from_import::under;
use migscan_core::{Finding, UsageKind};
use migscan_rules::code::{dotted, identifier};
use migscan_rules::RuleCatalog;

/// What the aliased imports among a file's findings allow.
#[derive(Debug, Default)]
pub struct Aliases {
    /// `auto` findings (indices) of aliased imports that must not be
    /// edited: a use through the alias does not move with them.
    pub blocked: Vec<usize>,
    /// `auto` findings (indices) of uses through an alias whose import is
    /// edited: they follow it and need no edit of their own.
    pub followers: Vec<usize>,
}

/// Checks every aliased import among `auto` (the file's `auto` findings)
/// against the uses through its alias, `auto` or not (`others`).
pub fn check(auto: &[&Finding], others: &[&Finding], catalog: &RuleCatalog, text: &str) -> Aliases {
    let mut aliases = Aliases::default();
    for (index, import) in auto.iter().enumerate() {
        let usage = &import.usage;
        if usage.kind != UsageKind::Import
            || text.get(usage.span.start..usage.span.end) != Some(usage.name.as_str())
        {
            continue;
        }
        let Some(alias) = alias_after(&text[usage.span.end..]) else {
            continue;
        };
        let Some(new_module) = catalog
            .rule(import.rule)
            .replacement_for(&usage.name)
            .filter(|m| dotted(m).is_some())
        else {
            continue;
        };
        let through = |f: &&Finding| {
            under(&f.usage.name, &usage.name)
                && text
                    .get(f.usage.span.start..f.usage.span.end)
                    .is_some_and(|at| under(at, alias))
        };
        let moves = |f: &Finding| {
            let rest = &f.usage.name[usage.name.len()..];
            catalog.rule(f.rule).replacement_for(&f.usage.name)
                == Some(format!("{new_module}{rest}"))
        };
        let uses: Vec<usize> = (0..auto.len())
            .filter(|&i| i != index && through(&auto[i]))
            .collect();
        if others.iter().any(through) || !uses.iter().all(|&i| moves(auto[i])) {
            aliases.blocked.push(index);
        } else {
            aliases.followers.extend(uses);
        }
    }
    aliases
}

/// `tc` of ` as tc` at the start of `rest` (what follows an imported name).
fn alias_after(rest: &str) -> Option<&str> {
    let rest = rest.trim_start_matches([' ', '\t']).strip_prefix("as")?;
    let trimmed = rest.trim_start_matches([' ', '\t']);
    if trimmed.len() == rest.len() {
        return None;
    }
    let end = trimmed
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(trimmed.len());
    identifier(&trimmed[..end])
}

#[cfg(test)]
mod tests {
    use super::alias_after;

    #[test]
    fn aliases_after_an_imported_name() {
        assert_eq!(alias_after(" as tc\n"), Some("tc"));
        assert_eq!(alias_after("  as\ttc, os\n"), Some("tc"));
        assert_eq!(alias_after("\nimport os"), None);
        assert_eq!(alias_after(" assert"), None);
        assert_eq!(alias_after(".synchronize()"), None);
    }
}
