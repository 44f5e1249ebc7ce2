//! `.gitignore` files at every directory level, loaded as the walk enters
//! each directory.

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::Match;
use std::path::Path;

/// The gitignore matchers of the directories that enclose the entry being
/// walked, shallowest first, with their walk depth. Only directories that
/// have a `.gitignore` take a slot, and the walk is depth-first, so deciding
/// an entry costs one match per `.gitignore` above it however deep it sits.
#[derive(Default)]
pub struct Stack {
    matchers: Vec<(usize, Gitignore)>,
}

impl Stack {
    /// Whether the entry at `path`, `depth` levels below the root, is
    /// ignored. Deeper `.gitignore` files override shallower ones, as in git.
    pub fn ignored(&mut self, path: &Path, depth: usize, is_dir: bool) -> bool {
        // Directories at this depth or deeper are not above this entry.
        while self.matchers.last().is_some_and(|(d, _)| *d >= depth) {
            self.matchers.pop();
        }
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

    /// Enters the directory `dir` at `depth`: its `.gitignore`, if any,
    /// applies to the entries below it.
    pub fn enter(&mut self, dir: &Path, depth: usize) {
        while self.matchers.last().is_some_and(|(d, _)| *d >= depth) {
            self.matchers.pop();
        }
        if let Some(matcher) = load(dir) {
            self.matchers.push((depth, matcher));
        }
    }
}

fn load(dir: &Path) -> Option<Gitignore> {
    let file = dir.join(".gitignore");
    if !file.is_file() {
        return None;
    }
    let mut builder = GitignoreBuilder::new(dir);
    // A malformed line is skipped by git too; the rest of the file applies.
    let _ = builder.add(&file);
    builder.build().ok()
}
