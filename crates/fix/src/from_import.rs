//! `from torch.cuda import synchronize, empty_cache`: the names are the
//! findings, but the change is the module path. When every name the
//! statement imports moves to the same new module, only the module path is
//! rewritten. When some names move and others do not (a name that needs a
//! person, or one no rule flags), a one-line statement is split: one
//! `from <new> import ...` per new module, and the names that stay keep the
//! old module, so no name is left behind in a module that lacks it.

use crate::edit::Edit;
use migscan_core::{Finding, UsageKind};
use migscan_rules::code::{dotted, identifier};
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
    /// Byte range from `from` to the end of the names, when the statement
    /// is one line without parentheses (it can then be split).
    line: Option<std::ops::Range<usize>>,
    /// The names imported (before any `as`).
    names: Vec<String>,
    /// Each name as written (`empty_cache as ec`).
    written: Vec<String>,
}

/// What the from-imports among a file's `auto` findings allow.
#[derive(Debug, Default)]
pub struct FromImports {
    /// The statements' edits.
    pub edits: Vec<Edit>,
    /// The import findings (indices) those edits make.
    pub settled: Vec<usize>,
    /// Findings (indices) of uses of a moved name (`synchronize()` after
    /// `from torch.cuda import synchronize`): they follow the import.
    pub followers: Vec<usize>,
}

/// The module edits the from-imports among `findings` (`auto` ones) allow.
pub fn module_edits(findings: &[&Finding], catalog: &RuleCatalog, text: &str) -> FromImports {
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
            .filter(|m| dotted(m).is_some())
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
    let mut out = FromImports::default();
    for (statement, moves) in asked.into_values() {
        let rule = findings[moves[0].finding].rule;
        let Some(edit) = statement_edit(&statement, &moves, text, rule) else {
            continue;
        };
        out.edits.push(edit);
        out.settled.extend(moves.iter().map(|m| m.finding));
        let old = &text[statement.module.clone()];
        for m in &moves {
            let full = format!("{old}.{}", m.name);
            let bound = statement
                .names
                .iter()
                .zip(&statement.written)
                .find(|(name, _)| **name == m.name)
                .map_or(m.name.as_str(), |(_, w)| {
                    w.rsplit(" as ").next().unwrap_or(w)
                });
            out.followers.extend((0..findings.len()).filter(|&i| {
                let usage = &findings[i].usage;
                usage.kind != UsageKind::Import
                    && under(&usage.name, &full)
                    && text
                        .get(usage.span.start..usage.span.end)
                        .is_some_and(|at| under(at, bound))
            }));
        }
    }
    out
}

/// Whether dotted `name` is `root` or something under it.
pub(crate) fn under(name: &str, root: &str) -> bool {
    name.strip_prefix(root)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
}

/// The edit, made for `rule`, that moves `moves`' names of `statement`.
fn statement_edit(statement: &Statement, moves: &[Move], text: &str, rule: usize) -> Option<Edit> {
    // Where each name goes: the module its finding asks for, or nowhere.
    let goes: Vec<Option<&str>> = statement
        .names
        .iter()
        .map(|name| {
            moves
                .iter()
                .find(|m| m.name == *name)
                .map(|m| m.module.as_str())
        })
        .collect();
    if let Some(Some(first)) = goes.first() {
        if goes.iter().all(|g| g == &Some(*first)) {
            return Some(Edit {
                start: statement.module.start,
                end: statement.module.end,
                text: first.to_string(),
                rule,
            });
        }
    }
    // Split: one statement per module, in the order the names come.
    let line = statement.line.clone()?;
    let old = &text[statement.module.clone()];
    let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
    for (go, written) in goes.iter().zip(&statement.written) {
        let module = go.unwrap_or(old);
        match groups.iter_mut().find(|(m, _)| *m == module) {
            Some((_, names)) => names.push(written),
            None => groups.push((module, vec![written])),
        }
    }
    let line_start = text[..line.start].rfind('\n').map_or(0, |i| i + 1);
    let indent = &text[line_start..line.start];
    let statements: Vec<String> = groups
        .iter()
        .map(|(module, names)| format!("from {module} import {}", names.join(", ")))
        .collect();
    Some(Edit {
        start: line.start,
        end: line.end,
        text: statements.join(&format!("\n{indent}")),
        rule,
    })
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
    let (list, line) = if let Some(open) = rest.strip_prefix('(') {
        (&open[..open.find(')')?], None)
    } else {
        let list = &rest[..rest.find('\n').unwrap_or(rest.len())];
        let list = list.strip_suffix('\r').unwrap_or(list);
        (list, Some(from..list_start + list.trim_end().len()))
    };
    let written: Vec<String> = list
        .split(',')
        .map(|n| n.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|n| !n.is_empty())
        .collect();
    let names: Vec<String> = written
        .iter()
        .map(|n| n.split(" as ").next().unwrap_or(n).to_string())
        .collect();
    let plain = written.iter().all(|w| {
        let mut parts = w.split(" as ");
        parts.all(|p| identifier(p).is_some())
    });
    (plain && dotted(&text[module.clone()]).is_some()).then_some(Statement {
        module,
        line,
        names,
        written,
    })
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
        assert_eq!(one.written, ["synchronize", "empty_cache as ec"]);
        assert_eq!(
            &text[one.line.clone().unwrap()],
            "from torch.cuda import synchronize, empty_cache as ec"
        );
        let many = statement_around(text, text.find("Stream").unwrap()).unwrap();
        assert_eq!(many.names, ["nvtx", "Stream"]);
        assert!(many.line.is_none());
        assert!(statement_around(text, 3).is_none());
    }
}
