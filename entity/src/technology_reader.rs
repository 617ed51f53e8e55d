//! `technology_readers`: the institutions related to each technology — its owner, its IP
//! assets' co-owners, its deals' parties, its inventors' institutions —, whose confidential
//! readers may see it whatever its visibility.
//!
//! Derived data, kept by database triggers on the tables it comes from (see the migration
//! `m20261128_000001_technology_readers`); the application only reads it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "technology_readers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub institution_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false, indexed)]
    pub technology_id: Uuid,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
