//! C/C++ source held in another file's strings: `load_inline`'s
//! `cpp_sources`/`cuda_sources`, a CuPy `RawKernel`'s code. The Python
//! frontend reports where such strings are; this stage reads them with the
//! C++ frontend and places what it finds in the Python file, so a
//! `#include <nccl.h>` or `ncclMemAlloc` written in a string is a finding on
//! its own line like any other.

use migscan_core::{Extraction, Keep, LineIndex};
use migscan_cuda::CudaFrontend;

/// `extraction` with the usages of its C/C++ strings added. Their syntax
/// errors are not the file's: a source template may hold placeholders.
pub fn with_cpp_sources(
    mut extraction: Extraction,
    text: &str,
    cuda: &mut CudaFrontend,
    keep: Keep,
) -> Extraction {
    if extraction.cpp_sources.is_empty() {
        return extraction;
    }
    let lines = LineIndex::new(text);
    // The ranges stay: a file that builds its strings with PyTorch's
    // extension builder has them credited like an extension's sources.
    for range in extraction.cpp_sources.clone() {
        // A string the C++ parser gives up on only loses its own findings.
        let Ok(embedded) = cuda.extract_kept(&text[range.clone()], keep) else {
            continue;
        };
        extraction.defined_names.extend(embedded.defined_names);
        extraction
            .usages
            .extend(embedded.usages.into_iter().map(|mut usage| {
                let (start, end) = (range.start + usage.span.start, range.start + usage.span.end);
                usage.span = lines.span(start, end);
                usage
            }));
    }
    // Sorted again with the string's usages in place; the file's branches,
    // optional and kernel ranges stay as the Python frontend found them.
    let usages = std::mem::take(&mut extraction.usages);
    extraction.usages = Extraction::normalized(usages, extraction.has_syntax_errors).usages;
    extraction
}
