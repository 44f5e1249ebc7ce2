//! Reading a source file, or saying why not: the scan and the reports
//! that quote a file's lines read it the same way.

use std::io::Read;
use std::path::Path;

/// Default size limit: generated or vendored files beyond it are skipped.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// How a file's bytes are decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextEncoding {
    /// UTF-8 (after an optional byte-order mark), as every frontend but
    /// Python's reads it.
    Utf8,
    /// UTF-8, or the encoding a PEP 263 coding cookie (`# -*- coding:
    /// latin-1 -*-` on the first or second line) declares.
    PythonCookie,
}

/// The text of `path`, or the reason it is skipped: unreadable, not a
/// regular file, larger than `max_bytes`, binary (a NUL byte in the first
/// 8 KiB), or not UTF-8 (nor, for Python, the encoding its coding cookie
/// declares).
pub fn read_source(path: &Path, max_bytes: u64, encoding: TextEncoding) -> Result<String, String> {
    // Opening a named pipe blocks until a writer comes: look before opening
    // (discovery already skips them; this covers a file swapped since).
    let metadata = std::fs::metadata(path).map_err(|e| format!("cannot read: {e}"))?;
    if !metadata.is_file() {
        return Err("not a regular file".into());
    }
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read: {e}"))?;
    let size = file
        .metadata()
        .map_err(|e| format!("cannot read: {e}"))?
        .len();
    let too_large = |size: u64| {
        format!(
            "larger than the {} KiB limit ({} KiB)",
            max_bytes / 1024,
            size.div_ceil(1024)
        )
    };
    if size > max_bytes {
        return Err(too_large(size));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    // A file that grows while it is read stops at the limit all the same.
    file.take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read: {e}"))?;
    if bytes.len() as u64 > max_bytes {
        return Err(too_large(bytes.len() as u64));
    }
    if bytes[..bytes.len().min(8192)].contains(&0) {
        return Err("binary file".into());
    }
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    unify_line_breaks(&mut bytes);
    String::from_utf8(bytes).or_else(|e| {
        let at = e.utf8_error().valid_up_to();
        let bytes = e.into_bytes();
        match encoding {
            TextEncoding::PythonCookie => match coding_cookie(&bytes) {
                Some(label) => decode(&bytes, label),
                None => Err(format!("not UTF-8 (invalid byte at offset {at})")),
            },
            TextEncoding::Utf8 => Err(format!("not UTF-8 (invalid byte at offset {at})")),
        }
    })
}

/// The encoding a PEP 263 cookie names: `coding[:=]\s*([-\w.]+)` in a
/// comment on line 1, or on line 2 when line 1 is a comment or blank.
fn coding_cookie(bytes: &[u8]) -> Option<&str> {
    for (i, line) in bytes.split(|&b| b == b'\n').take(2).enumerate() {
        let line = std::str::from_utf8(line).ok()?.trim_start();
        if !line.starts_with('#') {
            if i == 0 && line.trim().is_empty() {
                continue;
            }
            return None;
        }
        if let Some(at) = line.find("coding") {
            let rest = &line[at + "coding".len()..];
            if let Some(rest) = rest.strip_prefix([':', '=']) {
                let name = rest.trim_start();
                let end = name
                    .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
                    .unwrap_or(name.len());
                return (end > 0).then(|| &name[..end]);
            }
        }
    }
    None
}

/// `bytes` decoded as the encoding Python calls `label`.
fn decode(bytes: &[u8], label: &str) -> Result<String, String> {
    let normalized = label.to_ascii_lowercase().replace('_', "-");
    // Python's spellings that the WHATWG label list lacks.
    let whatwg = match normalized.as_str() {
        "latin-1" | "iso8859-1" | "l1" => "latin1",
        "utf8" | "utf-8-sig" => "utf-8",
        "cp936" | "ms936" => "gbk",
        "sjis" | "shift-jis" => "shift_jis",
        other => other,
    };
    let Some(encoding) = encoding_rs::Encoding::for_label(whatwg.as_bytes()) else {
        return Err(format!("unknown encoding `{label}` in its coding cookie"));
    };
    encoding
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(std::borrow::Cow::into_owned)
        .ok_or_else(|| format!("not valid {label}, the encoding its coding cookie declares"))
}

/// Turns each lone `\r` (classic Mac line endings) into `\n`, as Python's
/// and C's tokenizers read it. One byte for one byte, so every offset still
/// points into the file as it is on disk; `\r\n` is left alone.
fn unify_line_breaks(bytes: &mut [u8]) {
    for i in 0..bytes.len() {
        if bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n') {
            bytes[i] = b'\n';
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lone_carriage_returns_become_line_feeds_in_place() {
        let mut bytes = b"a\rb\r\nc\r".to_vec();
        unify_line_breaks(&mut bytes);
        assert_eq!(bytes, b"a\nb\r\nc\n");
    }

    #[test]
    fn python_files_are_decoded_as_their_coding_cookie_says() {
        let latin = b"# -*- coding: latin-1 -*-\ns = 'caf\xe9'\n";
        assert_eq!(coding_cookie(latin), Some("latin-1"));
        assert_eq!(
            decode(latin, "latin-1").unwrap(),
            "# -*- coding: latin-1 -*-\ns = 'caf\u{e9}'\n"
        );
        let gbk = b"#!/usr/bin/env python\n# vim: set fileencoding=gbk :\nx = '\xc4\xe3'\n";
        assert_eq!(coding_cookie(gbk), Some("gbk"));
        assert_eq!(
            decode(gbk, "gbk").unwrap().lines().last(),
            Some("x = '\u{4f60}'")
        );
        assert_eq!(coding_cookie(b"import os\n# coding: latin-1\n"), None);
        assert!(decode(b"x", "klingon")
            .unwrap_err()
            .contains("unknown encoding"));
    }
}
