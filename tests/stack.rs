//! Version-aware packs through the binary: the stack version a plan
//! assumes, chosen with `--stack` or the configuration, and what a rule
//! that needs a later version becomes.

mod common;

use common::{migscan_in, repo, stdout_ok};

const FP8_CU: &str = r#"#include <cuda_fp8.h>
__global__ void quantize(__nv_fp8_storage_t* out, const float* in) {
  out[0] = __nv_cvt_float_to_fp8(in[0], __NV_SATFINITE, __NV_E4M3);
  cudaStreamCopyAttributes(0, 0);
}
"#;

/// `line rule status` of each finding for `target`, and the pack's stack
/// line.
fn scan(dir: &std::path::Path, target: &str, extra: &[&str]) -> (Vec<String>, serde_json::Value) {
    let mut args = vec!["--target", target, "--format", "json"];
    args.extend_from_slice(extra);
    args.push(".");
    let report: serde_json::Value =
        serde_json::from_str(&stdout_ok(&migscan_in(dir, &args))).unwrap();
    let findings = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {} {}",
                f["line"],
                f["rule_id"].as_str().unwrap(),
                f["status"].as_str().unwrap()
            )
        })
        .collect();
    (findings, report["packs"][0]["stack"].clone())
}

#[test]
fn a_plan_for_an_older_hip_marks_what_it_lacks_unsupported() {
    let dir = repo(&[("quantize.cu", FP8_CU)]);
    let (newest, stack) = scan(dir.path(), "hygon", &[]);
    assert_eq!(stack, "HIP 7.14.0 (newest the pack documents)");
    assert_eq!(
        newest,
        [
            "1 hygon/include-cuda-fp8-h auto",
            "2 hygon/nv-fp8-storage-t auto",
            "3 hygon/nv-cvt-float-to-fp8 auto",
            "3 hygon/nv-satfinite auto",
            "3 hygon/nv-e4-m3 manual",
            "4 hygon/cuda-stream-copy-attributes auto",
        ]
    );
    // fp8 conversions came with HIP 6.2, stream attributes with 7.2.
    let (on_6_2, stack) = scan(dir.path(), "hygon", &["--stack", "hygon=6.2"]);
    assert_eq!(stack, "HIP 6.2 (chosen)");
    assert_eq!(on_6_2[..5], newest[..5]);
    assert_eq!(on_6_2[5], "4 hygon/cuda-stream-copy-attributes unsupported");
    let (on_6_0, _) = scan(dir.path(), "hygon", &["--stack", "hygon=6.0"]);
    assert_eq!(
        on_6_0,
        [
            "1 hygon/include-cuda-fp8-h auto",
            "2 hygon/nv-fp8-storage-t unsupported",
            "3 hygon/nv-cvt-float-to-fp8 unsupported",
            "3 hygon/nv-satfinite unsupported",
            "3 hygon/nv-e4-m3 unsupported",
            "4 hygon/cuda-stream-copy-attributes unsupported",
        ]
    );
    let terminal = stdout_ok(&migscan_in(
        dir.path(),
        &[
            "--target",
            "hygon",
            "--stack",
            "hygon=6.0",
            "--color",
            "never",
            ".",
        ],
    ));
    assert!(
        terminal.contains("pack 2026.11.0 · HIP 6.0 (chosen)"),
        "{terminal}"
    );
    assert!(terminal.contains("needs HIP 6.2.0 or later, and this plan assumes HIP 6.0"));
}

#[test]
fn the_configuration_chooses_a_stack_and_the_flag_wins() {
    let dir = repo(&[
        ("quantize.cu", FP8_CU),
        ("migscan.toml", "[stack]\nhygon = \"6.0\"\n"),
    ]);
    let (configured, stack) = scan(dir.path(), "hygon", &[]);
    assert_eq!(stack, "HIP 6.0 (chosen)");
    assert_eq!(configured[1], "2 hygon/nv-fp8-storage-t unsupported");
    let (flagged, stack) = scan(dir.path(), "hygon", &["--stack", "hygon=7.2"]);
    assert_eq!(stack, "HIP 7.2 (chosen)");
    assert_eq!(flagged[1], "2 hygon/nv-fp8-storage-t auto");
}

#[test]
fn a_bad_stack_choice_stops_with_the_reason() {
    let dir = repo(&[("quantize.cu", FP8_CU)]);
    let fails = |args: &[&str], config: Option<&str>, expected: &str| {
        if let Some(config) = config {
            std::fs::write(dir.path().join("migscan.toml"), config).unwrap();
        }
        let out = migscan_in(dir.path(), args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(expected), "{expected} in {stderr}");
    };
    fails(
        &["--stack", "hygon=6.x", "."],
        None,
        "`6.x` is not a HIP version",
    );
    // A DTK release name is not a HIP version: the error says how to find it.
    fails(
        &["--stack", "hygon=dtk-25.04", "."],
        None,
        "no public source maps one to the other",
    );
    fails(&["--stack", "hygon", "."], None, "is not TARGET=VERSION");
    fails(&["--stack", "tpu=1.0", "."], None, "tpu");
    fails(
        &["--stack", "enflame=1.0", "."],
        None,
        "the enflame pack names no stack version to choose",
    );
    fails(
        &["."],
        Some("[stack]\nhygon = \"dtk-24.04\"\n"),
        "migscan.toml:2:9",
    );
}

#[test]
fn rules_stacks_lists_what_each_pack_counts() {
    let out = stdout_ok(&common::migscan(&["rules", "stacks"]));
    assert!(out.contains("hygon      HIP"), "{out}");
    assert!(out.contains("rules carry a version"));
    assert!(out.contains("enflame    no stack version"));
}

#[test]
fn a_plan_for_an_older_torch_npu_marks_what_it_lacks_unsupported() {
    let code = "import torch\n\nwith torch.cuda.StreamContext(torch.cuda.current_stream()):\n    torch.cuda.ipc_collect()\ntorch.cuda.synchronize()\n";
    let dir = repo(&[("run.py", code)]);
    let (newest, _) = scan(dir.path(), "ascend", &[]);
    assert!(newest.iter().all(|s| s.ends_with(" auto")), "{newest:?}");
    // torch.npu.StreamContext came with torch_npu 2.5.1, ipc_collect with
    // 2.6.0 (the wheels' torch_npu/npu/__init__.py).
    let (on_2_5_1, stack) = scan(dir.path(), "ascend", &["--stack", "ascend=2.5.1"]);
    assert_eq!(stack, "torch_npu 2.5.1 (chosen)");
    assert_eq!(
        on_2_5_1,
        [
            "3 ascend/torch-cuda-streamcontext auto",
            "3 ascend/torch-cuda-current-stream auto",
            "4 ascend/torch-cuda-ipc-collect unsupported",
            "5 ascend/torch-cuda-synchronize auto",
        ]
    );
    let (on_2_4, _) = scan(dir.path(), "ascend", &["--stack", "ascend=2.4"]);
    assert_eq!(on_2_4[0], "3 ascend/torch-cuda-streamcontext unsupported");
}
