//! Calendar feeds: `GET /calendar/deadlines.ics`, `/calendar/milestones.ics` and
//! `/calendar/training.ics`, each with `?token=<feed token>` (calendar apps cannot send an
//! `Authorization` header). See `service::calendar`.
//!
//! Every failure to authenticate — no token, an unknown, revoked or malformed one, a disabled
//! user — is the same `404 Not Found` as an unknown feed, so the answer never tells whether a
//! token exists. The feed is personal: caches may keep it only privately, and briefly.

use axum::{
    extract::{Path, Query, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use chrono::Utc;
use serde::Deserialize;

use super::AppState;
use crate::{
    error::AppError,
    service::calendar::{
        feeds::{self, Feed},
        ics, tokens,
    },
};

/// How long a calendar app or a private cache may keep a feed (seconds).
pub const MAX_AGE_SECS: u32 = 900;

#[derive(Deserialize)]
pub struct FeedParams {
    token: Option<String>,
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        "no such calendar feed\n",
    )
        .into_response()
}

fn failure(err: AppError) -> Response {
    match err {
        AppError::Unavailable(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            [
                (
                    header::RETRY_AFTER,
                    crate::error::UNAVAILABLE_RETRY_AFTER_SECS.to_string(),
                ),
                (header::CACHE_CONTROL, "no-store".to_owned()),
            ],
            "the calendar is unavailable for a moment; try again shortly\n",
        )
            .into_response(),
        err => {
            if let AppError::Internal(cause) = &err {
                tracing::error!(error = ?cause, "internal error in a calendar feed");
            }
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                [(header::CACHE_CONTROL, "no-store")],
                "internal error\n",
            )
                .into_response()
        }
    }
}

/// `GET /calendar/{feed}?token=…`
pub async fn feed(
    State(state): State<AppState>,
    Path(file): Path<String>,
    Query(params): Query<FeedParams>,
) -> Response {
    let Some(feed) = Feed::from_file_name(&file) else {
        return not_found();
    };
    let Some(secret) = params.token.as_deref() else {
        return not_found();
    };
    let principal = match tokens::principal_for(&state.db, secret).await {
        Ok(Some(p)) => p,
        Ok(None) => return not_found(),
        Err(err) => return failure(err),
    };
    let now = Utc::now();
    let calendar = match feeds::build(
        &state.db,
        &principal,
        feed,
        &state.config.reminder_lead_days,
        now.date_naive(),
    )
    .await
    {
        Ok(c) => c,
        Err(err) => return failure(err),
    };
    let disposition = format!("inline; filename=\"{}\"", feed.file_name());
    let mut res = (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CONTENT_DISPOSITION, disposition.as_str()),
        ],
        ics::render(&calendar, now),
    )
        .into_response();
    let headers = res.headers_mut();
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_str(&format!("private, max-age={MAX_AGE_SECS}"))
            .unwrap_or(HeaderValue::from_static("private")),
    );
    headers.insert(
        header::LAST_MODIFIED,
        HeaderValue::from_str(&now.format("%a, %d %b %Y %H:%M:%S GMT").to_string())
            .unwrap_or(HeaderValue::from_static("Thu, 01 Jan 1970 00:00:00 GMT")),
    );
    // The URL holds a secret: never pass it on to another site.
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    res
}
