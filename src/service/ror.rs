//! ROR ids (Research Organization Registry, <https://ror.org>): the persistent identifier of a
//! research organisation, checked as ORCID iDs are — by form and by check digits.
//!
//! A ROR id is nine characters: `0`, six characters of Crockford's base-32 alphabet (digits and
//! lower-case letters without `i`, `l`, `o`, `u`), and two decimal check digits: ISO/IEC 7064
//! MOD 97-10 of the number the first seven characters spell in base 32 (`03vek6s52`).

use crate::error::{AppError, AppResult};

/// Crockford's base-32 digits, in value order.
const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

/// A ROR id in any of the forms people paste (`03vek6s52`, `https://ror.org/03vek6s52`,
/// `ror.org/03VEK6S52`), in its canonical lower-case form of nine characters.
pub fn check(field: &str, ror: &str) -> AppResult<String> {
    let raw = ror.trim();
    let id = ["https://ror.org/", "http://ror.org/", "ror.org/"]
        .iter()
        .find_map(|p| {
            raw.get(..p.len())
                .filter(|head| head.eq_ignore_ascii_case(p))
                .map(|_| &raw[p.len()..])
        })
        .unwrap_or(raw)
        .to_ascii_lowercase();
    let bad = |why: &str| AppError::bad_input(field, format!("{ror:?} is not a ROR id: {why}"));
    let bytes = id.as_bytes();
    if bytes.len() != 9 || bytes[0] != b'0' {
        return Err(bad(
            "use 0, six letters or digits and two check digits, e.g. 03vek6s52",
        ));
    }
    let mut value: u64 = 0;
    for b in &bytes[..7] {
        let Some(digit) = ALPHABET.iter().position(|a| a == b) else {
            return Err(bad(
                "use digits and the letters of Crockford's base 32 (no i, l, o, u)",
            ));
        };
        value = value * 32 + digit as u64;
    }
    let given = std::str::from_utf8(&bytes[7..])
        .ok()
        .filter(|d| d.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|d| d.parse::<u64>().ok());
    match given {
        Some(check) if check == check_digits(value) => Ok(id),
        Some(_) => Err(bad("the check digits do not match")),
        None => Err(bad("the last two characters are check digits")),
    }
}

/// ISO/IEC 7064 MOD 97-10 check digits of `value`: the number that makes `value · 100 + check`
/// leave 1 when divided by 97 (as an IBAN's).
pub fn check_digits(value: u64) -> u64 {
    98 - (value * 100) % 97
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_ror_ids_pass_in_every_pasted_form() {
        // Harvard University and the University of Oxford, as ror.org lists them.
        for ok in [
            "03vek6s52",
            "https://ror.org/03vek6s52",
            " ror.org/03VEK6S52 ",
            "HTTPS://ROR.ORG/03vek6s52",
            "052gg0110",
        ] {
            let id = check("rorId", ok).unwrap_or_else(|e| panic!("{ok}: {e:?}"));
            assert_eq!(id.len(), 9);
        }
        assert_eq!(
            check("rorId", "https://ror.org/03VEK6S52").unwrap(),
            "03vek6s52"
        );
    }

    #[test]
    fn malformed_ids_and_wrong_check_digits_are_refused() {
        for bad in [
            "",
            "03vek6s5",
            "03vek6s521",
            "13vek6s52", // must start with 0
            "03vek6s53", // check digits off by one
            "03vek6s25", // check digits swapped
            "03vek6i52", // i is not in the alphabet
            "03vek6sab", // check digits are decimal
            "https://orcid.org/03vek6s52",
            "03vek-s52",
            "03vek6s5²",
        ] {
            let err = check("rorId", bad).unwrap_err();
            assert!(
                matches!(err, AppError::BadUserInput { ref field, .. } if field == "rorId"),
                "{bad}"
            );
        }
    }

    #[test]
    fn check_digits_follow_mod_97_10() {
        // Every value checks to 1 modulo 97 together with its check digits.
        for value in [0_u64, 1, 31, 1 << 30, (1 << 35) - 1] {
            assert_eq!((value * 100 + check_digits(value)) % 97, 1);
            assert!((2..=98).contains(&check_digits(value)));
        }
    }
}
