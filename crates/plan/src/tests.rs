use super::*;
use migscan_core::{LineIndex, Usage, UsageKind};
use migscan_rules::DataFile;

const EFFORT: &str = r#"
[class.trivial]
description = "rename"
per_api = { low = 1.0, likely = 2.0, high = 3.0 }
per_site = { low = 0.5, likely = 1.0, high = 1.5 }

[class.in-kernel]
description = "covered by a kernel's port"
per_api = { low = 0.1, likely = 0.25, high = 1.0 }
per_site = { low = 0.0, likely = 0.0, high = 0.0 }

[class.review]
description = "check"
per_api = { low = 0.0, likely = 0.0, high = 0.0 }
per_site = { low = 0.0, likely = 0.0, high = 0.0 }
"#;

const RULES: &str = r#"
[[rule]]
id = "ascend/sync"
match = { name = "torch.cuda", prefix = true }
status = "auto"
step = 1
effort = "trivial"
message = "m"
source = "s"

[[rule]]
id = "ascend/nccl"
match = { backend = "nccl" }
status = "unsupported"
step = 3
effort = "trivial"
message = "m"
source = "s"
"#;

fn catalog() -> RuleCatalog {
    RuleCatalog::from_files([
        DataFile {
            name: "rules/effort.toml".into(),
            text: EFFORT.into(),
        },
        DataFile {
            name: "rules/ascend/pack.toml".into(),
            text: "[pack]\nversion = \"1\"\ndescription = \"d\"\nsources = []\n".into(),
        },
        DataFile {
            name: "rules/ascend/r.toml".into(),
            text: RULES.into(),
        },
    ])
    .unwrap()
}

fn finding(catalog: &RuleCatalog, id: &str, name: &str) -> Finding {
    let rule = catalog.rules().iter().position(|r| r.id == id).unwrap();
    Finding {
        target: Target::Ascend,
        rule,
        file: 0,
        usage: Usage::new(UsageKind::Call, name, LineIndex::new("x").span(0, 1)),
        line_hash: 0,
        optional: false,
        in_kernel: false,
        adapted: false,
    }
}

#[test]
fn what_a_kernel_uses_is_priced_with_it_and_imports_are_no_apis() {
    let catalog = catalog();
    let in_kernel = |name: &str, kind: UsageKind| {
        let mut f = finding(&catalog, "ascend/sync", name);
        f.usage.kind = kind;
        f.in_kernel = true;
        f
    };
    let findings = vec![
        finding(&catalog, "ascend/sync", "torch.cuda.synchronize"),
        in_kernel("torch.cuda.empty_cache", UsageKind::Call),
        // Imports inside a kernel's definition: sites, never APIs.
        in_kernel("torch.cuda", UsageKind::Import),
        in_kernel("torch.cuda.amp", UsageKind::Import),
    ];
    let plan = MigrationPlan::build(Target::Ascend, &findings, 1, 0, &catalog);
    let item = &plan.steps[0].items[0];
    assert_eq!((item.sites, item.apis), (4, 2));
    // trivial: 1 API × (1, 2, 3) + 1 site × (0.5, 1, 1.5);
    // in-kernel: 1 API × (0.1, 0.25, 1), nothing per site.
    assert_eq!(
        item.hours,
        Hours {
            low: 1.6,
            likely: 3.25,
            high: 5.5
        }
    );
}

#[test]
fn effort_is_per_distinct_api_plus_per_site() {
    let catalog = catalog();
    let findings = vec![
        finding(&catalog, "ascend/sync", "torch.cuda.synchronize"),
        finding(&catalog, "ascend/sync", "torch.cuda.synchronize"),
        finding(&catalog, "ascend/sync", "torch.cuda.empty_cache"),
        finding(&catalog, "ascend/nccl", "nccl"),
    ];
    let plan = MigrationPlan::build(Target::Ascend, &findings, 5, 0, &catalog);
    let step1 = &plan.steps[0];
    assert_eq!((step1.sites, step1.items[0].apis), (3, 2));
    // 2 APIs × (1, 2, 3) + 3 sites × (0.5, 1, 1.5)
    assert_eq!(
        step1.hours,
        Hours {
            low: 3.5,
            likely: 7.0,
            high: 10.5
        }
    );
    // 1 API × (1, 2, 3) + 1 site × (0.5, 1, 1.5)
    assert_eq!(
        plan.steps[2].hours,
        Hours {
            low: 1.5,
            likely: 3.0,
            high: 4.5
        }
    );
    assert_eq!(
        plan.total,
        Hours {
            low: 5.0,
            likely: 10.0,
            high: 15.0
        }
    );
    assert_eq!(plan.expected_hours, 10.0);
    assert_eq!(plan.readiness.blockers, 1);
    assert_eq!(plan.readiness.mechanical_share, 0.75);
    assert_eq!(plan.readiness.sites_by_status.get(Status::Supported), 5);
    assert!(plan.steps[1].items.is_empty() && plan.steps[3].items.is_empty());
}

#[test]
fn imports_are_not_apis_of_their_own_when_the_names_are_used() {
    let catalog = catalog();
    let import = |name: &str| Finding {
        usage: Usage {
            kind: UsageKind::Import,
            ..finding(&catalog, "ascend/sync", name).usage
        },
        ..finding(&catalog, "ascend/sync", name)
    };
    let used = vec![
        import("torch.cuda"),
        finding(&catalog, "ascend/sync", "torch.cuda.synchronize"),
    ];
    let plan = MigrationPlan::build(Target::Ascend, &used, 0, 0, &catalog);
    assert_eq!(
        (plan.steps[0].items[0].sites, plan.steps[0].items[0].apis),
        (2, 1)
    );
    let only_imported = vec![import("torch.cuda.amp"), import("torch.cuda.nvtx")];
    let plan = MigrationPlan::build(Target::Ascend, &only_imported, 0, 0, &catalog);
    assert_eq!(plan.steps[0].items[0].apis, 2);
}

#[test]
fn comparison_ranks_by_expected_effort_and_names_the_largest_difference() {
    let catalog = catalog();
    let cheap = MigrationPlan::build(
        Target::Ascend,
        &[finding(&catalog, "ascend/sync", "torch.cuda.synchronize")],
        0,
        0,
        &catalog,
    );
    let mut costly = MigrationPlan::build(
        Target::Ascend,
        &[
            finding(&catalog, "ascend/nccl", "nccl"),
            finding(&catalog, "ascend/nccl", "nccl"),
            finding(&catalog, "ascend/sync", "torch.cuda.synchronize"),
        ],
        0,
        0,
        &catalog,
    );
    costly.target = Target::Hygon;
    for item in costly.steps.iter_mut().flat_map(|s| &mut s.items) {
        item.rule_id = item.rule_id.replace("ascend/", "hygon/");
    }
    assert!(Comparison::of(std::slice::from_ref(&cheap)).is_none());
    let comparison = Comparison::of(&[costly, cheap]).unwrap();
    let order: Vec<Target> = comparison.ranking.iter().map(|r| r.target).collect();
    assert_eq!(order, [Target::Ascend, Target::Hygon]);
    assert!(
        comparison.recommendation.starts_with(
            "ascend is the cheapest target for this repository: 3.0 h expected (1.5–4.5 h)"
        ),
        "{}",
        comparison.recommendation
    );
    assert!(
        comparison
            .recommendation
            .contains("the largest difference is step 3 (Distributed communication): 0.0 h likely against 4.0 h, where the costliest rule on hygon is `hygon/nccl` (2 sites, 4.0 h)"),
        "{}",
        comparison.recommendation
    );
}
