//! `from torch.cuda import synchronize, empty_cache`: the names are the
//! findings, but the change is the module path. It is rewritten only when
//! every name the statement imports moves to the same new module (each an
//! `auto` finding whose replacement is that module plus the same name), so
//! no name is left behind in a module that lacks it.

use crate::edit::{dotted, identifier, Edit};
use migscan_core::{Finding, UsageKind};
use migscan_rules::RuleCatalog;
use std::collections::BTreeMap;

/// A name a finding imports and the module its rule moves it to, with the
/// finding's index.
struct Move {
    finding: usize,
    name: String,
    module: String,
}

/// One `from <module> import <names>` statement.
struct Statement {
    /// Byte range of the module path.
    module: std::ops::Range<usize>,
    /// The names imported (before any `as`).
    names: Vec<String>,
}

/// The module edits the from-imports among `findings` allow, and the
/// findings they settle.
pub fn module_edits(
    findings: &[&Finding],
    catalog: &RuleCatalog,
    text: &str,
) -> (Vec<Edit>, Vec<usize>) {
    // Per statement (by module start): the new module each finding asks for.
    let mut asked: BTreeMap<usize, (Statement, Vec<Move>)> = BTreeMap::new();
    for (index, finding) in findings.iter().enumerate() {
        let usage = &finding.usage;
        if usage.kind != UsageKind::Import {
            continue;
        }
        let Some(at) = text.get(usage.span.start..usage.span.end) else {
            continue;
        };
        let Some(module) = usage.name.strip_suffix(&format!(".{at}")) else {
            continue;
        };
        let Some(new_module) = catalog
            .rule(finding.rule)
            .replacement_for(&usage.name)
            .and_then(|r| r.strip_suffix(&format!(".{at}")).map(str::to_string))
        else {
            continue;
        };
        let Some(statement) = statement_around(text, usage.span.start) else {
            continue;
        };
        if text[statement.module.clone()] != *module {
            continue;
        }
        let entry = asked
            .entry(statement.module.start)
            .or_insert_with(|| (statement, Vec::new()));
        entry.1.push(Move {
            finding: index,
            name: at.to_string(),
            module: new_module,
        });
    }
    let mut edits = Vec::new();
    let mut settled = Vec::new();
    for (statement, moves) in asked.into_values() {
        let Some(new_module) = moves.first().map(|m| m.module.clone()) else {
            continue;
        };
        let all_move = statement.names.iter().all(|name| {
            moves
                .iter()
                .any(|m| m.name == *name && m.module == new_module)
        });
        if !all_move || dotted(&new_module).is_none() {
            continue;
        }
        edits.push(Edit {
            start: statement.module.start,
            end: statement.module.end,
            text: new_module,
            rule: findings[moves[0].finding].rule,
        });
        settled.extend(moves.iter().map(|m| m.finding));
    }
    (edits, settled)
}

/// The `from ... import ...` statement holding byte `at`, if it starts a
/// line and its names are plain (`a, b as c`, in parentheses or not).
fn statement_around(text: &str, at: usize) -> Option<Statement> {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    // A parenthesized list may span lines: find the `from` that opens it.
    let from = text[..at]
        .rmatch_indices("from ")
        .map(|(i, _)| i)
        .find(|&i| {
            i == 0
                || text[..i].ends_with('\n')
                || text[text[..i].rfind('\n').map_or(0, |n| n + 1)..i]
                    .trim()
                    .is_empty()
        })?;
    if from < line_start && !text[from..at].contains('(') {
        return None;
    }
    let after_from = from + "from ".len();
    let import = text[after_from..].find(" import ")? + after_from;
    let module = after_from..import;
    let list_start = import + " import ".len();
    let rest = &text[list_start..];
    let list = if let Some(open) = rest.strip_prefix('(') {
        &open[..open.find(')')?]
    } else {
        &rest[..rest.find('\n').unwrap_or(rest.len())]
    };
    let names = list
        .split(',')
        .map(|n| n.split(" as ").next().unwrap_or(n).trim())
        .filter(|n| !n.is_empty())
        .map(str::to_string)
        .collect::<Vec<_>>();
    (names.iter().all(|n| identifier(n).is_some()) && dotted(&text[module.clone()]).is_some())
        .then_some(Statement { module, names })
}

#[cfg(test)]
mod tests {
    use super::statement_around;

    #[test]
    fn from_import_statements() {
        let text = "import os\nfrom torch.cuda import synchronize, empty_cache as ec\nfrom torch.cuda import (\n    nvtx,\n    Stream,\n)\n";
        let one = statement_around(text, text.find("empty_cache").unwrap()).unwrap();
        assert_eq!(&text[one.module.clone()], "torch.cuda");
        assert_eq!(one.names, ["synchronize", "empty_cache"]);
        let many = statement_around(text, text.find("Stream").unwrap()).unwrap();
        assert_eq!(many.names, ["nvtx", "Stream"]);
        assert!(statement_around(text, 3).is_none());
    }
}
