//! Checks of free-text input shared by the write services: trimmed, non-empty where required,
//! bounded in length, and tag lists without blanks or duplicates.

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
