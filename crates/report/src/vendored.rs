//! The "Vendored libraries" section every readable format shares.

use crate::text::group_digits;
use migscan_engine::{ScanReport, VendoredMode, VendoredSummary};

/// What the section says the scan did with the libraries.
pub fn vendored_intro(report: &ScanReport) -> &'static str {
    match report.vendored_mode {
        VendoredMode::Summarize => "Third-party code copied into the project. Each library is one finding, priced as a dependency to replace; its own sites are not itemised (`--vendored itemize` lists them). The project's includes and calls of it are itemised above.",
        VendoredMode::Itemize => "Third-party code copied into the project. Its sites are itemised like the project's own (`--vendored itemize`).",
        VendoredMode::Skip => "Third-party code copied into the project, left out of the scan (`--vendored skip`): no finding, no estimate.",
    }
}

/// One library: `name version (contains a, b): N files, M lines; evidence`.
pub fn vendored_line(library: &VendoredSummary) -> String {
    let mut line = library.name.clone();
    if let Some(version) = &library.version {
        line.push(' ');
        line.push_str(version);
    }
    if !library.contains.is_empty() {
        line.push_str(&format!(" (contains {})", library.contains.join(", ")));
    }
    let plural = |n: usize, one: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{} {one}s", group_digits(&n.to_string()))
        }
    };
    format!(
        "{line}: {}, {}; {}",
        plural(library.files, "file"),
        plural(library.lines, "line"),
        library.evidence
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn library_lines_read_naturally() {
        let library = VendoredSummary {
            name: "deep_gemm".into(),
            display: "vllm/third_party/deep_gemm".into(),
            evidence: "under third_party/".into(),
            version: Some("2.1.0".into()),
            contains: vec!["cute", "cutlass"],
            files: 901,
            lines: 698_906,
        };
        assert_eq!(
            vendored_line(&library),
            "deep_gemm 2.1.0 (contains cute, cutlass): 901 files, 698,906 lines; under third_party/"
        );
    }
}
