use super::*;
use migscan_core::UsageKind;

/// `kind name @line:col` for every usage, one per line.
fn usages(source: &str) -> String {
    let extraction = PythonFrontend::new().extract(source).unwrap();
    extraction
        .usages
        .iter()
        .map(|u| u.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

fn names_of(source: &str, kind: UsageKind) -> Vec<String> {
    let extraction = PythonFrontend::new().extract(source).unwrap();
    extraction
        .usages
        .into_iter()
        .filter(|u| u.kind == kind)
        .map(|u| u.name)
        .collect()
}

#[test]
fn module_alias_resolves() {
    let src = "import torch as th\nth.cuda.synchronize()\n";
    assert_eq!(
        usages(src),
        "import torch @1:8\ncall torch.cuda.synchronize @2:1"
    );
}

#[test]
fn submodule_alias_resolves() {
    let src = "import torch.distributed as dist\ndist.init_process_group('nccl')\n";
    assert_eq!(
        usages(src),
        "import torch.distributed @1:8\ncall torch.distributed.init_process_group @2:1\nbackend-string nccl @2:25"
    );
}

#[test]
fn from_imports_and_class_aliases_resolve() {
    let src = "\
from torch import cuda
from torch.cuda.amp import GradScaler, autocast
from torch.nn.parallel import DistributedDataParallel as DDP
cuda.empty_cache()
scaler = GradScaler()
with autocast():
    pass
model = DDP(model)
";
    assert_eq!(
        names_of(src, UsageKind::Call),
        [
            "torch.cuda.empty_cache",
            "torch.cuda.amp.GradScaler",
            "torch.cuda.amp.autocast",
            "torch.nn.parallel.DistributedDataParallel"
        ]
    );
}

#[test]
fn function_local_imports_are_scoped_to_their_function() {
    let src = "\
def setup():
    import torch.distributed as dist
    dist.barrier()

def other(dist):
    dist.barrier()
";
    assert_eq!(
        names_of(src, UsageKind::Call),
        ["torch.distributed.barrier"]
    );
    assert_eq!(names_of(src, UsageKind::Method), ["barrier"]);
}

#[test]
fn module_imports_below_a_function_still_resolve() {
    let src = "def f():\n    return torch.cuda.is_available()\nimport torch\n";
    assert_eq!(names_of(src, UsageKind::Call), ["torch.cuda.is_available"]);
}

#[test]
fn assignment_aliases_resolve() {
    let src = "import torch\namp = torch.cuda.amp\nscaler = amp.GradScaler()\n";
    assert_eq!(
        names_of(src, UsageKind::Call),
        ["torch.cuda.amp.GradScaler"]
    );
}

#[test]
fn methods_and_members_on_unknown_receivers() {
    let src = "x = batch.cuda(non_blocking=True)\nif x.is_cuda:\n    model.to('cuda:1')\n";
    assert_eq!(names_of(src, UsageKind::Method), ["cuda", "to"]);
    assert_eq!(names_of(src, UsageKind::Member), ["is_cuda"]);
    assert_eq!(names_of(src, UsageKind::DeviceString), ["cuda"]);
}

#[test]
fn device_positions() {
    let src = r#"
import torch
dev = torch.device("cuda" if torch.cuda.is_available() else "cpu")
state = torch.load(path, map_location="cuda:0")
with torch.autocast(device_type="cuda", dtype=torch.bfloat16):
    pass
x = torch.zeros(3, device=f"cuda:{rank}")
device = "cuda"
def run(model, device_type="cuda"):
    if x.device.type == "cuda":
        pass
parser.add_argument("--device", default="cuda", help="run on cuda")
"#;
    let devices = names_of(src, UsageKind::DeviceString);
    assert_eq!(
        devices,
        ["cuda", "cpu", "cuda", "cuda", "cuda", "cuda", "cuda", "cuda", "cuda"]
    );
}

#[test]
fn backend_positions() {
    let src = "import torch.distributed as dist\ndist.init_process_group(backend='cpu:gloo,cuda:nccl')\ndist.new_group(ranks, backend=\"nccl\")\ndef setup(backend: str = 'nccl'): pass\n";
    assert_eq!(
        names_of(src, UsageKind::BackendString),
        ["gloo", "nccl", "nccl", "nccl"]
    );
}

#[test]
fn import_fallbacks_do_not_hide_the_import() {
    let src = "try:\n    from flash_attn import flash_attn_func\nexcept ImportError:\n    flash_attn_func = None\ny = flash_attn_func(q, k, v)\n";
    assert_eq!(
        names_of(src, UsageKind::Call),
        ["flash_attn.flash_attn_func"]
    );
}

#[test]
fn environment_variables() {
    let src = r#"
import os
from os import environ
os.environ["CUDA_VISIBLE_DEVICES"] = "0"
a = os.getenv("NCCL_DEBUG")
b = environ.get("LOCAL_RANK", "0")
if "NCCL_SOCKET_IFNAME" in os.environ:
    pass
"#;
    assert_eq!(
        names_of(src, UsageKind::EnvVar),
        [
            "CUDA_VISIBLE_DEVICES",
            "NCCL_DEBUG",
            "LOCAL_RANK",
            "NCCL_SOCKET_IFNAME"
        ]
    );
}

#[test]
fn decorators_and_dtypes() {
    let src = "import torch\n@torch.compile(mode='max-autotune')\ndef f(x):\n    return x.to(torch.float64)\n@torch.jit.script\ndef g(x): return x\n";
    assert_eq!(
        names_of(src, UsageKind::Decorator),
        ["torch.compile", "torch.jit.script"]
    );
    assert_eq!(names_of(src, UsageKind::Attribute), ["torch.float64"]);
}

#[test]
fn comments_docstrings_help_texts_and_named_variables_are_not_usages() {
    let src = r#"
"""Run on cuda with torch.cuda.synchronize() and nccl."""
import argparse
# torch.cuda.synchronize()  model.cuda()
use_cuda = True
cuda_ok = use_cuda and not args.no_cuda
parser.add_argument("--backend-help", help="use nccl and cuda")
print("moving to cuda")
"#;
    let extraction = PythonFrontend::new().extract(src).unwrap();
    // `args.no_cuda` is an attribute read like any other; it only becomes a
    // finding if a rule names the member `no_cuda`, which none does.
    let leaked: Vec<_> = extraction
        .usages
        .iter()
        .filter(|u| u.name.contains("cuda") || u.name.contains("nccl"))
        .map(|u| (u.kind, u.name.as_str()))
        .collect();
    assert_eq!(leaked, [(UsageKind::Member, "no_cuda")]);
}

#[test]
fn f_string_interpolations_are_code() {
    let src = "import torch\nprint(f\"{torch.cuda.device_count()} devices\")\n";
    assert_eq!(names_of(src, UsageKind::Call), ["torch.cuda.device_count"]);
}

#[test]
fn broken_code_is_scanned_as_far_as_it_parses() {
    let src = "import torch\ndef broken(:\n    pass\ntorch.cuda.synchronize()\n";
    let extraction = PythonFrontend::new().extract(src).unwrap();
    assert!(extraction.has_syntax_errors);
    assert!(extraction
        .usages
        .iter()
        .any(|u| u.name == "torch.cuda.synchronize"));
}

#[test]
fn deep_nesting_does_not_overflow_the_stack() {
    let depth = 20_000;
    let src = format!(
        "import torch\nx = {}torch.cuda.current_device(){}\n",
        "(".repeat(depth),
        ")".repeat(depth)
    );
    let extraction = PythonFrontend::new().extract(&src).unwrap();
    assert!(extraction
        .usages
        .iter()
        .any(|u| u.name == "torch.cuda.current_device"));
}

#[test]
fn non_ascii_columns_count_characters() {
    let src = "import torch\nnombre_é = torch.cuda.current_device()\n";
    assert_eq!(
        names_of(src, UsageKind::Call),
        ["torch.cuda.current_device"]
    );
    let extraction = PythonFrontend::new().extract(src).unwrap();
    let call = extraction
        .usages
        .iter()
        .find(|u| u.kind == UsageKind::Call)
        .unwrap();
    assert_eq!((call.span.line, call.span.column), (2, 12));
}

const NOTEBOOK: &str = r##"{
 "cells": [
  {
   "cell_type": "markdown",
   "metadata": {},
   "source": [
    "# Fine-tune on CUDA\n",
    "Call `torch.cuda.synchronize()` between steps."
   ]
  },
  {
   "cell_type": "code",
   "execution_count": 1,
   "metadata": {},
   "outputs": [{"name": "stdout", "output_type": "stream", "text": ["torch.cuda.is_available() True\n"]}],
   "source": [
    "import torch\n",
    "!nvidia-smi\n",
    "device = torch.device(\"cuda\")"
   ]
  },
  {
   "cell_type": "code",
   "execution_count": 2,
   "metadata": {},
   "outputs": [],
   "source": "x = torch.randn(4).cuda()\ntorch.cuda.synchronize()\n"
  }
 ],
 "metadata": {},
 "nbformat": 4,
 "nbformat_minor": 5
}
"##;

#[test]
fn notebook_code_cells_map_back_into_the_file() {
    let extraction = PythonFrontend::new().extract_notebook(NOTEBOOK).unwrap();
    let found: Vec<String> = extraction
        .usages
        .iter()
        .map(|u| {
            format!(
                "{} {} @{}:{} cell {}",
                u.kind.as_str(),
                u.name,
                u.span.line,
                u.span.column,
                u.cell.unwrap()
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            "import torch @17:13 cell 2",
            "call torch.device @19:15 cell 2",
            "device-string cuda @19:28 cell 2",
            "call torch.randn @27:19 cell 3",
            "method cuda @27:34 cell 3",
            "call torch.cuda.synchronize @27:42 cell 3",
        ]
    );
    assert!(PythonFrontend::new().extract_notebook("{not json").is_err());
}

#[test]
fn extension_builds_report_nvcc_flags_and_cuda_sources() {
    let src = r#"
from torch.utils.cpp_extension import CUDAExtension, BuildExtension, load
NVCC_FLAGS = ["-O3", "--use_fast_math"]
ext = CUDAExtension("ops", ["csrc/ops.cpp", "csrc/attn.cu"],
    extra_compile_args={"cxx": ["-O3"], "nvcc": ["-gencode=arch=compute_80,code=sm_80", "-U__CUDA_NO_HALF_OPERATORS__"]})
mod = load(name="fused", sources=["fused.cpp", "fused_kernel.cu"])
kernels = glob.glob(os.path.join(csrc, "**", "*.cu"))
"#;
    assert_eq!(
        names_of(src, UsageKind::BuildSetting),
        [
            "-O3",
            "--use_fast_math",
            "cpp-extension:nvcc-args",
            "-gencode",
            "-U__CUDA_NO_HALF_OPERATORS__"
        ]
    );
    assert_eq!(
        names_of(src, UsageKind::Construct),
        [
            "cuda-extension-source",
            "cuda-extension-source",
            "cuda-extension-source"
        ]
    );
}

#[test]
fn nvcc_flag_lists_may_be_concatenated() {
    let src = "from torch.utils.cpp_extension import CUDAExtension\nFLAGS = ['-O3']\nCUDAExtension('x', ['a.cu'], extra_compile_args={'nvcc': FLAGS + ['-gencode=arch=compute_80,code=sm_80']})\n";
    assert_eq!(
        names_of(src, UsageKind::BuildSetting),
        ["cpp-extension:nvcc-args", "-gencode"]
    );
}

#[test]
fn sized_model_ids_are_reported() {
    let src = "import os\nMODEL = os.environ.get('MODEL_NAME', 'Qwen/Qwen2.5-7B-Instruct')\nm = AutoModel.from_pretrained('meta-llama/Llama-2-70b-hf')\nx = load('data/train-3B.json')\n";
    assert_eq!(
        names_of(src, UsageKind::ModelRef),
        ["Qwen/Qwen2.5-7B-Instruct", "meta-llama/Llama-2-70b-hf"]
    );
}

#[test]
fn selected_statements_yield_the_usages_of_the_whole_file_there() {
    let src = "\
import torch
import torch.distributed as dist

class Trainer:
    def setup(self):
        dist.init_process_group('nccl')

    def step(self, x):
        return x * 2

def plain():
    return [1, 2]

def to_gpu(model):
    return model.to(torch.device('cuda:0'))
";
    let mut frontend = PythonFrontend::new();
    let whole = frontend.extract(src).unwrap();
    // Everything but `step` and `plain`.
    let skip = |name: &str| {
        let start = src.find(name).unwrap();
        let line = src[..start].rfind('\n').map_or(0, |i| i + 1);
        let end = src[start..]
            .find("\n\n")
            .map_or(src.len(), |i| start + i + 2);
        line..end
    };
    let (step, plain) = (skip("    def step"), skip("def plain"));
    let ranges = [0..step.start, step.end..plain.start, plain.end..src.len()];
    let part = frontend.extract_ranges(src, &ranges).unwrap();
    let expected: Vec<_> = whole
        .usages
        .iter()
        .filter(|u| ranges.iter().any(|r| r.contains(&u.span.start)))
        .collect();
    assert_eq!(part.usages.iter().collect::<Vec<_>>(), expected);
    assert!(!part.has_syntax_errors);
    assert!(part.usages.len() > 4, "{:?}", part.usages);
}

#[test]
fn a_selection_that_does_not_parse_falls_back_to_the_whole_file() {
    let src = "def f():\n    x = (\n        torch.cuda.synchronize())\n";
    let mut frontend = PythonFrontend::new();
    // Cutting a statement in half would be an outline bug: the whole
    // file is parsed instead.
    let cut = 0..src.find("        torch").unwrap();
    let part = frontend.extract_ranges(src, std::slice::from_ref(&cut));
    let whole = frontend.extract(src).unwrap().usages;
    assert!(!whole.is_empty());
    assert_eq!(part.unwrap().usages, whole);
}

#[test]
fn nvcc_only_flags_count_wherever_they_stand() {
    let src = "def nvcc_args():\n    args = ['-O3', '--use_fast_math']\n    args.append('-gencode=arch=compute_80,code=sm_80')\n    args += ['-arch=sm_90', '-arch=native']\n    help = 'pass --use_fast_math to nvcc'\n    return args\n";
    assert_eq!(
        names_of(src, UsageKind::BuildSetting),
        ["--use_fast_math", "-gencode", "-arch"]
    );
}

#[test]
fn nvidia_programs_in_strings_are_commands() {
    let src = "import shutil, subprocess\nsmi = shutil.which('nvidia-smi')\nout = subprocess.check_output(['nvidia-smi', '--query-gpu=name'])\nwin = r'C:\\\\Program Files\\\\NVIDIA Corporation\\\\NVSMI\\\\nvidia-smi.exe'\nnote = 'run nvidia-smi first'\nargs = {'nvcc': ['-O3']}\nargs['nvcc'].append('-O2')\n";
    assert_eq!(
        names_of(src, UsageKind::Command),
        ["nvidia-smi", "nvidia-smi", "nvidia-smi"]
    );
}
