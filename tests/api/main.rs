//! Integration tests: GraphQL over HTTP against the real router, on SQLite by default and on
//! PostgreSQL when `TEST_POSTGRES_URL` is set. One binary, so the suite links once.

mod support;

mod auth;
mod http_spec;
mod institutions;
mod ip;
mod ip_writes;
mod schema;
mod startup;
mod technologies;
mod technology_writes;
