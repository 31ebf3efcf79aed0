use crate::{Error, Result};

/// An Arrow-style validity bitmap: bit `offset + i` (least significant bit first) says whether
/// row `i` holds a value. Borrowed, never copied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Validity<'a> {
    bits: &'a [u8],
    offset: usize,
    len: usize,
}

impl<'a> Validity<'a> {
    /// A bitmap over `len` rows starting at bit `offset` of `bits`.
    pub fn new(bits: &'a [u8], offset: usize, len: usize) -> Result<Self> {
        let needed = (offset + len).div_ceil(8);
        if bits.len() < needed {
            return Err(Error::invalid(
                "validity bitmap",
                format!("{} bytes", bits.len()),
                format!("{len} rows at offset {offset} need {needed} bytes"),
            ));
        }
        Ok(Validity { bits, offset, len })
    }

    /// Number of rows covered.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when the bitmap covers no rows.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether row `i` holds a value. Rows past the end are reported as null.
    #[inline]
    pub fn is_valid(&self, i: usize) -> bool {
        if i >= self.len {
            return false;
        }
        let bit = self.offset + i;
        self.bits.get(bit / 8).is_some_and(|b| (b >> (bit % 8)) & 1 == 1)
    }

    /// The validity of rows `i..i + 64` as bits (row `i` in the lowest); rows past the end
    /// are null.
    #[inline]
    pub fn word(&self, i: usize) -> u64 {
        if i >= self.len {
            return 0;
        }
        let bit = self.offset + i;
        let mut bytes = [0u8; 16];
        let from = bit / 8;
        let avail = &self.bits[from.min(self.bits.len())..];
        let take = avail.len().min(16);
        bytes[..take].copy_from_slice(&avail[..take]);
        let w = (u128::from_le_bytes(bytes) >> (bit % 8)) as u64;
        let rows = self.len - i;
        if rows >= 64 { w } else { w & ((1u64 << rows) - 1) }
    }

    /// Number of null rows.
    pub fn null_count(&self) -> usize {
        (0..self.len).filter(|&i| !self.is_valid(i)).count()
    }
}

/// A named, borrowed column of values with optional validity.
///
/// ```
/// use cs_core::portfolio::{Column, Validity};
/// let values = [9u8, 0, 7];
/// let bits = [0b101u8]; // row 1 is null
/// let col = Column::new("score", &values).with_validity(Validity::new(&bits, 0, 3)?)?;
/// assert_eq!(col.get(0), Some(9));
/// assert_eq!(col.get(1), None);
/// # Ok::<(), cs_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Column<'a, T> {
    name: &'a str,
    values: &'a [T],
    validity: Option<Validity<'a>>,
}

impl<'a, T: Copy> Column<'a, T> {
    /// A column without nulls.
    pub fn new(name: &'a str, values: &'a [T]) -> Self {
        Column {
            name,
            values,
            validity: None,
        }
    }

    /// The same values and nulls under another name.
    pub fn renamed(mut self, name: &'a str) -> Self {
        self.name = name;
        self
    }

    /// Attaches a validity bitmap; its length must equal the column's.
    pub fn with_validity(mut self, validity: Validity<'a>) -> Result<Self> {
        if validity.len() != self.values.len() {
            return Err(Error::LengthMismatch {
                field: format!("{} (validity)", self.name),
                expected: self.values.len(),
                actual: validity.len(),
            });
        }
        self.validity = Some(validity);
        Ok(self)
    }

    /// Attaches an optional validity bitmap.
    pub fn with_optional_validity(self, validity: Option<Validity<'a>>) -> Result<Self> {
        match validity {
            Some(v) => self.with_validity(v),
            None => Ok(self),
        }
    }

    /// The column name (used in error messages).
    pub fn name(&self) -> &'a str {
        self.name
    }

    /// The raw values, including the placeholders behind nulls.
    pub fn values(&self) -> &'a [T] {
        self.values
    }

    /// The validity bitmap, if any.
    pub fn validity(&self) -> Option<Validity<'a>> {
        self.validity
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// True when the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// True when some row is null.
    pub fn has_nulls(&self) -> bool {
        self.validity.is_some_and(|v| v.null_count() > 0)
    }

    /// The value of row `i`, `None` when null or out of range.
    #[inline]
    pub fn get(&self, i: usize) -> Option<T> {
        match self.validity {
            Some(v) if !v.is_valid(i) => None,
            _ => self.values.get(i).copied(),
        }
    }

    /// Checks that the column has `expected` rows.
    pub fn expect_len(&self, expected: usize) -> Result<()> {
        if self.len() == expected {
            Ok(())
        } else {
            Err(Error::LengthMismatch {
                field: self.name.to_owned(),
                expected,
                actual: self.len(),
            })
        }
    }

    /// The sub-column of rows `start..end` (the validity is re-based, not copied).
    pub fn slice(&self, start: usize, end: usize) -> Self {
        let end = end.min(self.values.len());
        let start = start.min(end);
        Column {
            name: self.name,
            values: &self.values[start..end],
            validity: self.validity.map(|v| Validity {
                bits: v.bits,
                offset: v.offset + start,
                len: end - start,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validity_reads_lsb_first_with_offset() {
        let bits = [0b1000_0001u8, 0b0000_0001];
        let v = Validity::new(&bits, 7, 3).unwrap();
        // bit 7 (byte 0) -> 1, bit 8 (byte 1, bit 0) -> 1, bit 9 -> 0, bit 10 is past the end.
        assert!(v.is_valid(0));
        assert!(v.is_valid(1));
        assert!(!v.is_valid(2));
        assert!(!v.is_valid(3));
    }

    #[test]
    fn validity_words_match_bit_by_bit_reads() {
        let bits: Vec<u8> = (0..40u8).map(|b| b.wrapping_mul(37) ^ 0x5a).collect();
        for offset in [0, 3, 8, 13] {
            let v = Validity::new(&bits, offset, 300).unwrap();
            for i in [0, 1, 7, 64, 100, 250, 299, 300] {
                let w = v.word(i);
                for j in 0..64 {
                    assert_eq!(
                        (w >> j) & 1 == 1,
                        v.is_valid(i + j),
                        "offset {offset} row {i} + {j}"
                    );
                }
            }
        }
    }

    #[test]
    fn validity_too_short_is_an_error() {
        assert!(Validity::new(&[0u8], 4, 8).is_err());
    }

    #[test]
    fn slice_rebases_validity() {
        let values = [1u8, 2, 3, 4];
        let bits = [0b1010u8];
        let col = Column::new("x", &values)
            .with_validity(Validity::new(&bits, 0, 4).unwrap())
            .unwrap();
        let s = col.slice(1, 4);
        assert_eq!((s.get(0), s.get(1), s.get(2)), (Some(2), None, Some(4)));
    }

    #[test]
    fn length_mismatch_names_column() {
        let values = [1u8, 2];
        let bits = [0xffu8];
        let err = Column::new("score", &values)
            .with_validity(Validity::new(&bits, 0, 3).unwrap())
            .unwrap_err();
        assert_eq!(err.to_string(), "column score (validity) has 3 rows, expected 2");
    }
}
