//! `.gitignore` files at every directory level, loaded as the walk enters
//! each directory.

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::Match;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The gitignore matchers of the directories walked so far.
pub struct Stack {
    root: PathBuf,
    matchers: HashMap<PathBuf, Option<Gitignore>>,
}

impl Stack {
    /// Matchers for the tree under `root` (an absolute, canonical path).
    pub fn new(root: &Path) -> Self {
        Self {
            root: root.to_path_buf(),
            matchers: HashMap::new(),
        }
    }

    /// Whether `relative` (relative to the root) is ignored. Deeper
    /// `.gitignore` files override shallower ones, as in git.
    pub fn ignored(&mut self, relative: &Path, is_dir: bool) -> bool {
        let absolute = self.root.join(relative);
        let mut verdict = false;
        let mut dir = self.root.clone();
        let parents = relative
            .parent()
            .map(|p| p.components().collect::<Vec<_>>())
            .unwrap_or_default();
        let mut levels = vec![dir.clone()];
        for component in parents {
            dir.push(component);
            levels.push(dir.clone());
        }
        for level in levels {
            let matcher = self
                .matchers
                .entry(level.clone())
                .or_insert_with(|| load(&level));
            if let Some(matcher) = matcher {
                match matcher.matched(&absolute, is_dir) {
                    Match::Ignore(_) => verdict = true,
                    Match::Whitelist(_) => verdict = false,
                    Match::None => {}
                }
            }
        }
        verdict
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
