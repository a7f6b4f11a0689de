//! A custom op that breaks its shape contract is a clear error in every
//! build profile ([`Error::WrongShape`], naming the op, the input and both
//! shapes), never a gradient silently stored at the wrong shape or added by
//! prefix. Each path the sweep can take to a leaf's gradient is covered:
//! the first contribution (`backward`), a later one (the default
//! `backward_accumulate`), and the contributions held for a leaf a matmul
//! reads; plus `forward` against `output_shape`, and `backward_graph`.
//!
//! Run these under `--release` too: the checks used to be `debug_assert`s.

#[path = "support/caller.rs"]
mod caller;

use autograd::{BackwardCtx, Error, GraphCtx, Op, Produced, Result, Shape, Tape, Var, WrongShape};
use ndarray::{Array2, array};

/// y = x, but its forward and/or gradients come back in the shapes given.
#[derive(Clone, Copy)]
struct Bad {
    forward: Option<(usize, usize)>,
    backward: Option<(usize, usize)>,
    graph: Option<(usize, usize)>,
}

const GOOD: Bad = Bad {
    forward: None,
    backward: None,
    graph: None,
};

impl Op<f64> for Bad {
    fn name(&self) -> &'static str {
        "bad"
    }
    fn output_shape(&self, inputs: &[Shape]) -> Result<Shape> {
        Ok(inputs[0])
    }
    fn forward(&mut self, inputs: &[&Array2<f64>]) -> Array2<f64> {
        match self.forward {
            Some(dim) => Array2::ones(dim),
            None => inputs[0].clone(),
        }
    }
    fn backward(&self, ctx: &BackwardCtx<'_, f64>, _wrt: usize) -> Array2<f64> {
        match self.backward {
            Some(dim) => Array2::from_elem(dim, 100.0),
            None => ctx.upstream.clone(),
        }
    }
    fn backward_graph<'t>(&self, ctx: &GraphCtx<'_, 't, f64>, _wrt: usize) -> Option<Var<'t, f64>> {
        Some(match self.graph {
            Some(dim) => ctx.upstream.tape().constant(Array2::ones(dim)),
            None => ctx.upstream,
        })
    }
}

fn bad_backward(dim: (usize, usize)) -> Bad {
    Bad {
        backward: Some(dim),
        ..GOOD
    }
}

fn leaf_2x2(tape: &Tape<f64>) -> Var<'_, f64> {
    tape.leaf(array![[1.0, 2.0], [3.0, 4.0]])
}

/// The error every backward case below must give.
fn wrong_gradient(got: Shape) -> Error {
    Error::from(WrongShape {
        op: "bad",
        produced: Produced::Backward { input: 0 },
        expected: Shape::new(2, 2),
        got,
    })
}

#[test]
fn a_forward_that_disagrees_with_output_shape_is_refused() {
    let tape = Tape::new();
    let x = leaf_2x2(&tape);
    let op = Bad {
        forward: Some((7, 7)),
        ..GOOD
    };
    let e = tape.try_apply(op, &[x]).expect_err("refused");
    assert_eq!(
        e,
        Error::from(WrongShape {
            op: "bad",
            produced: Produced::Forward,
            expected: Shape::new(2, 2),
            got: Shape::new(7, 7)
        })
    );
    assert_eq!(
        e.to_string(),
        "bad: forward returned a 7×7 matrix, but output_shape said 2×2"
    );
    assert_eq!(tape.len(), 1, "nothing recorded");
}

#[test]
fn the_first_contribution_of_the_wrong_shape() {
    let tape = Tape::new();
    let x = leaf_2x2(&tape);
    let loss = tape.try_apply(bad_backward((7, 7)), &[x]).unwrap().sum();
    let e = loss.try_backward().expect_err("refused");
    assert_eq!(e, wrong_gradient(Shape::new(7, 7)));
    assert_eq!(
        e.to_string(),
        "bad: backward for input 0 returned a 7×7 gradient, but input 0 is 2×2"
    );
    assert_panics_here!(loss.backward(), "bad: backward for input 0 returned a 7×7");
}

#[test]
fn a_later_contribution_through_the_default_backward_accumulate() {
    // Recorded first, so swept after `exp` has filled x's gradient: the
    // default `backward_accumulate` would have added a 7×7 matrix by prefix,
    // and a transposed 3×2 one for a 2×3 input elementwise.
    let tape = Tape::new();
    let x = leaf_2x2(&tape);
    let y = tape.try_apply(bad_backward((7, 7)), &[x]).unwrap();
    let loss = y.sum() + x.exp().sum();
    assert_eq!(
        loss.try_backward().expect_err("refused"),
        wrong_gradient(Shape::new(7, 7))
    );
    assert_panics_here!(loss.backward(), "returned a 7×7 gradient");

    let x = tape.leaf(Array2::ones((2, 3)));
    let y = tape.try_apply(bad_backward((3, 2)), &[x]).unwrap();
    let e = (y.sum() + x.exp().sum())
        .try_backward()
        .expect_err("refused");
    assert_eq!(
        e.to_string(),
        "bad: backward for input 0 returned a 3×2 gradient, but input 0 is 2×3"
    );
}

#[test]
fn contributions_held_for_a_leaf_a_matmul_reads() {
    let c = array![[1.0], [-1.0]];
    // Held, then combined with the matmul's (which writes first).
    let tape = Tape::new();
    let x = leaf_2x2(&tape);
    let m = x.matmul(tape.constant(c.clone())).sum();
    let loss = m + tape.try_apply(bad_backward((7, 7)), &[x]).unwrap().sum();
    assert_eq!(
        loss.try_backward().unwrap_err(),
        wrong_gradient(Shape::new(7, 7))
    );
    // Recorded before the matmul: the matmul writes, then it accumulates.
    let tape = Tape::new();
    let x = leaf_2x2(&tape);
    let y = tape.try_apply(bad_backward((7, 7)), &[x]).unwrap();
    let loss = y.sum() + x.matmul(tape.constant(c.clone())).sum();
    assert_eq!(
        loss.try_backward().unwrap_err(),
        wrong_gradient(Shape::new(7, 7))
    );
    // Held, then combined with another op's contribution.
    let tape = Tape::new();
    let x = leaf_2x2(&tape);
    let _unused = x.matmul(tape.constant(c.clone()));
    let e = x.exp().sum();
    let loss = e + tape.try_apply(bad_backward((1, 3)), &[x]).unwrap().sum();
    assert_eq!(
        loss.try_backward().unwrap_err(),
        wrong_gradient(Shape::new(1, 3))
    );
    // Held to the end of the sweep (the matmul does not reach the root).
    let tape = Tape::new();
    let x = leaf_2x2(&tape);
    let _unused = x.matmul(tape.constant(c));
    let loss = tape.try_apply(bad_backward((7, 7)), &[x]).unwrap().sum();
    assert_eq!(
        loss.try_backward().unwrap_err(),
        wrong_gradient(Shape::new(7, 7))
    );
    assert_panics_here!(loss.backward(), "bad: backward for input 0");
}

#[test]
fn a_correct_op_still_works_and_errors_do_not_leak_into_the_next_sweep() {
    let tape = Tape::new();
    let x = leaf_2x2(&tape);
    let y = tape.try_apply(bad_backward((7, 7)), &[x]).unwrap();
    assert!((y.sum() + x.exp().sum()).try_backward().is_err());
    let z = tape.try_apply(GOOD, &[x]).unwrap();
    let g = (z.sum() + x.sum()).backward_with(array![[3.0]]);
    assert_eq!(g[x], Array2::from_elem((2, 2), 6.0));
}

#[test]
fn a_backward_graph_of_the_wrong_shape() {
    let tape = Tape::new();
    let x = leaf_2x2(&tape);
    let op = Bad {
        graph: Some((1, 2)),
        ..GOOD
    };
    let loss = tape.try_apply(op, &[x]).unwrap().sum();
    let e = loss.grad_graph(&[x]).expect_err("refused");
    assert_eq!(
        e,
        Error::from(WrongShape {
            op: "bad",
            produced: Produced::BackwardGraph { input: 0 },
            expected: Shape::new(2, 2),
            got: Shape::new(1, 2)
        })
    );
    assert_eq!(
        e.to_string(),
        "bad: backward_graph for input 0 returned a 1×2 gradient node, but input 0 is 2×2"
    );
    let ok = tape.try_apply(GOOD, &[x]).unwrap().sum();
    assert_eq!(
        ok.grad_graph(&[x]).unwrap()[0].value(),
        Array2::ones((2, 2))
    );
}
