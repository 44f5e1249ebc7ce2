use std::path::Path;

/// The frontend a file goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Language {
    /// `.py`, `.pyi`.
    Python,
}

impl Language {
    /// The language of `path`, by extension; `None` for files no frontend reads.
    pub fn of(path: &Path) -> Option<Language> {
        match path.extension()?.to_str()? {
            "py" | "pyi" => Some(Language::Python),
            _ => None,
        }
    }

    /// Lower-case name for output.
    pub fn as_str(self) -> &'static str {
        match self {
            Language::Python => "python",
        }
    }
}
