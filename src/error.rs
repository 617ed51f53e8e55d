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
    /// The database cannot be reached (down, restarting, or every connection is stuck): HTTP 503
    /// with `Retry-After`. Nothing the client did; retrying later is the right move.
    Unavailable(anyhow::Error),
    Internal(anyhow::Error),
}

/// Seconds a client is told to wait (`Retry-After`, `extensions.retryAfter`) when the database
/// is unavailable: long enough for a restart or fail-over, short enough to recover promptly.
pub const UNAVAILABLE_RETRY_AFTER_SECS: u64 = 5;

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

    /// A copy of an error shared by a DataLoader: its kind is kept (`UNAVAILABLE` stays so),
    /// the cause becomes text.
    pub fn from_shared(err: &AppError) -> AppError {
        match err {
            AppError::Unavailable(cause) => AppError::Unavailable(anyhow::anyhow!("{cause:#}")),
            AppError::Internal(cause) => AppError::Internal(anyhow::anyhow!("{cause:#}")),
            other => AppError::Internal(anyhow::anyhow!("{other:?}")),
        }
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
            AppError::Unavailable(_) => {
                "the database is unavailable; retry in a few seconds".into()
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
            AppError::Unavailable(_) => "UNAVAILABLE",
            AppError::Internal(_) => "INTERNAL",
        }
    }

    /// The GraphQL error the client sees.
    pub fn into_graphql(self) -> async_graphql::Error {
        match &self {
            AppError::Internal(cause) => tracing::error!(error = ?cause, "internal error"),
            AppError::Unavailable(cause) => {
                tracing::warn!(error = %cause, "database unavailable")
            }
            _ => {}
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
                AppError::Unavailable(_) => ext.set("retryAfter", UNAVAILABLE_RETRY_AFTER_SECS),
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
    /// Constraint violations are the client's doing and say which field; an unreachable
    /// database is `UNAVAILABLE`; anything else is ours.
    fn from(err: DbErr) -> Self {
        if is_unavailable(&err) {
            return AppError::Unavailable(err.into());
        }
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

/// Whether `err` means the database cannot be reached, rather than that a statement failed:
/// the pool gave up waiting for a connection (the database is down, or every connection is
/// stuck), a connection broke mid-statement, or the server is shutting down or starting up.
/// The one place that decides what becomes `UNAVAILABLE`.
pub fn is_unavailable(err: &DbErr) -> bool {
    use sea_orm::{RuntimeErr, sqlx::Error as Sqlx};
    match err {
        DbErr::ConnectionAcquire(_) => true,
        DbErr::Conn(RuntimeErr::SqlxError(e))
        | DbErr::Exec(RuntimeErr::SqlxError(e))
        | DbErr::Query(RuntimeErr::SqlxError(e)) => match e.as_ref() {
            Sqlx::Io(_)
            | Sqlx::Tls(_)
            | Sqlx::PoolTimedOut
            | Sqlx::PoolClosed
            | Sqlx::WorkerCrashed => true,
            // SQLSTATE class 08 (connection exception) and 57P01–57P03 (the server is
            // shutting down, crashed, or not yet accepting connections).
            Sqlx::Database(db) => db
                .code()
                .is_some_and(|c| c.starts_with("08") || matches!(&*c, "57P01" | "57P02" | "57P03")),
            _ => false,
        },
        DbErr::Conn(_) => true,
        _ => false,
    }
}

/// The input field a unique violation is about, the same on both backends. PostgreSQL names
/// the constraint (`uq_<table>_<columns>`), SQLite the columns (`<table>.<col>, <table>.<col>`);
/// both are turned into the constraint name and looked up in [`UNIQUE_FIELDS`].
fn constraint_field(msg: &str) -> Option<String> {
    let name = if let Some(start) = msg.find("uq_") {
        msg[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect::<String>()
    } else {
        let columns: Vec<(&str, &str)> = msg
            .rsplit("failed: ")
            .next()?
            .split(',')
            .filter_map(|c| c.trim().split_once('.'))
            .collect();
        let table = columns.first()?.0;
        let cols: Vec<&str> = columns.iter().map(|(_, c)| *c).collect();
        format!("uq_{table}_{}", cols.join("_"))
    };
    UNIQUE_FIELDS
        .iter()
        .find(|(constraint, _)| *constraint == name)
        .map(|(_, field)| (*field).to_owned())
}

/// Every unique constraint of the schema and the input field a client fixes to resolve it.
/// Composite constraints name the list the duplicate is in, not the parent's id.
const UNIQUE_FIELDS: &[(&str, &str)] = &[
    ("uq_institutions_slug", "slug"),
    ("uq_institutions_ror_id", "rorId"),
    ("uq_users_email", "email"),
    ("uq_api_tokens_prefix", "token"),
    ("uq_api_tokens_secret_hash", "token"),
    ("uq_people_institution_id_orcid", "orcid"),
    ("uq_technologies_owner_id_reference", "reference"),
    (
        "uq_technology_translations_technology_id_lang",
        "translations.lang",
    ),
    (
        "uq_technology_inventors_technology_id_person_id",
        "inventors",
    ),
    ("uq_ip_ownerships_ip_asset_id_institution_id", "owners"),
    ("uq_deadline_records_ip_asset_id_act", "deadlineId"),
    ("uq_ip_responsibles_ip_asset_id", "ipAssetId"),
    ("uq_enrollments_program_id_person_id", "personId"),
    ("uq_venture_founders_venture_id_person_id", "founders"),
    (
        "uq_agreement_parties_agreement_id_institution_id",
        "parties",
    ),
    ("uq_institution_email_domains_domain", "emailDomains"),
    ("uq_ip_change_approvals_ip_change_id_institution_id", "id"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unique_violation_names_the_field_on_both_backends() {
        assert_eq!(
            constraint_field(
                r#"duplicate key value violates unique constraint "uq_technologies_owner_id_reference""#
            )
            .as_deref(),
            Some("reference")
        );
        assert_eq!(
            constraint_field(
                "UNIQUE constraint failed: technologies.owner_id, technologies.reference"
            )
            .as_deref(),
            Some("reference")
        );
        let sqlite = "UNIQUE constraint failed: enrollments.program_id, enrollments.person_id";
        let postgres = r#"duplicate key value violates unique constraint "uq_enrollments_program_id_person_id""#;
        assert_eq!(constraint_field(sqlite).as_deref(), Some("personId"));
        assert_eq!(constraint_field(postgres).as_deref(), Some("personId"));
        assert_eq!(
            constraint_field(r#"violates unique constraint "uq_api_tokens_secret_hash""#)
                .as_deref(),
            Some("token")
        );
    }
}
