//! The CSV loader and the embedded digits: round trips with and without a
//! header, and one test per malformed case, each naming file, line and column.

#[path = "data/support.rs"]
mod support;

use std::fs;

use ndarray::array;
use nn::data::csv::{self, CsvOptions, LabelColumn};
use nn::data::{DataError, digits};
use support::*;

fn opts() -> CsvOptions {
    CsvOptions::default()
}

#[test]
fn without_header_round_trips() {
    let dir = temp_dir("csv_plain");
    let path = dir.join("plain.csv");
    fs::write(&path, "2,0.5,-1.25\n0,3e2,4\r\n\n1,  7 ,8\n").unwrap();
    let ds = csv::load::<f64>(&path, &opts()).unwrap();
    assert_eq!(
        ds.features(),
        &array![[0.5, -1.25], [300.0, 4.0], [7.0, 8.0]]
    );
    assert_eq!(ds.labels().classes(), Some(&[2, 0, 1][..]));
    assert_eq!((ds.classes(), ds.feature_shape()), (3, &[2][..]));
    assert_eq!(ds.name(), path.display().to_string());
}

#[test]
fn with_header_and_label_by_name_round_trips() {
    let text = "\"a\",\"b\",\"label\",\"c\"\n1,2,1,3\n4,5,0,6\n";
    let o = CsvOptions {
        header: true,
        label: LabelColumn::Name("label".into()),
        ..opts()
    };
    let ds = csv::from_bytes::<f32>(text.as_bytes(), &o).unwrap();
    assert_eq!(ds.features(), &array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
    assert_eq!(ds.labels().classes(), Some(&[1, 0][..]));
    // The same by index, with a class count and a shape given.
    let o = CsvOptions {
        header: true,
        label: LabelColumn::Index(2),
        classes: Some(5),
        feature_shape: Some(vec![1, 3]),
        ..opts()
    };
    let ds = csv::from_bytes::<f32>(text.as_bytes(), &o).unwrap();
    assert_eq!((ds.classes(), ds.feature_shape()), (5, &[1, 3][..]));
}

#[test]
fn other_delimiters_and_float_labels() {
    let o = CsvOptions {
        delimiter: b';',
        label: LabelColumn::Index(1),
        ..opts()
    };
    let ds = csv::from_bytes::<f32>(b"0.5;1.0\n2;0e0\n", &o).unwrap();
    assert_eq!(ds.labels().classes(), Some(&[1, 0][..]));
}

#[test]
fn digits_are_embedded_with_their_class_counts() {
    let ds = digits::load::<f64>();
    assert_eq!(
        (ds.len(), ds.features().ncols(), ds.name()),
        (1797, 64, "digits")
    );
    assert_eq!(ds.class_counts().unwrap(), digits::CLASS_COUNTS);
    assert_eq!(
        digits::CLASS_COUNTS,
        [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    );
    assert!(
        ds.features()
            .iter()
            .all(|&v| (0.0..=16.0).contains(&v) && v.fract() == 0.0)
    );
    // First row of data/digits.csv: label 0, pixels 0,0,5,13,9,1,0,0.
    assert_eq!(
        ds.image(0)
            .to_owned()
            .into_dimensionality::<ndarray::Ix2>()
            .unwrap()
            .row(0)
            .to_vec(),
        [0.0, 0.0, 5.0, 13.0, 9.0, 1.0, 0.0, 0.0]
    );
    assert!(
        digits::ATTRIBUTION.contains("Alpaydin") && digits::ATTRIBUTION.contains("10.24432/C50P49")
    );
}

fn err(text: &str, o: &CsvOptions) -> DataError {
    csv::from_bytes::<f64>(text.as_bytes(), o).unwrap_err()
}

#[test]
fn a_cell_that_is_not_a_number() {
    let e = err("0,1,2\n1,2,abc\n", &opts());
    assert!(
        matches!(
            e,
            DataError::Cell {
                line: 2,
                column: 3,
                ..
            }
        ),
        "{e}"
    );
    assert_eq!(
        e.to_string(),
        "<memory>:2:3: cell \"abc\" is not a finite number"
    );
}

#[test]
fn a_cell_on_disk_names_the_file() {
    let dir = temp_dir("csv_cell");
    let path = dir.join("bad.csv");
    fs::write(&path, "# comment\n").unwrap();
    let e = csv::load::<f32>(&path, &opts()).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "{}:1:1: cell \"# comment\" is not a class label (a non-negative integer)",
            path.display()
        )
    );
}

#[test]
fn nan_and_infinity_are_refused() {
    assert!(matches!(
        err("0,nan\n", &opts()),
        DataError::Cell { column: 2, .. }
    ));
    assert!(matches!(
        err("0,1\n0,-inf\n", &opts()),
        DataError::Cell { line: 2, .. }
    ));
}

#[test]
fn a_bad_label() {
    for bad in ["-1", "1.5", "x", ""] {
        let e = err(&format!("0,1\n{bad},1\n"), &opts());
        assert!(
            matches!(
                e,
                DataError::Cell {
                    line: 2,
                    column: 1,
                    ..
                }
            ),
            "{bad}: {e}"
        );
    }
}

#[test]
fn a_label_outside_the_class_count() {
    let o = CsvOptions {
        classes: Some(3),
        ..opts()
    };
    let e = err("0,1\n3,1\n", &o);
    assert_eq!(
        e.to_string(),
        "<memory>:2:1: cell \"3\" is not a label below the class count \
         (`CsvOptions::classes`, or 65536 when inferred)"
    );
    // Inferred classes are capped: a stray huge label is not a billion classes.
    assert!(matches!(
        err("0,1\n1000000000,1\n", &opts()),
        DataError::Cell { line: 2, .. }
    ));
}

#[test]
fn a_ragged_row() {
    let e = err("0,1,2\n1,2\n", &opts());
    assert!(
        matches!(
            e,
            DataError::Ragged {
                line: 2,
                found: 2,
                expected: 3,
                ..
            }
        ),
        "{e}"
    );
    assert_eq!(
        e.to_string(),
        "<memory>:2: 2 cells, but the first row has 3"
    );
}

#[test]
fn a_label_column_past_the_last() {
    let o = CsvOptions {
        label: LabelColumn::Index(5),
        ..opts()
    };
    let e = err("0,1,2\n", &o);
    assert_eq!(
        e.to_string(),
        "<memory>: no label column \"#5\": rows have 3 cells (column indices count from 0)"
    );
}

#[test]
fn a_label_name_not_in_the_header() {
    let o = CsvOptions {
        header: true,
        label: LabelColumn::Name("y".into()),
        ..opts()
    };
    let e = err("a,b\n1,2\n", &o);
    assert_eq!(
        e.to_string(),
        "<memory>: no label column \"y\": the header has a, b"
    );
}

#[test]
fn a_label_name_without_a_header() {
    let o = CsvOptions {
        label: LabelColumn::Name("y".into()),
        ..opts()
    };
    assert!(matches!(err("1,2\n", &o), DataError::NoSuchColumn { .. }));
}

#[test]
fn empty_input_and_a_header_alone() {
    for text in ["", "\n\n", "  \r\n"] {
        assert!(
            matches!(err(text, &opts()), DataError::Empty { .. }),
            "{text:?}"
        );
    }
    let o = CsvOptions {
        header: true,
        ..opts()
    };
    assert!(matches!(err("label,x\n", &o), DataError::Empty { .. }));
}

#[test]
fn only_a_label_column() {
    assert_eq!(
        err("0\n1\n", &opts()).to_string(),
        "<memory>: no feature columns, only the label"
    );
}

#[test]
fn a_feature_shape_that_does_not_fit() {
    let o = CsvOptions {
        feature_shape: Some(vec![2, 2]),
        ..opts()
    };
    assert_eq!(
        err("0,1,2,3\n", &o).to_string(),
        "<memory>: feature shape [2, 2] does not give 3 columns"
    );
}

#[test]
fn invalid_utf8_is_a_bad_cell() {
    let e = csv::from_bytes::<f32>(b"0,\xff\xfe\n", &opts()).unwrap_err();
    assert!(
        matches!(
            e,
            DataError::Cell {
                line: 1,
                column: 2,
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn a_directory_where_a_file_was_expected() {
    let dir = temp_dir("csv_dir");
    assert!(matches!(
        csv::load::<f32>(&dir, &opts()).unwrap_err(),
        DataError::IsDirectory { .. }
    ));
}
