//! Technology rules.

/// The text a technology is found by: title, summary, keywords and translations, lower-cased.
/// Stored in `technologies.search_text` and kept current by every write of those fields.
pub fn search_text<'a>(
    title: &str,
    summary: &str,
    keywords: &[String],
    translations: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> String {
    let mut parts = vec![title.to_owned(), summary.to_owned(), keywords.join(" ")];
    for (t, s) in translations {
        parts.push(t.to_owned());
        parts.push(s.to_owned());
    }
    parts.join("\n").to_lowercase()
}

#[cfg(test)]
mod tests {
    #[test]
    fn search_text_holds_every_field_lower_cased() {
        let text = super::search_text(
            "Rapid Sepsis Assay",
            "Point-of-care",
            &["Biomarker".into()],
            [("快速脓毒症检测", "床旁")],
        );
        for needle in [
            "rapid sepsis",
            "point-of-care",
            "biomarker",
            "脓毒症",
            "床旁",
        ] {
            assert!(text.contains(needle), "{needle}");
        }
    }
}
