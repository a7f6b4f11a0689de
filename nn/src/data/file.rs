//! Reading a whole file with the checks every loader shares: a directory
//! is refused, an empty file is refused, and a file longer than the
//! loader's limit is refused before a byte of it is read, so memory is
//! bounded by the limit whatever the file claims.

use std::fs;
use std::path::Path;

use crate::data::error::{DataError, Result};

/// The bytes of `path`, at most `max_len` of them.
pub(crate) fn read(path: &Path, max_len: u64) -> Result<Vec<u8>> {
    let io = |source| DataError::Io {
        file: path.to_path_buf(),
        source,
    };
    let meta = fs::metadata(path).map_err(io)?;
    if meta.is_dir() {
        return Err(DataError::IsDirectory {
            file: path.to_path_buf(),
        });
    }
    if meta.len() > max_len {
        return Err(DataError::TooLarge {
            file: path.to_path_buf(),
            size: meta.len(),
            limit: max_len,
        });
    }
    let bytes = fs::read(path).map_err(io)?;
    if bytes.is_empty() {
        return Err(DataError::Empty {
            file: path.to_path_buf(),
        });
    }
    Ok(bytes)
}
