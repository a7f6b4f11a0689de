//! A leaf's gradient is written first by the consumer that prefers a fresh
//! buffer (`Op::prefers_fresh_gradient`, i.e. matmul), whatever order the
//! consumers were recorded in; every other case keeps the plain reverse
//! order (the sweep holds contributions only for leaves such an op
//! consumes). Either way the gradient is the same sum.
//!
//! A custom op that logs which backward method the sweep called makes the
//! order visible.

use std::cell::RefCell;
use std::rc::Rc;

use autograd::{BackwardCtx, Op, Result, Shape, Tape, Var};
use ndarray::{Array2, array};

type Log = Rc<RefCell<Vec<String>>>;

/// `y = factor · x`, logging `"<tag> fresh"` or `"<tag> add"` per backward.
struct Scale {
    tag: &'static str,
    factor: f64,
    fresh: bool,
    log: Log,
}

impl Op<f64> for Scale {
    fn name(&self) -> &'static str {
        "scale"
    }
    fn output_shape(&self, inputs: &[Shape]) -> Result<Shape> {
        Ok(inputs[0])
    }
    fn forward(&mut self, inputs: &[&Array2<f64>]) -> Array2<f64> {
        inputs[0] * self.factor
    }
    fn backward(&self, ctx: &BackwardCtx<'_, f64>, _wrt: usize) -> Array2<f64> {
        self.log.borrow_mut().push(format!("{} fresh", self.tag));
        ctx.upstream * self.factor
    }
    fn backward_accumulate(
        &self,
        ctx: &BackwardCtx<'_, f64>,
        _wrt: usize,
        total: &mut Array2<f64>,
    ) {
        self.log.borrow_mut().push(format!("{} add", self.tag));
        total.scaled_add(self.factor, ctx.upstream);
    }
    fn prefers_fresh_gradient(&self) -> bool {
        self.fresh
    }
}

fn scale<'t>(
    x: Var<'t, f64>,
    tag: &'static str,
    factor: f64,
    fresh: bool,
    log: &Log,
) -> Var<'t, f64> {
    let op = Scale {
        tag,
        factor,
        fresh,
        log: Rc::clone(log),
    };
    x.tape().try_apply(op, &[x]).unwrap()
}

/// ⟨G, y⟩ for a fixed non-uniform G, so each consumer's upstream differs
/// from a plain `sum`.
fn weighted<'t>(y: Var<'t, f64>) -> Var<'t, f64> {
    let g = y.tape().constant(array![[1.0, -2.0], [0.5, 3.0]]);
    (y * g).sum()
}

fn x0() -> Array2<f64> {
    array![[1.0, 2.0], [3.0, 4.0]]
}

/// ∂/∂x of Σ_k weighted(factor_k · x) = (Σ factors) · G.
fn expected(total_factor: f64) -> Array2<f64> {
    array![[1.0, -2.0], [0.5, 3.0]] * total_factor
}

/// Records one `Scale` consumer of a 2×2 leaf per `(tag, factor, fresh)`,
/// in order, each feeding `weighted`; optionally through an intermediate
/// `x·1` instead of the leaf itself. Checks ∂L/∂x against the hand-computed
/// (Σ factors)·G and returns the sweep's call log.
fn sweep_log(consumers: &[(&'static str, f64, bool)], through_intermediate: bool) -> Vec<String> {
    let log = Log::default();
    let tape = Tape::new();
    let x = tape.leaf(x0());
    let input = if through_intermediate { x * 1.0 } else { x };
    let loss = consumers
        .iter()
        .map(|&(tag, factor, fresh)| weighted(scale(input, tag, factor, fresh, &log)))
        .reduce(|a, b| a + b)
        .expect("at least one consumer");
    let g = loss.backward();
    let total: f64 = consumers.iter().map(|c| c.1).sum();
    assert_eq!(g[x], expected(total));
    log.take()
}

#[test]
fn the_fresh_preferring_consumer_writes_first_when_recorded_first() {
    // Plain reverse order would run "penalty" first; it is held instead.
    let log = sweep_log(&[("gemm", 2.0, true), ("penalty", 3.0, false)], false);
    assert_eq!(log, ["gemm fresh", "penalty add"]);
}

#[test]
fn the_fresh_preferring_consumer_writes_first_when_recorded_last() {
    let log = sweep_log(&[("penalty", 3.0, false), ("gemm", 2.0, true)], false);
    assert_eq!(log, ["gemm fresh", "penalty add"]);
}

#[test]
fn other_consumers_keep_reverse_order() {
    let consumers = [
        ("first", 2.0, false),
        ("second", 3.0, false),
        ("third", -1.0, false),
    ];
    let log = sweep_log(&consumers, false);
    assert_eq!(log, ["third fresh", "second add", "first add"]);
}

#[test]
fn a_single_consumer_computes_at_once() {
    assert_eq!(sweep_log(&[("only", 2.5, false)], false), ["only fresh"]);
}

#[test]
fn a_held_contribution_with_no_second_is_computed_at_the_end() {
    // A matmul-like consumer marks `x` but never reaches the loss, so the
    // penalty's contribution is held to the end of the sweep: after the
    // contribution to `y`, which the sweep reaches later.
    let log = Log::default();
    let tape = Tape::new();
    let (x, y) = (tape.leaf(x0()), tape.leaf(x0()));
    let _unused = scale(x, "gemm", 2.0, true, &log);
    let other = weighted(scale(y, "other", -1.0, false, &log));
    let penalty = weighted(scale(x, "penalty", 3.0, false, &log));
    let g = (other + penalty).backward();
    assert_eq!(*log.borrow(), ["other fresh", "penalty fresh"]);
    assert_eq!(g[x], expected(3.0));
    assert_eq!(g[y], expected(-1.0));
}

#[test]
fn intermediate_nodes_are_not_held() {
    // Only leaves are held: an intermediate's gradient is needed as soon as
    // the sweep reaches it, so its consumers run in plain reverse order.
    let log = sweep_log(&[("penalty", 3.0, false), ("gemm", 2.0, true)], true);
    assert_eq!(log, ["gemm fresh", "penalty add"]);
    let log = sweep_log(&[("gemm", 2.0, true), ("penalty", 3.0, false)], true);
    assert_eq!(log, ["penalty fresh", "gemm add"]);
}

#[test]
fn anomaly_mode_computes_every_contribution_on_its_own_in_reverse_order() {
    let log = Log::default();
    let tape = Tape::new();
    tape.detect_anomalies(true);
    let x = tape.leaf(x0());
    let a = weighted(scale(x, "gemm", 2.0, true, &log));
    let b = weighted(scale(x, "penalty", 3.0, false, &log));
    let g = (a + b).try_backward().unwrap();
    assert_eq!(*log.borrow(), ["penalty fresh", "gemm fresh"]);
    assert_eq!(g[x], expected(5.0));
}

/// The case this exists for: L2 on a weight recorded after the forward
/// pass. Same gradient (exact here: small integers) in either recording
/// order, and twice in a row.
#[test]
fn l2_after_the_forward_pass_gives_the_same_weight_gradient() {
    let x = array![[1.0, 2.0, -1.0], [0.0, 1.0, 3.0]];
    let w0 = array![[1.0, -1.0], [2.0, 0.0], [-3.0, 1.0]];
    let upstream = array![[1.0, 2.0], [-1.0, 0.5]];
    // ∂/∂W of ⟨U, X·W⟩ + ½‖W‖²·(ΣU) … written out: XᵀU + W.
    let want = x.t().dot(&upstream) + &w0;
    for penalty_first in [false, true] {
        let tape = Tape::new();
        let xv = tape.constant(x.clone());
        let w = tape.leaf(w0.clone());
        let u = tape.constant(upstream.clone());
        let early = penalty_first.then(|| w.sum_squares() * 0.5);
        let data = (xv.matmul(w) * u).sum();
        let penalty = early.unwrap_or_else(|| w.sum_squares() * 0.5);
        let loss = data + penalty;
        let first = loss.backward();
        let second = loss.backward();
        assert_eq!(first[w], want, "penalty first: {penalty_first}");
        assert_eq!(first[w], second[w]);
    }
}

/// A leaf read twice by one elementwise node (held, then combined within
/// that same node) and twice by one matmul.
#[test]
fn a_leaf_read_twice_by_each_consumer() {
    let x0 = array![[1.0, 2.0], [-1.0, 3.0]];
    let u0 = array![[1.0, -2.0], [0.5, 3.0]];
    let v0 = array![[2.0, 1.0], [-1.0, 0.5]];
    // L = Σ U⊙(X·X) + Σ V⊙(X⊙X): ∂L/∂X = U·Xᵀ + Xᵀ·U + 2V⊙X.
    let want = u0.dot(&x0.t()) + x0.t().dot(&u0) + &v0 * &x0 * 2.0;
    for square_first in [false, true] {
        let tape = Tape::new();
        let x = tape.leaf(x0.clone());
        let (u, v) = (tape.constant(u0.clone()), tape.constant(v0.clone()));
        let early = square_first.then(|| (x * x * v).sum());
        let product = (x.matmul(x) * u).sum();
        let square = early.unwrap_or_else(|| (x * x * v).sum());
        let g = (product + square).backward();
        assert_eq!(g[x], want, "square first: {square_first}");
    }
}
