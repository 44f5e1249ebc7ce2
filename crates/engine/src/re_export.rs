//! Names the project's packages re-export from other packages.
//!
//! A package whose `__init__.py` imports a library (`import triton`,
//! `import triton.language as tl`) lets the rest of the project import the
//! library from the package: `from vllm.triton_utils import tl, triton`.
//! A file's own resolution stops at `vllm.triton_utils.triton.jit`, a name
//! of the project, which is never a finding; the package's top-level
//! bindings carry it on to `triton.jit`.
//!
//! Only `__init__.py` files are read for this, before the scan: that is where
//! packages gather what they re-export, and reading every module twice would
//! cost a second parse of the whole tree.

use rustc_hash::{FxHashMap, FxHashSet};

/// A package's dotted names and its top-level bindings `(local, qualified)`.
pub type PackageBindings = (Vec<String>, Vec<(String, String)>);

/// At most this many re-exports are followed from one name (a package may
/// re-export what another package re-exports).
const MAX_HOPS: usize = 4;

/// Re-exports by package, and a way to spot the files that import one.
#[derive(Default)]
pub struct ReExports {
    /// Package dotted name → local name → qualified name it stands for.
    packages: FxHashMap<String, FxHashMap<String, String>>,
}

impl ReExports {
    /// Keeps the bindings whose qualified name starts with one of `roots`
    /// (the first segments of the packs' names): only those can resolve to
    /// a finding.
    pub fn new(packages: Vec<PackageBindings>, roots: &FxHashSet<&str>) -> Self {
        let mut by_name: FxHashMap<String, FxHashMap<String, String>> = FxHashMap::default();
        for (names, bindings) in packages {
            let kept: FxHashMap<String, String> = bindings
                .into_iter()
                .filter(|(_, qualified)| {
                    roots.contains(qualified.split('.').next().unwrap_or_default())
                })
                .collect();
            if kept.is_empty() {
                continue;
            }
            for name in names {
                by_name.insert(name, kept.clone());
            }
        }
        Self { packages: by_name }
    }

    /// The name `name` stands for once re-exports are followed, if one of
    /// its prefixes is a re-exporting package and the next segment one of
    /// its bindings.
    pub fn resolve(&self, name: &str) -> Option<String> {
        if self.packages.is_empty() {
            return None;
        }
        let mut resolved: Option<String> = None;
        for _ in 0..MAX_HOPS {
            match self.step(resolved.as_deref().unwrap_or(name)) {
                Some(next) => resolved = Some(next),
                None => break,
            }
        }
        resolved
    }

    /// One re-export, through the longest package prefix of `name`.
    fn step(&self, name: &str) -> Option<String> {
        name.match_indices('.').rev().find_map(|(dot, _)| {
            let exports = self.packages.get(&name[..dot])?;
            let rest = &name[dot + 1..];
            let (local, tail) = rest
                .split_once('.')
                .map_or((rest, None), |(l, t)| (l, Some(t)));
            let target = exports.get(local)?;
            Some(match tail {
                Some(tail) => format!("{target}.{tail}"),
                None => target.clone(),
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn triton_utils() -> ReExports {
        let bindings = vec![
            ("triton".to_string(), "triton".to_string()),
            ("tl".to_string(), "triton.language".to_string()),
            ("envs".to_string(), "vllm.envs".to_string()),
        ];
        let roots: FxHashSet<&str> = ["triton", "torch"].into_iter().collect();
        ReExports::new(vec![(vec!["vllm.triton_utils".into()], bindings)], &roots)
    }

    #[test]
    fn a_name_imported_from_a_re_exporting_package_is_the_library_s() {
        let re = triton_utils();
        assert_eq!(
            re.resolve("vllm.triton_utils.triton.jit").as_deref(),
            Some("triton.jit")
        );
        assert_eq!(
            re.resolve("vllm.triton_utils.tl.program_id").as_deref(),
            Some("triton.language.program_id")
        );
        assert_eq!(
            re.resolve("vllm.triton_utils.tl").as_deref(),
            Some("triton.language")
        );
        // Bindings to the project's own names, or to names no rule knows, are dropped.
        assert_eq!(re.resolve("vllm.triton_utils.envs.X"), None);
        assert_eq!(re.resolve("vllm.config.ModelConfig"), None);
    }
}
