//! Integration tests: GraphQL over HTTP against the real router, on SQLite by default and on
//! PostgreSQL when `TEST_POSTGRES_URL` is set. One binary, so the suite links once.

mod support;

mod accounts;
mod api_tokens;
mod audit_events;
mod auth;
mod batching;
mod deals;
mod http_spec;
mod institutions;
mod ip;
mod ip_writes;
mod jwt_attacks;
mod login;
mod royalties;
mod schema;
mod startup;
mod technologies;
mod technology_writes;
mod visibility_matrix;
