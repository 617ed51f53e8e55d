//! No uniqueness answer concerns a record the caller may not see: technology references live
//! in the owner's namespace, ORCID iDs are unique per institution, and the audit trail names
//! only the accounts the viewer may see.

use serde_json::{Value, json};

use crate::support::{Reply, TestApp};

const CREATE_TECH: &str = "mutation($input: CreateTechnologyInput!) { createTechnology(input: $input) { technology { reference owner { slug } } } }";
const CREATE_PERSON: &str =
    "mutation($input: CreatePersonInput!) { createPerson(input: $input) { person { id orcid } } }";

fn tech(reference: Option<&str>, disclosed_on: &str) -> Value {
    json!({ "input": {
        "reference": reference, "title": "Phage cocktail", "summary": "Against MRSA.",
        "field": "THERAPEUTICS", "trl": 3, "disclosedOn": disclosed_on,
    } })
}

fn error_of(r: &Reply) -> (String, Value) {
    (
        r.code().to_owned(),
        r.body["errors"][0]["extensions"]["field"].clone(),
    )
}

#[tokio::test]
async fn another_institution_s_references_cannot_be_probed() {
    let app = TestApp::new().await;
    let bg = app.user_token("member@bg.example").await;
    let r = app
        .gql(
            Some(&bg),
            r#"{ technology(reference: "ZJU-2025-002") { id } }"#,
            json!({}),
        )
        .await;
    assert!(r.data()["technology"].is_null());
    // An existing confidential reference of zju and a free one get the same answer, and it is
    // not CONFLICT: bg's references carry bg's prefix.
    let taken = app
        .gql(
            Some(&bg),
            CREATE_TECH,
            tech(Some("ZJU-2025-002"), "2025-05-01"),
        )
        .await;
    let free = app
        .gql(
            Some(&bg),
            CREATE_TECH,
            tech(Some("ZJU-2025-777"), "2025-05-01"),
        )
        .await;
    assert_eq!(
        error_of(&taken),
        ("BAD_USER_INPUT".into(), json!("reference"))
    );
    assert_eq!(
        taken.body["errors"][0]["message"],
        free.body["errors"][0]["message"]
    );
    assert_eq!(error_of(&free), error_of(&taken));
    // A conflict is only ever about the caller's own technologies.
    let own = app
        .gql(
            Some(&bg),
            CREATE_TECH,
            tech(Some("BG-2025-001"), "2025-05-01"),
        )
        .await;
    assert_eq!(own.code(), "CONFLICT");
}

#[tokio::test]
async fn references_are_assigned_in_the_owner_s_namespace() {
    let app = TestApp::new().await;
    let bg = app.user_token("member@bg.example").await;
    let reference = |r: Reply| {
        let t = &r.data()["createTechnology"]["technology"];
        assert_eq!(t["owner"]["slug"], "bg");
        t["reference"].as_str().unwrap().to_owned()
    };
    // The seed holds BG-2025-001: numbering continues after it, per year.
    let r = app
        .gql(Some(&bg), CREATE_TECH, tech(None, "2025-09-30"))
        .await;
    assert_eq!(reference(r), "BG-2025-002");
    let r = app
        .gql(Some(&bg), CREATE_TECH, tech(None, "2026-01-15"))
        .await;
    assert_eq!(reference(r), "BG-2026-001");
    let r = app
        .gql(
            Some(&bg),
            CREATE_TECH,
            tech(Some("bg-2026-040"), "2026-02-01"),
        )
        .await;
    assert_eq!(reference(r), "BG-2026-040");
    let r = app
        .gql(Some(&bg), CREATE_TECH, tech(None, "2026-03-01"))
        .await;
    assert_eq!(reference(r), "BG-2026-041");
    // A center admin creating for zju gets zju's namespace.
    let admin = app.user_token("admin@center.example").await;
    let zju = biobridge::graphql::ids::encode("Institution", app.institution_id("zju").await);
    let mut input = tech(None, "2025-12-01");
    input["input"]["ownerId"] = json!(zju.0);
    let r = app.gql(Some(&admin), CREATE_TECH, input).await;
    assert_eq!(
        r.data()["createTechnology"]["technology"]["reference"],
        "ZJU-2025-003"
    );
}

#[tokio::test]
async fn orcid_ids_are_unique_per_institution_only() {
    let app = TestApp::new().await;
    let bg = app.user_token("member@bg.example").await;
    // Chen Hong's iD (sumhs): registering it at bg is no probe of sumhs's people.
    let input =
        json!({ "input": { "fullName": "Chen Hong (visiting)", "orcid": "0000-0003-8778-9325" } });
    let r = app.gql(Some(&bg), CREATE_PERSON, input.clone()).await;
    assert_eq!(
        r.data()["createPerson"]["person"]["orcid"],
        "0000-0003-8778-9325"
    );
    // Twice in one's own institution is a conflict.
    let r = app.gql(Some(&bg), CREATE_PERSON, input).await;
    assert_eq!(error_of(&r), ("CONFLICT".into(), json!("orcid")));
}

#[tokio::test]
async fn audit_labels_name_only_accounts_the_viewer_may_see() {
    let app = TestApp::new().await;
    let center_admin = app.user_token("admin@center.example").await;
    let sumhs_admin = app.user_token("manager@sumhs.example").await;
    let sumhs = biobridge::graphql::ids::encode("Institution", app.institution_id("sumhs").await);
    // The center admin records a person for sumhs: the event belongs to sumhs.
    let r = app
        .gql(
            Some(&center_admin),
            CREATE_PERSON,
            json!({ "input": { "fullName": "Zhou Min", "institutionId": sumhs.0 } }),
        )
        .await;
    let person = r.data()["createPerson"]["person"]["id"].clone();
    let q = "query($f: AuditEventFilter) { auditEvents(filter: $f) { edges { node { actorLabel actor { email } } } } }";
    let f = json!({ "f": { "entityId": person } });
    let seen_by = |token: String| {
        let (app, f) = (&app, f.clone());
        async move {
            let r = app.gql(Some(&token), q, f).await;
            r.data()["auditEvents"]["edges"][0]["node"].clone()
        }
    };
    let by_center = seen_by(center_admin.clone()).await;
    assert!(
        by_center["actorLabel"]
            .as_str()
            .unwrap()
            .starts_with("user:")
    );
    assert_eq!(by_center["actor"]["email"], "admin@center.example");
    // sumhs's admin sees the event, but not the center's account: no id in the label.
    let by_sumhs = seen_by(sumhs_admin).await;
    assert_eq!(by_sumhs["actorLabel"], "user", "{by_sumhs}");
    assert!(by_sumhs["actor"].is_null());
}
