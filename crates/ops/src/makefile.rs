//! Makefiles: variables assigned and read (`CUDA_HOME ?= ...`,
//! `$(CUDA_HOME)`), the programs recipes run (`nvcc`, `nvidia-smi`), nvcc
//! flags and the CUDA libraries linked (`-lcudart -lcublas -lnccl`), in
//! assignments and recipes alike.

use crate::lines::{offset_in, strip_hash_comment, with_offsets, Sink, NVCC_FLAGS};
use crate::shell;
use migscan_core::{Usage, UsageKind};

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
    for (start, line) in with_offsets(source) {
        let code = strip_hash_comment(line);
        if code.trim().is_empty() {
            continue;
        }
        variable_reads(&mut sink, line, code, start);
        if line.starts_with('\t') {
            // A recipe line is a shell command line.
            shell::command_line(
                &mut sink,
                line,
                code.trim_start_matches(['\t', '@', '-']),
                start,
            );
        } else if let Some(name) = assigned_variable(code) {
            if shell::is_variable(name) {
                sink.add(
                    UsageKind::EnvVar,
                    name,
                    start + offset_in(line, name),
                    name.len(),
                );
            }
        }
        for word in code.split_whitespace() {
            word_usage(&mut sink, start + offset_in(line, word), word);
        }
    }
    sink.usages
}

/// The variable a line assigns (`NAME = v`, `NAME := v`, `NAME ?= v`,
/// `NAME += v`, `export NAME = v`).
fn assigned_variable(code: &str) -> Option<&str> {
    let code = code.trim_start();
    let code = code.strip_prefix("export ").unwrap_or(code).trim_start();
    let end = code.find(['=', ':', '?', '+', '!', ' ', '\t'])?;
    let rest = code[end..].trim_start();
    let assigns = ["=", ":=", "::=", "?=", "+=", "!="]
        .iter()
        .any(|op| rest.starts_with(op));
    (end > 0 && assigns).then(|| &code[..end])
}

/// `$(CUDA_HOME)`, `${NVCC_FLAGS}`.
fn variable_reads(sink: &mut Sink, line: &str, code: &str, line_start: usize) {
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
        if shell::is_variable(name) {
            sink.add(UsageKind::EnvVar, name, base + at + 2, len);
        }
    }
}

/// nvcc run through a variable (`NVCC = $(CUDA_HOME)/bin/nvcc`) or
/// nvidia-smi through `$(shell ...)`, an nvcc flag, a CUDA library linked.
fn word_usage(sink: &mut Sink, at: usize, word: &str) {
    let quotes = ['"', '\'', '(', ')'];
    let trimmed = word.trim_start_matches(quotes);
    let at = at + (word.len() - trimmed.len());
    let word = trimmed.trim_end_matches(quotes);
    let program = word.rsplit('/').next().unwrap_or(word);
    if matches!(program, "nvcc" | "nvidia-smi") {
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
