//! Repository chores: `cargo xtask <task>`.
//!
//! - `rules-doc [--check]`: writes `docs/rules/<target>.md` from the packs;
//!   with `--check`, fails if a page is out of date.

use migscan_core::Target;
use migscan_report::render_rules_doc;
use migscan_rules::RuleCatalog;
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("rules-doc") => rules_doc(args.iter().any(|a| a == "--check")),
        _ => {
            eprintln!("usage: cargo xtask rules-doc [--check]");
            ExitCode::from(2)
        }
    }
}

fn rules_doc(check: bool) -> ExitCode {
    let catalog = match RuleCatalog::embedded() {
        Ok(catalog) => catalog,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/rules");
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("cannot create {}: {e}", dir.display());
        return ExitCode::FAILURE;
    }
    let mut stale = Vec::new();
    for target in Target::ALL {
        let path = dir.join(format!("{target}.md"));
        let page = render_rules_doc(&catalog, target);
        if check {
            if std::fs::read_to_string(&path).ok().as_deref() != Some(page.as_str()) {
                stale.push(path);
            }
        } else if let Err(e) = std::fs::write(&path, page) {
            eprintln!("cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    }
    if stale.is_empty() {
        ExitCode::SUCCESS
    } else {
        for path in stale {
            eprintln!(
                "out of date: {} (run `cargo xtask rules-doc`)",
                path.display()
            );
        }
        ExitCode::FAILURE
    }
}
