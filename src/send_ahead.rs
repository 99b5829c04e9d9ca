//! When the page sends the worker the next file it has read: how many files, and how many
//! bytes, may wait for the worker's answers together.
//!
//! Two files are always let go ahead of their answers, the one the worker reads and the next,
//! which waits in the worker's queue while the page reads a third; more only while those sent
//! add up to at most [`AHEAD_BYTES`] and number fewer than [`AHEAD_FILES`]. At 500 files of
//! 1.6 MB the worker waited 0.7 s of 5.0 for the next file when each was sent only once the
//! previous one's answer had come. With one large file let go at a time it still waited, for
//! that file's answer to reach the page and the next file to come back: at 50 files of 6.6 MB,
//! 13–37% of its time during the load; with two, 0–3%, and the load took about 8% less (the
//! median of eleven alternated pairs; BENCHMARKS.md, "The next file waits in the worker's
//! queue"). A file waiting in the
//! worker's queue is a transferred `ArrayBuffer`, JavaScript's memory, not the worker's wasm
//! memory. Cancel stops after the files the worker has: for files of more than 2 MiB, the one
//! it reads and the next.

/// Bytes of files that may wait for the worker together, beyond [`ALWAYS_AHEAD`] files.
const AHEAD_BYTES: usize = 4 << 20;

/// Files that may wait for the worker together, however small.
const AHEAD_FILES: usize = 8;

/// Files sent whatever their size: the one the worker reads and the next, in its queue.
const ALWAYS_AHEAD: usize = 2;

/// True when a file of `size` bytes must wait for the oldest answer before it is sent, after
/// files of `sent` sizes (bytes) whose answers are still to come.
pub fn must_wait(sent: impl ExactSizeIterator<Item = usize>, size: usize) -> bool {
    let files = sent.len();
    let bytes: usize = sent.sum();
    files >= ALWAYS_AHEAD && (files >= AHEAD_FILES || bytes.saturating_add(size) > AHEAD_BYTES)
}

#[cfg(test)]
mod tests {
    const MIB: usize = 1 << 20;

    /// Whether a file of `size` bytes waits after files of `sent` sizes.
    fn waits(sent: &[usize], size: usize) -> bool {
        super::must_wait(sent.iter().copied(), size)
    }

    #[test]
    fn a_file_goes_whatever_its_size_while_fewer_than_two_are_sent() {
        assert!(!waits(&[], 700 * MIB));
        // The file the worker reads and the next, waiting in its queue.
        assert!(!waits(&[7 * MIB], 7 * MIB));
        assert!(!waits(&[7 * MIB], 300 * MIB));
        assert!(waits(&[7 * MIB, 7 * MIB], 7 * MIB));
        assert!(waits(&[7 * MIB, 7 * MIB], 1));
    }

    #[test]
    fn small_files_go_ahead_up_to_4_mib_or_8_files() {
        // 3.5 MiB sent and 0.5 MiB more is 4 MiB, the limit itself.
        assert!(!waits(&[MIB / 2; 7], MIB / 2));
        assert!(waits(&[MIB / 2; 7], MIB / 2 + 1));
        assert!(waits(&[MIB / 2, MIB], 3 * MIB));
        assert!(!waits(&[MIB / 2, MIB], 2 * MIB));
        assert!(!waits(&[1; 7], 1));
        assert!(waits(&[1; 8], 1));
    }
}
