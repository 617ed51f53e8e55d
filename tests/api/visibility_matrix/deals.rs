//! Deals and what travels with them: their history, royalty reports and income.

use super::{F, ID, T, Target, check, list, nested, search};

const DEAL_SCOPES: (&[&str], &[&str]) = (
    &["technology:read", "deal:read", "deal:write"],
    &["technology:read"],
);

/// Who sees the licence sumhs → unibl and everything under it: its parties only.
const LICENCE: [bool; 9] = [F, T, T, F, F, T, F, T, T];

const TRANSITION_LICENCE: &str = "mutation($licence: ID!) { transitionDeal(input: { id: $licence, to: COMPLETED, expectedVersion: 999 }) { deal { id } } }";

fn targets() -> Vec<Target> {
    vec![
        Target {
            name: "the ACTIVE licence sumhs → unibl",
            locate: (
                "query($licence: ID!) { node(id: $licence) { id } }",
                "/node",
            ),
            key: ID,
            node: true,
            paths: vec![
                list(
                    "{ deals(first: 100) { totalCount edges { node { id } } } }",
                    "/deals",
                ),
                search(
                    "query($tech: ID) { deals(first: 100, filter: { technology: $tech, stage: ACTIVE }) { totalCount edges { node { id } } } }",
                    "/deals",
                ),
                search(
                    "query($sumhs: ID, $unibl: ID) { deals(first: 100, filter: { provider: $sumhs, recipient: $unibl, crossBorder: true }) { totalCount edges { node { id } } } }",
                    "/deals",
                ),
                nested(
                    r#"{ technology(reference: "SUMHS-2025-001") { deals(first: 100) { totalCount edges { node { id } } } } }"#,
                    "/technology/deals",
                ),
                nested(
                    r#"{ institution(slug: "sumhs") { deals(first: 100) { totalCount edges { node { id } } } } }"#,
                    "/institution/deals",
                ),
                nested(
                    r#"{ institution(slug: "unibl") { deals(first: 100) { totalCount edges { node { id } } } } }"#,
                    "/institution/deals",
                ),
            ],
            probe: Some(TRANSITION_LICENCE),
            scopes: DEAL_SCOPES,
            sees: LICENCE,
            ..Default::default()
        },
        Target {
            name: "the deal unibl → Hemofarm (external) in NEGOTIATION, seen from sumhs",
            locate: (
                "query($hemofarm: ID!) { node(id: $hemofarm) { id } }",
                "/node",
            ),
            key: ID,
            node: true,
            paths: vec![
                list(
                    "{ deals(first: 100) { totalCount edges { node { id } } } }",
                    "/deals",
                ),
                search(
                    "query($unibl: ID) { deals(first: 100, filter: { provider: $unibl, stage: NEGOTIATION }) { totalCount edges { node { id } } } }",
                    "/deals",
                ),
                nested(
                    r#"{ technology(reference: "UNIBL-2025-002") { deals(first: 100) { totalCount edges { node { id } } } } }"#,
                    "/technology/deals",
                ),
                nested(
                    r#"{ institution(slug: "unibl") { deals(first: 100) { totalCount edges { node { id } } } } }"#,
                    "/institution/deals",
                ),
            ],
            probe: Some(
                "mutation($id: ID!) { transitionDeal(input: { id: $id, to: LOST, expectedVersion: 999 }) { deal { id } } }",
            ),
            scopes: DEAL_SCOPES,
            // Here "Party" (unibl) is the provider; sumhs is an outsider.
            sees: [F, F, T, F, F, F, F, T, F],
            // Hemofarm's own licensee account sees its deal.
            licensee: Some(T),
            ..Default::default()
        },
        Target {
            name: "an event (SIGNED) in the licence's history",
            locate: (
                "query($licence: ID!) { node(id: $licence) { ... on Deal { events(first: 100) { edges { node { toStage at } } } } } }",
                "/node/events/edges/*/node",
            ),
            pick: Some(("/toStage", "SIGNED")),
            key: &["/toStage", "/at"],
            paths: vec![
                list(
                    "{ deals(first: 100) { edges { node { events(first: 20) { totalCount edges { node { toStage at } } } } } } }",
                    "/deals/edges/*/node/events",
                ),
                search(
                    "query($tech: ID) { deals(first: 100, filter: { technology: $tech }) { edges { node { events(first: 20) { totalCount edges { node { toStage at } } } } } } }",
                    "/deals/edges/*/node/events",
                ),
                nested(
                    "query($licence: ID!) { node(id: $licence) { ... on Deal { events(first: 100) { totalCount edges { node { toStage at } } } } } }",
                    "/node/events",
                ),
                nested(
                    r#"{ technology(reference: "SUMHS-2025-001") { deals(first: 100) { edges { node { events(first: 20) { totalCount edges { node { toStage at } } } } } } } }"#,
                    "/technology/deals/edges/*/node/events",
                ),
                nested(
                    r#"{ institution(slug: "unibl") { deals(first: 100) { edges { node { events(first: 20) { totalCount edges { node { toStage at } } } } } } } }"#,
                    "/institution/deals/edges/*/node/events",
                ),
            ],
            // Events are appended by moving the deal; the probe is that move.
            probe: Some(TRANSITION_LICENCE),
            scopes: DEAL_SCOPES,
            sees: LICENCE,
            ..Default::default()
        },
        Target {
            name: "a royalty report on the licence",
            locate: (
                "query($licence: ID!) { node(id: $licence) { ... on Deal { royaltyReports(first: 1) { edges { node { id } } } } } }",
                "/node/royaltyReports/edges/0/node",
            ),
            key: ID,
            node: true,
            paths: vec![
                list(
                    "{ deals(first: 100) { edges { node { royaltyReports(first: 20) { totalCount edges { node { id } } } } } } }",
                    "/deals/edges/*/node/royaltyReports",
                ),
                list(
                    "{ royaltyReports(first: 100) { totalCount edges { node { id } } } }",
                    "/royaltyReports",
                ),
                search(
                    "query($licence: ID) { royaltyReports(first: 100, filter: { dealId: $licence, periodFrom: \"2000-01-01\", periodTo: \"2100-01-01\" }, orderBy: { field: STATUS }) { totalCount edges { node { id } } } }",
                    "/royaltyReports",
                ),
                nested(
                    r#"{ technology(reference: "SUMHS-2025-001") { deals { edges { node { royaltyReports(first: 100) { totalCount edges { node { id } } } } } } } }"#,
                    "/technology/deals/edges/*/node/royaltyReports",
                ),
                nested(
                    r#"{ institution(slug: "unibl") { deals(first: 100) { edges { node { royaltyReports(first: 20) { totalCount edges { node { id } } } } } } } }"#,
                    "/institution/deals/edges/*/node/royaltyReports",
                ),
            ],
            probe: Some(
                "mutation($id: ID!) { decideRoyaltyReport(input: { id: $id, status: DISPUTED }) { royaltyReport { id } } }",
            ),
            scopes: DEAL_SCOPES,
            sees: LICENCE,
            ..Default::default()
        },
        Target {
            name: "income received on the licence",
            locate: (
                "query($licence: ID!) { node(id: $licence) { ... on Deal { incomes(first: 1) { edges { node { id } } } } } }",
                "/node/incomes/edges/0/node",
            ),
            key: ID,
            node: true,
            paths: vec![
                list(
                    "{ deals(first: 100) { edges { node { incomes(first: 20) { totalCount edges { node { id } } } } } } }",
                    "/deals/edges/*/node/incomes",
                ),
                nested(
                    r#"{ technology(reference: "SUMHS-2025-001") { deals { edges { node { incomes(first: 100) { totalCount edges { node { id } } } } } } } }"#,
                    "/technology/deals/edges/*/node/incomes",
                ),
            ],
            probe: Some(
                "mutation($licence: ID!) { recordIncome(input: { dealId: $licence, kind: ROYALTY, amount: { amount: \"1.00\", currency: \"EUR\" }, receivedOn: \"2026-01-01\" }) { income { id } } }",
            ),
            scopes: (&["technology:read", "deal:read"], &["technology:read"]),
            sees: LICENCE,
            ..Default::default()
        },
    ]
}

#[tokio::test]
async fn deals_their_history_royalty_reports_and_income() {
    check(targets()).await;
}
