//! Rust frontend: projects using `tch` (PyTorch's Rust bindings), `candle`,
//! `cudarc` or `cust`, and `build.rs` files that compile CUDA.
//!
//! Sources are lexed with proc-macro2 and walked with syn's token
//! [`Cursor`](syn::buffer::Cursor) and an explicit stack of cursors, so deeply
//! nested code cannot overflow the stack and a file that does not type-check
//! still yields its usages. Reported:
//! - paths with `::` as symbols (`Device::Cuda`, `tch::Cuda::is_available`,
//!   `Device::new_cuda`, `CudaDevice::new`, `cudarc::driver`);
//! - methods called (`.cuda(true)` on `cc::Build` as the build setting
//!   `cc::Build::cuda`, other methods as methods);
//! - programs started with `Command::new("nvcc")`.
//!
//! `Cargo.toml` manifests yield their dependencies as packages and CUDA
//! features (`features = ["cuda"]`) as build settings `cargo-feature:<name>`.

mod manifest;
mod tokens;

pub use manifest::manifest_usages;
pub use migscan_core::{Extraction, ParseFailure};

/// Extracts the usages of a Rust source file.
pub fn extract(source: &str) -> Result<Extraction, ParseFailure> {
    let usages = tokens::usages(source)?;
    Ok(Extraction::normalized(usages, false))
}

/// Extracts the usages of a `Cargo.toml`.
pub fn extract_manifest(source: &str) -> Result<Extraction, ParseFailure> {
    Ok(Extraction::normalized(manifest_usages(source)?, false))
}

#[cfg(test)]
mod tests;
