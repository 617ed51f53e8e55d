//! BioBridge's database schema as sea-orm migrations.
//!
//! Migrations are frozen history: once released, a migration file is never edited; a schema
//! change is a new migration appended to [`Migrator::migrations`]. They use sea-query schema
//! builders, so the same migration runs on SQLite and PostgreSQL; raw SQL only where the
//! builders have no form (rebuilding a SQLite table, triggers), written out per database.

pub use sea_orm_migration::prelude::*;

mod m20261125_000001_initial_schema;
mod m20261127_000001_deal_kind_equity_contribution;
mod m20261127_000001_references_per_owner;
mod m20261127_000002_deal_contract_value;
mod m20261127_000002_licence_terms;
mod m20261127_000002_orcid_per_institution;
mod m20261127_000002_royalty_dispute_reason;
mod m20261127_000003_agreement_initiator;
mod m20261127_000003_venture_equity;
mod m20261127_000003_venture_founded_on;
mod m20261127_000004_exchange_rates;
mod m20261127_120000_idempotency_keys;
mod m20261127_150000_ip_international_filing_date;
mod m20261127_180100_institution_email_domains;
mod m20261127_180101_ip_changes;
mod m20261127_180300_webhooks;
mod m20261127_180400_royalty_report_api_token;
mod m20261127_180500_deadline_records;
mod m20261127_180510_ip_responsibles;
mod m20261127_180600_licensee_accounts;
mod m20261127_180700_search_text;
mod m20261127_180701_institution_ror_id;
mod m20261127_190000_deadline_reminders;
mod m20261127_200000_ip_costs;
mod m20261127_203000_calendar_feeds;
mod m20261127_203100_deadline_reopenings;
mod m20261128_000001_technology_readers;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261125_000001_initial_schema::Migration),
            Box::new(m20261127_120000_idempotency_keys::Migration),
            Box::new(m20261127_000001_deal_kind_equity_contribution::Migration),
            Box::new(m20261127_000002_deal_contract_value::Migration),
            Box::new(m20261127_000003_venture_founded_on::Migration),
            Box::new(m20261127_000004_exchange_rates::Migration),
            Box::new(m20261127_000002_licence_terms::Migration),
            Box::new(m20261127_000003_venture_equity::Migration),
            Box::new(m20261127_150000_ip_international_filing_date::Migration),
            Box::new(m20261127_000001_references_per_owner::Migration),
            Box::new(m20261127_000002_orcid_per_institution::Migration),
            Box::new(m20261127_000003_agreement_initiator::Migration),
            Box::new(m20261127_000002_royalty_dispute_reason::Migration),
            Box::new(m20261127_180100_institution_email_domains::Migration),
            Box::new(m20261127_180101_ip_changes::Migration),
            Box::new(m20261127_180600_licensee_accounts::Migration),
            Box::new(m20261127_180300_webhooks::Migration),
            Box::new(m20261127_180400_royalty_report_api_token::Migration),
            Box::new(m20261127_180700_search_text::Migration),
            Box::new(m20261127_180701_institution_ror_id::Migration),
            Box::new(m20261127_180500_deadline_records::Migration),
            Box::new(m20261127_180510_ip_responsibles::Migration),
            Box::new(m20261127_190000_deadline_reminders::Migration),
            Box::new(m20261127_203000_calendar_feeds::Migration),
            Box::new(m20261127_203100_deadline_reopenings::Migration),
            Box::new(m20261127_200000_ip_costs::Migration),
            Box::new(m20261128_000001_technology_readers::Migration),
        ]
    }
}
