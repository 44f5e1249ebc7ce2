//! The vocabulary every migscan stage shares.
//!
//! Frontends produce [`Usage`]s, the rule index turns them into [`Finding`]s,
//! the planner groups findings into [`Step`]s. Nothing in this crate knows about
//! files, syntax trees, rule files or terminals.

mod span;
mod target;
mod usage;

pub use span::{LineIndex, Span};
pub use target::{Confidence, Severity, Status, Step, Target, UnknownTarget};
pub use usage::{Usage, UsageKind};

/// One place in a scanned file that a rule (or the unknown-API check) flagged
/// for one target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// Target whose pack produced the finding.
    pub target: Target,
    /// Index of the matched rule in the rule catalog the scan was matched with.
    pub rule: usize,
    /// Index of the file in the scan's file list.
    pub file: usize,
    /// The usage the rule matched.
    pub usage: Usage,
}
