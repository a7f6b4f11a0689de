//! Copies of ops with planted backward bugs (and their correct twins), for
//! the mutation catalog in `mutations.rs`.

use autograd::ties::{Branch, max_branch};
use autograd::{BackwardCtx, Op, Result, Shape};
use ndarray::{Array2, Axis, Zip};

/// An elementwise op from a value function and a derivative `df(x, y)`.
pub struct Elementwise {
    pub name: &'static str,
    pub f: fn(f64) -> f64,
    pub df: fn(f64, f64) -> f64,
}

impl Op<f64> for Elementwise {
    fn name(&self) -> &'static str {
        self.name
    }
    fn output_shape(&self, s: &[Shape]) -> Result<Shape> {
        Ok(s[0])
    }
    fn forward(&mut self, x: &[&Array2<f64>]) -> Array2<f64> {
        x[0].mapv(self.f)
    }
    fn backward(&self, c: &BackwardCtx<'_, f64>, _: usize) -> Array2<f64> {
        Zip::from(c.upstream)
            .and(c.inputs[0])
            .and(c.output)
            .map_collect(|&g, &x, &y| g * (self.df)(x, y))
    }
    fn decisions(&self, x: &[&Array2<f64>], _: &Array2<f64>) -> Option<Vec<Branch>> {
        (self.name == "relu").then(|| {
            x[0].iter()
                .map(|&v| autograd::ties::sign_branch(v))
                .collect()
        })
    }
}

/// Elementwise `a ⊙ b` (same shapes) with optional bugs.
pub struct Mul(pub u8);
impl Op<f64> for Mul {
    fn name(&self) -> &'static str {
        "mul"
    }
    fn output_shape(&self, s: &[Shape]) -> Result<Shape> {
        Ok(s[0])
    }
    fn forward(&mut self, x: &[&Array2<f64>]) -> Array2<f64> {
        x[0] * x[1]
    }
    fn backward(&self, c: &BackwardCtx<'_, f64>, wrt: usize) -> Array2<f64> {
        let other = c.inputs[1 - wrt];
        match self.0 {
            1 => -(c.upstream * other),    // sign flip
            2 => other * c.upstream.sum(), // ignores the upstream's pattern
            _ => c.upstream * other,
        }
    }
}

/// `x (m×n) + b (1×n)` with the bias gradient reduced right or wrongly.
pub struct AddRowBias(pub u8);
impl Op<f64> for AddRowBias {
    fn name(&self) -> &'static str {
        "add_bias"
    }
    fn output_shape(&self, s: &[Shape]) -> Result<Shape> {
        Ok(s[0])
    }
    fn forward(&mut self, x: &[&Array2<f64>]) -> Array2<f64> {
        x[0] + x[1]
    }
    fn backward(&self, c: &BackwardCtx<'_, f64>, wrt: usize) -> Array2<f64> {
        if wrt == 0 {
            return c.upstream.clone();
        }
        match self.0 {
            1 => c.upstream.row(0).to_owned().insert_axis(Axis(0)), // only row 0: no reduction
            2 => c.upstream.mean_axis(Axis(0)).unwrap().insert_axis(Axis(0)), // mean, not sum
            _ => c.upstream.sum_axis(Axis(0)).insert_axis(Axis(0)),
        }
    }
}

/// `x (n×n) + b (n×1)`: the column bias summed over the wrong axis (square,
/// so the shapes still agree).
pub struct AddColBias(pub bool);
impl Op<f64> for AddColBias {
    fn name(&self) -> &'static str {
        "add_col_bias"
    }
    fn output_shape(&self, s: &[Shape]) -> Result<Shape> {
        Ok(s[0])
    }
    fn forward(&mut self, x: &[&Array2<f64>]) -> Array2<f64> {
        x[0] + x[1]
    }
    fn backward(&self, c: &BackwardCtx<'_, f64>, wrt: usize) -> Array2<f64> {
        match (wrt, self.0) {
            (0, _) => c.upstream.clone(),
            (_, true) => c.upstream.sum_axis(Axis(0)).insert_axis(Axis(1)),
            (_, false) => c.upstream.sum_axis(Axis(1)).insert_axis(Axis(1)),
        }
    }
}

/// Sum of all entries; the bug divides by the count (mean's backward).
pub struct SumAll(pub bool);
impl Op<f64> for SumAll {
    fn name(&self) -> &'static str {
        "sum"
    }
    fn output_shape(&self, _: &[Shape]) -> Result<Shape> {
        Ok(Shape::new(1, 1))
    }
    fn forward(&mut self, x: &[&Array2<f64>]) -> Array2<f64> {
        Array2::from_elem((1, 1), x[0].sum())
    }
    fn backward(&self, c: &BackwardCtx<'_, f64>, _: usize) -> Array2<f64> {
        let g = c.upstream[[0, 0]];
        let n = c.inputs[0].len() as f64;
        Array2::from_elem(c.inputs[0].dim(), if self.0 { g / n } else { g })
    }
}

/// `A·B` with planted bugs in either gradient.
pub struct MatMul(pub u8);
impl Op<f64> for MatMul {
    fn name(&self) -> &'static str {
        "matmul"
    }
    fn output_shape(&self, s: &[Shape]) -> Result<Shape> {
        Ok(Shape::new(s[0].rows, s[1].cols))
    }
    fn forward(&mut self, x: &[&Array2<f64>]) -> Array2<f64> {
        x[0].dot(x[1])
    }
    fn backward(&self, c: &BackwardCtx<'_, f64>, wrt: usize) -> Array2<f64> {
        let (a, b, g) = (c.inputs[0], c.inputs[1], c.upstream);
        match (wrt, self.0) {
            (0, 1) => g.dot(b), // forgot the transpose (square shapes hide it)
            (0, _) => g.dot(&b.t()),
            (_, 2) => a.dot(g), // wrong side and no transpose
            (_, 3) => {
                let mut d = a.t().dot(g);
                d[[0, 0]] *= 1.005; // a 0.5% error on one element
                d
            }
            (_, _) => a.t().dot(g),
        }
    }
}

/// Max over each row (m×n → m×1), with ties split evenly — or double-counted.
pub struct RowMax(pub bool);
impl Op<f64> for RowMax {
    fn name(&self) -> &'static str {
        "row_max"
    }
    fn output_shape(&self, s: &[Shape]) -> Result<Shape> {
        Ok(Shape::new(s[0].rows, 1))
    }
    fn forward(&mut self, x: &[&Array2<f64>]) -> Array2<f64> {
        x[0].map_axis(Axis(1), |r| r.fold(f64::NEG_INFINITY, |m, &v| m.max(v)))
            .insert_axis(Axis(1))
    }
    fn backward(&self, c: &BackwardCtx<'_, f64>, _: usize) -> Array2<f64> {
        let (x, y, g) = (c.inputs[0], c.output, c.upstream);
        let mut d = Array2::zeros(x.dim());
        for (i, row) in x.outer_iter().enumerate() {
            let tied = row.iter().filter(|&&v| v == y[[i, 0]]).count();
            let share = if self.0 { 1.0 } else { 1.0 / tied as f64 };
            for (j, &v) in row.iter().enumerate() {
                if v == y[[i, 0]] {
                    d[[i, j]] = g[[i, 0]] * share;
                }
            }
        }
        d
    }
    fn decisions(&self, x: &[&Array2<f64>], y: &Array2<f64>) -> Option<Vec<Branch>> {
        Some(
            x[0].outer_iter()
                .enumerate()
                .map(|(i, row)| {
                    let winners: Vec<usize> =
                        (0..row.len()).filter(|&j| row[j] == y[[i, 0]]).collect();
                    max_branch(winners[0], winners.len())
                })
                .collect(),
        )
    }
}

/// Row-wise softmax; the bug keeps only the Jacobian's diagonal.
pub struct Softmax(pub bool);
impl Op<f64> for Softmax {
    fn name(&self) -> &'static str {
        "softmax"
    }
    fn output_shape(&self, s: &[Shape]) -> Result<Shape> {
        Ok(s[0])
    }
    fn forward(&mut self, x: &[&Array2<f64>]) -> Array2<f64> {
        let mut y = x[0].clone();
        for mut row in y.outer_iter_mut() {
            let m = row.fold(f64::NEG_INFINITY, |m, &v| m.max(v));
            row.mapv_inplace(|v| (v - m).exp());
            let s = row.sum();
            row.mapv_inplace(|v| v / s);
        }
        y
    }
    fn backward(&self, c: &BackwardCtx<'_, f64>, _: usize) -> Array2<f64> {
        let (y, g) = (c.output, c.upstream);
        if self.0 {
            return g * &y.mapv(|p| p * (1.0 - p));
        }
        let dot = (g * y).sum_axis(Axis(1)).insert_axis(Axis(1));
        y * &(g - &dot)
    }
}

/// Inverted dropout `x ⊙ mask / p`; the bug forgets `1/p` in backward.
pub struct Dropout {
    pub mask: Array2<f64>,
    pub p: f64,
    pub bug: bool,
}
impl Op<f64> for Dropout {
    fn name(&self) -> &'static str {
        "dropout"
    }
    fn output_shape(&self, s: &[Shape]) -> Result<Shape> {
        Ok(s[0])
    }
    fn forward(&mut self, x: &[&Array2<f64>]) -> Array2<f64> {
        x[0] * &self.mask / self.p
    }
    fn backward(&self, c: &BackwardCtx<'_, f64>, _: usize) -> Array2<f64> {
        let d = c.upstream * &self.mask;
        if self.bug { d } else { d / self.p }
    }
}
