//! Reading a whole file with the checks every loader shares: a directory
//! is refused, an empty file is refused, and no more than the loader's
//! limit is ever read — a file whose length says more is refused before
//! a byte is read, and one whose length says nothing (a device, a pipe:
//! `/dev/zero` reports 0 and never ends) is cut one byte past the limit —
//! so memory is bounded by the limit whatever the file claims.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use crate::data::error::{DataError, Result};

/// The bytes of `path`, at most `max_len` of them.
pub(crate) fn read(path: &Path, max_len: u64) -> Result<Vec<u8>> {
    let io = |source| DataError::Io {
        file: path.to_path_buf(),
        source,
    };
    let mut file = File::open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if meta.is_dir() {
        return Err(DataError::IsDirectory {
            file: path.to_path_buf(),
        });
    }
    let too_large = |size| DataError::TooLarge {
        file: path.to_path_buf(),
        size,
        limit: max_len,
    };
    if meta.len() > max_len {
        return Err(too_large(Some(meta.len())));
    }
    // Sized by the metadata (checked against the limit above) plus the one
    // byte that proves the end, as `fs::read` does: no regrowth.
    let mut bytes = Vec::with_capacity(meta.len() as usize + 1);
    (&mut file)
        .take(max_len.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > max_len {
        return Err(too_large(None));
    }
    if bytes.is_empty() {
        return Err(DataError::Empty {
            file: path.to_path_buf(),
        });
    }
    Ok(bytes)
}
