//! `migscan rules check DIR`: validate a user's rule pack (placeholder until
//! rule examples land).

use miette::Result;
use migscan_rules::RuleCatalog;
use std::path::Path;
use std::process::ExitCode;

/// Validates the pack in `dir` as a scan would load it.
pub fn run(dir: &Path) -> Result<ExitCode> {
    let catalog = RuleCatalog::with_user_packs(&[dir.to_path_buf()])?;
    let own = catalog
        .rules()
        .iter()
        .filter(|r| Path::new(&r.location.file).starts_with(dir))
        .count();
    println!("{}: {own} rules valid", dir.display());
    Ok(ExitCode::SUCCESS)
}
