//! BioBridge's database schema as sea-orm migrations.
//!
//! Migrations are frozen history: once released, a migration file is never edited; a schema
//! change is a new migration appended to [`Migrator::migrations`]. They use sea-query schema
//! builders only (no raw SQL), so the same migration runs on SQLite and PostgreSQL.

pub use sea_orm_migration::prelude::*;

mod m20261125_000001_initial_schema;
mod m20261127_000001_references_per_owner;
mod m20261127_000002_orcid_per_institution;
mod m20261127_000003_agreement_initiator;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261125_000001_initial_schema::Migration),
            Box::new(m20261127_000001_references_per_owner::Migration),
            Box::new(m20261127_000002_orcid_per_institution::Migration),
            Box::new(m20261127_000003_agreement_initiator::Migration),
        ]
    }
}
