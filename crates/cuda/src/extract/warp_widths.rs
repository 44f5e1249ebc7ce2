//! Warp widths a file spells through its own code rather than in one
//! expression:
//!
//! - a template parameter that a template function uses as a tile width
//!   (`template <int tbSize> ... cg::tiled_partition<tbSize>(b)`) makes
//!   every explicit `32` given for it (`attn_softmax<32, ...>`) a 32-lane
//!   assumption, while the function itself stays generic;
//! - a literal `32` standing where the same file writes its warp-size
//!   constant (`32 * x128::size` beside `WARP_SIZE * x128::size`) is that
//!   constant written out.
//!
//! Both are only known once the whole file is walked (a template can be
//! instantiated before it is defined, a literal can come before the
//! constant's use), so the walk records and [`WarpWidths::finish`] decides.

use super::Extractor;
use crate::constructs::{integer_value, warp_constant_value, HARDCODED_WARP_SIZE};
use crate::KindName;
use crate::FIELD;
use migscan_core::UsageKind;
use migscan_syntax::FieldChild;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use tree_sitter::Node;

/// Cooperative-groups templates whose argument is a tile width.
const TILE_TEMPLATES: &[&str] = &["tiled_partition", "thread_block_tile"];

/// The width of a full warp on NVIDIA hardware.
const WARP: u64 = 32;

/// How an operand sits in a binary expression: which operator, which text
/// on the other side, and on which side the warp width is (`None` when the
/// operator commutes).
type Shape<'s> = (&'s str, &'s str, Option<bool>);

/// What the walk records for [`WarpWidths::finish`].
#[derive(Default)]
pub(super) struct WarpWidths<'s> {
    /// Template functions and the indices of their tile-width parameters.
    tile_parameters: HashMap<&'s str, Vec<usize>>,
    /// Explicit template arguments equal to 32, by function name and index.
    arguments: Vec<(&'s str, usize, Range<usize>)>,
    /// Shapes in which the file uses a warp-size constant.
    constant_shapes: HashSet<Shape<'s>>,
    /// Literal 32s and the shape each stands in.
    literals: Vec<(Shape<'s>, Range<usize>)>,
}

impl<'s> Extractor<'s, '_> {
    /// `template <int tbSize, ...> f(...) { tiled_partition<tbSize> ... }`:
    /// the parameters `f` uses as tile widths.
    pub(super) fn template_tile_parameters(&mut self, node: Node) {
        let (Some(parameters), Some(function)) = (
            node.field(FIELD.parameters),
            node.named_children(&mut node.walk())
                .find(|c| c.kind_name() == "function_definition"),
        ) else {
            return;
        };
        let (Some(name), Some(body)) = (
            function
                .field(FIELD.declarator)
                .and_then(super::declared_name),
            function.field(FIELD.body),
        ) else {
            return;
        };
        let body = self.text(body);
        let widths: Vec<usize> = parameters
            .named_children(&mut parameters.walk())
            .enumerate()
            .filter(|(_, p)| p.kind_name() == "parameter_declaration")
            .filter_map(|(i, p)| {
                let declared = p.field(FIELD.declarator)?;
                is_tile_width(body, self.text(declared)).then_some(i)
            })
            .collect();
        if !widths.is_empty() {
            self.warp_widths
                .tile_parameters
                .insert(self.text(name), widths);
        }
    }

    /// `f<32, (threads / 32), 32>`: the arguments equal to 32, kept until
    /// the file says which parameters of `f` are tile widths.
    pub(super) fn template_arguments(&mut self, name: Node, arguments: Node) {
        let name = self.text(name);
        for (index, argument) in arguments.named_children(&mut arguments.walk()).enumerate() {
            if integer_value(self.text(argument)) == Some(WARP) {
                self.warp_widths
                    .arguments
                    .push((name, index, argument.byte_range()));
            }
        }
    }

    /// A binary expression with a warp-size constant or a literal 32 on one
    /// side: its shape.
    pub(super) fn warp_operand(&mut self, left: Node, operator: &'s str, right: Node) {
        let commutes = matches!(operator, "*" | "+");
        for (width, other, on_left) in [(left, right, true), (right, left, false)] {
            let shape = (operator, self.text(other), (!commutes).then_some(on_left));
            let width_text = self.text(width);
            if warp_constant_value(width_text) == Some(WARP) {
                self.warp_widths.constant_shapes.insert(shape);
            } else if width.kind_name() == "number_literal"
                && integer_value(width_text) == Some(WARP)
            {
                self.warp_widths.literals.push((shape, width.byte_range()));
            }
        }
    }

    /// Reports what the whole file showed to be a warp width.
    pub(super) fn finish_warp_widths(&mut self) {
        let widths = std::mem::take(&mut self.warp_widths);
        let arguments = widths
            .arguments
            .into_iter()
            .filter(|(name, index, _)| {
                widths
                    .tile_parameters
                    .get(name)
                    .is_some_and(|indices| indices.contains(index))
            })
            .map(|(_, _, range)| range);
        let literals = widths
            .literals
            .into_iter()
            .filter(|(shape, _)| widths.constant_shapes.contains(shape))
            .map(|(_, range)| range);
        let found: Vec<Range<usize>> = arguments.chain(literals).collect();
        if found.is_empty() {
            return;
        }
        // The walk may have reported a literal already (`lane % 32`).
        let reported: HashSet<usize> = self
            .usages
            .iter()
            .filter(|u| u.kind == UsageKind::Construct && u.name == HARDCODED_WARP_SIZE)
            .map(|u| u.span.start)
            .collect();
        for range in found {
            if !reported.contains(&range.start) {
                self.emit(
                    UsageKind::Construct,
                    HARDCODED_WARP_SIZE,
                    range.start,
                    range.end,
                );
            }
        }
    }
}

/// Whether `body` passes `parameter` as a tile width
/// (`tiled_partition<parameter>`, `thread_block_tile<parameter>`).
fn is_tile_width(body: &str, parameter: &str) -> bool {
    TILE_TEMPLATES.iter().any(|template| {
        body.match_indices(template).any(|(at, _)| {
            let rest = body[at + template.len()..].trim_start();
            rest.strip_prefix('<')
                .map(str::trim_start)
                .and_then(|r| r.strip_prefix(parameter))
                .is_some_and(|r| r.trim_start().starts_with('>'))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::is_tile_width;

    #[test]
    fn tile_widths_are_read_from_the_template_arguments() {
        assert!(is_tile_width(
            "g = cg::tiled_partition< tbSize >(b);",
            "tbSize"
        ));
        assert!(is_tile_width("cg::thread_block_tile<W> g", "W"));
        assert!(!is_tile_width("cg::tiled_partition<tbSize2>(b)", "tbSize"));
        assert!(!is_tile_width(
            "for (int i = 1; i < tbSize; i *= 2)",
            "tbSize"
        ));
    }
}
