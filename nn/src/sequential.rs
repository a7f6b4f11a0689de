//! [`Sequential`]: modules applied one after another.

use autograd::{Float, Param, Result, Var};
use ndarray::Array2;

use crate::module::{Ctx, Module};

/// A chain of modules: the output of each is the input of the next.
///
/// ```
/// use autograd::{Param, Result, Tape, Var, Float};
/// use ndarray::array;
/// use nn::{Ctx, Module, Sequential};
///
/// struct Double;
/// impl<F: Float> Module<F> for Double {
///     fn try_forward<'t>(&self, _: &mut Ctx<'t, '_, F>, x: Var<'t, F>) -> Result<Var<'t, F>> {
///         Ok(x * F::of(2.0))
///     }
///     fn params(&self) -> Vec<&Param<F>> { vec![] }
///     fn params_mut(&mut self) -> Vec<&mut Param<F>> { vec![] }
///     fn describe(&self) -> String { "double".into() }
/// }
///
/// let net = Sequential::<f64>::new().push(Double).push(Double);
/// let tape = Tape::new();
/// let y = net.forward(&mut Ctx::eval(&tape), tape.constant(array![[1.5]]));
/// assert_eq!(y.item(), 6.0);
/// assert_eq!(net.len(), 2);
/// ```
pub struct Sequential<F: Float> {
    layers: Vec<Box<dyn Module<F>>>,
}

impl<F: Float> Default for Sequential<F> {
    fn default() -> Self {
        Self::new()
    }
}

impl<F: Float> Sequential<F> {
    /// An empty chain (the identity).
    pub fn new() -> Self {
        Sequential { layers: Vec::new() }
    }

    /// Appends `layer` (builder style).
    pub fn push(mut self, layer: impl Module<F> + 'static) -> Self {
        self.layers.push(Box::new(layer));
        self
    }

    /// Appends an already boxed layer.
    pub fn push_boxed(&mut self, layer: Box<dyn Module<F>>) {
        self.layers.push(layer);
    }

    /// The number of layers.
    pub fn len(&self) -> usize {
        self.layers.len()
    }

    /// `true` if there are no layers.
    pub fn is_empty(&self) -> bool {
        self.layers.is_empty()
    }

    /// The layers, in order.
    pub fn layers(&self) -> &[Box<dyn Module<F>>] {
        &self.layers
    }

    /// The layers, mutably.
    pub fn layers_mut(&mut self) -> &mut [Box<dyn Module<F>>] {
        &mut self.layers
    }

    /// One line per layer with its parameter count, and the total: the
    /// notes' way of sizing a network.
    pub fn summary(&self) -> String {
        let mut out = String::new();
        for (i, layer) in self.layers.iter().enumerate() {
            let count = layer.param_count();
            out.push_str(&format!(
                "{i:>3}  {:<32} {count:>10} params\n",
                layer.describe()
            ));
        }
        out.push_str(&format!(
            "     {:<32} {:>10} params",
            "total",
            self.param_count()
        ));
        out
    }
}

impl<F: Float> Module<F> for Sequential<F> {
    /// Each layer's `try_forward` in turn; the first error stops the
    /// chain (later layers, and their state, are not touched).
    fn try_forward<'t>(&self, ctx: &mut Ctx<'t, '_, F>, x: Var<'t, F>) -> Result<Var<'t, F>> {
        let mut h = x;
        for layer in &self.layers {
            h = layer.try_forward(ctx, h)?;
        }
        Ok(h)
    }
    fn params(&self) -> Vec<&Param<F>> {
        self.layers.iter().flat_map(|l| l.params()).collect()
    }
    fn params_mut(&mut self) -> Vec<&mut Param<F>> {
        self.layers
            .iter_mut()
            .flat_map(|l| l.params_mut())
            .collect()
    }
    /// Every layer's buffers, first layer first.
    fn named_buffers(&self) -> Vec<(String, Array2<F>)> {
        self.layers.iter().flat_map(|l| l.named_buffers()).collect()
    }
    /// Hands each layer its share of `values`, in order, after checking
    /// them all: a bad value for the last layer leaves the first unchanged.
    fn set_buffers(&self, values: &[Array2<F>]) -> Result<()> {
        crate::module::check_buffers("sequential", &self.named_buffers(), values)?;
        let mut rest = values;
        for layer in &self.layers {
            let (mine, tail) = rest.split_at(layer.named_buffers().len());
            layer.set_buffers(mine)?;
            rest = tail;
        }
        Ok(())
    }
    fn describe(&self) -> String {
        let parts: Vec<String> = self.layers.iter().map(|l| l.describe()).collect();
        format!("sequential[{}]", parts.join(" → "))
    }
}
