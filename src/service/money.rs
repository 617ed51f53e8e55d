//! Money: integer minor units and an ISO 4217 currency, never a float. Decimal strings in and
//! out of the API are checked against the currency's minor units.

use crate::error::{AppError, AppResult};

/// Currencies the center deals in, with their ISO 4217 minor units.
const CURRENCIES: &[(&str, u32)] = &[
    ("CNY", 2),
    ("EUR", 2),
    ("BAM", 2),
    ("RSD", 2),
    ("USD", 2),
    ("GBP", 2),
    ("CHF", 2),
    ("HKD", 2),
    ("MKD", 2),
    ("ALL", 2),
    ("BGN", 2),
    ("RON", 2),
    ("HUF", 2),
    ("TRY", 2),
    ("JPY", 0),
    ("KRW", 0),
    ("KWD", 3),
];

/// The minor units of `currency`, or `BAD_USER_INPUT` on `field` for an unknown code.
pub fn minor_units(currency: &str, field: &str) -> AppResult<u32> {
    CURRENCIES
        .iter()
        .find(|(code, _)| *code == currency)
        .map(|(_, units)| *units)
        .ok_or_else(|| {
            AppError::bad_input(
                field,
                format!("{currency:?} is not a supported ISO 4217 currency code"),
            )
        })
}

/// Parses a decimal string like `"1250.00"` into minor units of `currency`.
/// Rejects negative amounts, more decimals than the currency has, and anything not a number.
pub fn parse(amount: &str, currency: &str, field: &str) -> AppResult<i64> {
    let units = minor_units(currency, field)?;
    let bad = |why: &str| {
        AppError::bad_input(
            field,
            format!("{amount:?} is not a valid {currency} amount: {why}"),
        )
    };
    let (whole, frac) = match amount.trim().split_once('.') {
        Some((w, f)) => (w, f),
        None => (amount.trim(), ""),
    };
    if whole.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(bad(
            "use digits with an optional decimal point, e.g. 1250.00",
        ));
    }
    if frac.len() > units as usize {
        return Err(bad(&format!("{currency} has {units} decimal places")));
    }
    let scale = 10i64.pow(units);
    let whole: i64 = whole.parse().map_err(|_| bad("too large"))?;
    let frac: i64 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<width$}", width = units as usize)
            .parse()
            .map_err(|_| bad("too large"))?
    };
    whole
        .checked_mul(scale)
        .and_then(|w| w.checked_add(frac))
        .ok_or_else(|| bad("too large"))
}

/// Formats minor units of `currency` as a decimal string (`"1250.00"`).
pub fn format(minor: i64, currency: &str) -> String {
    let units = minor_units(currency, "currency").unwrap_or(2);
    if units == 0 {
        return minor.to_string();
    }
    let scale = 10i64.pow(units);
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    format!(
        "{sign}{}.{:0width$}",
        abs / scale as u64,
        abs % scale as u64,
        width = units as usize
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_formats_by_minor_units() {
        assert_eq!(parse("1250.00", "EUR", "amount").unwrap(), 125_000);
        assert_eq!(parse("1250.5", "EUR", "amount").unwrap(), 125_050);
        assert_eq!(parse("1250", "CNY", "amount").unwrap(), 125_000);
        assert_eq!(parse("1500", "JPY", "amount").unwrap(), 1500);
        assert_eq!(parse("1.234", "KWD", "amount").unwrap(), 1234);
        assert_eq!(format(125_000, "EUR"), "1250.00");
        assert_eq!(format(5, "BAM"), "0.05");
        assert_eq!(format(1500, "JPY"), "1500");
        assert_eq!(format(-5, "EUR"), "-0.05");
    }

    #[test]
    fn rejects_what_is_not_money() {
        for (amount, currency) in [
            ("12.345", "EUR"),
            ("1.5", "JPY"),
            ("-3", "EUR"),
            ("1e3", "EUR"),
            ("", "EUR"),
            (".5", "EUR"),
            ("99999999999999999999", "EUR"),
            ("10", "XXX"),
            ("10", "eur"),
        ] {
            let err = parse(amount, currency, "amount").unwrap_err();
            assert!(
                matches!(err, AppError::BadUserInput { ref field, .. } if field == "amount"),
                "{amount} {currency}"
            );
        }
    }

    #[test]
    fn round_trips() {
        for minor in [0, 1, 99, 100, 123_456_789] {
            assert_eq!(parse(&format(minor, "EUR"), "EUR", "a").unwrap(), minor);
        }
    }
}
