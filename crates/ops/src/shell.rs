//! Shell scripts and Slurm batch scripts: variables set and read, programs
//! run, GPU requests in `#SBATCH` directives and `srun` options.

use crate::lines::{is_cuda_wheel_index, offset_in, strip_hash_comment, with_offsets, Sink};
use crate::requirements::CUDA_WHEEL_INDEX;
use migscan_core::{Usage, UsageKind};

/// A Slurm generic-resource request for GPUs (`--gres=gpu:4`).
pub const SLURM_GRES_GPU: &str = "slurm:gres=gpu";
/// A Slurm GPU-count request (`--gpus=4`, `--gpus-per-node=8`, `-G 2`).
pub const SLURM_GPUS: &str = "slurm:gpus";

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
            command_line(&mut sink, line, code, start);
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
    "sudo", "env", "exec", "time", "nohup", "then", "do", "else", "!",
];

/// One line of shell code: assignments, variable reads, commands, Slurm
/// options of `srun`/`sbatch`, CUDA wheel indexes.
pub fn command_line(sink: &mut Sink, line: &str, code: &str, line_start: usize) {
    let at = |part: &str| line_start + offset_in(line, part);
    variable_reads(sink, line, code, line_start);
    let mut expect_command = true;
    let mut command = "";
    for word in code.split_whitespace() {
        if SEPARATORS.contains(&word) {
            expect_command = true;
            continue;
        }
        let word = word.trim_end_matches([';', ')']);
        if word.is_empty() {
            continue;
        }
        if expect_command {
            if PREFIXES.contains(&word) {
                continue;
            }
            if let Some((name, _)) = word.split_once('=').filter(|(n, _)| is_variable(n)) {
                sink.add(UsageKind::EnvVar, name, at(name), name.len());
                continue;
            }
            if word == "export" {
                command = "export";
                expect_command = false;
                continue;
            }
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
            expect_command = false;
            continue;
        }
        if command == "export" {
            let name = word.split_once('=').map_or(word, |(n, _)| n);
            if is_variable(name) {
                sink.add(UsageKind::EnvVar, name, at(name), name.len());
            }
        } else if matches!(command, "srun" | "sbatch" | "salloc") && word.starts_with('-') {
            slurm_options(sink, line, word, line_start);
        } else if is_cuda_wheel_index(word.trim_matches(['"', '\''])) {
            let url = word.trim_matches(['"', '\'']);
            sink.add(UsageKind::Construct, CUDA_WHEEL_INDEX, at(url), url.len());
        }
    }
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
