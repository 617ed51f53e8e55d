//! Liveness and readiness probes.

use std::time::Duration;

use axum::{extract::State, http::StatusCode, response::IntoResponse};
use migration::MigratorTrait;

use super::AppState;

/// A readiness probe answers within this, whatever the database does: an orchestrator's probe
/// (typically 1 s) must see "not ready", not a timeout, while PostgreSQL is down.
const READY_DEADLINE: Duration = Duration::from_millis(800);

/// The process is up.
pub async fn healthz() -> impl IntoResponse {
    (StatusCode::OK, "ok\n")
}

/// The database answers and every migration has been applied.
pub async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    match tokio::time::timeout(READY_DEADLINE, readiness(&state)).await {
        Ok(answer) => answer,
        Err(_) => {
            tracing::warn!("readiness: the database did not answer in time");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "database unreachable\n".to_owned(),
            )
        }
    }
}

async fn readiness(state: &AppState) -> (StatusCode, String) {
    if let Err(err) = state.db.ping().await {
        tracing::warn!(error = %err, "readiness: database unreachable");
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "database unreachable\n".to_owned(),
        );
    }
    match migration::Migrator::get_pending_migrations(&state.db).await {
        Ok(pending) if pending.is_empty() => (StatusCode::OK, "ready\n".to_owned()),
        Ok(pending) => (
            StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "{} migration(s) pending: run `biobridge migrate up`\n",
                pending.len()
            ),
        ),
        Err(err) => {
            tracing::warn!(error = %err, "readiness: cannot read migration status");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "migration status unknown\n".to_owned(),
            )
        }
    }
}
