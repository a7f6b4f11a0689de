//! [`Lbfgs::state`] and [`Lbfgs::restore`]: L-BFGS's curvature pairs and
//! counters as a [`State`], so a resumed run continues bit for bit.
//!
//! The layout is documented on [`Lbfgs::state`].
//!
//! `ρ = 1/yᵀs` is recomputed from the pairs on restore, by the same
//! expression as when they were first stored, so it is bit-identical.

use ndarray::Array2;

use autograd::Float;

use super::{Lbfgs, LbfgsError};
use crate::optim::State;

const KIND: &str = "lbfgs";

impl<F: Float> Lbfgs<F> {
    /// Exports the curvature pairs and counters. Options are not
    /// included: rebuild with the same [`LbfgsOptions`](super::LbfgsOptions)
    /// and [`restore`](Self::restore).
    ///
    /// Layout (kind `"lbfgs"`):
    ///
    /// | entry | what |
    /// |---|---|
    /// | `"s/0"`, `"s/1"`, … | the stored steps `s`, oldest first, each 1×n |
    /// | `"y/0"`, `"y/1"`, … | the matching gradient changes `y`, 1×n |
    /// | scalar `"pairs"` | how many pairs are stored |
    /// | scalar `"iterations"` | accepted steps over all `minimize` calls |
    /// | scalar `"evaluations"` | closure calls over all `minimize` calls |
    /// | scalar `"skipped_pairs"` | pairs skipped over all calls |
    /// | scalar `"loss"` | the loss at the last iterate (absent before the first call) |
    ///
    /// ```
    /// use nn::optim::{Lbfgs, LbfgsOptions};
    /// let mut lbfgs = Lbfgs::new(LbfgsOptions { max_iterations: 3, ..LbfgsOptions::default() }).unwrap();
    /// assert_eq!(lbfgs.state().scalar("loss"), None);
    /// let mut x = [3.0, -1.0];
    /// let report = lbfgs
    ///     .minimize_vec(&mut x, |x| (x[0] * x[0] + 5.0 * x[1] * x[1], vec![2.0 * x[0], 10.0 * x[1]]))
    ///     .unwrap();
    /// let state = lbfgs.state();
    /// assert_eq!(state.scalar("loss"), Some(report.loss));
    /// assert_eq!(state.kind, "lbfgs");
    /// assert_eq!(state.scalar("pairs"), Some(lbfgs.stored_pairs() as f64));
    /// assert_eq!(state.array("s/0").unwrap().dim(), (1, 2));
    ///
    /// let mut resumed = Lbfgs::new(*lbfgs.options()).unwrap();
    /// resumed.restore(&state).unwrap();
    /// assert_eq!(resumed.state(), state);
    /// ```
    pub fn state(&self) -> State<F> {
        let mut state = State::new(KIND);
        for (i, pair) in self.history.pairs().enumerate() {
            let row = |v: &[F]| Array2::from_shape_fn((1, v.len()), |(_, j)| v[j]);
            state.arrays.insert(format!("s/{i}"), row(&pair.s));
            state.arrays.insert(format!("y/{i}"), row(&pair.y));
        }
        let scalars = [
            ("pairs", self.history.len() as f64),
            ("iterations", self.iterations as f64),
            ("evaluations", self.evaluations as f64),
            ("skipped_pairs", self.skipped as f64),
        ];
        for (name, value) in scalars {
            state.scalars.insert(name.into(), value);
        }
        if let Some(loss) = self.loss {
            state.scalars.insert("loss".into(), loss.as_f64());
        }
        state
    }

    /// Replaces the pairs and counters with `state`'s. Refuses (and
    /// changes nothing) a state of another kind, with more pairs than
    /// this optimizer's `history`, with missing, misshapen, unequal-length
    /// or non-finite pairs, or with a pair of non-positive curvature.
    pub fn restore(&mut self, state: &State<F>) -> Result<(), LbfgsError> {
        let bad = |reason: String| Err(LbfgsError::State { reason });
        if state.kind != KIND {
            return bad(format!("kind is {:?}, not {KIND:?}", state.kind));
        }
        let count = |name: &str| -> Result<usize, LbfgsError> {
            match state.scalar(name) {
                Some(v) if v >= 0.0 && v.fract() == 0.0 && v < 2f64.powi(53) => Ok(v as usize),
                Some(v) => Err(LbfgsError::State {
                    reason: format!("scalar {name:?} = {v} is not a count"),
                }),
                None => Err(LbfgsError::State {
                    reason: format!("scalar {name:?} is missing"),
                }),
            }
        };
        let pairs = count("pairs")?;
        if pairs > self.history.capacity() {
            return bad(format!(
                "it holds {pairs} pairs, this optimizer's history is {}",
                self.history.capacity()
            ));
        }
        let mut history = super::History::new(self.history.capacity());
        let mut dim = None;
        for i in 0..pairs {
            let mut vector = |name: String| -> Result<Vec<F>, LbfgsError> {
                let Some(a) = state.array(&name) else {
                    return Err(LbfgsError::State {
                        reason: format!("array {name:?} is missing"),
                    });
                };
                let expected = dim.unwrap_or(a.ncols());
                if a.nrows() != 1 || a.ncols() != expected {
                    return Err(LbfgsError::State {
                        reason: format!(
                            "array {name:?} is {}×{}, expected 1×{expected}",
                            a.nrows(),
                            a.ncols()
                        ),
                    });
                }
                if a.iter().any(|v| !v.is_finite()) {
                    return Err(LbfgsError::State {
                        reason: format!("array {name:?} is not finite"),
                    });
                }
                dim = Some(expected);
                Ok(a.iter().copied().collect())
            };
            let (s, y) = (vector(format!("s/{i}"))?, vector(format!("y/{i}"))?);
            // ε = 0: any pair that was stored had sᵀy > ε‖s‖‖y‖ ≥ 0.
            if !history.push(s, y, F::zero()) {
                return bad(format!("pair {i} has sᵀy ≤ 0"));
            }
        }
        let loss = match state.scalar("loss") {
            Some(l) if l.is_finite() => Some(F::of(l)),
            Some(l) => return bad(format!("scalar \"loss\" = {l} is not finite")),
            None => None,
        };
        let (iterations, evaluations, skipped) = (
            count("iterations")?,
            count("evaluations")?,
            count("skipped_pairs")?,
        );
        self.history = history;
        self.iterations = iterations;
        self.evaluations = evaluations;
        self.skipped = skipped;
        self.loss = loss;
        Ok(())
    }
}
