//! Reading a source file, or saying why not: the scan and the reports
//! that quote a file's lines read it the same way.

use std::io::Read;
use std::path::Path;

/// Default size limit: generated or vendored files beyond it are skipped.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// The text of `path`, or the reason it is skipped: unreadable, larger than
/// `max_bytes`, binary (a NUL byte in the first 8 KiB), or not UTF-8.
pub fn read_source(path: &Path, max_bytes: u64) -> Result<String, String> {
    // Opening a named pipe blocks until a writer comes: look before opening
    // (discovery already skips them; this covers a file swapped since).
    let metadata = std::fs::metadata(path).map_err(|e| format!("cannot read: {e}"))?;
    if !metadata.is_file() {
        return Err("not a regular file".into());
    }
    let mut file = std::fs::File::open(path).map_err(|e| format!("cannot read: {e}"))?;
    let size = file
        .metadata()
        .map_err(|e| format!("cannot read: {e}"))?
        .len();
    if size > max_bytes {
        return Err(format!(
            "larger than the {} KiB limit ({} KiB)",
            max_bytes / 1024,
            size.div_ceil(1024)
        ));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    file.read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read: {e}"))?;
    if bytes[..bytes.len().min(8192)].contains(&0) {
        return Err("binary file".into());
    }
    let bytes = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .map(<[u8]>::to_vec)
        .unwrap_or(bytes);
    let mut bytes = bytes;
    unify_line_breaks(&mut bytes);
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "not UTF-8 (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })
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
    use super::unify_line_breaks;

    #[test]
    fn lone_carriage_returns_become_line_feeds_in_place() {
        let mut bytes = b"a\rb\r\nc\r".to_vec();
        unify_line_breaks(&mut bytes);
        assert_eq!(bytes, b"a\nb\r\nc\n");
    }
}
