//! Reading numeric data sets from CSV (`std` feature, with the `csv` crate).

use crate::Scalar;
use core::fmt;
use std::borrow::ToOwned;
use std::collections::VecDeque;
use std::io;
use std::path::Path;
use std::string::String;
use std::vec::Vec;

/// How [`read_csv`] and [`load_csv`] read a file: whether the first row names the columns, and
/// the field delimiter. Fields are trimmed of surrounding whitespace; empty lines are skipped.
///
/// ```
/// use constnet::data::CsvOptions;
///
/// let tsv_without_header = CsvOptions::default().headers(false).delimiter(b'\t');
/// assert_eq!(CsvOptions::default(), CsvOptions { has_headers: true, delimiter: b',' });
/// # let _ = tsv_without_header;
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
pub struct CsvOptions {
    /// The first row holds column names, not data (default `true`).
    pub has_headers: bool,
    /// The byte between fields (default `b','`).
    pub delimiter: u8,
}

impl Default for CsvOptions {
    fn default() -> Self {
        Self { has_headers: true, delimiter: b',' }
    }
}

impl CsvOptions {
    /// Whether the first row holds column names.
    #[must_use]
    pub const fn headers(self, has_headers: bool) -> Self {
        Self { has_headers, ..self }
    }
    /// The byte between fields, e.g. `b';'` or `b'\t'`.
    #[must_use]
    pub const fn delimiter(self, delimiter: u8) -> Self {
        Self { delimiter, ..self }
    }
}

/// Where in a CSV file a bad value is: its line (1-based, as an editor shows it), its column
/// (1-based), and the column's name if the file has a header row.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
pub struct CsvCell {
    /// Line of the file on which the row starts, from 1.
    pub line: u64,
    /// Column within the row, from 1.
    pub column: usize,
    /// The column's name from the header row, if there is one.
    pub name: Option<String>,
}

impl fmt::Display for CsvCell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)?;
        match &self.name {
            Some(name) => write!(f, " ({name:?})"),
            None => Ok(()),
        }
    }
}

/// Why [`read_csv`] or [`load_csv`] failed. Every message names the line (and column) and says
/// what was expected.
#[derive(Debug)]
#[non_exhaustive]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
pub enum CsvError {
    /// The file could not be opened or read.
    Io {
        /// The step that failed, e.g. `"open the CSV file"`.
        operation: &'static str,
        /// The error from the operating system.
        source: io::Error,
    },
    /// There are no data rows.
    Empty {
        /// Numbers each row should have.
        columns: usize,
    },
    /// A row (or the header row) does not have one column per input and target.
    Columns {
        /// Line on which the row starts.
        line: u64,
        /// Columns in the row.
        found: usize,
        /// Input columns expected (`IN`).
        inputs: usize,
        /// Target columns expected (`OUT`).
        targets: usize,
    },
    /// A field is not a number.
    NotANumber {
        /// Where the field is.
        cell: CsvCell,
        /// The field's text.
        text: String,
    },
    /// A field is NaN or infinite (`nan`, `inf`, `-Infinity`, …).
    NonFinite {
        /// Where the field is.
        cell: CsvCell,
        /// The field's text.
        text: String,
    },
    /// A field is a finite number too large for the scalar type (e.g. `1e39` for `f32`).
    OutOfRange {
        /// Where the field is.
        cell: CsvCell,
        /// The field's text.
        text: String,
        /// The scalar type, e.g. `"f32"`.
        scalar: &'static str,
    },
}

impl fmt::Display for CsvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CsvError::Io { operation, source } => write!(f, "could not {operation}: {source}"),
            CsvError::Empty { columns } => {
                write!(f, "no data rows: expected at least one row of {columns} numbers")
            }
            CsvError::Columns { line, found, inputs, targets } => write!(
                f,
                "line {line} has {found} columns: expected {} ({inputs} inputs, then {targets} targets)",
                inputs + targets
            ),
            CsvError::NotANumber { cell, text } if text.is_empty() => {
                write!(f, "{cell} is empty: expected a number such as 0.5 or -1.2e3")
            }
            CsvError::NotANumber { cell, text } => {
                write!(f, "{cell}: {text:?} is not a number: expected a number such as 0.5 or -1.2e3")
            }
            CsvError::NonFinite { cell, text } => {
                write!(f, "{cell}: {text:?} is not finite: expected a finite number")
            }
            CsvError::OutOfRange { cell, text, scalar } => {
                write!(f, "{cell}: {text} is too large for {scalar}: expected a number within {scalar}'s range")
            }
        }
    }
}

impl std::error::Error for CsvError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CsvError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// A `csv` crate error as a [`CsvError`]. Reading byte records from a flexible reader, the
/// crate reports only I/O errors (no UTF-8 or field-count errors; quoting never fails); any
/// other kind is passed on as an I/O error carrying the crate's message.
fn from_csv(err: ::csv::Error) -> CsvError {
    let message = std::string::ToString::to_string(&err);
    match err.into_kind() {
        ::csv::ErrorKind::Io(source) => CsvError::Io { operation: "read the CSV data", source },
        _ => CsvError::Io {
            operation: "parse the CSV data",
            source: io::Error::new(io::ErrorKind::InvalidData, message),
        },
    }
}

/// Passes a reader through, remembering where the line terminators are, so that the byte
/// offset at which the `csv` crate says a record starts can be turned into the line an editor
/// shows. (The crate's own line count skips blank lines and miscounts `\r\n` files.) Only the
/// terminators of the reader's read-ahead are kept: those before the last record asked about
/// are counted and dropped.
struct LineTracker<R> {
    inner: R,
    /// Bytes read so far.
    offset: u64,
    /// Offsets of `\r` and `\n` bytes not yet counted (`true` for `\n`), in order.
    terminators: VecDeque<(u64, bool)>,
    /// `\n` bytes before the last record asked about.
    newlines: u64,
}

impl<R: io::Read> io::Read for LineTracker<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        for (i, &b) in buf.iter().take(n).enumerate() {
            if b == b'\n' || b == b'\r' {
                self.terminators.push_back((self.offset + i as u64, b == b'\n'));
            }
        }
        self.offset += n as u64;
        Ok(n)
    }
}

impl<R> LineTracker<R> {
    /// The line (from 1) of a record the `csv` crate says starts at `byte`: a record's offset
    /// can point at the blank lines before it, which are skipped here. Offsets must not
    /// decrease from call to call.
    fn line_at(&mut self, byte: u64) -> u64 {
        while let Some(&(at, newline)) = self.terminators.front() {
            if at >= byte {
                break;
            }
            self.newlines += u64::from(newline);
            self.terminators.pop_front();
        }
        // The run of terminators starting exactly at `byte`: blank lines before the record.
        let blank = (byte..).zip(&self.terminators).take_while(|&(cursor, &(at, _))| at == cursor);
        self.newlines + 1 + blank.map(|(_, &(_, newline))| u64::from(newline)).sum::<u64>()
    }
}

/// Parses one field as `T`: parsed directly at `T`'s precision (so an `f32` gets the correctly
/// rounded value of the decimal text), checked to be finite in `f64` and in `T`.
fn parse<T: Scalar>(field: &[u8], cell: impl FnOnce() -> CsvCell) -> Result<T, CsvError> {
    let text = String::from_utf8_lossy(field);
    let Ok(wide) = text.parse::<f64>() else {
        return Err(CsvError::NotANumber { cell: cell(), text: text.into_owned() });
    };
    if !wide.is_finite() {
        return Err(CsvError::NonFinite { cell: cell(), text: text.into_owned() });
    }
    let value = if T::BYTES == 4 {
        // `T` is `f32`: parse the text at single precision, not by rounding the `f64` twice.
        text.parse::<f32>().map_or(T::from_f64(wide), |v| T::from_f64(f64::from(v)))
    } else {
        T::from_f64(wide)
    };
    if value.is_finite() {
        Ok(value)
    } else {
        Err(CsvError::OutOfRange { cell: cell(), text: text.into_owned(), scalar: T::NAME })
    }
}

/// Reads a numeric data set from CSV: every row holds `IN` input values, then `OUT` target
/// values. Returns the inputs and the targets, one array per row, in file order.
///
/// Numbers are anything Rust's `f64` parser takes (`1`, `-0.5`, `2.5e-3`), with surrounding
/// whitespace ignored; NaN and infinities are refused.
///
/// # Errors
/// [`CsvError::Columns`] for a row (or header row) without exactly `IN + OUT` columns,
/// [`CsvError::NotANumber`], [`CsvError::NonFinite`] and [`CsvError::OutOfRange`] for a bad field
/// (naming its line, column and column name), [`CsvError::Empty`] when there is no data row,
/// [`CsvError::Io`] if reading fails.
///
/// ```
/// use constnet::data::{CsvOptions, read_csv};
///
/// let text = "width,length,age\n5,7,6.25\n1.5, 2 ,3\n";
/// let (inputs, targets) = read_csv::<f32, _, 2, 1>(text.as_bytes(), CsvOptions::default())?;
/// assert_eq!(inputs, [[5.0, 7.0], [1.5, 2.0]]);
/// assert_eq!(targets, [[6.25], [3.0]]);
///
/// let err = read_csv::<f32, _, 2, 1>("width,length,age\n5,seven,6\n".as_bytes(), CsvOptions::default())
///     .unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "line 2, column 2 (\"length\"): \"seven\" is not a number: expected a number such as 0.5 or -1.2e3"
/// );
/// # Ok::<(), constnet::data::CsvError>(())
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
#[allow(clippy::type_complexity)]
pub fn read_csv<T: Scalar, R: io::Read, const IN: usize, const OUT: usize>(
    reader: R,
    options: CsvOptions,
) -> Result<(Vec<[T; IN]>, Vec<[T; OUT]>), CsvError> {
    let tracker = LineTracker { inner: reader, offset: 0, terminators: VecDeque::new(), newlines: 0 };
    let mut csv = ::csv::ReaderBuilder::new()
        .has_headers(options.has_headers)
        .delimiter(options.delimiter)
        .flexible(true) // column counts are checked here, with a better message
        .trim(::csv::Trim::All)
        .from_reader(tracker);
    let columns = IN + OUT;
    let names: Vec<String> = if options.has_headers {
        let headers = csv.byte_headers().map_err(from_csv)?.clone();
        if !headers.is_empty() && headers.len() != columns {
            let line = csv.get_mut().line_at(headers.position().map_or(0, ::csv::Position::byte));
            return Err(CsvError::Columns { line, found: headers.len(), inputs: IN, targets: OUT });
        }
        headers.iter().map(|h| String::from_utf8_lossy(h).into_owned()).collect()
    } else {
        Vec::new()
    };

    let (mut inputs, mut targets) = (Vec::new(), Vec::new());
    let mut record = ::csv::ByteRecord::new();
    while csv.read_byte_record(&mut record).map_err(from_csv)? {
        let line = csv.get_mut().line_at(record.position().map_or(0, ::csv::Position::byte));
        if record.len() != columns {
            return Err(CsvError::Columns { line, found: record.len(), inputs: IN, targets: OUT });
        }
        let cell = |column: usize| CsvCell { line, column: column + 1, name: names.get(column).map(ToOwned::to_owned) };
        let mut x = [T::ZERO; IN];
        let mut y = [T::ZERO; OUT];
        for (column, (field, slot)) in record.iter().zip(x.iter_mut().chain(y.iter_mut())).enumerate() {
            *slot = parse::<T>(field, || cell(column))?;
        }
        inputs.push(x);
        targets.push(y);
    }
    if inputs.is_empty() {
        return Err(CsvError::Empty { columns });
    }
    Ok((inputs, targets))
}

/// [`read_csv`] from the file at `path`.
///
/// # Errors
/// [`CsvError::Io`] if the file cannot be opened, otherwise as [`read_csv`].
///
/// ```no_run
/// use constnet::data::{CsvOptions, load_csv};
///
/// // iris.csv: four measurements, then the one-hot species (three columns).
/// let (inputs, targets) = load_csv::<f32, _, 4, 3>("iris.csv", CsvOptions::default())?;
/// # Ok::<(), constnet::data::CsvError>(())
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
#[allow(clippy::type_complexity)]
pub fn load_csv<T: Scalar, P: AsRef<Path>, const IN: usize, const OUT: usize>(
    path: P,
    options: CsvOptions,
) -> Result<(Vec<[T; IN]>, Vec<[T; OUT]>), CsvError> {
    let file = std::fs::File::open(path).map_err(|source| CsvError::Io { operation: "open the CSV file", source })?;
    // The `csv` reader buffers its input itself.
    read_csv::<T, _, IN, OUT>(file, options)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::ToString;
    use std::vec;

    type Pairs<T, const IN: usize, const OUT: usize> = (Vec<[T; IN]>, Vec<[T; OUT]>);

    fn read<T: Scalar, const IN: usize, const OUT: usize>(text: &str) -> Result<Pairs<T, IN, OUT>, CsvError> {
        read_csv::<T, _, IN, OUT>(text.as_bytes(), CsvOptions::default())
    }

    fn cell(line: u64, column: usize, name: Option<&str>) -> CsvCell {
        CsvCell { line, column, name: name.map(ToOwned::to_owned) }
    }

    #[test]
    fn reads_inputs_then_targets_in_file_order() {
        let text = "x1,x2,y\n1,2,3\n\n  -0.5 ,\t2.5e-3,1e2\r\n\"4\",5,6\n";
        let (x, y) = read::<f64, 2, 1>(text).unwrap();
        assert_eq!(x, [[1.0, 2.0], [-0.5, 2.5e-3], [4.0, 5.0]]);
        assert_eq!(y, [[3.0], [100.0], [6.0]]);
        // No header row, another delimiter, two targets.
        let options = CsvOptions::default().headers(false).delimiter(b';');
        let (x, y) = read_csv::<f32, _, 1, 2>("1;2;3\n4;5;6".as_bytes(), options).unwrap();
        assert_eq!((x, y), (vec![[1.0], [4.0]], vec![[2.0, 3.0], [5.0, 6.0]]));
    }

    #[test]
    fn f32_values_are_rounded_once_from_the_decimal_text() {
        // Just above the midpoint between 1 and the next f32: correctly rounded, that is the next
        // f32; rounded to f64 first (exactly the midpoint) and then to f32, it would be 1.
        let (x, _) = read::<f32, 1, 1>("a,b\n1.0000000596046447753906251,0\n").unwrap();
        assert_eq!(x[0][0], 1.0 + f32::EPSILON);
        let (x, _) = read::<f32, 1, 1>("a,b\n0.1,0\n").unwrap();
        assert_eq!(x[0][0], 0.1f32);
    }

    #[test]
    fn a_row_with_the_wrong_number_of_columns_names_its_line() {
        let err = read::<f64, 2, 1>("a,b,c\n1,2,3\n4,5\n").unwrap_err();
        assert!(matches!(err, CsvError::Columns { line: 3, found: 2, inputs: 2, targets: 1 }), "{err:?}");
        assert_eq!(err.to_string(), "line 3 has 2 columns: expected 3 (2 inputs, then 1 targets)");
        let err = read::<f64, 2, 1>("a,b,c\n1,2,3,4\n").unwrap_err();
        assert!(matches!(err, CsvError::Columns { line: 2, found: 4, .. }), "{err:?}");
        // The header row is checked too.
        let err = read::<f64, 2, 1>("a,b\n1,2,3\n").unwrap_err();
        assert!(matches!(err, CsvError::Columns { line: 1, found: 2, .. }), "{err:?}");
    }

    #[test]
    fn bad_fields_name_line_column_and_header() {
        let err = read::<f64, 2, 1>("width,length,age\n1,2,3\n\n4,seven,6\n").unwrap_err();
        match &err {
            CsvError::NotANumber { cell: c, text } => {
                assert_eq!((c, text.as_str()), (&cell(4, 2, Some("length")), "seven"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            err.to_string(),
            "line 4, column 2 (\"length\"): \"seven\" is not a number: expected a number such as 0.5 or -1.2e3"
        );
        // An empty field, without a header row: no column name.
        let options = CsvOptions::default().headers(false);
        let err = read_csv::<f64, _, 2, 1>("1,,3\n".as_bytes(), options).unwrap_err();
        assert!(matches!(&err, CsvError::NotANumber { cell: c, text } if *c == cell(1, 2, None) && text.is_empty()));
        assert_eq!(err.to_string(), "line 1, column 2 is empty: expected a number such as 0.5 or -1.2e3");

        for bad in ["nan", "NaN", "inf", "-Infinity", "1e999"] {
            let err = read::<f64, 1, 1>(&std::format!("a,b\n1,{bad}\n")).unwrap_err();
            assert!(
                matches!(&err, CsvError::NonFinite { cell: c, text } if *c == cell(2, 2, Some("b")) && text == bad),
                "{bad}: {err:?}"
            );
            assert!(err.to_string().ends_with("is not finite: expected a finite number"), "{err}");
        }
        // Finite as f64, too large for f32.
        let err = read::<f32, 1, 1>("a,b\n3.5e38,0\n").unwrap_err();
        assert!(
            matches!(&err, CsvError::OutOfRange { cell: c, scalar: "f32", .. } if *c == cell(2, 1, Some("a"))),
            "{err:?}"
        );
        assert_eq!(
            err.to_string(),
            "line 2, column 1 (\"a\"): 3.5e38 is too large for f32: expected a number within f32's range"
        );
        assert_eq!(read::<f64, 1, 1>("a,b\n3.5e38,0\n").unwrap().0, [[3.5e38]]);
    }

    #[test]
    fn line_numbers_are_the_lines_an_editor_shows() {
        // The error is on the row starting at line 5 in every file: blank lines, CRLF, a
        // byte-order mark and a quoted field spanning two lines all count as they look.
        for text in [
            "a,b\n1,2\n3,4\n\n5,x\n",
            "a,b\r\n1,2\r\n3,4\r\n\r\n5,x\r\n",
            "\u{feff}a,b\n1,2\n\n\n5,x\n",
            "\n\na,b\n1,2\n5,x\n",
            "a,b\n\"1\n\",2\n3,4\n5,x",
        ] {
            let err = read::<f64, 1, 1>(text).unwrap_err();
            assert!(matches!(&err, CsvError::NotANumber { cell: c, .. } if c.line == 5), "{text:?}: {err}");
        }
        let err = read::<f64, 1, 1>("\n\n\na,b,c\n").unwrap_err();
        assert!(matches!(err, CsvError::Columns { line: 4, found: 3, .. }), "{err:?}");
    }

    #[test]
    fn no_data_rows_is_an_error() {
        for text in ["", "a,b,c\n", "a,b,c\n\n\n"] {
            let err = read::<f64, 2, 1>(text).unwrap_err();
            assert!(matches!(err, CsvError::Empty { columns: 3 }), "{text:?}: {err:?}");
            assert_eq!(err.to_string(), "no data rows: expected at least one row of 3 numbers");
        }
        let err = read_csv::<f64, _, 2, 1>("".as_bytes(), CsvOptions::default().headers(false)).unwrap_err();
        assert!(matches!(err, CsvError::Empty { columns: 3 }));
    }

    #[test]
    fn io_errors_say_what_failed() {
        struct Broken;
        impl io::Read for Broken {
            fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
                Err(io::Error::other("disk on fire"))
            }
        }
        let err = read_csv::<f64, _, 1, 1>(Broken, CsvOptions::default()).unwrap_err();
        assert!(matches!(err, CsvError::Io { operation: "read the CSV data", .. }), "{err:?}");
        assert_eq!(err.to_string(), "could not read the CSV data: disk on fire");
        assert!(std::error::Error::source(&err).is_some());

        let dir = tempfile::tempdir().unwrap();
        let err = load_csv::<f64, _, 1, 1>(dir.path().join("absent.csv"), CsvOptions::default()).unwrap_err();
        assert!(
            matches!(&err, CsvError::Io { operation: "open the CSV file", source } if source.kind() == io::ErrorKind::NotFound)
        );
        let path = dir.path().join("data.csv");
        std::fs::write(&path, "a,b,c\n1,2,3\n").unwrap();
        let (x, y) = load_csv::<f32, _, 2, 1>(&path, CsvOptions::default()).unwrap();
        assert_eq!((x, y), (vec![[1.0, 2.0]], vec![[3.0]]));
    }
}
