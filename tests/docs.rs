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
