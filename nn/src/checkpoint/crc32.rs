//! CRC-32 (IEEE 802.3, the one of zlib, gzip and PNG), written out: the
//! checkpoint checksum.
//!
//! It detects corruption — a flipped bit, a torn or truncated write, a
//! disk error — not tampering: anyone can recompute it. It is the same
//! function as Python's `zlib.crc32`, so a file can be checked by hand. A
//! hand-written table keeps the crate free of a dependency for 20 lines.

/// The reflected polynomial x³² + x²⁶ + … + 1.
const POLY: u32 = 0xEDB8_8320;

/// One entry per byte value, computed at compile time.
const TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 { POLY ^ (c >> 1) } else { c >> 1 };
            k += 1;
        }
        table[i] = c;
        i += 1;
    }
    table
};

/// A running CRC-32: feed it bytes with [`update`](Crc32::update), read it
/// with [`finish`](Crc32::finish).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Crc32(u32);

impl Crc32 {
    /// The checksum of nothing so far.
    pub(crate) fn new() -> Self {
        Crc32(!0)
    }

    /// Adds `bytes`.
    pub(crate) fn update(&mut self, bytes: &[u8]) {
        let mut c = self.0;
        for &b in bytes {
            c = TABLE[((c ^ u32::from(b)) & 0xFF) as usize] ^ (c >> 8);
        }
        self.0 = c;
    }

    /// The checksum of everything added.
    pub(crate) fn finish(self) -> u32 {
        !self.0
    }
}

#[cfg(test)]
mod tests {
    use super::Crc32;

    fn crc(bytes: &[u8]) -> u32 {
        let mut c = Crc32::new();
        c.update(bytes);
        c.finish()
    }

    #[test]
    fn matches_the_standard_check_values() {
        // The catalogue's check value for CRC-32/ISO-HDLC, and zlib.crc32 of these.
        assert_eq!(crc(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc(b""), 0);
        assert_eq!(
            crc(b"The quick brown fox jumps over the lazy dog"),
            0x414F_A339
        );
    }

    #[test]
    fn is_the_same_fed_in_pieces_and_catches_a_flipped_bit() {
        let data: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
        let mut c = Crc32::new();
        c.update(&data[..333]);
        c.update(&data[333..]);
        assert_eq!(c.finish(), crc(&data));
        let mut flipped = data.clone();
        flipped[500] ^= 0x10;
        assert_ne!(crc(&flipped), crc(&data));
    }
}
