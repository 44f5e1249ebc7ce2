//! `pip install migscan` works: `pip install .` builds the binary as a
//! wheel with maturin (fetched from PyPI as the build backend) into a fresh
//! virtualenv, and the `migscan` it puts on that PATH scans.

mod common;

use std::path::Path;
use std::process::{Command, Output};

fn run(program: &Path, args: &[&str], env: &[(&str, &Path)]) -> Output {
    let out = Command::new(program)
        .args(args)
        .envs(env.iter().map(|(k, v)| (*k, v.as_os_str())))
        .output()
        .unwrap_or_else(|e| panic!("{} cannot run: {e}", program.display()));
    assert!(
        out.status.success(),
        "{} {args:?} failed: {}{}",
        program.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn pip_installs_the_binary_into_a_fresh_virtualenv() {
    let root = common::root();
    let work = tempfile::tempdir().unwrap();
    let venv = work.path().join("venv");
    run(
        Path::new("python3"),
        &["-m", "venv", venv.to_str().unwrap()],
        &[],
    );
    // Its own target directory: `cargo test` holds the workspace's.
    let target = root.join("target/wheel-test");
    run(
        &venv.join("bin/pip"),
        &["install", "-q", root.to_str().unwrap()],
        &[("CARGO_TARGET_DIR", &target)],
    );
    let migscan = venv.join("bin/migscan");
    let version = run(&migscan, &["--version"], &[]);
    assert_eq!(
        String::from_utf8_lossy(&version.stdout).trim(),
        format!("migscan {}", env!("CARGO_PKG_VERSION"))
    );
    let fixture = root.join("fixtures/single-gpu-train");
    let scan = run(
        &migscan,
        &[
            "--target",
            "ascend",
            "--format",
            "concise",
            fixture.to_str().unwrap(),
        ],
        &[],
    );
    assert!(String::from_utf8_lossy(&scan.stdout).contains("ascend/tensor-cuda-method"));
}
