//! Generated documentation matches the code.

mod common;

use migscan_core::Target;
use migscan_report::render_rules_doc;
use migscan_rules::RuleCatalog;

#[test]
fn rule_docs_are_up_to_date() {
    let catalog = RuleCatalog::embedded().unwrap();
    for target in Target::ALL {
        let path = common::root().join(format!("docs/rules/{target}.md"));
        let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            on_disk == render_rules_doc(&catalog, target),
            "{} is out of date: run `cargo xtask rules-doc`",
            path.display()
        );
    }
}

/// The README's first set-up command is a bare `cargo run`; with xtask among
/// the workspace's default members, cargo only knows which binary to run
/// from the root package's `default-run`.
#[test]
fn readme_cargo_run_resolves_to_migscan() {
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    let manifest = std::fs::read_to_string(common::root().join("Cargo.toml")).unwrap();
    assert!(readme.contains("\ncargo run --release -- fixtures/"));
    assert!(manifest.contains("\ndefault-run = \"migscan\"\n"));
}
