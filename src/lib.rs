//! BioBridge: the GraphQL API of a collaborative innovation center for biomedical technology
//! transfer between the Yangtze River Delta and the Balkan Peninsula.
//!
//! Layout: `config` (layered settings), `db` (connection, migrations), `auth` (who is asking),
//! `policy` (who sees what — the only place visibility is decided), `graphql` (the schema, thin
//! resolvers), `http` (the endpoint, GraphiQL, health, the accept loop), `rate_limit` (bounded
//! in-memory throttles and cost budgets), `seed` (demo data), `cli`.

pub mod auth;
pub mod cli;
pub mod config;
pub mod db;
pub mod error;
pub mod graphql;
pub mod http;
pub mod policy;
pub mod rate_limit;
pub mod seed;
pub mod service;
