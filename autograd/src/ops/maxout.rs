//! `maxout`: the maximum over `k` pieces, each a contiguous block of columns.
//!
//! * Forward: for `x` of shape m×(k·n), piece `p` is columns `p·n .. (p+1)·n`
//!   and `y[i,j] = max_p x[i, p·n + j]` (shape m×n). A NaN in any piece
//!   makes that output NaN.
//! * Local derivative: `∂y[i,j]/∂x[i, p·n + j] = 1` for the winning piece
//!   and 0 for the others, so backward routes the upstream gradient to the
//!   winner.
//! * Tie rule: when `t` pieces share the maximum each receives `1/t` of the
//!   upstream gradient ([`crate::ties::tie_share`]), so the shares sum to
//!   the upstream gradient; the decision log records the winning piece or
//!   [`crate::ties::Branch::TIE`] ([`crate::ties::max_branch`]). A NaN
//!   output has no winner and routes no gradient.

use ndarray::Array2;

use crate::op::{BackwardCtx, GraphCtx, Op};
use crate::ops::elementwise::chain;
use crate::spec::{Domain, Kink, OpSpec, ShapeRule};
use crate::ties::{self, Branch};
use crate::{Error, Float, Result, Shape, Var};

pub(crate) struct Maxout {
    k: usize,
}

impl Maxout {
    /// The pieces of output element `(i, j)` equal to its value `best`: the
    /// first such piece and how many there are.
    fn winners<F: Float>(&self, x: &Array2<F>, (i, j): (usize, usize), best: F) -> (usize, usize) {
        let n = x.ncols() / self.k;
        let mut first = None;
        let mut tied = 0;
        for p in 0..self.k {
            if ties::is_max(x[[i, p * n + j]], best) {
                first.get_or_insert(p);
                tied += 1;
            }
        }
        (first.unwrap_or(0), tied)
    }

    /// The share of each output's gradient that each input entry receives:
    /// 1 for an outright winner, `1/t` for each of `t` tied pieces
    /// ([`ties::tie_share`]), 0 for the losers; NaN for the NaN pieces of a
    /// NaN output ([`ties::max_share`]).
    fn shares<F: Float>(&self, x: &Array2<F>, y: &Array2<F>) -> Array2<F> {
        let n = y.ncols();
        let mut shares = Array2::zeros(x.raw_dim());
        for ((i, j), &best) in y.indexed_iter() {
            let (_, tied) = self.winners(x, (i, j), best);
            let share = ties::max_share::<F>(best, tied);
            for p in 0..self.k {
                if ties::is_max(x[[i, p * n + j]], best) {
                    shares[[i, p * n + j]] = share;
                }
            }
        }
        shares
    }
}

/// The linear maps between maxout's m×n output and its m×(k·n) input with
/// the routing frozen. `spread` copies each output gradient onto its pieces
/// scaled by their constant share; the other direction (gather) is its
/// transpose, summing the shared pieces back. Each is the other's backward,
/// so maxout's graph backward has derivatives of every order without
/// needing a slicing op.
struct Route<F> {
    /// Per input entry, as from [`Maxout::shares`].
    shares: Array2<F>,
    k: usize,
    spread: bool,
}

impl<F: Float> Route<F> {
    fn apply(&self, v: &Array2<F>, spread: bool) -> Array2<F> {
        let (m, kn) = self.shares.dim();
        let n = kn / self.k;
        // A zero share gives an exact 0 even for an infinite gradient, as the
        // first-order backward always did for losing pieces.
        let part = |g: F, s: F| {
            if s == F::zero() {
                F::zero()
            } else {
                chain(g, s)
            }
        };
        if spread {
            Array2::from_shape_fn((m, kn), |(i, c)| part(v[[i, c % n]], self.shares[[i, c]]))
        } else {
            Array2::from_shape_fn((m, n), |(i, j)| {
                (0..self.k).fold(F::zero(), |acc, p| {
                    acc + part(v[[i, p * n + j]], self.shares[[i, p * n + j]])
                })
            })
        }
    }
}

impl<F: Float> Op<F> for Route<F> {
    fn name(&self) -> &'static str {
        if self.spread {
            "maxout_spread"
        } else {
            "maxout_gather"
        }
    }
    fn output_shape(&self, inputs: &[Shape]) -> Result<Shape> {
        let (m, kn) = self.shares.dim();
        let (narrow, wide) = (Shape::new(m, kn / self.k), Shape::new(m, kn));
        let (expect, out) = if self.spread {
            (narrow, wide)
        } else {
            (wide, narrow)
        };
        if inputs[0] == expect {
            Ok(out)
        } else {
            Err(Error::shape(
                Op::<F>::name(self),
                format!("input is {}, expected {expect}", inputs[0]),
            ))
        }
    }
    fn forward(&mut self, inputs: &[&Array2<F>]) -> Array2<F> {
        self.apply(inputs[0], self.spread)
    }
    fn backward(&self, ctx: &BackwardCtx<'_, F>, _wrt: usize) -> Array2<F> {
        self.apply(ctx.upstream, !self.spread)
    }
    fn backward_graph<'t>(&self, ctx: &GraphCtx<'_, 't, F>, _wrt: usize) -> Option<Var<'t, F>> {
        let reversed = Route {
            shares: self.shares.clone(),
            k: self.k,
            spread: !self.spread,
        };
        Some(ctx.upstream.record_or_panic(reversed, &[ctx.upstream]))
    }
}

impl<F: Float> Op<F> for Maxout {
    fn name(&self) -> &'static str {
        "maxout"
    }
    fn label(&self) -> String {
        format!("maxout[k={}]", self.k)
    }
    fn output_shape(&self, inputs: &[Shape]) -> Result<Shape> {
        let (x, k) = (inputs[0], self.k);
        if k == 0 {
            return Err(Error::argument(
                "maxout",
                "k must be at least 1 piece, got 0",
            ));
        }
        if x.cols % k != 0 {
            return Err(Error::shape(
                "maxout",
                format!(
                    "input is {x}; its {} columns do not split into k = {k} equal pieces",
                    x.cols
                ),
            ));
        }
        Ok(Shape::new(x.rows, x.cols / k))
    }
    fn forward(&mut self, inputs: &[&Array2<F>]) -> Array2<F> {
        let x = inputs[0];
        let n = x.ncols() / self.k;
        Array2::from_shape_fn((x.nrows(), n), |(i, j)| {
            let mut best = x[[i, j]];
            for p in 1..self.k {
                let v = x[[i, p * n + j]];
                // `is_nan` so that a NaN in any piece, not only the first, sticks.
                if v > best || v.is_nan() {
                    best = v;
                }
            }
            best
        })
    }
    fn backward(&self, ctx: &BackwardCtx<'_, F>, _wrt: usize) -> Array2<F> {
        let route = Route {
            shares: self.shares(ctx.inputs[0], ctx.output),
            k: self.k,
            spread: true,
        };
        route.apply(ctx.upstream, true)
    }
    /// The upstream gradient spread over the winning pieces by a [`Route`]
    /// node with the shares frozen: maxout'' = 0 away from ties, but the
    /// result stays differentiable in the upstream gradient.
    fn backward_graph<'t>(&self, ctx: &GraphCtx<'_, 't, F>, _wrt: usize) -> Option<Var<'t, F>> {
        let shares = ctx.inputs[0].with_value(|x| ctx.output.with_value(|y| self.shares(x, y)));
        let route = Route {
            shares,
            k: self.k,
            spread: true,
        };
        Some(ctx.upstream.record_or_panic(route, &[ctx.upstream]))
    }
    fn decisions(&self, inputs: &[&Array2<F>], output: &Array2<F>) -> Option<Vec<Branch>> {
        Some(
            output
                .indexed_iter()
                .map(|(ij, &best)| {
                    let (first, tied) = self.winners(inputs[0], ij, best);
                    ties::max_branch(first, tied)
                })
                .collect(),
        )
    }
}

impl<'t, F: Float> Var<'t, F> {
    /// Maxout over `k` pieces: splits the columns into `k` contiguous
    /// blocks of equal width `n` and takes the elementwise maximum across
    /// them, giving m×n. Tied pieces share the upstream gradient evenly.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// //                        piece 0     piece 1
    /// let x = tape.leaf(array![[1.0, 5.0, 3.0, 2.0]]);
    /// let y = x.maxout(2);
    /// assert_eq!(y.value(), array![[3.0, 5.0]]);
    /// let g = y.backward_with(array![[10.0, 20.0]]);
    /// assert_eq!(g[x], array![[0.0, 20.0, 10.0, 0.0]]);
    /// ```
    ///
    /// # Panics
    /// If `k` is 0 or the column count is not a multiple of `k` (see
    /// [`Var::try_maxout`]).
    #[track_caller]
    pub fn maxout(self, k: usize) -> Var<'t, F> {
        self.record_or_panic(Maxout { k }, &[self])
    }

    /// [`Var::maxout`], returning an argument error for `k = 0` and a shape
    /// error when the columns do not split into `k` pieces.
    #[track_caller]
    pub fn try_maxout(self, k: usize) -> Result<Var<'t, F>> {
        self.record(Maxout { k }, &[self])
    }
}

pub(crate) const SPECS: &[OpSpec] = &[
    OpSpec {
        name: "maxout(k=2)",
        domains: &[Domain::Real],
        shapes: ShapeRule::ColumnGroups(2),
        kink: Kink::Ties,
        apply: |x| x[0].maxout(2),
    },
    OpSpec {
        name: "maxout(k=3)",
        domains: &[Domain::Real],
        shapes: ShapeRule::ColumnGroups(3),
        kink: Kink::Ties,
        apply: |x| x[0].maxout(3),
    },
];

#[cfg(test)]
mod tests {
    use crate::ties::Branch;
    use crate::{Error, Tape};
    use ndarray::array;

    #[test]
    fn two_pieces_with_uneven_upstream() {
        let tape = Tape::new();
        // pieces: columns 0..3 and 3..6
        let x = tape.leaf(array![
            [1.0, -2.0, 3.0, 0.5, -1.0, 4.0],
            [-5.0, 6.0, 0.0, -4.0, 2.0, -1.0]
        ]);
        let y = x.maxout(2);
        assert_eq!(y.value(), array![[1.0, -1.0, 4.0], [-4.0, 6.0, 0.0]]);
        let g = y.backward_with(array![[1.0, 2.0, 3.0], [-1.0, 0.5, 4.0]]);
        assert_eq!(
            g[x],
            array![
                [1.0, 0.0, 0.0, 0.0, 2.0, 3.0],
                [0.0, 0.5, 4.0, -1.0, 0.0, 0.0]
            ]
        );
    }

    #[test]
    fn three_pieces_with_two_and_three_way_ties() {
        let tape = Tape::new();
        // n = 2: pieces are columns {0,1}, {2,3}, {4,5}
        let x = tape.leaf(array![
            [2.0, 1.0, 2.0, 1.0, 0.0, 1.0],
            [7.0, -3.0, 7.0, 9.0, 7.0, 8.0]
        ]);
        let y = x.maxout(3);
        assert_eq!(y.value(), array![[2.0, 1.0], [7.0, 9.0]]);
        let up = array![[4.0, 3.0], [6.0, -2.0]];
        let g = y.backward_with(up.clone());
        assert_eq!(
            g[x],
            array![
                [2.0, 1.0, 2.0, 1.0, 0.0, 1.0],
                [2.0, 0.0, 2.0, -2.0, 2.0, 0.0]
            ]
        );
        // Tied shares sum back to the upstream gradient for every output.
        let gx = &g[x];
        for i in 0..2 {
            for j in 0..2 {
                let total: f64 = (0..3).map(|p| gx[[i, p * 2 + j]]).sum();
                assert_eq!(total, up[[i, j]]);
            }
        }
    }

    #[test]
    fn decision_log_names_the_winning_piece_or_the_tie() {
        let tape = Tape::new();
        tape.record_decisions(true);
        let x = tape.leaf(array![[0.0, 5.0, 3.0, 1.0, 2.0, 5.0]]);
        let y = x.maxout(3);
        assert_eq!(y.value(), array![[3.0, 5.0]]);
        let logs = tape.decision_logs();
        assert_eq!(logs.len(), 1);
        assert_eq!(logs[0].op, "maxout");
        assert_eq!(logs[0].branches, vec![Branch::winner(1), Branch::TIE]);
    }

    #[test]
    fn one_piece_is_the_identity() {
        let tape = Tape::new();
        let x = tape.leaf(array![[1.0, -2.0]]);
        let y = x.maxout(1);
        assert_eq!(y.value(), array![[1.0, -2.0]]);
        assert_eq!(y.backward_with(array![[3.0, 4.0]])[x], array![[3.0, 4.0]]);
    }

    #[test]
    fn nan_in_a_later_piece_propagates() {
        let tape = Tape::new();
        let x = tape.leaf(array![[1.0, f64::NAN]]);
        let y = x.maxout(2);
        assert!(y.value()[[0, 0]].is_nan());
        // The NaN piece gets a NaN gradient (ties.rs), the finite one 0;
        // a zero upstream still gives exactly 0 (invariant 5).
        let g = y.backward_with(array![[2.0]]);
        assert!(g[x][[0, 0]] == 0.0 && g[x][[0, 1]].is_nan(), "{}", g[x]);
        assert_eq!(y.backward_with(array![[0.0]])[x], array![[0.0, 0.0]]);
    }

    #[test]
    fn bad_k_and_bad_widths_are_errors() {
        let tape = Tape::<f64>::new();
        let x = tape.leaf(ndarray::Array2::zeros((2, 5)));
        let e = x.try_maxout(0).unwrap_err();
        assert!(matches!(e, Error::Argument { .. }));
        assert_eq!(e.to_string(), "maxout: k must be at least 1 piece, got 0");
        let e = x.try_maxout(2).unwrap_err();
        assert!(matches!(e, Error::Shape { .. }));
        assert_eq!(
            e.to_string(),
            "maxout: input is 2×5; its 5 columns do not split into k = 2 equal pieces"
        );
    }

    #[test]
    #[should_panic(expected = "maxout: input is 2×5")]
    fn plain_form_panics_with_the_same_message() {
        let tape = Tape::<f64>::new();
        let _ = tape.leaf(ndarray::Array2::zeros((2, 5))).maxout(3);
    }

    #[test]
    fn second_order_through_the_routing_with_a_tie() {
        // s = Σ w ⊙ maxout(x, 2)²: ∇ₓs spreads 2w ⊙ y over the winners
        // (½ each on a tie), and ∂⟨∇s, v⟩/∂x = spread(2w ⊙ gather(v)).
        // Row 0: pieces (1, 5) and (3, 2): the winners are columns 2 and 1.
        // Row 1: pieces (2, 0) and (2, 1): column 0 ties column 2; column 3 wins.
        let tape = Tape::new();
        let x = tape.leaf(array![[1.0, 5.0, 3.0, 2.0], [2.0, 0.0, 2.0, 1.0]]);
        let w = tape.constant(array![[1.0, 2.0], [1.0, 1.0]]);
        let g = (x.maxout(2).square() * w).sum().grad_graph(&[x]).unwrap()[0];
        assert_eq!(
            g.value(),
            array![[0.0, 20.0, 6.0, 0.0], [2.0, 0.0, 2.0, 2.0]]
        );
        let v = tape.constant(array![[1.0, 2.0, 3.0, 4.0], [1.0, 0.0, 3.0, 5.0]]);
        let hv = (g * v).sum().backward();
        // the tie: 2·1·½·(½·1 + ½·3) = 2 on each tied entry
        assert_eq!(hv[x], array![[0.0, 8.0, 6.0, 0.0], [2.0, 0.0, 2.0, 10.0]]);
    }

    #[test]
    fn third_order_goes_through_spread_and_gather() {
        // s = Σ maxout(x, 2)³ with the single winner x₀ = 2: s' = 3x₀² = 12,
        // s'' = 6x₀ = 12, s''' = 6, each on the winning entry only.
        let tape = Tape::new();
        let x = tape.leaf(array![[2.0, -1.0]]);
        let y = x.maxout(2);
        let g1 = (y * y * y).sum().grad_graph(&[x]).unwrap()[0];
        assert_eq!(g1.value(), array![[12.0, 0.0]]);
        let g2 = g1.sum().grad_graph(&[x]).unwrap()[0];
        assert_eq!(g2.value(), array![[12.0, 0.0]]);
        assert_eq!(g2.sum().backward()[x], array![[6.0, 0.0]]);
    }
}
