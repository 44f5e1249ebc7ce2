//! Errors in rule packs and the effort model, shown against the file.

use miette::{Diagnostic, NamedSource, SourceSpan};
use std::fmt;
use std::ops::Range;
use std::sync::Arc;

/// A data file being loaded: its display name and text, shared by every
/// error that points into it.
#[derive(Clone, Debug)]
pub struct DataFile {
    /// Path as shown to the user (`rules/ascend/device.toml`).
    pub name: String,
    /// Full text.
    pub text: Arc<str>,
}

/// One mistake in a rule-pack, effort or configuration file.
#[derive(Debug, Diagnostic)]
pub struct PackError {
    message: String,
    #[source_code]
    src: NamedSource<Arc<str>>,
    #[label("{label}")]
    span: SourceSpan,
    label: String,
    #[help]
    help: Option<String>,
}

impl PackError {
    /// An error at `span` of `file`.
    pub fn new(file: &DataFile, span: Range<usize>, message: impl Into<String>) -> Self {
        let span = clamp(span, file.text.len());
        Self {
            message: message.into(),
            src: NamedSource::new(&file.name, file.text.clone()).with_language("toml"),
            span: span.into(),
            label: "here".into(),
            help: None,
        }
    }

    /// An error about a whole file that has no text to point into: missing,
    /// unreadable, or lacking what it should hold.
    pub fn whole_file(name: impl Into<String>, message: impl Into<String>) -> Self {
        let file = DataFile {
            name: name.into(),
            text: "".into(),
        };
        Self::new(&file, 0..0, message)
    }

    /// Replaces the label text.
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    /// Adds a hint on how to fix it.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// A TOML syntax or shape error as the parser reported it.
    pub fn from_toml(file: &DataFile, error: &toml::de::Error) -> Self {
        let span = error.span().unwrap_or(0..0);
        Self::new(file, span, error.message().trim().to_string())
    }

    /// The message without location.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for PackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for PackError {}

/// Every mistake found while loading packs; loading reports all of them at
/// once so an author fixes a file in one round. One mistake is shown as
/// itself, pointing into its file; several as a count with each below it.
#[derive(Debug)]
pub struct PackErrors {
    errors: Vec<PackError>,
}

impl Diagnostic for PackErrors {
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.single()?.source_code()
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        self.single()?.labels()
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.single()?.help()
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        if self.single().is_some() {
            return None;
        }
        Some(Box::new(self.errors.iter().map(|e| e as &dyn Diagnostic)))
    }
}

impl PackErrors {
    /// Wraps the errors; callers only build this with at least one error.
    pub fn new(errors: Vec<PackError>) -> Self {
        Self { errors }
    }

    /// The individual errors.
    pub fn errors(&self) -> &[PackError] {
        &self.errors
    }

    fn single(&self) -> Option<&PackError> {
        match self.errors.as_slice() {
            [one] => Some(one),
            _ => None,
        }
    }
}

impl fmt::Display for PackErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.errors.as_slice() {
            [one] => f.write_str(&one.message),
            many => write!(
                f,
                "{} errors in rule, effort or configuration files",
                many.len()
            ),
        }
    }
}

impl std::error::Error for PackErrors {}

fn clamp(span: Range<usize>, len: usize) -> Range<usize> {
    let start = span.start.min(len);
    start..span.end.clamp(start, len)
}
