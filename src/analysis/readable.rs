//! Whether bytes are measured at all: the size limit and the binary check, in the words the
//! report gives. Facts of the bytes (and of the run's `max_file_size`), shared by every path that
//! reads content — `check`, `analyze`, `explain` and the store, which keeps them with each entry
//! so that a hit applies the same checks without reading the bytes.

/// How much of a file is searched for a NUL byte to call it binary (as git and ripgrep do).
pub const BINARY_PROBE: usize = 8 * 1024;

/// Why content of `size` bytes is not measured, if it is over the limit (`max_file_size`, which
/// `analyze --max-file-size` overrides).
pub fn too_large(size: u64, max_size: u64) -> Option<String> {
    (size > max_size)
        .then(|| format!("too large: {size} bytes, over the limit of {max_size} (max_file_size)"))
}

/// Why content is not measured, if it looks binary (a NUL byte early on, as git decides).
pub fn binary(bytes: &[u8]) -> Option<String> {
    binary_at(bytes).map(binary_reason)
}

/// Where the NUL byte that makes content binary is, if it is binary.
pub fn binary_at(bytes: &[u8]) -> Option<usize> {
    bytes.iter().take(BINARY_PROBE).position(|b| *b == 0)
}

/// Why content with a NUL byte at `at` is not measured.
pub fn binary_reason(at: usize) -> String {
    format!("binary: NUL byte at offset {at}")
}
