//! Shared set-up for the trainer tests: standardized digits, small nets.

use autograd::Var;
use nn::data::{Dataset, Fractions, Split, digits};
use nn::preprocess::{Standardize, Transform};
use nn::{Mlp, losses};
use rand::SeedableRng;

/// Standardized digits: (train, val).
pub fn digits_split() -> (Dataset<f32>, Dataset<f32>) {
    let split = Split::stratified(&digits::load::<f32>(), Fractions::default(), 0).unwrap();
    let prep = Standardize::fit(split.train.features()).unwrap();
    let f = |ds: &Dataset<f32>| {
        Dataset::new(
            "digits",
            prep.apply(ds.features()).unwrap(),
            ds.labels().clone(),
            10,
            vec![64],
        )
        .unwrap()
    };
    (f(&split.train), f(&split.val))
}

/// A 64-hidden-10 MLP (dropout 0.9 if `dropout`).
pub fn net(hidden: usize, dropout: bool, seed: u64) -> Mlp<f32> {
    let mut b = Mlp::<f32>::builder(&[64, hidden, 10]);
    if dropout {
        b = b.dropout(0.9);
    }
    b.build(&mut rand::rngs::StdRng::seed_from_u64(seed))
        .unwrap()
}

/// Softmax cross-entropy, as a function item.
pub fn softmax<'t>(s: Var<'t, f32>, y: &[usize]) -> Var<'t, f32> {
    losses::softmax_cross_entropy(s, y)
}

/// Softmax cross-entropy in f64.
#[allow(dead_code)] // used by train_sanity.rs only
pub fn softmax64<'t>(s: Var<'t, f64>, y: &[usize]) -> Var<'t, f64> {
    losses::softmax_cross_entropy(s, y)
}
