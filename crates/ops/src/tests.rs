use super::*;

fn usages(kind: OpsFile, source: &str) -> Vec<String> {
    kind.extract(source)
        .unwrap()
        .usages
        .into_iter()
        .map(|u| u.to_string())
        .collect()
}

#[test]
fn requirements_packages_pins_and_indexes() {
    let src = "# CUDA 12.1 wheels\n--extra-index-url https://download.pytorch.org/whl/cu121\ntorch==2.4.0+cu121\nflash_attn>=2.5 ; platform_system == 'Linux'\ncupy-cuda12x  # GPU arrays\nnvidia-cudnn-cu12==9.1.0.70\n";
    assert_eq!(
        usages(OpsFile::Requirements, src),
        [
            "construct cuda-wheel-index @2:19",
            "package torch @3:1",
            "construct cuda-local-version @3:14",
            "package flash-attn @4:1",
            "package cupy-cuda12x @5:1",
            "package nvidia-cudnn-cu12 @6:1",
        ]
    );
}

#[test]
fn pyproject_and_poetry_dependencies() {
    let src = "[project]\nname = \"x\"\ndependencies = [\"torch>=2.3\", \"flash-attn>=2.5\"]\n[project.optional-dependencies]\ngpu = [\"cupy-cuda12x\"]\n[tool.poetry.dependencies]\npython = \"^3.10\"\nbitsandbytes = \"^0.43\"\n";
    assert_eq!(
        usages(OpsFile::PyProject, src),
        [
            "package torch @3:18",
            "package flash-attn @3:32",
            "package cupy-cuda12x @5:9",
            "package bitsandbytes @8:1",
        ]
    );
    assert!(OpsFile::PyProject.extract("[project\n").is_err());
}

#[test]
fn conda_dependencies_and_pip_items() {
    let src = "name: train\nchannels:\n  - nvidia\ndependencies:\n  - python=3.10\n  - pytorch-cuda=12.1  # from the nvidia channel\n  - pip:\n      - xformers==0.0.26\n";
    assert_eq!(
        usages(OpsFile::Conda, src),
        [
            "package python @5:5",
            "package pytorch-cuda @6:5",
            "package xformers @8:9"
        ]
    );
}

#[test]
fn cmake_cuda_language_packages_variables_and_flags() {
    let src = "# project(x LANGUAGES CUDA) in a comment\nproject(ops LANGUAGES CXX CUDA)\nfind_package(CUDAToolkit REQUIRED)\nset(CMAKE_CUDA_ARCHITECTURES 80 90)\nset(CMAKE_CUDA_FLAGS \"${CMAKE_CUDA_FLAGS} --expt-relaxed-constexpr -gencode arch=compute_80,code=sm_80\")\ntarget_link_libraries(ops PRIVATE CUDA::cublas CUDA::cudart)\ncuda_add_library(legacy k.cu)\n";
    assert_eq!(
        usages(OpsFile::CMake, src),
        [
            "build-setting cmake:language=CUDA @2:27",
            "build-setting cmake:find_package=CUDAToolkit @3:14",
            "build-setting CMAKE_CUDA_ARCHITECTURES @4:5",
            "build-setting CMAKE_CUDA_FLAGS @5:5",
            "build-setting CMAKE_CUDA_FLAGS @5:25",
            "build-setting --expt-relaxed-constexpr @5:43",
            "build-setting -gencode @5:68",
            "build-setting CUDA::cublas @6:35",
            "build-setting CUDA::cudart @6:48",
            "build-setting cmake:cuda_add_library @7:1",
        ]
    );
}

#[test]
fn dockerfile_images_variables_and_commands() {
    let src = "# FROM nvidia/cuda:11.8 (old)\nFROM --platform=linux/amd64 nvidia/cuda:12.1.0-devel-ubuntu22.04 AS build\nENV TORCH_CUDA_ARCH_LIST=\"8.0 9.0\" CUDA_HOME=/usr/local/cuda\nARG NCCL_VERSION\nRUN pip install torch --index-url https://download.pytorch.org/whl/cu121 && \\\n    nvidia-smi\n";
    assert_eq!(
        usages(OpsFile::Dockerfile, src),
        [
            "image nvidia/cuda:12.1.0-devel-ubuntu22.04 @2:29",
            "env-var TORCH_CUDA_ARCH_LIST @3:5",
            "env-var CUDA_HOME @3:36",
            "env-var NCCL_VERSION @4:5",
            "command pip @5:5",
            "package torch @5:17",
            "construct cuda-wheel-index @5:35",
            "command nvidia-smi @6:5",
        ]
    );
}

#[test]
fn shell_and_slurm_scripts() {
    let src = "#!/bin/bash\n#SBATCH --gres=gpu:8\n#SBATCH --gpus-per-node 8\n# nvidia-smi is only mentioned here\nexport CUDA_VISIBLE_DEVICES=0,1 NCCL_DEBUG=INFO\nNCCL_IB_DISABLE=1 torchrun --nproc_per_node=8 train.py\nnvidia-smi --query-gpu=memory.used --format=csv | tail -n 1\nsrun --gres=gpu:4 python eval.py \"$CUDA_HOME\"\n";
    assert_eq!(
        usages(OpsFile::Shell, src),
        [
            "resource slurm:gres=gpu @2:9",
            "resource slurm:gpus @3:9",
            "env-var CUDA_VISIBLE_DEVICES @5:8",
            "env-var NCCL_DEBUG @5:33",
            "env-var NCCL_IB_DISABLE @6:1",
            "command torchrun @6:19",
            "command nvidia-smi @7:1",
            "command tail @7:51",
            "command srun @8:1",
            "resource slurm:gres=gpu @8:6",
            "env-var CUDA_HOME @8:36",
        ]
    );
}

#[test]
fn kubernetes_resources_selectors_images_and_env() {
    let src = "apiVersion: batch/v1\nkind: Job\nspec:\n  template:\n    spec:\n      runtimeClassName: nvidia\n      nodeSelector:\n        nvidia.com/gpu.present: \"true\"\n      containers:\n        - name: train\n          image: nvcr.io/nvidia/pytorch:24.01-py3\n          command: [\"python\", \"train.py\"]\n          env:\n            - name: NCCL_DEBUG\n              value: INFO\n          resources:\n            limits:\n              nvidia.com/gpu: 8  # one node\n              # nvidia.com/mig-1g.5gb: 1\n";
    assert_eq!(
        usages(OpsFile::Yaml, src),
        [
            "resource runtimeClassName:nvidia @6:25",
            "resource nvidia.com/gpu.present @8:9",
            "image nvcr.io/nvidia/pytorch:24.01-py3 @11:18",
            "env-var NCCL_DEBUG @14:21",
            "resource nvidia.com/gpu @18:15",
        ]
    );
}

#[test]
fn makefile_variables_recipes_flags_and_libraries() {
    let src = "# build with nvcc -lcudart (only a comment)\nCUDA_HOME ?= /usr/local/cuda\nNVCC := $(CUDA_HOME)/bin/nvcc\nNVCC_FLAGS = -O3 --use_fast_math -gencode arch=compute_80,code=sm_80\nLDLIBS += -lcudart -lcublas -lm\n\ntrain: train.cu\n\t$(NVCC) $(NVCC_FLAGS) -arch=sm_90 $< $(LDLIBS) -lnccl -o $@\n\t@nvidia-smi\n";
    assert_eq!(
        usages(OpsFile::Makefile, src),
        // NVCC, NVCC_FLAGS and LDLIBS are the Makefile's own variables;
        // CUDA_HOME (`?=`) comes from the environment.
        [
            "env-var CUDA_HOME @2:1",
            "env-var CUDA_HOME @3:11",
            "command nvcc @3:26",
            "build-setting --use_fast_math @4:18",
            "build-setting -gencode @4:34",
            "build-setting -lcudart @5:11",
            "build-setting -lcublas @5:20",
            "construct nvcc-recipe @8:2",
            "build-setting -arch @8:24",
            "build-setting -lnccl @8:49",
            "command nvidia-smi @9:3",
        ]
    );
}

#[test]
fn compose_gpu_runtime_and_device_reservations() {
    let src = "services:\n  train:\n    runtime: nvidia\n    deploy:\n      resources:\n        reservations:\n          devices:\n            - driver: nvidia\n              count: all\n              capabilities: [gpu, utility]\n    environment:\n      - NVIDIA_VISIBLE_DEVICES=all\n";
    assert_eq!(
        usages(OpsFile::Yaml, src),
        [
            "resource compose:runtime=nvidia @3:14",
            "resource compose:driver=nvidia @8:23",
            "resource compose:capabilities=gpu @10:29",
            "env-var NVIDIA_VISIBLE_DEVICES @12:9",
        ]
    );
    let block = "services:\n  app:\n    deploy:\n      resources:\n        reservations:\n          devices:\n            - capabilities:\n              - gpu\n    environment:\n      - \"NVIDIA_DRIVER_CAPABILITIES=compute,utility\"\n      - DISPLAY=$DISPLAY\n";
    assert_eq!(
        usages(OpsFile::Yaml, block),
        [
            "resource compose:capabilities=gpu @8:17",
            "env-var NVIDIA_DRIVER_CAPABILITIES @10:10",
        ]
    );
}

#[test]
fn shell_installs_make_variables_and_modules() {
    let src = "python -m pip install -r req.txt bitsandbytes \"vllm==0.8\" ./local\nuv pip install flash-attn --no-build-isolation\nconda install -c nvidia cudatoolkit=11.8 && make all USE_CUDNN=1 -j8\nmodule load gcc/12 cuda/12.4\npip download xformers\n";
    assert_eq!(
        usages(OpsFile::Shell, src),
        [
            "command python @1:1",
            "package bitsandbytes @1:34",
            "package vllm @1:48",
            "command uv @2:1",
            "package flash-attn @2:16",
            "command conda @3:1",
            "package cudatoolkit @3:25",
            "command make @3:45",
            "env-var USE_CUDNN @3:54",
            "command module @4:1",
            "construct env-module:gcc @4:13",
            "construct env-module:cuda @4:20",
            "command pip @5:1",
        ]
    );
}

#[test]
fn index_urls_inside_yaml_values_and_image_arguments() {
    let yaml = "services:\n  app:\n    build:\n      args:\n        EXTRA_INDEX_URL: ${INDEX_URL:-https://pypi.ngc.nvidia.com}\n        TORCH_URL: https://download.pytorch.org/whl/cu124\n";
    assert_eq!(
        usages(OpsFile::Yaml, yaml),
        [
            "env-var EXTRA_INDEX_URL @5:9",
            "construct nvidia-package-index @5:39",
            "env-var TORCH_URL @6:9",
            "construct cuda-wheel-index @6:20",
        ]
    );
    let docker = "ARG BUILD_IMAGE=nvidia/cuda:${CUDA_VERSION}-devel CUDA_HOME=/usr/local/cuda\nFROM ${BUILD_IMAGE}\n";
    assert_eq!(
        usages(OpsFile::Dockerfile, docker),
        [
            "env-var BUILD_IMAGE @1:5",
            "image nvidia/cuda:${CUDA_VERSION}-devel @1:17",
            "env-var CUDA_HOME @1:51",
            "image ${BUILD_IMAGE} @2:6",
        ]
    );
}

#[test]
fn commands_in_substitutions_run() {
    let src = "NUM_GPUS=$(nvidia-smi -L | wc -l)\nV=`nvcc --version`\necho $(nvidia-smi)\n";
    assert_eq!(
        usages(OpsFile::Shell, src),
        [
            "env-var NUM_GPUS @1:1",
            "command nvidia-smi @1:12",
            "command wc @1:28",
            "env-var V @2:1",
            "command nvcc @2:4",
            "command echo @3:1",
            "command nvidia-smi @3:8",
        ]
    );
}
