//! Which files a scan reads.
//!
//! Walks each given path with `walkdir` in file-name order (so the result is
//! the same on every machine), honours `.gitignore` files at every level
//! (matched with the `ignore` crate's gitignore matcher), skips version
//! control, virtualenvs, dependency and build folders, and never follows a
//! symbolic link out of the root it was given.

mod classify;
mod gitignore;

pub use classify::Language;

use globset::{Glob, GlobSet, GlobSetBuilder};
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// A file to scan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceFile {
    /// Where to read it.
    pub path: PathBuf,
    /// How reports name it: relative to the scanned root, `/`-separated.
    pub display: String,
    /// Which frontend reads it.
    pub language: Language,
}

/// A path discovery could not use, with the reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    /// The path as reports name it.
    pub display: String,
    /// Why it was skipped.
    pub reason: String,
}

/// What discovery found.
#[derive(Debug, Default)]
pub struct Discovery {
    /// Files to scan, in deterministic order.
    pub files: Vec<SourceFile>,
    /// Paths that could not be walked or read.
    pub skipped: Vec<Skipped>,
}

/// A bad `--exclude` pattern.
#[derive(Debug)]
pub struct BadGlob {
    /// The pattern as given.
    pub pattern: String,
    /// What is wrong with it.
    pub message: String,
}

/// How to walk.
#[derive(Debug, Default)]
pub struct DiscoverOptions {
    excludes: Option<GlobSet>,
    includes: Option<GlobSet>,
}

/// Compiles glob patterns; `None` for no patterns.
fn glob_set(patterns: &[String]) -> Result<Option<GlobSet>, BadGlob> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        let glob = Glob::new(pattern).map_err(|e| BadGlob {
            pattern: pattern.clone(),
            message: e.kind().to_string(),
        })?;
        builder.add(glob);
    }
    let set = builder.build().map_err(|e| BadGlob {
        pattern: patterns.join(", "),
        message: e.to_string(),
    })?;
    Ok(Some(set))
}

/// Whether a relative path or its file name matches.
fn matches(set: &GlobSet, relative: &str) -> bool {
    let name = relative.rsplit('/').next().unwrap_or(relative);
    set.is_match(relative) || set.is_match(name)
}

impl DiscoverOptions {
    /// Options that skip paths matching any of `excludes` and, when
    /// `includes` is not empty, files matching none of them (gitignore-like
    /// globs matched against the path relative to the root, or the file name).
    pub fn new(excludes: &[String], includes: &[String]) -> Result<Self, BadGlob> {
        Ok(Self {
            excludes: glob_set(excludes)?,
            includes: glob_set(includes)?,
        })
    }

    /// Options with excludes only.
    pub fn with_excludes(patterns: &[String]) -> Result<Self, BadGlob> {
        Self::new(patterns, &[])
    }

    fn excluded(&self, relative: &str) -> bool {
        self.excludes
            .as_ref()
            .is_some_and(|set| matches(set, relative))
    }

    fn included(&self, relative: &str) -> bool {
        self.includes
            .as_ref()
            .is_none_or(|set| matches(set, relative))
    }
}

/// Directory names never worth scanning: version control, environments,
/// installed dependencies, build outputs and caches.
const SKIPPED_DIRS: &[&str] = &[
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    "site-packages",
    "dist-packages",
    "node_modules",
    "build",
    "dist",
    "__pycache__",
    ".tox",
    ".nox",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".eggs",
    ".ipynb_checkpoints",
    "target",
];

fn skipped_dir(path: &Path, name: &str) -> bool {
    SKIPPED_DIRS.contains(&name)
        || name.ends_with(".egg-info")
        // Any virtualenv, whatever its name.
        || path.join("pyvenv.cfg").is_file()
}

/// Walks `roots` and returns the files to scan.
pub fn discover(roots: &[PathBuf], options: &DiscoverOptions) -> Discovery {
    let mut discovery = Discovery::default();
    let prefix_roots = roots.len() > 1;
    for root in roots {
        walk_root(root, prefix_roots, options, &mut discovery);
    }
    discovery
}

fn walk_root(root: &Path, prefix_root: bool, options: &DiscoverOptions, out: &mut Discovery) {
    let root_display = root.to_string_lossy().replace('\\', "/");
    let display = |relative: &Path| {
        let relative = relative.to_string_lossy().replace('\\', "/");
        match (prefix_root, relative.is_empty()) {
            (_, true) => root_display.clone(),
            (true, false) => format!("{}/{relative}", root_display.trim_end_matches('/')),
            (false, false) => relative,
        }
    };
    let canonical_root = match root.canonicalize() {
        Ok(path) => path,
        Err(e) => {
            out.skipped.push(Skipped {
                display: root_display,
                reason: format!("cannot open: {e}"),
            });
            return;
        }
    };
    if canonical_root.is_file() {
        if let Some(language) = Language::of(root) {
            out.files.push(SourceFile {
                path: root.to_path_buf(),
                display: root_display,
                language,
            });
        }
        return;
    }
    let mut ignores = gitignore::Stack::new(&canonical_root);
    let walker = WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| {
            let relative = entry.path().strip_prefix(root).unwrap_or(entry.path());
            if entry.depth() == 0 {
                return true;
            }
            let is_dir = entry.file_type().is_dir();
            let name = entry.file_name().to_string_lossy();
            if is_dir && skipped_dir(entry.path(), &name) {
                return false;
            }
            if options.excluded(&relative.to_string_lossy().replace('\\', "/")) {
                return false;
            }
            !ignores.ignored(relative, is_dir)
        });
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let path = e
                    .path()
                    .map(|p| p.strip_prefix(root).unwrap_or(p).to_path_buf());
                out.skipped.push(Skipped {
                    display: path.map_or_else(|| root_display.clone(), |p| display(&p)),
                    reason: format!(
                        "cannot read: {}",
                        e.io_error()
                            .map_or_else(|| e.to_string(), |io| io.to_string())
                    ),
                });
                continue;
            }
        };
        let file_type = entry.file_type();
        if file_type.is_dir() {
            continue;
        }
        let relative = entry.path().strip_prefix(root).unwrap_or(entry.path());
        let Some(language) = Language::of(entry.path()) else {
            continue;
        };
        if !options.included(&relative.to_string_lossy().replace('\\', "/")) {
            continue;
        }
        if file_type.is_symlink() {
            // Only links that stay inside the root are read; walkdir never
            // follows directory links because `follow_links` is off.
            let inside = entry
                .path()
                .canonicalize()
                .is_ok_and(|target| target.starts_with(&canonical_root) && target.is_file());
            if !inside {
                out.skipped.push(Skipped {
                    display: display(relative),
                    reason: "symbolic link leads outside the scanned root".into(),
                });
                continue;
            }
        }
        out.files.push(SourceFile {
            path: entry.path().to_path_buf(),
            display: display(relative),
            language,
        });
    }
}

#[cfg(test)]
mod tests;
