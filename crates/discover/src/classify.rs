use std::path::Path;

/// The frontend a file goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Language {
    /// `.py`, `.pyi` (including `setup.py`).
    Python,
    /// `.ipynb`: code cells go to the Python frontend.
    Notebook,
    /// CUDA, C and C++ sources and headers.
    Cpp,
    /// `.rs`.
    Rust,
    /// `Cargo.toml`.
    CargoManifest,
    /// `requirements*.txt`, `constraints*.txt`, `requirements/*.txt`.
    Requirements,
    /// `pyproject.toml`.
    PyProject,
    /// Conda `environment*.yml`.
    Conda,
    /// `CMakeLists.txt`, `*.cmake`.
    CMake,
    /// `Dockerfile`, `Dockerfile.*`, `*.dockerfile`, `Containerfile`.
    Dockerfile,
    /// Shell and Slurm scripts; `.env` files (`KEY=value` lines, as
    /// Compose and `docker run --env-file` read them).
    Shell,
    /// `Makefile`, `GNUmakefile`, `makefile`, `*.mk`.
    Makefile,
    /// Other YAML: Kubernetes manifests, Compose files, CI workflows.
    Yaml,
}

/// Every language.
const ALL: [Language; 13] = [
    Language::Python,
    Language::Notebook,
    Language::Cpp,
    Language::Rust,
    Language::CargoManifest,
    Language::Requirements,
    Language::PyProject,
    Language::Conda,
    Language::CMake,
    Language::Dockerfile,
    Language::Shell,
    Language::Makefile,
    Language::Yaml,
];

/// Extensions of CUDA, C and C++ files.
const CPP_EXTENSIONS: &[&str] = &[
    "cu", "cuh", "cpp", "cc", "cxx", "c", "h", "hpp", "hh", "hxx", "inl", "tpp",
];

impl Language {
    /// The language of `path`, by name and extension; `None` for files no
    /// frontend reads.
    pub fn of(path: &Path) -> Option<Language> {
        // A name that is not UTF-8 is classified by its readable part, so
        // it is scanned (under a lossy display name) instead of dropped.
        let name = path.file_name()?.to_string_lossy();
        let lower = name.to_ascii_lowercase();
        let extension = lower.rsplit_once('.').map(|(_, e)| e);
        let in_requirements_dir = path
            .parent()
            .and_then(Path::file_name)
            .is_some_and(|d| d == "requirements");
        let language = match (lower.as_str(), extension) {
            (_, Some("py" | "pyi")) => Language::Python,
            (_, Some("ipynb")) => Language::Notebook,
            (_, Some("rs")) => Language::Rust,
            ("cargo.toml", _) => Language::CargoManifest,
            ("pyproject.toml", _) => Language::PyProject,
            ("cmakelists.txt", _) | (_, Some("cmake")) => Language::CMake,
            (n, Some("txt"))
                if n.starts_with("requirements")
                    || n.starts_with("constraints")
                    || in_requirements_dir =>
            {
                Language::Requirements
            }
            (n, Some("yml" | "yaml")) if n.starts_with("environment") || n.starts_with("conda") => {
                Language::Conda
            }
            (_, Some("yml" | "yaml")) => Language::Yaml,
            (n, _) if n == "dockerfile" || n.starts_with("dockerfile.") || n == "containerfile" => {
                Language::Dockerfile
            }
            (_, Some("dockerfile")) => Language::Dockerfile,
            (_, Some("sh" | "bash" | "zsh" | "slurm" | "sbatch" | "env")) => Language::Shell,
            (n, _) if n.starts_with(".env.") => Language::Shell,
            ("makefile" | "gnumakefile", _) | (_, Some("mk")) => Language::Makefile,
            (_, Some(e)) if CPP_EXTENSIONS.contains(&e) => Language::Cpp,
            _ => return None,
        };
        Some(language)
    }

    /// The language called `name` (as [`Language::as_str`] writes it, or
    /// `c`, `cuda`, `c++` for C and C++).
    pub fn parse(name: &str) -> Option<Language> {
        ALL.into_iter()
            .find(|l| l.as_str() == name)
            .or(matches!(name, "c" | "cuda" | "c++").then_some(Language::Cpp))
    }

    /// Lower-case name for output.
    pub fn as_str(self) -> &'static str {
        match self {
            Language::Python => "python",
            Language::Notebook => "notebook",
            Language::Cpp => "cpp",
            Language::Rust => "rust",
            Language::CargoManifest => "cargo-manifest",
            Language::Requirements => "requirements",
            Language::PyProject => "pyproject",
            Language::Conda => "conda",
            Language::CMake => "cmake",
            Language::Dockerfile => "dockerfile",
            Language::Shell => "shell",
            Language::Makefile => "makefile",
            Language::Yaml => "yaml",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_classified_by_name_and_extension() {
        let cases = [
            ("setup.py", Some(Language::Python)),
            ("demo.ipynb", Some(Language::Notebook)),
            ("csrc/attn.cu", Some(Language::Cpp)),
            ("csrc/attn.cuh", Some(Language::Cpp)),
            ("include/ops.h", Some(Language::Cpp)),
            ("src/main.rs", Some(Language::Rust)),
            ("Cargo.toml", Some(Language::CargoManifest)),
            ("requirements-dev.txt", Some(Language::Requirements)),
            ("requirements/gpu.txt", Some(Language::Requirements)),
            ("notes.txt", None),
            ("pyproject.toml", Some(Language::PyProject)),
            ("environment.yml", Some(Language::Conda)),
            ("CMakeLists.txt", Some(Language::CMake)),
            ("cmake/FindNCCL.cmake", Some(Language::CMake)),
            ("Dockerfile", Some(Language::Dockerfile)),
            ("docker/Dockerfile.cuda", Some(Language::Dockerfile)),
            ("train.slurm", Some(Language::Shell)),
            ("launch.sh", Some(Language::Shell)),
            ("docker/.env", Some(Language::Shell)),
            ("docker/.env.example", Some(Language::Shell)),
            ("deploy/cuda.env", Some(Language::Shell)),
            ("Makefile", Some(Language::Makefile)),
            ("GNUmakefile", Some(Language::Makefile)),
            ("build/cuda.mk", Some(Language::Makefile)),
            ("k8s/job.yaml", Some(Language::Yaml)),
            ("README.md", None),
        ];
        for (path, expected) in cases {
            assert_eq!(Language::of(Path::new(path)), expected, "{path}");
        }
    }
}
