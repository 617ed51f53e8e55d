//! The form in which text is searched: the `search_text` columns hold their row's searchable
//! fields folded by [`fold`], and a search folds its words the same way before matching them
//! with `LIKE`. That makes search ignore case and diacritics identically on SQLite and
//! PostgreSQL, with no collation or extension in either database.

use unicode_normalization::{UnicodeNormalization, char::is_combining_mark};

/// `text` lower-cased, without diacritics (`Šarić` → `saric`, `Topić` → `topic`), with the
/// letters that do not decompose spelled in ASCII (`đ` → `dj`, `ß` → `ss`, `ø` → `o`) and
/// Serbian and Macedonian Cyrillic transliterated as Serbian Latin is (`Шарић` → `saric`),
/// so that a reader finds a name whichever way it is written. Compatibility forms are folded
/// too (`ﬁ` → `fi`, full-width `Ａ` → `a`); other scripts (Chinese) are kept as they are.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut push = |c: char| match spelled(c) {
        Some(s) => out.push_str(s),
        None => out.push(c),
    };
    for c in text.chars().flat_map(char::to_lowercase) {
        // Letters with a spelling of their own first: ѓ would otherwise decompose to г.
        if spelled(c).is_some() {
            push(c);
            continue;
        }
        std::iter::once(c)
            .nfkd()
            .filter(|d| !is_combining_mark(*d))
            .flat_map(char::to_lowercase)
            .for_each(&mut push);
    }
    out
}

/// The Latin spelling of a lower-case letter NFKD does not reduce to ASCII.
fn spelled(c: char) -> Option<&'static str> {
    Some(match c {
        'đ' | 'ђ' => "dj",
        'ð' => "d",
        'ø' => "o",
        'ł' => "l",
        'ħ' => "h",
        'ı' => "i",
        'ß' => "ss",
        'æ' => "ae",
        'œ' => "oe",
        'þ' => "th",
        // Serbian Cyrillic, as Serbian Latin writes it (and then folded).
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' => "g",
        'д' => "d",
        'е' => "e",
        'ж' => "z",
        'з' => "z",
        'и' => "i",
        'ј' => "j",
        'к' => "k",
        'л' => "l",
        'љ' => "lj",
        'м' => "m",
        'н' => "n",
        'њ' => "nj",
        'о' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'ћ' => "c",
        'у' => "u",
        'ф' => "f",
        'х' => "h",
        'ц' => "c",
        'ч' => "c",
        'џ' => "dz",
        'ш' => "s",
        // Macedonian letters Serbian does not have.
        'ѓ' => "gj",
        'ќ' => "kj",
        'ѕ' => "dz",
        _ => return None,
    })
}

/// The `search_text` of a row whose searchable fields are `parts`, one per line.
pub fn text<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
    parts.into_iter().map(fold).collect::<Vec<_>>().join("\n")
}

/// A row with a `search_text` column: what goes into it.
pub trait Searchable {
    /// The row's `search_text`, from its current fields.
    fn search_text(&self) -> String;
}

/// The strings of a JSON array of strings (anything else has none).
pub fn strings(value: &serde_json::Value) -> impl Iterator<Item = &str> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(serde_json::Value::as_str)
}

/// The searchable words of a query, folded like the text they are looked for in; blank
/// queries have none.
pub fn words(query: &str) -> Vec<String> {
    query.split_whitespace().map(fold).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diacritics_and_case_are_folded_away() {
        assert_eq!(fold("Šarić"), "saric");
        assert_eq!(fold("Topić"), fold("TOPIC"));
        assert_eq!(fold("Čačak Žepče Ćuprija"), "cacak zepce cuprija");
        assert_eq!(fold("Đoković"), "djokovic");
        assert_eq!(fold("Sveučilište u Zagrebu"), "sveuciliste u zagrebu");
        assert_eq!(
            fold("Müller Øster Łódź Straße"),
            "muller oster lodz strasse"
        );
        // Precomposed and combining forms are the same text.
        assert_eq!(fold("S\u{30c}aric\u{301}"), fold("Šarić"));
    }

    #[test]
    fn serbian_cyrillic_reads_as_its_latin_spelling() {
        assert_eq!(fold("Шарић"), "saric");
        assert_eq!(
            fold("Љубљана Њивице Џеврнић Ђурђевић"),
            "ljubljana njivice dzevrnic djurdjevic"
        );
        assert_eq!(
            fold("Универзитет у Београду"),
            fold("Univerzitet u Beogradu")
        );
        assert_eq!(fold("Ѓорѓија Ќосе Ѕвезда"), "gjorgjija kjose dzvezda");
    }

    #[test]
    fn other_scripts_and_compatibility_forms() {
        assert_eq!(fold("上海健康医学院"), "上海健康医学院");
        assert_eq!(fold("ﬁbrin ＣＲＩＳＰＲ"), "fibrin crispr");
        assert_eq!(words("  Šarić   topić "), ["saric", "topic"]);
        assert!(words("   ").is_empty());
        assert_eq!(
            text(["Ana Šarić", "", "Imunologija"]),
            "ana saric\n\nimunologija"
        );
    }
}
