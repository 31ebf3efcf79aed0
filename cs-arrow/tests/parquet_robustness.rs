//! Damaged Parquet files are errors naming the file, never panics (inputs found by fuzzing,
//! `fuzz/corpus/parquet_commands/crash-*`; the first byte of each picks the fuzzed command).
#![cfg(feature = "files")]
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::path::PathBuf;

fn read(name: &str, bytes: &[u8]) -> Result<arrow_array::RecordBatch, cs_arrow::files::FileError> {
    let dir = std::env::temp_dir().join(format!("cs-arrow-robustness-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path: PathBuf = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    let result = cs_arrow::files::read_table(&path);
    std::fs::remove_file(&path).unwrap();
    result
}

#[test]
fn parquet_whose_arrow_schema_has_an_int_zero_bits_wide_is_an_error_not_a_panic() {
    let input = include_bytes!("../../fuzz/corpus/parquet_commands/crash-arrow-schema-int-width-0");
    let e = read("int-width-0.parquet", &input[1..]).unwrap_err();
    assert!(e.path.ends_with("int-width-0.parquet"), "{e}");
    assert!(
        e.message.starts_with("metadata ARROW:schema: field ") && e.message.contains("Int"),
        "{e}"
    );
}

#[test]
fn parquet_with_its_arrow_schema_still_reads() {
    let batch = arrow_array::RecordBatch::try_from_iter([
        (
            "day",
            std::sync::Arc::new(arrow_array::Date32Array::from(vec![Some(20_000), None]))
                as arrow_array::ArrayRef,
        ),
        (
            "segment",
            std::sync::Arc::new(
                ["SMB", "Enterprise"]
                    .into_iter()
                    .collect::<arrow_array::DictionaryArray<arrow_array::types::Int32Type>>(),
            ),
        ),
    ])
    .unwrap();
    let dir = std::env::temp_dir().join(format!("cs-arrow-robustness-ok-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("ok.parquet");
    cs_arrow::files::write_table(&path, &batch).unwrap();
    let back = cs_arrow::files::read_table(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    // The embedded Arrow schema is used: the dictionary column comes back a dictionary.
    assert_eq!(back, batch);
}

#[test]
fn parquet_whose_data_page_has_an_rle_bit_width_too_wide_is_an_error_not_a_panic() {
    // parquet_commands input crash-fd7ba739 without its selector byte: a dictionary-index page
    // whose bit width exceeds 32, which parquet 59.3 asserts on. The patched reader
    // (vendor/parquet) refuses the width with an error naming it; before, the panic was caught
    // and reported as "damaged Parquet data, the reader gave up".
    let input = include_bytes!("data/rle-bit-width-too-wide.parquet");
    let e = read("rle-bit-width.parquet", input).unwrap_err();
    assert!(e.path.ends_with("rle-bit-width.parquet"), "{e}");
    assert!(
        e.message.contains("invalid dictionary index bit width")
            && e.message.contains("(at most 32)")
            && !e.message.contains("{w}"),
        "{e}"
    );
}

#[test]
fn parquet_whose_column_chunk_has_a_negative_offset_is_an_error_not_a_panic() {
    // parquet_commands input crash-ed0763b7 without its selector byte: a column chunk whose
    // page offset is negative, which `ColumnChunkMetaData::byte_range` asserts on in parquet
    // 59.3 (apache/arrow-rs#6255). The patched reader (vendor/parquet) refuses it when it
    // decodes the footer.
    let input = include_bytes!("data/negative-column-chunk-offset.parquet");
    let e = read("negative-offset.parquet", input).unwrap_err();
    assert!(e.path.ends_with("negative-offset.parquet"), "{e}");
    assert!(e.message.contains("negative offset"), "{e}");
}

#[test]
fn parquet_whose_rle_run_header_is_overlong_is_an_error_not_a_panic() {
    // parquet_commands input crash-3cb31c9b without its selector byte: an RLE run header
    // (a ULEB128 integer) longer than 64 bits, on which parquet 59.3 overflowed a shift and
    // asserted (`BitReader::get_vlq_int`). The patched reader takes it as the end of the data,
    // as for a page cut short, and the read fails on the values missing (pyarrow refuses the
    // file too); the catch-all for a panic of the reader is never reached.
    let input = include_bytes!("data/overlong-rle-run-header.parquet");
    let e = read("overlong-rle.parquet", input).unwrap_err();
    assert!(e.path.ends_with("overlong-rle.parquet"), "{e}");
    assert!(e.message.contains("insufficient values read from column"), "{e}");
}

#[test]
fn parquet_whose_bit_packed_levels_run_past_the_page_is_an_error_not_a_panic() {
    // parquet_commands input crash-bd2ed52c without its selector byte: a bit-packed run of
    // definition levels longer than the page, which panicked in arrow-buffer's
    // `append_packed_range` under parquet 59.3 (`offset + len out of bounds`). The patched
    // reader (vendor/parquet) refuses the run.
    let input = include_bytes!("data/bit-packed-levels-past-the-page.parquet");
    let e = read("bit-packed-levels.parquet", input).unwrap_err();
    assert!(e.path.ends_with("bit-packed-levels.parquet"), "{e}");
    assert!(
        e.message
            .contains("definition levels: a bit-packed run of 40 levels"),
        "{e}"
    );
}
