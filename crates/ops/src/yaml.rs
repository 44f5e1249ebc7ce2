//! Kubernetes manifests, Compose files and CI workflows, read line by line:
//! GPU resources and node selectors, images, environment variables, and
//! the commands of `run:`/`command:` lines.

use crate::lines::{nvidia_index_hosts, offset_in, strip_hash_comment, urls, with_offsets, Sink};
use crate::requirements::{package_index, NVIDIA_PACKAGE_INDEX};
use crate::shell::{command_line, Dialect};
use migscan_core::{Usage, UsageKind};

/// A container runtime class (`runtimeClassName: nvidia`).
pub const RUNTIME_CLASS: &str = "runtimeClassName";
/// Compose's NVIDIA container runtime (`runtime: nvidia`).
pub const COMPOSE_RUNTIME: &str = "compose:runtime=nvidia";
/// A Compose device reservation through NVIDIA's driver (`driver: nvidia`).
pub const COMPOSE_DRIVER: &str = "compose:driver=nvidia";
/// A Compose device reservation with a GPU capability (`capabilities: [gpu]`,
/// NVIDIA's `compute`/`utility`, or one per line of a block list).
pub const COMPOSE_GPU: &str = "compose:capabilities=gpu";

pub fn usages(source: &str) -> Vec<Usage> {
    let mut sink = Sink::new(source);
    // Inside a block list under `capabilities:` (one capability per line).
    let mut capabilities = false;
    for (start, line) in with_offsets(source) {
        let code = strip_hash_comment(line);
        let list_item = code.trim_start().starts_with("- ");
        let item = code.trim_start().trim_start_matches("- ").trim_start();
        let Some((key, value)) = split_key(item) else {
            if list_item {
                list_entry(
                    &mut sink,
                    item.trim_end(),
                    start + offset_in(line, item),
                    capabilities,
                );
            } else if !item.is_empty() {
                capabilities = false;
            }
            continue;
        };
        let key_text = key.trim_matches(['"', '\'']);
        let value = value.trim().trim_matches(['"', '\'']);
        capabilities = key_text == "capabilities" && value.is_empty();
        let key_at = start + offset_in(line, key) + usize::from(key.starts_with(['"', '\'']));
        let value_at = |v: &str| start + offset_in(line, v);
        if key_text.starts_with("nvidia.com/") || key_text.contains("accelerator") {
            sink.add(UsageKind::Resource, key_text, key_at, key_text.len());
        } else if key_text == "image" && !value.is_empty() {
            sink.add(UsageKind::Image, value, value_at(value), value.len());
        } else if key_text == RUNTIME_CLASS && !value.is_empty() {
            sink.add(
                UsageKind::Resource,
                format!("{RUNTIME_CLASS}:{value}"),
                value_at(value),
                value.len(),
            );
        } else if let Some(resource) = compose_gpu(key_text, value) {
            sink.add(UsageKind::Resource, resource, value_at(value), value.len());
        } else if key_text == "name" && is_variable(value) {
            sink.add(UsageKind::EnvVar, value, value_at(value), value.len());
        } else if is_variable(key_text) {
            sink.add(UsageKind::EnvVar, key_text, key_at, key_text.len());
        } else if matches!(key_text, "run" | "command" | "script" | "entrypoint")
            && !value.is_empty()
            && !value.starts_with(['|', '>', '['])
        {
            command_line(&mut sink, line, value, start, Dialect::Shell);
        }
        // Index URLs in any value: `EXTRA_INDEX_URL: ${INDEX_URL:-https://...}`.
        for url in urls(value) {
            if let Some(index) = package_index(url) {
                sink.add(UsageKind::Construct, index, value_at(url), url.len());
            }
        }
        for host in nvidia_index_hosts(value) {
            sink.add(
                UsageKind::Construct,
                NVIDIA_PACKAGE_INDEX,
                value_at(host),
                host.len(),
            );
        }
        // Values that name GPU resources, e.g. `resource: nvidia.com/gpu`.
        if value.starts_with("nvidia.com/") {
            sink.add(UsageKind::Resource, value, value_at(value), value.len());
        }
    }
    sink.usages
}

/// The GPU keys of a Compose file: `runtime: nvidia`, a device reservation's
/// `driver: nvidia` and `capabilities: [gpu]`.
fn compose_gpu(key: &str, value: &str) -> Option<&'static str> {
    match key {
        "runtime" if value == "nvidia" => Some(COMPOSE_RUNTIME),
        "driver" if value == "nvidia" => Some(COMPOSE_DRIVER),
        "capabilities"
            if value
                .trim_matches(['[', ']'])
                .split(',')
                .any(|c| is_gpu_capability(c.trim().trim_matches(['"', '\'']))) =>
        {
            Some(COMPOSE_GPU)
        }
        _ => None,
    }
}

/// A device capability that reserves an NVIDIA GPU: Compose's generic `gpu`,
/// or one of the NVIDIA container runtime's driver capabilities
/// (`NVIDIA_DRIVER_CAPABILITIES`: compute, utility, ...).
fn is_gpu_capability(capability: &str) -> bool {
    matches!(
        capability,
        "gpu" | "compute" | "utility" | "graphics" | "video" | "display" | "compat32"
    )
}

/// A list item that is no `key: value`: `- NVIDIA_VISIBLE_DEVICES=all` in a
/// Compose `environment:` list, or `- gpu` under `capabilities:`.
fn list_entry(sink: &mut Sink, item: &str, at: usize, capabilities: bool) {
    let entry = item.trim_matches(['"', '\'']);
    let at = at + usize::from(entry.len() < item.len());
    if capabilities && is_gpu_capability(entry) {
        sink.add(UsageKind::Resource, COMPOSE_GPU, at, entry.len());
    } else if let Some((name, _)) = entry.split_once('=').filter(|(n, _)| is_variable(n)) {
        sink.add(UsageKind::EnvVar, name, at, name.len());
    }
}

/// `key: value` (the value may be empty); keys may be quoted.
fn split_key(item: &str) -> Option<(&str, &str)> {
    let colon = if item.starts_with(['"', '\'']) {
        let quote = &item[..1];
        let close = item[1..].find(quote)? + 1;
        close + item[close..].find(':')?
    } else {
        item.find(": ")
            .or_else(|| item.strip_suffix(':').map(|k| k.len()))?
    };
    let key = item[..colon].trim_end();
    (!key.is_empty() && !key.contains(' ') || key.starts_with(['"', '\'']))
        .then(|| (key, &item[(colon + 1).min(item.len())..]))
}

fn is_variable(name: &str) -> bool {
    name.len() > 1
        && name.contains('_')
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}
