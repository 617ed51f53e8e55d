//! Integration tests: GraphQL over HTTP against the real router, on SQLite by default and on
//! PostgreSQL when `TEST_POSTGRES_URL` is set. One binary, so the suite links once.

mod support;

mod accounts;
mod agreements;
mod api_tokens;
mod audit_events;
mod auth;
mod auth_cache;
mod batching;
mod browser;
mod connections;
mod deals;
mod docket;
mod graphiql;
mod http_spec;
mod idempotency;
mod input_hardening;
mod institution_writes;
mod institutions;
mod ip;
mod ip_writes;
mod jwt_attacks;
mod licences;
mod limits;
mod live;
mod login;
mod login_limits;
mod outage;
mod people;
mod rate_limits;
mod royalties;
mod schema;
mod startup;
mod startups;
mod statistics;
mod statistics_exports;
mod statistics_load;
mod story;
mod technologies;
mod technology_writes;
mod training;
mod training_capacity;
mod uniqueness_oracles;
mod ventures;
mod visibility_matrix;
