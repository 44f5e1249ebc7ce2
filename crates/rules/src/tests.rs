use super::*;
use miette::Diagnostic;

const EFFORT: &str = r#"
[class.trivial]
description = "rename"
per_api = { low = 0.1, likely = 0.2, high = 0.5 }
per_site = { low = 0.0, likely = 0.1, high = 0.2 }

[class.review]
description = "check by hand"
per_api = { low = 0.5, likely = 1, high = 2 }
per_site = { low = 0.1, likely = 0.2, high = 0.5 }
"#;

const PACK: &str = "[pack]\nversion = \"1\"\ndescription = \"test\"\nsources = [\"x\"]\n";

fn catalog(rules: &str) -> Result<RuleCatalog, PackErrors> {
    catalog_of(EFFORT, PACK, rules)
}

/// A catalog of one Ascend pack: this effort model, `pack.toml` and rule file.
fn catalog_of(effort: &str, pack: &str, rules: &str) -> Result<RuleCatalog, PackErrors> {
    RuleCatalog::from_files([
        DataFile {
            name: "rules/effort.toml".into(),
            text: effort.into(),
        },
        DataFile {
            name: "rules/ascend/pack.toml".into(),
            text: pack.into(),
        },
        DataFile {
            name: "rules/ascend/test.toml".into(),
            text: rules.into(),
        },
    ])
}

/// `message @line:column` of each error, as miette would point at them.
fn errors(rules: &str) -> Vec<String> {
    let errors = catalog(rules).unwrap_err();
    errors
        .errors()
        .iter()
        .map(|e| {
            let label = e.labels().unwrap().next().unwrap();
            let before = &rules[..label.offset()];
            let line = before.matches('\n').count() + 1;
            let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
            format!("{} @{line}:{column}", e.message())
        })
        .collect()
}

const GOOD: &str = r#"
[[rule]]
id = "ascend/sync"
match = { name = "torch.cuda.synchronize" }
status = "auto"
replacement = "torch.npu.synchronize"
step = 1
effort = "trivial"
message = "m"
source = "s"
"#;

#[test]
fn a_good_rule_loads_with_its_location() {
    let catalog = catalog(GOOD).unwrap();
    let rule = catalog.find("ascend/sync").unwrap();
    assert_eq!(rule.step, Step::OperatorCoverage);
    assert_eq!(rule.location.file, "rules/ascend/test.toml");
    assert_eq!(rule.location.line, 2);
}

#[test]
fn unknown_keys_point_at_the_key() {
    let rules = GOOD.replace("step = 1", "step = 1\nseverity = \"high\"");
    let found = errors(&rules);
    assert_eq!(found.len(), 1);
    assert!(
        found[0].starts_with("unknown field `severity`"),
        "{found:?}"
    );
    assert!(found[0].ends_with("@8:1"), "{found:?}");
}

#[test]
fn bad_step_points_at_the_value() {
    assert_eq!(
        errors(&GOOD.replace("step = 1", "step = 5")),
        ["rule `ascend/sync`: step must be 1, 2, 3 or 4 @7:8"]
    );
}

#[test]
fn missing_source_points_at_the_id() {
    assert_eq!(
        errors(&GOOD.replace("source = \"s\"\n", "")),
        ["rule `ascend/sync` has no `source` @3:6"]
    );
}

#[test]
fn duplicate_ids_and_matches_are_rejected() {
    let twice = format!("{GOOD}{GOOD}");
    let found = errors(&twice);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found[0].starts_with(
        "duplicate rule id `ascend/sync` (first defined at rules/ascend/test.toml:2)"
    ));
    assert!(found[1].contains("matches name `torch.cuda.synchronize` like `ascend/sync` does"));
}

#[test]
fn covered_by_names_an_adapter_of_the_pack() {
    let covered = GOOD.replace("step = 1", "step = 1\ncovered_by = \"mindspeed\"");
    assert_eq!(
        errors(&covered),
        [
            "rule `ascend/sync` is covered by adapter `mindspeed`, which no rule of the ascend pack declares @8:1"
        ]
    );
    let adopted = covered.replace(
        "[[rule]]\n",
        "[[rule]]\nid = \"ascend/megatron\"\nmatch = { name = \"megatron\", prefix = true }\nstatus = \"manual\"\nstep = 3\neffort = \"trivial\"\nadapter = \"mindspeed\"\nmessage = \"m\"\nsource = \"s\"\n\n[[rule]]\n",
    );
    assert!(catalog(&adopted).is_ok());
}

#[test]
fn ids_carry_their_target_and_effort_classes_exist() {
    let rules = GOOD
        .replace("ascend/sync", "hygon/sync")
        .replace("trivial", "huge");
    let found = errors(&rules);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found[0].starts_with("bad rule id `hygon/sync`"));
    assert!(found[1].starts_with("rule `hygon/sync`: unknown effort class `huge`"));
}

#[test]
fn match_needs_exactly_one_selector() {
    let rules = GOOD.replace(
        "{ name = \"torch.cuda.synchronize\" }",
        "{ name = \"a\", env = \"B\" }",
    );
    let found = errors(&rules);
    assert_eq!(found, ["rule `ascend/sync`: `match` takes exactly one of name, method, member, device, backend, env, symbol, include, construct, package, image, resource, command, setting, vendored @4:9"]);
}

#[test]
fn exact_beats_prefix_and_except_falls_through() {
    let rules = format!(
        "{GOOD}{}",
        r#"
[[rule]]
id = "ascend/torch-cuda"
match = { name = "torch.cuda", prefix = true, except = ["torch.cuda.nvtx"] }
status = "auto"
step = 1
effort = "trivial"
message = "m"
source = "s"
"#
    );
    let catalog = catalog(&rules).unwrap();
    let index = catalog.index(Target::Ascend);
    let usage = |name: &str| {
        migscan_core::Usage::new(
            migscan_core::UsageKind::Call,
            name,
            migscan_core::LineIndex::new("x").span(0, 1),
        )
    };
    let id = |name: &str| match index.lookup(&usage(name), catalog.rules()) {
        Some(Verdict::Rule(i)) => catalog.rule(i).id.clone(),
        Some(Verdict::Unknown) => "unknown".into(),
        None => "none".into(),
    };
    assert_eq!(id("torch.cuda.synchronize"), "ascend/sync");
    assert_eq!(id("torch.cuda.amp.autocast"), "ascend/torch-cuda");
    assert_eq!(id("torch.cuda.nvtx.range_push"), "unknown");
    assert_eq!(id("torch.nn.Linear"), "none");
}

#[test]
fn embedded_packs_load_and_every_rule_has_a_source() {
    let catalog =
        RuleCatalog::embedded().unwrap_or_else(|e| panic!("{:?}", miette::Report::new(e)));
    for target in Target::ALL {
        assert!(catalog.pack(target).is_some(), "no pack for {target}");
        assert!(
            catalog.rules_for(target).count() > 20,
            "{target} pack is thin"
        );
    }
    assert!(catalog.rules().iter().all(|r| !r.source.is_empty()));
}

#[test]
fn a_rule_narrowed_by_kind_still_covers_other_kinds() {
    let rules = r#"
[[rule]]
id = "ascend/triton"
match = { name = "triton", prefix = true, kinds = ["import", "decorator"] }
status = "manual"
step = 2
effort = "trivial"
message = "m"
source = "s"
"#;
    let catalog = catalog(rules).unwrap();
    let index = catalog.index(Target::Ascend);
    let usage = |kind, name: &str| {
        migscan_core::Usage::new(kind, name, migscan_core::LineIndex::new("x").span(0, 1))
    };
    use migscan_core::UsageKind::{Call, Decorator};
    assert!(matches!(
        index.lookup(&usage(Decorator, "triton.jit"), catalog.rules()),
        Some(Verdict::Rule(_))
    ));
    // `tl.load(...)` inside the kernel is part of the kernel, not an unknown API.
    assert_eq!(
        index.lookup(&usage(Call, "triton.language.load"), catalog.rules()),
        None
    );
    assert_eq!(
        index.lookup(&usage(Call, "flash_attn.flash_attn_func"), catalog.rules()),
        Some(Verdict::Unknown)
    );
}

#[test]
fn every_target_has_an_unknown_rule_for_every_step() {
    let catalog = RuleCatalog::embedded().unwrap();
    let span = migscan_core::LineIndex::new("x").span(0, 1);
    for target in Target::ALL {
        for (kind, step) in [
            (migscan_core::UsageKind::Symbol, Step::OperatorCoverage),
            (
                migscan_core::UsageKind::BuildSetting,
                Step::CompilationOptimization,
            ),
            (
                migscan_core::UsageKind::BackendString,
                Step::DistributedCommunication,
            ),
            (migscan_core::UsageKind::Image, Step::ClusterGovernance),
        ] {
            let usage = migscan_core::Usage::new(kind, "x", span);
            let rule = catalog.rule(catalog.unknown_rule(target, &usage).unwrap());
            assert_eq!((rule.status, rule.step), (Status::Unknown, step));
        }
    }
}

#[test]
fn prefix_replacements_fill_in_the_suffix() {
    let catalog = RuleCatalog::embedded().unwrap();
    let mut rule = catalog.rules()[0].clone();
    rule.matcher.value = "cuda".into();
    rule.matcher.prefix = true;
    rule.replacement = Some("hip{suffix}".into());
    assert_eq!(
        rule.replacement_for("cudaMemcpy").as_deref(),
        Some("hipMemcpy")
    );
}

#[test]
fn a_cuda_name_without_a_table_rule_is_not_claimed_as_a_rename() {
    let catalog = RuleCatalog::embedded().unwrap();
    let index = catalog.index(Target::Hygon);
    let span = migscan_core::LineIndex::new("x").span(0, 1);
    let lookup = |name: &str| {
        let usage = migscan_core::Usage::new(migscan_core::UsageKind::Symbol, name, span);
        index.lookup(&usage, catalog.rules())
    };
    let rule_for = |name: &str| match lookup(name) {
        Some(Verdict::Rule(i)) => catalog.rule(i),
        other => panic!("{name}: {other:?}"),
    };
    // Names in HIPIFY's runtime, driver and cuBLAS tables have rules of their own,
    // the data types the first generation of the table file skipped too ...
    for (name, id, hip) in [
        ("cudaMemcpy", "hygon/cuda-memcpy", "hipMemcpy"),
        (
            "cudaMemLocationTypeDevice",
            "hygon/cuda-mem-location-type-device",
            "hipMemLocationTypeDevice",
        ),
        ("cuCtxCreate", "hygon/cu-ctx-create", "hipCtxCreate"),
    ] {
        let rule = rule_for(name);
        assert_eq!(
            (rule.id.as_str(), rule.status, rule.replacement.as_deref()),
            (id, Status::Auto, Some(hip))
        );
    }
    // ... so a name of their libraries they do not list is unknown, not an
    // invented `hip*` rename.
    for name in [
        "cudaNotARealCall",
        "cuNotARealCall",
        "CUDA_NOT_A_REAL_ENUM",
        "CUBLAS_NOT_A_REAL_ENUM",
        "CURAND_NOT_A_REAL_ENUM",
        "cufftNotARealCall",
        "cusolverDnNotARealCall",
        "nvrtcNotARealCall",
        "CUSPARSE_NOT_A_REAL_ENUM",
    ] {
        assert_eq!(lookup(name), Some(Verdict::Unknown), "{name}");
    }
    // `cuda_helper` is the project's own name, not a CUDA API.
    assert_eq!(lookup("cuda_helper"), None);
}

#[test]
fn hardware_profiles_load_with_a_default_card_per_target() {
    let catalog = RuleCatalog::embedded().unwrap();
    assert!(catalog.cards().len() >= 18);
    assert_eq!(catalog.card_for(Target::Ascend, None).unwrap().id, "910b");
    assert_eq!(
        catalog
            .card_for(Target::Cambricon, Some("MLU370-X8"))
            .unwrap()
            .id,
        "mlu370-x8"
    );
    // A device of another target does not apply; an alias names its card.
    assert_eq!(
        catalog.card_for(Target::Hygon, Some("910b")).unwrap().id,
        "k100-ai"
    );
    assert_eq!(
        catalog
            .card_for(Target::Hygon, Some("ShenSuan-3"))
            .unwrap()
            .id,
        "bw1000"
    );
    assert_eq!(
        catalog.card_for(Target::Ascend, None).unwrap().memory_gb,
        Some([64.0, 64.0])
    );
}

#[test]
fn the_built_in_packs_pass_their_audit() {
    let catalog = RuleCatalog::embedded().unwrap();
    let audits = crate::audit(&catalog);
    assert_eq!(audits.len(), 4);
    let problems: Vec<_> = audits.iter().flat_map(|a| &a.problems).collect();
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn the_audit_finds_a_rule_that_contradicts_itself() {
    let supported = GOOD.replace("status = \"auto\"", "status = \"supported\"");
    let catalog = catalog(&supported).unwrap();
    let audits = crate::audit(&catalog);
    assert_eq!(
        audits[0].problems,
        [(
            "ascend/sync".to_string(),
            "`supported`, yet names a replacement".to_string()
        )]
    );
}

#[test]
fn the_kind_of_change_follows_the_matched_name() {
    let kind = |table: &str| {
        let rules = GOOD.replace("{ name = \"torch.cuda.synchronize\" }", table);
        catalog(&rules)
            .unwrap()
            .find("ascend/sync")
            .unwrap()
            .matcher
            .change_kind()
    };
    assert_eq!(kind("{ symbol = \"CUBLASLT_ORDER_COL32\" }"), "constant");
    assert_eq!(kind("{ symbol = \"__hmax2\" }"), "intrinsic");
    assert_eq!(kind("{ symbol = \"cublasLtMatmul\" }"), "api");
    assert_eq!(kind("{ symbol = \"CUDA\" }"), "api");
    assert_eq!(kind("{ env = \"NCCL_DEBUG\" }"), "env");
}

#[test]
fn the_audit_lists_libraries_another_pack_prices() {
    let package = |target: &str, name: &str| {
        format!(
            "[[rule]]\nid = \"{target}/package-{name}\"\nmatch = {{ package = \"{name}\" }}\nstatus = \"manual\"\nstep = 4\neffort = \"trivial\"\nmessage = \"m\"\nsource = \"s\"\n"
        )
    };
    let file = |name: &str, text: String| DataFile {
        name: name.into(),
        text: text.into(),
    };
    let catalog = RuleCatalog::from_files([
        file("rules/effort.toml", EFFORT.into()),
        file("rules/ascend/pack.toml", PACK.into()),
        file("rules/ascend/ops.toml", package("ascend", "flash-attn")),
        file("rules/hygon/pack.toml", PACK.into()),
        file("rules/hygon/ops.toml", package("hygon", "xformers")),
    ])
    .unwrap();
    let gaps: Vec<(Target, Vec<String>)> = crate::audit(&catalog)
        .into_iter()
        .map(|a| (a.target, a.gaps))
        .collect();
    assert_eq!(
        gaps,
        [
            (Target::Ascend, vec!["xformers".to_string()]),
            (Target::Hygon, vec!["flash-attn".to_string()]),
        ]
    );
}

/// [`GOOD`] from torch_npu 2.1 on.
fn versioned() -> String {
    GOOD.replace(
        "status = \"auto\"\n",
        "status = \"auto\"\nsince = \"2.1\"\n",
    )
}

fn stacked_catalog(rules: &str) -> Result<RuleCatalog, PackErrors> {
    let pack = format!(
        "{PACK}[pack.stack]\nname = \"torch_npu\"\ndocumented = \"2.5\"\nsource = \"wheel\"\n"
    );
    let effort = format!("{EFFORT}\n[class.moderate]\ndescription = \"m\"\nper_api = {{ low = 1, likely = 4, high = 8 }}\nper_site = {{ low = 0.1, likely = 0.5, high = 1 }}\n");
    catalog_of(&effort, &pack, rules)
}

#[test]
fn versions_need_a_stack_and_must_parse_in_order() {
    assert_eq!(
        errors(&versioned()),
        ["rule `ascend/sync` has `since`/`until`, but the ascend pack names no stack @2:1"]
    );
    let bad = versioned().replace("since = \"2.1\"", "since = \"2.x\"");
    assert!(errors(&bad)[0].contains("`2.x` is not a version"));
    assert!(errors(&bad)[0].ends_with("@6:9"), "{:?}", errors(&bad));
    let backwards = versioned().replace("since = \"2.1\"", "since = \"2.1\"\nuntil = \"2.0\"");
    let errors = stacked_catalog(&backwards).unwrap_err();
    assert_eq!(
        errors.errors()[0].to_string(),
        "rule `ascend/sync`: `until = \"2.0\"` is not after `since = \"2.1\"`"
    );
}

#[test]
fn a_rule_that_needs_a_later_stack_is_unsupported_there() {
    let mut catalog = stacked_catalog(&versioned()).unwrap();
    assert_eq!(
        catalog.stack_assumed(Target::Ascend).as_deref(),
        Some("torch_npu 2.5 (newest the pack documents)")
    );
    let rule = |catalog: &RuleCatalog| catalog.find("ascend/sync").unwrap().clone();
    assert_eq!(rule(&catalog).status, Status::Auto);
    let newer = StackVersion::parse("2.1.0").unwrap();
    assert_eq!(catalog.assume_stack(Target::Ascend, newer), Ok(0));
    let mut catalog = stacked_catalog(&versioned()).unwrap();
    let older = StackVersion::parse("2.0").unwrap();
    assert_eq!(catalog.assume_stack(Target::Ascend, older), Ok(1));
    let sync = rule(&catalog);
    assert_eq!(
        (sync.status, sync.replacement, sync.effort.as_str()),
        (Status::Unsupported, None, "moderate")
    );
    assert!(sync
        .message
        .starts_with("needs torch_npu 2.1 or later, and this plan assumes torch_npu 2.0"));
    assert_eq!(
        catalog.stack_assumed(Target::Ascend).as_deref(),
        Some("torch_npu 2.0 (chosen)")
    );
    assert!(catalog
        .assume_stack(Target::Hygon, StackVersion::parse("6.2").unwrap())
        .is_err());
}

#[test]
fn messages_carry_no_notes_for_rule_authors() {
    // How a fact was established (a vendor list's raw flag, a count in a
    // reference repository) belongs in `notes`, shown by `explain`.
    let catalog = RuleCatalog::embedded().unwrap();
    let authoring = |m: &str| {
        m.contains("supported:false")
            || m.contains("supported:true")
            || m.split("refs=")
                .skip(1)
                .any(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
    };
    let offending: Vec<&str> = catalog
        .rules()
        .iter()
        .filter(|r| authoring(&r.message))
        .map(|r| r.id.as_str())
        .collect();
    assert!(offending.is_empty(), "{offending:?}");
}

#[test]
fn a_runtime_shim_rule_needs_the_pack_to_name_its_shim() {
    let shimmed = GOOD.replace("step = 1", "step = 1\nruntime_shim = true");
    assert_eq!(
        errors(&shimmed),
        ["rule `ascend/sync` has `runtime_shim`, but the ascend pack names no runtime shim @2:1"]
    );
    let pack = format!(
        "{PACK}[pack.runtime_shim]\nimport = \"import torch_npu.contrib.transfer_to_npu\"\ndoes = \"patches\"\nsource = \"wheel\"\n"
    );
    let catalog = catalog_of(EFFORT, &pack, &shimmed).unwrap();
    assert!(catalog.rules()[0].runtime_shim);
    let shim = catalog.pack(Target::Ascend).unwrap().runtime_shim.as_ref();
    assert_eq!(
        shim.map(|s| s.import.as_str()),
        Some("import torch_npu.contrib.transfer_to_npu")
    );
}
