//! What lets a team gate commits while a migration is under way: inline
//! suppressions (`# migscan: ignore[rule]`), a baseline of accepted findings
//! that survives line shifts, and the `--fail-on` threshold.

mod baseline;
mod comments;
mod suppress;

pub use baseline::{Baseline, BaselineEntry, BaselineError};
pub use comments::CommentSyntax;
pub use suppress::{Suppression, Suppressions};

use migscan_core::Severity;

/// The lowest severity that makes `migscan` exit with 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailOn {
    /// Any finding.
    Info,
    /// Warnings and errors.
    Warning,
    /// Errors only (unsupported APIs).
    Error,
    /// Never fail: report only.
    Never,
}

impl FailOn {
    /// Whether a finding of `severity` fails the run.
    pub fn fails(self, severity: Severity) -> bool {
        match self {
            FailOn::Never => false,
            FailOn::Info => true,
            FailOn::Warning => severity >= Severity::Warning,
            FailOn::Error => severity >= Severity::Error,
        }
    }

    /// Parses `info`, `warning`, `error` or `never`.
    pub fn parse(text: &str) -> Option<FailOn> {
        match text {
            "info" => Some(FailOn::Info),
            "warning" => Some(FailOn::Warning),
            "error" => Some(FailOn::Error),
            "never" => Some(FailOn::Never),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds() {
        assert!(FailOn::Warning.fails(Severity::Error));
        assert!(FailOn::Warning.fails(Severity::Warning));
        assert!(!FailOn::Warning.fails(Severity::Info));
        assert!(!FailOn::Error.fails(Severity::Warning));
        assert!(!FailOn::Never.fails(Severity::Error));
        assert_eq!(FailOn::parse("warning"), Some(FailOn::Warning));
        assert_eq!(FailOn::parse("loud"), None);
    }
}
