//! Which files a scan reads.
//!
//! Walks each given path with `walkdir` in file-name order (so the result is
//! the same on every machine), honours `.gitignore` files at every level
//! (matched with the `ignore` crate's gitignore matcher), skips version
//! control, virtualenvs, dependency and build folders, and never follows a
//! symbolic link out of the root it was given.

mod classify;
mod gitignore;
mod vendored;

pub use classify::Language;
pub use vendored::{find_vendored, Evidence, VendoredLibrary};

use globset::{Glob, GlobSet, GlobSetBuilder};
use std::collections::HashSet;
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

/// A bad `--exclude` or `--include` pattern.
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
        builder.add(compile(pattern)?);
    }
    let set = builder.build().map_err(|e| BadGlob {
        pattern: patterns.join(", "),
        message: e.to_string(),
    })?;
    Ok(Some(set))
}

/// One pattern, as `--exclude`, `--include` and the configuration take it.
fn compile(pattern: &str) -> Result<Glob, BadGlob> {
    Glob::new(pattern).map_err(|e| BadGlob {
        pattern: pattern.to_string(),
        message: e.kind().to_string(),
    })
}

/// Why `pattern` is not a glob discovery accepts, if it is not: callers
/// check patterns where they can still say which flag or line gave them.
pub fn glob_problem(pattern: &str) -> Option<String> {
    compile(pattern).err().map(|e| e.message)
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

/// Walks `roots` and returns the files to scan. A file reached through
/// several roots (`migscan d d/sub d/sub/a.py`) is scanned once, under the
/// name the first root gives it.
pub fn discover(roots: &[PathBuf], options: &DiscoverOptions) -> Discovery {
    let mut discovery = Discovery::default();
    let prefix_roots = roots.len() > 1;
    let mut seen = HashSet::new();
    for root in roots {
        walk_root(root, prefix_roots, options, &mut seen, &mut discovery);
    }
    discovery
}

/// A path `/`-separated on every system, for glob matching. On Unix a
/// backslash is part of a file name, not a separator, and is kept.
fn slash_path(path: &Path) -> String {
    let text = path.to_string_lossy();
    if cfg!(windows) {
        text.replace('\\', "/")
    } else {
        text.into_owned()
    }
}

/// How reports name a path: `/`-separated, with control characters in
/// file names escaped (a name must not drive a terminal or forge a line).
fn display_path(path: &Path) -> String {
    migscan_core::visible(&slash_path(path)).into_owned()
}

/// Why a file that is neither a regular file nor a directory is not read:
/// opening a FIFO blocks, a device never ends.
fn special_file(file_type: std::fs::FileType) -> Option<&'static str> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return Some("not a regular file (a named pipe)");
        }
        if file_type.is_socket() {
            return Some("not a regular file (a socket)");
        }
        if file_type.is_block_device() || file_type.is_char_device() {
            return Some("not a regular file (a device)");
        }
    }
    (!file_type.is_file() && !file_type.is_dir() && !file_type.is_symlink())
        .then_some("not a regular file")
}

fn walk_root(
    root: &Path,
    prefix_root: bool,
    options: &DiscoverOptions,
    seen: &mut HashSet<PathBuf>,
    out: &mut Discovery,
) {
    let root_display = display_path(root);
    let display = |relative: &Path| {
        let relative = display_path(relative);
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
    let mut ignores = gitignore::Stack::default();
    let walker = WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| {
            let is_dir = entry.file_type().is_dir();
            if entry.depth() > 0 {
                let relative = entry.path().strip_prefix(root).unwrap_or(entry.path());
                let name = entry.file_name().to_string_lossy();
                if (is_dir && skipped_dir(entry.path(), &name))
                    || options.excluded(&slash_path(relative))
                    || ignores.ignored(entry.path(), entry.depth(), is_dir)
                {
                    return false;
                }
            }
            if is_dir {
                ignores.enter(entry.path(), entry.depth());
            }
            true
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
        let given = entry.depth() == 0;
        let language = match Language::of(entry.path()) {
            Some(language) => language,
            // A file named on the command line is never dropped silently.
            None if given => {
                out.skipped.push(Skipped {
                    display: root_display.clone(),
                    reason: "no frontend reads this kind of file".into(),
                });
                continue;
            }
            None => continue,
        };
        if !given && !options.included(&slash_path(relative)) {
            continue;
        }
        let mut canonical = canonical_root.join(relative);
        let mut kind = file_type;
        if file_type.is_symlink() {
            // Only links that stay inside the root are read; walkdir never
            // follows directory links because `follow_links` is off.
            let target = entry.path().canonicalize();
            let inside = target
                .as_ref()
                .is_ok_and(|target| target.starts_with(&canonical_root));
            if !inside && !given {
                out.skipped.push(Skipped {
                    display: display(relative),
                    reason: "symbolic link leads outside the scanned root".into(),
                });
                continue;
            }
            kind = match std::fs::metadata(entry.path()) {
                Ok(metadata) => metadata.file_type(),
                Err(e) => {
                    out.skipped.push(Skipped {
                        display: display(relative),
                        reason: format!("cannot read: {e}"),
                    });
                    continue;
                }
            };
            if let Ok(target) = target {
                canonical = target;
            }
        }
        if let Some(reason) = special_file(kind) {
            out.skipped.push(Skipped {
                display: display(relative),
                reason: reason.into(),
            });
            continue;
        }
        if !seen.insert(canonical) {
            continue;
        }
        out.files.push(SourceFile {
            path: entry.path().to_path_buf(),
            display: display(relative),
            language,
        });
    }
    for (path, reason) in ignores.not_applied {
        let relative = path.strip_prefix(root).unwrap_or(&path);
        out.skipped.push(Skipped {
            display: display(relative),
            reason,
        });
    }
}

#[cfg(test)]
mod tests;
