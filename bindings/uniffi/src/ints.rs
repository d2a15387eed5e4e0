//! Integers across the FFI are signed 64-bit: a JVM has no unsigned `long`
//! a user would handle, and Swift code passes `Int64` around. The core's are
//! unsigned; the range check is here, once for every language, and a
//! negative value is `Malformed` naming the field.

use userhash::{Error, Field};

/// `value` as the core's `u64`, or `Malformed(field)` when it is negative.
pub(crate) fn non_negative(value: i64, field: Field, name: &str) -> Result<u64, Error> {
    u64::try_from(value)
        .map_err(|_| Error::Malformed { field, reason: format!("{name} is {value}; it must be 0 or more") })
}

/// `value` as a `usize` (a count or a length); a value past what this
/// platform can address saturates, which for a limit or a capacity means
/// "no practical bound".
pub(crate) fn count(value: i64, field: Field, name: &str) -> Result<usize, Error> {
    Ok(usize::try_from(non_negative(value, field, name)?).unwrap_or(usize::MAX))
}

/// A core `u64` for a foreign `Int64`: every value the core hands out (Unix
/// milliseconds below 10^16, ages, limits) fits; anything larger saturates.
pub(crate) fn signed(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

/// A core `usize` for a foreign `Int64`.
pub(crate) fn signed_count(value: usize) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negative_values_are_refused_and_large_ones_saturate() {
        assert_eq!(non_negative(0, Field::Timestamp, "t").unwrap(), 0);
        let e = non_negative(-1, Field::ToleranceMs, "tolerance_ms").unwrap_err();
        assert_eq!(e.field(), Some(Field::ToleranceMs));
        assert!(e.to_string().contains("tolerance_ms is -1"), "{e}");
        assert_eq!(
            count(i64::MAX, Field::MaxParams, "max_params").unwrap(),
            usize::try_from(i64::MAX).unwrap_or(usize::MAX)
        );
        assert_eq!(signed(u64::MAX), i64::MAX);
        assert_eq!(signed_count(usize::MAX), i64::MAX);
    }
}
