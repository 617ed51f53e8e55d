//! Search ignores case and diacritics, and reads Serbian Cyrillic as its Latin spelling, on
//! both databases — for technologies, people, training programs, ventures and agreements alike;
//! and the text it searches follows every write.

use serde_json::{Value, json};

use crate::support::{TestApp, nodes};

/// The `field` of every row `list(filter: { search: $s })` finds, as `token` sees them.
async fn found(
    app: &TestApp,
    token: Option<&str>,
    list: &str,
    field: &str,
    s: &str,
) -> Vec<String> {
    let query = format!(
        "query($s: String) {{ {list}(first: 100, filter: {{ search: $s }}) {{ totalCount edges {{ node {{ {field} }} }} }} }}"
    );
    let r = app.gql(token, &query, json!({ "s": s })).await;
    let names: Vec<String> = nodes(r.data(), &[list], field)
        .into_iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(r.data()[list]["totalCount"], names.len(), "{}", r.body);
    names
}

#[tokio::test]
async fn people_are_found_whatever_the_diacritics() {
    let app = TestApp::new().await;
    let member = app.user_token("member@sumhs.example").await;
    let m = Some(member.as_str());
    for s in ["sarić", "Saric", "ŠARIĆ", "šaric", "Шарић", "milana sar"] {
        assert_eq!(
            found(&app, m, "people", "fullName", s).await,
            ["Milana Šarić"],
            "{s}"
        );
    }
    assert_eq!(
        found(&app, m, "people", "fullName", "Topic").await,
        ["Goran Topić"]
    );
    assert_eq!(
        found(&app, m, "people", "fullName", "hodzic").await,
        ["Amra Hodžić"]
    );
    // Title and expertise are searched too, folded the same way.
    let r = found(&app, m, "people", "fullName", "PHARMACÓGNOSY").await;
    assert_eq!(r, ["Goran Topić"]);
    // Every word must occur; wildcards are literal.
    assert!(
        found(&app, m, "people", "fullName", "saric topic")
            .await
            .is_empty()
    );
    assert!(found(&app, m, "people", "fullName", "%").await.is_empty());
    // Names are for member institutions: an anonymous search finds nobody.
    assert!(
        found(&app, None, "people", "fullName", "saric")
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn technologies_are_found_in_any_script_of_their_translations() {
    let app = TestApp::new().await;
    // UNIBL-2025-002 (PUBLIC) has Serbian in both scripts and Bosnian.
    for s in [
        "smilja",
        "СМИЉА",
        "smílja",
        "Hercegovini cvijeta",
        "Херцеговини",
    ] {
        assert_eq!(
            found(&app, None, "technologies", "reference", s).await,
            ["UNIBL-2025-002"],
            "{s}"
        );
    }
    // BG-2025-001 (CONSORTIUM): Cyrillic words found by their Latin spelling and back.
    let bg = app.user_token("member@bg.example").await;
    for s in ["кантариона", "KANTARIONA opekotina", "поређењу"] {
        assert_eq!(
            found(&app, Some(&bg), "technologies", "reference", s).await,
            ["BG-2025-001"],
            "{s}"
        );
    }
    assert!(
        found(&app, None, "technologies", "reference", "кантариона")
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn programs_ventures_and_agreements_are_searched_and_kept_current() {
    let app = TestApp::new().await;
    let manager = app.user_token("manager@sumhs.example").await;
    let m = Some(manager.as_str());
    let ids = app
        .gql(m, r#"{ sumhs: institution(slug: "sumhs") { id } unibl: institution(slug: "unibl") { id } }"#, json!({}))
        .await;
    let (sumhs, unibl) = (
        ids.data()["sumhs"]["id"].clone(),
        ids.data()["unibl"]["id"].clone(),
    );

    // Seeded rows.
    let agreements = found(&app, m, "agreements", "title", "BANJA LUKÁ").await;
    assert_eq!(agreements.len(), 1, "{agreements:?}");
    assert!(agreements[0].starts_with("Memorandum"));
    let programs = found(&app, m, "trainingPrograms", "title", "medicinal PLANTS").await;
    assert_eq!(programs, ["Balkan Medicinal Plants Summer Exchange"]);
    let ventures = found(&app, m, "ventures", "name", "healskin").await;
    assert_eq!(ventures, ["HealSkin Biomaterials (Shanghai) Co., Ltd."]);

    // Created rows are found at once…
    let r = app
        .gql(
            m,
            r#"mutation($parties: [ID!]!) { createAgreement(input: { title: "Sporazum o saradnji — Čačak i Šangaj", kind: MOU, signedOn: "2026-10-01", summary: "Razmjena studenata između Ćuprije i Đakova", partyIds: $parties }) { agreement { id version } } }"#,
            json!({ "parties": [sumhs, unibl] }),
        )
        .await;
    let agreement = r.data()["createAgreement"]["agreement"].clone();
    let r = app
        .gql(
            m,
            r#"mutation { createTrainingProgram(input: { title: "Škola fitoterapije: Žepče", kind: WORKSHOP, language: "sr-Latn", startsOn: "2027-05-10", endsOn: "2027-05-12", capacity: 20, visibility: CONSORTIUM, description: "Ljekovito bilje Đerdapa" }) { program { id version } } }"#,
            json!({}),
        )
        .await;
    let program = r.data()["createTrainingProgram"]["program"].clone();
    let r = app
        .gql(
            m,
            r#"mutation { createVenture(input: { name: "Biljna Ljekarna Šarić", cohort: "2026-jesen", description: "Čajevi i tinkture" }) { venture { id version } } }"#,
            json!({}),
        )
        .await;
    let venture = r.data()["createVenture"]["venture"].clone();
    let r = app
        .gql(
            m,
            r#"mutation { createPerson(input: { fullName: "Đorđe Ćosić", title: "Docent", expertise: ["Fitoterapija", "Čajevi"] }) { person { id version } } }"#,
            json!({}),
        )
        .await;
    let person = r.data()["createPerson"]["person"].clone();

    assert_eq!(
        found(&app, m, "agreements", "title", "cacak sangaj")
            .await
            .len(),
        1
    );
    assert_eq!(
        found(&app, m, "agreements", "title", "DJAKOVA cuprije")
            .await
            .len(),
        1
    );
    assert_eq!(
        found(&app, m, "trainingPrograms", "title", "skola zepce")
            .await
            .len(),
        1
    );
    assert_eq!(
        found(&app, m, "trainingPrograms", "title", "djerdapa")
            .await
            .len(),
        1
    );
    assert_eq!(
        found(&app, m, "ventures", "name", "ljekarna saric")
            .await
            .len(),
        1
    );
    assert_eq!(
        found(&app, m, "ventures", "name", "cajevi jesen")
            .await
            .len(),
        1
    );
    assert_eq!(
        found(&app, m, "people", "fullName", "djordje cosic").await,
        ["Đorđe Ćosić"]
    );
    assert_eq!(
        found(&app, m, "people", "fullName", "cajevi").await,
        ["Đorđe Ćosić"]
    );

    // …and by their new words, not their old ones, after an edit.
    let edit = |mutation: &str, input: &str, row: &Value| {
        format!(
            r#"mutation {{ {mutation}(input: {{ id: "{}", expectedVersion: {}, {input} }}) {{ __typename }} }}"#,
            row["id"].as_str().unwrap(),
            row["version"]
        )
    };
    for q in [
        edit(
            "updateAgreement",
            r#"title: "Sporazum — Niš i Leskovac""#,
            &agreement,
        ),
        edit(
            "updateTrainingProgram",
            r#"title: "Ljetna škola — Tešanj""#,
            &program,
        ),
        edit("updateVenture", r#"name: "Ljekarna Kovačević""#, &venture),
        edit("updatePerson", r#"fullName: "Đorđe Šćekić""#, &person),
    ] {
        app.gql(m, &q, json!({})).await.data();
    }
    assert!(
        found(&app, m, "agreements", "title", "cacak")
            .await
            .is_empty()
    );
    assert_eq!(
        found(&app, m, "agreements", "title", "NIS leskovac")
            .await
            .len(),
        1
    );
    assert!(
        found(&app, m, "trainingPrograms", "title", "zepce")
            .await
            .is_empty()
    );
    assert_eq!(
        found(&app, m, "trainingPrograms", "title", "tesanj")
            .await
            .len(),
        1
    );
    assert!(found(&app, m, "ventures", "name", "saric").await.is_empty());
    assert_eq!(
        found(&app, m, "ventures", "name", "kovacevic").await.len(),
        1
    );
    assert!(
        found(&app, m, "people", "fullName", "cosic")
            .await
            .is_empty()
    );
    assert_eq!(
        found(&app, m, "people", "fullName", "scekic").await,
        ["Đorđe Šćekić"]
    );
}

#[tokio::test]
async fn an_outsider_cannot_find_confidential_rows_by_searching() {
    let app = TestApp::new().await;
    let member = app.user_token("member@sumhs.example").await;
    let r = app
        .gql(
            Some(&member),
            r#"mutation { createTrainingProgram(input: { title: "Interna obuka: Čišćenje čistih soba", kind: WORKSHOP, language: "zh", startsOn: "2027-03-01", endsOn: "2027-03-03", capacity: 30, visibility: CONFIDENTIAL }) { program { id } } }"#,
            json!({}),
        )
        .await;
    r.data();
    let bg = app.user_token("member@bg.example").await;
    let unibl = app.user_token("member@unibl.example").await;
    for (token, sees) in [(&member, 1), (&bg, 0), (&unibl, 0)] {
        let r = found(
            &app,
            Some(token),
            "trainingPrograms",
            "title",
            "CISCENJE cistih",
        )
        .await;
        assert_eq!(r.len(), sees);
    }
    // The confidential technologies: their owners find them by their English words and by a
    // translation's, in either script and with any diacritics; bg finds nothing.
    for (s, owner, reference) in [
        ("tánshinone MICRONEEDLE", &member, "SUMHS-2025-003"),
        ("impedansi", &unibl, "UNIBL-2025-001"),
        ("ИМПЕДАНСИ", &unibl, "UNIBL-2025-001"),
        ("osjetljivosti", &unibl, "UNIBL-2025-001"),
    ] {
        let by_owner = found(&app, Some(owner), "technologies", "reference", s).await;
        assert_eq!(by_owner, [reference], "{s}");
        assert!(
            found(&app, Some(&bg), "technologies", "reference", s)
                .await
                .is_empty(),
            "{s}"
        );
    }
}
