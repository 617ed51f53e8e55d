//! Integration tests: GraphQL over HTTP against the real router, on SQLite by default and on
//! PostgreSQL when `TEST_POSTGRES_URL` is set. One binary, so the suite links once.

mod support;

mod agreements;
mod auth;
mod http_spec;
mod institution_writes;
mod institutions;
mod people;
mod schema;
mod startup;
mod technologies;
mod technology_writes;
mod training;
mod training_capacity;
mod ventures;
