//! User management: `createUser`, `disableUser`, `changePassword` and the `users` list, with
//! the outsider's view. Login is in login.rs, the audit trail in audit_events.rs.

use serde_json::{Value, json};

use crate::support::{Reply, TestApp, nodes};

pub(crate) const PASSWORD: &str = "biobridge-demo";
pub(crate) const LOGIN: &str = "mutation($input: LoginInput!) { login(input: $input) { accessToken expiresAt user { id email role institution { slug } } } }";
pub(crate) const ME: &str = "{ me { kind role user { email } institution { slug } } }";
pub(crate) const CREATE_USER: &str = "mutation($input: CreateUserInput!) { createUser(input: $input) { user { id email displayName role disabledAt institution { slug } } } }";
pub(crate) const DISABLE_USER: &str =
    "mutation($id: ID!) { disableUser(input: { id: $id }) { user { email disabledAt } } }";
pub(crate) const CHANGE_PASSWORD: &str =
    "mutation($input: ChangePasswordInput!) { changePassword(input: $input) { user { email } } }";
pub(crate) const USERS: &str = "query($filter: UserFilter) { users(filter: $filter, first: 100) { totalCount edges { node { id email role disabledAt institution { slug } } } } }";

pub(crate) async fn login(app: &TestApp, email: &str, password: &str) -> Reply {
    app.gql(
        None,
        LOGIN,
        json!({ "input": { "email": email, "password": password } }),
    )
    .await
}

pub(crate) async fn user_gid(app: &TestApp, email: &str) -> String {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let user = entity::user::Entity::find()
        .filter(entity::user::Column::Email.eq(email))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no user {email}"));
    biobridge::graphql::ids::encode("User", user.id).0
}

pub(crate) fn new_user(email: &str, role: &str) -> Value {
    json!({ "email": email, "displayName": "Ana Petrović", "role": role, "password": "correct horse battery" })
}

/// The error of a reply, without the parts that may legitimately differ (the path).
pub(crate) fn error_of(r: &Reply) -> Value {
    let e = &r.body["errors"][0];
    json!({ "message": e["message"], "extensions": e["extensions"], "data": r.body["data"] })
}

#[tokio::test]
async fn institution_admins_create_users_of_their_institution() {
    let app = TestApp::new().await;
    let sumhs_admin = app.user_token("manager@sumhs.example").await;
    let r = app
        .gql(
            Some(&sumhs_admin),
            CREATE_USER,
            json!({ "input": new_user(" Ana.Petrovic@SUMHS.example", "MEMBER") }),
        )
        .await;
    let user = &r.data()["createUser"]["user"];
    assert_eq!(user["email"], "ana.petrovic@sumhs.example");
    assert_eq!(user["role"], "MEMBER");
    assert_eq!(user["institution"]["slug"], "sumhs");
    assert_eq!(user["disabledAt"], Value::Null);
    login(&app, "ana.petrovic@sumhs.example", "correct horse battery")
        .await
        .data();

    // The trail records the change, never the password.
    let r = app
        .gql(
            Some(&sumhs_admin),
            "query($f: AuditEventFilter) { auditEvents(filter: $f) { edges { node { action changes actorLabel } } } }",
            json!({ "f": { "entityId": user["id"], "action": "user.create" } }),
        )
        .await;
    let event = &r.data()["auditEvents"]["edges"][0]["node"];
    assert_eq!(event["action"], "user.create");
    assert_eq!(event["changes"]["email"], "ana.petrovic@sumhs.example");
    assert!(!event.to_string().contains("correct horse"), "{event}");
    assert!(!event.to_string().contains("argon2"), "{event}");

    // The same address in another case is a conflict.
    let r = app
        .gql(
            Some(&sumhs_admin),
            CREATE_USER,
            json!({ "input": new_user("ANA.PETROVIC@sumhs.example", "MEMBER") }),
        )
        .await;
    assert_eq!(r.code(), "CONFLICT");
    assert_eq!(r.body["errors"][0]["extensions"]["field"], "email");

    let unibl = biobridge::graphql::ids::encode("Institution", app.institution_id("unibl").await).0;
    let cases: Vec<(&str, Value, &str, Option<&str>)> = vec![
        (
            "short password",
            json!({ "email": "x1@sumhs.example", "displayName": "X", "role": "MEMBER", "password": "elevenchars" }),
            "BAD_USER_INPUT",
            Some("password"),
        ),
        (
            "bad e-mail",
            json!({ "email": "not-an-address", "displayName": "X", "role": "MEMBER", "password": "long enough password" }),
            "BAD_USER_INPUT",
            Some("email"),
        ),
        (
            "empty name",
            json!({ "email": "x2@sumhs.example", "displayName": "  ", "role": "MEMBER", "password": "long enough password" }),
            "BAD_USER_INPUT",
            Some("displayName"),
        ),
        (
            "center admin",
            new_user("x3@sumhs.example", "CENTER_ADMIN"),
            "FORBIDDEN",
            None,
        ),
        (
            "analyst",
            new_user("x4@sumhs.example", "ANALYST"),
            "FORBIDDEN",
            None,
        ),
        (
            "other institution",
            {
                let mut u = new_user("x5@unibl.example", "MEMBER");
                u["institutionId"] = json!(unibl);
                u
            },
            "FORBIDDEN",
            None,
        ),
    ];
    for (what, input, code, field) in cases {
        let r = app
            .gql(Some(&sumhs_admin), CREATE_USER, json!({ "input": input }))
            .await;
        assert_eq!(r.code(), code, "{what}: {}", r.body);
        if let Some(field) = field {
            assert_eq!(r.body["errors"][0]["extensions"]["field"], field, "{what}");
        }
        assert!(r.body["data"]["createUser"].is_null(), "{what}");
    }

    // Members, analysts, anonymous callers and API tokens create nobody.
    let input = json!({ "input": new_user("x6@sumhs.example", "MEMBER") });
    let member = app.user_token("member@sumhs.example").await;
    assert_eq!(
        app.gql(Some(&member), CREATE_USER, input.clone())
            .await
            .code(),
        "FORBIDDEN"
    );
    let analyst = app.user_token("analyst@center.example").await;
    assert_eq!(
        app.gql(Some(&analyst), CREATE_USER, input.clone())
            .await
            .code(),
        "FORBIDDEN"
    );
    assert_eq!(
        app.gql(None, CREATE_USER, input.clone()).await.code(),
        "UNAUTHENTICATED"
    );
    let r = app
        .gql(
            Some(&sumhs_admin),
            "mutation { createApiToken(input: { name: \"t\", scopes: [\"technology:read\", \"technology:write\"] }) { token } }",
            json!({}),
        )
        .await;
    let api_token = r.data()["createApiToken"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        app.gql(Some(&api_token), CREATE_USER, input.clone())
            .await
            .code(),
        "FORBIDDEN"
    );
    // Nothing of the refused attempts was written.
    let admin = app.user_token("admin@center.example").await;
    let r = app
        .gql(
            Some(&admin),
            USERS,
            json!({ "filter": { "institution": null } }),
        )
        .await;
    let emails = nodes(r.data(), &["users"], "email");
    assert!(!emails.iter().any(|e| e.starts_with('x')), "{emails:?}");

    // A center admin creates users of any institution, in any role.
    let mut input = new_user("analyst2@unibl.example", "ANALYST");
    input["institutionId"] = json!(unibl);
    let r = app
        .gql(Some(&admin), CREATE_USER, json!({ "input": input }))
        .await;
    assert_eq!(
        r.data()["createUser"]["user"]["institution"]["slug"],
        "unibl"
    );
}

#[tokio::test]
async fn admins_disable_their_institutions_users_and_outsiders_find_nobody() {
    let app = TestApp::new().await;
    let sumhs_admin = app.user_token("manager@sumhs.example").await;
    let unibl_admin = app.user_token("manager@unibl.example").await;
    let member = app.user_token("member@sumhs.example").await;
    let target = user_gid(&app, "member@sumhs.example").await;

    // Another institution's admin cannot see the user, so cannot disable them.
    let r = app
        .gql(Some(&unibl_admin), DISABLE_USER, json!({ "id": target }))
        .await;
    assert_eq!(r.code(), "NOT_FOUND");
    // A member sees only themselves, and manages nobody.
    let other = user_gid(&app, "manager@sumhs.example").await;
    assert_eq!(
        app.gql(Some(&member), DISABLE_USER, json!({ "id": other }))
            .await
            .code(),
        "NOT_FOUND"
    );
    assert_eq!(
        app.gql(Some(&member), DISABLE_USER, json!({ "id": target }))
            .await
            .code(),
        "FORBIDDEN"
    );
    // Admins cannot lock themselves out.
    let r = app
        .gql(Some(&sumhs_admin), DISABLE_USER, json!({ "id": other }))
        .await;
    assert_eq!(r.code(), "BAD_USER_INPUT");
    // The member is still active after all that.
    app.gql(Some(&member), ME, json!({})).await.data();

    let r = app
        .gql(Some(&sumhs_admin), DISABLE_USER, json!({ "id": target }))
        .await;
    let disabled_at = r.data()["disableUser"]["user"]["disabledAt"].clone();
    assert!(disabled_at.is_string());
    // Disabling twice changes nothing.
    let r = app
        .gql(Some(&sumhs_admin), DISABLE_USER, json!({ "id": target }))
        .await;
    assert_eq!(r.data()["disableUser"]["user"]["disabledAt"], disabled_at);

    // The user can no longer log in (the same answer as a wrong password), and the token
    // issued before is refused.
    let r = login(&app, "member@sumhs.example", PASSWORD).await;
    let wrong = login(&app, "member@unibl.example", "not the password").await;
    assert_eq!(error_of(&r), error_of(&wrong));
    assert_eq!(app.gql(Some(&member), ME, json!({})).await.status, 401);

    let r = app
        .gql(
            Some(&sumhs_admin),
            "query($f: AuditEventFilter) { auditEvents(filter: $f) { totalCount } }",
            json!({ "f": { "action": "user.disable", "entityId": target } }),
        )
        .await;
    // Both calls answered success, so both are audited (the repeat with `alreadyDisabled`).
    assert_eq!(r.data()["auditEvents"]["totalCount"], 2);
}

#[tokio::test]
async fn users_change_their_own_password() {
    let app = TestApp::new().await;
    let token = login(&app, "member@bg.example", PASSWORD).await.data()["login"]["accessToken"]
        .as_str()
        .unwrap()
        .to_owned();
    for (input, code, field) in [
        (
            json!({ "currentPassword": "wrong password", "newPassword": "a new passphrase" }),
            "BAD_USER_INPUT",
            "currentPassword",
        ),
        (
            json!({ "currentPassword": PASSWORD, "newPassword": "too short" }),
            "BAD_USER_INPUT",
            "newPassword",
        ),
    ] {
        let r = app
            .gql(Some(&token), CHANGE_PASSWORD, json!({ "input": input }))
            .await;
        assert_eq!(r.code(), code);
        assert_eq!(r.body["errors"][0]["extensions"]["field"], field);
    }
    // Nothing changed: the old password and token still work.
    app.gql(Some(&token), ME, json!({})).await.data();

    let input =
        json!({ "input": { "currentPassword": PASSWORD, "newPassword": "a new passphrase" } });
    let r = app.gql(Some(&token), CHANGE_PASSWORD, input.clone()).await;
    assert_eq!(
        r.data()["changePassword"]["user"]["email"],
        "member@bg.example"
    );
    assert_eq!(
        login(&app, "member@bg.example", PASSWORD).await.code(),
        "UNAUTHENTICATED"
    );
    login(&app, "member@bg.example", "a new passphrase")
        .await
        .data();

    // Only users who logged in have a password to change.
    assert_eq!(
        app.gql(None, CHANGE_PASSWORD, input.clone()).await.code(),
        "UNAUTHENTICATED"
    );
    let operator = app.token("bg", "MEMBER").await;
    assert_eq!(
        app.gql(Some(&operator), CHANGE_PASSWORD, input)
            .await
            .code(),
        "FORBIDDEN"
    );
}

#[tokio::test]
async fn users_lists_what_the_viewer_manages() {
    let app = TestApp::new().await;
    let sumhs = app.user_token("manager@sumhs.example").await;
    let r = app.gql(Some(&sumhs), USERS, json!({})).await;
    assert_eq!(
        nodes(r.data(), &["users"], "email"),
        ["manager@sumhs.example", "member@sumhs.example"]
    );
    assert_eq!(r.data()["users"]["totalCount"], 2);

    // Filtering for another institution finds nobody, and so does `node`.
    let unibl = biobridge::graphql::ids::encode("Institution", app.institution_id("unibl").await).0;
    let r = app
        .gql(
            Some(&sumhs),
            USERS,
            json!({ "filter": { "institution": unibl } }),
        )
        .await;
    assert_eq!(r.data()["users"]["totalCount"], 0);
    let unibl_member = user_gid(&app, "member@unibl.example").await;
    let node = "query($id: ID!) { node(id: $id) { ... on User { email } } }";
    let r = app
        .gql(Some(&sumhs), node, json!({ "id": unibl_member }))
        .await;
    assert_eq!(r.data()["node"], Value::Null);

    // A member sees only themselves.
    let member = app.user_token("member@unibl.example").await;
    let r = app.gql(Some(&member), USERS, json!({})).await;
    assert_eq!(
        nodes(r.data(), &["users"], "email"),
        ["member@unibl.example"]
    );
    let r = app.gql(None, USERS, json!({})).await;
    assert_eq!(r.data()["users"]["totalCount"], 0);

    // The center admin sees everyone, and filters by role and state.
    let admin = app.user_token("admin@center.example").await;
    let r = app.gql(Some(&admin), USERS, json!({})).await;
    assert_eq!(r.data()["users"]["totalCount"], 7);
    let r = app
        .gql(
            Some(&admin),
            USERS,
            json!({ "filter": { "role": "INSTITUTION_ADMIN" } }),
        )
        .await;
    assert_eq!(
        nodes(r.data(), &["users"], "email"),
        ["manager@sumhs.example", "manager@unibl.example"]
    );
    app.gql(Some(&admin), DISABLE_USER, json!({ "id": unibl_member }))
        .await
        .data();
    let r = app
        .gql(
            Some(&admin),
            USERS,
            json!({ "filter": { "disabled": true } }),
        )
        .await;
    assert_eq!(
        nodes(r.data(), &["users"], "email"),
        ["member@unibl.example"]
    );
    let r = app
        .gql(
            Some(&admin),
            USERS,
            json!({ "filter": { "disabled": false } }),
        )
        .await;
    assert_eq!(r.data()["users"]["totalCount"], 6);
}
