//! [`Lbfgs::minimize`] and [`Lbfgs::minimize_module`]: L-BFGS over
//! [`Param`]s, flattened into one vector (parameters in list order, each
//! row-major) for the loop in `lbfgs.rs`.

use autograd::{Float, Param};
use ndarray::Array2;

use super::{Lbfgs, LbfgsError, LbfgsReport};
use crate::Module;

impl<F: Float> Lbfgs<F> {
    /// Minimizes over free-standing parameters. `f` reads the parameters
    /// (holding the trial point) and returns the loss and one gradient per
    /// parameter, in the same order and shapes.
    ///
    /// ```
    /// use autograd::{Param, Tape};
    /// use ndarray::array;
    /// use nn::optim::{Lbfgs, LbfgsOptions};
    /// // Least squares: min ‖x w − t‖², w is 2×1.
    /// let (x, t) = (array![[1.0, 0.0], [0.0, 2.0], [1.0, 1.0]], array![[1.0], [4.0], [3.0]]);
    /// let mut w = Param::new("w", array![[0.0_f64], [0.0]]);
    /// let mut lbfgs = Lbfgs::new(LbfgsOptions::default()).unwrap();
    /// lbfgs
    ///     .minimize(&mut [&mut w], |p| {
    ///         let tape = Tape::new();
    ///         let wv = tape.param(p[0]);
    ///         let r = tape.constant(x.clone()).matmul(wv) - tape.constant(t.clone());
    ///         let loss = (r * r).sum();
    ///         let g = loss.backward();
    ///         Ok((loss.item(), vec![g[wv].clone()]))
    ///     })
    ///     .unwrap();
    /// assert!((w.value()[[0, 0]] - 1.0).abs() < 1e-6 && (w.value()[[1, 0]] - 2.0).abs() < 1e-6);
    /// ```
    pub fn minimize(
        &mut self,
        params: &mut [&mut Param<F>],
        mut f: impl FnMut(&[&Param<F>]) -> autograd::Result<(F, Vec<Array2<F>>)>,
    ) -> Result<LbfgsReport<F>, LbfgsError> {
        self.minimize_params(
            params,
            |ps: &mut [&mut Param<F>]| ps.iter_mut().map(|p| &mut **p).collect(),
            |ps| f(&ps.iter().map(|p| &**p).collect::<Vec<_>>()),
        )
    }

    /// Minimizes over a module's parameters ([`Module::params_mut`]
    /// order). `f` gets the module (holding the trial point), so it can run
    /// the forward pass, and returns the loss and one gradient per
    /// parameter in [`Module::params`] order.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::{Array2, array};
    /// use nn::layers::Affine;
    /// use nn::optim::{Lbfgs, LbfgsOptions};
    /// use nn::{Ctx, Module, losses};
    /// // Fit y = 2x − 1 with one affine layer (W is 1×1, b is 1×1).
    /// let (x, y) = (array![[0.0], [1.0], [2.0]], array![[-1.0], [1.0], [3.0]]);
    /// let mut fc = Affine::from_values("fc", array![[0.0_f64]], array![[0.0]]).unwrap();
    /// let mut lbfgs = Lbfgs::new(LbfgsOptions::default()).unwrap();
    /// lbfgs
    ///     .minimize_module(&mut fc, |fc| {
    ///         let tape = Tape::new();
    ///         let mut ctx = Ctx::eval(&tape);
    ///         let prediction = fc.forward(&mut ctx, tape.constant(x.clone()));
    ///         let loss = losses::try_l2_regression(prediction, &y)?;
    ///         let grads = loss.backward();
    ///         let g: Vec<Array2<f64>> = fc.params().iter().map(|p| ctx.grad(&grads, p).unwrap().clone()).collect();
    ///         Ok((loss.item(), g))
    ///     })
    ///     .unwrap();
    /// assert!((fc.weight().value()[[0, 0]] - 2.0).abs() < 1e-4);
    /// assert!((fc.bias().value()[[0, 0]] + 1.0).abs() < 1e-4);
    /// ```
    pub fn minimize_module<M: Module<F> + ?Sized>(
        &mut self,
        model: &mut M,
        f: impl FnMut(&mut M) -> autograd::Result<(F, Vec<Array2<F>>)>,
    ) -> Result<LbfgsReport<F>, LbfgsError> {
        self.minimize_params(model, |m: &mut M| m.params_mut(), f)
    }

    /// The shared body of [`minimize`](Self::minimize) and
    /// [`minimize_module`](Self::minimize_module): `params` lists the
    /// target's parameters, `f` evaluates it.
    fn minimize_params<T: ?Sized>(
        &mut self,
        target: &mut T,
        params: impl for<'a> Fn(&'a mut T) -> Vec<&'a mut Param<F>>,
        mut f: impl FnMut(&mut T) -> autograd::Result<(F, Vec<Array2<F>>)>,
    ) -> Result<LbfgsReport<F>, LbfgsError> {
        let (mut point, layout) = {
            let ps = params(target);
            let layout: Vec<(String, (usize, usize))> = ps
                .iter()
                .map(|p| (p.name().to_string(), p.value().dim()))
                .collect();
            let point: Vec<F> = ps.iter().flat_map(|p| p.value().iter().copied()).collect();
            (point, layout)
        };
        let result = self.run(&mut point, &mut |x, iteration| {
            write(params(target), x);
            let (loss, grads) =
                f(target).map_err(|source| LbfgsError::Closure { iteration, source })?;
            Ok((loss, flatten(&layout, &grads)?))
        });
        write(params(target), &point);
        result
    }
}

/// Writes the flat vector `x` into the parameters, in order, row-major.
fn write<F: Float>(params: Vec<&mut Param<F>>, x: &[F]) {
    let mut rest = x;
    for p in params {
        let len = p.value().len();
        // Lengths match unless the closure reshaped a parameter; then
        // the next gradient-shape check reports it.
        let (mine, tail) = rest.split_at(len.min(rest.len()));
        p.update(|w| w.iter_mut().zip(mine).for_each(|(w, &v)| *w = v));
        rest = tail;
    }
}

/// The gradients flattened like the parameters, after checking their
/// count and shapes against `layout` (name and shape per parameter).
fn flatten<F: Float>(
    layout: &[(String, (usize, usize))],
    grads: &[Array2<F>],
) -> Result<Vec<F>, LbfgsError> {
    if grads.len() != layout.len() {
        return Err(LbfgsError::GradientCount {
            expected: layout.len(),
            got: grads.len(),
        });
    }
    let mut flat = Vec::new();
    for (param, ((name, shape), g)) in layout.iter().zip(grads).enumerate() {
        if g.dim() != *shape {
            return Err(LbfgsError::GradientShape {
                param,
                name: name.clone(),
                expected: *shape,
                got: g.dim(),
            });
        }
        flat.extend(g.iter().copied());
    }
    Ok(flat)
}
