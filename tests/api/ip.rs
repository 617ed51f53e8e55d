//! IP assets: who sees which asset on every path, computed deadlines, `upcomingDeadlines`,
//! filters and ordering. Writes are in `ip_writes`.

use chrono::{NaiveDate, Utc};
use serde_json::{Value, json};

use crate::support::{TestApp, nodes};

/// `technology(reference:)` with its IP assets and their deadlines.
const TECH_IP: &str = "query($r: String!) { technology(reference: $r) { id ipAssets { totalCount edges { node { id kind jurisdiction status owners { edges { node { shareBasisPoints institution { slug } } } } deadlines(includePast: true) { edges { node { kind jurisdiction dueOn rule ipAsset { jurisdiction } } } } } } } } }";

const NODE: &str =
    "query($id: ID!) { node(id: $id) { ... on IpAsset { kind jurisdiction status } } }";

const LIST: &str = "query($f: IpAssetFilter) { ipAssets(filter: $f, first: 100) { totalCount edges { node { id kind status } } } }";

const UPCOMING: &str = "query($d: Int!, $f: DeadlineFilter, $first: Int, $after: String) { upcomingDeadlines(withinDays: $d, filter: $f, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { dueOn inGrace kind jurisdiction rule feeYear daysLeft ipAsset { id kind jurisdiction } } } } }";

pub(crate) fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// The global ids of SUMHS-2025-003's PCT application and CN utility-model draft, and of the
/// technology, as the center admin sees them.
pub(crate) struct Demo {
    pub technology: String,
    pub pct: String,
    pub draft: String,
}

pub(crate) async fn demo(app: &TestApp) -> Demo {
    let admin = app.token("center", "CENTER_ADMIN").await;
    let r = app
        .gql(Some(&admin), TECH_IP, json!({ "r": "SUMHS-2025-003" }))
        .await;
    let t = &r.data()["technology"];
    let id_of = |kind: &str| {
        t["ipAssets"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["node"]["kind"] == kind)
            .unwrap_or_else(|| panic!("no {kind} in {t}"))["node"]["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    Demo {
        technology: t["id"].as_str().unwrap().to_owned(),
        pct: id_of("PCT_APPLICATION"),
        draft: id_of("UTILITY_MODEL"),
    }
}

pub(crate) async fn node(app: &TestApp, token: &str, id: &str) -> Value {
    app.gql(Some(token), NODE, json!({ "id": id })).await.data()["node"].clone()
}

/// `(kind, jurisdiction, dueOn)` of the deadlines in a connection.
fn deadline_triples(connection: &Value) -> Vec<(String, String, String)> {
    connection["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("not a connection: {connection}"))
        .iter()
        .map(|e| {
            let n = &e["node"];
            (
                n["kind"].as_str().unwrap().to_owned(),
                n["jurisdiction"].as_str().unwrap().to_owned(),
                n["dueOn"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn triple(kind: &str, office: &str, due: &str) -> (String, String, String) {
    (kind.into(), office.into(), due.into())
}

#[tokio::test]
async fn a_co_owner_sees_the_published_pct_application_but_not_the_draft() {
    let app = TestApp::new().await;
    let d = demo(&app).await;
    let unibl = app.user_token("member@unibl.example").await;

    // Through the technology: only the PCT application, with its owners and deadlines.
    let r = app
        .gql(Some(&unibl), TECH_IP, json!({ "r": "SUMHS-2025-003" }))
        .await;
    let assets = &r.data()["technology"]["ipAssets"];
    assert_eq!(assets["totalCount"], 1);
    let pct = &assets["edges"][0]["node"];
    assert_eq!(pct["id"], d.pct.as_str());
    assert_eq!(
        (&pct["kind"], &pct["status"]),
        (&json!("PCT_APPLICATION"), &json!("PUBLISHED"))
    );
    let owners: Vec<(String, i64)> = pct["owners"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let n = &e["node"];
            (
                n["institution"]["slug"].as_str().unwrap().to_owned(),
                n["shareBasisPoints"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(owners, vec![("sumhs".into(), 7000), ("unibl".into(), 3000)]);
    let schedule = deadline_triples(&pct["deadlines"]);
    assert_eq!(
        schedule,
        vec![
            triple("PRIORITY_CLAIM", "WO", "2026-03-15"),
            triple("PCT_NATIONAL_PHASE", "CN", "2027-09-15"),
            triple("PCT_NATIONAL_PHASE", "US", "2027-09-15"),
            triple("PCT_NATIONAL_PHASE", "EP", "2027-10-15"),
        ]
    );
    let ep = &pct["deadlines"]["edges"][3]["node"];
    assert!(
        ep["rule"].as_str().unwrap().contains("EP 31 months"),
        "{ep}"
    );
    assert_eq!(ep["ipAsset"]["jurisdiction"], "WO");

    // Through the root list, `node` and the counts: the same.
    let f = json!({ "f": { "technology": d.technology } });
    let r = app.gql(Some(&unibl), LIST, f.clone()).await;
    assert_eq!(r.data()["ipAssets"]["totalCount"], 1);
    assert_eq!(nodes(r.data(), &["ipAssets"], "id"), vec![d.pct.as_str()]);
    assert_eq!(node(&app, &unibl, &d.pct).await["kind"], "PCT_APPLICATION");
    assert_eq!(node(&app, &unibl, &d.draft).await, Value::Null);
    let r = app
        .gql(
            Some(&unibl),
            LIST,
            json!({ "f": { "kind": "UTILITY_MODEL", "status": "DRAFTING" } }),
        )
        .await;
    assert!(!nodes(r.data(), &["ipAssets"], "id").contains(&d.draft.as_str()));

    // The owner and the center admin see both.
    for token in [
        app.user_token("member@sumhs.example").await,
        app.token("center", "CENTER_ADMIN").await,
    ] {
        let r = app.gql(Some(&token), LIST, f.clone()).await;
        assert_eq!(r.data()["ipAssets"]["totalCount"], 2);
        assert_eq!(node(&app, &token, &d.draft).await["status"], "DRAFTING");
    }
}

#[tokio::test]
async fn an_outsider_sees_neither_asset_on_any_path() {
    let app = TestApp::new().await;
    let d = demo(&app).await;
    let unibl_id = app
        .anon(r#"{ institution(slug: "unibl") { id } }"#)
        .await
        .data()["institution"]["id"]
        .clone();
    let bg = app.user_token("member@bg.example").await;
    let r = app
        .gql(Some(&bg), TECH_IP, json!({ "r": "SUMHS-2025-003" }))
        .await;
    assert_eq!(r.data()["technology"], Value::Null);
    for f in [
        json!({ "technology": d.technology }),
        json!({ "owner": unibl_id }),
        json!({ "kind": "PCT_APPLICATION" }),
        json!({ "jurisdiction": "wo" }),
    ] {
        let r = app.gql(Some(&bg), LIST, json!({ "f": f })).await;
        let ids = nodes(r.data(), &["ipAssets"], "id");
        assert!(
            !ids.contains(&d.pct.as_str()) && !ids.contains(&d.draft.as_str()),
            "{f}"
        );
        assert_eq!(
            r.data()["ipAssets"]["totalCount"].as_u64().unwrap() as usize,
            ids.len()
        );
    }
    assert_eq!(node(&app, &bg, &d.pct).await, Value::Null);
    assert_eq!(node(&app, &bg, &d.draft).await, Value::Null);
    let r = app
        .gql(Some(&bg), UPCOMING, json!({ "d": 3650, "first": 100 }))
        .await;
    let assets: Vec<&Value> = r.data()["upcomingDeadlines"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["node"]["ipAsset"]["id"])
        .collect();
    assert!(!assets.contains(&&json!(d.pct)) && !assets.contains(&&json!(d.draft)));
    // Anonymous viewers see no unpublished or confidential asset either.
    let r = app
        .gql(None, LIST, json!({ "f": { "status": "DRAFTING" } }))
        .await;
    assert_eq!(r.data()["ipAssets"]["totalCount"], 0);
}

#[tokio::test]
async fn upcoming_deadlines_span_the_window_over_visible_live_assets() {
    let app = TestApp::new().await;
    let d = demo(&app).await;
    let sumhs = app.user_token("member@sumhs.example").await;
    let unibl = app.user_token("member@unibl.example").await;

    // Give the draft a claimed priority a month ago: its Paris deadline is then 11 months away.
    let priority = today() - chrono::Months::new(1);
    let r = app
        .gql(
            Some(&sumhs),
            "mutation($i: UpdateIpAssetInput!) { updateIpAsset(input: $i) { ipAsset { version } } }",
            json!({ "i": { "id": d.draft, "expectedVersion": 1, "priorityDate": priority.to_string() } }),
        )
        .await;
    assert_eq!(r.data()["updateIpAsset"]["ipAsset"]["version"], 2);

    let upcoming = |token: String, days: i32, filter: Value| {
        let app = &app;
        async move {
            let r = app
                .gql(
                    Some(&token),
                    UPCOMING,
                    json!({ "d": days, "f": filter, "first": 100 }),
                )
                .await;
            r.data()["upcomingDeadlines"].clone()
        }
    };
    let of_asset = |c: &Value, id: &str| -> Vec<(String, String, String)> {
        deadline_triples(c)
            .into_iter()
            .zip(c["edges"].as_array().unwrap())
            .filter(|(_, e)| e["node"]["ipAsset"]["id"] == id)
            .map(|(t, _)| t)
            .collect()
    };

    // unibl: the PCT national phases, none of the draft's.
    let c = upcoming(unibl.clone(), 3650, Value::Null).await;
    let pct: Vec<_> = of_asset(&c, &d.pct);
    let expected = [
        triple("PCT_NATIONAL_PHASE", "CN", "2027-09-15"),
        triple("PCT_NATIONAL_PHASE", "US", "2027-09-15"),
        triple("PCT_NATIONAL_PHASE", "EP", "2027-10-15"),
    ];
    let still_ahead: Vec<_> = expected
        .iter()
        .filter(|t| t.2.parse::<NaiveDate>().unwrap() >= today())
        .cloned()
        .collect();
    assert_eq!(pct, still_ahead);
    assert!(of_asset(&c, &d.draft).is_empty());
    // Every deadline lies in the window, in order, and the count agrees.
    let dues: Vec<NaiveDate> = deadline_triples(&c)
        .iter()
        .map(|t| t.2.parse().unwrap())
        .collect();
    assert!(dues.windows(2).all(|w| w[0] <= w[1]));
    assert!(
        dues.iter()
            .all(|due| *due <= today() + chrono::Days::new(3650))
    );
    assert_eq!(c["totalCount"].as_u64().unwrap() as usize, dues.len());
    // Ahead, or past due but still in grace (the demo's EP application of bg, whose 3rd-year
    // renewal fee is always in grace).
    let nodes: Vec<&Value> = c["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["node"])
        .collect();
    for n in &nodes {
        let ahead = n["daysLeft"].as_i64().unwrap() >= 0;
        assert_eq!(ahead, n["inGrace"] == false, "{n}");
    }
    assert_eq!(
        nodes
            .iter()
            .filter(|n| n["inGrace"] == true)
            .map(|n| (&n["kind"], &n["jurisdiction"], &n["feeYear"]))
            .collect::<Vec<_>>(),
        [(&json!("RENEWAL"), &json!("EP"), &json!(3))]
    );

    // sumhs sees the draft's priority deadline; not within 90 days, within a year.
    let paris = triple(
        "PRIORITY_CLAIM",
        "CN",
        &(priority + chrono::Months::new(12)).to_string(),
    );
    assert!(of_asset(&upcoming(sumhs.clone(), 90, Value::Null).await, &d.draft).is_empty());
    assert_eq!(
        of_asset(&upcoming(sumhs.clone(), 366, Value::Null).await, &d.draft),
        vec![paris]
    );

    // Filters: by deadline kind and office, and by asset.
    let c = upcoming(
        unibl.clone(),
        3650,
        json!({ "kind": "PCT_NATIONAL_PHASE", "jurisdiction": "ep" }),
    )
    .await;
    assert!(
        deadline_triples(&c)
            .iter()
            .all(|t| t.0 == "PCT_NATIONAL_PHASE" && t.1 == "EP")
    );
    let c = upcoming(
        sumhs.clone(),
        3650,
        json!({ "ipAsset": { "kind": "UTILITY_MODEL" } }),
    )
    .await;
    assert!(
        c["edges"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["node"]["ipAsset"]["kind"] == "UTILITY_MODEL")
    );

    // The window is bounded.
    for bad in [0, -5, 3651] {
        let r = app.gql(Some(&unibl), UPCOMING, json!({ "d": bad })).await;
        assert_eq!(r.code(), "BAD_USER_INPUT");
        assert_eq!(r.body["errors"][0]["extensions"]["field"], "withinDays");
    }
    // The default window is 90 days.
    let r = app
        .gql(
            Some(&sumhs),
            "{ upcomingDeadlines(first: 100) { edges { node { dueOn } } } }",
            json!({}),
        )
        .await;
    for e in r.data()["upcomingDeadlines"]["edges"].as_array().unwrap() {
        let due: NaiveDate = e["node"]["dueOn"].as_str().unwrap().parse().unwrap();
        assert!(due <= today() + chrono::Days::new(90));
    }
}

#[tokio::test]
async fn upcoming_deadlines_page_without_gaps_or_repeats() {
    let app = TestApp::new().await;
    let admin = app.token("center", "CENTER_ADMIN").await;
    let all = app
        .gql(Some(&admin), UPCOMING, json!({ "d": 3650, "first": 100 }))
        .await;
    let all = deadline_triples(&all.data()["upcomingDeadlines"]);
    assert!(all.len() > 5, "{all:?}");
    let mut paged = Vec::new();
    let mut after = Value::Null;
    loop {
        let r = app
            .gql(
                Some(&admin),
                UPCOMING,
                json!({ "d": 3650, "first": 4, "after": after }),
            )
            .await;
        let c = &r.data()["upcomingDeadlines"];
        assert_eq!(c["totalCount"].as_u64().unwrap() as usize, all.len());
        paged.extend(deadline_triples(c));
        if c["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = c["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(paged, all);
    let r = app
        .gql(
            Some(&admin),
            UPCOMING,
            json!({ "d": 30, "after": "garbage" }),
        )
        .await;
    assert_eq!(r.body["errors"][0]["extensions"]["field"], "after");
}

/// `(filingDate, id)` of every asset, page by page in `order`.
async fn walk(
    app: &TestApp,
    token: &str,
    field: &str,
    direction: &str,
    backwards: bool,
) -> Vec<(Value, String)> {
    let q = "query($o: IpAssetOrder, $first: Int, $after: String, $last: Int, $before: String) { ipAssets(orderBy: $o, first: $first, after: $after, last: $last, before: $before) { pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { node { id filingDate priorityDate } } } }";
    let mut out: Vec<(Value, String)> = Vec::new();
    let mut cursor = Value::Null;
    loop {
        let vars = if backwards {
            json!({ "o": { "field": field, "direction": direction }, "last": 3, "before": cursor })
        } else {
            json!({ "o": { "field": field, "direction": direction }, "first": 3, "after": cursor })
        };
        let r = app.gql(Some(token), q, vars).await;
        let c = &r.data()["ipAssets"];
        let key = if field == "FILING_DATE" {
            "filingDate"
        } else {
            "priorityDate"
        };
        let page: Vec<(Value, String)> = c["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["node"][key].clone(),
                    e["node"]["id"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        if backwards {
            out.splice(0..0, page);
            if c["pageInfo"]["hasPreviousPage"] != true {
                break;
            }
            cursor = c["pageInfo"]["startCursor"].clone();
        } else {
            out.extend(page);
            if c["pageInfo"]["hasNextPage"] != true {
                break;
            }
            cursor = c["pageInfo"]["endCursor"].clone();
        }
    }
    out
}

#[tokio::test]
async fn ip_assets_order_by_nullable_dates_with_undated_ones_last_ascending_first_descending() {
    let app = TestApp::new().await;
    let admin = app.token("center", "CENTER_ADMIN").await;
    for field in ["FILING_DATE", "PRIORITY_DATE"] {
        for direction in ["ASC", "DESC"] {
            let forward = walk(&app, &admin, field, direction, false).await;
            // Ten assets of 2025, six of the history (src/seed/history.rs), and bg's EP
            // application of the docket's demo (src/seed/ip.rs).
            assert_eq!(forward.len(), 17, "{field} {direction}");
            let dated: Vec<&str> = forward.iter().filter_map(|(d, _)| d.as_str()).collect();
            // Undated assets come last ascending, first descending…
            let undated = forward.len() - dated.len();
            let nulls = if direction == "ASC" {
                &forward[dated.len()..]
            } else {
                &forward[..undated]
            };
            assert!(
                nulls.iter().all(|(d, _)| d.is_null()),
                "{field} {direction}"
            );
            // …and the dated ones are in order.
            let mut sorted = dated.clone();
            sorted.sort();
            if direction == "DESC" {
                sorted.reverse();
            }
            assert_eq!(dated, sorted, "{field} {direction}");
            // Paging backwards from the end gives the same list.
            assert_eq!(walk(&app, &admin, field, direction, true).await, forward);
        }
    }
}

#[tokio::test]
async fn api_token_scopes_limit_ip_reads() {
    use biobridge::{
        auth::{Principal, PrincipalInstitution, PrincipalKind},
        graphql::{Limits, RequestCtx, build_schema},
    };
    let app = TestApp::new().await;
    let sumhs = app.institution_id("sumhs").await;
    let token = |scopes: &[&str]| Principal {
        kind: PrincipalKind::ApiToken,
        user_id: None,
        api_token_id: Some(uuid::Uuid::now_v7()),
        institution: Some(PrincipalInstitution {
            id: sumhs,
            membership: entity::enums::Membership::Member,
            region: entity::enums::Region::YangtzeRiverDelta,
        }),
        licensee_of: None,
        role: Some(entity::enums::Role::Member),
        scopes: scopes.iter().map(|s| s.to_string()).collect(),
    };
    let schema = build_schema(Limits {
        depth: 20,
        complexity: 100_000,
        aliases: 30,
    });
    let run = |p: Principal, q: String| {
        let schema = schema.clone();
        let db = app.db.clone();
        async move {
            let res = RequestCtx::new(db, p)
                .execute(&schema, async_graphql::Request::new(q))
                .await;
            serde_json::to_value(res).unwrap()
        }
    };
    let q =
        "{ ipAssets { totalCount } upcomingDeadlines(withinDays: 3650) { totalCount } }".to_owned();
    let res = run(token(&["technology:read"]), q.clone()).await;
    assert_eq!(res["errors"][0]["extensions"]["code"], "FORBIDDEN", "{res}");
    let res = run(token(&["technology:read", "ip:read"]), q).await;
    assert!(res["errors"].is_null(), "{res}");
    assert!(res["data"]["ipAssets"]["totalCount"].as_u64().unwrap() >= 4);
    // Reading is not writing.
    let id = biobridge::graphql::ids::encode("IpAsset", uuid::Uuid::now_v7());
    let m = format!(
        r#"mutation {{ setIpOwnership(input: {{ ipAssetId: "{}", owners: [] }}) {{ ipAsset {{ id }} }} }}"#,
        id.as_str()
    );
    let res = run(token(&["technology:read", "ip:read"]), m).await;
    assert_eq!(res["errors"][0]["extensions"]["code"], "FORBIDDEN", "{res}");
}

/// A center admin, as the schema sees one (no HTTP, so the statements can be counted).
fn admin_principal(center: uuid::Uuid) -> biobridge::auth::Principal {
    use biobridge::auth::{Principal, PrincipalInstitution, PrincipalKind};
    Principal {
        kind: PrincipalKind::User,
        user_id: None,
        api_token_id: None,
        institution: Some(PrincipalInstitution {
            id: center,
            membership: entity::enums::Membership::Member,
            region: entity::enums::Region::YangtzeRiverDelta,
        }),
        licensee_of: None,
        role: Some(entity::enums::Role::CenterAdmin),
        scopes: Vec::new(),
    }
}

/// How many SQL statements `query` takes for `principal`.
async fn statements(app: &TestApp, principal: biobridge::auth::Principal, query: &str) -> usize {
    use std::sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    };

    use biobridge::graphql::{Limits, RequestCtx, build_schema};
    let schema = build_schema(Limits {
        depth: 20,
        complexity: 1_000_000,
        aliases: 30,
    });
    let mut db = app.db.clone();
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    db.set_metric_callback(move |_| {
        seen.fetch_add(1, Ordering::SeqCst);
    });
    let res = RequestCtx::new(db, principal)
        .execute(&schema, async_graphql::Request::new(query))
        .await;
    assert!(res.errors.is_empty(), "{:?}", res.errors);
    count.load(Ordering::SeqCst)
}

/// `count` more granted CN patents (each with eight or nine annual fees ahead), owned by zju
/// and children of one family parent.
async fn add_granted_patents(app: &TestApp, count: usize) {
    use sea_orm::{ActiveModelTrait, EntityTrait, Set};
    let parent = entity::ip_asset::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let zju = app.institution_id("zju").await;
    let days_ago = |n| Some(today() - chrono::Days::new(n));
    for n in 0..count {
        let now = Utc::now();
        let id = uuid::Uuid::now_v7();
        entity::ip_asset::ActiveModel {
            id: Set(id),
            technology_id: Set(parent.technology_id),
            kind: Set(entity::enums::IpKind::InventionPatent),
            jurisdiction: Set("CN".into()),
            application_number: Set(Some(format!("CN2026{n:08}.1"))),
            title: Set(None),
            priority_date: Set(days_ago(700)),
            international_filing_date: Set(None),
            filing_date: Set(days_ago(700)),
            publication_date: Set(days_ago(500)),
            grant_date: Set(days_ago(100)),
            status: Set(entity::enums::IpStatus::Granted),
            family_parent_id: Set(Some(parent.id)),
            target_jurisdictions: Set(json!([])),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
        }
        .insert(&app.db)
        .await
        .unwrap();
        entity::ip_ownership::ActiveModel {
            id: Set(uuid::Uuid::now_v7()),
            ip_asset_id: Set(id),
            institution_id: Set(zju),
            share_bp: Set(10_000),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
        }
        .insert(&app.db)
        .await
        .unwrap();
    }
}

#[tokio::test]
async fn deadlines_are_computed_in_memory_from_three_queries() {
    let app = TestApp::new().await;
    let admin = admin_principal(app.institution_id("center").await);
    let upcoming = "{ upcomingDeadlines(withinDays: 3650, first: 100) { totalCount edges { node { dueOn kind jurisdiction rule ipAsset { id status filingDate } } } } }";
    let listed = "{ ipAssets(first: 100) { totalCount edges { node { id deadlines(includePast: true, first: 100) { totalCount edges { node { dueOn } } } } } } }";
    let listed_with_state = "{ ipAssets(first: 100) { totalCount edges { node { id deadlines(includePast: true, first: 100) { totalCount edges { node { dueOn status } } } } } } }";
    for _ in 0..2 {
        // The visible assets, the visible family members of its PCT applications (which
        // national phases are entered), what was recorded about their deadlines (done,
        // waived) and — CN filings being among them — which of their technologies still need
        // China's security review: four statements whatever the number of assets.
        assert_eq!(statements(&app, admin.clone(), upcoming).await, 4);
        // The page with its count, and — once PCT applications are listed — one batch for
        // their family members (entered national phases); the records of the deadlines (done,
        // waived) only when a field that shows them is asked for, in one more batch: never
        // more, whatever the number of rows. CN filings add one batch: which of their
        // technologies still need China's security review.
        let n = statements(&app, admin.clone(), listed).await;
        assert!((1..=3).contains(&n), "{n} statements");
        let with_state = statements(&app, admin.clone(), listed_with_state).await;
        assert_eq!(with_state, n + 1, "the records in one batch");
        add_granted_patents(&app, 40).await;
    }
}

/// Nested relations go through the batching loaders; their number of statements must not grow
/// with the rows.
#[tokio::test]
async fn nested_ip_reads_take_a_constant_number_of_statements() {
    let app = TestApp::new().await;
    let admin = admin_principal(app.institution_id("center").await);
    let q = "{ ipAssets(first: 100) { totalCount edges { node { id technology { reference owner { slug } } owners { edges { node { shareBasisPoints institution { slug } } } } familyParent { id } family { totalCount } deadlines(first: 5) { edges { node { dueOn } } } } } } upcomingDeadlines(withinDays: 3650, first: 100) { totalCount edges { node { dueOn ipAsset { id owners { totalCount } technology { reference } } } } } }";
    // Every relation has rows to load from the start (the demo data has no family parent).
    add_granted_patents(&app, 1).await;
    let before = statements(&app, admin.clone(), q).await;
    add_granted_patents(&app, 40).await;
    let after = statements(&app, admin, q).await;
    // Each level's keys make one batch. But the two root fields run their own statements
    // beside the loaders, and a "belongs to" batch that goes while one of them is still in
    // flight cannot wait for the keys its rows will bring: one or two statements more or less,
    // depending on which root answers first. A query per row would add 40.
    assert!(
        after.abs_diff(before) <= 2,
        "statements grow with the rows: {before} with 1 extra asset, {after} with 41"
    );
}
