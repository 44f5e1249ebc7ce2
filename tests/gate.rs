//! Gating commits and CI: exit codes, suppressions, baselines that survive
//! line shifts, configuration discovery, CI output formats, file lists.

mod common;

use common::{migscan_in, repo};
use std::fs;
use std::path::Path;

fn run(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let out = migscan_in(dir, args);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

const TRAIN: &str = "import torch\nmodel = model.cuda()\nx = torch.zeros(3).double()\n";

#[test]
fn fail_on_levels_and_exit_codes() {
    let dir = repo(&[("train.py", TRAIN)]);
    let d = dir.path();
    // Reporting alone never fails.
    assert_eq!(run(d, &["--target", "ascend", "-q", "."]).0, Some(0));
    // auto (.cuda()) and manual (.double()) are warnings on ascend.
    assert_eq!(
        run(
            d,
            &["--target", "ascend", "--fail-on", "warning", "-q", "."]
        )
        .0,
        Some(1)
    );
    assert_eq!(
        run(d, &["--target", "ascend", "--fail-on", "error", "-q", "."]).0,
        Some(0)
    );
    // On cambricon `.double()` runs (in float32): manual, a warning; CuPy
    // has no MLU build: unsupported, an error.
    assert_eq!(
        run(d, &["--target", "mlu", "--fail-on", "error", "-q", "."]).0,
        Some(0)
    );
    std::fs::write(d.join("kernels.py"), "import cupy\n").unwrap();
    assert_eq!(
        run(d, &["--target", "mlu", "--fail-on", "error", "-q", "."]).0,
        Some(1)
    );
    // Usage errors are 2.
    assert_eq!(run(d, &["--fail-on", "loud", "."]).0, Some(2));
}

#[test]
fn file_lists_are_scanned_as_given_in_concise_and_github_formats() {
    let dir = repo(&[
        ("pkg/train.py", TRAIN),
        ("pkg/other.py", "import torch\ntorch.cuda.synchronize()\n"),
    ]);
    let (code, out) = run(
        dir.path(),
        &["--target", "ascend", "--format", "concise", "pkg/train.py"],
    );
    assert_eq!(code, Some(0));
    assert_eq!(
        out,
        "pkg/train.py:2:15: ascend/tensor-cuda-method [auto] cuda: `.cuda()` becomes `.npu()` on tensors and modules (→ .npu())\n\
         pkg/train.py:3:20: ascend/tensor-double-method [manual] double: `.double()` makes a float64 tensor, which NPU ops do not compute: torch_npu casts it to float32 with a warning; check precision-sensitive code (→ .float())\n"
    );
    let (_, out) = run(
        dir.path(),
        &["--target", "ascend", "--format", "github", "pkg/train.py"],
    );
    assert!(
        out.starts_with(
            "::warning file=pkg/train.py,line=2,col=15,title=ascend/tensor-cuda-method::cuda%3A"
        ) || out.starts_with(
            "::warning file=pkg/train.py,line=2,col=15,title=ascend/tensor-cuda-method::cuda: "
        ),
        "{out}"
    );
    let (_, out) = run(dir.path(), &["--target", "ascend", "--statistics", "pkg"]);
    assert!(
        out.contains("  auto         ascend/torch-cuda-synchronize\n"),
        "{out}"
    );
}

#[test]
fn inline_suppressions_and_unused_ones() {
    let dir = repo(&[
        ("train.py", "import torch\nmodel = model.cuda()  # migscan: ignore[tensor-cuda-method]\nx = y.double()  # migscan: ignore\nz = 1  # migscan: ignore[device-cuda]\n"),
        ("k.cu", "void f() { cudaDeviceSynchronize(); } // migscan: ignore[ascend/cuda-device-synchronize]\n"),
    ]);
    let d = dir.path();
    let (code, out) = run(
        d,
        &[
            "--target",
            "ascend",
            "--fail-on",
            "warning",
            "--format",
            "concise",
            ".",
        ],
    );
    assert_eq!((code, out.as_str()), (Some(0), ""));
    let (code, out) = run(
        d,
        &[
            "--target",
            "ascend",
            "--fail-on",
            "warning",
            "--format",
            "concise",
            "--report-unused-suppressions",
            ".",
        ],
    );
    assert_eq!(code, Some(1));
    assert_eq!(out, "train.py:4:8: migscan/unused-suppression [warning] `migscan: ignore` suppresses no finding\n");
}

#[test]
fn baselines_hide_known_findings_even_after_lines_shift() {
    let dir = repo(&[("train.py", TRAIN)]);
    let d = dir.path();
    assert_eq!(
        run(
            d,
            &[
                "--target",
                "ascend",
                "--write-baseline",
                "migscan-baseline.json",
                "."
            ]
        )
        .0,
        Some(0)
    );
    let args = [
        "--target",
        "ascend",
        "--baseline",
        "migscan-baseline.json",
        "--fail-on",
        "warning",
        "--format",
        "concise",
        ".",
    ];
    assert_eq!(run(d, &args), (Some(0), String::new()));
    // Unrelated edits shift the known lines; a new `.cuda()` still fails.
    fs::write(
        d.join("train.py"),
        format!("# header\n\n{TRAIN}batch = batch.cuda()\n"),
    )
    .unwrap();
    let (code, out) = run(d, &args);
    assert_eq!(code, Some(1));
    assert_eq!(out.lines().collect::<Vec<_>>(), ["train.py:6:15: ascend/tensor-cuda-method [auto] cuda: `.cuda()` becomes `.npu()` on tensors and modules (→ .npu())"]);
}

#[test]
fn configuration_is_discovered_upward_and_flags_win() {
    let dir = repo(&[
        ("pyproject.toml", "[project]\nname = \"x\"\n\n[tool.migscan]\ntarget = \"ascend\"\nfail-on = \"warning\"\nformat = \"concise\"\nignore = [\"tensor-double-method\"]\nexclude = [\"legacy/**\"]\n[tool.migscan.severity]\n\"tensor-cuda-method\" = \"error\"\n"),
        ("src/train.py", TRAIN),
        ("legacy/old.py", "import torch\ntorch.cuda.synchronize()\n"),
    ]);
    let d = dir.path();
    let (code, out) = run(&d.join("src"), &["."]);
    assert_eq!(code, Some(1));
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(
        out.starts_with("train.py:2:15: ascend/tensor-cuda-method"),
        "{out}"
    );
    // Flags override the file; --isolated ignores it.
    assert_eq!(run(d, &["--fail-on", "never", "-q", "."]).0, Some(0));
    let (_, out) = run(
        d,
        &[
            "--isolated",
            "--target",
            "ascend",
            "--format",
            "concise",
            ".",
        ],
    );
    assert!(
        out.contains("legacy/old.py") && out.contains("tensor-double-method"),
        "{out}"
    );
    // A bad value is a diagnostic pointing into the file, exit 2.
    fs::write(
        d.join("pyproject.toml"),
        "[tool.migscan]\nfail-on = \"loud\"\n",
    )
    .unwrap();
    let out = migscan_in(d, &["."]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("unknown fail-on `loud`") && stderr.contains("pyproject.toml:2:11"),
        "{stderr}"
    );
}

const USER_RULE: &str = r##"
[[rule]]
id = "ascend/our-launcher"
match = { command = "deepspeed" }
status = "manual"
replacement = "torchrun with torch_npu"
step = 4
effort = "small"
message = "our cluster runs DeepSpeed's launcher; use torchrun on NPU nodes"
source = "internal runbook"

[[rule.examples]]
language = "shell"
code = "deepspeed --num_gpus 8 train.py"
expect = "match"

[[rule.examples]]
language = "shell"
code = "# deepspeed is mentioned in a comment only"
expect = "no-match"
"##;

#[test]
fn rule_packs_are_checked_with_their_examples_and_used_in_scans() {
    let dir = repo(&[
        ("pack/ascend/launchers.toml", USER_RULE),
        ("run.sh", "deepspeed --num_gpus 8 train.py\n"),
    ]);
    let d = dir.path();
    let (code, out) = run(d, &["rules", "check", "pack"]);
    assert_eq!(code, Some(0), "{out}");
    assert_eq!(out, "pack: 1 rules valid, 2 examples passed, 0 failed\n");
    // A user pack joins the scan.
    let (_, out) = run(
        d,
        &[
            "--rules", "pack", "--target", "ascend", "--format", "concise", "run.sh",
        ],
    );
    assert!(
        out.starts_with("run.sh:1:1: ascend/our-launcher [manual]"),
        "{out}"
    );
    // A failing example fails the check.
    fs::write(
        d.join("pack/ascend/launchers.toml"),
        USER_RULE.replace("expect = \"no-match\"", "expect = \"match\""),
    )
    .unwrap();
    let (code, out) = run(d, &["rules", "check", "pack"]);
    assert_eq!(code, Some(1));
    assert!(
        out.contains("1 failed") && out.contains("`ascend/our-launcher` should match"),
        "{out}"
    );
    // An invalid pack is a diagnostic at file:line:col, exit 2.
    fs::write(
        d.join("pack/ascend/launchers.toml"),
        USER_RULE.replace("step = 4", "step = 9"),
    )
    .unwrap();
    let out = migscan_in(d, &["rules", "check", "pack"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("step must be 1, 2, 3 or 4") && stderr.contains("launchers.toml:7:8"),
        "{stderr}"
    ); // An unreadable pack file (here: not UTF-8) stops the scan, exit 2,
       // rather than loading as an empty pack.
    fs::write(d.join("pack/ascend/launchers.toml"), b"id = \"\xff\"\n").unwrap();
    let out = migscan_in(d, &["--rules", "pack", "--target", "ascend", "run.sh"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot read rule file") && stderr.contains("launchers.toml"),
        "{stderr}"
    );
}

#[test]
fn the_built_in_packs_pass_their_examples() {
    let out = common::migscan(&["rules", "check"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    let passed: usize = text
        .split(" examples passed")
        .next()
        .and_then(|head| head.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(passed >= 200, "{text}");
    assert!(text.contains(", 0 failed"), "{text}");
}
