//! The one directory walk of the xtasks: regular files under a folder,
//! links not followed, unreadable folders passed over.

use std::path::{Path, PathBuf};

/// The regular files under `dir`, sorted, leaving out every entry whose
/// path `skip` accepts (and, for a folder, all below it).
pub fn files_under(dir: &Path, skip: impl Fn(&Path) -> bool) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if skip(&path) {
                continue;
            }
            match entry.file_type() {
                Ok(t) if t.is_dir() => stack.push(path),
                Ok(t) if t.is_file() => files.push(path),
                _ => {}
            }
        }
    }
    files.sort();
    files
}
