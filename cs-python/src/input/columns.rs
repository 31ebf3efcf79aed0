//! Conversions of Python column-like objects (numpy arrays, Arrow arrays, pandas and polars
//! Series, lists) into borrowed cs-core [`Column`]s. Numpy and Arrow memory is borrowed, never
//! copied; lists go through `pyarrow.array`.

use arrow_array::cast::AsArray;
use arrow_array::types::{
    ArrowPrimitiveType, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type, UInt16Type,
    UInt32Type, UInt64Type,
};
use arrow_array::{Array, ArrayRef};
use arrow_schema::DataType;
use cs_core::portfolio::{Column, Validity};
use numpy::{PyArrayDescrMethods, PyReadonlyArray1, PyUntypedArray, PyUntypedArrayMethods};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3_arrow::input::AnyArray;

use crate::error::{OrRaise, raise};

/// The numpy array `obj`, which must have one dimension (a column).
fn one_dimensional<'a, 'py>(
    obj: &'a Bound<'py, PyAny>,
    name: &str,
) -> PyResult<&'a Bound<'py, PyUntypedArray>> {
    let arr = obj.cast::<PyUntypedArray>()?;
    if arr.ndim() != 1 {
        return Err(raise(cs_core::Error::invalid(
            format!("column {name}"),
            format!("{}-dimensional array", arr.ndim()),
            "expected one dimension",
        )));
    }
    Ok(arr)
}

/// A numeric column held by Python: a borrowed numpy array or Arrow chunks.
pub(crate) enum Numeric<'py> {
    U8(PyReadonlyArray1<'py, u8>),
    U16(PyReadonlyArray1<'py, u16>),
    U32(PyReadonlyArray1<'py, u32>),
    U64(PyReadonlyArray1<'py, u64>),
    I8(PyReadonlyArray1<'py, i8>),
    I16(PyReadonlyArray1<'py, i16>),
    I32(PyReadonlyArray1<'py, i32>),
    I64(PyReadonlyArray1<'py, i64>),
    F64(PyReadonlyArray1<'py, f64>),
    Arrow(Vec<ArrayRef>),
}

/// A computation over the chunks of a numeric column, generic over the element type; the
/// chunks come with their first row so errors can name table positions.
pub(crate) trait NumericFn: Sync {
    type Output: Send;
    fn call<T: cs_core::nps::Answer>(
        &self,
        chunks: &[(usize, Column<'_, T>)],
    ) -> cs_core::Result<Self::Output>;
}

impl<'py> Numeric<'py> {
    /// Reads any column-like object; `name` is used in error messages.
    pub(crate) fn extract(obj: &Bound<'py, PyAny>, name: &str) -> PyResult<Self> {
        let py = obj.py();
        if obj.is_instance_of::<PyUntypedArray>() {
            let arr = one_dimensional(obj, name)?;
            let contiguous = if arr.is_contiguous() {
                obj.clone()
            } else {
                py.import(intern!(py, "numpy"))?
                    .call_method1(intern!(py, "ascontiguousarray"), (obj,))?
            };
            return Self::from_numpy(&contiguous, name);
        }
        let arrow_like = obj.hasattr(intern!(py, "__arrow_c_array__"))?
            || obj.hasattr(intern!(py, "__arrow_c_stream__"))?;
        let source = if arrow_like {
            obj.clone()
        } else {
            // Lists, tuples and pandas Series without the Arrow protocol (pandas < 2.2):
            // pyarrow reads them, and `from_pandas` makes NaN a null (pandas' missing marker).
            let kwargs = pyo3::types::PyDict::new(py);
            let pandas = obj.get_type().module()?.to_str()?.starts_with("pandas");
            kwargs.set_item(intern!(py, "from_pandas"), pandas)?;
            py.import(intern!(py, "pyarrow"))?
                .call_method(intern!(py, "array"), (obj,), Some(&kwargs))
                .map_err(|e| {
                    raise(cs_core::Error::invalid(
                        format!("column {name}"),
                        obj.get_type().to_string(),
                        e.to_string(),
                    ))
                })?
        };
        let chunked = source.extract::<AnyArray>()?.into_chunked_array()?;
        let (chunks, _) = chunked.into_inner();
        // A column of nothing but nulls has Arrow's null type: read it as nullable integers.
        let chunks = chunks
            .into_iter()
            .map(|c| {
                if c.data_type() == &DataType::Null {
                    arrow_cast::cast(&c, &DataType::Int64).map_err(|e| {
                        raise(cs_core::Error::invalid(
                            format!("column {name}"),
                            "nulls",
                            e.to_string(),
                        ))
                    })
                } else if c.data_type().is_numeric() {
                    Ok(c)
                } else {
                    // Text, booleans, dictionaries: numbers by the one cell grammar.
                    super::tables::float_array(&c, name)
                }
            })
            .collect::<PyResult<Vec<_>>>()?;
        Ok(Numeric::Arrow(chunks))
    }

    fn from_numpy(obj: &Bound<'py, PyAny>, name: &str) -> PyResult<Self> {
        macro_rules! try_dtype {
            ($($variant:ident: $t:ty),*) => {$(
                if let Ok(a) = obj.extract::<PyReadonlyArray1<'py, $t>>() {
                    return Ok(Numeric::$variant(a));
                }
            )*};
        }
        try_dtype!(U8: u8, I64: i64, I32: i32, F64: f64, I16: i16, I8: i8, U16: u16, U32: u32, U64: u64);
        let dtype = obj.cast::<PyUntypedArray>()?.dtype();
        if matches!(dtype.kind(), b'b' | b'U' | b'S' | b'O') {
            // Booleans, text and objects: through Arrow and the one cell grammar.
            return Ok(Numeric::Arrow(vec![super::tables::float_array(
                &arrow_single(obj, name)?,
                name,
            )?]));
        }
        Err(raise(cs_core::Error::invalid(
            format!("column {name}"),
            format!("dtype {dtype}"),
            "expected numbers",
        )))
    }

    /// Number of rows.
    pub(crate) fn len(&self) -> usize {
        match self {
            Numeric::U8(a) => a.len(),
            Numeric::U16(a) => a.len(),
            Numeric::U32(a) => a.len(),
            Numeric::U64(a) => a.len(),
            Numeric::I8(a) => a.len(),
            Numeric::I16(a) => a.len(),
            Numeric::I32(a) => a.len(),
            Numeric::I64(a) => a.len(),
            Numeric::F64(a) => a.len(),
            Numeric::Arrow(chunks) => chunks.iter().map(Array::len).sum(),
        }
    }

    /// Runs `f` over the column with the GIL released.
    pub(crate) fn run<F: NumericFn>(&self, py: Python<'_>, name: &str, f: &F) -> PyResult<F::Output> {
        macro_rules! numpy {
            ($a:expr) => {{
                let values = $a.as_slice()?;
                py.detach(|| f.call(&[(0, Column::new(name, values))]))
                    .or_raise()
            }};
        }
        match self {
            Numeric::U8(a) => numpy!(a),
            Numeric::U16(a) => numpy!(a),
            Numeric::U32(a) => numpy!(a),
            Numeric::U64(a) => numpy!(a),
            Numeric::I8(a) => numpy!(a),
            Numeric::I16(a) => numpy!(a),
            Numeric::I32(a) => numpy!(a),
            Numeric::I64(a) => numpy!(a),
            Numeric::F64(a) => numpy!(a),
            Numeric::Arrow(chunks) => {
                let dtype = chunks.first().map_or(DataType::Int64, |c| c.data_type().clone());
                macro_rules! arrow {
                    ($p:ty) => {{
                        let cols = arrow_chunks::<$p>(chunks, name).or_raise()?;
                        py.detach(|| f.call(&cols)).or_raise()
                    }};
                }
                match dtype {
                    DataType::UInt8 => arrow!(UInt8Type),
                    DataType::UInt16 => arrow!(UInt16Type),
                    DataType::UInt32 => arrow!(UInt32Type),
                    DataType::UInt64 => arrow!(UInt64Type),
                    DataType::Int8 => arrow!(Int8Type),
                    DataType::Int16 => arrow!(Int16Type),
                    DataType::Int32 => arrow!(Int32Type),
                    DataType::Int64 | DataType::Null => {
                        if matches!(dtype, DataType::Null) {
                            let n = self.len();
                            return Err(raise(if n == 0 {
                                cs_core::Error::empty(name)
                            } else {
                                cs_core::Error::Missing {
                                    field: name.to_owned(),
                                    position: Some(0),
                                }
                            }));
                        }
                        arrow!(Int64Type)
                    }
                    DataType::Float64 => arrow!(Float64Type),
                    other => Err(raise(cs_core::Error::invalid(
                        format!("column {name}"),
                        format!("type {other}"),
                        "expected integers or float64",
                    ))),
                }
            }
        }
    }
}

/// Borrows one Arrow primitive array as a [`Column`]; validity only where nulls exist.
pub(crate) fn primitive_column<'a, P: ArrowPrimitiveType>(
    array: &'a ArrayRef,
    name: &'a str,
) -> cs_core::Result<Column<'a, P::Native>> {
    let Some(a) = array.as_primitive_opt::<P>() else {
        return Err(cs_core::Error::invalid(
            format!("column {name}"),
            format!("type {}", array.data_type()),
            format!("expected {}", P::DATA_TYPE),
        ));
    };
    let validity = match a.nulls() {
        Some(n) if n.null_count() > 0 => Some(Validity::new(n.validity(), n.offset(), n.len())?),
        _ => None,
    };
    Column::new(name, a.values().as_ref()).with_optional_validity(validity)
}

/// Borrows each Arrow chunk as a [`Column`] with its first row; validity only where nulls exist.
fn arrow_chunks<'a, P: ArrowPrimitiveType>(
    chunks: &'a [ArrayRef],
    name: &'a str,
) -> cs_core::Result<Vec<(usize, Column<'a, P::Native>)>> {
    let mut out = Vec::with_capacity(chunks.len());
    let mut base = 0;
    for chunk in chunks {
        out.push((base, primitive_column::<P>(chunk, name)?));
        base += chunk.len();
    }
    Ok(out)
}

/// A float64 column held by Python: borrowed when it already is float64, converted otherwise.
pub(crate) enum Float<'py> {
    Numpy(PyReadonlyArray1<'py, f64>),
    Arrow(Vec<ArrayRef>),
}

impl<'py> Float<'py> {
    /// Reads any column-like object as float64 (integers are converted, nulls kept).
    pub(crate) fn extract(obj: &Bound<'py, PyAny>, name: &str) -> PyResult<Self> {
        let py = obj.py();
        if obj.is_instance_of::<PyUntypedArray>() {
            one_dimensional(obj, name)?;
            if let Ok(a) = obj.extract::<PyReadonlyArray1<'py, f64>>()
                && a.as_slice().is_ok()
            {
                return Ok(Float::Numpy(a));
            }
            let kind: String = obj
                .getattr(intern!(py, "dtype"))?
                .getattr(intern!(py, "kind"))?
                .extract()?;
            if matches!(kind.as_str(), "f" | "i" | "u" | "b") {
                // Numbers (and booleans, 1 / 0) as one contiguous float64 copy.
                let np = py.import(intern!(py, "numpy"))?;
                let converted = np
                    .call_method1(intern!(py, "ascontiguousarray"), (obj, intern!(py, "float64")))
                    .map_err(|e| {
                        raise(cs_core::Error::invalid(
                            format!("column {name}"),
                            "array",
                            e.to_string(),
                        ))
                    })?;
                return Ok(Float::Numpy(converted.extract()?));
            }
            // Text, objects, dates: through Arrow and the one cell grammar.
            return Ok(Float::Arrow(vec![super::tables::float_array(
                &arrow_single(obj, name)?,
                name,
            )?]));
        }
        let numeric = Numeric::extract(obj, name)?;
        let Numeric::Arrow(chunks) = numeric else {
            // A pandas Series without the Arrow protocol came back as numpy; convert that.
            let np = py.import(intern!(py, "numpy"))?;
            let arr = np.call_method1(intern!(py, "asarray"), (obj, intern!(py, "float64")))?;
            return Ok(Float::Numpy(arr.extract()?));
        };
        let mut out = Vec::with_capacity(chunks.len());
        for c in chunks {
            if c.data_type() == &DataType::Float64 {
                out.push(c);
            } else {
                out.push(super::tables::float_array(&c, name)?);
            }
        }
        Ok(Float::Arrow(out))
    }

    /// Borrows the column as chunks with their first rows.
    pub(crate) fn chunks<'a>(&'a self, name: &'a str) -> PyResult<Vec<(usize, Column<'a, f64>)>> {
        match self {
            Float::Numpy(a) => Ok(vec![(0, Column::new(name, a.as_slice()?))]),
            Float::Arrow(chunks) => arrow_chunks::<Float64Type>(chunks, name).or_raise(),
        }
    }
}

// --- retention: contiguous float64 and boolean columns ---

impl Float<'_> {
    /// The column as one contiguous slice: borrowed for a numpy float64 array or a single Arrow
    /// float64 chunk without nulls, copied otherwise. A null is an error naming its row.
    pub(crate) fn contiguous(&self, name: &str) -> PyResult<std::borrow::Cow<'_, [f64]>> {
        use std::borrow::Cow;
        match self {
            Float::Numpy(a) => Ok(Cow::Borrowed(a.as_slice()?)),
            Float::Arrow(chunks) => {
                let mut out = Vec::new();
                let mut base = 0;
                for chunk in chunks {
                    let a = chunk.as_primitive::<Float64Type>();
                    if let Some(nulls) = a.nulls()
                        && let Some(i) = (0..a.len()).find(|&i| nulls.is_null(i))
                    {
                        return Err(raise(cs_core::Error::Missing {
                            field: name.to_owned(),
                            position: Some(base + i),
                        }));
                    }
                    if chunks.len() == 1 {
                        return Ok(Cow::Borrowed(a.values().as_ref()));
                    }
                    out.extend_from_slice(a.values());
                    base += a.len();
                }
                Ok(Cow::Owned(out))
            }
        }
    }
}

/// A column of yes/no flags without nulls (churned / observed): a numpy bool array is borrowed; Arrow booleans
/// (bit-packed) are unpacked; integer or float columns must hold only 0 and 1.
pub(crate) enum Flags<'py> {
    Numpy(PyReadonlyArray1<'py, bool>),
    Owned(Vec<bool>),
}

impl<'py> Flags<'py> {
    /// Reads any column-like object; `name` is used in error messages.
    pub(crate) fn extract(obj: &Bound<'py, PyAny>, name: &str) -> PyResult<Self> {
        let py = obj.py();
        if obj.is_instance_of::<PyUntypedArray>() {
            one_dimensional(obj, name)?;
            if let Ok(a) = obj.extract::<PyReadonlyArray1<'py, bool>>() {
                if a.as_slice().is_ok() {
                    return Ok(Flags::Numpy(a));
                }
                return Ok(Flags::Owned(a.as_array().iter().copied().collect()));
            }
            // Other numpy dtypes go through Arrow and the one cell grammar below.
        }
        // A pandas Series with a numpy bool dtype: its numpy view, without a copy.
        if !obj.hasattr(intern!(py, "__arrow_c_array__"))?
            && obj.hasattr(intern!(py, "to_numpy"))?
            && obj.hasattr(intern!(py, "dtype"))?
            && obj
                .getattr(intern!(py, "dtype"))?
                .is_instance(&py.import(intern!(py, "numpy"))?.getattr(intern!(py, "dtype"))?)?
        {
            return Self::extract(&obj.call_method0(intern!(py, "to_numpy"))?, name);
        }
        Self::from_arrow(&[arrow_single(obj, name)?], name)
    }

    /// Reads Arrow chunks: booleans, or numbers that are all 0 or 1.
    pub(crate) fn from_arrow(chunks: &[ArrayRef], name: &str) -> PyResult<Self> {
        let mut out = Vec::with_capacity(chunks.iter().map(Array::len).sum());
        for chunk in chunks {
            let base = out.len();
            if chunk.data_type() == &DataType::Null && chunk.is_empty() {
                continue;
            }
            if chunk.data_type() == &DataType::Null || chunk.null_count() > 0 {
                let i = (0..chunk.len()).find(|&i| chunk.is_null(i) || chunk.data_type() == &DataType::Null);
                let i = i.unwrap_or(0);
                return Err(raise(cs_core::Error::Missing {
                    field: name.to_owned(),
                    position: Some(base + i),
                }));
            }
            if let Some(b) = chunk.as_boolean_opt() {
                out.extend(b.values().iter());
            } else {
                // Numbers and text by the one cell grammar (cs-arrow): true / false / 1 / 0;
                // a missing cell (NaN, "") is an error here, every subject needs a flag.
                let held = cs_arrow::convert(chunk, name, cs_core::pipeline::Kind::Flag)
                    .map_err(|e| e.offset_by(base))
                    .or_raise()?;
                let cs_arrow::Held::Flag(values, nulls) = held else {
                    return Err(raise(cs_core::Error::invalid(
                        format!("column {name}"),
                        "cells",
                        "expected flags",
                    )));
                };
                if let Some(i) = nulls.as_ref().and_then(|n| (0..n.len()).find(|&i| n.is_null(i))) {
                    return Err(raise(cs_core::Error::Missing {
                        field: name.to_owned(),
                        position: Some(base + i),
                    }));
                }
                out.extend(values);
            }
        }
        Ok(Flags::Owned(out))
    }

    /// The flags as a slice.
    pub(crate) fn as_slice(&self) -> PyResult<&[bool]> {
        match self {
            Flags::Numpy(a) => Ok(a.as_slice()?),
            Flags::Owned(v) => Ok(v),
        }
    }
}

// --- health: single-chunk float, boolean, category and date columns -------------------------

/// One Arrow array for a column-like object: numpy arrays and lists go through
/// `pyarrow.array`; Arrow chunks are concatenated only when there are several.
pub(crate) fn arrow_single(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<ArrayRef> {
    let py = obj.py();
    let arrow_like =
        obj.hasattr(intern!(py, "__arrow_c_array__"))? || obj.hasattr(intern!(py, "__arrow_c_stream__"))?;
    let source = if arrow_like {
        obj.clone()
    } else {
        // from_pandas: NaN in an object array (pandas' missing value) is null, not a float.
        let kwargs = pyo3::types::PyDict::new(py);
        kwargs.set_item(intern!(py, "from_pandas"), true)?;
        py.import(intern!(py, "pyarrow"))?
            .call_method(intern!(py, "array"), (obj,), Some(&kwargs))
            .map_err(|e| {
                raise(cs_core::Error::invalid(
                    format!("column {name}"),
                    obj.get_type().to_string(),
                    e.to_string(),
                ))
            })?
    };
    let (chunks, field) = source.extract::<AnyArray>()?.into_chunked_array()?.into_inner();
    match chunks.len() {
        0 => Ok(arrow_array::new_empty_array(field.data_type())),
        1 => Ok(chunks[0].clone()),
        _ => {
            let refs: Vec<&dyn Array> = chunks.iter().map(AsRef::as_ref).collect();
            arrow_select::concat::concat(&refs).map_err(|e| {
                raise(cs_core::Error::invalid(
                    format!("column {name}"),
                    "chunks",
                    e.to_string(),
                ))
            })
        }
    }
}

fn cast_to(array: &ArrayRef, to: &DataType, name: &str, expected: &str) -> PyResult<ArrayRef> {
    arrow_cast::cast(array, to).map_err(|e| {
        raise(cs_core::Error::invalid(
            format!("column {name}"),
            format!("type {}", array.data_type()),
            format!("expected {expected}: {e}"),
        ))
    })
}

fn validity_of(array: &dyn Array) -> cs_core::Result<Option<Validity<'_>>> {
    match array.nulls() {
        Some(n) if n.null_count() > 0 => Ok(Some(Validity::new(n.validity(), n.offset(), n.len())?)),
        _ => Ok(None),
    }
}

impl<'py> Float<'py> {
    /// Reads a column as float64 in one piece (several Arrow chunks are concatenated).
    pub(crate) fn extract_single(obj: &Bound<'py, PyAny>, name: &str) -> PyResult<Self> {
        match Float::extract(obj, name)? {
            Float::Arrow(chunks) if chunks.len() > 1 => {
                let refs: Vec<&dyn Array> = chunks.iter().map(AsRef::as_ref).collect();
                let one = arrow_select::concat::concat(&refs).map_err(|e| {
                    raise(cs_core::Error::invalid(
                        format!("column {name}"),
                        "chunks",
                        e.to_string(),
                    ))
                })?;
                Ok(Float::Arrow(vec![one]))
            }
            other => Ok(other),
        }
    }

    /// The column (read with [`Float::extract_single`]) as one borrowed [`Column`].
    pub(crate) fn column<'a>(&'a self, name: &'a str) -> PyResult<Column<'a, f64>> {
        Ok(self
            .chunks(name)?
            .into_iter()
            .next()
            .map_or_else(|| Column::new(name, &[]), |(_, c)| c))
    }
}

/// A boolean column: a borrowed numpy `bool` array, or Arrow booleans unpacked to one byte per
/// row (Arrow packs them into bits) with the Arrow validity borrowed.
pub(crate) enum Bool<'py> {
    Numpy(PyReadonlyArray1<'py, bool>),
    Arrow {
        values: Vec<bool>,
        array: ArrayRef,
    },
    /// Any other column, read by the one cell grammar (cs-arrow): 1 / 0, true / false text.
    Grammar(cs_arrow::Held),
}

impl<'py> Bool<'py> {
    /// Reads any column-like object of flags: numpy and Arrow booleans directly, anything
    /// else by the one cell grammar (1 / 0 and true / false; 2 or "t" is an error).
    pub(crate) fn extract(obj: &Bound<'py, PyAny>, name: &str) -> PyResult<Self> {
        if obj.is_instance_of::<PyUntypedArray>()
            && let Ok(a) = obj.extract::<PyReadonlyArray1<'py, bool>>()
            && a.as_slice().is_ok()
        {
            return Ok(Bool::Numpy(a));
        }
        let array = arrow_single(obj, name)?;
        if array.data_type() != &DataType::Boolean {
            let held = cs_arrow::convert(&array, name, cs_core::pipeline::Kind::Flag).or_raise()?;
            return Ok(Bool::Grammar(held));
        }
        let values = unpack_bits(array.as_boolean().values());
        Ok(Bool::Arrow { values, array })
    }

    /// The column as one borrowed [`Column`].
    pub(crate) fn column<'a>(&'a self, name: &'a str) -> PyResult<Column<'a, bool>> {
        match self {
            Bool::Numpy(a) => Ok(Column::new(name, a.as_slice()?)),
            Bool::Arrow { values, array } => Column::new(name, values.as_slice())
                .with_optional_validity(validity_of(array.as_ref()).or_raise()?)
                .or_raise(),
            Bool::Grammar(held) => match held.cells(name).or_raise()? {
                cs_core::pipeline::Cells::Flag(c) => Ok(c),
                _ => Err(raise(cs_core::Error::invalid(
                    format!("column {name}"),
                    "cells",
                    "expected flags",
                ))),
            },
        }
    }
}

/// Arrow's packed booleans as one `bool` per row, a byte (8 rows) at a time.
fn unpack_bits(bits: &arrow_buffer::BooleanBuffer) -> Vec<bool> {
    let (offset, len) = (bits.offset(), bits.len());
    if offset % 8 != 0 {
        return bits.iter().collect();
    }
    let bytes = &bits.values()[offset / 8..(offset + len).div_ceil(8)];
    let mut out = vec![false; len];
    for (rows, &byte) in out.chunks_mut(8).zip(bytes) {
        for (k, row) in rows.iter_mut().enumerate() {
            *row = (byte >> k) & 1 == 1;
        }
    }
    out
}

/// A text column dictionary-encoded as in Arrow: `u32` codes into distinct names. Arrow
/// dictionaries with `u32` keys and `utf8` values are borrowed; anything else is encoded.
pub(crate) struct Category {
    keys: ArrayRef,
    dictionary: Vec<String>,
}

impl Category {
    /// Reads any column-like object of strings (or categoricals).
    pub(crate) fn extract(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<Self> {
        let array = arrow_single(obj, name)?;
        let target = DataType::Dictionary(Box::new(DataType::UInt32), Box::new(DataType::Utf8));
        let array = match array.data_type() {
            t if t == &target => array,
            DataType::Utf8 => cast_to(&array, &target, name, "text")?,
            DataType::LargeUtf8 | DataType::Utf8View | DataType::Dictionary(_, _) | DataType::Null => {
                let text = cast_to(&array, &DataType::Utf8, name, "text")?;
                cast_to(&text, &target, name, "text")?
            }
            t => {
                return Err(raise(cs_core::Error::invalid(
                    format!("column {name}"),
                    format!("type {t}"),
                    "expected text",
                )));
            }
        };
        let dict = array.as_dictionary::<UInt32Type>();
        let values = dict.values().as_string::<i32>();
        let dictionary = (0..values.len()).map(|i| values.value(i).to_owned()).collect();
        Ok(Category {
            keys: std::sync::Arc::new(dict.keys().clone()),
            dictionary,
        })
    }

    /// The codes as one borrowed [`Column`] and the dictionary.
    pub(crate) fn column<'a>(&'a self, name: &'a str) -> PyResult<(Column<'a, u32>, &'a [String])> {
        let keys = self.keys.as_primitive::<UInt32Type>();
        let col = Column::new(name, keys.values().as_ref())
            .with_optional_validity(validity_of(keys).or_raise()?)
            .or_raise()?;
        Ok((col, &self.dictionary))
    }
}
