//! Cooperation agreements: the ACTIVE sumhs–unibl MoU and a DRAFT between the two (made by the
//! fixture), with their parties.
//!
//! DESIGN.md is silent; `policy.rs` shows the consortium's signed agreements to member
//! institutions and analysts, drafts only to their parties. Agreements have no read scope:
//! an API token reads them as the member it acts for, whatever its scopes — and never writes
//! them (`ensure_agreement_writer`).

use super::{F, ID, T, Target, check, list, nested, search};

const AGREEMENTS: &str = "{ agreements(first: 100) { totalCount edges { node { id } } } }";
const UPDATE: &str = "mutation($id: ID!) { updateAgreement(input: { id: $id, expectedVersion: 999, summary: \"probe\" }) { agreement { id } } }";

fn targets() -> Vec<Target> {
    vec![
        Target {
            name: "the ACTIVE sumhs–unibl MoU",
            locate: ("query($mou: ID!) { node(id: $mou) { id } }", "/node"),
            key: ID,
            node: true,
            paths: vec![
                list(AGREEMENTS, "/agreements"),
                search(
                    "query($unibl: ID) { agreements(first: 100, filter: { kind: MOU, status: ACTIVE, party: $unibl }) { totalCount edges { node { id } } } }",
                    "/agreements",
                ),
                nested(
                    r#"{ institution(slug: "unibl") { agreements(first: 100) { totalCount edges { node { id } } } } }"#,
                    "/institution/agreements",
                ),
                nested(
                    r#"{ institution(slug: "sumhs") { agreements(first: 100) { totalCount edges { node { id } } } } }"#,
                    "/institution/agreements",
                ),
            ],
            probe: Some(UPDATE),
            // Scopes do not apply: both tokens see it as sumhs members.
            scopes: (&["technology:read"], &["stats:read"]),
            sees: [F, T, T, T, T, T, T, T, T],
            ..Default::default()
        },
        Target {
            name: "a DRAFT agreement between sumhs and unibl",
            locate: ("query($draft: ID!) { node(id: $draft) { id } }", "/node"),
            key: ID,
            node: true,
            paths: vec![
                list(AGREEMENTS, "/agreements"),
                search(
                    "query($sumhs: ID) { agreements(first: 100, filter: { status: DRAFT, party: $sumhs }) { totalCount edges { node { id } } } }",
                    "/agreements",
                ),
                search(
                    r#"{ agreements(first: 100, filter: { search: "TRANSDERMAL labóratory" }) { totalCount edges { node { id } } } }"#,
                    "/agreements",
                ),
                nested(
                    r#"{ institution(slug: "unibl") { agreements(first: 100) { totalCount edges { node { id } } } } }"#,
                    "/institution/agreements",
                ),
            ],
            probe: Some(UPDATE),
            scopes: (&["technology:read"], &["stats:read"]),
            // Drafts: the parties only (both sumhs tokens act for a party).
            sees: [F, T, T, F, F, T, T, T, T],
            ..Default::default()
        },
        Target {
            name: "unibl as a party of the DRAFT agreement (Agreement.parties)",
            locate: (
                "query($draft: ID!) { node(id: $draft) { ... on Agreement { parties(first: 100) { edges { node { id slug } } } } } }",
                "/node/parties/edges/*/node",
            ),
            pick: Some(("/slug", "unibl")),
            // The party is an institution, public by itself: only the party row is at stake.
            key: ID,
            paths: vec![
                nested(
                    "query($draft: ID!) { node(id: $draft) { ... on Agreement { parties(first: 100) { totalCount edges { node { id } } } } } }",
                    "/node/parties",
                ),
                search(
                    "{ agreements(first: 100, filter: { status: DRAFT }) { edges { node { parties(first: 20) { totalCount edges { node { id } } } } } } }",
                    "/agreements/edges/*/node/parties",
                ),
            ],
            // Editing the parties is editing the agreement.
            probe: Some(
                "mutation($draft: ID!, $sumhs: ID!) { updateAgreement(input: { id: $draft, expectedVersion: 999, partyIds: [$sumhs] }) { agreement { id } } }",
            ),
            scopes: (&["technology:read"], &["stats:read"]),
            // The party rows travel with the agreement.
            sees: [F, T, T, F, F, T, T, T, T],
            ..Default::default()
        },
    ]
}

#[tokio::test]
async fn agreements_and_their_parties() {
    check(targets()).await;
}
