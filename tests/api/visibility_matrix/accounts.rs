//! Accounts, API tokens and the audit trail: for people who administer, never for tokens.
//! An institution's admins see their own institution's, center admins all of it; a user also
//! sees their own account.

use biobridge::auth::scope;

use super::{F, ID, T, Target, check, list, search};

/// A token with every scope still reaches none of these: no scope names them.
const NO_SCOPE_REACHES: (&[&str], &[&str]) = (scope::ALL, &[]);

const USERS: &str = "{ users(first: 100) { totalCount edges { node { id } } } }";
const API_TOKENS: &str = "{ apiTokens(first: 100) { totalCount edges { node { id } } } }";
const WEBHOOKS: &str = "{ webhooks(first: 100) { totalCount edges { node { id } } } }";
const REVOKE: &str =
    "mutation($id: ID!) { revokeApiToken(input: { id: $id }) { apiToken { id revokedAt } } }";
/// Oldest first, so the fixture's events come before those the matrix itself causes.
const AUDIT: &str = "{ auditEvents(first: 100, orderBy: { field: AT, direction: ASC }) { totalCount edges { node { id } } } }";

fn targets() -> Vec<Target> {
    vec![
        Target {
            name: "the sumhs institution admin's account",
            locate: (
                r#"{ users(first: 1, filter: { role: INSTITUTION_ADMIN }, orderBy: { field: EMAIL, direction: ASC }) { edges { node { id email } } } }"#,
                "/users/edges/0/node",
            ),
            key: ID,
            node: true,
            paths: vec![
                list(USERS, "/users"),
                search(
                    "query($sumhs: ID) { users(first: 100, filter: { institution: $sumhs, role: INSTITUTION_ADMIN, disabled: false }) { totalCount edges { node { id } } } }",
                    "/users",
                ),
            ],
            probe: Some("mutation($id: ID!) { disableUser(input: { id: $id }) { user { id } } }"),
            scopes: NO_SCOPE_REACHES,
            // Its institution's admins (here: the account itself) and center admins.
            sees: [F, F, F, F, F, F, F, T, T],
            ..Default::default()
        },
        Target {
            name: "the account of a unibl member",
            locate: (
                "query($unibl: ID) { users(first: 1, filter: { institution: $unibl, role: MEMBER }) { edges { node { id } } } }",
                "/users/edges/0/node",
            ),
            key: ID,
            node: true,
            paths: vec![
                list(USERS, "/users"),
                search(
                    "query($unibl: ID) { users(first: 100, filter: { institution: $unibl }) { totalCount edges { node { id } } } }",
                    "/users",
                ),
            ],
            probe: Some("mutation($id: ID!) { disableUser(input: { id: $id }) { user { id } } }"),
            scopes: NO_SCOPE_REACHES,
            // "Party" is member@unibl, the account itself; sumhs's admin does not manage unibl.
            sees: [F, F, T, F, F, F, F, T, F],
            ..Default::default()
        },
        Target {
            name: "an API token of sumhs",
            locate: (
                "query($sumhsToken: ID!) { node(id: $sumhsToken) { id } }",
                "/node",
            ),
            key: ID,
            node: true,
            paths: vec![
                list(API_TOKENS, "/apiTokens"),
                search(
                    "query($sumhs: ID) { apiTokens(first: 100, filter: { institution: $sumhs, active: true }) { totalCount edges { node { id } } } }",
                    "/apiTokens",
                ),
            ],
            probe: Some(REVOKE),
            scopes: NO_SCOPE_REACHES,
            sees: [F, F, F, F, F, F, F, T, T],
            ..Default::default()
        },
        Target {
            name: "an API token of unibl, seen from sumhs",
            locate: (
                "query($uniblToken: ID!) { node(id: $uniblToken) { id } }",
                "/node",
            ),
            key: ID,
            node: true,
            paths: vec![
                list(API_TOKENS, "/apiTokens"),
                search(
                    "query($unibl: ID) { apiTokens(first: 100, filter: { institution: $unibl }) { totalCount edges { node { id } } } }",
                    "/apiTokens",
                ),
            ],
            probe: Some(REVOKE),
            scopes: NO_SCOPE_REACHES,
            // unibl's own admin would; its members (the "Party" column) do not.
            sees: [F, F, F, F, F, F, F, T, F],
            ..Default::default()
        },
        Target {
            name: "the audit event of sumhs's token being made",
            locate: (
                "query($sumhsToken: ID) { auditEvents(first: 1, filter: { entityId: $sumhsToken }) { edges { node { id } } } }",
                "/auditEvents/edges/0/node",
            ),
            key: ID,
            node: true,
            paths: vec![
                list(AUDIT, "/auditEvents"),
                search(
                    "query($sumhsToken: ID) { auditEvents(first: 100, filter: { entityId: $sumhsToken }) { totalCount edges { node { id } } } }",
                    "/auditEvents",
                ),
                search(
                    "query($sumhs: ID) { auditEvents(first: 100, filter: { institution: $sumhs, action: \"apiToken.create\", entityType: \"ApiToken\" }, orderBy: { field: AT, direction: ASC }) { totalCount edges { node { id } } } }",
                    "/auditEvents",
                ),
            ],
            // Append-only: no mutation aims at an audit event.
            probe: None,
            scopes: NO_SCOPE_REACHES,
            sees: [F, F, F, F, F, F, F, T, T],
            ..Default::default()
        },
        Target {
            name: "the audit event of unibl's token being made, seen from sumhs",
            locate: (
                "query($uniblToken: ID) { auditEvents(first: 1, filter: { entityId: $uniblToken }) { edges { node { id } } } }",
                "/auditEvents/edges/0/node",
            ),
            key: ID,
            node: true,
            paths: vec![
                list(AUDIT, "/auditEvents"),
                search(
                    "query($uniblToken: ID) { auditEvents(first: 100, filter: { entityId: $uniblToken }) { totalCount edges { node { id } } } }",
                    "/auditEvents",
                ),
                search(
                    "query($unibl: ID) { auditEvents(first: 100, filter: { institution: $unibl }, orderBy: { field: AT, direction: ASC }) { totalCount edges { node { id } } } }",
                    "/auditEvents",
                ),
            ],
            probe: None,
            scopes: NO_SCOPE_REACHES,
            sees: [F, F, F, F, F, F, F, T, F],
            ..Default::default()
        },
        Target {
            name: "a webhook of sumhs",
            locate: (
                "query($sumhs: ID) { webhooks(first: 1, filter: { institution: $sumhs }) { edges { node { id } } } }",
                "/webhooks/edges/0/node",
            ),
            key: ID,
            node: true,
            paths: vec![
                list(WEBHOOKS, "/webhooks"),
                search(
                    "query($sumhs: ID) { webhooks(first: 100, filter: { institution: $sumhs, active: true }) { totalCount edges { node { id } } } }",
                    "/webhooks",
                ),
            ],
            probe: Some(
                "mutation($id: ID!) { rotateWebhookSecret(input: { id: $id }) { secret } }",
            ),
            scopes: NO_SCOPE_REACHES,
            // Its institution's admins and center admins; never a token, never an outsider.
            sees: [F, F, F, F, F, F, F, T, T],
            ..Default::default()
        },
    ]
}

#[tokio::test]
async fn accounts_api_tokens_and_the_audit_trail() {
    check(targets()).await;
}
