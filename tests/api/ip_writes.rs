//! IP mutations: the status machine with its dates, validation, write rules, ownership,
//! optimistic concurrency and the audit trail.

use chrono::{Days, NaiveDate};
use serde_json::{Value, json};

use crate::{
    ip::{demo, node, today},
    support::TestApp,
};

const FIELDS: &str = "id kind jurisdiction status version filingDate publicationDate grantDate targetJurisdictions owners { edges { node { shareBasisPoints institution { slug } } } } familyParent { id } family { totalCount edges { node { id } } }";

fn create_q() -> String {
    format!(
        "mutation($i: CreateIpAssetInput!) {{ createIpAsset(input: $i) {{ ipAsset {{ {FIELDS} }} }} }}"
    )
}
fn update_q() -> String {
    format!(
        "mutation($i: UpdateIpAssetInput!) {{ updateIpAsset(input: $i) {{ ipAsset {{ {FIELDS} }} }} }}"
    )
}
fn transition_q() -> String {
    format!(
        "mutation($i: TransitionIpAssetInput!) {{ transitionIpAsset(input: $i) {{ ipAsset {{ {FIELDS} }} }} }}"
    )
}
fn ownership_q() -> String {
    format!(
        "mutation($i: SetIpOwnershipInput!) {{ setIpOwnership(input: $i) {{ ipAsset {{ {FIELDS} }} }} }}"
    )
}

async fn audit_count(app: &TestApp, action: &str) -> u64 {
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    entity::audit_event::Entity::find()
        .filter(entity::audit_event::Column::Action.eq(action))
        .count(&app.db)
        .await
        .unwrap()
}

async fn institution_gid(app: &TestApp, slug: &str) -> String {
    let q = format!("{{ institution(slug: \"{slug}\") {{ id }} }}");
    app.anon(&q).await.data()["institution"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn field(r: &crate::support::Reply) -> &str {
    r.body["errors"][0]["extensions"]["field"]
        .as_str()
        .unwrap_or_default()
}

fn message(r: &crate::support::Reply) -> &str {
    r.body["errors"][0]["message"].as_str().unwrap_or_default()
}

fn owners(asset: &Value) -> Vec<(String, i64)> {
    asset["owners"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let n = &e["node"];
            (
                n["institution"]["slug"].as_str().unwrap().to_owned(),
                n["shareBasisPoints"].as_i64().unwrap(),
            )
        })
        .collect()
}

fn days_ago(n: u64) -> NaiveDate {
    today() - Days::new(n)
}

#[tokio::test]
async fn a_cn_patent_goes_from_drafting_to_granted_and_owes_annual_fees() {
    let app = TestApp::new().await;
    let d = demo(&app).await;
    let sumhs = app.user_token("member@sumhs.example").await;
    let r = app
        .gql(
            Some(&sumhs),
            &create_q(),
            json!({ "i": { "technologyId": d.technology, "kind": "INVENTION_PATENT", "jurisdiction": "cn", "title": "Microneedle patch", "familyParentId": d.pct } }),
        )
        .await;
    let a = r.data()["createIpAsset"]["ipAsset"].clone();
    assert_eq!(
        (&a["status"], &a["jurisdiction"], &a["version"]),
        (&json!("DRAFTING"), &json!("CN"), &json!(1))
    );
    assert_eq!(owners(&a), vec![("sumhs".into(), 10_000)]);
    assert_eq!(a["familyParent"]["id"], d.pct.as_str());
    assert_eq!(audit_count(&app, "ipAsset.create").await, 1);
    let id = a["id"].as_str().unwrap().to_owned();
    // The parent lists it in its family.
    let r = app
        .gql(Some(&sumhs), "query($id: ID!) { node(id: $id) { ... on IpAsset { family { totalCount edges { node { id } } } } } }", json!({ "id": d.pct }))
        .await;
    assert_eq!(
        r.data()["node"]["family"]["edges"][0]["node"]["id"],
        id.as_str()
    );

    let step = |to: &str, version: i64, date: Option<NaiveDate>| json!({ "i": { "id": id, "to": to, "expectedVersion": version, "date": date.map(|d| d.to_string()) } });
    // Not along the machine: the error names the allowed targets.
    let r = app
        .gql(Some(&sumhs), &transition_q(), step("PUBLISHED", 1, None))
        .await;
    assert_eq!((r.code(), field(&r)), ("BAD_USER_INPUT", "to"));
    assert!(message(&r).contains("FILED"), "{}", message(&r));
    // FILED needs a filing date.
    let r = app
        .gql(Some(&sumhs), &transition_q(), step("FILED", 1, None))
        .await;
    assert_eq!((r.code(), field(&r)), ("BAD_USER_INPUT", "date"));
    assert!(message(&r).contains("filingDate"));
    let filed = days_ago(400);
    let r = app
        .gql(Some(&sumhs), &transition_q(), step("FILED", 1, Some(filed)))
        .await;
    let a = &r.data()["transitionIpAsset"]["ipAsset"];
    assert_eq!((&a["status"], &a["version"]), (&json!("FILED"), &json!(2)));
    assert_eq!(a["filingDate"], filed.to_string());
    // Published before it was filed: no.
    let r = app
        .gql(
            Some(&sumhs),
            &transition_q(),
            step("PUBLISHED", 2, Some(filed - Days::new(1))),
        )
        .await;
    assert_eq!((r.code(), field(&r)), ("BAD_USER_INPUT", "date"));
    let r = app
        .gql(
            Some(&sumhs),
            &transition_q(),
            step("PUBLISHED", 2, Some(days_ago(200))),
        )
        .await;
    assert_eq!(
        r.data()["transitionIpAsset"]["ipAsset"]["status"],
        "PUBLISHED"
    );
    let r = app
        .gql(
            Some(&sumhs),
            &transition_q(),
            step("UNDER_EXAMINATION", 3, None),
        )
        .await;
    assert_eq!(
        r.data()["transitionIpAsset"]["ipAsset"]["status"],
        "UNDER_EXAMINATION"
    );
    // GRANTED needs a grant date; a stale version is a conflict.
    let r = app
        .gql(Some(&sumhs), &transition_q(), step("GRANTED", 4, None))
        .await;
    assert_eq!((r.code(), field(&r)), ("BAD_USER_INPUT", "date"));
    assert!(message(&r).contains("grantDate"));
    let granted = days_ago(10);
    let r = app
        .gql(
            Some(&sumhs),
            &transition_q(),
            step("GRANTED", 3, Some(granted)),
        )
        .await;
    assert_eq!(r.code(), "CONFLICT");
    let r = app
        .gql(
            Some(&sumhs),
            &transition_q(),
            step("GRANTED", 4, Some(granted)),
        )
        .await;
    let a = &r.data()["transitionIpAsset"]["ipAsset"];
    assert_eq!(
        (&a["status"], &a["grantDate"]),
        (&json!("GRANTED"), &json!(granted.to_string()))
    );
    assert_eq!(audit_count(&app, "ipAsset.transition").await, 4);

    // Annual fees on each filing anniversary ahead, through the 20-year term.
    let r = app
        .gql(
            Some(&sumhs),
            "query($id: ID!) { node(id: $id) { ... on IpAsset { deadlines(first: 100) { totalCount edges { node { kind dueOn feeYear rule jurisdiction } } } } } }",
            json!({ "id": id }),
        )
        .await;
    let edges = r.data()["node"]["deadlines"]["edges"]
        .as_array()
        .unwrap()
        .clone();
    let annuities: Vec<&Value> = edges
        .iter()
        .map(|e| &e["node"])
        .filter(|n| n["kind"] == "ANNUITY")
        .collect();
    // The first anniversary precedes the grant: years 3 to 20 remain.
    assert_eq!(annuities.len(), 18);
    let first_fee = filed + chrono::Months::new(24);
    assert_eq!(annuities[0]["dueOn"], first_fee.to_string());
    assert_eq!(annuities[0]["feeYear"], 3);
    assert_eq!(annuities[0]["jurisdiction"], "CN");
    assert!(
        annuities[0]["rule"]
            .as_str()
            .unwrap()
            .starts_with("CN Patent Law art. 43")
    );
    let expiry: Vec<&Value> = edges
        .iter()
        .map(|e| &e["node"])
        .filter(|n| n["kind"] == "EXPIRY")
        .collect();
    assert_eq!(
        expiry[0]["dueOn"],
        (filed + chrono::Months::new(240)).to_string()
    );
    // The next fee is upcoming within a window that holds it.
    let days = (first_fee - today()).num_days() + 1;
    let r = app
        .gql(
            Some(&sumhs),
            "query($d: Int!) { upcomingDeadlines(withinDays: $d, filter: { kind: ANNUITY }, first: 100) { edges { node { dueOn ipAsset { id } } } } }",
            json!({ "d": days }),
        )
        .await;
    assert!(
        r.data()["upcomingDeadlines"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["node"]["ipAsset"]["id"] == id.as_str()
                && e["node"]["dueOn"] == first_fee.to_string())
    );
}

#[tokio::test]
async fn abandoned_assets_have_no_upcoming_deadlines() {
    let app = TestApp::new().await;
    let d = demo(&app).await;
    let sumhs = app.user_token("member@sumhs.example").await;
    let unibl = app.user_token("member@unibl.example").await;
    // unibl, a co-owner, proposes to abandon the PCT application; sumhs, the other, agrees.
    let r = app
        .gql(Some(&unibl), "mutation($i: ProposeIpAbandonmentInput!) { proposeIpAbandonment(input: $i) { change { id } } }", json!({ "i": { "ipAssetId": d.pct, "expectedVersion": 1, "date": today().to_string() } }))
        .await;
    let change = r.data()["proposeIpAbandonment"]["change"]["id"].clone();
    let r = app
        .gql(
            Some(&sumhs),
            "mutation($id: ID!) { approveIpChange(input: { id: $id }) { ipAsset { status } } }",
            json!({ "id": change }),
        )
        .await;
    assert_eq!(
        r.data()["approveIpChange"]["ipAsset"]["status"],
        "ABANDONED"
    );
    let r = app
        .gql(Some(&sumhs), "query($id: ID!) { node(id: $id) { ... on IpAsset { deadlines(includePast: true) { totalCount } } } }", json!({ "id": d.pct }))
        .await;
    assert_eq!(r.data()["node"]["deadlines"]["totalCount"], 0);
    for token in [&sumhs, &unibl] {
        let r = app
            .gql(Some(token), "{ upcomingDeadlines(withinDays: 3650, first: 100) { edges { node { ipAsset { id } } } } }", json!({}))
            .await;
        assert!(
            r.data()["upcomingDeadlines"]["edges"]
                .as_array()
                .unwrap()
                .iter()
                .all(|e| e["node"]["ipAsset"]["id"] != d.pct.as_str())
        );
    }
    // And an abandoned right stays abandoned.
    let r = app
        .gql(
            Some(&sumhs),
            &transition_q(),
            json!({ "i": { "id": d.pct, "to": "FILED", "expectedVersion": 2 } }),
        )
        .await;
    assert_eq!(r.code(), "BAD_USER_INPUT");
    assert!(message(&r).contains("it is final"));
}

#[tokio::test]
async fn invalid_input_is_refused_naming_the_field() {
    let app = TestApp::new().await;
    let d = demo(&app).await;
    let sumhs = app.user_token("member@sumhs.example").await;
    let base =
        json!({ "technologyId": d.technology, "kind": "INVENTION_PATENT", "jurisdiction": "CN" });
    let with = |extra: Value| {
        let mut i = base.clone();
        for (k, v) in extra.as_object().unwrap() {
            i[k] = v.clone();
        }
        json!({ "i": i })
    };
    for (extra, expected) in [
        (json!({ "jurisdiction": "XX" }), "jurisdiction"),
        (json!({ "jurisdiction": "EU" }), "jurisdiction"),
        (json!({ "kind": "PCT_APPLICATION" }), "jurisdiction"),
        (json!({ "jurisdiction": "WO" }), "jurisdiction"),
        (
            json!({ "kind": "UTILITY_MODEL", "jurisdiction": "EP" }),
            "jurisdiction",
        ),
        (
            json!({ "targetJurisdictions": ["EP"] }),
            "targetJurisdictions",
        ),
        (
            json!({ "kind": "PCT_APPLICATION", "jurisdiction": "WO", "targetJurisdictions": ["EP", "ep"] }),
            "targetJurisdictions",
        ),
        (
            json!({ "kind": "PCT_APPLICATION", "jurisdiction": "WO", "targetJurisdictions": ["ZZ"] }),
            "targetJurisdictions",
        ),
        (
            json!({ "filingDate": "2026-03-01", "grantDate": "2026-02-01" }),
            "grantDate",
        ),
        (
            json!({ "priorityDate": "2026-03-02", "filingDate": "2026-03-01" }),
            "filingDate",
        ),
        (json!({ "title": "x".repeat(501) }), "title"),
        (json!({ "technologyId": d.pct }), "technologyId"),
        (json!({ "familyParentId": d.technology }), "familyParentId"),
    ] {
        let r = app
            .gql(Some(&sumhs), &create_q(), with(extra.clone()))
            .await;
        assert_eq!(
            (r.code(), field(&r)),
            ("BAD_USER_INPUT", expected),
            "{extra}: {}",
            r.body
        );
    }
    // A family parent protects the same technology.
    let other = app
        .gql(
            Some(&sumhs),
            "{ technology(reference: \"SUMHS-2025-001\") { ipAssets { edges { node { id } } } } }",
            json!({}),
        )
        .await;
    let foreign = other.data()["technology"]["ipAssets"]["edges"][0]["node"]["id"].clone();
    let r = app
        .gql(
            Some(&sumhs),
            &create_q(),
            with(json!({ "familyParentId": foreign })),
        )
        .await;
    assert_eq!((r.code(), field(&r)), ("BAD_USER_INPUT", "familyParentId"));
    assert_eq!(audit_count(&app, "ipAsset.create").await, 0);

    // Updates keep what the status needs, and families acyclic.
    let r = app
        .gql(
            Some(&sumhs),
            &update_q(),
            json!({ "i": { "id": d.pct, "expectedVersion": 1, "filingDate": null } }),
        )
        .await;
    assert_eq!((r.code(), field(&r)), ("BAD_USER_INPUT", "filingDate"));
    let r = app
        .gql(
            Some(&sumhs),
            &update_q(),
            json!({ "i": { "id": d.pct, "expectedVersion": 1, "publicationDate": "2026-03-01" } }),
        )
        .await;
    assert_eq!((r.code(), field(&r)), ("BAD_USER_INPUT", "publicationDate"));
    let r = app
        .gql(
            Some(&sumhs),
            &update_q(),
            json!({ "i": { "id": d.pct, "expectedVersion": 1, "familyParentId": d.pct } }),
        )
        .await;
    assert_eq!((r.code(), field(&r)), ("BAD_USER_INPUT", "familyParentId"));
    let r = app
        .gql(
            Some(&sumhs),
            &update_q(),
            json!({ "i": { "id": d.draft, "expectedVersion": 1, "familyParentId": d.pct } }),
        )
        .await;
    assert_eq!(
        r.data()["updateIpAsset"]["ipAsset"]["familyParent"]["id"],
        d.pct.as_str()
    );
    let r = app
        .gql(
            Some(&sumhs),
            &update_q(),
            json!({ "i": { "id": d.pct, "expectedVersion": 1, "familyParentId": d.draft } }),
        )
        .await;
    assert_eq!((r.code(), field(&r)), ("BAD_USER_INPUT", "familyParentId"));
    // A PCT application's targets can change; a stale version cannot.
    let r = app
        .gql(Some(&sumhs), &update_q(), json!({ "i": { "id": d.pct, "expectedVersion": 1, "targetJurisdictions": ["CN", "EP", "US", "BA", "RS"] } }))
        .await;
    let a = &r.data()["updateIpAsset"]["ipAsset"];
    assert_eq!(
        (&a["targetJurisdictions"], &a["version"]),
        (&json!(["CN", "EP", "US", "BA", "RS"]), &json!(2))
    );
    let r = app
        .gql(
            Some(&sumhs),
            &update_q(),
            json!({ "i": { "id": d.pct, "expectedVersion": 1, "title": "Stale" } }),
        )
        .await;
    assert_eq!((r.code(), field(&r)), ("CONFLICT", "expectedVersion"));
    assert_eq!(audit_count(&app, "ipAsset.update").await, 2);

    // Ownership shares add up to exactly 10000, among existing institutions.
    let sumhs_id = institution_gid(&app, "sumhs").await;
    let unibl_id = institution_gid(&app, "unibl").await;
    let ghost = biobridge::graphql::ids::encode("Institution", uuid::Uuid::now_v7());
    for (owners, expected) in [
        (
            json!([{ "institutionId": sumhs_id, "shareBasisPoints": 7000 }, { "institutionId": unibl_id, "shareBasisPoints": 2000 }]),
            "owners",
        ),
        (
            json!([{ "institutionId": sumhs_id, "shareBasisPoints": 5000 }, { "institutionId": sumhs_id, "shareBasisPoints": 5000 }]),
            "owners",
        ),
        (json!([]), "owners"),
        (
            json!([{ "institutionId": ghost, "shareBasisPoints": 10000 }]),
            "owners.institutionId",
        ),
        (
            json!([{ "institutionId": d.pct, "shareBasisPoints": 10000 }]),
            "owners.institutionId",
        ),
    ] {
        let r = app
            .gql(
                Some(&sumhs),
                &ownership_q(),
                json!({ "i": { "ipAssetId": d.pct, "owners": owners } }),
            )
            .await;
        assert_eq!(
            (r.code(), field(&r)),
            ("BAD_USER_INPUT", expected),
            "{}",
            r.body
        );
    }
    assert_eq!(audit_count(&app, "ipAsset.setOwnership").await, 0);
}

#[tokio::test]
async fn only_owners_write_and_ownership_is_replaced_atomically() {
    let app = TestApp::new().await;
    let d = demo(&app).await;
    let sumhs = app.user_token("member@sumhs.example").await;
    let unibl = app.user_token("member@unibl.example").await;
    let bg = app.user_token("member@bg.example").await;
    let admin = app.token("center", "CENTER_ADMIN").await;
    let [sumhs_id, unibl_id, bg_id] = [
        institution_gid(&app, "sumhs").await,
        institution_gid(&app, "unibl").await,
        institution_gid(&app, "bg").await,
    ];
    let create =
        json!({ "i": { "technologyId": d.technology, "kind": "DESIGN", "jurisdiction": "CN" } });
    // Creating: anonymous must log in; a co-owner of another asset is not the technology's
    // owner; an outsider does not see the technology.
    assert_eq!(
        app.gql(None, &create_q(), create.clone()).await.code(),
        "UNAUTHENTICATED"
    );
    assert_eq!(
        app.gql(Some(&unibl), &create_q(), create.clone())
            .await
            .code(),
        "FORBIDDEN"
    );
    assert_eq!(
        app.gql(Some(&bg), &create_q(), create.clone()).await.code(),
        "NOT_FOUND"
    );
    let analyst = app.user_token("analyst@center.example").await;
    assert_eq!(
        app.gql(Some(&analyst), &create_q(), create).await.code(),
        "FORBIDDEN"
    );

    // A published asset of a public technology: everyone sees it, only its owner changes it.
    let r = app
        .gql(Some(&bg), "{ technology(reference: \"SUMHS-2025-001\") { ipAssets { edges { node { id version } } } } }", json!({}))
        .await;
    let public = r.data()["technology"]["ipAssets"]["edges"][0]["node"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let title = json!({ "i": { "id": public, "expectedVersion": 1, "title": "Mine now" } });
    assert_eq!(
        app.gql(Some(&bg), &update_q(), title.clone()).await.code(),
        "FORBIDDEN"
    );
    assert_eq!(
        app.gql(Some(&unibl), &update_q(), title).await.code(),
        "FORBIDDEN"
    );
    let grab = json!({ "i": { "ipAssetId": public, "owners": [{ "institutionId": bg_id, "shareBasisPoints": 10000 }] } });
    assert_eq!(
        app.gql(Some(&bg), &ownership_q(), grab).await.code(),
        "FORBIDDEN"
    );
    // What one cannot see is not found, whatever one tries.
    let r = app
        .gql(Some(&bg), &ownership_q(), json!({ "i": { "ipAssetId": d.pct, "owners": [{ "institutionId": bg_id, "shareBasisPoints": 10000 }] } }))
        .await;
    assert_eq!(r.code(), "NOT_FOUND");
    let r = app
        .gql(Some(&unibl), &transition_q(), json!({ "i": { "id": d.draft, "to": "FILED", "expectedVersion": 1, "date": "2026-01-01" } }))
        .await;
    assert_eq!(r.code(), "NOT_FOUND");

    // Any co-owner prosecutes the co-owned application, and re-shares it from its own share
    // (taking from another co-owner needs its consent: see ip_consent.rs).
    let r = app
        .gql(Some(&unibl), &update_q(), json!({ "i": { "id": d.pct, "expectedVersion": 1, "applicationNumber": " PCT/CN2026/012345 " } }))
        .await;
    assert_eq!(r.data()["updateIpAsset"]["ipAsset"]["version"], 2);
    let half = json!({ "i": { "ipAssetId": d.pct, "expectedVersion": 2, "owners": [
        { "institutionId": unibl_id, "shareBasisPoints": 5000 },
        { "institutionId": sumhs_id, "shareBasisPoints": 5000 },
    ] } });
    let r = app.gql(Some(&sumhs), &ownership_q(), half.clone()).await;
    let a = &r.data()["setIpOwnership"]["ipAsset"];
    assert_eq!(
        owners(a),
        vec![("unibl".into(), 5000), ("sumhs".into(), 5000)]
    );
    assert_eq!(a["version"], 3);
    // The same change based on the old version conflicts.
    assert_eq!(
        app.gql(Some(&unibl), &ownership_q(), half).await.code(),
        "CONFLICT"
    );
    assert_eq!(audit_count(&app, "ipAsset.setOwnership").await, 1);

    // unibl hands its share to sumhs. It no longer owns the application, but it still sees this
    // published filing: its researcher is a co-inventor of the technology (issue 7's rule).
    let r = app
        .gql(Some(&unibl), &ownership_q(), json!({ "i": { "ipAssetId": d.pct, "owners": [{ "institutionId": sumhs_id, "shareBasisPoints": 10000 }] } }))
        .await;
    assert_eq!(
        owners(&r.data()["setIpOwnership"]["ipAsset"]),
        vec![("sumhs".into(), 10_000)]
    );
    assert_ne!(node(&app, &unibl, &d.pct).await, Value::Null);
    let r = app
        .gql(Some(&sumhs), "query($id: ID!) { node(id: $id) { ... on IpAsset { version owners { totalCount } } } }", json!({ "id": d.pct }))
        .await;
    assert_eq!(r.data()["node"]["owners"]["totalCount"], 1);
    assert_eq!(r.data()["node"]["version"], 4);
    // The center admin may re-share anything.
    let r = app
        .gql(
            Some(&admin),
            &ownership_q(),
            json!({ "i": { "ipAssetId": d.pct, "owners": [
            { "institutionId": sumhs_id, "shareBasisPoints": 7000 },
            { "institutionId": unibl_id, "shareBasisPoints": 3000 },
        ] } }),
        )
        .await;
    assert_eq!(
        owners(&r.data()["setIpOwnership"]["ipAsset"]),
        vec![("sumhs".into(), 7000), ("unibl".into(), 3000)]
    );
    assert_eq!(node(&app, &unibl, &d.pct).await["kind"], "PCT_APPLICATION");
}

#[tokio::test]
async fn concurrent_ownership_changes_never_mix() {
    let app = TestApp::new().await;
    let d = demo(&app).await;
    let admin = app.token("center", "CENTER_ADMIN").await;
    let mut gid = std::collections::HashMap::new();
    for slug in ["sumhs", "unibl", "bg", "zju", "fudan"] {
        gid.insert(slug, institution_gid(&app, slug).await);
    }
    let sets = [
        vec![("sumhs", 10_000)],
        vec![("unibl", 5000), ("bg", 5000)],
        vec![("zju", 2500), ("fudan", 7500)],
        vec![("sumhs", 7000), ("unibl", 3000)],
    ];
    let q = ownership_q();
    let calls = (0..24).map(|n| {
        let owners: Vec<Value> = sets[n % sets.len()]
            .iter()
            .map(|(slug, bp)| json!({ "institutionId": gid[slug], "shareBasisPoints": bp }))
            .collect();
        let vars = json!({ "i": { "ipAssetId": d.pct, "owners": owners } });
        let (app, admin, q) = (&app, &admin, &q);
        async move { app.gql(Some(admin), q, vars).await }
    });
    for r in futures_util::future::join_all(calls).await {
        if r.body.get("errors").is_some() {
            assert_eq!(r.code(), "CONFLICT", "{}", r.body);
        }
    }
    let r = app
        .gql(
            Some(&admin),
            "query($id: ID!) { node(id: $id) { ... on IpAsset { owners { edges { node { shareBasisPoints institution { slug } } } } } } }",
            json!({ "id": d.pct }),
        )
        .await;
    let now = owners(&r.data()["node"]);
    let total: i64 = now.iter().map(|(_, bp)| bp).sum();
    assert_eq!(total, 10_000, "{now:?}");
    let slugs: Vec<&str> = now.iter().map(|(s, _)| s.as_str()).collect();
    assert!(
        sets.iter()
            .any(|set| set.iter().map(|(s, _)| *s).collect::<Vec<_>>() == slugs),
        "{now:?}"
    );
}
