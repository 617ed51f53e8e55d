//! Licences with their real terms: what is agreed (field of use, territories, exclusivity, term,
//! tiers, annual minimum, sublicensing, diligence, payment terms, milestones) reads back as
//! given; exclusivity is enforced at signing; signing licenses the technology; tiers price the
//! royalty reports; a short year owes the rest of its annual minimum; an achieved milestone
//! records its income. bg, with no part in it, sees none of it.

use chrono::{Days, Months, Utc};
use serde_json::{Value, json};

use crate::deals::technology_id;
use crate::support::TestApp;

const CREATE: &str = "mutation($i: CreateDealInput!) { createDeal(input: $i) { deal { id version stage
  terms { fieldOfUse territories exclusivity effectiveOn expiresOn annualMinimum { amount currency }
          royaltyTiers { fromNetSales { amount } rateBasisPoints } sublicensingAllowed
          sublicenseShareBasisPoints diligence { description dueOn } paymentTermsDays }
  milestones { totalCount edges { node { id description amount { amount } dueOn achievedOn } } } } } }";
const MOVE: &str = "mutation($i: TransitionDealInput!) { transitionDeal(input: $i) { deal { id version stage } } }";
const TECH: &str = "query($id: ID!) { node(id: $id) { ... on Technology { stage version } } }";

fn today() -> chrono::NaiveDate {
    Utc::now().date_naive()
}

/// A licence of SUMHS-2025-003 from sumhs; `recipient` is unibl's global id or an external
/// company; `terms` as given.
async fn open(app: &TestApp, token: &str, kind: &str, to: Value, terms: Value) -> Value {
    let mut input = json!({ "technologyId": technology_id(app, "SUMHS-2025-003").await,
                            "kind": kind, "currency": "EUR", "royaltyBasisPoints": 300, "terms": terms });
    input
        .as_object_mut()
        .unwrap()
        .extend(to.as_object().unwrap().clone());
    let r = app.gql(Some(token), CREATE, json!({ "i": input })).await;
    r.data()["createDeal"]["deal"].clone()
}

fn galenika() -> Value {
    json!({ "recipientExternal": { "name": "Galenika a.d.", "country": "RS" } })
}

/// Moves `deal` to SIGNED (signed on `on`); the reply as it comes.
async fn sign(
    app: &TestApp,
    token: &str,
    deal: &Value,
    on: chrono::NaiveDate,
) -> crate::support::Reply {
    let mut version = deal["version"].clone();
    for to in ["NEGOTIATION", "TERM_SHEET"] {
        let r = app
            .gql(
                Some(token),
                MOVE,
                json!({ "i": { "id": deal["id"], "to": to, "expectedVersion": version } }),
            )
            .await;
        version = r.data()["transitionDeal"]["deal"]["version"].clone();
    }
    app.gql(
        Some(token),
        MOVE,
        json!({ "i": { "id": deal["id"], "to": "SIGNED", "expectedVersion": version, "signedOn": on.to_string() } }),
    )
    .await
}

#[tokio::test]
async fn a_licence_keeps_its_terms_and_checks_them() {
    let app = TestApp::new().await;
    let sumhs = app.user_token("member@sumhs.example").await;
    let terms = json!({
        "fieldOfUse": "in-vitro diagnostics", "territories": ["rs", "WESTERN_BALKANS", "EU"],
        "exclusivity": "SOLE", "effectiveOn": "2027-01-01", "expiresOn": "2036-12-31",
        "annualMinimum": { "amount": "10000.00", "currency": "EUR" },
        "royaltyTiers": [
            { "fromNetSales": { "amount": "0", "currency": "EUR" }, "rateBasisPoints": 500 },
            { "fromNetSales": { "amount": "1000000", "currency": "EUR" }, "rateBasisPoints": 300 }
        ],
        "sublicensingAllowed": true, "sublicenseShareBasisPoints": 2500,
        "diligence": [{ "description": "File for CE marking", "dueOn": "2028-06-30" }],
        "paymentTermsDays": 45,
        "milestones": [{ "description": "CE marking", "amount": { "amount": "50000", "currency": "EUR" }, "dueOn": "2029-01-01" }]
    });
    let deal = open(&app, &sumhs, "EXCLUSIVE_LICENSE", galenika(), terms).await;
    assert_eq!(
        deal["terms"],
        json!({
            "fieldOfUse": "in-vitro diagnostics", "territories": ["RS", "WESTERN_BALKANS", "EU"],
            "exclusivity": "SOLE", "effectiveOn": "2027-01-01", "expiresOn": "2036-12-31",
            "annualMinimum": { "amount": "10000.00", "currency": "EUR" },
            "royaltyTiers": [
                { "fromNetSales": { "amount": "0.00" }, "rateBasisPoints": 500 },
                { "fromNetSales": { "amount": "1000000.00" }, "rateBasisPoints": 300 }
            ],
            "sublicensingAllowed": true, "sublicenseShareBasisPoints": 2500,
            "diligence": [{ "description": "File for CE marking", "dueOn": "2028-06-30" }],
            "paymentTermsDays": 45
        })
    );
    assert_eq!(deal["milestones"]["totalCount"], 1);
    assert_eq!(
        deal["milestones"]["edges"][0]["node"]["amount"],
        json!({ "amount": "50000.00" })
    );

    // Each wrong term is refused with its field.
    let tech = technology_id(&app, "SUMHS-2025-003").await;
    for (terms, kind, field) in [
        (
            json!({ "territories": ["Western Balkans"] }),
            "EXCLUSIVE_LICENSE",
            "terms.territories",
        ),
        (
            json!({ "exclusivity": "EXCLUSIVE" }),
            "NON_EXCLUSIVE_LICENSE",
            "terms.exclusivity",
        ),
        (
            json!({ "exclusivity": "SOLE" }),
            "OPTION",
            "terms.exclusivity",
        ),
        (
            json!({ "effectiveOn": "2027-01-01", "expiresOn": "2026-12-31" }),
            "EXCLUSIVE_LICENSE",
            "terms.expiresOn",
        ),
        (
            json!({ "royaltyTiers": [{ "fromNetSales": { "amount": "5", "currency": "EUR" }, "rateBasisPoints": 100 }] }),
            "EXCLUSIVE_LICENSE",
            "terms.royaltyTiers",
        ),
        (
            json!({ "sublicenseShareBasisPoints": 2000 }),
            "EXCLUSIVE_LICENSE",
            "terms.sublicenseShareBasisPoints",
        ),
        (
            json!({ "annualMinimum": { "amount": "10", "currency": "CNY" } }),
            "EXCLUSIVE_LICENSE",
            "terms.annualMinimum",
        ),
    ] {
        let input = json!({ "technologyId": tech, "kind": kind, "currency": "EUR", "terms": terms,
                            "recipientExternal": { "name": "Galenika a.d.", "country": "RS" } });
        let r = app.gql(Some(&sumhs), CREATE, json!({ "i": input })).await;
        assert_eq!(r.code(), "BAD_USER_INPUT", "{terms}: {}", r.body);
        assert_eq!(
            r.body["errors"][0]["extensions"]["field"], field,
            "{}",
            r.body
        );
    }
}

#[tokio::test]
async fn exclusive_licences_cannot_overlap_and_signing_licenses_the_technology() {
    let app = TestApp::new().await;
    let sumhs = app.user_token("member@sumhs.example").await;
    let bg = app.user_token("member@bg.example").await;
    let tech = technology_id(&app, "SUMHS-2025-003").await;
    let stage = async || {
        app.gql(Some(&sumhs), TECH, json!({ "id": tech }))
            .await
            .data()["node"]["stage"]
            .clone()
    };
    assert_eq!(stage().await, "PROTECTION");

    let serbia = json!({ "fieldOfUse": "in-vitro diagnostics", "territories": ["RS"],
                         "effectiveOn": "2026-01-01", "expiresOn": "2035-12-31" });
    let first = open(&app, &sumhs, "EXCLUSIVE_LICENSE", galenika(), serbia).await;
    sign(&app, &sumhs, &first, today()).await.data();
    // Signing moved the technology to LICENSED, in its history too.
    assert_eq!(stage().await, "LICENSED");
    let admin = app.user_token("admin@center.example").await;
    let history = app
        .gql(Some(&admin), "{ auditEvents(first: 100, filter: { action: \"technology.transition\" }) { totalCount edges { node { changes } } } }", json!({}))
        .await;
    assert_eq!(
        history.data()["auditEvents"]["totalCount"],
        1,
        "{}",
        history.body
    );
    assert_eq!(
        history.data()["auditEvents"]["edges"][0]["node"]["changes"]["to"],
        "LICENSED"
    );

    // An exclusive licence for the Western Balkans (Serbia among them) in the same field
    // overlaps: it cannot be signed, and the error names the licence in the way.
    let unibl = json!({ "recipientInstitutionId": biobridge::graphql::ids::encode("Institution", app.institution_id("unibl").await).0 });
    let balkans = json!({ "fieldOfUse": "In-vitro diagnostics", "territories": ["WESTERN_BALKANS"],
                          "effectiveOn": "2030-01-01" });
    let second = open(&app, &sumhs, "EXCLUSIVE_LICENSE", unibl.clone(), balkans).await;
    let r = sign(&app, &sumhs, &second, today()).await;
    assert_eq!(r.code(), "CONFLICT", "{}", r.body);
    let message = r.body["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("Galenika a.d."), "{message}");
    assert!(r.body["data"].is_null() || r.body["data"]["transitionDeal"].is_null());
    // Nothing was half-written: the deal is still at TERM_SHEET.
    let q = "query($id: ID!) { node(id: $id) { ... on Deal { stage } } }";
    let d = app
        .gql(Some(&sumhs), q, json!({ "id": second["id"] }))
        .await;
    assert_eq!(d.data()["node"]["stage"], "TERM_SHEET");

    // In another field of use, or as a non-exclusive licence elsewhere, it can be signed.
    let vet = json!({ "fieldOfUse": "veterinary diagnostics", "territories": ["WESTERN_BALKANS"] });
    let third = open(&app, &sumhs, "EXCLUSIVE_LICENSE", unibl.clone(), vet).await;
    sign(&app, &sumhs, &third, today()).await.data();
    let croatia = json!({ "territories": ["HR"] });
    let fourth = open(&app, &sumhs, "NON_EXCLUSIVE_LICENSE", unibl, croatia).await;
    sign(&app, &sumhs, &fourth, today()).await.data();
    // A non-exclusive licence inside the exclusive one's scope cannot.
    let inside =
        json!({ "fieldOfUse": "in-vitro diagnostics", "territories": ["BALKAN_PENINSULA"] });
    let fifth = open(&app, &sumhs, "NON_EXCLUSIVE_LICENSE", galenika(), inside).await;
    assert_eq!(sign(&app, &sumhs, &fifth, today()).await.code(), "CONFLICT");

    // A licensed technology may spin out.
    let version = app
        .gql(Some(&sumhs), TECH, json!({ "id": tech }))
        .await
        .data()["node"]["version"]
        .clone();
    let r = app
        .gql(
            Some(&sumhs),
            "mutation($i: TransitionTechnologyInput!) { transitionTechnology(input: $i) { technology { stage } } }",
            json!({ "i": { "id": tech, "to": "SPUN_OUT", "expectedVersion": version } }),
        )
        .await;
    assert_eq!(
        r.data()["transitionTechnology"]["technology"]["stage"],
        "SPUN_OUT"
    );

    // bg sees none of these deals.
    let r = app
        .gql(Some(&bg), "{ deals { totalCount } }", json!({}))
        .await;
    let before = r.data()["deals"]["totalCount"].clone();
    for d in [&first, &second, &third, &fourth, &fifth] {
        let r = app.gql(Some(&bg), q, json!({ "id": d["id"] })).await;
        assert_eq!(r.data()["node"], Value::Null);
    }
    assert_eq!(before, 0);
}

#[tokio::test]
async fn tiers_price_reports_minimums_fall_due_and_milestones_pay() {
    let app = TestApp::new().await;
    let sumhs = app.user_token("member@sumhs.example").await;
    let unibl = app.user_token("member@unibl.example").await;
    let bg = app.user_token("member@bg.example").await;
    // Signed two years and a month ago: two licence years have ended.
    let start = today().checked_sub_months(Months::new(25)).unwrap();
    let terms = json!({
        "effectiveOn": start.to_string(),
        "annualMinimum": { "amount": "10000.00", "currency": "EUR" },
        "royaltyTiers": [
            { "fromNetSales": { "amount": "0", "currency": "EUR" }, "rateBasisPoints": 500 },
            { "fromNetSales": { "amount": "100000", "currency": "EUR" }, "rateBasisPoints": 300 }
        ],
        "paymentTermsDays": 30,
        "milestones": [{ "description": "First commercial sale", "amount": { "amount": "25000", "currency": "EUR" } }]
    });
    let recipient = json!({ "recipientInstitutionId": biobridge::graphql::ids::encode("Institution", app.institution_id("unibl").await).0 });
    let deal = open(&app, &sumhs, "EXCLUSIVE_LICENSE", recipient, terms).await;
    sign(&app, &sumhs, &deal, start).await.data();

    // unibl reports 150 000.00 of sales in the first year: 5% of 100 000 + 3% of 50 000.
    let period_end = start + Days::new(180);
    let r = app
        .gql(
            Some(&unibl),
            "mutation($i: SubmitRoyaltyReportInput!) { submitRoyaltyReport(input: $i) { royaltyReport { royaltyDue { amount } expectedRoyaltyDue { amount currency } } } }",
            json!({ "i": { "dealId": deal["id"], "periodStart": start.to_string(), "periodEnd": period_end.to_string(),
                           "netSales": { "amount": "150000.00", "currency": "EUR" },
                           "royaltyDue": { "amount": "6500.00", "currency": "EUR" } } }),
        )
        .await;
    assert_eq!(
        r.data()["submitRoyaltyReport"]["royaltyReport"]["expectedRoyaltyDue"],
        json!({ "amount": "6500.00", "currency": "EUR" })
    );

    // Year one fell 3 500.00 short of its minimum, year two (no sales) 10 000.00.
    let q = "query($id: ID!) { node(id: $id) { ... on Deal { expectedIncomes { kind amount { amount } periodStart periodEnd dueOn } } } }";
    let expected = |r: &crate::support::Reply| r.data()["node"]["expectedIncomes"].clone();
    let r = app.gql(Some(&sumhs), q, json!({ "id": deal["id"] })).await;
    let year_two = start.checked_add_months(Months::new(12)).unwrap();
    let year_one_end = year_two.pred_opt().unwrap();
    assert_eq!(
        expected(&r),
        json!([
            { "kind": "ANNUAL_MINIMUM", "amount": { "amount": "3500.00" }, "periodStart": start.to_string(),
              "periodEnd": year_one_end.to_string(), "dueOn": (year_one_end + Days::new(30)).to_string() },
            { "kind": "ANNUAL_MINIMUM", "amount": { "amount": "10000.00" }, "periodStart": year_two.to_string(),
              "periodEnd": start.checked_add_months(Months::new(24)).unwrap().pred_opt().unwrap().to_string(),
              "dueOn": (start.checked_add_months(Months::new(24)).unwrap().pred_opt().unwrap() + Days::new(30)).to_string() }
        ])
    );
    // The licensee sees what it owes too; bg sees no deal at all.
    assert_eq!(
        expected(&app.gql(Some(&unibl), q, json!({ "id": deal["id"] })).await),
        expected(&r)
    );
    assert_eq!(
        app.gql(Some(&bg), q, json!({ "id": deal["id"] }))
            .await
            .data()["node"],
        Value::Null
    );

    // The first year's shortfall is paid: only the second year is still expected.
    let paid_on = year_one_end + Days::new(20);
    app.gql(
        Some(&sumhs),
        "mutation($i: RecordIncomeInput!) { recordIncome(input: $i) { income { id } } }",
        json!({ "i": { "dealId": deal["id"], "kind": "ANNUAL_MINIMUM", "receivedOn": paid_on.to_string(),
                       "amount": { "amount": "3500.00", "currency": "EUR" } } }),
    )
    .await
    .data();
    let r = app.gql(Some(&sumhs), q, json!({ "id": deal["id"] })).await;
    assert_eq!(expected(&r).as_array().unwrap().len(), 1, "{}", r.body);
    assert_eq!(expected(&r)[0]["periodStart"], year_two.to_string());

    // The milestone is achieved: its income is recorded with it, once, by the provider only.
    let milestone = deal["milestones"]["edges"][0]["node"]["id"].clone();
    const ACHIEVE: &str = "mutation($i: AchieveDealMilestoneInput!) { achieveDealMilestone(input: $i) { milestone { achievedOn income { kind amount { amount } } } } }";
    let input = json!({ "i": { "id": milestone, "achievedOn": today().to_string() } });
    assert_eq!(
        app.gql(Some(&bg), ACHIEVE, input.clone()).await.code(),
        "NOT_FOUND"
    );
    assert_eq!(
        app.gql(Some(&unibl), ACHIEVE, input.clone()).await.code(),
        "FORBIDDEN"
    );
    let r = app.gql(Some(&sumhs), ACHIEVE, input.clone()).await;
    assert_eq!(
        r.data()["achieveDealMilestone"]["milestone"],
        json!({ "achievedOn": today().to_string(), "income": { "kind": "MILESTONE", "amount": { "amount": "25000.00" } } })
    );
    assert_eq!(
        app.gql(Some(&sumhs), ACHIEVE, input).await.code(),
        "BAD_USER_INPUT"
    );
    let incomes = "query($id: ID!) { node(id: $id) { ... on Deal { incomes { totalCount } milestones { totalCount } } } }";
    let r = app
        .gql(Some(&unibl), incomes, json!({ "id": deal["id"] }))
        .await;
    assert_eq!(
        r.data()["node"],
        json!({ "incomes": { "totalCount": 2 }, "milestones": { "totalCount": 1 } })
    );
}
