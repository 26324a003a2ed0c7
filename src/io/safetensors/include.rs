//! What `include_safetensors!` expands to calls: a safetensors file checked against a network
//! and turned into the model byte format while compiling, then decoded by the same type-level
//! decoding as [`include_model!`](crate::include_model) ([`ConstDecode`]). Not public API.
//!
//! The macro parses the file with the `safetensors` crate (on the host, while compiling) and
//! describes it as a [`SafetensorsFile`]: its bytes (through `include_bytes!`, so a changed file
//! rebuilds) and a table of its tensors. From there everything is `const` code in this crate:
//! [`check`] matches the file against the network's [`TensorTable`] with the same matcher as
//! the run-time importer and panics — a compile error at the file name in the macro call —
//! with the run-time error's message; [`SafetensorsModel`] writes the model bytes (header,
//! then every tensor converted to the network's scalar, in the network's order); [`decode`]
//! decodes them through the network's [`ConstDecode`].

#![allow(clippy::result_large_err, reason = "`const fn`s cannot box; a problem is made once, when a file is refused")]

use super::dtype::{self, Dtype};
use super::naming::{self, FileTensor, Import, Key, Problem, Wanted, WantedList};
use crate::__private::Message;
use crate::Scalar;
use crate::io::{Checksum, ConstDecode, HEADER_BYTES, Model, ModelBytes, Spec};
use crate::network::{LayerTensors, Sequential, TensorTable};
use core::marker::PhantomData;

/// A safetensors file as `include_safetensors!` describes it.
pub trait SafetensorsFile {
    /// The path as written in the macro call, for messages.
    const PATH: &'static str;
    /// Every tensor of the file, sorted by name.
    const TENSORS: &'static [FileTensor<'static>];
    /// The options given in the macro call.
    const IMPORT: Import<'static>;
}

/// Why a file cannot be compiled into a network.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BuildError<'a> {
    /// The file does not fit the network (as at run time).
    File(Problem<'a>),
    /// A layer with parameters does not declare [`Parameters::TENSOR_INFO`].
    NoConstTable {
        /// The layer.
        layer: &'a str,
    },
    /// A layer's [`Parameters::TENSOR_INFO`] shapes do not add up to its
    /// [`Parameters::PARAMS`].
    InconsistentLayer {
        /// The layer.
        layer: &'a str,
    },
    /// The network's scalar is neither `f32` nor `f64`.
    UnsupportedScalar {
        /// [`Scalar::NAME`].
        name: &'static str,
    },
}

/// The network's tensors as a table, or why the table cannot be used.
const fn table<T: Scalar, N: Model<T>>(first: Option<&'static LayerTensors>) -> Result<(), BuildError<'static>> {
    if Dtype::of_scalar_tag(T::TYPE_TAG).is_none() {
        return Err(BuildError::UnsupportedScalar { name: T::NAME });
    }
    let mut node = first;
    let mut params = 0;
    while let Some(layer) = node {
        if layer.tensors.len() != layer.count {
            return Err(BuildError::NoConstTable { layer: layer.layer });
        }
        let mut sum = 0;
        let mut i = 0;
        while i < layer.tensors.len() {
            sum += layer.tensors[i].shape.len();
            i += 1;
        }
        if sum != layer.params {
            return Err(BuildError::InconsistentLayer { layer: layer.layer });
        }
        params += sum;
        node = layer.next;
    }
    if params != N::PARAMS {
        // Only a hand-written `Parameters` for a network gets here; name its first layer.
        return Err(BuildError::InconsistentLayer {
            layer: match first {
                Some(layer) => layer.layer,
                None => "",
            },
        });
    }
    Ok(())
}

/// Checks `file` against network `N` and writes the model bytes of `N` (header and parameters)
/// into the first `HEADER_BYTES + N::PARAMS × T::BYTES` bytes of a `CAP`-byte array; returns the
/// array and that length. Runs while compiling, and at run time in the tests.
///
/// # Errors
/// The first [`BuildError`] found.
pub const fn build<'a, T: Scalar, N: Model<T>, const CAP: usize>(
    file: &[FileTensor<'a>],
    import: Import<'a>,
    first: Option<&'static LayerTensors>,
) -> Result<([u8; CAP], usize), BuildError<'a>> {
    if let Err(err) = table::<T, N>(first) {
        return Err(err);
    }
    let naming = match naming::validate(file, WantedList::table(first), import) {
        Ok(naming) => naming,
        Err(problem) => return Err(BuildError::File(problem)),
    };
    let len = HEADER_BYTES + N::PARAMS * T::BYTES;
    if len > CAP {
        return Err(BuildError::UnsupportedScalar { name: T::NAME });
    }
    let mut out = [0u8; CAP];
    let mut at = HEADER_BYTES;
    let mut list = WantedList::table(first);
    while let Some((wanted, rest)) = list.next() {
        let (i, key) = match naming::locate(file, naming, wanted) {
            Ok(found) => found,
            Err(problem) => return Err(BuildError::File(problem)),
        };
        at = write_tensor::<T, CAP>(&mut out, at, &file[i], &wanted, &key);
        list = rest;
    }
    let checksum = Checksum::of(out.split_at(len).0.split_at(HEADER_BYTES).1).value();
    let header = Spec::of::<T, N>().header(checksum);
    let mut i = 0;
    while i < HEADER_BYTES {
        out[i] = header[i];
        i += 1;
    }
    Ok((out, len))
}

/// Writes the network's tensor `wanted` from the file's `tensor` at byte `at` of `out`, in the
/// scalar `T` (`f32` or `f64`); returns the offset after it. The file's own type untransposed
/// is copied bit for bit; anything else is widened to `f64` and rounded to nearest.
const fn write_tensor<T: Scalar, const CAP: usize>(
    out: &mut [u8; CAP],
    mut at: usize,
    tensor: &FileTensor<'_>,
    wanted: &Wanted<'_>,
    key: &Key<'_>,
) -> usize {
    let exact = !key.transpose
        && match Dtype::of_scalar_tag(T::TYPE_TAG) {
            Some(own) => own.same(tensor.dtype),
            None => false,
        };
    let mut j = 0;
    while j < wanted.shape.len() {
        if T::TYPE_TAG == 2 {
            let bytes = if exact {
                dtype::raw::<8>(tensor.data, j)
            } else {
                naming::value(tensor, wanted, key, j).to_le_bytes()
            };
            at = put(out, at, &bytes);
        } else {
            let bytes = if exact {
                dtype::raw::<4>(tensor.data, j)
            } else {
                (naming::value(tensor, wanted, key, j) as f32).to_le_bytes()
            };
            at = put(out, at, &bytes);
        }
        j += 1;
    }
    at
}

/// Copies `bytes` into `out` at `at` (what does not fit is dropped); returns the offset after.
const fn put<const CAP: usize>(out: &mut [u8; CAP], at: usize, bytes: &[u8]) -> usize {
    let mut i = 0;
    while i < bytes.len() {
        if at + i < CAP {
            out[at + i] = bytes[i];
        }
        i += 1;
    }
    at + bytes.len()
}

/// Panics — a compile error at the macro call's file name — if file `F` does not fit network
/// `N`, with the message the run-time importer would give.
#[track_caller]
pub const fn check<N, T, F, const IN: usize, const OUT: usize>()
where
    N: Model<T> + Sequential<T, IN, OUT, Layers: TensorTable<N, T>>,
    T: Scalar,
    F: SafetensorsFile,
{
    let first = <N::Layers as TensorTable<N, T>>::FIRST;
    if let Err(err) = table::<T, N>(first) {
        panic!("{}", describe(F::PATH, &err).as_str());
    }
    if let Err(problem) = naming::validate(F::TENSORS, WantedList::table(first), F::IMPORT) {
        panic!("{}", describe(F::PATH, &BuildError::File(problem)).as_str());
    }
}

/// The model bytes of network `N` made from file `F` (all zeros if the file does not fit: then
/// [`check`] has already failed the build, and nothing else reports it a second time).
pub struct SafetensorsModel<F, N, T, const IN: usize, const OUT: usize, const CAP: usize>(PhantomData<(F, N, T)>);

impl<F, N, T, const IN: usize, const OUT: usize, const CAP: usize> SafetensorsModel<F, N, T, IN, OUT, CAP>
where
    N: Model<T> + Sequential<T, IN, OUT, Layers: TensorTable<N, T>>,
    T: Scalar,
    F: SafetensorsFile,
{
    const BUILT: ([u8; CAP], usize) =
        match build::<T, N, CAP>(F::TENSORS, F::IMPORT, <N::Layers as TensorTable<N, T>>::FIRST) {
            Ok(built) => built,
            Err(_) => ([0; CAP], 0),
        };
    const FULL: &'static [u8; CAP] = &Self::BUILT.0;
}

impl<F, N, T, const IN: usize, const OUT: usize, const CAP: usize> ModelBytes
    for SafetensorsModel<F, N, T, IN, OUT, CAP>
where
    N: Model<T> + Sequential<T, IN, OUT, Layers: TensorTable<N, T>>,
    T: Scalar,
    F: SafetensorsFile,
{
    const BYTES: &'static [u8] = Self::FULL.split_at(Self::BUILT.1).0;
}

/// Network `N` decoded from file `F` (`CAP` ≥ its model bytes: `HEADER_BYTES + 8 × PARAMS`).
pub const fn decode<N, T, F, const IN: usize, const OUT: usize, const CAP: usize>() -> N
where
    N: Model<T>
        + Sequential<T, IN, OUT, Layers: TensorTable<N, T>>
        + ConstDecode<SafetensorsModel<F, N, T, IN, OUT, CAP>>,
    T: Scalar,
    F: SafetensorsFile,
{
    <N as ConstDecode<SafetensorsModel<F, N, T, IN, OUT, CAP>>>::DECODED
}

/// `[4, 2]`.
const fn dims(mut message: Message, dims: &[usize]) -> Message {
    message = message.push("[");
    let mut i = 0;
    while i < dims.len() {
        if i > 0 {
            message = message.push(", ");
        }
        message = message.number(dims[i]);
        i += 1;
    }
    message.push("]")
}

/// `layer.tensor`.
const fn tensor(message: Message, wanted: &Wanted<'_>) -> Message {
    message.push(wanted.layer).push(".").push(wanted.name)
}

/// `head + sep + tail`.
const fn key(message: Message, key: &Key<'_>) -> Message {
    message.push(key.head).push(key.sep).push(key.tail)
}

/// ` (`name` in the file)` when the file's name differs.
const fn in_file(message: Message, wanted: &Wanted<'_>, k: &Key<'_>) -> Message {
    if naming::renamed(wanted, k) { key(message.push(" (`"), k).push("` in the file)") } else { message }
}

/// The message of a [`Problem`]: the same text as `SafetensorsError`'s `Display`.
pub(crate) const fn problem(message: Message, problem: &Problem<'_>) -> Message {
    match problem {
        Problem::Missing { wanted, key: Some(k), .. } => {
            let message = key(message.push("missing tensor: expected `"), k).push("` in the file");
            if naming::renamed(wanted, k) { tensor(message.push(" for "), wanted) } else { message }
        }
        Problem::Missing { wanted, key: None, modules } => {
            tensor(message.push("missing tensor: expected an nn.Sequential module for "), wanted)
                .push(", the file numbers only ")
                .number(*modules)
        }
        Problem::Unexpected { tensor } => dims(
            message.push("unexpected tensor `").push(tensor.name).push("` (").push(tensor.dtype.name()).push(" "),
            tensor.shape,
        )
        .push(") in the file: the network has no tensor for it (allow_extra ignores it)"),
        Problem::WrongShape { wanted, key, expected, found } => {
            let message = tensor(dims(message.push("wrong shape: expected "), expected.dims()).push(" for "), wanted);
            dims(in_file(message, wanted, key).push(", found "), found)
        }
        Problem::WrongDtype { wanted, key, found } => {
            let message = tensor(message.push("wrong dtype: expected F16, BF16, F32 or F64 for "), wanted);
            in_file(message, wanted, key).push(", found ").push(found.name())
        }
    }
}

/// The compile error for `err` in file `path`.
const fn describe(path: &str, err: &BuildError<'_>) -> Message {
    let message = Message::new().push("constnet: `").push(path).push("` does not fit the network: ");
    match err {
        BuildError::File(p) => problem(message, p),
        BuildError::NoConstTable { layer } => message
            .push("layer `")
            .push(layer)
            .push("` lists its tensors only at run time; declare `Parameters::TENSOR_INFO` to load it at build time"),
        BuildError::InconsistentLayer { layer } => message
            .push("the shapes in `Parameters::TENSOR_INFO` of layer `")
            .push(layer)
            .push("` do not add up to its `Parameters::PARAMS`"),
        BuildError::UnsupportedScalar { name } => {
            message.push("include_safetensors! builds f32 and f64 networks, not ").push(name)
        }
    }
}

#[cfg(all(test, feature = "safetensors"))]
mod tests {
    use super::*;
    use crate::TensorKind;
    use crate::TensorShape;

    const WEIGHT: Wanted<'static> = Wanted {
        layer: "hidden1",
        name: "weight",
        kind: TensorKind::Weights,
        shape: TensorShape::new(&[4, 2]),
        ordinal: 0,
        index: 0,
    };

    /// The compile-time messages say what the run-time errors say.
    #[test]
    fn messages_match_the_run_time_errors() {
        let fields = Key { head: "hidden1", sep: ".", tail: "weight", transpose: false };
        let sequential = Key { head: "0", sep: ".", tail: "weight", transpose: false };
        let keras = Key { head: "hidden1", sep: "/", tail: "kernel", transpose: true };
        let extra = FileTensor { name: "x", dtype: Dtype::Other("I64"), shape: &[3, 1], data: &[] };
        let problems = [
            Problem::Missing { wanted: WEIGHT, key: Some(fields), modules: 0 },
            Problem::Missing { wanted: WEIGHT, key: Some(sequential), modules: 0 },
            Problem::Missing { wanted: WEIGHT, key: None, modules: 2 },
            Problem::Unexpected { tensor: extra },
            Problem::WrongShape { wanted: WEIGHT, key: fields, expected: TensorShape::new(&[4, 2]), found: &[5, 2] },
            Problem::WrongShape { wanted: WEIGHT, key: keras, expected: TensorShape::new(&[2, 4]), found: &[2, 5] },
            Problem::WrongDtype { wanted: WEIGHT, key: sequential, found: Dtype::Other("I64") },
            Problem::WrongDtype { wanted: WEIGHT, key: fields, found: Dtype::Other("BOOL") },
        ];
        for p in problems {
            assert_eq!(problem(Message::new(), &p).as_str(), super::super::error::message(p));
        }
        assert_eq!(
            problem(Message::new(), &problems[4]).as_str(),
            "wrong shape: expected [4, 2] for hidden1.weight, found [5, 2]"
        );
        assert_eq!(
            problem(Message::new(), &problems[5]).as_str(),
            "wrong shape: expected [2, 4] for hidden1.weight (`hidden1/kernel` in the file), found [2, 5]"
        );
    }
}
