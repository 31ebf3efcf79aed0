use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{Column, Validity};

/// An owned column of values with an Arrow-style validity bitmap (least significant bit first,
/// one bit per row): the batch APIs' output, laid out as Arrow lays out a primitive array, so
/// the Python binding hands the two buffers to Arrow without copying them. A null row holds
/// `T::default()`. Serialised as a list of values and nulls.
///
/// ```
/// use cs_core::portfolio::ColumnBuf;
/// let col: ColumnBuf<f64> = vec![Some(12.5), None, Some(80.0)].into();
/// assert_eq!(col.get(0), Some(12.5));
/// assert_eq!(col.get(1), None);
/// assert_eq!(col.null_count(), 1);
/// assert_eq!(col.iter().flatten().sum::<f64>(), 92.5);
/// assert_eq!(serde_json::to_string(&col)?, "[12.5,null,80.0]");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct ColumnBuf<T> {
    values: Vec<T>,
    /// One bit per row; `None` when no row is null.
    validity: Option<Vec<u8>>,
}

impl<T: Copy + Default> ColumnBuf<T> {
    /// `len` null rows. Both buffers are zeroed memory, so a large column costs next to
    /// nothing until its rows are written (in parallel, by the batch kernels).
    pub fn nulls(len: usize) -> Self {
        ColumnBuf {
            values: vec![T::default(); len],
            validity: Some(vec![0; len.div_ceil(8)]),
        }
    }

    /// A column without nulls.
    pub fn from_values(values: Vec<T>) -> Self {
        ColumnBuf {
            values,
            validity: None,
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// True when the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Whether row `i` holds a value (false past the end).
    #[inline]
    pub fn is_valid(&self, i: usize) -> bool {
        i < self.values.len()
            && self
                .validity
                .as_ref()
                .is_none_or(|bits| bits.get(i / 8).is_some_and(|b| (b >> (i % 8)) & 1 == 1))
    }

    /// The value of row `i`, `None` when null or out of range.
    #[inline]
    pub fn get(&self, i: usize) -> Option<T> {
        if self.is_valid(i) {
            self.values.get(i).copied()
        } else {
            None
        }
    }

    /// The rows in order, `None` for nulls.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = Option<T>> + '_ {
        (0..self.values.len()).map(|i| self.get(i))
    }

    /// The raw values, `T::default()` behind nulls.
    pub fn values(&self) -> &[T] {
        &self.values
    }

    /// The validity bitmap, `None` when no row is null.
    pub fn validity(&self) -> Option<Validity<'_>> {
        let bits = self.validity.as_deref()?;
        Validity::new(bits, 0, self.values.len()).ok()
    }

    /// Number of null rows.
    pub fn null_count(&self) -> usize {
        let Some(bits) = &self.validity else {
            return 0;
        };
        let full = self.values.len() / 8;
        let set: usize = bits[..full].iter().map(|b| b.count_ones() as usize).sum();
        let tail = (full * 8..self.values.len())
            .filter(|&i| self.is_valid(i))
            .count();
        self.values.len() - set - tail
    }

    /// A borrowed view, e.g. to feed the column to another batch function.
    pub fn as_column<'a>(&'a self, name: &'a str) -> Column<'a, T> {
        let col = Column::new(name, &self.values);
        match self.validity() {
            // Same length by construction.
            Some(v) => col.with_validity(v).unwrap_or(col),
            None => col,
        }
    }

    /// The values and the validity bitmap (`None`: no nulls), e.g. to wrap them as Arrow
    /// buffers without a copy.
    pub fn into_parts(self) -> (Vec<T>, Option<Vec<u8>>) {
        (self.values, self.validity)
    }

    /// Other values (as many) with this column's nulls.
    pub(crate) fn with_values<U>(&self, values: Vec<U>) -> ColumnBuf<U> {
        debug_assert_eq!(values.len(), self.values.len());
        ColumnBuf {
            values,
            validity: self.validity.clone(),
        }
    }

    /// The values and the validity bitmap for writing in place (an all-valid bitmap is
    /// created when absent).
    pub fn parts_mut(&mut self) -> (&mut [T], &mut [u8]) {
        let len = self.values.len();
        let bits = self.validity.get_or_insert_with(|| vec![0xff; len.div_ceil(8)]);
        (&mut self.values, bits)
    }
}

impl<T> Default for ColumnBuf<T> {
    fn default() -> Self {
        ColumnBuf {
            values: Vec::new(),
            validity: None,
        }
    }
}

impl<T: Copy + Default> From<Vec<Option<T>>> for ColumnBuf<T> {
    fn from(rows: Vec<Option<T>>) -> Self {
        rows.into_iter().collect()
    }
}

impl<T: Copy + Default> FromIterator<Option<T>> for ColumnBuf<T> {
    fn from_iter<I: IntoIterator<Item = Option<T>>>(rows: I) -> Self {
        let mut values = Vec::new();
        let mut bits: Vec<u8> = Vec::new();
        let mut nulls = false;
        for (i, row) in rows.into_iter().enumerate() {
            if i % 8 == 0 {
                bits.push(0);
            }
            if let Some(v) = row {
                values.push(v);
                if let Some(b) = bits.last_mut() {
                    *b |= 1 << (i % 8);
                }
            } else {
                values.push(T::default());
                nulls = true;
            }
        }
        ColumnBuf {
            values,
            validity: nulls.then_some(bits),
        }
    }
}

/// Equal when the rows are: same length, same nulls, same values (the placeholders behind
/// nulls and whether an all-valid column carries a bitmap do not matter).
impl<T: Copy + Default + PartialEq> PartialEq for ColumnBuf<T> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl<T: Copy + Default + Serialize> Serialize for ColumnBuf<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de, T: Copy + Default + Deserialize<'de>> Deserialize<'de> for ColumnBuf<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::<Option<T>>::deserialize(deserializer).map(ColumnBuf::from)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn rows_round_trip_through_options_bits_and_json() {
        let rows: Vec<Option<u16>> = (0..21).map(|i| (i % 3 != 0).then_some(i)).collect();
        let col = ColumnBuf::from(rows.clone());
        assert_eq!(col.iter().collect::<Vec<_>>(), rows);
        assert_eq!(col.null_count(), 7);
        assert_eq!(col.validity().unwrap().null_count(), 7);
        assert_eq!(col.values()[3], 0);
        let json = serde_json::to_string(&col).unwrap();
        assert_eq!(serde_json::from_str::<ColumnBuf<u16>>(&json).unwrap(), col);
        let view = col.as_column("driver");
        assert_eq!((0..21).map(|i| view.get(i)).collect::<Vec<_>>(), rows);
        assert_eq!(col.get(21), None);
    }

    #[test]
    fn all_valid_columns_have_no_bitmap_and_compare_by_rows() {
        let col: ColumnBuf<f64> = vec![Some(1.0), Some(2.0)].into();
        assert!(col.validity().is_none());
        assert_eq!(col.null_count(), 0);
        assert_eq!(col, ColumnBuf::from_values(vec![1.0, 2.0]));
        let mut written = ColumnBuf::<f64>::nulls(2);
        assert_eq!(written.null_count(), 2);
        let (values, bits) = written.parts_mut();
        values.copy_from_slice(&[1.0, 2.0]);
        bits[0] = 0b11;
        assert_eq!(written, col);
        assert_ne!(written, ColumnBuf::from(vec![Some(1.0), None]));
    }
}
