//! Optimizers (how a gradient becomes a weight update) and learning-rate schedules.
//!
//! An optimizer's state is a plain value shaped like the network: momentum keeps one more copy
//! of the network type, Adam two. It is created from the network type with
//! [`Optimizer::new_state`], lives wherever the caller puts it (stack, `static`, `Box`), and is
//! updated tensor by tensor with no allocation.

mod adam;
mod adamax;
mod adamw;
mod error;
mod momentum;
mod rmsprop;
mod schedule;
mod sgd;

pub use adam::{Adam, AdamState};
pub use adamax::Adamax;
pub use adamw::AdamW;
pub use error::OptimError;
pub(crate) use error::check;
pub use momentum::Momentum;
pub use rmsprop::RmsProp;
pub use schedule::Schedule;
pub use sgd::Sgd;

use crate::{Parameters, Scalar};
use core::fmt::Debug;

/// Turns gradients into parameter updates.
///
/// `step` is called once per mini-batch with the averaged gradients and the learning rate of
/// that step (from a [`Schedule`]).
pub trait Optimizer<T: Scalar>: Copy + Debug {
    /// Per-parameter memory, shaped like the network `N`.
    type State<N: Parameters<T>>;
    /// Name for reports.
    const NAME: &'static str;
    /// `true` when [`Optimizer::step`] is exactly `p ← p − lr·g`: no state, nothing else. A
    /// trainer may then apply a single sample's update during back-propagation
    /// ([`Network::descend`](crate::Network::descend)) instead of accumulating gradients first.
    /// Only [`Sgd`] sets it.
    const PLAIN_GRADIENT_DESCENT: bool = false;

    /// Checks the hyper-parameters, as written and as the scalar `T` will see them.
    ///
    /// # Errors
    /// [`OptimError`] naming the parameter and its valid range.
    fn validate(&self) -> Result<(), OptimError>;
    /// Fresh state (zero moments) for a network of type `N`.
    fn new_state<N: Parameters<T>>(&self) -> Self::State<N>;
    /// Applies one update: `params ← params − lr·(update rule)(grads, state)`. Returns `false`
    /// if an updated parameter is NaN or infinite (checked in the same pass, so the trainer can
    /// report it instead of a success).
    fn step<N: Parameters<T>>(&self, params: &mut N, grads: &N, state: &mut Self::State<N>, lr: T) -> bool;
}

/// Calls `f(param, grad)` for every parameter; `true` if every updated parameter is finite.
#[inline(always)]
fn for_each<T: Scalar, N: Parameters<T>>(params: &mut N, grads: &N, mut f: impl FnMut(&mut T, T)) -> bool {
    let mut finite = true;
    for t in 0..N::TENSORS {
        for (p, &g) in params.tensor_mut(t).iter_mut().zip(grads.tensor(t)) {
            f(p, g);
            finite &= p.is_finite();
        }
    }
    finite
}

/// Calls `f(param, grad, s)` with one state slot per parameter; `true` if every updated
/// parameter is finite.
#[inline(always)]
fn for_each_with<T: Scalar, N: Parameters<T>>(
    params: &mut N,
    grads: &N,
    state: &mut N,
    mut f: impl FnMut(&mut T, T, &mut T),
) -> bool {
    let mut finite = true;
    for t in 0..N::TENSORS {
        let (p, g, s) = (params.tensor_mut(t), grads.tensor(t), state.tensor_mut(t));
        for ((p, &g), s) in p.iter_mut().zip(g).zip(s.iter_mut()) {
            f(p, g, s);
            finite &= p.is_finite();
        }
    }
    finite
}

/// Calls `f(param, grad, s1, s2)` with two state slots per parameter; `true` if every updated
/// parameter is finite.
#[inline(always)]
fn for_each_with2<T: Scalar, N: Parameters<T>>(
    params: &mut N,
    grads: &N,
    first: &mut N,
    second: &mut N,
    mut f: impl FnMut(&mut T, T, &mut T, &mut T),
) -> bool {
    let mut finite = true;
    for t in 0..N::TENSORS {
        let (p, g) = (params.tensor_mut(t), grads.tensor(t));
        let (a, b) = (first.tensor_mut(t), second.tensor_mut(t));
        for (((p, &g), a), b) in p.iter_mut().zip(g).zip(a.iter_mut()).zip(b.iter_mut()) {
            f(p, g, a, b);
            finite &= p.is_finite();
        }
    }
    finite
}

/// `β^t` for bias correction, in `f64`.
fn power(beta: f64, t: u32) -> f64 {
    num_traits::Float::powi(beta, t.min(i32::MAX as u32) as i32)
}

/// Shared checks of the Adam family.
fn check_adam_family<T: Scalar>(beta1: f64, beta2: f64, epsilon: f64) -> Result<(), OptimError> {
    check::<T>("beta1", beta1, |b| (0.0..1.0).contains(&b), "0 ≤ beta1 < 1")?;
    check::<T>("beta2", beta2, |b| (0.0..1.0).contains(&b), "0 ≤ beta2 < 1")?;
    check::<T>("epsilon", epsilon, |e| e > 0.0, "epsilon > 0")
}
