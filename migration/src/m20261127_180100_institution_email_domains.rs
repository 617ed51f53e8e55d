//! `institution_email_domains`: the e-mail domains an institution has registered. A user's
//! address must lie in one of their institution's domains, and a domain belongs to at most one
//! institution, so an e-mail uniqueness conflict can only ever concern the caller's own people.
//!
//! Domains are stored lower-case (a CHECK enforces it); the unique index on `domain` is what
//! makes a domain one institution's.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLE: &str = "institution_email_domains";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(TABLE)
                    .col(pk_uuid("id"))
                    .col(uuid("institution_id"))
                    .col(string_len("domain", 253))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_institution_email_domains_institution_id")
                            .from(TABLE, "institution_id")
                            .to("institutions", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .check((
                        "ck_institution_email_domains_domain",
                        Expr::col("domain").eq(Func::lower(Expr::col("domain"))),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_institution_email_domains_domain")
                    .table(TABLE)
                    .col("domain")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_institution_email_domains_institution_id")
                    .table(TABLE)
                    .col("institution_id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(TABLE).to_owned())
            .await
    }
}
