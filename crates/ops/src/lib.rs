//! Frontends for the files around the code: how it is built, which wheels
//! it pins, which images, variables, programs and cluster resources its
//! jobs use. Each is line-oriented and reads only real directives:
//! comments never produce usages.
//!
//! | file | frontend | usages |
//! |---|---|---|
//! | `requirements*.txt`, `constraints*.txt` | [`requirements`] | packages, `+cuXXX` pins, CUDA wheel indexes |
//! | `pyproject.toml` | [`pyproject`] | packages |
//! | `environment.yml` | [`conda`] | packages |
//! | `CMakeLists.txt`, `*.cmake` | [`cmake`] | CUDA language, packages, variables, targets, flags |
//! | `Dockerfile*`, `*.dockerfile` | [`dockerfile`] | base images, variables, commands |
//! | `*.sh`, `*.bash`, `*.slurm`, `*.sbatch` | [`shell`] | variables, commands, Slurm GPU requests |
//! | `Makefile`, `GNUmakefile`, `*.mk` | [`makefile`] | variables, recipe commands, nvcc flags, CUDA libraries |
//! | Kubernetes and CI `*.yaml`/`*.yml` | [`yaml`] | resources, node selectors, images, variables |

pub mod cmake;
pub mod conda;
pub mod dockerfile;
pub mod makefile;
pub mod pyproject;
pub mod requirements;
pub mod shell;
pub mod yaml;

mod lines;

pub use migscan_core::{Extraction, ParseFailure};

/// The kinds of build and ops files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OpsFile {
    /// Pip requirements or constraints.
    Requirements,
    /// `pyproject.toml`.
    PyProject,
    /// Conda `environment.yml`.
    Conda,
    /// CMake.
    CMake,
    /// Dockerfile.
    Dockerfile,
    /// Shell or Slurm batch script.
    Shell,
    /// Makefile.
    Makefile,
    /// Kubernetes manifest or CI workflow.
    Yaml,
}

impl OpsFile {
    /// Extracts the usages of a file of this kind.
    pub fn extract(self, source: &str) -> Result<Extraction, ParseFailure> {
        let usages = match self {
            OpsFile::Requirements => requirements::usages(source),
            OpsFile::PyProject => pyproject::usages(source)?,
            OpsFile::Conda => conda::usages(source),
            OpsFile::CMake => cmake::usages(source),
            OpsFile::Dockerfile => dockerfile::usages(source),
            OpsFile::Shell => shell::usages(source),
            OpsFile::Makefile => makefile::usages(source),
            OpsFile::Yaml => yaml::usages(source),
        };
        Ok(Extraction::normalized(usages, false))
    }
}

#[cfg(test)]
mod tests;
