//! China's foreign-filing security review (Patent Law art. 19) over HTTP: a PCT application or
//! a filing abroad of an invention made in China is refused until the review is recorded; the
//! review shows in its owner's docket until then, and nobody else learns about it.

use serde_json::{Value, json};

use crate::support::TestApp;

const TECH: &str = "query($r: String!) { technology(reference: $r) { id securityReview { reviewedOn reference } ipAssets { edges { node { id kind jurisdiction } } } } }";
const CREATE: &str = "mutation($i: CreateIpAssetInput!) { createIpAsset(input: $i) { ipAsset { id status version } } }";
const MOVE: &str = "mutation($i: TransitionIpAssetInput!) { transitionIpAsset(input: $i) { ipAsset { id status } } }";
const SCHEDULE: &str = "query($id: ID!) { node(id: $id) { ... on IpAsset { deadlines(first: 100, includePast: true) { edges { node { id kind jurisdiction dueOn rule } } } } } }";
const UPCOMING: &str = "{ upcomingDeadlines(withinDays: 3650, first: 100, filter: { kind: SECURITY_REVIEW }) { totalCount edges { node { dueOn ipAsset { id } } } } }";
const REVIEW: &str = "mutation($i: RecordSecurityReviewInput!) { recordSecurityReview(input: $i) { technology { securityReview { reviewedOn reference } } } }";
const DONE: &str =
    "mutation($i: MarkDeadlineDoneInput!) { markDeadlineDone(input: $i) { deadline { id } } }";

fn edges(v: &Value) -> Vec<Value> {
    v["edges"]
        .as_array()
        .map(|e| e.iter().map(|x| x["node"].clone()).collect())
        .unwrap_or_default()
}

async fn reviews_in(app: &TestApp, token: &str, asset: &str) -> Vec<Value> {
    let r = app.gql(Some(token), SCHEDULE, json!({ "id": asset })).await;
    edges(&r.data()["node"]["deadlines"])
        .into_iter()
        .filter(|d| d["kind"] == "SECURITY_REVIEW")
        .collect()
}

#[tokio::test]
async fn a_foreign_filing_of_an_invention_made_in_china_waits_for_its_review() {
    let app = TestApp::new().await;
    let sumhs = app.user_token("member@sumhs.example").await;
    let unibl = app.user_token("member@unibl.example").await;
    // SUMHS's sepsis assay: a CN patent only, no review (public; unibl is its licensee).
    let r = app
        .gql(Some(&sumhs), TECH, json!({ "r": "SUMHS-2025-001" }))
        .await;
    let tech = r.data()["technology"]["id"].as_str().unwrap().to_owned();
    assert_eq!(r.data()["technology"]["securityReview"], Value::Null);
    let patent = edges(&r.data()["technology"]["ipAssets"])[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // Abroad or PCT: refused, naming the review.
    for (kind, office) in [
        ("PCT_APPLICATION", "WO"),
        ("INVENTION_PATENT", "EP"),
        ("UTILITY_MODEL", "BA"),
    ] {
        let r = app
            .gql(
                Some(&sumhs),
                CREATE,
                json!({ "i": { "technologyId": tech, "kind": kind, "jurisdiction": office } }),
            )
            .await;
        assert_eq!(r.code(), "BAD_USER_INPUT", "{kind} at {office}: {}", r.body);
        assert_eq!(
            r.body["errors"][0]["extensions"]["field"],
            "securityReviewOn"
        );
        assert!(
            r.body["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("art. 19"),
            "{}",
            r.body
        );
    }
    // At home: fine. A new CN utility model, filed: its docket shows the review, due when the
    // priority year ends.
    let r = app
        .gql(
            Some(&sumhs),
            CREATE,
            json!({ "i": { "technologyId": tech, "kind": "UTILITY_MODEL", "jurisdiction": "CN",
                           "filingDate": "2026-09-01" } }),
        )
        .await;
    let model = r.data()["createIpAsset"]["ipAsset"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // …and turning it into a foreign filing is refused too.
    let r = app
        .gql(
            Some(&sumhs),
            "mutation($i: UpdateIpAssetInput!) { updateIpAsset(input: $i) { ipAsset { id } } }",
            json!({ "i": { "id": model, "expectedVersion": 1, "jurisdiction": "RS" } }),
        )
        .await;
    assert_eq!(
        r.body["errors"][0]["extensions"]["field"],
        "securityReviewOn"
    );
    let r = app
        .gql(
            Some(&sumhs),
            MOVE,
            json!({ "i": { "id": model, "to": "FILED", "expectedVersion": 1 } }),
        )
        .await;
    assert_eq!(r.data()["transitionIpAsset"]["ipAsset"]["status"], "FILED");
    let due = reviews_in(&app, &sumhs, &model).await;
    assert_eq!(due.len(), 1, "{due:?}");
    assert_eq!(due[0]["dueOn"], "2027-09-01");
    assert_eq!(due[0]["jurisdiction"], "CN");
    assert!(due[0]["rule"].as_str().unwrap().contains("art. 19"));
    let r = app.gql(Some(&sumhs), UPCOMING, json!({})).await;
    let upcoming = edges(&r.data()["upcomingDeadlines"]);
    assert!(
        upcoming
            .iter()
            .any(|u| u["ipAsset"]["id"] == model.as_str() && u["dueOn"] == "2027-09-01"),
        "{}",
        r.body
    );
    // The published patent shows it too (its priority year is over: past).
    assert_eq!(reviews_in(&app, &sumhs, &patent).await.len(), 1);
    // It is recorded on the technology, not marked done.
    let r = app
        .gql(
            Some(&sumhs),
            DONE,
            json!({ "i": { "deadlineId": due[0]["id"], "doneOn": "2026-10-01" } }),
        )
        .await;
    assert_eq!(r.body["errors"][0]["extensions"]["field"], "deadlineId");

    // The licensee sees the published patent, not the review that is due, nor the review.
    assert!(reviews_in(&app, &unibl, &patent).await.is_empty());
    let r = app.gql(Some(&unibl), UPCOMING, json!({})).await;
    assert_eq!(r.data()["upcomingDeadlines"]["totalCount"], 0);
    let r = app
        .gql(
            Some(&unibl),
            REVIEW,
            json!({ "i": { "technologyId": tech, "reviewedOn": "2026-10-01" } }),
        )
        .await;
    assert_eq!(r.code(), "FORBIDDEN");

    // The owner records it.
    let r = app
        .gql(
            Some(&sumhs),
            REVIEW,
            json!({ "i": { "technologyId": tech, "reviewedOn": "2999-01-01" } }),
        )
        .await;
    assert_eq!(r.body["errors"][0]["extensions"]["field"], "reviewedOn");
    let r = app
        .gql(
            Some(&sumhs),
            REVIEW,
            json!({ "i": { "technologyId": tech, "reviewedOn": "2026-10-01", "reference": "BM2026-1002113" } }),
        )
        .await;
    assert_eq!(
        r.data()["recordSecurityReview"]["technology"]["securityReview"],
        json!({ "reviewedOn": "2026-10-01", "reference": "BM2026-1002113" })
    );
    let r = app
        .gql(Some(&unibl), TECH, json!({ "r": "SUMHS-2025-001" }))
        .await;
    assert_eq!(r.data()["technology"]["securityReview"], Value::Null);
    assert!(reviews_in(&app, &sumhs, &model).await.is_empty());
    assert!(reviews_in(&app, &sumhs, &patent).await.is_empty());
    let r = app
        .gql(
            Some(&sumhs),
            CREATE,
            json!({ "i": { "technologyId": tech, "kind": "PCT_APPLICATION", "jurisdiction": "WO",
                           "targetJurisdictions": ["BA", "EP"] } }),
        )
        .await;
    assert_eq!(r.data()["createIpAsset"]["ipAsset"]["status"], "DRAFTING");
}

#[tokio::test]
async fn the_demo_pct_was_reviewed_and_other_offices_inventions_need_none() {
    let app = TestApp::new().await;
    let sumhs = app.user_token("member@sumhs.example").await;
    let r = app
        .gql(Some(&sumhs), TECH, json!({ "r": "SUMHS-2025-003" }))
        .await;
    assert_eq!(
        r.data()["technology"]["securityReview"]["reviewedOn"],
        "2026-02-24"
    );
    // A Croatian invention without Chinese inventors files abroad freely.
    let unizg = app.token("unizg", "MEMBER").await;
    let r = app
        .gql(Some(&unizg), TECH, json!({ "r": "UNIZG-2025-001" }))
        .await;
    let tech = r.data()["technology"]["id"].as_str().unwrap().to_owned();
    let r = app
        .gql(
            Some(&unizg),
            CREATE,
            json!({ "i": { "technologyId": tech, "kind": "PCT_APPLICATION", "jurisdiction": "WO" } }),
        )
        .await;
    assert_eq!(r.data()["createIpAsset"]["ipAsset"]["status"], "DRAFTING");
}

/// The demo data keeps the law it demonstrates: every filing abroad of an invention made in
/// China has its review.
#[tokio::test]
async fn every_foreign_filing_of_the_demo_made_in_china_was_reviewed() {
    use biobridge::service::security_review::{is_foreign_filing, made_in_china};
    use sea_orm::EntityTrait;

    let app = TestApp::new().await;
    let technologies: Vec<uuid::Uuid> = entity::technology::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.id)
        .collect();
    let china = made_in_china(&app.db, &technologies).await.unwrap();
    let reviewed: Vec<uuid::Uuid> = entity::security_review::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.technology_id)
        .collect();
    let mut abroad = 0;
    for a in entity::ip_asset::Entity::find().all(&app.db).await.unwrap() {
        if is_foreign_filing(a.kind, &a.jurisdiction) && china.contains(&a.technology_id) {
            abroad += 1;
            assert!(
                reviewed.contains(&a.technology_id),
                "{:?} {} of a technology made in China has no review",
                a.kind,
                a.jurisdiction
            );
        }
    }
    assert!(abroad >= 2, "the demo files abroad: {abroad}");
}
