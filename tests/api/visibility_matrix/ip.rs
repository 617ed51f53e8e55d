//! IP assets of SUMHS-2025-003 and their ownership: the PCT application co-owned with unibl
//! (PUBLISHED) and the CN utility model sumhs is still drafting.

use super::{F, ID, T, Target, check, check_with, list, nested, search};

const IP_SCOPES: (&[&str], &[&str]) = (
    &["technology:read", "ip:read", "ip:write"],
    // Sees the technology, but not its IP.
    &["technology:read"],
);

const IP_ASSETS: &str = "{ ipAssets(first: 100) { totalCount edges { node { id } } } }";
const OF_TECHNOLOGY: &str = r#"{ technology(reference: "SUMHS-2025-003") { ipAssets(first: 100) { totalCount edges { node { id } } } } }"#;
const UPDATE: &str = "mutation($id: ID!) { updateIpAsset(input: { id: $id, expectedVersion: 999, title: \"probe\" }) { ipAsset { id } } }";

/// The PCT application: with the CONFIDENTIAL technology, to its owner and co-owner.
const PCT: [bool; 9] = [F, T, T, F, F, T, F, T, T];
/// Unpublished assets of sumhs alone: owners and co-owners of the asset (and the technology's
/// owner) only. unibl co-owns the technology's PCT application, not these.
const SUMHS_UNPUBLISHED: [bool; 9] = [F, T, F, F, F, T, F, T, T];

fn targets() -> Vec<Target> {
    vec![
        Target {
            name: "the PUBLISHED PCT application of SUMHS-2025-003, co-owned with unibl",
            locate: ("query($pct: ID!) { node(id: $pct) { id } }", "/node"),
            key: ID,
            node: true,
            paths: vec![
                list(IP_ASSETS, "/ipAssets"),
                search(
                    "query($tech3: ID) { ipAssets(first: 100, filter: { technology: $tech3, kind: PCT_APPLICATION, status: PUBLISHED, jurisdiction: \"WO\" }) { totalCount edges { node { id } } } }",
                    "/ipAssets",
                ),
                search(
                    "query($unibl: ID) { ipAssets(first: 100, filter: { owner: $unibl }) { totalCount edges { node { id } } } }",
                    "/ipAssets",
                ),
                nested(OF_TECHNOLOGY, "/technology/ipAssets"),
                list(
                    "{ upcomingDeadlines(withinDays: 3650, first: 100) { totalCount edges { node { ipAsset { id } } } } }",
                    "/upcomingDeadlines",
                )
                .row("/ipAsset"),
                search(
                    "query($tech3: ID) { upcomingDeadlines(withinDays: 3650, first: 100, filter: { kind: PCT_NATIONAL_PHASE, ipAsset: { technology: $tech3 } }) { totalCount edges { node { ipAsset { id } } } } }",
                    "/upcomingDeadlines",
                )
                .row("/ipAsset"),
            ],
            probe: Some(UPDATE),
            scopes: IP_SCOPES,
            sees: PCT,
            ..Default::default()
        },
        Target {
            name: "the DRAFTING CN utility model of SUMHS-2025-003 (sumhs alone)",
            locate: ("query($um: ID!) { node(id: $um) { id } }", "/node"),
            key: ID,
            node: true,
            paths: vec![
                list(IP_ASSETS, "/ipAssets"),
                search(
                    "query($tech3: ID) { ipAssets(first: 100, filter: { technology: $tech3, status: DRAFTING, kind: UTILITY_MODEL }) { totalCount edges { node { id } } } }",
                    "/ipAssets",
                ),
                search(
                    "query($sumhs: ID) { ipAssets(first: 100, filter: { owner: $sumhs, jurisdiction: \"CN\" }) { totalCount edges { node { id } } } }",
                    "/ipAssets",
                ),
                nested(OF_TECHNOLOGY, "/technology/ipAssets"),
            ],
            probe: Some(UPDATE),
            scopes: IP_SCOPES,
            sees: SUMHS_UNPUBLISHED,
            ..Default::default()
        },
        Target {
            name: "the CN national phase of the PCT application (DRAFTING, sumhs alone), in its family",
            locate: ("query($cnPhase: ID!) { node(id: $cnPhase) { id } }", "/node"),
            key: ID,
            node: true,
            paths: vec![
                list(IP_ASSETS, "/ipAssets"),
                search(
                    "query($tech3: ID) { ipAssets(first: 100, filter: { technology: $tech3, kind: INVENTION_PATENT, jurisdiction: \"CN\" }) { totalCount edges { node { id } } } }",
                    "/ipAssets",
                ),
                nested(OF_TECHNOLOGY, "/technology/ipAssets"),
                // The family of the PCT application, which unibl sees.
                nested(
                    "query($pct: ID!) { node(id: $pct) { ... on IpAsset { family(first: 100) { totalCount edges { node { id } } } } } }",
                    "/node/family",
                ),
                list(
                    "{ ipAssets(first: 100) { edges { node { family(first: 20) { totalCount edges { node { id } } } } } } }",
                    "/ipAssets/edges/*/node/family",
                ),
            ],
            probe: Some(UPDATE),
            scopes: IP_SCOPES,
            sees: SUMHS_UNPUBLISHED,
            ..Default::default()
        },
        Target {
            name: "a DRAFTING CN design of SUMHS-2025-003 (sumhs alone) with a deadline to come",
            locate: ("query($design: ID!) { node(id: $design) { id } }", "/node"),
            key: ID,
            node: true,
            paths: vec![
                list(IP_ASSETS, "/ipAssets"),
                list(
                    "{ upcomingDeadlines(withinDays: 3650, first: 100) { totalCount edges { node { ipAsset { id } } } } }",
                    "/upcomingDeadlines",
                )
                .row("/ipAsset"),
                search(
                    "query($tech3: ID) { upcomingDeadlines(withinDays: 3650, first: 100, filter: { kind: PRIORITY_CLAIM, jurisdiction: \"CN\", ipAsset: { technology: $tech3, status: DRAFTING } }) { totalCount edges { node { ipAsset { id } } } } }",
                    "/upcomingDeadlines",
                )
                .row("/ipAsset"),
                nested(
                    r#"{ technology(reference: "SUMHS-2025-003") { ipAssets(first: 100) { edges { node { deadlines(first: 20) { totalCount edges { node { ipAsset { id } } } } } } } } }"#,
                    "/technology/ipAssets/edges/*/node/deadlines",
                )
                .row("/ipAsset"),
            ],
            probe: Some(
                "mutation($id: ID!) { transitionIpAsset(input: { id: $id, to: FILED, expectedVersion: 999, date: \"2026-11-02\" }) { ipAsset { id } } }",
            ),
            scopes: IP_SCOPES,
            sees: SUMHS_UNPUBLISHED,
            ..Default::default()
        },
        Target {
            name: "unibl's 30% share of the PCT application (IpAsset.owners)",
            locate: (
                "query($pct: ID!) { node(id: $pct) { ... on IpAsset { owners(first: 100) { edges { node { institution { slug } shareBasisPoints } } } } } }",
                "/node/owners/edges/*/node",
            ),
            pick: Some(("/institution/slug", "unibl")),
            key: &["/institution/slug", "/shareBasisPoints"],
            paths: vec![
                nested(
                    "query($pct: ID!) { node(id: $pct) { ... on IpAsset { owners(first: 100) { totalCount edges { node { institution { slug } shareBasisPoints } } } } } }",
                    "/node/owners",
                ),
                nested(
                    r#"{ technology(reference: "SUMHS-2025-003") { ipAssets(first: 100) { edges { node { owners(first: 20) { totalCount edges { node { institution { slug } shareBasisPoints } } } } } } } }"#,
                    "/technology/ipAssets/edges/*/node/owners",
                ),
                list(
                    "{ ipAssets(first: 100) { edges { node { owners(first: 20) { totalCount edges { node { institution { slug } shareBasisPoints } } } } } } }",
                    "/ipAssets/edges/*/node/owners",
                ),
                search(
                    "query($unibl: ID) { ipAssets(first: 100, filter: { owner: $unibl }) { edges { node { owners(first: 20) { totalCount edges { node { institution { slug } shareBasisPoints } } } } } } }",
                    "/ipAssets/edges/*/node/owners",
                ),
            ],
            probe: Some(
                "mutation($pct: ID!, $owners: [IpOwnerShareInput!]!) { setIpOwnership(input: { ipAssetId: $pct, owners: $owners, expectedVersion: 999 }) { ipAsset { id } } }",
            ),
            scopes: IP_SCOPES,
            // Ownership travels with its asset.
            sees: PCT,
            ..Default::default()
        },
    ]
}

#[tokio::test]
async fn ip_assets_and_their_ownership() {
    check(targets()).await;
}

const APPROVE: &str =
    "mutation($id: ID!) { approveIpChange(input: { id: $id }) { change { id } } }";

/// Proposals waiting for co-owners' consent: one on the PCT application of the CONFIDENTIAL
/// SUMHS-2025-003, one on the CN patent of the PUBLIC SUMHS-2025-001, which everyone sees —
/// but only its co-owners (sumhs and, once sumhs shares it, unibl) see what is proposed.
fn pending_changes() -> Vec<Target> {
    let change = |name: &'static str,
                  var: &'static str,
                  asset_query: &'static str,
                  asset_pointer: &'static str| Target {
        name,
        locate: (var, "/node"),
        key: ID,
        node: true,
        paths: vec![
            nested(asset_query, asset_pointer),
            list(
                "{ ipAssets(first: 100) { edges { node { pendingChanges(first: 20) { totalCount edges { node { id } } } } } } }",
                "/ipAssets/edges/*/node/pendingChanges",
            ),
        ],
        probe: Some(APPROVE),
        scopes: IP_SCOPES,
        sees: PCT,
        ..Default::default()
    };
    vec![
        change(
            "unibl's pending proposal to take the whole PCT application",
            "query($change: ID!) { node(id: $change) { id } }",
            "query($pct: ID!) { node(id: $pct) { ... on IpAsset { pendingChanges(first: 20) { totalCount edges { node { id } } } } } }",
            "/node/pendingChanges",
        ),
        change(
            "unibl's pending proposal to abandon the CN patent of the PUBLIC SUMHS-2025-001",
            "query($change2: ID!) { node(id: $change2) { id } }",
            "query($patent: ID!) { node(id: $patent) { ... on IpAsset { pendingChanges(first: 20) { totalCount edges { node { id } } } } } }",
            "/node/pendingChanges",
        ),
    ]
}

#[tokio::test]
async fn pending_ip_changes() {
    check_with(pending_changes(), async |app, v| {
        let sumhs = app.user_token("member@sumhs.example").await;
        let unibl = app.user_token("member@unibl.example").await;
        let r = app
            .gql(
                Some(&unibl),
                "mutation($pct: ID!, $unibl: ID!) { proposeIpOwnership(input: { ipAssetId: $pct, owners: [{ institutionId: $unibl, shareBasisPoints: 10000 }] }) { change { id status } } }",
                v.clone(),
            )
            .await;
        assert_eq!(r.data()["proposeIpOwnership"]["change"]["status"], "PENDING");
        v["change"] = r.data()["proposeIpOwnership"]["change"]["id"].clone();
        let r = app
            .gql(
                Some(&sumhs),
                r#"{ technology(reference: "SUMHS-2025-001") { ipAssets { edges { node { id } } } } }"#,
                serde_json::json!({}),
            )
            .await;
        v["patent"] = r.data()["technology"]["ipAssets"]["edges"][0]["node"]["id"].clone();
        app.gql(
            Some(&sumhs),
            "mutation($patent: ID!, $sumhs: ID!, $unibl: ID!) { setIpOwnership(input: { ipAssetId: $patent, owners: [{ institutionId: $sumhs, shareBasisPoints: 5000 }, { institutionId: $unibl, shareBasisPoints: 5000 }] }) { ipAsset { id } } }",
            v.clone(),
        )
        .await
        .data();
        let r = app
            .gql(
                Some(&unibl),
                "mutation($patent: ID!) { proposeIpAbandonment(input: { ipAssetId: $patent }) { change { id status } } }",
                v.clone(),
            )
            .await;
        assert_eq!(r.data()["proposeIpAbandonment"]["change"]["status"], "PENDING");
        v["change2"] = r.data()["proposeIpAbandonment"]["change"]["id"].clone();
    })
    .await;
}

/// The split of income under a deal follows the ownership of the technology's live IP. It must
/// not tell a deal party about an unpublished filing that party may not see: DESIGN.md, "IP
/// assets in DRAFTING or FILED (unpublished): owners and co-owners only", on every path.
#[tokio::test]
async fn income_distribution_does_not_reveal_an_unpublished_co_owner() {
    let app = crate::support::TestApp::new().await;
    let fx = super::fixture(&app).await;
    let sumhs = app.user_token("member@sumhs.example").await;
    let unibl = app.user_token("member@unibl.example").await;
    let zju = app
        .gql(
            Some(&sumhs),
            r#"{ institution(slug: "zju") { id } }"#,
            serde_json::json!({}),
        )
        .await
        .data()["institution"]["id"]
        .clone();
    // sumhs starts drafting a utility model for the licensed technology, co-owned with zju.
    let r = app
        .gql(
            Some(&sumhs),
            "mutation($tech: ID!) { createIpAsset(input: { technologyId: $tech, kind: UTILITY_MODEL, jurisdiction: \"CN\", title: \"Cartridge reader (in preparation)\" }) { ipAsset { id } } }",
            fx.clone(),
        )
        .await;
    let asset = r.data()["createIpAsset"]["ipAsset"]["id"].clone();
    let r = app
        .gql(
            Some(&sumhs),
            "mutation($asset: ID!, $sumhs: ID!, $zju: ID!) { setIpOwnership(input: { ipAssetId: $asset, owners: [{ institutionId: $sumhs, shareBasisPoints: 5000 }, { institutionId: $zju, shareBasisPoints: 5000 }] }) { ipAsset { id } } }",
            serde_json::json!({ "asset": asset, "sumhs": fx["sumhs"], "zju": zju }),
        )
        .await;
    r.data();
    let distribution = "query($licence: ID!, $asset: ID!) {
        asset: node(id: $asset) { id }
        node(id: $licence) { ... on Deal { incomes(first: 20) { edges { node {
            distribution { institutions { institution { slug } shareBasisPoints } }
        } } } } }
    }";
    let vars = serde_json::json!({ "licence": fx["licence"], "asset": asset });
    let slugs = |d: &serde_json::Value| -> Vec<String> {
        super::at(
            d,
            "/node/incomes/edges/*/node/distribution/institutions/*/institution/slug",
        )
        .into_iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect()
    };
    // The owner sees its co-owner's part…
    let r = app.gql(Some(&sumhs), distribution, vars.clone()).await;
    assert!(slugs(r.data()).contains(&"zju".to_owned()), "{}", r.body);
    // …the licensee does not see the filing, and must not learn of it from the split.
    let r = app.gql(Some(&unibl), distribution, vars).await;
    assert!(r.data()["asset"].is_null(), "{}", r.body);
    assert!(
        !slugs(r.data()).contains(&"zju".to_owned()),
        "the licensee learns of an unpublished filing and its co-owner: {}",
        r.body
    );
}
