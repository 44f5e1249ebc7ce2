//! Vendored libraries in the scan: which files belong to one (found by
//! `migscan_discover::find_vendored`), and what the scan does with them.
//! By default a library is one finding, `vendored <name>`, on its first
//! file, which the packs price as a dependency to replace; its files are
//! counted, not parsed. `--vendored itemize` scans them like the project's
//! own, `--vendored skip` only lists them. The project's own code that
//! includes or calls a vendored library is itemised in every mode.

use migscan_core::{Span, Usage, UsageKind};
use migscan_discover::{find_vendored, SourceFile, VendoredLibrary};
use std::path::PathBuf;

/// What a scan does with vendored libraries.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum VendoredMode {
    /// One finding per library; its files are counted, not scanned.
    #[default]
    Summarize,
    /// Every site in the library is a finding, as in the project's code.
    Itemize,
    /// Listed in the report only: no finding, no scan.
    Skip,
}

impl VendoredMode {
    /// The mode's name, as `--vendored` and reports spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            VendoredMode::Summarize => "summarize",
            VendoredMode::Itemize => "itemize",
            VendoredMode::Skip => "skip",
        }
    }
}

/// A vendored library as reports show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VendoredSummary {
    /// What rules match (`cutlass`, `deep_gemm`).
    pub name: String,
    /// Its root as reports name it.
    pub display: String,
    /// How it was recognised (`under third_party/`).
    pub evidence: String,
    /// Its version, where its files say it.
    pub version: Option<String>,
    /// Known libraries inside it.
    pub contains: Vec<&'static str>,
    /// Files of it the scan found (source files only).
    pub files: usize,
    /// Their lines.
    pub lines: usize,
}

/// The vendored libraries of one scan and the files in them.
pub(crate) struct Vendoring {
    mode: VendoredMode,
    libraries: Vec<VendoredLibrary>,
    /// For each discovered file, the library it belongs to.
    library_of: Vec<Option<usize>>,
}

impl Vendoring {
    /// Finds the vendored libraries among `files`.
    pub fn new(files: &[SourceFile], roots: &[PathBuf], mode: VendoredMode) -> Self {
        let libraries = find_vendored(files, roots);
        let mut library_of = vec![None; files.len()];
        for (l, library) in libraries.iter().enumerate() {
            for &f in &library.files {
                library_of[f] = Some(l);
            }
        }
        Self {
            mode,
            libraries,
            library_of,
        }
    }

    /// Whether file `i` is only counted, not scanned.
    pub fn counts_only(&self, i: usize) -> bool {
        self.mode != VendoredMode::Itemize && self.library_of[i].is_some()
    }

    /// The usage that stands for a whole library, on its first file, when
    /// libraries are summarized.
    pub fn library_usage(&self, i: usize) -> Option<Usage> {
        let library = &self.libraries[self.library_of[i]?];
        let first = self.mode == VendoredMode::Summarize && library.files.first() == Some(&i);
        let span = Span {
            line: 1,
            column: 1,
            start: 0,
            end: 0,
        };
        first.then(|| Usage::new(UsageKind::Vendored, library.name.clone(), span))
    }

    /// The libraries with their sizes: `lines[i]` is file `i`'s line count
    /// (0 for files not counted).
    pub fn summaries(&self, files: &[SourceFile], lines: &[usize]) -> Vec<VendoredSummary> {
        self.libraries
            .iter()
            .map(|library| VendoredSummary {
                name: library.name.clone(),
                display: library.display.clone(),
                evidence: library.evidence.to_string(),
                version: version(library, files),
                contains: library.contains.clone(),
                files: library.files.len(),
                lines: library.files.iter().map(|&f| lines[f]).sum(),
            })
            .collect()
    }
}

/// The version a library's files state: CUTLASS's `version.h`, a Python
/// package's `__version__`.
fn version(library: &VendoredLibrary, files: &[SourceFile]) -> Option<String> {
    library.files.iter().find_map(|&f| {
        let file = &files[f];
        let root_init = file.display == format!("{}/__init__.py", library.display);
        if file.display.ends_with("cutlass/version.h") {
            let text = std::fs::read_to_string(&file.path).ok()?;
            let part = |name: &str| define_value(&text, name);
            Some(format!(
                "{}.{}.{}",
                part("CUTLASS_MAJOR")?,
                part("CUTLASS_MINOR")?,
                part("CUTLASS_PATCH")?
            ))
        } else if root_init {
            let text = std::fs::read_to_string(&file.path).ok()?;
            python_version(&text)
        } else {
            None
        }
    })
}

/// The value of `#define NAME value`.
fn define_value<'t>(text: &'t str, name: &str) -> Option<&'t str> {
    text.lines().find_map(|line| {
        let rest = line.trim_start().strip_prefix("#define")?.trim_start();
        let value = rest.strip_prefix(name)?;
        value
            .starts_with(char::is_whitespace)
            .then(|| value.trim())
            .filter(|v| !v.is_empty())
    })
}

/// `__version__ = "1.2.3"` at the start of a line.
fn python_version(text: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let value = line
            .strip_prefix("__version__")?
            .trim_start()
            .strip_prefix('=')?;
        let value = value.trim().trim_matches(|c| c == '"' || c == '\'');
        let plain = !value.is_empty()
            && value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'+'));
        plain.then(|| value.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_from_defines_and_python() {
        let header = "#define CUTLASS_MAJOR 3\n#define CUTLASS_MINOR 9\n#define CUTLASS_PATCH 2\n";
        assert_eq!(define_value(header, "CUTLASS_MINOR"), Some("9"));
        assert_eq!(define_value(header, "CUTLASS"), None);
        assert_eq!(
            python_version("x = 1\n__version__ = \"2.1.0\"\n").as_deref(),
            Some("2.1.0")
        );
        assert_eq!(python_version("__version__ = get()\n"), None);
    }
}
