//! An ORCID iD is unique per institution, not across the consortium: registering a researcher
//! can never answer CONFLICT about a person of another institution the caller may not see.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLE: &str = "people";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("uq_people_orcid")
                    .table(TABLE)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_people_institution_id_orcid")
                    .table(TABLE)
                    .col("institution_id")
                    .col("orcid")
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("uq_people_institution_id_orcid")
                    .table(TABLE)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_people_orcid")
                    .table(TABLE)
                    .col("orcid")
                    .unique()
                    .to_owned(),
            )
            .await
    }
}
