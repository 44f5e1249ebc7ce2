//! Helpers shared by the line-oriented frontends.

pub use migscan_core::normalize_package;
use migscan_core::{LineIndex, Usage, UsageKind};

/// nvcc flags worth a rule (CMake, Makefiles); others pass.
pub const NVCC_FLAGS: &[&str] = &[
    "-gencode",
    "--generate-code",
    "-arch",
    "--gpu-architecture",
    "-code",
    "--expt-relaxed-constexpr",
    "--expt-extended-lambda",
    "--extended-lambda",
    "--use_fast_math",
    "-Xptxas",
    "--ptxas-options",
    "-rdc",
    "--relocatable-device-code",
    "--maxrregcount",
    "-maxrregcount",
    "-Xcompiler",
    "--compiler-options",
    "-lineinfo",
    "--generate-line-info",
];

/// Collects usages with spans computed from byte offsets.
pub struct Sink<'s> {
    lines: LineIndex<'s>,
    pub usages: Vec<Usage>,
}

impl<'s> Sink<'s> {
    pub fn new(source: &'s str) -> Self {
        Self {
            lines: LineIndex::new(source),
            usages: Vec::new(),
        }
    }

    /// Records `name` found at byte `start` with length `len`.
    pub fn add(&mut self, kind: UsageKind, name: impl Into<String>, start: usize, len: usize) {
        let span = self.lines.span(start, start + len);
        self.usages.push(Usage::new(kind, name, span));
    }
}

/// Each line with the byte offset where it starts.
pub fn with_offsets(source: &str) -> impl Iterator<Item = (usize, &str)> {
    source.split_inclusive('\n').scan(0, |offset, line| {
        let start = *offset;
        *offset += line.len();
        Some((start, line.trim_end_matches(['\n', '\r'])))
    })
}

/// The line without a `#` comment (outside quotes).
pub fn strip_hash_comment(line: &str) -> &str {
    let mut quote = None;
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '#') => return &line[..i],
            _ => {}
        }
    }
    line
}

/// Byte offset of `part` (a sub-slice of `line`) within `line`.
pub fn offset_in(line: &str, part: &str) -> usize {
    part.as_ptr() as usize - line.as_ptr() as usize
}

/// Whether `word` is a CUDA build variant tag (`cu121`, `cu118`), as wheel
/// indexes and build scripts name CUDA builds.
pub fn is_cuda_variant(word: &str) -> bool {
    word.strip_prefix("cu")
        .is_some_and(|v| (2..=3).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_digit()))
}

/// Whether `value` is a CUDA wheel index (`download.pytorch.org/whl/cu121`,
/// `.../whl/nightly/cu124`), also where a script names the variant by a
/// variable (`.../whl/"$CU_VERSION"/torch_stable.html`).
pub fn is_cuda_wheel_index(value: &str) -> bool {
    value.contains("://")
        && value
            .split('/')
            .map(|segment| segment.trim_matches(['"', '\'']))
            .any(|segment| is_cuda_variant(segment) || is_cuda_variant_variable(segment))
}

/// `$CU_VERSION`, `${CUDA_TAG}`: a variable named for the CUDA variant.
fn is_cuda_variant_variable(segment: &str) -> bool {
    let Some(name) = segment.strip_prefix('$') else {
        return false;
    };
    let name = name.trim_start_matches('{').trim_end_matches('}');
    name == "CU" || name.starts_with("CU_") || name.starts_with("CUDA_")
}

/// The construct a path naming the cuDNN frontend's directory is reported
/// as (`$(HOME)/cudnn-frontend/include`).
pub const CUDNN_FRONTEND_PATH: &str = "cudnn-frontend-path";

/// The construct a path into the CUDA libraries pip installs is reported
/// as (`.venv/lib/python3.11/site-packages/nvidia/nvjitlink/lib`).
pub const NVIDIA_PIP_LIBRARY_PATH: &str = "nvidia-pip-library-path";

/// The NVIDIA library a path names by a directory of its own: NVIDIA's
/// header-only cuDNN frontend, or the CUDA libraries NVIDIA's wheels
/// install under `site-packages/nvidia/`. Paths are split at slashes,
/// backslashes and colons (a search-path list).
pub fn nvidia_library_path(word: &str) -> Option<&'static str> {
    let mut previous = "";
    for segment in word.split(['/', '\\', ':']) {
        let segment = segment.trim_matches(['"', '\'']);
        if segment.eq_ignore_ascii_case("cudnn-frontend")
            || segment.eq_ignore_ascii_case("cudnn_frontend")
        {
            return Some(CUDNN_FRONTEND_PATH);
        }
        if previous == "site-packages" && segment == "nvidia" {
            return Some(NVIDIA_PIP_LIBRARY_PATH);
        }
        previous = segment;
    }
    None
}

/// NVIDIA's package index hosts.
const NVIDIA_INDEX_HOSTS: &[&str] = &["pypi.ngc.nvidia.com", "pypi.nvidia.com"];

/// Whether `value` is a URL of NVIDIA's package index
/// (`https://pypi.nvidia.com`, `https://pypi.ngc.nvidia.com/simple`).
pub fn is_nvidia_package_index(value: &str) -> bool {
    value.split_once("://").is_some_and(|(_, rest)| {
        let host = rest.split(['/', ':']).next().unwrap_or(rest);
        NVIDIA_INDEX_HOSTS.contains(&host)
    })
}

/// NVIDIA's index named by its host alone, as pip's `--trusted-host` and
/// `PIP_TRUSTED_HOST` take it (`${TRUSTED_HOST:-pypi.ngc.nvidia.com}`); a
/// host inside a URL is the URL's.
pub fn nvidia_index_hosts(value: &str) -> impl Iterator<Item = &str> {
    NVIDIA_INDEX_HOSTS.iter().flat_map(move |host| {
        value.match_indices(host).filter_map(move |(at, host)| {
            let before = value[..at].chars().next_back();
            let after = value[at + host.len()..].chars().next();
            let bare = !before.is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '/'))
                && !after.is_some_and(|c| {
                    c.is_ascii_alphanumeric() || matches!(c, '.' | '/' | '-' | ':')
                });
            bare.then_some(host)
        })
    })
}

/// The URLs inside a value (`${INDEX_URL:-https://pypi.ngc.nvidia.com}`).
pub fn urls(value: &str) -> impl Iterator<Item = &str> {
    value.match_indices("://").filter_map(move |(i, _)| {
        let start = value[..i]
            .rfind(|c: char| !c.is_ascii_alphanumeric())
            .map_or(0, |j| j + 1);
        let end = value[i..]
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '}' | ',' | ';'))
            .map_or(value.len(), |j| i + j);
        (start < i).then(|| &value[start..end])
    })
}
