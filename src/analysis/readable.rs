//! Whether bytes are measured at all: the size limit and the binary check, in the words the
//! report gives. Facts of the bytes (and of the run's `max_file_size`), shared by every path that
//! reads content — `check`, `analyze`, `explain` and the store, which keeps them with each entry
//! so that a hit applies the same checks without reading the bytes. And how bytes become the
//! text that is measured ([`text`]): UTF-16 behind its byte-order mark is read as the characters
//! it holds.

use std::borrow::Cow;
use std::path::Path;

use crate::lang::Language;

/// How much of a file is searched for a NUL byte to call it binary (as git and ripgrep do).
pub const BINARY_PROBE: usize = 8 * 1024;

/// How the reason a side is not measured begins when its bytes could not be read (the error
/// follows).
pub const UNREADABLE: &str = "unreadable: ";

/// The language `bytes` read through `path` are measured as, or why they are not measured under
/// a size limit of `max_size`: too large, then no language (its extension's, or a script's
/// interpreter line's: [`crate::lang::detect`] of its [`text`]), then binary — the order the
/// store's facts answer in (`store::Entry::unmeasurable`), so every command says the same.
pub fn measurable(path: &Path, bytes: &[u8], max_size: u64) -> Result<Language, String> {
    if let Some(reason) = too_large(bytes.len() as u64, max_size) {
        return Err(reason);
    }
    let language = crate::lang::detect(path, &text(bytes))
        .ok_or_else(|| crate::lang::UNSUPPORTED.to_owned())?;
    binary(bytes).map_or(Ok(language), Err)
}

/// Why content of `size` bytes is not measured, if it is over the limit (`max_file_size`, which
/// `analyze --max-file-size` overrides).
pub fn too_large(size: u64, max_size: u64) -> Option<String> {
    (size > max_size)
        .then(|| format!("too large: {size} bytes, over the limit of {max_size} (max_file_size)"))
}

/// Why content is not measured, if it is binary data ([`binary_at`]).
pub fn binary(bytes: &[u8]) -> Option<String> {
    binary_at(bytes).map(binary_reason)
}

/// Where the first NUL byte is, if the content is binary data: its first [`BINARY_PROBE`] bytes
/// hold a NUL byte **and** at least a quarter of them are not text — control characters other
/// than whitespace and escape, or bytes of invalid UTF-8. (git and ripgrep call anything with a
/// NUL binary; for a gate that would let one NUL in a comment, which C, JavaScript and Rust
/// accept, switch the judging of a whole source file off. Text with stray NULs is measured: the
/// NUL is a syntax diagnostic. Images, compressed data and MPEG transport streams named `*.ts` are
/// well above a quarter — random bytes about 55 % — and parsing them would cost seconds per
/// megabyte for no function.)
///
/// Content behind a UTF-16 byte-order mark is text ([`text`]), whatever its NULs.
pub fn binary_at(bytes: &[u8]) -> Option<usize> {
    if utf16_mark(bytes).is_some() {
        return None;
    }
    let probe = &bytes[..bytes.len().min(BINARY_PROBE)];
    let at = probe.iter().position(|b| *b == 0)?;
    (not_text(probe) * 4 >= probe.len()).then_some(at)
}

/// How many bytes of `probe` are not text: control characters other than `\t \n \v \f \r` and
/// escape, DEL, and the bytes of invalid UTF-8 sequences (a character cut at the probe's end
/// counts too; at most 3 bytes).
fn not_text(probe: &[u8]) -> usize {
    let control =
        |b: u8| (b < 0x20 && !matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | 0x1b)) || b == 0x7f;
    probe
        .utf8_chunks()
        .map(|chunk| chunk.valid().bytes().filter(|b| control(*b)).count() + chunk.invalid().len())
        .sum()
}

/// The text `bytes` hold, as UTF-8 for the parser, the marks and the language detection: UTF-16
/// (little- or big-endian) behind its byte-order mark is decoded — Windows PowerShell's `>` and
/// Visual Studio's "Unicode" encoding write it, and its NULs would otherwise make a source file
/// binary, switching its judging off; lines stay the same lines, so line numbers agree. Like
/// invalid UTF-8, which is measured as it is, a unit that is no character (an unpaired
/// surrogate, an odd last byte) becomes U+FFFD: one stray byte must not switch the judging off
/// either. Anything else is the bytes as they are. UTF-32's mark (`FF FE 00 00`) is not taken for
/// UTF-16's.
pub fn text(bytes: &[u8]) -> Cow<'_, [u8]> {
    let Some((rest, little)) = utf16_mark(bytes) else {
        return Cow::Borrowed(bytes);
    };
    let pairs = rest.chunks_exact(2);
    let odd = !pairs.remainder().is_empty();
    let units = pairs.map(|pair| {
        let pair = [pair[0], pair[1]];
        if little {
            u16::from_le_bytes(pair)
        } else {
            u16::from_be_bytes(pair)
        }
    });
    let mut text: String = char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect();
    if odd {
        text.push(char::REPLACEMENT_CHARACTER);
    }
    Cow::Owned(text.into_bytes())
}

/// What follows a UTF-16 byte-order mark, and whether it is little-endian; `None` without one.
fn utf16_mark(bytes: &[u8]) -> Option<(&[u8], bool)> {
    match bytes {
        [0xff, 0xfe, 0, 0, ..] => None,
        [0xff, 0xfe, rest @ ..] => Some((rest, true)),
        [0xfe, 0xff, rest @ ..] => Some((rest, false)),
        _ => None,
    }
}

/// Why content with a NUL byte at `at` is not measured.
pub fn binary_reason(at: usize) -> String {
    format!("binary: NUL byte at offset {at}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_is_a_nul_among_data_not_a_nul_in_text() {
        // Text with stray NULs (a comment, a string) is text.
        assert_eq!(binary_at(b"# \0\ndef f():\n    return 1\n"), None);
        assert_eq!(
            binary_at(b"int x;\0\0\0 /* a comment that is long enough */"),
            None
        );
        // No NUL at all is text, whatever else: Latin-1 source, a lone control character.
        assert_eq!(binary_at(b"\xe9t\xe9\x01\x02\x03"), None);
        // A PNG header, random-looking data, UTF-16: binary, at the first NUL.
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0";
        assert_eq!(binary_at(png), Some(8));
        assert_eq!(
            binary_at(&[0u8, 1, 2, 0xff, 0xfe, 0x80, b'a', b'b']),
            Some(0)
        );
        let utf16: Vec<u8> = "class A {}"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(binary_at(&utf16), Some(1), "no byte-order mark: data");
        // Exactly a quarter is binary; just under is text.
        assert_eq!(binary_at(b"abc\0"), Some(3));
        assert_eq!(binary_at(b"abcd\0"), None);
        // Only the probe counts: text after 8 KiB of data does not make it text.
        let mut data = vec![0u8; BINARY_PROBE];
        data.extend(b"fn main() {}\n".repeat(10_000));
        assert_eq!(binary_at(&data), Some(0));
        assert_eq!(
            binary(b"\0"),
            Some("binary: NUL byte at offset 0".to_owned())
        );
    }

    #[test]
    fn utf16_behind_its_mark_is_text_and_anything_else_is_the_bytes() {
        let source = "// Größe 😀\r\nclass A {}\n";
        let le: Vec<u8> = [0xff, 0xfe]
            .into_iter()
            .chain(source.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let be: Vec<u8> = [0xfe, 0xff]
            .into_iter()
            .chain(source.encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        for bytes in [&le, &be] {
            assert_eq!(text(bytes), source.as_bytes());
            assert_eq!(binary_at(bytes), None);
        }
        assert_eq!(text(b"\xff\xfe"), &b""[..], "a mark alone is empty text");
        // A unit that is no character is U+FFFD, as invalid UTF-8 stays measured: an odd last
        // byte, an unpaired surrogate.
        let odd = [&le[..], b"x"].concat();
        assert_eq!(text(&odd), format!("{source}\u{fffd}").as_bytes());
        let lone = [0xff, 0xfe, 0x00, 0xd8, b'a', 0];
        assert_eq!(text(&lone), "\u{fffd}a".as_bytes());
        assert_eq!((binary_at(&odd), binary_at(&lone)), (None, None));
        // UTF-32's mark, and no mark at all, are the bytes as they are.
        let utf32 = [0xff, 0xfe, 0, 0, b'a', 0, 0, 0];
        assert!(matches!(text(&utf32), Cow::Borrowed(b) if b == utf32));
        assert_eq!(binary_at(&utf32), Some(2));
        assert!(matches!(text(b"fn f() {}"), Cow::Borrowed(_)));
    }
}
