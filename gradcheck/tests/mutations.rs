//! The mutation catalog: classic backward bugs planted into copies of ops
//! (custom `Op`s recorded with `Tape::try_apply`). Every mutant must be
//! caught, and every mutant's correct twin must pass — so a catch is the
//! checker seeing the bug, not noise.

use autograd::ties::{Branch, max_branch};
use autograd::{BackwardCtx, Op, Result, Shape, Tape, Var};
use gradcheck::rand::{RngExt, SeedableRng};
use gradcheck::{GradCheck, Report, Rng};
use ndarray::{Array2, Axis, Zip};

/// An elementwise op from a value function and a derivative `df(x, y)`.
struct Elementwise {
    name: &'static str,
    f: fn(f64) -> f64,
    df: fn(f64, f64) -> f64,
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
struct Mul(u8);
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
struct AddRowBias(u8);
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
struct AddColBias(bool);
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
struct SumAll(bool);
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
struct MatMul(u8);
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
struct RowMax(bool);
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
struct Softmax(bool);
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
struct Dropout {
    mask: Array2<f64>,
    p: f64,
    bug: bool,
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

fn random(shape: (usize, usize), lo: f64, hi: f64, seed: u64) -> Array2<f64> {
    let mut rng = Rng::seed_from_u64(seed);
    Array2::from_shape_simple_fn(shape, || rng.random_range(lo..hi))
}

fn apply<'t, O: Op<f64>>(tape: &'t Tape<f64>, op: O, inputs: &[Var<'t, f64>]) -> Var<'t, f64> {
    tape.try_apply(op, inputs).expect("valid shapes")
}

fn unary(name: &'static str, f: fn(f64) -> f64, df: fn(f64, f64) -> f64, x: Array2<f64>) -> Report {
    GradCheck::new().check(&[("x", x)], move |t, p, _| {
        apply(t, Elementwise { name, f, df }, &[p[0]])
    })
}

type Mutant = (&'static str, fn(bool) -> Report);

fn catalog() -> Vec<Mutant> {
    vec![
        ("sign flip in mul's backward", |bug| {
            GradCheck::new().check(
                &[
                    ("a", random((3, 4), -2.0, 2.0, 1)),
                    ("b", random((3, 4), -2.0, 2.0, 2)),
                ],
                move |t, p, _| apply(t, Mul(if bug { 1 } else { 0 }), &[p[0], p[1]]),
            )
        }),
        (
            "mul ignores the upstream's pattern (uses Σ upstream)",
            |bug| {
                GradCheck::new().check(
                    &[
                        ("a", random((3, 4), -2.0, 2.0, 3)),
                        ("b", random((3, 4), -2.0, 2.0, 4)),
                    ],
                    move |t, p, _| apply(t, Mul(if bug { 2 } else { 0 }), &[p[0], p[1]]),
                )
            },
        ),
        (
            "missing broadcast reduction (bias takes row 0 only)",
            |bug| {
                GradCheck::new().check(
                    &[
                        ("x", random((4, 3), -2.0, 2.0, 5)),
                        ("b", random((1, 3), -1.0, 1.0, 6)),
                    ],
                    move |t, p, _| apply(t, AddRowBias(if bug { 1 } else { 0 }), &[p[0], p[1]]),
                )
            },
        ),
        ("bias gradient averaged instead of summed", |bug| {
            GradCheck::new().check(
                &[
                    ("x", random((4, 3), -2.0, 2.0, 7)),
                    ("b", random((1, 3), -1.0, 1.0, 8)),
                ],
                move |t, p, _| apply(t, AddRowBias(if bug { 2 } else { 0 }), &[p[0], p[1]]),
            )
        }),
        ("column bias reduced over the wrong axis (square)", |bug| {
            GradCheck::new().check(
                &[
                    ("x", random((3, 3), -2.0, 2.0, 9)),
                    ("b", random((3, 1), -1.0, 1.0, 10)),
                ],
                move |t, p, _| apply(t, AddColBias(bug), &[p[0], p[1]]),
            )
        }),
        ("mean's backward in sum (divides by n)", |bug| {
            GradCheck::new().check(&[("x", random((3, 3), -2.0, 2.0, 11))], move |t, p, _| {
                apply(t, SumAll(bug), &[p[0]])
            })
        }),
        ("matmul dA = G·B, transpose forgotten (square)", |bug| {
            GradCheck::new().check(
                &[
                    ("A", random((3, 3), -1.0, 1.0, 12)),
                    ("B", random((3, 3), -1.0, 1.0, 13)),
                ],
                move |t, p, _| apply(t, MatMul(if bug { 1 } else { 0 }), &[p[0], p[1]]),
            )
        }),
        ("matmul dB = A·G, wrong side (square)", |bug| {
            GradCheck::new().check(
                &[
                    ("A", random((3, 3), -1.0, 1.0, 14)),
                    ("B", random((3, 3), -1.0, 1.0, 15)),
                ],
                move |t, p, _| apply(t, MatMul(if bug { 2 } else { 0 }), &[p[0], p[1]]),
            )
        }),
        ("a 0.5% error on one element of dB", |bug| {
            GradCheck::new().check(
                &[
                    ("A", random((3, 4), -1.0, 1.0, 16)),
                    ("B", random((4, 2), -1.0, 1.0, 17)),
                ],
                move |t, p, _| apply(t, MatMul(if bug { 3 } else { 0 }), &[p[0], p[1]]),
            )
        }),
        ("tie double-counted in a row max", |bug| {
            // rows with exact ties: coordinate probes see a kink either way;
            // the uniform-shift probe keeps the ties and sees 2× the slope
            let x = ndarray::array![[1.0, 1.0, 0.5], [0.3, -0.2, 0.3], [2.0, 1.0, -1.0]];
            GradCheck::new().check(&[("x", x)], move |t, p, _| apply(t, RowMax(bug), &[p[0]]))
        }),
        ("relu' = 1 on the wrong side of the kink", |bug| {
            let df: fn(f64, f64) -> f64 = if bug {
                |x, _| if x <= 0.0 { 1.0 } else { 0.0 }
            } else {
                |x, _| if x > 0.0 { 1.0 } else { 0.0 }
            };
            unary("relu", |x| x.max(0.0), df, random((3, 3), -2.0, 2.0, 18))
        }),
        ("dropout backward missing its 1/p", |bug| {
            GradCheck::new().seed(3).check(
                &[("x", random((4, 4), -2.0, 2.0, 19))],
                move |t, p, rng| {
                    let mask = Array2::from_shape_simple_fn((4, 4), || {
                        if rng.random_bool(0.5) { 1.0 } else { 0.0 }
                    });
                    apply(t, Dropout { mask, p: 0.5, bug }, &[p[0]])
                },
            )
        }),
        ("fan-out forgotten: d(x·x)/dx = x instead of 2x", |bug| {
            let df: fn(f64, f64) -> f64 = if bug { |x, _| x } else { |x, _| 2.0 * x };
            unary("square", |x| x * x, df, random((3, 3), -2.0, 2.0, 20))
        }),
        ("softmax Jacobian reduced to its diagonal", |bug| {
            GradCheck::new().check(&[("x", random((3, 4), -2.0, 2.0, 21))], move |t, p, _| {
                apply(t, Softmax(bug), &[p[0]])
            })
        }),
        (
            "exp' computed from the input instead of the output",
            |bug| {
                let df: fn(f64, f64) -> f64 = if bug { |x, _| x } else { |_, y| y };
                unary("exp", f64::exp, df, random((3, 3), -2.0, 2.0, 22))
            },
        ),
        ("tanh' = 1 − x² instead of 1 − y²", |bug| {
            let df: fn(f64, f64) -> f64 = if bug {
                |x, _| 1.0 - x * x
            } else {
                |_, y| 1.0 - y * y
            };
            unary("tanh", f64::tanh, df, random((3, 3), -2.0, 2.0, 23))
        }),
        ("sigmoid' = y instead of y(1 − y)", |bug| {
            let df: fn(f64, f64) -> f64 = if bug { |_, y| y } else { |_, y| y * (1.0 - y) };
            unary(
                "sigmoid",
                |x| 1.0 / (1.0 + (-x).exp()),
                df,
                random((3, 3), -2.0, 2.0, 24),
            )
        }),
        ("sqrt' missing its ½", |bug| {
            let df: fn(f64, f64) -> f64 = if bug { |_, y| 1.0 / y } else { |_, y| 0.5 / y };
            unary("sqrt", f64::sqrt, df, random((3, 3), 0.2, 3.0, 25))
        }),
        ("log' with the wrong sign", |bug| {
            let df: fn(f64, f64) -> f64 = if bug { |x, _| -1.0 / x } else { |x, _| 1.0 / x };
            unary("log", f64::ln, df, random((3, 3), 0.2, 3.0, 26))
        }),
    ]
}

#[test]
fn the_checker_catches_every_mutant_and_passes_every_twin() {
    let catalog = catalog();
    let mut caught = 0;
    let mut problems = Vec::new();
    for (name, run) in &catalog {
        let twin = run(false);
        if !twin.passed() {
            problems.push(format!("correct twin of `{name}` failed:\n{twin}"));
        }
        let mutant = run(true);
        if mutant.passed() {
            problems.push(format!("mutant `{name}` escaped:\n{mutant}"));
        } else {
            caught += 1;
            let worst = mutant.worst(1)[0];
            println!(
                "caught  {name:<55} {} of {} rows fail; worst {} {} rel.err {:.2e}",
                mutant.failures().count(),
                mutant.rows.len(),
                worst.param,
                worst.probe,
                worst.rel_error
            );
        }
    }
    println!(
        "mutation score: {caught}/{} ({:.0}%)",
        catalog.len(),
        100.0 * caught as f64 / catalog.len() as f64
    );
    assert!(catalog.len() >= 12);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
