//! Saving and loading model files (`std` feature): atomic writes through a unique temporary
//! file, streamed reads.
//!
//! How [`Model::save`] writes `path`:
//!
//! 1. If `path` is a symbolic link (or a chain of them), the link is followed and the file it
//!    points to is written; the link itself stays. A dangling link creates its target.
//! 2. A temporary file is created in the target's directory under a fresh random name
//!    (`.<name>.<random>.cnet-tmp`, the name cut to 200 bytes so that any valid file name works),
//!    with `O_CREAT | O_EXCL`: it never opens an existing file and never follows a link planted
//!    at that name. Concurrent saves of the same path each get their own temporary.
//! 3. The model is written into it; the temporary gets the permissions of the file it replaces
//!    (a new file gets the mode `File::create` would give it), and is flushed to disk.
//! 4. It is renamed over the target (atomic on POSIX file systems), and the directory is flushed
//!    (best effort: not every platform can sync a directory).
//!
//! A failure at any step removes the temporary. A process killed mid-save cannot clean up: its
//! temporary is removed by a later save of the same file once it has not been written to for
//! [`STALE_AFTER`] (a save in progress keeps touching its file, so only a save stalled that long
//! could lose its temporary, and it would then fail cleanly, leaving the old file). Owner and
//! group of a replaced file become those of the saving process, as with any replace-by-rename.

use super::{Checksum, HEADER_BYTES, LoadError, Model, Spec};
use crate::Scalar;
use core::fmt;
use core::time::Duration;
use std::ffi::{OsStr, OsString};
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use tempfile::{Builder, NamedTempFile};

/// Why [`Model::save`] or [`Model::load`] failed.
#[derive(Debug)]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
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

/// Temporaries not written to for this long belong to a save that crashed: a later save of the
/// same file removes them.
const STALE_AFTER: Duration = Duration::from_secs(10 * 60);
/// Ending of every temporary file name.
const SUFFIX: &str = ".cnet-tmp";
/// Random characters in a temporary file name (62 possibilities each).
const RANDOM_CHARS: usize = 10;
/// At most this many bytes of the model's file name go into a temporary's name, so that the
/// temporary's name stays below the usual 255-byte limit for any valid model file name.
const NAME_BYTES: usize = 200;
/// Longest chain of symbolic links followed (Linux's limit for path resolution).
const MAX_LINKS: usize = 40;

/// `.<name>.`: the start of every temporary file name for a model file called `name`.
fn temporary_prefix(name: &OsStr) -> OsString {
    let name = name.to_string_lossy();
    let mut end = name.len().min(NAME_BYTES);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    let mut prefix = OsString::from(".");
    prefix.push(&name[..end]);
    prefix.push(".");
    prefix
}

/// Whether `file` is named like a temporary [`create_temporary`] makes with `prefix`.
fn is_temporary(file: &OsStr, prefix: &OsStr) -> bool {
    let (file, prefix) = (file.as_encoded_bytes(), prefix.as_encoded_bytes());
    file.strip_prefix(prefix)
        .and_then(|rest| rest.strip_suffix(SUFFIX.as_bytes()))
        .is_some_and(|random| random.len() == RANDOM_CHARS && random.iter().all(u8::is_ascii_alphanumeric))
}

/// Creates `dir/<prefix><random><SUFFIX>` exclusively (`O_CREAT | O_EXCL`, retried under
/// another name if the name exists): never an existing file, never through a symbolic link.
/// `random` is the number of random characters (0 only in tests, to aim at a planted name).
/// The file is removed when the returned handle is dropped without being persisted.
fn create_temporary(dir: &Path, prefix: &OsStr, random: usize, new_file: bool) -> io::Result<NamedTempFile> {
    let mut builder = Builder::new();
    builder.prefix(prefix).suffix(SUFFIX).rand_bytes(random);
    // A new model file gets the mode `File::create` gives (0o666 less the umask). A file that
    // replaces another starts private (tempfile's 0o600) and gets the old file's permissions
    // once written, so a model readable only by its owner is never exposed on the way.
    #[cfg(unix)]
    if new_file {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    #[cfg(not(unix))]
    let _ = new_file;
    builder.tempfile_in(dir)
}

/// Follows `path` through symbolic links to the file they name (which need not exist yet).
fn resolve_links(path: &Path) -> io::Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let link = fs::read_link(&current)?;
                // A relative link is relative to the link's directory; `join` keeps absolute ones.
                current = current.parent().map_or_else(|| link.clone(), |dir| dir.join(&link));
            }
            _ => return Ok(current),
        }
    }
    Err(io::Error::other(std::format!(
        "more than {MAX_LINKS} symbolic links in a row: expected a file or a link to one"
    )))
}

/// Removes temporaries of the file named by `prefix` in `dir` that no save has written to for
/// [`STALE_AFTER`]: leftovers of crashed saves. Best effort: errors are ignored, and only
/// regular files named exactly like a temporary are touched.
fn remove_stale_temporaries(dir: &Path, prefix: &OsStr) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        if !is_temporary(&entry.file_name(), prefix) {
            continue;
        }
        let path = entry.path();
        let stale = fs::symlink_metadata(&path).is_ok_and(|meta| {
            meta.file_type().is_file()
                && meta.modified().ok().and_then(|t| t.elapsed().ok()).is_some_and(|age| age >= STALE_AFTER)
        });
        if stale {
            // Unlinks the name only: never follows a link, even one swapped in since the check.
            let _ = fs::remove_file(&path);
        }
    }
}

pub(super) fn save<T: Scalar, N: Model<T>>(net: &N, path: &Path) -> Result<(), FileError> {
    let spec = Spec::of::<T, N>();
    let mut checksum = Checksum::new();
    let _ = for_each_chunk::<T, N, ()>(net, |bytes| {
        checksum = checksum.update(bytes);
        Ok(())
    });
    let header = spec.header(checksum.value());

    let target = resolve_links(path).map_err(io_err("follow the symbolic link at the model path"))?;
    let name = target.file_name().ok_or_else(|| FileError::Io {
        operation: "name the model file",
        source: io::Error::new(io::ErrorKind::InvalidInput, "the path ends in `..` or a root: expected a file name"),
    })?;
    let dir = match target.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let prefix = temporary_prefix(name);
    remove_stale_temporaries(dir, &prefix);
    // The permissions of the file being replaced (none for a new file or a directory, which the
    // rename then refuses to replace).
    let keep = fs::metadata(&target).ok().filter(fs::Metadata::is_file).map(|meta| meta.permissions());

    // From here on, every early return drops `temporary`, which removes the file.
    let mut temporary =
        create_temporary(dir, &prefix, RANDOM_CHARS, keep.is_none()).map_err(io_err("create the temporary file"))?;
    let file = temporary.as_file_mut();
    file.write_all(&header).map_err(io_err("write the model header"))?;
    for_each_chunk::<T, N, _>(net, |bytes| file.write_all(bytes)).map_err(io_err("write the parameters"))?;
    if let Some(permissions) = keep {
        file.set_permissions(permissions).map_err(io_err("give the temporary file the model file's permissions"))?;
    }
    file.sync_all().map_err(io_err("flush the temporary file to disk"))?;
    // On failure the error holds the temporary, and dropping the error removes it.
    temporary
        .persist(&target)
        .map_err(|e| FileError::Io { operation: "rename the temporary file over the model file", source: e.error })?;
    // Make the rename itself durable (best effort: not every platform can sync a directory).
    #[cfg(unix)]
    {
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::ToString;

    #[test]
    fn temporary_names_fit_any_valid_file_name() {
        let long = "m".repeat(255);
        let prefix = temporary_prefix(OsStr::new(&long));
        assert_eq!(prefix.len(), 1 + NAME_BYTES + 1);
        // `.` + 200 bytes + `.` + 10 random + `.cnet-tmp`: 221 bytes, below the 255-byte limit.
        assert!(prefix.len() + RANDOM_CHARS + SUFFIX.len() <= 255);
        // Cut on a character boundary: 'é' is two bytes, so 200 bytes would split the 101st.
        let accented = "é".repeat(120);
        assert_eq!(temporary_prefix(OsStr::new(&accented)), OsString::from(std::format!(".{}.", "é".repeat(100))));
        assert_eq!(temporary_prefix(OsStr::new("a.cnet")), OsString::from(".a.cnet."));
    }

    #[test]
    fn only_names_made_by_create_temporary_count_as_temporaries() {
        let prefix = temporary_prefix(OsStr::new("a.cnet"));
        let is = |name: &str| is_temporary(OsStr::new(name), &prefix);
        assert!(is(".a.cnet.Ab3dE6gH9j.cnet-tmp"));
        assert!(!is(".a.cnet.Ab3dE6gH9.cnet-tmp"), "9 random characters");
        assert!(!is(".a.cnet.Ab3dE6gH9-k.cnet-tmp"), "not alphanumeric");
        assert!(!is(".b.cnet.Ab3dE6gH9j.cnet-tmp"), "another model's temporary");
        assert!(!is("a.cnet"), "the model itself");
        assert!(!is(".a.cnet.tmp-1234"), "the old fixed name");

        let dir = tempfile::tempdir().unwrap();
        let made = create_temporary(dir.path(), &prefix, RANDOM_CHARS, true).unwrap();
        assert!(is_temporary(made.path().file_name().unwrap(), &prefix), "{:?}", made.path());
    }

    #[cfg(unix)]
    #[test]
    fn a_link_planted_at_the_temporary_name_is_never_followed() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        fs::write(&victim, b"precious").unwrap();
        let prefix = temporary_prefix(OsStr::new("model.cnet"));
        // With no random characters the name is predictable: plant a link there, to an
        // existing file and to a missing one.
        let mut planted = prefix.clone();
        planted.push(SUFFIX);
        let planted = dir.path().join(planted);
        for pointee in [victim.clone(), dir.path().join("missing")] {
            std::os::unix::fs::symlink(&pointee, &planted).unwrap();
            let err = create_temporary(dir.path(), &prefix, 0, true).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::AlreadyExists, "{err}");
            assert!(!dir.path().join("missing").exists());
            fs::remove_file(&planted).unwrap();
        }
        assert_eq!(fs::read(&victim).unwrap(), b"precious");
    }

    #[cfg(unix)]
    #[test]
    fn links_are_followed_to_their_target_and_loops_are_refused() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        fs::create_dir(d.join("sub")).unwrap();
        symlink("sub/real.cnet", d.join("first")).unwrap(); // relative to the link's directory
        symlink(d.join("first"), d.join("second")).unwrap(); // absolute
        assert_eq!(resolve_links(&d.join("second")).unwrap(), d.join("sub/real.cnet"));
        assert_eq!(resolve_links(&d.join("plain")).unwrap(), d.join("plain"));
        symlink("loop-b", d.join("loop-a")).unwrap();
        symlink("loop-a", d.join("loop-b")).unwrap();
        let err = resolve_links(&d.join("loop-a")).unwrap_err();
        assert!(err.to_string().starts_with("more than 40 symbolic links in a row"), "{err}");
    }
}
