//! The one error type of the service and its mapping to the wire.
//!
//! Every failure a request can meet is an [`AppError`]; it becomes a GraphQL error with a stable
//! `extensions.code` (DESIGN.md lists them) in exactly one place, [`AppError::into_graphql`].
//! Internal errors are logged with their cause and reach the client only as "internal error".

use async_graphql::ErrorExtensions;
use sea_orm::{DbErr, SqlErr};

pub type AppResult<T> = Result<T, AppError>;

/// Deliberately not `Display`: async-graphql converts any `Display` type into an error without
/// a code, so `?` must go through [`AppError::into_graphql`] (the `From` impl below) instead.
#[derive(Debug)]
pub enum AppError {
    Unauthenticated(String),
    Forbidden(String),
    NotFound(&'static str),
    BadUserInput {
        field: String,
        message: String,
    },
    Conflict {
        field: Option<String>,
        message: String,
    },
    RateLimited {
        retry_after_secs: u64,
    },
    Internal(anyhow::Error),
}

impl AppError {
    pub fn bad_input(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::BadUserInput {
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn internal(err: impl Into<anyhow::Error>) -> Self {
        AppError::Internal(err.into())
    }

    /// The message the client sees.
    pub fn message(&self) -> String {
        match self {
            AppError::Unauthenticated(m) | AppError::Forbidden(m) => m.clone(),
            AppError::NotFound(what) => format!("{what} not found"),
            AppError::BadUserInput { message, .. } | AppError::Conflict { message, .. } => {
                message.clone()
            }
            AppError::RateLimited { retry_after_secs } => {
                format!("too many attempts; retry in {retry_after_secs} s")
            }
            AppError::Internal(_) => "internal error".into(),
        }
    }

    /// The `extensions.code` of this error.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated(_) => "UNAUTHENTICATED",
            AppError::Forbidden(_) => "FORBIDDEN",
            AppError::NotFound(_) => "NOT_FOUND",
            AppError::BadUserInput { .. } => "BAD_USER_INPUT",
            AppError::Conflict { .. } => "CONFLICT",
            AppError::RateLimited { .. } => "RATE_LIMITED",
            AppError::Internal(_) => "INTERNAL",
        }
    }

    /// The GraphQL error the client sees.
    pub fn into_graphql(self) -> async_graphql::Error {
        if let AppError::Internal(cause) = &self {
            tracing::error!(error = ?cause, "internal error");
        }
        let code = self.code();
        let message = self.message();
        async_graphql::Error::new(message).extend_with(|_, ext| {
            ext.set("code", code);
            match &self {
                AppError::BadUserInput { field, .. } => ext.set("field", field.as_str()),
                AppError::Conflict {
                    field: Some(field), ..
                } => ext.set("field", field.as_str()),
                AppError::RateLimited { retry_after_secs } => {
                    ext.set("retryAfter", *retry_after_secs)
                }
                _ => {}
            }
        })
    }
}

impl From<AppError> for async_graphql::Error {
    fn from(err: AppError) -> Self {
        err.into_graphql()
    }
}

impl From<DbErr> for AppError {
    /// Constraint violations are the client's doing and say which field; anything else is ours.
    fn from(err: DbErr) -> Self {
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(msg)) => {
                let field = constraint_field(&msg);
                AppError::Conflict {
                    message: match &field {
                        Some(f) => format!("a record with this {f} already exists"),
                        None => "a record with these values already exists".into(),
                    },
                    field,
                }
            }
            Some(SqlErr::ForeignKeyConstraintViolation(_)) => AppError::bad_input(
                "input",
                "a referenced record does not exist or is still referenced",
            ),
            _ => AppError::Internal(err.into()),
        }
    }
}

/// The column a unique violation is about, in GraphQL's camelCase. PostgreSQL names the
/// constraint (`uq_<table>_<column>`), SQLite the column (`<table>.<column>`).
fn constraint_field(msg: &str) -> Option<String> {
    let column = if let Some(start) = msg.find("uq_") {
        let name: String = msg[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        // uq_<table>_<column>: tables are plural words joined by `_`, so match known tables.
        TABLES
            .iter()
            .filter_map(|t| name.strip_prefix(&format!("uq_{t}_")))
            .max_by_key(|rest| usize::MAX - rest.len())
            .map(str::to_owned)?
    } else {
        let after = msg.rsplit("failed: ").next()?;
        let first = after.split(',').next()?.trim();
        first.split('.').nth(1)?.to_owned()
    };
    Some(to_camel(&column))
}

const TABLES: &[&str] = &[
    "institutions",
    "users",
    "api_tokens",
    "people",
    "technologies",
    "technology_translations",
    "technology_inventors",
    "ip_assets",
    "ip_ownerships",
    "deals",
    "royalty_reports",
    "ventures",
    "venture_founders",
    "training_programs",
    "enrollments",
    "agreement_parties",
];

fn to_camel(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unique_violation_names_the_field_on_both_backends() {
        assert_eq!(
            constraint_field(
                r#"duplicate key value violates unique constraint "uq_technologies_reference""#
            )
            .as_deref(),
            Some("reference")
        );
        assert_eq!(
            constraint_field("UNIQUE constraint failed: technologies.reference").as_deref(),
            Some("reference")
        );
        assert_eq!(
            constraint_field(
                "UNIQUE constraint failed: ip_ownerships.ip_asset_id, ip_ownerships.institution_id"
            )
            .as_deref(),
            Some("ipAssetId")
        );
        assert_eq!(
            constraint_field(r#"violates unique constraint "uq_api_tokens_secret_hash""#)
                .as_deref(),
            Some("secretHash")
        );
    }
}
