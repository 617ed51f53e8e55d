//! No N+1: the number of SQL statements a nested query runs depends on the depth of the query,
//! not on the number of rows. Counted with sea-orm's metric callback, which sees every statement.

use chrono::{Days, Utc};
use entity::enums::{
    ClinicalStage, DealKind, DealStage, InstitutionKind, IpKind, IpStatus, Membership, Region,
    TechnologyField, TechnologyStage, Visibility,
};
use sea_orm::{ActiveModelTrait, DatabaseConnection, Set};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::support::TestApp;

/// The nested query of the issue: technologies with owner, inventors { person },
/// IP assets { owners { institution } deadlines } and deals { recipient } (a union). Asks for
/// up to 100, so every technology of the run (5, 50 or 100) is resolved to the leaves. The
/// nested connections name a small page size, as a client would: with the default (20) on each,
/// the query's complexity (about 100 × 5 × 20 × 20 for deadlines alone) is far over the default
/// limit of 200 000; at `first: 5` on each it is about 37 000.
const NESTED: &str = r#"{
  technologies(first: 100, filter: { ownerSlug: "bench" }) {
    totalCount
    edges { node {
      reference
      owner { slug }
      inventors(first: 5) { edges { node { shareBasisPoints person { fullName } } } }
      ipAssets(first: 5) { edges { node {
        status jurisdiction
        owners(first: 5) { edges { node { shareBasisPoints institution { slug } } } }
        deadlines(first: 5) { edges { node { kind jurisdiction dueOn rule } } }
      } } }
      deals(first: 5) { edges { node { stage recipient { ... on Institution { slug } ... on ExternalOrganization { name } } } } }
    } }
  }
}"#;

/// Adds `n` technologies owned by a new institution `bench`, each with two inventors, a PCT
/// application co-owned with unibl, and a licence to unibl.
async fn add_technologies(db: &DatabaseConnection, unibl: Uuid, n: usize) {
    let now = Utc::now();
    // Relative to today, so the national phases stay upcoming whenever the test runs.
    let today = now.date_naive();
    let priority = today - Days::new(300);
    let bench = Uuid::now_v7();
    entity::institution::ActiveModel {
        id: Set(bench),
        slug: Set("bench".into()),
        name: Set("Benchmark University".into()),
        local_name: Set(None),
        country: Set("CN".into()),
        region: Set(Region::YangtzeRiverDelta),
        kind: Set(InstitutionKind::University),
        membership: Set(Membership::Member),
        joined_on: Set(None),
        website: Set(None),
        ror_id: Set(None),
        inventor_share_bp: Set(5000),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    }
    .insert(db)
    .await
    .unwrap();
    for i in 0..n {
        let tech = Uuid::now_v7();
        entity::technology::ActiveModel {
            id: Set(tech),
            owner_id: Set(bench),
            reference: Set(format!("BENCH-2026-{i:03}")),
            title: Set(format!("Benchmark technology {i}")),
            summary: Set("For counting statements.".into()),
            field: Set(TechnologyField::Diagnostics),
            trl: Set(4),
            stage: Set(TechnologyStage::Marketing),
            visibility: Set(Visibility::Confidential),
            regulatory_class: Set(None),
            clinical_stage: Set(ClinicalStage::NotApplicable),
            keywords: Set(json!([])),
            search_text: Set(format!("benchmark technology {i}")),
            disclosed_on: Set(now.date_naive()),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
        }
        .insert(db)
        .await
        .unwrap();
        for share in [6000, 4000] {
            let person = Uuid::now_v7();
            entity::person::ActiveModel {
                id: Set(person),
                institution_id: Set(bench),
                full_name: Set(format!("Inventor {i}-{share}")),
                email: Set(None),
                orcid: Set(None),
                title: Set(None),
                expertise: Set(json!([])),
                search_text: Set(String::new()),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
            }
            .insert(db)
            .await
            .unwrap();
            entity::technology_inventor::ActiveModel {
                id: Set(Uuid::now_v7()),
                technology_id: Set(tech),
                person_id: Set(person),
                share_bp: Set(share),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
            }
            .insert(db)
            .await
            .unwrap();
        }
        let asset = Uuid::now_v7();
        entity::ip_asset::ActiveModel {
            id: Set(asset),
            technology_id: Set(tech),
            kind: Set(IpKind::PctApplication),
            jurisdiction: Set("WO".into()),
            application_number: Set(Some(format!("PCT/CN2026/9{i:05}"))),
            title: Set(None),
            priority_date: Set(Some(priority)),
            international_filing_date: Set(None),
            filing_date: Set(Some(priority + Days::new(280))),
            publication_date: Set(Some(today - Days::new(10))),
            grant_date: Set(None),
            status: Set(IpStatus::Published),
            family_parent_id: Set(None),
            target_jurisdictions: Set(json!(["CN", "EP", "US"])),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
        }
        .insert(db)
        .await
        .unwrap();
        for (inst, share) in [(bench, 7000), (unibl, 3000)] {
            entity::ip_ownership::ActiveModel {
                id: Set(Uuid::now_v7()),
                ip_asset_id: Set(asset),
                institution_id: Set(inst),
                share_bp: Set(share),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
            }
            .insert(db)
            .await
            .unwrap();
        }
        entity::deal::ActiveModel {
            id: Set(Uuid::now_v7()),
            technology_id: Set(tech),
            kind: Set(DealKind::NonExclusiveLicense),
            provider_id: Set(bench),
            recipient_institution_id: Set(Some(unibl)),
            recipient_external_name: Set(None),
            recipient_external_country: Set(None),
            stage: Set(DealStage::Negotiation),
            territory: Set(None),
            upfront_amount: Set(None),
            royalty_bp: Set(Some(200)),
            currency: Set("EUR".into()),
            contract_value: Set(None),
            signed_on: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
            ..Default::default()
        }
        .insert(db)
        .await
        .unwrap();
    }
}

/// Checks that every one of the `n` technologies is resolved to the leaves, through every
/// relation of the query.
fn assert_fully_resolved(data: &Value, n: usize) {
    assert_eq!(data["technologies"]["totalCount"], n);
    let rows = data["technologies"]["edges"].as_array().unwrap();
    assert_eq!(rows.len(), n);
    for row in rows {
        let t = &row["node"];
        assert_eq!(t["owner"]["slug"], "bench");
        let inventors = t["inventors"]["edges"].as_array().unwrap();
        assert_eq!(inventors.len(), 2);
        assert!(
            inventors
                .iter()
                .all(|i| i["node"]["person"]["fullName"].is_string())
        );
        let asset = &t["ipAssets"]["edges"][0]["node"];
        assert_eq!(t["ipAssets"]["edges"].as_array().unwrap().len(), 1);
        let owners: Vec<&Value> = asset["owners"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| &o["node"]["institution"]["slug"])
            .collect();
        assert_eq!(owners, [&json!("bench"), &json!("unibl")]);
        let phases: Vec<&Value> = asset["deadlines"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["node"]["kind"] == "PCT_NATIONAL_PHASE")
            .map(|d| &d["node"]["jurisdiction"])
            .collect();
        assert_eq!(
            phases,
            [&json!("CN"), &json!("US"), &json!("EP")],
            "{asset}"
        );
        assert_eq!(t["deals"]["edges"][0]["node"]["recipient"]["slug"], "unibl");
    }
}

/// The statements of the nested query over `n` technologies, as the center admin (no row
/// filter) and as a unibl member (who sees the confidential rows only through the policy's
/// co-owner and deal-party filters, on every loader). Each token is used once before, as a
/// client would have, so that the count is the query's own and not the authentication's.
async fn statements_for(n: usize) -> [Vec<String>; 2] {
    let (app, log) = TestApp::recording_statements().await;
    let unibl = app.institution_id("unibl").await;
    add_technologies(&app.db, unibl, n).await;
    let admin = app.token("center", "CENTER_ADMIN").await;
    let member = app.user_token("member@unibl.example").await;
    let mut counted = Vec::new();
    for token in [admin, member] {
        app.gql(Some(&token), "{ me { kind } }", json!({}))
            .await
            .data();
        log.lock().unwrap().clear();
        let r = app.gql(Some(&token), NESTED, json!({})).await;
        assert_fully_resolved(r.data(), n);
        counted.push(std::mem::take(&mut *log.lock().unwrap()));
    }
    counted.try_into().unwrap()
}

/// A statement with its placeholder lists collapsed (`IN (?, ?, ?)` and `IN ($4, $5)` both
/// become `IN (?)`): the same text whether a batch holds 5 keys or 100.
fn shape(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) {
            while chars.peek().is_some_and(char::is_ascii_digit) {
                chars.next();
            }
            out.push('?');
        } else {
            out.push(c);
        }
    }
    while out.contains("?, ?") {
        out = out.replace("?, ?", "?");
    }
    out
}

/// The issue's measure: the same statements at 5, 50 and 100 technologies, at most 8 — the
/// page with its `totalCount` (one statement), then one per "has many" level (inventors, IP
/// assets and deals; IP owners, and the PCT applications' family, whose entered national phases
/// the deadlines leave out), and the "belongs to" look-ups of every level together (people and
/// institutions: owners, deal recipients and IP co-owners share one statement) — never one per
/// row.
///
/// Batches go when the execution waits for them, not after a time window, so the count is
/// exact whatever the machine's load.
#[tokio::test]
async fn nested_queries_run_a_constant_number_of_statements() {
    let runs = [
        (5, statements_for(5).await),
        (50, statements_for(50).await),
        (100, statements_for(100).await),
    ];
    for (viewer, i) in [("center admin", 0), ("unibl member", 1)] {
        let shapes = |sql: &[String]| sql.iter().map(|q| shape(q)).collect::<Vec<_>>();
        let first = &runs[0].1[i];
        let mut expected = shapes(first);
        expected.sort();
        for (rows, statements) in &runs {
            let statements = &statements[i];
            let listing = statements.join("\n");
            let mut found = shapes(statements);
            found.sort();
            assert_eq!(
                found, expected,
                "{viewer}: other statements at {rows} rows than at 5:\n{listing}"
            );
            assert!(
                statements.len() <= 8,
                "{viewer}: {} statements at {rows} rows:\n{listing}",
                statements.len()
            );
        }
        eprintln!(
            "nested query as {viewer}: {} SQL statements at 5, 50 and 100 technologies:\n{}",
            first.len(),
            first.join("\n")
        );
    }
}

/// A batch tests the parents of the rows it reads one by one (`EXISTS (… WHERE parent.id =
/// row.parent_id AND <rule>)`, an index probe each), never by building the list of every
/// parent the viewer may see (`IN (SELECT id FROM parent WHERE <rule>)`): that list costs a
/// scan of the whole table per statement, whatever the size of the page. Only the page's own
/// statement scans, so only it may list.
#[tokio::test]
async fn batches_probe_their_parents_instead_of_listing_every_visible_one() {
    let [_, member] = statements_for(5).await;
    let listing = member.join("\n");
    let (page, batches): (Vec<&String>, Vec<&String>) = member.iter().partition(|sql| {
        // The page with its `totalCount` (a scalar subquery counting the same rows).
        sql.starts_with(r#"SELECT "technologies"."#)
            && sql.contains(r#""total_count__""#)
            && sql.contains("LIMIT")
    });
    assert_eq!(page.len(), 1, "one page statement:\n{listing}");
    // Ordered by a column that cannot be NULL, by it and the id alone: a database can walk an
    // index in that order and stop after the page (an `IS NULL` key first would sort every
    // matching row).
    // Its limit in the text, so that PostgreSQL keeps one generic plan for it instead of
    // planning every execution again.
    assert!(
        !page[0].contains("LIMIT $") && !page[0].contains("LIMIT ?"),
        "the page's limit is bound:\n{}",
        page[0]
    );
    let order_by = page[0].rsplit("ORDER BY").next().unwrap_or_default();
    assert!(
        order_by.starts_with(r#" "technologies"."reference" ASC, "technologies"."id" ASC LIMIT "#),
        "the page's order:\n{}",
        page[0]
    );
    assert!(batches.len() >= 5, "the batches:\n{listing}");
    for sql in &batches {
        for parent in ["technologies", "ip_assets", "deals"] {
            let list = format!(r#"IN (SELECT "{parent}"."id" FROM "{parent}""#);
            assert!(
                !sql.contains(&list),
                "a batch lists every visible row of {parent}:\n{sql}"
            );
        }
    }
    let probes = batches
        .iter()
        .filter(|sql| sql.contains(r#"EXISTS(SELECT"#))
        .count();
    assert!(
        probes >= 3,
        "inventors, IP assets and IP owners probe their parents:\n{listing}"
    );
}
