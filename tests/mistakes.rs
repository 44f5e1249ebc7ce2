//! Mistakes a user makes are loud: a typo in a path, a card of another
//! target, a rule name, a configuration or pack error stop with the reason
//! (exit 2) instead of passing as an empty or unchanged result.

mod common;

use common::{migscan, migscan_in, repo, stdout_ok};

fn fails(out: &std::process::Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    stderr
}

#[test]
fn a_path_that_does_not_exist_is_an_error_and_an_empty_tree_recommends_nothing() {
    let dir = repo(&[("README.md", "# nothing to port\n")]);
    let missing = fails(&migscan_in(
        dir.path(),
        &["--format", "concise", "--fail-on", "error", "src/typo"],
    ));
    assert!(
        missing.contains("src/typo: no such file or directory"),
        "{missing}"
    );
    let empty = stdout_ok(&migscan_in(dir.path(), &["--color", "never", "."]));
    assert!(empty.contains("nothing to scan"), "{empty}");
    assert!(!empty.contains("cheapest"), "{empty}");
}

#[test]
fn a_device_of_a_target_not_planned_is_refused() {
    let dir = repo(&[("train.py", "import torch\ntorch.cuda.synchronize()\n")]);
    let other = fails(&migscan_in(
        dir.path(),
        &["--target", "hygon", "--device", "910b", "."],
    ));
    assert!(
        other.contains("--device 910b is a card for Huawei Ascend"),
        "{other}"
    );
    assert!(
        other.contains("k100-ai"),
        "the help lists the planned target's cards: {other}"
    );
    let baseline = fails(&migscan_in(
        dir.path(),
        &["--target", "ascend", "--device", "h100", "."],
    ));
    assert!(baseline.contains("NVIDIA baseline card"), "{baseline}");
    // With the card's target among those planned it applies there.
    stdout_ok(&migscan_in(
        dir.path(),
        &["--target", "ascend,hygon", "--device", "910b", "."],
    ));
}

#[test]
fn explain_takes_short_names_and_suggests_near_ids() {
    let all = stdout_ok(&migscan(&["explain", "device-cuda", "--color", "never"]));
    for target in ["ascend", "cambricon", "hygon", "enflame"] {
        assert!(all.contains(&format!("{target}/device-cuda\n")), "{all}");
    }
    let typo = fails(&migscan(&["explain", "ascend/device-cudaa"]));
    assert!(typo.contains("did you mean ascend/device-cuda"), "{typo}");
}

#[test]
fn a_configuration_error_is_shown_once_at_its_place() {
    let dir = repo(&[
        ("a.py", "import torch\n"),
        (
            "migscan.toml",
            "[effort.trivial]\ndescription = \"renames\"\nper_api = { low = 5, likely = 1, high = 0.5 }\nper_site = { low = 0.01, likely = 0.02, high = 0.05 }\n",
        ),
    ]);
    let stderr = fails(&migscan_in(dir.path(), &["."]));
    assert_eq!(
        stderr
            .matches("per_api must have 0 <= low <= likely <= high")
            .count(),
        1,
        "{stderr}"
    );
    assert!(stderr.contains("migscan.toml:1:1"), "{stderr}");
    assert!(!stderr.contains("invalid rule data") && !stderr.contains("migscan::rules"));
}

/// A user's rule that matches `what`.
fn user_rule(what: &str) -> String {
    format!("[[rule]]\nid = \"ascend/mine\"\nmatch = {{ {what} }}\nstatus = \"manual\"\nstep = 1\neffort = \"small\"\nmessage = \"m\"\nsource = \"s\"\n")
}

#[test]
fn rule_files_outside_a_target_folder_are_refused() {
    let rule = user_rule("name = \"mylib.gpu\"");
    let dir = repo(&[("a.py", "import torch\n"), ("pack/ascnd/mine.toml", &rule)]);
    let stderr = fails(&migscan_in(dir.path(), &["--rules", "pack", "a.py"]));
    assert!(
        stderr.contains("ascnd/mine.toml: not in a target's folder"),
        "{stderr}"
    );
    assert!(stderr.contains("with target one of ascend"), "{stderr}");
}

#[test]
fn a_bad_glob_names_its_flag_or_its_place_in_the_configuration() {
    let dir = repo(&[("a.py", "import torch\n")]);
    let include = fails(&migscan_in(dir.path(), &["--include", "[abc", "."]));
    assert!(
        include.contains("invalid --include pattern `[abc`: unclosed character class"),
        "{include}"
    );
    let exclude = fails(&migscan_in(dir.path(), &["--exclude", "a{b", "."]));
    assert!(
        exclude.contains("invalid --exclude pattern `a{b`"),
        "{exclude}"
    );

    let configured = repo(&[
        ("a.py", "import torch\n"),
        (
            "migscan.toml",
            "target = \"ascend\"\nexclude = [\"ok/**\", \"[abc\"]\n",
        ),
    ]);
    let stderr = fails(&migscan_in(configured.path(), &["."]));
    assert!(stderr.contains("migscan.toml:2:21"), "{stderr}");
    assert!(
        stderr.contains("invalid glob: unclosed character class"),
        "{stderr}"
    );
}

#[test]
fn a_report_never_overwrites_a_scanned_file() {
    let source = "import torch\ntorch.cuda.synchronize()\n";
    let dir = repo(&[("train.py", source), ("src/model.py", source)]);
    for (output, scanned) in [
        ("train.py", "train.py"),
        ("src/model.py", "."),
        ("./src/../train.py", "."),
    ] {
        let stderr = fails(&migscan_in(
            dir.path(),
            &["--format", "json", "-o", output, scanned],
        ));
        assert!(stderr.contains("would overwrite"), "{stderr}");
    }
    assert_eq!(
        std::fs::read_to_string(dir.path().join("train.py")).unwrap(),
        source
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("src/model.py")).unwrap(),
        source
    );
    // A new file, or one the scan does not read, is written as asked.
    stdout_ok(&migscan_in(
        dir.path(),
        &["--format", "json", "-o", "report.json", "."],
    ));
    stdout_ok(&migscan_in(
        dir.path(),
        &["--format", "json", "-o", "train.py", "src"],
    ));
    assert!(std::fs::read_to_string(dir.path().join("train.py"))
        .unwrap()
        .starts_with('{'));
}

#[test]
fn a_closed_pipe_ends_a_listing_quietly() {
    use std::process::{Command, Stdio};
    for args in [
        &["rules", "check"][..],
        &["rules", "list"],
        &["rules", "cards"],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_migscan"))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The reader is gone before anything is written (`| head` that
        // has exited): every write meets a closed pipe.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
    }
}

#[test]
fn findings_speak_to_users_and_explain_keeps_the_notes_for_reviewers() {
    let dir = repo(&[
        ("probe.py", "import torch\nprint(torch.cuda.clock_rate())\n"),
        (
            "csrc/k.cu",
            "#include <nccl.h>\n__global__ void k() {\n#if __CUDA_ARCH__ >= 800\n#endif\n}\nncclComm_t comm;\n",
        ),
    ]);
    let concise = stdout_ok(&migscan_in(
        dir.path(),
        &["--target", "cambricon,hygon", "--format", "concise", "."],
    ));
    assert!(
        concise.contains("cambricon/torch-cuda-clock-rate [manual] torch.cuda.clock_rate: `torch.cuda.clock_rate`: Cambricon's API support list does not mark it validated on MLU"),
        "{concise}"
    );
    assert!(concise.contains("hygon/"), "{concise}");
    assert!(
        !concise.contains("supported:false") && !concise.contains("refs="),
        "{concise}"
    );
    let explain = stdout_ok(&migscan(&["explain", "cambricon/torch-cuda-clock-rate"]));
    assert!(
        explain.contains("  notes        vendor API list: supported:false"),
        "{explain}"
    );
}

#[test]
fn a_rule_matching_a_construct_no_frontend_reports_is_refused() {
    let rule = user_rule("construct = \"nope\"");
    let dir = repo(&[("a.py", "import torch\n"), ("pack/ascend/mine.toml", &rule)]);
    let stderr = fails(&migscan_in(dir.path(), &["--rules", "pack", "a.py"]));
    assert!(
        stderr.contains("no frontend reports construct `nope`"),
        "{stderr}"
    );
    assert!(stderr.contains("mine.toml:3:"), "{stderr}");
    // One with a suffix loads (the built-in packs use every plain one).
    let good = user_rule("construct = \"env-module:openmpi\"");
    let ok = repo(&[("a.py", "import torch\n"), ("pack/ascend/mine.toml", &good)]);
    stdout_ok(&migscan_in(
        ok.path(),
        &["--rules", "pack", "--format", "json", "a.py"],
    ));
    let listed = stdout_ok(&migscan(&["rules", "constructs"]));
    assert!(listed.contains("kernel-launch "), "{listed}");
    assert!(listed.contains("env-module:"), "{listed}");
}
