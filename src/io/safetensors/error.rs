//! Why a safetensors file could not be imported into a network, or a network not exported.

use super::naming::{Key, Problem, Wanted};
use core::fmt;
use std::format;
use std::string::{String, ToString};
use std::vec::Vec;

/// Why [`Safetensors::from_safetensors`](super::Safetensors::from_safetensors) (or
/// [`read_safetensors`](super::Safetensors::read_safetensors)) refused a file, or
/// [`to_safetensors_with`](super::Safetensors::to_safetensors_with) a naming.
///
/// Tensors are named the constnet way, `layer.tensor` (`hidden1.weight`); when the file calls
/// the tensor something else (`0.weight`, `hidden1/kernel`), that name is given too. Shapes are
/// in the file's layout.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SafetensorsError {
    /// The bytes are not a safetensors file, or a damaged one (the reason comes from the
    /// `safetensors` crate, which parses the file).
    Corrupt {
        /// What the parser found wrong.
        reason: String,
    },
    /// The network has a tensor the file does not.
    MissingTensor {
        /// The network's tensor, `layer.tensor`.
        tensor: String,
        /// The name it was looked for under in the file; `None` when the file numbers fewer
        /// `nn.Sequential` modules than the network has layers with parameters.
        looked_for: Option<String>,
        /// The number of `nn.Sequential` modules the file has (when `looked_for` is `None`).
        modules: usize,
    },
    /// Strict import: the file has a tensor the network has no place for.
    UnexpectedTensor {
        /// Its name in the file.
        name: String,
        /// Its element type.
        dtype: &'static str,
        /// Its shape.
        shape: Vec<usize>,
    },
    /// A tensor of the file has another shape than the network's.
    WrongShape {
        /// The network's tensor, `layer.tensor`.
        tensor: String,
        /// Its name in the file.
        file_name: String,
        /// The shape the network needs, in the file's layout (`[in, out]` for a Keras kernel).
        expected: Vec<usize>,
        /// The shape in the file.
        found: Vec<usize>,
    },
    /// A tensor of the file is not floating point (integers, booleans and 8-bit floats are
    /// refused).
    WrongDtype {
        /// The network's tensor, `layer.tensor`.
        tensor: String,
        /// Its name in the file.
        file_name: String,
        /// The element type found, e.g. `"I64"`.
        found: &'static str,
    },
    /// Export: two tensors would have the same name in the file (through a [`Naming::Map`]),
    /// or one would be named `__metadata__`, which the format reserves.
    ///
    /// [`Naming::Map`]: super::Naming::Map
    DuplicateName {
        /// The name.
        name: String,
    },
}

/// `head + sep + tail`.
fn joined(key: &Key<'_>) -> String {
    format!("{}{}{}", key.head, key.sep, key.tail)
}

fn qualified(wanted: &Wanted<'_>) -> String {
    format!("{}.{}", wanted.layer, wanted.name)
}

impl From<Problem<'_>> for SafetensorsError {
    fn from(problem: Problem<'_>) -> Self {
        match problem {
            Problem::Missing { wanted, key, modules } => SafetensorsError::MissingTensor {
                tensor: qualified(&wanted),
                looked_for: key.as_ref().map(joined),
                modules,
            },
            Problem::Unexpected { tensor } => SafetensorsError::UnexpectedTensor {
                name: tensor.name.to_string(),
                dtype: tensor.dtype.name(),
                shape: tensor.shape.to_vec(),
            },
            Problem::WrongShape { wanted, key, expected, found } => SafetensorsError::WrongShape {
                tensor: qualified(&wanted),
                file_name: joined(&key),
                expected: expected.dims().to_vec(),
                found: found.to_vec(),
            },
            Problem::WrongDtype { wanted, key, found } => SafetensorsError::WrongDtype {
                tensor: qualified(&wanted),
                file_name: joined(&key),
                found: found.name(),
            },
        }
    }
}

/// ` (`name` in the file)` when the file's name differs from the tensor's.
struct InFile<'a>(&'a str, &'a str);

impl fmt::Display for InFile<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == self.1 { Ok(()) } else { write!(f, " (`{}` in the file)", self.1) }
    }
}

impl fmt::Display for SafetensorsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SafetensorsError::Corrupt { reason } => write!(f, "not a valid safetensors file: {reason}"),
            SafetensorsError::MissingTensor { tensor, looked_for: Some(name), .. } => {
                write!(f, "missing tensor: expected `{name}` in the file")?;
                if name != tensor {
                    write!(f, " for {tensor}")?;
                }
                Ok(())
            }
            SafetensorsError::MissingTensor { tensor, looked_for: None, modules } => write!(
                f,
                "missing tensor: expected an nn.Sequential module for {tensor}, the file numbers only {modules}"
            ),
            SafetensorsError::UnexpectedTensor { name, dtype, shape } => write!(
                f,
                "unexpected tensor `{name}` ({dtype} {shape:?}) in the file: the network has no tensor for it \
                 (allow_extra ignores it)"
            ),
            SafetensorsError::WrongShape { tensor, file_name, expected, found } => write!(
                f,
                "wrong shape: expected {expected:?} for {tensor}{}, found {found:?}",
                InFile(tensor, file_name)
            ),
            SafetensorsError::WrongDtype { tensor, file_name, found } => write!(
                f,
                "wrong dtype: expected F16, BF16, F32 or F64 for {tensor}{}, found {found}",
                InFile(tensor, file_name)
            ),
            SafetensorsError::DuplicateName { name } if name == "__metadata__" => {
                write!(f, "cannot export: `__metadata__` is reserved by the safetensors format")
            }
            SafetensorsError::DuplicateName { name } => {
                write!(f, "cannot export: two tensors would both be named `{name}`")
            }
        }
    }
}

impl std::error::Error for SafetensorsError {}

/// The message of `problem`, as [`SafetensorsError`]'s `Display` writes it (for tests of the
/// compile-time messages, which must say the same).
#[cfg(test)]
pub(crate) fn message(problem: Problem<'_>) -> String {
    SafetensorsError::from(problem).to_string()
}
