//! Pip requirements and constraints files.

use crate::lines::{
    is_cuda_wheel_index, is_nvidia_package_index, normalize_package, offset_in, with_offsets, Sink,
};
use migscan_core::{requirement_spec, Usage, UsageKind};

/// A `+cuXXX` local version: a wheel built for one CUDA release.
pub const CUDA_LOCAL_VERSION: &str = "cuda-local-version";
/// An index or find-links URL serving CUDA builds.
pub const CUDA_WHEEL_INDEX: &str = "cuda-wheel-index";
/// NVIDIA's own package index (`pypi.nvidia.com`, `pypi.ngc.nvidia.com`),
/// which serves CUDA builds of NVIDIA's libraries.
pub const NVIDIA_PACKAGE_INDEX: &str = "nvidia-package-index";

/// Options whose value is an index or a link page.
const INDEX_OPTIONS: &[&str] = &[
    "--index-url",
    "--extra-index-url",
    "-i",
    "--find-links",
    "-f",
];

pub fn usages(source: &str) -> Vec<Usage> {
    let mut sink = Sink::new(source);
    for (start, line) in with_offsets(source) {
        // A comment starts at `#` at the line start or after whitespace.
        let code = match line
            .find(" #")
            .or_else(|| line.starts_with('#').then_some(0))
        {
            Some(i) => &line[..i],
            None => line,
        };
        let code = code.trim();
        if code.is_empty() {
            continue;
        }
        requirement_line(&mut sink, line, code, start);
    }
    sink.usages
}

/// One requirement line (also used for `pip install` arguments elsewhere).
pub fn requirement_line(sink: &mut Sink, line: &str, code: &str, line_start: usize) {
    let at = |part: &str| line_start + offset_in(line, part);
    if code.starts_with('-') {
        let mut parts = code.splitn(2, |c: char| c == '=' || c.is_whitespace());
        let option = parts.next().unwrap_or_default();
        let value = parts.next().unwrap_or_default().trim();
        if let Some(index) = package_index(value).filter(|_| INDEX_OPTIONS.contains(&option)) {
            sink.add(UsageKind::Construct, index, at(value), value.len());
        }
        return;
    }
    requirement(sink, line, code, line_start);
}

/// The construct a package index URL stands for: a CUDA wheel index or
/// NVIDIA's own index.
pub fn package_index(url: &str) -> Option<&'static str> {
    if is_cuda_wheel_index(url) {
        Some(CUDA_WHEEL_INDEX)
    } else if is_nvidia_package_index(url) {
        Some(NVIDIA_PACKAGE_INDEX)
    } else {
        None
    }
}

/// `name[extras] op version ; markers`: the package, each extra (the
/// packages it names come with it: `trl[vllm]` installs vLLM), and a CUDA
/// local version.
pub fn requirement(sink: &mut Sink, line: &str, spec: &str, line_start: usize) {
    let Some(parts) = requirement_spec(spec) else {
        return;
    };
    let base = line_start + offset_in(line, spec);
    for range in std::iter::once(parts.name).chain(parts.extras) {
        let name = normalize_package(&spec[range.clone()]);
        sink.add(UsageKind::Package, name, base + range.start, range.len());
    }
    if let Some(range) = parts.cuda_local_version {
        sink.add(
            UsageKind::Construct,
            CUDA_LOCAL_VERSION,
            base + range.start,
            range.len(),
        );
    }
}
