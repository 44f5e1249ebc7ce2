//! `.gitignore` files at every directory level, loaded as the walk enters
//! each directory.

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::Match;
use std::path::{Path, PathBuf};

/// The gitignore matchers of the directories that enclose the entry being
/// walked, shallowest first, with their walk depth. Only directories that
/// have a `.gitignore` take a slot, and the walk is depth-first, so deciding
/// an entry costs one match per `.gitignore` above it however deep it sits.
#[derive(Default)]
pub struct Stack {
    matchers: Vec<(usize, Gitignore)>,
    /// `.gitignore` files not applied, with the reason.
    pub not_applied: Vec<(PathBuf, String)>,
}

impl Stack {
    /// Whether the entry at `path`, `depth` levels below the root, is
    /// ignored. Deeper `.gitignore` files override shallower ones, as in git.
    pub fn ignored(&mut self, path: &Path, depth: usize, is_dir: bool) -> bool {
        self.leave(depth);
        let mut verdict = false;
        for (_, matcher) in &self.matchers {
            match matcher.matched(path, is_dir) {
                Match::Ignore(_) => verdict = true,
                Match::Whitelist(_) => verdict = false,
                Match::None => {}
            }
        }
        verdict
    }

    /// Drops the matchers of directories at `depth` or deeper: they are not
    /// above the next entry, which is at `depth`.
    fn leave(&mut self, depth: usize) {
        while self.matchers.last().is_some_and(|(d, _)| *d >= depth) {
            self.matchers.pop();
        }
    }

    /// Enters the directory `dir` at `depth`: its `.gitignore`, if any,
    /// applies to the entries below it.
    pub fn enter(&mut self, dir: &Path, depth: usize) {
        self.leave(depth);
        match load(dir) {
            Ok(Some(matcher)) => self.matchers.push((depth, matcher)),
            Ok(None) => {}
            Err(why) => self.not_applied.push((dir.join(".gitignore"), why)),
        }
    }
}

/// The most patterns one `.gitignore` may hold. Each costs about 10 KB and
/// 30 µs to compile; real ones hold hundreds, a hostile one could hold
/// millions. A larger file is not applied (so nothing is hidden by it)
/// and is reported.
pub const MAX_PATTERNS: usize = 10_000;

/// The matcher of the `.gitignore` in `dir`, if there is one.
fn load(dir: &Path) -> Result<Option<Gitignore>, String> {
    let file = dir.join(".gitignore");
    if !file.is_file() {
        return Ok(None);
    }
    let text = std::fs::read(&file).map_err(|e| format!("cannot read: {e}"))?;
    let patterns = text
        .split(|&b| b == b'\n')
        .filter(|line| {
            let line = line.trim_ascii();
            !line.is_empty() && !line.starts_with(b"#")
        })
        .count();
    if patterns > MAX_PATTERNS {
        return Err(format!(
            "not applied: {patterns} patterns, more than the {MAX_PATTERNS} migscan reads"
        ));
    }
    let mut builder = GitignoreBuilder::new(dir);
    // A malformed line is skipped by git too; the rest of the file applies.
    let _ = builder.add(&file);
    Ok(builder.build().ok())
}
