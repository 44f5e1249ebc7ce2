//! Each shipped fixture repository, scanned for every target through the
//! binary: the findings are snapshots (`tests/snapshots/`), and the points
//! that matter most are asserted outright.

mod common;

use common::{finding_lines, fixture, json_report};

const FIXTURES: &[&str] = &["single-gpu-train", "ddp-amp-package", "inference-service"];
const TARGETS: &[&str] = &["ascend", "cambricon", "hygon", "enflame"];

#[test]
fn findings_per_fixture_and_target() {
    for name in FIXTURES {
        for target in TARGETS {
            let report = json_report(&fixture(name), target);
            let plan = &report["plans"][0];
            let mut text = finding_lines(&report).join("\n");
            text.push_str(&format!(
                "\n\nplan: {} sites by status {}, total hours {:.2} / {:.2} / {:.2}\n",
                plan["steps"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| s["sites"].as_u64().unwrap())
                    .sum::<u64>(),
                plan["readiness"]["sites_by_status"],
                plan["total"]["low"].as_f64().unwrap(),
                plan["total"]["likely"].as_f64().unwrap(),
                plan["total"]["high"].as_f64().unwrap(),
            ));
            insta::assert_snapshot!(format!("{name}-{target}"), text);
        }
    }
}

fn has(lines: &[String], needle: &str) -> bool {
    lines.iter().any(|l| l.starts_with(needle))
}

#[test]
fn single_gpu_script_is_fully_found_for_ascend() {
    let lines = finding_lines(&json_report(&fixture("single-gpu-train"), "npu"));
    for expected in [
        "train.py:20:45 ascend/device-cuda auto cuda",
        "train.py:30:5 ascend/torch-cuda-manual-seed-all auto",
        "train.py:37:37 ascend/torch-cuda-is-available auto",
        "train.py:38:27 ascend/device-cuda auto cuda",
        "train.py:47:23 ascend/tensor-cuda-method auto cuda",
        "train.py:49:14 ascend/torch-cuda-amp-gradscaler auto",
        "train.py:56:18 ascend/torch-cuda-amp-autocast auto",
        "train.py:63:13 ascend/torch-cuda-synchronize auto",
        "train.py:64:20 ascend/torch-cuda-max-memory-allocated auto",
        "evaluate.py:7:57 ascend/device-cuda auto cuda",
        "evaluate.py:8:19 ascend/tensor-cuda-method auto cuda",
        "evaluate.py:12:29 ascend/tensor-cuda-method auto cuda",
        "evaluate.py:13:39 ascend/torch-float64 manual",
    ] {
        assert!(has(&lines, expected), "missing {expected} in {lines:#?}");
    }
    // That is all the Python: the docstring, argparse help texts, the comment
    // on line 54 and the `use_cuda`/`no_cuda` names are not usages.
    assert_eq!(lines.iter().filter(|l| l.contains(".py:")).count(), 13, "{lines:#?}");
    // The CUDA wheels pinned in requirements.txt.
    assert!(has(&lines, "requirements.txt:1:14 ascend/cuda-local-version manual"));
    assert!(has(&lines, "requirements.txt:2:21 ascend/cuda-local-version manual"));
}

#[test]
fn hygon_keeps_the_cuda_api_and_never_suggests_another_vendor() {
    for name in FIXTURES {
        let report = json_report(&fixture(name), "dcu");
        for finding in report["findings"].as_array().unwrap() {
            let rule = finding["rule_id"].as_str().unwrap();
            assert!(
                !rule.contains("device-cuda") && !rule.contains("backend-nccl"),
                "{rule}"
            );
            let replacement = finding["replacement"].as_str().unwrap_or_default();
            for other in ["npu", "mlu", "gcu", "hccl", "cncl", "eccl"] {
                assert!(
                    !replacement.contains(other),
                    "{rule} suggests {replacement}"
                );
            }
        }
        assert!(
            report["plans"][0]["readiness"]["sites_by_status"]["supported"]
                .as_u64()
                .unwrap()
                > 0
        );
    }
}

#[test]
fn distributed_package_maps_backends_env_vars_and_libraries() {
    let ascend = finding_lines(&json_report(&fixture("ddp-amp-package"), "ascend"));
    for expected in [
        "llmtrain/distributed.py:9:26 ascend/backend-nccl auto nccl",
        "llmtrain/distributed.py:11:27 ascend/nccl-debug manual NCCL_DEBUG",
        "llmtrain/distributed.py:12:18 ascend/nccl-socket-ifname manual NCCL_SOCKET_IFNAME",
        "llmtrain/distributed.py:14:5 ascend/torch-cuda-set-device auto",
        "llmtrain/distributed.py:20:22 ascend/device-cuda auto cuda",
        "llmtrain/distributed.py:21:12 ascend/torch-nn-parallel-distributeddataparallel auto",
        "llmtrain/distributed.py:26:27 ascend/cuda-visible-devices manual CUDA_VISIBLE_DEVICES",
        "llmtrain/model.py:7:28 ascend/flash-attn-flash-attn-func manual",
        "llmtrain/model.py:11:32 ascend/apex manual apex.normalization.FusedLayerNorm",
        "llmtrain/model.py:24:46 ascend/tensor-is-cuda auto is_cuda",
        "llmtrain/model.py:25:17 ascend/flash-attn-flash-attn-func manual",
        "llmtrain/model.py:41:2 ascend/torch-compile manual",
        "llmtrain/train.py:2:28 ascend/torch-cuda-amp-gradscaler auto",
        "llmtrain/train.py:17:14 ascend/torch-cuda-amp-autocast auto",
        "llmtrain/utils/memory.py:5:5 ascend/torch-cuda-nvtx manual",
    ] {
        assert!(has(&ascend, expected), "missing {expected} in {ascend:#?}");
    }
    // `flash_attn_func = None` rebinds the name after a failed import; it is no usage.
    assert!(!has(&ascend, "llmtrain/model.py:9:"));
    // Gitignored files are not scanned.
    assert!(!ascend
        .iter()
        .any(|l| l.contains("outputs/") || l.contains("scratch")));
}

#[test]
fn syntax_errors_are_scanned_as_far_as_they_parse() {
    let report = json_report(&fixture("inference-service"), "ascend");
    assert_eq!(report["summary"]["files_with_syntax_errors"], 1);
    let lines = finding_lines(&report);
    assert!(
        has(
            &lines,
            "service/legacy.py:7:1 ascend/torch-cuda-synchronize auto"
        ),
        "{lines:#?}"
    );
    assert!(
        has(&lines, "service/monitor.py:1:8 ascend/pynvml unsupported"),
        "{lines:#?}"
    );
    assert!(
        has(&lines, "service/app.py:10:10 ascend/device-cuda auto cuda"),
        "{lines:#?}"
    );
    assert!(
        has(&lines, "service/app.py:18:32 ascend/device-cuda auto cuda"),
        "{lines:#?}"
    );
}
