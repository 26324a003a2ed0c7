//! The run-time importer and exporter (`safetensors` feature): the [`Safetensors`] trait,
//! implemented for every network.

use super::SafetensorsError;
use super::dtype::Dtype;
use super::naming::{self, FileTensor, Import, Key, Naming, Wanted, WantedList};
use crate::Scalar;
use crate::network::{Chain, Sequential};
use std::collections::HashSet;
use std::string::{String, ToString};
use std::vec::Vec;

/// Import from and export to safetensors, the tensor file format of PyTorch and Hugging Face
/// (`safetensors` feature). Implemented for every network declared with
/// [`network!`](macro@crate::network); in the prelude.
///
/// ```
/// use constnet::io::safetensors::{Import, Naming};
/// use constnet::prelude::*;
/// use constnet::rand::{SeedableRng, rngs::Xoshiro128PlusPlus};
///
/// network! { pub struct Xor<f32> { hidden: Dense<2, 4, Tanh>, output: Dense<4, 1, Sigmoid> } }
///
/// let net = Xor::random(&mut Xoshiro128PlusPlus::seed_from_u64(1));
/// let bytes: Vec<u8> = net.to_safetensors(); // hidden.weight [4, 2], hidden.bias [4], output.…
/// assert_eq!(Xor::from_safetensors(&bytes)?, net);
///
/// // Keras: `hidden/kernel` is `[in, out]`, transposed both ways.
/// let keras = net.to_safetensors_with(Naming::Keras)?;
/// assert_eq!(Xor::from_safetensors(&keras)?, net); // the naming is detected
/// let options = Import::new().naming(Naming::Keras);
/// assert_eq!(Xor::from_safetensors_with(&keras, &options)?, net);
/// # Ok::<(), constnet::io::safetensors::SafetensorsError>(())
/// ```
pub trait Safetensors<T: Scalar, const IN: usize, const OUT: usize>: Sized {
    /// Reads a network from a safetensors file's bytes, detecting the naming
    /// ([`Naming::Auto`]) and refusing tensors it has no place for (strict).
    ///
    /// # Errors
    /// A [`SafetensorsError`] naming the tensor and what was expected: the file is not a valid
    /// safetensors file, a tensor is missing, has another shape or is not floating point, or
    /// the file has a tensor the network does not.
    fn from_safetensors(bytes: &[u8]) -> Result<Self, SafetensorsError> {
        Self::from_safetensors_with(bytes, &Import::new())
    }

    /// As [`Safetensors::from_safetensors`], with an explicit [`Naming`] or
    /// [`Import::allow_extra`].
    ///
    /// # Errors
    /// As [`Safetensors::from_safetensors`].
    fn from_safetensors_with(bytes: &[u8], import: &Import<'_>) -> Result<Self, SafetensorsError>;

    /// As [`Safetensors::from_safetensors_with`], into an existing network. On error `self` is
    /// unchanged: the whole file is checked before the first parameter is written.
    ///
    /// # Errors
    /// As [`Safetensors::from_safetensors`].
    fn read_safetensors(&mut self, bytes: &[u8], import: &Import<'_>) -> Result<(), SafetensorsError>;

    /// The network as a safetensors file with [`Naming::Fields`] names (`hidden1.weight`, …),
    /// in the network's scalar type (`F32` for `f32`; `F64` for `f64`, and for other scalars
    /// through [`Scalar::to_f64`], which is exact for [`Q16`](crate::fixed::Q16)), with the
    /// metadata `{"format": "pt"}`. A PyTorch module whose attributes are
    /// named like the layers loads it with `load_state_dict(..., strict=True)`.
    ///
    /// # Panics
    /// If a layer gives two of its tensors the same name (a bug in that layer).
    fn to_safetensors(&self) -> Vec<u8> {
        match self.to_safetensors_with(Naming::Fields) {
            Ok(bytes) => bytes,
            Err(err) => panic!("a layer names two of its tensors alike: {err}"),
        }
    }

    /// The network as a safetensors file with the given naming ([`Naming::Auto`] is
    /// [`Naming::Fields`]; see [`Naming`] for what the others write).
    ///
    /// # Errors
    /// [`SafetensorsError::DuplicateName`] if two tensors would get the same name (a
    /// [`Naming::Map`] that sends two tensors to one name) or one would be `__metadata__`.
    fn to_safetensors_with(&self, naming: Naming<'_>) -> Result<Vec<u8>, SafetensorsError>;
}

/// The network's tensors in order, with their layers (run-time description, so layers that
/// override [`Parameters::tensor_info`] work too).
fn wanted<T: Scalar, N: Sequential<T, IN, OUT>, const IN: usize, const OUT: usize>() -> Vec<Wanted<'static>> {
    let mut out = Vec::with_capacity(N::TENSORS);
    let mut ordinal = 0;
    let mut previous: Option<&str> = None;
    for index in 0..N::TENSORS {
        let info = <N::Layers as Chain<N, T, IN, OUT>>::tensor_info(index);
        let layer = <N::Layers as Chain<N, T, IN, OUT>>::tensor_layer(index);
        if previous.is_some_and(|p| p != layer) {
            ordinal += 1;
        }
        previous = Some(layer);
        out.push(Wanted { layer, name: info.name, kind: info.kind, shape: info.shape, ordinal, index });
    }
    out
}

/// The `safetensors` crate's element type as constnet's.
fn dtype(dtype: safetensors::Dtype) -> Dtype {
    use safetensors::Dtype as D;
    match dtype {
        D::F16 => Dtype::F16,
        D::BF16 => Dtype::BF16,
        D::F32 => Dtype::F32,
        D::F64 => Dtype::F64,
        D::BOOL => Dtype::Other("BOOL"),
        D::U8 => Dtype::Other("U8"),
        D::I8 => Dtype::Other("I8"),
        D::I16 => Dtype::Other("I16"),
        D::U16 => Dtype::Other("U16"),
        D::I32 => Dtype::Other("I32"),
        D::U32 => Dtype::Other("U32"),
        D::I64 => Dtype::Other("I64"),
        D::U64 => Dtype::Other("U64"),
        D::C64 => Dtype::Other("C64"),
        D::F4 => Dtype::Other("F4"),
        D::F6_E2M3 => Dtype::Other("F6_E2M3"),
        D::F6_E3M2 => Dtype::Other("F6_E3M2"),
        D::F8_E5M2 => Dtype::Other("F8_E5M2"),
        D::F8_E4M3 => Dtype::Other("F8_E4M3"),
        D::F8_E8M0 => Dtype::Other("F8_E8M0"),
        D::F8_E4M3FNUZ => Dtype::Other("F8_E4M3FNUZ"),
        D::F8_E5M2FNUZ => Dtype::Other("F8_E5M2FNUZ"),
        _ => Dtype::Other("an element type unknown to constnet"),
    }
}

impl<T: Scalar, N: Sequential<T, IN, OUT>, const IN: usize, const OUT: usize> Safetensors<T, IN, OUT> for N {
    fn from_safetensors_with(bytes: &[u8], import: &Import<'_>) -> Result<Self, SafetensorsError> {
        let mut net = Self::zeroed();
        net.read_safetensors(bytes, import)?;
        Ok(net)
    }

    fn read_safetensors(&mut self, bytes: &[u8], import: &Import<'_>) -> Result<(), SafetensorsError> {
        let parsed = safetensors::SafeTensors::deserialize(bytes)
            .map_err(|err| SafetensorsError::Corrupt { reason: err.to_string() })?;
        let mut views: Vec<_> = parsed.iter().collect();
        // The crate keeps names in a hash map; sort, so the first problem reported is stable.
        views.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let file: Vec<FileTensor<'_>> = views
            .iter()
            .map(|(name, view)| FileTensor { name, dtype: dtype(view.dtype()), shape: view.shape(), data: view.data() })
            .collect();
        let wanted = wanted::<T, N, IN, OUT>();
        let naming = naming::validate(&file, WantedList::Slice(&wanted), *import)?;
        // Everything is checked: from here on nothing fails.
        for w in &wanted {
            let (i, key) = naming::locate(&file, naming, *w)?;
            copy_into(self.tensor_mut(w.index), &file[i], w, &key);
        }
        Ok(())
    }

    fn to_safetensors_with(&self, naming: Naming<'_>) -> Result<Vec<u8>, SafetensorsError> {
        // `f32` as F32; `f64`, and any other scalar (exactly, for `fixed::Q16`), as F64.
        let (file_dtype, width) = match T::TYPE_TAG {
            1 => (safetensors::Dtype::F32, 4),
            _ => (safetensors::Dtype::F64, 8),
        };
        let mut tensors = Vec::with_capacity(N::TENSORS);
        let mut taken = HashSet::with_capacity(N::TENSORS);
        for w in wanted::<T, N, IN, OUT>() {
            let (name, transpose) = export_name(naming, &w);
            if name == "__metadata__" || !taken.insert(name.clone()) {
                return Err(SafetensorsError::DuplicateName { name });
            }
            let key = Key { head: "", sep: "", tail: "", transpose };
            let values = self.tensor(w.index);
            let mut data = Vec::with_capacity(values.len() * width);
            for f in 0..values.len() {
                // Element `f` of the file is element `j` of the network's tensor.
                let j = naming::file_index(naming::file_shape(&w, &key), key.transpose, f);
                let v = values.get(j).copied().unwrap_or(T::ZERO);
                match T::TYPE_TAG {
                    1 | 2 => {
                        let at = data.len();
                        data.resize(at + width, 0);
                        v.write_le(&mut data[at..]);
                    }
                    _ => data.extend_from_slice(&v.to_f64().to_le_bytes()),
                }
            }
            tensors.push((name, naming::file_shape(&w, &key).dims().to_vec(), data));
        }
        let views = tensors.iter().map(|(name, shape, data)| {
            (name.as_str(), safetensors::tensor::TensorView::new(file_dtype, shape.clone(), data))
        });
        let mut checked = Vec::with_capacity(tensors.len());
        for (name, view) in views {
            // Shape and length agree by construction (the layer's `tensor_info` and `tensor`).
            checked.push((name, view.map_err(|err| SafetensorsError::Corrupt { reason: err.to_string() })?));
        }
        let metadata = match naming {
            Naming::Keras => None,
            _ => Some([("format".to_string(), "pt".to_string())].into_iter().collect()),
        };
        safetensors::serialize(checked, metadata).map_err(|err| SafetensorsError::Corrupt { reason: err.to_string() })
    }
}

/// The name a tensor is exported under, and whether it is stored transposed.
fn export_name(naming: Naming<'_>, wanted: &Wanted<'_>) -> (String, bool) {
    let key = match naming {
        Naming::Sequential => return (std::format!("{}.{}", 2 * wanted.ordinal, wanted.name), false),
        other => naming::key(&[], other, wanted),
    };
    match key {
        Some(key) => (std::format!("{}{}{}", key.head, key.sep, key.tail), key.transpose),
        None => (std::format!("{}.{}", wanted.layer, wanted.name), false),
    }
}

/// Writes the file's `tensor` into the network's tensor `dst` (PyTorch's layout): a bit-exact
/// copy when the file holds the network's own scalar type untransposed, otherwise each value
/// widened to `f64` and converted by [`Scalar::from_f64`] (for `f32`: to nearest, ties to even).
fn copy_into<T: Scalar>(dst: &mut [T], tensor: &FileTensor<'_>, wanted: &Wanted<'_>, key: &Key<'_>) {
    let exact = !key.transpose && Dtype::of_scalar_tag(T::TYPE_TAG).is_some_and(|own| own.same(tensor.dtype));
    for (j, d) in dst.iter_mut().enumerate() {
        *d = if exact {
            match tensor.data.get(j * T::BYTES..(j + 1) * T::BYTES) {
                Some(chunk) => T::read_le(chunk),
                None => T::ZERO,
            }
        } else {
            T::from_f64(naming::value(tensor, wanted, key, j))
        };
    }
}
