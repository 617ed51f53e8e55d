//! `GET /reports/statistics.csv` and `.xlsx`: the statistics as spreadsheets, with the same
//! authentication, scope and small-cell protection as the GraphQL field.

use std::io::Cursor;

use axum::{
    body::Body,
    http::{Method, Request, header},
};
use calamine::{Data, Reader, Xlsx};
use serde_json::json;

use crate::support::{Reply, TestApp};

async fn get(app: &TestApp, token: Option<&str>, uri: &str) -> (Reply, Vec<u8>) {
    let mut req = Request::builder().method(Method::GET).uri(uri);
    if let Some(t) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    let res = tower::ServiceExt::oneshot(app.router.clone(), req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = http_body_util::BodyExt::collect(res.into_body())
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let body = serde_json::from_str(&text).unwrap_or(serde_json::Value::Null);
    (
        Reply {
            status,
            headers,
            body,
            text,
        },
        bytes,
    )
}

const INCOME_2026: &str =
    "/reports/statistics.csv?table=licenseIncome&from=2026-01-01&to=2026-12-31";

#[tokio::test]
async fn the_csv_export_matches_the_statistics_and_withholds_small_cells() {
    let app = TestApp::new().await;
    let analyst = app.user_token("analyst@center.example").await;
    let (r, _) = get(&app, Some(&analyst), INCOME_2026).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    assert!(r.text.starts_with('\u{feff}'), "a BOM for Excel");
    let lines: Vec<&str> = r.text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        lines[0],
        "breakdown,key,name,count,amount BAM,amount CNY,amount EUR"
    );
    // The same figures as the GraphQL field (tests/api/statistics.rs).
    assert_eq!(lines[1], "total,,,7,suppressed,278750.00,suppressed");
    assert!(
        lines.contains(&"year,2026,,7,suppressed,278750.00,suppressed"),
        "{lines:?}"
    );
    // Names survive in their own scripts.
    assert!(
        lines.contains(&"institution,fudan,Fudan University (复旦大学),4,,278750.00,suppressed"),
        "{lines:?}"
    );
    let (r, _) = get(
        &app,
        Some(&analyst),
        "/reports/statistics.csv?table=inventionDisclosures&from=2026-01-01&to=2026-12-31",
    )
    .await;
    assert!(
        r.text
            .contains("institution,unibl,University of Banja Luka (Univerzitet u Banjoj Luci),1"),
        "{}",
        r.text
    );

    // A party sees its own figures.
    let fudan = app.token("fudan", "MEMBER").await;
    let (r, _) = get(&app, Some(&fudan), INCOME_2026).await;
    let lines: Vec<&str> = r.text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines[0], "breakdown,key,name,count,amount CNY,amount EUR");
    assert_eq!(lines[1], "total,,,4,278750.00,20000.00");
}

#[tokio::test]
async fn the_exports_refuse_outsiders_as_the_graphql_field_does() {
    let app = TestApp::new().await;
    let (r, _) = get(&app, None, INCOME_2026).await;
    assert_eq!(r.status, 401);
    assert_eq!(r.body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
    let (r, _) = get(&app, None, "/reports/statistics.xlsx").await;
    assert_eq!(r.status, 401);

    let manager = app.user_token("manager@sumhs.example").await;
    let create =
        "mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) { token } }";
    let token = app
        .gql(
            Some(&manager),
            create,
            json!({ "input": { "name": "erp", "scopes": ["deal:read"] } }),
        )
        .await
        .data()["createApiToken"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let (r, _) = get(&app, Some(&token), INCOME_2026).await;
    assert_eq!(r.status, 403);
    assert_eq!(r.body["errors"][0]["extensions"]["code"], "FORBIDDEN");

    // bg's own statistics hold no income: nothing of sumhs's or unibl's leaks.
    let bg = app.user_token("member@bg.example").await;
    let (r, _) = get(
        &app,
        Some(&bg),
        "/reports/statistics.csv?table=licenseIncome&from=2023-01-01&to=2026-12-31",
    )
    .await;
    assert_eq!(r.status, 200);
    let lines: Vec<&str> = r.text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines, vec!["breakdown,key,name,count", "total,,,0"]);
    let (r, _) = get(
        &app,
        Some(&bg),
        "/reports/statistics.csv?table=crossBorderInstitutions&from=2023-01-01&to=2026-12-31",
    )
    .await;
    assert_eq!(
        r.text.trim_start_matches('\u{feff}').lines().count(),
        1,
        "{}",
        r.text
    );

    let analyst = app.user_token("analyst@center.example").await;
    let (r, _) = get(&app, Some(&analyst), "/reports/statistics.csv?table=nope").await;
    assert_eq!(r.status, 400);
    assert_eq!(r.body["errors"][0]["extensions"]["field"], "table");
    let (r, _) = get(&app, Some(&analyst), "/reports/statistics.csv").await;
    assert_eq!(r.status, 400);
}

#[tokio::test]
async fn the_xlsx_export_has_one_sheet_per_table() {
    let app = TestApp::new().await;
    let analyst = app.user_token("analyst@center.example").await;
    let (r, bytes) = get(
        &app,
        Some(&analyst),
        "/reports/statistics.xlsx?from=2026-01-01&to=2026-12-31",
    )
    .await;
    assert_eq!(r.status, 200);
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(bytes)).expect("an XLSX workbook");
    let names = book.sheet_names();
    assert_eq!(names.len(), 15, "{names:?}");
    assert!(names.contains(&"crossBorderInstitutions".to_owned()));
    let income = book.worksheet_range("licenseIncome").unwrap();
    assert_eq!(income.get((0, 4)), Some(&Data::String("amount BAM".into())));
    assert_eq!(income.get((1, 0)), Some(&Data::String("total".into())));
    assert_eq!(income.get((1, 3)), Some(&Data::Float(7.0)));
    assert_eq!(income.get((1, 4)), Some(&Data::String("suppressed".into())));
    assert_eq!(income.get((1, 5)), Some(&Data::Float(278750.0)));
    let flows = book.worksheet_range("crossBorderInstitutions").unwrap();
    let rows: Vec<Vec<String>> = flows
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    let unibl_sumhs = rows
        .iter()
        .find(|r| {
            r[0].starts_with("University of Banja Luka") && r[1].starts_with("Shanghai University")
        })
        .unwrap_or_else(|| panic!("{rows:?}"));
    // The two unibl teachers accepted in the sumhs program (column trainingParticipants).
    assert_eq!(unibl_sumhs[6], "2");

    // One table only, when named.
    let (_, bytes) = get(
        &app,
        Some(&analyst),
        "/reports/statistics.xlsx?table=ventures&from=2026-01-01&to=2026-12-31",
    )
    .await;
    let book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    assert_eq!(book.sheet_names(), vec!["ventures".to_owned()]);
}
