//! Statistics exports for spreadsheets: `GET /reports/statistics.csv?table=…&from=…&to=…` (one
//! table, UTF-8 with a byte-order mark so Excel reads Chinese and Serbian names) and
//! `GET /reports/statistics.xlsx` (one sheet per table; `table=` narrows it to one). Same bearer
//! authentication, scope and small-cell protection as the GraphQL `statistics` field: the
//! tables come from the same service.

use std::collections::HashMap;

use axum::{
    extract::{Query, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use chrono::{NaiveDate, Utc};
use entity::{
    enums::{Region, TechnologyField},
    institution,
};
use sea_orm::{ActiveEnum, EntityTrait};
use serde::Deserialize;

use super::AppState;
use crate::{
    error::{AppError, AppResult},
    service::statistics::{Scope, StatisticsFilter, tables},
};

/// The query string: the table, the period, and comma-separated regions, institution slugs
/// and fields.
#[derive(Deserialize, Default)]
pub struct ReportParams {
    table: Option<String>,
    from: Option<String>,
    to: Option<String>,
    regions: Option<String>,
    institutions: Option<String>,
    fields: Option<String>,
}

fn list(s: &Option<String>) -> Vec<&str> {
    s.as_deref()
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .collect()
}

fn date(field: &str, s: &Option<String>) -> AppResult<Option<NaiveDate>> {
    s.as_deref()
        .map(|d| {
            NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").map_err(|_| {
                AppError::bad_input(field, format!("{d:?} is not a date (YYYY-MM-DD)"))
            })
        })
        .transpose()
}

fn enum_list<E: ActiveEnum<Value = String>>(field: &str, s: &Option<String>) -> AppResult<Vec<E>> {
    list(s)
        .into_iter()
        .map(|v| {
            E::try_from_value(&v.to_owned())
                .map_err(|_| AppError::bad_input(field, format!("{v:?} is not a valid value")))
        })
        .collect()
}

/// Authenticates, scopes and computes the tables asked for.
async fn tables_for(
    state: &AppState,
    headers: &HeaderMap,
    params: &ReportParams,
    one_table: bool,
) -> AppResult<Vec<tables::Table>> {
    let principal = state.auth.principal(headers).await?;
    if one_table && params.table.is_none() {
        return Err(AppError::bad_input(
            "table",
            "name the table to export, e.g. table=licenseIncome",
        ));
    }
    let slugs = list(&params.institutions);
    let by_slug: HashMap<String, institution::Model> = institution::Entity::find()
        .all(&state.db)
        .await?
        .into_iter()
        .map(|i| (i.slug.clone(), i))
        .collect();
    let institution_ids = slugs
        .iter()
        .map(|s| {
            by_slug
                .get(*s)
                .map(|i| i.id)
                .ok_or_else(|| AppError::bad_input("institutions", format!("no institution {s:?}")))
        })
        .collect::<AppResult<Vec<_>>>()?;
    let filter = StatisticsFilter {
        from: date("from", &params.from)?,
        to: date("to", &params.to)?,
        regions: enum_list::<Region>("regions", &params.regions)?,
        institution_ids,
        fields: enum_list::<TechnologyField>("fields", &params.fields)?,
    };
    let scope = Scope::new(
        &principal,
        filter,
        state.config.stats_min_cell,
        Utc::now().date_naive(),
    )?;
    tables::build(&state.db, &scope, params.table.as_deref(), &by_slug).await
}

fn error_response(err: AppError) -> Response {
    let status = match &err {
        AppError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
        AppError::Forbidden(_) => StatusCode::FORBIDDEN,
        AppError::BadUserInput { .. } => StatusCode::BAD_REQUEST,
        AppError::NotFound(_) => StatusCode::NOT_FOUND,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    let code = err.code();
    let field = match &err {
        AppError::BadUserInput { field, .. } => Some(field.clone()),
        _ => None,
    };
    if let AppError::Internal(cause) = &err {
        tracing::error!(error = ?cause, "internal error in a statistics export");
    }
    let body = serde_json::json!({
        "errors": [{ "message": err.message(), "extensions": { "code": code, "field": field } }]
    });
    let mut res = (status, axum::Json(body)).into_response();
    if status == StatusCode::UNAUTHORIZED {
        res.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            header::HeaderValue::from_static("Bearer"),
        );
    }
    res
}

/// RFC 4180: quote a field holding a comma, quote, or line break; double its quotes.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// The table as CSV: UTF-8 with a byte-order mark, CRLF line ends.
pub fn to_csv(table: &tables::Table) -> String {
    let mut out = String::from("\u{feff}");
    for row in &table.rows {
        let line: Vec<String> = row.iter().map(|f| csv_field(f)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

/// The tables as an XLSX workbook, one sheet per table; counts and amounts as numbers.
pub fn to_xlsx(tables: &[tables::Table]) -> AppResult<Vec<u8>> {
    let mut book = rust_xlsxwriter::Workbook::new();
    for t in tables {
        let sheet = book.add_worksheet();
        // Sheet names are at most 31 characters.
        let name: String = t.name.chars().take(31).collect();
        sheet.set_name(&name).map_err(AppError::internal)?;
        for (r, row) in t.rows.iter().enumerate() {
            for (c, value) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match value.parse::<f64>() {
                    Ok(n) if r > 0 && !value.is_empty() && c > 1 => sheet.write_number(r, c, n),
                    _ => sheet.write_string(r, c, value),
                }
                .map_err(AppError::internal)?;
            }
        }
    }
    book.save_to_buffer().map_err(AppError::internal)
}

fn attachment(name: &str) -> String {
    format!("attachment; filename=\"{name}\"")
}

/// `GET /reports/statistics.csv`
pub async fn csv(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<ReportParams>,
) -> Response {
    match tables_for(&state, &headers, &params, true).await {
        Ok(tables) => {
            let table = &tables[0];
            (
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                    (
                        header::CONTENT_DISPOSITION,
                        attachment(&format!("statistics-{}.csv", table.name)),
                    ),
                    (header::CACHE_CONTROL, "no-store".to_owned()),
                ],
                to_csv(table),
            )
                .into_response()
        }
        Err(e) => error_response(e),
    }
}

/// `GET /reports/statistics.xlsx`
pub async fn xlsx(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<ReportParams>,
) -> Response {
    let result = match tables_for(&state, &headers, &params, false).await {
        Ok(tables) => to_xlsx(&tables),
        Err(e) => Err(e),
    };
    match result {
        Ok(bytes) => (
            [
                (
                    header::CONTENT_TYPE,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
                ),
                (header::CONTENT_DISPOSITION, attachment("statistics.xlsx")),
                (header::CACHE_CONTROL, "no-store".to_owned()),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => error_response(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_what_needs_quoting_and_starts_with_a_bom() {
        let t = tables::Table {
            name: "t",
            rows: vec![
                vec!["name".into(), "amount EUR".into()],
                vec![
                    "Univerzitet u Banjoj Luci, \"UNIBL\"".into(),
                    "15000.00".into(),
                ],
                vec!["上海健康医学院".into(), "suppressed".into()],
            ],
        };
        let csv = to_csv(&t);
        assert!(csv.starts_with('\u{feff}'));
        assert!(csv.contains("\"Univerzitet u Banjoj Luci, \"\"UNIBL\"\"\",15000.00\r\n"));
        assert!(csv.contains("上海健康医学院,suppressed\r\n"));
    }
}
