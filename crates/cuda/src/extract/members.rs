//! Objects whose members are CUDA API. A cooperative group's methods are
//! the group operations (`g.shfl_xor(v, 1)`, `block.sync()`,
//! `warp.thread_rank()`), and a `cudaDeviceProp`'s fields are properties
//! CUDA defines (`prop.major`, `prop.multiProcessorCount`). Such a member is
//! reported as the symbol `Type::member`, so the rules on the type's
//! namespace see every line that uses it, not only the declaration.
//!
//! The variables are found before the walk (the walk meets uses before
//! their declarations) and by name within the file: a group and an
//! unrelated variable of the same name in another function are rare, and
//! plain values have no members to confuse.

use super::{declared_name, Extractor};
use crate::KindName;
use crate::FIELD;
use migscan_syntax::FieldChild;
use std::collections::HashMap;
use tree_sitter::Node;

/// Namespace whose every type is a cooperative group.
const GROUPS: &str = "cooperative_groups::";

/// Whole types whose fields are CUDA API.
const PROPERTY_TYPES: &[&str] = &["cudaDeviceProp"];

/// The group each factory returns, for `auto g = cg::tiled_partition<32>(b)`
/// (CUDA C++ Programming Guide, "Cooperative Groups", group types).
const GROUP_FACTORIES: &[(&str, &str)] = &[
    ("this_thread_block", "thread_block"),
    ("tiled_partition", "thread_block_tile"),
    ("this_grid", "grid_group"),
    ("this_multi_grid", "multi_grid_group"),
    ("coalesced_threads", "coalesced_group"),
    ("labeled_partition", "coalesced_group"),
    ("binary_partition", "coalesced_group"),
];

/// Declarations that name a type and the variables of it.
const DECLARATIONS: &[&str] = &[
    "declaration",
    "parameter_declaration",
    "optional_parameter_declaration",
    "field_declaration",
];

impl<'s> Extractor<'s, '_> {
    /// The file's variables (and parameters) of a type with API members,
    /// by name. Files that never name such a type are not walked.
    pub(super) fn typed_objects(&self, root: Node) -> HashMap<&'s str, String> {
        let mut objects = HashMap::new();
        let names_one = self.source.contains("cooperative_groups")
            || PROPERTY_TYPES.iter().any(|t| self.source.contains(t));
        if !names_one {
            return objects;
        }
        let mut stack = vec![root];
        let mut cursor = root.walk();
        while let Some(node) = stack.pop() {
            if DECLARATIONS.contains(&node.kind_name()) {
                self.declared_objects(node, &mut objects);
            } else if node.kind_name() == "binary_expression" {
                self.misread_declaration(node, &mut objects);
            }
            stack.extend(node.named_children(&mut cursor));
        }
        objects
    }

    /// The variables one declaration gives a type with API members.
    fn declared_objects(&self, node: Node, objects: &mut HashMap<&'s str, String>) {
        let Some(type_node) = node.field(FIELD.r#type) else {
            return;
        };
        let declared_type = self.type_name(type_node);
        let mut c = node.walk();
        for declarator in node.children_by_field_id(FIELD.declarator, &mut c) {
            let object_type = match &declared_type {
                Some(name) if has_api_members(name) => name.clone(),
                // `auto g = cg::tiled_partition<32>(block);`
                _ if type_node.kind_name() == "placeholder_type_specifier" => {
                    let Some(group) = declarator
                        .field(FIELD.value)
                        .and_then(|value| self.factory_group(value))
                    else {
                        continue;
                    };
                    group
                }
                _ => continue,
            };
            if let Some(name) = declared_name(declarator) {
                objects.insert(self.text(name), object_type);
            }
        }
    }

    /// `cg::thread_block_tile<32> g = ...;` after other statements: the
    /// grammar may read it as `(cg::thread_block_tile < 32) > (g = ...)`.
    fn misread_declaration(&self, node: Node, objects: &mut HashMap<&'s str, String>) {
        let operator = |n: Node| n.field(FIELD.operator).map(|o| self.text(o));
        let (Some(left), Some(right)) = (node.field(FIELD.left), node.field(FIELD.right)) else {
            return;
        };
        if operator(node) != Some(">")
            || left.kind_name() != "binary_expression"
            || operator(left) != Some("<")
        {
            return;
        }
        let Some(object_type) = left
            .field(FIELD.left)
            .and_then(|t| self.type_name(t))
            .filter(|t| has_api_members(t))
        else {
            return;
        };
        let variable = match right.kind_name() {
            "assignment_expression" => right.field(FIELD.left),
            _ => Some(right),
        };
        if let Some(variable) = variable.filter(|v| v.kind_name() == "identifier") {
            objects.insert(self.text(variable), object_type);
        }
    }

    /// A type's name with namespace aliases resolved and template
    /// arguments dropped: `cg::thread_block_tile<32>` →
    /// `cooperative_groups::thread_block_tile`.
    fn type_name(&self, node: Node) -> Option<String> {
        let name = match node.kind_name() {
            "qualified_identifier" => self.qualified(node).0,
            "template_type" => self.text(node.field(FIELD.name)?).to_string(),
            "type_identifier" => self.text(node).to_string(),
            _ => return None,
        };
        Some(self.unaliased(name))
    }

    /// The group a call to a cooperative-groups factory returns.
    fn factory_group(&self, value: Node) -> Option<String> {
        if value.kind_name() != "call_expression" {
            return None;
        }
        let function = value.field(FIELD.function)?;
        let name = match function.kind_name() {
            "qualified_identifier" => self.qualified(function).0,
            _ => return None,
        };
        let factory = self.unaliased(name);
        let factory = factory.strip_prefix(GROUPS)?;
        GROUP_FACTORIES
            .iter()
            .find(|(f, _)| *f == factory)
            .map(|(_, group)| format!("{GROUPS}{group}"))
    }

    /// `object.member` or `object->member` where the object has a type with
    /// API members: the symbol `Type::member` at the member's name.
    pub(super) fn member_access(&mut self, object: Node, member: Node) {
        if object.kind_name() != "identifier" {
            return;
        }
        let Some(object_type) = self.objects.get(self.text(object)) else {
            return;
        };
        let symbol = format!("{object_type}::{}", self.text(member));
        self.emit_node(migscan_core::UsageKind::Symbol, &symbol, member);
    }
}

/// Whether a type's members are CUDA API.
fn has_api_members(type_name: &str) -> bool {
    type_name.starts_with(GROUPS) || PROPERTY_TYPES.contains(&type_name)
}
