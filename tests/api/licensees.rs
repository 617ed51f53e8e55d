//! Licensee accounts (issue 7): an external organisation receiving a licence gets users and
//! API tokens of its own. unibl's admin invites Hemofarm a.d. (RS), the recipient of unibl's
//! licence of UNIBL-2025-002; the invitee accepts with a password and logs in; the account sees
//! that deal and reports royalties on it — and nothing a bg member does not, and cannot write
//! anything else. The admin suspends and reactivates it.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::support::{Reply, TestApp};

const INVITE: &str = "mutation($i: InviteLicenseeInput!) { inviteLicensee(input: $i) { invitationToken expiresAt email licensee { id name country region identifier suspendedAt registeredBy { slug } } } }";
// The payloads' nested fields resolve as the (anonymous) caller: `me` shows the organisation.
const ACCEPT: &str = "mutation($i: AcceptLicenseeInvitationInput!) { acceptLicenseeInvitation(input: $i) { accessToken user { email role institution { slug } } } }";
const LOGIN: &str = "mutation($i: LoginInput!) { login(input: $i) { accessToken user { role } } }";
const SUSPEND: &str = "mutation($id: ID!) { suspendLicensee(input: { externalOrganizationId: $id }) { licensee { id suspendedAt } } }";
const REACTIVATE: &str = "mutation($id: ID!) { reactivateLicensee(input: { externalOrganizationId: $id }) { licensee { id suspendedAt } } }";
const REPORT: &str = "mutation($i: SubmitRoyaltyReportInput!) { submitRoyaltyReport(input: $i) { royaltyReport { id status submittedBy { kind name user { email } licensee { name } } } } }";
const PASSWORD: &str = "hemofarm-licensing-2026";

/// What a viewer can count across the registry.
const TOTALS: &str = "{
  technologies { totalCount } ipAssets { totalCount } deals { totalCount }
  people { totalCount } ventures { totalCount } trainingPrograms { totalCount }
  agreements { totalCount }
  upcomingDeadlines(withinDays: 3650) { totalCount }
}";

fn hemofarm_deal_query() -> &'static str {
    "{ deals(first: 100) { edges { node { id version stage recipient { ... on ExternalOrganization { name } } } } } }"
}

/// unibl's Hemofarm deal (id, version), as unibl's member sees it.
async fn the_hemofarm_deal(app: &TestApp) -> (Value, i64) {
    let unibl = app.user_token("member@unibl.example").await;
    let r = app
        .gql(Some(&unibl), hemofarm_deal_query(), json!({}))
        .await;
    let deal = r.data()["deals"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["node"])
        .find(|d| d["recipient"]["name"] == "Hemofarm a.d.")
        .unwrap()
        .clone();
    (deal["id"].clone(), deal["version"].as_i64().unwrap())
}

/// unibl moves the Hemofarm deal from NEGOTIATION to SIGNED.
async fn sign(app: &TestApp, deal: &Value, mut version: i64) {
    let unibl = app.user_token("member@unibl.example").await;
    for (to, extra) in [
        ("TERM_SHEET", json!({})),
        ("SIGNED", json!({ "signedOn": "2026-02-01" })),
    ] {
        let mut input = json!({ "id": deal, "to": to, "expectedVersion": version });
        input
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        let r = app
            .gql(
                Some(&unibl),
                "mutation($i: TransitionDealInput!) { transitionDeal(input: $i) { deal { version } } }",
                json!({ "i": input }),
            )
            .await;
        version = r.data()["transitionDeal"]["deal"]["version"]
            .as_i64()
            .unwrap();
    }
}

async fn invite(app: &TestApp, admin: &str, input: Value) -> Reply {
    app.gql(Some(admin), INVITE, json!({ "i": input })).await
}

async fn accept(app: &TestApp, token: &Value, password: &str) -> Reply {
    app.gql(
        None,
        ACCEPT,
        json!({ "i": { "token": token, "password": password } }),
    )
    .await
}

/// Invites and accepts `email` for the Hemofarm deal; (licensee id, access token).
async fn hemofarm_account(app: &TestApp, email: &str) -> (Value, String) {
    let manager = app.user_token("manager@unibl.example").await;
    let (deal, _) = the_hemofarm_deal(app).await;
    let r = invite(
        app,
        &manager,
        json!({ "dealId": deal, "email": email, "displayName": "Hemofarm licensing" }),
    )
    .await;
    let invited = r.data()["inviteLicensee"].clone();
    let r = accept(app, &invited["invitationToken"], PASSWORD).await;
    let token = r.data()["acceptLicenseeInvitation"]["accessToken"]
        .as_str()
        .unwrap()
        .to_owned();
    (invited["licensee"]["id"].clone(), token)
}

fn report_input(deal: &Value, start: &str, end: &str) -> Value {
    json!({ "i": { "dealId": deal, "periodStart": start, "periodEnd": end,
                   "netSales": { "amount": "80000.00", "currency": "EUR" },
                   "royaltyDue": { "amount": "3600.00", "currency": "EUR" } } })
}

#[tokio::test]
async fn an_invited_licensee_accepts_logs_in_and_sees_only_its_deal() {
    let app = TestApp::new().await;
    let manager = app.user_token("manager@unibl.example").await;
    let (deal, _) = the_hemofarm_deal(&app).await;
    let r = invite(
        &app,
        &manager,
        json!({ "dealId": deal, "identifier": "RS-07042701", "email": " Licensing@Hemofarm.example ",
                "displayName": "Hemofarm licensing" }),
    )
    .await;
    let invited = r.data()["inviteLicensee"].clone();
    let token = invited["invitationToken"].as_str().unwrap();
    assert!(token.starts_with("bbi_") && token.len() > 40, "{token}");
    assert_eq!(invited["email"], "licensing@hemofarm.example");
    assert_eq!(
        invited["licensee"],
        json!({ "id": invited["licensee"]["id"], "name": "Hemofarm a.d.", "country": "RS",
                "region": "BALKAN_PENINSULA", "identifier": "RS-07042701", "suspendedAt": null,
                "registeredBy": { "slug": "unibl" } })
    );
    // Only the token's hash is stored.
    let stored = entity::licensee_invitation::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_ne!(stored.token_hash, token);
    assert!(!stored.token_hash.contains(&token[4..]));
    // The deal now names its licensee.
    let q = "query($id: ID!) { node(id: $id) { ... on Deal { licensee { name } } } }";
    let unibl = app.user_token("member@unibl.example").await;
    let r = app.gql(Some(&unibl), q, json!({ "id": deal })).await;
    assert_eq!(r.data()["node"]["licensee"]["name"], "Hemofarm a.d.");

    // Accepting creates the account and logs it in.
    let r = accept(&app, &invited["invitationToken"], PASSWORD).await;
    let done = r.data()["acceptLicenseeInvitation"].clone();
    assert_eq!(
        done["user"],
        json!({ "email": "licensing@hemofarm.example", "role": "LICENSEE", "institution": null })
    );
    // Once only.
    let again = accept(&app, &invited["invitationToken"], PASSWORD).await;
    assert_eq!(again.code(), "BAD_USER_INPUT");
    assert_eq!(again.body["errors"][0]["extensions"]["field"], "token");
    // Login works like anyone's.
    let r = app
        .gql(
            None,
            LOGIN,
            json!({ "i": { "email": "licensing@hemofarm.example", "password": PASSWORD } }),
        )
        .await;
    assert_eq!(r.data()["login"]["user"], json!({ "role": "LICENSEE" }));
    let hemofarm = r.data()["login"]["accessToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let me = app
        .gql(
            Some(&hemofarm),
            "{ me { kind role institution { slug } licensee { name } user { email } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        me.data()["me"],
        json!({ "kind": "USER", "role": "LICENSEE", "institution": null,
                "licensee": { "name": "Hemofarm a.d." }, "user": { "email": "licensing@hemofarm.example" } })
    );

    // Its deal, with its terms and history; no other deal.
    let r = app
        .gql(
            Some(&hemofarm),
            "{ deals { totalCount edges { node { id kind stage royaltyBasisPoints provider { slug } events { totalCount } technology { reference inventors { totalCount } } } } } }",
            json!({}),
        )
        .await;
    let deals = &r.data()["deals"];
    assert_eq!(deals["totalCount"], 1, "{deals}");
    let d = &deals["edges"][0]["node"];
    assert_eq!(d["id"], deal);
    assert_eq!(
        (&d["kind"], &d["royaltyBasisPoints"], &d["provider"]["slug"]),
        (&json!("EXCLUSIVE_LICENSE"), &json!(450), &json!("unibl"))
    );
    assert_eq!(d["events"]["totalCount"], 2);
    // The licensed technology, but not its inventors (people are the members' business).
    assert_eq!(d["technology"]["reference"], "UNIBL-2025-002");
    assert_eq!(d["technology"]["inventors"]["totalCount"], 0);

    // Anonymous plus its deal: nothing a bg member sees besides.
    let anonymous = app.gql(None, TOTALS, json!({})).await.data().clone();
    let mine = app
        .gql(Some(&hemofarm), TOTALS, json!({}))
        .await
        .data()
        .clone();
    let mut expected = anonymous.clone();
    expected["deals"]["totalCount"] = json!(1);
    assert_eq!(mine, expected);
    // Statistics, accounts and the audit trail are not for licensees.
    let r = app
        .gql(
            Some(&hemofarm),
            "{ statistics { from inventionDisclosures { total { count } } } }",
            json!({}),
        )
        .await;
    assert_eq!(r.code(), "FORBIDDEN", "{}", r.body);
    let r = app
        .gql(
            Some(&hemofarm),
            "{ users { totalCount } auditEvents { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(
        r.data(),
        &json!({ "users": { "totalCount": 1 }, "auditEvents": { "totalCount": 0 } })
    );
}

#[tokio::test]
async fn a_licensee_reports_royalties_by_login_and_by_api_token_and_writes_nothing_else() {
    let app = TestApp::new().await;
    let (deal, version) = the_hemofarm_deal(&app).await;
    let (_, hemofarm) = hemofarm_account(&app, "licensing@hemofarm.example").await;
    // Not before signing, like any licensee.
    let r = app
        .gql(
            Some(&hemofarm),
            REPORT,
            report_input(&deal, "2026-02-01", "2026-03-31"),
        )
        .await;
    assert_eq!(r.code(), "BAD_USER_INPUT");
    sign(&app, &deal, version + 1).await;
    let r = app
        .gql(
            Some(&hemofarm),
            REPORT,
            report_input(&deal, "2026-02-01", "2026-03-31"),
        )
        .await;
    let report = r.data()["submitRoyaltyReport"]["royaltyReport"].clone();
    assert_eq!(report["status"], "SUBMITTED");
    assert_eq!(
        report["submittedBy"]["user"]["email"], "licensing@hemofarm.example",
        "{report}"
    );
    // The provider sees it and accepts it; the licensee sees the decision.
    let unibl = app.user_token("member@unibl.example").await;
    let r = app
        .gql(
            Some(&unibl),
            "mutation($id: ID!) { decideRoyaltyReport(input: { id: $id, status: ACCEPTED }) { royaltyReport { status } } }",
            json!({ "id": report["id"] }),
        )
        .await;
    assert_eq!(
        r.data()["decideRoyaltyReport"]["royaltyReport"]["status"],
        "ACCEPTED"
    );
    let r = app
        .gql(
            Some(&hemofarm),
            "query($id: ID!) { node(id: $id) { ... on RoyaltyReport { status } } }",
            json!({ "id": report["id"] }),
        )
        .await;
    assert_eq!(r.data()["node"]["status"], "ACCEPTED");

    // Its own system reports with an API token its user makes: deal scopes only.
    let create = "mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token apiToken { id scopes institution { slug } licensee { name } } } }";
    let r = app
        .gql(
            Some(&hemofarm),
            create,
            json!({ "i": { "name": "ERP", "scopes": ["deal:read", "venture:read"] } }),
        )
        .await;
    assert_eq!(r.code(), "BAD_USER_INPUT");
    assert_eq!(r.body["errors"][0]["extensions"]["field"], "scopes");
    let r = app
        .gql(
            Some(&hemofarm),
            create,
            json!({ "i": { "name": "ERP", "scopes": ["deal:read", "deal:write"] } }),
        )
        .await;
    let created = r.data()["createApiToken"].clone();
    assert_eq!(
        created["apiToken"]["licensee"]["name"], "Hemofarm a.d.",
        "{created}"
    );
    assert_eq!(created["apiToken"]["institution"], Value::Null);
    let erp = created["token"].as_str().unwrap().to_owned();
    let r = app
        .gql(
            Some(&erp),
            "{ me { kind role licensee { name } } deals { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(
        r.data(),
        &json!({ "me": { "kind": "API_TOKEN", "role": "LICENSEE", "licensee": { "name": "Hemofarm a.d." } },
                 "deals": { "totalCount": 1 } })
    );
    let r = app
        .gql(
            Some(&erp),
            REPORT,
            report_input(&deal, "2026-04-01", "2026-06-30"),
        )
        .await;
    assert_eq!(
        r.data()["submitRoyaltyReport"]["royaltyReport"]["status"],
        "SUBMITTED"
    );
    // Its user lists and revokes its tokens; nobody of unibl's sees them.
    let r = app
        .gql(Some(&hemofarm), "{ apiTokens { totalCount } }", json!({}))
        .await;
    assert_eq!(r.data()["apiTokens"]["totalCount"], 1);
    let unibl_admin = app.user_token("manager@unibl.example").await;
    let r = app
        .gql(
            Some(&unibl_admin),
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": created["apiToken"]["id"] }),
        )
        .await;
    assert_eq!(r.data()["node"], Value::Null);

    // Nothing else: not the provider's moves, not income, not the registry.
    for (q, vars) in [
        (
            "mutation($id: ID!, $v: Int!) { transitionDeal(input: { id: $id, to: ACTIVE, expectedVersion: $v }) { deal { id } } }",
            json!({ "id": deal, "v": version + 3 }),
        ),
        (
            "mutation($id: ID!) { recordIncome(input: { dealId: $id, kind: ROYALTY, amount: { amount: \"1.00\", currency: \"EUR\" }, receivedOn: \"2026-07-01\" }) { income { id } } }",
            json!({ "id": deal }),
        ),
        (
            "mutation { createTechnology(input: { title: \"x\", summary: \"y\", field: OTHER, trl: 1, visibility: PUBLIC }) { technology { id } } }",
            json!({}),
        ),
        (
            "mutation { createPerson(input: { fullName: \"Ana\" }) { person { id } } }",
            json!({}),
        ),
    ] {
        for who in [&hemofarm, &erp] {
            let r = app.gql(Some(who), q, vars.clone()).await;
            assert_eq!(r.code(), "FORBIDDEN", "{q}: {}", r.body);
        }
    }
    // A deal it does not receive is absent, for reports as for reads.
    let sumhs = app.user_token("member@sumhs.example").await;
    let other = app
        .gql(
            Some(&sumhs),
            "{ deals(first: 1) { edges { node { id } } } }",
            json!({}),
        )
        .await
        .data()["deals"]["edges"][0]["node"]["id"]
        .clone();
    let r = app
        .gql(
            Some(&hemofarm),
            REPORT,
            report_input(&other, "2026-01-01", "2026-01-31"),
        )
        .await;
    assert_eq!(r.code(), "NOT_FOUND");
}

#[tokio::test]
async fn only_the_provider_s_admins_invite_and_invitations_are_checked() {
    let app = TestApp::new().await;
    let (deal, _) = the_hemofarm_deal(&app).await;
    let input = json!({ "dealId": deal, "email": "a@hemofarm.example", "displayName": "A" });
    // A member (not an admin) of the provider; another institution's admin; bg.
    let unibl_member = app.user_token("member@unibl.example").await;
    assert_eq!(
        invite(&app, &unibl_member, input.clone()).await.code(),
        "FORBIDDEN"
    );
    for outsider in ["manager@sumhs.example", "member@bg.example"] {
        let t = app.user_token(outsider).await;
        assert_eq!(
            invite(&app, &t, input.clone()).await.code(),
            "NOT_FOUND",
            "{outsider}"
        );
    }
    assert_eq!(
        app.gql(None, INVITE, json!({ "i": input.clone() }))
            .await
            .code(),
        "UNAUTHENTICATED"
    );
    let manager = app.user_token("manager@unibl.example").await;
    for (bad, field) in [
        (json!({ "email": "not-an-address" }), "email"),
        (json!({ "displayName": " " }), "displayName"),
        (json!({ "dealId": null }), "dealId"),
        (json!({ "dealId": "not-an-id" }), "dealId"),
    ] {
        let mut i = input.clone();
        i.as_object_mut()
            .unwrap()
            .extend(bad.as_object().unwrap().clone());
        let r = invite(&app, &manager, i).await;
        assert_eq!(r.code(), "BAD_USER_INPUT", "{field}: {}", r.body);
        assert_eq!(r.body["errors"][0]["extensions"]["field"], field);
    }
    // A partner institution's deal: its admins give it accounts.
    let sumhs_admin = app.user_token("manager@sumhs.example").await;
    let partner_deal = app
        .gql(
            Some(&sumhs_admin),
            "{ deals(first: 100) { edges { node { id recipient { ... on Institution { slug } } } } } }",
            json!({}),
        )
        .await
        .data()["deals"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["node"]["recipient"]["slug"] == "unibl")
        .unwrap()["node"]["id"]
        .clone();
    let r = invite(
        &app,
        &sumhs_admin,
        json!({ "dealId": partner_deal, "email": "x@unibl.example", "displayName": "X" }),
    )
    .await;
    assert_eq!(r.code(), "BAD_USER_INPUT");
    // Nothing was written by the refused invitations.
    assert_eq!(
        entity::licensee_invitation::Entity::find()
            .all(&app.db)
            .await
            .unwrap()
            .len(),
        0
    );

    // Unknown, expired or short-password acceptances.
    let r = accept(&app, &json!("bbi_nothing"), PASSWORD).await;
    assert_eq!(r.body["errors"][0]["extensions"]["field"], "token");
    let invited = invite(&app, &manager, input.clone()).await.data()["inviteLicensee"].clone();
    let r = accept(&app, &invited["invitationToken"], "short").await;
    assert_eq!(r.body["errors"][0]["extensions"]["field"], "password");
    use sea_orm::{ActiveModelTrait, Set};
    let row = entity::licensee_invitation::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let mut expired: entity::licensee_invitation::ActiveModel = row.into();
    expired.expires_at = Set(chrono::Utc::now() - chrono::Duration::seconds(1));
    expired.update(&app.db).await.unwrap();
    let r = accept(&app, &invited["invitationToken"], PASSWORD).await;
    assert_eq!(r.code(), "BAD_USER_INPUT");
    assert_eq!(r.body["errors"][0]["extensions"]["field"], "token");
    assert!(
        entity::user::Entity::find()
            .filter(entity::user::Column::Email.eq("a@hemofarm.example"))
            .one(&app.db)
            .await
            .unwrap()
            .is_none()
    );
    // Licensee accounts come from invitations, not createUser.
    let r = app
        .gql(
            Some(&manager),
            "mutation { createUser(input: { email: \"b@hemofarm.example\", displayName: \"B\", role: LICENSEE, password: \"long-enough-password\" }) { user { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(r.body["errors"][0]["extensions"]["field"], "role");
}

#[tokio::test]
async fn a_suspended_licensee_cannot_log_in_nor_use_its_tokens_until_reactivated() {
    let app = TestApp::new().await;
    let (licensee, hemofarm) = hemofarm_account(&app, "licensing@hemofarm.example").await;
    let erp = app
        .gql(
            Some(&hemofarm),
            "mutation { createApiToken(input: { name: \"ERP\", scopes: [\"deal:read\"] }) { token } }",
            json!({}),
        )
        .await
        .data()["createApiToken"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let deals = "{ deals { totalCount } }";
    assert_eq!(
        app.gql(Some(&erp), deals, json!({})).await.data()["deals"]["totalCount"],
        1
    );
    // Only the registering institution's admins (and the center's) suspend it.
    for (who, code) in [
        ("member@unibl.example", "FORBIDDEN"),
        ("manager@sumhs.example", "NOT_FOUND"),
        ("member@bg.example", "NOT_FOUND"),
    ] {
        let t = app.user_token(who).await;
        let r = app.gql(Some(&t), SUSPEND, json!({ "id": licensee })).await;
        assert_eq!(r.code(), code, "{who}");
    }
    let r = app
        .gql(Some(&hemofarm), SUSPEND, json!({ "id": licensee }))
        .await;
    assert_eq!(r.code(), "FORBIDDEN");
    let manager = app.user_token("manager@unibl.example").await;
    let r = app
        .gql(Some(&manager), SUSPEND, json!({ "id": licensee }))
        .await;
    assert!(r.data()["suspendLicensee"]["licensee"]["suspendedAt"].is_string());

    for credential in [&hemofarm, &erp] {
        let r = app.gql(Some(credential), deals, json!({})).await;
        assert_eq!(r.status, 401, "{}", r.body);
        assert_eq!(r.code(), "UNAUTHENTICATED");
    }
    let login = json!({ "i": { "email": "licensing@hemofarm.example", "password": PASSWORD } });
    assert_eq!(
        app.gql(None, LOGIN, login.clone()).await.code(),
        "UNAUTHENTICATED"
    );
    // No new accounts while suspended.
    let (deal, _) = the_hemofarm_deal(&app).await;
    let r = invite(
        &app,
        &manager,
        json!({ "dealId": deal, "email": "b@hemofarm.example", "displayName": "B" }),
    )
    .await;
    assert_eq!(r.code(), "BAD_USER_INPUT");

    let r = app
        .gql(Some(&manager), REACTIVATE, json!({ "id": licensee }))
        .await;
    assert_eq!(
        r.data()["reactivateLicensee"]["licensee"]["suspendedAt"],
        Value::Null
    );
    assert_eq!(
        app.gql(Some(&erp), deals, json!({})).await.data()["deals"]["totalCount"],
        1
    );
    let r = app.gql(None, LOGIN, login).await;
    assert!(r.data()["login"]["accessToken"].is_string());

    // Audited, in the registering institution's trail.
    let r = app
        .gql(
            Some(&manager),
            "{ auditEvents(first: 100) { edges { node { action } } } }",
            json!({}),
        )
        .await;
    let actions: Vec<&str> = r.data()["auditEvents"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["node"]["action"].as_str())
        .filter(|a| a.starts_with("licensee."))
        .collect();
    for action in [
        "licensee.register",
        "licensee.invite",
        "licensee.accept",
        "licensee.suspend",
        "licensee.reactivate",
    ] {
        assert!(actions.contains(&action), "{action}: {actions:?}");
    }
}
