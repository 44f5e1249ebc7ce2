//! Preprocessor guards. Code that already has a port for a target (`#ifdef
//! USE_ROCM`, `#if defined(__HIP_PLATFORM_AMD__)`), or that the target's
//! compiler never sees (`#if __CUDA_ARCH__ >= 800` under HIP-Clang, a
//! `#ifdef PTX_AVAILABLE` whose macro the project defines only for CUDA
//! builds), is no migration work for that target. This crate reads the
//! conditional directives of a C/C++ text ([`Conditionals`]) and, given
//! what a target's compiler defines ([`MacroEnv`]), says which byte ranges
//! are dead for it.
//!
//! Evaluation is three-valued: a condition is only false when every macro
//! it reads is known to the environment; anything else (a version
//! comparison, a macro of the project's, a function-like macro) is unknown,
//! and unknown code counts as live. It reads text line by line, with line
//! continuations and block comments, and never expands macros.

mod directives;
mod expr;

pub use directives::{Conditionals, Define};
pub use expr::{Expr, MacroEnv, Truth};
