//! Branches that run on one accelerator platform only: `if
//! torch.version.hip:`, `if current_platform.is_rocm():`, `if
//! is_torch_npu_available():`, `if hasattr(torch, "npu"):`, `if
//! device.type == "npu":`, `if torch.version.cuda is not None:` (`None` on
//! ROCm), and the `else`/`elif` after them. Code under such a branch is
//! another platform's path (not work for a target that is not that
//! platform) or the port that exists (not work for the one that is); the
//! engine decides per target. The test itself is the port's too: `if
//! torch.version.cuda is None: return False` already routes ROCm.

use crate::bindings::{called_name, text, Bindings};
use crate::KindName;
use crate::FIELD;
use migscan_core::PlatformBranch;
use migscan_syntax::FieldChild;
use tree_sitter::Node;

/// Predicates named for the platform they test, by the start of the
/// called name's last segment (`vllm.platforms.current_platform.is_rocm`,
/// DeepSpeed's `OpBuilder.is_rocm_pytorch`, transformers'
/// `is_torch_npu_available`), or of a flag's name (`is_rocm_pytorch`,
/// `IS_HIP_EXTENSION`), and the platform, as `PlatformBranch::platform`
/// names it.
const PREDICATES: &[(&str, &str)] = &[
    ("is_rocm", "rocm"),
    ("is_hip", "rocm"),
    ("is_torch_npu", "npu"),
    ("is_npu", "npu"),
    ("is_torch_mlu", "mlu"),
    ("is_mlu", "mlu"),
    ("is_torch_gcu", "gcu"),
    ("is_gcu", "gcu"),
];

/// Device-type strings compared with (`device.type == "npu"`) or probed
/// (`hasattr(torch, "npu")`).
const DEVICE_TYPES: &[(&str, &str)] = &[("npu", "npu"), ("mlu", "mlu"), ("gcu", "gcu")];

/// The platform branches of one `if` statement: its body runs when the
/// condition holds, every later `elif`/`else` when it does not.
pub fn if_branches(
    node: Node,
    scope: usize,
    bindings: &Bindings,
    source: &str,
    out: &mut Vec<PlatformBranch>,
) {
    if let Some(condition) = node.field(FIELD.condition) {
        routed_alternatives(condition, scope, bindings, source, out);
    }
    let check = |out: &mut Vec<PlatformBranch>, condition: Option<Node>| {
        let (test, platform, holds, exact) = platform_check(condition?, scope, bindings, source)?;
        // The test routes the platform already: part of that platform's
        // port, so not its target's work. A range that runs "everywhere
        // else" is dropped for the platform's target only; the others keep
        // the CUDA test they must extend.
        push(out, Some(test), platform, false);
        Some((platform, holds, exact))
    };
    let Some((platform, holds, exact)) = check(out, node.field(FIELD.condition)) else {
        // An `elif` may still test a platform: only its own body is known.
        let mut cursor = node.walk();
        for clause in node.children_by_field_id(FIELD.alternative, &mut cursor) {
            if clause.kind_name() == "elif_clause" {
                if let Some((platform, holds, _)) = check(out, clause.field(FIELD.condition)) {
                    push(out, clause.field(FIELD.consequence), platform, holds);
                }
            }
        }
        return;
    };
    let consequence = node.field(FIELD.consequence);
    push(out, consequence, platform, holds);
    // `if ok and is_rocm(): ... else: ...`: the `else` also runs on ROCm
    // when `ok` fails, so only a test that decides alone says where the
    // `else` runs.
    if !exact {
        return;
    }
    let mut cursor = node.walk();
    let mut alternatives = 0;
    for clause in node.children_by_field_id(FIELD.alternative, &mut cursor) {
        push(out, Some(clause), platform, !holds);
        alternatives += 1;
    }
    // `if is_rocm(): return ...` with no `else`: what follows the `if` in
    // its block runs only when the test fails, as an `else` would.
    if alternatives == 0 && consequence.is_some_and(leaves_block) {
        if let Some(block) = node.parent() {
            out.push(PlatformBranch {
                range: node.end_byte()..block.end_byte(),
                platform,
                holds: !holds,
            });
        }
    }
}

/// Whether a block always leaves the code around it: its last statement
/// returns, breaks or continues. Not `raise`: `if is_rocm(): raise
/// NotImplementedError` marks what the platform still lacks, and the code
/// after it is the feature to port there, not a port that exists.
fn leaves_block(block: Node) -> bool {
    let last = block.named_children(&mut block.walk()).last();
    last.is_some_and(|last| {
        matches!(
            last.kind_name(),
            "return_statement" | "break_statement" | "continue_statement"
        )
    })
}

/// The deepest an `or` is looked for in a condition.
const MAX_CONDITION_DEPTH: usize = 8;

/// `(CUDA_HOME is not None) or is_rocm_pytorch`: where one operand of `or`
/// holds on a platform, the condition is true there whatever the other
/// says, so the other operand (the CUDA test) is that platform's port
/// already, and matters everywhere else. Looked for in the whole condition,
/// not only at its top (`ok and (a or is_rocm)`), to a bounded depth.
fn routed_alternatives(
    condition: Node,
    scope: usize,
    bindings: &Bindings,
    source: &str,
    out: &mut Vec<PlatformBranch>,
) {
    let mut stack = vec![(condition, 0)];
    while let Some((node, depth)) = stack.pop() {
        if depth > MAX_CONDITION_DEPTH {
            continue;
        }
        match node.kind_name() {
            "parenthesized_expression" | "not_operator" => {
                stack.extend(node.named_child(0).map(|c| (c, depth + 1)));
            }
            "boolean_operator" => {
                let (Some(left), Some(right)) = (node.field(FIELD.left), node.field(FIELD.right))
                else {
                    continue;
                };
                if operator(node, source) == Some("or") {
                    for (test, other) in [(left, right), (right, left)] {
                        let test = unparenthesized(test);
                        if let Some((platform, true)) =
                            platform_check_leaf(test, scope, bindings, source)
                        {
                            push(out, Some(other), platform, false);
                        }
                    }
                }
                stack.push((left, depth + 1));
                stack.push((right, depth + 1));
            }
            _ => {}
        }
    }
}

/// `(x)` → `x`, for as many parentheses as there are.
fn unparenthesized(mut node: Node) -> Node {
    while node.kind_name() == "parenthesized_expression" {
        match node.named_child(0) {
            Some(inner) => node = inner,
            None => break,
        }
    }
    node
}

fn push(out: &mut Vec<PlatformBranch>, body: Option<Node>, platform: &'static str, holds: bool) {
    if let Some(body) = body {
        out.push(PlatformBranch {
            range: body.start_byte()..body.end_byte(),
            platform,
            holds,
        });
    }
}

/// The test in a condition that names a platform, the platform, and
/// whether the branch runs when that platform is the one in use; `None`
/// for anything else.
fn platform_check<'t>(
    node: Node<'t>,
    scope: usize,
    bindings: &Bindings,
    source: &str,
) -> Option<(Node<'t>, &'static str, bool, bool)> {
    // `not`, parentheses and `and` chains: walked down, never recursively.
    // The last value says whether the test decides alone (no `and`), so
    // that its negation is where the `else` runs.
    let mut node = node;
    let mut holds = true;
    let mut exact = true;
    loop {
        match node.kind_name() {
            "not_operator" => {
                holds = !holds;
                node = node.field(FIELD.argument)?;
            }
            "parenthesized_expression" => node = node.named_child(0)?,
            // `a and b`: the body needs both; a platform test on the left wins.
            "boolean_operator" if holds && operator(node, source) == Some("and") => {
                exact = false;
                let left = node.field(FIELD.left)?;
                if let Some(found) = platform_check_leaf(left, scope, bindings, source) {
                    return Some((left, found.0, found.1 == holds, exact));
                }
                node = node.field(FIELD.right)?;
            }
            _ => {
                let (platform, positive) = platform_check_leaf(node, scope, bindings, source)?;
                return Some((node, platform, positive == holds, exact));
            }
        }
    }
}

/// A single test: a predicate call, `torch.version.hip` or
/// `torch.version.cuda` (set on CUDA builds only, so false on ROCm),
/// `hasattr(torch, "npu")`, a comparison with a device-type string or with
/// `None`.
fn platform_check_leaf(
    node: Node,
    scope: usize,
    bindings: &Bindings,
    source: &str,
) -> Option<(&'static str, bool)> {
    match node.kind_name() {
        "call" => {
            let last = called_name(node, source)?;
            if last == "hasattr" {
                let args = node.field(FIELD.arguments)?;
                let probed = args.named_child(1)?;
                return device_type(text(probed, source)).map(|p| (p, true));
            }
            named_platform(last).map(|platform| (platform, true))
        }
        "attribute" | "identifier" => {
            match bindings.qualify(scope, node, source).as_deref() {
                Some("torch.version.hip") => return Some(("rocm", true)),
                Some("torch.version.cuda") => return Some(("rocm", false)),
                _ => {}
            }
            // A flag named like a predicate: `is_rocm_pytorch = ...` then
            // `if not is_rocm_pytorch:`, `IS_HIP_EXTENSION`.
            let last = text(node, source).rsplit('.').next()?;
            named_platform(&last.to_ascii_lowercase()).map(|platform| (platform, true))
        }
        "comparison_operator" => {
            let left = node.named_child(0)?;
            let right = node.named_child(1)?;
            // The operator is the text between the operands (`is not`).
            let op = source.get(left.end_byte()..right.start_byte())?.trim();
            let positive = match op {
                "==" | "is not" => true,
                "!=" | "is" => false,
                _ => return None,
            };
            if right.kind_name() == "none" {
                return platform_check_leaf(left, scope, bindings, source)
                    .map(|(p, set)| (p, set == positive));
            }
            let platform = [left, right]
                .into_iter()
                .filter(|side| side.kind_name() == "string")
                .find_map(|side| device_type(text(side, source)))?;
            Some((platform, positive))
        }
        _ => None,
    }
}

/// The platform a predicate or flag is named for (`is_rocm`,
/// `_is_torch_npu_available`, `is_rocm_pytorch`); `None` for other names.
fn named_platform(name: &str) -> Option<&'static str> {
    let name = name.trim_start_matches('_');
    PREDICATES
        .iter()
        .find(|(predicate, _)| {
            name.strip_prefix(predicate)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('_'))
        })
        .map(|&(_, platform)| platform)
}

fn operator<'s>(node: Node, source: &'s str) -> Option<&'s str> {
    node.field(FIELD.operator).map(|o| text(o, source))
}

/// `"npu"` or `'npu'` → `npu`.
fn device_type(literal: &str) -> Option<&'static str> {
    let value = literal.trim_matches(|c| c == '"' || c == '\'');
    DEVICE_TYPES
        .iter()
        .find(|(spelled, _)| *spelled == value)
        .map(|&(_, platform)| platform)
}
