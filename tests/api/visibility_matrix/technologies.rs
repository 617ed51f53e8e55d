//! Institutions, technologies and their inventors, people.

use super::{F, ID, T, Target, check, list, nested, search};

const TECHNOLOGIES: &str = "{ technologies(first: 100) { totalCount edges { node { id } } } }";

fn targets() -> Vec<Target> {
    vec![
        Target {
            name: "an institution (bg)",
            locate: (r#"{ institution(slug: "bg") { id } }"#, "/institution"),
            key: ID,
            node: true,
            paths: vec![
                list(
                    "{ institutions(first: 100) { totalCount edges { node { id } } } }",
                    "/institutions",
                ),
                search(
                    "{ institutions(first: 100, filter: { region: BALKAN_PENINSULA, membership: MEMBER }) { totalCount edges { node { id } } } }",
                    "/institutions",
                ),
            ],
            // The public directory: everyone, whatever a token's scopes.
            sees: [T, T, T, T, T, T, T, T, T],
            ..Default::default()
        },
        Target {
            name: "PUBLIC technology (SUMHS-2025-001)",
            locate: (
                r#"{ technology(reference: "SUMHS-2025-001") { id } }"#,
                "/technology",
            ),
            key: ID,
            node: true,
            paths: vec![
                list(TECHNOLOGIES, "/technologies"),
                search(
                    r#"{ technologies(first: 100, filter: { visibility: PUBLIC, ownerSlug: "sumhs", search: "sepsis" }) { totalCount edges { node { id } } } }"#,
                    "/technologies",
                ),
                nested(
                    r#"{ institution(slug: "sumhs") { technologies(first: 100) { totalCount edges { node { id } } } } }"#,
                    "/institution/technologies",
                ),
            ],
            probe: Some(
                "mutation($id: ID!) { updateTechnology(input: { id: $id, expectedVersion: 999, trl: 5 }) { technology { id } } }",
            ),
            scopes: (&["technology:read"], &["deal:read"]),
            sees: [T, T, T, T, T, T, F, T, T],
            ..Default::default()
        },
        Target {
            name: "CONSORTIUM technology (SUMHS-2025-002)",
            locate: (
                r#"{ technology(reference: "SUMHS-2025-002") { id } }"#,
                "/technology",
            ),
            key: ID,
            node: true,
            paths: vec![
                list(TECHNOLOGIES, "/technologies"),
                search(
                    "{ technologies(first: 100, filter: { visibility: CONSORTIUM }) { totalCount edges { node { id } } } }",
                    "/technologies",
                ),
                nested(
                    r#"{ institution(slug: "sumhs") { technologies(first: 100) { totalCount edges { node { id } } } } }"#,
                    "/institution/technologies",
                ),
            ],
            probe: Some(
                "mutation($id: ID!) { updateTechnology(input: { id: $id, expectedVersion: 999, trl: 5 }) { technology { id } } }",
            ),
            scopes: (&["technology:read"], &["deal:read"]),
            sees: [F, T, T, T, T, T, F, T, T],
            ..Default::default()
        },
        Target {
            name: "CONFIDENTIAL technology co-owned across borders (SUMHS-2025-003)",
            locate: (
                r#"{ technology(reference: "SUMHS-2025-003") { id } }"#,
                "/technology",
            ),
            key: ID,
            node: true,
            paths: vec![
                list(TECHNOLOGIES, "/technologies"),
                search(
                    r#"{ technologies(first: 100, filter: { search: "tanshinone", ownerSlug: "sumhs" }) { totalCount edges { node { id } } } }"#,
                    "/technologies",
                ),
                // Search ignores case and diacritics: still nothing for who may not see it.
                search(
                    r#"{ technologies(first: 100, filter: { search: "TÁNSHINONE mícroneedle" }) { totalCount edges { node { id } } } }"#,
                    "/technologies",
                ),
                nested(
                    r#"{ institution(slug: "sumhs") { technologies(first: 100) { totalCount edges { node { id } } } } }"#,
                    "/institution/technologies",
                ),
                nested(
                    "query($milana: ID!) { node(id: $milana) { ... on Person { inventions(first: 100) { totalCount edges { node { technology { id } } } } } } }",
                    "/node/inventions",
                )
                .row("/technology"),
                // The cohort (bg included) sees the venture built on it, not the technology.
                nested(
                    "{ ventures(first: 100) { totalCount edges { node { technology { id } } } } }",
                    "/ventures",
                )
                .row("/technology"),
            ],
            probe: Some(
                "mutation($id: ID!) { updateTechnology(input: { id: $id, expectedVersion: 999, trl: 5 }) { technology { id } } }",
            ),
            scopes: (
                &["technology:read", "technology:write", "venture:read"],
                &["stats:read"],
            ),
            sees: [F, T, T, F, F, T, F, T, T],
            ..Default::default()
        },
        Target {
            name: "CONFIDENTIAL technology of one institution (UNIBL-2025-001), seen from sumhs",
            locate: (
                r#"{ technology(reference: "UNIBL-2025-001") { id } }"#,
                "/technology",
            ),
            key: ID,
            node: true,
            paths: vec![
                list(TECHNOLOGIES, "/technologies"),
                search(
                    r#"{ technologies(first: 100, filter: { ownerSlug: "unibl", visibility: CONFIDENTIAL }) { totalCount edges { node { id } } } }"#,
                    "/technologies",
                ),
                // A word of its Serbian translation, asked in Cyrillic.
                search(
                    r#"{ technologies(first: 100, filter: { search: "ИМПЕДАНСИ" }) { totalCount edges { node { id } } } }"#,
                    "/technologies",
                ),
                nested(
                    r#"{ institution(slug: "unibl") { technologies(first: 100) { totalCount edges { node { id } } } } }"#,
                    "/institution/technologies",
                ),
            ],
            probe: Some(
                "mutation($id: ID!) { transitionTechnology(input: { id: $id, to: ARCHIVED, expectedVersion: 999 }) { technology { id } } }",
            ),
            scopes: (&["technology:read", "technology:write"], &["ip:read"]),
            // Here "Owner" (sumhs) is an outsider and "Party" (unibl) the owner.
            sees: [F, F, T, F, F, F, F, T, F],
            ..Default::default()
        },
        Target {
            name: "an inventor (Milana Šarić, unibl) of the CONFIDENTIAL SUMHS-2025-003",
            locate: (
                r#"{ technology(reference: "SUMHS-2025-003") { inventors(first: 100) { edges { node { person { id fullName } shareBasisPoints } } } } }"#,
                "/technology/inventors/edges/*/node",
            ),
            pick: Some(("/person/fullName", "Milana Šarić")),
            key: &["/person/id", "/shareBasisPoints"],
            paths: vec![
                nested(
                    r#"{ technology(reference: "SUMHS-2025-003") { inventors(first: 100) { totalCount edges { node { person { id } shareBasisPoints } } } } }"#,
                    "/technology/inventors",
                ),
                list(
                    "{ technologies(first: 100) { edges { node { inventors(first: 20) { totalCount edges { node { person { id } shareBasisPoints } } } } } } }",
                    "/technologies/edges/*/node/inventors",
                ),
                search(
                    r#"{ technologies(first: 100, filter: { search: "tanshinone" }) { edges { node { inventors(first: 20) { totalCount edges { node { person { id } shareBasisPoints } } } } } } }"#,
                    "/technologies/edges/*/node/inventors",
                ),
                nested(
                    "query($milana: ID!) { node(id: $milana) { ... on Person { inventions(first: 100) { totalCount edges { node { person { id } shareBasisPoints } } } } } }",
                    "/node/inventions",
                ),
            ],
            probe: Some(
                "mutation($tech3: ID!, $inventors3: [InventorShareInput!]!) { setTechnologyInventors(input: { technologyId: $tech3, inventors: $inventors3 }) { technology { id } } }",
            ),
            scopes: (&["technology:read", "technology:write"], &["ip:read"]),
            // With the technology, to those who see it.
            sees: [F, T, T, F, F, T, F, T, T],
            ..Default::default()
        },
        Target {
            name: "an inventor (Chen Hong) of the PUBLIC SUMHS-2025-001",
            locate: (
                r#"{ technology(reference: "SUMHS-2025-001") { inventors(first: 100) { edges { node { person { id fullName } shareBasisPoints } } } } }"#,
                "/technology/inventors/edges/*/node",
            ),
            pick: Some(("/person/fullName", "Chen Hong")),
            key: &["/person/id", "/shareBasisPoints"],
            paths: vec![
                nested(
                    r#"{ technology(reference: "SUMHS-2025-001") { inventors(first: 100) { totalCount edges { node { person { id } shareBasisPoints } } } } }"#,
                    "/technology/inventors",
                ),
                list(
                    "{ technologies(first: 100) { edges { node { inventors(first: 20) { totalCount edges { node { person { id } shareBasisPoints } } } } } } }",
                    "/technologies/edges/*/node/inventors",
                ),
            ],
            scopes: (&["technology:read"], &["ip:read"]),
            // Anonymous viewers see the PUBLIC technology but not its inventors: people's names
            // are for member institutions (DESIGN: "people's names and institutions: any member
            // institution"). The analyst (center staff) sees names.
            sees: [F, T, T, T, T, T, F, T, T],
            ..Default::default()
        },
        Target {
            name: "a unibl researcher",
            locate: (
                r#"{ institution(slug: "unibl") { people(first: 1) { edges { node { id } } } } }"#,
                "/institution/people/edges/0/node",
            ),
            key: ID,
            node: true,
            paths: vec![
                list(
                    "{ people(first: 100) { totalCount edges { node { id } } } }",
                    "/people",
                ),
                search(
                    "query($unibl: ID) { people(first: 100, filter: { institution: $unibl }) { totalCount edges { node { id } } } }",
                    "/people",
                ),
                nested(
                    r#"{ institution(slug: "unibl") { people(first: 100) { totalCount edges { node { id } } } } }"#,
                    "/institution/people",
                ),
            ],
            probe: Some(
                "mutation($id: ID!) { updatePerson(input: { id: $id, expectedVersion: 999, title: \"probe\" }) { person { id } } }",
            ),
            scopes: (&[], &[]),
            // Names are for member institutions; the tokens act as members of sumhs, and people
            // are shared by every area, so no read scope narrows them.
            sees: [F, T, T, T, T, T, T, T, T],
            ..Default::default()
        },
    ]
}

#[tokio::test]
async fn institutions_technologies_inventors_and_people() {
    check(targets()).await;
}
