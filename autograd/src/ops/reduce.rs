//! Shared pieces of the reductions (sum, mean, max, log-sum-exp): which axis
//! they run over and the shape that leaves.
//!
//! Results stay 2-D: reducing a `m×n` matrix over all entries gives `1×1`,
//! over axis 0 (down the rows) gives `1×n`, over axis 1 (along each row)
//! gives `m×1`. Backward broadcasts the small upstream gradient back.

use std::fmt;

use crate::{Error, Result, Shape};

/// What a reduction runs over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Over {
    /// Every entry: the result is 1×1.
    All,
    /// Axis 0 (down each column): the result is 1×n.
    Rows,
    /// Axis 1 (along each row): the result is m×1.
    Cols,
}

impl Over {
    /// The reduction over `axis` (0 or 1), or an argument error naming `op`.
    pub fn axis(op: &'static str, axis: usize) -> Result<Over> {
        match axis {
            0 => Ok(Over::Rows),
            1 => Ok(Over::Cols),
            _ => Err(Error::argument(
                op,
                format!("axis must be 0 or 1 for a 2-D matrix, got {axis}"),
            )),
        }
    }

    /// The shape left after reducing `input`.
    pub fn reduced(self, input: Shape) -> Shape {
        match self {
            Over::All => Shape::new(1, 1),
            Over::Rows => Shape::new(1, input.cols),
            Over::Cols => Shape::new(input.rows, 1),
        }
    }

    /// How many entries each output element reduces.
    pub fn count(self, input: Shape) -> usize {
        match self {
            Over::All => input.len(),
            Over::Rows => input.rows,
            Over::Cols => input.cols,
        }
    }

    /// The ndarray axis, if any.
    pub(crate) fn nd_axis(self) -> Option<ndarray::Axis> {
        match self {
            Over::All => None,
            Over::Rows => Some(ndarray::Axis(0)),
            Over::Cols => Some(ndarray::Axis(1)),
        }
    }
}

impl fmt::Display for Over {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Over::All => f.write_str("all"),
            Over::Rows => f.write_str("axis=0"),
            Over::Cols => f.write_str("axis=1"),
        }
    }
}

/// An error for reducing an empty matrix, which has no sum to average and
/// no maximum.
pub(crate) fn nonempty(op: &'static str, input: Shape) -> Result<()> {
    if input.is_empty() {
        Err(Error::shape(
            op,
            format!("cannot reduce an empty {input} matrix"),
        ))
    } else {
        Ok(())
    }
}
