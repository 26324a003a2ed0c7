//! Models from PyTorch and Keras, and back: the [safetensors] format.
//!
//! Two paths, both checked against the network's type:
//!
//! - **At run time** (`safetensors` feature, needs `std`): every `network!` type implements
//!   [`Safetensors`] (in the prelude):
//!
//!   ```no_run
//!   # use constnet::prelude::*;
//!   # network! { pub struct Circles<f32> { hidden1: Dense<2, 4, Relu>, output: Dense<4, 1, Sigmoid> } }
//!   let net = Circles::from_safetensors(&std::fs::read("circles.safetensors")?)?;
//!   let bytes: Vec<u8> = net.to_safetensors();
//!   # Ok::<(), Box<dyn std::error::Error>>(())
//!   ```
//!
//! - **While compiling** (`include-safetensors` feature, `no_std`): `include_safetensors!(Net,
//!   "model.safetensors")` reads the file when the crate is built, checks every tensor's name,
//!   shape and element type against `Net`, and produces a `Net` value — for a `static` in flash.
//!   A file that does not fit is a compile error at the macro call, with the message the
//!   run-time importer would give:
//!
//!   ```text
//!   error[E0080]: evaluation panicked: constnet: `circles.safetensors` does not fit the network: wrong shape: expected [5, 2] for hidden1.weight, found [4, 2]
//!    --> src/main.rs:15:23
//!     |
//!   15 | static NET: Circles = include_safetensors!(Circles, "circles.safetensors");
//!     |                       ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ evaluation of `NET::_` failed here
//!   ```
//!
//! # Naming
//! A network's tensors are its layers' tensors ([`Parameters::tensor_info`](crate::Parameters::tensor_info):
//! `weight` and `bias` for [`Dense`](crate::Dense), in PyTorch's layout — `nn.Linear.weight` is
//! `[out, in]`, constnet's row order). In a file they are named in one of these ways
//! ([`Naming`]), detected on import:
//!
//! | naming | `hidden1: Dense<2, 4, Relu>`'s tensors | PyTorch / Keras side |
//! |---|---|---|
//! | [`Fields`](Naming::Fields) | `hidden1.weight` `[4, 2]`, `hidden1.bias` `[4]` | `state_dict()` of a module with attributes `hidden1`, … |
//! | [`Sequential`](Naming::Sequential) | `0.weight`, `0.bias`, then `2.weight`, … | `state_dict()` of an `nn.Sequential(Linear, ReLU, Linear, …)` |
//! | [`Keras`](Naming::Keras) | `hidden1/kernel` `[2, 4]` (transposed), `hidden1/bias` | `layer.get_weights()` of a Dense layer named `hidden1` |
//! | [`Map`](Naming::Map) | any name, given per layer or per tensor | anything else |
//!
//! Detection ([`Naming::Auto`]) takes the first of `Fields`, `Sequential` and `Keras` under
//! which some tensor of the network is in the file. For `Sequential`, the layers with
//! parameters take the file's module numbers in increasing order, so activation and dropout
//! modules (which have no tensors) may sit anywhere. Layers of your own take part with the names
//! their [`Parameters::tensor_info`](crate::Parameters::tensor_info) gives (PyTorch's attribute
//! names, e.g. `weight_ih`), in PyTorch's layouts.
//!
//! # Element types
//! `F32` and `F64` tensors are converted to the network's scalar: a file of the network's own
//! type is copied bit for bit; otherwise each value is widened to `f64` and rounded to the
//! scalar to nearest, ties to even (`f64` → `f32` as PyTorch's `.float()` does; values beyond
//! `f32`'s range become ±∞). `F16` and `BF16` are widened exactly. A network over another scalar
//! gets [`Scalar::from_f64`](crate::Scalar::from_f64) of each value ([`Q16`](crate::fixed::Q16):
//! to the nearest multiple of 2⁻¹⁶, saturating) and exports `F64`. Integers, booleans, 8-bit and
//! smaller floats and complex numbers are refused ([`SafetensorsError::WrongDtype`]).
//!
//! # Errors
//! Import is strict: the file must have every tensor of the network, of the right shape and a
//! floating-point type, and nothing else ([`Import::allow_extra`] ignores extra tensors, like
//! PyTorch's `strict=False`). Each problem is a [`SafetensorsError`] naming the tensor and what
//! was expected, e.g. `wrong shape: expected [4, 2] for hidden1.weight, found [5, 2]`. The
//! network is untouched on error. The file itself is parsed by the `safetensors` crate, the
//! format's reference implementation; a damaged file is [`SafetensorsError::Corrupt`].
//!
//! # From PyTorch
//! ```python
//! import torch, safetensors.torch
//!
//! class Circles(torch.nn.Module):          # attributes named like the layers of `network!`
//!     def __init__(self):
//!         super().__init__()
//!         self.hidden1 = torch.nn.Linear(2, 4)
//!         self.output = torch.nn.Linear(4, 1)
//!     def forward(self, x):
//!         return torch.sigmoid(self.output(torch.relu(self.hidden1(x))))
//!
//! model = Circles()                          # … train it …
//! safetensors.torch.save_file(model.state_dict(), "circles.safetensors")
//! # and back: model.load_state_dict(safetensors.torch.load_file("exported.safetensors"), strict=True)
//! ```
//!
//! # From Keras
//! Keras has no safetensors writer of its own; write the kernels as they are, constnet
//! transposes them:
//! ```python
//! from safetensors.numpy import save_file, load_file
//! save_file({f"{l.name}/{n}": w for l in model.layers if l.weights
//!            for n, w in zip(("kernel", "bias"), l.get_weights())}, "circles.safetensors")
//! # and back, from `to_safetensors_with(Naming::Keras)`:
//! f = load_file("exported.safetensors")
//! for l in model.layers:
//!     if l.weights: l.set_weights([f[f"{l.name}/kernel"], f[f"{l.name}/bias"]])
//! ```
//! with the Keras layers named like the constnet layers (`layers.Dense(4, name="hidden1")`).
//!
//! [safetensors]: https://github.com/huggingface/safetensors
#![cfg_attr(
    not(feature = "safetensors"),
    doc = "[`Safetensors`]: self\n[`SafetensorsError`]: self\n[`SafetensorsError::WrongDtype`]: self\n[`SafetensorsError::Corrupt`]: self"
)]

#[cfg(feature = "safetensors")]
mod convert;
pub(crate) mod dtype;
#[cfg(feature = "safetensors")]
mod error;
pub(crate) mod include;
pub(crate) mod naming;

#[cfg(feature = "safetensors")]
#[cfg_attr(docsrs, doc(cfg(feature = "safetensors")))]
pub use convert::Safetensors;
#[cfg(feature = "safetensors")]
#[cfg_attr(docsrs, doc(cfg(feature = "safetensors")))]
pub use error::SafetensorsError;
pub use naming::{Import, Naming};
