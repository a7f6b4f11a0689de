//! The results file: append-only JSON Lines, one [`TrialRecord`] per
//! finished trial, written only by the coordinator ([`ResultsFile`]).
//!
//! Each append is one `write_all` of a whole line including its newline,
//! then `fsync` — so a kill (or power loss) leaves at most the *last* line
//! half-written, never a gap or a torn line in the middle. Reading
//! ([`read_results`]) therefore treats the end of the file specially:
//!
//! * bytes after the last newline are a half-written last line: ignored,
//!   and reported in [`Loaded::torn_tail`] — never a parse failure;
//!   [`ResultsFile::open`] cuts them off before appending, so they never
//!   end up in the middle;
//! * a complete line that is not a valid record is
//!   [`TrialsError::Corrupt`] naming its line number: the file was damaged
//!   or edited, and guessing past it could lose or duplicate trials.
//!
//! One coordinator per results file at a time (no lock is taken).

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::error::TrialsError;
use super::record::{TrialRecord, TrialStatus};

/// A half-written last line that a read ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TornTail {
    /// Its line number, counted from 1.
    pub line: usize,
    /// Its length in bytes (all after the last newline).
    pub bytes: usize,
}

/// The records of a results file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Loaded {
    /// Every complete record, in file order.
    pub records: Vec<TrialRecord>,
    /// The half-written last line that was ignored, if any.
    pub torn_tail: Option<TornTail>,
}

impl Loaded {
    /// The last record of trial `hash` (a later record supersedes an
    /// earlier one, as a retried failure does).
    pub fn latest(&self, hash: &str) -> Option<&TrialRecord> {
        self.records.iter().rev().find(|r| r.hash == hash)
    }

    /// Whether trial `hash` is finished: it has a record, and — when
    /// `retry_failed` — its latest record is not [`TrialStatus::Failed`].
    ///
    /// ```
    /// use nn::search::trials::{Loaded, TrialOutcome, TrialRecord, TrialSpec};
    /// let spec = TrialSpec::new(0, 1, serde_json::json!({"lr": 1.0})).unwrap();
    /// let loaded = Loaded { records: vec![TrialRecord::new(&spec, TrialOutcome::failed("oom"), 0.1)],
    ///                       torn_tail: None };
    /// assert!(loaded.is_done(&spec.hash, false)); // a failure is final by default
    /// assert!(!loaded.is_done(&spec.hash, true));
    /// ```
    pub fn is_done(&self, hash: &str, retry_failed: bool) -> bool {
        match self.latest(hash) {
            None => false,
            Some(r) => !(retry_failed && matches!(r.status, TrialStatus::Failed { .. })),
        }
    }
}

/// A JSON Lines file's complete lines, parsed, with their line numbers
/// (from 1); the length in bytes of the complete part; the torn tail.
pub(crate) struct Lines {
    pub values: Vec<(usize, Value)>,
    pub complete: usize,
    pub torn: Option<TornTail>,
}

/// Splits and parses a JSON Lines file (see [`Lines`]).
pub(crate) fn parse_lines(bytes: &[u8], path: &Path) -> Result<Lines, TrialsError> {
    let complete = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let mut values = Vec::new();
    // Without its final newline, the complete part splits into exactly its lines.
    let lines = bytes[..complete.saturating_sub(1)].split(|&b| b == b'\n');
    for (i, line) in lines.enumerate().take_while(|_| complete > 0) {
        match serde_json::from_slice::<Value>(line) {
            Ok(v) => values.push((i + 1, v)),
            Err(e) => {
                return Err(TrialsError::Corrupt {
                    path: path.to_path_buf(),
                    line: i + 1,
                    detail: e.to_string(),
                });
            }
        }
    }
    let tail = bytes.len() - complete;
    let torn = (tail > 0).then_some(TornTail {
        line: values.len() + 1,
        bytes: tail,
    });
    Ok(Lines {
        values,
        complete,
        torn,
    })
}

/// Reads the results file at `path` (a missing file has no records).
///
/// ```
/// let dir = std::env::temp_dir().join(format!("nn-doc-read-results-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let path = dir.join("results.jsonl");
/// std::fs::write(&path, b"{\"hash\": \"half a li").unwrap(); // killed mid-append
/// let loaded = nn::search::trials::read_results(&path).unwrap();
/// assert!(loaded.records.is_empty());
/// assert_eq!(loaded.torn_tail.unwrap().line, 1);
/// std::fs::remove_dir_all(&dir).unwrap();
/// ```
///
/// # Errors
/// [`TrialsError::Io`] if it cannot be read; [`TrialsError::Corrupt`]
/// naming the first complete line that is not a valid record.
pub fn read_results(path: &Path) -> Result<Loaded, TrialsError> {
    Ok(read_with_len(path)?.0)
}

fn read_with_len(path: &Path) -> Result<(Loaded, usize), TrialsError> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(TrialsError::io("read", path, e)),
    };
    let Lines {
        values,
        complete,
        torn: torn_tail,
    } = parse_lines(&bytes, path)?;
    let mut records = Vec::with_capacity(values.len());
    for (line, v) in values {
        match TrialRecord::from_json(&v) {
            Ok(r) => records.push(r),
            Err(e) => {
                return Err(TrialsError::Corrupt {
                    path: path.to_path_buf(),
                    line,
                    detail: e.to_string(),
                });
            }
        }
    }
    let loaded = Loaded { records, torn_tail };
    Ok((loaded, complete))
}

/// The results file, open for appending by the coordinator.
///
/// ```
/// use nn::search::trials::{ResultsFile, TrialOutcome, TrialRecord, TrialSpec};
/// let dir = std::env::temp_dir().join(format!("nn-doc-results-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let path = dir.join("results.jsonl");
/// let spec = TrialSpec::new(0, 1, serde_json::json!({"lr": 0.1})).unwrap();
/// let mut file = ResultsFile::open(&path).unwrap();
/// file.append(&TrialRecord::new(&spec, TrialOutcome::ok(serde_json::json!({})), 0.2)).unwrap();
/// assert!(ResultsFile::open(&path).unwrap().loaded().is_done(&spec.hash, false));
/// std::fs::remove_dir_all(&dir).unwrap();
/// ```
#[derive(Debug)]
pub struct ResultsFile {
    path: PathBuf,
    file: File,
    loaded: Loaded,
}

impl ResultsFile {
    /// Opens (or creates) the results file at `path` and reads it. A
    /// half-written last line is cut off (and reported in
    /// [`loaded`](Self::loaded)`().torn_tail`), so the next append starts
    /// on a fresh line.
    ///
    /// # Errors
    /// As [`read_results`], or [`TrialsError::Io`] if it cannot be opened
    /// or truncated.
    pub fn open(path: &Path) -> Result<Self, TrialsError> {
        let (loaded, complete) = read_with_len(path)?;
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| TrialsError::io("open", path, e))?;
        if loaded.torn_tail.is_some() {
            file.set_len(complete as u64)
                .and_then(|()| file.sync_all())
                .map_err(|e| TrialsError::io("cut the half-written last line of", path, e))?;
        }
        Ok(Self {
            path: path.to_path_buf(),
            file,
            loaded,
        })
    }

    /// The records read at [`open`](Self::open) plus those appended since.
    pub fn loaded(&self) -> &Loaded {
        &self.loaded
    }

    /// Appends `record` as one line: a single `write_all` of the line and
    /// its newline, then `fsync`.
    ///
    /// # Errors
    /// [`TrialsError::Io`] if the write or sync fails.
    pub fn append(&mut self, record: &TrialRecord) -> Result<(), TrialsError> {
        let mut line = record.to_json().to_string();
        line.push('\n');
        self.file
            .write_all(line.as_bytes())
            .and_then(|()| self.file.sync_data())
            .map_err(|e| TrialsError::io("append to", &self.path, e))?;
        self.loaded.records.push(record.clone());
        Ok(())
    }
}
