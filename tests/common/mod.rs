//! Running the real `migscan` binary in end-to-end tests.
// Each test binary includes this module and uses only part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Output;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every shipped fixture repository, by folder name.
pub const FIXTURES: &[&str] = &[
    "single-gpu-train",
    "ddp-amp-package",
    "inference-service",
    "cuda-extension",
    "ops-cluster",
    "notebook-demo",
    "rust-infer",
];

/// A shipped fixture repository.
pub fn fixture(name: &str) -> PathBuf {
    root().join("fixtures").join(name)
}

/// A throwaway tree with `files` (relative path, text) written into it.
pub fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

/// Runs `migscan` with `args` in `dir`, without colour, at the default
/// width whatever the terminal running the tests is.
pub fn migscan_in(dir: &Path, args: &[&str]) -> Output {
    migscan_in_env(dir, args, &[])
}

/// Runs `migscan` in `dir` with extra environment.
pub fn migscan_in_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_migscan"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("COLUMNS")
        .envs(env.iter().copied())
        .output()
        .expect("the migscan binary runs")
}

/// Runs `migscan` from the repository root with extra environment.
pub fn migscan_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    migscan_in_env(&root(), args, env)
}

/// Runs `migscan` from the repository root.
pub fn migscan(args: &[&str]) -> Output {
    migscan_in(&root(), args)
}

/// Standard output of a run that must succeed.
pub fn stdout_ok(output: &Output) -> String {
    assert!(
        output.status.success(),
        "migscan failed with {:?}: {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).expect("UTF-8 output")
}

/// The JSON report of scanning `path` for `target`.
pub fn json_report(path: &Path, target: &str) -> serde_json::Value {
    let path = path.to_string_lossy().into_owned();
    let out = stdout_ok(&migscan(&["--target", target, "--format", "json", &path]));
    serde_json::from_str(&out).expect("valid JSON")
}

/// One line per finding: `path:line:col rule status api`.
pub fn finding_lines(report: &serde_json::Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{}:{}:{} {} {} {}",
                f["path"].as_str().unwrap(),
                f["line"],
                f["column"],
                f["rule_id"].as_str().unwrap(),
                f["status"].as_str().unwrap(),
                f["api"].as_str().unwrap()
            )
        })
        .collect()
}

/// Runs `migscan` with `args` in `dir`, like [`migscan_in`], but kills it
/// and fails the test if it has not finished within five minutes: a hang
/// must fail the test, never block the suite. (A bound, not a timing: the
/// inputs given here take well under a second.)
pub fn migscan_bounded(dir: &Path, args: &[&str]) -> Output {
    use std::io::Read;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_migscan"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the migscan binary runs");
    // Drained on threads so a large report cannot fill the pipe and stall.
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stdout.read_to_end(&mut buf);
        buf
    });
    let err = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stderr.read_to_end(&mut buf);
        buf
    });
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > std::time::Duration::from_secs(300) {
            let _ = child.kill();
            panic!("migscan {args:?} did not finish: it hangs");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    Output {
        status,
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    }
}

/// `path: reason` of every skipped file of a JSON report.
pub fn skipped(report: &serde_json::Value) -> Vec<String> {
    report["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            format!(
                "{}: {}",
                s["path"].as_str().unwrap(),
                s["reason"].as_str().unwrap()
            )
        })
        .collect()
}
