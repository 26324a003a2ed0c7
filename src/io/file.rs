//! Saving and loading model files (`std` feature): atomic writes, streamed reads.

use super::{Checksum, HEADER_BYTES, LoadError, Model, Spec};
use crate::Scalar;
use core::fmt;
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// Why [`Model::save`] or [`Model::load`] failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum FileError {
    /// The file system refused.
    Io {
        /// The step that failed, e.g. `"create the temporary file"`.
        operation: &'static str,
        /// The error from the operating system.
        source: io::Error,
    },
    /// The file was read, but its contents are not a model of this network.
    Format(LoadError),
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileError::Io { operation, source } => write!(f, "could not {operation}: {source}"),
            FileError::Format(err) => write!(f, "{err}"),
        }
    }
}

impl std::error::Error for FileError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            FileError::Io { source, .. } => Some(source),
            FileError::Format(err) => Some(err),
        }
    }
}

impl From<LoadError> for FileError {
    fn from(err: LoadError) -> Self {
        FileError::Format(err)
    }
}

/// Size of the stack buffer parameters are streamed through; a multiple of every scalar size.
const CHUNK: usize = 512;

fn io_err(operation: &'static str) -> impl FnOnce(io::Error) -> FileError {
    move |source| FileError::Io { operation, source }
}

/// Calls `sink` with the model's parameter bytes, in order, in chunks of at most [`CHUNK`].
fn for_each_chunk<T: Scalar, N: Model<T>, E>(net: &N, mut sink: impl FnMut(&[u8]) -> Result<(), E>) -> Result<(), E> {
    let mut buf = [0u8; CHUNK];
    let mut len = 0;
    for t in 0..N::TENSORS {
        for &value in net.tensor(t) {
            if len + T::BYTES > CHUNK {
                sink(&buf[..len])?;
                len = 0;
            }
            value.write_le(&mut buf[len..len + T::BYTES]);
            len += T::BYTES;
        }
    }
    if len > 0 { sink(&buf[..len]) } else { Ok(()) }
}

/// `dir/.name.tmp-<pid>`: next to the target, so the rename stays on one file system.
fn temporary_path(path: &Path) -> PathBuf {
    let mut name = std::ffi::OsString::from(".");
    name.push(path.file_name().unwrap_or_else(|| std::ffi::OsStr::new("model")));
    name.push(std::format!(".tmp-{}", std::process::id()));
    path.with_file_name(name)
}

pub(super) fn save<T: Scalar, N: Model<T>>(net: &N, path: &Path) -> Result<(), FileError> {
    let spec = Spec::of::<T, N>();
    let mut checksum = Checksum::new();
    let _ = for_each_chunk::<T, N, ()>(net, |bytes| {
        checksum = checksum.update(bytes);
        Ok(())
    });
    let header = spec.header(checksum.value());

    let tmp = temporary_path(path);
    let written = (|| {
        let mut file = File::create(&tmp).map_err(io_err("create the temporary file"))?;
        file.write_all(&header).map_err(io_err("write the model header"))?;
        for_each_chunk::<T, N, _>(net, |bytes| file.write_all(bytes)).map_err(io_err("write the parameters"))?;
        file.sync_all().map_err(io_err("flush the temporary file to disk"))?;
        drop(file);
        fs::rename(&tmp, path).map_err(io_err("rename the temporary file over the model file"))
    })();
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
        return written;
    }
    // Make the rename itself durable (best effort: not every platform can sync a directory).
    #[cfg(unix)]
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        let _ = File::open(dir).and_then(|d| d.sync_all());
    }
    Ok(())
}

pub(super) fn load<T: Scalar, N: Model<T>>(path: &Path) -> Result<N, FileError> {
    let spec = Spec::of::<T, N>();
    let mut file = File::open(path).map_err(io_err("open the model file"))?;
    let total = file.metadata().map_err(io_err("read the model file's metadata"))?.len();
    let total = usize::try_from(total).unwrap_or(usize::MAX);

    let mut header = [0u8; HEADER_BYTES];
    let head_len = total.min(HEADER_BYTES);
    file.read_exact(&mut header[..head_len]).map_err(io_err("read the model header"))?;
    let stored = spec.check_header(&header[..head_len], total)?;

    // The length is now known to be exact: stream the payload through a stack buffer.
    let mut net = N::zeroed();
    let mut checksum = Checksum::new();
    let mut buf = [0u8; CHUNK];
    let (mut tensor, mut index) = (0, 0);
    let mut remaining = spec.payload_bytes();
    while remaining > 0 {
        let len = remaining.min(CHUNK);
        file.read_exact(&mut buf[..len]).map_err(io_err("read the parameters"))?;
        checksum = checksum.update(&buf[..len]);
        for chunk in buf[..len].chunks_exact(T::BYTES) {
            // `PARAMS` is the sum of the tensor lengths, so a slot is always found before
            // `TENSORS`; the bound only keeps the loop finite for a mis-implemented `Parameters`.
            while tensor < N::TENSORS && index >= net.tensor(tensor).len() {
                tensor += 1;
                index = 0;
            }
            if let Some(slot) = net.tensor_mut(tensor).get_mut(index) {
                *slot = T::read_le(chunk);
            }
            index += 1;
        }
        remaining -= len;
    }
    let computed = checksum.value();
    if computed != stored {
        return Err(LoadError::CorruptPayload { stored, computed }.into());
    }
    Ok(net)
}
