//! The impls [`Gru`](super::super::Gru) and [`Lstm`](super::super::Lstm) share word for word,
//! stamped for each by [`shared_impls!`]: everything that does not depend on the cell's
//! equations. Most of it is about their four PyTorch tensors — `weight_ih: [[[T; IN]; HIDDEN]; G]`,
//! `weight_hh: [[[T; HIDDEN]; HIDDEN]; G]`, `bias_ih` and `bias_hh: [[T; HIDDEN]; G]`, with `G`
//! gates: construction, names and shapes, compile-time decoding, `Clone`, `PartialEq`, `Debug`.
//!
//! A macro rather than one generic struct holding the tensors: the layers keep the tensors as
//! their own public fields, as PyTorch names them, and a nested struct would move them one level
//! down (field access through `Deref` is not `const`). The gate count is a literal, written into
//! the tensor types (`[[T; HIDDEN]; 3]`): stable Rust does not take an associated `const` as an
//! array length there. The `Layer` impls stay with the cells: their forward passes are the
//! cells' own.

use crate::io::After;

/// Implements, for the recurrent layer `$name<T, IN, HIDDEN, STEPS, R, F>` with the four tensor
/// fields, a `readout: PhantomData` field and a tape holding every step's hidden state in `h`, of
/// `$g` gates named `$letters`: `from_parts`,
/// `with_steps`, [`LayerShape`](crate::LayerShape), [`Parameters`](crate::Parameters),
/// [`OutputLayer`](crate::OutputLayer), [`ConstDecode`](crate::io::ConstDecode), `Clone`,
/// `PartialEq` and `Debug`.
macro_rules! shared_impls {
    ($name:ident, $g:literal, $letters:literal) => {
        impl<T, const IN: usize, const HIDDEN: usize, const STEPS: usize, R, F> $name<T, IN, HIDDEN, STEPS, R, F> {
            #[doc = concat!("A layer from PyTorch's four tensors, gate by gate (", $letters, "); usable in")]
            /// `const` and `static` items.
            pub const fn from_parts(
                weight_ih: [[[T; IN]; HIDDEN]; $g],
                weight_hh: [[[T; HIDDEN]; HIDDEN]; $g],
                bias_ih: [[T; HIDDEN]; $g],
                bias_hh: [[T; HIDDEN]; $g],
            ) -> Self {
                Self { weight_ih, weight_hh, bias_ih, bias_hh, readout: ::core::marker::PhantomData }
            }
        }

        impl<T: $crate::Scalar, const IN: usize, const HIDDEN: usize, const STEPS: usize, R, F: $crate::layer::GateMath>
            $name<T, IN, HIDDEN, STEPS, R, F>
        {
            /// The same weights in a layer over `S` steps with readout `R2` and gate functions `F2`
            /// (usually inferred from where the result goes): e.g. a layer trained on windows,
            #[doc = concat!("`", stringify!($name), "<IN, HIDDEN, 20>`, as the streaming")]
            #[doc = concat!("`", stringify!($name), "<IN, HIDDEN>` (`S = 1`), or as")]
            #[doc = concat!("`", stringify!($name), "<IN, HIDDEN, 1, LastStep, Fast>` to deploy with the fast gates.")]
            #[must_use]
            pub const fn with_steps<const S: usize, R2, F2>(&self) -> $name<T, IN, HIDDEN, S, R2, F2> {
                $name::from_parts(self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
            }
        }

        impl<T, const IN: usize, const HIDDEN: usize, const STEPS: usize, R: $crate::layer::Readout, F>
            $crate::LayerShape for $name<T, IN, HIDDEN, STEPS, R, F>
        {
            const INPUTS: usize = STEPS * IN;
            const OUTPUTS: usize = $crate::layer::recurrent::outputs::<R>(STEPS, HIDDEN);
            const INVALID: Option<&'static str> = $crate::layer::recurrent::check_widths(IN, HIDDEN, STEPS);
            const INPUT_CHANNELS: Option<usize> = Some(IN);
            const OUTPUT_CHANNELS: Option<usize> = if R::ALL_STEPS { Some(HIDDEN) } else { None };
        }

        /// A recurrent layer can end a network: its output is its own "pre-activation"
        /// ([`Identity`](crate::Identity)), so a loss such as MSE on the hidden state starts
        /// back-propagation from `∂L/∂h`.
        impl<
            T: $crate::Scalar,
            const IN: usize,
            const HIDDEN: usize,
            const STEPS: usize,
            R: $crate::layer::Readout,
            F: $crate::layer::GateMath,
            const X: usize,
            const Y: usize,
        > $crate::OutputLayer<T, X, Y> for $name<T, IN, HIDDEN, STEPS, R, F>
        {
            type Activation = $crate::Identity;

            #[inline(always)]
            fn pre_activation(tape: &Self::Tape) -> &[T; Y] {
                $crate::layer::recurrent::readout::<T, R, HIDDEN, STEPS, Y>(&tape.h)
            }
        }

        impl<T: $crate::Scalar, const IN: usize, const HIDDEN: usize, const STEPS: usize, R, F> $crate::Parameters<T>
            for $name<T, IN, HIDDEN, STEPS, R, F>
        {
            const PARAMS: usize = $g * HIDDEN * (IN + HIDDEN + 2);
            const TENSORS: usize = 4;

            fn zeroed() -> Self {
                let zero = T::ZERO;
                Self::from_parts(
                    [[[zero; IN]; HIDDEN]; $g],
                    [[[zero; HIDDEN]; HIDDEN]; $g],
                    [[zero; HIDDEN]; $g],
                    [[zero; HIDDEN]; $g],
                )
            }
            #[inline]
            fn tensor(&self, index: usize) -> &[T] {
                match index {
                    0 => self.weight_ih.as_flattened().as_flattened(),
                    1 => self.weight_hh.as_flattened().as_flattened(),
                    2 => self.bias_ih.as_flattened(),
                    3 => self.bias_hh.as_flattened(),
                    _ => &[],
                }
            }
            #[inline]
            fn tensor_mut(&mut self, index: usize) -> &mut [T] {
                match index {
                    0 => self.weight_ih.as_flattened_mut().as_flattened_mut(),
                    1 => self.weight_hh.as_flattened_mut().as_flattened_mut(),
                    2 => self.bias_ih.as_flattened_mut(),
                    3 => self.bias_hh.as_flattened_mut(),
                    _ => &mut [],
                }
            }
            fn tensor_info(index: usize) -> $crate::TensorInfo {
                $crate::layer::recurrent::tensor_info(index, $g, IN, HIDDEN)
            }
        }

        /// Decoded at compile time by [`include_model!`](crate::include_model), so the weights sit in
        /// flash: the four tensors in order.
        impl<
            B: $crate::io::ModelBytes,
            T: $crate::Scalar,
            const IN: usize,
            const HIDDEN: usize,
            const STEPS: usize,
            R,
            F,
        > $crate::io::ConstDecode<B> for $name<T, IN, HIDDEN, STEPS, R, F>
        where
            [[[T; IN]; HIDDEN]; $g]: $crate::io::ConstDecode<B>,
            [[[T; HIDDEN]; HIDDEN]; $g]:
                $crate::io::ConstDecode<$crate::layer::recurrent::AtWeightHh<B, T, $g, IN, HIDDEN>>,
            [[T; HIDDEN]; $g]: $crate::io::ConstDecode<$crate::layer::recurrent::AtBiasIh<B, T, $g, IN, HIDDEN>>
                + $crate::io::ConstDecode<$crate::layer::recurrent::AtBiasHh<B, T, $g, IN, HIDDEN>>,
        {
            const DECODED: Self = Self::from_parts(
                <[[[T; IN]; HIDDEN]; $g] as $crate::io::ConstDecode<B>>::DECODED,
                <[[[T; HIDDEN]; HIDDEN]; $g] as $crate::io::ConstDecode<
                    $crate::layer::recurrent::AtWeightHh<B, T, $g, IN, HIDDEN>,
                >>::DECODED,
                <[[T; HIDDEN]; $g] as $crate::io::ConstDecode<
                    $crate::layer::recurrent::AtBiasIh<B, T, $g, IN, HIDDEN>,
                >>::DECODED,
                <[[T; HIDDEN]; $g] as $crate::io::ConstDecode<
                    $crate::layer::recurrent::AtBiasHh<B, T, $g, IN, HIDDEN>,
                >>::DECODED,
            );
        }

        // By hand, not derived: a derive would require `R: Clone`, `F: PartialEq`, … of the
        // marker types, which the tensors do not need.
        impl<T: Copy, const IN: usize, const HIDDEN: usize, const STEPS: usize, R, F> Clone
            for $name<T, IN, HIDDEN, STEPS, R, F>
        {
            fn clone(&self) -> Self {
                Self::from_parts(self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
            }
        }

        impl<T: PartialEq, const IN: usize, const HIDDEN: usize, const STEPS: usize, R, F> PartialEq
            for $name<T, IN, HIDDEN, STEPS, R, F>
        {
            fn eq(&self, other: &Self) -> bool {
                self.weight_ih == other.weight_ih
                    && self.weight_hh == other.weight_hh
                    && self.bias_ih == other.bias_ih
                    && self.bias_hh == other.bias_hh
            }
        }

        impl<T: ::core::fmt::Debug, const IN: usize, const HIDDEN: usize, const STEPS: usize, R, F> ::core::fmt::Debug
            for $name<T, IN, HIDDEN, STEPS, R, F>
        {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                let readout = ::core::any::type_name::<R>().rsplit("::").next().unwrap_or("?");
                let gates = ::core::any::type_name::<F>().rsplit("::").next().unwrap_or("?");
                f.debug_struct(stringify!($name))
                    .field("steps", &STEPS)
                    .field("readout", &readout)
                    .field("gates", &gates)
                    .field("weight_ih", &self.weight_ih)
                    .field("weight_hh", &self.weight_hh)
                    .field("bias_ih", &self.bias_ih)
                    .field("bias_hh", &self.bias_hh)
                    .finish()
            }
        }
    };
}
pub(crate) use shared_impls;

/// The tensors' names and PyTorch shapes, for `Parameters::tensor_info`.
pub(crate) fn tensor_info(index: usize, gates: usize, input: usize, hidden: usize) -> crate::TensorInfo {
    use crate::{TensorInfo, TensorKind, TensorShape};
    match index {
        0 => TensorInfo {
            name: "weight_ih",
            kind: TensorKind::Weights,
            shape: TensorShape::new(&[gates * hidden, input]),
        },
        1 => TensorInfo {
            name: "weight_hh",
            kind: TensorKind::Weights,
            shape: TensorShape::new(&[gates * hidden, hidden]),
        },
        2 => TensorInfo { name: "bias_ih", kind: TensorKind::Bias, shape: TensorShape::new(&[gates * hidden]) },
        _ => TensorInfo { name: "bias_hh", kind: TensorKind::Bias, shape: TensorShape::new(&[gates * hidden]) },
    }
}

/// Where `weight_hh` starts in model bytes `B` whose recurrent layer (`G` gates) starts at `B`.
pub(crate) type AtWeightHh<B, T, const G: usize, const IN: usize, const H: usize> = After<B, [[[T; IN]; H]; G]>;
/// Where `bias_ih` starts.
pub(crate) type AtBiasIh<B, T, const G: usize, const IN: usize, const H: usize> =
    After<AtWeightHh<B, T, G, IN, H>, [[[T; H]; H]; G]>;
/// Where `bias_hh` starts.
pub(crate) type AtBiasHh<B, T, const G: usize, const IN: usize, const H: usize> =
    After<AtBiasIh<B, T, G, IN, H>, [[T; H]; G]>;
