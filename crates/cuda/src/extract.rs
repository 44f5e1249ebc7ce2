//! The walk over a C++/CUDA syntax tree.

use crate::constructs::{
    integer_value, is_full_warp_mask, is_hardcoded_warp_size, is_tensor_core_asm,
    warp_constant_value, DEVICE_FP64, DEVICE_FUNCTION, FULL_WARP_MASK, HARDCODED_WARP_SIZE,
    INLINE_ASM, PTX_MMA,
};
use crate::KindName;
use crate::FIELD;
use migscan_core::{Keep, LineIndex, Usage, UsageKind};
use migscan_syntax::{FieldChild, FieldId};
use std::collections::HashMap;
use tree_sitter::Node;

mod capability;
mod members;
mod warp_widths;

/// The usages under `root` that `keep` accepts, and the names defined
/// there that `keep` would take for symbols (see [`Extractor::definition`]).
pub fn usages(root: Node, source: &str, keep: Keep) -> (Vec<Usage>, Vec<String>) {
    let mut extractor = Extractor {
        source,
        lines: LineIndex::new(source),
        usages: Vec::new(),
        keep,
        aliases: namespace_aliases(source),
        objects: HashMap::new(),
        definitions: Vec::new(),
        device_code: None,
        warp_widths: warp_widths::WarpWidths::default(),
        capability: capability::CapabilityGates::default(),
    };
    extractor.objects = extractor.typed_objects(root);
    extractor.walk(root);
    extractor.finish_warp_widths();
    extractor.finish_capability_gates();
    (extractor.usages, extractor.definitions)
}

struct Extractor<'s, 'k> {
    source: &'s str,
    lines: LineIndex<'s>,
    usages: Vec<Usage>,
    keep: Keep<'k>,
    /// `namespace cg = cooperative_groups;`: (`cg`, `cooperative_groups`).
    aliases: Vec<(&'s str, &'s str)>,
    /// Variables whose members are CUDA API, with their type (`members`).
    objects: HashMap<&'s str, String>,
    /// Macros and functions the file defines whose names a rule might take
    /// for a vendor API.
    definitions: Vec<String>,
    /// The byte range of the kernel or device function seen last: functions
    /// do not nest, so it is the only one a node can be inside.
    device_code: Option<std::ops::Range<usize>>,
    /// Warp widths only the whole file reveals (`warp_widths`).
    warp_widths: warp_widths::WarpWidths<'s>,
    /// Compute-capability gates (`capability`).
    capability: capability::CapabilityGates<'s>,
}

/// Nodes that are text, not code.
const SKIPPED: &[&str] = &[
    "comment",
    "string_literal",
    "raw_string_literal",
    "char_literal",
    "concatenated_string",
    "system_lib_string",
    "primitive_type",
    "field_identifier",
    "namespace_identifier",
];

impl<'s> Extractor<'s, '_> {
    fn text(&self, node: Node) -> &'s str {
        &self.source[node.byte_range()]
    }

    /// Builds the usage if `keep` wants it: every identifier is a symbol,
    /// and most are never looked at again.
    fn emit(
        &mut self,
        kind: UsageKind,
        name: &str,
        start: usize,
        end: usize,
    ) -> Option<&mut Usage> {
        if !(self.keep)(kind, name) {
            return None;
        }
        let span = self.lines.span(start, end);
        self.usages.push(Usage::new(kind, name, span));
        self.usages.last_mut()
    }

    fn emit_node(&mut self, kind: UsageKind, name: &str, node: Node) {
        self.emit(kind, name, node.start_byte(), node.end_byte());
    }

    fn walk<'t>(&mut self, root: Node<'t>) {
        let mut stack = vec![root];
        let mut cursor = root.walk();
        while let Some(node) = stack.pop() {
            let push = |stack: &mut Vec<Node<'t>>, field: FieldId| {
                if let Some(child) = node.field(field) {
                    stack.push(child);
                }
            };
            match node.kind_name() {
                "primitive_type" => self.device_fp64(node),
                kind if SKIPPED.contains(&kind) => {}
                "preproc_include" => self.include(node),
                "preproc_def" | "preproc_function_def" => {
                    self.macro_definition(node);
                    if let Some(value) = node.field(FIELD.value) {
                        self.warp_size_definition(node.field(FIELD.name), value);
                        self.macro_body(value);
                    }
                }
                "template_declaration" => {
                    self.template_tile_parameters(node);
                    stack.extend(node.named_children(&mut cursor));
                }
                "function_definition" => {
                    self.kernel_definition(node);
                    if let Some(name) = node
                        .field(FIELD.declarator)
                        .and_then(declared_name)
                        .filter(|name| name.kind_name() == "identifier")
                    {
                        self.definition(self.text(name));
                    }
                    self.memory_spaces(node);
                    push(&mut stack, FIELD.r#type);
                    if let Some(declarator) = node.field(FIELD.declarator) {
                        if declarator.has_error() {
                            // `DS_D_INLINE __half f()`: the macro took the
                            // type's place and the return type landed here.
                            self.tokens(declarator.start_byte(), self.text(declarator));
                        }
                        stack.extend(parameters_of(declarator));
                        stack.extend(specialization_arguments(declarator));
                    }
                    // A constructor's `: member(args)` list has no field name.
                    stack.extend(
                        node.named_children(&mut cursor)
                            .filter(|c| c.kind_name() == "field_initializer_list"),
                    );
                    push(&mut stack, FIELD.body);
                }
                // Declared names are definitions; only types and values are uses.
                "parameter_declaration"
                | "field_declaration"
                | "optional_parameter_declaration" => {
                    push(&mut stack, FIELD.r#type);
                    push(&mut stack, FIELD.default_value);
                    // A method declared in a class body: its parameters.
                    if let Some(declarator) = node.field(FIELD.declarator) {
                        stack.extend(array_sizes(declarator));
                        stack.extend(parameters_of(declarator));
                    }
                }
                "declaration" => {
                    self.memory_spaces(node);
                    push(&mut stack, FIELD.r#type);
                    let mut c = node.walk();
                    for declarator in node.children_by_field_id(FIELD.declarator, &mut c) {
                        stack.extend(array_sizes(declarator));
                        if declarator.kind_name() == "init_declarator" {
                            self.named_warp_result(declarator);
                            if let Some(value) = declarator.field(FIELD.value) {
                                self.warp_size_definition(declared_name(declarator), value);
                                stack.push(value);
                            }
                            // A prototype whose end an `#if` split reads as
                            // one with an initializer.
                            stack.extend(parameters_of(declarator));
                        } else if declarator.kind_name() == "function_declarator" {
                            stack.extend(parameters_of(declarator));
                        }
                    }
                }
                "call_expression" => self.call(node, &mut stack),
                "namespace_alias_definition" | "using_declaration" => self.namespace_use(node),
                "qualified_identifier" => {
                    let (name, rest) = self.qualified(node);
                    let name = self.unaliased(name);
                    self.emit_node(UsageKind::Symbol, &name, node);
                    self.warp_tile(&name, &rest);
                    stack.extend(rest);
                }
                "template_type" | "template_function" => {
                    if let Some(name) = node.field(FIELD.name) {
                        let text = self.text(name);
                        self.emit_node(UsageKind::Symbol, text, name);
                        let arguments: Vec<Node> =
                            node.field(FIELD.arguments).into_iter().collect();
                        self.warp_tile(text, &arguments);
                        if let Some(&arguments) = arguments.first() {
                            self.template_arguments(name, arguments);
                        }
                    }
                    push(&mut stack, FIELD.arguments);
                }
                "identifier" | "type_identifier" => {
                    let text = self.text(node);
                    self.symbol(text, node.start_byte(), node.end_byte());
                }
                // Text the grammar could not place (a qualifier macro before
                // a declaration, a prototype split by `#if`): its names are
                // read token by token so no CUDA name is lost.
                "ERROR" => {
                    self.tokens(node.start_byte(), self.text(node));
                    stack.extend(node.named_children(&mut cursor));
                }
                "for_statement" => {
                    self.shuffle_loop(node);
                    stack.extend(node.named_children(&mut cursor));
                }
                "field_expression" => {
                    // `a.b` reads a field; calls of methods are handled in `call`.
                    if let (Some(object), Some(field)) =
                        (node.field(FIELD.argument), node.field(FIELD.field))
                    {
                        self.member_access(object, field);
                    }
                    push(&mut stack, FIELD.argument);
                }
                "gnu_asm_expression" | "asm_statement" => {
                    let text = self.text(node);
                    let tensor_cores = is_tensor_core_asm(text);
                    let end = node.start_byte() + text.find('(').unwrap_or(text.len());
                    self.emit(UsageKind::Construct, INLINE_ASM, node.start_byte(), end);
                    if tensor_cores {
                        self.emit(UsageKind::Construct, PTX_MMA, node.start_byte(), end);
                    }
                }
                "number_literal" => {
                    if is_full_warp_mask(self.text(node)) {
                        self.emit_node(UsageKind::Construct, FULL_WARP_MASK, node);
                    }
                }
                "binary_expression" => {
                    self.warp_arithmetic(node, None);
                    if let (Some(left), Some(operator), Some(right)) = (
                        node.field(FIELD.left),
                        node.field(FIELD.operator),
                        node.field(FIELD.right),
                    ) {
                        self.warp_operand(left, self.text(operator), right);
                        self.capability_comparison(left, self.text(operator), right);
                    }
                    stack.extend(node.named_children(&mut cursor));
                }
                "assignment_expression" => {
                    self.named_warp_result(node);
                    stack.extend(node.named_children(&mut cursor));
                }
                _ => stack.extend(node.named_children(&mut cursor)),
            }
        }
    }

    /// `#include <cuda_runtime.h>`, `#include "cub/cub.cuh"`.
    fn include(&mut self, node: Node) {
        let Some(path) = node.field(FIELD.path) else {
            return;
        };
        let header = self
            .text(path)
            .trim_matches(|c| matches!(c, '<' | '>' | '"'));
        self.emit_node(UsageKind::Include, header, path);
    }

    /// A name the project defines for itself, if a rule might take it for a
    /// vendor API: `cudaCheck` stays the project's helper wherever it is
    /// called.
    fn definition(&mut self, name: &str) {
        if (self.keep)(UsageKind::Symbol, name) {
            self.definitions.push(name.to_string());
        }
    }

    /// `#define cudaCheck(err) ...`, `#define CUDA_COMMON_H`: the project's
    /// own macros. Not an alias of another name (`#define cudaMalloc
    /// hipMalloc` in a compatibility header keeps the CUDA name a CUDA
    /// name), nor a fallback for a vendor macro (`#ifndef CUDA_VERSION`
    /// `#define CUDA_VERSION 11000`).
    fn macro_definition(&mut self, node: Node) {
        let Some(name) = node.field(FIELD.name).map(|n| self.text(n)) else {
            return;
        };
        if node.kind_name() == "preproc_def" {
            if let Some(value) = node.field(FIELD.value) {
                let value = self.text(value).trim();
                if is_name(value) || self.is_fallback(node, name) {
                    return;
                }
            }
        }
        self.definition(name);
    }

    /// Whether `node` sits directly in an `#ifndef name` (a default for a
    /// macro defined elsewhere).
    fn is_fallback(&self, node: Node, name: &str) -> bool {
        node.parent().is_some_and(|parent| {
            parent.kind_name() == "preproc_ifdef"
                && parent.child(0).is_some_and(|d| d.kind_name() == "#ifndef")
                && parent
                    .field(FIELD.name)
                    .is_some_and(|n| self.text(n) == name)
        })
    }

    /// Macro bodies are unparsed text: their identifiers count as symbols,
    /// so a `CUDA_CHECK` macro wrapping `cudaGetErrorString` is seen, and a
    /// `<<<` in them is a kernel launch (launch macros are common).
    fn macro_body(&mut self, value: Node) {
        let text = self.text(value);
        let base = value.start_byte();
        for (at, _) in text.match_indices("<<<") {
            let (name, start) = launched_kernel(&text[..at]);
            self.emit(UsageKind::KernelLaunch, &name, base + start, base + at + 3);
        }
        self.tokens(base, text);
    }

    /// The identifiers of unparsed `text` starting at byte `base`, as
    /// symbols (`a::b` kept whole); strings and comments are skipped.
    fn tokens(&mut self, base: usize, text: &'s str) {
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let c = bytes[i];
            if c == b'/' && matches!(bytes.get(i + 1), Some(b'/' | b'*')) {
                let close = if bytes[i + 1] == b'/' { "\n" } else { "*/" };
                i = text[i + 2..]
                    .find(close)
                    .map_or(bytes.len(), |at| i + 2 + at + close.len());
                continue;
            }
            if c == b'"' {
                // Skip string literals in the macro.
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
                continue;
            }
            if c.is_ascii_alphabetic() || c == b'_' {
                let start = i;
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric()
                        || bytes[i] == b'_'
                        || (bytes[i] == b':' && bytes.get(i + 1) == Some(&b':')))
                {
                    i += if bytes[i] == b':' { 2 } else { 1 };
                }
                let word = text[start..i].trim_end_matches(':');
                let name = self.unaliased(word.to_string());
                self.symbol(&name, base + start, base + start + word.len());
                continue;
            }
            if c.is_ascii_digit() {
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'.') {
                    i += 1;
                }
                continue;
            }
            i += 1;
        }
    }

    /// A `__global__` function (a kernel) or a `__device__` function
    /// (device code a kernel calls), sized by its lines.
    fn kernel_definition(&mut self, node: Node) {
        let mut c = node.walk();
        let mut qualifiers = node
            .children(&mut c)
            .take_while(|child| child.kind_name() != "compound_statement")
            .map(|child| self.text(child));
        let (kind, construct) = match qualifiers.find(|q| matches!(*q, "__global__" | "__device__"))
        {
            Some("__global__") => (UsageKind::KernelDef, None),
            Some(_) => (UsageKind::Construct, Some(DEVICE_FUNCTION)),
            None => return,
        };
        self.device_code = Some(node.byte_range());
        let Some(name) = node.field(FIELD.declarator).and_then(declared_name) else {
            return;
        };
        let lines = node.end_position().row - node.start_position().row + 1;
        let text = construct.unwrap_or(self.text(name));
        let usage = self.emit(kind, text, name.start_byte(), name.end_byte());
        if let Some(usage) = usage {
            usage.weight = u32::try_from(lines).unwrap_or(u32::MAX);
        }
    }

    /// `double` in a kernel's or device function's parameters or body:
    /// device arithmetic in fp64, which not every target's cores have.
    fn device_fp64(&mut self, node: Node) {
        let at = node.start_byte();
        let inside = self.device_code.as_ref().is_some_and(|r| r.contains(&at));
        if inside && self.text(node) == "double" {
            self.emit_node(UsageKind::Construct, DEVICE_FP64, node);
        }
    }

    /// CUDA's qualifiers among a declaration's children: memory spaces
    /// (`__shared__`, `__constant__`, `__managed__`) and
    /// `__launch_bounds__`, reported as symbols of their own name.
    fn memory_spaces(&mut self, node: Node) {
        let mut c = node.walk();
        for child in node.children(&mut c) {
            let name = match child.kind_name() {
                "type_qualifier" | "storage_class_specifier" => self.text(child),
                "launch_bounds" => "__launch_bounds__",
                "compound_statement" => break,
                _ => continue,
            };
            if name.starts_with("__") && name.ends_with("__") {
                self.emit(
                    UsageKind::Symbol,
                    name,
                    child.start_byte(),
                    child.start_byte() + name.len(),
                );
            }
        }
    }

    /// `namespace cg = cooperative_groups;`, `using namespace at::cuda;`:
    /// the namespace as a whole, which the rules on its members' prefix
    /// (`cooperative_groups::`) match.
    fn namespace_use(&mut self, node: Node) {
        let mut c = node.walk();
        let is_namespace = node
            .children(&mut c)
            .any(|child| child.kind_name() == "namespace");
        let Some(namespace) = node.named_children(&mut c).last() else {
            return;
        };
        if is_namespace {
            let name = self.text(namespace).trim_start_matches("::");
            self.emit_node(UsageKind::Symbol, name, namespace);
        }
    }

    /// `cg::thread_block` → `cooperative_groups::thread_block` when the
    /// file declares `namespace cg = cooperative_groups;`.
    fn unaliased(&self, name: String) -> String {
        for (alias, target) in &self.aliases {
            if let Some(rest) = name.strip_prefix(alias).and_then(|r| r.strip_prefix("::")) {
                return format!("{target}::{rest}");
            }
        }
        name
    }

    /// An identifier: a symbol, and a warp-size assumption when it names a
    /// warp-size constant.
    fn symbol(&mut self, name: &str, start: usize, end: usize) {
        self.emit(UsageKind::Symbol, name, start, end);
        if warp_constant_value(name).is_some() {
            self.emit(UsageKind::Construct, HARDCODED_WARP_SIZE, start, end);
        }
    }

    /// `#define WARP_SIZE 32`, `constexpr int kWarpSize = 32;`,
    /// `#define WARP_SIZE_BITS 5`: the value.
    fn warp_size_definition(&mut self, name: Option<Node>, value: Node) {
        let expected = name.and_then(|n| warp_constant_value(self.text(n)));
        if expected.is_some() && expected == integer_value(self.text(value)) {
            self.emit_node(UsageKind::Construct, HARDCODED_WARP_SIZE, value);
        }
    }

    /// A butterfly or tree reduction over a warp, `for (int o = 16; o > 0;
    /// o /= 2)`: its start is half of a 32-lane warp.
    fn shuffle_loop(&mut self, node: Node) {
        let Some(start) = node.field(FIELD.initializer).and_then(|init| {
            let mut c = init.walk();
            let declarators: Vec<Node> = init
                .children_by_field_id(FIELD.declarator, &mut c)
                .collect();
            declarators
                .into_iter()
                .find_map(|d| d.field(FIELD.value))
                .or_else(|| init.field(FIELD.right))
        }) else {
            return;
        };
        let halves = node.field(FIELD.update).is_some_and(|update| {
            let text: String = self.text(update).split_whitespace().collect();
            ["/=2", ">>=1", "/2", ">>1"]
                .iter()
                .any(|h| text.ends_with(h))
        });
        if halves && self.text(start).trim() == "16" {
            self.emit_node(UsageKind::Construct, HARDCODED_WARP_SIZE, start);
        }
    }

    /// `cg::tiled_partition<32>(block)`: a tile of one 32-lane warp.
    fn warp_tile(&mut self, name: &str, arguments: &[Node]) {
        if !name.ends_with("tiled_partition") {
            return;
        }
        for &arguments in arguments {
            let text = self.text(arguments);
            if integer_value(text.trim_start_matches('<').trim_end_matches('>')) == Some(32) {
                self.emit_node(UsageKind::Construct, HARDCODED_WARP_SIZE, arguments);
            }
        }
    }

    fn call<'t>(&mut self, node: Node<'t>, stack: &mut Vec<Node<'t>>) {
        let mut c = node.walk();
        let launch = node
            .children(&mut c)
            .find(|child| child.kind_name() == "kernel_call_syntax");
        if let Some(arguments) = node.field(FIELD.arguments) {
            stack.push(arguments);
        }
        if let Some(config) = launch {
            stack.push(config);
        }
        let Some(function) = node.field(FIELD.function) else {
            return;
        };
        if let Some(config) = launch {
            let name = match function.kind_name() {
                "template_function" => function.field(FIELD.name).unwrap_or(function),
                _ => function,
            };
            let text: String = self.text(name).split_whitespace().collect();
            // The span is the `<<<...>>>`: the CUDA syntax to change, on its
            // own line when a long template name comes before it.
            self.emit(
                UsageKind::KernelLaunch,
                &text,
                config.start_byte(),
                config.end_byte(),
            );
            if let Some(args) = function.field(FIELD.arguments) {
                self.template_arguments(name, args);
                stack.push(args);
            }
            return;
        }
        match function.kind_name() {
            "field_expression" => {
                if let Some(field) = function.field(FIELD.field) {
                    let name = match field.kind_name() {
                        "template_method" => field.field(FIELD.name).unwrap_or(field),
                        _ => field,
                    };
                    let text = self.text(name);
                    self.emit_node(UsageKind::Method, text, name);
                    if let Some(object) = function.field(FIELD.argument) {
                        self.member_access(object, name);
                    }
                }
                if let Some(object) = function.field(FIELD.argument) {
                    stack.push(object);
                }
            }
            _ => stack.push(function),
        }
    }

    /// `a::b::c<T>` → (`a::b::c`, nodes still to walk: template arguments).
    fn qualified<'t>(&self, node: Node<'t>) -> (String, Vec<Node<'t>>) {
        let mut name = String::new();
        let mut rest = Vec::new();
        let mut current = node;
        loop {
            if let Some(scope) = current.field(FIELD.scope) {
                let scope = match scope.kind_name() {
                    "template_type" => {
                        if let Some(args) = scope.field(FIELD.arguments) {
                            rest.push(args);
                        }
                        scope.field(FIELD.name).unwrap_or(scope)
                    }
                    _ => scope,
                };
                name.push_str(self.text(scope).trim());
            }
            name.push_str("::");
            let Some(inner) = current.field(FIELD.name) else {
                break;
            };
            match inner.kind_name() {
                "qualified_identifier" => current = inner,
                "template_type" | "template_function" | "template_method" => {
                    if let Some(args) = inner.field(FIELD.arguments) {
                        rest.push(args);
                    }
                    let base = inner.field(FIELD.name).unwrap_or(inner);
                    name.push_str(self.text(base).trim());
                    break;
                }
                _ => {
                    name.push_str(self.text(inner).trim());
                    break;
                }
            }
        }
        (name.trim_start_matches("::").to_string(), rest)
    }

    /// `int lane = id & 0x1f;`, `warps = n / 32`: warp arithmetic whose
    /// result is named as a lane or warp, whatever the operand is called.
    /// Read from the declaration or assignment down (asking a node for its
    /// parent walks from the root, which long chains make quadratic). The
    /// walk meets the expression again without the name; a hazard found
    /// both ways is one usage once the extraction drops exact repeats.
    fn named_warp_result(&mut self, node: Node) {
        let (target, value) = match node.kind_name() {
            "init_declarator" => (FIELD.declarator, FIELD.value),
            _ => (FIELD.left, FIELD.right),
        };
        if let (Some(target), Some(value)) = (node.field(target), node.field(value)) {
            self.capability_binding(target, value);
            if value.kind_name() == "binary_expression" {
                self.warp_arithmetic(value, Some(self.text(target)));
            }
        }
    }

    /// `lane % 32`, `threadIdx.x / 32`, `tid & 31`: the left operand, or
    /// the name the result is given, says it is a lane or warp index.
    fn warp_arithmetic(&mut self, node: Node, result: Option<&str>) {
        let (Some(left), Some(operator), Some(right)) = (
            node.field(FIELD.left),
            node.field(FIELD.operator),
            node.field(FIELD.right),
        ) else {
            return;
        };
        let (operator_text, right_text) = (self.text(operator), self.text(right));
        let names_lane = |name: &str| is_hardcoded_warp_size(name, operator_text, right_text);
        if names_lane(self.text(left)) || result.is_some_and(names_lane) {
            self.emit_node(UsageKind::Construct, HARDCODED_WARP_SIZE, right);
        }
    }
}

/// The kernel named before a `<<<` in macro text (`kernel<T, 4><<<`), and
/// where its name starts; `macro` when the text does not name one.
fn launched_kernel(before: &str) -> (String, usize) {
    let mut end = before.trim_end().len();
    // Skip template arguments.
    if before[..end].ends_with('>') {
        let mut depth = 0;
        for (i, c) in before[..end].char_indices().rev() {
            match c {
                '>' => depth += 1,
                '<' => {
                    depth -= 1;
                    if depth == 0 {
                        end = before[..i].trim_end().len();
                        break;
                    }
                }
                _ => {}
            }
        }
    }
    let start = before[..end]
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
        .map_or(0, |i| i + 1);
    match &before[start..end] {
        "" => ("macro".to_string(), end),
        name => (name.to_string(), start),
    }
}

/// The namespace aliases of a file (`namespace cg = cooperative_groups;`),
/// read from the text before the walk: the walk meets uses in any order.
fn namespace_aliases(source: &str) -> Vec<(&str, &str)> {
    source
        .match_indices("namespace ")
        .filter_map(|(at, _)| {
            let rest = &source[at + "namespace ".len()..];
            let statement = &rest[..rest.find([';', '{', '\n'])?];
            let (alias, target) = statement.split_once('=')?;
            let (alias, target) = (alias.trim(), target.trim().trim_start_matches("::"));
            (is_name(alias) && is_name(target)).then_some((alias, target))
        })
        .collect()
}

/// Whether `text` is one name, maybe `::`-qualified (`cudaMalloc`,
/// `cute::Int`), not a number or an expression.
fn is_name(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b':')
}

/// The sizes of the arrays a declarator declares (`shared_val[WARP_SIZE]`,
/// `tile[TILE][TILE + 1]`): values the declaration uses.
fn array_sizes(declarator: Node) -> Vec<Node> {
    let mut sizes = Vec::new();
    let mut node = Some(declarator);
    while let Some(current) = node {
        if current.kind_name() == "array_declarator" {
            sizes.extend(current.field(FIELD.size));
        }
        node = inner_declarator(current);
    }
    sizes
}

/// The parameter list of a (possibly nested) function declarator.
fn parameters_of(declarator: Node) -> Option<Node> {
    nested(declarator, "function_declarator")?.field(FIELD.parameters)
}

/// The template arguments of the function a declarator specializes
/// (`workspace_type<__nv_bfloat16>()`).
fn specialization_arguments(declarator: Node) -> Option<Node> {
    nested(declarator, "template_function")?.field(FIELD.arguments)
}

/// `declarator` or the first declarator of `kind` nested in it.
fn nested<'t>(declarator: Node<'t>, kind: &str) -> Option<Node<'t>> {
    let mut node = declarator;
    while node.kind_name() != kind {
        node = inner_declarator(node)?;
    }
    Some(node)
}

/// The declarator inside `node`: its `declarator` field, or the one child
/// of a reference declarator (`float &real(...)`), which has no field.
fn inner_declarator(node: Node) -> Option<Node> {
    node.field(FIELD.declarator).or_else(|| {
        (node.kind_name() == "reference_declarator")
            .then(|| node.named_child(0))
            .flatten()
    })
}

/// The name a declarator declares: `void kernel(...)` → `kernel`.
fn declared_name(declarator: Node) -> Option<Node> {
    let mut node = declarator;
    loop {
        match node.kind_name() {
            "identifier" | "field_identifier" | "qualified_identifier" | "operator_name" => {
                return Some(node)
            }
            "template_function" => return node.field(FIELD.name),
            _ => node = inner_declarator(node)?,
        }
    }
}
