//! The incubator: HealSkin (incubating at sumhs), its milestones and founders.
//!
//! DESIGN.md is silent on ventures; `policy.rs` shares the incubator's cohort with member
//! institutions and analysts (and the lead institution), under `venture:read` for tokens.
//! Milestones and founders travel with their venture.

use super::{F, ID, T, Target, check, list, nested, search};

const VENTURE_SCOPES: (&[&str], &[&str]) = (
    &["venture:read", "venture:write", "technology:read"],
    &["technology:read"],
);

/// Everyone but anonymous viewers and tokens without `venture:read`.
const COHORT: [bool; 9] = [F, T, T, T, T, T, F, T, T];

const UPDATE: &str = "mutation($venture: ID!) { updateVenture(input: { id: $venture, expectedVersion: 999, cohort: \"probe\" }) { venture { id } } }";

/// Every path to HealSkin's child connection `$conn`, selected by `$sel`.
macro_rules! venture_paths {
    ($sel:literal, $conn:literal) => {
        vec![
            list(
                concat!("{ ventures(first: 100) { edges { node { ", $sel, " } } } }"),
                concat!("/ventures/edges/*/node", $conn),
            ),
            search(
                concat!(
                    "query($sumhs: ID) { ventures(first: 100, filter: { leadInstitution: $sumhs, stage: INCUBATING, cohort: \"2025-autumn\" }) { edges { node { ",
                    $sel,
                    " } } } }"
                ),
                concat!("/ventures/edges/*/node", $conn),
            ),
            nested(
                concat!(
                    "{ institution(slug: \"sumhs\") { ventures(first: 100) { edges { node { ",
                    $sel,
                    " } } } } }"
                ),
                concat!("/institution/ventures/edges/*/node", $conn),
            ),
            nested(
                concat!(
                    "{ technology(reference: \"SUMHS-2025-002\") { ventures(first: 100) { edges { node { ",
                    $sel,
                    " } } } } }"
                ),
                concat!("/technology/ventures/edges/*/node", $conn),
            ),
            nested(
                concat!(
                    "query($zhou: ID!) { node(id: $zhou) { ... on Person { ventures(first: 100) { edges { node { ",
                    $sel,
                    " } } } } } }"
                ),
                concat!("/node/ventures/edges/*/node", $conn),
            ),
        ]
    };
}

fn targets() -> Vec<Target> {
    let venture_paths = vec![
        list(
            "{ ventures(first: 100) { totalCount edges { node { id } } } }",
            "/ventures",
        ),
        search(
            r#"{ ventures(first: 100, filter: { search: "HÉALSKIN biomaterials" }) { totalCount edges { node { id } } } }"#,
            "/ventures",
        ),
        search(
            "query($sumhs: ID) { ventures(first: 100, filter: { leadInstitution: $sumhs, stage: INCUBATING, cohort: \"2025-autumn\" }) { totalCount edges { node { id } } } }",
            "/ventures",
        ),
        nested(
            r#"{ institution(slug: "sumhs") { ventures(first: 100) { totalCount edges { node { id } } } } }"#,
            "/institution/ventures",
        ),
        nested(
            r#"{ technology(reference: "SUMHS-2025-002") { ventures(first: 100) { totalCount edges { node { id } } } } }"#,
            "/technology/ventures",
        ),
        nested(
            "query($zhou: ID!) { node(id: $zhou) { ... on Person { ventures(first: 100) { totalCount edges { node { id } } } } } }",
            "/node/ventures",
        ),
    ];
    let mut milestone_paths = venture_paths!(
        "milestones(first: 20) { totalCount edges { node { id } } }",
        "/milestones"
    );
    milestone_paths.push(nested(
        "query($venture: ID!) { node(id: $venture) { ... on Venture { milestones(first: 100) { totalCount edges { node { id } } } } } }",
        "/node/milestones",
    ));
    let mut founder_paths = venture_paths!(
        "founders(first: 20) { totalCount edges { node { person { id } role } } }",
        "/founders"
    );
    founder_paths.push(nested(
        "query($venture: ID!) { node(id: $venture) { ... on Venture { founders(first: 100) { totalCount edges { node { person { id } role } } } } } }",
        "/node/founders",
    ));
    vec![
        Target {
            name: "the venture HealSkin, incubating at sumhs",
            locate: (
                "query($venture: ID!) { node(id: $venture) { id } }",
                "/node",
            ),
            key: ID,
            node: true,
            paths: venture_paths,
            probe: Some(UPDATE),
            scopes: VENTURE_SCOPES,
            sees: COHORT,
            ..Default::default()
        },
        Target {
            name: "a milestone of HealSkin",
            locate: (
                "query($venture: ID!) { node(id: $venture) { ... on Venture { milestones(first: 1) { edges { node { id } } } } } }",
                "/node/milestones/edges/0/node",
            ),
            // A milestone has an id (to complete it) but is not a Node.
            key: ID,
            paths: milestone_paths,
            probe: Some(
                "mutation($id: ID!) { completeVentureMilestone(input: { id: $id, completedOn: \"2025-01-02\" }) { milestone { id } } }",
            ),
            scopes: VENTURE_SCOPES,
            sees: COHORT,
            ..Default::default()
        },
        Target {
            name: "a founder (the CEO) of HealSkin",
            locate: (
                "query($venture: ID!) { node(id: $venture) { ... on Venture { founders(first: 100) { edges { node { person { id } role } } } } } }",
                "/node/founders/edges/*/node",
            ),
            pick: Some(("/role", "CEO")),
            key: &["/person/id", "/role"],
            paths: founder_paths,
            probe: Some(UPDATE),
            scopes: VENTURE_SCOPES,
            sees: COHORT,
            ..Default::default()
        },
    ]
}

#[tokio::test]
async fn ventures_milestones_and_founders() {
    check(targets()).await;
}
