//! The Arrow schema a Parquet writer embeds (the `ARROW:schema` key of the file metadata),
//! checked before the parquet crate decodes it.
//!
//! arrow-ipc 59 decodes that schema with `panic!`, `unwrap` and `unimplemented!` on values it
//! does not support (an integer 0 bits wide, a list without a child, an unknown type id), so a
//! damaged or hostile file would abort the reader. Every field is checked here first against
//! what the decoder accepts; a field it would panic on is an error naming the field and the
//! value.

use arrow_ipc::{DateUnit, Field, IntervalUnit, Precision, TimeUnit, Type, UnionMode};
use base64::Engine as _;
use base64::prelude::BASE64_STANDARD;

/// The metadata key (`parquet::arrow::ARROW_SCHEMA_META_KEY`).
pub(super) const KEY: &str = parquet::arrow::ARROW_SCHEMA_META_KEY;

/// Checks the embedded schema `encoded` (base64 of an IPC schema message). Text that is not
/// base64 or not a schema message is left to the parquet crate, which reports it as an error.
pub(super) fn check(encoded: &str) -> Result<(), String> {
    let Ok(bytes) = BASE64_STANDARD.decode(encoded) else {
        return Ok(());
    };
    // The same framing the parquet crate strips: a continuation marker and a length.
    let slice = if bytes.len() > 8 && bytes[0..4] == [255u8; 4] {
        &bytes[8..]
    } else {
        bytes.as_slice()
    };
    let Ok(message) = arrow_ipc::root_as_message(slice) else {
        return Ok(());
    };
    let Some(schema) = message.header_as_schema() else {
        return Ok(());
    };
    let Some(fields) = schema.fields() else {
        return Err("the schema has no field list".to_owned());
    };
    let big_endian = schema.endianness() == arrow_ipc::Endianness::Big;
    for field in fields {
        if big_endian && field.type_type() == Type::Decimal {
            return Err(format!(
                "field {:?}: a big-endian decimal is not supported",
                name(&field)
            ));
        }
        check_field(&field, 0)?;
    }
    Ok(())
}

/// Nesting deeper than this is refused (the decoder recurses once per level).
const MAX_DEPTH: usize = 64;

fn name(field: &Field<'_>) -> String {
    field.name().unwrap_or_default().to_owned()
}

fn int_width_ok(width: i32) -> bool {
    matches!(width, 8 | 16 | 32 | 64)
}

fn check_field(field: &Field<'_>, depth: usize) -> Result<(), String> {
    let bad = |what: String| Err(format!("field {:?}: {what}", name(field)));
    if depth > MAX_DEPTH {
        return bad(format!("nested deeper than {MAX_DEPTH} levels"));
    }
    if let Some(dictionary) = field.dictionary() {
        match dictionary.indexType() {
            Some(int) if int_width_ok(int.bitWidth()) => {}
            Some(int) => {
                return bad(format!(
                    "dictionary index width {} is not supported",
                    int.bitWidth()
                ));
            }
            None => return bad("a dictionary without an index type".to_owned()),
        }
    }
    let children = field.children();
    let child_count = children.map_or(0, |c| c.len());
    let ty = field.type_type();
    let ok = match ty {
        Type::Null
        | Type::Bool
        | Type::Binary
        | Type::LargeBinary
        | Type::BinaryView
        | Type::Utf8
        | Type::LargeUtf8
        | Type::Utf8View
        | Type::Struct_ => true,
        Type::Int => field.type_as_int().is_some_and(|i| int_width_ok(i.bitWidth())),
        Type::FixedSizeBinary => field.type_as_fixed_size_binary().is_some(),
        Type::FloatingPoint => field.type_as_floating_point().is_some_and(|f| {
            matches!(
                f.precision(),
                Precision::HALF | Precision::SINGLE | Precision::DOUBLE
            )
        }),
        Type::Date => field
            .type_as_date()
            .is_some_and(|d| matches!(d.unit(), DateUnit::DAY | DateUnit::MILLISECOND)),
        Type::Time => field.type_as_time().is_some_and(|t| {
            matches!(
                (t.bitWidth(), t.unit()),
                (32, TimeUnit::SECOND | TimeUnit::MILLISECOND)
                    | (64, TimeUnit::MICROSECOND | TimeUnit::NANOSECOND)
            )
        }),
        Type::Timestamp => field.type_as_timestamp().is_some_and(|t| {
            matches!(
                t.unit(),
                TimeUnit::SECOND | TimeUnit::MILLISECOND | TimeUnit::MICROSECOND | TimeUnit::NANOSECOND
            )
        }),
        Type::Duration => field.type_as_duration().is_some_and(|t| {
            matches!(
                t.unit(),
                TimeUnit::SECOND | TimeUnit::MILLISECOND | TimeUnit::MICROSECOND | TimeUnit::NANOSECOND
            )
        }),
        Type::Interval => field.type_as_interval().is_some_and(|i| {
            matches!(
                i.unit(),
                IntervalUnit::YEAR_MONTH | IntervalUnit::DAY_TIME | IntervalUnit::MONTH_DAY_NANO
            )
        }),
        Type::List | Type::LargeList | Type::ListView | Type::LargeListView => child_count == 1,
        Type::FixedSizeList => child_count == 1 && field.type_as_fixed_size_list().is_some(),
        Type::Map => child_count == 1 && field.type_as_map().is_some(),
        Type::RunEndEncoded => child_count == 2,
        Type::Decimal => field.type_as_decimal().is_some_and(|d| {
            u8::try_from(d.precision()).is_ok()
                && i8::try_from(d.scale()).is_ok()
                && matches!(d.bitWidth(), 32 | 64 | 128 | 256)
        }),
        // Type ids must be unique and match the children one to one; without them the decoder
        // numbers the children itself.
        Type::Union => field.type_as_union().is_some_and(|u| {
            matches!(u.mode(), UnionMode::Dense | UnionMode::Sparse)
                && u.typeIds().is_none_or(|ids| {
                    let ids: Vec<i32> = ids.iter().collect();
                    ids.len() == child_count
                        && ids.iter().all(|&i| i8::try_from(i).is_ok_and(|i| i >= 0))
                        && ids.iter().enumerate().all(|(k, i)| !ids[..k].contains(i))
                })
                && child_count <= 128
        }),
        _ => false,
    };
    if !ok {
        return bad(format!("type {ty:?} with these parameters is not supported"));
    }
    for child in children.into_iter().flatten() {
        check_field(&child, depth + 1)?;
    }
    Ok(())
}
