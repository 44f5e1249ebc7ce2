//! `migscan fix` through the binary: the diff applies with `git apply`,
//! `--apply` leaves Python that compiles and a re-scan with no exact `auto`
//! change left, a second run changes nothing, and text that only looks
//! like CUDA (comments, docstrings, help strings, names) stays byte for byte.

mod common;

use common::{migscan_in, repo, stdout_ok};
use std::path::Path;
use std::process::Command;

const TRAIN: &str = r#""""Train on "cuda" devices (the docstring keeps its words)."""
import argparse
import torch
import torch.cuda as tc


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--device", default="cuda", help="cuda or cpu")
    args = parser.parse_args()
    model = torch.nn.Linear(4, 4).cuda()  # move to cuda
    x = torch.zeros(4, device="cuda:0")
    my_cuda_helper = x.is_cuda
    torch.cuda.synchronize()
    tc.empty_cache()
    torch.distributed.init_process_group(backend="nccl")
    return model(x), my_cuda_helper, args
"#;

fn copy_tree(from: &Path, to: &Path) {
    for entry in walk(from) {
        let relative = entry.strip_prefix(from).unwrap();
        let target = to.join(relative);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(&entry, &target).unwrap();
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files
}

fn git(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs")
}

#[test]
fn the_diff_applies_and_apply_leaves_compiling_python_with_nothing_exact_left() {
    let dir = repo(&[
        ("train.py", TRAIN),
        ("csrc/k.cu", "void f() { cudaDeviceSynchronize(); }\n"),
    ]);
    copy_tree(&common::fixture("ddp-amp-package"), &dir.path().join("pkg"));
    let path = dir.path();
    let out = migscan_in(path, &["fix", ".", "--target", "ascend"]);
    let diff = stdout_ok(&out);
    // The diff ends with its summary, as `#` lines.
    let summary = &diff[diff.find("\n# migscan fix: ").expect("a summary")..];
    assert!(
        summary.lines().skip(1).all(|l| l.starts_with("# ")),
        "{summary}"
    );
    assert!(diff.starts_with("--- a/"), "{diff}");
    assert!(diff.contains("--- a/train.py\n+++ b/train.py\n"), "{diff}");
    // Each exact change (old lines, then new ones, as diff prints a run),
    // and the import once, right after `import torch`.
    for line in [
        " import torch\n-import torch.cuda as tc\n+import torch_npu\n+import torch.npu as tc\n",
        "-    model = torch.nn.Linear(4, 4).cuda()  # move to cuda\n",
        "+    model = torch.nn.Linear(4, 4).npu()  # move to cuda\n",
        "+    x = torch.zeros(4, device=\"npu:0\")\n",
        "+    my_cuda_helper = x.is_npu\n",
        "-    torch.cuda.synchronize()\n",
        "+    torch.npu.synchronize()\n",
        "+    torch.distributed.init_process_group(backend=\"hccl\")\n",
    ] {
        assert!(diff.contains(line), "missing {line:?} in\n{diff}");
    }
    assert_eq!(
        diff.matches("+import torch_npu\n").count(),
        diff.matches("+++ b/").count()
    );
    assert!(!diff.contains("k.cu"), "C++ is not rewritten: {diff}");
    assert!(summary.contains("left for people:"), "{summary}");

    // `git apply` takes it.
    git(path, &["init", "-q"]);
    let patch = path.join("fix.patch");
    std::fs::write(&patch, &diff).unwrap();
    let check = git(path, &["apply", "--check", "fix.patch"]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    std::fs::remove_file(&patch).unwrap();

    // --apply writes the same; the Python compiles.
    let applied = stdout_ok(&migscan_in(
        path,
        &["fix", ".", "--target", "ascend", "--apply"],
    ));
    assert!(applied.contains("written"), "{applied}");
    let train = std::fs::read_to_string(path.join("train.py")).unwrap();
    for unchanged in [
        "\"\"\"Train on \"cuda\" devices (the docstring keeps its words).\"\"\"\n",
        // The default is a device; the help text is prose.
        "parser.add_argument(\"--device\", default=\"npu\", help=\"cuda or cpu\")",
        "# move to cuda\n",
        "my_cuda_helper",
        "tc.empty_cache()",
    ] {
        assert!(train.contains(unchanged), "{unchanged:?} changed:\n{train}");
    }
    for file in walk(path)
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "py"))
    {
        let compiled = Command::new("python3")
            .args(["-m", "py_compile"])
            .arg(file)
            .output()
            .expect("python3 runs");
        assert!(
            compiled.status.success(),
            "{}: {}",
            file.display(),
            String::from_utf8_lossy(&compiled.stderr)
        );
    }
    assert_eq!(
        std::fs::read_to_string(path.join("csrc/k.cu")).unwrap(),
        "void f() { cudaDeviceSynchronize(); }\n"
    );

    // A second run has nothing to change.
    let again = migscan_in(path, &["fix", ".", "--target", "ascend"]);
    assert_eq!(stdout_ok(&again), "");
}

#[test]
fn a_file_that_does_not_parse_is_left_alone_and_hygon_adds_no_import() {
    let broken = "import torch\nx = torch.zeros(1, device=\"cuda\")\ndef f(:\n";
    let dir = repo(&[
        ("broken.py", broken),
        ("train.py", TRAIN),
        ("csrc/k.cu", "void f() { cudaDeviceSynchronize(); }\n"),
    ]);
    let out = migscan_in(dir.path(), &["fix", ".", "--target", "ascend"]);
    let diff = stdout_ok(&out);
    assert!(!diff.contains("--- a/broken.py"), "{diff}");
    assert!(
        diff.contains("\n#   left alone: broken.py: it has syntax errors\n"),
        "{diff}"
    );
    // PyTorch on ROCm keeps the CUDA names: nothing to import.
    let hygon = stdout_ok(&migscan_in(dir.path(), &["fix", ".", "--target", "hygon"]));
    assert!(!hygon.contains("import torch_"), "{hygon}");
    // Only the selected rules edit.
    let selected = stdout_ok(&migscan_in(
        dir.path(),
        &[
            "fix",
            ".",
            "--target",
            "ascend",
            "--select",
            "tensor-cuda-method",
        ],
    ));
    assert!(
        selected.contains("+    model = torch.nn.Linear(4, 4).npu()"),
        "{selected}"
    );
    assert!(!selected.contains("npu:0"), "{selected}");
}

#[test]
fn hygon_hipifies_standalone_cuda_and_leaves_extension_sources_to_the_build() {
    let standalone = "#include <cuda_runtime.h>\n#include <cstdio>\n#include <thrust/sort.h>\n#include <thrust/system/cuda/execution_policy.h>\n#include <cub/cub.cuh>\nint main() {\n  float* p;\n  cudaMalloc(&p, 4);\n  cudaDeviceSynchronize();\n  printf(\"cudaMalloc done\\n\");\n  thrust::sort(thrust::cuda::par.on(0), p, p + 1);\n  typedef cub::BlockReduce<float, 128> Reduce;\n  cudaFree(p);\n  return 0;\n}\n";
    let extension = "#include <cuda_runtime.h>\nvoid run(float* p) { cudaMemset(p, 0, 4); }\n";
    let setup = "from setuptools import setup\nfrom torch.utils.cpp_extension import BuildExtension, CUDAExtension\nsetup(name=\"ops\", ext_modules=[CUDAExtension(\"ops\", [\"ops/ext.cu\"])], cmdclass={\"build_ext\": BuildExtension})\n";
    let dir = repo(&[
        (
            "tools/Makefile",
            "probe: probe.cu\n\tnvcc -o probe probe.cu -lcudart -lcublas\n",
        ),
        ("tools/probe.cu", standalone),
        ("setup.py", setup),
        ("ops/ext.cu", extension),
    ]);
    let diff = stdout_ok(&migscan_in(dir.path(), &["fix", ".", "--target", "hygon"]));
    assert!(diff.contains("--- a/tools/probe.cu"), "{diff}");
    for line in [
        "-#include <cuda_runtime.h>\n+#include <hip/hip_runtime.h>\n",
        "-  cudaMalloc(&p, 4);\n-  cudaDeviceSynchronize();\n+  hipMalloc(&p, 4);\n+  hipDeviceSynchronize();\n",
        "   printf(\"cudaMalloc done\\n\");\n",
        // rocThrust keeps Thrust's headers and namespace; its policies and
        // the CUDA system's headers are the HIP system's.
        " #include <thrust/sort.h>\n-#include <thrust/system/cuda/execution_policy.h>\n-#include <cub/cub.cuh>\n+#include <thrust/system/hip/execution_policy.h>\n+#include <hipcub/hipcub.hpp>\n",
        "-  thrust::sort(thrust::cuda::par.on(0), p, p + 1);\n-  typedef cub::BlockReduce<float, 128> Reduce;\n-  cudaFree(p);\n+  thrust::sort(thrust::hip::par.on(0), p, p + 1);\n+  typedef hipcub::BlockReduce<float, 128> Reduce;\n+  hipFree(p);\n",
        // Link flags in the Makefile.
        "-\tnvcc -o probe probe.cu -lcudart -lcublas\n+\tnvcc -o probe probe.cu -lamdhip64 -lhipblas\n",
    ] {
        assert!(diff.contains(line), "missing {line:?} in\n{diff}");
    }
    // PyTorch's extension builder hipifies its sources on ROCm.
    assert!(!diff.contains("ops/ext.cu"), "{diff}");
    stdout_ok(&migscan_in(
        dir.path(),
        &["fix", ".", "--target", "hygon", "--apply"],
    ));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("ops/ext.cu")).unwrap(),
        extension
    );
    let again = stdout_ok(&migscan_in(dir.path(), &["fix", ".", "--target", "hygon"]));
    assert_eq!(again, "");
}

#[test]
fn a_notebook_is_edited_inside_its_cells_and_keeps_its_json_layout() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&common::fixture("notebook-demo"), dir.path());
    let notebooks: Vec<_> = walk(dir.path())
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "ipynb"))
        .collect();
    let before: Vec<String> = notebooks
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    let diff = stdout_ok(&migscan_in(dir.path(), &["fix", ".", "--target", "ascend"]));
    assert!(diff.contains(".ipynb\n"), "{diff}");
    assert!(diff.contains("+    \"import torch_npu\\n\",\n"), "{diff}");
    stdout_ok(&migscan_in(
        dir.path(),
        &["fix", ".", "--target", "ascend", "--apply"],
    ));
    for (path, before) in notebooks.iter().zip(&before) {
        let after = std::fs::read_to_string(path).unwrap();
        serde_json::from_str::<serde_json::Value>(&after).expect("still a notebook");
        // Every line is the same, or an edited cell line, or the import.
        let (old, new): (Vec<&str>, Vec<&str>) =
            (before.lines().collect(), after.lines().collect());
        assert!(new.len() <= old.len() + 1);
        let kept = old.iter().filter(|line| new.contains(line)).count();
        let edited = diff.lines().filter(|l| l.starts_with("-    ")).count();
        assert!(kept + edited >= old.len(), "{}", path.display());
    }
    assert_eq!(
        stdout_ok(&migscan_in(dir.path(), &["fix", ".", "--target", "ascend"])),
        ""
    );
}

#[test]
fn scripts_get_renamed_variables_and_keep_their_mode() {
    use std::os::unix::fs::PermissionsExt;
    let script = "#!/bin/bash\nexport CUDA_VISIBLE_DEVICES=0,1\n# CUDA_VISIBLE_DEVICES is set above\ntorchrun train.py\n";
    let dir = repo(&[
        ("run.sh", script),
        ("Dockerfile", "FROM ubuntu\nENV CUDA_VISIBLE_DEVICES=0\n"),
    ]);
    let path = dir.path().join("run.sh");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    let summary = stdout_ok(&migscan_in(
        dir.path(),
        &["fix", ".", "--target", "cambricon", "--apply"],
    ));
    assert!(
        summary.contains("2  cambricon/cuda-visible-devices"),
        "{summary}"
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        script.replacen(
            "export CUDA_VISIBLE_DEVICES",
            "export MLU_VISIBLE_DEVICES",
            1
        )
    );
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o755
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("Dockerfile")).unwrap(),
        "FROM ubuntu\nENV MLU_VISIBLE_DEVICES=0\n"
    );
}

#[test]
fn a_from_import_moves_its_module_or_is_split_when_only_some_names_move() {
    let code = "import torch\nfrom torch.cuda import synchronize, empty_cache as ec\n\n\ndef f():\n    from torch.cuda import nvtx, synchronize as sync2\n    nvtx.range_push(\"x\")\n    sync2()\n\n\nfrom torch.cuda import (\n    nvtx as n2,\n    empty_cache,\n)\nsynchronize()\nec()\n";
    let dir = repo(&[("t.py", code)]);
    let diff = stdout_ok(&migscan_in(dir.path(), &["fix", ".", "--target", "ascend"]));
    assert!(
        diff.contains(" import torch\n-from torch.cuda import synchronize, empty_cache as ec\n+import torch_npu\n+from torch.npu import synchronize, empty_cache as ec\n"),
        "{diff}"
    );
    // nvtx needs a hand-made change on Ascend: it keeps its module, the
    // name that moves gets a statement of its own, indented like the old.
    assert!(
        diff.contains("-    from torch.cuda import nvtx, synchronize as sync2\n+    from torch.cuda import nvtx\n+    from torch.npu import synchronize as sync2\n"),
        "{diff}"
    );
    // The calls through moved names follow their import; the name in the
    // parenthesized list is left and counted.
    assert!(
        diff.contains("#   follow a rewritten import or name: 3 auto findings\n#   not edited: 1 auto findings (named through an alias or a from-import)\n"),
        "{diff}"
    );
    stdout_ok(&migscan_in(
        dir.path(),
        &["fix", ".", "--target", "ascend", "--apply"],
    ));
    let fixed = std::fs::read_to_string(dir.path().join("t.py")).unwrap();
    assert!(
        fixed.contains("import torch\nimport torch_npu\n"),
        "{fixed}"
    );
    // A parenthesized list is not split: it stays as written.
    assert!(
        fixed.contains("from torch.cuda import (\n    nvtx as n2,\n    empty_cache,\n)\n"),
        "{fixed}"
    );
    assert_eq!(
        stdout_ok(&migscan_in(dir.path(), &["fix", ".", "--target", "ascend"])),
        ""
    );
}

#[test]
fn an_aliased_import_moves_only_when_every_use_through_the_alias_moves() {
    let moving = "import torch\nimport torch.cuda as tc\n\ntc.synchronize()\ntc.empty_cache()\nif hasattr(torch.cuda, \"memory_stats\"):\n    pass\n";
    let staying =
        "import torch\nimport torch.cuda as tc\n\ntc.synchronize()\ntc.nvtx.range_push(\"x\")\n";
    let dir = repo(&[("moving.py", moving), ("staying.py", staying)]);
    let out = migscan_in(dir.path(), &["fix", ".", "--target", "ascend"]);
    let diff = stdout_ok(&out);
    assert!(
        diff.contains("-import torch.cuda as tc\n+import torch_npu\n+import torch.npu as tc\n"),
        "{diff}"
    );
    // The attribute a string names follows its object's edit.
    assert!(
        diff.contains("+if hasattr(torch.npu, \"memory_stats\"):\n"),
        "{diff}"
    );
    assert!(!diff.contains("staying.py"), "{diff}");
    assert!(
        diff.contains("#   follow a rewritten import or name: 3 auto findings\n"),
        "{diff}"
    );
    assert!(
        diff.contains(
            "not edited: 1 auto findings (an aliased import with a use that needs a person)"
        ),
        "{diff}"
    );
}
