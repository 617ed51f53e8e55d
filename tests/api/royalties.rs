//! Royalty reports and income under a deal: the recipient reports, the provider decides and
//! records income, money is validated against the deal's currency, and each income's
//! distribution adds up exactly. Also the path of a partner system with a scoped API token.

use biobridge::auth::{Principal, PrincipalInstitution, PrincipalKind};
use entity::enums::{Membership, Region, Role};
use serde_json::{Value, json};

use crate::{
    deals::{CREATE, DEAL, audit_count, create_licence, demo_licence, money_sum, technology_id},
    support::TestApp,
};

const SUBMIT: &str = "mutation($input: SubmitRoyaltyReportInput!) { submitRoyaltyReport(input: $input) { royaltyReport { id status netSales { amount currency } royaltyDue { amount } submittedBy { kind name user { email } } deal { stage } } } }";
const DECIDE: &str = "mutation($input: DecideRoyaltyReportInput!) { decideRoyaltyReport(input: $input) { royaltyReport { status decidedAt } } }";
const INCOME: &str = "mutation($input: RecordIncomeInput!) { recordIncome(input: $input) { income { kind amount { amount currency } distribution {
  inventors { person { fullName } amount { amount } } institutions { institution { slug } amount { amount } } } } } }";

fn report(deal: &str, start: &str, end: &str) -> Value {
    json!({ "input": {
        "dealId": deal, "periodStart": start, "periodEnd": end,
        "netSales": { "amount": "100000.00", "currency": "EUR" },
        "royaltyDue": { "amount": "3500.00", "currency": "EUR" }
    } })
}

#[tokio::test]
async fn the_recipient_reports_royalties_and_the_provider_decides_and_records_income() {
    let app = TestApp::new().await;
    let deal = demo_licence(&app).await["id"].as_str().unwrap().to_owned();
    let sumhs = app.user_token("member@sumhs.example").await;
    let unibl = app.user_token("member@unibl.example").await;
    let bg = app.user_token("member@bg.example").await;

    let july = report(&deal, "2026-07-01", "2026-12-31");
    assert_eq!(
        app.gql(Some(&sumhs), SUBMIT, july.clone()).await.code(),
        "FORBIDDEN"
    );
    assert_eq!(
        app.gql(Some(&bg), SUBMIT, july.clone()).await.code(),
        "NOT_FOUND"
    );
    let r = app.gql(Some(&unibl), SUBMIT, july.clone()).await;
    let rep = &r.data()["submitRoyaltyReport"]["royaltyReport"];
    assert_eq!(rep["status"], "SUBMITTED");
    assert_eq!(
        rep["netSales"],
        json!({ "amount": "100000.00", "currency": "EUR" })
    );
    assert_eq!(
        rep["submittedBy"],
        json!({ "kind": "USER", "name": "Nemanja Savić", "user": { "email": "member@unibl.example" } })
    );
    let report_id = rep["id"].as_str().unwrap().to_owned();

    // Overlapping an open report (the demo's 2026 H1, or the one just sent) is a conflict.
    for (start, end) in [("2026-06-01", "2026-07-31"), ("2026-12-31", "2027-03-31")] {
        let r = app
            .gql(Some(&unibl), SUBMIT, report(&deal, start, end))
            .await;
        assert_eq!(r.code(), "CONFLICT", "{start}..{end}");
        assert_eq!(r.body["errors"][0]["extensions"]["field"], "periodStart");
    }

    let accept = json!({ "input": { "id": report_id, "status": "ACCEPTED" } });
    assert_eq!(
        app.gql(Some(&unibl), DECIDE, accept.clone()).await.code(),
        "FORBIDDEN"
    );
    assert_eq!(
        app.gql(Some(&bg), DECIDE, accept.clone()).await.code(),
        "NOT_FOUND"
    );
    let r = app.gql(Some(&sumhs), DECIDE, accept.clone()).await;
    let decided = &r.data()["decideRoyaltyReport"]["royaltyReport"];
    assert_eq!(decided["status"], "ACCEPTED");
    assert!(decided["decidedAt"].is_string());
    let again = app.gql(Some(&sumhs), DECIDE, accept).await;
    assert_eq!(again.code(), "BAD_USER_INPUT");

    // A disputed report no longer blocks its period: the licensee sends a corrected one.
    let demo_h1 = demo_licence(&app).await["royaltyReports"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["node"]["periodStart"] == "2026-01-01")
        .unwrap()["node"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // A dispute says why; an acceptance does not.
    let unexplained = json!({ "input": { "id": demo_h1, "status": "DISPUTED", "reason": "  " } });
    let r = app.gql(Some(&sumhs), DECIDE, unexplained).await;
    assert_eq!(r.code(), "BAD_USER_INPUT");
    assert_eq!(r.body["errors"][0]["extensions"]["field"], "reason");
    let explained_acceptance =
        json!({ "input": { "id": demo_h1, "status": "ACCEPTED", "reason": "fine" } });
    let r = app.gql(Some(&sumhs), DECIDE, explained_acceptance).await;
    assert_eq!(r.body["errors"][0]["extensions"]["field"], "reason");
    let dispute =
        json!({ "input": { "id": demo_h1, "status": "DISPUTED", "reason": "Q2 sales missing" } });
    let r = app
        .gql(
            Some(&sumhs),
            "mutation($input: DecideRoyaltyReportInput!) { decideRoyaltyReport(input: $input) { royaltyReport { status disputeReason } } }",
            dispute,
        )
        .await;
    assert_eq!(
        r.data()["decideRoyaltyReport"]["royaltyReport"],
        json!({ "status": "DISPUTED", "disputeReason": "Q2 sales missing" })
    );
    let r = app
        .gql(
            Some(&unibl),
            SUBMIT,
            report(&deal, "2026-01-01", "2026-06-30"),
        )
        .await;
    assert_eq!(
        r.data()["submitRoyaltyReport"]["royaltyReport"]["status"],
        "SUBMITTED"
    );

    // Income: the provider records it; the split adds up to the cent, the odd cent going to
    // the largest remainder.
    let income = json!({ "input": { "dealId": deal, "kind": "ROYALTY", "amount": { "amount": "1000.01", "currency": "EUR" }, "receivedOn": "2026-02-27" } });
    assert_eq!(
        app.gql(Some(&unibl), INCOME, income.clone()).await.code(),
        "FORBIDDEN"
    );
    assert_eq!(
        app.gql(Some(&bg), INCOME, income.clone()).await.code(),
        "NOT_FOUND"
    );
    let r = app.gql(Some(&sumhs), INCOME, income).await;
    let got = &r.data()["recordIncome"]["income"];
    assert_eq!(
        got["amount"],
        json!({ "amount": "1000.01", "currency": "EUR" })
    );
    let d = &got["distribution"];
    assert_eq!(
        money_sum(&d["inventors"]) + money_sum(&d["institutions"]),
        100_001
    );
    assert_eq!(
        d["inventors"],
        json!([
            { "person": { "fullName": "Chen Hong" }, "amount": { "amount": "300.00" } },
            { "person": { "fullName": "Wang Lei" }, "amount": { "amount": "200.00" } },
        ])
    );
    assert_eq!(d["institutions"][0]["amount"]["amount"], "500.01");
    assert_eq!(audit_count(&app, "income.record").await, 1);
    assert_eq!(audit_count(&app, "royaltyReport.submit").await, 2);
    assert_eq!(audit_count(&app, "royaltyReport.decide").await, 2);

    // The licensee sees the incomes, but not the provider's split: it weighs every filing of
    // the technology, unpublished ones included.
    let r = app
        .gql(
            Some(&unibl),
            &format!("query($id: ID!) {{ node(id: $id) {{ ...D }} }} {DEAL}"),
            json!({ "id": deal }),
        )
        .await;
    let incomes = &r.data()["node"]["incomes"];
    assert_eq!(incomes["totalCount"], 3);
    for e in incomes["edges"].as_array().unwrap() {
        let n = &e["node"];
        assert!(n["amount"]["amount"].is_string());
        assert_eq!(n["distribution"], serde_json::Value::Null);
    }
}

#[tokio::test]
async fn money_and_dates_are_validated_with_the_field() {
    let app = TestApp::new().await;
    let deal = demo_licence(&app).await["id"].as_str().unwrap().to_owned();
    let sumhs = app.user_token("member@sumhs.example").await;
    let unibl = app.user_token("member@unibl.example").await;

    let income = |amount: &str, currency: &str| json!({ "input": { "dealId": deal, "kind": "MILESTONE", "amount": { "amount": amount, "currency": currency } } });
    for (amount, currency) in [
        ("12.345", "EUR"),
        ("10.00", "XXX"),
        ("10.00", "CNY"),
        ("0", "EUR"),
    ] {
        let r = app
            .gql(Some(&sumhs), INCOME, income(amount, currency))
            .await;
        assert_eq!(r.code(), "BAD_USER_INPUT", "{amount} {currency}");
        assert_eq!(
            r.body["errors"][0]["extensions"]["field"], "amount",
            "{amount} {currency}"
        );
    }

    let mut usd = report(&deal, "2027-01-01", "2027-06-30");
    usd["input"]["netSales"]["currency"] = json!("USD");
    let mut backwards = report(&deal, "2027-06-30", "2027-01-01");
    backwards["input"]["royaltyDue"]["amount"] = json!("1");
    for (input, field) in [(usd, "netSales"), (backwards, "periodEnd")] {
        let r = app.gql(Some(&unibl), SUBMIT, input).await;
        assert_eq!(r.code(), "BAD_USER_INPUT");
        assert_eq!(r.body["errors"][0]["extensions"]["field"], field);
    }

    let tech = technology_id(&app, "SUMHS-2025-001").await;
    let unibl_id =
        biobridge::graphql::ids::encode("Institution", app.institution_id("unibl").await);
    let base = json!({ "technologyId": tech, "kind": "OPTION", "recipientInstitutionId": unibl_id.0, "currency": "EUR" });
    let with = |extra: Value| {
        let mut input = base.clone();
        input
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        json!({ "input": input })
    };
    for (input, field) in [
        (
            with(json!({ "upfront": { "amount": "1.234", "currency": "EUR" } })),
            "upfront",
        ),
        (
            with(json!({ "upfront": { "amount": "1.00", "currency": "USD" } })),
            "upfront",
        ),
        (with(json!({ "currency": "EURO" })), "currency"),
        (
            with(json!({ "royaltyBasisPoints": 10001 })),
            "royaltyBasisPoints",
        ),
        (
            with(json!({ "recipientExternal": { "name": "Galenika", "country": "RS" } })),
            "recipientInstitutionId",
        ),
        (
            with(
                json!({ "recipientInstitutionId": null, "recipientExternal": { "name": "Galenika", "country": "Serbia" } }),
            ),
            "recipientExternal.country",
        ),
    ] {
        let r = app.gql(Some(&sumhs), CREATE, input).await;
        assert_eq!(r.code(), "BAD_USER_INPUT", "{field}");
        assert_eq!(r.body["errors"][0]["extensions"]["field"], field);
    }

    // Reports only on signed deals; income only on signed deals.
    let fresh = create_licence(&app, &sumhs, "SUMHS-2025-002").await;
    let fresh = fresh["id"].as_str().unwrap();
    let r = app
        .gql(
            Some(&unibl),
            SUBMIT,
            report(fresh, "2026-01-01", "2026-06-30"),
        )
        .await;
    assert_eq!(r.body["errors"][0]["extensions"]["field"], "dealId");
    let r = app
        .gql(Some(&sumhs), INCOME, json!({ "input": { "dealId": fresh, "kind": "UPFRONT", "amount": { "amount": "1.00", "currency": "EUR" } } }))
        .await;
    assert_eq!(r.body["errors"][0]["extensions"]["field"], "dealId");
}

/// An API-token row for `slug` (the secret is irrelevant: nothing authenticates with it here).
async fn insert_token(app: &TestApp, slug: &str, name: &str) -> uuid::Uuid {
    use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
    let institution = app.institution_id(slug).await;
    let manager = entity::user::Entity::find()
        .filter(entity::user::Column::InstitutionId.eq(institution))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    let id = uuid::Uuid::now_v7();
    let now = chrono::Utc::now();
    entity::api_token::ActiveModel {
        id: Set(id),
        institution_id: Set(Some(institution)),
        organization_id: Set(None),
        name: Set(name.into()),
        prefix: Set(format!("bbt_{}", &id.simple().to_string()[20..28])),
        secret_hash: Set(id.simple().to_string().repeat(2)),
        scopes: Set(json!(["deal:read", "deal:write"])),
        created_by: Set(manager),
        expires_at: Set(None),
        revoked_at: Set(None),
        last_used_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    }
    .insert(&app.db)
    .await
    .unwrap();
    id
}

fn api_token_principal(institution: uuid::Uuid, token: uuid::Uuid, scopes: &[&str]) -> Principal {
    Principal {
        kind: PrincipalKind::ApiToken,
        user_id: None,
        api_token_id: Some(token),
        institution: Some(PrincipalInstitution {
            id: institution,
            membership: Membership::Member,
            region: Region::BalkanPeninsula,
        }),
        licensee_of: None,
        role: Some(Role::Member),
        scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
    }
}

/// A partner's ERP submits royalty reports with a `deal:write` token. The HTTP authenticator on
/// this branch accepts JWTs only, so this goes through the service layer with the principal an
/// API token becomes; the scope rules are the same code either way.
#[tokio::test]
async fn a_partner_system_reports_royalties_with_a_scoped_token() {
    use biobridge::service::royalty::{NewRoyaltyReport, submit};

    let app = TestApp::new().await;
    let deal = demo_licence(&app).await["id"].as_str().unwrap().to_owned();
    let deal_id =
        biobridge::graphql::ids::decode_as("id", "Deal", &async_graphql::ID(deal.clone())).unwrap();
    let unibl = app.institution_id("unibl").await;
    let token_id = insert_token(&app, "unibl", "UNIBL ERP").await;
    let input = NewRoyaltyReport {
        deal_id,
        period_start: "2027-01-01".parse().unwrap(),
        period_end: "2027-03-31".parse().unwrap(),
        net_sales: (1_000_000, "EUR".into()),
        royalty_due: (35_000, "EUR".into()),
    };

    let read_only = api_token_principal(unibl, token_id, &["deal:read"]);
    let err = submit(&app.db, &read_only, input.clone())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "FORBIDDEN");
    let write_only = api_token_principal(unibl, token_id, &["deal:write"]);
    let err = submit(&app.db, &write_only, input.clone())
        .await
        .unwrap_err();
    assert_eq!(
        err.code(),
        "NOT_FOUND",
        "without deal:read the deal is not visible"
    );

    let erp = api_token_principal(unibl, token_id, &["deal:read", "deal:write"]);
    submit(&app.db, &erp, input).await.unwrap();
    let sumhs = app.user_token("member@sumhs.example").await;
    let r = app
        .gql(
            Some(&sumhs),
            "query($id: ID!) { node(id: $id) { ... on Deal { royaltyReports(last: 1) { totalCount edges { node { periodStart status submittedBy { kind name institution { slug } user { email } } } } } } } }",
            json!({ "id": deal }),
        )
        .await;
    let reports = &r.data()["node"]["royaltyReports"];
    assert_eq!(reports["totalCount"], 3);
    assert_eq!(
        reports["edges"][0]["node"],
        json!({ "periodStart": "2027-01-01", "status": "SUBMITTED", "submittedBy": {
            "kind": "API_TOKEN", "name": "UNIBL ERP", "institution": { "slug": "unibl" }, "user": null
        } })
    );

    // The token's name is what the deal's history shows for a move made with it.
    let sumhs_id = app.institution_id("sumhs").await;
    let fresh = create_licence(&app, &sumhs, "SUMHS-2025-002").await;
    let fresh_id = biobridge::graphql::ids::decode_as(
        "id",
        "Deal",
        &async_graphql::ID(fresh["id"].as_str().unwrap().into()),
    )
    .unwrap();
    let sumhs_token = insert_token(&app, "sumhs", "SUMHS contract system").await;
    let sumhs_erp = api_token_principal(sumhs_id, sumhs_token, &["deal:read", "deal:write"]);
    biobridge::service::deal::transition(
        &app.db,
        &sumhs_erp,
        fresh_id,
        biobridge::service::deal::Transition {
            to: entity::enums::DealStage::Negotiation,
            note: None,
            expected_version: 1,
            signed_on: None,
        },
    )
    .await
    .unwrap();
    let r = app
        .gql(
            Some(&sumhs),
            "query($id: ID!) { node(id: $id) { ... on Deal { events(last: 1) { edges { node { actorLabel toStage } } } } } }",
            json!({ "id": fresh["id"] }),
        )
        .await;
    assert_eq!(
        r.data()["node"]["events"]["edges"][0]["node"],
        json!({ "actorLabel": "SUMHS contract system", "toStage": "NEGOTIATION" })
    );
}

/// Simultaneous reports for the same period: exactly one is stored, the others are conflicts
/// (the submission locks the deal before checking for overlaps).
#[tokio::test]
async fn simultaneous_overlapping_reports_store_one() {
    let app = TestApp::new().await;
    let deal = demo_licence(&app).await["id"].as_str().unwrap().to_owned();
    let unibl = app.user_token("member@unibl.example").await;
    let input = report(&deal, "2027-01-01", "2027-03-31");
    let replies = futures_util::future::join_all(
        (0..12).map(|_| app.gql(Some(&unibl), SUBMIT, input.clone())),
    )
    .await;
    let stored = replies
        .iter()
        .filter(|r| r.body.get("errors").is_none())
        .count();
    assert_eq!(stored, 1);
    for r in replies.iter().filter(|r| r.body.get("errors").is_some()) {
        assert_eq!(r.code(), "CONFLICT", "{}", r.body);
    }
}
