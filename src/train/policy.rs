//! The one rule every update goes through before it touches a weight, whether the trainer
//! accumulated a gradient buffer ([`Trainer::apply`](super::Trainer::apply)) or fuses the update
//! into back-propagation ([`Network::descend`](crate::Network::descend)).

use crate::Scalar;

/// The factor an update's gradient is multiplied by before it is applied, given the gradient's
/// squared norm `‖g‖²` and the learning rate; `None` when the update must be refused.
///
/// - `‖g‖²` NaN or infinite: `None` — the gradient cannot be applied, and nothing changes.
/// - `clip_norm = Some(c)` and `‖g‖ > c`: `c / ‖g‖`, so the applied gradient has norm `c`
///   (clipping by global norm, as Keras' `clipnorm` on the whole model or PyTorch's
///   `clip_grad_norm_`).
/// - otherwise exactly `1`.
/// - and `None` if the step it makes, `rate·scale·‖g‖`, is not finite (a learning rate so large
///   that the update itself overflows).
///
/// Computed in the network's scalar type, so the decision is the one the update will see.
///
/// ```
/// use constnet::train::gradient_scale;
/// assert_eq!(gradient_scale(25.0f64, Some(1.0), 0.1), Some(0.2)); // ‖g‖ = 5 → scaled to 1
/// assert_eq!(gradient_scale(0.25f64, Some(1.0), 0.1), Some(1.0));
/// assert_eq!(gradient_scale(f64::INFINITY, None, 0.1), None);
/// assert_eq!(gradient_scale(1e30f32, None, 1e30), None); // the update would overflow
/// ```
#[inline]
#[must_use]
pub fn gradient_scale<T: Scalar>(norm2: T, clip_norm: Option<T>, rate: T) -> Option<T> {
    if !norm2.is_finite() {
        return None;
    }
    let scale = match clip_norm {
        Some(c) if norm2 > c * c => c / norm2.sqrt(),
        _ => T::ONE,
    };
    (rate * scale * norm2.sqrt()).is_finite().then_some(scale)
}
