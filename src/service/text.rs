//! Checks of free-text input shared by the write services: trimmed, non-empty where required,
//! bounded in length, tag lists without blanks or duplicates, and country codes.

use crate::error::{AppError, AppResult};

/// A required text: trimmed, not empty, at most `max` characters.
pub fn required(field: &str, value: &str, max: usize) -> AppResult<String> {
    let v = value.trim();
    if v.is_empty() {
        return Err(AppError::bad_input(
            field,
            format!("{field} must not be empty"),
        ));
    }
    if v.chars().count() > max {
        return Err(AppError::bad_input(
            field,
            format!("{field} is longer than {max} characters"),
        ));
    }
    Ok(v.to_owned())
}

/// An optional text: blank becomes `None`, anything else is checked like [`required`].
pub fn optional(field: &str, value: Option<&str>, max: usize) -> AppResult<Option<String>> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => required(field, v, max).map(Some),
    }
}

/// A list of tags: each checked like [`required`], duplicates (ignoring case) dropped, at most
/// `max_items` of them.
pub fn tags(field: &str, values: &[String], max_items: usize) -> AppResult<Vec<String>> {
    if values.len() > max_items {
        return Err(AppError::bad_input(
            field,
            format!("at most {max_items} {field}"),
        ));
    }
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for v in values {
        let tag = required(field, v, 60)?;
        if seen.insert(tag.to_lowercase()) {
            out.push(tag);
        }
    }
    Ok(out)
}

/// ISO 3166-1 alpha-2: the 249 officially assigned codes, and `XK` (Kosovo, user-assigned).
pub const COUNTRIES: &str = "\
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR \
BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ \
EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW \
GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY \
KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV \
MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY \
QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG \
TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA \
ZM ZW";

/// Whether `code` (upper-case) is one of [`COUNTRIES`].
pub fn is_country(code: &str) -> bool {
    code.len() == 2
        && COUNTRIES
            .split_ascii_whitespace()
            .any(|known| known == code)
}

/// An ISO 3166-1 alpha-2 country code in `field`, upper-cased.
pub fn country(field: &str, country: &str) -> AppResult<String> {
    let c = country.trim().to_ascii_uppercase();
    if is_country(&c) {
        Ok(c)
    } else {
        Err(AppError::bad_input(
            field,
            format!("{country:?} is not an ISO 3166-1 alpha-2 country code, e.g. BA or CN"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_trimmed_and_bounded() {
        assert_eq!(required("name", "  Ada ", 10).unwrap(), "Ada");
        assert!(required("name", "   ", 10).is_err());
        assert!(required("name", "abcdefghijk", 10).is_err());
        assert_eq!(optional("title", Some("  "), 10).unwrap(), None);
        assert_eq!(optional("title", None, 10).unwrap(), None);
        let err = optional("title", Some("x".repeat(11).as_str()), 10).unwrap_err();
        assert!(matches!(err, AppError::BadUserInput { ref field, .. } if field == "title"));
    }

    #[test]
    fn tags_drop_duplicates_and_refuse_blanks() {
        let t = tags(
            "expertise",
            &["Sepsis".into(), "sepsis".into(), "CRISPR".into()],
            5,
        );
        assert_eq!(t.unwrap(), ["Sepsis", "CRISPR"]);
        assert!(tags("expertise", &[" ".into()], 5).is_err());
        assert!(tags("expertise", &vec!["a".to_owned(); 6], 5).is_err());
    }
}
