//! Compute-capability gates: a comparison of what
//! `torch.cuda.get_device_capability()` returned with NVIDIA's
//! architecture numbers (`major >= 8`, `cc >= (8, 9)`,
//! `torch.cuda.get_device_capability()[0] >= 9`). The numbers mean NVIDIA
//! architectures; other targets report theirs (gfx-derived on ROCm, an MLU
//! generation, `None` on Ascend), so the gate turns paths on or off by
//! accident. The fetch is reported by its own rule; the gate is the line
//! that decides.
//!
//! The walk meets a function's statements in any order, so names are
//! collected as the walk goes and matched when it is done.

use crate::bindings::{text, Bindings};
use crate::KindName;
use crate::FIELD;
use migscan_syntax::FieldChild;
use std::ops::Range;
use tree_sitter::Node;

/// The calls whose result is an NVIDIA compute capability.
const CAPABILITY_CALLS: &[&str] = &["torch.cuda.get_device_capability"];

/// Names bound to a capability and comparisons that may read one, per
/// scope.
#[derive(Default)]
pub struct CapabilityGates {
    bound: Vec<(usize, String)>,
    compared: Vec<(usize, String, Range<usize>)>,
    gates: Vec<Range<usize>>,
}

impl CapabilityGates {
    /// `cc = torch.cuda.get_device_capability()`, `major, minor = ...`:
    /// the names bound to the result.
    pub fn assignment(&mut self, node: Node, scope: usize, bindings: &Bindings, source: &str) {
        let (Some(left), Some(right)) = (node.field(FIELD.left), node.field(FIELD.right)) else {
            return;
        };
        if !is_capability_call(right, scope, bindings, source) {
            return;
        }
        let mut stack = vec![left];
        let mut cursor = left.walk();
        while let Some(target) = stack.pop() {
            match target.kind_name() {
                "identifier" => self.bound.push((scope, text(target, source).to_string())),
                "pattern_list" | "tuple_pattern" | "list_pattern" | "parenthesized_expression" => {
                    stack.extend(target.named_children(&mut cursor))
                }
                _ => {}
            }
        }
    }

    /// A comparison of a name, a subscript of one or the call itself with
    /// a number or a tuple of numbers.
    pub fn comparison(&mut self, node: Node, scope: usize, bindings: &Bindings, source: &str) {
        let mut cursor = node.walk();
        let operands: Vec<Node> = node.named_children(&mut cursor).collect();
        if !operands.iter().any(|&o| is_version_literal(o)) {
            return;
        }
        for operand in operands {
            let read = match operand.kind_name() {
                "subscript" => operand.field(FIELD.value),
                _ => Some(operand),
            };
            let Some(read) = read else { continue };
            if is_capability_call(read, scope, bindings, source) {
                self.gates.push(node.byte_range());
                return;
            }
            // `major`, or `(major, minor)` compared with a tuple.
            let names: Vec<Node> = match read.kind_name() {
                "identifier" => vec![read],
                "tuple" => read
                    .named_children(&mut cursor)
                    .filter(|item| item.kind_name() == "identifier")
                    .collect(),
                _ => Vec::new(),
            };
            for name in names {
                let name = text(name, source).to_string();
                self.compared.push((scope, name, node.byte_range()));
            }
        }
    }

    /// The byte ranges of the gates found, each once, in no particular
    /// order.
    pub fn gates(mut self) -> Vec<Range<usize>> {
        for (scope, name, range) in self.compared {
            let bound = self.bound.iter().any(|(s, n)| *s == scope && *n == name);
            if bound && !self.gates.contains(&range) {
                self.gates.push(range);
            }
        }
        self.gates
    }
}

fn is_capability_call(node: Node, scope: usize, bindings: &Bindings, source: &str) -> bool {
    node.kind_name() == "call"
        && node
            .field(FIELD.function)
            .and_then(|f| bindings.qualify(scope, f, source))
            .is_some_and(|name| CAPABILITY_CALLS.contains(&name.as_str()))
}

/// `8`, `(8, 9)`: what architecture numbers are written as.
fn is_version_literal(node: Node) -> bool {
    match node.kind_name() {
        "integer" => true,
        "tuple" => {
            let mut cursor = node.walk();
            let items: Vec<Node> = node.named_children(&mut cursor).collect();
            !items.is_empty() && items.iter().all(|i| i.kind_name() == "integer")
        }
        _ => false,
    }
}
