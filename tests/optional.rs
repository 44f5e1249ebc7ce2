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
