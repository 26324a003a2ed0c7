//! Which tensor of a file each tensor of a network is: the namings, and the matcher shared by
//! the run-time importer and `include_safetensors!`. Everything here is a `const fn` over
//! borrowed data, so the same code runs while compiling and at run time, with no allocation.

#![allow(clippy::result_large_err, reason = "`const fn`s cannot box; a problem is made once, when a file is refused")]

use super::dtype::{self, Dtype};
use crate::network::LayerTensors;
use crate::{TensorKind, TensorShape};

/// How a network's tensors are named in a safetensors file (see the
/// [module docs](super#naming) for examples).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Naming<'a> {
    /// Import: the first of [`Fields`](Naming::Fields), [`Sequential`](Naming::Sequential) and
    /// [`Keras`](Naming::Keras) under which some tensor of the network is in the file
    /// ([`Fields`](Naming::Fields) if none is). Export: [`Fields`](Naming::Fields).
    #[default]
    Auto,
    /// `<layer>.<tensor>` with the layer's field name: `hidden1.weight`, `hidden1.bias` (the
    /// `state_dict` of a PyTorch module whose attributes are named like the layers).
    Fields,
    /// PyTorch's `nn.Sequential` numbering, `<n>.<tensor>`: `0.weight`, `0.bias`, `2.weight`, …
    /// Import: the layers with parameters take the file's module numbers in increasing order,
    /// whatever the gaps (activation and dropout modules have no tensors, so they leave gaps).
    /// Export: layer `k` with parameters is module `2k` (each followed by its activation, the
    /// usual `Linear`, `ReLU`, `Linear`, … stack); use [`Map`](Naming::Map) for another numbering.
    Sequential,
    /// Keras: `<layer>/kernel` for a layer's `weight`, stored `[in, out]` (the transpose of
    /// PyTorch's `[out, in]`, converted on import and export), and `<layer>/<tensor>` for the
    /// others (`hidden1/bias`), with the layer's field name.
    Keras,
    /// Explicit names, in PyTorch's layout: pairs `(constnet name, file name)`. A pair whose first
    /// element is a layer name renames the layer (`("hidden1", "encoder.fc")` reads
    /// `encoder.fc.weight` and `encoder.fc.bias`); one whose first element is a tensor name
    /// names that tensor (`("output.bias", "head_b")`), and wins over a layer pair. Layers and
    /// tensors not listed keep their [`Fields`](Naming::Fields) names.
    Map(&'a [(&'a str, &'a str)]),
}

/// Options of an import: the [`Naming`], and whether tensors the network has no place for are
/// an error (strict, the default) or ignored.
///
/// ```
/// use constnet::io::safetensors::{Import, Naming};
/// let keras = Import::new().naming(Naming::Keras).allow_extra();
/// assert_eq!((keras.get_naming(), keras.is_strict()), (Naming::Keras, false));
/// assert!(Import::default().is_strict());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Import<'a> {
    naming: Naming<'a>,
    strict: bool,
}

impl<'a> Import<'a> {
    /// [`Naming::Auto`], strict.
    #[must_use]
    pub const fn new() -> Self {
        Self { naming: Naming::Auto, strict: true }
    }
    /// Uses `naming` instead of detecting it.
    #[must_use]
    pub const fn naming(mut self, naming: Naming<'a>) -> Self {
        self.naming = naming;
        self
    }
    /// Ignores tensors of the file that the network has no place for (PyTorch's
    /// `load_state_dict(strict=False)`), instead of refusing the file.
    #[must_use]
    pub const fn allow_extra(mut self) -> Self {
        self.strict = false;
        self
    }
    /// The naming asked for.
    #[must_use]
    pub const fn get_naming(&self) -> Naming<'a> {
        self.naming
    }
    /// `false` after [`Import::allow_extra`].
    #[must_use]
    pub const fn is_strict(&self) -> bool {
        self.strict
    }
}

impl Default for Import<'_> {
    fn default() -> Self {
        Self::new()
    }
}

/// One tensor of a file: its name, element type, shape and little-endian data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileTensor<'a> {
    /// The name in the file.
    pub name: &'a str,
    /// The element type.
    pub dtype: Dtype,
    /// The shape, outermost first.
    pub shape: &'a [usize],
    /// The elements, row-major.
    pub data: &'a [u8],
}

impl<'a> FileTensor<'a> {
    /// Tensor `name` stored in bytes `start..end` of `file` (an empty range if those are not
    /// inside `file`).
    #[must_use]
    pub const fn new(
        name: &'a str,
        dtype: Dtype,
        shape: &'a [usize],
        file: &'a [u8],
        start: usize,
        end: usize,
    ) -> Self {
        let data = if start <= end && end <= file.len() { file.split_at(end).0.split_at(start).1 } else { &[] };
        Self { name, dtype, shape, data }
    }
}

/// One tensor of a network, as the matcher sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Wanted<'a> {
    /// The layer's name.
    pub layer: &'a str,
    /// The tensor's name inside the layer.
    pub name: &'a str,
    /// Weights or bias.
    pub kind: TensorKind,
    /// The shape in PyTorch's layout.
    pub shape: TensorShape,
    /// Which layer with parameters it belongs to, counting from 0 (for [`Naming::Sequential`]).
    pub ordinal: usize,
    /// Its index among the network's tensors ([`Parameters::tensor`](crate::Parameters::tensor)).
    pub index: usize,
}

/// A network's tensors in order: a slice (built at run time from
/// [`Chain::tensor_info`](crate::network::Chain::tensor_info)) or a [`LayerTensors`] table
/// (while compiling).
#[derive(Clone, Copy, Debug)]
pub enum WantedList<'a> {
    /// Every tensor, in order.
    #[cfg_attr(not(feature = "safetensors"), allow(dead_code, reason = "the run-time importer's"))]
    Slice(&'a [Wanted<'a>]),
    /// A table, at tensor `tensor` of layer `node`.
    Table {
        /// The current layer.
        node: Option<&'a LayerTensors>,
        /// The next tensor of the current layer.
        tensor: usize,
        /// The current layer's [`Wanted::ordinal`].
        ordinal: usize,
        /// The next tensor's [`Wanted::index`].
        index: usize,
    },
}

impl<'a> WantedList<'a> {
    /// The tensors of a [`LayerTensors`] table.
    #[must_use]
    pub const fn table(first: Option<&'a LayerTensors>) -> Self {
        WantedList::Table { node: first, tensor: 0, ordinal: 0, index: 0 }
    }

    /// The next tensor and the rest of the list.
    #[must_use]
    pub const fn next(self) -> Option<(Wanted<'a>, Self)> {
        match self {
            WantedList::Slice(slice) => match slice.split_first() {
                Some((first, rest)) => Some((*first, WantedList::Slice(rest))),
                None => None,
            },
            WantedList::Table { mut node, mut tensor, mut ordinal, index } => loop {
                let Some(layer) = node else { return None };
                if tensor < layer.tensors.len() {
                    let info = layer.tensors[tensor];
                    let wanted = Wanted {
                        layer: layer.layer,
                        name: info.name,
                        kind: info.kind,
                        shape: info.shape,
                        ordinal,
                        index,
                    };
                    return Some((wanted, WantedList::Table { node, tensor: tensor + 1, ordinal, index: index + 1 }));
                }
                if !layer.tensors.is_empty() {
                    ordinal += 1;
                }
                node = layer.next;
                tensor = 0;
            },
        }
    }
}

/// The name a tensor has in a file, as pieces: `head + sep + tail` (compared without building
/// the string), and whether it is stored transposed (a Keras kernel).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key<'a> {
    /// Layer name, module number or mapped name.
    pub head: &'a str,
    /// `"."`, `"/"` or `""`.
    pub sep: &'static str,
    /// Tensor name, or `""`.
    pub tail: &'a str,
    /// Stored `[in, out]` instead of `[out, in]`.
    pub transpose: bool,
}

impl Key<'_> {
    /// Whether `name` is `head + sep + tail`.
    #[must_use]
    pub const fn matches(&self, name: &str) -> bool {
        let (name, head, sep, tail) =
            (name.as_bytes(), self.head.as_bytes(), self.sep.as_bytes(), self.tail.as_bytes());
        name.len() == head.len() + sep.len() + tail.len()
            && bytes_at(name, 0, head)
            && bytes_at(name, head.len(), sep)
            && bytes_at(name, head.len() + sep.len(), tail)
    }

    /// Whether it names the same tensor as `(layer, tensor)` under [`Naming::Fields`].
    const fn is_field_name(&self, layer: &str, tensor: &str) -> bool {
        str_eq(self.head, layer) && str_eq(self.sep, ".") && str_eq(self.tail, tensor)
    }
}

/// What is wrong with a file for a network: the first problem found. Turned into a
/// `SafetensorsError` at run time and into a compile error by `include_safetensors!`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem<'a> {
    /// No tensor of the file for `wanted`; `key` is the name looked for (`None` when the file
    /// numbers fewer `nn.Sequential` modules than there are layers with parameters: `modules`).
    Missing {
        /// The network's tensor.
        wanted: Wanted<'a>,
        /// The name looked for.
        key: Option<Key<'a>>,
        /// Modules the file numbers ([`Naming::Sequential`]).
        modules: usize,
    },
    /// A tensor of the file that no tensor of the network takes (strict import).
    Unexpected {
        /// The file's tensor.
        tensor: FileTensor<'a>,
    },
    /// The tensor for `wanted` has another shape than `expected` (in the file's layout).
    WrongShape {
        /// The network's tensor.
        wanted: Wanted<'a>,
        /// Its name in the file.
        key: Key<'a>,
        /// The shape the file should have.
        expected: TensorShape,
        /// The shape it has.
        found: &'a [usize],
    },
    /// The tensor for `wanted` is not of a floating-point type.
    WrongDtype {
        /// The network's tensor.
        wanted: Wanted<'a>,
        /// Its name in the file.
        key: Key<'a>,
        /// Its element type.
        found: Dtype,
    },
}

/// `a == b`, in `const` context.
#[must_use]
pub const fn str_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && bytes_at(a.as_bytes(), 0, b.as_bytes())
}

/// Whether `needle` occurs in `hay` at `at`.
const fn bytes_at(hay: &[u8], at: usize, needle: &[u8]) -> bool {
    if at > hay.len() || hay.len() - at < needle.len() {
        return false;
    }
    let mut i = 0;
    while i < needle.len() {
        if hay[at + i] != needle[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The module number of a name `<digits>.<rest>` (with a non-empty rest), and its digits.
const fn module_number(name: &str) -> Option<(u64, &str)> {
    let bytes = name.as_bytes();
    let mut value: u64 = 0;
    let mut i = 0;
    while i < bytes.len() && bytes[i].is_ascii_digit() {
        value = match value.checked_mul(10) {
            Some(v) => match v.checked_add((bytes[i] - b'0') as u64) {
                Some(v) => v,
                None => return None,
            },
            None => return None,
        };
        i += 1;
    }
    if i == 0 || i + 1 >= bytes.len() || bytes[i] != b'.' {
        return None;
    }
    Some((value, name.split_at(i).0))
}

/// The digits of the `n`-th smallest module number in the file (counting from 0), or `None`
/// if it numbers fewer modules.
const fn nth_module<'a>(file: &[FileTensor<'a>], n: usize) -> Option<&'a str> {
    let mut previous: Option<u64> = None;
    let mut k = 0;
    loop {
        let mut best: Option<(u64, &'a str)> = None;
        let mut i = 0;
        while i < file.len() {
            if let Some((value, digits)) = module_number(file[i].name) {
                let above = match previous {
                    Some(p) => value > p,
                    None => true,
                };
                let below = match best {
                    Some((b, _)) => value < b,
                    None => true,
                };
                if above && below {
                    best = Some((value, digits));
                }
            }
            i += 1;
        }
        match best {
            None => return None,
            Some((value, digits)) => {
                if k == n {
                    return Some(digits);
                }
                previous = Some(value);
                k += 1;
            }
        }
    }
}

/// How many distinct module numbers the file has.
const fn module_count(file: &[FileTensor<'_>]) -> usize {
    let mut n = 0;
    while nth_module(file, n).is_some() {
        n += 1;
    }
    n
}

/// The name `wanted` has in the file under `naming` ([`Naming::Auto`] reads as
/// [`Naming::Fields`]); `None` for a [`Naming::Sequential`] layer beyond the file's modules.
#[must_use]
pub const fn key<'a>(file: &[FileTensor<'a>], naming: Naming<'a>, wanted: &Wanted<'a>) -> Option<Key<'a>> {
    let fields = Key { head: wanted.layer, sep: ".", tail: wanted.name, transpose: false };
    match naming {
        Naming::Auto | Naming::Fields => Some(fields),
        Naming::Sequential => match nth_module(file, wanted.ordinal) {
            Some(digits) => Some(Key { head: digits, sep: ".", tail: wanted.name, transpose: false }),
            None => None,
        },
        Naming::Keras => Some(keras_key(wanted)),
        Naming::Map(pairs) => Some(mapped_key(pairs, wanted)),
    }
}

/// [`Naming::Keras`]: `weight` is the kernel, transposed when it is a matrix.
const fn keras_key<'a>(wanted: &Wanted<'a>) -> Key<'a> {
    if str_eq(wanted.name, "weight") {
        Key { head: wanted.layer, sep: "/", tail: "kernel", transpose: wanted.shape.dims().len() == 2 }
    } else {
        Key { head: wanted.layer, sep: "/", tail: wanted.name, transpose: false }
    }
}

/// [`Naming::Map`]: a tensor pair, else a layer pair, else the field name.
const fn mapped_key<'a>(pairs: &'a [(&'a str, &'a str)], wanted: &Wanted<'a>) -> Key<'a> {
    let mut i = 0;
    while i < pairs.len() {
        let (from, to) = pairs[i];
        if (Key { head: wanted.layer, sep: ".", tail: wanted.name, transpose: false }).matches(from) {
            return Key { head: to, sep: "", tail: "", transpose: false };
        }
        i += 1;
    }
    let mut i = 0;
    while i < pairs.len() {
        let (from, to) = pairs[i];
        if str_eq(from, wanted.layer) {
            return Key { head: to, sep: ".", tail: wanted.name, transpose: false };
        }
        i += 1;
    }
    Key { head: wanted.layer, sep: ".", tail: wanted.name, transpose: false }
}

/// The shape `wanted` has in the file: its own, or reversed for a transposed kernel.
#[must_use]
pub const fn file_shape(wanted: &Wanted<'_>, key: &Key<'_>) -> TensorShape {
    let dims = wanted.shape.dims();
    if key.transpose && dims.len() == 2 { TensorShape::new(&[dims[1], dims[0]]) } else { wanted.shape }
}

/// The index in the file's data of element `j` of a tensor of shape `shape` (PyTorch's
/// layout): `j` itself, or its transpose for a Keras kernel.
#[must_use]
pub const fn file_index(shape: TensorShape, transpose: bool, j: usize) -> usize {
    let dims = shape.dims();
    if transpose && dims.len() == 2 && dims[1] > 0 {
        let (row, col) = (j / dims[1], j % dims[1]);
        col * dims[0] + row
    } else {
        j
    }
}

/// The file's tensor named `key`, if any.
const fn find(file: &[FileTensor<'_>], key: &Key<'_>) -> Option<usize> {
    let mut i = 0;
    while i < file.len() {
        if key.matches(file[i].name) {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// The file's tensor for `wanted` under `naming`, checked: present, floating point, of the
/// right shape. Returns its index in `file` and its name.
///
/// # Errors
/// [`Problem::Missing`], [`Problem::WrongDtype`] or [`Problem::WrongShape`].
pub const fn locate<'a>(
    file: &[FileTensor<'a>],
    naming: Naming<'a>,
    wanted: Wanted<'a>,
) -> Result<(usize, Key<'a>), Problem<'a>> {
    let Some(key) = key(file, naming, &wanted) else {
        return Err(Problem::Missing { wanted, key: None, modules: module_count(file) });
    };
    let Some(i) = find(file, &key) else {
        return Err(Problem::Missing { wanted, key: Some(key), modules: 0 });
    };
    let tensor = file[i];
    if !tensor.dtype.is_float() {
        return Err(Problem::WrongDtype { wanted, key, found: tensor.dtype });
    }
    let expected = file_shape(&wanted, &key);
    if !dims_eq(expected.dims(), tensor.shape) {
        return Err(Problem::WrongShape { wanted, key, expected, found: tensor.shape });
    }
    Ok((i, key))
}

/// `a == b` for shapes.
const fn dims_eq(a: &[usize], b: &[usize]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// Whether some tensor of the network is in the file under `naming`.
const fn any_found(file: &[FileTensor<'_>], wanted: WantedList<'_>, naming: Naming<'_>) -> bool {
    let mut list = wanted;
    while let Some((w, rest)) = list.next() {
        if let Some(key) = key(file, naming, &w)
            && find(file, &key).is_some()
        {
            return true;
        }
        list = rest;
    }
    false
}

/// The naming to use: `naming` itself, or for [`Naming::Auto`] the first of `Fields`,
/// `Sequential`, `Keras` under which some tensor of the network is found (else `Fields`).
#[must_use]
pub const fn resolve<'a>(file: &[FileTensor<'a>], wanted: WantedList<'_>, naming: Naming<'a>) -> Naming<'a> {
    match naming {
        Naming::Auto => {
            if any_found(file, wanted, Naming::Fields) {
                Naming::Fields
            } else if any_found(file, wanted, Naming::Sequential) {
                Naming::Sequential
            } else if any_found(file, wanted, Naming::Keras) {
                Naming::Keras
            } else {
                Naming::Fields
            }
        }
        other => other,
    }
}

/// Checks a file against a network: resolves the naming, then every tensor of the network in
/// order ([`locate`]), then, if `import` is strict, that every tensor of the file was taken.
/// Returns the naming used.
///
/// # Errors
/// The first [`Problem`] found, in that order.
pub const fn validate<'a>(
    file: &[FileTensor<'a>],
    wanted: WantedList<'a>,
    import: Import<'a>,
) -> Result<Naming<'a>, Problem<'a>> {
    let naming = resolve(file, wanted, import.naming);
    let mut list = wanted;
    while let Some((w, rest)) = list.next() {
        if let Err(problem) = locate(file, naming, w) {
            return Err(problem);
        }
        list = rest;
    }
    if import.strict {
        let mut i = 0;
        while i < file.len() {
            if !taken(file, wanted, naming, file[i].name) {
                return Err(Problem::Unexpected { tensor: file[i] });
            }
            i += 1;
        }
    }
    Ok(naming)
}

/// Whether some tensor of the network is read from the file's tensor `name`.
const fn taken(file: &[FileTensor<'_>], wanted: WantedList<'_>, naming: Naming<'_>, name: &str) -> bool {
    let mut list = wanted;
    while let Some((w, rest)) = list.next() {
        if let Some(key) = key(file, naming, &w)
            && key.matches(name)
        {
            return true;
        }
        list = rest;
    }
    false
}

/// Element `j` (PyTorch's layout) of the network's tensor `wanted`, read from the file's
/// `tensor` under `key`, widened to `f64`.
#[must_use]
pub const fn value(tensor: &FileTensor<'_>, wanted: &Wanted<'_>, key: &Key<'_>, j: usize) -> f64 {
    dtype::element(tensor.dtype, tensor.data, file_index(wanted.shape, key.transpose, j))
}

/// Whether `key` differs from the tensor's [`Naming::Fields`] name (messages then give both).
#[must_use]
pub const fn renamed(wanted: &Wanted<'_>, key: &Key<'_>) -> bool {
    !key.is_field_name(wanted.layer, wanted.name)
}
