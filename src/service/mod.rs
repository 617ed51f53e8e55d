//! The service layer: domain rules as plain functions on a database connection, with no
//! GraphQL types. Resolvers call these; tests call them without HTTP.

pub mod audit;
pub mod technology;
