use super::*;
use std::fs;

fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    dir
}

fn found(root: &Path, options: &DiscoverOptions) -> Vec<String> {
    discover(&[root.to_path_buf()], options)
        .files
        .into_iter()
        .map(|f| f.display)
        .collect()
}

#[test]
fn walks_sorted_and_skips_environments_and_build_output() {
    let dir = tree(&[
        ("train.py", ""),
        ("b/model.py", ""),
        ("a/data.py", ""),
        ("README.md", ""),
        (".venv/lib/x.py", ""),
        ("myenv/pyvenv.cfg", ""),
        ("myenv/lib/y.py", ""),
        ("node_modules/z.py", ""),
        ("build/lib/w.py", ""),
        ("pkg/__pycache__/v.py", ""),
        ("pkg.egg-info/u.py", ""),
    ]);
    assert_eq!(
        found(dir.path(), &DiscoverOptions::default()),
        ["a/data.py", "b/model.py", "train.py"]
    );
}

#[test]
fn honours_nested_gitignores_and_negations() {
    let dir = tree(&[
        (".gitignore", "generated/\n*.tmp.py\n"),
        ("generated/a.py", ""),
        ("x.tmp.py", ""),
        ("src/.gitignore", "old_*.py\n!old_keep.py\n"),
        ("src/old_a.py", ""),
        ("src/old_keep.py", ""),
        ("src/new.py", ""),
    ]);
    assert_eq!(
        found(dir.path(), &DiscoverOptions::default()),
        ["src/new.py", "src/old_keep.py"]
    );
}

#[test]
fn excludes_match_relative_paths_and_names() {
    let dir = tree(&[
        ("tests/t.py", ""),
        ("src/a.py", ""),
        ("src/conftest.py", ""),
    ]);
    let options =
        DiscoverOptions::with_excludes(&["tests/**".into(), "conftest.py".into()]).unwrap();
    assert_eq!(found(dir.path(), &options), ["src/a.py"]);
    assert!(DiscoverOptions::with_excludes(&["a[".into()]).is_err());
}

#[cfg(unix)]
#[test]
fn symlinks_never_leave_the_root() {
    let outside = tree(&[("secret.py", "")]);
    let dir = tree(&[("a.py", "")]);
    std::os::unix::fs::symlink(outside.path().join("secret.py"), dir.path().join("link.py"))
        .unwrap();
    std::os::unix::fs::symlink(outside.path(), dir.path().join("linkdir")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("a.py"), dir.path().join("inner.py")).unwrap();
    let discovery = discover(&[dir.path().to_path_buf()], &DiscoverOptions::default());
    let files: Vec<_> = discovery.files.iter().map(|f| f.display.as_str()).collect();
    // The inner link is the same file as `a.py`, which is scanned once.
    assert_eq!(files, ["a.py"]);
    assert_eq!(discovery.skipped.len(), 1);
    assert_eq!(discovery.skipped[0].display, "link.py");
}

#[test]
fn a_file_root_is_scanned_as_given() {
    let dir = tree(&[("a.py", "")]);
    let path = dir.path().join("a.py");
    let discovery = discover(std::slice::from_ref(&path), &DiscoverOptions::default());
    assert_eq!(discovery.files[0].path, path);
}

#[test]
fn includes_keep_only_matching_files() {
    let dir = tree(&[("src/a.py", ""), ("src/k.cu", ""), ("tools/b.py", "")]);
    let options = DiscoverOptions::new(&[], &["src/**".into()]).unwrap();
    assert_eq!(found(dir.path(), &options), ["src/a.py", "src/k.cu"]);
}

#[test]
fn overlapping_roots_scan_each_file_once_under_its_first_name() {
    let dir = tree(&[("d/sub/a.py", ""), ("d/b.py", "")]);
    let d = dir.path().join("d");
    let roots = [
        d.clone(),
        d.join("sub"),
        d.join("sub/a.py"),
        d.join("./sub"),
    ];
    let discovery = discover(&roots, &DiscoverOptions::default());
    let files: Vec<_> = discovery.files.iter().map(|f| f.path.clone()).collect();
    assert_eq!(files, [d.join("b.py"), d.join("sub/a.py")]);
}

#[test]
fn deep_trees_and_their_gitignores_walk_in_linear_time() {
    // 400 levels, each with a `.gitignore` that ignores `*.tmp.py`
    // except at the deepest level, where `!` brings it back.
    let dir = tempfile::tempdir().unwrap();
    let mut path = dir.path().to_path_buf();
    for _ in 0..400 {
        path.push("d");
        fs::create_dir_all(&path).unwrap();
        fs::write(path.join(".gitignore"), "*.tmp.py\n").unwrap();
    }
    fs::write(path.join("x.tmp.py"), "").unwrap();
    fs::write(path.join("y.py"), "").unwrap();
    let files = found(dir.path(), &DiscoverOptions::default());
    assert_eq!(files, [format!("{}y.py", "d/".repeat(400))]);
    fs::write(path.join(".gitignore"), "!x.tmp.py\n").unwrap();
    assert_eq!(found(dir.path(), &DiscoverOptions::default()).len(), 2);
}

#[cfg(unix)]
#[test]
fn special_files_and_undecodable_names_are_never_dropped_silently() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tree(&[("a.py", "")]);
    let fifo = dir.path().join("pipe.py");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let odd = std::ffi::OsStr::from_bytes(b"bad\xff.py");
    fs::write(dir.path().join(odd), "").unwrap();
    let discovery = discover(&[dir.path().to_path_buf()], &DiscoverOptions::default());
    let files: Vec<_> = discovery.files.iter().map(|f| f.display.as_str()).collect();
    assert_eq!(files, ["a.py", "bad\u{fffd}.py"]);
    assert_eq!(
        discovery.skipped,
        [Skipped {
            display: "pipe.py".into(),
            reason: "not a regular file (a named pipe)".into()
        }]
    );
}
