//! Byte scans that decide how text is written or read: how much of a text JSON writes as is,
//! whether a CSV field must be quoted, where an unquoted CSV value ends, which characters HTML
//! replaces. Every cell goes through them, so they look at sixteen bytes at a time (SSE2, which
//! every x86-64 processor has), with a portable version of the same answers elsewhere.

/// The length of the longest prefix of `bytes` that JSON writes as is (no control character,
/// `"` or `\`): the index of the first byte to escape, or the length when there is none.
pub fn json_plain_len(bytes: &[u8]) -> usize {
    first(bytes, Class::Json)
}

/// The bytes that make a CSV field need quotes: the separator, the quote and line breaks.
pub const CSV_QUOTED: &[u8] = b",\"\n\r";

/// The bytes that end an unquoted CSV value: the separator and line breaks.
pub const CSV_VALUE_END: &[u8] = b",\n\r";

/// True when `bytes` holds one of [`CSV_QUOTED`]: a CSV field with such text is quoted.
pub fn needs_csv_quotes(bytes: &[u8]) -> bool {
    first_of(bytes, CSV_QUOTED) < bytes.len()
}

/// The index of the first byte of `bytes` that is in `set`, or the length when there is none.
/// `set` holds at most eight bytes, none of them a space.
#[inline]
pub fn first_of(bytes: &[u8], set: &'static [u8]) -> usize {
    debug_assert!(set.len() <= 8 && !set.contains(&b' '));
    first(bytes, Class::Any(set))
}

#[derive(Clone, Copy)]
enum Class {
    /// Control characters, `"` and `\`.
    Json,
    /// The bytes listed.
    Any(&'static [u8]),
}

impl Class {
    #[cfg(any(test, not(target_arch = "x86_64")))]
    fn test(self, b: u8) -> bool {
        match self {
            Class::Json => b < 0x20 || b == b'"' || b == b'\\',
            Class::Any(set) => set.contains(&b),
        }
    }
}

/// The index of the first byte of `class` in `bytes`, or its length.
#[cfg(target_arch = "x86_64")]
#[inline]
fn first(bytes: &[u8], class: Class) -> usize {
    let mask = |block: &[u8; 16]| match class {
        Class::Json => sse2::json_mask(block),
        Class::Any(set) => sse2::any_mask(block, set),
    };
    let len = bytes.len();
    if len < 16 {
        // Short text is padded with spaces, which no class holds.
        let mut block = [b' '; 16];
        block[..len].copy_from_slice(bytes);
        let m = mask(&block);
        return if m == 0 {
            len
        } else {
            m.trailing_zeros() as usize
        };
    }
    let mut at = 0;
    while at + 16 <= len {
        let m = mask(bytes[at..at + 16].try_into().expect("a 16-byte block"));
        if m != 0 {
            return at + m.trailing_zeros() as usize;
        }
        at += 16;
    }
    if at == len {
        return len;
    }
    // The last block overlaps bytes already seen to be plain, so its first hit is new.
    let tail = len - 16;
    let m = mask(bytes[tail..].try_into().expect("a 16-byte block"));
    if m == 0 {
        len
    } else {
        tail + m.trailing_zeros() as usize
    }
}

/// The index of the first byte of `class` in `bytes`, or its length.
#[cfg(not(target_arch = "x86_64"))]
fn first(bytes: &[u8], class: Class) -> usize {
    bytes
        .iter()
        .position(|&b| class.test(b))
        .unwrap_or(bytes.len())
}

/// SSE2 is part of x86-64 itself: every processor this module is compiled for has it, which is
/// what makes calling its instructions sound.
#[cfg(target_arch = "x86_64")]
mod sse2 {
    use std::arch::x86_64::{
        _mm_cmpeq_epi8, _mm_loadu_si128, _mm_max_epu8, _mm_movemask_epi8, _mm_or_si128,
        _mm_set1_epi8, _mm_setzero_si128,
    };

    /// Bit `i` set when byte `i` is a control character, `"` or `\`.
    pub(super) fn json_mask(block: &[u8; 16]) -> u32 {
        // SAFETY: SSE2 is always present on x86-64 (see the module), and `block` is sixteen
        // readable bytes, which this unaligned load reads and no more.
        unsafe {
            let v = _mm_loadu_si128(block.as_ptr().cast());
            // A byte is at most 0x1f exactly when raising it to at least 0x1f leaves 0x1f.
            let limit = _mm_set1_epi8(0x1f);
            let control = _mm_cmpeq_epi8(_mm_max_epu8(v, limit), limit);
            let quote = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'"' as i8));
            let backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\\' as i8));
            _mm_movemask_epi8(_mm_or_si128(control, _mm_or_si128(quote, backslash))) as u32
        }
    }

    /// Bit `i` set when byte `i` is one of `set`.
    #[inline]
    pub(super) fn any_mask(block: &[u8; 16], set: &[u8]) -> u32 {
        // SAFETY: as in `json_mask`.
        unsafe {
            let v = _mm_loadu_si128(block.as_ptr().cast());
            let found = set.iter().fold(_mm_setzero_si128(), |found, &b| {
                _mm_or_si128(found, _mm_cmpeq_epi8(v, _mm_set1_epi8(b as i8)))
            });
            _mm_movemask_epi8(found) as u32
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sets the project scans for, and one of a single byte.
    const SETS: [&[u8]; 5] = [CSV_QUOTED, CSV_VALUE_END, b"&<>\"'", b"&<>\"'/", b"\\"];

    /// The answers byte by byte, which the block scans must give.
    fn reference(bytes: &[u8], class: Class) -> usize {
        bytes
            .iter()
            .position(|&b| class.test(b))
            .unwrap_or(bytes.len())
    }

    #[test]
    fn block_scans_agree_with_the_byte_by_byte_answer() {
        // Every special byte of either class, and bytes on both sides of the limits, at every
        // offset of texts of every length up to a few blocks, over plain or non-ASCII text.
        let probes: Vec<u8> = (0u8..=0x21)
            .chain([
                b',', b'"', b'\\', b'\n', b'\r', b'&', b'<', b'>', b'\'', b'/', 0x7f, 0x80, 0x9f,
                0xc3, 0xff,
            ])
            .collect();
        for filler in [b'a', 0xa9u8, b' '] {
            for len in 0..70 {
                let base = vec![filler; len];
                assert_eq!(json_plain_len(&base), reference(&base, Class::Json));
                assert_eq!(
                    needs_csv_quotes(&base),
                    reference(&base, Class::Any(CSV_QUOTED)) < len
                );
                for at in 0..len {
                    for &p in &probes {
                        let mut text = base.clone();
                        text[at] = p;
                        // A second special byte further on must not hide the first.
                        if at + 5 < len {
                            text[at + 5] = b'"';
                        }
                        assert_eq!(
                            json_plain_len(&text),
                            reference(&text, Class::Json),
                            "{text:?}"
                        );
                        assert_eq!(
                            needs_csv_quotes(&text),
                            reference(&text, Class::Any(CSV_QUOTED)) < len,
                            "{text:?}"
                        );
                        for set in SETS {
                            assert_eq!(
                                first_of(&text, set),
                                reference(&text, Class::Any(set)),
                                "{set:?} in {text:?}"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn seeded_random_texts_agree_with_the_byte_by_byte_answer() {
        let mut rng = fastrand::Rng::with_seed(7);
        for _ in 0..20_000 {
            let len = rng.usize(0..200);
            // Mostly plain bytes, with a special one now and then.
            let text: Vec<u8> = (0..len)
                .map(|_| {
                    if rng.u8(0..40) == 0 {
                        rng.u8(..)
                    } else {
                        rng.u8(0x20..0x7f).max(b'#')
                    }
                })
                .collect();
            assert_eq!(json_plain_len(&text), reference(&text, Class::Json));
            assert_eq!(
                needs_csv_quotes(&text),
                reference(&text, Class::Any(CSV_QUOTED)) < len
            );
            for set in SETS {
                assert_eq!(first_of(&text, set), reference(&text, Class::Any(set)));
            }
        }
    }
}
