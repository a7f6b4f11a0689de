//! The [`Op`] trait: what every operation on the tape provides.
//!
//! An op is a forward function plus, for each input, the product of the
//! upstream gradient with that input's local Jacobian (a vector–Jacobian
//! product). Each op lives in its own file under `ops/` with its doc
//! (formula and local derivative), its kink rule, its `Var` method and its
//! hand-computed tests; the tape only ever calls this trait.

use std::cell::RefCell;

use ndarray::Array2;

use crate::error::Produced;
use crate::ties::Branch;
use crate::{Error, Float, Result, Shape, Var};

/// What `backward` may look at: the op's inputs and output as computed in
/// the forward pass, and the gradient of the loss with respect to the output.
#[derive(Debug)]
pub struct BackwardCtx<'a, F: Float> {
    /// Input values, in the order the op received them. Under
    /// [`Tape::backward_and_reset`](crate::Tape::backward_and_reset), an
    /// input whose value [`Op::backward_reads`] did not list is an empty
    /// 0×0 matrix.
    pub inputs: &'a [&'a Array2<F>],
    /// The op's output value (likewise empty there if not listed).
    pub output: &'a Array2<F>,
    /// ∂L/∂output, the same shape as `output`.
    pub upstream: &'a Array2<F>,
    /// The inputs' shapes when some values in `inputs` (or `output`) may
    /// have been freed ([`Tape::backward_and_reset`](crate::Tape::backward_and_reset)
    /// frees every value [`Op::backward_reads`] does not list, leaving an
    /// empty 0×0 matrix); `None` when `inputs` hold every value. Read it
    /// through [`BackwardCtx::input_shape`].
    pub input_shapes: Option<&'a [Shape]>,
}

impl<F: Float> BackwardCtx<'_, F> {
    /// The shape of input `k`, whether or not its value is still held: an
    /// op whose backward needs only shapes (`sum`, `reshape`) reads them
    /// here and declares so in [`Op::backward_reads`].
    ///
    /// ```
    /// use autograd::{BackwardCtx, Shape};
    /// use ndarray::Array2;
    /// let (x, y, g) = (Array2::<f64>::zeros((2, 3)), Array2::zeros((0, 0)), Array2::ones((1, 1)));
    /// let full = BackwardCtx { inputs: &[&x], output: &y, upstream: &g, input_shapes: None };
    /// assert_eq!(full.input_shape(0), Shape::new(2, 3));
    /// let freed = Array2::<f64>::zeros((0, 0));
    /// let shapes = [Shape::new(2, 3)];
    /// let ctx = BackwardCtx { inputs: &[&freed], output: &y, upstream: &g, input_shapes: Some(&shapes) };
    /// assert_eq!(ctx.input_shape(0), Shape::new(2, 3));
    /// ```
    #[inline]
    pub fn input_shape(&self, k: usize) -> Shape {
        match self.input_shapes {
            Some(shapes) => shapes[k],
            None => Shape::of(self.inputs[k]),
        }
    }

    /// [`BackwardCtx::input_shape`] as ndarray's `(rows, cols)`.
    #[inline]
    pub fn input_dim(&self, k: usize) -> (usize, usize) {
        self.input_shape(k).dim()
    }
}

/// Which values an op's backward reads ([`Op::backward_reads`]): some of
/// its inputs' values, and perhaps its output's. What it does not read,
/// [`Tape::backward_and_reset`](crate::Tape::backward_and_reset) may free
/// before the op's backward runs (shapes stay available through
/// [`BackwardCtx::input_shape`]).
///
/// ```
/// use autograd::op::Reads;
/// let mul_wrt_lhs = Reads::input(1); // ∂(a·b)/∂a = b
/// assert!(mul_wrt_lhs.reads_input(1) && !mul_wrt_lhs.reads_input(0));
/// assert!(!mul_wrt_lhs.reads_output());
/// assert!(Reads::ALL.reads_input(7) && Reads::ALL.reads_output());
/// assert_eq!(Reads::NOTHING.union(Reads::OUTPUT), Reads::OUTPUT);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reads {
    /// Bit `k` for input `k`; bit 63 stands for input 63 and every later one.
    inputs: u64,
    output: bool,
}

impl Reads {
    /// Every input and the output: the default, always correct.
    pub const ALL: Reads = Reads {
        inputs: u64::MAX,
        output: true,
    };
    /// No value at all, only shapes and the upstream gradient (`sum`,
    /// `reshape`, `add`).
    pub const NOTHING: Reads = Reads {
        inputs: 0,
        output: false,
    };
    /// Every input, not the output.
    pub const INPUTS: Reads = Reads {
        inputs: u64::MAX,
        output: false,
    };
    /// The output only (`exp`, `softmax`).
    pub const OUTPUT: Reads = Reads {
        inputs: 0,
        output: true,
    };

    /// Input `k` only.
    pub const fn input(k: usize) -> Reads {
        Reads {
            inputs: 1 << bit(k),
            output: false,
        }
    }

    /// What either reads.
    pub const fn union(self, other: Reads) -> Reads {
        Reads {
            inputs: self.inputs | other.inputs,
            output: self.output || other.output,
        }
    }

    /// True when input `k`'s value is read.
    pub const fn reads_input(self, k: usize) -> bool {
        (self.inputs >> bit(k)) & 1 == 1
    }

    /// True when the output's value is read.
    pub const fn reads_output(self) -> bool {
        self.output
    }
}

/// The bit of [`Reads::inputs`] standing for input `k`.
const fn bit(k: usize) -> usize {
    if k < 63 { k } else { 63 }
}

/// What [`Op::backward_graph`] may use: the op's inputs, output and
/// upstream gradient as nodes on the tape, so the gradient it builds is
/// itself differentiable.
#[derive(Debug)]
pub struct GraphCtx<'a, 't, F: Float> {
    /// Input nodes, in the order the op received them.
    pub inputs: &'a [Var<'t, F>],
    /// The op's output node.
    pub output: Var<'t, F>,
    /// The node holding ∂L/∂output.
    pub upstream: Var<'t, F>,
}

/// One operation: forward, per-input vector–Jacobian product, and (for
/// branching ops) the decision log.
///
/// Implement this to add a custom op; record it with
/// [`Tape::try_apply`](crate::Tape::try_apply).
///
/// ```
/// use autograd::{BackwardCtx, Op, Result, Shape, Tape};
/// use ndarray::{array, Array2};
///
/// /// y = x³, dy/dx = 3x².
/// struct Cube;
/// impl Op<f64> for Cube {
///     fn name(&self) -> &'static str { "cube" }
///     fn output_shape(&self, inputs: &[Shape]) -> Result<Shape> { Ok(inputs[0]) }
///     fn forward(&mut self, inputs: &[&Array2<f64>]) -> Array2<f64> {
///         inputs[0].mapv(|x| x * x * x)
///     }
///     fn backward(&self, ctx: &BackwardCtx<'_, f64>, _wrt: usize) -> Array2<f64> {
///         ctx.upstream * &ctx.inputs[0].mapv(|x| 3.0 * x * x)
///     }
/// }
///
/// let tape = Tape::new();
/// let x = tape.leaf(array![[2.0]]);
/// let y = tape.try_apply(Cube, &[x]).unwrap();
/// assert_eq!(y.backward()[x], array![[12.0]]);
/// ```
pub trait Op<F: Float>: 'static {
    /// Short name used in messages, the Wengert list and decision logs.
    fn name(&self) -> &'static str;

    /// The name with parameters, for display (`leaky_relu[α=0.01]`).
    fn label(&self) -> String {
        self.name().to_string()
    }

    /// Validates the input shapes and returns the output shape. Errors name
    /// the op and every shape involved. Called before [`Op::forward`], which
    /// may therefore assume valid shapes.
    fn output_shape(&self, inputs: &[Shape]) -> Result<Shape>;

    /// Computes the output from the inputs.
    fn forward(&mut self, inputs: &[&Array2<F>]) -> Array2<F>;

    /// [`Op::forward`] into `out`, a matrix of the output's shape (as
    /// [`Op::output_shape`] gave it) holding stale values: overwrites every
    /// element with what `forward` would return, bit for bit, and returns
    /// true; or returns false, leaving `out` alone (the default), and the
    /// tape calls `forward`.
    ///
    /// The tape offers it a small matrix freed by its last
    /// [`reset`](crate::Tape::reset), which skips a trip to the thread's
    /// buffer cache per node; the elementwise ops take it.
    ///
    /// ```
    /// use autograd::{BackwardCtx, Op, Result, Shape, Tape};
    /// use ndarray::{array, Array2};
    ///
    /// struct Double;
    /// impl Op<f64> for Double {
    ///     fn name(&self) -> &'static str { "double" }
    ///     fn output_shape(&self, inputs: &[Shape]) -> Result<Shape> { Ok(inputs[0]) }
    ///     fn forward(&mut self, inputs: &[&Array2<f64>]) -> Array2<f64> {
    ///         inputs[0] * 2.0
    ///     }
    ///     fn forward_into(&mut self, inputs: &[&Array2<f64>], out: &mut Array2<f64>) -> bool {
    ///         out.zip_mut_with(inputs[0], |y, &x| *y = x * 2.0);
    ///         true
    ///     }
    ///     fn backward(&self, ctx: &BackwardCtx<'_, f64>, _wrt: usize) -> Array2<f64> {
    ///         ctx.upstream * 2.0
    ///     }
    /// }
    ///
    /// let mut tape = Tape::new();
    /// for _ in 0..2 {
    ///     tape.reset(); // the second time, the first recording's buffers are offered
    ///     let x = tape.leaf(array![[1.0, -3.0]]);
    ///     let y = tape.try_apply(Double, &[x.exp()]).unwrap();
    ///     assert_eq!(y.value(), x.exp().value() * 2.0);
    /// }
    /// ```
    fn forward_into(&mut self, _inputs: &[&Array2<F>], _out: &mut Array2<F>) -> bool {
        false
    }

    /// Returns ∂L/∂inputs\[wrt\] given `ctx.upstream` = ∂L/∂output; its shape
    /// is the shape of `inputs[wrt]` (broadcast axes already summed). Called
    /// only for inputs that need a gradient.
    fn backward(&self, ctx: &BackwardCtx<'_, F>, wrt: usize) -> Array2<F>;

    /// [`Op::backward`] into `out`, a matrix of `inputs[wrt]`'s shape
    /// holding stale values: overwrites every element with what `backward`
    /// would return, bit for bit, and returns true; or returns false,
    /// leaving `out` alone (the default), and the sweep calls `backward`.
    ///
    /// The backward sweep offers it a small gradient buffer freed with the
    /// last [`Gradients`](crate::Gradients), which skips a trip to the
    /// thread's buffer cache per node; the elementwise ops take it.
    ///
    /// ```
    /// use autograd::{BackwardCtx, Op, Result, Shape, Tape};
    /// use ndarray::{array, Array2};
    ///
    /// struct Double;
    /// impl Op<f64> for Double {
    ///     fn name(&self) -> &'static str { "double" }
    ///     fn output_shape(&self, inputs: &[Shape]) -> Result<Shape> { Ok(inputs[0]) }
    ///     fn forward(&mut self, inputs: &[&Array2<f64>]) -> Array2<f64> {
    ///         inputs[0] * 2.0
    ///     }
    ///     fn backward(&self, ctx: &BackwardCtx<'_, f64>, _wrt: usize) -> Array2<f64> {
    ///         ctx.upstream * 2.0
    ///     }
    ///     fn backward_into(&self, ctx: &BackwardCtx<'_, f64>, _wrt: usize, out: &mut Array2<f64>) -> bool {
    ///         out.zip_mut_with(ctx.upstream, |d, &g| *d = g * 2.0);
    ///         true
    ///     }
    /// }
    ///
    /// let mut tape = Tape::new();
    /// for _ in 0..2 {
    ///     tape.reset(); // the second sweep is offered the first one's buffers
    ///     let x = tape.leaf(array![[1.0, -3.0]]);
    ///     let y = tape.try_apply(Double, &[x.exp()]).unwrap();
    ///     let grads = y.sum().backward();
    ///     assert_eq!(grads[x], x.exp().value() * 2.0);
    /// }
    /// ```
    fn backward_into(&self, _ctx: &BackwardCtx<'_, F>, _wrt: usize, _out: &mut Array2<F>) -> bool {
        false
    }

    /// Adds ∂L/∂inputs\[wrt\] into `total`, which already holds the
    /// gradient from the input's other consumers. The default calls
    /// [`Op::backward`] and adds; ops override it to fuse the two and skip
    /// the temporary (a parameter used by many nodes accumulates in place).
    ///
    /// If `backward` returns a gradient of the wrong shape, the default
    /// adds nothing and the sweep returns [`Error::WrongShape`].
    fn backward_accumulate(&self, ctx: &BackwardCtx<'_, F>, wrt: usize, total: &mut Array2<F>) {
        let grad = self.backward(ctx, wrt);
        let expected = ctx.input_shape(wrt);
        if grad.dim() == expected.dim() {
            crate::kernels::add_into(total, &grad);
        } else {
            note_wrong_shape(self.name(), wrt, expected, grad);
        }
    }

    /// Which values [`Op::backward`] (and `backward_accumulate`,
    /// `backward_in_place`) read for input `wrt`'s gradient. The default,
    /// [`Reads::ALL`], is always right; an op that needs less says so, and
    /// [`Tape::backward_and_reset`](crate::Tape::backward_and_reset) frees
    /// each value once nothing later in the sweep reads it (`x.square().sum()`:
    /// `sum` reads no value, so `x²` is freed before the sweep starts).
    ///
    /// That backward shows an op only the values it declares for the
    /// inputs it is asked about (the rest are empty 0×0 matrices), so an
    /// under-declaring op fails there (a panic or [`Error::WrongShape`])
    /// rather than reading a stale value.
    fn backward_reads(&self, _wrt: usize) -> Reads {
        Reads::ALL
    }

    /// Both of a two-input op's contributions in one pass, in place: on
    /// entry `grad` holds ∂L/∂output and `total` the gradient started for
    /// input `1 − fresh` (`input_shapes` are the inputs' shapes, which the
    /// consuming sweep gives for values it freed); adds into `total` what
    /// [`Op::backward_accumulate`] would add for that input, overwrites
    /// `grad` with what [`Op::backward`]`(…, fresh)` would return, bit for
    /// bit, and returns true; or returns false, touching neither (the
    /// default).
    ///
    /// The sweeps that drop ∂L/∂output right afterwards
    /// ([`Var::backward_leaves`],
    /// [`Tape::backward_and_reset`](crate::Tape::backward_and_reset)) ask
    /// when input `fresh` has no gradient yet and the other has one: a
    /// chain that multiplies by and adds a parameter at every step (W1's
    /// `h ⊙ w`, `h + b`) then makes one pass per node and no new matrix.
    /// The same-shape elementwise binary ops do it.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let (h, w) = (tape.leaf(array![[1.0, -2.0]]), tape.leaf(array![[3.0, 0.5]]));
    /// // The outer product starts w's gradient; the inner one then adds
    /// // to it and turns its upstream gradient into h's, in one pass.
    /// let y = ((h * w) * w).sum();
    /// let (all, leaves) = (y.backward(), y.backward_leaves());
    /// assert_eq!(leaves[w], all[w]);
    /// assert_eq!(leaves[h], array![[9.0, 0.25]]);
    /// ```
    fn backward_pair_in_place(
        &self,
        _inputs: &[&Array2<F>],
        _input_shapes: [Shape; 2],
        _output: &Array2<F>,
        _fresh: usize,
        _grad: &mut Array2<F>,
        _total: &mut Array2<F>,
    ) -> bool {
        false
    }

    /// Overwrites `grad`, which holds ∂L/∂output, with ∂L/∂inputs\[wrt\],
    /// in place, and returns true; or returns false and leaves `grad`
    /// untouched (the default). Elementwise unary ops do it: their input,
    /// output and gradients all have one shape, and each element of the
    /// result depends only on the same element of the upstream gradient.
    /// The result must be bit for bit what [`Op::backward`] returns.
    ///
    /// The sweep asks only when it would drop the upstream gradient right
    /// afterwards ([`Var::backward_leaves`],
    /// [`Tape::backward_and_reset`](crate::Tape::backward_and_reset)) and
    /// the input's gradient is still empty, so the upstream buffer becomes
    /// the input's gradient instead of being copied into a new one.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let x = tape.leaf(array![[1.0, -2.0]]);
    /// let y = x.square().sum();
    /// // `square` writes x's gradient into the buffer holding ∂y/∂square.
    /// assert_eq!(y.backward_leaves()[x], y.backward()[x]);
    /// ```
    fn backward_in_place(
        &self,
        _inputs: &[&Array2<F>],
        _output: &Array2<F>,
        _wrt: usize,
        _grad: &mut Array2<F>,
    ) -> bool {
        false
    }

    /// True when [`Op::backward`] into a fresh buffer is much cheaper than
    /// [`Op::backward_accumulate`] into an existing one. Matmul says so: a
    /// GEMM with β = 0 only writes its output, while with β = 1 it also
    /// reads it back tile by tile. For a leaf (a parameter) such an op
    /// consumes, the sweep lets it write the gradient first and adds the
    /// other consumers' contributions after it, whatever order they were
    /// recorded in: L2 on a weight, recorded after the forward pass, no
    /// longer makes the weight-gradient GEMM read its output. Asked once
    /// per recorded node, on the concrete op type, before it is boxed.
    fn prefers_fresh_gradient(&self) -> bool {
        false
    }

    /// [`Op::backward`] written with tape ops, so the gradient is a node
    /// that can be differentiated again (grad of grad, Hessian–vector
    /// products, gradient penalties). `None` means the op does not support
    /// higher-order gradients; [`Var::grad_graph`] then reports it.
    fn backward_graph<'t>(&self, _ctx: &GraphCtx<'_, 't, F>, _wrt: usize) -> Option<Var<'t, F>> {
        None
    }

    /// For branching ops: which branch each output element took (see
    /// [`crate::ties`]). Called only while decision recording is on.
    fn decisions(&self, _inputs: &[&Array2<F>], _output: &Array2<F>) -> Option<Vec<Branch>> {
        None
    }
}

thread_local! {
    /// The first misshapen gradient met where no `Result` can carry it (the
    /// default [`Op::backward_accumulate`], held leaf contributions); the
    /// sweep takes it when it ends. One slot per thread: a sweep runs on one
    /// thread, and checking it once per sweep costs nothing per node.
    static WRONG_GRADIENT: RefCell<Option<Error>> = const { RefCell::new(None) };
}

/// Records that op `op` returned `grad` as the gradient of its input
/// `wrt`, whose value is `input`, for the sweep to return (unless an
/// earlier one is recorded). Takes `grad` so that dropping it happens here,
/// out of the sweep's loop.
#[cold]
#[inline(never)]
pub(crate) fn note_wrong_gradient<F: Float>(
    op: &'static str,
    wrt: usize,
    input: &Array2<F>,
    grad: Array2<F>,
) {
    note_wrong_shape(op, wrt, Shape::of(input), grad);
}

/// [`note_wrong_gradient`] given the input's shape rather than its value
/// (which a consuming sweep may have freed).
#[cold]
#[inline(never)]
pub(crate) fn note_wrong_shape<F: Float>(
    op: &'static str,
    wrt: usize,
    expected: Shape,
    grad: Array2<F>,
) {
    let e: Error = crate::error::WrongShape {
        op,
        produced: Produced::Backward { input: wrt },
        expected,
        got: Shape::of(&grad),
    }
    .into();
    WRONG_GRADIENT.with_borrow_mut(|slot| {
        slot.get_or_insert(e);
    });
}

/// Takes the misshapen gradient recorded since the last call, if any.
pub(crate) fn take_wrong_gradient() -> Option<Error> {
    WRONG_GRADIENT.with_borrow_mut(Option::take)
}
