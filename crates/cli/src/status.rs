//! The status line on standard error while a scan runs: drawn only when
//! standard error is a terminal, redrawn at most ten times a second from
//! the worker threads, and erased before the report is written.

use migscan_engine::ScanProgress;
use std::io::Write;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Time between two redraws.
const REDRAW: Duration = Duration::from_millis(100);

/// A status line, or nothing when standard error is not a terminal.
pub struct StatusLine {
    /// When the line was last drawn, if it is on screen.
    drawn: Mutex<Option<Instant>>,
}

impl StatusLine {
    /// A line that draws nothing until [`StatusLine::update`].
    pub fn new() -> Self {
        Self {
            drawn: Mutex::new(None),
        }
    }

    /// Redraws the line for `progress`, unless it was drawn a moment ago
    /// (the last file and a phase change always draw).
    pub fn update(&self, progress: ScanProgress) {
        let Ok(mut drawn) = self.drawn.lock() else {
            return;
        };
        let last_file = matches!(progress, ScanProgress::Scanning { done, total } if done == total);
        let due = drawn.is_none_or(|at| at.elapsed() >= REDRAW);
        if !due && !last_file && matches!(progress, ScanProgress::Scanning { .. }) {
            return;
        }
        let text = match progress {
            ScanProgress::Discovering => "migscan: finding files…".to_string(),
            ScanProgress::Scanning { done, total } => format!(
                "migscan: scanning {}/{} files",
                migscan_core::group_digits(&done.to_string()),
                migscan_core::group_digits(&total.to_string())
            ),
            ScanProgress::Planning => "migscan: planning…".to_string(),
        };
        // `\r` and erase-line: the line is rewritten in place.
        let _ = write!(std::io::stderr().lock(), "\r\x1b[2K{text}");
        *drawn = Some(Instant::now());
    }

    /// Erases the line if it is on screen.
    pub fn clear(&self) {
        if let Ok(mut drawn) = self.drawn.lock() {
            if drawn.take().is_some() {
                let _ = write!(std::io::stderr().lock(), "\r\x1b[2K");
            }
        }
    }
}
