//! The one cell grammar: the same cell gives the same value, or the same error, whether it
//! arrives as text (a CSV file) or typed (Parquet, pyarrow, pandas, polars, numpy).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use arrow_array::{
    ArrayRef, BooleanArray, Date32Array, Float64Array, Int64Array, StringArray, TimestampMillisecondArray,
    TimestampNanosecondArray,
};
use cs_arrow::{Held, convert};
use cs_core::pipeline::{Cells, Kind};

fn text(cells: &[Option<&str>]) -> ArrayRef {
    Arc::new(StringArray::from(cells.to_vec()))
}

/// The cells as optional f64 (numbers, integers, flags as 1/0, dates as day counts).
fn values(held: &Held) -> Vec<Option<f64>> {
    match held.cells("c").unwrap() {
        Cells::Number(c) => (0..c.len()).map(|i| c.get(i)).collect(),
        Cells::Integer(c) => (0..c.len()).map(|i| c.get(i).map(|v| v as f64)).collect(),
        Cells::Flag(c) => (0..c.len())
            .map(|i| c.get(i).map(|b| f64::from(u8::from(b))))
            .collect(),
        Cells::Date(c) => (0..c.len()).map(|i| c.get(i).map(f64::from)).collect(),
        Cells::Label { .. } => panic!("not a value column"),
    }
}

fn err(array: &ArrayRef, kind: Kind) -> String {
    convert(array, "c", kind).unwrap_err().to_string()
}

#[test]
fn flags_are_true_false_1_0_whatever_the_source() {
    let from_text = convert(
        &text(&[Some("true"), Some("FALSE"), Some("1"), Some("0"), Some(""), None]),
        "c",
        Kind::Flag,
    )
    .unwrap();
    let from_bool: ArrayRef = Arc::new(BooleanArray::from(vec![
        Some(true),
        Some(false),
        Some(true),
        Some(false),
        None,
        None,
    ]));
    let from_int: ArrayRef = Arc::new(Int64Array::from(vec![
        Some(1),
        Some(0),
        Some(1),
        Some(0),
        None,
        None,
    ]));
    let from_float: ArrayRef = Arc::new(Float64Array::from(vec![
        Some(1.0),
        Some(0.0),
        Some(1.0),
        Some(0.0),
        Some(f64::NAN),
        None,
    ]));
    let want = vec![Some(1.0), Some(0.0), Some(1.0), Some(0.0), None, None];
    assert_eq!(values(&from_text), want);
    for a in [from_bool, from_int, from_float] {
        assert_eq!(values(&convert(&a, "c", Kind::Flag).unwrap()), want);
    }
    // 2 is not a flag, as text or as a number; "t" and "yes" are not flags.
    let two_int: ArrayRef = Arc::new(Int64Array::from(vec![1, 2]));
    let two_float: ArrayRef = Arc::new(Float64Array::from(vec![1.0, 2.0]));
    let expected = "column c value 2 at position 1 is invalid: expected a flag: true / false / 1 / 0";
    assert_eq!(err(&text(&[Some("1"), Some("2")]), Kind::Flag), expected);
    assert_eq!(err(&two_int, Kind::Flag), expected);
    assert_eq!(err(&two_float, Kind::Flag), expected);
    assert_eq!(
        err(&text(&[Some("t")]), Kind::Flag),
        "column c value \"t\" at position 0 is invalid: expected a flag: true / false / 1 / 0"
    );
    assert!(err(&text(&[Some("yes")]), Kind::Flag).contains("\"yes\""));
}

#[test]
fn numbers_nan_is_missing_inf_is_an_error() {
    let t = convert(
        &text(&[Some(" 2.5 "), Some("NaN"), Some(""), Some("-3"), Some("true")]),
        "c",
        Kind::Number,
    )
    .unwrap();
    let f: ArrayRef = Arc::new(Float64Array::from(vec![
        Some(2.5),
        Some(f64::NAN),
        None,
        Some(-3.0),
        Some(1.0),
    ]));
    let want = vec![Some(2.5), None, None, Some(-3.0), Some(1.0)];
    assert_eq!(values(&t), want);
    assert_eq!(values(&convert(&f, "c", Kind::Number).unwrap()), want);
    let inf: ArrayRef = Arc::new(Float64Array::from(vec![1.0, f64::INFINITY]));
    let msg = "column c value inf at position 1 is invalid: expected a finite number";
    assert_eq!(err(&inf, Kind::Number), msg);
    assert_eq!(err(&text(&[Some("1"), Some("inf")]), Kind::Number), msg);
    assert_eq!(
        err(&text(&[Some("high")]), Kind::Number),
        "column c value \"high\" at position 0 is invalid: expected a number"
    );
    // Float64 without NaN shares the Arrow buffer.
    let plain: ArrayRef = Arc::new(Float64Array::from(vec![1.0, 2.0]));
    assert_eq!(
        values(&convert(&plain, "c", Kind::Number).unwrap()),
        vec![Some(1.0), Some(2.0)]
    );
}

#[test]
fn integers_money_in_minor_units() {
    let t = convert(&text(&[Some("1200"), Some("12.0"), Some("")]), "c", Kind::Integer).unwrap();
    let f: ArrayRef = Arc::new(Float64Array::from(vec![Some(1200.0), Some(12.0), Some(f64::NAN)]));
    let want = vec![Some(1200.0), Some(12.0), None];
    assert_eq!(values(&t), want);
    assert_eq!(values(&convert(&f, "c", Kind::Integer).unwrap()), want);
    let msg = "column c value 100.5 at position 0 is invalid: expected a whole number";
    assert_eq!(err(&text(&[Some("100.5")]), Kind::Integer), msg);
    let half: ArrayRef = Arc::new(Float64Array::from(vec![100.5]));
    assert_eq!(err(&half, Kind::Integer), msg);
    let b: ArrayRef = Arc::new(BooleanArray::from(vec![true]));
    assert!(err(&b, Kind::Integer).contains("expected integer cells"));
}

#[test]
fn dates_from_text_date32_and_midnight_timestamps() {
    let day = 20_634.0; // 2026-06-30
    let t = convert(
        &text(&[Some("2026-06-30"), Some("2026-06-30T00:00:00"), Some("")]),
        "c",
        Kind::Date,
    )
    .unwrap();
    assert_eq!(values(&t), vec![Some(day), Some(day), None]);
    let d: ArrayRef = Arc::new(Date32Array::from(vec![Some(20_634), None]));
    assert_eq!(
        values(&convert(&d, "c", Kind::Date).unwrap()),
        vec![Some(day), None]
    );
    let ms: ArrayRef = Arc::new(TimestampMillisecondArray::from(vec![20_634 * 86_400_000]));
    assert_eq!(values(&convert(&ms, "c", Kind::Date).unwrap()), vec![Some(day)]);
    let ns: ArrayRef = Arc::new(TimestampNanosecondArray::from(vec![
        20_634 * 86_400_000_000_000 + 1,
    ]));
    assert!(err(&ns, Kind::Date).contains("time of day"));
    // A timestamp is named as the text a CSV file would hold, sub-millisecond part included.
    assert_eq!(
        err(&ns, Kind::Date),
        "column c value \"2026-06-30 00:00:00.000000001\" at position 0 is invalid: \
         expected a date (a time of day other than midnight is not a date)"
    );
    let half: ArrayRef = Arc::new(TimestampMillisecondArray::from(vec![
        20_634 * 86_400_000 + 37_800_000,
    ]));
    assert!(err(&half, Kind::Date).contains("value \"2026-06-30 10:30:00\" at"));
    // Text that does not start with a date is not a date, even with a space in it.
    assert!(err(&text(&[Some("next spring")]), Kind::Date).ends_with("expected a date (YYYY-MM-DD)"));
    assert!(err(&text(&[Some("2026-06-30 13:00")]), Kind::Date).contains("time of day"));
    assert_eq!(
        err(&text(&[Some("30/06/2026")]), Kind::Date),
        "column c value \"30/06/2026\" at position 0 is invalid: expected a date (YYYY-MM-DD)"
    );
}

#[test]
fn labels_are_dictionary_encoded_and_whole_numbers_are_codes() {
    let held = convert(
        &text(&[Some("red"), Some(" green "), Some("red"), None]),
        "c",
        Kind::Label,
    )
    .unwrap();
    let Cells::Label { codes, dictionary } = held.cells("c").unwrap() else {
        panic!("label")
    };
    assert_eq!(dictionary, ["red", "green"]);
    assert_eq!(
        (0..4).map(|i| codes.get(i)).collect::<Vec<_>>(),
        vec![Some(0), Some(1), Some(0), None]
    );
    let ints: ArrayRef = Arc::new(Float64Array::from(vec![Some(0.0), Some(f64::NAN)]));
    assert!(matches!(
        convert(&ints, "c", Kind::Label).unwrap().cells("c").unwrap(),
        Cells::Integer(_)
    ));
}

/// The buffer passes (no check per cell unless a slot is out of the grammar) look at null slots
/// too: what a null slot holds (±inf, NaN, a day far outside the range) is never an error and
/// never a value, and the first bad *valid* cell is the one the error names.
#[test]
fn null_slots_holding_anything_are_nulls_and_errors_name_the_first_valid_bad_cell() {
    use arrow_buffer::{NullBuffer, ScalarBuffer};
    let nulls = NullBuffer::from(vec![true, false, true, false, true]);
    let f = Float64Array::new(
        ScalarBuffer::from(vec![1.5, f64::INFINITY, f64::NAN, f64::NEG_INFINITY, -2.0]),
        Some(nulls.clone()),
    );
    let f: ArrayRef = Arc::new(f);
    assert_eq!(
        values(&convert(&f, "c", Kind::Number).unwrap()),
        vec![Some(1.5), None, None, None, Some(-2.0)]
    );
    let bad = Float64Array::new(
        ScalarBuffer::from(vec![f64::NAN, f64::INFINITY, 1.0, f64::NAN, f64::NEG_INFINITY]),
        Some(nulls.clone()),
    );
    let bad: ArrayRef = Arc::new(bad);
    assert_eq!(
        err(&bad, Kind::Number),
        "column c value -inf at position 4 is invalid: expected a finite number"
    );
    let d = Date32Array::new(
        ScalarBuffer::from(vec![20_000, i32::MIN, 20_001, i32::MAX, 20_002]),
        Some(nulls.clone()),
    );
    let d: ArrayRef = Arc::new(d);
    assert_eq!(
        values(&convert(&d, "c", Kind::Date).unwrap()),
        vec![Some(20_000.0), None, Some(20_001.0), None, Some(20_002.0)]
    );
    // Whole numbers and flags held as floats: one check over the buffer, then a cast; a null
    // slot holding a fraction or 2 goes cell by cell and stays null.
    let whole = Float64Array::new(
        ScalarBuffer::from(vec![3.0, 0.5, -7.0, 2.5, 0.0]),
        Some(nulls.clone()),
    );
    let whole: ArrayRef = Arc::new(whole);
    assert_eq!(
        values(&convert(&whole, "c", Kind::Integer).unwrap()),
        vec![Some(3.0), None, Some(-7.0), None, Some(0.0)]
    );
    let plain: ArrayRef = Arc::new(Float64Array::from(vec![3.0, -7.0, 1e15]));
    assert_eq!(
        values(&convert(&plain, "c", Kind::Integer).unwrap()),
        vec![Some(3.0), Some(-7.0), Some(1e15)]
    );
    let flags = Float64Array::new(
        ScalarBuffer::from(vec![1.0, 2.0, 0.0, 0.5, 1.0]),
        Some(nulls.clone()),
    );
    let flags: ArrayRef = Arc::new(flags);
    assert_eq!(
        values(&convert(&flags, "c", Kind::Flag).unwrap()),
        vec![Some(1.0), None, Some(0.0), None, Some(1.0)]
    );
    let plain_flags: ArrayRef = Arc::new(Float64Array::from(vec![0.0, 1.0, 1.0]));
    assert_eq!(
        values(&convert(&plain_flags, "c", Kind::Flag).unwrap()),
        vec![Some(0.0), Some(1.0), Some(1.0)]
    );
    let far: ArrayRef = Arc::new(Date32Array::from(vec![Some(20_000), None, Some(-30_000)]));
    assert!(
        err(&far, Kind::Date).contains("at position 2"),
        "{}",
        err(&far, Kind::Date)
    );
}
