//! Scalars of the API that async-graphql does not name the way DESIGN.md does.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::{NaiveDate, SubsecRound, Utc};

/// A calendar date, ISO 8601 (`2025-03-15`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date(pub NaiveDate);

/// A calendar date, ISO 8601 (`2025-03-15`).
#[Scalar(name = "Date")]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(Date)
                .map_err(|_| {
                    InputValueError::custom(format!("{s:?} is not an ISO date (YYYY-MM-DD)"))
                }),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}

impl From<NaiveDate> for Date {
    fn from(d: NaiveDate) -> Self {
        Date(d)
    }
}

/// A point in time: RFC 3339 in UTC with exactly six fractional digits (microseconds, the
/// precision both databases keep), e.g. `2026-11-27T17:50:40.123456Z`. Input accepts any
/// RFC 3339 time with an offset and keeps it to the microsecond.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timestamp(pub chrono::DateTime<Utc>);

/// A point in time: RFC 3339 in UTC with exactly six fractional digits (microseconds), e.g.
/// `2026-11-27T17:50:40.123456Z`.
#[Scalar(name = "DateTime")]
impl ScalarType for Timestamp {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => chrono::DateTime::parse_from_rfc3339(s)
                .map(|t| Timestamp(t.with_timezone(&Utc).trunc_subsecs(6)))
                .map_err(|_| {
                    InputValueError::custom(format!(
                        "{s:?} is not an RFC 3339 time, e.g. 2026-11-27T17:50:40.123456Z"
                    ))
                }),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.to_string())
    }
}

impl std::fmt::Display for Timestamp {
    /// Always six fractional digits, truncated (PostgreSQL keeps microseconds; SQLite and
    /// the clock may hold more).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%dT%H:%M:%S%.6fZ"))
    }
}

impl From<chrono::DateTime<Utc>> for Timestamp {
    fn from(t: chrono::DateTime<Utc>) -> Self {
        Timestamp(t)
    }
}

/// A JSON array of strings stored in a `Json` column, as a list (anything else reads as empty).
pub fn string_list(value: &serde_json::Value) -> Vec<String> {
    value
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn timestamps_have_six_fractional_digits() {
        let whole = Utc.with_ymd_and_hms(2026, 11, 27, 17, 50, 40).unwrap();
        assert_eq!(Timestamp(whole).to_string(), "2026-11-27T17:50:40.000000Z");
        let nanos = whole + chrono::Duration::nanoseconds(123_456_789);
        assert_eq!(Timestamp(nanos).to_string(), "2026-11-27T17:50:40.123456Z");
    }

    #[test]
    fn timestamps_parse_any_offset_to_microseconds() {
        let parse = |s: &str| Timestamp::parse(Value::String(s.into()));
        assert_eq!(
            parse("2026-11-27T18:50:40.1234567+01:00")
                .unwrap()
                .to_string(),
            "2026-11-27T17:50:40.123456Z"
        );
        assert_eq!(
            parse("2026-11-27T17:50:40Z").unwrap().to_string(),
            "2026-11-27T17:50:40.000000Z"
        );
        assert!(parse("2026-11-27").is_err());
        assert!(parse("2026-11-27T17:50:40").is_err());
        assert!(Timestamp::parse(Value::from(1)).is_err());
    }
}
