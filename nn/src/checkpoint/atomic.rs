//! Atomic file replacement: a reader (or a restarted process) sees the old
//! file or the new one, whole, never a mix, even if the writer is killed
//! (`kill -9`) at any instant — `nn/tests/checkpoint_kill.rs` kills a
//! saving process hundreds of times. The two `fsync`s carry this over to
//! a power loss (on file systems that honour them; not testable here).
//!
//! The protocol of [`write_atomic`]:
//!
//! 1. remove leftover temporary files of earlier, interrupted saves of the
//!    same target (`.{file name}.tmp-*` in its directory);
//! 2. write the bytes to a new temporary file `.{file name}.tmp-{pid}-{n}`
//!    *in the same directory* (a rename is atomic only within one file
//!    system);
//! 3. `fsync` it (`File::sync_all`): its data is on disk before its name is;
//! 4. `rename` it over the target — atomic on POSIX: the name points at the
//!    old inode or the new one;
//! 5. `fsync` the directory, so the rename itself survives a power loss.
//!
//! On an error in steps 2–4 the temporary file is removed and the target
//! is untouched. A process killed between 2 and 4 leaves a temporary file,
//! which loaders never read (they open the target by name) and the next
//! save of the same target removes. One writer per target at a time: a
//! second concurrent writer's temporary file could be removed by step 1.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::error::CheckpointError;

/// Distinguishes temporary files of saves within one process.
static NEXT_TEMP: AtomicU64 = AtomicU64::new(0);

/// The directory and file name of `path`.
fn split(path: &Path) -> Result<(PathBuf, String), CheckpointError> {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return Err(CheckpointError::io(
            "save to",
            path,
            std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "the path has no (UTF-8) file name",
            ),
        ));
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Ok((dir, name.to_string()))
}

/// The prefix of every temporary file for target file `name`.
fn temp_prefix(name: &str) -> String {
    format!(".{name}.tmp-")
}

/// The temporary files an interrupted save of `path` left behind.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("nn-doc-temps-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let target = dir.join("last.safetensors");
/// std::fs::write(dir.join(".last.safetensors.tmp-1-0"), b"half a file").unwrap();
/// assert_eq!(nn::checkpoint::temp_files(&target).len(), 1);
/// nn::checkpoint::write_atomic(&target, b"whole").unwrap();
/// assert!(nn::checkpoint::temp_files(&target).is_empty()); // cleaned up by the save
/// assert_eq!(std::fs::read(&target).unwrap(), b"whole");
/// std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn temp_files(path: &Path) -> Vec<PathBuf> {
    let Ok((dir, name)) = split(path) else {
        return Vec::new();
    };
    let prefix = temp_prefix(&name);
    let Ok(entries) = fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.file_name()
                .to_str()
                .is_some_and(|n| n.starts_with(&prefix))
        })
        .map(|e| e.path())
        .collect();
    found.sort();
    found
}

/// Replaces the file at `path` with `bytes`, atomically (the protocol is in
/// the [module doc](self)). The directory must exist.
///
/// # Errors
/// [`CheckpointError::Io`] naming the failed step and path; the target is
/// then as it was and the temporary file removed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), CheckpointError> {
    let (dir, name) = split(path)?;
    for stale in temp_files(path) {
        // Best effort: a file that cannot be removed now is retried next time.
        let _ = fs::remove_file(stale);
    }
    let n = NEXT_TEMP.fetch_add(1, Ordering::Relaxed);
    let temp = dir.join(format!("{}{}-{n}", temp_prefix(&name), std::process::id()));
    let result = write_and_rename(&temp, path, bytes);
    if result.is_err() {
        let _ = fs::remove_file(&temp);
        return result;
    }
    // The rename is done: the new file is in place. Make it durable.
    let sync_dir = File::open(&dir).and_then(|d| d.sync_all());
    sync_dir.map_err(|e| CheckpointError::io("fsync the directory", &dir, e))
}

/// Steps 2–4: write `temp`, sync it, rename it to `path`.
fn write_and_rename(temp: &Path, path: &Path, bytes: &[u8]) -> Result<(), CheckpointError> {
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(temp)
        .map_err(|e| CheckpointError::io("create", temp, e))?;
    file.write_all(bytes)
        .map_err(|e| CheckpointError::io("write", temp, e))?;
    file.sync_all()
        .map_err(|e| CheckpointError::io("fsync", temp, e))?;
    drop(file);
    fs::rename(temp, path).map_err(|e| CheckpointError::io("rename", path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("nn-atomic-{tag}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn replaces_the_file_and_leaves_no_temporary() {
        let dir = scratch("replace");
        let target = dir.join("a.bin");
        write_atomic(&target, b"one").unwrap();
        write_atomic(&target, b"two").unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"two");
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 1);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_failed_rename_keeps_the_target_and_removes_the_temporary() {
        let dir = scratch("fail");
        // A non-empty directory at the target path: the rename fails.
        let target = dir.join("a.bin");
        fs::create_dir_all(target.join("inside")).unwrap();
        let e = write_atomic(&target, b"new").unwrap_err();
        assert!(e.to_string().contains("cannot rename"), "{e}");
        assert!(target.join("inside").is_dir());
        assert!(temp_files(&target).is_empty());
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_missing_directory_is_an_io_error_naming_the_path() {
        let target = std::env::temp_dir().join("nn-no-such-dir-xyz/a.bin");
        let e = write_atomic(&target, b"x").unwrap_err();
        assert!(matches!(e, CheckpointError::Io { op: "create", .. }), "{e}");
        assert!(e.to_string().contains("nn-no-such-dir-xyz"), "{e}");
    }

    #[test]
    fn temporary_files_of_other_targets_are_left_alone() {
        let dir = scratch("others");
        let other = dir.join(".b.bin.tmp-1-0");
        fs::write(&other, b"x").unwrap();
        fs::write(dir.join(".a.bin.tmp-1-0"), b"x").unwrap();
        write_atomic(&dir.join("a.bin"), b"y").unwrap();
        assert!(other.exists());
        assert!(temp_files(&dir.join("a.bin")).is_empty());
        fs::remove_dir_all(&dir).unwrap();
    }
}
