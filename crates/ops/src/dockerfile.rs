//! Dockerfiles: base images, `ENV`/`ARG` variables, and what `RUN` runs.

use crate::lines::{offset_in, with_offsets, Sink};
use crate::shell::{command_line, Dialect};
use migscan_core::{Usage, UsageKind};

pub fn usages(source: &str) -> Vec<Usage> {
    let mut sink = Sink::new(source);
    // Continuation lines (`\` at the end) belong to the instruction above.
    let mut instruction = String::new();
    // Whether the current `FROM` has named its image (`FROM \` puts it on
    // the next line).
    let mut image_named = false;
    for (start, line) in with_offsets(source) {
        let trimmed = line.trim_start();
        if trimmed.starts_with('#') || trimmed.is_empty() {
            continue;
        }
        let continued = !instruction.is_empty();
        let body = line.trim_end().trim_end_matches('\\');
        let (keyword, rest) = if continued {
            (instruction.as_str(), body)
        } else {
            // `RUN\` continues straight after the keyword.
            let keyword_end = trimmed
                .find(|c: char| c.is_whitespace() || c == '\\')
                .unwrap_or(trimmed.len());
            let keyword = trimmed[..keyword_end].to_ascii_uppercase();
            instruction = keyword;
            image_named = false;
            let rest = body
                .get(offset_in(line, trimmed) + keyword_end..)
                .unwrap_or_default();
            (instruction.as_str(), rest)
        };
        match keyword {
            "FROM" if !image_named => image_named = from(&mut sink, line, rest, start),
            "ENV" | "ARG" => variables(
                &mut sink,
                line,
                rest,
                start,
                keyword == "ENV" && !rest.contains('='),
            ),
            "RUN" => command_line(&mut sink, line, rest, start, Dialect::Shell),
            _ => {}
        }
        if !line.trim_end().ends_with('\\') {
            instruction.clear();
        }
    }
    sink.usages
}

/// `FROM [--platform=...] image [AS name]`; whether the image was named.
fn from(sink: &mut Sink, line: &str, rest: &str, line_start: usize) -> bool {
    let Some(image) = rest.split_whitespace().find(|w| !w.starts_with("--")) else {
        return false;
    };
    sink.add(
        UsageKind::Image,
        image,
        line_start + offset_in(line, image),
        image.len(),
    );
    true
}

/// `ENV A=1 B=2`, `ENV A 1` (legacy form: one variable), `ARG A=1`; a
/// value that names an image (`ARG BASE_IMAGE=nvcr.io/nvidia/pytorch:24.01-py3`)
/// is the image a later `FROM ${BASE_IMAGE}` builds on.
fn variables(sink: &mut Sink, line: &str, rest: &str, line_start: usize, legacy: bool) {
    let names: Vec<&str> = if legacy {
        rest.split_whitespace().take(1).collect()
    } else {
        rest.split_whitespace()
            .filter_map(|w| {
                w.split_once('=')
                    .map(|(n, _)| n)
                    .or(Some(w).filter(|w| !w.contains(['"', '\''])))
            })
            .collect()
    };
    if !legacy {
        for value in rest
            .split_whitespace()
            .filter_map(|w| w.split_once('=').map(|(_, v)| v.trim_matches(['"', '\''])))
            .filter(|v| is_image_reference(v))
        {
            sink.add(
                UsageKind::Image,
                value,
                line_start + offset_in(line, value),
                value.len(),
            );
        }
    }
    for name in names {
        if !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            sink.add(
                UsageKind::EnvVar,
                name,
                line_start + offset_in(line, name),
                name.len(),
            );
        }
    }
}

/// `registry/name:tag` or `owner/name`, not a path or URL: `nvidia/cuda:${V}`,
/// `nvcr.io/nvidia/pytorch:24.01-py3`.
fn is_image_reference(value: &str) -> bool {
    let first = value.split('/').next().unwrap_or_default();
    value.contains('/')
        && !value.contains("://")
        && !first.is_empty()
        && !first.starts_with(['$', '.', '~'])
        && first.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'_' | b':')
        })
}
