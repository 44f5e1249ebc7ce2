//! CUDA/C++ frontend: turns `.cu`, `.cuh`, `.cpp`, `.h`, ... into
//! language-neutral [`Usage`](migscan_core::Usage)s with tree-sitter-cuda,
//! which extends the C++ grammar with CUDA's qualifiers and `<<<...>>>`.
//!
//! It reports what the code uses, not what it defines: included headers,
//! called functions, named types, macros and constants (symbols), methods
//! called on objects (`x.is_cuda()`), kernel definitions (with their length
//! in lines) and launches, inline assembly, and the warp-size assumptions
//! that break on 64-lane wavefronts. A function's own name, its parameters
//! and declared variables are not usages. The tree is walked with an
//! explicit stack.

mod constructs;
mod extract;
mod qualifiers;

use migscan_core::Keep;
pub use migscan_core::{Extraction, ParseFailure};
use migscan_syntax::{parse_within, PARSE_BUDGET};
use tree_sitter::Parser;

migscan_syntax::node_kinds! {
    /// The grammar's node kind names, by kind id.
    pub(crate) static KINDS: KindName = tree_sitter_cuda::LANGUAGE
}

migscan_syntax::field_ids! {
    /// The grammar's fields the extractors read, by id.
    pub(crate) static FIELD: Fields = tree_sitter_cuda::LANGUAGE => {
        argument, arguments, body, declarator, default_value, field, function, initializer, left,
        name, operator, parameters, path, r#type, right, scope, size, update, value,
    }
}

/// How failures name this frontend's parser.
const LANGUAGE: &str = "C++/CUDA";

/// A reusable CUDA/C++ parser plus the extraction logic. Create one per thread.
pub struct CudaFrontend {
    parser: Parser,
}

impl CudaFrontend {
    /// A frontend with the tree-sitter CUDA grammar loaded.
    pub fn new() -> Self {
        let mut parser = Parser::new();
        parser
            .set_language(&tree_sitter_cuda::LANGUAGE.into())
            .expect("the bundled tree-sitter-cuda grammar matches the tree-sitter ABI");
        Self { parser }
    }

    /// Parses `source` and drops the tree (benchmarks measure the parser's
    /// floor with it); whether the tree has errors.
    pub fn parse_only(&mut self, source: &str) -> bool {
        let source = qualifiers::neutralize(source);
        parse_within(&mut self.parser, &source, PARSE_BUDGET, LANGUAGE)
            .map_or(true, |tree| tree.root_node().has_error())
    }

    /// Extracts every usage from `source`.
    pub fn extract(&mut self, source: &str) -> Result<Extraction, ParseFailure> {
        self.extract_kept(source, &migscan_core::keep_all)
    }

    /// Extracts the usages from `source` that `keep` accepts by kind and
    /// name: a scan asks its rule packs first and so never builds the
    /// thousands of usages of plain identifiers no rule looks at.
    pub fn extract_kept(&mut self, source: &str, keep: Keep) -> Result<Extraction, ParseFailure> {
        // Qualifier macros are overwritten in place: spans stay the file's.
        let source = qualifiers::neutralize(source);
        let tree = parse_within(&mut self.parser, &source, PARSE_BUDGET, LANGUAGE)?;
        let root = tree.root_node();
        let (usages, defined_names) = extract::usages(root, &source, keep);
        Ok(Extraction {
            defined_names,
            ..Extraction::normalized(usages, root.has_error())
        })
    }
}

impl Default for CudaFrontend {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests;
