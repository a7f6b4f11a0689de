//! The networks of the CS231n notes ("Neural Networks Part 1: Setting up
//! the Architecture"), built from `nn` layers: a single neuron, the 2-layer
//! net `W2·max(0, W1·x)` and the 3-layer net. For each we print the layer
//! summary with its learnable-parameter count (the notes' way of sizing a
//! network), the Wengert list of one forward pass, and then the losses a
//! freshly initialized classifier should report — the first sanity check
//! of "Babysitting the learning process".
//!
//! Run: `cargo run --release --example networks`

use autograd::Tape;
use examples::{gaussian, rng};
use nn::init::{BiasInit, Init};
use nn::layers::{Activation, Neuron, NeuronOutput};
use nn::{Ctx, Mlp, Module, losses};
use rand::RngExt;

/// Prints a model's summary, then its tape for one forward pass on a
/// batch of two inputs.
fn show(title: &str, model: &dyn Module<f64>, inputs: usize) {
    println!("== {title} ==");
    println!("{}", model.describe());
    let params: usize = model.params().iter().map(|p| p.shape().len()).sum();
    for p in model.params() {
        println!("  {:<8} {}", p.name(), p.shape());
    }
    println!("  learnable parameters: {params}");
    let tape = Tape::new();
    let x = tape.constant(gaussian(2, inputs, 1.0, &mut rng(0)));
    let y = model.forward(&mut Ctx::eval(&tape), x);
    println!("forward pass on a batch of 2, as a Wengert list:\n{tape}");
    println!("output:\n{:.4}\n", y.value());
}

fn main() {
    let mut r = rng(231);

    // A single neuron: σ(w·x + b), a binary logistic classifier.
    let neuron = Neuron::<f64>::new(
        "neuron",
        3,
        Init::SmallRandom,
        BiasInit::ZERO,
        NeuronOutput::Probability,
        &mut r,
    );
    show("a single sigmoid neuron on 3 inputs", &neuron, 3);

    // The notes' figure: a 2-layer net with 3 inputs, 4 hidden units and 2
    // outputs has 4 + 2 = 6 neurons, 3·4 + 4·2 = 20 weights and 6 biases:
    // 26 learnable parameters.
    let two = Mlp::<f64>::new(&[3, 4, 2], Activation::ReLU, Init::He, &mut r);
    show("2-layer net W2·max(0, W1·x): sizes [3, 4, 2]", &two, 3);
    assert_eq!(two.param_count(), 26);

    // The 3-layer net of the notes: [3, 4, 4, 1] has 9 neurons, 12 + 16 + 4
    // = 32 weights and 9 biases: 41 parameters.
    let three = Mlp::<f64>::new(&[3, 4, 4, 1], Activation::Sigmoid, Init::Calibrated, &mut r);
    show("3-layer net: sizes [3, 4, 4, 1], sigmoid", &three, 3);
    assert_eq!(three.param_count(), 41);

    // "Modern convolutional networks contain on the order of 100 million
    // parameters"; a CIFAR-10-sized MLP is already in the millions.
    let cifar = Mlp::<f64>::new(&[3072, 100, 10], Activation::ReLU, Init::He, &mut r);
    println!("== a CIFAR-10-sized 2-layer net ==\n{}\n", cifar.summary());

    // Sanity check at chance: with small weights every class scores about
    // the same, so softmax loss ≈ ln C, SVM loss ≈ C − 1 (each of the C − 1
    // wrong classes sits at margin 1), and for a single neuron the logistic
    // loss ≈ ln 2 and the binary hinge ≈ 1. (With 3072 inputs, 0.01-scale
    // weights still give logits of spread 0.01·√3072 ≈ 0.55, so the
    // single neuron lands slightly off its ideal values.)
    println!(
        "== losses at initialization (small random weights, 10 classes, 500 random CIFAR-sized inputs) =="
    );
    let (n, classes) = (500, 10);
    let x = gaussian(n, 3072, 1.0, &mut r);
    let labels: Vec<usize> = (0..n).map(|_| r.random_range(0..classes)).collect();
    let small = Mlp::<f64>::new(
        &[3072, 100, 10],
        Activation::ReLU,
        Init::SmallRandom,
        &mut r,
    );
    let tape = Tape::new();
    let scores = small.forward(&mut Ctx::eval(&tape), tape.constant(x.clone()));
    let softmax = losses::softmax_cross_entropy(scores, &labels).item();
    let svm = losses::svm(scores, &labels).item();
    println!(
        "  softmax cross-entropy {softmax:.4}   expected ln 10 = {:.4}",
        10f64.ln()
    );
    println!("  multiclass SVM        {svm:.4}   expected C − 1 = 9");

    let logit = Neuron::<f64>::new(
        "clf",
        3072,
        Init::SmallRandom,
        BiasInit::ZERO,
        NeuronOutput::Logit,
        &mut r,
    );
    let binary = labels.iter().map(|&c| f64::from(u8::from(c % 2 == 0)));
    let y01 = ndarray::Array2::from_shape_vec((n, 1), binary.collect()).expect("n labels");
    let z = logit.forward(&mut Ctx::eval(&tape), tape.constant(x));
    let logistic = losses::binary_logistic(z, &y01).item();
    let hinge = losses::binary_hinge(z, &y01.mapv(|y| 2.0 * y - 1.0)).item();
    println!(
        "  binary logistic       {logistic:.4}   expected ln 2 = {:.4}",
        2f64.ln()
    );
    println!("  binary hinge (SVM)    {hinge:.4}   expected 1");
}
