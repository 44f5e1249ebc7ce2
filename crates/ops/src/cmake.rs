//! CMake: the CUDA language, CUDA packages and targets, `CMAKE_CUDA_*` and
//! `CUDA_*` variables, nvcc flags and the legacy `cuda_add_*` commands.

use crate::lines::{Sink, NVCC_FLAGS};
use migscan_core::{Usage, UsageKind};

/// The CUDA language enabled (`project(... LANGUAGES CUDA)`,
/// `enable_language(CUDA)`, `LANGUAGE CUDA` source properties).
pub const CUDA_LANGUAGE: &str = "cmake:language=CUDA";

pub fn usages(source: &str) -> Vec<Usage> {
    let mut sink = Sink::new(source);
    for command in commands(source) {
        let name = command.name.to_ascii_lowercase();
        if name.starts_with("cuda_") {
            sink.add(
                UsageKind::BuildSetting,
                format!("cmake:{name}"),
                command.name_at,
                command.name.len(),
            );
        }
        let mut previous = "";
        let mut languages = name == "enable_language";
        for &(at, arg) in &command.args {
            languages |= matches!(arg, "LANGUAGES" | "LANGUAGE");
            classify(&mut sink, &name, previous, languages, arg, at);
            previous = arg;
        }
    }
    sink.usages
}

/// `languages`: the argument follows `LANGUAGES`/`LANGUAGE` or is an
/// argument of `enable_language`.
fn classify(sink: &mut Sink, command: &str, previous: &str, languages: bool, arg: &str, at: usize) {
    let bare = arg.trim_start_matches("${").trim_end_matches('}');
    let offset = at + (arg.len() - arg.trim_start_matches("${").len());
    if languages && arg == "CUDA" {
        sink.add(UsageKind::BuildSetting, CUDA_LANGUAGE, at, arg.len());
    } else if command == "find_package" && previous.is_empty() {
        sink.add(
            UsageKind::BuildSetting,
            format!("cmake:find_package={arg}"),
            at,
            arg.len(),
        );
    } else if bare.starts_with("CUDA::")
        || bare.starts_with("CMAKE_CUDA_")
        || bare.starts_with("CUDA_")
        || bare == "TORCH_CUDA_ARCH_LIST"
    {
        let end = bare
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
            .unwrap_or(bare.len());
        sink.add(UsageKind::BuildSetting, &bare[..end], offset, end);
    } else {
        let flag = arg.split('=').next().unwrap_or(arg);
        if NVCC_FLAGS.contains(&flag) {
            sink.add(UsageKind::BuildSetting, flag, at, flag.len());
        }
    }
}

/// One command invocation: its name and arguments with byte offsets.
struct Command<'s> {
    name: &'s str,
    name_at: usize,
    args: Vec<(usize, &'s str)>,
}

/// The command invocations of a CMake file, skipping `#` comments; quoted
/// arguments are split into words too (flag lists are often quoted).
fn commands(source: &str) -> Vec<Command<'_>> {
    let bytes = source.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'#' {
            while i < bytes.len() && bytes[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        if !(c.is_ascii_alphabetic() || c == b'_') {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
            i += 1;
        }
        let name = &source[start..i];
        while i < bytes.len() && (bytes[i] == b' ' || bytes[i] == b'\t') {
            i += 1;
        }
        if bytes.get(i) != Some(&b'(') {
            continue;
        }
        let mut depth = 0;
        let mut args = Vec::new();
        let mut word_start = None;
        let mut in_quote = false;
        while i < bytes.len() {
            let b = bytes[i];
            let separator = b.is_ascii_whitespace()
                || b == b';'
                || (!in_quote && matches!(b, b'(' | b')'))
                || b == b'"';
            if separator {
                if let Some(s) = word_start.take() {
                    args.push((s, &source[s..i]));
                }
            } else if b == b'#' && !in_quote {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            } else if word_start.is_none() {
                word_start = Some(i);
            }
            match b {
                b'"' => in_quote = !in_quote,
                b'(' if !in_quote => depth += 1,
                b')' if !in_quote => {
                    depth -= 1;
                    if depth == 0 {
                        i += 1;
                        break;
                    }
                }
                _ => {}
            }
            i += 1;
        }
        out.push(Command {
            name,
            name_at: start,
            args,
        });
    }
    out
}
