//! Each shipped fixture repository, scanned for every target through the
//! binary: the findings are snapshots (`tests/snapshots/`), and the points
//! that matter most are asserted outright.

mod common;

use common::{finding_lines, fixture, json_report, FIXTURES};

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
    assert_eq!(
        lines.iter().filter(|l| l.contains(".py:")).count(),
        13,
        "{lines:#?}"
    );
    // The CUDA wheels pinned in requirements.txt.
    assert!(has(
        &lines,
        "requirements.txt:1:14 ascend/cuda-local-version manual"
    ));
    assert!(has(
        &lines,
        "requirements.txt:2:21 ascend/cuda-local-version manual"
    ));
}

#[test]
fn hygon_keeps_the_cuda_api_and_never_suggests_another_vendor() {
    for name in FIXTURES {
        let python = ["single-gpu-train", "ddp-amp-package", "inference-service"].contains(name);
        let report = json_report(&fixture(name), "dcu");
        for finding in report["findings"].as_array().unwrap() {
            let rule = finding["rule_id"].as_str().unwrap();
            assert!(
                rule != "hygon/device-cuda" && rule != "hygon/backend-nccl",
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
            !python
                || report["plans"][0]["readiness"]["sites_by_status"]["supported"]
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

fn finding<'r>(
    report: &'r serde_json::Value,
    path: &str,
    line: u64,
    rule: &str,
) -> &'r serde_json::Value {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == path && f["line"] == line && f["rule_id"] == rule)
        .unwrap_or_else(|| panic!("no {rule} at {path}:{line} in {:#?}", finding_lines(report)))
}

#[test]
fn cuda_extension_kernels_launches_warp_code_and_libraries() {
    let ascend = json_report(&fixture("cuda-extension"), "ascend");
    let kernel = finding(
        &ascend,
        "csrc/fused_softmax.cu",
        18,
        "ascend/kernel-definition",
    );
    assert_eq!(
        (
            kernel["api"].as_str(),
            kernel["lines"].as_u64(),
            kernel["status"].as_str()
        ),
        (Some("softmax_kernel"), Some(13), Some("manual"))
    );
    let lines = finding_lines(&ascend);
    for expected in [
        "csrc/fused_softmax.cu:6:18 ascend/shfl-xor-sync manual __shfl_xor_sync",
        "csrc/fused_softmax.cu:6:34 ascend/full-warp-mask manual",
        "csrc/fused_softmax.cu:20:28 ascend/hardcoded-warp-size manual",
        "csrc/fused_softmax.cu:35:17 ascend/kernel-launch manual softmax_kernel",
        "csrc/gemm.cu:2:10 ascend/wmma-header unsupported mma.h",
        "csrc/gemm.cu:8:17 ascend/kernel-definition manual wmma_gemm",
        "csrc/gemm.cu:9:3 ascend/wmma-wmma unsupported wmma::fragment",
        "csrc/gemm.cu:20:3 ascend/inline-asm unsupported",
        "csrc/gemm.cu:20:3 ascend/ptx-mma unsupported",
        "csrc/gemm.cu:30:3 ascend/cublas manual cublasHgemm",
        "csrc/gemm.cu:33:3 ascend/cuda-memcpy-async manual cudaMemcpyAsync",
        "csrc/bindings.cpp:7:17 ascend/is-cuda-method manual is_cuda",
        "csrc/bindings.cpp:8:9 ascend/pytorch-optional-cudaguard manual at::cuda::OptionalCUDAGuard",
        "csrc/nccl_allreduce.cpp:10:14 ascend/nccl-all-reduce manual ncclAllReduce",
        "CMakeLists.txt:3:31 ascend/build-cmake-language-cuda manual",
        "CMakeLists.txt:11:46 ascend/build-cuda manual CUDA::cudart",
        "setup.py:13:35 ascend/cuda-extension-source manual",
        "setup.py:17:39 ascend/build-gencode manual -gencode",
    ] {
        assert!(has(&lines, expected), "missing {expected} in {lines:#?}");
    }
    // Comments in headers are not usages.
    assert!(!has(&lines, "include/fastops.h:5:"));
    let replacement = &finding(
        &ascend,
        "csrc/nccl_allreduce.cpp",
        10,
        "ascend/nccl-all-reduce",
    )["replacement"];
    assert_eq!(replacement, "HcclAllReduce");
    assert_eq!(
        finding(
            &ascend,
            "csrc/nccl_allreduce.cpp",
            10,
            "ascend/nccl-all-reduce"
        )["step"],
        3
    );

    let hygon = json_report(&fixture("cuda-extension"), "hygon");
    // setup.py builds csrc/ as a CUDAExtension: PyTorch for ROCm hipifies it
    // at build time, so what hipify renames is no finding there...
    let auto_in_csrc: Vec<String> = finding_lines(&hygon)
        .into_iter()
        .filter(|f| f.starts_with("csrc/") && f.contains(" auto "))
        .collect();
    assert_eq!(auto_in_csrc, Vec::<String>::new());
    // ...while the same sources scanned without their build need hipify.
    let standalone = json_report(&fixture("cuda-extension").join("csrc"), "hygon");
    // A kernel's definition compiles unchanged with hipcc: not a line to edit.
    let standalone_lines = finding_lines(&standalone);
    assert!(
        !standalone_lines
            .iter()
            .any(|l| l.starts_with("fused_softmax.cu:18:")),
        "{standalone_lines:#?}"
    );
    assert!(has(
        &standalone_lines,
        "fused_softmax.cu:20:28 hygon/hardcoded-warp-size manual"
    ));
    assert_eq!(
        finding(&standalone, "gemm.cu", 33, "hygon/cuda-memcpy-async")["replacement"],
        "hipMemcpyAsync"
    );
    assert_eq!(
        finding(&standalone, "gemm.cu", 30, "hygon/cublas-hgemm")["replacement"],
        "hipblasHgemm"
    );
    assert_eq!(
        finding(&hygon, "csrc/fused_softmax.cu", 6, "hygon/shfl-xor-sync")["status"],
        "manual"
    );
    assert_eq!(
        finding(&hygon, "csrc/gemm.cu", 20, "hygon/inline-asm")["status"],
        "unsupported"
    );

    // Every target but hygon (whose build hipifies the kernels) carries the
    // kernel porting effort in step 1, and the HIP-compatible target is far
    // cheaper for this kernel-heavy package.
    let total = |target: &str| {
        let report = json_report(&fixture("cuda-extension"), target);
        let step1 = &report["plans"][0]["steps"][0];
        assert!(
            target == "hygon"
                || step1["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|i| i["rule_id"]
                        .as_str()
                        .unwrap()
                        .ends_with("/kernel-definition")),
            "{target}"
        );
        report["plans"][0]["expected_hours"].as_f64().unwrap()
    };
    let hygon_total = total("hygon");
    for target in ["ascend", "cambricon", "enflame"] {
        assert!(
            total(target) > 1.5 * hygon_total,
            "{target} vs hygon {hygon_total}"
        );
    }
}

#[test]
fn ops_files_report_images_resources_scripts_and_pins_but_not_comments() {
    let ascend = json_report(&fixture("ops-cluster"), "ascend");
    let lines = finding_lines(&ascend);
    for expected in [
        "Dockerfile:2:6 ascend/image-nvcr-io-nvidia manual nvcr.io/nvidia/pytorch:24.01-py3",
        "Dockerfile:4:5 ascend/torch-cuda-arch-list manual TORCH_CUDA_ARCH_LIST",
        "Dockerfile:10:23 ascend/cuda-wheel-index manual",
        "Dockerfile:12:5 ascend/command-nvcc manual nvcc",
        "k8s/train-job.yaml:8:25 ascend/resource-runtime-class-name-nvidia manual",
        "k8s/train-job.yaml:22:15 ascend/resource-nvidia-com-gpu manual nvidia.com/gpu",
        "slurm/train.slurm:4:9 ascend/resource-slurm-gres-gpu manual",
        "slurm/train.slurm:9:8 ascend/cuda-visible-devices manual CUDA_VISIBLE_DEVICES",
        "scripts/launch.sh:4:1 ascend/command-nvidia-smi manual nvidia-smi",
        "requirements.txt:1:14 ascend/cuda-local-version manual",
        "requirements.txt:2:1 ascend/package-flash-attn unsupported flash-attn",
        "environment.yml:8:5 ascend/package-pytorch-cuda manual pytorch-cuda",
    ] {
        assert!(has(&lines, expected), "missing {expected} in {lines:#?}");
    }
    // Commented-out directives: the Dockerfile note on nvidia-smi, the
    // disabled #SBATCH line, the MIG resource in the job.
    for absent in [
        "Dockerfile:11:",
        "slurm/train.slurm:6:",
        "k8s/train-job.yaml:23:",
        "scripts/launch.sh:2:",
    ] {
        assert!(!has(&lines, absent), "{absent} reported: {lines:#?}");
    }
    let hygon = json_report(&fixture("ops-cluster"), "hygon");
    let gpu = finding(
        &hygon,
        "k8s/train-job.yaml",
        22,
        "hygon/resource-nvidia-com-gpu",
    );
    assert_eq!(
        gpu["replacement"],
        "hygon.com/dcu (or hygon.com/dcunum with HAMi)"
    );
    assert_eq!(gpu["step"], 4);
}

#[test]
fn notebook_findings_point_into_the_ipynb_and_name_the_cell() {
    let report = json_report(&fixture("notebook-demo"), "ascend");
    let device = finding(&report, "finetune.ipynb", 20, "ascend/device-cuda");
    assert_eq!(
        (device["column"].as_u64(), device["cell"].as_u64()),
        (Some(15), Some(2))
    );
    let cuda = finding(&report, "finetune.ipynb", 37, "ascend/tensor-cuda-method");
    assert_eq!(cuda["cell"], 3);
    // The markdown cell (lines 4-8) mentions torch.cuda.is_available() and
    // model.cuda(); outputs mention torch.cuda.memory_allocated().
    let lines = finding_lines(&report);
    assert!(
        lines
            .iter()
            .all(|l| !l.starts_with("finetune.ipynb:7:") && !l.starts_with("finetune.ipynb:33:")),
        "{lines:#?}"
    );
    assert_eq!(lines.len(), 6, "{lines:#?}");
}

#[test]
fn rust_crates_report_devices_driver_bindings_and_cuda_builds() {
    let report = json_report(&fixture("rust-infer"), "ascend");
    let lines = finding_lines(&report);
    for expected in [
        "src/main.rs:2:5 ascend/rust-cudarc unsupported cudarc::driver::CudaDevice",
        "src/main.rs:6:8 ascend/rust-cuda-is-available unsupported tch::Cuda::is_available",
        "src/main.rs:7:9 ascend/rust-device-cuda unsupported tch::Device::Cuda",
        "src/main.rs:14:15 ascend/rust-device-new-cuda unsupported Device::new_cuda",
        "src/main.rs:16:15 ascend/rust-cuda-device-new unsupported CudaDevice::new",
        "build.rs:4:46 ascend/command-nvcc manual nvcc",
        "build.rs:7:14 ascend/cc-build-cuda unsupported",
        "Cargo.toml:8:47 ascend/cargo-feature-cuda unsupported",
        "Cargo.toml:9:1 ascend/package-cudarc unsupported cudarc",
        "kernels/scale.cu:1:28 ascend/kernel-definition manual scale",
    ] {
        assert!(has(&lines, expected), "missing {expected} in {lines:#?}");
    }
    assert!(
        !has(&lines, "src/main.rs:5:"),
        "comment reported: {lines:#?}"
    );
}
