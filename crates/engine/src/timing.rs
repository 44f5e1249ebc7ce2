//! Where a scan's time goes, per stage. Per-file stages are summed over all
//! files (CPU time across workers); discover, files, project and plan are wall time.
//! Byte counts show how much of what was read the prefilter let be parsed.

use serde::Serialize;
use std::time::Duration;

/// Time per stage.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Timings {
    /// Walking the roots (wall).
    pub discover: Duration,
    /// Reading files (summed over files).
    pub read: Duration,
    /// The token prefilter (summed).
    pub prefilter: Duration,
    /// Parsing and extracting usages (summed).
    pub parse: Duration,
    /// Matching usages against the packs, suppressions (summed).
    pub matching: Duration,
    /// All per-file work, read to match (wall).
    pub files_wall: Duration,
    /// Stages over the whole project once the files are done: the
    /// build-time hipify credit, own names, `#if` guards, unreached
    /// functions (wall).
    pub project: Duration,
    /// Plans, comparison and hardware (wall).
    pub plan: Duration,
    /// Bytes of source read.
    pub read_bytes: usize,
    /// Bytes of source parsed: all of a file, the statements the prefilter
    /// kept, or none.
    pub parsed_bytes: usize,
}

impl Timings {
    /// Adds one file's per-file stages.
    pub fn add(&mut self, file: &Timings) {
        self.read += file.read;
        self.prefilter += file.prefilter;
        self.parse += file.parse;
        self.matching += file.matching;
        self.read_bytes += file.read_bytes;
        self.parsed_bytes += file.parsed_bytes;
    }
}
