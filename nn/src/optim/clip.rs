//! Gradient clipping by global norm: the one factor `s` every gradient is
//! multiplied by in a clipped step (see [`Options::clip_norm`](super::Options::clip_norm)).

use autograd::Float;
use ndarray::Array2;

/// `‖g‖ = √(Σ gᵢ²)` over every array in `grads`, accumulated in `f64` so an
/// `f32` model's norm does not lose the small gradients in the sum.
pub(crate) fn global_norm<'g, F: Float>(grads: impl Iterator<Item = &'g Array2<F>>) -> f64 {
    let mut total = 0.0_f64;
    for g in grads {
        for &v in g {
            let v = v.as_f64();
            total += v * v;
        }
    }
    total.sqrt()
}

/// The factor `s`: `c/‖g‖` when `‖g‖ > c`, else exactly 1. A NaN norm gives
/// 1, so the NaN reaches the parameters rather than being hidden.
pub(crate) fn scale(clip_norm: f64, norm: f64) -> f64 {
    if norm > clip_norm {
        clip_norm / norm
    } else {
        1.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn norm_spans_every_array_and_scale_caps_it() {
        let (a, b) = (array![[3.0_f32]], array![[0.0, 4.0]]);
        let norm = global_norm([&a, &b].into_iter());
        assert_eq!(norm, 5.0);
        assert_eq!(scale(10.0, norm), 1.0);
        assert_eq!(scale(2.5, norm), 0.5);
        assert_eq!(scale(1.0, f64::NAN), 1.0);
    }
}
