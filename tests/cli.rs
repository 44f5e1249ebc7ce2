//! The command line as users meet it: exit codes, bad input, determinism,
//! `rules list`, `explain`, output files.

mod common;

use common::{fixture, migscan, migscan_in, repo, skipped, stdout_ok, FIXTURES};
use std::fs;

#[test]
fn output_is_identical_whatever_the_thread_count() {
    let path = fixture("ddp-amp-package");
    let path = path.to_str().unwrap();
    let one = stdout_ok(&migscan(&["--format", "json", "--jobs", "1", path]));
    let two = stdout_ok(&migscan(&["--format", "json", "--jobs", "2", path]));
    let four = stdout_ok(&migscan(&["--format", "json", "--jobs", "4", path]));
    assert_eq!(one, two);
    assert_eq!(one, four);
    assert!(one.contains("\"schema_version\": 3"));
}

#[test]
fn bad_files_are_skipped_with_a_reason_and_the_scan_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("good.py"),
        "import torch\ntorch.cuda.synchronize()\n",
    )
    .unwrap();
    fs::write(dir.path().join("latin1.py"), b"# caf\xe9\nimport torch\n").unwrap();
    fs::write(dir.path().join("blob.py"), b"\x00\x01\x02torch.cuda").unwrap();
    fs::write(dir.path().join("huge.py"), "x = 1\n".repeat(400)).unwrap();
    let out = stdout_ok(&migscan_in(
        dir.path(),
        &[
            "--target",
            "ascend",
            "--format",
            "json",
            "--max-file-size",
            "1",
            ".",
        ],
    ));
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        skipped(&report),
        [
            "blob.py: binary file",
            "huge.py: larger than the 1 KiB limit (3 KiB)",
            "latin1.py: not UTF-8 (invalid byte at offset 5)",
        ]
    );
    assert_eq!(report["summary"]["files_scanned"], 1);
    assert_eq!(
        report["findings"][0]["rule_id"],
        "ascend/torch-cuda-synchronize"
    );
    assert_eq!(report["findings"][0]["path"], "good.py");
    assert_eq!(report["findings"][0]["line"], 2);
    assert_eq!(report["findings"][0]["column"], 1);
}

#[test]
fn usage_errors_exit_with_two() {
    let out = migscan(&["--target", "cuda", "fixtures/single-gpu-train"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown target `cuda`"));
    let out = migscan(&["--exclude", "a[", "fixtures/single-gpu-train"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid --exclude pattern `a[`"));
    let out = migscan(&["explain", "ascend/no-such-rule"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no rule `ascend/no-such-rule`"));
}

#[test]
fn terminal_report_shows_the_plan_and_snippets_without_colour_off_a_tty() {
    let out = stdout_ok(&migscan(&[
        "--target",
        "ascend",
        "fixtures/single-gpu-train",
    ]));
    assert!(
        out.starts_with("migscan 3 files scanned, 0 skipped, 15 findings\n"),
        "{out}"
    );
    assert!(
        out.contains("\n  step, status and rule                                  sites  APIs        hours  replacement\n  1. Operator coverage                                      13             2.1–23\n     manual      ascend/torch-float64                        1     1       1.1–17  torch.float32\n"),
        "{out}"
    );
    // A replacement too long for the row goes below it.
    assert!(
        out.contains("     auto        ascend/torch-cuda-amp-autocast              1     1      0.1–0.7\n                 → torch.npu.amp.autocast\n"),
        "{out}"
    );
    // Prose wraps to COLUMNS.
    let narrow = stdout_ok(&common::migscan_env(
        &["--target", "ascend", "fixtures/single-gpu-train"],
        &[("COLUMNS", "60")],
    ));
    // The plan's header and summary; tables keep their columns.
    let widest = narrow
        .lines()
        .take_while(|l| !l.contains("step, status and rule"))
        .map(|l| l.chars().count())
        .max()
        .unwrap();
    assert!(widest <= 60, "{narrow}");
    assert!(
        narrow.contains("  effort 2.8–26 h (expected 10 h) · 80% mechanical · 0\n  blocking APIs"),
        "{narrow}"
    );
    assert!(out.contains("ascend/torch-float64"), "{out}");
    assert!(out.contains("help: replace with \"npu\""), "{out}");
    assert!(!out.contains('\x1b'), "colour codes off a terminal");
    let coloured = stdout_ok(&migscan(&[
        "--target",
        "ascend",
        "--color",
        "always",
        "fixtures/single-gpu-train",
    ]));
    assert!(coloured.contains('\x1b'));
}

#[test]
fn output_file_receives_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("findings.json");
    let args = [
        "--target",
        "rocm",
        "--format",
        "json",
        "-o",
        file.to_str().unwrap(),
        "fixtures/inference-service",
    ];
    assert!(stdout_ok(&migscan(&args)).is_empty());
    let report: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(file).unwrap()).unwrap();
    assert_eq!(report["targets"], serde_json::json!(["hygon"]));
}

#[test]
fn quiet_still_writes_the_output_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("findings.json");
    let output = migscan(&[
        "-q",
        "--target",
        "ascend",
        "--format",
        "json",
        "-o",
        file.to_str().unwrap(),
        "fixtures/inference-service",
    ]);
    assert!(output.stdout.is_empty() && output.stderr.is_empty());
    let report: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(file).unwrap()).unwrap();
    assert!(!report["findings"].as_array().unwrap().is_empty());
}

#[test]
fn rules_list_and_explain_describe_the_packs() {
    let list = stdout_ok(&migscan(&["rules", "list", "--target", "mlu"]));
    assert!(list.lines().all(|l| l.starts_with("cambricon/")));
    assert!(list.contains("cambricon/backend-nccl"));
    let explain = stdout_ok(&migscan(&["explain", "ascend/torch-cuda-synchronize"]));
    assert!(
        explain.contains("matches      name `torch.cuda.synchronize`"),
        "{explain}"
    );
    assert!(
        explain.contains("replacement  torch.npu.synchronize"),
        "{explain}"
    );
    assert!(explain.contains("source       torch-2.14.0 wheel: torch/cuda/__init__.py __all__ vs torch_npu-2.14.0 wheel"), "{explain}");
    let low = stdout_ok(&migscan(&["explain", "enflame/device-cuda"]));
    assert!(low.contains("confidence   low"), "{low}");
}

#[test]
fn the_project_own_package_is_never_a_vendor_api() {
    // A checkout of a package that shares its name with a rule (`vllm`):
    // its own imports are first-party, a script beside it uses the dependency.
    let dir = repo(&[
        ("vllm/__init__.py", ""),
        (
            "vllm/engine/__init__.py",
            "from vllm.config import Config\n",
        ),
        ("serve.py", "import vllm\n"),
    ]);
    let out = stdout_ok(&migscan_in(
        dir.path(),
        &["--target", "ascend", "--format", "json", "."],
    ));
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let paths: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["serve.py"]);
}

#[test]
fn the_prefilter_never_changes_the_findings() {
    for name in FIXTURES {
        let path = fixture(name);
        let path = path.to_str().unwrap();
        let with = stdout_ok(&migscan(&["--format", "concise", path]));
        let without = stdout_ok(&migscan(&["--format", "concise", "--no-prefilter", path]));
        assert_eq!(with, without, "{name}");
    }
    // A file with nothing any rule needs is not parsed, and still scanned.
    let dir = repo(&[("util.py", "def add(a, b):\n    return a + b\n")]);
    let out = migscan_in(dir.path(), &["--format", "json", "--timings", "."]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("\"files\": 1, \"prefiltered\": 1"));
}

/// The `parsed_bytes` and `read_bytes` of a `--timings` line.
fn parsed_of_read(stderr: &[u8]) -> (usize, usize) {
    let text = String::from_utf8_lossy(stderr);
    let timings: serde_json::Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    let bytes = |key: &str| timings[key].as_u64().unwrap() as usize;
    (bytes("parsed_bytes"), bytes("read_bytes"))
}

#[test]
fn only_the_python_statements_that_can_hold_a_finding_are_parsed() {
    let trainer = "\
\"\"\"Training loop.\"\"\"
import os

import torch
import torch.cuda as tc
from flash_attn import __version__ as FA_VERSION


class Trainer:
    \"\"\"Runs the loop.\"\"\"

    def __init__(self, model, steps=10):
        self.model = model
        self.steps = steps

    def describe(self):
        return f\"trainer with flash-attn {FA_VERSION} on {tc.get_device_name()}\"

    def log(self, step, loss):
        print(f\"step {step}: {loss:.3f}\")

    def sync(self):
        tc.synchronize()


def batches(n):
    return [list(range(i, i + 4)) for i in range(n)]


def device():
    return torch.device(\"cuda:0\") if os.environ.get(\"CUDA_VISIBLE_DEVICES\") else \"cpu\"
";
    let dir = repo(&[("trainer.py", trainer)]);
    let args = [
        "--format",
        "concise",
        "--target",
        "ascend",
        "--timings",
        ".",
    ];
    let with = migscan_in(dir.path(), &args);
    let without = migscan_in(dir.path(), &[&args[..], &["--no-prefilter"]].concat());
    assert_eq!(
        String::from_utf8_lossy(&with.stdout),
        String::from_utf8_lossy(&without.stdout)
    );
    let findings = String::from_utf8_lossy(&with.stdout).to_string();
    for site in [
        "trainer.py:5:8:",   // import torch.cuda
        "trainer.py:17:59:", // tc.get_device_name() in the f-string
        "trainer.py:23:9:",  // tc.synchronize()
        "trainer.py:31:25:", // "cuda:0"
        "trainer.py:31:53:", // CUDA_VISIBLE_DEVICES
    ] {
        assert!(findings.contains(site), "{site} missing from\n{findings}");
    }
    // The docstrings, `__init__`, `log` and `batches` are not parsed.
    let (parsed, read) = parsed_of_read(&with.stderr);
    assert_eq!(read, trainer.len());
    let skipped: usize = [
        ("\"\"\"Training", "import os"),
        ("    \"\"\"Runs", "    def __init__"),
        ("    def __init__", "    def describe"),
        ("    def log", "    def sync"),
        ("def batches", "def device"),
    ]
    .iter()
    .map(|(from, to)| trainer.find(to).unwrap() - trainer.find(from).unwrap())
    .sum();
    assert_eq!(parsed, read - skipped);
    assert_eq!(parsed_of_read(&without.stderr), (read, read));
}

#[test]
fn completions_and_the_manual_page_come_from_the_flags() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = stdout_ok(&migscan(&["completions", shell]));
        assert!(script.contains("vendored"), "{shell}: {script}");
        assert!(script.contains("summarize"), "{shell}: the modes complete");
    }
    // The bash script is valid bash.
    let script = stdout_ok(&migscan(&["completions", "bash"]));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("migscan.bash");
    std::fs::write(&file, script).unwrap();
    let checked = std::process::Command::new("bash")
        .arg("-n")
        .arg(&file)
        .status()
        .unwrap();
    assert!(checked.success());
    let unknown = migscan(&["completions", "tcsh"]);
    assert_eq!(unknown.status.code(), Some(2));

    let page = stdout_ok(&migscan(&["man"]));
    assert!(page.contains(".TH migscan 1"), "{page}");
    assert!(page.contains("\\fB\\-\\-vendored\\fR"), "{page}");
    assert!(page.contains("Exit codes: 0 the scan ran"), "{page}");
    assert!(page.contains("explain"), "subcommands are listed: {page}");
}

#[test]
fn a_status_line_shows_progress_on_a_terminal_only() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.txt");
    let command = format!(
        "{} --target ascend --format concise -o {} fixtures/single-gpu-train",
        env!("CARGO_BIN_EXE_migscan"),
        report.display()
    );
    // `script` runs the command on a pseudo-terminal (util-linux).
    let Ok(out) = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .current_dir(common::root())
        .output()
    else {
        panic!("`script` (util-linux) is needed to give migscan a terminal");
    };
    let terminal = String::from_utf8_lossy(&out.stdout);
    assert!(
        terminal.contains("migscan: scanning 3/3 files"),
        "{terminal:?}"
    );
    assert!(
        terminal.ends_with("\r\x1b[2K"),
        "the line is erased before the report: {terminal:?}"
    );
    assert!(std::fs::read_to_string(&report)
        .unwrap()
        .contains("ascend/"));
    // Off a terminal, standard error stays clean.
    let piped = migscan(&[
        "--target",
        "ascend",
        "--format",
        "concise",
        "fixtures/single-gpu-train",
    ]);
    assert!(
        piped.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&piped.stderr)
    );
}
