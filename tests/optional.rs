//! Optional integrations through the binary: findings behind an
//! availability check or a guarded import are marked optional and priced
//! apart from the required total.

mod common;

use common::{json_report, repo};

const ATTENTION_PY: &str = r#"import torch
from .utils import is_flash_attn_2_available

if is_flash_attn_2_available():
    from flash_attn import flash_attn_func

try:
    import apex
    fused = apex.normalization.FusedLayerNorm
except ImportError:
    fused = None

def attention(q, k, v):
    if is_flash_attn_2_available():
        return flash_attn_func(q, k, v)
    torch.cuda.synchronize()
    return torch.softmax(q @ k.T, -1) @ v
"#;

fn findings(report: &serde_json::Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {} optional={}",
                f["line"],
                f["rule_id"].as_str().unwrap(),
                f["optional"]
            )
        })
        .collect()
}

#[test]
fn optional_integrations_are_marked_and_priced_apart() {
    let dir = repo(&[("pkg/attention.py", ATTENTION_PY), ("pkg/utils.py", "")]);
    let report = json_report(dir.path(), "ascend");
    assert_eq!(
        findings(&report),
        [
            "5 ascend/flash-attn-flash-attn-func optional=true",
            "8 ascend/apex optional=true",
            "9 ascend/apex optional=true",
            "15 ascend/flash-attn-flash-attn-func optional=true",
            "16 ascend/torch-cuda-synchronize optional=false",
        ]
    );
    let plan = &report["plans"][0];
    assert_eq!(plan["optional"]["sites"], 4);
    let required: u64 = plan["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["sites"].as_u64().unwrap())
        .sum();
    assert_eq!(required, 1);
}

const OPTIMIZER_PY: &str = r#"import torch
from .utils import is_bitsandbytes_available

def bnb_optimizer(params):
    if not is_bitsandbytes_available():
        raise ImportError("install bitsandbytes")
    from bitsandbytes.optim import AdamW
    return AdamW(params)

def sync():
    torch.cuda.synchronize()
"#;

#[test]
fn code_after_a_guard_clause_on_availability_is_optional() {
    let dir = repo(&[("pkg/optim.py", OPTIMIZER_PY), ("pkg/utils.py", "")]);
    let report = json_report(dir.path(), "ascend");
    assert_eq!(
        findings(&report),
        [
            "7 ascend/bitsandbytes optional=true",
            "8 ascend/bitsandbytes optional=true",
            "11 ascend/torch-cuda-synchronize optional=false",
        ]
    );
}

const FAST_NORM_PY: &str = r#"import torch
try:
    from apex.normalization.fused_layer_norm import fused_layer_norm_affine
    has_apex = True
except ImportError:
    has_apex = False

def layer_norm(x, w, b, shape, fp8):
    if has_apex:
        return fused_layer_norm_affine(x, w, b, shape, 1e-5)
    if fp8:
        return fused_layer_norm_affine(x, w, b, shape, 1e-6)
    return torch.nn.functional.layer_norm(x, shape, w, b)
"#;

#[test]
fn uses_behind_the_flag_an_optional_import_sets_are_the_imports() {
    let dir = repo(&[("norm.py", FAST_NORM_PY)]);
    let report = json_report(dir.path(), "ascend");
    // Line 10 runs only where the import worked: the import is the
    // integration. Line 12 runs whenever `fp8` is asked for, with or
    // without apex: a use of its own (of the optional integration).
    assert_eq!(
        findings(&report),
        [
            "3 ascend/apex-normalization-fused-layer-norm-fused-layer-norm-affine optional=true",
            "12 ascend/apex-normalization-fused-layer-norm-fused-layer-norm-affine optional=true",
        ]
    );
}
