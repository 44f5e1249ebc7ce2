//! Python frontend: turns Python source into language-neutral [`Usage`]s.
//!
//! Names are resolved through the file's imports (module level and function
//! local), so `import torch.distributed as dist; dist.init_process_group(...)`
//! yields a call of `torch.distributed.init_process_group`. Strings count only
//! in positions where they name a device, a distributed backend or an
//! environment variable; comments, docstrings and help texts never do.
//!
//! Trees are walked with explicit stacks, never recursion, so deeply nested
//! code cannot overflow the stack.

mod bindings;
mod capability;
mod extract;
mod lexer;
mod notebook;
mod optional;
mod outline;
mod platform;
mod positions;
mod strings;

use migscan_core::LineIndex;
pub use migscan_core::{Extraction, ParseFailure};
use migscan_syntax::{parse_within, PARSE_BUDGET};
pub use outline::{Anchors, Outline, Selection};
pub use positions::{
    CUDA_DEFAULT_AUTOCAST, CUDA_DEFAULT_AUTOCAST_CALLS, CUDA_SOURCE, NVIDIA_SMI_OPTIONS,
    TRITON_LAUNCH_KEYWORDS,
};
use tree_sitter::Parser;

migscan_syntax::node_kinds! {
    /// The grammar's node kind names, by kind id.
    pub(crate) static KINDS: KindName = tree_sitter_python::LANGUAGE
}

migscan_syntax::field_ids! {
    /// The grammar's fields the extractors read, by id.
    pub(crate) static FIELD: Fields = tree_sitter_python::LANGUAGE => {
        alias, alternative, argument, arguments, attribute, body, condition, consequence, definition,
        function, key, left, module_name, name, object, operator, parameters, r#type, return_type,
        right, subscript, value,
    }
}

/// How failures name this frontend's parser.
const LANGUAGE: &str = "Python";

/// A reusable Python parser plus the extraction logic. Create one per thread.
pub struct PythonFrontend {
    parser: Parser,
}

impl PythonFrontend {
    /// A frontend with the tree-sitter Python grammar loaded.
    pub fn new() -> Self {
        let mut parser = Parser::new();
        parser
            .set_language(&tree_sitter_python::LANGUAGE.into())
            .expect("the bundled tree-sitter-python grammar matches the tree-sitter ABI");
        Self { parser }
    }

    /// Extracts every usage from `source`.
    pub fn extract(&mut self, source: &str) -> Result<Extraction, ParseFailure> {
        let tree = parse_within(&mut self.parser, source, PARSE_BUDGET, LANGUAGE)?;
        let root = tree.root_node();
        let found = usages_under(root, source, LineIndex::new(source));
        Ok(found.into_extraction(root.has_error()))
    }

    /// Extracts the usages of the statements `ranges` select (from
    /// [`Outline::select`]); spans are in `source`. Should the selection not
    /// parse cleanly, which a correct outline never causes, the whole file
    /// is parsed instead, so a wrong guess costs time, never findings.
    pub fn extract_ranges(
        &mut self,
        source: &str,
        ranges: &[std::ops::Range<usize>],
    ) -> Result<Extraction, ParseFailure> {
        let lines = LineIndex::new(source);
        let included: Vec<tree_sitter::Range> = ranges
            .iter()
            .map(|r| tree_sitter::Range {
                start_byte: r.start,
                end_byte: r.end,
                start_point: point(&lines, r.start),
                end_point: point(&lines, r.end),
            })
            .collect();
        let parsed = match self.parser.set_included_ranges(&included) {
            Ok(()) => Some(parse_within(
                &mut self.parser,
                source,
                PARSE_BUDGET,
                LANGUAGE,
            )),
            Err(_) => None,
        };
        // Back to whole documents for the next file.
        let _ = self.parser.set_included_ranges(&[]);
        match parsed {
            Some(Ok(tree)) if !tree.root_node().has_error() => {
                let found = usages_under(tree.root_node(), source, lines);
                Ok(found.into_extraction(false))
            }
            // The whole file would only run out of time again.
            Some(Err(over_budget)) => Err(over_budget),
            _ => self.extract(source),
        }
    }

    /// The names a module binds at its top level to other modules' names,
    /// `(local, qualified)`, sorted: a package's `__init__.py` that does
    /// `import triton` lets the project write `from pkg import triton`.
    pub fn module_bindings(&mut self, source: &str) -> Result<Vec<(String, String)>, ParseFailure> {
        let tree = parse_within(&mut self.parser, source, PARSE_BUDGET, LANGUAGE)?;
        let bindings = bindings::Bindings::collect(tree.root_node(), source);
        let mut names: Vec<(String, String)> = bindings
            .module_level()
            .map(|(local, qualified)| (local.to_string(), qualified.to_string()))
            .collect();
        names.sort();
        Ok(names)
    }

    /// Parses `source` and drops the tree (benchmarks measure the parser's
    /// floor with it); whether the tree has errors.
    pub fn parse_only(&mut self, source: &str) -> bool {
        parse_within(&mut self.parser, source, PARSE_BUDGET, LANGUAGE)
            .map_or(true, |tree| tree.root_node().has_error())
    }

    /// Extracts the usages of a Jupyter notebook's code cells, with spans
    /// in the `.ipynb` file and the cell number of each usage.
    pub fn extract_notebook(&mut self, text: &str) -> Result<Extraction, ParseFailure> {
        let program = notebook::NotebookProgram::parse(text)?;
        let extraction = self.extract(&program.code)?;
        let usages = program.relocate(extraction.usages, text);
        Ok(Extraction::normalized(usages, extraction.has_syntax_errors))
    }
}

/// Both passes over a parsed tree: bindings, then usages (and the ranges
/// of C/C++ source in strings, the platform branches).
fn usages_under<'s>(
    root: tree_sitter::Node,
    source: &'s str,
    lines: LineIndex<'s>,
) -> extract::Found {
    let bindings = bindings::Bindings::collect(root, source);
    extract::usages(root, source, &bindings, lines)
}

/// The tree-sitter point (row, byte column) of a byte offset.
fn point(lines: &LineIndex, offset: usize) -> tree_sitter::Point {
    let (row, column) = lines.row_column(offset);
    tree_sitter::Point { row, column }
}

impl Default for PythonFrontend {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests;
