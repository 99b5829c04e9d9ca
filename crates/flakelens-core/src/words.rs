//! Eight bytes at a time: bit tricks on `u64` words that the worker's wasm, built at
//! opt-level `"z"` (no vectorizing), runs several times faster than byte-by-byte loops.

/// The high bit of every byte of a word.
pub(crate) const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// A word whose eight bytes are all `b`.
pub(crate) const fn splat(b: u8) -> u64 {
    b as u64 * 0x0101_0101_0101_0101
}

/// The zero bytes of `v`, as the high bit (0x80) of each such byte, every other bit clear.
/// Exact: no sum carries from one byte into the next (H. S. Warren, *Hacker's Delight*, 2nd
/// ed., §6-1, the variant without the borrow).
pub(crate) fn zero_bytes(v: u64) -> u64 {
    const LOW_SEVEN_BITS: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    !(((v & LOW_SEVEN_BITS) + LOW_SEVEN_BITS) | v | LOW_SEVEN_BITS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_bytes_flags_each_zero_byte_among_any_neighbours() {
        for filler in [0x00, 0x01, 0x7F, 0x80, 0xFF] {
            for at in 0..8 {
                for b in 0..=255u8 {
                    let mut bytes = [filler; 8];
                    bytes[at] = b;
                    let flags = zero_bytes(u64::from_le_bytes(bytes)).to_le_bytes();
                    assert_eq!(
                        flags,
                        bytes.map(|b| if b == 0 { 0x80 } else { 0 }),
                        "{bytes:02x?}"
                    );
                }
            }
        }
    }
}
