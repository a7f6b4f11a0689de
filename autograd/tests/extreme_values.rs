//! Golden extreme-value table: forward values and gradients at the edges of
//! the floating-point range, in both `f32` and `f64`.
//!
//! Each row of [`CASES`] is one 1×1 input `x`, an upstream gradient `g`, and
//! the true `f(x)` and `g·f'(x)` (computed to 40 digits with mpmath and
//! rounded to f64). Every row runs in both types: the input and both
//! expectations are rounded to the type, so a true value beyond `f32`'s
//! range expects `±∞` there and a finite value in `f64` from the same row.
//! The checks:
//!
//! * an infinite expectation must be matched exactly (overflow is the true
//!   answer, and it must not become NaN);
//! * a finite expectation must be matched to a relative `1e-5` (`f32`) or
//!   `1e-13` (`f64`), plus two subnormal steps for results in the subnormal
//!   range — and so must never be NaN or ±∞.
//!
//! Rows with `Up::ZeroMask` take the gradient of `Σ f(x) ⊙ 0` instead: a
//! branch masked out downstream must give an exact zero gradient even where
//! `f'` is infinite (√x and ln x at 0, 1/x at 0).

use autograd::registry::all_ops;
use autograd::{Float, Tape, Var};
use ndarray::{Array2, array};
use std::f64::consts::LN_2;

/// The function a row applies.
#[derive(Debug, Clone, Copy)]
enum Fun {
    Exp,
    Log,
    Sqrt,
    Tanh,
    Sigmoid,
    Square,
    /// `c / x` (the `div` op with a constant numerator).
    Over(f64),
    /// `x / d` (the `div` op with a constant divisor).
    DivBy(f64),
    /// `x^p`.
    Powf(f64),
}

impl Fun {
    fn apply<'t, F: Float>(self, x: Var<'t, F>) -> Var<'t, F> {
        let constant = |c: f64| x.tape().constant(Array2::from_elem((1, 1), F::of(c)));
        match self {
            Fun::Exp => x.exp(),
            Fun::Log => x.log(),
            Fun::Sqrt => x.sqrt(),
            Fun::Tanh => x.tanh(),
            Fun::Sigmoid => x.sigmoid(),
            Fun::Square => x.square(),
            Fun::Over(c) => constant(c).div(x),
            Fun::DivBy(d) => x.div(constant(d)),
            Fun::Powf(p) => x.powf(F::of(p)),
        }
    }
}

/// How the gradient reaches `f(x)`.
#[derive(Debug, Clone, Copy)]
enum Up {
    /// `backward_with([[g]])` on `f(x)` itself.
    G(f64),
    /// `(f(x) ⊙ 0).sum().backward()`: a branch masked out downstream.
    ZeroMask,
}

/// Which types a row runs in.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Types {
    Both,
    /// The input underflows to 0 in `f32`, where the row would test a
    /// different point (the `f32` edge has its own row).
    F64,
}

/// How the gradient is compared.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Grad {
    /// To the type's relative tolerance, as the value.
    Exact,
    /// Known deviation: the backward reads the slope from the saturated
    /// output (`1 − y²`, `y(1 − y)` with `y` rounded to ±1), so a true
    /// slope below ε comes out as 0. Accepted to an absolute `ε·|g|`.
    Saturated,
}

/// One row of the table.
struct Case {
    name: &'static str,
    fun: Fun,
    x: f64,
    up: Up,
    value: f64,
    grad: f64,
    types: Types,
    check: Grad,
}

const fn row(name: &'static str, fun: Fun, x: f64, up: Up, value: f64, grad: f64) -> Case {
    Case {
        name,
        fun,
        x,
        up,
        value,
        grad,
        types: Types::Both,
        check: Grad::Exact,
    }
}

const INF: f64 = f64::INFINITY;
/// 2⁻¹⁴⁹, the smallest positive `f32` (subnormal); exact in `f64` too.
const F32_TINIEST: f64 = 1.401298464324817e-45;
/// 2⁻¹⁰⁷⁴, the smallest positive `f64` (subnormal).
const F64_TINIEST: f64 = 5e-324;

use Fun::*;
use Up::*;

#[rustfmt::skip]
const CASES: &[Case] = &[
    //   name                        fun           x               up          f(x)                      g·f'(x)
    // exp: the largest finite results of each type, overflow, underflow
    row("exp(88)",                   Exp,          88.0,           G(1.0),     1.6516362549940018e38,    1.6516362549940018e38),
    row("exp(88.5)",                 Exp,          88.5,           G(1.0),     2.7230878250681117e38,    2.7230878250681117e38),
    row("exp(89): f32 overflows",    Exp,          89.0,           G(1.0),     4.4896128191743455e38,    4.4896128191743455e38),
    row("exp(709)",                  Exp,          709.0,          G(1.0),     8.218407461554972e307,    8.218407461554972e307),
    row("exp(710) overflows",        Exp,          710.0,          G(1.0),     INF,                      INF),
    row("exp(50) g=2",               Exp,          50.0,           G(2.0),     5.184705528587072e21,     1.0369411057174144e22),
    row("exp(-50)",                  Exp,          -50.0,          G(1.0),     1.9287498479639178e-22,   1.9287498479639178e-22),
    row("exp(-87)",                  Exp,          -87.0,          G(1.0),     1.6458114310822737e-38,   1.6458114310822737e-38),
    row("exp(-740) f64 subnormal",   Exp,          -740.0,         G(1.0),     4.2e-322,                 4.2e-322),
    row("exp(-1000) underflows",     Exp,          -1000.0,        G(1.0),     0.0,                      0.0),
    row("exp(-1e4) g=1e30",          Exp,          -1e4,           G(1e30),    0.0,                      0.0),
    row("exp(0) g=3",                Exp,          0.0,            G(3.0),     1.0,                      3.0),
    // tanh: saturation
    row("tanh(1e4)",                 Tanh,         1e4,            G(1.0),     1.0,                      0.0),
    row("tanh(-1e4)",                Tanh,         -1e4,           G(1.0),     -1.0,                     0.0),
    row("tanh(1e4) g=1e30",          Tanh,         1e4,            G(1e30),    1.0,                      0.0),
    row("tanh(+inf)",                Tanh,         INF,            G(1.0),     1.0,                      0.0),
    row("tanh(1e-20)",               Tanh,         1e-20,          G(1.0),     1e-20,                    1.0),
    row("tanh(0.5)",                 Tanh,         0.5,            G(1.0),     0.46211715726000974,      0.7864477329659274),
    Case { check: Grad::Saturated, ..row("tanh(-20)", Tanh, -20.0, G(1.0), -1.0, 1.6993417021166355e-17) },
    // sigmoid: saturation on both sides
    row("sigmoid(1e4)",              Sigmoid,      1e4,            G(1.0),     1.0,                      0.0),
    row("sigmoid(-1e4)",             Sigmoid,      -1e4,           G(1.0),     0.0,                      0.0),
    row("sigmoid(-inf)",             Sigmoid,      -INF,           G(1.0),     0.0,                      0.0),
    row("sigmoid(-50)",              Sigmoid,      -50.0,          G(1.0),     1.9287498479639178e-22,   1.9287498479639178e-22),
    row("sigmoid(-87)",              Sigmoid,      -87.0,          G(1.0),     1.6458114310822737e-38,   1.6458114310822737e-38),
    row("sigmoid(-20)",              Sigmoid,      -20.0,          G(1.0),     2.0611536181902037e-9,    2.061153613941849e-9),
    row("sigmoid(0) g=4",            Sigmoid,      0.0,            G(4.0),     0.5,                      1.0),
    Case { check: Grad::Saturated, ..row("sigmoid(50)", Sigmoid, 50.0, G(1.0), 1.0, 1.9287498479639178e-22) },
    // log: near 0 (f32 subnormal included) and large
    row("log(1e-30)",                Log,          1e-30,          G(1.0),     -69.07755278982137,       1e30),
    row("log(1e-30) g=1e-10",        Log,          1e-30,          G(1e-10),   -69.07755278982137,       1e20),
    row("log(1e-38) f32 subnormal",  Log,          1e-38,          G(1.0),     -87.49823353377374,       1e38),
    row("log(2^-149)",               Log,          F32_TINIEST,    G(1.0),     -103.27892990343184,      7.1362384635298e44),
    row("log(1e30)",                 Log,          1e30,           G(1.0),     69.07755278982137,        1e-30),
    row("log(3e38)",                 Log,          3e38,           G(1.0),     88.59684582244185,        3.3333333333333333e-39),
    row("log(1) g=5",                Log,          1.0,            G(5.0),     0.0,                      5.0),
    row("log(0) g=0",                Log,          0.0,            G(0.0),     -INF,                     0.0),
    row("log(0) zero mask",          Log,          0.0,            ZeroMask,   -INF,                     0.0),
    Case { types: Types::F64, ..row("log(1e-300)", Log, 1e-300, G(1.0), -690.7755278982137, 1e300) },
    Case { types: Types::F64, ..row("log(2^-1074)", Log, F64_TINIEST, G(1.0), -744.4400719213812, INF) },
    // sqrt: tiny, huge, and the infinite slope at 0
    row("sqrt(1e-30)",               Sqrt,         1e-30,          G(1.0),     1e-15,                    5e14),
    row("sqrt(1e-38) f32 subnormal", Sqrt,         1e-38,          G(1.0),     1e-19,                    5e18),
    row("sqrt(1e-300)",              Sqrt,         1e-300,         G(1.0),     1e-150,                   5e149),
    row("sqrt(1e38)",                Sqrt,         1e38,           G(1.0),     1e19,                     5e-20),
    row("sqrt(0) g=1",               Sqrt,         0.0,            G(1.0),     0.0,                      INF),
    row("sqrt(0) g=0",               Sqrt,         0.0,            G(0.0),     0.0,                      0.0),
    row("sqrt(0) zero mask",         Sqrt,         0.0,            ZeroMask,   0.0,                      0.0),
    // division by tiny numbers, and by zero behind a zero gradient
    row("1/1e-15",                   Over(1.0),    1e-15,          G(1.0),     1e15,                     -1e30),
    row("1/-1e-15",                  Over(1.0),    -1e-15,         G(1.0),     -1e15,                    -1e30),
    row("1/1e-30",                   Over(1.0),    1e-30,          G(1.0),     1e30,                     -1e60),
    row("1/1e-300",                  Over(1.0),    1e-300,         G(1.0),     1e300,                    -INF),
    row("1e-20/1e-20",               Over(1e-20),  1e-20,          G(1.0),     1.0,                      -1e20),
    row("1e-8/1e-30",                DivBy(1e-30), 1e-8,           G(1.0),     1e22,                     1e30),
    row("1/0 g=0",                   Over(1.0),    0.0,            G(0.0),     INF,                      0.0),
    row("1/0 zero mask",             Over(1.0),    0.0,            ZeroMask,   INF,                      0.0),
    // powers and squares at the range's edges
    row("(1e-30)^-0.5",              Powf(-0.5),   1e-30,          G(1.0),     1e15,                     -5e44),
    row("0^0.5 g=0",                 Powf(0.5),    0.0,            G(0.0),     0.0,                      0.0),
    row("(1e19)^2",                  Square,       1e19,           G(1.0),     1e38,                     2e19),
    row("(1e-20)^2 f32 subnormal",   Square,       1e-20,          G(1.0),     1e-40,                    2e-20),
];

/// The relative tolerance for results of type `F`.
fn rtol<F: Float>() -> f64 {
    if F::NAME == "f32" { 1e-5 } else { 1e-13 }
}

/// Whether `got` (computed in `F`) matches the true value `want`, rounded
/// to `F`. Returns a description of the mismatch.
fn compare<F: Float>(got: F, want: f64, saturated_scale: Option<f64>) -> Result<(), String> {
    let want_f = F::of(want);
    if want_f.is_infinite() {
        return if got == want_f {
            Ok(())
        } else {
            Err(format!("got {got}, want {want_f}"))
        };
    }
    if !got.is_finite() {
        return Err(format!("got {got}, want the finite {want_f}"));
    }
    let (got, want_f) = (got.as_f64(), want_f.as_f64());
    // Two steps of the subnormal grid: results there carry fewer digits.
    let tiniest = (F::min_positive_value() * F::epsilon()).as_f64();
    let mut tol = rtol::<F>() * want_f.abs() + 2.0 * tiniest;
    if let Some(g) = saturated_scale {
        tol = tol.max(F::epsilon().as_f64() * g.abs());
    }
    if (got - want_f).abs() <= tol {
        Ok(())
    } else {
        Err(format!("got {got:e}, want {want_f:e} (tolerance {tol:e})"))
    }
}

/// Runs every applicable row in `F`, returning the failures and the count
/// of rows run.
fn run_table<F: Float>() -> (Vec<String>, usize) {
    let mut failures = Vec::new();
    let mut ran = 0;
    for case in CASES {
        if case.types == Types::F64 && F::NAME != "f64" {
            continue;
        }
        ran += 1;
        let tape = Tape::<F>::new();
        let x = tape.leaf(array![[F::of(case.x)]]);
        let y = case.fun.apply(x);
        let grads = match case.up {
            G(g) => y.backward_with(array![[F::of(g)]]),
            ZeroMask => (y * tape.constant(array![[F::zero()]])).sum().backward(),
        };
        let value = y.item();
        let grad = grads[x][[0, 0]];
        let scale = match (case.check, case.up) {
            (Grad::Saturated, G(g)) => Some(g),
            _ => None,
        };
        if let Err(e) = compare(value, case.value, None) {
            failures.push(format!("{} [{}] value: {e}", case.name, F::NAME));
        }
        if let Err(e) = compare(grad, case.grad, scale) {
            failures.push(format!("{} [{}] gradient: {e}", case.name, F::NAME));
        }
        if case.check == Grad::Saturated {
            eprintln!(
                "{} [{}]: known deviation, gradient {:e} vs true {:e} (slope read from a saturated output)",
                case.name,
                F::NAME,
                grad.as_f64(),
                case.grad
            );
        }
    }
    (failures, ran)
}

#[test]
fn the_table_has_enough_rows_for_both_types() {
    let both = CASES.iter().filter(|c| c.types == Types::Both).count();
    assert!(both >= 40, "only {both} rows run in both types");
}

#[test]
fn golden_table_f64() {
    let (failures, ran) = run_table::<f64>();
    eprintln!("f64: {ran} rows, {} failures", failures.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn golden_table_f32() {
    let (failures, ran) = run_table::<f32>();
    eprintln!("f32: {ran} rows, {} failures", failures.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The row-wise ops of the stable log-sum-exp family are not on every
/// branch yet, so they are reached through the registry (in `f64`, the
/// registry's type) and skipped while absent. Each input is one row, so
/// row-wise and whole-matrix conventions give the same answers; the
/// upstream gradient is `[1, 2]` for the row-shaped outputs and `[1]` for
/// the 1×1 log-sum-exp.
#[test]
fn log_sum_exp_family_with_huge_entries_if_registered() {
    type Row = (
        &'static [&'static str],
        [f64; 2],
        &'static [f64],
        &'static [f64],
    );
    #[rustfmt::skip]
    let rows: &[Row] = &[
        // names accepted                   x                  value                                  gradient
        (&["log_sum_exp", "logsumexp"], [1000.0, -1000.0],  &[1000.0],                             &[1.0, 0.0]),
        (&["log_sum_exp", "logsumexp"], [-1000.0, -1000.0], &[-999.3068528194401],                 &[0.5, 0.5]),
        (&["softmax"],                  [1000.0, -1000.0],  &[1.0, 0.0],                           &[0.0, 0.0]),
        (&["softmax"],                  [-1000.0, -1000.0], &[0.5, 0.5],                           &[-0.25, 0.25]),
        (&["log_softmax"],              [1000.0, -1000.0],  &[0.0, -2000.0],                       &[-2.0, 2.0]),
        (&["log_softmax"],              [-1000.0, -1000.0], &[-LN_2, -LN_2], &[-0.5, 0.5]),
    ];
    let ops = all_ops();
    for (names, x, value, grad) in rows {
        let Some(spec) = ops.iter().find(|s| {
            names
                .iter()
                .any(|n| s.name == *n || s.name.starts_with(&format!("{n}(axis=1")))
        }) else {
            eprintln!("{names:?} not registered on this branch; skipped");
            continue;
        };
        let tape = Tape::<f64>::new();
        let input = tape.leaf(array![[x[0], x[1]]]);
        let y = (spec.apply)(&[input]);
        let up = if value.len() == 1 {
            array![[1.0]]
        } else {
            array![[1.0, 2.0]]
        };
        let grads = y.backward_with(up);
        let got_value = y.value();
        for (&got, &want) in got_value.iter().zip(value.iter()) {
            compare(got, want, None)
                .unwrap_or_else(|e| panic!("{} at {x:?} value: {e}", spec.name));
        }
        for (&got, &want) in grads[input].iter().zip(grad.iter()) {
            compare(got, want, None)
                .unwrap_or_else(|e| panic!("{} at {x:?} gradient: {e}", spec.name));
        }
    }
}
