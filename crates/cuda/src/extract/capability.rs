//! Compute-capability gates in C/C++: a comparison of a `cudaDeviceProp`'s
//! `major` or `minor` with a number (`prop.major >= 8`), or of a variable
//! the file assigns from one (`cuda_arch_major = deviceProp.major;` ...
//! `cuda_arch_major >= 8 ? 1 : 0`). The numbers are NVIDIA architectures;
//! other targets report their own (gfx-derived on ROCm), so the gate turns
//! paths on or off by accident. The same construct as Python's
//! `capability-gate`, so the same rules price it.
//!
//! An assignment can come after the comparison in the file (a global set in
//! `main`, read in a helper above it), so both are recorded and matched
//! after the walk.

use super::Extractor;
use crate::KindName;
use crate::FIELD;
use migscan_core::{UsageKind, CAPABILITY_GATE};
use migscan_syntax::FieldChild;
use std::collections::HashSet;
use std::ops::Range;
use tree_sitter::Node;

/// The `cudaDeviceProp` fields that hold the compute capability.
const CAPABILITY_FIELDS: &[&str] = &["major", "minor"];

/// Operators that compare.
const COMPARISONS: &[&str] = &["<", "<=", ">", ">=", "==", "!="];

/// What the walk records for [`Extractor::finish_capability_gates`].
#[derive(Default)]
pub(super) struct CapabilityGates<'s> {
    /// Variables assigned from a capability field.
    bound: HashSet<&'s str>,
    /// Comparisons with a number: the other operand's text and the range.
    compared: Vec<(&'s str, Range<usize>)>,
}

impl<'s> Extractor<'s, '_> {
    /// `x = prop.major`, `int cc = prop.major * 10 + prop.minor;`: `target`
    /// holds a capability when `value` reads a capability field.
    pub(super) fn capability_binding(&mut self, target: Node, value: Node) {
        if self.reads_capability(value) {
            let name = self.text(target).trim_start_matches(['*', '&', ' ']);
            self.capability.bound.insert(name);
        }
    }

    /// `a >= 8`: kept when one side is a number.
    pub(super) fn capability_comparison(&mut self, left: Node, operator: &str, right: Node) {
        if !COMPARISONS.contains(&operator) {
            return;
        }
        let number = |n: Node| n.kind_name() == "number_literal";
        let operand = match (number(left), number(right)) {
            (false, true) => left,
            (true, false) => right,
            _ => return,
        };
        let range = left.start_byte()..right.end_byte();
        if self.reads_capability_field(operand) {
            self.capability.compared.push(("", range));
        } else if operand.kind_name() == "identifier" {
            self.capability.compared.push((self.text(operand), range));
        }
    }

    /// Reports the comparisons that read a capability.
    pub(super) fn finish_capability_gates(&mut self) {
        let gates = std::mem::take(&mut self.capability);
        for (name, range) in gates.compared {
            if name.is_empty() || gates.bound.contains(name) {
                self.emit(
                    UsageKind::Construct,
                    CAPABILITY_GATE,
                    range.start,
                    range.end,
                );
            }
        }
    }

    /// Whether an expression reads a capability field anywhere in it.
    fn reads_capability(&self, value: Node) -> bool {
        let mut stack = vec![value];
        while let Some(node) = stack.pop() {
            if self.reads_capability_field(node) {
                return true;
            }
            stack.extend(node.named_children(&mut node.walk()));
        }
        false
    }

    /// `prop.major`, `props->minor` on a `cudaDeviceProp`.
    fn reads_capability_field(&self, node: Node) -> bool {
        if node.kind_name() != "field_expression" {
            return false;
        }
        let (Some(object), Some(field)) = (node.field(FIELD.argument), node.field(FIELD.field))
        else {
            return false;
        };
        CAPABILITY_FIELDS.contains(&self.text(field))
            && self
                .objects
                .get(self.text(object))
                .is_some_and(|ty| ty == "cudaDeviceProp")
    }
}
