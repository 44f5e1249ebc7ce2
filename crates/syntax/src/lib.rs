//! tree-sitter plumbing the Python and CUDA/C++ frontends share.
//!
//! tree-sitter's error recovery is fast on real code, but fuzzing found
//! inputs (a C++ header whose licence comment lost its `*/`, a Python file
//! with a megabyte-long broken line) on which it keeps thousands of stack
//! versions alive and needs minutes for a file that normally parses in
//! milliseconds. No operation count tells those apart from big files (the
//! slow parse does only ten times the operations, each a hundred times
//! dearer), so the budget is wall-clock time: [`parse_within`] stops the
//! parser once [`PARSE_BUDGET`] has passed and the engine lists the file as
//! skipped with the reason, instead of holding the whole scan hostage.

pub mod fields;

pub use fields::{FieldChild, FieldId};

use std::ops::ControlFlow;
use std::time::{Duration, Instant};

use migscan_core::ParseFailure;
use tree_sitter::{ParseOptions, ParseState, Parser, Tree};

/// How long one file's parse may take. The slowest file of the pinned
/// corpus (10.5k files) parses in well under a second; a parse that runs
/// past this budget is error recovery gone quadratic, not a big file.
pub const PARSE_BUDGET: Duration = Duration::from_secs(10);

/// The words every over-budget failure holds, for tools that count them
/// (`cargo xtask fuzz`).
pub const OVER_BUDGET: &str = "was still recovering from syntax errors after";

/// Parses `source` with `parser`, giving up after `budget`. `language`
/// names the parser in the failure (`"Python"`, `"C++/CUDA"`).
///
/// A cancelled parse leaves its state in the parser for resumption;
/// it is reset here so the next file starts from scratch.
pub fn parse_within(
    parser: &mut Parser,
    source: &str,
    budget: Duration,
    language: &str,
) -> Result<Tree, ParseFailure> {
    let started = Instant::now();
    let mut over_budget = |_: &ParseState| {
        if started.elapsed() > budget {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    };
    let options = ParseOptions::new().progress_callback(&mut over_budget);
    let bytes = source.as_bytes();
    let mut read = |offset: usize, _| bytes.get(offset..).unwrap_or_default();
    match parser.parse_with_options(&mut read, None, Some(options)) {
        Some(tree) => Ok(tree),
        None if started.elapsed() > budget => {
            parser.reset();
            Err(ParseFailure(format!(
                "the {language} parser {OVER_BUDGET} {} s; the file is too broken to scan",
                budget.as_secs()
            )))
        }
        None => {
            parser.reset();
            Err(ParseFailure(format!(
                "the {language} parser gave up on this file"
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn python() -> Parser {
        let mut parser = Parser::new();
        parser
            .set_language(&tree_sitter_python::LANGUAGE.into())
            .expect("grammar matches the ABI");
        parser
    }

    #[test]
    fn parses_within_the_budget() {
        let tree = parse_within(&mut python(), "import torch\n", PARSE_BUDGET, "Python")
            .expect("a one-line file parses");
        assert_eq!(tree.root_node().kind(), "module");
        assert!(!tree.root_node().has_error());
    }

    #[test]
    fn an_exhausted_budget_fails_with_the_reason_and_leaves_the_parser_fresh() {
        let mut parser = python();
        // Big enough that the progress callback runs (every 100 operations).
        let source = "x = [1, 2, 3]\n".repeat(2_000);
        let failure = parse_within(&mut parser, &source, Duration::ZERO, "Python")
            .expect_err("a zero budget stops the parse");
        assert_eq!(
            failure.0,
            "the Python parser was still recovering from syntax errors after 0 s; \
             the file is too broken to scan"
        );
        let tree = parse_within(&mut parser, "y = 2\n", PARSE_BUDGET, "Python")
            .expect("the next parse starts from scratch");
        assert_eq!(tree.root_node().child_count(), 1);
    }
}
