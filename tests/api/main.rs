//! Integration tests: GraphQL over HTTP against the real router, on SQLite by default and on
//! PostgreSQL when `TEST_POSTGRES_URL` is set. One binary, so the suite links once.

mod support;

mod accounts;
mod agreements;
mod api_tokens;
mod audit_events;
mod auth;
mod batching;
mod deals;
mod http_spec;
mod institution_writes;
mod institutions;
mod ip;
mod ip_writes;
mod jwt_attacks;
mod live;
mod login;
mod people;
mod royalties;
mod schema;
mod startup;
mod story;
mod technologies;
mod technology_writes;
mod training;
mod training_capacity;
mod ventures;
mod visibility_matrix;
