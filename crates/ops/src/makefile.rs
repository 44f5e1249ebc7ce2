//! Makefiles: variables assigned and read (`CUDA_HOME ?= ...`,
//! `$(CUDA_HOME)`), the programs recipes run (`nvcc`, `nvidia-smi`), nvcc
//! flags and the CUDA libraries linked (`-lcudart -lcublas -lnccl`), in
//! assignments and recipes alike.

use crate::lines::{
    nvidia_library_path, offset_in, strip_hash_comment, with_offsets, Sink, NVCC_FLAGS,
};
use crate::shell;
use migscan_core::{Usage, UsageKind, NVIDIA_PROGRAMS};

/// Libraries of the CUDA toolkit and NVIDIA's stack, as `-l` names.
const CUDA_LIBRARIES: &[&str] = &[
    "cuda",
    "cudart",
    "cudart_static",
    "cublas",
    "cublasLt",
    "cudnn",
    "nccl",
    "curand",
    "cufft",
    "cusparse",
    "cusolver",
    "nvrtc",
    "nvToolsExt",
    "nvidia-ml",
];

pub fn usages(source: &str) -> Vec<Usage> {
    let mut sink = Sink::new(source);
    let own = own_variables(source);
    let compilers = nvcc_variables(source);
    for (start, line) in with_offsets(source) {
        let code = strip_hash_comment(line);
        if code.trim().is_empty() {
            continue;
        }
        variable_reads(&mut sink, line, code, start, &own);
        if line.starts_with('\t') {
            nvcc_through_variable(&mut sink, line, code, start, &compilers);
            // A recipe line is a shell command line.
            shell::command_line(
                &mut sink,
                line,
                code.trim_start_matches(['\t', '@', '-']),
                start,
                shell::Dialect::MakeRecipe,
            );
        } else if let Some((name, _)) = assignment(code) {
            if shell::is_variable(name) && own.binary_search(&name).is_err() {
                sink.add(
                    UsageKind::EnvVar,
                    name,
                    start + offset_in(line, name),
                    name.len(),
                );
            }
        }
        if !is_message(code) {
            for word in code.split_whitespace() {
                word_usage(&mut sink, start + offset_in(line, word), word);
            }
        }
    }
    sink.usages
}

/// A line that prints a message (`$(info nvcc found)`, `@echo "built with
/// nvcc"`): its words are prose.
fn is_message(code: &str) -> bool {
    let code = code.trim_start_matches(['\t', ' ', '@', '-']);
    ["$(info ", "$(warning ", "$(error ", "echo ", "printf "]
        .iter()
        .any(|start| code.starts_with(start))
}

/// The variable a line assigns and the operator (`NAME = v`, `NAME := v`,
/// `NAME ?= v`, `NAME += v`, `export NAME = v`).
fn assignment(code: &str) -> Option<(&str, &'static str)> {
    let code = code.trim_start();
    let code = code.strip_prefix("export ").unwrap_or(code).trim_start();
    let end = code.find(['=', ':', '?', '+', '!', ' ', '\t'])?;
    let rest = code[end..].trim_start();
    let operator = ["::=", ":=", "?=", "+=", "!=", "="]
        .into_iter()
        .find(|op| rest.starts_with(op))?;
    (end > 0).then(|| (&code[..end], operator))
}

/// The Makefile's own variables: assigned outright (`=`, `:=`, `+=`, ...)
/// somewhere in it. Their names are the project's, not environment
/// variables; one assigned only with `?=` takes the environment's value
/// first (`CUDA_HOME ?= /usr/local/cuda`) and stays an environment variable.
fn own_variables(source: &str) -> Vec<&str> {
    let mut own: Vec<&str> = with_offsets(source)
        .filter(|(_, line)| !line.starts_with('\t'))
        .filter_map(|(_, line)| assignment(strip_hash_comment(line)))
        .filter(|(_, operator)| *operator != "?=")
        .map(|(name, _)| name)
        .collect();
    own.sort_unstable();
    own.dedup();
    own
}

/// Variables the Makefile sets to nvcc (`NVCC := $(shell which nvcc)`,
/// `NVCC = $(CUDA_HOME)/bin/nvcc`): a recipe run through one runs nvcc.
fn nvcc_variables(source: &str) -> Vec<&str> {
    with_offsets(source)
        .filter(|(_, line)| !line.starts_with('\t'))
        .filter_map(|(_, line)| {
            let code = strip_hash_comment(line);
            let (name, _) = assignment(code)?;
            let value = code.split_once('=')?.1;
            value
                .split(|c: char| c.is_whitespace() || c == ')')
                .any(|word| word.rsplit('/').next() == Some("nvcc"))
                .then_some(name)
        })
        .collect()
}

/// The construct a recipe that runs nvcc through one of the Makefile's
/// variables is reported as. It is not the `nvcc` command itself: the
/// program is named where the variable is assigned, so a target whose
/// compiler takes nvcc's command line (hipcc) changes that one line, while
/// one whose toolchain builds differently rewrites every such recipe.
pub const NVCC_RECIPE: &str = "nvcc-recipe";

/// A recipe that starts with `$(NVCC)`: nvcc runs there.
fn nvcc_through_variable(
    sink: &mut Sink,
    line: &str,
    code: &str,
    start: usize,
    compilers: &[&str],
) {
    let Some(first) = code
        .trim_start_matches(['\t', '@', '-', ' '])
        .split_whitespace()
        .next()
    else {
        return;
    };
    let name = first
        .strip_prefix("$(")
        .and_then(|r| r.strip_suffix(')'))
        .or_else(|| first.strip_prefix("${").and_then(|r| r.strip_suffix('}')));
    if name.is_some_and(|n| compilers.contains(&n)) {
        sink.add(
            UsageKind::Construct,
            NVCC_RECIPE,
            start + offset_in(line, first),
            first.len(),
        );
    }
}

/// `$(CUDA_HOME)`, `${NVCC_FLAGS}`: reads of variables the Makefile does
/// not set itself.
fn variable_reads(sink: &mut Sink, line: &str, code: &str, line_start: usize, own: &[&str]) {
    let base = line_start + offset_in(line, code);
    for (at, _) in code.match_indices('$') {
        let rest = &code[at + 1..];
        if !rest.starts_with(['(', '{']) {
            continue;
        }
        let len = rest[1..]
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
            .count();
        let name = &rest[1..1 + len];
        if shell::is_variable(name) && own.binary_search(&name).is_err() {
            sink.add(UsageKind::EnvVar, name, base + at + 2, len);
        }
    }
}

/// nvcc run through a variable (`NVCC = $(CUDA_HOME)/bin/nvcc`), an NVIDIA
/// program run through `$(shell ...)` or named to a function
/// (`$(call file_exists_in_path, nvidia-smi)`), a path into an NVIDIA
/// library, an nvcc flag, a CUDA library linked.
fn word_usage(sink: &mut Sink, at: usize, word: &str) {
    let quotes = ['"', '\'', '(', ')', ','];
    let trimmed = word.trim_start_matches(quotes);
    let at = at + (word.len() - trimmed.len());
    let word = trimmed.trim_end_matches(quotes);
    if let Some(library) = nvidia_library_path(word) {
        sink.add(UsageKind::Construct, library, at, word.len());
        return;
    }
    // `N=$(nvidia-smi` and `$(shell` end in the program's name.
    let program = word.rsplit(['/', '(']).next().unwrap_or(word);
    if NVIDIA_PROGRAMS.contains(&program) {
        let skipped = word.len() - program.len();
        sink.add(UsageKind::Command, program, at + skipped, program.len());
        return;
    }
    let flag = word.split('=').next().unwrap_or(word);
    if NVCC_FLAGS.contains(&flag) {
        sink.add(UsageKind::BuildSetting, flag, at, flag.len());
    } else if word
        .strip_prefix("-l")
        .is_some_and(|library| CUDA_LIBRARIES.contains(&library))
    {
        sink.add(UsageKind::BuildSetting, word, at, word.len());
    }
}
