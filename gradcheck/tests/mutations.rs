//! The mutation catalog: classic backward bugs planted into copies of ops
//! (custom `Op`s recorded with `Tape::try_apply`). Every mutant must be
//! caught, and every mutant's correct twin must pass — so a catch is the
//! checker seeing the bug, not noise.

mod mutants;

use autograd::{Op, Tape, Var};
use gradcheck::rand::{RngExt, SeedableRng};
use gradcheck::{GradCheck, Report, Rng};
use mutants::*;
use ndarray::Array2;

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
