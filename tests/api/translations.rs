//! `title(lang:)` and `summary(lang:)`: regional and script variants fall back to the
//! translation a reader reads (`zh-CN` → `zh`, `sr` → `sr-Latn`/`sr-Cyrl`, Serbian, Bosnian and
//! Croatian to each other) before English; without `lang` the `Accept-Language` header decides;
//! `titleLanguage` says which language was served.

use serde_json::{Value, json};

use crate::support::TestApp;

/// `technology(reference:)` with `fields`, asked with an `Accept-Language` header if given.
async fn technology(
    app: &TestApp,
    token: Option<&str>,
    accept_language: Option<&str>,
    reference: &str,
    fields: &str,
) -> Value {
    let query = format!(r#"{{ technology(reference: "{reference}") {{ {fields} }} }}"#);
    let headers: Vec<(&str, &str)> = accept_language
        .map(|v| ("accept-language", v))
        .into_iter()
        .collect();
    let r = app
        .gql_from("127.0.0.1", &headers, token, &query, json!({}))
        .await;
    r.data()["technology"].clone()
}

#[tokio::test]
async fn chinese_variants_fall_back_to_zh() {
    let app = TestApp::new().await;
    let t = technology(
        &app,
        None,
        None,
        "SUMHS-2025-001",
        r#"en: title zh: title(lang: "zh")
           cn: title(lang: "zh-CN") hans: title(lang: "zh-Hans") tw: title(lang: "zh_TW")
           cnLang: titleLanguage(lang: "zh-CN") hansSummary: summary(lang: "zh-Hans")
           zhSummary: summary(lang: "zh") defaultLang: titleLanguage"#,
    )
    .await;
    assert!(t["zh"].as_str().unwrap().contains("脓毒症"), "{t}");
    for variant in ["cn", "hans", "tw"] {
        assert_eq!(t[variant], t["zh"], "{variant}");
    }
    assert_eq!(t["cnLang"], "zh");
    assert_eq!(t["hansSummary"], t["zhSummary"]);
    assert_eq!(t["defaultLang"], "en");
}

#[tokio::test]
async fn serbian_reads_both_scripts_and_its_sister_languages() {
    let app = TestApp::new().await;
    // UNIBL-2025-002 (PUBLIC): Serbian in Latin and Cyrillic, and Bosnian.
    let t = technology(
        &app,
        None,
        None,
        "UNIBL-2025-002",
        r#"en: title languages
           sr: title(lang: "sr") srLang: titleLanguage(lang: "sr")
           latn: title(lang: "sr-Latn") cyrl: title(lang: "sr-Cyrl")
           cyrlLang: titleLanguage(lang: "SR-CYRL-RS") cyrlSummary: summary(lang: "sr-Cyrl")
           bs: title(lang: "bs") hr: title(lang: "hr") hrLang: titleLanguage(lang: "hr")
           cnrLang: titleLanguage(lang: "cnr")
           de: title(lang: "de") deLang: titleLanguage(lang: "de")"#,
    )
    .await;
    let mut languages: Vec<&str> = t["languages"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    languages.sort_unstable();
    assert_eq!(languages, ["bs", "sr-Cyrl", "sr-Latn"]);
    assert!(
        t["latn"]
            .as_str()
            .unwrap()
            .starts_with("Standardizovani ekstrakt smilja")
    );
    assert!(
        t["cyrl"]
            .as_str()
            .unwrap()
            .starts_with("Стандардизовани екстракт смиља")
    );
    assert!(t["cyrlSummary"].as_str().unwrap().contains("Херцеговини"));
    assert_eq!(t["cyrlLang"], "sr-Cyrl");
    // A bare `sr` is served in Latin script.
    assert_eq!(t["sr"], t["latn"]);
    assert_eq!(t["srLang"], "sr-Latn");
    // A Croatian reader gets Bosnian (its nearest), a Montenegrin one Serbian Latin.
    assert!(t["bs"].as_str().unwrap().starts_with("Standardizirani"));
    assert_eq!(t["hr"], t["bs"]);
    assert_eq!(t["hrLang"], "bs");
    assert_eq!(t["cnrLang"], "sr-Latn");
    // German: no translation, no related one — English.
    assert_eq!(t["de"], t["en"]);
    assert_eq!(t["deLang"], "en");

    // BG-2025-001 (CONSORTIUM) has Serbian in both scripts only: a Croatian reader gets Latin.
    let bg = app.user_token("member@bg.example").await;
    let t = technology(
        &app,
        Some(&bg),
        None,
        "BG-2025-001",
        r#"hrLang: titleLanguage(lang: "hr") cyrl: title(lang: "sr-Cyrl")"#,
    )
    .await;
    assert_eq!(t["hrLang"], "sr-Latn");
    assert!(t["cyrl"].as_str().unwrap().starts_with("Наноструктурисани"));
}

#[tokio::test]
async fn accept_language_decides_when_lang_is_absent() {
    let app = TestApp::new().await;
    let fields =
        r#"title summary titleLanguage zh: titleLanguage(lang: "zh") en: title(lang: "en")"#;
    let app = &app;
    let ask = move |header| technology(app, None, header, "UNIBL-2025-002", fields);
    let english = ask(None).await;
    assert_eq!(english["titleLanguage"], "en");

    let t = ask(Some("sr-Cyrl-RS, sr;q=0.9, en;q=0.5")).await;
    assert_eq!(t["titleLanguage"], "sr-Cyrl");
    assert!(t["title"].as_str().unwrap().starts_with("Стандардизовани"));
    assert!(t["summary"].as_str().unwrap().starts_with("Екстракт"));
    // An explicit `lang` wins over the header.
    assert_eq!(t["en"], english["title"]);
    assert_eq!(t["zh"], "en", "no Chinese translation: English");

    // Weights order the reader's languages; English reached first ends the search.
    let t = ask(Some("de, hr;q=0.8, en;q=0.5")).await;
    assert_eq!(t["titleLanguage"], "bs");
    let t = ask(Some("en-GB, sr;q=0.9")).await;
    assert_eq!(t["titleLanguage"], "en");
    assert_eq!(t["title"], english["title"]);
    // A header that is not one is ignored.
    let t = ask(Some(";;;q=x, ,")).await;
    assert_eq!(t["titleLanguage"], "en");
}
