//! Optional integrations: code a project runs only when a third-party
//! package is installed, `if is_flash_attn_2_available():` and `try:
//! import flash_attn ... except ImportError:`. Without the package the
//! project takes its fallback, so porting such code is a choice, priced
//! apart from the required work (the engine marks the findings).

use crate::bindings::{called_name, text};
use crate::KindName;
use crate::FIELD;
use migscan_syntax::FieldChild;
use std::ops::Range;
use tree_sitter::Node;

/// Exceptions whose handler is a fallback for a missing package.
const IMPORT_ERRORS: &[&str] = &["ImportError", "ModuleNotFoundError", "Exception"];

/// Optional code an `if` statement guards: the body of `if
/// is_<package>_available():` (also among `and`/`or` with other tests), or,
/// after `if not is_<package>_available(): raise ...`, the rest of the
/// enclosing block. Availability checks of PyTorch itself or of a device
/// are not optional integrations.
pub fn optional_if(node: Node, source: &str) -> Option<Range<usize>> {
    let condition = node.field(FIELD.condition)?;
    let body = node.field(FIELD.consequence)?;
    if condition.kind_name() == "not_operator" {
        let tested = condition.field(FIELD.argument)?;
        let only_raises = body.named_child_count() == 1
            && body
                .named_child(0)
                .is_some_and(|s| s.kind_name() == "raise_statement");
        let block = node.parent()?;
        return (only_raises && tests_integration(tested, source))
            .then(|| node.end_byte()..block.end_byte());
    }
    tests_integration(condition, source).then(|| body.start_byte()..body.end_byte())
}

/// Whether a condition calls an integration's availability check, alone or
/// joined with `and`/`or` (never under `not`).
fn tests_integration(condition: Node, source: &str) -> bool {
    condition_terms(condition, source, true).any(|node| {
        let package = (node.kind_name() == "call")
            .then(|| called_name(node, source))
            .flatten()
            .and_then(|name| name.strip_prefix("is_"))
            .and_then(|n| n.strip_suffix("_available"))
            .unwrap_or_default();
        !package.is_empty() && !NOT_INTEGRATIONS.iter().any(|w| package.contains(w))
    })
}

/// The tests a condition joins: itself, or the operands of its `and`s (and
/// of its `or`s too, with `through_or`), through parentheses; never what is
/// under a `not`. Walked with a stack, never recursively.
fn condition_terms<'t>(
    condition: Node<'t>,
    source: &str,
    through_or: bool,
) -> impl Iterator<Item = Node<'t>> {
    let mut terms = Vec::new();
    let mut stack = vec![condition];
    while let Some(node) = stack.pop() {
        match node.kind_name() {
            "boolean_operator" => {
                let and = node
                    .field(FIELD.operator)
                    .is_some_and(|o| text(o, source) == "and");
                if and || through_or {
                    stack.extend(node.field(FIELD.left));
                    stack.extend(node.field(FIELD.right));
                }
            }
            "parenthesized_expression" => stack.extend(node.named_child(0)),
            _ => terms.push(node),
        }
    }
    terms.into_iter()
}

/// Availability checks of PyTorch or a device, not of an integration.
const NOT_INTEGRATIONS: &[&str] = &["torch", "cuda", "npu", "mlu", "gcu", "xpu", "rocm"];

/// The body of a `try:` that imports something and falls back when the
/// import fails (`except ImportError:` or broader, not a bare re-raise).
pub fn optional_try(node: Node, source: &str) -> Option<Range<usize>> {
    let body = node.field(FIELD.body)?;
    let mut cursor = body.walk();
    let imports = body
        .named_children(&mut cursor)
        .any(|s| matches!(s.kind_name(), "import_statement" | "import_from_statement"));
    let mut cursor = node.walk();
    let falls_back = node.named_children(&mut cursor).any(|clause| {
        if clause.kind_name() != "except_clause" {
            return false;
        }
        let handler = text(clause, source);
        let head = handler.split(':').next().unwrap_or_default();
        let catches = head.trim() == "except" || IMPORT_ERRORS.iter().any(|e| head.contains(e));
        let reraises = handler[head.len()..].trim_start_matches(':').trim() == "raise";
        catches && !reraises
    });
    (imports && falls_back).then(|| body.start_byte()..body.end_byte())
}

/// The flags an optional `try:` sets when its import succeeds (`has_apex =
/// True`, `HAVE_TE = True`): code behind them runs only with the package.
pub fn success_flags<'s>(body: Node, source: &'s str) -> Vec<&'s str> {
    let mut cursor = body.walk();
    let statements = body.named_children(&mut cursor);
    statements
        .filter_map(|statement| {
            let assignment = statement.named_child(0).filter(|n| {
                statement.kind_name() == "expression_statement" && n.kind_name() == "assignment"
            })?;
            let left = assignment.field(FIELD.left)?;
            let right = assignment.field(FIELD.right)?;
            (left.kind_name() == "identifier" && right.kind_name() == "true")
                .then(|| text(left, source))
        })
        .collect()
}

/// Whether `node` runs only when one of `flags` is set: it is in the body
/// of an `if`/`elif` whose condition reads a flag outside a `not` (`if
/// has_apex:`, `elif HAVE_TE and fp8:`). Walks up the ancestors, never
/// recursively.
pub fn behind_flag(node: Node, flags: &[String], source: &str) -> bool {
    let mut child = node;
    while let Some(parent) = child.parent() {
        let guarded = matches!(parent.kind_name(), "if_statement" | "elif_clause")
            && parent.field(FIELD.consequence) == Some(child)
            && parent
                .field(FIELD.condition)
                .is_some_and(|c| reads_flag(c, flags, source));
        if guarded {
            return true;
        }
        child = parent;
    }
    false
}

/// Whether a condition reads one of `flags` where its truth makes the
/// condition hold (not under `not`, not an `or` alternative).
fn reads_flag(condition: Node, flags: &[String], source: &str) -> bool {
    condition_terms(condition, source, false).any(|node| {
        node.kind_name() == "identifier" && flags.iter().any(|f| f == text(node, source))
    })
}
