//! Shell scripts and Slurm batch scripts: variables set and read, programs
//! run, GPU requests in `#SBATCH` directives and `srun` options.

use crate::lines::{
    is_cuda_variant, nvidia_index_hosts, nvidia_library_path, offset_in, strip_hash_comment,
    with_offsets, Sink,
};
use crate::requirements::{package_index, requirement, CUDA_LOCAL_VERSION, NVIDIA_PACKAGE_INDEX};
use migscan_core::{Usage, UsageKind};

/// A Slurm generic-resource request for GPUs (`--gres=gpu:4`).
pub const SLURM_GRES_GPU: &str = "slurm:gres=gpu";
/// A Slurm GPU-count request (`--gpus=4`, `--gpus-per-node=8`, `-G 2`).
pub const SLURM_GPUS: &str = "slurm:gpus";
/// The prefix of an environment module loaded (`module load cuda/12.4` is
/// `env-module:cuda`): the toolkits a cluster job sets up.
pub const ENV_MODULE: &str = "env-module:";

pub fn usages(source: &str) -> Vec<Usage> {
    let mut sink = Sink::new(source);
    for (start, line) in with_offsets(source) {
        let trimmed = line.trim_start();
        if let Some(directive) = trimmed.strip_prefix("#SBATCH") {
            slurm_options(&mut sink, line, directive, start);
            continue;
        }
        let code = strip_hash_comment(line);
        if !code.trim().is_empty() {
            command_line(&mut sink, line, code, start, Dialect::Shell);
        }
    }
    sink.usages
}

/// GPU requests among Slurm options.
fn slurm_options(sink: &mut Sink, line: &str, options: &str, line_start: usize) {
    let mut words = options.split_whitespace().peekable();
    while let Some(word) = words.next() {
        let at = line_start + offset_in(line, word);
        let (option, value) = word.split_once('=').unwrap_or((word, ""));
        let value = if value.is_empty() && !option.is_empty() && !word.contains('=') {
            words.peek().copied().unwrap_or_default()
        } else {
            value
        };
        match option {
            "--gres"
                if value
                    .split(',')
                    .any(|g| g == "gpu" || g.starts_with("gpu:")) =>
            {
                sink.add(UsageKind::Resource, SLURM_GRES_GPU, at, word.len())
            }
            "--gpus" | "-G" | "--gpus-per-node" | "--gpus-per-task" | "--gpus-per-socket" => {
                sink.add(UsageKind::Resource, SLURM_GPUS, at, word.len())
            }
            _ => {}
        }
    }
}

/// Separators between simple commands.
const SEPARATORS: &[&str] = &["&&", "||", ";", "|", "(", ")", "`", "$("];

/// Words that run the next word as the command.
const PREFIXES: &[&str] = &[
    "sudo", "env", "exec", "time", "nohup", "watch", "then", "do", "else", "!",
];

/// What the words after a command are.
#[derive(Clone, Copy, PartialEq)]
enum Arguments {
    /// Options and operands of no interest, except wheel indexes.
    Plain,
    /// `pip install`, `conda install`: packages.
    Packages,
    /// `make`: `NAME=value` overrides are variables.
    MakeVariables,
    /// `module load`: environment modules.
    Modules,
}

/// Package installer options that take a value (`-r requirements.txt`).
const INSTALL_OPTIONS_WITH_VALUE: &[&str] = &[
    "-r",
    "--requirement",
    "-c",
    "--constraint",
    "-e",
    "--editable",
    "-t",
    "--target",
    "--prefix",
    "--root",
    "-i",
    "--index-url",
    "--extra-index-url",
    "-f",
    "--find-links",
    "--trusted-host",
    "--platform",
    "--python-version",
    "--only-binary",
    "--no-binary",
    "-n",
    "--name",
    "-p",
    "--channel",
];

/// Where a line of shell code stands: `$(...)` is a command substitution
/// in a script, but a variable reference in a Makefile recipe (whose
/// substitutions are spelled `$$(...)`).
#[derive(Clone, Copy, PartialEq)]
pub enum Dialect {
    /// A shell script, a Dockerfile `RUN`, a CI `run:` line.
    Shell,
    /// A Makefile recipe line.
    MakeRecipe,
}

/// One line of shell code: assignments, variable reads, commands, Slurm
/// options of `srun`/`sbatch`, packages installed, make variables,
/// environment modules, CUDA wheel indexes.
pub fn command_line(sink: &mut Sink, line: &str, code: &str, line_start: usize, dialect: Dialect) {
    let substituted = |word| match dialect {
        Dialect::Shell => substituted(word),
        Dialect::MakeRecipe => word.strip_prefix('$').and_then(substituted),
    };
    let at = |part: &str| line_start + offset_in(line, part);
    variable_reads(sink, line, code, line_start);
    let mut expect_command = true;
    let mut command = "";
    let mut arguments = Arguments::Plain;
    let mut skip_value = false;
    // After `watch` or `sudo`, options come before the command they run.
    let mut after_prefix = false;
    // After `alias`, the next word's value is a command line, also when
    // the definition is echoed into a shell's rc file
    // (`echo "alias wns='watch nvidia-smi'" >> ~/.zshrc`).
    let mut alias_follows = false;
    for word in code.split_whitespace() {
        if SEPARATORS.contains(&word) {
            expect_command = true;
            continue;
        }
        let mut word = word.trim_end_matches([';', ')']);
        if word.is_empty() {
            continue;
        }
        if std::mem::take(&mut alias_follows) {
            if let Some((_, value)) = word.split_once('=') {
                word = value.trim_start_matches(['"', '\'']);
                expect_command = true;
            }
        }
        alias_follows = word.trim_start_matches(['"', '\'']) == "alias";
        // A substitution among the arguments runs a command of its own.
        expect_command |= substituted(word).is_some();
        if expect_command {
            if PREFIXES.contains(&word) {
                after_prefix = true;
                continue;
            }
            if after_prefix && (word.starts_with('-') || word.bytes().all(|b| b.is_ascii_digit())) {
                continue;
            }
            after_prefix = false;
            let mut word = word;
            if let Some((name, value)) = assignment(word) {
                sink.add(UsageKind::EnvVar, name, at(name), name.len());
                let value = value.trim_matches(['"', '\'']);
                cuda_variant(sink, value, at);
                if let (Dialect::Shell, Some(library)) = (dialect, nvidia_library_path(value)) {
                    sink.add(UsageKind::Construct, library, at(value), value.len());
                }
                // `N=$(nvidia-smi -L | wc -l)`: the substitution runs a command.
                match substituted(value) {
                    Some(command) => word = command,
                    None => continue,
                }
            }
            // `$(nvidia-smi ...)`, `` `nvcc --version` `` as one word.
            let word = substituted(word).unwrap_or(word);
            if word.is_empty() {
                continue;
            }
            if word == "export" {
                command = "export";
                expect_command = false;
                continue;
            }
            let word = word.trim_end_matches(['"', '\'']);
            let program = word.rsplit('/').next().unwrap_or(word);
            if !program.is_empty() && !program.starts_with(['$', '"', '\'', '-']) {
                sink.add(
                    UsageKind::Command,
                    program,
                    at(word) + (word.len() - program.len()),
                    program.len(),
                );
            }
            command = program;
            arguments = if program == "make" {
                Arguments::MakeVariables
            } else {
                Arguments::Plain
            };
            expect_command = false;
            continue;
        }
        let unquoted = word.trim_matches(['"', '\'']);
        if let Some(index) = package_index(unquoted) {
            sink.add(UsageKind::Construct, index, at(unquoted), unquoted.len());
        }
        for host in nvidia_index_hosts(unquoted) {
            sink.add(
                UsageKind::Construct,
                NVIDIA_PACKAGE_INDEX,
                at(host),
                host.len(),
            );
        }
        // A recipe's words are read as the Makefile's own.
        let path = assignment(unquoted).map_or(unquoted, |(_, value)| value);
        if let (Dialect::Shell, Some(library)) = (dialect, nvidia_library_path(path)) {
            sink.add(UsageKind::Construct, library, at(path), path.len());
        }
        cuda_variant(sink, unquoted, at);
        match (command, arguments, word) {
            ("export", ..) => {
                let name = word.split_once('=').map_or(word, |(n, _)| n);
                if is_variable(name) {
                    sink.add(UsageKind::EnvVar, name, at(name), name.len());
                }
            }
            ("srun" | "sbatch" | "salloc", ..) if word.starts_with('-') => {
                slurm_options(sink, line, word, line_start)
            }
            // `uv pip install`, `python -m pip install`.
            ("uv" | "python" | "python3", _, "pip") => command = "pip",
            ("pip" | "pip3" | "conda" | "mamba" | "micromamba", Arguments::Plain, "install") => {
                arguments = Arguments::Packages
            }
            ("module" | "ml", Arguments::Plain, "load" | "add") => arguments = Arguments::Modules,
            (_, Arguments::Packages, _) => {
                if skip_value {
                    skip_value = false;
                } else if word.starts_with('-') {
                    skip_value = !word.contains('=') && INSTALL_OPTIONS_WITH_VALUE.contains(&word);
                } else if !unquoted.contains(['/', '$']) && !unquoted.starts_with('.') {
                    requirement(sink, line, unquoted, line_start);
                }
            }
            (_, Arguments::MakeVariables, _) => {
                if let Some((name, _)) = assignment(word) {
                    sink.add(UsageKind::EnvVar, name, at(name), name.len());
                }
            }
            (_, Arguments::Modules, _) if !word.starts_with('-') => {
                let module = unquoted.split('/').next().unwrap_or(unquoted);
                let name = format!("{ENV_MODULE}{}", module.to_ascii_lowercase());
                sink.add(UsageKind::Construct, name, at(unquoted), unquoted.len());
            }
            _ => {}
        }
    }
}

/// `build_one cu113 1.10`, `CU_VERSION=cu121`: a CUDA build named by its
/// variant tag, as a `+cu121` local version names it.
fn cuda_variant(sink: &mut Sink, word: &str, at: impl Fn(&str) -> usize) {
    if is_cuda_variant(word) {
        sink.add(
            UsageKind::Construct,
            CUDA_LOCAL_VERSION,
            at(word),
            word.len(),
        );
    }
}

/// `NAME=value`: the variable a word assigns, and the value.
fn assignment(word: &str) -> Option<(&str, &str)> {
    word.split_once('=').filter(|(name, _)| is_variable(name))
}

/// The command word after an opening command substitution (`$(nvcc` →
/// `nvcc`, `` `nvidia-smi`` → `nvidia-smi`); `None` when `word` opens none.
fn substituted(word: &str) -> Option<&str> {
    word.strip_prefix("$(")
        .or_else(|| word.strip_prefix('`'))
        .map(|rest| rest.trim_end_matches('`'))
}

/// `$CUDA_VISIBLE_DEVICES`, `${NCCL_DEBUG:-INFO}`.
fn variable_reads(sink: &mut Sink, line: &str, code: &str, line_start: usize) {
    let bytes = code.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'$' {
            let start = i + 1 + usize::from(bytes.get(i + 1) == Some(&b'{'));
            let len = bytes[start..]
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
                .count();
            let name = &code[start..start + len];
            if is_variable(name) {
                sink.add(
                    UsageKind::EnvVar,
                    name,
                    line_start + offset_in(line, code) + start,
                    len,
                );
            }
            i = start + len;
        } else {
            i += 1;
        }
    }
}

/// Environment-style names: upper case, digits and underscores, not a digit first.
pub fn is_variable(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}
