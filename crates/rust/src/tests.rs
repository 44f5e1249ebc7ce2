use super::*;

fn render(extraction: Extraction) -> Vec<String> {
    extraction
        .usages
        .into_iter()
        .map(|u| u.to_string())
        .collect()
}

#[test]
fn tch_candle_and_cudarc_usages() {
    let src = r#"use candle_core::{Device, Tensor};
use cudarc::driver::CudaDevice;
fn main() -> anyhow::Result<()> {
    // Device::Cuda(0) in a comment is not a usage
    let device = if tch::Cuda::is_available() { tch::Device::Cuda(0) } else { tch::Device::Cpu };
    let gpu = Device::new_cuda(0)?;
    let dev = CudaDevice::new(0)?;
    let x = Tensor::zeros((2, 2), candle_core::DType::F32, &gpu)?.to_device(&gpu)?;
    Ok(())
}
"#;
    let found = render(extract(src).unwrap());
    for expected in [
        "symbol cudarc::driver::CudaDevice @2:5",
        "symbol tch::Cuda::is_available @5:21",
        "symbol tch::Device::Cuda @5:49",
        "symbol Device::new_cuda @6:15",
        "symbol CudaDevice::new @7:15",
        "method to_device @8:67",
    ] {
        assert!(
            found.contains(&expected.to_string()),
            "{expected} missing from {found:#?}"
        );
    }
    assert!(!found.iter().any(|u| u.contains("@4:")), "{found:#?}");
}

#[test]
fn build_scripts_that_compile_cuda() {
    let src = r#"fn main() {
    cc::Build::new().cuda(true).flag("-gencode=arch=compute_80,code=sm_80").file("kernels/add.cu").compile("add");
    let status = std::process::Command::new("nvcc").arg("--version").status().unwrap();
}
"#;
    let found = render(extract(src).unwrap());
    assert!(
        found.contains(&"build-setting cc::Build::cuda @2:22".to_string()),
        "{found:#?}"
    );
    assert!(
        found.contains(&"command nvcc @3:45".to_string()),
        "{found:#?}"
    );
    assert!(extract("fn main() { (").is_err());
}

#[test]
fn manifests_list_dependencies_and_cuda_features() {
    let src = r#"[package]
name = "infer"

[dependencies]
candle-core = { version = "0.8", features = ["cuda", "cudnn"] }
cudarc = "0.12"
tch = { version = "0.17", features = [
    "download-libtorch",
] }

[features]
default = []
cuda = ["candle-core/cuda", "candle-nn/cuda"]
"#;
    assert_eq!(
        render(extract_manifest(src).unwrap()),
        [
            "package candle-core @5:1",
            "build-setting cargo-feature:cuda @5:47",
            "build-setting cargo-feature:cudnn @5:55",
            "package cudarc @6:1",
            "package tch @7:1",
            "build-setting cargo-feature:download-libtorch @8:6",
            "build-setting cargo-feature:cuda @13:22",
            "build-setting cargo-feature:cuda @13:40",
        ]
    );
}
