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
    assert_eq!(files, ["a.py", "inner.py"]);
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
