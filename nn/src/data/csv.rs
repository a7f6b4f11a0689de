//! Numeric CSV: one example per line, one label column (class indices),
//! every other column a feature.
//!
//! Cells are separated by [`CsvOptions::delimiter`] and trimmed; blank
//! lines are skipped (as pandas does); `\r\n` line ends work. Features
//! must parse as finite numbers — `nan` or `inf` is an error, not a value
//! for preprocessing to spread. A label is a non-negative integer (written
//! `3` or `3.0`). Errors name the file and the 1-based line and column,
//! as a compiler does: `digits.csv:12:5: cell "x" is not a finite number`.
//! The label column itself is chosen by 0-based index or by header name.
//!
//! ```
//! use nn::data::csv::{self, CsvOptions, LabelColumn};
//!
//! let text = b"w,h,species\n1.5,2,0\n3,4.25,1\n";
//! let opts = CsvOptions { header: true, label: LabelColumn::Name("species".into()), ..CsvOptions::default() };
//! let ds = csv::from_bytes::<f64>(text, &opts).unwrap();
//! assert_eq!(ds.features(), &ndarray::array![[1.5, 2.0], [3.0, 4.25]]);
//! assert_eq!((ds.classes(), ds.labels().classes()), (2, Some(&[0, 1][..])));
//!
//! let e = csv::from_bytes::<f64>(b"0,1\n1,x\n", &CsvOptions::default()).unwrap_err();
//! assert_eq!(e.to_string(), "<memory>:2:2: cell \"x\" is not a finite number");
//! ```

use std::path::Path;

use autograd::Float;
use ndarray::Array2;

use crate::data::dataset::{Dataset, Labels};
use crate::data::error::{DataError, MEMORY, Result};
use crate::data::file;

/// The largest file read: 1 GiB.
pub const MAX_BYTES: u64 = 1 << 30;

/// The most classes inferred from the labels when
/// [`CsvOptions::classes`] is not given (a stray `1e9` label must not
/// make a billion classes).
pub const MAX_INFERRED_CLASSES: usize = 1 << 16;

/// Which column holds the label.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LabelColumn {
    /// By 0-based position.
    Index(usize),
    /// By name in the header line (needs [`CsvOptions::header`]).
    Name(String),
}

/// How to read a CSV file. The default: label in column 0, no header,
/// comma-separated, class count inferred (largest label + 1), features a
/// flat vector.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CsvOptions {
    /// The label column.
    pub label: LabelColumn,
    /// Whether the first non-blank line is a header of column names.
    pub header: bool,
    /// The cell separator.
    pub delimiter: u8,
    /// The class count; labels must be below it. `None`: inferred.
    pub classes: Option<usize>,
    /// The shape of one example (e.g. `[8, 8]`); `None`: `[D]`.
    pub feature_shape: Option<Vec<usize>>,
}

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions {
            label: LabelColumn::Index(0),
            header: false,
            delimiter: b',',
            classes: None,
            feature_shape: None,
        }
    }
}

/// Loads a CSV file; the data set is named after the path.
///
/// # Errors
/// [`DataError::Io`], [`IsDirectory`](DataError::IsDirectory) and the
/// errors of [`from_bytes`], naming the path.
pub fn load<F: Float>(path: impl AsRef<Path>, opts: &CsvOptions) -> Result<Dataset<F>> {
    let path = path.as_ref();
    let bytes = file::read(path, MAX_BYTES)?;
    parse(&bytes, path, opts)
}

/// Parses CSV bytes in memory; errors name `<memory>`.
///
/// # Errors
/// [`DataError::Empty`] (no data rows), [`Cell`](DataError::Cell) (a cell
/// that is not a number, or not a valid label), [`Ragged`](DataError::Ragged),
/// [`NoSuchColumn`](DataError::NoSuchColumn),
/// [`LabelOutOfRange`](DataError::LabelOutOfRange),
/// [`Invalid`](DataError::Invalid) (no feature column, or a feature shape
/// that does not fit).
pub fn from_bytes<F: Float>(bytes: &[u8], opts: &CsvOptions) -> Result<Dataset<F>> {
    parse(bytes, MEMORY.as_ref(), opts)
}

/// The parser behind both entry points; `file` names the source.
pub(crate) fn parse<F: Float>(bytes: &[u8], file: &Path, opts: &CsvOptions) -> Result<Dataset<F>> {
    let mut lines = bytes
        .split(|&b| b == b'\n')
        .enumerate()
        .map(|(i, l)| (i + 1, l.strip_suffix(b"\r").unwrap_or(l)))
        .filter(|(_, l)| !l.iter().all(u8::is_ascii_whitespace));
    let no_column = |column: String, detail: String| DataError::NoSuchColumn {
        file: file.to_path_buf(),
        column,
        detail,
    };
    let mut width = None;
    let label_col = match (&opts.label, opts.header) {
        (LabelColumn::Name(name), false) => {
            return Err(no_column(
                name.clone(),
                "a column is found by name only in a header line (set `header: true`)".into(),
            ));
        }
        (label, true) => {
            let Some((_, head)) = lines.next() else {
                return Err(DataError::Empty {
                    file: file.to_path_buf(),
                });
            };
            let names: Vec<String> = head
                .split(|&b| b == opts.delimiter)
                .map(|c| {
                    let s = String::from_utf8_lossy(c.trim_ascii());
                    s.trim_matches('"').to_string()
                })
                .collect();
            width = Some(names.len());
            match label {
                LabelColumn::Index(i) => *i,
                LabelColumn::Name(name) => match names.iter().position(|n| n == name) {
                    Some(i) => i,
                    None => {
                        let mut shown = names.iter().take(8).cloned().collect::<Vec<_>>();
                        if names.len() > 8 {
                            shown.push("…".into());
                        }
                        return Err(no_column(
                            name.clone(),
                            format!("the header has {}", shown.join(", ")),
                        ));
                    }
                },
            }
        }
        (LabelColumn::Index(i), false) => *i,
    };
    if let Some(w) = width {
        check_label_column(label_col, w, file)?;
    }
    let mut features: Vec<F> = Vec::new();
    let mut labels: Vec<usize> = Vec::new();
    for (line, text) in lines {
        let mut count = 0;
        for (c, cell) in text.split(|&b| b == opts.delimiter).enumerate() {
            count += 1;
            let cell = cell.trim_ascii();
            if c == label_col {
                labels.push(label(cell, file, line, c + 1, opts.classes)?);
            } else {
                features.push(feature(cell, file, line, c + 1)?);
            }
        }
        let expected = match width {
            Some(w) => w,
            None => {
                // The first row sets the width; it must reach the label.
                check_label_column(label_col, count, file)?;
                *width.insert(count)
            }
        };
        if count != expected {
            return Err(DataError::Ragged {
                file: file.to_path_buf(),
                line,
                found: count,
                expected,
            });
        }
    }
    let rows = labels.len();
    let Some(width) = width.filter(|_| rows > 0) else {
        return Err(DataError::Empty {
            file: file.to_path_buf(),
        });
    };
    let name = file.display().to_string();
    if width < 2 {
        return Err(DataError::invalid(
            &name,
            "no feature columns, only the label",
        ));
    }
    let classes = match opts.classes {
        Some(k) => k,
        None => labels.iter().max().map_or(0, |m| m + 1),
    };
    let shape = opts.feature_shape.clone().unwrap_or(vec![width - 1]);
    let x = match Array2::from_shape_vec((rows, width - 1), features) {
        Ok(x) => x,
        Err(e) => return Err(DataError::invalid(&name, e.to_string())),
    };
    Dataset::new(name, x, Labels::Classes(labels), classes, shape)
}

/// The label column must exist in a row of `width` cells.
fn check_label_column(col: usize, width: usize, file: &Path) -> Result<()> {
    if col < width {
        return Ok(());
    }
    Err(DataError::NoSuchColumn {
        file: file.to_path_buf(),
        column: format!("#{col}"),
        detail: format!("rows have {width} cells (column indices count from 0)"),
    })
}

fn cell_error(
    cell: &[u8],
    file: &Path,
    line: usize,
    column: usize,
    expected: &'static str,
) -> DataError {
    let mut shown: String = String::from_utf8_lossy(cell).chars().take(40).collect();
    if cell.len() > 40 {
        shown.push('…');
    }
    DataError::Cell {
        file: file.to_path_buf(),
        line,
        column,
        cell: shown,
        expected,
    }
}

fn feature<F: Float>(cell: &[u8], file: &Path, line: usize, column: usize) -> Result<F> {
    let value = std::str::from_utf8(cell)
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|v| v.is_finite());
    match value {
        Some(v) => Ok(F::of(v)),
        None => Err(cell_error(cell, file, line, column, "a finite number")),
    }
}

fn label(
    cell: &[u8],
    file: &Path,
    line: usize,
    column: usize,
    classes: Option<usize>,
) -> Result<usize> {
    let value = std::str::from_utf8(cell)
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|v| *v >= 0.0 && v.fract() == 0.0);
    let Some(v) = value else {
        return Err(cell_error(
            cell,
            file,
            line,
            column,
            "a class label (a non-negative integer)",
        ));
    };
    let limit = classes.unwrap_or(MAX_INFERRED_CLASSES);
    if v >= limit as f64 {
        return Err(cell_error(
            cell,
            file,
            line,
            column,
            "a label below the class count (`CsvOptions::classes`, or 65536 when inferred)",
        ));
    }
    // Below `limit`, a usize: the conversion is exact.
    Ok(v as usize)
}
