//! BioBridge's database schema as sea-orm migrations.
//!
//! Migrations are frozen history: once released, a migration file is never edited; a schema
//! change is a new migration appended to [`Migrator::migrations`]. They use sea-query schema
//! builders only (no raw SQL), so the same migration runs on SQLite and PostgreSQL.

pub use sea_orm_migration::prelude::*;

mod m20261125_000001_initial_schema;
mod m20261127_000002_royalty_dispute_reason;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261125_000001_initial_schema::Migration),
            Box::new(m20261127_000002_royalty_dispute_reason::Migration),
        ]
    }
}
