//! One optimizer step on a single parameter, through [`nn::optim`] and as
//! a hand-written loop over the same kind of buffers (parameter, gradient,
//! state) — the floor: a step is one memory-bound pass, so the optimizer
//! should cost no more than the loop a person would write.

use autograd::{Float, Param, Tape};
use ndarray::Array2;
use nn::optim::*;

use crate::data::SplitMix;

/// The optimizers benched, by name, at their default hyperparameters.
pub const NAMES: [&str; 6] = ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"];

/// The optimizer called `name` (one of [`NAMES`]), defaults.
pub fn optimizer<F: Float>(name: &str) -> Box<dyn Optimizer<F>> {
    match name {
        "sgd" => Box::new(Sgd::new(SgdConfig::default()).expect("defaults")),
        "momentum" => Box::new(Momentum::new(MomentumConfig::default()).expect("defaults")),
        "nesterov" => Box::new(Nesterov::new(NesterovConfig::default()).expect("defaults")),
        "adagrad" => Box::new(Adagrad::new(AdagradConfig::default()).expect("defaults")),
        "rmsprop" => Box::new(RmsProp::new(RmsPropConfig::default()).expect("defaults")),
        "adam" => Box::new(Adam::new(AdamConfig::default()).expect("defaults")),
        other => panic!("no optimizer {other:?}"),
    }
}

/// A `rows × cols` parameter and its gradients, recorded once on a tape
/// (`loss = Σ w ⊙ c`, so the gradient is `c`) and kept; the tape is reset
/// so the parameter is updated in place.
pub struct Setup<F: Float> {
    /// The parameter.
    pub param: Param<F>,
    /// Its gradient, keyed.
    pub grads: ParamGrads<F>,
}

impl<F: Float> Setup<F> {
    /// A parameter and gradient from a fixed seed.
    pub fn new(rows: usize, cols: usize) -> Self {
        let mut rng = SplitMix::new(11);
        let param = Param::new("W", rng.matrix(rows, cols, 0.1));
        let c: Array2<F> = rng.matrix(rows, cols, 1.0);
        let mut tape = Tape::new();
        let grads = {
            let w = tape.param(&param);
            let loss = (w * tape.constant(c)).sum();
            let mut g = ParamGrads::new(loss.backward());
            g.insert(&param, w.key());
            g
        };
        tape.reset();
        Setup { param, grads }
    }

    /// One step of `opt`.
    pub fn step(&mut self, opt: &mut dyn Optimizer<F>) {
        opt.step(&mut [&mut self.param], &self.grads);
    }

    /// The gradient as a row-major slice.
    pub fn gradient(&self) -> &[F] {
        self.grads
            .get(&self.param)
            .and_then(|g| g.as_slice())
            .expect("a row-major gradient")
    }
}

/// The floor: the same update written by hand as one loop over `x`, `g`
/// and the state vectors, with the default hyperparameters and nothing
/// else (no clipping factor, no decay factor, no lookup).
#[derive(Debug, Clone)]
pub struct Floor<F: Float> {
    name: &'static str,
    x: Vec<F>,
    a: Vec<F>,
    b: Vec<F>,
    t: i32,
}

impl<F: Float> Floor<F> {
    /// State for optimizer `name` over a copy of `x`.
    pub fn new(name: &str, x: &[F]) -> Self {
        let name = NAMES
            .into_iter()
            .find(|n| *n == name)
            .expect("a benched optimizer");
        Floor {
            name,
            x: x.to_vec(),
            a: vec![F::zero(); x.len()],
            b: vec![F::zero(); x.len()],
            t: 0,
        }
    }

    /// The parameter as the floor has updated it.
    pub fn x(&self) -> &[F] {
        &self.x
    }

    /// One hand-written step with gradient `g`.
    pub fn step(&mut self, g: &[F]) {
        let n = self.x.len();
        let (x, g, a, b) = (
            &mut self.x[..n],
            &g[..n],
            &mut self.a[..n],
            &mut self.b[..n],
        );
        let (eps, mu) = (F::of(1e-8), F::of(0.9));
        match self.name {
            "sgd" => {
                let lr = F::of(0.01);
                for i in 0..n {
                    x[i] -= lr * g[i];
                }
            }
            "momentum" => {
                let lr = F::of(0.01);
                for i in 0..n {
                    a[i] = mu * a[i] - lr * g[i];
                    x[i] += a[i];
                }
            }
            "nesterov" => {
                let (lr, mu1) = (F::of(0.01), F::of(1.9));
                for i in 0..n {
                    let prev = a[i];
                    a[i] = mu * a[i] - lr * g[i];
                    x[i] += mu1 * a[i] - mu * prev;
                }
            }
            "adagrad" => {
                let lr = F::of(0.01);
                for i in 0..n {
                    a[i] += g[i] * g[i];
                    x[i] -= lr * g[i] / (a[i].sqrt() + eps);
                }
            }
            "rmsprop" => {
                let (lr, rho, rho1) = (F::of(0.01), F::of(0.99), F::of(1.0 - 0.99));
                for i in 0..n {
                    a[i] = rho * a[i] + rho1 * g[i] * g[i];
                    x[i] -= lr * g[i] / (a[i].sqrt() + eps);
                }
            }
            _ => {
                self.t += 1;
                let (b1, b2) = (0.9_f64, 0.999_f64);
                let c1 = F::of(1.0 / (1.0 - b1.powi(self.t)));
                let c2 = F::of(1.0 / (1.0 - b2.powi(self.t)));
                let (lr, b1c, b2c) = (F::of(1e-3), F::of(1.0 - b1), F::of(1.0 - b2));
                let (b1, b2) = (F::of(b1), F::of(b2));
                for i in 0..n {
                    a[i] = b1 * a[i] + b1c * g[i];
                    b[i] = b2 * b[i] + b2c * g[i] * g[i];
                    x[i] -= lr * (a[i] * c1) / ((b[i] * c2).sqrt() + eps);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_floor_computes_its_optimizers_update() {
        // A fast wrong floor would make the ratio meaningless.
        for name in NAMES {
            let mut setup = Setup::<f64>::new(7, 5);
            let mut floor = Floor::new(name, setup.param.value().as_slice().unwrap());
            let mut opt = optimizer::<f64>(name);
            for _ in 0..3 {
                setup.step(opt.as_mut());
                let g = setup.gradient().to_vec();
                floor.step(&g);
            }
            for (a, b) in setup.param.value().iter().zip(floor.x()) {
                assert!(
                    (a - b).abs() <= 1e-12 * (1.0 + b.abs()),
                    "{name}: {a} vs {b}"
                );
            }
        }
    }
}
