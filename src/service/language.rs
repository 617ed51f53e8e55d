//! Which translation of a text to serve: the reader's languages (a `lang` argument or the
//! `Accept-Language` header), each widened to the tags its reader also reads, matched against the
//! languages a text is available in. English is the canonical text and ends every search.
//!
//! A tag widens as follows (tags are compared lower-case, `_` read as `-`):
//! - to its shorter forms (RFC 4647 lookup): `zh-hans-cn` → `zh-hans` → `zh`;
//! - to its script variants: Simplified Chinese is written `zh-CN`, `zh-SG` or `zh-Hans`,
//!   Traditional `zh-TW`, `zh-HK`, `zh-MO` or `zh-Hant`, and a Chinese reader of either script
//!   prefers the other to English; Serbian `sr` is `sr-Latn` or `sr-Cyrl`, and a reader of one
//!   Serbian script reads the other;
//! - to its sister languages: a reader of Serbian, Bosnian, Croatian or Montenegrin reads the
//!   other three (Latin script first, Serbian Cyrillic last) before English.

/// The canonical language of every text; a translation is never stored in it.
pub const CANONICAL: &str = "en";

/// The languages a reader asked for, best first (a `lang` argument, or the `Accept-Language`
/// header). Empty means no preference: the canonical text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Preferences(Vec<String>);

impl Preferences {
    /// One language, as a `lang` argument names it.
    pub fn one(tag: &str) -> Self {
        Preferences(normalise(tag).into_iter().collect())
    }

    /// An `Accept-Language` header (RFC 9110 §12.5.4): the tags by descending weight (`q`),
    /// in header order among equal weights; `q=0` and malformed entries are dropped, and `*`
    /// (any language) is the canonical one.
    pub fn from_accept_language(header: &str) -> Self {
        let mut weighted: Vec<(u16, String)> = header
            .split(',')
            .filter_map(|entry| {
                let mut parts = entry.split(';');
                let tag = parts.next()?.trim();
                let mut q = 1000;
                for param in parts {
                    let (name, value) = param.trim().split_once('=')?;
                    if name.trim().eq_ignore_ascii_case("q") {
                        q = parse_weight(value.trim())?;
                    }
                }
                let tag = if tag == "*" {
                    CANONICAL.to_owned()
                } else {
                    normalise(tag)?
                };
                (q > 0).then_some((q, tag))
            })
            .take(16)
            .collect();
        // A stable sort keeps the header's order among equal weights.
        weighted.sort_by_key(|(q, _)| std::cmp::Reverse(*q));
        Preferences(weighted.into_iter().map(|(_, tag)| tag).collect())
    }

    /// The language to serve among `available` (lower-case tags, the canonical one excluded),
    /// or `None` for the canonical text: the first available tag in the widened preferences,
    /// where the canonical language (asked for, or reached) stops the search.
    pub fn pick<'a>(&self, available: &[&'a str]) -> Option<&'a str> {
        for tag in &self.0 {
            for candidate in widen(tag) {
                if is_canonical(&candidate) {
                    return None;
                }
                if let Some(found) = available.iter().find(|a| **a == candidate) {
                    return Some(found);
                }
            }
        }
        None
    }
}

/// `q=0.8` as thousandths (0..=1000); `None` when it is not a weight.
fn parse_weight(value: &str) -> Option<u16> {
    let q: f32 = value.parse().ok()?;
    (0.0..=1.0)
        .contains(&q)
        .then(|| (q * 1000.0).round() as u16)
}

/// A language tag lower-cased with `-` between its subtags, or `None` if it is not one
/// (1–8 ASCII letters or digits per subtag, the first letters only).
fn normalise(tag: &str) -> Option<String> {
    let tag = tag.trim().replace('_', "-").to_ascii_lowercase();
    let mut subtags = tag.split('-');
    let first = subtags.next()?;
    let first_ok = (1..=8).contains(&first.len()) && first.bytes().all(|b| b.is_ascii_lowercase());
    let rest_ok =
        subtags.all(|s| (1..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric()));
    (first_ok && rest_ok && tag.len() <= 35).then_some(tag)
}

fn is_canonical(tag: &str) -> bool {
    tag == CANONICAL || tag.starts_with("en-")
}

/// The tags a reader of `tag` reads, best first, without duplicates (see the module docs).
pub fn widen(tag: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |t: &str| {
        if !out.iter().any(|o| o == t) {
            out.push(t.to_owned());
        }
    };
    let subtags: Vec<&str> = tag.split('-').collect();
    // The tag and its shorter forms; a Chinese reader's script comes before the bare `zh`.
    let mut prefix = tag;
    loop {
        if prefix == tag || prefix != "zh" {
            push(prefix);
        }
        match prefix.rfind('-') {
            Some(i) => prefix = &prefix[..i],
            None => break,
        }
    }
    match subtags[0] {
        "zh" => {
            let traditional = subtags[1..]
                .iter()
                .any(|s| matches!(*s, "hant" | "tw" | "hk" | "mo"));
            let simplified = ["zh-hans", "zh-cn", "zh-sg"];
            let traditional_tags = ["zh-hant", "zh-tw", "zh-hk", "zh-mo"];
            let (mine, other) = if traditional {
                (&traditional_tags[..], &simplified[..])
            } else {
                (&simplified[..], &traditional_tags[..])
            };
            for t in mine {
                push(t);
            }
            push("zh");
            for t in other {
                push(t);
            }
        }
        "sr" | "bs" | "hr" | "cnr" | "sh" => {
            let cyrillic_first = subtags[0] == "sr" && subtags[1..].contains(&"cyrl");
            if subtags[0] == "sr" {
                for t in if cyrillic_first {
                    ["sr-cyrl", "sr", "sr-latn"]
                } else {
                    ["sr-latn", "sr", "sr-cyrl"]
                } {
                    push(t);
                }
            }
            // The sister languages, nearest first; Serbian Cyrillic last for Latin readers.
            let sisters: &[&str] = match subtags[0] {
                "sr" => &["bs", "hr", "cnr", "sh"],
                "bs" => &["hr", "sr-latn", "sr", "cnr", "sh"],
                "hr" => &["bs", "sr-latn", "sr", "cnr", "sh"],
                _ => &["sr-latn", "sr", "bs", "hr", "cnr", "sh"],
            };
            for t in sisters {
                push(t);
            }
            push("sr-cyrl");
        }
        _ => {}
    }
    out
}

/// `tag` with the case BCP 47 recommends: language lower-case, script title-case, region
/// upper-case (`sr-latn` → `sr-Latn`, `zh-hans-cn` → `zh-Hans-CN`).
pub fn display(tag: &str) -> String {
    tag.split('-')
        .enumerate()
        .map(|(i, s)| match (i, s.len()) {
            (0, _) => s.to_ascii_lowercase(),
            (_, 4) if s.bytes().all(|b| b.is_ascii_alphabetic()) => {
                let mut c = s.to_ascii_lowercase();
                c[..1].make_ascii_uppercase();
                c
            }
            (_, 2) => s.to_ascii_uppercase(),
            _ => s.to_ascii_lowercase(),
        })
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pick<'a>(prefs: &Preferences, available: &[&'a str]) -> Option<&'a str> {
        prefs.pick(available)
    }

    #[test]
    fn chinese_falls_back_across_regions_and_scripts() {
        for asked in ["zh-CN", "zh-Hans", "zh_cn", "zh-Hans-CN", "ZH-sg"] {
            assert_eq!(
                pick(&Preferences::one(asked), &["sr", "zh"]),
                Some("zh"),
                "{asked}"
            );
        }
        // A Simplified text is preferred to the bare tag for a Simplified reader…
        assert_eq!(
            pick(&Preferences::one("zh-CN"), &["zh", "zh-hans", "zh-hant"]),
            Some("zh-hans")
        );
        // …and a Traditional reader gets Traditional first, then any Chinese before English.
        assert_eq!(
            pick(&Preferences::one("zh-TW"), &["zh", "zh-hant"]),
            Some("zh-hant")
        );
        assert_eq!(
            pick(&Preferences::one("zh-HK"), &["zh-hans"]),
            Some("zh-hans")
        );
        assert_eq!(pick(&Preferences::one("zh"), &["zh-hans"]), Some("zh-hans"));
    }

    #[test]
    fn serbian_reads_both_scripts_and_its_sister_languages() {
        assert_eq!(pick(&Preferences::one("sr"), &["sr-cyrl"]), Some("sr-cyrl"));
        assert_eq!(
            pick(&Preferences::one("sr"), &["sr-cyrl", "sr-latn"]),
            Some("sr-latn")
        );
        assert_eq!(
            pick(&Preferences::one("sr-Cyrl"), &["sr-cyrl", "sr-latn"]),
            Some("sr-cyrl")
        );
        assert_eq!(
            pick(&Preferences::one("sr-Cyrl-RS"), &["sr-latn", "hr"]),
            Some("sr-latn")
        );
        assert_eq!(pick(&Preferences::one("sr"), &["hr", "zh"]), Some("hr"));
        assert_eq!(pick(&Preferences::one("sr"), &["bs", "hr"]), Some("bs"));
        assert_eq!(
            pick(&Preferences::one("bs"), &["sr-latn", "hr"]),
            Some("hr")
        );
        assert_eq!(
            pick(&Preferences::one("hr"), &["sr-cyrl", "sr"]),
            Some("sr")
        );
        // Serbian Cyrillic is the last resort for a Latin reader, before English.
        assert_eq!(pick(&Preferences::one("hr"), &["sr-cyrl"]), Some("sr-cyrl"));
        assert_eq!(pick(&Preferences::one("hr"), &["zh"]), None);
    }

    #[test]
    fn english_and_unknown_languages_get_the_canonical_text() {
        assert_eq!(pick(&Preferences::one("en"), &["zh"]), None);
        assert_eq!(pick(&Preferences::one("en-GB"), &["zh"]), None);
        assert_eq!(pick(&Preferences::one("xx"), &["zh"]), None);
        assert_eq!(pick(&Preferences::one(""), &["zh"]), None);
        assert_eq!(pick(&Preferences::one("not a tag!"), &["zh"]), None);
        assert_eq!(pick(&Preferences::default(), &["zh"]), None);
    }

    #[test]
    fn accept_language_is_read_by_weight() {
        let p = Preferences::from_accept_language("de;q=0.5, zh-CN, en;q=0.8");
        assert_eq!(
            p,
            Preferences(vec!["zh-cn".into(), "en".into(), "de".into()])
        );
        assert_eq!(pick(&p, &["de", "zh"]), Some("zh"));
        // English outranks German, so German is never reached.
        assert_eq!(pick(&p, &["de"]), None);
        let p = Preferences::from_accept_language("fr, sr-Latn-RS;q=0.9, *;q=0.1");
        assert_eq!(pick(&p, &["hr"]), Some("hr"));
        assert_eq!(pick(&p, &["fr-ca"]), None);
        // Refused and malformed entries are dropped.
        let p = Preferences::from_accept_language("zh;q=0, hr;q=abc, ;q=1, bs;q=2, sr");
        assert_eq!(p, Preferences(vec!["sr".into()]));
        assert_eq!(
            Preferences::from_accept_language(""),
            Preferences::default()
        );
    }

    #[test]
    fn tags_are_displayed_in_bcp47_case() {
        assert_eq!(display("sr-latn"), "sr-Latn");
        assert_eq!(display("zh-hans-cn"), "zh-Hans-CN");
        assert_eq!(display("zh"), "zh");
        assert_eq!(display("es-419"), "es-419");
    }
}
